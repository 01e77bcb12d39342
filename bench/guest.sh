#!/bin/sh
# bench/guest.sh OUT ROUNDS: the benchmark, inside one guest boot (bench/run
# boots it with the kernel's AppArmor and the BPF LSM both active).
#
# Every round runs every configuration, in the order A B C D E, so drift
# hits them alike:
#   A  nslsm not loaded            B  nslsm loaded, task not enrolled
#   C  enrolled, nslsm_bench       D  the kernel's AppArmor, nslsm_bench (aa-exec)
#   E  enrolled, nslsm_bench_learn in a complain-mode namespace: the file
#      tree is not in that profile, so every open of it is audited
# The server workload runs Debian's nginx the configuration's way (under
# nslsm_bench_nginx, or nslsm_bench_nginx_learn in E) and drives it with
# ab over loopback: the sample is ab's time for all requests over their
# number (ab itself is never confined).
# Then the cost of each hook under C (bench/hookcost.sh, BPF statistics).
# Then the scale runs (configuration C): 1,000 namespaces, every profile of
# /etc/apparmor.d loaded, and the load times.
# Writes OUT/raw.txt ("round config workload ns-per-op"), OUT/hookcost.txt,
# OUT/scale.txt and OUT/facts.txt for bench/report.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
nslsm=$root/build/nslsm
out=$1
rounds=${2:-5}
B=/tmp/bench
policy=$root/build/bench/policy

mkdir -p $B/bin
# No address space randomisation: where the mappings land changes how far
# the kernel walks its VMA tree, by about 1 % of an mmap, from one process
# to the next.
echo 0 >/proc/sys/kernel/randomize_va_space
# The macro workload's programs, their libraries and the files they open
# come from the host's root over 9p. Serve them from tmpfs instead (a copy
# bind-mounted over each, same names), so that the sample is the work of
# the programs and of the security modules, not of the 9p client.
for p in sh rm mkdir tar find grep nginx ab; do
	bin=$(readlink -f "$(command -v $p)")
	echo "$bin"
	ldd "$bin" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
done | xargs -n1 readlink -f | sort -u >$B/served
printf '%s\n' /etc/ld.so.cache /etc/passwd /etc/group /etc/nsswitch.conf >>$B/served
mkdir -p $B/served.d
i=0
while read -r f; do
	[ -f "$f" ] || continue
	i=$((i + 1))
	cp "$f" "$B/served.d/$i"
	mount --bind "$B/served.d/$i" "$f"
done <$B/served
cp "$root/build/bench/workload" $B/bin/workload
cp "$root/build/bench/workload" $B/bin/true
$B/bin/workload tree $B/tree
# the macro workload's archive: 2,000 files of the guest's documentation
find /usr/share/doc -type f | head -n 2000 >$B/list
tar -cf $B/src.tar -T $B/list 2>/dev/null
macro="rm -rf $B/m && mkdir $B/m && tar -xf $B/src.tar -C $B/m &&
	find $B/m -type f >/dev/null && grep -r -l nslsm-needle $B/m >/dev/null; true"

# the server workload's pages and nginx's own directory
mkdir -p $B/www $B/nginx
head -c 3072 /dev/urandom | od -An -tx1 | tr -d ' \n' | head -c 4096 >$B/www/index.html
cp "$root/bench/nginx.conf" $B/nginx/nginx.conf
requests=${SERVER_REQUESTS:-10000}

[ -d /sys/kernel/security/apparmor ] || mount -t securityfs securityfs /sys/kernel/security
apparmor_parser -r -B "$policy/bench.bin"

setup_nslsm() {
	$nslsm load >/dev/null
	$nslsm ns create bench --modules apparmor >/dev/null
	$nslsm apparmor load bench "$policy/bench.bin" >/dev/null
	$nslsm ns create benchc --modules apparmor >/dev/null
	$nslsm ns set benchc apparmor.mode=complain >/dev/null
	$nslsm apparmor load benchc "$policy/bench.bin" >/dev/null
}

run_in() { # CONFIG CMD...: run CMD the configuration's way
	cfg=$1
	shift
	case $cfg in
	A | B) "$@" ;;
	C) $nslsm run --ns bench --apparmor nslsm_bench -- "$@" ;;
	D) aa-exec -p nslsm_bench -- "$@" ;;
	E) $nslsm run --ns benchc --apparmor nslsm_bench_learn -- "$@" ;;
	esac
}

server() { # CONFIG: nginx the configuration's way, driven by ab; ns per request
	rm -f $B/nginx/nginx.pid $B/nginx/*.log
	set -- "$1" nginx -p $B/nginx -e $B/nginx/error.log -c $B/nginx/nginx.conf
	case $1 in
	A | B) shift; "$@" ;;
	C) shift; $nslsm run --ns bench --apparmor nslsm_bench_nginx -- "$@" ;;
	D) shift; aa-exec -p nslsm_bench_nginx -- "$@" ;;
	E) shift; $nslsm run --ns benchc --apparmor nslsm_bench_nginx_learn -- "$@" ;;
	esac &
	srv=$!
	# nginx writes its pid file once it listens
	i=0
	while [ ! -s $B/nginx/nginx.pid ]; do
		i=$((i + 1))
		if [ $i -gt 600 ] || ! kill -0 $srv 2>/dev/null; then
			echo "bench: nginx did not start:" >&2
			cat $B/nginx/error.log >&2
			return 1
		fi
		sleep 0.05
	done
	# ab's own clock, from the first request to the last answer: the guest
	# clock around ab would also count ab's start, where reading its files
	# from the host's root lets the instruction clock skip ahead by however
	# long the next timer is away (seen: from 1 ms to 1 s)
	ab -q -n "$requests" -c 4 http://127.0.0.1:8088/index.html >$B/ab.txt 2>&1 || true
	kill -QUIT "$(cat $B/nginx/nginx.pid)"
	wait $srv || true
	if ! grep -q '^Failed requests: *0$' $B/ab.txt || grep -q '^Non-2xx' $B/ab.txt; then
		echo "bench: requests failed under $1:" >&2
		cat $B/ab.txt $B/nginx/error.log >&2
		return 1
	fi
	awk -v n="$requests" '/^Time taken for tests:/ { printf "%.0f\n", $5 * 1e9 / n }' $B/ab.txt
}

workloads() { # CONFIG ROUND: one sample of every workload
	for w in open2 open8 open16 stat8 exec mmap connect macro server; do
		case $w in
		open*) ns=$(run_in "$1" $B/bin/workload open $B/tree "${w#open}") ;;
		stat*) ns=$(run_in "$1" $B/bin/workload stat $B/tree "${w#stat}") ;;
		exec) ns=$(run_in "$1" $B/bin/workload exec $B/bin/true) ;;
		mmap) ns=$(run_in "$1" $B/bin/workload mmap $B/bin/true) ;;
		connect) ns=$(run_in "$1" $B/bin/workload connect) ;;
		macro) ns=$(run_in "$1" $B/bin/workload run sh -c "$macro") ;;
		server) ns=$(server "$1") ;;
		esac
		echo "$2 $1 $w $ns" >>"$out/raw.txt"
	done
}

# one unmeasured run: the first extraction has no tree to remove
$B/bin/workload run sh -c "$macro" >/dev/null
: >"$out/raw.txt"
for r in $(seq 1 "$rounds"); do
	[ -d /sys/fs/bpf/nslsm ] && $nslsm unload --force >/dev/null
	workloads A "$r"
	setup_nslsm
	for c in B C D E; do
		workloads "$c" "$r"
	done
	echo "bench: round $r of $rounds done" >&2
done

# ---- where configuration C's time goes, hook by hook ----
sh "$root/bench/hookcost.sh" "$out" C

# ---- scale: configuration C, open at depth 8 ----
sample() { # LABEL
	for r in $(seq 1 "$rounds"); do
		echo "$1 $(run_in C $B/bin/workload open $B/tree 8)" >>"$out/scale.txt"
	done
}
: >"$out/scale.txt"
sample base
# CPU time (user + system) of the commands: what they cost, without the
# idle time of reading the host's 9p root (which -icount skips ahead by
# however long the next timer is away)
cpu() { # CMD...: the CPU time of the shell command CMD, in seconds
	$B/bin/workload run sh -c "$* >/dev/null 2>&1; true" | awk '{ printf "%.3f", $1 / 1e9 }'
}
t_ns=$(cpu "for i in \$(seq 2 1000); do $nslsm ns create s\$i --modules apparmor; done")
sample ns1000
n_all=$(ls "$policy"/all/*.bin | wc -l)
t_nslsm=$(cpu "$nslsm apparmor load bench $policy/all/*.bin")
sample allprofiles
t_kernel=$(cpu "apparmor_parser -r -B $policy/all/*.bin")
profiles=$($nslsm apparmor status bench --json)
{
	echo "ns_create_999_s $t_ns"
	echo "profiles_all $n_all"
	echo "load_all_nslsm_s $t_nslsm"
	echo "load_all_kernel_s $t_kernel"
	echo "profiles_loaded $(echo "$profiles" | grep -o '"map_bytes":[0-9]*' | wc -l)"
	echo "profile_map_bytes_total $(echo "$profiles" | grep -o '"map_bytes":[0-9]*' |
		cut -d: -f2 | awk '{s += $1} END {print s + 0}')"
	echo "kernel $(uname -r)"
	echo "requests $requests"
	echo "cpus $(nproc)"
} >"$out/facts.txt"
$nslsm unload --force >/dev/null
echo "bench: done" >&2
