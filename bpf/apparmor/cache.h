/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AppArmor decision cache: an open (or an mmap, a lock of an open
 * file) that the policy allowed without an audit record is remembered on
 * the file's inode (BPF inode storage, freed
 * with the inode), so the same subject opening the same file the same way
 * again costs a lookup, not a path walk and a DFA walk.
 *
 * An entry answers only when everything the verdict depended on is
 * unchanged:
 *  - the subject: its depth and, at every level, namespace and label
 *    (exec transitions, change_profile, hats change them);
 *  - the object's name: the same mount and dentry, still hashed (not
 *    unlinked), and no rename and no change of the mount tree anywhere
 *    since: the kernel's rename_lock and mount_lock sequence counts, which
 *    every d_move and every mount, umount, move and pivot_root write, must
 *    be what they were (an odd count, a change in progress, is never
 *    cached). Only files with one name (directories, or i_nlink == 1: a
 *    new hard link ends it) on local file systems are cached, so a dentry
 *    can only stand for that one name;
 *  - owner-ship: fsuid == i_uid now as then;
 *  - the policy and namespace settings (aa_epoch, bumped by user space
 *    after every load, replace, remove and namespace change).
 * The epochs are read before the policy is walked, so a change racing a
 * walk leaves an entry that never answers. Denials and audited decisions
 * are never cached: they must be audited every time.
 */
#ifndef NSLSM_BPF_APPARMOR_CACHE_H
#define NSLSM_BPF_APPARMOR_CACHE_H

#define AA_TMPFS_MAGIC 0x01021994
#define AA_EXT4_MAGIC 0xEF53
#define AA_XFS_MAGIC 0x58465342
#define AA_BTRFS_MAGIC 0x9123683E

/* What a verdict depended on, besides the inode itself. */
struct aa_cache_key {
	__u64 policy_epoch;
	__u64 seqs;			/* rename_lock << 32 | mount_lock */
	__u64 mnt;
	__u64 dentry;
	__u32 owner;
	__u32 depth;
	__u32 sub[2 * NSLSM_MAX_DEPTH];	/* ns id, AppArmor label per level */
};

struct aa_cache_val {
	struct bpf_spin_lock lock;
	__u32 ok;			/* requests allowed silently */
	struct aa_cache_key key;
};

struct {
	__uint(type, BPF_MAP_TYPE_INODE_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct aa_cache_val);
} aa_cache SEC(".maps");

/* This CPU's key being decided, and whether deciding it audited. */
struct aa_cache_scratch {
	struct aa_cache_key key;
	__u32 audited;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct aa_cache_scratch);
} aa_cache_scratch SEC(".maps");

__u32 aa_cache_live;	/* an entry was ever made */

/* The rename and mount sequence counts, or false when unknown or a change
 * is in progress. */
static __always_inline bool aa_fs_seqs(const struct nslsm_config *cfg, __u64 *out)
{
	__u32 r = 1, m = 1;

	if (!cfg->rename_seq_addr || !cfg->mount_seq_addr)
		return false;
	bpf_probe_read_kernel(&r, sizeof(r), (const void *)cfg->rename_seq_addr);
	bpf_probe_read_kernel(&m, sizeof(m), (const void *)cfg->mount_seq_addr);
	if ((r | m) & 1)
		return false;
	*out = (__u64)r << 32 | m;
	return true;
}

/* aa_audit: this decision wrote a record, do not cache it. */
static __always_inline void aa_cache_note_audit(void)
{
	__u32 zero = 0;
	struct aa_cache_scratch *cs = bpf_map_lookup_elem(&aa_cache_scratch, &zero);

	if (cs)
		cs->audited = 1;
}

static __always_inline bool aa_cacheable(struct inode *inode, struct dentry *dentry)
{
	/* direct loads through BTF pointers: no helper call */
	unsigned long magic = inode->i_sb->s_magic;
	__u16 mode = inode->i_mode;

	if (magic != AA_TMPFS_MAGIC && magic != AA_EXT4_MAGIC && magic != AA_XFS_MAGIC &&
	    magic != AA_BTRFS_MAGIC)
		return false;
	if (!dentry->d_hash.pprev)
		return false;	/* unhashed: deleted */
	return (mode & 00170000) == 0040000 /* S_IFDIR */ || inode->__i_nlink == 1;
}

/* Fill this CPU's key for the current subject and (mnt, dentry); the
 * epochs are read now, before any walk. */
static __always_inline struct aa_cache_scratch *aa_cache_key_fill(const struct nslsm_task_blob *b,
								 struct inode *inode,
								 __u64 mnt, __u64 dentry)
{
	struct nslsm_config *cfg = config_get();
	struct aa_cache_scratch *cs;
	struct nslsm_aa_epoch *e;
	__u32 zero = 0;

	cs = bpf_map_lookup_elem(&aa_cache_scratch, &zero);
	e = bpf_map_lookup_elem(&aa_epoch, &zero);
	if (!cs || !cfg || !e || !blob_enrolled(b))
		return NULL;
	cs->key.policy_epoch = e->policy;
	if (!aa_fs_seqs(cfg, &cs->key.seqs))
		return NULL;
	cs->audited = 0;
	cs->key.mnt = mnt;
	cs->key.dentry = dentry;
	cs->key.owner = inode->i_uid.val == bpf_get_current_task_btf()->cred->fsuid.val;
	cs->key.depth = b->depth;
#pragma unroll
	for (__u32 l = 0; l < NSLSM_MAX_DEPTH; l++) {
		bool live = l <= b->depth;

		cs->key.sub[2 * l] = live ? b->level[l].ns_id : 0;
		cs->key.sub[2 * l + 1] = live ? b->level[l].label[NSLSM_MOD_APPARMOR] : 0;
	}
	return cs;
}

static __always_inline bool aa_cache_key_eq(const struct aa_cache_key *a,
					    const struct aa_cache_key *b)
{
	bool eq = a->policy_epoch == b->policy_epoch && a->seqs == b->seqs &&
		  a->mnt == b->mnt && a->dentry == b->dentry && a->owner == b->owner &&
		  a->depth == b->depth;

#pragma unroll
	for (int i = 0; i < 2 * NSLSM_MAX_DEPTH; i++)
		eq = eq && a->sub[i] == b->sub[i];
	return eq;
}

/* Does the cache allow `request` for the key in cs? */
static __always_inline bool aa_cache_hit(struct inode *inode, struct aa_cache_scratch *cs,
					 __u32 request)
{
	struct aa_cache_val *v = bpf_inode_storage_get(&aa_cache, inode, 0, 0);
	bool hit = false;

	if (v) {
		bpf_spin_lock(&v->lock);
		hit = aa_cache_key_eq(&v->key, &cs->key) && !(request & ~v->ok);
		bpf_spin_unlock(&v->lock);
	}
	if (hit)
		STAT_INC(aa_cache_hits);
	else
		STAT_INC(aa_cache_misses);
	return hit;
}

/* The policy allowed `request` for the key in cs without a record. */
static __always_inline void aa_cache_store(struct inode *inode, struct aa_cache_scratch *cs,
					   __u32 request)
{
	struct aa_cache_val *v;

	if (cs->audited)
		return;
	v = bpf_inode_storage_get(&aa_cache, inode, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!v)
		return;
	if (!aa_cache_live)
		aa_cache_live = 1;
	bpf_spin_lock(&v->lock);
	if (aa_cache_key_eq(&v->key, &cs->key)) {
		v->ok |= request;
	} else {
		v->key = cs->key;
		v->ok = request;
	}
	bpf_spin_unlock(&v->lock);
}

#endif /* NSLSM_BPF_APPARMOR_CACHE_H */
