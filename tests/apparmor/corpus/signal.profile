# signal rules: send and receive, signal sets, peers by profile name and
# "unconfined"
abi <abi/3.0>,
profile aad_signal {
  signal (send) set=(cont) peer=unconfined,
  signal (send, receive) set=(usr1, term) peer=aad_signal,
  signal (send) set=(rtmin+0) peer=aad_signal,
  signal (receive) peer=unconfined,
}
