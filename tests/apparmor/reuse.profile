# Objects freed and reused under a cached verdict (tests/helpers/reuse.c)
abi <abi/3.0>,
profile aad_reuse {
  /tmp/ r,
  /tmp/ok/ rw,
  /tmp/ok/** rwl,
  /tmp/okm/** rw,
  deny /tmp/secret rwl,
  deny /tmp/secretm/** w,
}
