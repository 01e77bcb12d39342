// SPDX-License-Identifier: GPL-2.0
/* The namespace table as `nslsm ns list` prints it, for the CLI and nslsmd. */
#include <stdio.h>
#include <string.h>

#include "module.h"
#include "ns.h"
#include "ns_print.h"
#include "audit_rules.h"
#include "state.h"

static uint32_t task_counts[NSLSM_MAX_NS];

/* "yama.mode=enforce yama.ptrace_scope=3" for the enabled modules, then
 * the audit settings that are on, then the boundary (not on host). */
static void settings(const struct nslsm_ns *ns, bool json, char *buf, size_t len)
{
	const struct { const char *key; __u32 on; } audit[] = {
		{ "audit.delegate_contid", ns->audit.delegate_contid },
		{ "audit.net", ns->audit.net },
	};
	size_t off = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < NSLSM_MOD_COUNT; i++) {
		const struct nslsm_module *m = module_by_id(i);
		char mode[32];

		if (!(ns->modules & (1u << i)))
			continue;
		module_mode_format(m, ns, mode, sizeof(mode));
		off += snprintf(buf + off, off < len ? len - off : 0,
				json ? "%s\"%s.mode\":\"%s\"" : "%s%s.mode=%s", off ? (json ? "," : " ") : "",
				m->name, mode);
		for (const struct module_key *k = m->keys; k->name; k++) {
			char v[64];

			k->format(ns, v, sizeof(v));
			off += snprintf(buf + off, off < len ? len - off : 0,
					json ? ",\"%s.%s\":\"%s\"" : " %s.%s=%s", m->name, k->name, v);
		}
	}
	for (size_t i = 0; i < sizeof(audit) / sizeof(audit[0]); i++)
		if (audit[i].on)
			off += snprintf(buf + off, off < len ? len - off : 0,
					json ? "%s\"%s\":\"1\"" : "%s%s=1", off ? (json ? "," : " ") : "",
					audit[i].key);
	if (ns->audit.queue != (ns->id ? NSLSM_AUDIT_QUEUE_DEFAULT : NSLSM_AUDIT_QUEUE_HOST))
		off += snprintf(buf + off, off < len ? len - off : 0,
				json ? "%s\"audit.queue\":\"%u\"" : "%saudit.queue=%u",
				off ? (json ? "," : " ") : "", ns->audit.queue);
	if (ns->audit.rate)
		off += snprintf(buf + off, off < len ? len - off : 0,
				json ? "%s\"audit.rate\":\"%u\"" : "%saudit.rate=%u",
				off ? (json ? "," : " ") : "", ns->audit.rate);
	if (ns->audit.coalesce_ms)
		off += snprintf(buf + off, off < len ? len - off : 0,
				json ? "%s\"audit.coalesce\":\"%u\"" : "%saudit.coalesce=%u",
				off ? (json ? "," : " ") : "", ns->audit.coalesce_ms);
	if (ns->flags & NSLSM_NS_ADMIN_DELEGATED)
		off += snprintf(buf + off, off < len ? len - off : 0,
				json ? "%s\"admin.delegate\":\"1\"" : "%sadmin.delegate=1",
				off ? (json ? "," : " ") : "");
	if (ns->flags & NSLSM_NS_ADMIN_LOCKED)
		off += snprintf(buf + off, off < len ? len - off : 0,
				json ? "%s\"admin.locked\":\"1\"" : "%sadmin.locked=1",
				off ? (json ? "," : " ") : "");
	for (unsigned int k = 0; ns->id != NSLSM_HOST_ID && k < NSLSM_BOUNDARY_KEYS; k++)
		off += snprintf(buf + off, off < len ? len - off : 0,
				json ? "%s\"boundary.%s\":\"%s\"" : "%sboundary.%s=%s",
				off ? (json ? "," : " ") : "", ns_boundary_key(k),
				ns_boundary_rule_name(ns_boundary_get(ns, k)));
}

int ns_list_write(FILE *f, struct nslsm_state *st, uint32_t root, bool json)
{
	bool first = true;

	if (tasks_count_by_ns(st, task_counts, NULL))
		return -1;
	if (json)
		fprintf(f, "[");
	else
		fprintf(f, "%-20s %-5s %-20s %-5s %-6s %-16s %s\n", "NAME", "ID", "PARENT", "DEPTH",
			"TASKS", "MODULES", "SETTINGS");
	for (uint32_t i = 0; i < NSLSM_MAX_NS; i++) {
		const struct nslsm_ns *ns = &st->ns[i];
		char mods[128], set[512];

		if (!ns_in_use(ns) || !ns_within(st->ns, i, root))
			continue;
		module_list_format(ns->modules, mods, sizeof(mods));
		settings(ns, json, set, sizeof(set));
		if (json)
			fprintf(f, "%s{\"name\":\"%s\",\"id\":%u,\"parent\":%s%s%s,\"depth\":%u,"
				"\"tasks\":%u,\"modules\":\"%s\",\"settings\":{%s}}",
				first ? "" : ",", ns->name, i, i ? "\"" : "",
				i ? st->ns[ns->parent].name : "null", i ? "\"" : "", ns->depth,
				task_counts[i], mods, set);
		else
			fprintf(f, "%-20s %-5u %-20s %-5u %-6u %-16s %s\n", ns->name, i,
				i ? st->ns[ns->parent].name : "-", ns->depth, task_counts[i], mods,
				*set ? set : "-");
		first = false;
	}
	if (json)
		fprintf(f, "]\n");
	return 0;
}
