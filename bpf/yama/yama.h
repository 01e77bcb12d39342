/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Yama, namespaced: the kernel's ptrace_scope rules, decided per nslsm
 * namespace. The reference decision in plain C is src/yama/yama.c; the two
 * must agree.
 *
 *   0 classic     no extra restriction
 *   1 relational  attach only to descendants, or to a task that declared the
 *                 tracer with prctl(PR_SET_PTRACER), or with CAP_SYS_PTRACE
 *                 in the target's user namespace
 *   2 admin       attach only with CAP_SYS_PTRACE in the target's user ns
 *   3 none        no attach at all
 */
#ifndef NSLSM_BPF_YAMA_H
#define NSLSM_BPF_YAMA_H

#define PR_SET_PTRACER 0x59616d61
#define PR_SET_PTRACER_ANY ((unsigned long)-1)
#define PTRACER_ANY_NR ((__u32)-1)

#define YAMA_SCOPE_RELATIONAL 1
#define YAMA_SCOPE_CAPABILITY 2
#define YAMA_SCOPE_NO_ATTACH 3

/* Live entries of the ptracers map; task_free skips its lookup at 0. */
__u64 ptracer_entries;

/*
 * ptracer_exception_found(): did the tracee's thread group declare the
 * tracer, or an ancestor of it, with PR_SET_PTRACER? The declared tracer
 * is remembered as a pid number in the tracee's pid namespace; a task that
 * started after the declaration cannot be it (pid reuse).
 */
static __always_inline bool yama_ptracer_exception(struct task_struct *tracer,
						   struct task_struct *tracee)
{
	struct task_struct *leader = group_leader(tracee);
	__u32 key = BPF_CORE_READ(leader, tgid);
	struct nslsm_ptracer *p = bpf_map_lookup_elem(&ptracers, &key);
	struct task_struct *walker = tracer;

	if (!p || p->tracee_start != BPF_CORE_READ(leader, start_time))
		return false;
	if (p->tracer_nr == PTRACER_ANY_NR)
		return true;
	for (int i = 0; i < NSLSM_MAX_ANCESTRY; i++) {
		__u32 nr;

		if (!walker || BPF_CORE_READ(walker, pid) <= 0)
			return false;
		walker = group_leader(walker);
		if (task_tgid_in_ns(walker, p->pidns_level, p->pidns_inum, &nr) &&
		    nr == p->tracer_nr && BPF_CORE_READ(walker, start_time) <= p->declared_at)
			return true;
		walker = BPF_CORE_READ(walker, real_parent);
	}
	return false;
}

/*
 * The scopes a subject's chain applies. Yama's scopes are nested: whatever
 * scope n denies, scope n+1 denies too. So the chain's verdict is the verdict
 * of its strictest enforcing level, and the costly walks over tasks run once
 * (twice when a stricter level is in complain mode), not once per level.
 * Ties go to the outermost level, which is the one audited.
 */
struct yama_chain {
	__u32 enforce_scope, enforce_ns;
	__u32 complain_scope, complain_ns;
};

static __always_inline bool yama_chain_get(const struct subject *s, struct yama_chain *y)
{
	bool any = false;

	y->enforce_scope = y->complain_scope = 0;
	y->enforce_ns = y->complain_ns = 0;
	FOR_EACH_LEVEL(s, ns, level, {
		__u32 scope = ns->yama.ptrace_scope;

		if (!(ns->modules & MODULE_BIT(NSLSM_MOD_YAMA)))
			continue;
		any = true;
		if (ns->complain & MODULE_BIT(NSLSM_MOD_YAMA)) {
			if (scope > y->complain_scope) {
				y->complain_scope = scope;
				y->complain_ns = ns->id;
			}
		} else if (scope > y->enforce_scope) {
			y->enforce_scope = scope;
			y->enforce_ns = ns->id;
		}
	});
	return any;
}

/* yama_ptrace_access_check(): may tracer attach to child under scope? */
static __always_inline int yama_scope_access_check(__u32 scope, struct task_struct *tracer,
						    struct task_struct *child, unsigned int mode)
{
	if (!(mode & PTRACE_MODE_ATTACH))
		return 0;
	switch (scope) {
	case 0:
		return 0;
	case YAMA_SCOPE_RELATIONAL:
		if (!task_pid_alive(child))
			return -EPERM;
		if (task_is_descendant(tracer, child) || yama_ptracer_exception(tracer, child) ||
		    cred_ns_capable(BPF_CORE_READ(tracer, cred), task_user_ns(child), CAP_SYS_PTRACE))
			return 0;
		return -EPERM;
	case YAMA_SCOPE_CAPABILITY:
		if (cred_ns_capable(BPF_CORE_READ(tracer, real_cred), task_user_ns(child),
				    CAP_SYS_PTRACE))
			return 0;
		return -EPERM;
	default:
		return -EPERM;
	}
}

/* yama_ptrace_traceme(): may current ask parent to trace it? */
static __always_inline int yama_scope_traceme(__u32 scope, struct task_struct *tracee,
					       struct task_struct *parent)
{
	switch (scope) {
	case YAMA_SCOPE_CAPABILITY:
		if (cred_ns_capable(BPF_CORE_READ(parent, real_cred),
				    BPF_CORE_READ(tracee, cred, user_ns), CAP_SYS_PTRACE))
			return 0;
		return -EPERM;
	case YAMA_SCOPE_NO_ATTACH:
		return -EPERM;
	default:
		return 0;
	}
}

/* Yama's decisions under `scope` for current (`task`) and `other`, as
 * functions of their own, so the verifier checks the walks over tasks once
 * per program. traceme: `task` asks `other` (its parent) to trace it. */
__noinline int yama_access_g(__u32 scope, __u64 task, __u64 other, __u32 mode)
{
	return yama_scope_access_check(scope, (struct task_struct *)task,
				       (struct task_struct *)other, mode);
}

__noinline int yama_traceme_g(__u32 scope, __u64 task, __u64 other)
{
	return yama_scope_traceme(scope, (struct task_struct *)task, (struct task_struct *)other);
}

/*
 * prctl(PR_SET_PTRACER, pid): remember the tracee's declaration. Returns
 * false when the table is full (counted; the exception is then not
 * granted: fail closed).
 */
static __always_inline bool yama_ptracer_declare(struct task_struct *tracee, unsigned long arg2)
{
	struct task_struct *leader = group_leader(tracee);
	__u32 key = BPF_CORE_READ(leader, tgid);
	struct nslsm_ptracer p = {};

	if (arg2 == 0) {
		if (bpf_map_delete_elem(&ptracers, &key) == 0)
			__sync_fetch_and_add(&ptracer_entries, -1);
		return true;
	}
	p.tracee_start = BPF_CORE_READ(leader, start_time);
	p.declared_at = bpf_ktime_get_ns();
	p.tracer_nr = arg2 == PR_SET_PTRACER_ANY ? PTRACER_ANY_NR : (__u32)arg2;
	task_pidns(tracee, &p.pidns_level, &p.pidns_inum);
	if (bpf_map_update_elem(&ptracers, &key, &p, BPF_EXIST) == 0)
		return true;
	if (bpf_map_update_elem(&ptracers, &key, &p, BPF_NOEXIST) == 0) {
		__sync_fetch_and_add(&ptracer_entries, 1);
		return true;
	}
	STAT_INC(ptracer_full);
	return false;
}

/* The tracee's thread group is gone: forget its declaration. task_free
 * runs in any context (often an RCU callback): no subject. */
static __always_inline int yama_task_free(struct subject *s, struct task_struct *task)
{
	struct nslsm_ptracer *p;
	__u32 key;

	if (!ptracer_entries || group_leader(task) != task)
		return 0;
	key = BPF_CORE_READ(task, tgid);
	p = bpf_map_lookup_elem(&ptracers, &key);
	/* The pid may already be reused by a group that declared anew. */
	if (!p || p->tracee_start != BPF_CORE_READ(task, start_time))
		return 0;
	if (bpf_map_delete_elem(&ptracers, &key) == 0)
		__sync_fetch_and_add(&ptracer_entries, -1);
	return 0;
}

/*
 * Yama over the subject's chain: the strictest enforcing level decides; a
 * stricter level in complain mode is audited. `other` is the tracee for an
 * attach, the would-be tracer for PTRACE_TRACEME.
 */
static __always_inline int yama_chain_verdict(const struct subject *s, struct audit_event *ev,
					      struct task_struct *other, unsigned int mode,
					      bool traceme)
{
	struct yama_chain y;
	struct nslsm_ns *ns;
	int rc = 0;

	if (!yama_chain_get(s, &y))
		return 0;
	if (y.enforce_scope) {
		rc = traceme ? yama_traceme_g(y.enforce_scope, task_addr(s->task), task_addr(other))
			     : yama_access_g(y.enforce_scope, task_addr(s->task), task_addr(other), mode);
		ns = ns_get(y.enforce_ns);
		if (rc && ns) {
			ev->detail = y.enforce_scope;
			return module_verdict(s, ns, NSLSM_MOD_YAMA, rc, ev);
		}
	}
	if (y.complain_scope > y.enforce_scope) {
		rc = traceme ? yama_traceme_g(y.complain_scope, task_addr(s->task), task_addr(other))
			     : yama_access_g(y.complain_scope, task_addr(s->task), task_addr(other), mode);
		ns = ns_get(y.complain_ns);
		if (rc && ns) {
			ev->detail = y.complain_scope;
			module_verdict(s, ns, NSLSM_MOD_YAMA, rc, ev);
		}
	}
	return 0;
}

static __always_inline int yama_ptrace_access_check(struct subject *s, struct task_struct *child,
						    unsigned int mode)
{
	struct audit_event ev = { .hook = NSLSM_HOOK_ptrace_access_check, .request = mode,
				  .target = child };

	return yama_chain_verdict(s, &ev, child, mode, false);
}

/* PTRACE_TRACEME: the subject is the tracee, checked in its own chain
 * (none when the core found nothing to check: s->levels is 0). */
static __always_inline int yama_ptrace_traceme(struct subject *s, struct task_struct *parent)
{
	struct audit_event ev = { .hook = NSLSM_HOOK_ptrace_traceme, .target = parent };

	return yama_chain_verdict(s, &ev, parent, 0, true);
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
static __always_inline int yama_task_prctl(struct subject *s, int option, unsigned long arg2,
					   unsigned long arg3, unsigned long arg4,
					   unsigned long arg5)
{
	struct nslsm_config *cfg;
	bool yama_on_chain = false;

	if (option != PR_SET_PTRACER)
		return 0;
	if (subject_get(s)) {
		FOR_EACH_LEVEL(s, ns, level, {
			if (ns->modules & MODULE_BIT(NSLSM_MOD_YAMA))
				yama_on_chain = true;
		});
	}
	cfg = config_get();
	if (!yama_on_chain && !(cfg && cfg->kernel_yama))
		return 0;
	if (!yama_ptracer_declare(s->task, arg2))
		return -ENOMEM;
	return 0;
}

#endif /* NSLSM_BPF_YAMA_H */
