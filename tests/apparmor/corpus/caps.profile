# capabilities: only chown; no dac_override, no fowner
abi <abi/3.0>,
profile aad_caps {
  /tmp/aad/** rw,
  capability chown,
}
