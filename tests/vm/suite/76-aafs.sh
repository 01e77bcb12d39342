# shellcheck shell=bash
# nslsm-apparmorfs: the AppArmor file system of one namespace, used by
# AppArmor's own unmodified tools. Standalone first (apparmor_parser -r
# pointed at the tree, every bad write failing with the kernel's errno and
# changing nothing), then a system container whose own apparmor_parser and
# aa-status work on it through nslsm-oci-hook.

AAFS=$ROOT/build/nslsm-apparmorfs
HOOK=$ROOT/build/nslsm-oci-hook
OCI_BUNDLE=$ROOT/tests/helpers/oci_bundle.py
AAFS_IO=$ROOT/tests/helpers/aafs_io.py
DNSMASQ_PROFILE=/etc/apparmor.d/usr.sbin.dnsmasq

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

# measure TEXT...: a measured number, in the output and (when the guest
# has a run directory) in $NSLSM_VM_OUT/aafs-load-times.txt.
measure() {
	echo "MEASURE $*"
	[ -z "${NSLSM_VM_OUT:-}" ] || echo "$*" >>"$NSLSM_VM_OUT/aafs-load-times.txt"
}

# nslsm's features file (what the tree serves).
nslsm_features() {
	echo "$ROOT/share/apparmor/features-6.1"
}

# A system container: Debian's userland (the host's /usr and /etc, read
# only), CAP_MAC_ADMIN, and io.nslsm.admin=1. Its own unmodified
# apparmor_parser loads Debian's dnsmasq profile through the tree the hook
# mounted; its aa-status lists it; its dnsmasq is confined by it (nslsm
# enforces: the namespace's apparmor.mode=enforce overrides the profile's
# complain flag); the host sees the profile in that namespace only.
aafs_system_container() { # RUNTIME
	local rt=$1 r=/tmp/nslsm-sysc-rootfs b=$SCRATCH/sysc-$1 out=$SCRATCH/sysc-$1/out ns=oci-sysc-$1
	local run_pid before t0 t1 load_ns
	fuse_ready
	start_nslsmd	# io.nslsm.admin=1 also mounts nslsmd's socket
	before=$(oci_leak_census)
	if [ ! -d $r ]; then
		mkdir -p $r.new/usr $r.new/etc $r.new/proc $r.new/dev $r.new/sys $r.new/tmp \
			$r.new/var $r.new/run $r.new/out
		for l in bin sbin lib lib64; do ln -s usr/$l $r.new/$l; done
		mv $r.new $r
	fi
	mkdir -p "$out"
	rm -f "$out"/*
	mkfifo "$out/go"
	# the entrypoint: what a system container's boot does with AppArmor
	cat >"$out/boot.sh" <<-'EOS'
	exec >/out/log 2>&1
	export PATH=/usr/sbin:/usr/bin:/sbin:/bin
	set -x
	grep -E 'securityfs|apparmor' /proc/mounts
	cat /sys/module/apparmor/parameters/enabled
	aa-enabled || echo "aa-enabled: $?"
	t0=$(date +%s%N)
	apparmor_parser -r /etc/apparmor.d/usr.sbin.dnsmasq; echo "parser=$?"
	t1=$(date +%s%N)
	echo "load_ns=$((t1 - t0))"
	aa-status; echo "aa-status=$?"
	/usr/sbin/dnsmasq --test --conf-file=/etc/shadow; echo "dnsmasq=$?"
	/usr/sbin/dnsmasq --test --conf-file=/dev/null; echo "dnsmasq-null=$?"
	echo done >/out/done
	read -r _ </out/go
	EOS
	"$OCI_BUNDLE" "$b" --root $r --hook "$HOOK" --hook-env "PATH=$PATH" \
		--annotation "run.oci.hooks.stderr=$b/hook.err" \
		--annotation io.nslsm.modules=apparmor --annotation io.nslsm.admin=1 \
		--annotation io.nslsm.set=apparmor.mode=enforce --annotation io.nslsm.contid=7676 \
		--bind /usr:/usr --bind /etc:/etc --bind "$out:/out:rw" --tmpfs /var --tmpfs /run \
		--sysfs 1 --cap CAP_MAC_ADMIN --cap CAP_DAC_OVERRIDE -- /bin/sh /out/boot.sh
	(cd "$b" && "$rt" run "sysc-$rt" </dev/null >"$out/run.out" 2>&1) &
	run_pid=$!
	wait_for_file "$out/done" || true
	echo "--- inside the container:"
	cat "$out/log"
	[ -s "$out/done" ] || die "the container did not boot: $(cat "$out/run.out" "$b/hook.err" 2>/dev/null)"
	grep -q '^securityfs /sys/kernel/security securityfs ro' "$out/log" ||
		die "no read-only securityfs line in the container's /proc/mounts"
	grep -q ' /sys/kernel/security/apparmor fuse.nslsm-apparmorfs ' "$out/log" ||
		die "the tree is not mounted in the container"
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
	# the host: the profile is in the container's namespace only
	expect_contains "dnsmasq" "$(nslsm apparmor status "$ns")"
	expect_not_contains "dnsmasq" "$(nslsm apparmor status sysc-sibling)"
	expect_not_contains "dnsmasq" "$(cat /sys/kernel/security/apparmor/profiles)"
	aafs_pid=$(sed -n 's/.*"apparmorfs_pid":\([0-9]*\).*/\1/p' "/run/nslsm/oci/sysc-$rt.json")
	[ -n "$aafs_pid" ] && [ "$aafs_pid" -gt 0 ] || die "no nslsm-apparmorfs in the record"
	[ "$(cat /proc/"$aafs_pid"/comm)" = nslsm-apparmorf ] || die "pid $aafs_pid is not the server"
	load_ns=$(sed -n 's/^load_ns=//p' "$out/log")
	# stop: the container exits, poststop stops the server and removes the namespace
	echo go >"$out/go"
	wait "$run_pid" || die "$rt run: $(cat "$out/run.out")"
	[ ! -e /proc/"$aafs_pid" ] || die "nslsm-apparmorfs (pid $aafs_pid) outlived the container"
	expect_not_contains "$ns" "$(nslsm ns list)"
	[ "$(oci_leak_census)" = "$before" ] || die "left behind: $(oci_leak_census), was $before"
	# the same load from the host, for comparison
	nslsm ns create sysc-cmp --modules apparmor
	t0=$(date +%s%N)
	nslsm apparmor replace sysc-cmp "$DNSMASQ_PROFILE"
	t1=$(date +%s%N)
	measure "$rt system container: apparmor_parser -r $DNSMASQ_PROFILE through the tree:" \
		"$((load_ns / 1000000)) ms; nslsm apparmor replace from the host: $(((t1 - t0) / 1000000)) ms"
}

test_aafs_crun_system_container_loads_its_own_dnsmasq_profile() {
	nslsm ns create sysc-sibling --modules apparmor
	aafs_system_container crun
}

test_aafs_runc_system_container_loads_its_own_dnsmasq_profile() {
	nslsm ns create sysc-sibling --modules apparmor
	aafs_system_container runc
}
