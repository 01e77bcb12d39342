/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The object-label store, kernel side (design and keying:
 * include/nslsm/objlabel.h). A module's hook asks
 *
 *   __u32 label;
 *   if (objlabel_get(NSLSM_MOD_X, ns_id, inode, &label)) ... stored label
 *   else if (objlabel_get_fs(NSLSM_MOD_X, ns_id, inode, &label)) ... fs label
 *   else ... the module's own default
 *
 * (SELinux's chain is se_inode_sid(), bpf/selinux/file.h). A module that
 * labels a file it sees created calls objlabel_set(); user space is told
 * nothing of it, so such labels live as long as the load (a creation hook
 * that must persist its labels needs the module's user space to collect
 * them: see the hook point in bpf/selinux/file.h).
 */
#ifndef NSLSM_BPF_OBJLABEL_H
#define NSLSM_BPF_OBJLABEL_H

#include "nslsm/objlabel.h"

/* The labels of the current load (user space writes it, BPF reads it and
 * deletes entries with their file's last link). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, NSLSM_OBJLABEL_MAP_ENTRIES);
	__type(key, struct nslsm_objlabel_key);
	__type(value, struct nslsm_objlabel_val);
} objlabels SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);	/* user space moves the epoch atomically */
	__type(key, __u32);
	__type(value, struct nslsm_objlabel_state);
} objlabel_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nslsm_objlabel_stats);
} objlabel_stats SEC(".maps");

/* The (namespace, module) pairs that have labels (objlabel_inode_free). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NSLSM_OBJLABEL_OWNERS);
	__type(key, __u32);		/* ns_id << 8 | module */
	__type(value, __u32);		/* unused (1) */
} objlabel_owners SEC(".maps");

/* The inode's cache: what objlabels said for up to
 * NSLSM_OBJLABEL_CACHE_SLOTS (module, namespace) pairs, under `epoch`. */
struct objlabel_cache {
	struct bpf_spin_lock lock;
	__u32 next;			/* the slot the next fill takes */
	__u64 epoch;
	struct {
		__u32 who;		/* ns_id << 8 | module, + 1 (0: empty) */
		__u32 found;
		__u32 label;
	} slot[NSLSM_OBJLABEL_CACHE_SLOTS];
};

struct {
	__uint(type, BPF_MAP_TYPE_INODE_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct objlabel_cache);
} objlabel_cache SEC(".maps");

static __always_inline struct nslsm_objlabel_state *objlabel_state_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&objlabel_state, &zero);
}

static __always_inline struct nslsm_objlabel_stats *objlabel_stats_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&objlabel_stats, &zero);
}

/* This CPU's counter (BPF programs do not migrate while they run). */
#define OBJLABEL_INC(cnt, field)                                               \
	do {                                                                   \
		if (cnt)                                                       \
			(cnt)->field++;                                        \
	} while (0)

/* The file system part of a key. */
static __always_inline void objlabel_fs_of(struct super_block *sb, struct nslsm_objlabel_key *k)
{
	__u64 u[2] = {};

	bpf_core_read(u, sizeof(u), &sb->s_uuid);
	if (u[0] | u[1]) {
		__builtin_memcpy(k->fs, u, sizeof(u));
		k->fs_kind = NSLSM_OBJLABEL_FS_UUID;
	} else {
		__u32 dev = BPF_CORE_READ(sb, s_dev);

		__builtin_memset(k->fs, 0, sizeof(k->fs));
		__builtin_memcpy(k->fs, &dev, sizeof(dev));
		k->fs_kind = NSLSM_OBJLABEL_FS_DEV;
	}
}

/* The key of (module, ns_id)'s label of inode. */
static __always_inline void objlabel_key_of(struct inode *inode, __u8 module, __u32 ns_id,
					    struct nslsm_objlabel_key *k)
{
	objlabel_fs_of(BPF_CORE_READ(inode, i_sb), k);
	k->ino = BPF_CORE_READ(inode, i_ino);
	k->igen = BPF_CORE_READ(inode, i_generation);
	k->ns_id = ns_id;
	k->module = module;
}

static __always_inline int objlabel_lookup(struct nslsm_objlabel_key *k, __u32 *label)
{
	struct nslsm_objlabel_val *v = bpf_map_lookup_elem(&objlabels, k);

	if (!v)
		return 0;
	*label = v->label;
	return 1;
}

/*
 * (module, ns_id)'s stored label of inode: 1 and *label, or 0 (none).
 * The epoch is read before the map, so a change of the map racing the
 * lookup leaves a cache entry that never answers.
 */
static __always_inline int objlabel_get(__u8 module, __u32 ns_id, struct inode *inode,
					__u32 *label)
{
	struct nslsm_objlabel_state *st = objlabel_state_get();
	struct nslsm_objlabel_stats *cnt;
	struct nslsm_objlabel_key k = {};
	struct objlabel_cache *c;
	__u32 who = (ns_id << 8 | module) + 1, l = 0, hit = 0, found = 0, i;
	__u64 epoch;

	if (!st || !st->active)
		return 0;
	cnt = objlabel_stats_get();
	OBJLABEL_INC(cnt, lookups);
	epoch = st->epoch;
	c = bpf_inode_storage_get(&objlabel_cache, inode, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (c) {
		bpf_spin_lock(&c->lock);
		if (c->epoch == epoch) {
			for (i = 0; i < NSLSM_OBJLABEL_CACHE_SLOTS; i++) {
				if (c->slot[i].who == who) {
					hit = 1;
					found = c->slot[i].found;
					l = c->slot[i].label;
					break;
				}
			}
		}
		bpf_spin_unlock(&c->lock);
	} else {
		OBJLABEL_INC(cnt, cache_full);
	}
	if (hit) {
		OBJLABEL_INC(cnt, cache_hits);
	} else {
		objlabel_key_of(inode, module, ns_id, &k);
		found = objlabel_lookup(&k, &l);
		if (c) {
			bpf_spin_lock(&c->lock);
			if (c->epoch != epoch) {
				__builtin_memset(c->slot, 0, sizeof(c->slot));
				c->epoch = epoch;
				c->next = 0;
			}
			i = c->next % NSLSM_OBJLABEL_CACHE_SLOTS;
			c->slot[i].who = who;
			c->slot[i].found = found;
			c->slot[i].label = l;
			c->next = i + 1;
			bpf_spin_unlock(&c->lock);
		}
	}
	if (!found)
		return 0;
	OBJLABEL_INC(cnt, found);
	*label = l;
	return 1;
}

/* (module, ns_id)'s label of inode's file system (SELinux: the mount
 * context): 1 and *label, or 0. */
static __always_inline int objlabel_get_fs(__u8 module, __u32 ns_id, struct inode *inode,
					   __u32 *label)
{
	struct nslsm_objlabel_state *st = objlabel_state_get();
	struct nslsm_objlabel_key k = {};

	if (!st || !st->active)
		return 0;
	objlabel_fs_of(BPF_CORE_READ(inode, i_sb), &k);
	k.ns_id = ns_id;
	k.module = module;
	return objlabel_lookup(&k, label);
}

/*
 * Store (module, ns_id)'s label of inode from BPF (a label a module gives
 * a file it sees created): 0, or -ENOMEM (map full) counted in `dropped`. Lives as
 * long as the load (user space does not see it to persist it).
 */
static __always_inline int objlabel_set(__u8 module, __u32 ns_id, struct inode *inode,
					__u32 label)
{
	struct nslsm_objlabel_state *st = objlabel_state_get();
	struct nslsm_objlabel_key k = {};
	struct nslsm_objlabel_val v = { .label = label };

	__u32 who = ns_id << 8 | module, one = 1;

	if (!st)
		return -ENOMEM;
	objlabel_key_of(inode, module, ns_id, &k);
	if (bpf_map_update_elem(&objlabel_owners, &who, &one, BPF_ANY) ||
	    bpf_map_update_elem(&objlabels, &k, &v, BPF_ANY)) {
		struct nslsm_objlabel_stats *cnt = objlabel_stats_get();

		OBJLABEL_INC(cnt, dropped);
		return -ENOMEM;
	}
	st->active = 1;
	__sync_fetch_and_add(&st->epoch, 1);
	return 0;
}

/*
 * inode_free_security: an inode freed with no link left takes its labels
 * with it, in every namespace and module, before its number can be given
 * to another file. objlabel_owners lists the (namespace, module) pairs
 * that have entries at all (user space adds a pair before it writes one
 * of its entries, objlabel_set too), so the cost is one delete per pair,
 * NSLSM_OBJLABEL_OWNERS at most, paid only for files freed while the store
 * holds labels.
 */

struct objlabel_forget_ctx {
	struct nslsm_objlabel_key k;
	struct nslsm_objlabel_stats *cnt;
};

static long objlabel_forget_one(struct bpf_map *map, const __u32 *who, __u32 *n, void *arg)
{
	struct objlabel_forget_ctx *x = arg;

	x->k.ns_id = *who >> 8;
	x->k.module = *who & 0xff;
	if (!bpf_map_delete_elem(&objlabels, &x->k))
		OBJLABEL_INC(x->cnt, forgotten);
	return 0;
}

static __always_inline void objlabel_inode_free(struct inode *inode)
{
	struct nslsm_objlabel_state *st = objlabel_state_get();
	struct objlabel_forget_ctx x = {};

	if (!st || !st->active || BPF_CORE_READ(inode, i_nlink))
		return;
	objlabel_key_of(inode, 0, 0, &x.k);
	x.cnt = objlabel_stats_get();
	bpf_for_each_map_elem(&objlabel_owners, objlabel_forget_one, &x, 0);
}

/* The identity program: for each open file of the process that reads it,
 * what the store keys the file by (user space: src/lib/objlabel.c). */
SEC("iter/task_file")
int nslsm_objlabel_ident(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct nslsm_objlabel_ident r = {};
	struct nslsm_objlabel_key k = {};
	struct inode *inode;
	struct super_block *sb;

	if (!task || !file || (__u32)task->tgid != (__u32)(bpf_get_current_pid_tgid() >> 32))
		return 0;
	inode = file->f_inode;
	if (!inode)
		return 0;
	objlabel_key_of(inode, 0, 0, &k);
	sb = BPF_CORE_READ(inode, i_sb);
	r.fd = ctx->fd;
	r.mode = BPF_CORE_READ(inode, i_mode);
	__builtin_memcpy(r.fs, k.fs, sizeof(r.fs));
	r.ino = k.ino;
	r.igen = k.igen;
	r.fs_kind = k.fs_kind;
	r.sb_id = BPF_CORE_READ(sb, s_dev);
	bpf_probe_read_kernel_str(r.fstype, sizeof(r.fstype), BPF_CORE_READ(sb, s_type, name));
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}

#endif /* NSLSM_BPF_OBJLABEL_H */
