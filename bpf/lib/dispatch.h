/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dispatch: a subject in namespace C is allowed only if every enabled
 * module of every namespace on its chain allows, host first, C last. The
 * first enforced denial wins (the kernel's call_int_hook rule); a module in
 * complain mode audits what it would deny and lets the next one decide.
 */
#ifndef NSLSM_BPF_DISPATCH_H
#define NSLSM_BPF_DISPATCH_H

#define MODULE_BIT(m) (1u << (m))

/*
 * Turn one module's result at one level into the verdict: audit it, and
 * return the error only if the module enforces there.
 */
static __always_inline int module_verdict(const struct subject *s, const struct nslsm_ns *ns,
					  __u8 module, int rc, struct audit_event *ev)
{
	if (!rc)
		return 0;
	ev->policy_ns = ns->id;
	ev->source = module;
	ev->error = rc;
	if (ns->complain & MODULE_BIT(module)) {
		ev->action = NSLSM_AUDIT_COMPLAIN;
		audit_emit(s, ev);
		return 0;
	}
	ev->action = NSLSM_AUDIT_DENIED;
	audit_emit(s, ev);
	STAT_INC(denials);
	return rc;
}

/*
 * Walk the subject's chain; BODY runs once per level with `ns` set to that
 * level's namespace and `level` to its index, and may `return` a verdict.
 */
#define FOR_EACH_LEVEL(s, ns, level, BODY)                                     \
	do {                                                                   \
		for (__u32 level = 0; level < NSLSM_MAX_DEPTH; level++) {      \
			struct nslsm_ns *ns;                                   \
			if (level >= (s)->levels)                              \
				break;                                         \
			ns = ns_get(subject_level_ns((s), level));             \
			if (!ns)                                               \
				continue;                                      \
			BODY                                                   \
		}                                                              \
	} while (0)

/* A denial of the core (not a module): always enforced and audited. */
static __always_inline int core_deny(const struct subject *s, __u8 source, __u32 policy_ns,
				     __u16 hook, __u32 request, __u32 detail,
				     struct task_struct *target, const char *name)
{
	struct audit_event ev = {
		.policy_ns = policy_ns,
		.hook = hook,
		.source = source,
		.action = NSLSM_AUDIT_DENIED,
		.error = -EPERM,
		.request = request,
		.detail = detail,
		.target = target,
		.name = name,
	};

	audit_emit(s, &ev);
	STAT_INC(denials);
	return -EPERM;
}

/* nslsm's own self-protection: attributed to host. */
static __always_inline int self_deny(const struct subject *s, __u16 hook, __u32 request,
				     struct task_struct *target, const char *name)
{
	return core_deny(s, NSLSM_SOURCE_SELF, 0, hook, request, 0, target, name);
}

#endif /* NSLSM_BPF_DISPATCH_H */
