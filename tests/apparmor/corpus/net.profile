# network rules: family and type; deny over allow; the operations on an
# existing socket (listen, accept, send, receive, names, options,
# shutdown) checked after a change_profile to profiles with less
# run-as: aad_net
abi <abi/3.0>,
profile aad_net {
  network inet stream,
  network inet6 dgram,
  network unix,
  deny network inet raw,
  /proc/[0-9]*/attr/{apparmor/,}current w,
  change_profile -> aad_net_none,
  change_profile -> aad_net_unix,
}
profile aad_net_none {
}
profile aad_net_unix {
  network unix,
}
