// SPDX-License-Identifier: GPL-2.0
/*
 * nslsm selinux: a binary policy file read, compiled and asked (check
 * --policy, compile), and a namespace's SELinux: load, check NS (BPF's own
 * decision), setenforce/getenforce, setbool/getbool, status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "lib/error.h"
#include "lib/ns.h"
#include "lib/state.h"
#include "selinux/filecon.h"
#include "selinux/policy.h"
#include "selinux/store.h"

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
	return 0;
}

static int set_bools(struct se_policy *p, const struct se_args *a)
{
	for (int i = 0; i < a->nbools; i++) {
		char name[256];
		bool v;

		if (se_bool_assign_parse(a->bools[i], name, sizeof(name), &v) ||
		    se_policy_set_bool(p, name, v)) {
			char why[512];

			snprintf(why, sizeof(why), "%s", nslsm_error());
			return nslsm_fail("--bool %s", why);
		}
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

/* The namespace NAME, which must enable the selinux module; the state
 * stays open and locked for the caller (state_close). */
static int open_ns(struct nslsm_state *st, const char *name, uint32_t *id)
{
	int i;

	if (state_open(st, true))
		return -1;
	if (state_lock(st)) {
		state_close(st);
		return -1;
	}
	i = ns_find(st->ns, name);
	if (i < 0) {
		state_close(st);
		return -1;
	}
	if (!(st->ns[i].modules & (1u << NSLSM_MOD_SELINUX))) {
		state_close(st);
		return nslsm_fail("namespace '%s' does not enable the selinux module (nslsm ns set "
				  "%s modules=...,selinux)", name, name);
	}
	*id = i;
	return 0;
}

/* Ask BPF: the decision of the namespace's maps for two contexts. */
static int bpf_decide(uint32_t ns_id, const char *ns, const struct nslsm_se_context *s,
		      const struct nslsm_se_context *t, uint32_t tclass, struct se_av_decision *avd,
		      uint64_t *seqno)
{
	struct nslsm_se_query q = { .ns_id = ns_id, .flags = NSLSM_SE_Q_CONTEXTS,
				    .tclass = tclass, .s = *s, .t = *t };

	if (se_store_query(&q))
		return -1;
	if (q.rc)
		return nslsm_fail_errno(-q.rc, "namespace '%s': the BPF decision failed", ns);
	avd->allowed = q.avd.allowed;
	avd->auditallow = q.avd.auditallow;
	avd->auditdeny = q.avd.auditdeny;
	avd->flags = q.avd.flags;
	*seqno = q.seqno;
	return 0;
}

static int check_cmd(int argc, char **argv)
{
	struct se_policy p;
	struct nslsm_se_context s, t;
	struct se_av_decision avd;
	struct nslsm_state st;
	struct se_args a;
	uint32_t tclass, ns_id = 0;
	uint64_t seqno = 1;
	bool any_denied = false;
	char **pos;
	int rc = EXIT_FAIL, npos;

	if (parse_args("selinux", argc, argv, true, false, &a))
		return EXIT_USAGE;
	pos = a.pos + !a.policy;
	npos = a.npos - !a.policy;
	if (npos < 3) {
		free(a.pos);
		return usage_error("selinux", "check needs %sSCONTEXT TCONTEXT CLASS [PERM...]",
				   a.policy ? "" : "NS (or --policy FILE) ");
	}
	if (!a.policy && a.nbools) {
		free(a.pos);
		return usage_error("selinux", "check NS: --bool is for --policy FILE; the "
					      "namespace's booleans are set by 'selinux setbool'");
	}
	if (a.policy ? se_policy_read_file(a.policy, &p) : 0) {
		free(a.pos);
		return fail();
	}
	if (!a.policy) {
		if (open_ns(&st, a.pos[0], &ns_id)) {
			free(a.pos);
			return fail();
		}
		rc = se_store_policy(ns_id, a.pos[0], &p, NULL);
		state_close(&st);
		if (rc) {
			free(a.pos);
			return fail();
		}
		rc = EXIT_FAIL;
	}
	if (set_bools(&p, &a) || se_context_parse(&p, pos[0], &s) ||
	    se_context_parse(&p, pos[1], &t))
		goto out;
	tclass = se_class_find(&p, pos[2]);
	if (!tclass) {
		bool allowed;

		if (unknown(&p, "class", pos[2], &allowed))
			goto out;
	}
	if (a.policy)
		se_compute_av(&p, &s, &t, tclass, &avd);
	else if (bpf_decide(ns_id, a.pos[0], &s, &t, tclass, &avd, &seqno))
		goto out;
	/* As /sys/fs/selinux/access: allowed decided auditallow auditdeny seqno flags. */
	printf("%x %x %x %x %llu %x\n", avd.allowed, 0xffffffffu, avd.auditallow, avd.auditdeny,
	       (unsigned long long)seqno, avd.flags);
	for (int i = 3; i < npos; i++) {
		int bit = tclass ? se_perm_find(&p, tclass, pos[i]) : -1;
		bool allowed = false, audit;

		if (bit < 0) {
			if (tclass && unknown(&p, "permission", pos[i], &allowed))
				goto out;
			if (!tclass)
				allowed = avd.allowed == 0xffffffffu;
			audit = !allowed;
		} else {
			allowed = avd.allowed >> bit & 1;
			audit = allowed ? avd.auditallow >> bit & 1 : avd.auditdeny >> bit & 1;
		}
		printf("%s %s%s%s%s\n", pos[i], allowed ? "allowed" : "denied",
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
	if (!a.policy)
		return usage_error("selinux", "compile needs --policy FILE");
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

static int load_cmd(int argc, char **argv)
{
	struct se_load_report rep;
	struct nslsm_state st;
	uint32_t id;
	int rc;

	if (argc != 3)
		return usage_error("selinux", "load takes NS FILE");
	if (open_ns(&st, argv[1], &id))
		return fail();
	unsigned int imported = 0, skipped = 0;

	rc = se_store_load(id, argv[1], argv[2], &rep);
	/* the namespace's stored file contexts, as SIDs of this policy */
	if (!rc)
		rc = se_labels_reimport(id, argv[1], &imported, &skipped);
	state_close(&st);
	if (rc)
		return fail();
	printf("namespace '%s': policy %s loaded (generation %u, %llu entries, %llu bytes of "
	       "tables; read %.1f ms, written %.1f ms, switched %.3f ms, old removed %.1f ms)\n",
	       argv[1], argv[2], rep.gen, (unsigned long long)rep.entries,
	       (unsigned long long)rep.bytes, rep.read_ms, rep.write_ms, rep.flip_ms,
	       rep.delete_ms);
	if (rep.sids_kept || rep.sids_unlabeled)
		printf("namespace '%s': %u SIDs kept their numbers, %u of them unlabeled (the "
		       "policy refuses their contexts)\n", argv[1], rep.sids_kept + rep.sids_unlabeled,
		       rep.sids_unlabeled);
	if (imported || skipped)
		printf("namespace '%s': %u file labels restored, %u the policy refuses left "
		       "unlabelled\n", argv[1], imported, skipped);
	return EXIT_OK;
}

static int chcon_cmd(int argc, char **argv)
{
	struct nslsm_state st;
	uint32_t id;
	int rc;

	if (argc < 4)
		return usage_error("selinux", "chcon takes NS CONTEXT PATH...");
	if (open_ns(&st, argv[1], &id))
		return fail();
	rc = se_chcon(id, argv[1], argv[2], argv + 3, argc - 3);
	state_close(&st);
	return rc ? fail() : EXIT_OK;
}

static int label_cmd(int argc, char **argv)
{
	struct nslsm_state st;
	uint32_t id;
	int rc = 0;

	if (argc < 3)
		return usage_error("selinux", "label takes NS PATH...");
	if (open_ns(&st, argv[1], &id))
		return fail();
	for (int i = 2; i < argc && !rc; i++) {
		char ctx[4096], source[256];

		rc = se_label_of(id, argv[1], argv[i], ctx, sizeof(ctx), source, sizeof(source));
		if (!rc)
			printf("%s\t%s\t(%s)\n", argv[i], ctx, source);
	}
	state_close(&st);
	return rc ? fail() : EXIT_OK;
}

static int mount_context_cmd(int argc, char **argv)
{
	struct nslsm_state st;
	uint32_t id;
	int rc;

	if (argc != 4)
		return usage_error("selinux", "mount-context takes NS MOUNTPOINT CONTEXT");
	if (open_ns(&st, argv[1], &id))
		return fail();
	rc = se_mount_context(id, argv[1], argv[2], argv[3]);
	state_close(&st);
	return rc ? fail() : EXIT_OK;
}

static int restorecon_cmd(int argc, char **argv)
{
	struct se_restorecon_opts o = {
		.file_contexts = "/etc/selinux/default/contexts/files/file_contexts",
	};
	struct nslsm_state st;
	char **pos = calloc(argc, sizeof(*pos));
	bool opts = true, fc_given = false;
	unsigned int n_done = 0;
	int npos = 0, rc;
	uint32_t id;

	if (!pos)
		return usage_error("selinux", "out of memory");
	for (int i = 1; i < argc; i++) {
		if (opts && !strcmp(argv[i], "--")) {
			opts = false;
		} else if (opts && !strcmp(argv[i], "-R")) {
			o.recursive = true;
		} else if (opts && !strcmp(argv[i], "-v")) {
			o.verbose = true;
		} else if (opts && !strcmp(argv[i], "--from-xattr")) {
			o.from_xattr = true;
		} else if (opts && (!strcmp(argv[i], "--root") || !strcmp(argv[i], "-f"))) {
			if (i + 1 == argc) {
				free(pos);
				return usage_error("selinux", "restorecon: %s needs a value", argv[i]);
			}
			if (argv[i][1] == 'f') {
				o.file_contexts = argv[++i];
				fc_given = true;
			} else {
				o.root = argv[++i];
			}
		} else if (opts && argv[i][0] == '-' && argv[i][1]) {
			free(pos);
			return usage_error("selinux", "restorecon: unknown option '%s'", argv[i]);
		} else {
			pos[npos++] = argv[i];
		}
	}
	if (npos < 2 || (o.from_xattr && (fc_given || o.root))) {
		free(pos);
		return usage_error("selinux", npos < 2 ? "restorecon takes NS PATH..."
						       : "restorecon: --from-xattr takes neither -f "
							 "nor --root");
	}
	if (open_ns(&st, pos[0], &id)) {
		free(pos);
		return fail();
	}
	rc = se_restorecon(id, pos[0], &o, pos + 1, npos - 1, &n_done);
	state_close(&st);
	free(pos);
	if (rc)
		return fail();
	if (o.verbose)
		printf("%u files labelled\n", n_done);
	return EXIT_OK;
}

static int setenforce_cmd(int argc, char **argv)
{
	struct nslsm_state st;
	uint32_t id;
	bool on;
	int rc;

	if (argc != 3)
		return usage_error("selinux", "setenforce takes NS 0|1");
	if (!strcmp(argv[2], "1") || !strcasecmp(argv[2], "enforcing"))
		on = true;
	else if (!strcmp(argv[2], "0") || !strcasecmp(argv[2], "permissive"))
		on = false;
	else
		return usage_error("selinux", "setenforce: '%s': expected 0|1 (or "
					      "Permissive|Enforcing)", argv[2]);
	if (open_ns(&st, argv[1], &id))
		return fail();
	rc = se_store_set_enforce(id, on);
	state_close(&st);
	return rc ? fail() : EXIT_OK;
}

static int getenforce_cmd(int argc, char **argv)
{
	struct nslsm_state st;
	struct nslsm_se_ns ns;
	uint32_t id;
	int rc;

	if (argc != 2)
		return usage_error("selinux", "getenforce takes NS");
	if (open_ns(&st, argv[1], &id))
		return fail();
	rc = se_store_state(id, &ns);
	state_close(&st);
	if (rc < 0)
		return fail();
	printf("%s\n", ns.enforce ? "Enforcing" : "Permissive");
	return EXIT_OK;
}

static int setbool_cmd(int argc, char **argv)
{
	struct nslsm_state st;
	uint32_t id;
	int rc;

	if (argc < 3)
		return usage_error("selinux", "setbool takes NS NAME=0|1...");
	if (open_ns(&st, argv[1], &id))
		return fail();
	rc = se_store_set_bools(id, argv[1], argv + 2, argc - 2);
	state_close(&st);
	return rc ? fail() : EXIT_OK;
}

static int getbool_cmd(int argc, char **argv)
{
	struct nslsm_state st;
	struct se_policy p;
	uint32_t id, b = 0;
	int rc;

	if (argc != 2 && argc != 3)
		return usage_error("selinux", "getbool takes NS [NAME]");
	if (open_ns(&st, argv[1], &id))
		return fail();
	rc = se_store_policy(id, argv[1], &p, NULL);
	state_close(&st);
	if (rc)
		return fail();
	if (argc == 3) {
		b = se_names_find(&p.bool_index, argv[2]);
		if (!b) {
			nslsm_fail("namespace '%s': its policy has no boolean '%s'", argv[1], argv[2]);
			se_policy_free(&p);
			return fail();
		}
	}
	/* getsebool's format, in the policy's order */
	for (uint32_t i = 0; i < p.hdr.nbools; i++)
		if (!b || i == b - 1)
			printf("%s --> %s\n", p.bool_names[i], p.bools[i] ? "on" : "off");
	se_policy_free(&p);
	return EXIT_OK;
}

static const char *unknown_word(uint32_t h)
{
	return h == NSLSM_SE_UNKNOWN_ALLOW ? "allowed" : h == NSLSM_SE_UNKNOWN_REJECT ? "rejected"
											 : "denied";
}

static int status_cmd(int argc, char **argv)
{
	struct nslsm_se_policy_info info;
	struct nslsm_se_avc_stats avc;
	struct nslsm_state st;
	struct nslsm_se_ns ns;
	struct se_policy p;
	uint32_t id, on = 0;
	int rc;

	if (argc != 2)
		return usage_error("selinux", "status takes NS");
	if (open_ns(&st, argv[1], &id))
		return fail();
	rc = se_store_state(id, &ns);
	if (rc >= 0 && ns.gen)
		rc = se_store_policy(id, argv[1], &p, &info);
	if (rc >= 0)
		rc = se_store_avc_stats(id, &avc);
	state_close(&st);
	if (rc < 0) {
		if (ns.gen)
			se_policy_free(&p);
		return fail();
	}
	/* sestatus's layout */
	printf("%-32s%s\n", "SELinux status:", "enabled");
	printf("%-32s%s\n", "SELinux namespace:", argv[1]);
	printf("%-32s%s\n", "Current mode:", ns.enforce ? "enforcing" : "permissive");
	if (!ns.gen) {
		printf("%-32s%s\n", "Loaded policy:", "none");
	} else {
		for (uint32_t i = 0; i < p.hdr.nbools; i++)
			on += p.bools[i];
		printf("%-32s%u (generation %u, %u bytes)\n", "Policy version:",
		       info.hdr.policyvers, ns.gen, info.blob_len);
		printf("%-32s%s\n", "Policy MLS status:",
		       info.hdr.flags & NSLSM_SE_MLS ? "enabled" : "disabled");
		printf("%-32s%s\n", "Policy deny_unknown status:",
		       unknown_word(info.hdr.handle_unknown));
		printf("%-32s%u (%u on)\n", "Booleans:", info.hdr.nbools, on);
		printf("%-32s%u types, %u classes, %llu access vector keys, %llu conditional\n",
		       "Tables:", info.hdr.ntypes, info.hdr.nclasses,
		       (unsigned long long)info.av_n, (unsigned long long)info.cond_av_n);
		/* sids are never freed: sid_next counts every one given */
		printf("%-32s%u initial, %u given to other contexts (numbers kept across "
		       "loads)\n", "SIDs:", info.nisids,
		       info.sid_next > NSLSM_SE_SID_FIRST ? info.sid_next - NSLSM_SE_SID_FIRST : 0);
		se_policy_free(&p);
	}
	printf("%-32s%llu\n", "Policy seqno:", (unsigned long long)ns.seqno);
	printf("%-32slookups %llu hits %llu misses %llu allocations %llu\n", "AVC statistics:",
	       (unsigned long long)avc.lookups, (unsigned long long)avc.hits,
	       (unsigned long long)avc.misses, (unsigned long long)avc.allocations);
	return EXIT_OK;
}

int cmd_selinux(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} subs[] = {
		{ "check", check_cmd },		{ "compile", compile_cmd },
		{ "load", load_cmd },		{ "setenforce", setenforce_cmd },
		{ "getenforce", getenforce_cmd }, { "setbool", setbool_cmd },
		{ "getbool", getbool_cmd },	{ "status", status_cmd },
		{ "chcon", chcon_cmd },		{ "label", label_cmd },
		{ "restorecon", restorecon_cmd }, { "mount-context", mount_context_cmd },
	};

	if (argc < 2)
		return usage_error("selinux", "missing subcommand");
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].fn(argc - 1, argv + 1);
	return usage_error("selinux", "unknown subcommand '%s'", argv[1]);
}
