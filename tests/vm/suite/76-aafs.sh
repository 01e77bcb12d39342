# shellcheck shell=bash
# nslsm-apparmorfs: the AppArmor file system of one namespace, used by
# AppArmor's own unmodified tools. Standalone first (apparmor_parser -r
# pointed at the tree, every bad write failing with the kernel's errno and
# changing nothing), then a system container whose own apparmor_parser and
# aa-status work on it through nslsm-oci-hook.

AAFS=$ROOT/build/nslsm-apparmorfs
AAFS_IO=$ROOT/tests/helpers/aafs_io.py

# aafs_start NS MOUNTPOINT: the server in the background, once it serves;
# its pid in $aafs_pid.
aafs_start() {
	local fifo=$SCRATCH/aafs-ready line
	fuse_ready
	mkdir -p "$2"
	rm -f "$fifo"
	mkfifo "$fifo"
	"$AAFS" --ready-fd 3 "$1" "$2" 3>"$fifo" &
	aafs_pid=$!
	read -r line <"$fifo"
	case $line in
	[0-9]*) echo "nslsm-apparmorfs $1 at $2: pid $line" ;;
	*) die "nslsm-apparmorfs did not start: $line" ;;
	esac
}

# aafs_stop: SIGTERM, and its exit (it unmounts what it mounted).
aafs_stop() {
	kill -TERM "$aafs_pid"
	wait "$aafs_pid" || die "nslsm-apparmorfs exited $?"
	! grep -q " $1 fuse.nslsm-apparmorfs " /proc/mounts || die "$1 is still mounted"
}

# expect_io EXPECTED aafs_io.py ARGS...: its first line is EXPECTED.
expect_io() {
	local want=$1 out
	shift
	out=$("$AAFS_IO" "$@")
	[ "${out%%$'\n'*}" = "$want" ] || die "$* -> '$out', expected '$want'"
	echo "$want: $*"
}

# The namespace's policy as nslsm keeps it, processes left out.
aa_state() {
	nslsm apparmor status "$1" --json | sed 's/"processes":[0-9]*,//g'
}

test_aafs_standalone_apparmor_parser_loads_and_bad_writes_fail_with_kernel_errnos() {
	local m=$SCRATCH/aafs feat bin before out rev t0 t1 t2
	nslsm ns create aafs --modules apparmor
	nslsm ns create aafs-sibling --modules apparmor
	aafs_start aafs "$m"
	grep " $m fuse.nslsm-apparmorfs " /proc/mounts
	# the ABI served is nslsm's features file, laid out as the kernel does
	[ "$(cat "$m/features/policy/set_load")" = yes ] || die "features/policy/set_load"
	expect_contains "chown dac_override" "$(cat "$m/features/caps/mask")"
	[ -d "$m/features/policy/versions" ] || die "no features/policy/versions/"
	[ ! -e "$m/features/dbus" ] || die "features/dbus served: nslsm does not mediate D-Bus"
	[ -z "$(cat "$m/profiles")" ] || die "profiles not empty"
	# stock apparmor_parser, pointed at the tree
	t0=$(date +%s%N)
	apparmor_parser -r --subdomainfs "$m" "$DNSMASQ_PROFILE" || die "apparmor_parser -r failed"
	t1=$(date +%s%N)
	nslsm ns create aafs-cmp --modules apparmor
	nslsm apparmor replace aafs-cmp "$DNSMASQ_PROFILE"
	t2=$(date +%s%N)
	measure "standalone: apparmor_parser -r --subdomainfs: $(((t1 - t0) / 1000000)) ms;" \
		"nslsm apparmor replace: $(((t2 - t1) / 1000000)) ms ($DNSMASQ_PROFILE)"
	out=$(cat "$m/profiles")
	echo "profiles: $out"
	expect_contains "dnsmasq (complain)" "$out"  # the profile says flags=(complain)
	expect_contains "dnsmasq" "$(nslsm apparmor status aafs)"
	expect_not_contains "dnsmasq" "$(nslsm apparmor status aafs-sibling)"
	[ "$(cat "$m"/policy/profiles/dnsmasq.[0-9]*/name)" = dnsmasq ] || die "policy/profiles/*/name"
	# the same profile as nslsm apparmor load would lay it
	expect_contains "allowed" "$(nslsm apparmor check aafs dnsmasq r /etc/hosts)"
	# aa_query_label's file query
	out=$("$AAFS_IO" query "$m/.access" dnsmasq /etc/hosts)
	echo "$out"
	expect_contains "allow 0x" "$out"
	[ $(($(echo "$out" | sed -n 's/^allow //p') & 4)) -ne 0 ] || die "r on /etc/hosts not allowed"
	out=$("$AAFS_IO" query "$m/.access" dnsmasq /etc/shadow)
	[ $(($(echo "$out" | sed -n 's/^allow //p') & 4)) -eq 0 ] || die "r on /etc/shadow allowed"
	expect_io "errno ENOENT" query "$m/.access" nosuch /etc/hosts

	# bad writes: the kernel's errno, and nothing changes
	feat=$(nslsm_features)
	bin=$SCRATCH/dnsmasq.bin
	apparmor_parser -S -Q -K -M "$feat" "$DNSMASQ_PROFILE" >"$bin"
	before=$(aa_state aafs)
	rev=$(cat "$m/revision")
	echo "not policy" >"$SCRATCH/garbage"
	expect_io "errno EPROTONOSUPPORT" write "$m/.replace" "$SCRATCH/garbage"
	head -c $(($(stat -c %s "$bin") / 2)) "$bin" >"$SCRATCH/half.bin"
	expect_io "errno EPROTO" write "$m/.replace" "$SCRATCH/half.bin"
	expect_io "errno EEXIST" write "$m/.load" "$bin"
	expect_io "errno ESPIPE" write "$m/.replace" "$bin" 5
	printf nosuch >"$SCRATCH/name"
	expect_io "errno ENOENT" write "$m/.remove" "$SCRATCH/name"
	# a policy in two write(2)s: two policies, as with the kernel
	expect_io "errno EPROTO" writes "$m/.replace" "$bin" 100
	# no CAP_MAC_ADMIN: refused
	out=$(setpriv --inh-caps=-mac_admin --bounding-set=-mac_admin "$AAFS_IO" write "$m/.replace" "$bin")
	[ "$out" = "errno EACCES" ] || die "without CAP_MAC_ADMIN: $out"
	[ "$(aa_state aafs)" = "$before" ] || die "a refused write changed the policy"
	[ "$(cat "$m/revision")" = "$rev" ] || die "a refused write changed the revision"
	# a good write through the same helper, then removal by apparmor_parser -R
	expect_io "ok $(stat -c %s "$bin")" write "$m/.replace" "$bin"
	[ "$(cat "$m/revision")" != "$rev" ] || die "the revision did not change"
	# the load alone, compiled policy ready: one write(2) of it (dd) through
	# the tree next to nslsm apparmor replace of the same file, 5 times each
	t0=$(date +%s%N)
	for _ in 1 2 3 4 5; do
		dd if="$bin" of="$m/.replace" bs=4M status=none || die "dd to .replace failed"
	done
	t1=$(date +%s%N)
	for _ in 1 2 3 4 5; do nslsm apparmor replace aafs-cmp "$bin" >/dev/null; done
	t2=$(date +%s%N)
	measure "standalone, binary policy of $(stat -c %s "$bin") bytes, mean of 5: write to" \
		".replace: $(((t1 - t0) / 5000)) us; nslsm apparmor replace: $(((t2 - t1) / 5000)) us"
	# writers and readers at once (the server's threads): every write
	# applies whole, every read sees the profile once
	local pids=() p
	for i in 1 2 3 4 5 6; do
		dd if="$bin" of="$m/.replace" bs=4M status=none &
		pids+=($!)
		grep -c '^dnsmasq (' "$m/profiles" >"$SCRATCH/reader.$i" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || die "a concurrent writer or reader failed"; done
	for i in 1 2 3 4 5 6; do
		[ "$(cat "$SCRATCH/reader.$i")" = 1 ] || die "reader $i saw $(cat "$SCRATCH/reader.$i")"
	done
	[ "$(grep -c '^dnsmasq (' "$m/profiles")" = 1 ] || die "dnsmasq not loaded once"
	apparmor_parser -R --subdomainfs "$m" "$DNSMASQ_PROFILE" || die "apparmor_parser -R failed"
	[ -z "$(cat "$m/profiles")" ] || die "profiles left after -R"

	# child namespaces: mkdir/rmdir under policy/namespaces, descendants only
	mkdir "$m/policy/namespaces/aafs-kid"
	[ "$(nslsm ns list | awk '$1 == "aafs-kid" { print $3 }')" = aafs ] ||
		die "aafs-kid is not aafs's child: $(nslsm ns list)"
	[ ! -e "$m/policy/namespaces/aafs-sibling" ] || die "a sibling is reachable"
	mkdir "$m/policy/namespaces/aafs-sibling" 2>"$SCRATCH/mkdir.err" && die "mkdir of a taken name"
	expect_contains "File exists" "$(cat "$SCRATCH/mkdir.err")"
	expect_io "ok $(stat -c %s "$bin")" write "$m/policy/namespaces/aafs-kid/.replace" "$bin"
	expect_contains "dnsmasq" "$(nslsm apparmor status aafs-kid)"
	expect_not_contains "dnsmasq" "$(nslsm apparmor status aafs)"
	rmdir "$m/policy/namespaces/aafs-kid"
	expect_not_contains "aafs-kid" "$(nslsm ns list)"
	aafs_stop "$m"
}

# nslsm's features file (what the tree serves).
nslsm_features() {
	echo "$ROOT/share/apparmor/features-6.1"
}

test_aafs_crun_system_container_loads_its_own_dnsmasq_profile() {
	nslsm ns create sysc-sibling --modules apparmor
	aafs_system_container crun
}

test_aafs_runc_system_container_loads_its_own_dnsmasq_profile() {
	nslsm ns create sysc-sibling --modules apparmor
	aafs_system_container runc
}

test_aafs_crun_lxc_like_system_container_runs_apparmor_service() {
	nslsm ns create sysc-sibling --modules apparmor
	sysc_outer
	aafs_system_container crun lxc
}
