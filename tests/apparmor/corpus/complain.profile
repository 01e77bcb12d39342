# complain mode: what the profile does not allow is allowed (and audited),
# but an explicit deny rule, quiet unless audited, is still enforced; an
# audited deny is only reported. Exec is always let through.
abi <abi/3.0>,
profile aad_complain flags=(complain) {
  /tmp/aad/r/** r,
  deny /tmp/aad/deny/secret rw,
  audit deny /tmp/aad/deny/public w,
  deny /tmp/aad/bin/other x,
  deny capability chown,
  deny network inet dgram,
  /tmp/aad/bin/* ix,
}
