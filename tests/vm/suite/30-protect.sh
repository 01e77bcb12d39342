# shellcheck shell=bash
# Self-protection: each escape an enrolled task could try, denied, even in a
# namespace that enables no module at all.

test_escape_bpf_syscall_denied() {
	nslsm ns create box
	expect_denied_by nslsm -- run_in box "$PROBE" bpf
	expect_denied_by nslsm -- run_in box "$PROBE" thread-bpf
	expect_allowed "$PROBE" bpf
}

test_escape_rewriting_own_blob_denied() {
	nslsm ns create box
	nslsm ns create other
	# Re-enrolling (nslsm run from inside) needs bpf(): refused.
	expect_fail "Operation not permitted" run_in box "$NSLSM" run --ns other -- true
	expect_fail "Operation not permitted" run_in box "$NSLSM" ns set box modules=none
	expect_fail "Operation not permitted" run_in box "$NSLSM" unload --force
	[ -d /sys/fs/bpf/nslsm/links ] || die "an enrolled task unloaded nslsm"
}

test_escape_opening_bpffs_pins_denied() {
	nslsm ns create box
	expect_denied_by nslsm -- run_in box "$PROBE" open /sys/fs/bpf/nslsm/maps/task_blobs
	expect_denied_by nslsm -- run_in box "$PROBE" open /sys/fs/bpf/nslsm/links/file_open
	expect_denied_by nslsm -- run_in box "$PROBE" open /sys/fs/bpf/nslsm
	expect_denied_by nslsm -- run_in box "$PROBE" open /sys/fs/bpf
}

test_escape_unlinking_or_renaming_pins_denied() {
	nslsm ns create box
	expect_denied_by nslsm -- run_in box "$PROBE" unlink /sys/fs/bpf/nslsm/links/file_open
	expect_denied_by nslsm -- run_in box "$PROBE" rename /sys/fs/bpf/nslsm/links/bpf /sys/fs/bpf/x
	expect_denied_by nslsm -- run_in box "$PROBE" rename /sys/fs/bpf/nslsm /sys/fs/bpf/y
	[ -e /sys/fs/bpf/nslsm/links/file_open ] && [ -e /sys/fs/bpf/nslsm/links/bpf ] ||
		die "a pin is gone"
	expect_contains "hooks attached: $HOOKS of $HOOKS" "$(nslsm status)"
}

test_escape_unmounting_bpffs_denied() {
	nslsm ns create box
	expect_denied_by nslsm -- run_in box "$PROBE" umount /sys/fs/bpf
	expect_denied_by nslsm -- run_in box "$PROBE" umount /sys
	[ -d /sys/fs/bpf/nslsm/links ] || die "bpffs was unmounted"
	# In a private mount namespace the pins' mounts are copies: unmounting
	# them hurts nobody and is allowed.
	if command -v unshare >/dev/null; then
		out=$(run_in box unshare -m "$PROBE" umount /sys/fs/bpf)
		expect_contains "allowed" "$out"
	fi
}

test_escape_ptracing_nslsm_processes_denied() {
	nslsm ns create box
	"$NSLSM" audit --follow >"$SCRATCH/follow" 2>&1 &
	daemon=$!
	sleep 1
	kill -0 "$daemon" || die "nslsm audit --follow died"
	expect_denied_by nslsm -- run_in box "$PROBE" attach "$daemon"
	expect_denied_by nslsm -- run_in box "$PROBE" seize "$daemon"
	expect_denied_by nslsm EACCES -- run_in box "$PROBE" mem "$daemon"
	expect_denied_by nslsm -- run_in box "$PROBE" getfd "$daemon"
	# Not even a read-only look (PTRACE_MODE_READ) at /proc/PID/environ.
	expect_denied_by nslsm EACCES -- run_in box "$PROBE" open "/proc/$daemon/environ"
	# The host may.
	expect_allowed "$PROBE" open "/proc/$daemon/environ"
}

test_escape_signalling_nslsm_processes_denied() {
	nslsm ns create box
	"$NSLSM" audit --follow >"$SCRATCH/follow" 2>&1 &
	daemon=$!
	sleep 1
	expect_denied_by nslsm -- run_in box "$PROBE" kill "$daemon" 9
	expect_denied_by nslsm -- run_in box "$PROBE" kill "$daemon" 0
	kill -0 "$daemon" || die "the nslsm process died"
	# Ordinary processes can still be signalled from the namespace.
	pid=$(start_target "$NSLSM" run --ns box -- "$PROBE" sleep 60)
	expect_allowed run_in box "$PROBE" kill "$pid" 0
}

test_escape_loading_kernel_modules_denied() {
	nslsm ns create box
	expect_denied_by nslsm -- run_in box "$PROBE" init-module
	expect_denied_by nslsm -- run_in box "$PROBE" finit-module /etc/hostname
	# Module auto-loading (an unknown socket family asks for net-pf-21).
	run_in box "$PROBE" modprobe 21 >/dev/null || true
	out=$(nslsm audit)
	expect_contains 'operation="module_request"' "$out"
	expect_contains 'name="net-pf-21' "$out"
	# Outside, the same calls reach the module loader (which rejects the
	# empty image by format, not by permission).
	out=$("$PROBE" init-module || true)
	expect_not_contains "EPERM" "$out"
}

test_escape_attempts_are_audited_as_nslsm() {
	nslsm ns create box
	run_in box "$PROBE" bpf >/dev/null || true
	out=$(nslsm audit --json)
	expect_contains '"module":"nslsm","operation":"bpf"' "$out"
}
