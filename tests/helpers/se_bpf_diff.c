// SPDX-License-Identifier: GPL-2.0
/*
 * se_bpf_diff NS POLICY N SEED [NAME=0|1...]: the SELinux decision BPF
 * makes against nslsm's reference in plain C. POLICY must be the policy
 * loaded in namespace NS (nslsm selinux load NS POLICY), its booleans at
 * their defaults but for the NAME=V given (which the caller set in NS with
 * nslsm selinux setbool). N random valid triples of POLICY (src/selinux/sample.c) go to
 * the query program (the decision over NS's maps, BPF_PROG_TEST_RUN) and
 * to se_compute_av; every field of the two decisions must agree. Then the
 * AVC: every pair of the policy's initial SIDs for the first classes is
 * asked twice through the SID table, the answers must equal the reference
 * and the second must come from the cache. Every disagreement is printed
 * (the first 50); the last line is "se_bpf_diff: N compared, N disagree,
 * N avc compared, N avc hits, N first-round hits" (first-round: asked once
 * before, by an earlier run under the same seqno). Exits 0 only if
 * nothing disagrees.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "lib/ns.h"
#include "lib/state.h"
#include "selinux/policy.h"
#include "selinux/sample.h"
#include "selinux/store.h"

#define AVC_CLASSES 8

static unsigned long disagree;

static void report(const struct se_policy *p, const struct nslsm_se_context *s,
		   const struct nslsm_se_context *t, uint32_t tclass, const struct se_av_decision *r,
		   const struct nslsm_se_avd *b, int rc)
{
	char sc[4096], tc[4096];

	if (++disagree > 50)
		return;
	se_context_format(p, s, sc, sizeof(sc));
	se_context_format(p, t, tc, sizeof(tc));
	printf("DIFF %s %s %s: reference %x %x %x %x, bpf rc %d %x %x %x %x\n", sc, tc,
	       tclass && tclass <= p->hdr.nclasses ? p->class_names[tclass - 1].name : "?",
	       r->allowed, r->auditallow, r->auditdeny, r->flags, rc, b->allowed, b->auditallow,
	       b->auditdeny, b->flags);
}

static bool same(const struct se_av_decision *r, const struct nslsm_se_avd *b)
{
	return r->allowed == b->allowed && r->auditallow == b->auditallow &&
	       r->auditdeny == b->auditdeny && r->flags == b->flags;
}

int main(int argc, char **argv)
{
	unsigned long n, compared = 0, avc_compared = 0, avc_hits = 0, avc_first_hits = 0;
	struct nslsm_state st;
	struct se_sampler g;
	struct se_policy p;
	int ns_id;

	if (argc < 5) {
		fprintf(stderr, "usage: se_bpf_diff NS POLICY N SEED [NAME=0|1...]\n");
		return 2;
	}
	n = strtoul(argv[3], NULL, 0);
	if (se_policy_read_file(argv[2], &p) || state_open(&st, false)) {
		fprintf(stderr, "se_bpf_diff: %s\n", nslsm_error());
		return 1;
	}
	for (int i = 5; i < argc; i++) {
		char name[256];
		bool v;

		if (se_bool_assign_parse(argv[i], name, sizeof(name), &v) ||
		    se_policy_set_bool(&p, name, v)) {
			fprintf(stderr, "se_bpf_diff: %s\n", nslsm_error());
			return 1;
		}
	}
	ns_id = ns_find(st.ns, argv[1]);
	if (ns_id < 0) {
		fprintf(stderr, "se_bpf_diff: %s\n", nslsm_error());
		return 1;
	}
	se_sampler_init(&g, &p);
	g.rng = strtoull(argv[4], NULL, 0) | 1;
	for (unsigned long i = 0; i < n; i++) {
		struct nslsm_se_query q = { .ns_id = ns_id, .flags = NSLSM_SE_Q_CONTEXTS };
		struct se_av_decision r;

		if (!se_sample_triple(&g, &q.s, &q.t, &q.tclass))
			continue;
		se_compute_av(&p, &q.s, &q.t, q.tclass, &r);
		if (se_store_query(&q)) {
			fprintf(stderr, "se_bpf_diff: %s\n", nslsm_error());
			return 1;
		}
		compared++;
		if (q.rc || !same(&r, &q.avd))
			report(&p, &q.s, &q.t, q.tclass, &r, &q.avd, q.rc);
	}
	/* the AVC: initial SIDs through the SID table, each pair twice */
	for (uint32_t i = 0; i < p.nisids; i++)
		for (uint32_t j = 0; j < p.nisids; j++)
			for (uint32_t c = 1; c <= AVC_CLASSES && c <= p.hdr.nclasses; c++)
				for (int round = 0; round < 2; round++) {
					struct nslsm_se_query q = { .ns_id = ns_id, .tclass = c,
								    .ssid = p.isids[i].sid,
								    .tsid = p.isids[j].sid };
					struct se_av_decision r;

					se_compute_av(&p, &p.isids[i].ctx, &p.isids[j].ctx, c, &r);
					if (se_store_query(&q)) {
						fprintf(stderr, "se_bpf_diff: %s\n", nslsm_error());
						return 1;
					}
					avc_compared++;
					avc_hits += q.avc_hit;
					if (!round)
						avc_first_hits += q.avc_hit;
					if (q.rc || !same(&r, &q.avd) || (round && !q.avc_hit))
						report(&p, &p.isids[i].ctx, &p.isids[j].ctx, c, &r,
						       &q.avd, q.rc ? q.rc : round && !q.avc_hit ? 1 : 0);
				}
	printf("se_bpf_diff: %lu compared, %lu disagree, %lu avc compared, %lu avc hits, "
	       "%lu first-round hits\n", compared, disagree, avc_compared, avc_hits, avc_first_hits);
	se_sampler_free(&g);
	se_policy_free(&p);
	state_close(&st);
	return disagree || compared < n * 99 / 100 ? 1 : 0;
}
