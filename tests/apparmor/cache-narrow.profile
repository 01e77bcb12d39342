# aad_cache without /tmp/aad/r, the network and the programs: replacing
# aad_cache with it must end every cached verdict for /tmp/aad/r, every
# exec decision and every network verdict a task remembers, at once
abi <abi/3.0>,
profile aad_cache {
  /tmp/aad/mv/from/** r,
}
