# shellcheck shell=bash
# nslsm-oci-hook under crun and runc: a container confined from its first
# instruction, its records carrying its container id, nothing left once it
# stops, and any bad annotation refusing the container.

HOOK=$NSLSM_HOOK
OCI_POLICY=$SCRATCH/oci.profile

# oci_rootfs: busybox and the static aa_ops, built once per guest boot
# (/tmp is the guest's tmpfs), /secret and /allowed to read.
oci_rootfs() {
	local r=/tmp/nslsm-oci-rootfs
	if [ ! -x $r/bin/aa_ops ]; then
		mkdir -p $r.new/bin $r.new/proc $r.new/dev $r.new/tmp $r.new/sys
		cp /bin/busybox "$ROOT/build/tests/aa_ops" $r.new/bin/
		for a in sh cat echo sleep true; do ln -s busybox $r.new/bin/$a; done
		echo secret >$r.new/secret
		echo allowed >$r.new/allowed
		mv $r.new $r
	fi
	echo $r
}

# oci_bundle NAME [oci_bundle.py options] -- ARG...: a bundle using the hook
# (its root the shared rootfs); prints its directory.
oci_bundle() {
	local b=$SCRATCH/bundle-$1
	shift
	mkdir -p "$b"
	oci_rootfs >/dev/null
	# crun sends a hook's stderr where run.oci.hooks.stderr says (else
	# nowhere); runc puts it in its own error and ignores the annotation
	"$OCI_BUNDLE" "$b" --root "$(oci_rootfs)" --hook "$HOOK" --hook-env "PATH=$PATH" \
		--hook-env "NSLSM_AUDIT_LOG=$NSLSM_AUDIT_LOG" \
		--annotation "run.oci.hooks.stderr=$b/hook.err" "$@"
	echo "$b"
}

# A profile that lets the entrypoint read /allowed and nothing else (and
# lets the runtime signal it: `state` and `kill` do).
oci_profile() {
	cat >"$OCI_POLICY" <<-'EOP'
	abi <abi/3.0>,
	profile oci_first {
	  /bin/aa_ops rm,
	  /bin/busybox rm,
	  /allowed r,
	  signal (receive) peer=unconfined,
	}
	EOP
}

# runtime_run RUNTIME BUNDLE ID: `RUNTIME run`, its status in $run_rc and
# its output in $run_out.
runtime_run() {
	run_rc=0
	rm -f "$2/hook.err"
	run_out=$(cd "$2" && "$1" run "$3" 2>&1 </dev/null) || run_rc=$?
	[ ! -s "$2/hook.err" ] || run_out="$run_out $(cat "$2/hook.err")"
	echo "$1 run $3 -> $run_rc: $run_out"
}

# First-instruction confinement: the entrypoint's first operation is the
# open of /secret, which its profile does not allow. Its records carry the
# container id given.
oci_first_operation_denied() { # RUNTIME
	local rt=$1 b rec
	oci_profile
	b=$(oci_bundle "$rt-first" --annotation io.nslsm.modules=apparmor \
		--annotation "io.nslsm.apparmor.policy=$OCI_POLICY" \
		--annotation io.nslsm.apparmor.profile=oci_first \
		--annotation io.nslsm.contid=4242 -- /bin/aa_ops open /secret r)
	runtime_run "$rt" "$b" "$rt-first"
	[ "$run_rc" -eq 13 ] || die "the entrypoint's first open was not denied EACCES ($run_rc)"
	rec=$(nslsm audit | grep 'name="/secret"')
	echo "$rec"
	expect_contains 'operation="open"' "$rec"
	expect_contains 'apparmor="DENIED"' "$rec"
	expect_contains 'profile="oci_first"' "$rec"
	expect_contains ' contid=4242 ' "$rec"
	expect_contains "ns=\"oci-$rt-first\"" "$rec"
	# the profile allows what it says, and the runtime does the rest
	b=$(oci_bundle "$rt-allowed" --annotation io.nslsm.modules=apparmor \
		--annotation "io.nslsm.apparmor.policy=$OCI_POLICY" \
		--annotation io.nslsm.apparmor.profile=oci_first -- /bin/aa_ops open /allowed r)
	runtime_run "$rt" "$b" "$rt-allowed"
	[ "$run_rc" -eq 0 ] || die "the allowed open failed ($run_rc)"
	# the same container without the hook reads /secret: the denial was nslsm's
	"$OCI_BUNDLE" "$b" --root "$(oci_rootfs)" -- /bin/aa_ops open /secret r
	runtime_run "$rt" "$b" "$rt-nohook"
	[ "$run_rc" -eq 0 ] || die "without the hook /secret was not readable ($run_rc)"
	# poststop took both namespaces away
	[ "$(nslsm ns list --json)" = "$(nslsm ns list --json | grep -v oci-)" ] ||
		die "a namespace was left"
	expect_not_contains "oci-" "$(nslsm ns list)"
}

test_oci_crun_entrypoint_denied_its_first_operation() {
	oci_first_operation_denied crun
}

test_oci_runc_entrypoint_denied_its_first_operation() {
	oci_first_operation_denied runc
}

# A running container: its process (the entrypoint, pid from the runtime's
# state) is in the namespace with the contid the record holds (derived from
# the container id), under the profile; delete runs poststop.
oci_running_container_enrolled() { # RUNTIME
	local rt=$1 b pid json contid
	oci_profile
	b=$(oci_bundle "$rt-run" --annotation io.nslsm.modules=apparmor,yama \
		--annotation "io.nslsm.set=yama.ptrace_scope=3 boundary.signal=deny" \
		--annotation "io.nslsm.apparmor.policy=$OCI_POLICY" \
		--annotation io.nslsm.apparmor.profile=oci_first -- /bin/sleep 60)
	(cd "$b" && "$rt" create "$rt-run" </dev/null >/dev/null 2>"$SCRATCH/create.err") ||
		die "$rt create: $(cat "$SCRATCH/create.err")"
	"$rt" start "$rt-run"
	pid=$("$rt" state "$rt-run" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
	[ -n "$pid" ] || die "no pid in the state"
	contid=$(sed -n 's/.*"contid":"\([0-9]*\)".*/\1/p' "/run/nslsm/oci/$rt-run.json")
	echo "record: $(cat "/run/nslsm/oci/$rt-run.json")"
	json=$(nslsm attr get "$pid" --json)
	echo "$json"
	expect_contains "\"enrolled\":true" "$json"
	expect_contains "\"contid\":$contid," "$json"
	expect_contains "\"ns\":\"oci-$rt-run\"" "$json"
	expect_contains "apparmor=oci_first" "$(nslsm attr get "$pid")"
	expect_contains "yama.ptrace_scope=3" "$(nslsm ns list)"
	expect_fail "still has 1 task" nslsm ns delete "oci-$rt-run"
	"$rt" kill "$rt-run" KILL
	for _ in $(seq 100); do
		"$rt" state "$rt-run" 2>/dev/null | grep -q '"stopped"' && break
		sleep 0.1
	done
	"$rt" delete "$rt-run"
	expect_not_contains "oci-$rt-run" "$(nslsm ns list)"
	[ ! -e "/run/nslsm/oci/$rt-run.json" ] || die "the record was left"
}

test_oci_crun_running_container_enrolled_with_its_contid() {
	oci_running_container_enrolled crun
}

test_oci_runc_running_container_enrolled_with_its_contid() {
	oci_running_container_enrolled runc
}

# Every bad annotation: the runtime refuses the container, its entrypoint
# never runs, and nothing is left.
# Every refusal under crun; under runc (the same hook, the same checks of
# the annotations: only the runtime's handling of a failing hook differs)
# one refusal of each stage: before the namespace is made, after it is made,
# at its policy load, and a namespace that is not the container's.
oci_bad_annotations_refuse() { # RUNTIME all|stages
	local rt=$1 every=$2 b before i=0
	oci_profile
	printf 'profile broken {\n  /x rw\n' >"$SCRATCH/broken.profile"
	before=$(oci_leak_census)
	check() { # MESSAGE [oci_bundle.py options]
		local want=$1
		shift
		i=$((i + 1))
		b=$(oci_bundle "$rt-bad$i" "$@" -- /bin/echo STARTED)
		runtime_run "$rt" "$b" "$rt-bad$i"
		[ "$run_rc" -ne 0 ] || die "$rt started a container with a bad annotation"
		expect_contains "$want" "$run_out"
		expect_not_contains STARTED "$run_out"
		"$rt" delete -f "$rt-bad$i" >/dev/null 2>&1 || true
		[ "$(oci_leak_census)" = "$before" ] ||
			die "left behind: $(oci_leak_census), was $before"
	}
	also() { # MESSAGE [options]: a check under crun only
		[ "$every" = stages ] || check "$@"
	}
	check "unknown annotation 'io.nslsm.bogus'" --annotation io.nslsm.bogus=1
	also "io.nslsm.admin: 'yes': expected 0 or 1" --annotation io.nslsm.admin=yes
	# administration from inside needs nslsmd (77-admin.sh): refused after
	# the namespace was made and recorded, both taken away again
	also "io.nslsm.admin: nslsmd is not running" --annotation io.nslsm.admin=1
	also "io.nslsm.ns: namespace name 'a b'" --annotation "io.nslsm.ns=a b"
	also "io.nslsm.modules" --annotation io.nslsm.modules=nosuch
	also "io.nslsm.contid: container id '0' is reserved" --annotation io.nslsm.contid=0
	also "io.nslsm.set: 'x' is not KEY=VALUE" --annotation io.nslsm.set=x
	also "io.nslsm.parent-label.nosuch: no module" --annotation io.nslsm.parent-label.nosuch=a
	also "control character" --annotation "$(printf 'io.nslsm.ns=a\tb')"
	# refused after the namespace was made: it is taken away again
	check "io.nslsm.set: yama.ptrace_scope '9': must be between 0 and 3" --annotation io.nslsm.modules=yama \
		--annotation io.nslsm.set=yama.ptrace_scope=9
	check "apparmor_parser could not compile it" --annotation io.nslsm.modules=apparmor \
		--annotation "io.nslsm.apparmor.policy=$SCRATCH/broken.profile"
	also "io.nslsm.apparmor.policy: namespace 'oci-$rt-bad$((i + 1))' does not enable" \
		--annotation "io.nslsm.apparmor.policy=$OCI_POLICY"
	also "io.nslsm.apparmor.profile" --annotation io.nslsm.modules=apparmor \
		--annotation io.nslsm.apparmor.profile=nosuch
	also "is not an absolute path" --annotation io.nslsm.modules=apparmor \
		--annotation io.nslsm.apparmor.policy=oci.profile
	# a namespace the container's id maps to, made by someone else: refused
	# and left alone, as is a namespace joined by name
	nslsm ns create "oci-$rt-bad$((i + 1))"
	before=$(oci_leak_census)
	check "exists and is not this container's"
	nslsm ns create shared --modules yama
	before=$(oci_leak_census)
	also "io.nslsm.modules only applies to a namespace this hook makes" \
		--annotation io.nslsm.ns=shared --annotation io.nslsm.modules=yama
	b=$(oci_bundle "$rt-join" --annotation io.nslsm.ns=shared -- /bin/true)
	runtime_run "$rt" "$b" "$rt-join"
	[ "$run_rc" -eq 0 ] || die "joining an existing namespace failed"
	[ "$(oci_leak_census)" = "$before" ] || die "joining left: $(oci_leak_census), was $before"
	expect_contains "shared" "$(nslsm ns list)"
}

test_oci_crun_bad_annotation_refuses_the_container_and_leaves_nothing() {
	oci_bad_annotations_refuse crun all
}

test_oci_runc_bad_annotation_refuses_the_container_and_leaves_nothing() {
	oci_bad_annotations_refuse runc stages
}

# Dozens of starts: each makes a namespace with AppArmor policy and an
# audit queue; poststop takes all of it away. Prints the time a start took
# with and without the hook (informative: no assertion on time).
oci_starts_leave_nothing() { # RUNTIME N
	local rt=$1 n=$2 b before t0 t1 t2
	oci_profile
	# compiled once: the hook takes binary policy as it is
	apparmor_parser -S -Q -K -M "$ROOT/share/apparmor/features-6.1" "$OCI_POLICY" \
		>"$SCRATCH/oci.bin"
	b=$(oci_bundle "$rt-loop" --annotation io.nslsm.modules=apparmor \
		--annotation "io.nslsm.apparmor.policy=$SCRATCH/oci.bin" \
		--annotation io.nslsm.apparmor.profile=oci_first -- /bin/aa_ops open /allowed r)
	before=$(oci_leak_census)
	echo "before: $before"
	t0=$(date +%s%N)
	for k in $(seq "$n"); do
		(cd "$b" && "$rt" run "$rt-loop$k" </dev/null) || die "start $k failed"
	done
	t1=$(date +%s%N)
	[ "$(oci_leak_census)" = "$before" ] || die "after $n starts: $(oci_leak_census), was $before"
	"$OCI_BUNDLE" "$b" --root "$(oci_rootfs)" -- /bin/aa_ops open /allowed r
	for k in $(seq 5); do
		(cd "$b" && "$rt" run "$rt-plain$k" </dev/null) || die "plain start $k failed"
	done
	t2=$(date +%s%N)
	echo "$rt: $n starts with the hook, $(((t1 - t0) / n / 1000000)) ms each;" \
		"5 without, $(((t2 - t1) / 5 / 1000000)) ms each"
	echo "after: $(oci_leak_census)"
}

test_oci_crun_30_starts_leave_no_namespace_or_pin() {
	oci_starts_leave_nothing crun 30
}

test_oci_runc_15_starts_leave_no_namespace_or_pin() {
	oci_starts_leave_nothing runc 15
}

# The hook's own checks of what it is given, without a runtime.
test_oci_hook_refuses_bad_states_and_processes() {
	local st
	st() { printf '{"ociVersion":"1.0.2","id":"x","status":"creating","bundle":"/tmp","pid":%s,"annotations":{}}' "$1"; }
	expect_fail "is not the container's: its parent is" sh -c "echo '$(st $$)' | '$HOOK' createRuntime"
	sleep 0 &
	gone=$!
	wait $gone
	expect_fail "has exited" sh -c "echo '$(st $gone)' | '$HOOK' createRuntime"
	head -c 2000000 /dev/zero | tr '\0' ' ' >"$SCRATCH/huge"
	expect_fail "larger than 1 MiB" sh -c "'$HOOK' createRuntime <'$SCRATCH/huge'"
	expect_fail "not valid JSON" sh -c "echo '{\"id\":' | '$HOOK' createRuntime"
	expect_fail "no \"pid\"" sh -c "echo '{\"ociVersion\":\"1\",\"id\":\"x\",\"bundle\":\"/tmp\"}' | '$HOOK' createRuntime"
	expect_fail "container id '../x'" sh -c "echo '{\"ociVersion\":\"1\",\"id\":\"../x\",\"bundle\":\"/tmp\",\"pid\":1}' | '$HOOK' createRuntime"
	# annotations that a runtime would have tidied: the state's, or the
	# bundle's config.json's when the state has none
	mkdir -p "$SCRATCH/b"
	expect_fail "duplicate object key" sh -c "echo '{\"ociVersion\":\"1\",\"id\":\"x\",\"bundle\":\"/tmp\",\"pid\":1,\"annotations\":{\"io.nslsm.ns\":\"a\",\"io.nslsm.ns\":\"b\"}}' | '$HOOK' createRuntime"
	expect_fail '"annotations" is not an object' sh -c "echo '{\"ociVersion\":\"1\",\"id\":\"x\",\"bundle\":\"/tmp\",\"pid\":1,\"annotations\":[1]}' | '$HOOK' createRuntime"
	echo '{"annotations":{"io.nslsm.contid":"1","io.nslsm.contid":"2"}}' >"$SCRATCH/b/config.json"
	expect_fail "config.json is not valid JSON" sh -c "echo '{\"ociVersion\":\"1\",\"id\":\"x\",\"bundle\":\"$SCRATCH/b\",\"pid\":1}' | '$HOOK' createRuntime"
	echo '{"annotations":{"io.nslsm.nope":"1"}}' >"$SCRATCH/b/config.json"
	expect_fail "unknown annotation 'io.nslsm.nope'" sh -c "echo '{\"ociVersion\":\"1\",\"id\":\"x\",\"bundle\":\"$SCRATCH/b\",\"pid\":1}' | '$HOOK' createRuntime"
	expect_fail "usage" "$HOOK" prestart
	# poststop with no record: nothing to do
	echo '{"ociVersion":"1.0.2","id":"never","status":"stopped","bundle":"/tmp"}' | "$HOOK" poststop
	# no stage given (the hooks.d entry): the status picks it
	echo '{"ociVersion":"1.0.2","id":"never","status":"stopped","bundle":"/tmp"}' | "$HOOK"
	expect_fail "is not the container's" sh -c "echo '$(st $$)' | '$HOOK'"
	expect_fail "status 'running' is neither" sh -c \
		"echo '{\"ociVersion\":\"1\",\"id\":\"x\",\"status\":\"running\",\"bundle\":\"/tmp\"}' | '$HOOK'"
	expect_contains "createRuntime" "$("$HOOK" --help)"
	[ ! -e /run/nslsm/oci/x.json ] || die "a record was left"
}

# podman (Debian's 4.3) finds the hook through the hooks.d file that `make
# install` writes, selected by the io.nslsm.* annotations: --rootfs (a root
# directory in the image's place), storage and run state in the test's
# scratch directory, no network, no systemd (cgroupfs). The entrypoint's
# first open is denied, its record carries the container id, and poststop
# leaves nothing of nslsm's behind (podman keeps its own libpod_parent
# cgroups, so the census is compared without cgroups).
test_oci_podman_hooksd_entrypoint_denied_its_first_operation() {
	local hooks=$SCRATCH/hooks.d before rec
	local p=(podman --root "$SCRATCH/podman/root" --runroot "$SCRATCH/podman/run"
		--tmpdir "$SCRATCH/podman/tmp" --storage-driver vfs --cgroup-manager cgroupfs
		--events-backend file --hooks-dir "$hooks")
	command -v podman >/dev/null || die "podman is not installed (scripts/install-deps)"
	mkdir -p "$hooks" "$SCRATCH/podman/tmp"
	# the installed file with this build's hook, and the suite's audit log
	# for the records poststop drains (hooks.d's "env")
	sed -e "s|@LIBEXECDIR@/nslsm-oci-hook|$HOOK|" \
		-e "s|\"args\": \[\"nslsm-oci-hook\"\]|&, \"env\": [\"PATH=$PATH\", \"NSLSM_AUDIT_LOG=$NSLSM_AUDIT_LOG\"]|" \
		"$ROOT/share/containers/oci/hooks.d/nslsm.json.in" >"$hooks/nslsm.json"
	grep -q NSLSM_AUDIT_LOG "$hooks/nslsm.json" || die "hooks.d file: no env"
	oci_profile
	before=$(oci_leak_census)
	run_rc=0
	run_out=$("${p[@]}" run --rm --network none \
		--annotation io.nslsm.modules=apparmor \
		--annotation "io.nslsm.apparmor.policy=$OCI_POLICY" \
		--annotation io.nslsm.apparmor.profile=oci_first \
		--annotation io.nslsm.ns=oci-podman --annotation io.nslsm.contid=4343 \
		--annotation "run.oci.hooks.stderr=$SCRATCH/podman/hook.err" \
		--rootfs "$(oci_rootfs)" /bin/aa_ops open /secret r 2>&1 </dev/null) || run_rc=$?
	echo "podman run -> $run_rc: $run_out $(cat "$SCRATCH/podman/hook.err" 2>/dev/null)"
	[ "$run_rc" -eq 13 ] || die "the entrypoint's first open was not denied EACCES ($run_rc)"
	rec=$(nslsm audit | grep 'ns="oci-podman"' | grep 'name="/secret"') ||
		die "no record of the denial: $(nslsm audit | tail -n 5)"
	echo "$rec"
	expect_contains 'apparmor="DENIED"' "$rec"
	expect_contains 'profile="oci_first"' "$rec"
	expect_contains ' contid=4343 ' "$rec"
	# without an io.nslsm.* annotation podman does not run the hook
	run_rc=0
	run_out=$("${p[@]}" run --rm --network none --rootfs "$(oci_rootfs)" \
		/bin/aa_ops open /secret r 2>&1 </dev/null) || run_rc=$?
	[ "$run_rc" -eq 0 ] || die "without annotations the open failed ($run_rc): $run_out"
	[ "$(oci_leak_census | sed 's/ cgroups=.*//')" = "${before% cgroups=*}" ] ||
		die "left behind: $(oci_leak_census), was $before"
}
