// SPDX-License-Identifier: GPL-2.0
/* nslsm ns create | delete | list | set */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lib/admin.h"
#include "lib/error.h"
#include "lib/module.h"
#include "lib/ns.h"
#include "lib/state.h"

static uint32_t task_counts[NSLSM_MAX_NS];

static int ns_create_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "parent", required_argument, 0, 'p' },
		{ "modules", required_argument, 0, 'm' },
		{ "parent-label", required_argument, 0, 'l' },
		{ 0 },
	};
	char *labels[NSLSM_MAX_MODULES];
	const char *parent = NULL;
	struct nslsm_state st;
	uint32_t modules = 0, id;
	int c, n_labels = 0, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			parent = optarg;
			break;
		case 'm':
			if (module_list_parse(optarg, &modules))
				return usage_error("ns", "--modules: %s", nslsm_error());
			break;
		case 'l':
			if (n_labels == NSLSM_MAX_MODULES)
				return usage_error("ns", "too many --parent-label options");
			labels[n_labels++] = optarg;
			break;
		case ':':
			return usage_error("ns", "option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("ns", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return usage_error("ns", "create takes exactly one NAME");
	if (state_open(&st, true) || state_lock(&st))
		return fail();
	rc = admin_ns_create(&st, argv[optind], parent, modules, labels, n_labels, &id);
	state_close(&st);
	if (rc)
		return fail();
	printf("namespace %s created (id %u)\n", argv[optind], id);
	return EXIT_OK;
}

static int ns_delete_cmd(int argc, char **argv)
{
	struct nslsm_state st;
	int id, rc;

	if (argc != 2)
		return usage_error("ns", "delete takes exactly one NAME");
	if (state_open(&st, true) || state_lock(&st))
		return fail();
	id = ns_find(st.ns, argv[1]);
	rc = id < 0 || admin_ns_delete(&st, id);
	state_close(&st);
	if (rc)
		return fail();
	printf("namespace %s deleted\n", argv[1]);
	return EXIT_OK;
}

static int ns_set_cmd(int argc, char **argv)
{
	struct nslsm_state st;
	int id, rc;

	if (argc < 3)
		return usage_error("ns", "set takes NAME and at least one KEY=VALUE");
	if (state_open(&st, true) || state_lock(&st))
		return fail();
	id = ns_find(st.ns, argv[1]);
	rc = id < 0 || admin_ns_set(&st, id, argv + 2, argc - 2);
	state_close(&st);
	return rc ? fail() : EXIT_OK;
}

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
	for (unsigned int k = 0; ns->id != NSLSM_HOST_ID && k < NSLSM_BOUNDARY_KEYS; k++)
		off += snprintf(buf + off, off < len ? len - off : 0,
				json ? "%s\"boundary.%s\":\"%s\"" : "%sboundary.%s=%s",
				off ? (json ? "," : " ") : "", ns_boundary_key(k),
				ns_boundary_rule_name(ns_boundary_get(ns, k)));
}

static int ns_list_cmd(int argc, char **argv)
{
	bool json = argc == 2 && !strcmp(argv[1], "--json");
	struct nslsm_state st;
	bool first = true;

	if (argc > 2 || (argc == 2 && !json))
		return usage_error("ns", "list takes only --json");
	if (state_open(&st, true) || tasks_count_by_ns(&st, task_counts, NULL))
		return fail();
	if (json)
		printf("[");
	else
		printf("%-20s %-5s %-20s %-5s %-6s %-16s %s\n", "NAME", "ID", "PARENT", "DEPTH", "TASKS",
		       "MODULES", "SETTINGS");
	for (uint32_t i = 0; i < NSLSM_MAX_NS; i++) {
		const struct nslsm_ns *ns = &st.ns[i];
		char mods[128], set[512];

		if (!ns_in_use(ns))
			continue;
		module_list_format(ns->modules, mods, sizeof(mods));
		settings(ns, json, set, sizeof(set));
		if (json)
			printf("%s{\"name\":\"%s\",\"id\":%u,\"parent\":%s%s%s,\"depth\":%u,\"tasks\":%u,"
			       "\"modules\":\"%s\",\"settings\":{%s}}",
			       first ? "" : ",", ns->name, i, i ? "\"" : "", i ? st.ns[ns->parent].name : "null",
			       i ? "\"" : "", ns->depth, task_counts[i], mods, set);
		else
			printf("%-20s %-5u %-20s %-5u %-6u %-16s %s\n", ns->name, i,
			       i ? st.ns[ns->parent].name : "-", ns->depth, task_counts[i], mods,
			       *set ? set : "-");
		first = false;
	}
	if (json)
		printf("]\n");
	state_close(&st);
	return EXIT_OK;
}

int cmd_ns(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("ns", "missing subcommand: create, delete, list or set");
	if (!strcmp(argv[1], "create"))
		return ns_create_cmd(argc - 1, argv + 1);
	if (!strcmp(argv[1], "delete"))
		return ns_delete_cmd(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return ns_list_cmd(argc - 1, argv + 1);
	if (!strcmp(argv[1], "set"))
		return ns_set_cmd(argc - 1, argv + 1);
	return usage_error("ns", "unknown subcommand '%s': create, delete, list or set", argv[1]);
}
