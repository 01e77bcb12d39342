# shellcheck shell=bash
# The command line: clear errors for every bad input, from the dynamically
# linked nslsm users run (the other files call the static build).
NSLSM=$NSLSM_DYN

test_cli_needs_root() {
	expect_fail "needs root" setpriv --reuid=65534 --regid=65534 --clear-groups "$NSLSM" status
	expect_fail "needs root" setpriv --reuid=65534 --regid=65534 --clear-groups "$NSLSM" ns list
	# modules is for everybody.
	setpriv --reuid=65534 --regid=65534 --clear-groups "$NSLSM" modules >/dev/null
}

test_cli_unknown_namespace() {
	expect_fail "no namespace 'nope'" nslsm run --ns nope -- true
	expect_fail "no namespace 'nope'" nslsm ns set nope yama.ptrace_scope=1
	expect_fail "no namespace 'nope'" nslsm ns delete nope
	expect_fail "no namespace 'nope'" nslsm ns create x --parent nope
}

test_cli_bad_key_values() {
	nslsm ns create box --modules yama
	expect_fail "'4': must be between 0 and 3" nslsm ns set box yama.ptrace_scope=4
	expect_fail "expected KEY=VALUE" nslsm ns set box yama.ptrace_scope
	expect_fail "unknown module 'selinx'" nslsm ns set box selinx.mode=enforce
	expect_fail "no setting 'scope'" nslsm ns set box yama.scope=1
	expect_fail "unknown module 'bogus'" nslsm ns create y --modules yama,bogus
	expect_fail "not a decimal number" nslsm run --ns box --contid abc -- true
	expect_fail "reserved" nslsm run --ns box --contid 0 -- true
	expect_fail "no command" nslsm run --ns box
	expect_fail "--ns NAME is required" nslsm run -- true
	expect_fail "has no labels" nslsm run --ns box --yama x -- true
	expect_fail "unknown command 'frobnicate'" nslsm frobnicate
}

test_cli_host_cannot_be_deleted_and_names_are_checked() {
	expect_fail "cannot be deleted" nslsm ns delete host
	expect_fail "already exists" nslsm ns create host
	expect_fail "not allowed" nslsm ns create 'a/b'
	expect_fail "too long" nslsm ns create aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
}

# What the CLI says where nslsm's pins are absent, as after an unload: in a
# mount namespace of its own with an empty BPF file system on /sys/fs/bpf
# (an unload and a load cost about 25 s of the guest's time; 10-core.sh
# unloads for real).
test_cli_not_loaded() {
	not_loaded() { # CMD...: CMD where nothing is pinned
		unshare -m --propagation private sh -c 'mount -t bpf bpf /sys/fs/bpf && exec "$@"' \
			sh "$@"
	}
	expect_fail "not loaded" not_loaded "$NSLSM" ns list
	expect_fail "not loaded" not_loaded "$NSLSM" run --ns box -- true
	expect_contains "not loaded" "$(not_loaded "$NSLSM" status)"
	# outside that mount namespace nslsm is still loaded
	nslsm ns list >/dev/null
}

test_cli_run_reports_missing_command() {
	nslsm ns create box
	rc=0
	out=$(nslsm run --ns box -- /nonexistent/cmd 2>&1) || rc=$?
	[ $rc -eq 127 ] || die "exit status $rc, expected 127"
	expect_contains "executing '/nonexistent/cmd'" "$out"
	rc=0
	run_in box sh -c 'exit 5' || rc=$?
	[ $rc -eq 5 ] || die "exit status $rc, expected 5"
}

test_cli_help_for_every_command() {
	for c in load unload status modules ns run attr audit apparmor contid; do
		out=$(nslsm "$c" --help)
		expect_contains "Usage: nslsm $c" "$out"
	done
	expect_contains "nslsm ns create NAME" "$(nslsm --help)"
}

test_cli_modules_lists_yama_and_kernel_lsms() {
	out=$(nslsm modules)
	expect_contains "yama" "$out"
	expect_contains "kernel LSMs: " "$out"
	expect_contains ",bpf" "$out"
	expect_contains '"name":"yama"' "$(nslsm modules --json)"
}
