// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>

#include "lib/error.h"
#include "lib/parse.h"
#include "yama.h"

int yama_decide_attach(unsigned int scope, const struct yama_attach_facts *f)
{
	if (!f->attach)
		return 0;
	switch (scope) {
	case YAMA_SCOPE_DISABLED:
		return 0;
	case YAMA_SCOPE_RELATIONAL:
		if (!f->target_alive)
			return -EPERM;
		return f->target_descends || f->declared || f->tracer_cap ? 0 : -EPERM;
	case YAMA_SCOPE_CAPABILITY:
		return f->tracer_cap ? 0 : -EPERM;
	default:
		return -EPERM;
	}
}

int yama_decide_traceme(unsigned int scope, bool parent_cap)
{
	switch (scope) {
	case YAMA_SCOPE_CAPABILITY:
		return parent_cap ? 0 : -EPERM;
	case YAMA_SCOPE_NO_ATTACH:
		return -EPERM;
	default:
		return 0;
	}
}

static int set_ptrace_scope(struct nslsm_ns *ns, const char *value)
{
	uint64_t v;

	if (parse_u64(value, 0, 3, "yama.ptrace_scope", &v))
		return -1;
	ns->yama.ptrace_scope = v;
	return 0;
}

static void format_ptrace_scope(const struct nslsm_ns *ns, char *buf, size_t len)
{
	snprintf(buf, len, "%u", ns->yama.ptrace_scope);
}

static const struct module_key yama_keys[] = {
	{ "ptrace_scope",
	  "0 classic ptrace; 1 relational: only descendants, or a tracer declared with "
	  "prctl(PR_SET_PTRACER); 2 admin: only with CAP_SYS_PTRACE; 3 no attach",
	  set_ptrace_scope, format_ptrace_scope },
	{ .name = NULL },
};

const struct nslsm_module yama_module = {
	.name = "yama",
	.id = NSLSM_MOD_YAMA,
	.summary = "ptrace scope (the kernel's Yama rules), per namespace",
	.labelled = false,
	.keys = yama_keys,
};
