# shellcheck shell=bash
# nslsm's SELinux decision against the kernel's own SELinux, the oracle:
# this boot runs the kernel's SELinux (lsm=...,selinux,bpf, permissive, no
# policy until a test loads one). Each test loads a binary policy into the
# kernel through selinuxfs and asks both sides the same random valid
# (scontext, tcontext, class) triples (tests/helpers/se_kernel_diff.c): the
# kernel through /sys/fs/selinux/access, nslsm through its reference
# decision over the tables it compiles. Every triple must agree.

SE_DIFF=$ROOT/build/tests/se_kernel_diff
REFPOLICY=/etc/selinux/default/policy/policy.33

se_kernel_load() { # POLICY: the kernel's policy becomes POLICY (one write)
	mountpoint -q /sys/fs/selinux || mount -t selinuxfs selinuxfs /sys/fs/selinux
	dd if="$1" of=/sys/fs/selinux/load bs=16M iflag=fullblock status=none ||
		die "the kernel refused $1"
}

se_diff() { # POLICY N SEED [RESTORE]
	local out
	out=$("$SE_DIFF" "$@" 2>&1) || die "nslsm and the kernel disagree on $1: $(echo "$out" | tail -n 20)"
	echo "$out" | tail -n 1
	expect_contains " 0 disagree" "$(echo "$out" | tail -n 1)"
}

test_kernel_selinux_is_the_oracle_here() {
	[ -r /sys/kernel/security/lsm ] ||
		mount -t securityfs securityfs /sys/kernel/security 2>/dev/null || true
	expect_contains selinux "$(cat /sys/kernel/security/lsm)"
}

# Named to run after the small policies (tests run in name order): the
# kernel's SID table keeps every context ever asked of it and a policy load
# converts all of it, so four small loads and restores after 100,000
# refpolicy triples cost minutes instead of seconds.
test_refpolicy_check_agrees_with_kernel_selinux_on_100000_triples() {
	se_kernel_load "$REFPOLICY"
	se_diff "$REFPOLICY" 100000 7
}

test_check_agrees_with_kernel_selinux_on_small_cil_policies() {
	local d=$SCRATCH/cil mls ver
	mkdir -p "$d"
	se_kernel_load "$REFPOLICY"
	for mls in true false; do
		for ver in 30 33; do
			secilc -M "$mls" -c "$ver" -o "$d/p-$mls-$ver" -f /dev/null \
				"$ROOT/tests/selinux/small.cil" || die "secilc -M $mls -c $ver failed"
			# the helper loads it, and Debian's policy back: under
			# the small policy nothing of the guest's can exec
			se_diff "$d/p-$mls-$ver" 5000 "$ver" "$REFPOLICY"
		done
	done
}
