/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AppArmor on a task's privileges and its acts on other tasks:
 * capabilities, signals and ptrace.
 */
#ifndef NSLSM_BPF_APPARMOR_TASK_H
#define NSLSM_BPF_APPARMOR_TASK_H

static __always_inline int aa_capable(const struct cred *cred, int cap, unsigned int opts)
{
	struct aa_query q = { .hook = NSLSM_HOOK_capable, .request = 1, .deny_err = -EPERM,
			      .kind = AA_KIND_CAP };
	struct task_struct *task;
	struct subject s;

	if (!aa_subject(&s))
		return 0;
	task = s.task;
	if (BPF_CORE_READ(task, cred) != cred)
		return 0;	/* a check on another task's credentials */
	q.family = cap;
	q.ouid = cap;	/* the record's "capability" */
	q.noaudit = !!(opts & AA_CAP_OPT_NOAUDIT);
	return aa_check_small_g(&q);
}

static __always_inline int apparmor_capable(struct subject *s, const struct cred *cred,
					    struct user_namespace *ns, int cap, unsigned int opts)
{
	return aa_capable(cred, cap, opts);
}

/* One side of a task-to-task check: the checking task's labels per level,
 * and the peer's (per-CPU scratch: too big for the stack). */
struct aa_sig_req {
	__u32 kind;		/* AA_KIND_SIGNAL, AA_KIND_PTRACE */
	__u32 hook;
	__u32 tracee_side;	/* ptrace: the checker is the tracee */
	__u32 signal;		/* AppArmor's number */
	__u32 request;		/* signal: AA_MAY_WRITE send, AA_MAY_READ receive;
				 * ptrace: AppArmor's trace/read bits */
	__u32 n_checker;
	__u32 n_peer;
	__u32 checker_ns[NSLSM_MAX_DEPTH];
	__u32 checker_label[NSLSM_MAX_DEPTH];
	__u32 peer_ns[NSLSM_MAX_DEPTH];
	__u32 peer_label[NSLSM_MAX_DEPTH];
	__s32 rc;
	__u32 pad;
	struct aa_query q;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct aa_sig_req);
} aa_sig_scratch SEC(".maps");

/* Write the name of `label` ("unconfined", "A", "A//&B") at AA_AUX_PEER of
 * scratch buffer 1, as AppArmor matches a peer; returns its length. */
__noinline int aa_label_name_g(__u32 label)
{
	struct aa_scratch *sc;
	__u32 zero = 0, off = 0;
	char *b;

	sc = bpf_map_lookup_elem(&aa_scratch, &zero);
	if (!sc)
		return 0;
	b = sc->buf[1];
	if (!label) {
		__builtin_memcpy(b + AA_AUX_PEER, "unconfined", 11);
		return 10;
	}
#pragma unroll
	for (__u32 k = 0; k < NSLSM_AA_MAX_STACK; k++) {
		__u32 id = aa_label_component(label, k);
		struct nslsm_aa_profile *p;
		long n;

		if (!id)
			break;
		p = bpf_map_lookup_elem(&aa_profiles, &id);
		if (!p)
			break;
		if (k) {
			b[AA_AUX_PEER + (off & 511)] = '/';
			b[AA_AUX_PEER + ((off + 1) & 511)] = '/';
			b[AA_AUX_PEER + ((off + 2) & 511)] = '&';
			off += 3;
		}
		n = bpf_probe_read_kernel_str(b + AA_AUX_PEER + (off & 511), NSLSM_AA_NAME_MAX,
					      p->name);
		if (n > 1)
			off += n - 1;
	}
	return off & 1023;
}

struct aa_sig_ctx {
	struct aa_sig_req *r;
};

static long aa_sig_cb(__u32 level, void *vctx)
{
	struct aa_sig_req *r = ((struct aa_sig_ctx *)vctx)->r;
	struct nslsm_ns *ns;
	__u32 l = level, label, peer = 0, len;
	int rc = 0;

	if (l >= r->n_checker || l >= NSLSM_MAX_DEPTH)
		return 1;
	asm volatile("" : "+r"(l));
	l &= NSLSM_MAX_DEPTH - 1;
	label = r->checker_label[l];
	if (!label)
		return 0;
	ns = ns_get(r->checker_ns[l]);
	if (!ns || !(ns->modules & AA_MOD_BIT))
		return 0;
	/* the peer's label at this level, if it lives in the same namespace */
	if (l < r->n_peer && r->peer_ns[l] == r->checker_ns[l])
		peer = r->peer_label[l];
	/* the tracee's profiles judge only confined tracers */
	if (r->tracee_side && !peer)
		return 0;
	len = aa_label_name_g(peer);
	r->q.policy_ns = ns->id;
	r->q.ns_mode = ns->aa_mode;
	r->q.kind = r->kind;
	r->q.hook = r->hook;
	r->q.deny_err = -EACCES;
	r->q.family = r->signal;
	r->q.type = len;
	r->q.peer = peer;
	r->q.tracee_side = r->tracee_side;
	rc = aa_query_label(&r->q, label, r->request);
	if (rc) {
		r->rc = rc;
		return 1;
	}
	return 0;
}

__noinline int aa_signal_side(struct aa_sig_req *r)
{
	struct aa_sig_ctx c = { .r = r };

	if (!r)
		return 0;
	r->rc = 0;
	bpf_loop(NSLSM_MAX_DEPTH, aa_sig_cb, &c, 0);
	return r->rc;
}

static __always_inline void aa_sig_fill(__u32 *n, __u32 *ns, __u32 *label,
					const struct nslsm_task_blob *b)
{
	*n = 0;
	if (!blob_enrolled(b))
		return;
	*n = b->depth + 1;
	for (int l = 0; l < NSLSM_MAX_DEPTH; l++) {
		ns[l] = b->level[l].ns_id;
		label[l] = b->level[l].label[NSLSM_MOD_APPARMOR];
	}
}

/* AppArmor's signal numbers: the kernel's below SIGRTMIN, real-time
 * signals from 128, anything else "unknown" (0). */
static __always_inline __u32 aa_map_signal(int sig)
{
	if (sig < 0 || sig > 64)
		return 0;
	if (sig >= 32)
		return 128 + sig - 32;
	return sig;
}

/* The sender's profiles must let it send, the target's let it receive. */
static __always_inline int aa_task_kill(struct task_struct *target, int sig)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct nslsm_task_blob *sb = task_blob(task), *tb = task_blob(target);
	struct aa_sig_req *r;
	__u32 zero = 0;
	int rc;

	if (!blob_enrolled(sb) && !blob_enrolled(tb))
		return 0;
	r = bpf_map_lookup_elem(&aa_sig_scratch, &zero);
	if (!r)
		return 0;
	r->kind = AA_KIND_SIGNAL;
	r->hook = NSLSM_HOOK_task_kill;
	r->tracee_side = 0;
	r->signal = aa_map_signal(sig);
	r->request = AA_MAY_WRITE;
	aa_sig_fill(&r->n_checker, r->checker_ns, r->checker_label, sb);
	aa_sig_fill(&r->n_peer, r->peer_ns, r->peer_label, tb);
	rc = aa_signal_side(r);
	if (rc)
		return rc;
	r->request = AA_MAY_READ;
	aa_sig_fill(&r->n_checker, r->checker_ns, r->checker_label, tb);
	aa_sig_fill(&r->n_peer, r->peer_ns, r->peer_label, sb);
	return aa_signal_side(r);
}

/*
 * ptrace, as AppArmor checks it: the tracer's profiles must allow tracing
 * (or reading) the tracee's label, then the tracee's profiles must allow
 * being traced (read) by the tracer's, AppArmor's request shifted by two
 * bits. A profile without ptrace rules checks only as a tracer: its own
 * label passes, any other needs CAP_SYS_PTRACE in the profile.
 */
#define AA_PTRACE_PERM_SHIFT 2

static __always_inline int aa_ptrace(__u16 hook, struct task_struct *tracer,
				     struct task_struct *tracee, __u32 request)
{
	struct nslsm_task_blob *rb = task_blob(tracer), *eb = task_blob(tracee);
	struct aa_sig_req *r;
	__u32 zero = 0;
	int rc;

	if (!blob_enrolled(rb) && !blob_enrolled(eb))
		return 0;
	r = bpf_map_lookup_elem(&aa_sig_scratch, &zero);
	if (!r)
		return 0;
	r->kind = AA_KIND_PTRACE;
	r->hook = hook;
	r->signal = 0;
	r->tracee_side = 0;
	r->request = request;
	aa_sig_fill(&r->n_checker, r->checker_ns, r->checker_label, rb);
	aa_sig_fill(&r->n_peer, r->peer_ns, r->peer_label, eb);
	rc = aa_signal_side(r);
	if (rc)
		return rc;
	r->tracee_side = 1;
	r->request = request << AA_PTRACE_PERM_SHIFT;
	aa_sig_fill(&r->n_checker, r->checker_ns, r->checker_label, eb);
	aa_sig_fill(&r->n_peer, r->peer_ns, r->peer_label, rb);
	return aa_signal_side(r);
}

static __always_inline int apparmor_task_kill(struct subject *s, struct task_struct *p,
					      struct kernel_siginfo *info, int sig,
					      const struct cred *cred)
{
	return aa_task_kill(p, sig);
}

#define AA_PTRACE_MODE_READ 0x01

/* Both sides of an access check (attach, /proc/PID/mem...): the tracer
 * is the subject the core found. */
static __always_inline int apparmor_ptrace_access_check(struct subject *s,
							struct task_struct *child,
							unsigned int mode)
{
	return aa_ptrace(NSLSM_HOOK_ptrace_access_check, s->task, child,
			 (mode & AA_PTRACE_MODE_READ) ? AA_MAY_READ : AA_MAY_WRITE);
}

/* PTRACE_TRACEME: the subject is the tracee. */
static __always_inline int apparmor_ptrace_traceme(struct subject *s, struct task_struct *parent)
{
	return aa_ptrace(NSLSM_HOOK_ptrace_traceme, parent, s->task, AA_MAY_WRITE);
}

#endif /* NSLSM_BPF_APPARMOR_TASK_H */
