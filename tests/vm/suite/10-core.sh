# shellcheck shell=bash
# Core: loading, pins, blobs, namespaces, bounded enforcement.

# needs: fresh-load
test_load_pins_every_hook_and_map() {
	local links maps
	links=$(ls /sys/fs/bpf/nslsm/links | wc -l)
	[ "$links" -eq "$HOOKS" ] || die "expected $HOOKS pinned links, found $links"
	maps=$(ls /sys/fs/bpf/nslsm/maps)
	for m in task_blobs namespaces ptracers audit audit_rules stats config bss; do
		expect_contains "$m" "$maps"
	done
	expect_contains "hooks attached: $HOOKS of $HOOKS" "$(nslsm status)"
	expect_contains '"loaded":true' "$(nslsm status --json)"
}

test_load_twice_fails_and_changes_nothing() {
	expect_fail "already loaded" nslsm load
	[ "$(ls /sys/fs/bpf/nslsm/links | wc -l)" -eq "$HOOKS" ] || die "links changed"
}

test_unload_removes_everything_and_enforcement_stops() {
	nslsm ns create box --modules yama
	nslsm ns set box yama.ptrace_scope=3
	pid=$(start_target "$PROBE" sleep 60)
	expect_denied_by yama -- run_in box "$PROBE" attach "$pid"
	nslsm unload
	[ ! -e /sys/fs/bpf/nslsm ] || die "pins left behind"
	expect_allowed "$PROBE" attach "$pid"
	nslsm load
}

test_unenrolled_tasks_untouched() {
	nslsm ns create box --modules yama
	nslsm ns set box yama.ptrace_scope=3
	pid=$(start_target "$PROBE" sleep 60)
	expect_allowed "$PROBE" attach "$pid"
	expect_allowed "$PROBE" mem "$pid"
	expect_allowed "$PROBE" bpf
	expect_allowed "$PROBE" open /sys/fs/bpf/nslsm/maps/stats
	expect_contains "not enrolled" "$(nslsm attr get $$)"
}

test_blob_inherited_across_fork_exec_and_threads() {
	nslsm ns create box --modules yama
	# A grandchild, after two forks and an exec, still in box with contid 7.
	"$NSLSM" run --ns box --contid 7 -- sh -c "sh -c 'exec $PROBE sleep 60' & wait" \
		>"$SCRATCH/out" &
	wait_for_file "$SCRATCH/out"
	pid=$(pgrep -f "$PROBE sleep 60" | tail -n 1)
	[ -n "$pid" ] || die "no grandchild"
	attr=$(nslsm attr get "$pid")
	echo "$attr"
	expect_contains "enrolled contid=7" "$attr"
	expect_contains "level 1: ns=box" "$attr"
	json=$(nslsm attr get "$pid" --json)
	expect_contains '"contid":7' "$json"
	expect_contains '"ns":"box"' "$json"
	# A thread of an enrolled task is enrolled too (bpf() refused in it).
	expect_denied_by nslsm -- run_in box "$PROBE" thread-bpf
	# exec keeps the blob: an exec'd shell exec'ing the probe is still denied.
	expect_denied_by nslsm -- run_in box sh -c "exec $PROBE bpf"
}

test_two_sibling_namespaces_with_different_settings() {
	nslsm ns create strict --modules yama
	nslsm ns create lax --modules yama
	nslsm ns set strict yama.ptrace_scope=3
	nslsm ns set lax yama.ptrace_scope=0
	# Yama's verdicts on a host task, so the boundary is lifted.
	nslsm ns set strict boundary.ptrace=allow
	nslsm ns set lax boundary.ptrace=allow
	pid=$(start_target "$PROBE" sleep 60)
	expect_denied_by yama -- run_in strict "$PROBE" attach "$pid"
	expect_allowed run_in lax "$PROBE" attach "$pid"
}

test_nested_namespace_bounded_by_parent() {
	nslsm ns create outer --modules yama
	nslsm ns create inner --parent outer --modules yama
	nslsm ns set outer yama.ptrace_scope=2
	nslsm ns set inner yama.ptrace_scope=0
	nslsm ns set outer boundary.ptrace=allow
	nslsm ns set inner boundary.ptrace=allow
	pid=$(start_target "$PROBE" -u 65534 sleep 60)
	# inner allows, outer (scope 2) denies an attach without CAP_SYS_PTRACE.
	expect_denied_by yama -- run_in inner "$PROBE" -u 65534 attach "$pid"
	nslsm audit --json >"$SCRATCH/audit"
	expect_contains '"ns":"inner"' "$(cat "$SCRATCH/audit")"
	expect_contains '"policy_ns":"outer"' "$(cat "$SCRATCH/audit")"
	# Root (with CAP_SYS_PTRACE) passes both.
	expect_allowed run_in inner "$PROBE" attach "$pid"
	# The stricter child wins too.
	nslsm ns set outer yama.ptrace_scope=0
	nslsm ns set inner yama.ptrace_scope=3
	expect_denied_by yama -- run_in inner "$PROBE" attach "$pid"
	# The parent's own tasks are not bound by the child's policy.
	expect_allowed run_in outer "$PROBE" attach "$pid"
}

test_namespace_without_yama_ignores_its_settings() {
	nslsm ns create box
	nslsm ns set box yama.ptrace_scope=3 boundary.ptrace=allow
	pid=$(start_target "$PROBE" sleep 60)
	expect_allowed run_in box "$PROBE" attach "$pid"
	nslsm ns set box modules=yama
	expect_denied_by yama -- run_in box "$PROBE" attach "$pid"
}

test_host_modules_apply_to_every_task() {
	pid=$(start_target "$PROBE" sleep 60)
	nslsm ns set host modules=yama yama.ptrace_scope=3
	expect_denied_by yama -- "$PROBE" attach "$pid"
	nslsm ns set host modules=none
	expect_allowed "$PROBE" attach "$pid"
}

test_complain_mode_audits_instead_of_denying() {
	nslsm ns create box --modules yama
	nslsm ns set box yama.ptrace_scope=3 yama.mode=complain boundary.ptrace=allow
	pid=$(start_target "$PROBE" sleep 60)
	expect_allowed run_in box "$PROBE" attach "$pid"
	out=$(nslsm audit)
	expect_contains 'nslsm="ALLOWED" ns="box"' "$out"
	nslsm ns set box yama.mode=enforce
	expect_denied_by yama -- run_in box "$PROBE" attach "$pid"
}

test_ns_delete_refuses_while_tasks_live() {
	nslsm ns create box --modules yama
	pid=$(start_target "$NSLSM" run --ns box -- "$PROBE" sleep 60)
	expect_fail "still has 1 task" nslsm ns delete box
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	nslsm ns delete box
	expect_not_contains "box" "$(nslsm ns list)"
}

test_ns_list_shows_tree_settings_and_tasks() {
	nslsm ns create box --modules yama
	nslsm ns create inner --parent box
	nslsm ns set box yama.ptrace_scope=2
	start_target "$NSLSM" run --ns inner -- "$PROBE" sleep 60 >/dev/null
	out=$(nslsm ns list)
	echo "$out"
	expect_contains "yama.mode=enforce yama.ptrace_scope=2" "$out"
	json=$(nslsm ns list --json)
	expect_contains '{"name":"inner","id":2,"parent":"box","depth":2,"tasks":1,"modules":"none"' "$json"
	expect_contains '"parent":null' "$json"
}

test_pinned_enforcement_survives_the_cli_exiting() {
	nslsm ns create box --modules yama
	nslsm ns set box yama.ptrace_scope=3
	# No nslsm process is alive: every CLI call above has exited.
	if pgrep -x 'nslsm|nslsm.static' >/dev/null; then die "an nslsm process is still running"; fi
	pid=$(start_target "$PROBE" sleep 60)
	expect_denied_by yama -- run_in box "$PROBE" attach "$pid"
}

test_unload_refuses_while_tasks_are_enrolled() {
	nslsm ns create box
	start_target "$NSLSM" run --ns box -- "$PROBE" sleep 60 >/dev/null
	expect_fail "still alive" nslsm unload
	[ -d /sys/fs/bpf/nslsm/links ] || die "unload removed pins after refusing"
	nslsm unload --force
	nslsm load
}

# Every kind of state nslsm keeps, then `nslsm reset`: the whole pinned
# state must be the one the fresh load left, entry for entry.
# needs: fresh-load
test_reset_returns_every_map_and_pin_to_the_state_of_a_fresh_load() {
	local fresh after
	fresh=$(state_dump)
	expect_contains "map namespaces" "$fresh"
	expect_contains "link file_open" "$fresh"
	nslsm ns create box --modules yama,apparmor
	nslsm ns create inner --parent box --modules yama
	nslsm ns set box yama.ptrace_scope=3 apparmor.mode=enforce audit.queue=65536 \
		audit.rate=1000 audit.coalesce=100 audit.delegate_contid=1 boundary.signal=parent
	nslsm apparmor load box "$ROOT/tests/apparmor/corpus/caps.profile" >/dev/null
	nslsm audit rule add box never module=boundary
	start_nslsmd
	target=$(start_target "$PROBE" sleep 120)
	start_target "$NSLSM" run --ns inner --contid 7 -- "$PROBE" sleep 120 >/dev/null
	start_target "$NSLSM" run --ns box -- "$PROBE" declare any 120 >/dev/null
	expect_denied_by yama -- run_in box "$PROBE" attach "$target"
	mkdir /sys/fs/bpf/nslsm/stray
	after=$(state_dump)
	[ "$after" != "$fresh" ] || die "the test changed no state"
	expect_contains "live tasks hold an entry" "$after"

	# Refused while tasks hold state, and nothing changed.
	expect_fail "still hold nslsm state" nslsm reset
	expect_contains "box" "$(nslsm ns list)"

	expect_contains "fresh load" "$(nslsm reset --kill)"
	after=$(state_dump)
	if [ "$after" != "$fresh" ]; then
		diff -u <(echo "$fresh") <(echo "$after") >&2 || true
		die "the state after reset differs from the fresh load's (diff above)"
	fi
	# The one value put forward, not back: no cached verdict answers again.
	expect_contains "1 non-zero entries" "$("$STATEDUMP" | sed -n '/^map aa_epoch /,/digest/p')"
	expect_contains "namespaces:     1" "$(nslsm status)"

	# Enforcement after the reset, as after a load (nslsmd was killed:
	# nslsm audit reads the queues itself once its socket is gone).
	rm -f /run/nslsm/nslsmd.sock
	nslsm ns create box --modules yama
	nslsm ns set box yama.ptrace_scope=3
	target=$(start_target "$PROBE" sleep 60)
	expect_allowed "$PROBE" attach "$target"
	expect_denied_by yama -- run_in box "$PROBE" attach "$target"
}

test_reset_refuses_a_missing_pin_and_changes_nothing() {
	nslsm ns create box --modules yama
	rm /sys/fs/bpf/nslsm/links/file_open
	expect_fail "nslsm unload' and 'nslsm load" nslsm reset --kill
	expect_contains "box" "$(nslsm ns list)"
	nslsm unload --force
	nslsm load
}
