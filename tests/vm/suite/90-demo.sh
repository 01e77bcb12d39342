# shellcheck shell=bash
# The scenario of the "done when", exactly as a user types it.

test_demo_ptrace_denied_inside_box_allowed_outside() {
	nslsm ns create box --modules yama
	nslsm ns set box yama.ptrace_scope=3
	pid=$(start_target "$PROBE" sleep 60)
	out=$(nslsm run --ns box --contid 42 -- sh -c "$PROBE attach $pid" || true)
	expect_contains "denied EPERM" "$out"
	expect_allowed "$PROBE" attach "$pid"
	json=$(nslsm audit --json)
	echo "$json"
	expect_contains '"contid":42' "$json"
	expect_contains '"nslsm":"DENIED","ns":"box"' "$json"
}
