# owner-conditional rules: the task (uid 0) owns "mine", not "theirs"
abi <abi/3.0>,
profile aad_owner {
  owner /tmp/aad/own/* rw,
  /tmp/aad/home/** r,
  owner /tmp/aad/home/** w,
}
