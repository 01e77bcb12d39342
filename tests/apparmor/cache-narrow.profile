# aad_cache without /tmp/aad/r: replacing aad_cache with it must end every
# cached verdict for /tmp/aad/r at once
abi <abi/3.0>,
profile aad_cache {
  /tmp/aad/mv/from/** r,
}
