# shellcheck shell=bash
# The SELinux module's BPF half: a namespace's policy in maps (nslsm
# selinux load, atomic), its state (enforce, booleans, the AVC seqno), and
# the decision BPF makes over those maps, asked through the query program
# (nslsm selinux check NS; tests/helpers/se_bpf_diff.c) and compared with
# the reference in plain C, itself compared with the kernel's SELinux in
# tests/vm/selinux/.

SE_BPF_DIFF=$ROOT/build/tests/se_bpf_diff
REFPOLICY=/etc/selinux/default/policy/policy.33

se_small() { # MLS VERSION: small.cil built by secilc, its path printed
	local out=$SCRATCH/small-$1-$2
	[ -e "$out" ] || secilc -M "$1" -c "$2" -o "$out" -f /dev/null \
		"$ROOT/tests/selinux/small.cil" || die "secilc -M $1 -c $2 failed"
	echo "$out"
}

se_bpf_diff() { # NS POLICY N SEED: the helper's last line, every triple agreeing
	local out
	out=$("$SE_BPF_DIFF" "$@" 2>&1) || die "BPF and the reference disagree on $2: $(echo "$out" | tail -n 20)"
	echo "$out" | tail -n 1
	expect_contains " 0 disagree" "$(echo "$out" | tail -n 1)"
}

gen_of() { # NS: the generation of its policy
	nslsm selinux status "$1" | sed -n 's/^Policy version: *[0-9]* (generation \([0-9]*\),.*/\1/p'
}

se_check() { # ARGS of nslsm selinux check: its output; exit 3 (a PERM denied) is no error
	nslsm selinux check "$@" || [ $? -eq 3 ]
}

seqno_of() {
	nslsm selinux status "$1" | sed -n 's/^Policy seqno: *//p'
}

test_selinux_module_listed_and_a_namespace_starts_permissive_without_policy() {
	expect_contains selinux "$(nslsm modules)"
	nslsm ns create se --modules selinux,yama
	expect_contains "selinux" "$(nslsm ns list)"
	[ "$(nslsm selinux getenforce se)" = Permissive ] || die "a new namespace must be permissive"
	expect_contains "Loaded policy:                  none" "$(nslsm selinux status se)"
	expect_fail "has no SELinux policy" nslsm selinux check se a b c
	expect_fail "has no SELinux policy" nslsm selinux getbool se
}

test_selinux_namespace_enforces_nothing_yet_other_modules_unchanged() {
	# no hook of the selinux module mediates: Yama in the same namespace
	# decides as before, and an unconfined action stays allowed
	nslsm ns create se --modules selinux,yama
	nslsm ns set se yama.ptrace_scope=3
	nslsm selinux load se "$REFPOLICY"
	nslsm selinux setenforce se 1
	pid=$(start_target "$PROBE" sleep 60)
	expect_denied_by yama -- run_in se "$PROBE" attach "$pid"
	expect_allowed run_in se "$PROBE" open /etc/hostname
}

test_selinux_bpf_decision_agrees_with_reference_on_100000_refpolicy_triples() {
	local out
	nslsm ns create rp --modules selinux
	out=$(nslsm selinux load rp "$REFPOLICY")
	echo "$out"
	expect_contains "loaded (generation" "$out"
	se_bpf_diff rp "$REFPOLICY" 100000 7
}

test_selinux_bpf_decision_agrees_with_every_refpolicy_boolean_inverted() {
	local inverted
	nslsm ns create rp --modules selinux
	nslsm selinux load rp "$REFPOLICY"
	inverted=$(nslsm selinux getbool rp | awk '{ print $1 "=" ($3 == "on" ? 0 : 1) }')
	[ "$(echo "$inverted" | wc -l)" -gt 100 ] || die "refpolicy has hundreds of booleans: $inverted"
	# shellcheck disable=SC2086
	nslsm selinux setbool rp $inverted
	expect_contains "(270 on)" "$(nslsm selinux status rp)"
	# shellcheck disable=SC2086
	se_bpf_diff rp "$REFPOLICY" 20000 11 $inverted
}

test_selinux_bpf_decision_agrees_on_small_cil_policies() {
	local mls ver p
	nslsm ns create small --modules selinux
	for mls in true false; do
		for ver in 30 33; do
			p=$(se_small "$mls" "$ver")
			nslsm selinux load small "$p"
			se_bpf_diff small "$p" 5000 "$ver"
		done
	done
}

test_selinux_two_namespaces_keep_their_own_policies() {
	local p
	p=$(se_small true 33)
	nslsm ns create a --modules selinux
	nslsm ns create b --modules selinux
	nslsm selinux load a "$REFPOLICY"
	nslsm selinux load b "$p"
	se_bpf_diff b "$p" 2000 3
	se_bpf_diff a "$REFPOLICY" 2000 3
	nslsm ns delete b
	se_bpf_diff a "$REFPOLICY" 2000 4
}

test_selinux_check_ns_prints_what_check_policy_prints() {
	local p want got
	p=$(se_small true 33)
	nslsm ns create se --modules selinux
	nslsm selinux load se "$p"
	for q in "u:user_r:app_t:s0 u:object_r:data_t:s0 file read write unlink" \
		"u:user_r:child_t:s0 u:object_r:secret_t:s1:c0 file read getattr" \
		"u:user_r:lax_t:s0 u:object_r:log_t:s0 file write" \
		"u:user_r:app_t:s0 u:sys_r:helper_t:s0 process transition"; do
		# shellcheck disable=SC2086
		want=$(nslsm selinux check --policy "$p" $q | cut -d' ' -f1-4,6-)
		# shellcheck disable=SC2086
		got=$(nslsm selinux check se $q | cut -d' ' -f1-4,6-) || true
		[ "$got" = "$want" ] || die "check se $q: '$got', --policy: '$want'"
	done
}

test_selinux_setbool_is_atomic_and_changes_the_bpf_decision() {
	local p q="u:user_r:app_t:s0 u:object_r:data_t:s0 file write unlink"
	p=$(se_small true 33)
	nslsm ns create se --modules selinux
	nslsm selinux load se "$p"
	expect_contains "strict --> off" "$(nslsm selinux getbool se strict)"
	# app_t may unlink data_t while (eq strict allow_write) is false
	# shellcheck disable=SC2086
	expect_contains "unlink allowed" "$(se_check se $q)"
	# an unknown name: nothing changes, not even the valid assignment
	expect_fail "no boolean 'nosuch'" nslsm selinux setbool se strict=1 nosuch=1
	expect_contains "strict --> off" "$(nslsm selinux getbool se strict)"
	expect_fail "expected NAME=0|1" nslsm selinux setbool se strict=2
	nslsm selinux setbool se strict=1 allow_write=1
	expect_contains "strict --> on" "$(nslsm selinux getbool se strict)"
	expect_contains "allow_write --> on" "$(nslsm selinux getbool se)"
	# shellcheck disable=SC2086
	want=$(nslsm selinux check --policy "$p" --bool strict=1 $q | cut -d' ' -f1-4,6-) || true
	# shellcheck disable=SC2086
	got=$(nslsm selinux check se $q | cut -d' ' -f1-4,6-) || true
	[ "$got" = "$want" ] || die "after setbool: '$got', --policy --bool: '$want'"
	expect_contains "unlink denied" "$got"
}

test_selinux_avc_remembers_and_load_setbool_setenforce_invalidate_it() {
	local p out s0 s1
	p=$(se_small true 33)
	nslsm ns create se --modules selinux
	nslsm selinux load se "$p"
	out=$(se_bpf_diff se "$p" 0 1)
	expect_contains " 0 first-round hits" "$out"
	out=$(se_bpf_diff se "$p" 0 1)
	expect_not_contains " 0 first-round hits" "$out"
	expect_not_contains "hits 0 " "$(nslsm selinux status se)"
	s0=$(seqno_of se)
	nslsm selinux setenforce se 1
	[ "$(nslsm selinux getenforce se)" = Enforcing ] || die "setenforce 1"
	s1=$(seqno_of se)
	[ "$s1" -gt "$s0" ] || die "setenforce kept seqno $s0"
	expect_contains " 0 first-round hits" "$(se_bpf_diff se "$p" 0 1)"
	nslsm selinux setbool se strict=0
	expect_contains " 0 first-round hits" "$(se_bpf_diff se "$p" 0 1)"
	nslsm selinux load se "$p"
	expect_contains " 0 first-round hits" "$(se_bpf_diff se "$p" 0 1)"
	# a load keeps the mode
	[ "$(nslsm selinux getenforce se)" = Enforcing ] || die "load changed the mode"
	expect_contains "SELinux AVC" "$(nslsm status)"
}

test_selinux_bad_inputs_are_refused_and_the_old_policy_still_answers() {
	local p before gen types q="u:user_r:app_t:s0 u:object_r:data_t:s0 file read write"
	p=$(se_small true 33)
	nslsm ns create se --modules selinux
	nslsm ns create other --modules yama
	nslsm selinux load se "$p"
	# shellcheck disable=SC2086
	before=$(se_check se $q)
	gen=$(gen_of se)
	types=$(bpftool map dump pinned /sys/fs/bpf/nslsm/maps/se_types | grep -c '"gen": ')
	expect_fail "no namespace 'nosuch'" nslsm selinux load nosuch "$p"
	expect_fail "does not enable the selinux module" nslsm selinux load other "$p"
	expect_fail "opening policy '$SCRATCH/none'" nslsm selinux load se "$SCRATCH/none"
	head -c 1000 "$p" >"$SCRATCH/truncated"
	expect_fail "$SCRATCH/truncated" nslsm selinux load se "$SCRATCH/truncated"
	cp "$p" "$SCRATCH/corrupt"
	printf '\377\377\377\377' | dd of="$SCRATCH/corrupt" bs=1 seek=200 conv=notrunc status=none
	expect_fail "$SCRATCH/corrupt" nslsm selinux load se "$SCRATCH/corrupt"
	head -c 4096 /dev/urandom >"$SCRATCH/random"
	expect_fail "not a valid binary policy" nslsm selinux load se "$SCRATCH/random"
	expect_fail "no user 'nobody'" nslsm selinux check se nobody:user_r:app_t:s0 u:object_r:data_t:s0 file
	expect_fail "expected 0|1" nslsm selinux setenforce se 2
	[ "$(gen_of se)" = "$gen" ] || die "a refused load changed the generation"
	# shellcheck disable=SC2086
	[ "$(se_check se $q)" = "$before" ] || die "the old policy answers differently"
	se_bpf_diff se "$p" 1000 9
	# nothing of a refused generation is left: one policy, the same tables
	[ "$(bpftool map dump pinned /sys/fs/bpf/nslsm/maps/se_policies | grep -c '"key": ')" -eq 1 ] ||
		die "se_policies holds more than the policy in force"
	[ "$(bpftool map dump pinned /sys/fs/bpf/nslsm/maps/se_types | grep -c '"gen": ')" -eq \
		"$types" ] || die "se_types holds more than the policy in force"
}
