/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Task blobs and the namespace chain: who is the subject, and which
 * namespaces' modules must agree before it may act.
 */
#ifndef NSLSM_BPF_BLOB_H
#define NSLSM_BPF_BLOB_H

/* A task without any BPF local storage has no blob: one load decides it,
 * without the lookup helper's locking (the common case: a task that was
 * never enrolled). */
static __always_inline struct nslsm_task_blob *task_blob(struct task_struct *task)
{
	if (bpf_core_field_exists(task->bpf_storage) && !task->bpf_storage)
		return NULL;
	return bpf_task_storage_get(&task_blobs, task, 0, 0);
}

static __always_inline bool blob_enrolled(const struct nslsm_task_blob *b)
{
	return b && (b->flags & NSLSM_TASK_ENROLLED);
}

/* The namespace a task is checked in; unenrolled tasks are in host. */
static __always_inline __u32 blob_ns(const struct nslsm_task_blob *b)
{
	__u32 d;

	if (!blob_enrolled(b))
		return 0;
	d = b->depth;
	if (d >= NSLSM_MAX_DEPTH)
		return 0;
	return b->level[d].ns_id;
}

/*
 * The subject of a decision: the current task, its blob (NULL when never
 * enrolled) and the number of namespace levels to check.
 */
struct subject {
	struct task_struct *task;
	struct nslsm_task_blob *blob;
	__u32 levels;	/* 0: nothing to check at all (fast path) */
};

/*
 * Fill the subject. Returns false when no namespace on the task's chain
 * could have an opinion: an unenrolled task while host enables no module
 * and audits nothing.
 * This is the whole cost nslsm adds to an unenrolled task on most hooks.
 */
static __always_inline bool subject_get(struct subject *s)
{
	struct nslsm_ns *host;

	s->task = bpf_get_current_task_btf();
	s->blob = task_blob(s->task);
	if (blob_enrolled(s->blob)) {
		s->levels = s->blob->depth + 1;
		if (s->levels > NSLSM_MAX_DEPTH)
			s->levels = NSLSM_MAX_DEPTH;
		return true;
	}
	host = ns_get(0);
	if (!host || !(host->modules | host->audit.net)) {
		s->levels = 0;
		return false;
	}
	s->levels = 1;
	return true;
}

/* The enrolled subject, or false: self-protection and AppArmor bind
 * enrolled tasks only (levels is left 0: callers that walk the chain set
 * it). */
static __always_inline bool enrolled_subject(struct subject *s)
{
	s->task = bpf_get_current_task_btf();
	s->blob = task_blob(s->task);
	s->levels = 0;
	return blob_enrolled(s->blob);
}

static __always_inline __u32 subject_level_ns(const struct subject *s, __u32 i)
{
	if (!blob_enrolled(s->blob) || i >= NSLSM_MAX_DEPTH)
		return 0;
	return s->blob->level[i].ns_id;
}

#endif /* NSLSM_BPF_BLOB_H */
