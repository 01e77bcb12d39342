# no ptrace rules: apparmor_parser marks every profile as mediating ptrace,
# so a profile without ptrace rules may not trace or read anything, not even
# its own label, and capability sys_ptrace does not change that; a child
# profile with a rule for unconfined
# run-as: aad_ptracenone
abi <abi/3.0>,
profile aad_ptracenone {
  /tmp/aad/bin/child cx -> kid,
  /tmp/aad/bin/named px -> aad_ptracecap,
  profile kid {
    /tmp/aad/bin/* mr,
  }
}
profile aad_ptracecap {
  /tmp/aad/bin/* mr,
  /tmp/aad/bin/child cx -> kid,
  capability sys_ptrace,
  profile kid {
    /tmp/aad/bin/* mr,
    ptrace (read) peer=unconfined,
  }
}
