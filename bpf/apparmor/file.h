/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AppArmor on files: which permission an operation on a path or an open
 * file asks for (AppArmor's own mapping), on which name, through the
 * decision cache (apparmor/cache.h).
 */
#ifndef NSLSM_BPF_APPARMOR_FILE_H
#define NSLSM_BPF_APPARMOR_FILE_H

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

/* The enrolled subject s opens file (the core asks for enrolled subjects only). */
static __always_inline int apparmor_file_open(struct subject *s, struct file *file)
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

static __always_inline int apparmor_mmap_file(struct subject *s, struct file *file,
					      unsigned long reqprot, unsigned long prot,
					      unsigned long flags)
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

static __always_inline int apparmor_file_lock(struct subject *s, struct file *file,
					      unsigned int cmd)
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

static __always_inline int apparmor_path_unlink(struct subject *s, const struct path *dir,
						struct dentry *dentry)
{
	return aa_path_check_existing(NSLSM_HOOK_path_unlink, dir->mnt, dentry,
				      AA_MAY_DELETE, false);
}

static __always_inline int apparmor_path_rmdir(struct subject *s, const struct path *dir,
					       struct dentry *dentry)
{
	return aa_path_check_existing(NSLSM_HOOK_path_rmdir, dir->mnt, dentry,
				      AA_MAY_DELETE, true);
}

static __always_inline int apparmor_path_mkdir(struct subject *s, const struct path *dir,
					       struct dentry *dentry, unsigned long mode)
{
	return aa_path_check(NSLSM_HOOK_path_mkdir, dir->mnt, dentry,
			     AA_MAY_CREATE, true, true);
}

static __always_inline int apparmor_path_mknod(struct subject *s, const struct path *dir,
					       struct dentry *dentry, unsigned long mode,
					       unsigned long dev)
{
	return aa_path_check(NSLSM_HOOK_path_mknod, dir->mnt, dentry,
			     AA_MAY_CREATE, true, false);
}

static __always_inline int apparmor_path_symlink(struct subject *s, const struct path *dir,
						 struct dentry *dentry, const char *old_name)
{
	return aa_path_check(NSLSM_HOOK_path_symlink, dir->mnt, dentry,
			     AA_MAY_CREATE, true, false);
}

static __always_inline int apparmor_path_truncate(struct subject *s, const struct path *path)
{
	return aa_path_check_existing(NSLSM_HOOK_path_truncate, path->mnt, path->dentry,
				      AA_MAY_WRITE | AA_MAY_SETATTR, false);
}

static __always_inline int apparmor_path_chmod(struct subject *s, const struct path *path,
					       unsigned long mode)
{
	return aa_path_check_existing(NSLSM_HOOK_path_chmod, path->mnt, path->dentry,
				      AA_MAY_CHMOD, false);
}

static __always_inline int apparmor_path_chown(struct subject *s, const struct path *path,
					       unsigned long uid, unsigned long gid)
{
	return aa_path_check_existing(NSLSM_HOOK_path_chown, path->mnt, path->dentry,
				      AA_MAY_CHOWN, false);
}

static __always_inline int apparmor_path_rename(struct subject *s, const struct path *old_dir,
						struct dentry *old_dentry,
						const struct path *new_dir,
						struct dentry *new_dentry, unsigned long flags)
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

static __always_inline int apparmor_path_link(struct subject *s, struct dentry *old_dentry,
					      const struct path *new_dir,
					      struct dentry *new_dentry)
{
	struct aa_query q = { .hook = NSLSM_HOOK_path_link, .request = AA_MAY_LINK,
			      .deny_err = -EACCES, .kind = AA_KIND_LINK };
	struct vfsmount *mnt = BPF_CORE_READ(new_dir, mnt);
	struct inode *inode;
	struct aa_name_req n = { .mnt = (__u64)mnt, .dentry = (__u64)new_dentry };
	int rc;

	if (!aa_subject(s))
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
	return aa_check_all(s, &q);
}

/* A new alias of inode: no cached verdict may name its dentry's address
 * (apparmor/cache.h). Binds no task; denies nothing. */
static __always_inline int apparmor_d_instantiate(struct subject *s, struct dentry *dentry,
						  struct inode *inode)
{
	aa_cache_forget(inode);
	return 0;
}

#endif /* NSLSM_BPF_APPARMOR_FILE_H */
