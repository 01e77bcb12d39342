# shellcheck shell=bash
# Helpers for the VM suite: sourced by run-guest, used by the *.sh suites.
# Every test is a function test_NAME run in its own subshell (under set -e)
# on nslsm in the state of a fresh load (run-guest); an assertion that fails prints why and exits
# the subshell, and so does any command that fails unexpectedly.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
# NSLSM_TEST_PREFIX=DIR (run-deb-guest): the programs installed under DIR
# (bin, sbin, libexec/nslsm) instead of those of build/.
if [ -n "${NSLSM_TEST_PREFIX:-}" ]; then
	NSLSM=$NSLSM_TEST_PREFIX/bin/nslsm
	NSLSMD=$NSLSM_TEST_PREFIX/sbin/nslsmd
	NSLSM_HOOK=$NSLSM_TEST_PREFIX/libexec/nslsm/nslsm-oci-hook
	NSLSM_STATIC=$NSLSM_TEST_PREFIX/libexec/nslsm/nslsm-static
else
	NSLSM=$ROOT/build/nslsm
	NSLSMD=$ROOT/build/nslsmd
	NSLSM_HOOK=$ROOT/build/nslsm-oci-hook
	NSLSM_STATIC=$ROOT/build/nslsm.static
fi
PROBE=$ROOT/build/tests/probe
export NSLSM_AUDIT_LOG=/tmp/nslsm-test/audit.log
SCRATCH=/tmp/nslsm-test
# nslsm's state directory (the object labels file): the scratch area's, so
# no test inherits another's labels (the guest's /var/lib is read-only).
export NSLSM_STATE_DIR=/tmp/nslsm-test/state
# Hooks nslsm attaches to: one link each.
HOOKS=$(grep -c '^NSLSM_HOOK(' "$ROOT/include/nslsm/hooks.def")

die() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_allowed CMD...: CMD is a probe that must print "allowed".
expect_allowed() {
	local out rc=0
	out=$("$@" 2>&1) || rc=$?
	[ "$rc" -eq 0 ] && [ "$out" = allowed ] || die "expected allowed: $* -> rc=$rc: $out"
	echo "allowed: $*"
}

# expect_denied_by MODULE [ERRNO] -- CMD...: denied with ERRNO (default
# EPERM), and the denial is MODULE's: one more audit record from it.
expect_denied_by() {
	local module=$1 errno=EPERM before after out
	shift
	if [ "$1" != -- ]; then
		errno=$1
		shift
	fi
	shift
	before=$("$NSLSM" audit | grep -c "nslsm=\"DENIED\".* module=\"$module\"" || true)
	out=$("$@" 2>&1) || true
	[ "${out%%$'\n'*}" = "denied $errno" ] || die "expected denied $errno: $* -> $out"
	after=$("$NSLSM" audit | grep -c "nslsm=\"DENIED\".* module=\"$module\"" || true)
	[ "$after" -eq $((before + 1)) ] ||
		die "denied, but $module audited $((after - before)) denials, not 1: $*"
	echo "denied by $module: $*"
}

# expect_fail PATTERN CMD...: CMD must fail and say PATTERN.
expect_fail() {
	local pattern=$1 out
	shift
	out=$("$@" 2>&1) && die "expected failure: $* (it printed: $out)"
	case $out in
	*"$pattern"*) echo "failed as expected: $*: $out" ;;
	*) die "expected '$pattern' from: $* -> $out" ;;
	esac
}

# expect_contains PATTERN TEXT
expect_contains() {
	case $2 in
	*"$1"*) ;;
	*) die "expected '$1' in: $2" ;;
	esac
}

expect_not_contains() {
	case $2 in
	*"$1"*) die "did not expect '$1' in: $2" ;;
	esac
}

# wait_for_file FILE: until it is non-empty (10 s at most).
wait_for_file() {
	for _ in $(seq 100); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	die "timed out waiting for $1"
}

# start_target [nslsm run args -- ] PROBE-ARGS: a sleeping probe in the
# background; prints its pid.
target_seq=0
start_target() {
	local out=$SCRATCH/target.$((target_seq += 1))
	"$@" >"$out" 2>&1 &
	local pid=$!
	wait_for_file "$out"
	echo "$pid"
}

# run_in NS CMD...: run CMD enrolled in NS.
run_in() {
	local ns=$1
	shift
	"$NSLSM" run --ns "$ns" -- "$@"
}

# /dev/fuse: the guest kernel has FUSE as a module.
fuse_ready() {
	[ -e /dev/fuse ] || modprobe -d "${NSLSM_VM_KMOD_ROOT:-/}" fuse || die "no FUSE"
	[ -e /dev/fuse ] || die "no /dev/fuse after loading fuse"
}

# start_nslsmd [ARGS...]: nslsmd in the background (killed with the test's
# other jobs); returns once its socket answers.
start_nslsmd() {
	"$NSLSMD" "$@" 2>>"$SCRATCH/nslsmd.log" &
	for _ in $(seq 100); do
		[ -S /run/nslsm/nslsmd.sock ] && return 0
		sleep 0.1
	done
	cat "$SCRATCH/nslsmd.log"
	die "nslsmd did not start"
}

nslsm() {
	"$NSLSM" "$@"
}

# audit_setup NS...: namespaces where Yama forbids every attach, and a
# target for deny_in.
audit_setup() {
	for ns in "$@"; do
		nslsm ns create "$ns" --modules yama
		nslsm ns set "$ns" yama.ptrace_scope=3
	done
	target=$(start_target "$PROBE" sleep 120)
}

# deny_in NS CONTID: one denied attach from NS with CONTID (one record).
deny_in() {
	"$NSLSM" run --ns "$1" --contid "$2" -- "$PROBE" attach "$target" >/dev/null || true
}

STATEDUMP=$ROOT/build/tests/statedump

# nslsm's whole pinned state, as equal for equal states (the AppArmor
# policy epoch and the object-label store's, which reset moves on instead
# of zeroing, left out).
state_dump() {
	"$STATEDUMP" --except aa_epoch --except objlabel_state
}

# What every test starts from, besides nslsm's state: no scratch files, no
# nslsmd socket, and the kernel's own Yama out of the way (its default scope
# is 1: it must not decide for us).
clean_test_env() {
	rm -rf "$SCRATCH" /run/nslsm/nslsmd.sock
	mkdir -p "$SCRATCH"
	if [ -w /proc/sys/kernel/yama/ptrace_scope ]; then
		echo 0 >/proc/sys/kernel/yama/ptrace_scope
	fi
}

# A freshly loaded nslsm (unloading first if loaded).
fresh_load() {
	if [ -d /sys/fs/bpf/nslsm ]; then
		"$NSLSM" unload --force >/dev/null || return 1
	fi
	clean_test_env
	"$NSLSM" load >/dev/null
}

# The state of a fresh load without loading again: the tasks the last test
# left holding nslsm state are killed, then `nslsm reset` (loads when the
# last test left nslsm unloaded).
reset_nslsm() {
	if [ ! -d /sys/fs/bpf/nslsm ]; then
		fresh_load
		return
	fi
	"$NSLSM" reset --kill >/dev/null || return 1
	clean_test_env
}

# What must be back to where it was once containers are gone: namespaces,
# hook records, nslsm's pins, every BPF map in the kernel (a leaked audit
# queue is one), AppArmor profiles in nslsm's pools.
oci_leak_census() {
	echo "ns=$(nslsm ns list --json | grep -o '"name"' | wc -l)" \
		"records=$(find /run/nslsm/oci -name '*.json' 2>/dev/null | wc -l)" \
		"pins=$(find /sys/fs/bpf/nslsm | wc -l)" \
		"maps=$(bpftool map list 2>/dev/null | grep -c '^[0-9]')" \
		"cgroups=$(find /sys/fs/cgroup -mindepth 1 -type d | wc -l)"
}
