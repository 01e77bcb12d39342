# shellcheck shell=bash
# nslsmd: per-namespace consumers and rules, bounded queues, the host's
# audit, orchestrator outputs.

# follow NAME [nslsm audit args]: a consumer writing to $SCRATCH/NAME
follow() {
	local name=$1
	shift
	"$NSLSM" audit --follow "$@" >"$SCRATCH/$name" 2>&1 &
	sleep 0.5
}

# wait_lines FILE PATTERN N: until FILE has N lines matching (20 s at most)
wait_lines() {
	for _ in $(seq 200); do
		[ "$(grep -c "$2" "$1" || true)" -ge "$3" ] && return 0
		sleep 0.1
	done
	die "$1 has $(grep -c "$2" "$1" || true) lines matching '$2', expected $3"
}

test_daemon_consumers_see_only_their_namespace() {
	audit_setup a b
	nslsm ns create a1 --parent a --modules yama
	nslsm ns set a1 yama.ptrace_scope=3
	start_nslsmd
	follow A --ns a
	follow B --ns b
	follow H
	deny_in a 1
	deny_in b 2
	deny_in a1 3
	wait_lines "$SCRATCH/H" 'nslsm="DENIED"' 3
	wait_lines "$SCRATCH/A" 'nslsm="DENIED"' 2
	wait_lines "$SCRATCH/B" 'nslsm="DENIED"' 1
	sleep 0.5
	a=$(cat "$SCRATCH/A")
	b=$(cat "$SCRATCH/B")
	expect_contains "contid=1 " "$a"
	expect_contains "contid=3 " "$a"
	expect_not_contains "contid=2 " "$a"
	expect_contains "contid=2 " "$b"
	expect_not_contains "contid=1 " "$b"
	expect_not_contains "contid=3 " "$b"
}

test_daemon_drains_for_nslsm_audit_so_consumers_miss_nothing() {
	audit_setup a
	start_nslsmd --json-log "$SCRATCH/j.log"
	follow H
	deny_in a 61
	# Right away, and through nslsmd: the record is in the log, and the
	# consumer and the sink get it too.
	expect_contains 'contid=61 ' "$(nslsm audit)"
	wait_lines "$SCRATCH/H" 'contid=61 ' 1
	expect_contains '"contid":61' "$(cat "$SCRATCH/j.log")"
}

test_daemon_container_rules_never_change_what_the_host_receives() {
	audit_setup a
	nslsm audit rule add a never
	nslsm audit rule add host never module=nslsm
	expect_contains "1: never" "$(nslsm audit rule list a)"
	start_nslsmd
	follow A --ns a
	follow H
	deny_in a 1
	run_in a "$PROBE" bpf >/dev/null || true
	wait_lines "$SCRATCH/H" 'nslsm="DENIED"' 1
	sleep 1
	expect_not_contains 'nslsm="DENIED"' "$(cat "$SCRATCH/A")"
	# The host's own rule drops self-protection records for the host...
	expect_not_contains 'module="nslsm"' "$(cat "$SCRATCH/H")"
	expect_contains 'module="yama"' "$(cat "$SCRATCH/H")"
	# ...and the container's rule dropped nothing of the host's log.
	expect_contains 'contid=1 module="yama"' "$(nslsm audit)"
	nslsm audit rule del a 1
	[ -z "$(nslsm audit rule list a)" ] || die "rule not deleted"
	expect_fail "no rule 5" nslsm audit rule del a 5
	expect_fail "unknown field 'colour'" nslsm audit rule add a always colour=red
	expect_fail "expected 'always' or 'never'" nslsm audit rule add a sometimes
}

test_daemon_rule_selects_by_field() {
	audit_setup a
	nslsm audit rule add a always contid=2
	nslsm audit rule add a never -F result=denied
	start_nslsmd
	follow A --ns a --json
	deny_in a 1
	deny_in a 2
	wait_lines "$SCRATCH/A" '"contid":2' 1
	sleep 0.5
	expect_not_contains '"contid":1,' "$(cat "$SCRATCH/A")"
	# Without the daemon, 'nslsm audit --ns a' applies the same rules.
	expect_not_contains 'contid=1 ' "$(nslsm audit --ns a)"
	expect_contains 'contid=2 ' "$(nslsm audit --ns a)"
}

test_daemon_enrolled_consumer_is_confined_to_its_namespace() {
	audit_setup a b
	start_nslsmd
	out=$(run_in a "$NSLSM" audit --follow --ns b 2>&1 || true)
	expect_contains "not allowed to follow namespace 'b'" "$out"
	# (without --ns, from inside, nslsm follows its own namespace)
	out=$(run_in a "$NSLSM" audit --follow --ns host 2>&1 || true)
	expect_contains "not allowed to follow namespace 'host'" "$out"
	# Its own namespace it may follow, from inside, without bpf().
	"$NSLSM" run --ns a -- "$NSLSM" audit --follow --ns a >"$SCRATCH/A" 2>&1 &
	sleep 1
	deny_in a 4
	wait_lines "$SCRATCH/A" 'contid=4 ' 1
	# Non-root host users may not follow anything.
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$NSLSM" audit --follow 2>&1 || true)
	expect_contains "not allowed" "$out"
}

# sum_lost FILE REASON: the records FILE was told it lost for REASON
sum_lost() {
	sed -n "s/.*lost=\([0-9]*\) .*reason=\"$2\".*/\1/p" "$1" | awk '{s += $1} END {print s + 0}'
}

test_daemon_stalled_consumer_loses_and_is_told_others_go_on() {
	local n=12000
	audit_setup a
	# a queue that holds a burst: losses here are the consumer's alone
	nslsm ns set a audit.queue=1048576
	start_nslsmd --history 4096
	follow S --ns a
	stalled=$!
	follow G --ns a
	kill -STOP "$stalled"
	# 12 bursts of 1000, each once the live consumer has the one before:
	# the stalled consumer falls 12000 behind, 3 times what nslsmd keeps.
	for i in $(seq 12); do
		out=$(run_in a "$PROBE" flood 1000 "$target")
		expect_contains "1000 denied" "$out"
		wait_lines "$SCRATCH/G" 'nslsm="DENIED"' $((i * 1000))
	done
	# Enforcement went on; the live consumer got every record the kernel
	# kept (the kernel's own losses are reported to all as reason=queue_full).
	for _ in $(seq 600); do
		got=$(grep -c 'nslsm="DENIED"' "$SCRATCH/G" || true)
		[ $((got + $(sum_lost "$SCRATCH/G" queue_full))) -ge $n ] && break
		sleep 0.1
	done
	ring=$(sum_lost "$SCRATCH/G" queue_full)
	echo "live consumer: received $got, kernel ring buffer lost $ring"
	[ $((got + ring)) -eq $n ] || die "live consumer: $got + $ring != $n"
	[ "$(sum_lost "$SCRATCH/G" consumer)" -eq 0 ] || die "the live consumer lost records"
	status=$(nslsm status)
	echo "$status"
	lost=$(echo "$status" | sed -n "s/.*consumer pid=$stalled ns=a .* lost=\([0-9]*\).*/\1/p")
	[ "${lost:-0}" -gt 0 ] || die "status shows no loss for the stalled consumer"
	kill -CONT "$stalled"
	wait_lines "$SCRATCH/S" 'reason="consumer"' 1
	# it drains what nslsmd kept for it (4096 records, slow on a loaded
	# machine): until every record is received or accounted as lost
	for _ in $(seq 600); do
		got=$(grep -c 'nslsm="DENIED"' "$SCRATCH/S" || true)
		told=$(sum_lost "$SCRATCH/S" consumer)
		ring=$(sum_lost "$SCRATCH/S" queue_full)
		[ $((got + told + ring)) -ge $n ] && break
		sleep 0.1
	done
	echo "stalled consumer: received $got, told it lost $told (+ $ring by the kernel)"
	[ "$told" -eq "$lost" ] || die "told $told, status said $lost"
	[ $((got + told + ring)) -eq $n ] || die "received $got + lost $told + $ring != $n"
}

test_daemon_forwards_to_kernel_audit_found_by_ausearch() {
	command -v auditd >/dev/null || die "auditd is not installed (scripts/install-deps)"
	audit_setup a
	mkdir -p /var/log/audit
	auditd
	for _ in $(seq 50); do [ -s /run/auditd.pid ] && break; sleep 0.1; done
	start_nslsmd --kernel-audit
	deny_in a 4242
	for _ in $(seq 100); do
		ausearch -m USER_AVC 2>/dev/null | grep -q 'contid=4242' && break
		sleep 0.2
	done
	out=$(ausearch -m USER_AVC 2>&1 || true)
	kill "$(cat /run/auditd.pid)" 2>/dev/null || true
	echo "$out" | tail -n 3
	expect_contains 'nslsm="DENIED" ns="a" contid=4242 module="yama"' "$out"
}

test_daemon_json_lines_for_orchestrators_rotate() {
	audit_setup a
	start_nslsmd --json-log "$SCRATCH/j.log" --json-log-size 2048 --json-log-keep 2
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do deny_in a "$i"; done
	for _ in $(seq 100); do [ -e "$SCRATCH/j.log.2" ] && break; sleep 0.1; done
	[ -e "$SCRATCH/j.log.1" ] && [ -e "$SCRATCH/j.log.2" ] || die "no rotation: $(ls "$SCRATCH")"
	[ ! -e "$SCRATCH/j.log.3" ] || die "kept more than 2 old files"
	line=$(head -n 1 "$SCRATCH/j.log.1")
	echo "$line"
	expect_contains '{"host":"' "$line"
	expect_contains '"ns":"a","module":"yama","record":{"time":' "$line"
}

test_daemon_syslog_rfc5424_reaches_rsyslog() {
	command -v rsyslogd >/dev/null || die "rsyslog is not installed (scripts/install-deps)"
	audit_setup a
	cat >"$SCRATCH/rsyslog.conf" <<CONF
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="5514")
*.* action(type="omfile" file="$SCRATCH/syslog.out" template="RSYSLOG_SyslogProtocol23Format")
CONF
	rsyslogd -n -f "$SCRATCH/rsyslog.conf" -i "$SCRATCH/rsyslog.pid" &
	for _ in $(seq 100); do [ -s "$SCRATCH/rsyslog.pid" ] && break; sleep 0.1; done
	sleep 1
	start_nslsmd --syslog 127.0.0.1:5514
	deny_in a 515
	for _ in $(seq 100); do grep -q 'contid=515' "$SCRATCH/syslog.out" 2>/dev/null && break; sleep 0.1; done
	out=$(cat "$SCRATCH/syslog.out")
	echo "$out"
	expect_contains '<84>1 ' "$out"
	expect_contains ' nslsm ' "$out"
	expect_contains 'ns="a" contid=515 module="yama"' "$out"
}

# Escape attempts on nslsmd's socket (tests/helpers/nslsmd_peer.py): a
# connection is judged by the process that made it, whoever holds it now.
PEER=$ROOT/tests/helpers/nslsmd_peer.py

# expect_refused_by_nslsmd OUT REQUEST WHY NS: the reply says WHY, and
# nslsmd's log names the request, the connecting process and its namespace.
expect_refused_by_nslsmd() {
	local connector
	connector=$(echo "$1" | sed -n 's/^connector //p')
	expect_contains "$2 -> ERR $3" "$1"
	expect_contains "refused '$2' from pid $connector of namespace '$4' (uid 0): $3" \
		"$(cat "$SCRATCH/nslsmd.log")"
}

test_daemon_connection_left_to_a_child_keeps_the_exited_connectors_namespace() {
	audit_setup box other
	start_nslsmd
	out=$("$PEER" fork-exit box "SUBSCRIBE host text" "SUBSCRIBE other text" "SUBSCRIBE box text")
	echo "$out"
	expect_refused_by_nslsmd "$out" "SUBSCRIBE host text" "not allowed to follow namespace 'host'" box
	expect_refused_by_nslsmd "$out" "SUBSCRIBE other text" "not allowed to follow namespace 'other'" box
	expect_contains "SUBSCRIBE box text -> OK" "$out"
}

test_daemon_host_process_reusing_the_connectors_pid_gets_no_host_rights() {
	audit_setup box
	start_nslsmd
	out=$("$PEER" fork-exit box --reuse "SUBSCRIBE host text")
	echo "$out"
	expect_contains "reused by a host process" "$out"
	expect_refused_by_nslsmd "$out" "SUBSCRIBE host text" "not allowed to follow namespace 'host'" box
}

test_daemon_socket_passed_to_the_host_and_on_carries_only_the_connectors_rights() {
	audit_setup box other
	start_nslsmd
	# Enrolled in box, it connects and hands the socket to a host process
	# that holds its pid once it is gone; the socket then goes on to a task
	# of other.
	out=$("$PEER" pass box --reuse --back other "SUBSCRIBE host text" "SUBSCRIBE other text" \
		"SUBSCRIBE box text")
	echo "$out"
	expect_contains "reused by a host process" "$out"
	for sender in host "enrolled receiver"; do
		expect_contains "$sender: SUBSCRIBE host text -> ERR not allowed" "$out"
		expect_contains "$sender: SUBSCRIBE other text -> ERR not allowed" "$out"
		expect_contains "$sender: SUBSCRIBE box text -> OK" "$out"
	done
	expect_refused_by_nslsmd "$out" "SUBSCRIBE other text" "not allowed to follow namespace 'other'" box
	[ "$(grep -c "refused 'SUBSCRIBE host text' from pid .* of namespace 'box'" "$SCRATCH/nslsmd.log")" -eq 2 ] ||
		die "nslsmd did not log both refusals: $(cat "$SCRATCH/nslsmd.log")"
}

test_daemon_enrolled_root_is_a_containers_root_and_the_host_root_is_not_enrolled() {
	audit_setup box
	start_nslsmd
	# Both are uid 0; only the one not enrolled when it connected is the host's.
	out=$(run_in box "$NSLSM" audit --follow --ns host 2>&1 || true)
	expect_contains "not allowed to follow namespace 'host'" "$out"
	expect_contains "refused 'SUBSCRIBE host text' from pid" "$(cat "$SCRATCH/nslsmd.log")"
	follow H
	deny_in box 5
	wait_lines "$SCRATCH/H" 'contid=5 ' 1
}
