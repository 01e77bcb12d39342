# shellcheck shell=bash
# Audit container ids: set once by the host, inherited, delegated to
# namespace admins for nested containers; network records.


test_contid_set_once_by_host() {
	nslsm ns create box
	pid=$(start_target "$NSLSM" run --ns box -- "$PROBE" sleep 60)
	[ "$(nslsm contid get "$pid")" = none ] || die "fresh task has an id"
	nslsm contid set "$pid" 42
	[ "$(nslsm contid get "$pid")" = 42 ] || die "id not set"
	expect_fail "already has container id 42" nslsm contid set "$pid" 43
	expect_fail "reserved" nslsm contid set "$pid" 0
	expect_fail "not enrolled" nslsm contid set $$ 5
	expect_contains '"contid":42' "$(nslsm contid get "$pid" --json)"
}

test_contid_inherited_across_fork_and_exec() {
	nslsm ns create box
	"$NSLSM" run --ns box --contid 42 -- sh -c "sh -c 'exec $PROBE sleep 60' & wait" \
		>"$SCRATCH/out" &
	wait_for_file "$SCRATCH/out"
	pid=$(pgrep -f "$PROBE sleep 60" | tail -n 1)
	[ "$(nslsm contid get "$pid")" = 42 ] || die "grandchild lost its id"
}

# A namespace admin inside box starts a nested container and gives it an
# id through nslsmd (bpf() is refused to it).
test_contid_delegated_to_namespace_admin_for_nested_containers() {
	nslsm ns create box --modules yama
	nslsm ns set box yama.ptrace_scope=3 audit.delegate_contid=1
	start_nslsmd
	target=$(start_target "$PROBE" sleep 60)
	# The nested container must not run before it has its id: it waits.
	"$NSLSM" run --ns box --contid 42 -- sh -c "sh -c 'read x </dev/null; sleep 1; exec $PROBE attach $target' & \
		child=\$!; $NSLSM contid set \$child 1001; echo rc=\$?; wait" >"$SCRATCH/out" 2>&1
	cat "$SCRATCH/out"
	expect_contains "rc=0" "$(cat "$SCRATCH/out")"
	expect_contains "denied EPERM" "$(cat "$SCRATCH/out")"
	json=$(nslsm audit --json)
	echo "$json"
	expect_contains '"contid":1001,"parent_contids":[42],' "$json"
	expect_contains 'contid=1001 parent_contids=42 ' "$(nslsm audit)"
	# Once: the nested container's id cannot be changed by the admin.
	out=$("$NSLSM" run --ns box --contid 42 -- sh -c "sh -c 'sleep 2' & child=\$!; \
		$NSLSM contid set \$child 1001 && $NSLSM contid set \$child 1002; wait" 2>&1 || true)
	expect_contains "set once" "$out"
	# Only for its own descendants.
	out=$("$NSLSM" run --ns box --contid 42 -- "$NSLSM" contid set "$target" 5 2>&1 || true)
	expect_contains "not enrolled" "$out"
	other=$(start_target "$NSLSM" run --ns box --contid 9 -- "$PROBE" sleep 60)
	out=$("$NSLSM" run --ns box --contid 42 -- "$NSLSM" contid set "$other" 5 2>&1 || true)
	expect_contains "not a descendant" "$out"
	# Only with CAP_AUDIT_CONTROL.
	out=$("$NSLSM" run --ns box --contid 42 -- setpriv --inh-caps=-all --bounding-set=-audit_control \
		sh -c "sleep 2 & $NSLSM contid set \$! 7; wait" 2>&1 || true)
	expect_contains "CAP_AUDIT_CONTROL" "$out"
}

test_contid_not_delegated_by_default() {
	nslsm ns create box
	start_nslsmd
	out=$("$NSLSM" run --ns box --contid 42 -- sh -c "sleep 2 & $NSLSM contid set \$! 7; wait" 2>&1 || true)
	expect_contains "does not delegate container ids" "$out"
}

test_audit_net_records_connect_with_netns_and_its_containers() {
	nslsm ns create box
	nslsm ns set box audit.net=1
	# Container 7 shares the host's network namespace; container 9 has its own.
	start_target "$NSLSM" run --ns box --contid 7 -- "$PROBE" sleep 60 >/dev/null
	run_in_bash='exec 3<>/dev/tcp/127.0.0.1/9 || true'
	"$NSLSM" run --ns box --contid 42 -- bash -c "$run_in_bash" 2>/dev/null || true
	"$NSLSM" run --ns box --contid 9 -- unshare -n bash -c "$run_in_bash" 2>/dev/null || true
	out=$(nslsm audit)
	echo "$out"
	host_netns=$(stat -L -c %i /proc/self/ns/net)
	expect_contains "contid=42 module=\"audit\" operation=\"connect\"" "$out"
	expect_contains "family=\"inet\" laddr=\"127.0.0.1\" lport=9 netns=$host_netns netns_contids=42,7" "$out"
	line9=$(echo "$out" | grep 'contid=9 ')
	expect_not_contains "netns=$host_netns" "$line9"
	expect_contains "netns_contids=9 " "$line9"
	# Unenrolled tasks and namespaces without audit.net: no record.
	bash -c "$run_in_bash" 2>/dev/null || true
	[ "$(nslsm audit | grep -c 'operation="connect"')" -eq 2 ] || die "extra connect records"
}

# CONTID over a borrowed connection (tests/helpers/nslsmd_peer.py): judged
# by the process that connected, however the socket came to the sender.
test_contid_borrowed_connection_sets_no_id() {
	local peer=$ROOT/tests/helpers/nslsmd_peer.py why="namespace 'box' does not delegate container ids"
	nslsm ns create box
	nslsm ns create other
	start_nslsmd
	victim=$(start_target "$NSLSM" run --ns other -- "$PROBE" sleep 60)
	out=$("$peer" fork-exit box --reuse "CONTID $victim 777")
	echo "$out"
	expect_contains "reused by a host process" "$out"
	expect_contains "child: CONTID $victim 777 -> ERR $why" "$out"
	out=$("$peer" pass box --reuse "CONTID $victim 778")
	echo "$out"
	expect_contains "host: CONTID $victim 778 -> ERR $why" "$out"
	[ "$(nslsm contid get "$victim")" = none ] || die "the victim got an id: $(nslsm contid get "$victim")"
	log=$(cat "$SCRATCH/nslsmd.log")
	expect_contains "refused 'CONTID $victim 777' from pid" "$log"
	expect_contains "refused 'CONTID $victim 778' from pid" "$log"
	# The host's root, connecting itself, still may.
	nslsm contid set "$victim" 779
	[ "$(nslsm contid get "$victim")" = 779 ] || die "the host's root could not set the id"
}
