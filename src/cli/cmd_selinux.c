// SPDX-License-Identifier: GPL-2.0
/* nslsm selinux check|compile: a binary policy file, read, compiled and asked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "lib/error.h"
#include "selinux/policy.h"

#define MAX_BOOLS 256

struct se_args {
	const char *policy;
	const char *bools[MAX_BOOLS];
	int nbools;
	bool stats;
	char **pos;
	int npos;
};

/* Options anywhere, positional arguments in order ("--" ends options). */
static int parse_args(const char *cmd, int argc, char **argv, bool allow_bools, bool allow_stats,
		      struct se_args *a)
{
	bool opts = true;

	memset(a, 0, sizeof(*a));
	a->pos = calloc(argc ? argc : 1, sizeof(*a->pos));
	if (!a->pos)
		return usage_error(cmd, "out of memory");
	for (int i = 1; i < argc; i++) {
		if (opts && !strcmp(argv[i], "--")) {
			opts = false;
		} else if (opts && !strcmp(argv[i], "--policy")) {
			if (++i == argc)
				return usage_error(cmd, "--policy needs a FILE");
			a->policy = argv[i];
		} else if (opts && allow_bools && !strcmp(argv[i], "--bool")) {
			if (++i == argc)
				return usage_error(cmd, "--bool needs NAME=0|1");
			if (a->nbools == MAX_BOOLS)
				return usage_error(cmd, "more than %d --bool", MAX_BOOLS);
			a->bools[a->nbools++] = argv[i];
		} else if (opts && allow_stats && !strcmp(argv[i], "--stats")) {
			a->stats = true;
		} else if (opts && argv[i][0] == '-' && argv[i][1]) {
			return usage_error(cmd, "unknown option '%s'", argv[i]);
		} else {
			a->pos[a->npos++] = argv[i];
		}
	}
	if (!a->policy)
		return usage_error(cmd, "--policy FILE is required (a namespace's loaded policy "
					"comes with the BPF side of the SELinux module)");
	return 0;
}

static int set_bools(struct se_policy *p, const struct se_args *a)
{
	for (int i = 0; i < a->nbools; i++) {
		const char *eq = strchr(a->bools[i], '=');
		char name[256];

		if (!eq || eq == a->bools[i] || (size_t)(eq - a->bools[i]) >= sizeof(name) ||
		    (strcmp(eq + 1, "0") && strcmp(eq + 1, "1") && strcmp(eq + 1, "true") &&
		     strcmp(eq + 1, "false")))
			return nslsm_fail("--bool '%s': expected NAME=0|1", a->bools[i]);
		memcpy(name, a->bools[i], eq - a->bools[i]);
		name[eq - a->bools[i]] = 0;
		if (se_policy_set_bool(p, name, !strcmp(eq + 1, "1") || !strcmp(eq + 1, "true")))
			return -1;
	}
	return 0;
}

/* A class or permission the policy lacks: handle_unknown decides. */
static int unknown(const struct se_policy *p, const char *what, const char *name, bool *allowed)
{
	if (p->hdr.handle_unknown == NSLSM_SE_UNKNOWN_REJECT)
		return nslsm_fail("the policy has no %s '%s' (and rejects unknown ones)", what,
				  name);
	*allowed = p->hdr.handle_unknown == NSLSM_SE_UNKNOWN_ALLOW;
	return 0;
}

static int check_cmd(int argc, char **argv)
{
	struct se_policy p;
	struct nslsm_se_context s, t;
	struct se_av_decision avd;
	struct se_args a;
	uint32_t tclass;
	bool any_denied = false;
	int rc = EXIT_FAIL;

	if (parse_args("selinux", argc, argv, true, false, &a))
		return EXIT_USAGE;
	if (a.npos < 3) {
		free(a.pos);
		return usage_error("selinux", "check needs SCONTEXT TCONTEXT CLASS [PERM...]");
	}
	if (se_policy_read_file(a.policy, &p)) {
		free(a.pos);
		return fail();
	}
	if (set_bools(&p, &a) || se_context_parse(&p, a.pos[0], &s) ||
	    se_context_parse(&p, a.pos[1], &t))
		goto out;
	tclass = se_class_find(&p, a.pos[2]);
	if (!tclass) {
		bool allowed;

		if (unknown(&p, "class", a.pos[2], &allowed))
			goto out;
	}
	se_compute_av(&p, &s, &t, tclass, &avd);
	/* As /sys/fs/selinux/access: allowed decided auditallow auditdeny seqno flags. */
	printf("%x %x %x %x %u %x\n", avd.allowed, 0xffffffffu, avd.auditallow, avd.auditdeny, 1u,
	       avd.flags);
	for (int i = 3; i < a.npos; i++) {
		int bit = tclass ? se_perm_find(&p, tclass, a.pos[i]) : -1;
		bool allowed = false, audit;

		if (bit < 0) {
			if (tclass && unknown(&p, "permission", a.pos[i], &allowed))
				goto out;
			if (!tclass)
				allowed = avd.allowed == 0xffffffffu;
			audit = !allowed;
		} else {
			allowed = avd.allowed >> bit & 1;
			audit = allowed ? avd.auditallow >> bit & 1 : avd.auditdeny >> bit & 1;
		}
		printf("%s %s%s%s%s\n", a.pos[i], allowed ? "allowed" : "denied",
		       bit < 0 ? " (not in the policy: handle_unknown)" : "",
		       audit ? allowed ? " auditallow" : " audited" : allowed ? "" : " dontaudit",
		       !allowed && (avd.flags & NSLSM_SE_AVD_PERMISSIVE)
			       ? " (permissive domain: the kernel would allow and log)"
			       : "");
		any_denied |= !allowed;
	}
	rc = any_denied ? 3 : EXIT_OK;
out:
	if (rc == EXIT_FAIL)
		fail();
	se_policy_free(&p);
	free(a.pos);
	return rc;
}

static int compile_cmd(int argc, char **argv)
{
	struct timespec t0, t1;
	struct se_policy p;
	struct se_args a;

	if (parse_args("selinux", argc, argv, false, true, &a))
		return EXIT_USAGE;
	if (a.npos) {
		usage_error("selinux", "compile takes no argument '%s'", a.pos[0]);
		free(a.pos);
		return EXIT_USAGE;
	}
	free(a.pos);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (se_policy_read_file(a.policy, &p))
		return fail();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%s: valid, read and compiled in %.1f ms\n", a.policy,
	       (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	if (a.stats)
		se_policy_print_stats(&p, stdout);
	se_policy_free(&p);
	return EXIT_OK;
}

int cmd_selinux(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("selinux", "missing subcommand");
	if (!strcmp(argv[1], "check"))
		return check_cmd(argc - 1, argv + 1);
	if (!strcmp(argv[1], "compile"))
		return compile_cmd(argc - 1, argv + 1);
	if (!strcmp(argv[1], "load"))
		return usage_error("selinux", "'load' comes with the BPF side of the SELinux "
					      "module; use 'check --policy FILE' meanwhile");
	return usage_error("selinux", "unknown subcommand '%s'", argv[1]);
}
