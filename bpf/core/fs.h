/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File-system hooks of nslsm's self-protection: an enrolled task may not
 * open, unlink, rename or remove anything on a BPF file system (where the
 * pins live), nor unmount anything in the mount namespace that holds the
 * pins: the last unmount of that bpffs would free the pinned links and end
 * enforcement. The modules decide after these checks, for enrolled
 * subjects only.
 */
#ifndef NSLSM_BPF_CORE_FS_H
#define NSLSM_BPF_CORE_FS_H

static __always_inline bool inode_on_bpffs(struct inode *inode)
{
	return BPF_CORE_READ(inode, i_sb, s_magic) == BPF_FS_MAGIC;
}

static __always_inline int deny_on_bpffs(__u16 hook, struct inode *inode, struct dentry *dentry)
{
	struct subject s;

	if (!enrolled_subject(&s) || !inode_on_bpffs(inode))
		return 0;
	return self_deny(&s, hook, 0, NULL, (const char *)BPF_CORE_READ(dentry, d_name.name));
}

static __always_inline int hook_file_open(struct file *file)
{
	struct inode *inode = file->f_inode;
	struct subject s;

	/* both checks bind enrolled tasks only: the others pay one load */
	if (!enrolled_subject(&s))
		return 0;
	if (inode && inode->i_sb->s_magic == BPF_FS_MAGIC)
		return self_deny(&s, NSLSM_HOOK_file_open, 0, NULL,
				 (const char *)file->f_path.dentry->d_name.name);
	return modules_file_open(&s, file);
}

/* Every inode freed, whoever frees it: a file gone for good takes its
 * object labels with it (bpf/lib/objlabel.h). */
static __always_inline int hook_inode_free_security(struct inode *inode)
{
	objlabel_inode_free(inode);
	return 0;
}

static __always_inline int hook_inode_unlink(struct inode *dir, struct dentry *dentry)
{
	return deny_on_bpffs(NSLSM_HOOK_inode_unlink, dir, dentry);
}

static __always_inline int hook_inode_rmdir(struct inode *dir, struct dentry *dentry)
{
	return deny_on_bpffs(NSLSM_HOOK_inode_rmdir, dir, dentry);
}

static __always_inline int hook_inode_rename(struct inode *old_dir, struct dentry *old_dentry,
					     struct inode *new_dir, struct dentry *new_dentry)
{
	int rc = deny_on_bpffs(NSLSM_HOOK_inode_rename, old_dir, old_dentry);

	return rc ? rc : deny_on_bpffs(NSLSM_HOOK_inode_rename, new_dir, new_dentry);
}

static __always_inline int hook_sb_umount(struct vfsmount *mnt, int flags)
{
	struct nslsm_config *cfg;
	struct mount *m;
	struct subject s;

	if (!enrolled_subject(&s))
		return 0;
	cfg = config_get();
	if (!cfg)
		return 0;
	m = (struct mount *)((void *)mnt - bpf_core_field_offset(struct mount, mnt));
	if (BPF_CORE_READ(m, mnt_ns, ns.inum) != cfg->pin_mntns_inum)
		return modules_sb_umount(&s, mnt, flags);
	return self_deny(&s, NSLSM_HOOK_sb_umount, flags, NULL,
			 (const char *)BPF_CORE_READ(m, mnt_mountpoint, d_name.name));
}

#endif /* NSLSM_BPF_CORE_FS_H */
