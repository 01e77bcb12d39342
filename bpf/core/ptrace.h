/* SPDX-License-Identifier: GPL-2.0 */
/* Task-to-task hooks: ptrace (and /proc/PID/mem, pidfd_getfd...), signals. */
#ifndef NSLSM_BPF_CORE_PTRACE_H
#define NSLSM_BPF_CORE_PTRACE_H

static __always_inline bool task_protected(struct task_struct *t)
{
	struct nslsm_task_blob *b = task_blob(t);

	return b && (b->flags & NSLSM_TASK_PROTECTED);
}

/*
 * Every access check (attach, /proc/PID/mem, process_vm_readv,
 * pidfd_getfd, even PTRACE_MODE_READ) of an nslsm control process from an
 * enrolled task is refused; then the modules decide, and last the
 * boundary on every mode.
 */
static __always_inline int hook_ptrace_access_check(struct task_struct *child, unsigned int mode)
{
	struct subject s;
	int rc;

	if (!subject_get(&s))
		return 0;
	if (blob_enrolled(s.blob) && task_protected(child))
		return self_deny(&s, NSLSM_HOOK_ptrace_access_check, mode, child, NULL);
	rc = modules_ptrace_access_check(&s, child, mode);
	if (rc || !blob_enrolled(s.blob))
		return rc;
	return boundary_check(&s, BOUNDARY_PTRACE, NSLSM_HOOK_ptrace_access_check, mode, child,
			      !(mode & PTRACE_MODE_NOAUDIT));
}

/* PTRACE_TRACEME: the subject is the tracee, checked in its own chain. */
static __always_inline int hook_ptrace_traceme(struct task_struct *parent)
{
	struct subject s;
	int rc;

	/* an unenrolled tracee may still be asked for by a confined parent:
	 * the modules are asked even when the chain has nothing to check */
	subject_get(&s);
	rc = modules_ptrace_traceme(&s, parent);
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
 * Signals to nslsm control processes, then the modules, then the boundary.
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
	rc = modules_task_kill(&s, p, info, sig, cred);
	if (rc || !blob_enrolled(s.blob) || signal_for_requester(cred))
		return rc;
	return boundary_check(&s, BOUNDARY_SIGNAL, NSLSM_HOOK_task_kill, sig, p, true);
}

#endif /* NSLSM_BPF_CORE_PTRACE_H */
