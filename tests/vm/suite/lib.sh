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
	NSLSM_DYN=$NSLSM
	NSLSMD=$NSLSM_TEST_PREFIX/sbin/nslsmd
	NSLSM_HOOK=$NSLSM_TEST_PREFIX/libexec/nslsm/nslsm-oci-hook
	NSLSM_STATIC=$NSLSM_TEST_PREFIX/libexec/nslsm/nslsm-static
else
	# The tests' thousands of calls go to the static build of the same
	# sources (what containers get as /bin/nslsm): in the TCG guest a
	# dynamically linked nslsm spends about 70 ms of every call in the
	# dynamic loader. nslsm's loads (fresh_load) and the CLI's own tests
	# run the dynamic build users run, $NSLSM_DYN.
	NSLSM=$ROOT/build/nslsm.static
	NSLSM_DYN=$ROOT/build/nslsm
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
	rm -rf "$SCRATCH" /run/nslsm/nslsmd.sock /run/nslsm/admin
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
	"$NSLSM_DYN" load >/dev/null
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

OCI_BUNDLE=$ROOT/tests/helpers/oci_bundle.py
DNSMASQ_PROFILE=/etc/apparmor.d/usr.sbin.dnsmasq

# measure TEXT...: a measured number, in the output and (when the guest
# has a run directory) in $NSLSM_VM_OUT/aafs-load-times.txt.
measure() {
	echo "MEASURE $*"
	[ -z "${NSLSM_VM_OUT:-}" ] || echo "$*" >>"$NSLSM_VM_OUT/aafs-load-times.txt"
}

# aafs_system_container RUNTIME: a system container (crun or runc) with
# Debian's userland (the host's /usr and /etc, read only), CAP_MAC_ADMIN
# and io.nslsm.admin=1, on a host whose kernel runs AppArmor or not (the
# hook's layout is the same). Inside, what a system container's boot does
# with AppArmor, unmodified: aa-enabled; apparmor_parser -r of Debian's
# dnsmasq profile, which loads through the tree the hook mounted; aa-status
# lists it; dnsmasq is confined by it (nslsm enforces: the namespace's
# apparmor.mode=enforce overrides the profile's complain flag); then what
# Debian's apparmor.service runs (/lib/apparmor/apparmor.systemd reload),
# which loads every profile under /etc/apparmor.d. The host sees those
# profiles in the container's namespace only: not in a sibling, not in the
# kernel's AppArmor (when it runs).
# aafs_system_container RUNTIME lxc: the same container as LXC makes one
# (container=lxc in its environment, which systemd-detect-virt reports), in
# namespace lxc-sysc-RUNTIME below sysc-outer, whose profile 'container'
# (loaded by the caller) confines it too (io.nslsm.parent-label.apparmor):
# .ns_stacked says yes, and Debian's apparmor.service, which loads policy in
# a container only when it is LXD's or LXC's (.ns_stacked yes, .ns_name
# lxd-* or lxc-*), loads it.
aafs_system_container() {
	local rt=$1 r=/tmp/nslsm-sysc-rootfs b=$SCRATCH/sysc-$1 out=$SCRATCH/sysc-$1/out ns=oci-sysc-$1
	local run_pid before t0 t1 load_ns line kernel_before="" loaded want json p as=()
	if [ "${2:-}" = lxc ]; then
		ns=lxc-sysc-$rt
		as=(--env container=lxc --annotation io.nslsm.ns=$ns --annotation io.nslsm.parent=sysc-outer
			--annotation io.nslsm.parent-label.apparmor=container)
	fi
	fuse_ready
	start_nslsmd	# io.nslsm.admin=1 also mounts nslsmd's socket
	before=$(oci_leak_census)
	[ ! -e /sys/kernel/security/apparmor/profiles ] ||
		kernel_before=$(cat /sys/kernel/security/apparmor/profiles)
	if [ ! -d $r ]; then
		mkdir -p $r.new/usr $r.new/etc $r.new/proc $r.new/dev $r.new/sys $r.new/tmp \
			$r.new/var $r.new/run $r.new/out
		for l in bin sbin lib lib64; do ln -s usr/$l $r.new/$l; done
		mv $r.new $r
	fi
	mkdir -p "$out"
	rm -f "$out"/*
	mkfifo "$out/go" "$out/stdout"
	# the entrypoint: its log in /out/log, READY on its stdout once done
	cat >"$out/boot.sh" <<-'EOS'
	exec 3>&1 >/out/log 2>&1
	export PATH=/usr/sbin:/usr/bin:/sbin:/bin
	set -x
	cat /proc/mounts
	ls -l /sys/kernel/security/
	cat /sys/kernel/security/lsm; echo
	cat /sys/module/apparmor/parameters/enabled
	aa-enabled; echo "aa-enabled=$?"
	t0=$(date +%s%N)
	apparmor_parser -r /etc/apparmor.d/usr.sbin.dnsmasq; echo "parser=$?"
	t1=$(date +%s%N)
	echo "load_ns=$((t1 - t0))"
	aa-status; echo "aa-status=$?"
	/usr/sbin/dnsmasq --test --conf-file=/etc/shadow; echo "dnsmasq=$?"
	/usr/sbin/dnsmasq --test --conf-file=/dev/null; echo "dnsmasq-null=$?"
	echo "ns_stacked=$(cat /sys/kernel/security/apparmor/.ns_stacked)"
	echo "ns_name=$(cat /sys/kernel/security/apparmor/.ns_name)"
	systemd-detect-virt --container; echo "detect-virt=$?"
	/lib/apparmor/apparmor.systemd reload; echo "apparmor.service=$?"
	apparmor_parser -N /etc/apparmor.d | sort >/out/want
	sed 's/ ([a-z]*)$//' /sys/kernel/security/apparmor/profiles | sort >/out/loaded
	echo READY >&3
	read -r _ </out/go
	EOS
	"$OCI_BUNDLE" "$b" --root $r --hook "$NSLSM_HOOK" --hook-env "PATH=$PATH" \
		--annotation "run.oci.hooks.stderr=$b/hook.err" \
		--annotation io.nslsm.modules=apparmor --annotation io.nslsm.admin=1 \
		--annotation io.nslsm.set=apparmor.mode=enforce --annotation io.nslsm.contid=7676 \
		--bind /usr:/usr --bind /etc:/etc --bind "$out:/out:rw" --tmpfs /var --tmpfs /run \
		--sysfs 1 --cap CAP_MAC_ADMIN --cap CAP_DAC_OVERRIDE "${as[@]}" -- /bin/sh /out/boot.sh
	(cd "$b" && exec "$rt" run "sysc-$rt" </dev/null >"$out/stdout" 2>&1) &
	run_pid=$!
	# READY, or the end of its output when the container never got there
	exec 4<"$out/stdout"
	while read -r line <&4; do
		[ "$line" = READY ] && break
		echo "$rt: $line" >>"$out/run.out"
	done
	echo "--- inside the container:"
	cat "$out/log" 2>/dev/null || true
	[ "$line" = READY ] ||
		die "the container did not boot: $(cat "$out/run.out" "$b/hook.err" 2>/dev/null)"
	grep -q '^securityfs /sys/kernel/security securityfs ro' "$out/log" ||
		die "no read-only securityfs line in the container's /proc/mounts"
	grep -q '^nslsm /sys/kernel/security tmpfs ro' "$out/log" ||
		die "no read-only tmpfs over securityfs in the container"
	grep -q ' /sys/kernel/security/apparmor fuse.nslsm-apparmorfs ' "$out/log" ||
		die "the tree is not mounted in the container"
	# securityfs's other entries stay visible: the kernel's LSM list
	expect_contains "$(cat /sys/kernel/security/lsm)" "$(cat "$out/log")"
	expect_contains "aa-enabled=0" "$(cat "$out/log")"
	expect_contains "parser=0" "$(cat "$out/log")"
	expect_contains "aa-status=0" "$(cat "$out/log")"
	# aa-status inside lists the profile, in enforce mode
	sed -n '/profiles are in enforce mode/,/profiles are in complain mode/p' "$out/log" |
		grep -qx '   dnsmasq' || die "aa-status inside does not list dnsmasq as enforced"
	# dnsmasq is confined: /etc/shadow denied, what the profile allows works
	grep -q 'cannot read /etc/shadow: Permission denied' "$out/log" ||
		die "dnsmasq read /etc/shadow"
	expect_contains "dnsmasq-null=0" "$(cat "$out/log")"
	expect_contains 'name="/etc/shadow"' "$(nslsm audit --ns "$ns" | grep 'profile="dnsmasq"')"
	# Debian's apparmor.service: every profile under /etc/apparmor.d loaded
	if [ "${2:-}" = lxc ]; then
		echo "what sysc-outer's profile would deny:"
		nslsm audit | grep 'profile="container"' | grep -v 'operation="file_' | head -n 5 || true
		grep -qx lxc "$out/log" || die "systemd-detect-virt does not see an LXC container"
		expect_contains "ns_stacked=yes" "$(cat "$out/log")"
		expect_contains "ns_name=$ns" "$(cat "$out/log")"
	fi
	expect_contains "apparmor.service=0" "$(cat "$out/log")"
	want=$(cat "$out/want")
	loaded=$(cat "$out/loaded")
	echo "apparmor.service loaded $(echo "$loaded" | wc -l) profiles:" $loaded
	[ "$(echo "$want" | wc -l)" -gt 10 ] || die "apparmor_parser -N names too few profiles: $want"
	[ "$loaded" = "$want" ] || die "after apparmor.service the tree lists: $loaded; expected: $want"
	# the host: the profiles are in the container's namespace only
	expect_contains "dnsmasq" "$(nslsm apparmor status "$ns")"
	json=$(nslsm apparmor status "$ns" --json)
	for p in $want; do
		expect_contains "{\"name\":\"$p\"," "$json"
	done
	expect_not_contains "dnsmasq" "$(nslsm apparmor status sysc-sibling)"
	[ ! -e /sys/kernel/security/apparmor/profiles ] ||
		[ "$(cat /sys/kernel/security/apparmor/profiles)" = "$kernel_before" ] ||
		die "the kernel's AppArmor policy changed"
	aafs_pid=$(sed -n 's/.*"apparmorfs_pid":\([0-9]*\).*/\1/p' "/run/nslsm/oci/sysc-$rt.json")
	[ -n "$aafs_pid" ] && [ "$aafs_pid" -gt 0 ] || die "no nslsm-apparmorfs in the record"
	[ "$(cat /proc/"$aafs_pid"/comm)" = nslsm-apparmorf ] || die "pid $aafs_pid is not the server"
	load_ns=$(sed -n 's/^load_ns=//p' "$out/log")
	# stop: the container exits, poststop stops the server and removes the namespace
	echo go >"$out/go"
	cat <&4 >>"$out/run.out"
	exec 4<&-
	wait "$run_pid" || die "$rt run: $(cat "$out/run.out")"
	[ ! -e /proc/"$aafs_pid" ] || die "nslsm-apparmorfs (pid $aafs_pid) outlived the container"
	expect_not_contains "$ns" "$(nslsm ns list)"
	[ "$(oci_leak_census)" = "$before" ] || die "left behind: $(oci_leak_census), was $before"
	# the same load from the host, for comparison
	nslsm ns create sysc-cmp --modules apparmor
	t0=$(date +%s%N)
	nslsm apparmor replace sysc-cmp "$DNSMASQ_PROFILE"
	t1=$(date +%s%N)
	measure "$rt system container$([ -n "$kernel_before$(ls /sys/kernel/security/apparmor 2>/dev/null)" ] ||
		echo ", host without the kernel's AppArmor"): apparmor_parser -r $DNSMASQ_PROFILE" \
		"through the tree: $((load_ns / 1000000)) ms; nslsm apparmor replace from the host:" \
		"$(((t1 - t0) / 1000000)) ms"
}

# sysc_outer: namespace sysc-outer, whose profile 'container' lets a system
# container below it do what it does (aafs_system_container RUNTIME lxc),
# the runtime's own set-up after createRuntime (its mounts, pivot_root)
# included. In complain mode: enforced, nslsm refuses crun's rbind mounts
# over proc/sys and proc/sysrq-trigger (readonlyPaths) and its chowns under
# this profile, and the container does not start; the test prints what the
# profile would deny.
sysc_outer() {
	cat >"$SCRATCH/container.profile" <<-'EOF2'
		abi <abi/3.0>,
		profile container flags=(complain) {
		  file,
		  network,
		  capability,
		  signal,
		  ptrace,
		  unix,
		  mount,
		  umount,
		  pivot_root,
		}
	EOF2
	nslsm ns create sysc-outer --modules apparmor
	nslsm apparmor load sysc-outer "$SCRATCH/container.profile"
}
