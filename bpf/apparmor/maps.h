/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AppArmor module's policy maps (layout: include/nslsm/apparmor.h).
 * User space writes them (src/apparmor/store.c); BPF only reads them. The
 * pools are mmap'able so a whole policy is copied in, not updated entry by
 * entry.
 */
#ifndef NSLSM_BPF_AA_MAPS_H
#define NSLSM_BPF_AA_MAPS_H

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSLSM_AA_MAX_PROFILES);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct nslsm_aa_profile);
} aa_profiles SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSLSM_AA_MAX_LABELS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct nslsm_aa_label);
} aa_labels SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSLSM_AA_STATE_POOL);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct nslsm_aa_state);
} aa_states SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSLSM_AA_TRANS_POOL);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct nslsm_aa_trans);
} aa_trans SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSLSM_AA_PERM_POOL);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct nslsm_aa_perms);
} aa_perms SEC(".maps");

struct nslsm_aa_ec {
	__u8 c[256];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSLSM_AA_MAX_EC);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct nslsm_aa_ec);
} aa_ec SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSLSM_AA_XTABLE_POOL);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct nslsm_aa_xtarget);
} aa_xtable SEC(".maps");

/* Per nslsm namespace: attachments. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSLSM_MAX_NS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct nslsm_aa_nsconf);
} aa_nsconf SEC(".maps");

/* The arguments of one mount, umount or pivot_root check, made once by
 * the hook and read by every profile asked (apparmor/mount.h). */
struct aa_mount_args {
	__u32 op;		/* enum aa_mount_op */
	__u32 flags;		/* the mount flags matched */
	__s32 mnt_err;		/* naming the mount point (new root): 0 or error */
	__u32 mnt_start;	/* its name in buffer 0 */
	__u32 mnt_len;
	__s32 src_err;		/* naming the source (old root) */
	__u32 src;		/* enum aa_mount_src */
	__u32 src_start;	/* its name in buffer 1 */
	__u32 src_len;
	__u32 type_len;		/* file system type in buffer 1; 0: none */
	__u32 nflags;		/* flag bytes in buffer 1 */
	__u32 has_data;		/* text mount data to match */
	__u32 data_len;		/* in buffer 0 */
	__u32 pad;
};

/* Scratch space for path names: two (link and rename name pairs). */
struct aa_scratch {
	char buf[2][2 * NSLSM_AA_PATH_MAX];
	__u32 zero;	/* never written: see aa_opaque_zero() */
	__u32 pad;
	struct aa_mount_args mnt;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct aa_scratch);
} aa_scratch SEC(".maps");

/*
 * 0, as a value the verifier cannot see through. Every bpf_loop context
 * starts from it: the 6.1 verifier checks a bpf_loop callback apart and
 * then continues in the caller as if the context were untouched, so a
 * field initialised to a constant would keep that constant after the loop,
 * and the verifier would hard-wire the branches that test it.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct nslsm_aa_epoch);
} aa_epoch SEC(".maps");

static __always_inline __u32 aa_opaque_zero(void)
{
	__u32 k = 0;
	struct aa_scratch *sc = bpf_map_lookup_elem(&aa_scratch, &k);

	return sc ? sc->zero : 0;
}

#endif /* NSLSM_BPF_AA_MAPS_H */
