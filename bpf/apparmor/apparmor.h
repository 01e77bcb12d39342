/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AppArmor module: AppArmor profiles, compiled by apparmor_parser and
 * unpacked by user space, enforced per nslsm namespace.
 *
 * A task's AppArmor label at each level is in its blob (label slot
 * NSLSM_MOD_APPARMOR): 0 unconfined, a profile id, or a stack (an aa_labels
 * slot, NSLSM_AA_LABEL_STACK set) whose every profile must allow. Levels
 * above the task's own carry the label their namespace gave the container
 * (ns create --parent-label) and never change at exec; the task's own level
 * follows AppArmor's exec transitions.
 *
 * Each decision is made by a global function, verified once by the
 * verifier whatever the number of call sites.
 */
#ifndef NSLSM_BPF_APPARMOR_H
#define NSLSM_BPF_APPARMOR_H

#include "apparmor/maps.h"
#include "apparmor/match.h"
#include "apparmor/cache.h"

#define AA_MOD_BIT (1u << NSLSM_MOD_APPARMOR)
#define AA_PATH_CONNECT_PATH 0x4
#define AA_CAP_OPT_NOAUDIT 0x2

/* One question to one profile. Lives on the caller's stack. */
struct aa_query {
	__u32 profile;		/* profile id */
	__u32 policy_ns;	/* nslsm namespace of the level */
	__u32 ns_mode;		/* enum nslsm_aa_ns_mode */
	__u32 hook;
	__u32 request;
	__u32 owner;		/* fsuid owns the object */
	__u32 ouid;
	__u32 which;		/* scratch buffer holding the name */
	__u32 start;		/* name start in it; name_err if none */
	__s32 name_err;
	__s32 deny_err;		/* -EACCES, -EPERM */
	__u32 kind;		/* enum aa_kind */
	__u32 family;		/* net */
	__u32 type;
	/* (unions: the struct is on the stack of the deepest call chains) */
	union {
		__u32 noaudit;		/* capability: CAP_OPT_NOAUDIT */
		__u32 tracee_side;	/* ptrace: the check is the tracee's */
		__u32 name_len;		/* mount: the audit name is raw bytes */
	};
	union {
		__u32 target_start;	/* link: target name start in buffer 1 */
		__u32 peer;		/* signal, ptrace: the peer's label here */
	};
	/* out */
	__u32 allow;
	__u32 xindex;
	__u32 silent;		/* file rules: the requests every profile asked
				 * allows without a record (the caller sets it
				 * to ~0 first) */
};

enum aa_kind {
	AA_KIND_FILE = 0,
	AA_KIND_CAP = 1,
	AA_KIND_NET = 2,
	AA_KIND_LINK = 3,	/* the link pair: name then target (buffer 1) */
	AA_KIND_SIGNAL = 4,	/* family: AppArmor's signal number, type: peer name length */
	AA_KIND_PTRACE = 5,	/* type: peer name length */
	AA_KIND_CHANGE = 6,	/* change_profile: the target's name in buffer 1
				 * at start, type bytes long */
	AA_KIND_ONEXEC = 7,	/* exec with change_onexec: the executable's
				 * name, then NUL and the target's name (buffer 1
				 * at AA_AUX_PEER, type bytes); family: fsuid 0 */
	AA_KIND_MOUNT = 8,	/* mount, umount, pivot_root: the arguments in
				 * aa_scratch.mnt (apparmor/mount.h) */
};

#define AA_CAP_SYS_PTRACE 19

static __always_inline int aa_effective_mode(const struct nslsm_aa_profile *p, __u32 ns_mode)
{
	if (ns_mode == NSLSM_AA_NS_ENFORCE)
		return NSLSM_AA_ENFORCE;
	if (ns_mode == NSLSM_AA_NS_COMPLAIN)
		return NSLSM_AA_COMPLAIN;
	return p->mode;
}

/* Queue the record of an AppArmor decision (the subject is looked up only
 * when there is something to say). */
static __always_inline void aa_emit(struct audit_event *ev)
{
	struct subject s;

	s.task = bpf_get_current_task_btf();
	s.blob = task_blob(s.task);
	s.levels = 0;
	aa_cache_note_audit();
	audit_emit_deep(&s, ev);
}

/* Audit one AppArmor decision and return its verdict. A function of its
 * own: its stack is not on the path of the DFA walk's. */
__noinline int aa_audit(struct aa_query *q, const struct nslsm_aa_profile *p,
			const struct nslsm_aa_perms *perms, const char *name)
{
	struct audit_event ev = {
		.source = NSLSM_MOD_APPARMOR,
		.name = name,
	};
	__u32 denied;
	__u32 report;
	int mode;

	if (!q || !p || !perms)
		return 0;
	mode = aa_effective_mode(p, q->ns_mode);
	ev.policy_ns = q->policy_ns;
	ev.hook = q->hook;
	ev.request = q->request;
	denied = q->request & ~perms->allow;
	/* one record at most, emitted at one place: the verifier checks the
	 * record's writing once per program */
	if (!denied) {
		__u32 mask = (p->flags & NSLSM_AA_P_AUDIT_ALL) ? 0xffffffffu : perms->audit;

		if (!(q->request & mask))
			return 0;
		report = 0;
		ev.action = NSLSM_AUDIT_ALLOWED;
		ev.request = q->request & mask;
		ev.detail = 0;
	} else {
		report = denied;
		if (!(p->flags & NSLSM_AA_P_AUDIT_ALL))
			report &= ~perms->quiet;
		if (q->kind == AA_KIND_CAP && q->noaudit && mode != NSLSM_AA_COMPLAIN)
			report = 0;
		ev.action = mode == NSLSM_AA_COMPLAIN ? NSLSM_AUDIT_COMPLAIN : NSLSM_AUDIT_DENIED;
		ev.error = q->deny_err;
		ev.detail = denied;
	}
	if (!denied || report) {
		ev.label = q->profile;
		ev.ouid = q->ouid;
		ev.name_len = q->kind == AA_KIND_MOUNT ? q->name_len : 0;
		aa_emit(&ev);
	}
	if (!denied)
		return 0;
	/* complain mode allows what it reports; a denial quieted away (an
	 * explicit deny rule is quiet unless audited) is enforced even in
	 * complain mode, as the kernel's AppArmor does, except at exec,
	 * which complain mode always lets through */
	if (mode == NSLSM_AA_COMPLAIN &&
	    (report || (q->hook == NSLSM_HOOK_bprm_creds_for_exec && q->request == AA_MAY_EXEC)))
		return 0;
	STAT_INC(denials);
	return q->deny_err;
}

/* Walk `len` bytes of buf from `start`: the only copy of the step, in the
 * bpf_loop callback (the verifier checks it once). */
static __always_inline __u32 aa_walk_len(struct dfa_walk *w, const struct nslsm_aa_dfa *d,
					 __u32 state, const char *buf, __u32 start, __u32 len)
{
	if (!aa_dfa_init(w, d, state))
		return 0;
	w->buf = buf;
	w->pos = start;
	if (len > AA_NAME_END + 1)
		return 0;
	bpf_loop(len, aa_dfa_cb, w, 0);
	return w->err ? 0 : w->state;
}

static __always_inline __u32 aa_walk_name(struct dfa_walk *w, const struct nslsm_aa_dfa *d,
					  __u32 state, const char *buf, __u32 start)
{
	/* names end with NUL at AA_NAME_END, or at AA_NAME_END + 1 when a
	 * directory's '/' was appended */
	__u32 len = AA_NAME_END + 1 - start;

	if (buf[AA_NAME_END & (AA_BUF_SIZE - 1)] == '\0')
		len = AA_NAME_END - start;
	return aa_walk_len(w, d, state, buf, start, len);
}

/* aa_walk_g: walk the name at start, up to its NUL */
#define AA_WALK_NAME 0xffffffffu

/*
 * Walk `len` bytes (or the name, AA_WALK_NAME) of scratch buffer `which`
 * from `state`: a function of its own, so the verifier checks the walk once
 * per program, not once per call site.
 */
__noinline __u32 aa_walk_g(const struct nslsm_aa_dfa *d, __u32 state, __u32 which, __u32 start,
			   __u32 len)
{
	struct dfa_walk w = { 0 };
	struct aa_scratch *sc;
	__u32 zero = 0;
	char *buf;

	sc = bpf_map_lookup_elem(&aa_scratch, &zero);
	if (!sc || !d)
		return 0;
	buf = sc->buf[which & 1];
	if (len == AA_WALK_NAME)
		return aa_walk_name(&w, d, state, buf, start);
	return aa_walk_len(&w, d, state, buf, start, len);
}

/* Scratch bytes past the names (buffer 1): the network tuple, a NUL, the
 * signal number followed by the peer's label name. */
#define AA_AUX_NET (AA_NAME_END + 16)
#define AA_AUX_NUL (AA_NAME_END + 24)
#define AA_AUX_SIG (AA_NAME_END + 63)
#define AA_AUX_PEER (AA_NAME_END + 64)
#define AA_PEER_MAX 1024

/* The confining profile q asks, and this CPU's scratch; NULL if the
 * profile is gone or unconfined. */
static __always_inline struct nslsm_aa_profile *aa_query_target(struct aa_query *q,
								struct aa_scratch **sc)
{
	struct nslsm_aa_profile *p;
	__u32 zero = 0, key;

	if (!q)
		return NULL;
	key = q->profile;
	p = bpf_map_lookup_elem(&aa_profiles, &key);
	if (!p || !(p->flags & NSLSM_AA_P_IN_USE) || p->mode == NSLSM_AA_UNCONFINED)
		return NULL;
	*sc = bpf_map_lookup_elem(&aa_scratch, &zero);
	return *sc ? p : NULL;
}

/*
 * Capability and network questions to profile q->profile: a function of
 * their own, so that the hooks asking only them do not verify the rest.
 */
__noinline int aa_query_small(struct aa_query *q)
{
	struct nslsm_aa_profile *p;
	struct nslsm_aa_perms perms = { 0 };
	struct aa_scratch *sc;
	__u32 state;

	p = aa_query_target(q, &sc);
	if (!p)
		return 0;
	if (q->kind == AA_KIND_CAP) {
		/* q->family is the capability, q->request 1 */
		__u64 bit = 1ull << (q->family & 63);

		if (p->caps_allow & bit)
			perms.allow = ~0u;
		perms.audit = (p->caps_audit & bit) ? ~0u : 0;
		perms.quiet = (p->caps_quiet & bit) ? ~0u : 0;
		return aa_audit(q, p, &perms, NULL);
	}
	if (q->kind == AA_KIND_NET) {
		char *b = sc->buf[1];

		if (!p->net_start)
			return 0;
		/* family and type, big endian, as the kernel matches them */
		b[AA_AUX_NET] = q->family >> 8;
		b[AA_AUX_NET + 1] = q->family;
		b[AA_AUX_NET + 2] = q->type >> 8;
		b[AA_AUX_NET + 3] = q->type;
		state = aa_walk_g(&p->policy, p->net_start, 1, AA_AUX_NET, 4);
		aa_state_perms(&p->policy, state, 0, &perms);
		return aa_audit(q, p, &perms, NULL);
	}
	return 0;
}

/* Which query functions a hook's level loop calls (aa_check_levels). */
enum aa_query_variant {
	AA_Q_PROFILE = 0,	/* files, exec, signal, ptrace, change_profile */
	AA_Q_SMALL = 1,		/* capabilities and network */
	AA_Q_MOUNT = 2,		/* mount, umount, pivot_root */
};

/* AppArmor's mount permissions (policydb mount class). */
#define AA_MAY_PIVOTROOT 0x01
#define AA_MAY_MOUNT 0x02
#define AA_MAY_UMOUNT 0x04
#define AA_MNT_CONT_MATCH 0x40

enum aa_mount_op {
	AA_MNT_OP_MOUNT = 0,
	AA_MNT_OP_UMOUNT = 1,
	AA_MNT_OP_PIVOT = 2,
};

enum aa_mount_src {
	AA_MNT_SRC_NONE = 0,	/* no source is matched (remount, propagation) */
	AA_MNT_SRC_STR = 1,	/* the device string as given */
	AA_MNT_SRC_PATH = 2,	/* the name of the path it resolves to */
};

/* The source could not be resolved from the dentry cache (see
 * aa_mount_resolve): a profile with mount rules refuses the mount. */
#define AA_MNT_UNRESOLVED (-EAGAIN)

/* Scratch bytes of the mount arguments, past the names: buffer 1 holds
 * the flag steps, the audit name (mount point, source and type in fixed
 * slots), the type and a device string; buffer 0 the mount data. */
#define AA_MNT_FLAGS (AA_NAME_END + 32)
#define AA_MNT_PACK (AA_NAME_END + 64)
#define AA_MNT_PACK_SRC 144
#define AA_MNT_PACK_TYPE 224
#define AA_MNT_PACK_LEN 255
#define AA_MNT_TYPE (AA_NAME_END + 320)
#define AA_MNT_TYPE_MAX 256
#define AA_MNT_DEV (AA_NAME_END + 576)
#define AA_MNT_DEV_MAX 2048
#define AA_MNT_DATA (AA_NAME_END + 256)
#define AA_MNT_DATA_MAX 2048

/* Walk `len` bytes of `buf` at `off` unless the walk already died: the
 * kernel stops matching a mount at the first dead state. */
static __always_inline __u32 aa_mnt_walk(const struct nslsm_aa_dfa *d, __u32 state, __u32 which,
					 __u32 off, __u32 len)
{
	if (!state)
		return 0;
	return aa_walk_g(d, state, which, off, len);
}

/*
 * Mount rules of profile q->profile, as the kernel's AppArmor matches them
 * from the policydb's mount class: mount point, NUL, source, NUL, type,
 * NUL, one step per set flag (bit i as byte i + 1), and, when the flags
 * alone do not allow and the rule asks for it, NUL and the mount data;
 * umount: the mount's name; pivot_root: new root, NUL, old root.
 */
__noinline int aa_query_mount(struct aa_query *q)
{
	struct nslsm_aa_profile *p;
	struct nslsm_aa_perms perms = { 0 };
	struct aa_mount_args *a;
	struct aa_scratch *sc;
	const char *name;
	__u32 state;
	char *b1;

	p = aa_query_target(q, &sc);
	if (!p || !p->mount_start)
		return 0;
	a = &sc->mnt;
	b1 = sc->buf[1];
	name = b1 + AA_MNT_PACK;
	q->name_len = AA_MNT_PACK_LEN;
	q->ouid = a->flags;
	if (a->mnt_err && !(a->mnt_err == -EACCES && (p->path_flags & AA_PATH_CONNECT_PATH))) {
		q->deny_err = a->mnt_err;
		return aa_audit(q, p, &perms, name);
	}
	if (a->src_err && !(a->src_err == -EACCES && (p->path_flags & AA_PATH_CONNECT_PATH))) {
		q->deny_err = a->src_err == AA_MNT_UNRESOLVED ? -EACCES : a->src_err;
		return aa_audit(q, p, &perms, name);
	}
	q->deny_err = -EACCES;
	b1[AA_AUX_NUL] = 0;
	state = aa_walk_g(&p->policy, p->mount_start, 0, a->mnt_start,
			    a->mnt_len);
	if (a->op == AA_MNT_OP_UMOUNT) {
		aa_state_perms(&p->policy, state, 0, &perms);
		return aa_audit(q, p, &perms, name);
	}
	if (a->op == AA_MNT_OP_PIVOT) {
		state = aa_mnt_walk(&p->policy, state, 1, AA_AUX_NUL, 1);
		state = aa_mnt_walk(&p->policy, state, 1, a->src_start,
				    a->src_len);
		aa_state_perms(&p->policy, state, 0, &perms);
		return aa_audit(q, p, &perms, name);
	}
	state = aa_mnt_walk(&p->policy, state, 1, AA_AUX_NUL, 1);
	if (a->src != AA_MNT_SRC_NONE)
		state = aa_mnt_walk(&p->policy, state, 1, a->src_start,
				    a->src_len);
	state = aa_mnt_walk(&p->policy, state, 1, AA_AUX_NUL, 1);
	if (a->type_len)
		state = aa_mnt_walk(&p->policy, state, 1, AA_MNT_TYPE,
				    a->type_len & (AA_MNT_TYPE_MAX - 1));
	state = aa_mnt_walk(&p->policy, state, 1, AA_AUX_NUL, 1);
	if (a->nflags)
		state = aa_mnt_walk(&p->policy, state, 1, AA_MNT_FLAGS, a->nflags & 63);
	if (!state)
		return aa_audit(q, p, &perms, name);
	aa_state_perms(&p->policy, state, 0, &perms);
	if (!(perms.allow & AA_MAY_MOUNT) && a->has_data && (perms.allow & AA_MNT_CONT_MATCH)) {
		state = aa_mnt_walk(&p->policy, state, 1, AA_AUX_NUL, 1);
		state = aa_mnt_walk(&p->policy, state, 0, AA_MNT_DATA,
				    a->data_len & (AA_MNT_DATA_MAX - 1));
		if (state)
			aa_state_perms(&p->policy, state, 0, &perms);
	}
	return aa_audit(q, p, &perms, name);
}

/*
 * Ask profile q->profile. Returns 0 or the error to return (after auditing).
 */
__noinline int aa_query_profile(struct aa_query *q)
{
	struct nslsm_aa_profile *p;
	struct nslsm_aa_perms perms = { 0 };
	struct aa_scratch *sc;
	__u32 state;
	const char *name = NULL;

	p = aa_query_target(q, &sc);
	if (!p)
		return 0;
	/* capabilities and network: aa_query_small (aa_check_small_g) */
	if (q->kind == AA_KIND_CAP || q->kind == AA_KIND_NET)
		return 0;

	if (q->kind == AA_KIND_SIGNAL) {
		/* the signal rules: class, signal, then the peer's label name */
		char *b = sc->buf[1];

		if (!p->sig_start)
			return 0;
		b[AA_AUX_SIG] = q->family;
		state = aa_walk_g(&p->policy, p->sig_start, 1, AA_AUX_SIG,
				    (q->type & (AA_PEER_MAX - 1)) + 1);
		aa_state_perms(&p->policy, state, 0, &perms);
		return aa_audit(q, p, &perms, b + AA_AUX_PEER);
	}

	if (q->kind == AA_KIND_PTRACE) {
		char *b = sc->buf[1];

		if (!(p->flags & NSLSM_AA_P_PTRACE)) {
			/* no ptrace rules: only the tracer is checked, the old
			 * way: its own label may be traced, anything else
			 * needs CAP_SYS_PTRACE */
			__u64 bit = 1ull << AA_CAP_SYS_PTRACE;

			if (q->tracee_side || q->peer == q->profile)
				return 0;
			if (p->caps_allow & bit)
				perms.allow = ~0u;
			perms.audit = (p->caps_audit & bit) ? ~0u : 0;
			perms.quiet = (p->caps_quiet & bit) ? ~0u : 0;
			q->deny_err = -EPERM;
			return aa_audit(q, p, &perms, b + AA_AUX_PEER);
		}
		q->deny_err = -EACCES;
		state = aa_walk_g(&p->policy, p->ptrace_start, 1, AA_AUX_PEER,
				    q->type & (AA_PEER_MAX - 1));
		aa_state_perms(&p->policy, state, 0, &perms);
		return aa_audit(q, p, &perms, b + AA_AUX_PEER);
	}

	if (q->kind == AA_KIND_CHANGE) {
		name = sc->buf[1] + (q->start & (AA_BUF_SIZE - 1));
		if (!p->file.nstates)
			return aa_audit(q, p, &perms, name);
		state = aa_walk_g(&p->file, p->file.start, 1, q->start,
				    q->type & (NSLSM_AA_NAME_MAX - 1));
		aa_state_perms(&p->file, state, q->owner ? 0 : 1, &perms);
		return aa_audit(q, p, &perms, name);
	}

	if (q->kind == AA_KIND_ONEXEC) {
		if (q->name_err || !p->file.nstates)
			return aa_audit(q, p, &perms, NULL);
		name = sc->buf[q->which & 1] + (q->start & (NSLSM_AA_PATH_MAX - 1));
		state = aa_walk_g(&p->file, p->file.start, q->which, q->start, AA_WALK_NAME);
		aa_state_perms(&p->file, state, q->owner ? 0 : 1, &perms);
		if (!(perms.allow & AA_MAY_ONEXEC))
			return aa_audit(q, p, &perms, name);
		sc->buf[1][AA_AUX_NUL] = 0;
		state = aa_walk_g(&p->file, state, 1, AA_AUX_NUL, 1);
		state = aa_walk_g(&p->file, state, 1, AA_AUX_PEER,
				    q->type & (AA_PEER_MAX - 1));
		aa_state_perms(&p->file, state, q->family ? 0 : 1, &perms);
		return aa_audit(q, p, &perms, name);
	}

	/* file rules */
	if (q->name_err) {
		/* no name: AppArmor's "Failed name lookup" denies, unless the
		 * profile attaches disconnected paths */
		if (!(q->name_err == -EACCES && (p->path_flags & AA_PATH_CONNECT_PATH))) {
			q->silent = 0;
			return aa_audit(q, p, &perms, NULL);
		}
	}
	name = sc->buf[q->which & 1] + (q->start & (NSLSM_AA_PATH_MAX - 1));
	if (!p->file.nstates) {
		q->silent = 0;
		return aa_audit(q, p, &perms, name);
	}
	state = aa_walk_g(&p->file, p->file.start, q->which, q->start, AA_WALK_NAME);
	aa_state_perms(&p->file, state, q->owner ? 0 : 1, &perms);
	/* what this profile allows the name without a record, whatever was
	 * asked: the decision cache may answer those requests next time */
	q->silent &= (p->flags & NSLSM_AA_P_AUDIT_ALL) ? 0 : perms.allow & ~perms.audit;
	if (q->kind == AA_KIND_LINK) {
		__u32 lallow = perms.allow, tallow;

		/* AppArmor's link pair: the link name must allow l, then the
		 * target, matched after a NUL, must allow l too; with the
		 * subset flag the link may not gain permissions the target
		 * lacks */
		if (!(perms.allow & AA_MAY_LINK))
			return aa_audit(q, p, &perms, name);
		sc->buf[1][AA_AUX_NUL] = 0;
		state = aa_walk_g(&p->file, state, 1, AA_AUX_NUL, 1);
		state = aa_walk_g(&p->file, state, 1, q->target_start, AA_WALK_NAME);
		aa_state_perms(&p->file, state, q->owner ? 0 : 1, &perms);
		if (!(perms.allow & AA_MAY_LINK))
			return aa_audit(q, p, &perms, name);
		if (perms.allow & AA_LINK_SUBSET) {
			__u32 req;

			/* keep the pair's audit/quiet, take the target's allow */
			state = aa_walk_g(&p->file, p->file.start, 1, q->target_start, AA_WALK_NAME);
			{
				__u32 key2 = p->file.state_off + state, idx;
				struct nslsm_aa_state *st = state < p->file.nstates ?
					bpf_map_lookup_elem(&aa_states, &key2) : NULL;
				struct nslsm_aa_perms *tp;

				tallow = 0;
				if (st) {
					idx = st->perm[q->owner ? 0 : 1];
					tp = bpf_map_lookup_elem(&aa_perms, &idx);
					if (tp)
						tallow = tp->allow;
				}
			}
			req = lallow & ~AA_MAY_LINK;
			lallow &= tallow | AA_MAY_LINK;
			req |= (AA_MAY_READ | AA_MAY_WRITE | AA_MAY_EXEC | AA_MAY_APPEND |
				AA_MAY_LINK | AA_MAY_LOCK | AA_EXEC_MMAP) &
			       (lallow & ~tallow);
			q->request = req | AA_MAY_LINK;
		}
		perms.allow = lallow;
		return aa_audit(q, p, &perms, name);
	}
	q->allow = perms.allow;
	q->xindex = perms.xindex;
	return aa_audit(q, p, &perms, name);
}

#endif /* NSLSM_BPF_APPARMOR_H */
