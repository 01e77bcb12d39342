/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SELinux's file objects: an inode's SID in a namespace, over the core's
 * object-label store (bpf/lib/objlabel.h), in the kernel's order
 * (inode_doinit_with_dentry): the label stored for the file (chcon,
 * restorecon, a creation); else its file system's mount context
 * (context=); else the policy's default for the file system.
 */
#ifndef NSLSM_BPF_SE_FILE_H
#define NSLSM_BPF_SE_FILE_H

#define SE_SECINITSID_FILE 5	/* the kernel's SECINITSID_FILE */

/*
 * The policy's default for inode's file system: fs_use_* / genfscon, else
 * the `file` initial SID. Only the last yet: fs_use and genfscon are not in
 * the maps (user space's `selinux label` applies them, src/selinux/
 * filecon.c); the SID table's helper brings them, and its
 * se_inode_sid's fallback replaces this function.
 */
static __always_inline __u32 se_inode_sid_default(__u32 ns_id, struct inode *inode)
{
	return SE_SECINITSID_FILE;
}

/* inode's SID in namespace ns_id: what file hooks and exec checks ask.
 * A subprogram of its own: its stack is not added to the caller's deepest
 * call chain (file_open's AppArmor walk). */
static __noinline __u32 se_inode_sid(__u32 ns_id, struct inode *inode)
{
	__u32 sid;

	if (objlabel_get(NSLSM_MOD_SELINUX, ns_id, inode, &sid))
		return sid;
	if (objlabel_get_fs(NSLSM_MOD_SELINUX, ns_id, inode, &sid))
		return sid;
	return se_inode_sid_default(ns_id, inode);
}

/*
 * Hook point for files created by enrolled tasks (type_transition, name
 * transitions, default_*): once the SID table can give a computed context
 * a SID in BPF, inode_init_security/d_instantiate computes the new file's
 * SID and stores it with objlabel_set(NSLSM_MOD_SELINUX, ns_id, inode,
 * sid). Such a label lives as long as the load (user space never sees
 * it): to persist, nslsmd must collect them (not built).
 */

/*
 * d_instantiate, where the kernel's SELinux initializes an inode's label
 * (inode_doinit_with_dentry): for an enrolled task of a namespace with
 * the module, the inode's SID is looked up, which fills the store's cache
 * on the inode, so later hooks find it there. Nothing is decided yet
 * (file mediation comes next); the lookup is counted in the store's
 * counters (`nslsm status`), and it is the hot path file hooks will use,
 * verified on every kernel. In a subprogram of its own so that no
 * caller's frame grows.
 */
static __noinline int se_inode_doinit(struct inode *inode)
{
	__u32 ns_id = blob_ns(task_blob(bpf_get_current_task_btf()));
	struct nslsm_ns *ns;

	if (!ns_id)
		return 0;
	ns = ns_get(ns_id);
	if (ns && (ns->modules & MODULE_BIT(NSLSM_MOD_SELINUX)))
		se_inode_sid(ns_id, inode);
	return 0;
}

static __always_inline int selinux_d_instantiate(struct subject *s, struct dentry *dentry,
						 struct inode *inode)
{
	return se_inode_doinit(inode);
}

#endif /* NSLSM_BPF_SE_FILE_H */
