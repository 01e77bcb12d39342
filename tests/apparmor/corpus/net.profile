# network rules: family and type; deny over allow
abi <abi/3.0>,
profile aad_net {
  network inet stream,
  network inet6 dgram,
  network unix,
  deny network inet raw,
}
