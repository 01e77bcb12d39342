// SPDX-License-Identifier: GPL-2.0
/* nslsm apparmor load|replace|remove|status|check */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apparmor/load.h"
#include "apparmor/policy.h"
#include "apparmor/status.h"
#include "apparmor/store.h"
#include "cli.h"
#include "lib/error.h"
#include "lib/ns.h"
#include "lib/state.h"

static int open_ns(struct nslsm_state *st, const char *name, int *id)
{
	if (state_open(st, true) || state_lock(st))
		return -1;
	*id = ns_find(st->ns, name);
	if (*id < 0)
		return -1;
	if (!(st->ns[*id].modules & (1u << NSLSM_MOD_APPARMOR)))
		return nslsm_fail("namespace '%s' does not enable the apparmor module (nslsm ns set "
				  "%s modules=...,apparmor)", name, name);
	return 0;
}

/* load|replace through nslsmd: every FILE as binary policy, in one
 * payload, which nslsmd validates and applies all or nothing. */
static int remote_load(const char *sub, const char *ns, int n, char **files, const char *features)
{
	char *all = NULL, *buf;
	size_t len = 0, one;
	int rc;

	for (int k = 0; k < n; k++) {
		char *grown;

		if (aa_policy_binary_from_file(files[k], features, &buf, &one)) {
			free(all);
			return fail();
		}
		grown = realloc(all, len + one);
		if (!grown) {
			free(buf);
			free(all);
			nslsm_fail("out of memory");
			return fail();
		}
		all = grown;
		memcpy(all + len, buf, one);
		len += one;
		free(buf);
	}
	rc = remote_admin("apparmor", sub, ns, NULL, 0, all, len);
	free(all);
	return rc;
}

static int change_cmd(const char *sub, enum aa_change op, int argc, char **argv)
{
	const char *features_opt = NULL;
	char features[PATH_MAX];
	struct aa_policy pol = { 0 };
	char **names = NULL;
	int n_names = 0, i = 1, id, rc = -1;
	struct nslsm_state st;
	struct aa_pools pl;

	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--features") && i + 1 < argc)
			features_opt = argv[++i];
		else
			return usage_error("apparmor", "%s: unknown option '%s'", sub, argv[i]);
	}
	if (argc - i < 2)
		return usage_error("apparmor", "%s takes NS and at least one %s", sub,
				   op == AA_REMOVE ? "PROFILE or FILE" : "FILE");
	if (op != AA_REMOVE || features_opt) {
		if (aa_features_file(features_opt, features, sizeof(features)))
			return fail();
	}
	if (op != AA_REMOVE && remote_wanted())
		return remote_load(sub, argv[i], argc - i - 1, argv + i + 1, features);
	/* compile and validate everything before touching the maps */
	if (op == AA_REMOVE) {
		names = calloc(argc, sizeof(*names));
		if (!names)
			return fail();
		for (int k = i + 1; k < argc; k++) {
			struct stat sb;

			if (stat(argv[k], &sb) == 0 && S_ISREG(sb.st_mode)) {
				struct aa_policy one = { 0 };
				char **g;

				if (aa_features_file(features_opt, features, sizeof(features)) ||
				    aa_policy_from_file(argv[k], features, &one))
					goto out;
				g = realloc(names, (argc + n_names + one.n) * sizeof(*g));
				if (!g) {
					aa_policy_free(&one);
					goto out;
				}
				names = g;
				for (size_t p = 0; p < one.n; p++) {
					char full[NSLSM_AA_NAME_MAX + 64];

					if (one.profiles[p].ns)
						snprintf(full, sizeof(full), ":%s:%s", one.profiles[p].ns,
							 one.profiles[p].name);
					else
						snprintf(full, sizeof(full), "%s", one.profiles[p].name);
					/* children are removed with their parent */
					if (!strstr(one.profiles[p].name, "//"))
						names[n_names++] = strdup(full);
				}
				aa_policy_free(&one);
			} else {
				names[n_names++] = strdup(argv[k]);
			}
		}
	} else {
		for (int k = i + 1; k < argc; k++)
			if (aa_policy_from_file(argv[k], features, &pol))
				goto out;
	}
	if (op == AA_REMOVE && remote_wanted()) {
		int status = remote_admin("apparmor", "remove", argv[i], names, n_names, NULL, 0);

		for (int k = 0; k < n_names; k++)
			free(names[k]);
		free(names);
		return status;
	}
	if (open_ns(&st, argv[i], &id))
		goto out_state;
	if (aa_pools_open(&pl))
		goto out_state;
	rc = aa_store_apply(&pl, id, argv[i], op, &pol, names, n_names);
	aa_pools_close(&pl);
	if (!rc) {
		if (op == AA_REMOVE)
			printf("%d profile%s removed from %s\n", n_names, n_names == 1 ? "" : "s",
			       argv[i]);
		else
			printf("%zu profile%s %s in %s\n", pol.n, pol.n == 1 ? "" : "s",
			       op == AA_LOAD ? "loaded" : "replaced or loaded", argv[i]);
	}
out_state:
	state_close(&st);
out:
	aa_policy_free(&pol);
	for (int k = 0; k < n_names; k++)
		free(names[k]);
	free(names);
	return rc ? fail() : EXIT_OK;
}

static int status_cmd(int argc, char **argv)
{
	bool json = false;
	const char *name = NULL;
	struct nslsm_state st;
	int id, rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (argv[i][0] == '-' || name)
			return usage_error("apparmor", "status: unexpected argument '%s'", argv[i]);
		else
			name = argv[i];
	}
	if (!name)
		return usage_error("apparmor", "status takes NS");
	if (remote_wanted())
		return remote_admin("apparmor", "status", name, (char *[]){ "json" }, json, NULL, 0);
	rc = open_ns(&st, name, &id) || aa_status_write(stdout, &st, id, json);
	state_close(&st);
	return rc ? fail() : EXIT_OK;
}

/* OPERATION or mask -> requested permissions. */
static int parse_request(const char *op, uint32_t *mask)
{
	static const struct { const char *name; uint32_t mask; } ops[] = {
		{ "read", AA_MAY_READ }, { "write", AA_MAY_WRITE }, { "append", AA_MAY_APPEND },
		{ "exec", AA_MAY_EXEC }, { "mmap", AA_EXEC_MMAP }, { "lock", AA_MAY_LOCK },
		{ "link", AA_MAY_LINK }, { "create", AA_MAY_CREATE }, { "unlink", AA_MAY_DELETE },
		{ "delete", AA_MAY_DELETE }, { "chmod", AA_MAY_CHMOD }, { "chown", AA_MAY_CHOWN },
		{ "truncate", AA_MAY_WRITE | AA_MAY_SETATTR },
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(op, ops[i].name)) {
			*mask = ops[i].mask;
			return 0;
		}
	return aa_perm_mask_parse(op, mask);
}

static int print_decision(uint32_t request, const struct nslsm_aa_perms *p, bool json)
{
	uint32_t denied = request & ~p->allow;
	char req[40], den[40], allow[40];

	aa_perm_mask_str(request, req, sizeof(req));
	aa_perm_mask_str(denied, den, sizeof(den));
	aa_perm_mask_str(p->allow, allow, sizeof(allow));
	if (json)
		printf("{\"decision\":\"%s\",\"requested_mask\":\"%s\",\"denied_mask\":\"%s\","
		       "\"allowed\":\"%s\",\"audit\":%s,\"quiet\":%s}\n",
		       denied ? "denied" : "allowed", req, den, allow,
		       request & p->audit ? "true" : "false",
		       denied & p->quiet ? "true" : "false");
	else if (denied)
		printf("denied requested_mask=\"%s\" denied_mask=\"%s\"%s\n", req, den,
		       denied & p->quiet ? " (quiet)" : "");
	else
		printf("allowed requested_mask=\"%s\"%s\n", req, request & p->audit ? " (audit)" : "");
	return denied ? 3 : EXIT_OK;
}

static int check_cmd(int argc, char **argv)
{
	const char *file = NULL, *features_opt = NULL, *args[4];
	bool json = false, other = false;
	int n = 0;
	uint32_t request;
	struct nslsm_aa_perms perms;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--other"))
			other = true;
		else if (!strcmp(argv[i], "--file") && i + 1 < argc)
			file = argv[++i];
		else if (!strcmp(argv[i], "--features") && i + 1 < argc)
			features_opt = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1])
			return usage_error("apparmor", "check: unknown option '%s'", argv[i]);
		else if (n < 4)
			args[n++] = argv[i];
		else
			return usage_error("apparmor", "check: too many arguments");
	}
	if (n != (file ? 3 : 4))
		return usage_error("apparmor", "check takes %s", file ? "--file FILE PROFILE OP PATH"
								     : "NS PROFILE OP PATH");
	if (parse_request(args[n - 2], &request))
		return usage_error("apparmor", "check: %s", nslsm_error());
	if (args[n - 1][0] != '/')
		return usage_error("apparmor", "check: PATH '%s' must be absolute", args[n - 1]);
	if (file) {
		char features[PATH_MAX];
		struct aa_policy pol = { 0 };
		const struct aa_profile *p = NULL;
		int rc;

		if (aa_features_file(features_opt, features, sizeof(features)) ||
		    aa_policy_from_file(file, features, &pol))
			return fail();
		for (size_t i = 0; i < pol.n; i++)
			if (!strcmp(pol.profiles[i].name, args[0]))
				p = &pol.profiles[i];
		if (!p) {
			aa_policy_free(&pol);
			nslsm_fail("%s has no profile '%s'", file, args[0]);
			return fail();
		}
		perms = aa_profile_file_perms(p, args[2], !other);
		rc = print_decision(request, &perms, json);
		aa_policy_free(&pol);
		return rc;
	} else {
		struct nslsm_state st;
		struct aa_pools pl;
		uint32_t pid;
		int id;

		if (open_ns(&st, args[0], &id) || aa_pools_open(&pl)) {
			state_close(&st);
			return fail();
		}
		pid = aa_store_find(&pl, id, args[1]);
		if (!pid) {
			aa_pools_close(&pl);
			state_close(&st);
			nslsm_fail("namespace '%s' has no AppArmor profile '%s'", args[0], args[1]);
			return fail();
		}
		perms = aa_store_file_perms(&pl, pid, args[3], !other);
		aa_pools_close(&pl);
		state_close(&st);
		return print_decision(request, &perms, json);
	}
}

int cmd_apparmor(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("apparmor", "missing subcommand");
	if (!strcmp(argv[1], "load"))
		return change_cmd("load", AA_LOAD, argc - 1, argv + 1);
	if (!strcmp(argv[1], "replace"))
		return change_cmd("replace", AA_REPLACE, argc - 1, argv + 1);
	if (!strcmp(argv[1], "remove"))
		return change_cmd("remove", AA_REMOVE, argc - 1, argv + 1);
	if (!strcmp(argv[1], "status"))
		return status_cmd(argc - 1, argv + 1);
	if (!strcmp(argv[1], "check"))
		return check_cmd(argc - 1, argv + 1);
	return usage_error("apparmor", "unknown subcommand '%s'", argv[1]);
}
