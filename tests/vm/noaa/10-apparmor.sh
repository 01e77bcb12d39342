# shellcheck shell=bash
# The seed's scenario: a kernel that does not run AppArmor (booted with an
# lsm= list without it), and a container that expects AppArmor. nslsm
# enforces the profile Debian ships for dnsmasq on the real dnsmasq.

test_kernel_apparmor_is_not_active_here() {
	[ -d /sys/kernel/security/apparmor ] ||
		mount -t securityfs securityfs /sys/kernel/security 2>/dev/null || true
	lsms=$(cat /sys/kernel/security/lsm)
	expect_contains bpf "$lsms"
	expect_not_contains apparmor "$lsms"
}

dnsmasq_box() {
	nslsm ns create ubuntu --modules apparmor
	nslsm apparmor load ubuntu /etc/apparmor.d/usr.sbin.dnsmasq
	# the shipped profile is in complain mode: enforce it
	nslsm ns set ubuntu apparmor.mode=enforce
}

test_shipped_dnsmasq_profile_confines_dnsmasq_without_kernel_apparmor() {
	dnsmasq_box
	out=$("$NSLSM" run --ns ubuntu --contid 100 --apparmor dnsmasq -- \
		/usr/sbin/dnsmasq --test 2>&1) || die "dnsmasq --test under its profile failed: $out"
	expect_contains "syntax check OK" "$out"
	# root, but the profile does not let dnsmasq read /etc/shadow
	out=$("$NSLSM" run --ns ubuntu --contid 100 --apparmor dnsmasq -- \
		/usr/sbin/dnsmasq --test --conf-file=/etc/shadow 2>&1) && die "dnsmasq read /etc/shadow: $out"
	expect_contains "Permission denied" "$out"
	rec=$(nslsm audit | grep 'name="/etc/shadow"' | tail -n 1)
	expect_contains 'apparmor="DENIED"' "$rec"
	expect_contains 'profile="dnsmasq"' "$rec"
	expect_contains 'contid=100' "$rec"
	expect_contains 'requested_mask="r"' "$rec"
	# outside the container the same command is not confined
	out=$(/usr/sbin/dnsmasq --test --conf-file=/etc/shadow 2>&1) || true
	expect_not_contains "Permission denied" "$out"
}

test_unconfined_tasks_enter_the_dnsmasq_profile_by_attachment() {
	dnsmasq_box
	out=$("$NSLSM" run --ns ubuntu -- /usr/sbin/dnsmasq --test --conf-file=/etc/shadow 2>&1) &&
		die "dnsmasq read /etc/shadow: $out"
	expect_contains "Permission denied" "$out"
	out=$("$NSLSM" run --ns ubuntu -- sh -c '/usr/sbin/dnsmasq --test' 2>&1) ||
		die "dnsmasq --test failed: $out"
	expect_contains "syntax check OK" "$out"
}
