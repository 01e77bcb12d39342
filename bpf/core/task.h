/* SPDX-License-Identifier: GPL-2.0 */
/* Task lifecycle: blob inheritance at fork. */
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

#endif /* NSLSM_BPF_CORE_TASK_H */
