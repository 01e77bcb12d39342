/* SPDX-License-Identifier: GPL-2.0 */
/*
 * change_profile, change_onexec and change_hat, asked by an enrolled task
 * for itself with prctl(NSLSM_PRCTL, ...) (include/nslsm/prctl.h), with
 * the kernel's AppArmor rules:
 *
 *  - change_profile / change_onexec: the target must be a profile of the
 *    task's nslsm namespace; every profile of the task's label must allow
 *    it (the target's name matched in the file rules from the start state,
 *    change_profile or onexec permission); an unconfined task may change to
 *    any profile. change_onexec is checked again at exec: the executable
 *    must carry onexec permission, then NUL, then the target's name.
 *  - change_hat: the label (one profile) must be a profile with hats or a
 *    hat; the hat is "parent//hat" and must be flagged as a hat. The first
 *    change remembers the label and the token; a later change or the
 *    return must give the same token, or the task is killed.
 *  - no_new_privs: a confined task may only "change" to its own label.
 *
 * Only the task's own level changes; the labels its parents' namespaces
 * gave it keep bounding it.
 */
#ifndef NSLSM_BPF_APPARMOR_CHANGE_H
#define NSLSM_BPF_APPARMOR_CHANGE_H

#include "nslsm/prctl.h"

/* The name asked for, in scratch buffer 1, past the peer names. */
#define AA_CHANGE_NAME (AA_AUX_PEER + 256)
#define AA_SIGKILL 9
#define AA_PFA_NO_NEW_PRIVS 0x1	/* bit 0 of task->atomic_flags */

struct aa_hash_ctx {
	const char *b;
	__u32 len;
	__u32 pad;
	__u64 h;
};

static long aa_hash_cb(__u32 i, void *vctx)
{
	struct aa_hash_ctx *c = vctx;

	if (i >= c->len)
		return 1;
	c->h ^= (__u8)c->b[(AA_CHANGE_NAME + i) & (AA_BUF_SIZE - 1)];
	c->h *= NSLSM_AA_HASH_MUL;
	return 0;
}

struct aa_lookup_ctx {
	__u64 h;
	__u32 ns_id;
	__u32 found;
};

static long aa_lookup_cb(__u32 i, void *vctx)
{
	struct aa_lookup_ctx *c = vctx;
	struct nslsm_aa_profile *p;
	__u32 id = i + 1;

	p = bpf_map_lookup_elem(&aa_profiles, &id);
	if (!p)
		return 1;
	if ((p->flags & NSLSM_AA_P_IN_USE) && p->ns_id == c->ns_id && p->name_hash == c->h) {
		c->found = id;
		return 1;
	}
	return 0;
}

/*
 * The profile of nslsm namespace ns_id named by the `len` bytes at
 * AA_CHANGE_NAME of scratch buffer 1 (NUL-terminated), 0 if none: the
 * hash picks a candidate, the whole name must then be equal.
 */
__noinline int aa_find_by_name(__u32 ns_id, __u32 len)
{
	struct aa_hash_ctx hc = { 0 };
	struct aa_lookup_ctx lc = { 0 };
	struct aa_namecmp nc = { 0 };
	struct nslsm_aa_profile *p;
	struct aa_scratch *sc;
	__u32 zero = 0, id;

	sc = bpf_map_lookup_elem(&aa_scratch, &zero);
	if (!sc || !len || len >= NSLSM_AA_NAME_MAX)
		return 0;
	hc.b = sc->buf[1];
	hc.len = len;
	hc.h = NSLSM_AA_HASH_INIT | aa_opaque_zero();
	bpf_loop(NSLSM_AA_NAME_MAX, aa_hash_cb, &hc, 0);
	lc.h = hc.h;
	lc.ns_id = ns_id;
	lc.found = aa_opaque_zero();
	bpf_loop(NSLSM_AA_MAX_PROFILES - 1, aa_lookup_cb, &lc, 0);
	id = lc.found;
	if (!id)
		return 0;
	p = bpf_map_lookup_elem(&aa_profiles, &id);
	if (!p)
		return 0;
	nc.a = sc->buf[1];
	nc.pos = AA_CHANGE_NAME;
	nc.b = p->name;
	nc.differ = aa_opaque_zero();
	bpf_loop(len + 1, aa_namecmp_cb, &nc, 0);
	return nc.differ ? 0 : (int)id;
}

/* A refused change_hat, audited as AppArmor does (operation change_hat,
 * the hat asked for as the name). */
__noinline int aa_change_deny(__u32 profile, __u32 policy_ns, int err)
{
	struct audit_event ev = {
		.source = NSLSM_MOD_APPARMOR,
		.hook = NSLSM_HOOK_task_prctl,
		.action = NSLSM_AUDIT_DENIED,
		.request = AA_MAY_CHANGEHAT,
		.detail = AA_MAY_CHANGEHAT,
	};
	struct aa_scratch *sc;
	struct subject s;
	__u32 zero = 0;

	sc = bpf_map_lookup_elem(&aa_scratch, &zero);
	if (!sc)
		return err;
	ev.error = err;
	ev.ouid = NSLSM_PRCTL_AA_CHANGE_HAT;
	ev.label = profile;
	ev.policy_ns = policy_ns;
	ev.name = sc->buf[1] + AA_CHANGE_NAME;
	s.task = bpf_get_current_task_btf();
	s.blob = task_blob(s.task);
	s.levels = 0;
	audit_emit(&s, &ev);
	STAT_INC(denials);
	return err;
}

static __always_inline bool aa_no_new_privs(struct task_struct *t)
{
	return BPF_CORE_READ(t, atomic_flags) & AA_PFA_NO_NEW_PRIVS;
}

/* Read the user's NUL-terminated name to AA_NAME_END + off of scratch
 * buffer 1; returns its length or a negative errno. */
static __always_inline int aa_read_name(char *buf, __u32 off, __u64 uname)
{
	long n;

	n = bpf_probe_read_user_str(buf + AA_NAME_END + (off & 2047), NSLSM_AA_NAME_MAX,
				    (const void *)uname);
	if (n < 0)
		return -EFAULT;
	if (n >= NSLSM_AA_NAME_MAX)
		return -ENAMETOOLONG;
	return n > 0 ? n - 1 : 0;
}

/* The namespace of an enrolled task's own level, if it has AppArmor. */
static __always_inline struct nslsm_ns *aa_own_ns(const struct nslsm_task_blob *b)
{
	struct nslsm_ns *ns;

	if (!blob_enrolled(b) || b->depth >= NSLSM_MAX_DEPTH)
		return NULL;
	ns = ns_get(b->level[b->depth & (NSLSM_MAX_DEPTH - 1)].ns_id);
	return ns && (ns->modules & AA_MOD_BIT) ? ns : NULL;
}

__noinline int aa_change_profile_g(__u32 op, __u64 uname, __u32 flags)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct nslsm_task_blob *b = task_blob(task);
	struct aa_query q = { 0 };
	struct aa_scratch *sc;
	struct nslsm_ns *ns;
	__u32 zero = 0, own, label, target, request;
	int len, rc;

	ns = aa_own_ns(b);
	sc = bpf_map_lookup_elem(&aa_scratch, &zero);
	if (!ns || !sc)
		return 0;
	own = b->depth & (NSLSM_MAX_DEPTH - 1);
	if (!uname)
		return -EINVAL;
	len = aa_read_name(sc->buf[1], AA_CHANGE_NAME - AA_NAME_END, uname);
	if (len < 0)
		return len;
	if (!len)
		return -EINVAL;
	/* "&name": stack onto the label; nslsm cannot build a new stack here */
	if (sc->buf[1][AA_CHANGE_NAME] == '&')
		return -EOPNOTSUPP;
	target = aa_find_by_name(ns->id, len);
	if (!target)
		return -ENOENT;
	label = b->level[own].label[NSLSM_MOD_APPARMOR];
	request = op == NSLSM_PRCTL_AA_CHANGE_ONEXEC ? AA_MAY_ONEXEC : AA_MAY_CHANGE_PROFILE;
	if (label) {
		q.hook = NSLSM_HOOK_task_prctl;
		q.deny_err = -EACCES;
		q.kind = AA_KIND_CHANGE;
		q.start = AA_CHANGE_NAME;
		q.type = len;
		q.owner = aa_current_fsuid() == 0;
		q.ouid = op;	/* the record's operation */
		q.policy_ns = ns->id;
		q.ns_mode = ns->aa_mode;
		rc = aa_query_label(&q, label, request);
		if (rc)
			return rc;
		if (aa_no_new_privs(task) && target != label)
			return -EPERM;
	}
	if (flags & NSLSM_PRCTL_TEST)
		return -NSLSM_PRCTL_DONE;
	if (op == NSLSM_PRCTL_AA_CHANGE_ONEXEC) {
		b->aa_onexec = target;
		b->aa_flags |= NSLSM_AA_TASK_ONEXEC_CHECK;
	} else {
		b->level[own].label[NSLSM_MOD_APPARMOR] = target;
	}
	return -NSLSM_PRCTL_DONE;
}

__noinline int aa_change_hat_g(__u64 uname, __u64 token, __u32 flags)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct nslsm_task_blob *b = task_blob(task);
	struct nslsm_aa_profile *p, *rp, *hp;
	struct aa_scratch *sc;
	struct nslsm_ns *ns;
	__u32 zero = 0, own, label, root, hat, policy_ns;
	int len = 0, rn = 0;
	bool nnp;

	ns = aa_own_ns(b);
	sc = bpf_map_lookup_elem(&aa_scratch, &zero);
	if (!ns || !sc)
		return 0;
	own = b->depth & (NSLSM_MAX_DEPTH - 1);
	policy_ns = ns->id;
	label = b->level[own].label[NSLSM_MOD_APPARMOR];
	sc->buf[1][AA_CHANGE_NAME] = 0;
	if (!label)
		return aa_change_deny(0, policy_ns, -EPERM);	/* unconfined */
	if (label & NSLSM_AA_LABEL_STACK)
		return aa_change_deny(0, policy_ns, -EPERM);	/* a stack: not supported */
	p = bpf_map_lookup_elem(&aa_profiles, &label);
	if (!p)
		return 0;
	nnp = aa_no_new_privs(task);
	if (uname) {
		/* the hat's full name: "root//hat" */
		root = (p->flags & NSLSM_AA_P_HAT) ? p->parent : label;
		rp = bpf_map_lookup_elem(&aa_profiles, &root);
		if (!rp)
			return 0;
		rn = bpf_probe_read_kernel_str(sc->buf[1] + AA_CHANGE_NAME, NSLSM_AA_NAME_MAX,
					       rp->name);
		if (rn <= 1 || rn >= NSLSM_AA_NAME_MAX)
			return aa_change_deny(label, policy_ns, -ENOENT);
		rn -= 1;
		sc->buf[1][(AA_CHANGE_NAME + rn) & (AA_BUF_SIZE - 1)] = '/';
		sc->buf[1][(AA_CHANGE_NAME + rn + 1) & (AA_BUF_SIZE - 1)] = '/';
		len = aa_read_name(sc->buf[1], AA_CHANGE_NAME + rn + 2 - AA_NAME_END, uname);
		if (len < 0)
			return len;
	}
	if (len) {
		hat = aa_find_by_name(policy_ns, rn + 2 + len);
		if (!hat)
			return aa_change_deny(label, policy_ns,
					      (p->flags & NSLSM_AA_P_CHILDREN) ? -ENOENT : -ECHILD);
		hp = bpf_map_lookup_elem(&aa_profiles, &hat);
		if (!hp || !(hp->flags & NSLSM_AA_P_HAT))
			return aa_change_deny(label, policy_ns, -EPERM);	/* target not hat */
		if (nnp && hat != label)
			return -EPERM;
		if (flags & NSLSM_PRCTL_TEST)
			return -NSLSM_PRCTL_DONE;
		if (!(b->aa_flags & NSLSM_AA_TASK_IN_HAT)) {
			b->aa_hat_prev = label;
			b->aa_hat_token = token;
			b->aa_flags |= NSLSM_AA_TASK_IN_HAT;
		} else if (b->aa_hat_token != token) {
			/* a wrong token: killed, against brute force */
			bpf_send_signal(AA_SIGKILL);
			return aa_change_deny(label, policy_ns, -EACCES);
		}
		b->level[own].label[NSLSM_MOD_APPARMOR] = hat;
		b->aa_onexec = 0;
		b->aa_flags &= ~NSLSM_AA_TASK_ONEXEC_CHECK;
		return -NSLSM_PRCTL_DONE;
	}
	/* return from the hat; nothing to do outside one */
	if (!(b->aa_flags & NSLSM_AA_TASK_IN_HAT) || (flags & NSLSM_PRCTL_TEST))
		return -NSLSM_PRCTL_DONE;
	if (nnp && b->aa_hat_prev != label)
		return -EPERM;
	if (b->aa_hat_token != token) {
		bpf_send_signal(AA_SIGKILL);
		return aa_change_deny(label, policy_ns, -EACCES);
	}
	b->level[own].label[NSLSM_MOD_APPARMOR] = b->aa_hat_prev;
	b->aa_hat_prev = 0;
	b->aa_hat_token = 0;
	b->aa_flags &= ~(NSLSM_AA_TASK_IN_HAT | NSLSM_AA_TASK_ONEXEC_CHECK);
	b->aa_onexec = 0;
	return -NSLSM_PRCTL_DONE;
}

/* change_onexec asked for by the task, at exec: every profile of the
 * label the task execs from must give onexec to the executable, then to
 * the target's name after a NUL. */
__noinline int aa_onexec_level(struct aa_exec_q *e, __u32 target)
{
	int rc;

	if (!e)
		return 0;
	e->q.type = aa_label_name_g(target);
	e->q.kind = AA_KIND_ONEXEC;
	e->q.family = aa_current_fsuid() == 0;
	rc = aa_query_label(&e->q, e->label, AA_MAY_ONEXEC);
	e->q.kind = AA_KIND_FILE;
	e->q.family = 0;
	return rc;
}

/* prctl(NSLSM_PRCTL, op, name, token, flags) */
static __always_inline int aa_prctl(unsigned long op, unsigned long uname, unsigned long token,
				    unsigned long flags)
{
	switch (op) {
	case NSLSM_PRCTL_AA_CHANGE_PROFILE:
	case NSLSM_PRCTL_AA_CHANGE_ONEXEC:
		return aa_change_profile_g(op, uname, flags);
	case NSLSM_PRCTL_AA_CHANGE_HAT:
		return aa_change_hat_g(uname, token, flags);
	}
	return 0;
}

/* nslsm's prctl channel (include/nslsm/prctl.h); other prctls are not
 * AppArmor's. */
static __always_inline int apparmor_task_prctl(struct subject *s, int option, unsigned long arg2,
					       unsigned long arg3, unsigned long arg4,
					       unsigned long arg5)
{
	if (option != NSLSM_PRCTL)
		return 0;
	return aa_prctl(arg2, arg3, arg4, arg5);
}

#endif /* NSLSM_BPF_APPARMOR_CHANGE_H */
