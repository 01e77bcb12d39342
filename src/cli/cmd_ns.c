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
#include "lib/ns_print.h"
#include "lib/state.h"

/* ns create through nslsmd: parent=, modules=, label= arguments. */
static int remote_create(const char *name, const char *parent, const char *modules, char **labels,
			 int n_labels)
{
	char words[2 + NSLSM_MAX_MODULES][300], *args[2 + NSLSM_MAX_MODULES];
	int n = 0;

	if (parent)
		snprintf(words[n++], sizeof(words[0]), "parent=%s", parent);
	if (modules)
		snprintf(words[n++], sizeof(words[0]), "modules=%s", modules);
	for (int i = 0; i < n_labels; i++)
		snprintf(words[n++], sizeof(words[0]), "label=%s", labels[i]);
	for (int i = 0; i < n; i++)
		args[i] = words[i];
	return remote_admin("ns", "create", name, args, n, NULL, 0);
}

static int ns_create_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "parent", required_argument, 0, 'p' },
		{ "modules", required_argument, 0, 'm' },
		{ "parent-label", required_argument, 0, 'l' },
		{ 0 },
	};
	char *labels[NSLSM_MAX_MODULES];
	const char *parent = NULL, *modules_arg = NULL;
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
			modules_arg = optarg;
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
	if (remote_wanted())
		return remote_create(argv[optind], parent, modules_arg, labels, n_labels);
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
	if (remote_wanted())
		return remote_admin("ns", "delete", argv[1], NULL, 0, NULL, 0);
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
	if (remote_wanted())
		return remote_admin("ns", "set", argv[1], argv + 2, argc - 2, NULL, 0);
	if (state_open(&st, true) || state_lock(&st))
		return fail();
	id = ns_find(st.ns, argv[1]);
	rc = id < 0 || admin_ns_set(&st, id, argv + 2, argc - 2);
	state_close(&st);
	return rc ? fail() : EXIT_OK;
}

static int ns_list_cmd(int argc, char **argv)
{
	bool json = argc == 2 && !strcmp(argv[1], "--json");
	struct nslsm_state st;
	int rc;

	if (argc > 2 || (argc == 2 && !json))
		return usage_error("ns", "list takes only --json");
	if (remote_wanted())
		return remote_admin("ns", "list", ".", (char *[]){ "json" }, json, NULL, 0);
	if (state_open(&st, true))
		return fail();
	rc = ns_list_write(stdout, &st, NSLSM_HOST_ID, json);
	state_close(&st);
	return rc ? fail() : EXIT_OK;
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
