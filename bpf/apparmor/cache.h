/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AppArmor decision cache: an open (or an mmap, a lock of an open
 * file) that the policy allowed without an audit record is remembered on
 * the file's inode (BPF inode storage, freed
 * with the inode), so the same subject opening the same file the same way
 * again costs a lookup, not a path walk and a DFA walk. An exec decision
 * is remembered the same way, with its outcome: the label the task moves
 * to and whether the exec is secure (AT_SECURE).
 *
 * An entry answers only when everything the verdict depended on is
 * unchanged:
 *  - the subject: its depth and, at every level, namespace and label
 *    (exec transitions, change_profile, hats change them);
 *  - the subject's mount namespace: a mount of another one is
 *    disconnected (no name), so the same object may be judged otherwise;
 *  - the object's name: the same mount and dentry, still hashed (not
 *    unlinked), and no rename and no change of the mount tree anywhere
 *    since: the kernel's rename_lock and mount_lock sequence counts, which
 *    every d_move and every mount, umount, move and pivot_root write, must
 *    be what they were (an odd count, a change in progress, is never
 *    cached). Only files with one name (directories, or i_nlink == 1: a
 *    new hard link ends it) on local file systems are cached, so a dentry
 *    can only stand for that one name;
 *  - and the mount and the dentry are the very objects the verdict was
 *    made for, not others that took their memory: the entry lives on the
 *    inode (freed with it); every dentry that becomes an alias of the
 *    inode drops its entries first (aa_cache_forget), so a dentry the
 *    entry names has been alive since the entry was made; a mount, or the
 *    subject's mount namespace, is freed only after mount_lock was taken
 *    for writing (umount, the last mntput of a detached mount), which
 *    changes the count the entry holds;
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
	__u64 mntns;			/* the subject's mount namespace: a mount
					 * of another one is disconnected */
	__u64 mnt;
	__u64 dentry;
	__u32 owner;
	__u32 depth;
	__u32 sub[2 * NSLSM_MAX_DEPTH];	/* ns id, AppArmor label per level */
};

/* An exec decision (bprm_creds_for_exec) for the key: allowed silently,
 * and its outcome. */
#define AA_CX_VALID 1u
#define AA_CX_PENDING 2u		/* the task's own label becomes x_label */
#define AA_CX_SECURE 4u			/* AT_SECURE */

struct aa_cache_val {
	struct bpf_spin_lock lock;
	__u32 ok;			/* requests allowed silently */
	__u32 x_flags;			/* AA_CX_*: 0 = no exec decision */
	__u32 x_label;
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

/* Local file systems, where a dentry stands for one name until a rename,
 * an unlink or a link (which the seqcounts, d_hash and i_nlink show). */
static __always_inline bool aa_cache_fs(struct super_block *sb)
{
	/* direct loads through BTF pointers: no helper call */
	unsigned long magic = sb->s_magic;

	return magic == AA_TMPFS_MAGIC || magic == AA_EXT4_MAGIC || magic == AA_XFS_MAGIC ||
	       magic == AA_BTRFS_MAGIC;
}

static __always_inline bool aa_cacheable(struct inode *inode, struct dentry *dentry)
{
	__u16 mode = inode->i_mode;

	if (!aa_cache_fs(inode->i_sb))
		return false;
	if (!dentry->d_hash.pprev)
		return false;	/* unhashed: deleted */
	return (mode & 00170000) == 0040000 /* S_IFDIR */ || inode->__i_nlink == 1;
}

/* What a verdict on (mnt, dentry) of inode depends on now, besides the
 * subject: read before any walk. */
struct aa_cache_now {
	__u64 policy_epoch;
	__u64 seqs;
	__u64 mntns;
	__u32 owner;
};

/* inode NULL: an object the task is creating (it will own it). */
static __always_inline bool aa_cache_now(struct inode *inode, struct aa_cache_now *now)
{
	struct nslsm_config *cfg = config_get();
	struct task_struct *task;
	struct nslsm_aa_epoch *e;
	__u32 zero = 0;

	e = bpf_map_lookup_elem(&aa_epoch, &zero);
	if (!cfg || !e)
		return false;
	now->policy_epoch = e->policy;
	if (!aa_fs_seqs(cfg, &now->seqs))
		return false;
	task = bpf_get_current_task_btf();
	now->owner = inode ? inode->i_uid.val == task->cred->fsuid.val : 1;
	now->mntns = (__u64)task->nsproxy->mnt_ns;
	return true;
}

/* Does the entry's key say this subject, this object, now? Only the
 * subject's live levels are compared: the key zeroes the others. */
static __always_inline bool aa_cache_key_match(const struct aa_cache_key *k,
					       const struct nslsm_task_blob *b,
					       const struct aa_cache_now *now, __u64 mnt,
					       __u64 dentry)
{
	__u32 depth = b->depth;

	if (k->policy_epoch != now->policy_epoch || k->seqs != now->seqs ||
	    k->mntns != now->mntns || k->mnt != mnt ||
	    k->dentry != dentry || k->owner != now->owner || k->depth != depth ||
	    depth >= NSLSM_MAX_DEPTH)
		return false;
	for (__u32 l = 0; l < NSLSM_MAX_DEPTH; l++) {
		if (k->sub[2 * l] != b->level[l].ns_id ||
		    k->sub[2 * l + 1] != b->level[l].label[NSLSM_MOD_APPARMOR])
			return false;
		if (l == depth)
			break;
	}
	return true;
}

static __always_inline void aa_cache_count(bool hit)
{
	if (hit)
		STAT_INC(aa_cache_hits);
	else
		STAT_INC(aa_cache_misses);
}

/* Does the cache allow `request` by the enrolled subject b on (mnt,
 * dentry) of inode, now? */
static __always_inline bool aa_cache_hit(struct inode *inode, const struct nslsm_task_blob *b,
					 const struct aa_cache_now *now, __u64 mnt, __u64 dentry,
					 __u32 request)
{
	struct aa_cache_val *v = bpf_inode_storage_get(&aa_cache, inode, 0, 0);
	bool hit = false;

	if (v) {
		bpf_spin_lock(&v->lock);
		hit = !(request & ~v->ok) && aa_cache_key_match(&v->key, b, now, mnt, dentry);
		bpf_spin_unlock(&v->lock);
	}
	aa_cache_count(hit);
	return hit;
}

/* A miss: this CPU's key for the subject b on (mnt, dentry) as of `now`,
 * to store the verdict under when the walk allows without a record. */
static __always_inline struct aa_cache_scratch *aa_cache_key_fill(const struct nslsm_task_blob *b,
								 const struct aa_cache_now *now,
								 __u64 mnt, __u64 dentry)
{
	struct aa_cache_scratch *cs;
	__u32 zero = 0;

	cs = bpf_map_lookup_elem(&aa_cache_scratch, &zero);
	if (!cs || !blob_enrolled(b))
		return NULL;
	cs->key.policy_epoch = now->policy_epoch;
	cs->key.seqs = now->seqs;
	cs->key.mntns = now->mntns;
	cs->audited = 0;
	cs->key.mnt = mnt;
	cs->key.dentry = dentry;
	cs->key.owner = now->owner;
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
		  a->mntns == b->mntns && a->mnt == b->mnt && a->dentry == b->dentry && a->owner == b->owner &&
		  a->depth == b->depth;

#pragma unroll
	for (int i = 0; i < 2 * NSLSM_MAX_DEPTH; i++)
		eq = eq && a->sub[i] == b->sub[i];
	return eq;
}

/* Remember, for the key in cs, the requests the policy allowed without a
 * record, or (x_flags, with AA_CX_VALID) an exec decision. */
static __always_inline void aa_cache_put(struct inode *inode, struct aa_cache_scratch *cs,
					 __u32 request, __u32 x_flags, __u32 x_label)
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
	if (!aa_cache_key_eq(&v->key, &cs->key)) {
		v->key = cs->key;
		v->ok = 0;
		v->x_flags = 0;
	}
	v->ok |= request;
	if (x_flags) {
		v->x_flags = x_flags;
		v->x_label = x_label;
	}
	bpf_spin_unlock(&v->lock);
}

static __always_inline void aa_cache_store(struct inode *inode, struct aa_cache_scratch *cs,
					   __u32 request)
{
	aa_cache_put(inode, cs, request, 0, 0);
}

/* The exec decision the cache holds for the enrolled subject b executing
 * (mnt, dentry) of inode now: AA_CX_* flags (0: none) and the label. */
static __always_inline __u32 aa_cache_exec_hit(struct inode *inode, const struct nslsm_task_blob *b,
					       const struct aa_cache_now *now, __u64 mnt,
					       __u64 dentry, __u32 *label)
{
	struct aa_cache_val *v = bpf_inode_storage_get(&aa_cache, inode, 0, 0);
	__u32 x = 0;

	if (v) {
		bpf_spin_lock(&v->lock);
		if ((v->x_flags & AA_CX_VALID) && aa_cache_key_match(&v->key, b, now, mnt, dentry)) {
			x = v->x_flags;
			*label = v->x_label;
		}
		bpf_spin_unlock(&v->lock);
	}
	aa_cache_count(x != 0);
	return x;
}

/* The exec decision for the key in cs, made without a record. */
static __always_inline void aa_cache_store_exec(struct inode *inode, struct aa_cache_scratch *cs,
						__u32 flags, __u32 label)
{
	aa_cache_put(inode, cs, 0, flags | AA_CX_VALID, label);
}

/*
 * The create memo: what the task's last creation check (mknod, mkdir,
 * symlink, the create of open(O_CREAT)) allowed the new name without a
 * record, under that name's key. It answers one check only: the open of
 * the very open(O_CREAT) that made the object, told by FMODE_CREATED on
 * the file, and it is spent by that check.
 *
 * Why it cannot answer for another object: the key names the dentry by
 * its address, and a dentry may be freed and its memory reused by another
 * name. Here the memo is the task's own (task storage, not per CPU), every
 * creation check of the task overwrites or voids it, and FMODE_CREATED
 * says this open ran that check on this dentry in this same system call,
 * holding the dentry from the check to the open: the address is still the
 * object the verdict was made for. A memo left by a creation that failed
 * after its check (a directory not writable, a full file system) is voided
 * by the next creation check and never read by an open that created
 * nothing.
 */
struct aa_create_memo {
	struct aa_cache_key key;
	__u32 silent;
	__u32 valid;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct aa_create_memo);
} aa_create_memo SEC(".maps");

/* A creation check begins: the task's memo, voided (NULL: none). */
static __always_inline struct aa_create_memo *aa_create_memo_begin(void)
{
	struct aa_create_memo *m;

	m = bpf_task_storage_get(&aa_create_memo, bpf_get_current_task_btf(), 0,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (m)
		m->valid = 0;
	return m;
}

/* The creation check of the key in cs allowed `silent` without a record. */
static __always_inline void aa_create_memo_put(struct aa_create_memo *m,
					       const struct aa_cache_scratch *cs, __u32 silent)
{
	if (cs->audited || !silent)
		return;
	m->key = cs->key;
	m->silent = silent;
	m->valid = 1;
}

/* The open of the object its own open(O_CREAT) just made: what the memo
 * says the key in cs is allowed silently, or 0. Spent either way. */
static __always_inline __u32 aa_create_memo_take(const struct aa_cache_scratch *cs)
{
	struct aa_create_memo *m;
	__u32 silent;

	m = bpf_task_storage_get(&aa_create_memo, bpf_get_current_task_btf(), 0, 0);
	if (!m || !m->valid)
		return 0;
	m->valid = 0;
	silent = m->silent;
	return aa_cache_key_eq(&m->key, &cs->key) ? silent : 0;
}

/*
 * A dentry becomes an alias of inode (a creation, a link, a lookup that
 * reads the inode in): its address may be that of a freed dentry that an
 * entry of inode's cache names. Every entry of the inode goes, so an entry
 * only ever names a dentry that was alive when it was made and has been
 * since: all aliases made later passed here. Costs every task one load
 * until the first entry is made, then one storage lookup.
 */
static __always_inline void aa_cache_forget(struct inode *inode)
{
	if (aa_cache_live)
		bpf_inode_storage_delete(&aa_cache, inode);
}

#endif /* NSLSM_BPF_APPARMOR_CACHE_H */
