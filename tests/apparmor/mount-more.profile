# Mount rules where nslsm goes past the kernel it runs on (VM test
# test_apparmor_mount_rules_beyond_the_kernel): move_mount(2) is mediated,
# and a bind source the dentry cache cannot resolve is refused.
abi <abi/3.0>,
profile aad_mount2 {
  capability sys_admin,
  mount fstype=tmpfs -> /tmp/aad/m/**,
  mount options=(rw,bind) /usr/share/** -> /tmp/aad/m/**,
  mount options=(rw,bind) /tmp/aad/r/ -> /tmp/aad/m/**,
  mount options=(rw,move) /tmp/aad/m/t1/ -> /tmp/aad/m/mv/,
  umount /tmp/aad/m/**,
}
