/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AppArmor mount rules at the mount, umount and pivot_root hooks: which
 * kind of mount it is, the names and strings the rules match, and the
 * source of a bind, move or block-device mount resolved to a path.
 *
 * The kernel's AppArmor resolves that source with a path lookup of its
 * own; a BPF program cannot look a path up, so aa_mount_resolve walks the
 * same string through the dentry cache: from the task's root or working
 * directory, component by component among a directory's cached children,
 * into the mounts on top of each, through "." and "..", following symbolic
 * links whose target the inode holds. Mount tools resolve (and so cache)
 * their source before they call mount(2); a source the cache does not
 * hold is "unresolved", and a profile with mount rules then refuses the
 * mount (audited), where the kernel's AppArmor would have read the disk.
 */
#ifndef NSLSM_BPF_APPARMOR_MOUNT_H
#define NSLSM_BPF_APPARMOR_MOUNT_H

#define AA_MS_REMOUNT 0x20
#define AA_MS_BIND 0x1000
#define AA_MS_MOVE 0x2000
#define AA_MS_REC 0x4000
#define AA_MS_SILENT 0x8000
#define AA_MS_UNBINDABLE (1u << 17)
#define AA_MS_PRIVATE (1u << 18)
#define AA_MS_SLAVE (1u << 19)
#define AA_MS_SHARED (1u << 20)
#define AA_MS_PROPAGATION (AA_MS_SHARED | AA_MS_PRIVATE | AA_MS_SLAVE | AA_MS_UNBINDABLE)
/* flags AppArmor ignores: set by the kernel itself */
#define AA_MS_IGNORE ((1u << 22) | (1u << 28) | (1u << 29) | (1u << 30))
#define AA_MS_MGC_MSK 0xffff0000u
#define AA_MS_MGC_VAL 0xc0ed0000u
#define AA_FS_REQUIRES_DEV 1
#define AA_FS_BINARY_MOUNTDATA 2
#define AA_S_IFLNK 0120000
#define AA_MAXSYMLINKS 40
#define AA_RAMFS_MAGIC 0x858458f6
#define AA_RESOLVE_STEPS (1 << 16)
#define AA_COMP_MAX 256
/* buffer 0, below the names: the component sought, a candidate's name,
 * and the file system type names compared (zero padded) */
#define AA_RES_COMP 0
#define AA_RES_CAND 256
#define AA_FST_WANT 512
#define AA_FST_CAND 576
#define AA_FST_MAX 64
#define AA_FST_LIST_MAX 256
#define AA_WS_SIZE NSLSM_AA_PATH_MAX	/* each half of the resolver's workspace */
#define AA_LINK_MAX 2048

/* A dentry's children: an hlist from 6.8 on, a list before. */
struct dentry___hlist {
	struct hlist_head d_children;
	struct hlist_node d_sib;
} __attribute__((preserve_access_index));

struct dentry___list {
	struct list_head d_subdirs;
	struct list_head d_child;
} __attribute__((preserve_access_index));

/* a load-time constant: the branch not taken is dead code to the verifier */
#define AA_CHILDREN_HLIST (bpf_core_field_exists(struct dentry___hlist, d_children))

enum aa_res_mode {
	AA_RES_NEXT = 0,	/* take the next component */
	AA_RES_SCAN = 1,	/* look for it among the directory's children */
	AA_RES_MOUNTS = 2,	/* step into a mount on top of the dentry */
	AA_RES_LINK = 3,	/* follow the dentry if it is a symbolic link */
	AA_RES_DOTDOT = 4,	/* ".." */
	AA_RES_LEN = 5,		/* measure the component */
};

struct aa_resolve {
	__u64 mnt;		/* struct mount * */
	__u64 dentry;
	__u64 pmnt;		/* the directory the component is sought in */
	__u64 pdentry;
	__u64 root_mnt;		/* the task's root */
	__u64 root_dentry;
	__u64 node;		/* list node being looked at */
	__u64 head;		/* and its list's head */
	char *ws0;		/* the two halves of the workspace */
	char *ws1;
	char *b0;		/* buffer 0: component and candidate names */
	__u32 which;		/* the half holding the rest of the path */
	__u32 pos;		/* where the rest starts */
	__u32 clen;		/* the component's length */
	__u32 mode;		/* enum aa_res_mode */
	__u32 links;
	__s32 err;
	__u32 done;
	__u32 pad;
};

static __always_inline __u64 aa_res_first_child(struct aa_resolve *r, struct dentry *d)
{
	struct dentry___list *dl = (void *)d;

	if (AA_CHILDREN_HLIST) {
		struct dentry___hlist *dh = (void *)d;

		r->head = 0;
		return (__u64)BPF_CORE_READ(dh, d_children.first);
	}
	r->head = (__u64)d + bpf_core_field_offset(struct dentry___list, d_subdirs);
	return (__u64)BPF_CORE_READ(dl, d_subdirs.next);
}

static __always_inline struct dentry *aa_res_child(struct aa_resolve *r, __u64 node)
{
	if (AA_CHILDREN_HLIST)
		return (void *)(node - bpf_core_field_offset(struct dentry___hlist, d_sib));
	return (void *)(node - bpf_core_field_offset(struct dentry___list, d_child));
}

static __always_inline __u64 aa_res_next_child(struct aa_resolve *r, __u64 node)
{
	struct hlist_node *hn = (void *)node;
	struct list_head *ln = (void *)node;

	if (AA_CHILDREN_HLIST)
		return (__u64)BPF_CORE_READ(hn, next);
	return (__u64)BPF_CORE_READ(ln, next);
}

/* Start looking for mounts on top of (mnt, dentry). */
static __always_inline void aa_res_mounts(struct aa_resolve *r)
{
	struct mount *m = (struct mount *)r->mnt;

	r->head = r->mnt + bpf_core_field_offset(struct mount, mnt_mounts);
	r->node = (__u64)BPF_CORE_READ(m, mnt_mounts.next);
	r->mode = AA_RES_MOUNTS;
}

static __always_inline long aa_res_fail(struct aa_resolve *r, int err)
{
	r->err = err;
	return 1;
}

/* Follow the symbolic link at r->dentry: its target, "/", then the rest
 * of the path, into the other half of the workspace. */
static __always_inline long aa_res_follow(struct aa_resolve *r, struct inode *inode)
{
	const char *link = BPF_CORE_READ(inode, i_link);
	char *cur = (r->which & 1) ? r->ws1 : r->ws0;
	char *other = (r->which & 1) ? r->ws0 : r->ws1;
	long n, m;

	if (!cur || !other)
		return aa_res_fail(r, -EINVAL);
	if (++r->links > AA_MAXSYMLINKS)
		return aa_res_fail(r, -ELOOP);
	if (!link)	/* the target is on disk, not in the inode */
		return aa_res_fail(r, AA_MNT_UNRESOLVED);
	n = bpf_probe_read_kernel_str(other, AA_LINK_MAX, link);
	if (n <= 1)
		return aa_res_fail(r, -ENOENT);
	if (n >= AA_LINK_MAX)
		return aa_res_fail(r, -ENAMETOOLONG);
	other[(n - 1) & (AA_LINK_MAX - 1)] = '/';
	m = bpf_probe_read_kernel_str(other + (n & (AA_LINK_MAX - 1)), AA_LINK_MAX,
				      cur + (r->pos & (AA_WS_SIZE - 1)));
	if (m < 1 || m >= AA_LINK_MAX)
		return aa_res_fail(r, -ENAMETOOLONG);
	r->which ^= 1;
	r->pos = 0;
	if (other[0] == '/') {
		r->mnt = r->root_mnt;
		r->dentry = r->root_dentry;
	} else {
		r->mnt = r->pmnt;
		r->dentry = r->pdentry;
	}
	r->mode = AA_RES_NEXT;
	return 0;
}

static __always_inline long aa_res_next(struct aa_resolve *r)
{
	char *cur = (r->which & 1) ? r->ws1 : r->ws0;
	__u32 pos = r->pos;
	char c;

	if (!cur || pos >= AA_WS_SIZE)
		return aa_res_fail(r, -ENAMETOOLONG);
	c = cur[pos & (AA_WS_SIZE - 1)];
	if (c == '/') {
		r->pos++;
		return 0;
	}
	if (c == 0) {
		r->done = 1;
		return 1;
	}
	r->clen = 0;
	r->mode = AA_RES_LEN;
	return 0;
}

/* One more byte of the component at pos; at its end, look it up. */
static __always_inline long aa_res_len(struct aa_resolve *r)
{
	char *cur = (r->which & 1) ? r->ws1 : r->ws0;
	__u64 *comp = (__u64 *)(r->b0 + AA_RES_COMP);
	struct dentry *d = (struct dentry *)r->dentry;
	struct inode *inode;
	__u32 pos = r->pos, i = r->clen;
	char c, ch;

	if (!cur || !comp)
		return aa_res_fail(r, -EINVAL);
	ch = cur[(pos + i) & (AA_WS_SIZE - 1)];
	if (ch != '/' && ch != 0) {
		if (++r->clen >= AA_COMP_MAX || pos + r->clen >= AA_WS_SIZE)
			return aa_res_fail(r, -ENAMETOOLONG);
		return 0;
	}
	c = cur[pos & (AA_WS_SIZE - 1)];
	r->pos = pos + i;
	r->mode = AA_RES_NEXT;
	if (i == 1 && c == '.')
		return 0;
	if (i == 2 && c == '.' && cur[(pos + 1) & (AA_WS_SIZE - 1)] == '.') {
		r->mode = AA_RES_DOTDOT;
		return 0;
	}
	inode = BPF_CORE_READ(d, d_inode);
	if (!inode)
		return aa_res_fail(r, -ENOENT);
	if ((BPF_CORE_READ(inode, i_mode) & AA_S_IFMT) != AA_S_IFDIR)
		return aa_res_fail(r, -ENOTDIR);
	/* the component, zero padded, for word-wise comparisons */
	for (int k = 0; k < AA_COMP_MAX / 8; k++)
		comp[k] = 0;
	bpf_probe_read_kernel(comp, i & (AA_COMP_MAX - 1), cur + (pos & (AA_WS_SIZE - 1)));
	r->pmnt = r->mnt;
	r->pdentry = r->dentry;
	r->node = aa_res_first_child(r, d);
	r->mode = AA_RES_SCAN;
	return 0;
}

static __always_inline long aa_res_scan(struct aa_resolve *r)
{
	struct dentry *c;
	const unsigned char *name;
	__u64 *comp = (__u64 *)(r->b0 + AA_RES_COMP), *cand;
	__u32 len;

	if (!comp)
		return aa_res_fail(r, -EINVAL);
	if (!r->node || r->node == r->head) {
		struct dentry *dir = (struct dentry *)r->pdentry;
		unsigned long magic = BPF_CORE_READ(dir, d_sb, s_magic);

		/* tmpfs and ramfs keep every name in the cache: one the
		 * cache lacks does not exist; elsewhere it may be on disk */
		if (magic == AA_TMPFS_MAGIC || magic == AA_RAMFS_MAGIC)
			return aa_res_fail(r, -ENOENT);
		return aa_res_fail(r, AA_MNT_UNRESOLVED);
	}
	c = aa_res_child(r, r->node);
	r->node = aa_res_next_child(r, r->node);
	len = BPF_CORE_READ(c, d_name.len);
	if (len != r->clen || len == 0 || len >= AA_COMP_MAX || !BPF_CORE_READ(c, d_hash.pprev))
		return 0;
	name = BPF_CORE_READ(c, d_name.name);
	cand = comp + AA_RES_CAND / 8;
	for (int k = 0; k < AA_COMP_MAX / 8; k++)
		cand[k] = 0;
	bpf_probe_read_kernel(cand, len & (AA_COMP_MAX - 1), name);
	for (int k = 0; k < AA_COMP_MAX / 8; k++) {
		if ((__u32)k * 8 >= len)
			break;
		if (comp[k] != cand[k])
			return 0;
	}
	r->dentry = (__u64)c;
	aa_res_mounts(r);
	return 0;
}

static __always_inline long aa_res_mount_step(struct aa_resolve *r)
{
	struct mount *m;
	struct list_head *ln;

	if (!r->node || r->node == r->head) {
		r->mode = AA_RES_LINK;
		return 0;
	}
	m = (struct mount *)(r->node - bpf_core_field_offset(struct mount, mnt_child));
	if ((__u64)BPF_CORE_READ(m, mnt_mountpoint) == r->dentry) {
		r->mnt = (__u64)m;
		r->dentry = (__u64)BPF_CORE_READ(m, mnt.mnt_root);
		aa_res_mounts(r);
		return 0;
	}
	ln = (struct list_head *)r->node;
	r->node = (__u64)BPF_CORE_READ(ln, next);
	return 0;
}

static __always_inline long aa_res_dotdot(struct aa_resolve *r)
{
	struct mount *m = (struct mount *)r->mnt, *parent;
	struct dentry *d = (struct dentry *)r->dentry;

	if (r->dentry == r->root_dentry && r->mnt == r->root_mnt) {
		r->mode = AA_RES_NEXT;
		return 0;
	}
	if (d == BPF_CORE_READ(m, mnt.mnt_root)) {
		parent = BPF_CORE_READ(m, mnt_parent);
		if (parent == m) {
			r->mode = AA_RES_NEXT;
			return 0;
		}
		r->dentry = (__u64)BPF_CORE_READ(m, mnt_mountpoint);
		r->mnt = (__u64)parent;
		return 0;
	}
	r->dentry = (__u64)BPF_CORE_READ(d, d_parent);
	aa_res_mounts(r);
	return 0;
}

static long aa_res_step(__u32 i, void *vctx)
{
	struct aa_resolve *r = vctx;

	switch (r->mode) {
	case AA_RES_NEXT:
		return aa_res_next(r);
	case AA_RES_SCAN:
		return aa_res_scan(r);
	case AA_RES_MOUNTS:
		return aa_res_mount_step(r);
	case AA_RES_LINK: {
		struct dentry *d = (struct dentry *)r->dentry;
		struct inode *inode = BPF_CORE_READ(d, d_inode);

		if (!inode)
			return aa_res_fail(r, -ENOENT);
		if ((BPF_CORE_READ(inode, i_mode) & AA_S_IFMT) == AA_S_IFLNK)
			return aa_res_follow(r, inode);
		r->mode = AA_RES_NEXT;
		return 0;
	}
	case AA_RES_DOTDOT:
		return aa_res_dotdot(r);
	case AA_RES_LEN:
		return aa_res_len(r);
	}
	return aa_res_fail(r, -EINVAL);
}

struct aa_resolve_req {
	__u64 name;		/* kernel string */
	__u64 mnt;		/* out: struct vfsmount * */
	__u64 dentry;		/* out */
};

/*
 * Resolve the kernel string r->name as a path lookup following symbolic
 * links would, from the dentry cache. Returns 0 with (mnt, dentry) set, a
 * lookup error (-ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG), or
 * AA_MNT_UNRESOLVED when the cache cannot tell.
 */
__noinline int aa_mount_resolve(struct aa_resolve_req *req)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct aa_resolve r = { 0 };
	struct aa_scratch *sc;
	struct fs_struct *fs;
	__u32 zero = 0;
	long n;

	if (!req)
		return -EINVAL;
	sc = bpf_map_lookup_elem(&aa_scratch, &zero);
	if (!sc)
		return -ENOMEM;
	r.ws0 = sc->buf[1] + AA_NAME_END;
	r.ws1 = sc->buf[0] + AA_NAME_END;
	r.b0 = sc->buf[0];
	n = bpf_probe_read_kernel_str(r.ws0, AA_WS_SIZE, (const void *)req->name);
	if (n <= 1)
		return -ENOENT;
	if (n >= AA_WS_SIZE)
		return -ENAMETOOLONG;
	fs = BPF_CORE_READ(task, fs);
	r.root_mnt = (__u64)BPF_CORE_READ(fs, root.mnt) -
		     bpf_core_field_offset(struct mount, mnt);
	r.root_dentry = (__u64)BPF_CORE_READ(fs, root.dentry);
	if (sc->buf[1][AA_NAME_END] == '/') {
		r.mnt = r.root_mnt;
		r.dentry = r.root_dentry;
	} else {
		r.mnt = (__u64)BPF_CORE_READ(fs, pwd.mnt) - bpf_core_field_offset(struct mount, mnt);
		r.dentry = (__u64)BPF_CORE_READ(fs, pwd.dentry);
	}
	/* every field the steps read starts opaque (see aa_opaque_zero) */
	r.err = aa_opaque_zero();
	r.done = r.err;
	r.mode = r.err;
	r.which = r.err;
	r.pos = r.err;
	r.links = r.err;
	r.clen = r.err;
	r.node = r.err;
	r.head = r.err;
	r.pmnt = r.err;
	r.pdentry = r.err;
	bpf_loop(AA_RESOLVE_STEPS, aa_res_step, &r, 0);
	if (r.err)
		return r.err;
	if (!r.done)
		return AA_MNT_UNRESOLVED;
	req->mnt = r.mnt + bpf_core_field_offset(struct mount, mnt);
	req->dentry = r.dentry;
	return 0;
}

/* The flags of file system type `type` (kernel string): FS_REQUIRES_DEV,
 * FS_BINARY_MOUNTDATA; 0 if it is not registered (yet). */
struct aa_fstype_walk {
	__u64 fst;		/* struct file_system_type * */
	__u64 *want;		/* AA_FST_MAX bytes, zero padded */
	__u64 *cand;
	__u32 flags;
	__u32 found;
};

static long aa_fstype_step(__u32 i, void *vctx)
{
	struct aa_fstype_walk *w = vctx;
	struct file_system_type *t = (struct file_system_type *)w->fst;
	__u64 *want = w->want, *cand = w->cand;

	if (!t || !want || !cand)
		return 1;
	for (int k = 0; k < AA_FST_MAX / 8; k++)
		cand[k] = 0;
	bpf_probe_read_kernel_str(cand, AA_FST_MAX, BPF_CORE_READ(t, name));
	w->fst = (__u64)BPF_CORE_READ(t, next);
	for (int k = 0; k < AA_FST_MAX / 8; k++)
		if (cand[k] != want[k])
			return 0;
	w->flags = BPF_CORE_READ(t, fs_flags);
	w->found = 1;
	return 1;
}

__noinline __u32 aa_fstype_flags(__u64 type)
{
	struct nslsm_config *cfg = config_get();
	struct aa_fstype_walk w = { 0 };
	struct file_system_type *first = NULL;
	struct aa_scratch *sc;
	__u32 zero = 0;
	__u64 *want;

	sc = bpf_map_lookup_elem(&aa_scratch, &zero);
	if (!sc || !cfg || !cfg->file_systems_addr || !type)
		return 0;
	want = (__u64 *)(sc->buf[0] + AA_FST_WANT);
	for (int k = 0; k < AA_FST_MAX / 8; k++)
		want[k] = 0;
	if (bpf_probe_read_kernel_str(want, AA_FST_MAX, (const void *)type) <= 0)
		return 0;
	bpf_probe_read_kernel(&first, sizeof(first), (const void *)cfg->file_systems_addr);
	w.fst = (__u64)first;
	w.want = want;
	w.cand = (__u64 *)(sc->buf[0] + AA_FST_CAND);
	w.flags = aa_opaque_zero();
	w.found = w.flags;
	bpf_loop(AA_FST_LIST_MAX, aa_fstype_step, &w, 0);
	return w.found ? w.flags : 0;
}

struct aa_mount_req {
	__u64 dev;		/* const char *: device, source (may be NULL) */
	__u64 mnt;		/* the mount point (new root) */
	__u64 dentry;
	__u64 type;		/* const char * (may be NULL) */
	__u64 data;		/* void * (may be NULL) */
	__u64 src_mnt;		/* a source path given as such (move_mount,
				 * pivot_root's old root), or 0 */
	__u64 src_dentry;
	__u32 flags;
	__u32 op;		/* enum aa_mount_op */
	__u32 hook;
	__s32 src_err;		/* the source could not be resolved */
	__u32 binary;		/* the data is binary: never matched */
	__u32 dev_str;		/* match dev as a string */
};

/* The request of the hook running on this CPU: off the hooks' stacks, which
 * the calls down to the DFA walk and the audit record need. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct aa_mount_req);
} aa_mount_reqs SEC(".maps");

static __always_inline struct aa_mount_req *aa_mount_req_new(void)
{
	__u32 zero = 0;
	struct aa_mount_req *m = bpf_map_lookup_elem(&aa_mount_reqs, &zero);

	if (m)
		__builtin_memset(m, 0, sizeof(*m));
	return m;
}

/* A new request of `op` at `hook` on (mnt, dentry), or NULL when AppArmor
 * does not confine the task. */
static __always_inline struct aa_mount_req *aa_mount_begin(__u32 hook, __u32 op, __u64 mnt,
							   __u64 dentry)
{
	struct aa_mount_req *m;
	struct subject s;

	if (!aa_subject(&s))
		return NULL;
	m = aa_mount_req_new();
	if (!m)
		return NULL;
	m->hook = hook;
	m->op = op;
	m->mnt = mnt;
	m->dentry = dentry;
	return m;
}

/* Name (mnt, dentry) into buffer `which`: *err, *start, *len. */
static __always_inline void aa_mount_name(__u64 mnt, __u64 dentry, __u32 which, __s32 *err,
					  __u32 *start, __u32 *len)
{
	struct aa_name_req n = { .mnt = mnt, .dentry = dentry, .which = which };
	struct dentry *d = (struct dentry *)dentry;
	struct inode *inode = BPF_CORE_READ(d, d_inode);

	n.is_dir = inode && (BPF_CORE_READ(inode, i_mode) & AA_S_IFMT) == AA_S_IFDIR;
	*err = aa_build_name_g(&n);
	*start = n.start;
	*len = n.len;
}

/* One mount, umount or pivot_root: its arguments into aa_scratch.mnt, then
 * every confining profile of every level. */
__noinline int aa_mount_check(struct aa_mount_req *m)
{
	struct aa_query *qp;
	struct aa_mount_args *a;
	struct aa_scratch *sc;
	__u32 zero = 0, nf = 0, flags;
	char *b0, *b1;
	long n;

	if (!m)
		return 0;
	sc = bpf_map_lookup_elem(&aa_scratch, &zero);
	qp = bpf_map_lookup_elem(&aa_query_scratch, &zero);
	if (!sc || !qp)
		return 0;
	a = &sc->mnt;
	__builtin_memset(a, 0, sizeof(*a));
	b0 = sc->buf[0];
	b1 = sc->buf[1];
	a->op = m->op;
	a->flags = flags = m->flags;
	a->src_err = m->src_err;	/* unresolved: no source */
	/* the names, once the resolver's workspace is free */
	aa_mount_name(m->mnt, m->dentry, 0, &a->mnt_err, &a->mnt_start, &a->mnt_len);
	if (m->src_dentry) {
		__s32 err;
		__u32 st, len;

		aa_mount_name(m->src_mnt, m->src_dentry, 1, &err, &st, &len);
		a->src = AA_MNT_SRC_PATH;
		a->src_err = err;
		a->src_start = st;
		a->src_len = len;
	} else if (m->dev_str && m->dev) {
		n = bpf_probe_read_kernel_str(b1 + AA_MNT_DEV, AA_MNT_DEV_MAX, (const void *)m->dev);
		if (n >= AA_MNT_DEV_MAX)
			a->src_err = -ENAMETOOLONG;
		if (n > 0) {
			a->src = AA_MNT_SRC_STR;
			a->src_start = AA_MNT_DEV;
			a->src_len = n - 1;
		}
	}
	if (m->type) {
		n = bpf_probe_read_kernel_str(b1 + AA_MNT_TYPE, AA_MNT_TYPE_MAX, (const void *)m->type);
		if (n > 0)
			a->type_len = n - 1;
	}
	if (m->data && !m->binary) {
		n = bpf_probe_read_kernel_str(b0 + AA_MNT_DATA, AA_MNT_DATA_MAX, (const void *)m->data);
		if (n > 0) {
			a->has_data = 1;
			a->data_len = n - 1;
		}
	}
#pragma unroll
	for (int i = 0; i < 32; i++) {
		if (flags & (1u << i)) {
			b1[(AA_MNT_FLAGS + nf) & (AA_BUF_SIZE - 1)] = i + 1;
			nf++;
		}
	}
	a->nflags = nf;
	/* the audit name: mount point, source, type, in fixed slots */
	{
		char *pk = b1 + AA_MNT_PACK;

		pk[0] = 0;
		pk[AA_MNT_PACK_SRC] = 0;
		pk[AA_MNT_PACK_TYPE] = 0;
		pk[AA_MNT_PACK_LEN] = 0;
		if (!a->mnt_err)
			bpf_probe_read_kernel_str(pk, AA_MNT_PACK_SRC,
						  b0 + (a->mnt_start & (NSLSM_AA_PATH_MAX - 1)));
		if (a->src && !a->src_err)
			bpf_probe_read_kernel_str(pk + AA_MNT_PACK_SRC,
						  AA_MNT_PACK_TYPE - AA_MNT_PACK_SRC,
						  b1 + (a->src_start & (AA_BUF_SIZE - 1)));
		if (a->type_len)
			bpf_probe_read_kernel_str(pk + AA_MNT_PACK_TYPE,
						  AA_MNT_PACK_LEN - AA_MNT_PACK_TYPE,
						  b1 + AA_MNT_TYPE);
	}
	__builtin_memset(qp, 0, sizeof(*qp));
	qp->kind = AA_KIND_MOUNT;
	qp->hook = m->hook;
	qp->deny_err = -EACCES;
	qp->request = m->op == AA_MNT_OP_UMOUNT ? AA_MAY_UMOUNT
		      : m->op == AA_MNT_OP_PIVOT ? AA_MAY_PIVOTROOT : AA_MAY_MOUNT;
	return aa_check_mount_g(qp);
}

/* A NULL or empty kernel string. */
static __always_inline bool aa_str_empty(const char *s)
{
	char c = 0;

	if (s)
		bpf_probe_read_kernel(&c, 1, s);
	return !c;
}

/*
 * mount(2): the kind of mount decides what is matched, as in the kernel's
 * AppArmor: a remount its flags and data; a bind its source's path and
 * MS_BIND|MS_REC; a propagation change its propagation flags; a move its
 * source's path; a new mount the device (a path if the type needs a
 * device, else the string), the type, its flags and its text data.
 */
static __always_inline int aa_sb_mount(const char *dev_name, const struct path *path,
				       const char *type, unsigned long flags, void *data)
{
	struct aa_mount_req *m;
	__u32 fl = flags;
	bool resolve = false;

	m = aa_mount_begin(NSLSM_HOOK_sb_mount, AA_MNT_OP_MOUNT, (__u64)BPF_CORE_READ(path, mnt),
			   (__u64)BPF_CORE_READ(path, dentry));
	if (!m)
		return 0;
	if ((fl & AA_MS_MGC_MSK) == AA_MS_MGC_VAL)
		fl &= ~AA_MS_MGC_MSK;
	fl &= ~AA_MS_IGNORE;
	m->dev = (__u64)dev_name;
	if (fl & AA_MS_REMOUNT) {
		m->flags = fl;
		m->data = (__u64)data;
		m->binary = !!(BPF_CORE_READ(path, dentry, d_sb, s_type, fs_flags) &
			      AA_FS_BINARY_MOUNTDATA);
		m->dev = 0;
	} else if (fl & AA_MS_BIND) {
		if (aa_str_empty(dev_name))
			return -EINVAL;
		m->flags = fl & (AA_MS_REC | AA_MS_BIND);
		resolve = true;
	} else if (fl & AA_MS_PROPAGATION) {
		m->flags = fl & (AA_MS_REC | AA_MS_SILENT | AA_MS_PROPAGATION);
		m->dev = 0;
	} else if (fl & AA_MS_MOVE) {
		if (aa_str_empty(dev_name))
			return -EINVAL;
		m->flags = AA_MS_MOVE;
		resolve = true;
	} else {
		__u32 fsf = 0;

		m->flags = fl;
		m->type = (__u64)type;
		m->data = (__u64)data;
		if (type)
			fsf = aa_fstype_flags((__u64)type);
		m->binary = type ? !!(fsf & AA_FS_BINARY_MOUNTDATA) : 1;
		if (fsf & AA_FS_REQUIRES_DEV) {
			if (aa_str_empty(dev_name))
				return -ENOENT;
			resolve = true;
		} else {
			m->dev_str = 1;
		}
	}
	if (resolve) {
		/* the source path, here: the other hooks never resolve one */
		struct aa_resolve_req rr = { .name = m->dev };
		int rc = aa_mount_resolve(&rr);

		if (rc && rc != AA_MNT_UNRESOLVED)
			return rc;	/* the lookup fails the mount anyway */
		m->src_err = rc;
		m->src_mnt = rr.mnt;
		m->src_dentry = rr.dentry;
	}
	return aa_mount_check(m);
}

/* move_mount(2), which the mount hook does not see: a move from a path
 * (or of a detached mount, without a source) to another. */
static __always_inline int aa_move_mount(const struct path *from, const struct path *to)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct aa_mount_req *m;
	struct mount *fm;

	m = aa_mount_begin(NSLSM_HOOK_move_mount, AA_MNT_OP_MOUNT, (__u64)BPF_CORE_READ(to, mnt),
			   (__u64)BPF_CORE_READ(to, dentry));
	if (!m)
		return 0;
	m->flags = AA_MS_MOVE;
	fm = (struct mount *)((void *)BPF_CORE_READ(from, mnt) -
			      bpf_core_field_offset(struct mount, mnt));
	if (BPF_CORE_READ(fm, mnt_ns) == BPF_CORE_READ(task, nsproxy, mnt_ns)) {
		m->src_mnt = (__u64)BPF_CORE_READ(from, mnt);
		m->src_dentry = (__u64)BPF_CORE_READ(from, dentry);
	}
	return aa_mount_check(m);
}

/* umount(2): the name of the mount's root. */
static __always_inline int apparmor_sb_umount(struct subject *s, struct vfsmount *mnt, int flags)
{
	struct aa_mount_req *m = aa_mount_begin(NSLSM_HOOK_sb_umount, AA_MNT_OP_UMOUNT, (__u64)mnt,
						 (__u64)BPF_CORE_READ(mnt, mnt_root));

	return m ? aa_mount_check(m) : 0;
}

/* pivot_root(2): the new root, then the old one. */
static __always_inline int aa_sb_pivotroot(const struct path *old_path,
					   const struct path *new_path)
{
	struct aa_mount_req *m;

	m = aa_mount_begin(NSLSM_HOOK_sb_pivotroot, AA_MNT_OP_PIVOT,
			   (__u64)BPF_CORE_READ(new_path, mnt),
			   (__u64)BPF_CORE_READ(new_path, dentry));
	if (!m)
		return 0;
	m->src_mnt = (__u64)BPF_CORE_READ(old_path, mnt);
	m->src_dentry = (__u64)BPF_CORE_READ(old_path, dentry);
	return aa_mount_check(m);
}

static __always_inline int apparmor_sb_mount(struct subject *s, const char *dev_name,
					     const struct path *path, const char *type,
					     unsigned long flags, void *data)
{
	return aa_sb_mount(dev_name, path, type, flags, data);
}

static __always_inline int apparmor_move_mount(struct subject *s, const struct path *from_path,
					       const struct path *to_path)
{
	return aa_move_mount(from_path, to_path);
}

static __always_inline int apparmor_sb_pivotroot(struct subject *s, const struct path *old_path,
						 const struct path *new_path)
{
	return aa_sb_pivotroot(old_path, new_path);
}

#endif /* NSLSM_BPF_APPARMOR_MOUNT_H */
