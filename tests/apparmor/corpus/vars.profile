# variables and the tunables a distribution profile uses
abi <abi/3.0>,
include <tunables/global>
@{AAD}=/tmp/aad
@{USERS}=user other
profile aad_vars {
  @{AAD}/home/@{USERS}/** r,
  @{AAD}/r/{f1,sub/f3} r,
  @{PROC}/@{pid}/stat r,
}
