# shellcheck shell=bash
# The core's object-label store (include/nslsm/objlabel.h) and SELinux's
# file labels on it: chcon, label, restorecon, mount-context; labels that
# survive inode eviction, unload/load and a fresh mount of an ext4 image;
# a file's labels go with its last link, never to a file reusing its inode
# number; BPF's own lookup (the selinux module's file_open) finds them.

OL_POLICY=$SCRATCH/objlabel.pol

ol_policy() { # the tests' policy, built by secilc
	[ -e "$OL_POLICY" ] || secilc -M true -c 33 -o "$OL_POLICY" -f /dev/null \
		"$ROOT/tests/selinux/objlabel.cil" || die "secilc failed"
	echo "$OL_POLICY"
}

ol_ns() { # NS: a namespace with the selinux module and the tests' policy
	nslsm ns create "$1" --modules selinux
	nslsm selinux load "$1" "$(ol_policy)" >/dev/null
}

ctx_of() { # NS PATH: its context as `selinux label` gives it
	nslsm selinux label "$1" "$2" | cut -f2
}

source_of() { # NS PATH
	nslsm selinux label "$1" "$2" | cut -f3
}

expect_ctx() { # NS PATH CONTEXT
	local got
	got=$(ctx_of "$1" "$2")
	[ "$got" = "$3" ] || die "$2 in $1: expected $3, got $got ($(source_of "$1" "$2"))"
}

ol_counter() { # FIELD of nslsm status's object labels line (lookups, found, ...)
	nslsm status | sed -n 's/^object labels: *//p' | grep -o "[0-9]* $1" | cut -d' ' -f1
}

DATA=system_u:object_r:data_t:s0
SECRET=system_u:object_r:secret_t:s0:c1
TMPFS=system_u:object_r:tmpfs_t:s0
FILE_T=system_u:object_r:file_t:s0

# An ext4 image on a loop device, mounted at $SCRATCH/img (the guest's
# kernel has loop as a module).
IMG=$SCRATCH/ext4.img
MNT=$SCRATCH/img
ext4_image() {
	[ -e /dev/loop-control ] || modprobe -d "${NSLSM_VM_KMOD_ROOT:-/}" loop ||
		die "no loop devices"
	grep -qw ext4 /proc/filesystems || modprobe -d "${NSLSM_VM_KMOD_ROOT:-/}" ext4 ||
		die "no ext4"
	truncate -s 32M "$IMG"
	mkfs.ext4 -q -F "$IMG" || die "mkfs.ext4 failed"
	mkdir -p "$MNT"
	mount -o loop "$IMG" "$MNT" || die "mounting the ext4 image failed"
}

test_objlabel_chcon_then_label_shows_it_and_fallbacks_apply() {
	ol_ns se
	echo x >"$SCRATCH/f"
	# no stored label on tmpfs: fs_use_trans's context
	expect_ctx se "$SCRATCH/f" "$TMPFS"
	expect_contains "fs_use_trans tmpfs" "$(source_of se "$SCRATCH/f")"
	nslsm selinux chcon se "$DATA" "$SCRATCH/f"
	expect_ctx se "$SCRATCH/f" "$DATA"
	expect_contains stored "$(source_of se "$SCRATCH/f")"
	# MCS categories canonical; a relabel replaces
	nslsm selinux chcon se system_u:object_r:secret_t:s0:c1 "$SCRATCH/f"
	expect_ctx se "$SCRATCH/f" "$SECRET"
	# genfscon: proc
	expect_ctx se /proc/self/status system_u:object_r:proc_t:s0
	# the labels file holds the string, keyed by file identity
	expect_contains "selinux se $SECRET" "$(cat "$NSLSM_STATE_DIR/objlabels")"
}

test_objlabel_bad_inputs_change_nothing() {
	ol_ns se
	nslsm ns create noselinux --modules yama
	nslsm ns create nopolicy --modules selinux
	echo x >"$SCRATCH/a"
	nslsm selinux chcon se "$DATA" "$SCRATCH/a"
	before=$(cat "$NSLSM_STATE_DIR/objlabels")
	expect_fail "no type 'nosuch_t'" nslsm selinux chcon se system_u:object_r:nosuch_t:s0 "$SCRATCH/a"
	expect_fail "context 'garbage'" nslsm selinux chcon se garbage "$SCRATCH/a"
	# a category beyond the user's range: invalid as the kernel would say
	expect_fail "system_u:object_r:data_t:s0:c9" nslsm selinux chcon se system_u:object_r:data_t:s0:c9 "$SCRATCH/a"
	# one missing path among good ones: none is labelled
	echo y >"$SCRATCH/b"
	expect_fail "$SCRATCH/missing" nslsm selinux chcon se "$SECRET" "$SCRATCH/b" "$SCRATCH/missing"
	expect_ctx se "$SCRATCH/b" "$TMPFS"
	expect_ctx se "$SCRATCH/a" "$DATA"
	expect_fail "no namespace" nslsm selinux chcon nosuch "$DATA" "$SCRATCH/a"
	expect_fail "does not enable the selinux module" nslsm selinux chcon noselinux "$DATA" "$SCRATCH/a"
	expect_fail "has no SELinux policy" nslsm selinux chcon nopolicy "$DATA" "$SCRATCH/a"
	expect_fail "has no SELinux policy" nslsm selinux label nopolicy "$SCRATCH/a"
	expect_fail "$SCRATCH/missing" nslsm selinux label se "$SCRATCH/missing"
	expect_fail "not a mount point" nslsm selinux mount-context se "$SCRATCH/a" "$DATA"
	expect_fail "no type" nslsm selinux mount-context se /tmp system_u:object_r:nosuch_t:s0
	[ "$(cat "$NSLSM_STATE_DIR/objlabels")" = "$before" ] || die "a refused command changed the labels file"
}

test_objlabel_labels_survive_eviction_and_bpf_finds_them() {
	ol_ns se
	ext4_image
	echo x >"$MNT/f"
	nslsm selinux chcon se "$SECRET" "$MNT/f"
	sync
	echo 2 >/proc/sys/vm/drop_caches
	found0=$(ol_counter found)
	# BPF's own lookup: an enrolled task's lookup instantiates the evicted
	# inode (d_instantiate, where SELinux labels an inode)
	run_in se cat "$MNT/f" >/dev/null
	found1=$(ol_counter found)
	[ "$found1" -gt "$found0" ] || die "BPF did not find the label ($found0 -> $found1)"
	sync
	echo 2 >/proc/sys/vm/drop_caches
	expect_ctx se "$MNT/f" "$SECRET"
	sync
	echo 2 >/proc/sys/vm/drop_caches
	run_in se cat "$MNT/f" >/dev/null
	found2=$(ol_counter found)
	[ "$found2" -gt "$found1" ] || die "BPF lost the label with the inode ($found1 -> $found2)"
	# unlabelled ext4 file: fs_use_xattr without a stored label is `file`
	echo y >"$MNT/g"
	expect_ctx se "$MNT/g" "$FILE_T"
	umount "$MNT"
}

test_objlabel_hard_links_share_and_rename_keeps_the_label() {
	ol_ns se
	echo x >"$SCRATCH/orig"
	nslsm selinux chcon se "$SECRET" "$SCRATCH/orig"
	ln "$SCRATCH/orig" "$SCRATCH/link"
	expect_ctx se "$SCRATCH/link" "$SECRET"
	mv "$SCRATCH/orig" "$SCRATCH/moved"
	expect_ctx se "$SCRATCH/moved" "$SECRET"
	rm "$SCRATCH/moved"
	# one link left: the label stays
	expect_ctx se "$SCRATCH/link" "$SECRET"
	nslsm selinux chcon se "$DATA" "$SCRATCH/link"
	ln -s "$SCRATCH/link" "$SCRATCH/sym"
	expect_ctx se "$SCRATCH/sym" "$DATA"
}

test_objlabel_a_reused_inode_number_gets_no_old_label() {
	ol_ns se
	ext4_image
	reused=0
	for i in $(seq 1 12); do
		echo "$i" >"$MNT/f"
		ino=$(stat -c %i "$MNT/f")
		nslsm selinux chcon se "$SECRET" "$MNT/f"
		forgotten=$(ol_counter forgotten)
		rm "$MNT/f"
		echo "new $i" >"$MNT/g"
		if [ "$(stat -c %i "$MNT/g")" = "$ino" ]; then
			reused=$((reused + 1))
			[ "$(ol_counter forgotten)" -gt "$forgotten" ] ||
				die "round $i: the unlinked file's entry was not deleted"
		fi
		expect_ctx se "$MNT/g" "$FILE_T"
		rm "$MNT/g"
	done
	[ "$reused" -gt 0 ] || die "ext4 never reused an inode number: the test proved nothing"
	echo "inode numbers reused: $reused of 12"
	umount "$MNT"
}

# needs: fresh-load
test_objlabel_labels_survive_unload_load_and_a_fresh_mount() {
	ol_ns se
	ext4_image
	echo x >"$MNT/keep"
	mkdir "$MNT/d"
	echo y >"$MNT/d/in"
	nslsm selinux chcon se "$SECRET" "$MNT/keep"
	nslsm selinux chcon se "$DATA" "$MNT/d" "$MNT/d/in"
	echo z >"$SCRATCH/t"
	nslsm selinux chcon se "$DATA" "$SCRATCH/t"
	umount "$MNT"
	nslsm unload >/dev/null
	nslsm load >/dev/null
	nslsm ns create se --modules selinux
	out=$(nslsm selinux load se "$(ol_policy)")
	expect_contains "4 file labels restored" "$out"
	# the same tmpfs: its file keeps its label
	expect_ctx se "$SCRATCH/t" "$DATA"
	mount -o loop "$IMG" "$MNT"
	echo 2 >/proc/sys/vm/drop_caches
	expect_ctx se "$MNT/keep" "$SECRET"
	expect_ctx se "$MNT/d" "$DATA"
	expect_ctx se "$MNT/d/in" "$DATA"
	run_in se cat "$MNT/keep" >/dev/null
	# another namespace on the same files: its own labels, none yet
	ol_ns other
	expect_ctx other "$MNT/keep" "$FILE_T"
	umount "$MNT"
}

# PATH's value in BPF's objlabels map (SELinux: its sid), by inode number
# (one namespace holds labels).
ol_sid() {
	bpftool -j map dump pinned /sys/fs/bpf/nslsm/maps/objlabels | python3 -c '
import json, sys
ino = int(sys.argv[1])
rows = [e.get("formatted", e) for e in json.load(sys.stdin)]  # BTF: "formatted"
found = [e["value"]["label"] for e in rows if e["key"]["ino"] == ino]
print(found[0] if len(found) == 1 else "entries: %d" % len(found))' "$(stat -c %i "$1")"
}

# A policy load keeps every sid's number, as the kernel's sidtab_convert
# does: BPF's entries stay right across the switch, a label the new policy
# refuses is unlabeled under it, and no number is given twice.
test_objlabel_policy_loads_keep_sid_numbers_and_refused_labels_are_unlabeled() {
	local p2=$SCRATCH/nosecret.pol out a1 b1 a2 b2 a3 b3
	ol_ns se
	# the tests' policy without secret_t
	sed -e '/^(type secret_t)$/d' -e 's/ secret_t / /' "$ROOT/tests/selinux/objlabel.cil" \
		>"$SCRATCH/nosecret.cil"
	secilc -M true -c 33 -o "$p2" -f /dev/null "$SCRATCH/nosecret.cil" || die "secilc failed"
	echo a >"$SCRATCH/a"
	echo b >"$SCRATCH/b"
	nslsm selinux chcon se "$SECRET" "$SCRATCH/a"
	nslsm selinux chcon se "$DATA" "$SCRATCH/b"
	a1=$(ol_sid "$SCRATCH/a")
	b1=$(ol_sid "$SCRATCH/b")
	echo "sids: a $a1, b $b1"
	[ "$a1" -gt 64 ] && [ "$b1" -gt 64 ] && [ "$a1" != "$b1" ] || die "sids a=$a1 b=$b1"
	out=$(nslsm selinux load se "$p2")
	echo "$out"
	expect_contains "2 SIDs kept their numbers, 1 of them unlabeled" "$out"
	expect_contains "1 file labels restored, 1 the policy refuses left unlabelled" "$out"
	a2=$(ol_sid "$SCRATCH/a")
	b2=$(ol_sid "$SCRATCH/b")
	echo "sids under the policy without secret_t: a $a2, b $b2"
	[ "$b2" = "$b1" ] || die "b's sid changed with the load: $b1 -> $b2"
	[ "$a2" = 3 ] || die "a's label is refused, its sid is $a2, not unlabeled's (3)"
	expect_ctx se "$SCRATCH/b" "$DATA"
	expect_ctx se "$SCRATCH/a" system_u:object_r:unlabeled_t:s0
	run_in se cat "$SCRATCH/a" "$SCRATCH/b" >/dev/null
	# the first policy again: the label stands, under a sid never given before
	nslsm selinux load se "$(ol_policy)"
	a3=$(ol_sid "$SCRATCH/a")
	b3=$(ol_sid "$SCRATCH/b")
	echo "sids under the first policy again: a $a3, b $b3"
	[ "$b3" = "$b1" ] || die "b's sid changed with the second load: $b1 -> $b3"
	[ "$a3" -gt 64 ] && [ "$a3" != "$a1" ] && [ "$a3" != "$b1" ] ||
		die "a's sid $a3 reuses a number (a was $a1, b is $b1)"
	expect_ctx se "$SCRATCH/a" "$SECRET"
	expect_ctx se "$SCRATCH/b" "$DATA"
	expect_contains "5 initial, 3 given to other contexts" "$(nslsm selinux status se)"
}

test_objlabel_mount_context_labels_an_unlabelled_file_system() {
	ol_ns se
	ext4_image
	echo x >"$MNT/f"
	echo y >"$MNT/own"
	nslsm selinux chcon se "$SECRET" "$MNT/own"
	nslsm selinux mount-context se "$MNT" system_u:object_r:mnt_t:s0
	expect_ctx se "$MNT/f" system_u:object_r:mnt_t:s0
	expect_contains "mount context" "$(source_of se "$MNT/f")"
	expect_ctx se "$MNT/own" "$SECRET"
	umount "$MNT"
}

test_objlabel_restorecon_from_file_contexts_and_from_xattrs() {
	ol_ns se
	ext4_image
	mkdir -p "$MNT/etc" "$MNT/usr/bin" "$MNT/srv"
	echo x >"$MNT/etc/passwd"
	echo y >"$MNT/usr/bin/tool"
	echo z >"$MNT/srv/data"
	cat >"$SCRATCH/file_contexts" <<-EOF
	/.*		system_u:object_r:img_t:s0
	/etc(/.*)?	system_u:object_r:etc_t:s0
	/usr/bin(/.*)?	system_u:object_r:bin_t:s0
	/srv/data	--	system_u:object_r:secret_t:s0:c2
	EOF
	out=$(nslsm selinux restorecon se -R -v -f "$SCRATCH/file_contexts" --root "$MNT" "$MNT")
	expect_contains "files labelled" "$out"
	expect_ctx se "$MNT/etc/passwd" system_u:object_r:etc_t:s0
	expect_ctx se "$MNT/etc" system_u:object_r:etc_t:s0
	expect_ctx se "$MNT/usr/bin/tool" system_u:object_r:bin_t:s0
	expect_ctx se "$MNT/srv/data" system_u:object_r:secret_t:s0:c2
	expect_ctx se "$MNT/srv" system_u:object_r:img_t:s0
	# an invalid context in file_contexts: named, nothing changed
	before=$(cat "$NSLSM_STATE_DIR/objlabels")
	printf '/srv/data\t--\tsystem_u:object_r:nosuch_t:s0\n' >"$SCRATCH/bad_contexts"
	expect_fail "nosuch_t" nslsm selinux restorecon se -f "$SCRATCH/bad_contexts" --root "$MNT" "$MNT/srv/data"
	[ "$(cat "$NSLSM_STATE_DIR/objlabels")" = "$before" ] || die "a refused restorecon changed labels"
	# an image that carries security.selinux xattrs (root may set them on
	# ext4 in a kernel without SELinux)
	echo w >"$MNT/xattr"
	python3 -c 'import os,sys; os.setxattr(sys.argv[1], "security.selinux", b"system_u:object_r:data_t:s0\0")' "$MNT/xattr" ||
		die "setting security.selinux on ext4 failed"
	nslsm selinux restorecon se --from-xattr "$MNT/xattr"
	expect_ctx se "$MNT/xattr" "$DATA"
	umount "$MNT"
}
