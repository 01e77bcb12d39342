# shellcheck shell=bash
# The AppArmor module: real profiles, compiled by apparmor_parser, enforced
# per namespace; the differential test against the kernel's AppArmor.

AAOPS=$ROOT/build/tests/aa_ops
AACORPUS=$ROOT/tests/apparmor/corpus

# aa_box NS [PROFILE-FILE...]: a namespace with AppArmor and the fixtures.
aa_box() {
	local ns=$1
	shift
	nslsm ns create "$ns" --modules apparmor
	[ $# -eq 0 ] || nslsm apparmor load "$ns" "$@"
	sh "$ROOT/tests/apparmor/fixtures.sh" "$AAOPS"
}

# aa_op NS LABEL OP ARG...: one operation under LABEL; prints its result.
aa_op() {
	local ns=$1 label=$2
	shift 2
	echo "$*" | "$NSLSM" run --ns "$ns" --apparmor "$label" -- "$AAOPS" -f - | sed 's/^[0-9]* //'
}

expect_result() { # EXPECTED NS LABEL OP ARG...
	local want=$1 got
	shift
	got=$(aa_op "$@")
	[ "$got" = "$want" ] || die "expected $want: $* -> $got"
	echo "$want: $*"
}

# Hand-written profiles and, when tests/run prepared them on the host
# (build/aa-diff), every profile of /etc/apparmor.d.
test_apparmor_differential_corpus_agrees_with_the_kernel() {
	local src=(--corpus "$AACORPUS")

	[ -d "$ROOT/build/aa-diff" ] && src=(--prepared "$ROOT/build/aa-diff")
	out=$(sh "$ROOT/tests/apparmor/diff.sh" "${src[@]}" 2>&1) || {
		echo "$out"
		die "nslsm and the kernel's AppArmor disagree"
	}
	echo "$out"
	expect_contains "0 disagree" "$out"
}

test_apparmor_enforces_a_profile_and_audits_in_apparmor_terms() {
	aa_box box "$AACORPUS/files.profile"
	expect_result ok box aad_files open /tmp/aad/r/f1 r
	expect_result EACCES box aad_files open /tmp/aad/r/f1 w
	expect_result EACCES box aad_files open /tmp/aad/deny/secret r
	rec=$(nslsm audit | grep 'name="/tmp/aad/r/f1"' | tail -n 1)
	expect_contains 'apparmor="DENIED"' "$rec"
	expect_contains 'operation="open"' "$rec"
	expect_contains 'profile="aad_files"' "$rec"
	expect_contains 'requested_mask="w"' "$rec"
	expect_contains 'denied_mask="w"' "$rec"
	expect_contains 'ns="box"' "$rec"
	# explicit deny rules are not audited unless asked: AppArmor's quiet
	expect_not_contains 'deny/secret' "$(nslsm audit)"
	# a task outside the namespace is not confined
	expect_contains "data r/f1" "$(echo hi >/tmp/aad/r/f1; cat /tmp/aad/deny/secret; echo data r/f1)"
}

test_apparmor_status_lists_profiles_modes_and_processes() {
	aa_box box "$AACORPUS/exec.profile"
	# a confined task that waits on its (still open) standard input
	(sleep 30) | "$NSLSM" run --ns box --apparmor aad_target -- "$AAOPS" -f - >/dev/null 2>&1 &
	sleep 1
	out=$(nslsm apparmor status box)
	echo "$out"
	expect_contains "3 profiles are loaded" "$out"
	expect_contains "aad_exec//kid" "$out"
	expect_contains "aad_target (1 processes)" "$out"
	json=$(nslsm apparmor status box --json)
	expect_contains '"name":"aad_target","mode":"enforce","attach":false,"processes":1' "$json"
}

test_apparmor_bad_policy_leaves_the_namespace_as_it_was() {
	aa_box box "$AACORPUS/files.profile"
	before=$(nslsm apparmor status box --json)
	apparmor_parser -S -Q -K -M "$ROOT/share/apparmor/features-6.1" "$AACORPUS/globs.profile" \
		>"$SCRATCH/good.bin"
	head -c 700 "$SCRATCH/good.bin" >"$SCRATCH/cut.bin"
	expect_fail "cut.bin: profile 'aad_globs'" nslsm apparmor replace box "$SCRATCH/cut.bin"
	expect_fail "offset" nslsm apparmor replace box "$SCRATCH/cut.bin"
	printf 'profile broken {\n  /tmp/x rw\n' >"$SCRATCH/broken.profile"
	expect_fail "apparmor_parser could not compile it" \
		nslsm apparmor replace box "$SCRATCH/broken.profile"
	# one good and one bad file in one call: neither is loaded
	expect_fail "cut.bin" nslsm apparmor load box "$SCRATCH/good.bin" "$SCRATCH/cut.bin"
	expect_fail "already has AppArmor profile 'aad_files'" \
		nslsm apparmor load box "$AACORPUS/files.profile"
	expect_fail "no AppArmor profile 'nosuch'" nslsm apparmor remove box aad_files nosuch
	[ "$(nslsm apparmor status box --json)" = "$before" ] || die "policy changed"
	expect_result ok box aad_files open /tmp/aad/r/f1 r
	expect_fail "does not enable the apparmor module" \
		sh -c "'$NSLSM' ns create plain --modules yama && '$NSLSM' apparmor load plain '$AACORPUS/files.profile'"
}

# A confined task that reads operations from a pipe: it keeps running while
# the policy changes under it.
aa_live_task() { # NS LABEL: sets $fifo and $results
	fifo=$SCRATCH/ops.fifo
	results=$SCRATCH/results
	mkfifo "$fifo"
	(exec 3>"$fifo"; sleep 60) &
	"$NSLSM" run --ns "$1" --apparmor "$2" -- "$AAOPS" -f - <"$fifo" >"$results" 2>&1 &
	sleep 0.3
	exec 4>"$fifo"
}

aa_live_op() { # OP ARG...: the next result of the live task
	local n
	n=$(($(wc -l <"$results") + 1))
	echo "$*" >&4
	for _ in $(seq 100); do
		[ "$(wc -l <"$results")" -ge "$n" ] && break
		sleep 0.05
	done
	sed -n "${n}p" "$results" | sed 's/^[0-9]* //'
}

test_apparmor_replace_and_remove_apply_to_running_tasks() {
	aa_box box "$AACORPUS/files.profile"
	aa_live_task box aad_files
	[ "$(aa_live_op open /tmp/aad/own/mine r)" = EACCES ] || die "not denied before replace"
	sed 's|/tmp/aad/w/new\* w,|/tmp/aad/w/new* w,\n  /tmp/aad/own/* r,|' "$AACORPUS/files.profile" \
		>"$SCRATCH/files2.profile"
	nslsm apparmor replace box "$SCRATCH/files2.profile"
	[ "$(aa_live_op open /tmp/aad/own/mine r)" = ok ] || die "replace did not reach the task"
	[ "$(aa_live_op open /tmp/aad/r/f1 w)" = EACCES ] || die "replaced profile lost a rule"
	nslsm apparmor remove box aad_files
	[ "$(aa_live_op open /tmp/aad/r/f1 w)" = ok ] || die "remove did not unconfine the task"
	expect_contains "0 profiles are loaded" "$(nslsm apparmor status box)"
	exec 4>&-
}

test_apparmor_namespace_mode_overrides_profile_modes() {
	aa_box box "$AACORPUS/files.profile"
	nslsm ns set box apparmor.mode=complain
	expect_result ok box aad_files open /tmp/aad/r/f1 w
	rec=$(nslsm audit | grep 'name="/tmp/aad/r/f1"' | tail -n 1)
	expect_contains 'nslsm="ALLOWED"' "$rec"
	expect_contains 'apparmor="ALLOWED"' "$rec"
	# a complain-mode profile enforces under apparmor.mode=enforce
	sed 's/^profile aad_files {/profile aad_files flags=(complain) {/' \
		"$AACORPUS/files.profile" >"$SCRATCH/complain.profile"
	nslsm apparmor replace box "$SCRATCH/complain.profile"
	nslsm ns set box apparmor.mode=profile
	expect_result ok box aad_files open /tmp/aad/r/f1 w
	nslsm ns set box apparmor.mode=enforce
	expect_result EACCES box aad_files open /tmp/aad/r/f1 w
	expect_contains "apparmor.mode=enforce" "$(nslsm ns list)"
	expect_fail "expected 'enforce', 'complain' or 'profile'" nslsm ns set box apparmor.mode=x
}

test_apparmor_attachment_confines_unconfined_tasks_at_exec() {
	cat >"$SCRATCH/attach.profile" <<-'EOF'
		abi <abi/3.0>,
		profile aad_attached /tmp/aad/bin/named {
		  /tmp/aad/alt/* r,
		  /tmp/aad/bin/named rm,
		}
	EOF
	aa_box box "$SCRATCH/attach.profile"
	# enrolled but unconfined: the exec of /tmp/aad/bin/named attaches
	out=$(echo "exec /tmp/aad/bin/named open /tmp/aad/r/f1 r" |
		"$NSLSM" run --ns box -- "$AAOPS" -f -)
	expect_contains "ok/EACCES" "$out"
	out=$(echo "exec /tmp/aad/bin/named open /tmp/aad/alt/a.txt r" |
		"$NSLSM" run --ns box -- "$AAOPS" -f -)
	expect_contains "ok/ok" "$out"
	out=$(echo "exec /tmp/aad/bin/other open /tmp/aad/r/f1 r" |
		"$NSLSM" run --ns box -- "$AAOPS" -f -)
	expect_contains "ok/ok" "$out"
}

test_apparmor_stacked_label_needs_every_profile() {
	aa_box box "$AACORPUS/files.profile" "$AACORPUS/globs.profile"
	expect_result ok box aad_files open /tmp/aad/w/f1 r
	expect_result ok box 'aad_files//&aad_globs' open /tmp/aad/r/f1 r
	expect_result EACCES box 'aad_files//&aad_globs' open /tmp/aad/w/f1 r
	expect_result EACCES box 'aad_globs//&aad_files' open /tmp/aad/alt/c.log r
	expect_fail "'nosuch' is not loaded" nslsm run --ns box --apparmor 'aad_files//&nosuch' -- true
}

test_apparmor_parent_label_bounds_the_container() {
	# host policy confines the whole container; the container's own
	# policy confines its app: both must allow
	# the host's profile for the container: what any of its programs may
	# do at most (it must let the container run its programs at all)
	cat >"$SCRATCH/outer.profile" <<-EOF
		abi <abi/3.0>,
		profile aad_container {
		  $AAOPS ix,
		  /tmp/aad/r/** r,
		  /tmp/aad/alt/* r,
		  /tmp/aad/w/** rw,
		}
	EOF
	nslsm ns create outer --modules apparmor
	nslsm apparmor load outer "$SCRATCH/outer.profile"
	nslsm ns create inner --parent outer --modules apparmor \
		--parent-label apparmor=aad_container
	nslsm apparmor load inner "$AACORPUS/globs.profile"
	sh "$ROOT/tests/apparmor/fixtures.sh" "$AAOPS"
	expect_result ok inner aad_globs open /tmp/aad/r/f1 r
	# allowed by the container's profile, not by the host's
	expect_result EACCES inner aad_globs open /tmp/aad/alt/ab w
	# allowed by the host's, not by the container's
	expect_result EACCES inner aad_globs open /tmp/aad/w/f1 r
	rec=$(nslsm audit | grep 'name="/tmp/aad/alt/ab"' | tail -n 1)
	expect_contains 'policy_ns="outer"' "$rec"
	expect_contains 'profile="aad_container"' "$rec"
	expect_fail "not loaded" nslsm ns create x --parent outer --modules apparmor \
		--parent-label apparmor=nosuch
}

test_apparmor_shipped_dnsmasq_profile_is_enforced() {
	nslsm ns create ubuntu --modules apparmor
	nslsm apparmor load ubuntu /etc/apparmor.d/usr.sbin.dnsmasq
	nslsm ns set ubuntu apparmor.mode=enforce
	expect_contains "dnsmasq" "$(nslsm apparmor status ubuntu)"
	expect_result ok ubuntu dnsmasq open /etc/hosts r
	expect_result EACCES ubuntu dnsmasq open /etc/shadow r
	expect_result EACCES ubuntu dnsmasq open /root/planted wc
	expect_result ok ubuntu dnsmasq socket inet dgram
	expect_result EACCES ubuntu dnsmasq socket packet dgram
	out=$(nslsm apparmor check ubuntu dnsmasq r /etc/dnsmasq.conf) || die "check: $out"
	expect_contains "allowed" "$out"
	rc=0
	out=$(nslsm apparmor check ubuntu dnsmasq w /etc/shadow) || rc=$?
	[ $rc -eq 3 ] || die "check of a denied access should exit 3, not $rc"
	expect_contains 'denied requested_mask="w" denied_mask="w"' "$out"
}

test_apparmor_capabilities_follow_the_profile() {
	aa_box box "$AACORPUS/caps.profile"
	expect_result ok box aad_caps chown /tmp/aad/w/f1 1000
	# CAP_FOWNER is not in the profile: chmod of another user's file fails
	expect_result EPERM box aad_caps chmod /tmp/aad/own/theirs
	rec=$(nslsm audit | grep 'operation="capable"' | tail -n 1)
	expect_contains 'capname="fowner"' "$rec"
}

# ptrace rules: the tracer's and the tracee's profiles both decide, and the
# record names the peer the way AppArmor does.
test_apparmor_ptrace_rules_check_both_sides() {
	aa_box box "$AACORPUS/ptrace.profile"
	# AppArmor's verdicts on init too: the boundary is lifted
	nslsm ns set box boundary.ptrace=allow
	expect_result ok box aad_ptrace ptrace read init
	expect_result EPERM box aad_ptrace ptrace trace init
	rec=$(nslsm audit | grep 'operation="ptrace"' | tail -n 1)
	expect_contains 'apparmor="DENIED"' "$rec"
	expect_contains 'requested_mask="trace"' "$rec"
	expect_contains 'peer="unconfined"' "$rec"
	# the child profile lets aad_ptrace read it but not trace it
	expect_result ok box aad_ptrace ptrace read /tmp/aad/bin/child
	expect_result EPERM box aad_ptrace ptrace trace /tmp/aad/bin/child
	rec=$(nslsm audit | grep 'operation="ptrace"' | tail -n 1)
	expect_contains 'profile="aad_ptrace//kid"' "$rec"
	expect_contains 'denied_mask="tracedby"' "$rec"
	expect_contains 'peer="aad_ptrace"' "$rec"
}

# change_profile, change_onexec and change_hat asked from inside the
# namespace: by a program (nslsm/prctl.h), by nslsm-aa-exec and by
# 'nslsm attr set'; a wrong hat token kills the task.
test_apparmor_change_profile_and_hat_from_inside() {
	local out rc
	aa_box box "$AACORPUS/change.profile"
	out=$(printf '%s\n' "changeprofile aad_change_other" "changehat hat1 4d2" \
		"open /tmp/aad/alt/a.txt r" "open /tmp/aad/r/f1 r" "changehat - 4d2" \
		"open /tmp/aad/r/f1 r" "changeprofile aad_change_target" "open /tmp/aad/r/f1 r" |
		AA_OPS_NSLSM_ONLY=1 "$NSLSM" run --ns box --apparmor aad_change -- "$AAOPS" -f - |
		sed 's/^[0-9]* //' | tr '\n' ' ')
	[ "$out" = "EACCES ok ok EACCES ok ok ok EACCES " ] || die "got: $out"
	rec=$(nslsm audit | grep 'operation="change_profile"' | tail -n 1)
	expect_contains 'name="aad_change_other"' "$rec"
	expect_contains 'apparmor="DENIED"' "$rec"
	# nslsm-aa-exec, confined: the rule's executable condition holds
	"$NSLSM" run --ns box --apparmor aad_change -- "$ROOT/build/nslsm-aa-exec" \
		-p aad_change_exec -- /tmp/aad/bin/named open /tmp/aad/alt/b.txt r ||
		die "nslsm-aa-exec -p aad_change_exec failed"
	out=$("$NSLSM" run --ns box --apparmor aad_change -- "$ROOT/build/nslsm-aa-exec" \
		-p aad_change_other -- /tmp/aad/bin/true 2>&1) && die "change to aad_change_other ran"
	expect_contains "does not allow it" "$out"
	# nslsm attr set, unconfined: any profile of the namespace
	"$NSLSM" run --ns box -- "$NSLSM" attr set apparmor exec aad_change_target \
		-- /tmp/aad/bin/true open /tmp/aad/alt/a.txt r || die "attr set exec: a.txt refused"
	rc=0
	"$NSLSM" run --ns box -- "$NSLSM" attr set apparmor exec aad_change_target \
		-- /tmp/aad/bin/true open /tmp/aad/r/f1 r || rc=$?
	[ "$rc" = 13 ] || die "attr set exec: f1 gave $rc, not EACCES"
	out=$("$NSLSM" run --ns box -- "$NSLSM" attr set apparmor changeprofile nosuch --test 2>&1) &&
		die "a missing profile was accepted"
	expect_contains "no such profile" "$out"
	# the wrong token on the way out of a hat: killed
	rc=0
	printf '%s\n' "changehat hat1 4d2" "changehat - 999" "open /tmp/aad/r/f1 r" |
		AA_OPS_NSLSM_ONLY=1 "$NSLSM" run --ns box --apparmor aad_change -- "$AAOPS" -f - \
		>/dev/null || rc=$?
	[ "$rc" = 137 ] || die "a wrong hat token: exit $rc, not killed"
	rec=$(nslsm audit | grep 'operation="change_hat"' | tail -n 1)
	expect_contains 'error=-13' "$rec"
}

aa_cache_stat() { # cache_hits|cache_misses|net_memo_hits|net_memo_misses
	nslsm status --json | grep -o "\"apparmor_$1\":[0-9]*" | cut -d: -f2
}

# The decision cache answers repeated opens, and no verdict outlives what it
# was made of: the policy, the label, the name (rename, link), the
# namespace's settings.
test_apparmor_decision_cache_never_outlives_its_reasons() {
	local h0 h1 m0 m1
	aa_box box "$ROOT/tests/apparmor/cache.profile"
	h0=$(aa_cache_stat cache_hits)
	out=$(printf 'open /tmp/aad/r/f1 r\n%.0s' 1 2 3 4 | "$NSLSM" run --ns box \
		--apparmor aad_cache -- "$AAOPS" -f - | sed 's/^[0-9]* //' | tr '\n' ' ')
	[ "$out" = "ok ok ok ok " ] || die "repeated opens: $out"
	h1=$(aa_cache_stat cache_hits)
	[ "$h1" -ge $((h0 + 3)) ] || die "4 opens of one file, hits $h0 -> $h1"
	echo "4 opens: cache hits $h0 -> $h1"
	# a new process of the same label hits too
	expect_result ok box aad_cache open /tmp/aad/r/f1 r
	# policy replaced: the verdict goes at once
	nslsm apparmor replace box "$ROOT/tests/apparmor/cache-narrow.profile"
	expect_result EACCES box aad_cache open /tmp/aad/r/f1 r
	nslsm apparmor replace box "$ROOT/tests/apparmor/cache.profile"
	expect_result ok box aad_cache open /tmp/aad/r/f1 r
	# the label changes within one process
	out=$(printf '%s\n' "open /tmp/aad/r/f1 r" "open /tmp/aad/r/f1 r" \
		"changeprofile aad_cache_none" "open /tmp/aad/r/f1 r" |
		AA_OPS_NSLSM_ONLY=1 "$NSLSM" run --ns box --apparmor aad_cache -- "$AAOPS" -f - |
		sed 's/^[0-9]* //' | tr '\n' ' ')
	[ "$out" = "ok ok ok EACCES " ] || die "label change: $out"
	# the name changes: the directory is renamed, the same dentry now
	# stands for /tmp/aad/mv/gone/f
	expect_result ok box aad_cache open /tmp/aad/mv/from/f r
	expect_result ok box aad_cache open /tmp/aad/mv/from/f r
	mv /tmp/aad/mv/from /tmp/aad/mv/gone
	expect_result EACCES box aad_cache open /tmp/aad/mv/gone/f r
	mv /tmp/aad/mv/gone /tmp/aad/mv/from
	expect_result ok box aad_cache open /tmp/aad/mv/from/f r
	# a second name (hard link): the file is no longer cached, the link is
	# judged by its own name
	ln /tmp/aad/r/f2 /tmp/aad/deny/f2link
	expect_result ok box aad_cache open /tmp/aad/r/f2 r
	expect_result EACCES box aad_cache open /tmp/aad/deny/f2link r
	# the namespace's settings change: the next open walks the policy again
	expect_result ok box aad_cache open /tmp/aad/r/f1 r
	m0=$(aa_cache_stat cache_misses)
	nslsm ns set box apparmor.mode=enforce
	expect_result ok box aad_cache open /tmp/aad/r/f1 r
	m1=$(aa_cache_stat cache_misses)
	[ "$m1" -gt "$m0" ] || die "ns set: misses $m0 -> $m1, the old verdict answered"
	nslsm status | grep "apparmor cache:"
	# a walk remembers everything the name is allowed silently, not only
	# what was asked: a chmod after an open is answered from the cache,
	# never beyond the profile (r only), never an audited permission
	h0=$(aa_cache_stat cache_hits)
	out=$(printf '%s\n' "open /tmp/aad/w/f1 r" "chmod /tmp/aad/w/f1" "open /tmp/aad/r/f2 r" \
		"chmod /tmp/aad/r/f2" "open /tmp/aad/alt/a.txt r" "chmod /tmp/aad/alt/a.txt" \
		"chmod /tmp/aad/alt/a.txt" |
		"$NSLSM" run --ns box --apparmor aad_cache -- "$AAOPS" -f - | sed 's/^[0-9]* //' |
		tr '\n' ' ')
	[ "$out" = "ok ok ok EACCES ok ok ok " ] || die "silent permissions: $out"
	h1=$(aa_cache_stat cache_hits)
	[ "$h1" -ge $((h0 + 1)) ] || die "chmod after open, cache hits $h0 -> $h1"
	n=$(nslsm audit | grep -c 'name="/tmp/aad/alt/a.txt"')
	[ "$n" -ge 3 ] || die "audited open and chmods of a.txt: $n records, not 3"
	# exec decisions are cached with their outcome: the transition (px to
	# aad_cache_x, which cannot read /tmp/aad/r) is made again from the
	# cache, ix keeps the label; a replaced policy decides afresh. The
	# programs are copies, not links: only files with one name are cached.
	mkdir -p /tmp/aad/xc
	cp "$AAOPS" /tmp/aad/xc/px
	cp "$AAOPS" /tmp/aad/xc/ix
	h0=$(aa_cache_stat cache_hits)
	expect_result ok/EACCES box aad_cache exec /tmp/aad/xc/px open /tmp/aad/r/f1 r
	expect_result ok/EACCES box aad_cache exec /tmp/aad/xc/px open /tmp/aad/r/f1 r
	expect_result ok/ok box aad_cache exec /tmp/aad/xc/ix open /tmp/aad/r/f1 r
	expect_result ok/ok box aad_cache exec /tmp/aad/xc/ix open /tmp/aad/r/f1 r
	h1=$(aa_cache_stat cache_hits)
	[ "$h1" -ge $((h0 + 2)) ] || die "repeated execs, cache hits $h0 -> $h1"
	nslsm apparmor replace box "$ROOT/tests/apparmor/cache-narrow.profile"
	expect_result EACCES box aad_cache exec /tmp/aad/xc/ix
	nslsm apparmor replace box "$ROOT/tests/apparmor/cache.profile"
	expect_result ok/ok box aad_cache exec /tmp/aad/xc/ix open /tmp/aad/r/f1 r
	# a task remembers its network verdicts: the same request again is
	# answered from its memo, until its label or the policy changes
	h0=$(aa_cache_stat net_memo_hits)
	out=$(printf '%s\n' "socket inet stream" "socket inet stream" "socket inet stream" \
		"changeprofile aad_cache_none" "socket inet stream" |
		AA_OPS_NSLSM_ONLY=1 "$NSLSM" run --ns box --apparmor aad_cache -- "$AAOPS" -f - |
		sed 's/^[0-9]* //' | tr '\n' ' ')
	[ "$out" = "ok ok ok ok EACCES " ] || die "network memo and a label change: $out"
	h1=$(aa_cache_stat net_memo_hits)
	[ "$h1" -ge $((h0 + 2)) ] || die "3 sockets, memo hits $h0 -> $h1"
	# the policy is replaced while a task holds a memo: its next socket is
	# judged by the new policy
	local r1 r2
	coproc AAOPS_CO { "$NSLSM" run --ns box --apparmor aad_cache -- "$AAOPS" -f -; }
	echo "socket inet stream" >&"${AAOPS_CO[1]}"
	read -r r1 <&"${AAOPS_CO[0]}"
	echo "socket inet stream" >&"${AAOPS_CO[1]}"
	read -r r1 <&"${AAOPS_CO[0]}"
	nslsm apparmor replace box "$ROOT/tests/apparmor/cache-narrow.profile" >/dev/null
	echo "socket inet stream" >&"${AAOPS_CO[1]}"
	read -r r2 <&"${AAOPS_CO[0]}"
	exec {AAOPS_CO[1]}>&-
	wait "$AAOPS_CO_PID" || true
	[ "${r1#* } ${r2#* }" = "ok EACCES" ] || die "network memo across a replace: $r1, $r2"
	nslsm status | grep "apparmor net:"
}

# reuse_race SCENARIO ROUNDS [--fork]: an unconfined harness frees the
# object a confined task's verdict was cached or memoised for, lets its
# memory go to an object the profile denies, and asks for that object
# (tests/helpers/reuse.c); not once may the cached verdict answer.
reuse_race() {
	local out
	nslsm ns create box --modules apparmor
	nslsm apparmor load box "$ROOT/tests/apparmor/reuse.profile"
	out=$("$ROOT/build/tests/reuse" "$@" -- "$NSLSM" run --ns box --apparmor aad_reuse -- 2>&1) ||
		die "$out"
	echo "$out"
	expect_contains " 0 denied operations allowed, 0 unexpected" "$out"
}

# The create memo: a truncate (open O_WRONLY|O_CREAT) of a denied name
# whose dentry took the memory of the name the task created before.
test_apparmor_no_verdict_for_a_dentry_reused_after_a_creation() {
	reuse_race create 1000
}

test_apparmor_no_verdict_for_a_dentry_reused_after_a_creation_by_another_process() {
	reuse_race create 300 --fork
}

# The decision cache: the inode keeps its entry while its cached name
# goes and another name of it takes the freed dentry (link, unlink).
test_apparmor_no_verdict_for_a_dentry_reused_by_a_link() {
	reuse_race link 1000
}

# The decision cache: the mount a verdict named is unmounted and another
# mount of the same files may take its memory.
test_apparmor_no_verdict_for_a_reused_mount() {
	reuse_race mount 300
}

# The seed's slide 18: a system with dnsmasq and nscd confined by their
# profiles, a container with its own policy (its own dnsmasq and nscd
# profiles) and a container nested in it with its own again; each level's
# policy bounds the levels below it. The container also keeps an AppArmor
# policy namespace of its own (":lxc:"), as an LXC guest would.
test_apparmor_slide_18_nested_policy_namespaces() {
	local feat=$ROOT/share/apparmor/features-6.1 d=/etc/apparmor.d
	# what the system lets a whole container do
	cat >"$SCRATCH/container.profile" <<-'EOF2'
		abi <abi/3.0>,
		include <tunables/global>
		profile container {
		  file,
		  network,
		  capability,
		  audit deny /etc/shadow r,
		}
	EOF2
	nslsm ns create system --modules apparmor
	nslsm apparmor load system "$d/usr.sbin.dnsmasq" "$d/usr.sbin.nscd" "$SCRATCH/container.profile"
	nslsm ns set system apparmor.mode=enforce
	nslsm ns create c1 --parent system --modules apparmor --parent-label apparmor=container
	nslsm apparmor load c1 "$d/usr.sbin.dnsmasq" "$d/usr.sbin.nscd" "$SCRATCH/container.profile"
	apparmor_parser -S -Q -K -M "$feat" -n lxc "$d/usr.sbin.dnsmasq" >"$SCRATCH/lxc-dnsmasq.bin"
	nslsm apparmor load c1 "$SCRATCH/lxc-dnsmasq.bin"
	nslsm ns set c1 apparmor.mode=enforce
	nslsm ns create c2 --parent c1 --modules apparmor --parent-label apparmor=container
	nslsm apparmor load c2 "$d/usr.sbin.dnsmasq" "$d/usr.sbin.nscd"
	nslsm ns set c2 apparmor.mode=enforce
	for ns in system c1 c2; do
		out=$(nslsm apparmor status $ns)
		expect_contains "dnsmasq" "$out"
		expect_contains "nscd" "$out"
	done
	expect_contains ":lxc:dnsmasq" "$(nslsm apparmor status c1)"
	# each level's dnsmasq runs under its own profile, bounded above
	for ns in system c1 c2; do
		out=$("$NSLSM" run --ns $ns --apparmor dnsmasq -- /usr/sbin/dnsmasq --test 2>&1) ||
			die "$ns: dnsmasq --test: $out"
		expect_contains "syntax check OK" "$out"
		out=$("$NSLSM" run --ns $ns --apparmor dnsmasq -- \
			/usr/sbin/dnsmasq --test --conf-file=/etc/shadow 2>&1) && die "$ns: read /etc/shadow"
		expect_contains "Permission denied" "$out"
	done
	# in c2 the denial comes from the first level that denies: system's
	# container profile ("deny /etc/shadow r")
	rec=$(nslsm audit | grep 'ns="c2".*name="/etc/shadow"' | tail -n 1)
	expect_contains 'policy_ns="system"' "$rec"
	expect_contains 'profile="container"' "$rec"
	# a stack across AppArmor policy namespaces: both profiles must allow
	out=$("$NSLSM" run --ns c1 --apparmor 'dnsmasq//&:lxc:dnsmasq' -- /usr/sbin/dnsmasq --test 2>&1) ||
		die "stacked dnsmasq: $out"
	expect_contains "syntax check OK" "$out"
	# nscd is confined too: it may not write /etc/passwd's directory
	expect_result EACCES c2 nscd open /root/x wc
}

# Mount rules (the differential corpus has the kernel's own verdicts):
# move_mount(2), which the kernel's AppArmor of 6.1 does not see, is
# matched as a move; a bind source the dentry cache cannot resolve (the
# guest's 9p root keeps no unused dentry) is refused and audited without a
# source name; complain mode lets a mount through and says so.
test_apparmor_mount_rules_beyond_the_kernel() {
	local out rec
	aa_box box "$AACORPUS/mount.profile" "$ROOT/tests/apparmor/mount-more.profile"
	sh "$AACORPUS/mount.setup"
	out=$(printf '%s\n' "mount none /tmp/aad/m/t1 tmpfs 0" \
		"move_mount tree /tmp/aad/m/t1 /tmp/aad/m/mv" \
		"move_mount tree /tmp/aad/m/mv /tmp/aad/m/t3" \
		"mount /tmp/aad/r /tmp/aad/m/b1 - bind" \
		"mount /usr/share/doc /tmp/aad/m/b2 - bind" |
		unshare -m --propagation private "$NSLSM" run --ns box --apparmor aad_mount2 -- \
			"$AAOPS" -f - | sed 's/^[0-9]* //' | tr '\n' ' ')
	[ "$out" = "ok ok EACCES ok EACCES " ] || die "got: $out"
	rec=$(nslsm audit | grep 'hook="move_mount"' | tail -n 1)
	expect_contains 'operation="mount"' "$rec"
	expect_contains 'srcname="/tmp/aad/m/mv/"' "$rec"
	expect_contains 'name="/tmp/aad/m/t3/"' "$rec"
	expect_contains 'flags="rw, move"' "$rec"
	rec=$(nslsm audit | grep 'operation="mount"' | tail -n 1)
	expect_contains 'name="/tmp/aad/m/b2/"' "$rec"
	expect_contains 'flags="rw, bind"' "$rec"
	expect_not_contains 'srcname=' "$rec"
	# complain mode: allowed, recorded as ALLOWED
	nslsm ns set box apparmor.mode=complain
	out=$(echo "mount none /tmp/aad/m/t1b tmpfs nosuid" |
		unshare -m --propagation private "$NSLSM" run --ns box --apparmor aad_mount -- \
			"$AAOPS" -f - | sed 's/^[0-9]* //')
	[ "$out" = ok ] || die "complain mode refused a mount: $out"
	rec=$(nslsm audit | grep 'operation="mount"' | tail -n 1)
	expect_contains 'apparmor="ALLOWED"' "$rec"
	expect_contains 'srcname="none"' "$rec"
	expect_contains 'fstype="tmpfs"' "$rec"
	expect_contains 'flags="rw, nosuid"' "$rec"
}
