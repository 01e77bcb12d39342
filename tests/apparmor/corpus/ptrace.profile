# ptrace rules: trace and read from the tracer, tracedby and readby from the
# tracee, peers by name (a child profile, another profile) and "unconfined"
abi <abi/3.0>,
profile aad_ptrace {
  /tmp/aad/bin/child cx -> kid,
  /tmp/aad/bin/named px -> aad_ptrace_peer,
  ptrace (read) peer=unconfined,
  ptrace (trace, read, tracedby, readby) peer=aad_ptrace,
  ptrace (read, trace) peer=aad_ptrace//kid,
  ptrace (read) peer=aad_ptrace_peer,
  profile kid {
    /tmp/aad/bin/* mr,
    ptrace (readby) peer=aad_ptrace,
  }
}
profile aad_ptrace_peer {
  /tmp/aad/bin/* mr,
  ptrace (tracedby, readby) peer=aad_ptrace,
}
