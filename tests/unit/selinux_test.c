// SPDX-License-Identifier: GPL-2.0
/*
 * The SELinux reference decision against libsepol's own (sepol_compute_av,
 * the library's security server): Debian's refpolicy on a random but
 * deterministic sample of valid (scontext, tcontext, class) triples, and a
 * small CIL policy (tests/selinux/small.cil) built by secilc at test time,
 * MLS and not, versions 30 and 33, each handle_unknown, every boolean
 * combination. Every disagreement is printed; there must be none.
 * NSLSM_SE_SAMPLES=N sets the refpolicy sample (default 5000; the full run
 * takes 100000 or more).
 * Then every bad input: a clear error, nothing half-compiled.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sepol/policydb/conditional.h>
#include <sepol/policydb/ebitmap.h>
#include <sepol/policydb/policydb.h>
#include <sepol/policydb/services.h>
#include <sepol/policydb/sidtab.h>
#include <sepol/sepol.h>

#include "lib/error.h"
#include "selinux/internal.h"
#include "selinux/sample.h"
#include "selinux/store.h"
#include "test.h"

#define REFPOLICY "/etc/selinux/default/policy/policy.33"
#define SMALL_CIL "tests/selinux/small.cil"

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* ---- the comparison -------------------------------------------------- */

struct oracle {
	policydb_t db;
	bool loaded;
};

/* libsepol's security server over its own read of `path`. */
static int oracle_load(struct oracle *o, const char *path)
{
	struct policy_file pf;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (sepol_set_policydb_from_file(f)) {
		fclose(f);
		return -1;
	}
	rewind(f);
	policydb_init(&o->db);
	policy_file_init(&pf);
	pf.type = PF_USE_STDIO;
	pf.fp = f;
	if (policydb_read(&o->db, &pf, 0)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	sepol_set_policydb(&o->db);
	o->loaded = true;
	return 0;
}

/* The same boolean values on both sides. */
static void set_bools_both(struct oracle *o, struct se_policy *p, uint64_t bits_seed)
{
	for (uint32_t i = 0; i < p->hdr.nbools; i++) {
		int v = bits_seed == UINT64_MAX ? (int)(rnd() & 1) : (int)(bits_seed >> (i % 64) & 1);

		p->bools[i] = v;
		o->db.bool_val_to_struct[i]->state = v;
	}
	se_policy_eval_conds(p);
	evaluate_conds(&o->db);
}

static sidtab_t sids;
static bool sids_live;

static void fresh_sidtab(void)
{
	if (sids_live)
		sepol_sidtab_destroy(&sids);
	sepol_sidtab_init(&sids);
	sepol_set_sidtab(&sids);
	sids_live = true;
}

/* n triples; returns the number of disagreements (each printed). */
static uint64_t compare(const struct oracle *o, struct se_policy *p, struct se_sampler *g, uint64_t n,
			uint64_t *compared)
{
	uint64_t bad = 0, skipped = 0;

	*compared = 0;
	for (uint64_t i = 0; i < n; i++) {
		/* libsepol's SID table is searched linearly: start a new one now
		 * and then, or the comparison slows to a crawl */
		if (i % 256 == 0)
			fresh_sidtab();
		struct nslsm_se_context s, t, s2, t2;
		struct sepol_av_decision ref;
		struct se_av_decision avd;
		sepol_security_id_t ssid, tsid;
		char sbuf[16384], tbuf[16384];
		uint32_t tclass;
		bool permissive;

		if (!se_sample_triple(g, &s, &t, &tclass)) {
			skipped++;
			continue;
		}
		se_context_format(p, &s, sbuf, sizeof(sbuf));
		se_context_format(p, &t, tbuf, sizeof(tbuf));
		if (se_context_parse(p, sbuf, &s2) || se_context_parse(p, tbuf, &t2) ||
		    memcmp(&s, &s2, sizeof(s)) || memcmp(&t, &t2, sizeof(t))) {
			if (bad++ < 20)
				printf("    context round trip: %s / %s: %s\n", sbuf, tbuf,
				       nslsm_error());
			continue;
		}
		if (sepol_context_to_sid(sbuf, strlen(sbuf) + 1, &ssid) ||
		    sepol_context_to_sid(tbuf, strlen(tbuf) + 1, &tsid)) {
			if (bad++ < 20)
				printf("    libsepol refuses %s or %s\n", sbuf, tbuf);
			continue;
		}
		memset(&ref, 0, sizeof(ref));
		if (sepol_compute_av(ssid, tsid, tclass, 0, &ref)) {
			if (bad++ < 20)
				printf("    libsepol cannot decide %s %s %u\n", sbuf, tbuf, tclass);
			continue;
		}
		se_compute_av(p, &s, &t, tclass, &avd);
		permissive = ebitmap_get_bit(&o->db.permissive_map, s.type);
		(*compared)++;
		if (avd.allowed != ref.allowed || avd.auditallow != ref.auditallow ||
		    avd.auditdeny != ref.auditdeny ||
		    !!(avd.flags & NSLSM_SE_AVD_PERMISSIVE) != permissive) {
			if (bad++ < 50)
				printf("    DISAGREE %s %s %s: nslsm %x %x %x %x, libsepol %x %x %x %x\n",
				       sbuf, tbuf, p->class_names[tclass - 1].name, avd.allowed,
				       avd.auditallow, avd.auditdeny, avd.flags, ref.allowed,
				       ref.auditallow, ref.auditdeny, permissive);
		}
	}
	if (skipped * 10 > n)
		printf("    %llu of %llu triples could not be generated\n",
		       (unsigned long long)skipped, (unsigned long long)n);
	return bad;
}

static uint64_t env_samples(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 10) : dflt;
}

static void oracle_free(struct oracle *o)
{
	if (o->loaded)
		policydb_destroy(&o->db);
}

TEST(selinux_refpolicy_decisions_agree_with_libsepol)
{
	uint64_t n = env_samples("NSLSM_SE_SAMPLES", 5000), compared, bad;
	struct oracle o = { 0 };
	struct se_policy p;
	struct se_sampler g;
	double t0;

	EXPECT(access(REFPOLICY, R_OK) == 0);
	if (access(REFPOLICY, R_OK))
		return;
	t0 = now_ms();
	EXPECT_EQ(se_policy_read_file(REFPOLICY, &p), 0);
	printf("    compiled in %.1f ms\n", now_ms() - t0);
	EXPECT_EQ(oracle_load(&o, REFPOLICY), 0);
	se_sampler_init(&g, &p);
	g.rng = rng_state = 0x5e11c0de;
	t0 = now_ms();
	bad = compare(&o, &p, &g, n, &compared);
	printf("    %llu triples compared in %.0f ms, %llu disagreements\n",
	       (unsigned long long)compared, now_ms() - t0, (unsigned long long)bad);
	EXPECT_EQ(bad, 0);
	EXPECT(compared * 10 >= n * 9);
	se_sampler_free(&g);
	se_policy_free(&p);
	oracle_free(&o);
}

TEST(selinux_refpolicy_decisions_agree_with_every_boolean_flipped)
{
	uint64_t n = env_samples("NSLSM_SE_SAMPLES", 5000) / 4, compared, bad = 0, total = 0;
	struct oracle o = { 0 };
	struct se_policy p;
	struct se_sampler g;

	if (access(REFPOLICY, R_OK)) {
		EXPECT(access(REFPOLICY, R_OK) == 0);
		return;
	}
	EXPECT_EQ(se_policy_read_file(REFPOLICY, &p), 0);
	EXPECT_EQ(oracle_load(&o, REFPOLICY), 0);
	se_sampler_init(&g, &p);
	g.rng = rng_state = 0xb001ea;
	/* all off, all on, two random assignments */
	for (int round = 0; round < 4; round++) {
		set_bools_both(&o, &p, round == 0 ? 0 : round == 1 ? ~0ULL - 1 : UINT64_MAX);
		if (round == 1)
			set_bools_both(&o, &p, ~0ULL >> 1 << 1 | 1);
		bad += compare(&o, &p, &g, n, &compared);
		total += compared;
	}
	printf("    %llu triples compared over 4 boolean assignments, %llu disagreements\n",
	       (unsigned long long)total, (unsigned long long)bad);
	EXPECT_EQ(bad, 0);
	se_sampler_free(&g);
	se_policy_free(&p);
	oracle_free(&o);
}

/* secilc builds tests/selinux/small.cil into dir/NAME; 0 on success. */
static int build_cil(const char *dir, const char *name, const char *mls, int vers,
		     const char *unknown, const char *extra)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "secilc -M %s -c %d -U %s %s -o %s/%s -f /dev/null " SMALL_CIL " >/dev/null 2>&1",
		 mls, vers, unknown, extra ? extra : "", dir, name);
	return system(cmd);
}

static char *make_dir(void)
{
	static char dir[64];

	snprintf(dir, sizeof(dir), "/tmp/nslsm-se-XXXXXX");
	return mkdtemp(dir);
}

static void remove_dir(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		printf("    could not remove %s\n", dir);
}

TEST(selinux_small_cil_agrees_with_libsepol_in_every_variant)
{
	static const char *mls[] = { "true", "false" }, *unknown[] = { "deny", "allow", "reject" };
	static const int vers[] = { 30, 33 };
	static const uint32_t unknown_val[] = { NSLSM_SE_UNKNOWN_DENY, NSLSM_SE_UNKNOWN_ALLOW,
						NSLSM_SE_UNKNOWN_REJECT };
	char *dir = make_dir();
	uint64_t bad = 0, total = 0;

	EXPECT(access(SMALL_CIL, R_OK) == 0);
	if (!dir || access(SMALL_CIL, R_OK))
		return;
	for (int m = 0; m < 2; m++)
		for (int v = 0; v < 2; v++)
			for (int u = 0; u < 3; u++) {
				char path[512];
				struct oracle o = { 0 };
				struct se_policy p;
				struct se_sampler g;
				uint64_t compared;

				EXPECT_EQ(build_cil(dir, "p", mls[m], vers[v], unknown[u], NULL), 0);
				snprintf(path, sizeof(path), "%s/p", dir);
				if (se_policy_read_file(path, &p)) {
					printf("    %s\n", nslsm_error());
					EXPECT(0);
					continue;
				}
				EXPECT_EQ(p.hdr.policyvers, vers[v]);
				EXPECT_EQ(p.hdr.handle_unknown, unknown_val[u]);
				EXPECT_EQ(!!(p.hdr.flags & NSLSM_SE_MLS), m == 0);
				EXPECT_EQ(oracle_load(&o, path), 0);
				se_sampler_init(&g, &p);
				g.rng = rng_state = 0x5a11 + m * 7 + v * 3 + u;
				for (uint64_t bits = 0; bits < 4; bits++) {
					set_bools_both(&o, &p, bits);
					bad += compare(&o, &p, &g, 3000, &compared);
					total += compared;
				}
				se_sampler_free(&g);
				se_policy_free(&p);
				oracle_free(&o);
			}
	printf("    %llu triples compared over 12 builds x 4 boolean assignments, %llu "
	       "disagreements\n",
	       (unsigned long long)total, (unsigned long long)bad);
	EXPECT_EQ(bad, 0);
	EXPECT(total > 100000);
	remove_dir(dir);
}

/* A small policy for the tests below: MLS, version 33, handle_unknown as given. */
static bool small_policy(struct se_policy *p, const char *unknown)
{
	char *dir = make_dir(), path[512];
	int rc;

	if (!dir || build_cil(dir, "p", "true", 33, unknown, NULL)) {
		EXPECT(!"secilc builds " SMALL_CIL);
		return false;
	}
	snprintf(path, sizeof(path), "%s/p", dir);
	rc = se_policy_read_file(path, p);
	remove_dir(dir);
	EXPECT_EQ(rc, 0);
	return rc == 0;
}

static struct se_av_decision decide(const struct se_policy *p, const char *s, const char *t,
				    const char *cls)
{
	struct nslsm_se_context sc, tc;
	struct se_av_decision avd = { 0 };

	EXPECT_EQ(se_context_parse(p, s, &sc), 0);
	EXPECT_EQ(se_context_parse(p, t, &tc), 0);
	se_compute_av(p, &sc, &tc, se_class_find(p, cls), &avd);
	return avd;
}

static bool perm(const struct se_policy *p, const struct se_av_decision *avd, const char *cls,
		 const char *name)
{
	int bit = se_perm_find(p, se_class_find(p, cls), name);

	EXPECT(bit >= 0);
	return bit >= 0 && (avd->allowed >> bit & 1);
}

TEST(selinux_type_bounds_mask_what_the_parent_may_not_do)
{
	struct se_policy p;
	struct se_av_decision child, parent, child_same_user;

	if (!small_policy(&p, "deny"))
		return;
	/* the lock constraint lets child_t through but not app_t (u vs sys_u) */
	child = decide(&p, "u:user_r:child_t:s0", "sys_u:object_r:data_t:s0", "file");
	parent = decide(&p, "u:user_r:app_t:s0", "sys_u:object_r:data_t:s0", "file");
	child_same_user = decide(&p, "u:user_r:child_t:s0", "u:object_r:data_t:s0", "file");
	EXPECT(!perm(&p, &parent, "file", "lock"));
	EXPECT(!perm(&p, &child, "file", "lock"));
	EXPECT(perm(&p, &child_same_user, "file", "lock"));
	EXPECT(perm(&p, &child, "file", "read"));
	se_policy_free(&p);
}

TEST(selinux_permissive_domain_and_unknown_classes_follow_the_policy)
{
	struct se_policy p;
	struct nslsm_se_context s;
	struct se_av_decision avd;

	if (!small_policy(&p, "allow"))
		return;
	avd = decide(&p, "u:user_r:lax_t:s0", "u:object_r:secret_t:s0", "file");
	EXPECT(avd.flags & NSLSM_SE_AVD_PERMISSIVE);
	avd = decide(&p, "u:user_r:app_t:s0", "u:object_r:secret_t:s0", "file");
	EXPECT(!(avd.flags & NSLSM_SE_AVD_PERMISSIVE));
	EXPECT_EQ(se_context_parse(&p, "u:user_r:app_t:s0", &s), 0);
	se_compute_av(&p, &s, &s, 0, &avd);
	EXPECT_EQ(avd.allowed, 0xffffffffu);
	se_policy_free(&p);
	if (!small_policy(&p, "deny"))
		return;
	EXPECT_EQ(se_context_parse(&p, "u:user_r:app_t:s0", &s), 0);
	se_compute_av(&p, &s, &s, 0, &avd);
	EXPECT_EQ(avd.allowed, 0);
	EXPECT_EQ(se_class_find(&p, "no_such_class"), 0);
	se_policy_free(&p);
}

TEST(selinux_booleans_switch_conditional_rules_and_bad_names_change_nothing)
{
	struct se_policy p;
	struct se_av_decision avd;
	uint8_t before[8];

	if (!small_policy(&p, "deny"))
		return;
	/* allow_write && !strict: domain may write files of its own role... */
	avd = decide(&p, "u:user_r:app_t:s0", "u:user_r:app_t:s0", "file");
	EXPECT_EQ(se_policy_set_bool(&p, "strict", true), 0);
	avd = decide(&p, "u:user_r:helper_t:s0", "u:object_r:log_t:s0", "file");
	EXPECT(!perm(&p, &avd, "file", "append"));
	EXPECT_EQ(se_policy_set_bool(&p, "strict", false), 0);
	avd = decide(&p, "u:user_r:helper_t:s0", "u:object_r:log_t:s0", "file");
	memcpy(before, p.bools, p.hdr.nbools);
	EXPECT(se_policy_set_bool(&p, "no_such_bool", true) < 0);
	EXPECT_STR_CONTAINS(nslsm_error(), "no boolean 'no_such_bool'");
	EXPECT(!memcmp(before, p.bools, p.hdr.nbools));
	se_policy_free(&p);
}

TEST(selinux_invalid_contexts_are_refused_with_the_reason)
{
	static const struct {
		const char *ctx, *msg;
	} cases[] = {
		{ "nobody:user_r:app_t:s0", "no user 'nobody'" },
		{ "u:no_r:app_t:s0", "no role 'no_r'" },
		{ "u:user_r:no_t:s0", "no type 'no_t'" },
		{ "u:user_r:domain:s0", "the type is an attribute" },
		{ "u:user_r:data_t:s0", "the role may not have this type" },
		{ "sys_u:user_r:app_t:s0", "the user may not have this role" },
		{ "u:user_r:app_t", "a level is needed" },
		{ "u:user_r", "expected user:role:type" },
		{ "u:user_r:app_t:s9", "no sensitivity 's9'" },
		{ "u:user_r:app_t:s0:c99", "no category 'c99'" },
		{ "u:user_r:app_t:s0:c5.c2", "category range c5.c2 is empty" },
		{ "u:user_r:app_t:s1-s0", "does not dominate" },
		{ "sys_u:sys_r:app_t:s0-s0:c0.c9", "not within the user's range" },
		{ "sys_u:sys_r:app_t:s1", "not within the user's range" },
	};
	struct se_policy p;
	struct nslsm_se_context c;

	if (!small_policy(&p, "deny"))
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EXPECT(se_context_parse(&p, cases[i].ctx, &c) < 0);
		EXPECT_STR_CONTAINS(nslsm_error(), cases[i].msg);
	}
	EXPECT_EQ(se_context_parse(&p, "u:object_r:data_alias_t:s0-s1:c0,c2.c4", &c), 0);
	EXPECT_EQ(c.type, se_names_find(&p.type_index, "data_t"));
	se_policy_free(&p);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n ? n : 1);
	*len = fread(buf, 1, n, f);
	fclose(f);
	return buf;
}

/* Refused, the error names `src` and contains `msg`, and *out holds nothing. */
static void expect_refused(const void *data, size_t len, const char *msg)
{
	struct se_policy p;

	memset(&p, 0xa5, sizeof(p));
	EXPECT(se_policy_read(data, len, "bad.pol", &p) < 0);
	EXPECT_STR_CONTAINS(nslsm_error(), "bad.pol: ");
	if (msg)
		EXPECT_STR_CONTAINS(nslsm_error(), msg);
	EXPECT(p.types == NULL && p.hdr.ntypes == 0 && p.av.n == 0);
}

TEST(selinux_truncated_corrupted_and_foreign_policies_are_refused)
{
	char *dir = make_dir(), path[512];
	size_t len, refused = 0, tries = 0;
	char *buf;

	if (!dir || build_cil(dir, "p", "true", 33, "deny", NULL)) {
		EXPECT(!"secilc builds " SMALL_CIL);
		return;
	}
	snprintf(path, sizeof(path), "%s/p", dir);
	buf = slurp(path, &len);
	EXPECT(buf != NULL);
	if (!buf)
		return;
	expect_refused(buf, 0, "not a valid binary policy");
	expect_refused(buf, 7, "not a valid binary policy");
	expect_refused(buf, len / 2, "not a valid binary policy");
	expect_refused(buf, len - 1, "not a valid binary policy");
	buf[0] ^= 0xff; /* magic */
	expect_refused(buf, len, "magic");
	buf[0] ^= 0xff;
	/* Every 7th byte flipped: refused with a message or compiled whole;
	 * never a crash (ASan/UBSan), never a hang (a count libsepol would loop
	 * on for minutes is cut by the reader's CPU limit). */
	se_policy_read_cpu_limit = 1;
	for (size_t off = 0; off < len; off += 7) {
		struct se_policy p;

		buf[off] ^= 0x5a;
		tries++;
		if (se_policy_read(buf, len, "bad.pol", &p) < 0) {
			refused++;
			EXPECT_STR_CONTAINS(nslsm_error(), "bad.pol: ");
			EXPECT(p.types == NULL);
		} else
			se_policy_free(&p);
		buf[off] ^= 0x5a;
	}
	printf("    %zu corruptions, %zu refused, the rest still valid policies\n", tries, refused);
	EXPECT(refused > tries / 2);
	free(buf);
	/* A version nslsm does not take, built by secilc. */
	EXPECT_EQ(build_cil(dir, "v29", "true", 29, "deny", NULL), 0);
	snprintf(path, sizeof(path), "%s/v29", dir);
	buf = slurp(path, &len);
	if (buf)
		expect_refused(buf, len, "policy version 29: versions 30 to 33");
	free(buf);
	/* A Xen policy. */
	if (build_cil(dir, "xen", "true", 30, "deny", "-t xen") == 0) {
		snprintf(path, sizeof(path), "%s/xen", dir);
		buf = slurp(path, &len);
		if (buf)
			expect_refused(buf, len, NULL);
		EXPECT_STR_CONTAINS(nslsm_error(), "bad.pol");
		free(buf);
	}
	remove_dir(dir);
}

TEST(selinux_typebounds_deeper_than_the_kernel_takes_are_refused)
{
	char *dir = make_dir(), path[512], cil[512], cmd[1200];
	size_t len;
	char *buf;
	FILE *f;

	if (!dir)
		return;
	snprintf(cil, sizeof(cil), "%s/deep.cil", dir);
	f = fopen(cil, "w");
	EXPECT(f != NULL);
	if (!f)
		return;
	/* b1 bounds b2 bounds ... b6: a chain of 5 */
	for (int i = 1; i <= 6; i++)
		fprintf(f, "(type b%d)\n", i);
	for (int i = 1; i < 6; i++)
		fprintf(f, "(typebounds b%d b%d)\n", i, i + 1);
	fclose(f);
	snprintf(path, sizeof(path), "%s/p", dir);
	snprintf(cmd, sizeof(cmd), "secilc -o %s -f /dev/null " SMALL_CIL " %s >/dev/null 2>&1",
		 path, cil);
	EXPECT_EQ(system(cmd), 0);
	buf = slurp(path, &len);
	EXPECT(buf != NULL);
	if (buf)
		expect_refused(buf, len, "typebounds chain deeper than 4");
	free(buf);
	remove_dir(dir);
}

TEST(selinux_missing_file_is_named)
{
	struct se_policy p;

	EXPECT(se_policy_read_file("/nonexistent/policy.33", &p) < 0);
	EXPECT_STR_CONTAINS(nslsm_error(), "/nonexistent/policy.33");
	EXPECT(se_policy_read_file("/tmp", &p) < 0);
	EXPECT_STR_CONTAINS(nslsm_error(), "not a regular file");
}

TEST(selinux_boolean_assignments_parse_as_setsebool_spells_them)
{
	static const struct {
		const char *in, *name;
		bool value;
	} ok[] = {
		{ "strict=1", "strict", true },	 { "strict=0", "strict", false },
		{ "a_b=true", "a_b", true },	 { "a_b=false", "a_b", false },
		{ "x=on", "x", true },		 { "x=off", "x", false },
	};
	static const char *const bad[] = { "strict", "=1", "strict=2", "strict=", "strict=yes" };
	char name[16];
	bool v;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		EXPECT_EQ(se_bool_assign_parse(ok[i].in, name, sizeof(name), &v), 0);
		EXPECT(!strcmp(name, ok[i].name));
		EXPECT(v == ok[i].value);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT(se_bool_assign_parse(bad[i], name, sizeof(name), &v) < 0);
		EXPECT_STR_CONTAINS(nslsm_error(), "expected NAME=0|1");
	}
	/* a name longer than the caller's buffer is refused, not cut */
	EXPECT(se_bool_assign_parse("a_very_long_boolean_name=1", name, sizeof(name), &v) < 0);
}
