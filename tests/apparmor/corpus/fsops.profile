# unlink, mkdir, rmdir, rename (both ends), link pairs, symlink, chmod,
# chown, truncate, lock, mmap
abi <abi/3.0>,
profile aad_fsops {
  /tmp/aad/w/** rwk,
  /tmp/aad/w/ r,
  /tmp/aad/r/** rk,
  /tmp/aad/mv/from/* rw,
  /tmp/aad/mv/to/* w,
  /tmp/aad/link/target rl,
  /tmp/aad/link/l1 l -> /tmp/aad/link/target,
  /tmp/aad/link/l2 rwl,
  /tmp/aad/lib/x.so rm,
  /tmp/aad/r/f2 r,
  capability chown,
  capability fowner,
}
