# shellcheck shell=bash
# Audit queues per namespace: a flood loses only the flooder's records,
# losses are counted for the namespace that lost them, with the reason.

# queue_field NS FIELD: FIELD of NS's line in nslsm status
queue_field() {
	nslsm status | sed -n "s/^audit queue: .* ns=$1 .*$2=\([0-9]*\).*/\1/p"
}

# sum_lost_of FILE NS REASON: what the LOST records in FILE say NS lost
sum_lost_of() {
	sed -n "s/.*lost=\([0-9]*\) ns=\"$2\" reason=\"$3\".*/\1/p" "$1" | awk '{s += $1} END {print s + 0}'
}

# flood_in NS TASKS N: TASKS tasks of NS each make N denied attaches, in
# the background; their pids in $flooders
flood_in() {
	flooders=()
	for _ in $(seq "$2"); do
		run_in "$1" "$PROBE" flood "$3" "$target" >/dev/null &
		flooders+=($!)
	done
}

# until NS has lost records to a full queue (the flood is under way)
wait_queue_full() {
	for _ in $(seq 600); do
		[ "$(queue_field "$1" lost_queue_full)" -gt 0 ] && return 0
		sleep 0.1
	done
	die "namespace $1 never filled its queue"
}

test_audit_flood_in_one_namespace_loses_only_its_own_records() {
	local tasks=4 each=25000
	audit_setup a b
	start_nslsmd
	"$NSLSM" audit --follow --ns b >"$SCRATCH/B" 2>&1 &
	"$NSLSM" audit --follow >"$SCRATCH/H" 2>&1 &
	flood_in a $tasks $each
	wait_queue_full a
	deny_in b 7
	wait "${flooders[@]}"
	log=$(nslsm audit)
	for _ in $(seq 200); do
		grep -q 'contid=7 ' "$SCRATCH/B" && grep -q 'contid=7 ' "$SCRATCH/H" && break
		sleep 0.1
	done
	echo "$log" >"$SCRATCH/log"
	expect_contains 'ns="b" contid=7 module="yama"' "$(cat "$SCRATCH/B")"
	expect_contains 'ns="b" contid=7 module="yama"' "$(cat "$SCRATCH/H")"
	expect_contains 'ns="b" contid=7 module="yama"' "$log"
	status=$(nslsm status)
	echo "$status" | grep '^audit queue'
	written=$(queue_field a written)
	lost=$(queue_field a lost_queue_full)
	logged=$(grep -c 'nslsm="DENIED" ns="a"' "$SCRATCH/log" || true)
	told=$(sum_lost_of "$SCRATCH/log" a queue_full)
	host_got=$(grep -c 'nslsm="DENIED" ns="a"' "$SCRATCH/H" || true)
	host_told=$(sum_lost_of "$SCRATCH/H" a queue_full)
	echo "a: $((tasks * each)) denials, $written written, $lost lost (queue full);" \
		"host log: $logged records, told $told lost; host consumer: $host_got records, told $host_told lost"
	echo "b: written $(queue_field b written), lost $(queue_field b lost_queue_full)"
	[ "$lost" -gt 0 ] || die "the flood never filled a's queue"
	[ $((written + lost)) -eq $((tasks * each)) ] || die "a: $written + $lost != $((tasks * each))"
	[ "$logged" -eq "$written" ] || die "the host's log has $logged of a's $written records"
	[ "$told" -eq "$lost" ] || die "the host's log was told of $told of a's $lost losses"
	[ "$(queue_field b written)" -eq 1 ] || die "b wrote $(queue_field b written) records"
	[ "$(queue_field b lost_queue_full)" -eq 0 ] || die "b lost records"
	expect_not_contains 'ns="b" reason=' "$log"
	expect_not_contains 'ns="a"' "$(cat "$SCRATCH/B")"
}

test_audit_self_protection_denial_during_a_flood_reaches_the_host() {
	audit_setup a
	start_nslsmd
	"$NSLSM" audit --follow >"$SCRATCH/H" 2>&1 &
	flood_in a 4 25000
	wait_queue_full a
	# the flooding namespace itself tries bpf(): its queue keeps room for that
	out=$(run_in a "$PROBE" bpf || true)
	expect_contains "denied EPERM" "$out"
	wait "${flooders[@]}"
	for _ in $(seq 200); do
		grep -q 'module="nslsm"' "$SCRATCH/H" && break
		sleep 0.1
	done
	expect_contains 'nslsm="DENIED" ns="a" contid=0 module="nslsm" operation="bpf"' "$(cat "$SCRATCH/H")"
	expect_contains 'module="nslsm" operation="bpf"' "$(nslsm audit)"
	[ "$(queue_field a lost_queue_full)" -gt 0 ] || die "a's queue was never full"
}

test_audit_rate_limit_drops_and_counts_over_the_rate() {
	audit_setup a b
	nslsm ns set a audit.rate=100
	expect_contains 'audit.rate=100' "$(nslsm ns list)"
	out=$(run_in a "$PROBE" flood 5000 "$target")
	expect_contains "5000 denied" "$out"
	deny_in b 9
	written=$(queue_field a written)
	limited=$(queue_field a lost_rate_limit)
	echo "a at 100/s: 5000 denials, $written written, $limited over the rate"
	[ "$limited" -gt 0 ] && [ "$written" -ge 100 ] || die "written $written, rate-limited $limited"
	[ $((written + limited + $(queue_field a lost_queue_full))) -eq 5000 ] || die "records unaccounted for"
	log=$(nslsm audit)
	echo "$log" >"$SCRATCH/log"
	[ "$(sum_lost_of "$SCRATCH/log" a rate_limit)" -eq "$limited" ] || die "LOST records do not say $limited"
	expect_contains 'ns="b" contid=9 ' "$log"
	[ "$(queue_field b lost_rate_limit)" -eq 0 ] || die "b was limited by a's rate"
	expect_contains '"audit_queues":[{"ns":"host"' "$(nslsm status --json)"
	expect_contains "\"ns\":\"a\",\"bytes\":262144,\"rate\":100,\"written\":$written,\"lost_queue_full\":0,\"lost_rate_limit\":$limited" "$(nslsm status --json)"
}

test_audit_queue_size_is_set_per_namespace_and_keeps_queued_records() {
	audit_setup a
	[ "$(queue_field a bytes)" -eq 262144 ] || die "default queue: $(queue_field a bytes)"
	[ "$(queue_field host bytes)" -eq 1048576 ] || die "host queue: $(queue_field host bytes)"
	deny_in a 5
	nslsm ns set a audit.queue=32768
	[ "$(queue_field a bytes)" -eq 32768 ] || die "queue not resized"
	expect_contains 'audit.queue=32768' "$(nslsm ns list)"
	deny_in a 6
	log=$(nslsm audit)
	expect_contains 'contid=5 ' "$log"
	expect_contains 'contid=6 ' "$log"
	expect_fail "'audit.queue=40000': an audit queue's size is a power of two" nslsm ns set a audit.queue=40000
	expect_fail "an audit queue has 16384 to 67108864 bytes" nslsm ns set a audit.queue=8192
	expect_fail "audit.rate 'fast': not a decimal number" nslsm ns set a audit.rate=fast
	# a deleted namespace's last records still reach the log
	deny_in a 8
	kill "$(pgrep -f "probe sleep 120")" 2>/dev/null || true
	nslsm ns delete a
	expect_contains 'contid=8 ' "$(nslsm audit)"
}

# events FILE: what the records in FILE stand for (a repeated=N record for N)
events() {
	awk '/nslsm="DENIED"/ { n = 1; if (match($0, / repeated=[0-9]+/)) n = substr($0, RSTART + 10, RLENGTH - 10); s += n } END { print s + 0 }' "$1"
}

test_audit_identical_denials_coalesce_into_counted_records() {
	audit_setup a
	nslsm ns set a audit.coalesce=1000
	expect_contains 'audit.coalesce=1000' "$(nslsm ns list)"
	out=$(run_in a "$PROBE" flood 10000 "$target")
	expect_contains "10000 denied" "$out"
	# the last window's count is reported once the window is over
	for _ in $(seq 100); do
		nslsm audit --ns a >"$SCRATCH/log"
		[ "$(events "$SCRATCH/log")" -ge 10000 ] && break
		sleep 0.1
	done
	records=$(grep -c 'nslsm="DENIED"' "$SCRATCH/log" || true)
	repeats=$(grep -c ' repeated=' "$SCRATCH/log" || true)
	echo "10000 identical denials: $records records ($repeats with repeated=N), standing for $(events "$SCRATCH/log")"
	grep ' repeated=' "$SCRATCH/log" | head -n 3
	[ "$(events "$SCRATCH/log")" -eq 10000 ] || die "the records stand for $(events "$SCRATCH/log") denials"
	[ "$records" -le 100 ] || die "$records records for 10000 identical denials"
	[ "$(queue_field a coalesced)" -eq $((10000 - records + repeats)) ] || die "coalesced count $(queue_field a coalesced)"
	# different denials stay apart
	deny_in a 1
	deny_in a 2
	log=$(nslsm audit --ns a)
	expect_contains 'contid=1 ' "$log"
	expect_contains 'contid=2 ' "$log"
	expect_fail "audit.coalesce '70000': must be between 0 and 60000" nslsm ns set a audit.coalesce=70000
}
