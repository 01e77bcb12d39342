# exec modes: ix, px/Px -> named, cx/Cx children, ux/Ux, pix and cix
# fallbacks, what the new profile then allows, and which ones scrub the
# environment (AT_SECURE: Px, Cx, Ux, not the ix fallbacks)
abi <abi/3.0>,
profile aad_exec {
  /tmp/aad/r/** r,
  /tmp/aad/bin/true ix,
  /tmp/aad/bin/named px -> aad_target,
  /tmp/aad/bin/safe Px -> aad_target,
  /tmp/aad/bin/child cx -> kid,
  /tmp/aad/bin/unconf ux,
  /tmp/aad/bin/pfall pix -> aad_missing,
  /tmp/aad/bin/cfall cix -> nokid,
  /tmp/aad/bin/uscrub Ux,
  /tmp/aad/bin/cscrub Cx -> kid,
  profile kid {
    /tmp/aad/w/** rw,
    /tmp/aad/bin/* rm,
  }
}
profile aad_target {
  /tmp/aad/alt/* r,
  /tmp/aad/bin/* rm,
}
