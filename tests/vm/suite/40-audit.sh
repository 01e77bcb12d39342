# shellcheck shell=bash
# Audit records: fields, filters, followers, losses.

test_audit_record_carries_ns_and_contid() {
	audit_setup box
	deny_in box 42
	out=$(nslsm audit --json)
	echo "$out"
	expect_contains '"nslsm":"DENIED","ns":"box","contid":42,"module":"yama","operation":"ptrace"' "$out"
	expect_contains '"requested":"attach' "$out"
	expect_contains '"ptrace_scope":3' "$out"
	expect_contains "\"target_pid\":$target" "$out"
	out=$(nslsm audit)
	expect_contains 'type=NSLSM msg=audit(' "$out"
	expect_contains 'nslsm="DENIED" ns="box" contid=42 module="yama"' "$out"
}

test_audit_filters_by_ns_and_contid() {
	audit_setup a b
	deny_in a 1
	deny_in b 2
	deny_in b 3
	[ "$(nslsm audit --ns a | wc -l)" -eq 1 ] || die "--ns a"
	[ "$(nslsm audit --ns b | wc -l)" -eq 2 ] || die "--ns b"
	[ "$(nslsm audit --contid 3 | wc -l)" -eq 1 ] || die "--contid 3"
	expect_contains 'contid=3' "$(nslsm audit --contid 3)"
	[ "$(nslsm audit --ns a --contid 2 | wc -l)" -eq 0 ] || die "--ns a --contid 2"
}

test_audit_records_survive_and_every_reader_sees_them() {
	audit_setup box
	deny_in box 5
	one=$(nslsm audit | wc -l)
	two=$(nslsm audit | wc -l)
	[ "$one" -eq 1 ] && [ "$two" -eq 1 ] || die "first read $one, second read $two"
}

test_audit_follow_prints_new_records() {
	audit_setup box
	nslsm audit --follow --json >"$SCRATCH/follow" &
	follower=$!
	sleep 1
	deny_in box 77
	for _ in $(seq 50); do
		grep -q '"contid":77' "$SCRATCH/follow" && break
		sleep 0.2
	done
	kill "$follower"
	expect_contains '"contid":77' "$(cat "$SCRATCH/follow")"
}

test_audit_losses_are_counted_and_reported() {
	audit_setup box
	# More denials than the ring buffer holds (1 MiB / 200 B ≈ 5200).
	out=$(run_in box "$PROBE" flood 16000 "$target")
	expect_contains "16000 denied" "$out"
	status=$(nslsm status --json)
	echo "$status"
	expect_not_contains '"audit_lost":0,' "$status"
	out=$(nslsm audit)
	expect_contains "type=NSLSM_LOST" "$out"
	lost=$(echo "$out" | sed -n 's/.*lost=\([0-9]*\).*/\1/p')
	records=$(echo "$out" | grep -c 'nslsm="DENIED"' || true)
	echo "records=$records lost=$lost"
	[ $((records + lost)) -eq 16000 ] || die "records $records + lost $lost != 16000"
	# Reported once only.
	[ "$(nslsm audit | grep -c NSLSM_LOST)" -eq 1 ] || die "loss reported twice"
}

test_audit_nothing_for_allowed_operations() {
	nslsm ns create box --modules yama
	target=$(start_target "$NSLSM" run --ns box -- "$PROBE" sleep 60)
	expect_allowed run_in box "$PROBE" attach "$target"
	[ -z "$(nslsm audit)" ] || die "an allowed attach was audited"
}
