# The benchmark's profile: what the workloads touch, allowed. The same
# binary policy is loaded into the kernel's AppArmor (configuration D) and
# into nslsm (C); nslsm_bench_learn lacks the file tree and runs in a
# complain-mode namespace (E): every open of the tree is audited.
abi <abi/3.0>,
include <tunables/global>

profile nslsm_bench {
  include <abstractions/base>
  /tmp/bench/tree/** r,
  /tmp/bench/bin/* mrix,
  /tmp/bench/src.tar r,
  /tmp/bench/m/ rw,
  /tmp/bench/m/** rwl,
  /{usr/,}bin/* mrix,
  /usr/share/** r,
  /proc/** r,
  network inet stream,
}

profile nslsm_bench_learn {
  include <abstractions/base>
  /tmp/bench/bin/* mrix,
  /tmp/bench/src.tar r,
  /tmp/bench/m/ rw,
  /tmp/bench/m/** rwl,
  /{usr/,}bin/* mrix,
  /usr/share/** r,
  /proc/** r,
  network inet stream,
}

# The server workload: Debian's nginx (master and worker, the worker as
# nobody) serving /tmp/bench/www with bench/nginx.conf, writing its pid and
# logs under /tmp/bench/nginx.
profile nslsm_bench_nginx {
  include <abstractions/base>
  include <abstractions/nameservice>
  capability setuid,
  capability setgid,
  capability dac_override,
  capability chown,
  network inet stream,
  signal (send, receive) peer=nslsm_bench_nginx,
  signal (receive) peer=unconfined,
  /{usr/,}sbin/nginx mr,
  /etc/ssl/openssl.cnf r,
  /tmp/bench/nginx/ r,
  /tmp/bench/nginx/** rw,
  /tmp/bench/www/ r,
  /tmp/bench/www/** r,
}

profile nslsm_bench_nginx_learn {
  include <abstractions/base>
  include <abstractions/nameservice>
  capability setuid,
  capability setgid,
  capability dac_override,
  capability chown,
  network inet stream,
  signal (send, receive) peer=nslsm_bench_nginx_learn,
  signal (receive) peer=unconfined,
  /{usr/,}sbin/nginx mr,
  /etc/ssl/openssl.cnf r,
  /tmp/bench/nginx/ r,
  /tmp/bench/nginx/** rw,
  /tmp/bench/www/ r,
}
