/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel facts BPF has to compute itself: task ancestry, pid numbers in a
 * pid namespace, capabilities in a user namespace. Each mirrors the kernel
 * function named in its comment, with a bounded loop.
 */
#ifndef NSLSM_BPF_KERNEL_FACTS_H
#define NSLSM_BPF_KERNEL_FACTS_H

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define ENOTDIR 20
#define EINVAL 22
#define ENAMETOOLONG 36
#define ELOOP 40
#define EOPNOTSUPP 95

#define BPF_FS_MAGIC 0xcafe4a11
#define PTRACE_MODE_ATTACH 0x02
#define PTRACE_MODE_NOAUDIT 0x04
#define CAP_SYS_PTRACE 19

static __always_inline struct task_struct *group_leader(struct task_struct *t)
{
	return BPF_CORE_READ(t, group_leader);
}

/*
 * task_is_descendant(parent, child) of security/yama: is child parent's
 * thread group or below it? Walks real_parent of group leaders.
 */
static __always_inline bool task_is_descendant(struct task_struct *parent,
					       struct task_struct *child)
{
	struct task_struct *walker = child;

	if (!parent || !child)
		return false;
	parent = group_leader(parent);
	for (int i = 0; i < NSLSM_MAX_ANCESTRY; i++) {
		if (BPF_CORE_READ(walker, pid) <= 0)
			return false;
		walker = group_leader(walker);
		if (walker == parent)
			return true;
		walker = BPF_CORE_READ(walker, real_parent);
		if (!walker)
			return false;
	}
	return false;
}

/* A task pointer as a plain number, for global functions (the verifier
 * passes them scalars only; their reads are probe reads anyway). */
static __always_inline __u64 task_addr(const struct task_struct *t)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &t);
	return v;
}

/* pid_alive(): the task has not been released yet. */
static __always_inline bool task_pid_alive(struct task_struct *t)
{
	return BPF_CORE_READ(t, thread_pid) != NULL;
}

/* The effective capability set of a cred, as 64 bits on every kernel. */
static __always_inline __u64 cred_cap_effective(const struct cred *cred)
{
	__u64 caps = 0;

	/*
	 * kernel_cap_t is u32[2] up to 6.2 and one u64 after: on little
	 * endian both layouts read as the same 64-bit value.
	 */
	bpf_probe_read_kernel(&caps, sizeof(caps), &cred->cap_effective);
	return caps;
}

/*
 * cap_capable(cred, target_ns, cap): the commoncap rule. The cred has cap
 * in target_ns if it has it in its own user ns and that is target_ns or an
 * ancestor of it, or if it owns a child of its ns on the way up.
 */
static __always_inline bool cred_ns_capable(const struct cred *cred,
					    struct user_namespace *target_ns, int cap)
{
	struct user_namespace *ns = target_ns;
	struct user_namespace *cred_ns = BPF_CORE_READ(cred, user_ns);
	int cred_level = BPF_CORE_READ(cred_ns, level);
	__u32 euid = BPF_CORE_READ(cred, euid.val);

	for (int i = 0; i < NSLSM_MAX_USERNS_DEPTH; i++) {
		struct user_namespace *parent;

		if (!ns)
			return false;
		if (ns == cred_ns)
			return cred_cap_effective(cred) & (1ull << cap);
		if (BPF_CORE_READ(ns, level) <= cred_level)
			return false;
		parent = BPF_CORE_READ(ns, parent);
		if (parent == cred_ns && BPF_CORE_READ(ns, owner.val) == euid)
			return true;
		ns = parent;
	}
	return false;
}

/* The user namespace of a task's objective credentials. */
static __always_inline struct user_namespace *task_user_ns(struct task_struct *t)
{
	return BPF_CORE_READ(t, real_cred, user_ns);
}

/* The level and inode number of a task's active pid namespace. */
static __always_inline void task_pidns(struct task_struct *t, __u32 *level, __u32 *inum)
{
	struct pid *pid = BPF_CORE_READ(t, thread_pid);
	struct upid upid = {};
	unsigned int l = BPF_CORE_READ(pid, level);

	*level = l;
	*inum = 0;
	if (l >= NSLSM_MAX_USERNS_DEPTH)
		return;
	bpf_probe_read_kernel(&upid, sizeof(upid), &pid->numbers[l]);
	*inum = BPF_CORE_READ(upid.ns, ns.inum);
}

/* The task's thread-group id as seen in the pid namespace (level, inum). */
static __always_inline bool task_tgid_in_ns(struct task_struct *t, __u32 level, __u32 inum,
					    __u32 *nr)
{
	struct pid *pid = BPF_CORE_READ(t, group_leader, thread_pid);
	struct upid upid = {};

	if (!pid || level >= NSLSM_MAX_USERNS_DEPTH || BPF_CORE_READ(pid, level) < level)
		return false;
	bpf_probe_read_kernel(&upid, sizeof(upid), &pid->numbers[level]);
	if (BPF_CORE_READ(upid.ns, ns.inum) != inum)
		return false;
	*nr = upid.nr;
	return true;
}

#endif /* NSLSM_BPF_KERNEL_FACTS_H */
