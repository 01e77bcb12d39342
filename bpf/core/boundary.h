/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The namespace boundary: an enrolled task may ptrace, signal, reschedule
 * or limit only tasks of its own namespace subtree, whatever modules its
 * namespaces run. Like self-protection it is part of the core, on for every
 * namespace; an ancestor lifts it with boundary.KEY (enum
 * nslsm_boundary_rule).
 *
 * Cost: nothing for an unenrolled subject beyond the blob lookup its hook
 * already made. An enrolled subject pays one lookup of the target's blob;
 * only a target outside the subtree costs one namespace lookup per level.
 */
#ifndef NSLSM_BPF_CORE_BOUNDARY_H
#define NSLSM_BPF_CORE_BOUNDARY_H

#define PTRACE_MODE_NOAUDIT 0x04

/*
 * Is `tb` in the subtree of the namespace of `sb` (an enrolled blob)?
 * Exactly when the target's chain holds the subject's namespace at the
 * subject's own level: the host, an ancestor's own tasks and a sibling's
 * are outside; the subject's namespace and its descendants are inside.
 */
static __always_inline bool boundary_inside(const struct nslsm_task_blob *sb,
					    const struct nslsm_task_blob *tb)
{
	__u32 d = sb->depth;

	if (!blob_enrolled(tb) || d >= NSLSM_MAX_DEPTH || tb->depth < d)
		return false;
	return tb->level[d].ns_id == sb->level[d].ns_id;
}

/* Which setting of struct nslsm_boundary_conf a hook is bound by. */
enum boundary_kind {
	BOUNDARY_PTRACE,
	BOUNDARY_SIGNAL,
	BOUNDARY_SCHED,
};

static __always_inline __u32 boundary_conf_rule(const struct nslsm_ns *ns, enum boundary_kind k)
{
	if (k == BOUNDARY_PTRACE)
		return ns->boundary.ptrace;
	if (k == BOUNDARY_SIGNAL)
		return ns->boundary.signal;
	return ns->boundary.sched;
}

/*
 * The rule that binds the subject: the strictest of its namespaces' own
 * (host, level 0, has none), so no child relaxes what an ancestor set even
 * for the moment before user space has tightened the child's slot too.
 * *decider is the namespace whose rule it is (the outermost of equals). A
 * namespace that is gone denies.
 */
static __always_inline __u32 boundary_rule(const struct nslsm_task_blob *sb, enum boundary_kind k,
					   __u32 *decider)
{
	__u32 rule = NSLSM_BOUNDARY_ALLOW;

	*decider = 0;
	for (__u32 i = 1; i < NSLSM_MAX_DEPTH; i++) {
		struct nslsm_ns *ns;
		__u32 r;

		if (i > sb->depth)
			break;
		ns = ns_get(sb->level[i].ns_id);
		if (!ns) {
			*decider = sb->level[i].ns_id;
			return NSLSM_BOUNDARY_DENY;
		}
		r = boundary_conf_rule(ns, k);
		if (r < rule) {
			rule = r;
			*decider = ns->id;
		}
	}
	return rule;
}

/*
 * boundary.signal=parent: the target is the process that entered the
 * sender's line into its namespace (the parent of `nslsm run`), and still
 * one of the sender's ancestors, so a later holder of the same pid is not.
 */
static __always_inline bool boundary_entry_process(const struct subject *s,
						   struct task_struct *target)
{
	__u32 entry = s->blob->entry_tgid;

	return entry && (__u32)BPF_CORE_READ(target, tgid) == entry &&
	       task_is_descendant(target, s->task);
}

/*
 * The verdict on the enrolled subject `s` acting on `target`: 0 inside
 * its subtree or where its namespaces allow, else -EPERM with a record
 * (none when `audited` is false: the kernel asked for none, PTRACE_MODE_NOAUDIT).
 */
static __always_inline int boundary_check(const struct subject *s, enum boundary_kind k,
					  __u16 hook, __u32 request, struct task_struct *target,
					  bool audited)
{
	struct nslsm_task_blob *tb = task_blob(target);
	__u32 rule, decider;

	if (boundary_inside(s->blob, tb))
		return 0;
	rule = boundary_rule(s->blob, k, &decider);
	if (rule == NSLSM_BOUNDARY_ALLOW)
		return 0;
	if (rule == NSLSM_BOUNDARY_PARENT && k == BOUNDARY_SIGNAL &&
	    boundary_entry_process(s, target))
		return 0;
	if (!audited) {
		STAT_INC(denials);
		return -EPERM;
	}
	return core_deny(s, NSLSM_SOURCE_BOUNDARY, decider, hook, request, rule, target, NULL);
}

/*
 * Scheduling and limits of another task (setpriority, sched_setscheduler,
 * sched_setparam/setattr/setaffinity, ioprio_set, prlimit with new limits,
 * setpgid, migrate_pages/move_pages): inside the subtree only.
 */
static __always_inline int boundary_sched(__u16 hook, __u32 request, struct task_struct *p)
{
	struct subject s;

	if (!enrolled_subject(&s))
		return 0;
	return boundary_check(&s, BOUNDARY_SCHED, hook, request, p, true);
}

static __always_inline int hook_task_setnice(struct task_struct *p, int nice)
{
	return boundary_sched(NSLSM_HOOK_task_setnice, nice, p);
}

static __always_inline int hook_task_setioprio(struct task_struct *p, int ioprio)
{
	return boundary_sched(NSLSM_HOOK_task_setioprio, ioprio, p);
}

static __always_inline int hook_task_setscheduler(struct task_struct *p)
{
	return boundary_sched(NSLSM_HOOK_task_setscheduler, 0, p);
}

static __always_inline int hook_task_setrlimit(struct task_struct *p, unsigned int resource,
					       struct rlimit *new_rlim)
{
	return boundary_sched(NSLSM_HOOK_task_setrlimit, resource, p);
}

static __always_inline int hook_task_setpgid(struct task_struct *p, pid_t pgid)
{
	return boundary_sched(NSLSM_HOOK_task_setpgid, pgid, p);
}

static __always_inline int hook_task_movememory(struct task_struct *p)
{
	return boundary_sched(NSLSM_HOOK_task_movememory, 0, p);
}

#endif /* NSLSM_BPF_CORE_BOUNDARY_H */
