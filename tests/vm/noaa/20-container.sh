# shellcheck shell=bash
# The seed's core scenario: an AppArmor system container on a host whose
# kernel does not run AppArmor (no apparmor directory in securityfs, its
# "enabled" parameter N). nslsm-oci-hook's layout gives the container a
# securityfs line in /proc/mounts and the tree at
# /sys/kernel/security/apparmor all the same; its own apparmor_parser,
# aa-enabled, aa-status and Debian's apparmor.service work on it.

test_noaa_crun_system_container_loads_its_own_profiles() {
	[ ! -e /sys/kernel/security/apparmor ] || die "the kernel runs AppArmor here"
	[ "$(cat /sys/module/apparmor/parameters/enabled)" = N ] || die "enabled is not N"
	nslsm ns create sysc-sibling --modules apparmor
	aafs_system_container crun
}

# What an LXC host gives a container: a profile of its own namespace that
# confines the container (stacked over the container's namespace), and
# container=lxc; Debian's apparmor.service then loads the container's
# policy, through the tree, into its namespace.
test_noaa_crun_lxc_like_system_container_runs_apparmor_service() {
	nslsm ns create sysc-sibling --modules apparmor
	sysc_outer
	aafs_system_container crun lxc
}
