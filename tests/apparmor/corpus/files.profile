# read, write, append, create, deny over allow, directories
abi <abi/3.0>,
profile aad_files {
  /tmp/aad/r/** r,
  /tmp/aad/r/ r,
  /tmp/aad/w/** rw,
  /tmp/aad/w/ r,
  /tmp/aad/alt/*.txt a,
  /tmp/aad/alt/c.log w,
  /tmp/aad/deny/* r,
  deny /tmp/aad/deny/secret r,
  /tmp/aad/w/new* w,
}
