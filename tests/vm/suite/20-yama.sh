# shellcheck shell=bash
# Yama, namespaced: every scope with an allowed and a denied case.

# Yama's own verdicts, on host tasks too: the boundary is lifted.
yama_box() {
	nslsm ns create box --modules yama
	nslsm ns set box yama.ptrace_scope="$1" boundary.ptrace=allow
}

test_yama_scope_0_allows_attach_to_a_stranger() {
	yama_box 0
	pid=$(start_target "$PROBE" sleep 60)
	expect_allowed run_in box "$PROBE" attach "$pid"
	expect_allowed run_in box "$PROBE" seize "$pid"
	expect_allowed run_in box "$PROBE" mem "$pid"
}

test_yama_scope_1_allows_descendants_only() {
	yama_box 1
	expect_allowed run_in box "$PROBE" child-attach
	pid=$(start_target "$PROBE" -u 65534 sleep 60)
	expect_denied_by yama -- run_in box "$PROBE" -u 65534 attach "$pid"
	expect_denied_by yama -- run_in box "$PROBE" -u 65534 seize "$pid"
}

test_yama_scope_1_allows_capable_tracer() {
	yama_box 1
	pid=$(start_target "$PROBE" sleep 60)
	# root has CAP_SYS_PTRACE in the target's (initial) user namespace.
	expect_allowed run_in box "$PROBE" attach "$pid"
}

test_yama_scope_1_honours_pr_set_ptracer_any() {
	yama_box 1
	pid=$(start_target "$PROBE" -u 65534 declare any 60)
	expect_allowed run_in box "$PROBE" -u 65534 attach "$pid"
}

test_yama_scope_1_honours_pr_set_ptracer_pid() {
	yama_box 1
	# The tracer: an enrolled shell that waits for its target's pid, then
	# becomes the probe (exec keeps its pid).
	"$NSLSM" run --ns box -- sh -c "echo \$\$ >$SCRATCH/tracer; \
		while [ ! -s $SCRATCH/target ]; do sleep 0.1; done; \
		exec $PROBE -u 65534 attach \$(cat $SCRATCH/target)" >"$SCRATCH/verdict" 2>&1 &
	wait_for_file "$SCRATCH/tracer"
	tracer=$(cat "$SCRATCH/tracer")
	pid=$(start_target "$PROBE" -u 65534 declare "$tracer" 60)
	echo "$pid" >"$SCRATCH/target"
	wait
	expect_contains "allowed" "$(cat "$SCRATCH/verdict")"
	# A tracer that was not declared is still refused.
	expect_denied_by yama -- run_in box "$PROBE" -u 65534 attach "$pid"
}

test_yama_scope_1_declaration_can_be_withdrawn() {
	yama_box 1
	pid=$(start_target "$PROBE" -u 65534 declare any,none 60)
	expect_denied_by yama -- run_in box "$PROBE" -u 65534 attach "$pid"
}

test_yama_pr_set_ptracer_still_succeeds_for_enrolled_tasks() {
	yama_box 1
	out=$(run_in box "$PROBE" declare any 0)
	expect_contains "declared" "$out"
}

test_yama_scope_2_denies_non_admin_attach() {
	yama_box 2
	pid=$(start_target "$PROBE" -u 65534 sleep 60)
	expect_denied_by yama -- run_in box "$PROBE" -u 65534 attach "$pid"
	expect_denied_by yama EACCES -- run_in box "$PROBE" -u 65534 mem "$pid"
	# Its own child is no exception at scope 2...
	expect_denied_by yama -- run_in box "$PROBE" -u 65534 child-attach
	# ...but CAP_SYS_PTRACE is.
	expect_allowed run_in box "$PROBE" attach "$pid"
}

test_yama_scope_2_traceme_needs_capable_parent() {
	yama_box 2
	expect_allowed run_in box "$PROBE" traceme
	expect_denied_by yama -- run_in box "$PROBE" -u 65534 traceme
}

test_yama_scope_3_denies_every_attach() {
	yama_box 3
	pid=$(start_target "$PROBE" sleep 60)
	expect_denied_by yama -- run_in box "$PROBE" attach "$pid"
	expect_denied_by yama -- run_in box "$PROBE" seize "$pid"
	expect_denied_by yama EACCES -- run_in box "$PROBE" mem "$pid"
	expect_denied_by yama -- run_in box "$PROBE" child-attach
	expect_denied_by yama -- run_in box "$PROBE" traceme
	# Read access (/proc/PID/environ is PTRACE_MODE_READ) is not Yama's.
	expect_allowed run_in box "$PROBE" open "/proc/$pid/environ"
}

test_yama_scope_0_allows_traceme() {
	yama_box 0
	expect_allowed run_in box "$PROBE" -u 65534 traceme
}
