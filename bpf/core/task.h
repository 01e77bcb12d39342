/* SPDX-License-Identifier: GPL-2.0 */
/* Task lifecycle hooks: blob inheritance, exec, prctl. */
#ifndef NSLSM_BPF_CORE_TASK_H
#define NSLSM_BPF_CORE_TASK_H

/*
 * A child (process or thread) of an enrolled task starts in the same
 * namespaces with the same labels and container id. No storage for the
 * child means no confinement for it: refuse the fork instead (fail closed).
 */
static __always_inline int hook_task_alloc(struct task_struct *task, unsigned long clone_flags)
{
	struct nslsm_task_blob *parent, *child;

	parent = task_blob(bpf_get_current_task_btf());
	if (!blob_enrolled(parent))
		return 0;
	child = bpf_task_storage_get(&task_blobs, task, parent, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!child) {
		STAT_INC(blob_alloc_fail);
		return -ENOMEM;
	}
	child->flags &= ~NSLSM_TASK_PROTECTED;
	return 0;
}

/* task_free runs in any context (often an RCU callback): no `current`. */
static __always_inline int hook_task_free(struct task_struct *task)
{
	yama_task_free(task);
	return 0;
}

/*
 * PR_SET_PTRACER is remembered for the namespaced Yama whenever somebody
 * can act on it: the kernel's own Yama accepted it (we run after it), or
 * the caller's chain enables nslsm's Yama. A BPF LSM program cannot make a
 * prctl succeed (returning 0 means "no opinion", and the kernel goes on to
 * its own handling), so without the kernel's Yama the call still returns
 * EINVAL to the caller, but the declaration is honoured. Every other prctl
 * is left alone.
 */
static __always_inline int hook_task_prctl(int option, unsigned long arg2, unsigned long arg3,
					   unsigned long arg4, unsigned long arg5)
{
	struct nslsm_config *cfg;
	struct subject s;
	bool yama_on_chain = false;

	if (option == NSLSM_PRCTL)
		return aa_prctl(arg2, arg3, arg4, arg5);
	if (option != PR_SET_PTRACER)
		return 0;
	if (subject_get(&s)) {
		FOR_EACH_LEVEL(&s, ns, level, {
			if (ns->modules & MODULE_BIT(NSLSM_MOD_YAMA))
				yama_on_chain = true;
		});
	}
	cfg = config_get();
	if (!yama_on_chain && !(cfg && cfg->kernel_yama))
		return 0;
	if (!yama_ptracer_declare(s.task, arg2))
		return -ENOMEM;
	return 0;
}

#endif /* NSLSM_BPF_CORE_TASK_H */
