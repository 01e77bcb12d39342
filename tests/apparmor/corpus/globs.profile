# *, **, ?, {alternatives}, [classes], and what they do not match
abi <abi/3.0>,
profile aad_globs {
  /tmp/aad/alt/{a,b}.txt r,
  /tmp/aad/alt/a? r,
  /tmp/aad/alt/[a-b]b* w,
  /tmp/aad/r/* r,
  /tmp/aad/r/sub/** r,
  /tmp/aad/home/*/docs/** r,
  /tmp/aad/w/{d1,emptydir}/ r,
}
