#!/bin/sh
# bench/hookcost.sh OUT [CONFIG]: where an enrolled task's time goes, hook by
# hook, inside the guest: bench/guest.sh runs it after its rounds, in the
# state they leave (nslsm loaded, namespace bench, the file tree and the
# archive in /tmp/bench). The kernel's BPF statistics (kernel.bpf_stats_enabled)
# count every run of every nslsm program and its time; the macro workload
# and open at depth 8 run once each under configuration C (or B), and
# OUT/hookcost.txt gets one line per program that ran:
#   WORKLOAD PROGRAM RUNS NS_PER_RUN
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
nslsm=$root/build/nslsm
out=$1
cfg=${2:-C}
B=/tmp/bench

stats() { # the nslsm programs' "name runs ns" now
	bpftool prog show 2>/dev/null | awk '
		/^[0-9]+: / { name = ""; for (i = 1; i <= NF; i++) if ($i == "name") name = $(i + 1) }
		/run_time_ns/ && name ~ /^nslsm_/ {
			for (i = 1; i <= NF; i++) {
				if ($i == "run_time_ns") t = $(i + 1)
				if ($i == "run_cnt") c = $(i + 1)
			}
			print name, c, t
		}'
}

cost() { # LABEL CMD...: run CMD under the configuration, report the deltas
	label=$1
	shift
	stats >"$out/before"
	if [ "$cfg" = C ]; then
		$nslsm run --ns bench --apparmor nslsm_bench -- "$@" >/dev/null
	else
		"$@" >/dev/null
	fi
	stats >"$out/after"
	awk -v w="$label" 'NR == FNR { c[$1] = $2; t[$1] = $3; next }
		$2 > c[$1] { n = $2 - c[$1]; printf "%s %s %d %d\n", w, $1, n, ($3 - t[$1]) / n }' \
		"$out/before" "$out/after" | sort -k3,3nr >>"$out/hookcost.txt"
}

[ -d /sys/fs/bpf/nslsm ] && [ -f $B/src.tar ] || {
	echo "hookcost: needs bench/guest.sh's setup (nslsm loaded, namespace bench)" >&2
	exit 1
}
old=$(cat /proc/sys/kernel/bpf_stats_enabled)
echo 1 >/proc/sys/kernel/bpf_stats_enabled
: >"$out/hookcost.txt"
cost macro sh -c "rm -rf $B/m && mkdir $B/m && tar -xf $B/src.tar -C $B/m &&
	find $B/m -type f >/dev/null && grep -r -l nslsm-needle $B/m >/dev/null; true"
cost open8 $B/bin/workload open $B/tree 8
echo "$old" >/proc/sys/kernel/bpf_stats_enabled
rm -f "$out/before" "$out/after"
