# shellcheck shell=bash
# The Debian package (scripts/deb), installed with dpkg into a scratch root
# in the guest's tmpfs: every file where the package says, the hooks.d
# file's hook and the units' commands resolving to installed programs, and a
# container confined through the installed hook. (run-deb-guest runs whole
# suite files, 75-oci.sh and 77-admin.sh, against the installed package.)

DEB_ROOT=/tmp/nslsm-deb-root

deb_installed() {
	rm -rf $DEB_ROOT
	"$ROOT/tests/vm/suite/deb-install" $DEB_ROOT
}

test_deb_installs_every_file_and_the_hook_of_hooksd_resolves() {
	local f path
	deb_installed
	for f in usr/bin/nslsm usr/bin/nslsm-aa-exec usr/sbin/nslsmd \
		usr/libexec/nslsm/nslsm-oci-hook usr/libexec/nslsm/nslsm-apparmorfs \
		usr/libexec/nslsm/nslsm-static; do
		[ -x "$DEB_ROOT/$f" ] || die "$f is not an installed program"
	done
	for f in usr/share/containers/oci/hooks.d/nslsm.json usr/lib/systemd/system/nslsm.service \
		usr/lib/systemd/system/nslsmd.service usr/share/nslsm/apparmor/features-6.1 \
		usr/share/doc/nslsm/README.md usr/share/doc/nslsm/copyright; do
		[ -s "$DEB_ROOT/$f" ] || die "$f is not installed"
	done
	# dpkg's own list of the package's files: the same
	expect_contains /usr/libexec/nslsm/nslsm-oci-hook "$(dpkg --root=$DEB_ROOT -L nslsm)"
	# the hooks.d entry (schema 1.0.0) names the installed hook
	path=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
assert d["version"] == "1.0.0", d["version"]
assert d["when"]["annotations"] == {"^io\\.nslsm\\.": ".*"}, d["when"]
assert d["stages"] == ["createRuntime", "poststop"], d["stages"]
print(d["hook"]["path"])' "$DEB_ROOT/usr/share/containers/oci/hooks.d/nslsm.json")
	[ "$path" = /usr/libexec/nslsm/nslsm-oci-hook ] || die "hooks.d names $path"
	[ -x "$DEB_ROOT$path" ] || die "the hook $path of hooks.d is not installed"
	expect_contains "createRuntime" "$("$DEB_ROOT$path" --help)"
	# the units' commands
	for f in nslsm nslsmd; do
		for path in $(sed -n 's/^Exec\(Start\|Stop\)=\([^ ]*\).*/\2/p' \
			"$DEB_ROOT/usr/lib/systemd/system/$f.service"); do
			[ -x "$DEB_ROOT$path" ] || die "$f.service runs $path, not installed"
		done
	done
	expect_contains "Documentation=file:///usr/share/doc/nslsm/README.md" \
		"$(cat $DEB_ROOT/usr/lib/systemd/system/nslsm.service)"
	# the installed nslsm finds its features file beside itself
	printf 'profile p {\n  /allowed r,\n}\n' >"$SCRATCH/p.profile"
	expect_contains "allowed" "$("$DEB_ROOT/usr/bin/nslsm" apparmor check --file "$SCRATCH/p.profile" p read /allowed)"
	# the static one runs with no library at all
	expect_contains "not a dynamic executable" "$(ldd "$DEB_ROOT/usr/libexec/nslsm/nslsm-static" 2>&1 || true)"
}

test_deb_installed_hook_confines_a_crun_container_from_its_first_instruction() {
	local b=$SCRATCH/bundle-deb r=/tmp/nslsm-deb-rootfs rc=0 out
	deb_installed
	mkdir -p $r/bin $r/proc $r/dev $r/tmp "$b"
	cp /bin/busybox "$ROOT/build/tests/aa_ops" $r/bin/
	echo secret >$r/secret
	printf 'profile deb_first {\n  /bin/aa_ops rm,\n}\n' >"$SCRATCH/deb.profile"
	"$ROOT/tests/helpers/oci_bundle.py" "$b" --root $r \
		--hook $DEB_ROOT/usr/libexec/nslsm/nslsm-oci-hook --hook-env "PATH=$PATH" \
		--hook-env "NSLSM_AUDIT_LOG=$NSLSM_AUDIT_LOG" \
		--annotation io.nslsm.modules=apparmor \
		--annotation "io.nslsm.apparmor.policy=$SCRATCH/deb.profile" \
		--annotation io.nslsm.apparmor.profile=deb_first -- /bin/aa_ops open /secret r
	out=$(cd "$b" && crun run deb-first 2>&1 </dev/null) || rc=$?
	echo "crun run deb-first -> $rc: $out"
	[ "$rc" -eq 13 ] || die "the entrypoint's first open was not denied EACCES ($rc)"
	expect_contains 'profile="deb_first"' "$(nslsm audit | grep 'name="/secret"')"
	expect_not_contains "oci-deb-first" "$(nslsm ns list)"
}
