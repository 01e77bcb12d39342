#!/bin/sh
# Differential test: the same operations under the kernel's AppArmor and
# under nslsm's AppArmor module, with the same binary policy, must give the
# same result (allowed, or the same errno), operation for operation.
#
#   tests/apparmor/diff.sh [--prepared DIR] [--corpus DIR]... [--debian] [-v]
#
# Runs as root in the guest (tests/vm/run), with the kernel's AppArmor and
# the BPF LSM active and nslsm loaded. Profiles and operations come from
# tests/apparmor/prepare (run here unless --prepared gives its output:
# compiling is much faster on the host). For each profile:
#   kernel: apparmor_parser -r -B NAME.bin; aa-exec -p RUNAS aa_ops
#   nslsm:  nslsm apparmor replace NS NAME.bin; nslsm run --apparmor RUNAS aa_ops
# Each run has a private mount namespace of its own (mount rules mount).
# Operations go in through a pipe and results come out through one, so the
# confined task needs no rule for them; the file tree is recreated before
# every run. Prints one "DIFF ..." line per disagreement, then
#   apparmor-diff: P profiles, N operations, A agree (X of them denials),
#   D disagree, S skipped
# and exits 1 if any disagree.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
nslsm=$root/build/nslsm
ns=aadiff
verbose=0
prepared=""
prep_args=""
while [ $# -gt 0 ]; do
	case $1 in
	--prepared) prepared=$2; shift ;;
	--corpus) prep_args="$prep_args --corpus $2"; shift ;;
	--debian) prep_args="$prep_args --debian" ;;
	-v) verbose=1 ;;
	*) echo "diff.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$prepared" ]; then
	[ -n "$prep_args" ] || prep_args="--corpus $root/tests/apparmor/corpus"
	# shellcheck disable=SC2086
	"$root/tests/apparmor/prepare" "$work/prep" $prep_args || exit 1
	prepared=$work/prep
fi
# libapparmor (aa-exec) needs securityfs
[ -d /sys/kernel/security/apparmor ] || mount -t securityfs securityfs /sys/kernel/security
# the exec targets are copies of aa_ops: copy from tmpfs, not 9p
ops=$work/aa_ops
cp "$root/build/tests/aa_ops" "$ops"

$nslsm ns create $ns --modules apparmor >/dev/null 2>&1
# AppArmor's verdicts alone: the namespace boundary (not AppArmor's) is
# lifted, so ptrace and signals to init are AppArmor's to decide.
$nslsm ns set $ns apparmor.mode=profile boundary.ptrace=allow boundary.signal=allow \
	>/dev/null || exit 1

profiles=0 total=0 agree=0 disagree=0 skipped=0 denials=0

fixtures() { # NAME
	FIXTURE_EXTRA=$prepared/$1.setup sh "$root/tests/apparmor/fixtures.sh" "$ops" "$work/aad"
}

for bin in "$prepared"/*.bin; do
	[ -f "$bin" ] || continue
	name=$(basename "$bin" .bin)
	runas=$(cat "$prepared/$name.runas")
	names=$(cat "$prepared/$name.names")
	# the kernel
	if ! apparmor_parser -r -B "$bin" 2>"$work/err"; then
		echo "SKIP $name: the kernel refused it: $(head -c 200 "$work/err")"
		skipped=$((skipped + 1))
		continue
	fi
	fixtures "$name"
	unshare -m --propagation private aa-exec -p "$runas" -- "$ops" -f - \
		<"$prepared/$name.ops" 2>&1 | cat >"$work/kernel"
	for n in $names; do printf '%s' "$n" >/sys/kernel/security/apparmor/.remove 2>/dev/null; done
	# nslsm
	if ! $nslsm apparmor replace $ns "$bin" >"$work/err" 2>&1; then
		echo "DIFF $name: nslsm refused the policy: $(cat "$work/err")"
		disagree=$((disagree + 1))
		continue
	fi
	fixtures "$name"
	unshare -m --propagation private $nslsm run --ns $ns --apparmor "$runas" -- "$ops" -f - \
		<"$prepared/$name.ops" 2>&1 |
		cat >"$work/nslsm"
	for n in $names; do
		case $n in */*) ;; *) $nslsm apparmor remove $ns "$n" >/dev/null 2>&1 ;; esac
	done
	profiles=$((profiles + 1))
	awk -v name="$name" -v verbose=$verbose '
		FILENAME == ARGV[1] { op[FNR] = $0; n = FNR; next }
		{ sp = index($0, " "); key = substr($0, 1, sp - 1); val = substr($0, sp + 1) }
		FILENAME == ARGV[2] { k[key] = val; next }
		FILENAME == ARGV[3] { m[key] = val; next }
		END {
			for (i = 1; i <= n; i++) {
				if (op[i] == "")
					continue
				t++
				if ((i in k) && (i in m) && k[i] == m[i]) {
					a++
					if (k[i] ~ /EACCES|EPERM|SIG/)
						den++
					if (verbose)
						print "same " name ": " op[i] " -> " k[i]
				} else {
					d++
					print "DIFF " name ": " op[i] " -> kernel=" ((i in k) ? k[i] : "none") \
						" nslsm=" ((i in m) ? m[i] : "none")
				}
			}
			print "COUNT " t + 0 " " a + 0 " " d + 0 " " den + 0
		}' "$prepared/$name.ops" "$work/kernel" "$work/nslsm" >"$work/cmp"
	grep -v '^COUNT ' "$work/cmp"
	set -- $(sed -n 's/^COUNT //p' "$work/cmp")
	total=$((total + $1))
	agree=$((agree + $2))
	disagree=$((disagree + $3))
	denials=$((denials + $4))
done

echo "apparmor-diff: $profiles profiles, $total operations, $agree agree ($denials of them denials), $disagree disagree, $skipped skipped"
[ $disagree = 0 ] && [ $profiles -gt 0 ]
