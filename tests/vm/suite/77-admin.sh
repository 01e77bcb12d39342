# shellcheck shell=bash
# Administration from inside: a container started by crun with
# io.nslsm.admin=1 runs its own nslsm (the static build, copied into its
# image), which reaches nslsmd through the socket the hook mounted in, and
# manages its namespace and the namespaces below it. Every way out is an
# escape attempt refused by a named rule, and audited.

HOOK=$NSLSM_HOOK
PEER=$ROOT/tests/helpers/nslsmd_peer.py
ADMIN_ROOT=/tmp/nslsm-admin-rootfs

# The image, built once per guest boot (/tmp is the guest's tmpfs):
# busybox, aa_ops, nslsm.static as /bin/nslsm, apparmor_parser (on the
# container's PATH, /bin) with the libc
# it needs and nslsm's features file (found beside /bin/nslsm), and a
# profile that attaches to /bin/aa_ops and lets it read /allowed only.
admin_rootfs() {
	local r=$ADMIN_ROOT
	[ -x $r/bin/nslsm ] && return 0
	rm -rf $r.new
	mkdir -p $r.new/bin $r.new/proc $r.new/dev $r.new/tmp $r.new/sys \
		$r.new/run/nslsm $r.new/share/apparmor $r.new/lib/x86_64-linux-gnu $r.new/lib64 $r.new/p \
		$r.new/etc/apparmor
	: >$r.new/etc/apparmor/parser.conf
	cp /bin/busybox "$ROOT/build/tests/aa_ops" $r.new/bin/
	for a in sh cat echo sleep true grep seq ls test; do ln -s busybox $r.new/bin/$a; done
	cp "$NSLSM_STATIC" $r.new/bin/nslsm
	cp "$(command -v apparmor_parser)" $r.new/bin/
	cp /lib/x86_64-linux-gnu/libc.so.6 $r.new/lib/x86_64-linux-gnu/
	cp /lib64/ld-linux-x86-64.so.2 $r.new/lib64/
	cp "$ROOT/share/apparmor/features-6.1" $r.new/share/apparmor/
	echo secret >$r.new/secret
	echo allowed >$r.new/allowed
	printf 'profile inner /bin/aa_ops {\n  /bin/aa_ops rm,\n  /allowed r,\n}\n' >$r.new/p/inner.profile
	mv $r.new $r
}

# admin_run NAME [oci_bundle.py options] -- SCRIPT: crun (or $RT) runs
# `sh -c SCRIPT` in container NAME (namespace oci-NAME) under the hook; its
# status in $run_rc, its output (and the hook's messages) in $run_out.
# With ADMIN_STDOUT=FILE it runs in the background instead, its output to
# FILE, its pid in $run_pid.
# The container mounts sysfs: with io.nslsm.admin=1 and the apparmor module
# the hook also serves it the AppArmor tree there (76-aafs.sh).
admin_run() {
	local name=$1 b=$SCRATCH/bundle-$1
	shift
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	admin_rootfs
	fuse_ready	# the AppArmor tree the hook serves
	mkdir -p "$b"
	"$OCI_BUNDLE" "$b" --root $ADMIN_ROOT --hook "$HOOK" --hook-env "PATH=$PATH" \
		--hook-env "NSLSM_AUDIT_LOG=$NSLSM_AUDIT_LOG" \
		--annotation "run.oci.hooks.stderr=$b/hook.err" --sysfs 1 "${opts[@]}" -- /bin/sh -c "$1"
	run_rc=0
	if [ -n "${ADMIN_STDOUT:-}" ]; then
		# in the background, its output to that file; its pid in run_pid
		(cd "$b" && exec "${RT:-crun}" run "$name" </dev/null >"$ADMIN_STDOUT" 2>&1) &
		run_pid=$!
		return
	fi
	run_out=$(cd "$b" && "${RT:-crun}" run "$name" 2>&1 </dev/null) || run_rc=$?
	[ ! -s "$b/hook.err" ] || run_out="$run_out $(cat "$b/hook.err")"
	echo "${RT:-crun} run $name -> $run_rc:"
	echo "$run_out"
}

ADMIN=(--annotation io.nslsm.admin=1 --cap CAP_MAC_ADMIN)

# expect_rule RULE OUTPUT-LINE-PREFIX: that attempt was refused by RULE
expect_rule() {
	expect_contains "$1: nslsm: nslsmd: refused by rule '$2'" "$run_out"
}

admin_load_confines() { # RUNTIME
	local RT=$1 rec
	start_nslsmd
	admin_run adm-load "${ADMIN[@]}" --annotation io.nslsm.modules=apparmor -- '
		nslsm apparmor load . /p/inner.profile || exit 1
		nslsm apparmor status .
		/bin/aa_ops open /allowed r; echo "allowed rc=$?"
		/bin/aa_ops open /secret r; echo "secret rc=$?"'
	[ "$run_rc" -eq 0 ] || die "the container failed"
	expect_contains "1 profile loaded in oci-adm-load" "$run_out"
	expect_contains "inner (" "$run_out"
	expect_contains "allowed rc=0" "$run_out"
	expect_contains "secret rc=13" "$run_out"
	rec=$(nslsm audit | grep 'name="/secret"')
	echo "$rec"
	expect_contains 'apparmor="DENIED"' "$rec"
	expect_contains 'profile="inner"' "$rec"
	expect_contains 'ns="oci-adm-load"' "$rec"
	# the namespace went with the container, its policy with it
	expect_not_contains "oci-adm-load" "$(nslsm ns list)"
}

test_admin_crun_container_loads_a_profile_that_confines_a_process_inside() {
	admin_load_confines crun
}

test_admin_runc_container_loads_a_profile_that_confines_a_process_inside() {
	admin_load_confines runc
}

test_admin_child_namespaces_settings_status_and_follow_from_inside() {
	start_nslsmd
	admin_run adm-kids "${ADMIN[@]}" --annotation io.nslsm.modules=apparmor,yama -- '
		nslsm audit --follow >/tmp/follow 2>&1 &
		nslsm ns create kid --modules yama || exit 1
		nslsm ns create grandkid --parent kid || exit 1
		nslsm ns set kid yama.ptrace_scope=2 boundary.signal=deny || exit 1
		echo "queue: $(nslsm ns set kid audit.queue=4194304 2>&1)"
		nslsm status
		nslsm ns list --json; echo
		nslsm ns delete grandkid && nslsm ns delete kid || exit 1
		for i in $(seq 200); do grep -q "rule=\"delegated\"" /tmp/follow && break; sleep 0.1; done
		echo "followed: $(cat /tmp/follow)"'
	[ "$run_rc" -eq 0 ] || die "the container failed"
	expect_contains "namespace kid created" "$run_out"
	expect_contains "namespace grandkid created" "$run_out"
	expect_contains "queue: nslsm: nslsmd: refused by rule 'delegated': audit.queue=4194304" \
		"$run_out"
	# status and list: the container's subtree, nothing of the host's
	expect_contains "namespace oci-adm-kids (id" "$run_out"
	expect_contains "with CAP_MAC_ADMIN" "$run_out"
	expect_contains '"name":"kid"' "$run_out"
	expect_contains '"yama.ptrace_scope":"2"' "$run_out"
	expect_contains '"name":"grandkid","id":' "$run_out"
	expect_not_contains '"name":"host"' "$run_out"
	expect_contains "namespace kid deleted" "$run_out"
	# its own follower saw its own refusal
	expect_contains 'followed: type=NSLSM' "$run_out"
	expect_contains 'module="admin" operation="ns.set" target_ns="kid" rule="delegated"' \
		"$run_out"
	expect_not_contains "kid" "$(nslsm ns list)"
}

test_admin_escape_attempts_ancestor_and_sibling_are_refused_and_audited() {
	nslsm ns create tenant --modules apparmor
	nslsm ns create sib --modules apparmor --parent tenant
	start_nslsmd
	admin_run adm-esc "${ADMIN[@]}" --annotation io.nslsm.parent=tenant \
		--annotation io.nslsm.modules=apparmor -- '
		echo "A1: $(nslsm apparmor load tenant /p/inner.profile 2>&1)"
		echo "A2: $(nslsm ns set tenant boundary.ptrace=allow 2>&1)"
		echo "A3: $(nslsm ns create evil --parent host 2>&1)"
		echo "A4: $(nslsm apparmor load sib /p/inner.profile 2>&1)"
		echo "A5: $(nslsm ns delete sib 2>&1)"
		echo "A6: $(nslsm ns set . admin.locked=0 2>&1)"
		echo "A7: $(nslsm ns delete oci-adm-esc 2>&1)"
		echo "A8: $(nslsm ns set . audit.queue=4194304 2>&1)"
		echo "A9: $(nslsm ns create evil2 --parent sib 2>&1)"
		echo "A10: $(nslsm audit --follow --ns tenant 2>&1)"
		echo "A11: $(nslsm apparmor status tenant 2>&1)"
		echo "A12: $(nslsm ns set . boundary.signal=allow 2>&1)"'
	expect_rule A1 subtree
	expect_contains "namespace 'tenant' is an ancestor of the caller's namespace 'oci-adm-esc'" \
		"$run_out"
	expect_rule A2 subtree
	expect_rule A3 subtree
	expect_rule A4 subtree
	expect_contains "namespace 'sib' is outside the caller's namespace 'oci-adm-esc' (a sibling" \
		"$run_out"
	expect_rule A5 subtree
	expect_rule A6 delegated
	expect_rule A7 below
	expect_rule A8 delegated
	expect_rule A9 subtree
	expect_contains "A10: nslsm: nslsmd: not allowed to follow namespace 'tenant'" "$run_out"
	expect_rule A11 subtree
	expect_rule A12 delegated
	expect_contains "'boundary.signal=allow': the caller's own namespace 'oci-adm-esc' cannot allow more" \
		"$run_out"
	# nothing changed outside the container
	list=$(nslsm ns list)
	expect_not_contains "evil" "$list"
	expect_contains "sib" "$list"
	expect_contains "0 profiles are loaded" "$(nslsm apparmor status tenant)"
	expect_contains "0 profiles are loaded" "$(nslsm apparmor status sib)"
	expect_not_contains "boundary.ptrace=allow" "$list"
	# each refusal is a record of the container's namespace naming the rule
	recs=$(nslsm audit | grep 'module="admin"')
	echo "$recs"
	[ "$(echo "$recs" | grep -c 'ns="oci-adm-esc"')" -eq 11 ] ||
		die "expected 11 admin records of oci-adm-esc"
	expect_contains 'operation="apparmor.load" target_ns="tenant" rule="subtree"' "$recs"
	expect_contains 'operation="ns.create" target_ns="evil" rule="subtree"' "$recs"
	expect_contains 'operation="ns.delete" target_ns="oci-adm-esc" rule="below"' "$recs"
	expect_contains "refused 'ADMIN apparmor load sib" "$(cat "$SCRATCH/nslsmd.log")"
}

test_admin_locked_namespace_refuses_everything_until_the_host_unlocks_it() {
	nslsm ns create frozen --modules apparmor
	nslsm ns set frozen admin.locked=1 admin.delegate=1
	expect_contains "admin.delegate=1 admin.locked=1" "$(nslsm ns list)"
	start_nslsmd
	admin_run adm-frozen "${ADMIN[@]}" --annotation io.nslsm.ns=frozen -- '
		echo "L1: $(nslsm apparmor load . /p/inner.profile 2>&1)"
		echo "L2: $(nslsm ns create thaw 2>&1)"
		echo "L3: $(nslsm ns set . admin.locked=0 2>&1)"
		echo "L4: $(nslsm status 2>&1)"
		echo "L5: $(nslsm audit --follow 2>&1)"'
	for a in L1 L2 L3 L4; do
		expect_contains "$a: nslsm: nslsmd: refused by rule 'admin.locked': namespace 'frozen' is locked by the host" "$run_out"
	done
	expect_contains "L5: nslsm: nslsmd: not allowed to follow namespace 'frozen'" "$run_out"
	expect_contains "0 profiles are loaded" "$(nslsm apparmor status frozen)"
	expect_not_contains "thaw" "$(nslsm ns list)"
	# the lock was what refused: unlocked, the same container may
	nslsm ns set frozen admin.locked=0
	admin_run adm-thawed "${ADMIN[@]}" --annotation io.nslsm.ns=frozen -- \
		'nslsm apparmor load . /p/inner.profile'
	[ "$run_rc" -eq 0 ] || die "unlocked, the load failed"
	expect_contains "1 profile loaded in frozen" "$run_out"
}

test_admin_without_cap_mac_admin_reads_but_changes_nothing() {
	start_nslsmd
	# the container's capabilities lack CAP_MAC_ADMIN
	admin_run adm-nocap --annotation io.nslsm.admin=1 --annotation io.nslsm.modules=apparmor -- '
		echo "C1: $(nslsm apparmor load . /p/inner.profile 2>&1)"
		echo "C2: $(nslsm ns create kid 2>&1)"
		echo "C3: $(nslsm ns set . apparmor.mode=complain 2>&1)"
		echo "C4: $(nslsm status 2>&1)"'
	for a in C1 C2 C3; do
		expect_rule $a cap_mac_admin
	done
	expect_contains "needs CAP_MAC_ADMIN in its user namespace" "$run_out"
	expect_contains "C4: namespace oci-adm-nocap (id" "$run_out"
	expect_contains "without CAP_MAC_ADMIN" "$run_out"
	expect_contains 'rule="cap_mac_admin"' "$(nslsm audit | grep 'module="admin"')"
}

# A socket connected from namespace box carries box's rights and no more,
# whoever holds it afterwards: a host process (one holding the connector's
# pid, even), a task of namespace other. As the host's root, the first
# request would be allowed; as other's admin, the second would.
test_admin_forged_peers_get_only_the_connectors_rights() {
	nslsm ns create box --modules apparmor
	nslsm ns create other --modules apparmor
	nslsm ns set box admin.delegate=1
	nslsm ns set other admin.delegate=1
	start_nslsmd
	out=$("$PEER" pass box --reuse --back other "ADMIN ns create fromhost 0 parent=host" \
		"ADMIN ns set other 0 apparmor.mode=complain")
	echo "$out"
	expect_contains "reused by a host process" "$out"
	for sender in host "enrolled receiver"; do
		expect_contains "$sender: ADMIN ns create fromhost 0 parent=host -> ERR refused by rule 'subtree': namespace 'host' is an ancestor of the caller's namespace 'box'" "$out"
		expect_contains "$sender: ADMIN ns set other 0 apparmor.mode=complain -> ERR refused by rule 'subtree': namespace 'other' is outside the caller's namespace 'box'" "$out"
	done
	# the connector gone and its pid reused: still box's rights only
	out=$("$PEER" fork-exit box --reuse "ADMIN ns create fromhost 0 parent=host")
	echo "$out"
	expect_contains "child: ADMIN ns create fromhost 0 parent=host -> ERR refused by rule 'subtree'" \
		"$out"
	expect_not_contains "fromhost" "$(nslsm ns list)"
	expect_not_contains "apparmor.mode=complain" "$(nslsm ns list)"
	[ "$(nslsm audit | grep -c 'module="admin" operation="ns.create" target_ns="fromhost" rule="subtree"')" -eq 3 ] ||
		die "expected 3 audited refusals: $(nslsm audit | grep 'module="admin"')"
}

test_admin_zero_or_absent_mounts_no_socket() {
	start_nslsmd
	for a in "--annotation io.nslsm.admin=0" ""; do
		# shellcheck disable=SC2086
		admin_run adm-none $a --cap CAP_MAC_ADMIN -- '
			[ -S /run/nslsm/nslsmd.sock ] && echo SOCKET || echo NOSOCKET
			echo "S: $(nslsm status 2>&1)"'
		expect_contains NOSOCKET "$run_out"
		expect_not_contains "S: namespace" "$run_out"
	done
	# admin=1 without nslsmd: refused, nothing left
	kill "$(jobs -p)"
	wait || true
	[ ! -e /run/nslsm/nslsmd.sock ] || die "nslsmd left its socket" 
	admin_run adm-nod "${ADMIN[@]}" -- 'echo STARTED'
	[ "$run_rc" -ne 0 ] || die "started without nslsmd"
	expect_contains "io.nslsm.admin: nslsmd is not running" "$run_out"
	expect_not_contains STARTED "$run_out"
	expect_not_contains "oci-adm-nod" "$(nslsm ns list)"
}

# Being enrolled, root, and in reach of nslsmd's socket is not being a
# namespace's admin: the namespace must have been given it (admin.delegate).
test_admin_enrolled_task_of_a_namespace_not_delegated_is_refused() {
	nslsm ns create plain --modules apparmor
	start_nslsmd
	# routed to nslsmd by itself (bpf() is refused to it), or told to
	for via in "" 1; do
		out=$(NSLSM_VIA_NSLSMD=$via run_in plain "$NSLSM" ns set plain modules=none 2>&1 || true)
		echo "$out"
		expect_contains "nslsmd: refused by rule 'admin.delegate': namespace 'plain' is not administered from inside" "$out"
	done
	expect_contains "apparmor" "$(nslsm ns list | grep '^plain ')"
	expect_contains 'target_ns="plain" rule="admin.delegate"' "$(nslsm audit | grep 'module="admin"')"
	# a container may not join it to administer it either
	admin_run adm-join "${ADMIN[@]}" --annotation io.nslsm.ns=plain -- 'echo STARTED'
	[ "$run_rc" -ne 0 ] || die "a container joined a namespace not delegated with admin=1"
	expect_contains "io.nslsm.admin: namespace 'plain' exists and is not administered from inside" \
		"$run_out"
	expect_not_contains STARTED "$run_out"
	# once the host gives it, the same request is carried out
	nslsm ns set plain admin.delegate=1
	run_in plain "$NSLSM" ns set plain apparmor.mode=complain
	expect_contains "apparmor.mode=complain" "$(nslsm ns list | grep '^plain ')"
}

# nslsmd restarted while a container runs: the hook bound the socket's
# directory, which holds the socket only, so the container reaches the new
# nslsmd through the same path.
test_admin_container_reaches_a_restarted_nslsmd() {
	local d=$SCRATCH/restart line nslsmd_pid
	start_nslsmd
	nslsmd_pid=$!
	mkdir -p "$d"
	mkfifo "$d/go" "$d/stdout"
	ADMIN_STDOUT=$d/stdout admin_run adm-rs "${ADMIN[@]}" --bind "$d:/x:rw" -- '
		echo "ls: $(ls -A /run/nslsm)"
		echo "mount: $(grep " /run/nslsm " /proc/mounts)"
		(echo x >/run/nslsm/planted) 2>/dev/null && echo PLANTED
		nslsm status >/x/first 2>&1; echo "first rc=$?"
		echo UP
		read -r _ </x/go
		nslsm status >/x/second 2>&1; echo "second rc=$?"'
	# UP, or the end of its output when it never got there
	exec 4<"$d/stdout"
	while read -r line <&4; do
		echo "$line" | tee -a "$d/out"
		[ "$line" = UP ] && break
	done
	[ "$line" = UP ] || die "the container did not start: $(cat "$d/out" "$SCRATCH/bundle-adm-rs/hook.err")"
	# the socket alone, read-only
	grep -qx "ls: nslsmd.sock" "$d/out" || die "the container sees more of the host: $(cat "$d/out")"
	grep -q "^mount: .* /run/nslsm [a-z0-9]* ro," "$d/out" || die "/run/nslsm is not read-only"
	expect_not_contains PLANTED "$(cat "$d/out")"
	expect_contains "first rc=0" "$(cat "$d/out")"
	expect_contains "oci-adm-rs" "$(cat "$d/first")"
	kill "$nslsmd_pid"
	wait "$nslsmd_pid" || true
	[ ! -e /run/nslsm/nslsmd.sock ] || die "nslsmd left its socket"
	start_nslsmd
	echo go >"$d/go"
	cat <&4 | tee -a "$d/out"
	exec 4<&-
	wait "$run_pid" || die "crun run: $(cat "$d/out")"
	expect_contains "second rc=0" "$(cat "$d/out")"
	expect_contains "oci-adm-rs" "$(cat "$d/second")"
}
