/* SPDX-License-Identifier: GPL-2.0 */
/* Task-to-task hooks: ptrace (and /proc/PID/mem, pidfd_getfd...), signals. */
#ifndef NSLSM_BPF_CORE_PTRACE_H
#define NSLSM_BPF_CORE_PTRACE_H

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

#define AA_PTRACE_MODE_READ 0x01

static __always_inline bool task_protected(struct task_struct *t)
{
	struct nslsm_task_blob *b = task_blob(t);

	return b && (b->flags & NSLSM_TASK_PROTECTED);
}

/*
 * Every access check (attach, /proc/PID/mem, process_vm_readv,
 * pidfd_getfd, even PTRACE_MODE_READ) of an nslsm control process from an
 * enrolled task is refused; then Yama of each level decides on attaches,
 * AppArmor on both sides, and last the boundary on every mode.
 */
static __always_inline int hook_ptrace_access_check(struct task_struct *child, unsigned int mode)
{
	struct audit_event ev = { .hook = NSLSM_HOOK_ptrace_access_check, .request = mode,
				  .target = child };
	struct subject s;
	int rc;

	if (!subject_get(&s))
		return 0;
	if (blob_enrolled(s.blob) && task_protected(child))
		return self_deny(&s, NSLSM_HOOK_ptrace_access_check, mode, child, NULL);
	rc = yama_chain_verdict(&s, &ev, child, mode, false);
	if (rc)
		return rc;
	rc = aa_ptrace(NSLSM_HOOK_ptrace_access_check, s.task, child,
		       (mode & AA_PTRACE_MODE_READ) ? AA_MAY_READ : AA_MAY_WRITE);
	if (rc || !blob_enrolled(s.blob))
		return rc;
	return boundary_check(&s, BOUNDARY_PTRACE, NSLSM_HOOK_ptrace_access_check, mode, child,
			      !(mode & PTRACE_MODE_NOAUDIT));
}

/* PTRACE_TRACEME: the subject is the tracee, checked in its own chain. */
static __always_inline int hook_ptrace_traceme(struct task_struct *parent)
{
	struct audit_event ev = { .hook = NSLSM_HOOK_ptrace_traceme, .target = parent };
	struct subject s;
	int rc = 0;

	/* an unenrolled tracee may still be asked for by a confined parent */
	if (subject_get(&s))
		rc = yama_chain_verdict(&s, &ev, parent, 0, true);
	if (rc)
		return rc;
	rc = aa_ptrace(NSLSM_HOOK_ptrace_traceme, parent, s.task, AA_MAY_WRITE);
	if (rc || !blob_enrolled(s.blob))
		return rc;
	/* a tracer outside the subtree would act on the task from outside */
	return boundary_check(&s, BOUNDARY_PTRACE, NSLSM_HOOK_ptrace_traceme, 0, parent, true);
}

/*
 * A signal the kernel sends for an earlier requester (USB async I/O, to
 * the owner that asked for it) comes with that requester's cred; every
 * other caller passes NULL, and then `current` is the sender. The pointer
 * is not compared with NULL (since 6.x the verifier takes hook pointer
 * arguments as non-NULL and would drop the test as dead code): a read
 * through NULL yields 0, and a real cred always has a user namespace.
 */
static __always_inline bool signal_for_requester(const struct cred *cred)
{
	return BPF_CORE_READ(cred, user_ns) != NULL;
}

/*
 * Signals to nslsm control processes, then AppArmor, then the boundary.
 * nslsm's processes do no USB async I/O, so a signal for a requester never
 * targets them. The kernel's own notifications (SIGCHLD to the parent,
 * SIGIO/SIGURG to a file's owner, tty job control) do not reach this hook.
 */
static __always_inline int hook_task_kill(struct task_struct *p, struct kernel_siginfo *info,
					  int sig, const struct cred *cred)
{
	struct subject s = { .task = bpf_get_current_task_btf() };
	int rc;

	s.blob = task_blob(s.task);
	if (blob_enrolled(s.blob) && task_protected(p))
		return self_deny(&s, NSLSM_HOOK_task_kill, sig, p, NULL);
	rc = aa_task_kill(p, sig);
	if (rc || !blob_enrolled(s.blob) || signal_for_requester(cred))
		return rc;
	return boundary_check(&s, BOUNDARY_SIGNAL, NSLSM_HOOK_task_kill, sig, p, true);
}

#endif /* NSLSM_BPF_CORE_PTRACE_H */
