# mount rules: new mounts (type, source, flags, data), bind (source paths
# through symbolic links), move, remount, propagation changes, umount,
# pivot_root. Each run has a private mount namespace of its own (diff.sh).
abi <abi/3.0>,
profile aad_mount {
  capability sys_admin,
  mount fstype=tmpfs options=(rw,nosuid) none -> /tmp/aad/m/t1/,
  mount fstype=tmpfs -> /tmp/aad/m/t2/,
  mount fstype=tmpfs options=(ro) tmpfs -> /tmp/aad/m/t3/,
  mount fstype=tmpfs options in (ro,nodev) -> /tmp/aad/m/t4/,
  mount fstype=tmpfs options=(rw) -> /tmp/aad/m/t7/,
  mount options=(rw,bind) /tmp/aad/r/ -> /tmp/aad/m/b1/,
  mount options=(rw,rbind) /tmp/aad/r/** -> /tmp/aad/m/b2/,
  mount options=(rw,bind) /tmp/aad/link/target -> /tmp/aad/m/f1,
  mount options=(rw,move) /tmp/aad/m/t1/ -> /tmp/aad/m/mv/,
  mount options=(rw,remount) -> /tmp/aad/m/t2/,
  mount options=(ro,remount) -> /tmp/aad/m/t2/,
  mount options=(rw,private) -> /tmp/aad/m/**,
  mount options=(rw,rshared) -> /tmp/aad/m/t3/,
  deny mount fstype=proc,
  umount /tmp/aad/m/t2/,
  umount /tmp/aad/m/b*/,
  pivot_root oldroot=/tmp/aad/m/pr/old/ /tmp/aad/m/pr/,
}
