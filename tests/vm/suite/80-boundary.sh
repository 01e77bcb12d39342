# shellcheck shell=bash
# The namespace boundary: an enrolled task cannot ptrace, signal or
# reschedule a task outside its namespace subtree, whatever its modules say
# (here Yama at scope 0, which says yes to everything), unless the host
# lifts it.

open_box() {
	nslsm ns create box --modules yama
	nslsm ns set box yama.ptrace_scope=0
}

# in_ns NS PROBE-ARGS: a sleeping probe enrolled in NS; prints its pid.
in_ns() {
	local ns=$1
	shift
	start_target "$NSLSM" run --ns "$ns" -- "$PROBE" "$@"
}

test_boundary_denies_attach_to_a_host_task() {
	open_box
	pid=$(start_target "$PROBE" sleep 60)
	expect_denied_by boundary -- run_in box "$PROBE" attach "$pid"
	expect_denied_by boundary -- run_in box "$PROBE" seize "$pid"
	expect_denied_by boundary -- run_in box "$PROBE" getfd "$pid"
	# the host may
	expect_allowed "$PROBE" attach "$pid"
}

test_boundary_denies_attach_to_a_sibling_namespace_task() {
	open_box
	nslsm ns create sibling --modules yama
	pid=$(in_ns sibling sleep 60)
	expect_denied_by boundary -- run_in box "$PROBE" attach "$pid"
}

test_boundary_denies_attach_to_an_ancestor_namespace_task() {
	nslsm ns create outer
	nslsm ns create inner --parent outer --modules yama
	pid=$(in_ns outer sleep 60)
	expect_denied_by boundary -- run_in inner "$PROBE" attach "$pid"
}

test_boundary_allows_attach_to_own_child() {
	open_box
	expect_allowed run_in box "$PROBE" child-attach
	expect_allowed run_in box "$PROBE" traceme
	pid=$(in_ns box sleep 60)
	expect_allowed run_in box "$PROBE" attach "$pid"
}

test_boundary_allows_a_parent_namespace_to_act_on_its_children() {
	nslsm ns create outer
	nslsm ns create inner --parent outer
	pid=$(in_ns inner sleep 60)
	expect_allowed run_in outer "$PROBE" attach "$pid"
	expect_allowed run_in outer "$PROBE" mem "$pid"
	expect_allowed run_in outer "$PROBE" kill "$pid" 0
	expect_allowed run_in outer "$PROBE" renice "$pid" 1
}

test_boundary_denies_proc_mem_of_a_host_task() {
	open_box
	pid=$(start_target "$PROBE" sleep 60)
	expect_denied_by boundary EACCES -- run_in box "$PROBE" mem "$pid"
	# read-only modes too: environ is PTRACE_MODE_READ
	expect_denied_by boundary EACCES -- run_in box "$PROBE" open "/proc/$pid/environ"
}

test_boundary_denies_traceme_to_an_outside_parent() {
	open_box
	# the probe's parent is this shell, on the host
	expect_denied_by boundary -- run_in box "$PROBE" traceme-parent
}

test_boundary_denies_kill_stop_of_a_host_task() {
	open_box
	pid=$(start_target "$PROBE" sleep 60)
	expect_denied_by boundary -- run_in box "$PROBE" kill "$pid" 19
	expect_denied_by boundary -- run_in box "$PROBE" kill "$pid" 0
	state=$(awk '{print $3}' "/proc/$pid/stat")
	[ "$state" != T ] || die "the host task was stopped"
}

test_boundary_denies_renice_of_a_host_task() {
	open_box
	pid=$(start_target "$PROBE" sleep 60)
	expect_denied_by boundary -- run_in box "$PROBE" renice "$pid" 10
	expect_denied_by boundary -- run_in box "$PROBE" sched "$pid"
	expect_denied_by boundary -- run_in box "$PROBE" ioprio "$pid"
	expect_denied_by boundary -- run_in box "$PROBE" prlimit "$pid"
	[ "$(awk '{print $19}' "/proc/$pid/stat")" = 0 ] || die "the host task was reniced"
	# its own tasks it may
	mine=$(in_ns box sleep 60)
	expect_allowed run_in box "$PROBE" renice "$mine" 10
	expect_allowed run_in box "$PROBE" prlimit "$mine"
}

test_boundary_allow_set_by_the_host_lifts_it() {
	open_box
	nslsm ns set box boundary.ptrace=allow boundary.signal=allow boundary.sched=allow
	pid=$(start_target "$PROBE" sleep 60)
	expect_allowed run_in box "$PROBE" attach "$pid"
	expect_allowed run_in box "$PROBE" mem "$pid"
	expect_allowed run_in box "$PROBE" kill "$pid" 0
	expect_allowed run_in box "$PROBE" renice "$pid" 1
	[ -z "$(nslsm audit)" ] || die "allowed operations were audited"
}

test_boundary_signal_parent_allows_the_process_that_entered() {
	open_box
	stranger=$(start_target "$PROBE" sleep 60)
	# sh becomes the probe: its parent is the process that ran nslsm run
	verdict=$(run_in box sh -c 'exec "$0" kill $PPID 0' "$PROBE" 2>&1 || true)
	[ "$verdict" = "denied EPERM" ] || die "deny: the entering process was signalled: $verdict"
	nslsm ns set box boundary.signal=parent
	verdict=$(run_in box sh -c 'exec "$0" kill $PPID 0' "$PROBE" 2>&1 || true)
	[ "$verdict" = allowed ] || die "parent: the entering process was not signalled: $verdict"
	expect_denied_by boundary -- run_in box "$PROBE" kill "$stranger" 0
	expect_contains "boundary.signal=parent" "$(nslsm ns list)"
	expect_fail "expected 'deny' or 'allow'" nslsm ns set box boundary.ptrace=parent
}

test_boundary_child_cannot_relax_its_parent() {
	nslsm ns create outer
	nslsm ns create inner --parent outer --modules yama
	expect_fail "namespace 'inner' cannot allow more than its ancestor 'outer' (boundary.ptrace=deny)" \
		nslsm ns set inner boundary.ptrace=allow
	expect_fail "cannot allow more than its ancestor 'outer'" \
		nslsm ns set inner boundary.signal=parent
	expect_contains "boundary.ptrace=deny" "$(nslsm ns list | grep '^inner ')"
	expect_fail "the host has no boundary" nslsm ns set host boundary.ptrace=allow
	# once the parent allows, so may the child; when the parent takes it
	# back, the child is bound again
	nslsm ns set outer boundary.ptrace=allow
	nslsm ns set inner boundary.ptrace=allow
	pid=$(start_target "$PROBE" sleep 60)
	expect_allowed run_in inner "$PROBE" attach "$pid"
	nslsm ns set outer boundary.ptrace=deny
	expect_contains "boundary.ptrace=deny" "$(nslsm ns list | grep '^inner ')"
	expect_denied_by boundary -- run_in inner "$PROBE" attach "$pid"
}

test_boundary_change_applies_to_running_tasks() {
	open_box
	pid=$(start_target "$PROBE" sleep 60)
	# one enrolled shell tries twice, before and after the host's change
	"$NSLSM" run --ns box -- sh -c "$PROBE attach $pid >$SCRATCH/first 2>&1; \
		while [ ! -e $SCRATCH/go ]; do sleep 0.1; done; \
		$PROBE attach $pid >$SCRATCH/second 2>&1" &
	shell=$!
	wait_for_file "$SCRATCH/first"
	expect_contains "denied EPERM" "$(cat "$SCRATCH/first")"
	nslsm ns set box boundary.ptrace=allow
	touch "$SCRATCH/go"
	wait "$shell"
	expect_contains "allowed" "$(cat "$SCRATCH/second")"
}

test_boundary_settings_are_listed() {
	open_box
	out=$(nslsm ns list)
	expect_contains "boundary.ptrace=deny boundary.signal=deny boundary.sched=deny" "$out"
	expect_not_contains "boundary" "$(echo "$out" | grep '^host ')"
	nslsm ns set box boundary.sched=allow
	expect_contains '"boundary.ptrace":"deny","boundary.signal":"deny","boundary.sched":"allow"' \
		"$(nslsm ns list --json)"
}

test_boundary_denials_are_audited_with_the_target() {
	nslsm ns create box
	nslsm ns create sibling
	pid=$(in_ns sibling sleep 60)
	"$NSLSM" run --ns box --contid 5 -- "$PROBE" kill "$pid" 0 >/dev/null || true
	rec=$(nslsm audit --json | grep '"module":"boundary"')
	echo "$rec"
	expect_contains '"nslsm":"DENIED","ns":"box","contid":5,"module":"boundary","operation":"signal"' "$rec"
	expect_contains '"policy_ns":"box"' "$rec"
	expect_contains "\"target_pid\":$pid,\"target_comm\":\"probe\",\"target_ns\":\"sibling\"" "$rec"
	# audit rules select them by module, as any other record
	nslsm audit rule add box never module=boundary
	expect_contains "1: never module=boundary" "$(nslsm audit rule list box)"
}

# sigio_to NS|host PID SIG: a pipe owned by PID, its owner set (and the
# write done) from NS, or from the host.
sigio_to() {
	local ns=$1
	shift
	if [ "$ns" = host ]; then
		"$PROBE" sigio "$@" >/dev/null
	else
		run_in "$ns" "$PROBE" sigio "$@" >/dev/null
	fi
}

# counter NAME [nslsm run args --]: a probe counting SIGURG (23, below
# SIGWINCH) in the background, a child of this shell; sets $counter_pid.
counter() {
	local name=$1
	shift
	"$@" "$PROBE" count-signal 23 >"$SCRATCH/$name" 2>&1 &
	counter_pid=$!
	wait_for_file "$SCRATCH/$name"
}

# counted PID NAME: make the counter report and exit; prints its count.
counted() {
	kill -WINCH "$1"
	wait "$1" || true
	sed -n 's/^got //p' "$SCRATCH/$2"
}

test_boundary_denies_sigio_to_an_owner_set_from_inside() {
	open_box
	counter host
	before=$(nslsm audit | grep -c 'module="boundary"' || true)
	sigio_to box "$counter_pid" 23
	after=$(nslsm audit | grep -c 'module="boundary"' || true)
	[ "$after" -eq $((before + 1)) ] || die "boundary audited $((after - before)) denials, not 1"
	expect_contains 'operation="signal" hook="file_send_sigiotask"' "$(nslsm audit | tail -n 1)"
	[ "$(counted "$counter_pid" host)" = 0 ] || die "the host task got the SIGIO signal"
}

test_boundary_allows_sigio_to_an_owner_the_host_set() {
	open_box
	counter host
	sigio_to host "$counter_pid" 23
	[ "$(counted "$counter_pid" host)" = 1 ] || die "the host's own SIGIO was lost"
	# and to a task inside, from inside
	counter mine "$NSLSM" run --ns box --
	sigio_to box "$counter_pid" 23
	[ "$(counted "$counter_pid" mine)" = 1 ] || die "SIGIO inside box was lost"
	[ -z "$(nslsm audit)" ] || die "allowed signals were audited"
}
