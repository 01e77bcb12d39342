/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Yama, user half: its settings and the reference decision in plain C.
 * The BPF half is bpf/yama/yama.h; both implement the kernel's Yama rules
 * and the unit tests hold the reference to them.
 */
#ifndef NSLSM_YAMA_H
#define NSLSM_YAMA_H

#include <stdbool.h>

#include "lib/module.h"

extern const struct nslsm_module yama_module;

enum yama_scope {
	YAMA_SCOPE_DISABLED = 0,
	YAMA_SCOPE_RELATIONAL = 1,
	YAMA_SCOPE_CAPABILITY = 2,
	YAMA_SCOPE_NO_ATTACH = 3,
};

/* What the kernel knows when a tracer asks to attach to a target. */
struct yama_attach_facts {
	bool attach;		/* PTRACE_MODE_ATTACH is requested */
	bool target_alive;	/* pid_alive(target) */
	bool target_descends;	/* target is in or below the tracer's group */
	bool declared;		/* target declared tracer (or an ancestor) */
	bool tracer_cap;	/* CAP_SYS_PTRACE in the target's user ns */
};

/* 0 or -EPERM, as security/yama's yama_ptrace_access_check. */
int yama_decide_attach(unsigned int scope, const struct yama_attach_facts *f);
/* 0 or -EPERM, as yama_ptrace_traceme; parent_cap: the would-be tracer
 * has CAP_SYS_PTRACE in the tracee's user ns. */
int yama_decide_traceme(unsigned int scope, bool parent_cap);

#endif /* NSLSM_YAMA_H */
