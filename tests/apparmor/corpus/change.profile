# change_profile, change_onexec and change_hat: allowed and refused targets,
# missing profiles and hats, a child that is not a hat, hats entered, swapped
# and left with their token, onexec paired with the executable
# run-as: aad_change
abi <abi/3.0>,
profile aad_change {
  /tmp/aad/r/f1 r,
  /proc/[0-9]*/attr/{apparmor/,}{current,exec} w,
  change_profile -> aad_change_target,
  change_profile /tmp/aad/bin/named -> aad_change_exec,
  /tmp/aad/bin/true ix,
  ^hat1 {
    /tmp/aad/alt/* r,
    /proc/[0-9]*/attr/{apparmor/,}current w,
  }
  ^hat2 {
    /tmp/aad/w/** r,
    /proc/[0-9]*/attr/{apparmor/,}current w,
  }
  profile notahat {
  }
}
profile aad_change_target {
  /tmp/aad/alt/a.txt r,
  /proc/[0-9]*/attr/{apparmor/,}{current,exec} w,
}
profile aad_change_exec {
  /tmp/aad/alt/b.txt r,
  /tmp/aad/bin/* mr,
}
profile aad_change_other {
}
