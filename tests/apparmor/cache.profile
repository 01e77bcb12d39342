# The decision cache test's profiles (tests/vm/suite/70-apparmor.sh)
abi <abi/3.0>,
profile aad_cache {
  /tmp/aad/r/** r,
  /tmp/aad/mv/from/** r,
  /proc/[0-9]*/attr/{apparmor/,}current w,
  change_profile -> aad_cache_none,
  network inet stream,
  /tmp/aad/xc/px px -> aad_cache_x,
  /tmp/aad/xc/ix mrix,
  /tmp/aad/w/** rw,
  audit /tmp/aad/alt/* rw,
}
profile aad_cache_none {
}
profile aad_cache_x {
  /tmp/aad/xc/* rm,
}
