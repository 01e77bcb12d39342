/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module interface of the kernel side: how a module declares the hooks
 * it implements and how every hook of include/nslsm/hooks.def calls them.
 *
 * A BPF program has no function pointers to follow at run time, so the
 * kernel's security_hook_list becomes a table the compiler reads. A module
 * (bpf/MODULE/module.h) declares each hook it implements with one line,
 *
 *   #define MODULE_hook_NAME 1
 *
 * and defines it, in the file of its object family, as
 *
 *   static __always_inline int MODULE_NAME(struct subject *s, PROTO...);
 *
 * bpf/modules.h registers the module in NSLSM_BPF_MODULES. For each hook,
 * modules_NAME(s, ARGS...) below calls the hook of every registered module
 * that declares it, in registration order, and returns the first non-zero
 * verdict (the kernel's call_int_hook rule); a module/hook pair that is not
 * declared is not even compiled. The core's own hook (bpf/core/) calls
 * modules_NAME where the modules decide; a hook the core does not implement
 * (bpf/core/core.h) goes straight to the modules.
 *
 * What a module's hook must do: decide for the subject's whole namespace
 * chain, host first, the task's own namespace last, at every level that
 * enables it (ns->modules); audit with module_verdict() (or its own
 * records) and return an error only where it enforces, so a level in
 * complain mode audits and lets the rest decide. The walk over the levels
 * is the module's: Yama folds its nested scopes into one check, AppArmor
 * walks the levels in one bpf_loop; a walk of the dispatcher's would make
 * every module pay the verifier for every level.
 *
 * The subject: `s` holds what the core hook already looked up, so a
 * module need not repeat it. s->task == NULL: nothing yet (a hook the
 * core does not implement; enrolled_subject() or subject_get() fill it
 * in, one load for a task never enrolled); else s->task is current,
 * s->blob its blob (NULL: never enrolled) and s->levels what
 * subject_get() found, or 0 if the core did not walk the chain. A hook
 * that runs without a current task of its own (task_free) gets nothing:
 * its module must not look.
 */
#ifndef NSLSM_BPF_MODULE_H
#define NSLSM_BPF_MODULE_H

/*
 * NSLSM_DECLARED(TOKEN): 1 if TOKEN is a macro defined as 1, else 0, as the
 * kernel's IS_ENABLED() tells a config option, usable inside a macro.
 */
#define NSLSM_PLACEHOLDER_1 0,
#define NSLSM_SECOND_ARG(ignored, val, ...) val
#define NSLSM_DECLARED(x) NSLSM_DECLARED_(x)
#define NSLSM_DECLARED_(val) NSLSM_DECLARED__(NSLSM_PLACEHOLDER_##val)
#define NSLSM_DECLARED__(arg1_or_junk) NSLSM_SECOND_ARG(arg1_or_junk 1, 0)

/* NSLSM_IF(COND)(CODE...): CODE when COND expands to 1, nothing at 0. */
#define NSLSM_IF(c) NSLSM_IF_(c)
#define NSLSM_IF_(c) NSLSM_IF_##c
#define NSLSM_IF_1(...) __VA_ARGS__
#define NSLSM_IF_0(...)
/* NSLSM_IF_ELSE(COND)(THEN...)(ELSE...) */
#define NSLSM_IF_ELSE(c) NSLSM_IF_ELSE_(c)
#define NSLSM_IF_ELSE_(c) NSLSM_IF_ELSE_##c
#define NSLSM_IF_ELSE_1(...) __VA_ARGS__ NSLSM_DROP
#define NSLSM_IF_ELSE_0(...) NSLSM_KEEP
#define NSLSM_DROP(...)
#define NSLSM_KEEP(...) __VA_ARGS__

#define NSLSM_UNPAREN(...) __VA_ARGS__

/* Does MODULE (core: the core itself) implement hook NAME? */
#define NSLSM_IMPLEMENTS(MODULE, NAME) NSLSM_DECLARED(MODULE##_hook_##NAME)

/* One module's turn at a hook: its verdict, if it has one. */
#define NSLSM_MODULE_CALL(MODULE, NAME, ARGS)                                  \
	NSLSM_IF(NSLSM_IMPLEMENTS(MODULE, NAME))(                              \
		rc = MODULE##_##NAME(s, NSLSM_UNPAREN ARGS);                   \
		if (rc)                                                        \
			return rc;)

#define NSLSM_HOOK(NAME, OP, PROTO, ARGS)                                      \
	static __always_inline int modules_##NAME(struct subject *s,           \
						  NSLSM_UNPAREN PROTO)         \
	{                                                                      \
		int rc = 0;                                                    \
                                                                               \
		NSLSM_BPF_MODULES(NSLSM_MODULE_CALL, NAME, ARGS)               \
		return rc;                                                     \
	}
#include "nslsm/hooks.def"
#undef NSLSM_HOOK

/* Every module of enum nslsm_module_id is registered, each once. */
#define NSLSM_MODULE_BIT_OF(MODULE, ...) | MODULE_BIT(MODULE##_module_id)
#define NSLSM_MODULE_ONE(MODULE, ...) + 1
_Static_assert((0 NSLSM_BPF_MODULES(NSLSM_MODULE_BIT_OF)) == (1u << NSLSM_MOD_COUNT) - 1 &&
		       (0 NSLSM_BPF_MODULES(NSLSM_MODULE_ONE)) == NSLSM_MOD_COUNT,
	       "bpf/modules.h must register every module of enum nslsm_module_id once");

#endif /* NSLSM_BPF_MODULE_H */
