/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AppArmor module at each hook: which permission an operation asks
 * for (AppArmor's own mapping), on which name, and the exec transitions.
 */
#ifndef NSLSM_BPF_APPARMOR_HOOKS_H
#define NSLSM_BPF_APPARMOR_HOOKS_H

#define AA_FMODE_READ 0x1
#define AA_FMODE_WRITE 0x2
#define AA_FMODE_CREATED 0x100000	/* this open created the file */
#define AA_O_CREAT 0100
#define AA_O_TRUNC 01000
#define AA_O_APPEND 02000
#define AA_FMODE_EXEC_FLAG 0x20	/* __FMODE_EXEC in f_flags: opened by exec */
#define AA_SB_NOUSER (1 << 31)
#define AA_S_IFMT 00170000
#define AA_S_IFDIR 0040000
#define AA_F_WRLCK 1
#define AA_PROT_READ 0x1
#define AA_PROT_WRITE 0x2
#define AA_PROT_EXEC 0x4
#define AA_MAP_PRIVATE 0x02
#define AA_RENAME_EXCHANGE 2

static __always_inline __u32 aa_level_label(const struct subject *s, __u32 l)
{
	if (!s->blob || l >= NSLSM_MAX_DEPTH)
		return 0;
	return s->blob->level[l].label[NSLSM_MOD_APPARMOR];
}

static __always_inline __u32 aa_label_component(__u32 label, __u32 k)
{
	struct nslsm_aa_label *l;
	__u32 key;

	if (!(label & NSLSM_AA_LABEL_STACK))
		return k == 0 ? label : 0;
	key = label & ~NSLSM_AA_LABEL_STACK;
	l = bpf_map_lookup_elem(&aa_labels, &key);
	if (!l || k >= l->n || k >= NSLSM_AA_MAX_STACK)
		return 0;
	return l->profile[k & (NSLSM_AA_MAX_STACK - 1)];
}

/* The enrolled subject, and whether any level confines it with AppArmor. */
/* The enrolled subject s (enrolled_subject() said so): the levels
 * AppArmor checks, or false when none has AppArmor. */
static __always_inline bool aa_subject_levels(struct subject *s)
{
	s->levels = s->blob->depth + 1;
	if (s->levels > NSLSM_MAX_DEPTH)
		s->levels = NSLSM_MAX_DEPTH;
	for (__u32 level = 0; level < NSLSM_MAX_DEPTH; level++) {
		struct nslsm_ns *ns;

		if (level >= s->levels)
			break;
		if (!aa_level_label(s, level))
			continue;
		ns = ns_get(subject_level_ns(s, level));
		if (ns && (ns->modules & AA_MOD_BIT))
			return true;
	}
	return false;
}

static __always_inline bool aa_subject(struct subject *s)
{
	return enrolled_subject(s) && aa_subject_levels(s);
}

/* Ask every profile of `label` (one, or a stack); the first denial is
 * returned, every profile audits its own verdict. */
static __always_inline int aa_query_label_as(struct aa_query *q, __u32 label, __u32 request,
					     const int variant)
{
	int rc = 0;

#pragma unroll
	for (__u32 k = 0; k < NSLSM_AA_MAX_STACK; k++) {
		__u32 id = aa_label_component(label, k);
		int v;

		if (!id)
			break;
		q->profile = id;
		q->request = request;
		v = variant == AA_Q_SMALL ? aa_query_small(q)
		    : variant == AA_Q_MOUNT ? aa_query_mount(q)
					    : aa_query_profile(q);
		if (v && !rc)
			rc = v;
	}
	return rc;
}

static __always_inline int aa_query_label(struct aa_query *q, __u32 label, __u32 request)
{
	return aa_query_label_as(q, label, request, AA_Q_PROFILE);
}

struct aa_levels_ctx {
	struct aa_query *q;
	struct nslsm_task_blob *blob;
	__u32 levels;
	__u32 request;
	__s32 rc;
};

static __always_inline long aa_level_body(__u32 level, struct aa_levels_ctx *c, const int variant)
{
	struct nslsm_task_blob *b = c->blob;
	struct aa_query *q = c->q;
	struct nslsm_ns *ns;
	__u32 label, l = level;
	int rc = 0;

	if (l >= c->levels || l >= NSLSM_MAX_DEPTH)
		return 1;
	asm volatile("" : "+r"(l));
	l &= NSLSM_MAX_DEPTH - 1;
	label = b->level[l].label[NSLSM_MOD_APPARMOR];
	if (!label)
		return 0;
	ns = ns_get(b->level[l].ns_id);
	if (!ns || !(ns->modules & AA_MOD_BIT))
		return 0;
	q->policy_ns = ns->id;
	q->ns_mode = ns->aa_mode;
	rc = aa_query_label_as(q, label, c->request, variant);
	if (rc) {
		c->rc = rc;
		return 1;
	}
	return 0;
}

static long aa_level_cb(__u32 level, void *vctx)
{
	return aa_level_body(level, vctx, AA_Q_PROFILE);
}

static long aa_level_small_cb(__u32 level, void *vctx)
{
	return aa_level_body(level, vctx, AA_Q_SMALL);
}

static long aa_level_mount_cb(__u32 level, void *vctx)
{
	return aa_level_body(level, vctx, AA_Q_MOUNT);
}

/*
 * Ask every confining profile of every level of the current task; the
 * first denial wins. One bpf_loop over the levels: the verifier checks
 * the body once, not once per level. The variant says which questions the
 * hook can ask (AA_Q_SMALL: capability and network only; AA_Q_MOUNT: mount
 * rules only), so a hook verifies only the query functions it needs.
 */
static __always_inline int aa_check_levels(struct aa_query *q, const int variant)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct aa_levels_ctx c = { .q = q };

	if (!q)
		return 0;
	c.blob = task_blob(task);
	if (!blob_enrolled(c.blob))
		return 0;
	c.levels = c.blob->depth + 1;
	c.request = q->request;
	c.rc = aa_opaque_zero();
	bpf_loop(NSLSM_MAX_DEPTH,
		 variant == AA_Q_SMALL ? aa_level_small_cb
		 : variant == AA_Q_MOUNT ? aa_level_mount_cb : aa_level_cb,
		 &c, 0);
	return c.rc;
}

__noinline int aa_check_all_g(struct aa_query *q)
{
	return aa_check_levels(q, AA_Q_PROFILE);
}

__noinline int aa_check_small_g(struct aa_query *q)
{
	return aa_check_levels(q, AA_Q_SMALL);
}

__noinline int aa_check_mount_g(struct aa_query *q)
{
	return aa_check_levels(q, AA_Q_MOUNT);
}

static __always_inline int aa_check_all(struct subject *s, struct aa_query *q)
{
	return aa_check_all_g(q);
}


static __always_inline __u32 aa_current_fsuid(void)
{
	struct task_struct *t = bpf_get_current_task_btf();

	/* direct loads through BTF pointers: no helper call */
	return t->cred->fsuid.val;
}

struct aa_path_req {
	__u64 mnt;		/* struct vfsmount * */
	__u64 dentry;
	__u32 hook;
	__u32 request;
	__u32 creator;
	__u32 is_dir;
	/* read by the caller, through BTF pointers (no helper call) */
	__u32 has_inode;
	__u32 i_uid;
	__u32 i_mode;
	__u32 nouser;		/* the super block is SB_NOUSER */
	/* out: what the policy allows the name without a record (0 unless
	 * the check allowed) */
	__u32 silent;
	__u32 pad;
};

/* The query of a path check lives here, not on the stack: the stacks of
 * the calls down to the DFA walk must fit in BPF's 512 bytes. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct aa_query);
} aa_query_scratch SEC(".maps");

/* Check `request` on (mnt, dentry). creator: the object is being created
 * by the task (it owns it); else ownership comes from the inode. */
__noinline int aa_path_check_g(struct aa_path_req *r)
{
	struct aa_query *qp;
	__u32 zero = 0;
	__u32 start = 0;
	bool is_dir;
	int rc;

	if (!r)
		return 0;
	qp = bpf_map_lookup_elem(&aa_query_scratch, &zero);
	if (!qp)
		return 0;
	__builtin_memset(qp, 0, sizeof(*qp));
	qp->deny_err = -EACCES;
	qp->kind = AA_KIND_FILE;
	qp->silent = ~0u;
	r->silent = 0;
	is_dir = r->is_dir;
	qp->hook = r->hook;
	qp->request = r->request;
	if (r->nouser)
		return 0;
	if (r->creator || !r->has_inode) {
		qp->owner = 1;
		qp->ouid = aa_current_fsuid();
	} else {
		qp->ouid = r->i_uid;
		qp->owner = qp->ouid == aa_current_fsuid();
		if ((r->i_mode & AA_S_IFMT) == AA_S_IFDIR)
			is_dir = true;
	}
	{
		struct aa_name_req n = { .mnt = r->mnt, .dentry = r->dentry, .is_dir = is_dir };

		rc = aa_build_name_g(&n);
		start = n.start;
	}
	qp->name_err = rc;
	qp->start = start;
	rc = aa_check_all_g(qp);
	if (!rc)
		r->silent = qp->silent;
	return rc;
}

/* The object facts a path check needs, read through BTF pointers. */
static __always_inline void aa_path_req_fill(struct aa_path_req *r, struct dentry *dentry)
{
	struct inode *inode = dentry->d_inode;

	r->nouser = !!(dentry->d_sb->s_flags & AA_SB_NOUSER);
	r->has_inode = inode != NULL;
	if (inode) {
		r->i_uid = inode->i_uid.val;
		r->i_mode = inode->i_mode;
	}
}

static __always_inline int aa_path_check(__u16 hook, struct vfsmount *mnt, struct dentry *dentry,
					 __u32 request, bool creator, bool is_dir)
{
	struct aa_path_req r = { .mnt = (__u64)mnt, .dentry = (__u64)dentry, .hook = hook,
				 .request = request, .creator = creator, .is_dir = is_dir };
	struct aa_cache_scratch *cs = NULL;
	struct aa_create_memo *memo = NULL;
	struct aa_cache_now now;
	struct subject s;
	int rc;

	if (!aa_subject(&s))
		return 0;
	/* a creation: what the new name is allowed goes to the create memo
	 * (only an open of an object on a cached file system reads it) */
	if (creator && aa_cache_fs(dentry->d_sb)) {
		memo = aa_create_memo_begin();
		if (memo && aa_cache_now(NULL, &now))
			cs = aa_cache_key_fill(s.blob, &now, (__u64)mnt, (__u64)dentry);
	}
	aa_path_req_fill(&r, dentry);
	rc = aa_path_check_g(&r);
	if (!rc && cs && memo)
		aa_create_memo_put(memo, cs, r.silent);
	return rc;
}

static __always_inline __u32 aa_map_file_to_perms(struct file *file)
{
	__u32 mode = file->f_mode, flags = file->f_flags, perms = 0;

	if (mode & AA_FMODE_WRITE)
		perms |= AA_MAY_WRITE;
	if (mode & AA_FMODE_READ)
		perms |= AA_MAY_READ;
	if ((flags & AA_O_APPEND) && (perms & AA_MAY_WRITE))
		perms = (perms & ~AA_MAY_WRITE) | AA_MAY_APPEND;
	if (flags & AA_O_TRUNC)
		perms |= AA_MAY_WRITE;
	if (flags & AA_O_CREAT)
		perms |= AA_MAY_CREATE;
	return perms;
}

/* A miss of the decision cache: the full check, remembered in cs (when
 * not NULL) if it allowed without a record. `created`: the open of the
 * open(O_CREAT) that made the object (FMODE_CREATED), which its creation
 * check may answer. */
static __always_inline int aa_path_check_miss(struct subject *s, __u16 hook, __u64 mnt,
					      struct dentry *dentry, struct inode *inode,
					      __u32 request, struct aa_cache_scratch *cs,
					      bool created)
{
	struct aa_path_req r = { .mnt = mnt, .dentry = (__u64)dentry, .hook = hook,
				 .request = request };
	int rc;

	if (dentry->d_sb->s_flags & AA_SB_NOUSER)
		return 0;	/* pipes, sockets, anonymous inodes: not by path */
	if (cs && inode && created) {
		/* the object this system call made under this very key */
		__u32 silent = aa_create_memo_take(cs);

		if (silent && !(request & ~silent)) {
			aa_cache_store(inode, cs, request | silent);
			return 0;
		}
	}
	if (!aa_subject_levels(s))
		return 0;
	aa_path_req_fill(&r, dentry);
	rc = aa_path_check_g(&r);
	/* every request the policy allows this name silently, not only this
	 * one: a chmod, an unlink after an open are answered too (an object
	 * being deleted is not worth the storage) */
	if (!rc && cs && inode && !(request & AA_MAY_DELETE))
		aa_cache_store(inode, cs, request | r.silent);
	return rc;
}

/*
 * `request` by the enrolled subject s on (mnt, dentry), whose inode is
 * inode, through the decision cache (apparmor/cache.h). The cache is asked
 * first: an entry only exists for a subject whose levels AppArmor checked,
 * and its key holds everything that decided so (the labels, the namespaces,
 * and the policy epoch, which every change of a namespace's modules or mode
 * bumps).
 */
static __always_inline int aa_path_check_cached(struct subject *s, __u16 hook, __u64 mnt,
						struct dentry *dentry, struct inode *inode,
						__u32 request, bool created)
{
	struct aa_cache_scratch *cs = NULL;
	struct aa_cache_now now;

	if (inode && aa_cacheable(inode, dentry) && aa_cache_now(inode, &now)) {
		if (aa_cache_hit(inode, s->blob, &now, mnt, (__u64)dentry, request))
			return 0;
		cs = aa_cache_key_fill(s->blob, &now, mnt, (__u64)dentry);
	}
	return aa_path_check_miss(s, hook, mnt, dentry, inode, request, cs, created);
}

/* `request` by the enrolled subject s on an open file's name. */
static __always_inline int aa_file_check_cached(struct subject *s, __u16 hook, struct file *file,
						__u32 request)
{
	return aa_path_check_cached(s, hook, (__u64)file->f_path.mnt, file->f_path.dentry,
				    file->f_inode, request,
				    hook == NSLSM_HOOK_file_open && (file->f_mode & AA_FMODE_CREATED));
}

/* The enrolled subject s opens file. */
static __always_inline int aa_file_open(struct subject *s, struct file *file)
{
	if (file->f_flags & AA_FMODE_EXEC_FLAG)
		return 0;	/* exec: decided in bprm_creds_for_exec */
	return aa_file_check_cached(s, NSLSM_HOOK_file_open, file, aa_map_file_to_perms(file));
}

/*
 * A request on an open file (mmap, lock): what the open already granted
 * is not asked again, as AppArmor caches it in the file's context, unless
 * the task's label changed since the open. Files an exec opened (the
 * program, its interpreter) were opened under the label before the exec:
 * if the exec changed the label, the new profile must allow their
 * mappings itself, as in AppArmor (where a profile that cannot read its
 * own program dies of SIGSEGV while it is mapped). A file opened while
 * unconfined is not checked again.
 */
static __always_inline int aa_file_perm(__u16 hook, struct file *file, __u32 request)
{
	struct subject s;
	__u32 granted;

	if (!enrolled_subject(&s))
		return 0;
	if (file->f_flags & AA_FMODE_EXEC_FLAG) {
		granted = AA_MAY_EXEC | AA_MAY_READ | AA_EXEC_MMAP;
		if (s.blob->aa_flags & NSLSM_AA_TASK_CHANGED) {
			if (!s.blob->aa_prev)
				return 0;	/* opened unconfined */
			granted = 0;
		}
	} else {
		granted = aa_map_file_to_perms(file);
	}
	if (!(request & ~granted))
		return 0;
	return aa_file_check_cached(&s, hook, file, request);
}

static __always_inline int hook_mmap_file(struct file *file, unsigned long reqprot,
					  unsigned long prot, unsigned long flags)
{
	__u32 mask = 0;

	if (!file)
		return 0;
	if (prot & AA_PROT_READ)
		mask |= AA_MAY_READ;
	if ((prot & AA_PROT_WRITE) && !(flags & AA_MAP_PRIVATE))
		mask |= AA_MAY_WRITE;
	if (prot & AA_PROT_EXEC)
		mask |= AA_EXEC_MMAP;
	return mask ? aa_file_perm(NSLSM_HOOK_mmap_file, file, mask) : 0;
}

static __always_inline int hook_file_lock(struct file *file, unsigned int cmd)
{
	__u32 mask = AA_MAY_LOCK;

	if (cmd == AA_F_WRLCK)
		mask |= AA_MAY_WRITE;
	return aa_file_perm(NSLSM_HOOK_file_lock, file, mask);
}

/* `request` on an existing object: through the decision cache. */
static __always_inline int aa_path_check_existing(__u16 hook, struct vfsmount *mnt,
						  struct dentry *dentry, __u32 request, bool is_dir)
{
	struct inode *inode = dentry->d_inode;
	struct subject s;

	/* a directory's name ends in '/' (the cache takes the kind from
	 * the inode, as the check does for every existing object) */
	if (!inode || (is_dir && (inode->i_mode & AA_S_IFMT) != AA_S_IFDIR))
		return aa_path_check(hook, mnt, dentry, request, false, is_dir);
	if (!enrolled_subject(&s))
		return 0;
	return aa_path_check_cached(&s, hook, (__u64)mnt, dentry, inode, request, false);
}

static __always_inline int hook_path_unlink(const struct path *dir, struct dentry *dentry)
{
	return aa_path_check_existing(NSLSM_HOOK_path_unlink, dir->mnt, dentry,
				      AA_MAY_DELETE, false);
}

static __always_inline int hook_path_rmdir(const struct path *dir, struct dentry *dentry)
{
	return aa_path_check_existing(NSLSM_HOOK_path_rmdir, dir->mnt, dentry,
				      AA_MAY_DELETE, true);
}

static __always_inline int hook_path_mkdir(const struct path *dir, struct dentry *dentry,
					   unsigned long mode)
{
	return aa_path_check(NSLSM_HOOK_path_mkdir, dir->mnt, dentry,
			     AA_MAY_CREATE, true, true);
}

static __always_inline int hook_path_mknod(const struct path *dir, struct dentry *dentry,
					   unsigned long mode, unsigned long dev)
{
	return aa_path_check(NSLSM_HOOK_path_mknod, dir->mnt, dentry,
			     AA_MAY_CREATE, true, false);
}

static __always_inline int hook_path_symlink(const struct path *dir, struct dentry *dentry,
					     const char *old_name)
{
	return aa_path_check(NSLSM_HOOK_path_symlink, dir->mnt, dentry,
			     AA_MAY_CREATE, true, false);
}

static __always_inline int hook_path_truncate(const struct path *path)
{
	return aa_path_check_existing(NSLSM_HOOK_path_truncate, path->mnt, path->dentry,
				      AA_MAY_WRITE | AA_MAY_SETATTR, false);
}

static __always_inline int hook_path_chmod(const struct path *path, unsigned long mode)
{
	return aa_path_check_existing(NSLSM_HOOK_path_chmod, path->mnt, path->dentry,
				      AA_MAY_CHMOD, false);
}

static __always_inline int hook_path_chown(const struct path *path, unsigned long uid,
					   unsigned long gid)
{
	return aa_path_check_existing(NSLSM_HOOK_path_chown, path->mnt, path->dentry,
				      AA_MAY_CHOWN, false);
}

static __always_inline int hook_path_rename(const struct path *old_dir, struct dentry *old_dentry,
					    const struct path *new_dir, struct dentry *new_dentry,
					    unsigned long flags)
{
	const __u32 src = AA_MAY_READ | AA_MAY_GETATTR | AA_MAY_WRITE | AA_MAY_SETATTR |
			  AA_MAY_DELETE;
	const __u32 dst = AA_MAY_WRITE | AA_MAY_SETATTR | AA_MAY_CREATE;
	struct vfsmount *om = BPF_CORE_READ(old_dir, mnt), *nm = BPF_CORE_READ(new_dir, mnt);
	int rc;

	if (flags & AA_RENAME_EXCHANGE) {
		rc = aa_path_check(NSLSM_HOOK_path_rename, nm, new_dentry, src, false, false);
		if (!rc)
			rc = aa_path_check(NSLSM_HOOK_path_rename, om, old_dentry, dst, false, false);
		if (rc)
			return rc;
	}
	/* the destination takes the source's owner and type */
	rc = aa_path_check(NSLSM_HOOK_path_rename, om, old_dentry, src, false, false);
	if (!rc) {
		struct inode *inode = BPF_CORE_READ(old_dentry, d_inode);
		bool dir = inode && (BPF_CORE_READ(inode, i_mode) & AA_S_IFMT) == AA_S_IFDIR;

		rc = aa_path_check(NSLSM_HOOK_path_rename, nm, new_dentry, dst, false, dir);
	}
	return rc;
}

static __always_inline int hook_path_link(struct dentry *old_dentry, const struct path *new_dir,
					  struct dentry *new_dentry)
{
	struct aa_query q = { .hook = NSLSM_HOOK_path_link, .request = AA_MAY_LINK,
			      .deny_err = -EACCES, .kind = AA_KIND_LINK };
	struct vfsmount *mnt = BPF_CORE_READ(new_dir, mnt);
	struct inode *inode;
	struct aa_name_req n = { .mnt = (__u64)mnt, .dentry = (__u64)new_dentry };
	struct subject s;
	int rc;

	if (!aa_subject(&s))
		return 0;
	inode = BPF_CORE_READ(old_dentry, d_inode);
	q.ouid = inode ? BPF_CORE_READ(inode, i_uid.val) : 0;
	q.owner = q.ouid == aa_current_fsuid();
	rc = aa_build_name_g(&n);
	q.start = n.start;
	if (!rc) {
		n.dentry = (__u64)old_dentry;
		n.which = 1;
		rc = aa_build_name_g(&n);
		q.target_start = n.start;
	}
	q.name_err = rc;
	return aa_check_all(&s, &q);
}

static __always_inline int aa_capable(const struct cred *cred, int cap, unsigned int opts)
{
	struct aa_query q = { .hook = NSLSM_HOOK_capable, .request = 1, .deny_err = -EPERM,
			      .kind = AA_KIND_CAP };
	struct task_struct *task;
	struct subject s;

	if (!aa_subject(&s))
		return 0;
	task = s.task;
	if (BPF_CORE_READ(task, cred) != cred)
		return 0;	/* a check on another task's credentials */
	q.family = cap;
	q.ouid = cap;	/* the record's "capability" */
	q.noaudit = !!(opts & AA_CAP_OPT_NOAUDIT);
	return aa_check_small_g(&q);
}

static __always_inline int hook_capable(const struct cred *cred, struct user_namespace *ns,
					int cap, unsigned int opts)
{
	return aa_capable(cred, cap, opts);
}

/* The caller has checked aa_subject(). */
static __always_inline int aa_net(__u16 hook, __u32 request, __u32 family, __u32 type)
{
	struct aa_query q = { .hook = hook, .request = request, .deny_err = -EACCES,
			      .kind = AA_KIND_NET, .family = family, .type = type,
			      .ouid = family << 16 | (type & 0xffff) };

	return aa_check_small_g(&q);
}

/* The task's own AppArmor label and the policy epoch: the key of its
 * network memo (struct nslsm_aa_net_memo). */
static __always_inline bool aa_net_memo_key(const struct nslsm_task_blob *b, __u64 *epoch,
					    __u32 *label)
{
	struct nslsm_aa_epoch *e;
	__u32 zero = 0, d = b->depth;

	e = bpf_map_lookup_elem(&aa_epoch, &zero);
	if (!e || d >= NSLSM_MAX_DEPTH)
		return false;
	*epoch = e->policy;
	*label = b->level[d].label[NSLSM_MOD_APPARMOR];
	return true;
}

static __always_inline bool aa_net_memo_is(const struct nslsm_aa_net_memo *m, __u64 epoch,
					   __u32 label, __u32 family, __u32 type)
{
	return m->epoch == epoch && m->label == label && m->family == family && m->type == type;
}

static __always_inline bool aa_net_memo_hit(const struct nslsm_task_blob *b, __u64 epoch,
					    __u32 label, __u32 family, __u32 type, __u32 request)
{
#pragma unroll
	for (int i = 0; i < NSLSM_AA_NET_MEMO; i++) {
		const struct nslsm_aa_net_memo *m = &b->aa_net[i];

		if (aa_net_memo_is(m, epoch, label, family, type) && !(request & ~m->ok)) {
			STAT_INC(aa_net_hits);
			return true;
		}
	}
	return false;
}

static __always_inline void aa_net_memo_store(struct nslsm_task_blob *b, __u64 epoch, __u32 label,
					      __u32 family, __u32 type, __u32 request)
{
	struct nslsm_aa_net_memo *m;
	__u32 i;

#pragma unroll
	for (int k = 0; k < NSLSM_AA_NET_MEMO; k++) {
		m = &b->aa_net[k];
		if (aa_net_memo_is(m, epoch, label, family, type)) {
			m->ok |= request;
			return;
		}
	}
	i = b->aa_net_next++ & (NSLSM_AA_NET_MEMO - 1);
	m = &b->aa_net[i];
	m->epoch = epoch;
	m->label = label;
	m->family = family;
	m->type = type;
	m->ok = request;
}

/*
 * `request` on a socket of (family, type) by the enrolled subject s: the
 * task's memo first; a walk of the policy otherwise, remembered when it
 * allowed without writing a record.
 */
static __always_inline int aa_net_memo(struct subject *s, __u16 hook, __u32 request,
				       __u32 family, __u32 type)
{
	struct aa_cache_scratch *cs;
	__u32 zero = 0, label;
	__u64 epoch;
	int rc;

	if (!aa_net_memo_key(s->blob, &epoch, &label))
		return 0;
	if (aa_net_memo_hit(s->blob, epoch, label, family, type, request))
		return 0;
	if (!aa_subject_levels(s))
		return 0;
	STAT_INC(aa_net_misses);
	cs = bpf_map_lookup_elem(&aa_cache_scratch, &zero);
	if (cs)
		cs->audited = 0;
	rc = aa_net(hook, request, family, type);
	if (!rc && cs && !cs->audited)
		aa_net_memo_store(s->blob, epoch, label, family, type, request);
	return rc;
}

static __always_inline int hook_socket_create(int family, int type, int protocol, int kern)
{
	struct subject s;

	if (kern || !enrolled_subject(&s))
		return 0;
	return aa_net_memo(&s, NSLSM_HOOK_socket_create, AA_MAY_CREATE, family, type);
}

/* `request` on sock by the enrolled subject s (direct loads through BTF
 * pointers: no helper call before the policy is asked). */
static __always_inline int aa_sock_s(struct subject *s, __u16 hook, __u32 request,
				     struct socket *sock)
{
	struct sock *sk = sock->sk;

	if (!sk || BPF_CORE_READ_BITFIELD(sk, sk_kern_sock))
		return 0;
	return aa_net_memo(s, hook, request, sk->__sk_common.skc_family, sock->type);
}

static __always_inline int aa_sock(__u16 hook, __u32 request, struct socket *sock)
{
	struct subject s;

	/* every send and receive of every task comes here: the unenrolled
	 * leave first */
	if (!enrolled_subject(&s))
		return 0;
	return aa_sock_s(&s, hook, request, sock);
}

/* The socket operations AppArmor mediates on an existing socket, each
 * with its permission; the rules match family and type as at create. */
static __always_inline int hook_socket_listen(struct socket *sock, int backlog)
{
	return aa_sock(NSLSM_HOOK_socket_listen, AA_MAY_LISTEN, sock);
}

static __always_inline int hook_socket_accept(struct socket *sock, struct socket *newsock)
{
	return aa_sock(NSLSM_HOOK_socket_accept, AA_MAY_ACCEPT, sock);
}

static __always_inline int hook_socket_sendmsg(struct socket *sock, struct msghdr *msg, int size)
{
	return aa_sock(NSLSM_HOOK_socket_sendmsg, AA_MAY_SEND, sock);
}

static __always_inline int hook_socket_recvmsg(struct socket *sock, struct msghdr *msg, int size,
					       int flags)
{
	return aa_sock(NSLSM_HOOK_socket_recvmsg, AA_MAY_RECEIVE, sock);
}

static __always_inline int hook_socket_getsockname(struct socket *sock)
{
	return aa_sock(NSLSM_HOOK_socket_getsockname, AA_MAY_GETATTR, sock);
}

static __always_inline int hook_socket_getpeername(struct socket *sock)
{
	return aa_sock(NSLSM_HOOK_socket_getpeername, AA_MAY_GETATTR, sock);
}

static __always_inline int hook_socket_getsockopt(struct socket *sock, int level, int optname)
{
	return aa_sock(NSLSM_HOOK_socket_getsockopt, AA_MAY_GETOPT, sock);
}

static __always_inline int hook_socket_setsockopt(struct socket *sock, int level, int optname)
{
	return aa_sock(NSLSM_HOOK_socket_setsockopt, AA_MAY_SETOPT, sock);
}

static __always_inline int hook_socket_shutdown(struct socket *sock, int how)
{
	return aa_sock(NSLSM_HOOK_socket_shutdown, AA_MAY_SHUTDOWN, sock);
}

/* ---- signals and ptrace ---- */

/* One side of a task-to-task check: the checking task's labels per level,
 * and the peer's (per-CPU scratch: too big for the stack). */
struct aa_sig_req {
	__u32 kind;		/* AA_KIND_SIGNAL, AA_KIND_PTRACE */
	__u32 hook;
	__u32 tracee_side;	/* ptrace: the checker is the tracee */
	__u32 signal;		/* AppArmor's number */
	__u32 request;		/* signal: AA_MAY_WRITE send, AA_MAY_READ receive;
				 * ptrace: AppArmor's trace/read bits */
	__u32 n_checker;
	__u32 n_peer;
	__u32 checker_ns[NSLSM_MAX_DEPTH];
	__u32 checker_label[NSLSM_MAX_DEPTH];
	__u32 peer_ns[NSLSM_MAX_DEPTH];
	__u32 peer_label[NSLSM_MAX_DEPTH];
	__s32 rc;
	__u32 pad;
	struct aa_query q;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct aa_sig_req);
} aa_sig_scratch SEC(".maps");

/* Write the name of `label` ("unconfined", "A", "A//&B") at AA_AUX_PEER of
 * scratch buffer 1, as AppArmor matches a peer; returns its length. */
__noinline int aa_label_name_g(__u32 label)
{
	struct aa_scratch *sc;
	__u32 zero = 0, off = 0;
	char *b;

	sc = bpf_map_lookup_elem(&aa_scratch, &zero);
	if (!sc)
		return 0;
	b = sc->buf[1];
	if (!label) {
		__builtin_memcpy(b + AA_AUX_PEER, "unconfined", 11);
		return 10;
	}
#pragma unroll
	for (__u32 k = 0; k < NSLSM_AA_MAX_STACK; k++) {
		__u32 id = aa_label_component(label, k);
		struct nslsm_aa_profile *p;
		long n;

		if (!id)
			break;
		p = bpf_map_lookup_elem(&aa_profiles, &id);
		if (!p)
			break;
		if (k) {
			b[AA_AUX_PEER + (off & 511)] = '/';
			b[AA_AUX_PEER + ((off + 1) & 511)] = '/';
			b[AA_AUX_PEER + ((off + 2) & 511)] = '&';
			off += 3;
		}
		n = bpf_probe_read_kernel_str(b + AA_AUX_PEER + (off & 511), NSLSM_AA_NAME_MAX,
					      p->name);
		if (n > 1)
			off += n - 1;
	}
	return off & 1023;
}

struct aa_sig_ctx {
	struct aa_sig_req *r;
};

static long aa_sig_cb(__u32 level, void *vctx)
{
	struct aa_sig_req *r = ((struct aa_sig_ctx *)vctx)->r;
	struct nslsm_ns *ns;
	__u32 l = level, label, peer = 0, len;
	int rc = 0;

	if (l >= r->n_checker || l >= NSLSM_MAX_DEPTH)
		return 1;
	asm volatile("" : "+r"(l));
	l &= NSLSM_MAX_DEPTH - 1;
	label = r->checker_label[l];
	if (!label)
		return 0;
	ns = ns_get(r->checker_ns[l]);
	if (!ns || !(ns->modules & AA_MOD_BIT))
		return 0;
	/* the peer's label at this level, if it lives in the same namespace */
	if (l < r->n_peer && r->peer_ns[l] == r->checker_ns[l])
		peer = r->peer_label[l];
	/* the tracee's profiles judge only confined tracers */
	if (r->tracee_side && !peer)
		return 0;
	len = aa_label_name_g(peer);
	r->q.policy_ns = ns->id;
	r->q.ns_mode = ns->aa_mode;
	r->q.kind = r->kind;
	r->q.hook = r->hook;
	r->q.deny_err = -EACCES;
	r->q.family = r->signal;
	r->q.type = len;
	r->q.peer = peer;
	r->q.tracee_side = r->tracee_side;
	rc = aa_query_label(&r->q, label, r->request);
	if (rc) {
		r->rc = rc;
		return 1;
	}
	return 0;
}

__noinline int aa_signal_side(struct aa_sig_req *r)
{
	struct aa_sig_ctx c = { .r = r };

	if (!r)
		return 0;
	r->rc = 0;
	bpf_loop(NSLSM_MAX_DEPTH, aa_sig_cb, &c, 0);
	return r->rc;
}

static __always_inline void aa_sig_fill(__u32 *n, __u32 *ns, __u32 *label,
					const struct nslsm_task_blob *b)
{
	*n = 0;
	if (!blob_enrolled(b))
		return;
	*n = b->depth + 1;
	for (int l = 0; l < NSLSM_MAX_DEPTH; l++) {
		ns[l] = b->level[l].ns_id;
		label[l] = b->level[l].label[NSLSM_MOD_APPARMOR];
	}
}

/* AppArmor's signal numbers: the kernel's below SIGRTMIN, real-time
 * signals from 128, anything else "unknown" (0). */
static __always_inline __u32 aa_map_signal(int sig)
{
	if (sig < 0 || sig > 64)
		return 0;
	if (sig >= 32)
		return 128 + sig - 32;
	return sig;
}

/* The sender's profiles must let it send, the target's let it receive. */
static __always_inline int aa_task_kill(struct task_struct *target, int sig)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct nslsm_task_blob *sb = task_blob(task), *tb = task_blob(target);
	struct aa_sig_req *r;
	__u32 zero = 0;
	int rc;

	if (!blob_enrolled(sb) && !blob_enrolled(tb))
		return 0;
	r = bpf_map_lookup_elem(&aa_sig_scratch, &zero);
	if (!r)
		return 0;
	r->kind = AA_KIND_SIGNAL;
	r->hook = NSLSM_HOOK_task_kill;
	r->tracee_side = 0;
	r->signal = aa_map_signal(sig);
	r->request = AA_MAY_WRITE;
	aa_sig_fill(&r->n_checker, r->checker_ns, r->checker_label, sb);
	aa_sig_fill(&r->n_peer, r->peer_ns, r->peer_label, tb);
	rc = aa_signal_side(r);
	if (rc)
		return rc;
	r->request = AA_MAY_READ;
	aa_sig_fill(&r->n_checker, r->checker_ns, r->checker_label, tb);
	aa_sig_fill(&r->n_peer, r->peer_ns, r->peer_label, sb);
	return aa_signal_side(r);
}

/*
 * ptrace, as AppArmor checks it: the tracer's profiles must allow tracing
 * (or reading) the tracee's label, then the tracee's profiles must allow
 * being traced (read) by the tracer's, AppArmor's request shifted by two
 * bits. A profile without ptrace rules checks only as a tracer: its own
 * label passes, any other needs CAP_SYS_PTRACE in the profile.
 */
#define AA_PTRACE_PERM_SHIFT 2

static __always_inline int aa_ptrace(__u16 hook, struct task_struct *tracer,
				     struct task_struct *tracee, __u32 request)
{
	struct nslsm_task_blob *rb = task_blob(tracer), *eb = task_blob(tracee);
	struct aa_sig_req *r;
	__u32 zero = 0;
	int rc;

	if (!blob_enrolled(rb) && !blob_enrolled(eb))
		return 0;
	r = bpf_map_lookup_elem(&aa_sig_scratch, &zero);
	if (!r)
		return 0;
	r->kind = AA_KIND_PTRACE;
	r->hook = hook;
	r->signal = 0;
	r->tracee_side = 0;
	r->request = request;
	aa_sig_fill(&r->n_checker, r->checker_ns, r->checker_label, rb);
	aa_sig_fill(&r->n_peer, r->peer_ns, r->peer_label, eb);
	rc = aa_signal_side(r);
	if (rc)
		return rc;
	r->tracee_side = 1;
	r->request = request << AA_PTRACE_PERM_SHIFT;
	aa_sig_fill(&r->n_checker, r->checker_ns, r->checker_label, eb);
	aa_sig_fill(&r->n_peer, r->peer_ns, r->peer_label, rb);
	return aa_signal_side(r);
}

/* ---- exec ---- */

struct aa_attach_q {
	__u32 profile;
	__u32 which;
	__u32 start;
	__u32 len;
	/* out */
	__u32 matched;
	__u32 specificity;
};

static long aa_namecmp_cb(__u32 i, void *vctx);

struct aa_namecmp {
	const char *a;
	__u32 pos;
	const char *b;
	__u32 differ;
};

static long aa_namecmp_cb(__u32 i, void *vctx)
{
	struct aa_namecmp *c = vctx;
	char x = c->a[(c->pos + i) & (AA_BUF_SIZE - 1)];
	char y = c->b[i & (NSLSM_AA_NAME_MAX - 1)];

	if (x != y) {
		c->differ = 1;
		return 1;
	}
	return x == 0;
}

/* Does profile q->profile attach to the executable named in the buffer? */
__noinline int aa_attach_one(struct aa_attach_q *q)
{
	struct nslsm_aa_profile *p;
	struct aa_scratch *sc;
	struct nslsm_aa_perms perms;
	struct dfa_walk w = { 0 };
	__u32 zero = 0, key, state;

	if (!q)
		return 0;
	q->matched = 0;
	key = q->profile;
	p = bpf_map_lookup_elem(&aa_profiles, &key);
	sc = bpf_map_lookup_elem(&aa_scratch, &zero);
	if (!p || !sc || !(p->flags & NSLSM_AA_P_IN_USE))
		return 0;
	if (!p->xmatch.nstates) {
		/* a profile named by its path attaches to exactly that path */
		struct aa_namecmp c = { .a = sc->buf[q->which & 1], .pos = q->start, .b = p->name };

		c.differ = aa_opaque_zero();

		if (q->len >= NSLSM_AA_NAME_MAX)
			return 0;
		bpf_loop(q->len + 1, aa_namecmp_cb, &c, 0);
		if (!c.differ) {
			q->matched = 2;	/* exact: wins outright */
			q->specificity = q->len;
		}
		return 0;
	}
	state = aa_walk_name(&w, &p->xmatch, p->xmatch.start, sc->buf[q->which & 1], q->start);
	aa_state_perms(&p->xmatch, state, 0, &perms);
	if (state && (perms.allow & AA_MAY_EXEC)) {
		q->matched = 1;
		q->specificity = p->xmatch_len;
	}
	return 0;
}

/*
 * The profile an exec of the named file attaches to in namespace ns_id
 * (parent: among that profile's children only), 0 if none or ambiguous.
 */
struct aa_find_q {
	__u32 ns_id;
	__u32 aa_ns;	/* AppArmor policy namespace searched (0: root) */
	__u32 parent;
	__u32 start;
	__u32 len;
	__u32 found;	/* out */
};

struct aa_find_ctx {
	struct aa_find_q *f;
	struct nslsm_aa_nsconf *nc;
	__u32 best;
	__u32 best_len;
	__u32 conflict;
	__u32 exact;
};

static long aa_find_cb(__u32 i, void *vctx)
{
	struct aa_find_ctx *c = vctx;
	struct aa_attach_q q = { .which = 0 };
	struct nslsm_aa_profile *p;
	__u32 id;

	__u32 k = i;

	if (i >= c->nc->n_attach)
		return 1;
	asm volatile("" : "+r"(k));	/* keep the mask: the verifier needs it */
	id = c->nc->attach[k & (NSLSM_AA_ATTACH_MAX - 1)];
	p = bpf_map_lookup_elem(&aa_profiles, &id);
	if (!p || p->parent != c->f->parent || p->aa_ns != c->f->aa_ns)
		return 0;
	q.profile = id;
	q.start = c->f->start;
	q.len = c->f->len;
	aa_attach_one(&q);
	if (q.matched == 2) {
		c->exact = id;
		return 1;
	}
	if (!q.matched)
		return 0;
	if (c->best && q.specificity == c->best_len) {
		c->conflict = 1;
		return 0;
	}
	if (q.specificity > c->best_len || !c->best) {
		c->best = id;
		c->best_len = q.specificity;
		c->conflict = 0;
	}
	return 0;
}

__noinline int aa_find_attach(struct aa_find_q *f)
{
	struct aa_find_ctx c = { .f = f };
	__u32 key;

	if (!f)
		return 0;
	c.best = aa_opaque_zero();
	c.best_len = c.best;
	c.conflict = c.best;
	c.exact = c.best;
	f->found = 0;
	key = f->ns_id;
	c.nc = bpf_map_lookup_elem(&aa_nsconf, &key);
	if (!c.nc)
		return 0;
	bpf_loop(NSLSM_AA_ATTACH_MAX, aa_find_cb, &c, 0);
	if (c.exact)
		f->found = c.exact;
	else
		f->found = c.conflict ? 0 : c.best;
	return 0;
}

/* One profile of the task's label at exec: may it exec, and where to? */
struct aa_exec_q {
	struct aa_query q;
	__u32 label;		/* the whole label at this level */
	__u32 secure;		/* the transition scrubs the environment (AT_SECURE) */
	__u32 transition;	/* compute the transition (own level, one profile) */
	__u32 len;
	/* out */
	__u32 pending;
	__u32 new_label;
	__u32 need_find;	/* px/cx without a target: search attachments */
	__u32 find_parent;
	__u32 find_aa_ns;
	__u32 xindex;
};

/* px/cx found nothing (or ix/ux alone): AppArmor's fallbacks. */
__noinline int aa_exec_fallback(struct aa_exec_q *e, __u32 found, __u32 target, __u32 x)
{
	struct nslsm_aa_profile *p;
	__u32 key;

	if (!e)
		return 0;
	if (!found) {
		if (x & AA_X_INHERIT) {
			target = e->label;
			found = 1;
			x |= AA_X_UNSAFE;	/* "ix fallback": nothing scrubbed */
		} else if (x & AA_X_UNCONFINED) {
			target = 0;
			found = 1;
		}
	}
	if (!found) {
		/* "profile transition not found": the exec fails */
		struct nslsm_aa_perms none = { 0 };

		key = e->q.profile;
		p = bpf_map_lookup_elem(&aa_profiles, &key);
		if (!p)
			return 0;
		e->q.request = AA_MAY_EXEC;
		return aa_audit(&e->q, p, &none, NULL);
	}
	/* Px, Cx, Ux (upper case): the program starts with AT_SECURE, so the
	 * dynamic linker ignores LD_PRELOAD and the like */
	if (!(x & AA_X_UNSAFE))
		e->secure = 1;
	e->new_label = target;
	e->pending = 1;
	return 0;
}

__noinline int aa_exec_profile(struct aa_exec_q *e)
{
	struct nslsm_aa_profile *p;
	__u32 x, target = 0, key;
	bool found = false;
	int r;

	if (!e)
		return 0;
	e->pending = 0;
	e->need_find = 0;
	e->q.request = AA_MAY_EXEC;
	e->q.allow = 0;
	e->q.xindex = 0;
	r = aa_query_profile(&e->q);
	if (r)
		return r;
	if (!e->transition || !(e->q.allow & AA_MAY_EXEC))
		return 0;
	key = e->q.profile;
	p = bpf_map_lookup_elem(&aa_profiles, &key);
	if (!p)
		return 0;
	x = e->q.xindex;
	if ((x & AA_X_TYPE_MASK) == AA_X_TABLE) {
		__u32 idx = x & AA_X_INDEX_MASK;
		struct nslsm_aa_xtarget *t;

		if (idx < p->xtable_n) {
			key = p->xtable_off + idx;
			t = bpf_map_lookup_elem(&aa_xtable, &key);
			if (t && t->label) {
				target = t->label;
				found = true;
			}
		}
	} else if ((x & AA_X_TYPE_MASK) == AA_X_NAME && !e->q.name_err) {
		/* the caller searches the attachments, then falls back */
		e->need_find = 1;
		e->find_parent = (x & AA_X_CHILD) ? e->q.profile : 0;
		e->find_aa_ns = p->aa_ns;
		e->xindex = x;
		return 0;
	}
	return aa_exec_fallback(e, found, target, x);
}

/* One level of the task's chain at exec: every profile of its label. */
__noinline int aa_exec_level(struct aa_exec_q *e)
{
	__u32 label;

	if (!e)
		return 0;
	label = e->label;
	e->transition = e->transition && !(label & NSLSM_AA_LABEL_STACK);
	e->new_label = 0;
	for (__u32 k = 0; k < NSLSM_AA_MAX_STACK; k++) {
		__u32 id = aa_label_component(label, k);
		int r;

		if (!id)
			break;
		e->q.profile = id;
		r = aa_exec_profile(e);
		if (r)
			return r;
	}
	return 0;
}

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct aa_exec_q);
} aa_exec_scratch SEC(".maps");

__noinline int aa_onexec_level(struct aa_exec_q *e, __u32 target);

/*
 * The exec decision of one level of the task's chain (a function of its
 * own: the verifier checks it once, not once per level). Returns 0 or the
 * error that fails the exec; a pending transition of the task's own level
 * goes into its blob.
 */
__noinline int aa_exec_at_level(struct aa_exec_q *ep, __u32 level)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct nslsm_task_blob *b = task_blob(task);
	struct nslsm_ns *ns;
	__u32 own, l = level;
	int r;

	if (!ep || !blob_enrolled(b))
		return 0;
	own = b->depth;
	if (l > own || l >= NSLSM_MAX_DEPTH)
		return 0;
	asm volatile("" : "+r"(l));
	l &= NSLSM_MAX_DEPTH - 1;
	ns = ns_get(b->level[l].ns_id);
	if (!ns || !(ns->modules & AA_MOD_BIT))
		return 0;
	ep->label = b->level[l].label[NSLSM_MOD_APPARMOR];
	ep->transition = l == own;
	ep->pending = 0;
	ep->q.policy_ns = ns->id;
	ep->q.ns_mode = ns->aa_mode;
	if (l == own && b->aa_onexec) {
		/* nslsm run --apparmor, or change_onexec: the task's own
		 * request is checked by the profiles it execs from */
		if ((b->aa_flags & NSLSM_AA_TASK_ONEXEC_CHECK) && ep->label) {
			r = aa_onexec_level(ep, b->aa_onexec);
			if (r)
				return r;
			/* a confined task's change_onexec scrubs, as in
			 * AppArmor (its pairing carries no "unsafe") */
			ep->secure = 1;
		}
		ep->pending = 1;
		ep->new_label = b->aa_onexec;
	} else if (!ep->label) {
		if (l == own && !ep->q.name_err) {
			struct aa_find_q f = { .ns_id = ns->id, .start = ep->q.start, .len = ep->len };

			aa_find_attach(&f);
			ep->new_label = f.found;
			ep->pending = f.found != 0;
		}
	} else {
		r = aa_exec_level(ep);
		if (r)
			return r;
		if (ep->need_find) {
			struct aa_find_q f = { .ns_id = ns->id, .parent = ep->find_parent,
					       .aa_ns = ep->find_aa_ns, .start = ep->q.start,
					       .len = ep->len };

			aa_find_attach(&f);
			r = aa_exec_fallback(ep, f.found != 0, f.found, ep->xindex);
			if (r)
				return r;
		}
	}
	if (l == own && ep->pending) {
		b->aa_pending = ep->new_label;
		b->aa_flags |= NSLSM_AA_TASK_PENDING;
	}
	return 0;
}

/*
 * The exec decision: every level of the task's chain checks the program,
 * the task's own level finds its new label. A decision that wrote no
 * record is remembered on the program's inode, under the decision cache's
 * key (apparmor/cache.h), with its outcome (the new label, AT_SECURE); a
 * change_onexec in force is always decided afresh.
 */
static __always_inline int hook_bprm_creds_for_exec(struct linux_binprm *bprm)
{
	struct aa_cache_scratch *cs = NULL;
	struct aa_cache_now now;
	struct aa_exec_q *ep;
	struct nslsm_task_blob *b;
	struct subject s;
	struct file *file;
	struct inode *inode;
	struct dentry *dentry;
	__u64 mnt;
	__u32 zero = 0;

	if (!subject_get(&s) || !blob_enrolled(s.blob))
		return 0;
	b = s.blob;
	if (b->depth >= NSLSM_MAX_DEPTH)
		return 0;
	b->aa_flags &= ~NSLSM_AA_TASK_PENDING;
	/* direct loads through BTF pointers: no helper call */
	file = bprm->file;
	inode = file->f_inode;
	dentry = file->f_path.dentry;
	mnt = (__u64)file->f_path.mnt;
	if (!b->aa_onexec && inode && aa_cacheable(inode, dentry) && aa_cache_now(inode, &now)) {
		__u32 label = 0, x = aa_cache_exec_hit(inode, b, &now, mnt, (__u64)dentry, &label);

		if (x) {
			if (x & AA_CX_PENDING) {
				b->aa_pending = label;
				b->aa_flags |= NSLSM_AA_TASK_PENDING;
			}
			if (x & AA_CX_SECURE)
				bpf_bprm_opts_set(bprm, BPF_F_BPRM_SECUREEXEC);
			return 0;
		}
		cs = aa_cache_key_fill(b, &now, mnt, (__u64)dentry);
	}
	ep = bpf_map_lookup_elem(&aa_exec_scratch, &zero);
	if (!ep)
		return 0;
	__builtin_memset(ep, 0, sizeof(*ep));
	ep->q.hook = NSLSM_HOOK_bprm_creds_for_exec;
	ep->q.deny_err = -EACCES;
	ep->q.kind = AA_KIND_FILE;
	ep->q.ouid = inode->i_uid.val;
	ep->q.owner = ep->q.ouid == aa_current_fsuid();
	{
		struct aa_name_req n = { .mnt = mnt, .dentry = (__u64)dentry };

		ep->q.name_err = aa_build_name_g(&n);
		ep->q.start = n.start;
		ep->len = n.len;
	}
	for (__u32 level = 0; level < NSLSM_MAX_DEPTH; level++) {
		int r;

		if (level >= s.levels)
			break;
		r = aa_exec_at_level(ep, level);
		if (r)
			return r;
	}
	if (ep->secure)
		bpf_bprm_opts_set(bprm, BPF_F_BPRM_SECUREEXEC);
	if (cs && inode)
		aa_cache_store_exec(inode, cs,
				    ((b->aa_flags & NSLSM_AA_TASK_PENDING) ? AA_CX_PENDING : 0) |
					    (ep->secure ? AA_CX_SECURE : 0),
				    b->aa_pending);
	return 0;
}

static __always_inline int hook_bprm_committed_creds(struct linux_binprm *bprm)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct nslsm_task_blob *b = task_blob(task);
	__u32 own;

	if (!blob_enrolled(b))
		return 0;
	own = b->depth;
	b->aa_flags &= ~NSLSM_AA_TASK_CHANGED;
	if ((b->aa_flags & NSLSM_AA_TASK_PENDING) && own < NSLSM_MAX_DEPTH) {
		__u32 old = b->level[own].label[NSLSM_MOD_APPARMOR];

		if (old != b->aa_pending) {
			b->aa_prev = old;
			b->aa_flags |= NSLSM_AA_TASK_CHANGED;
		}
		b->level[own].label[NSLSM_MOD_APPARMOR] = b->aa_pending;
	}
	/* exec ends a hat and a change_onexec */
	b->aa_flags &= ~(NSLSM_AA_TASK_PENDING | NSLSM_AA_TASK_ONEXEC_CHECK | NSLSM_AA_TASK_IN_HAT);
	b->aa_onexec = 0;
	b->aa_hat_prev = 0;
	b->aa_hat_token = 0;
	return 0;
}

#endif /* NSLSM_BPF_APPARMOR_HOOKS_H */
