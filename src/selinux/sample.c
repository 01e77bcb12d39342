// SPDX-License-Identifier: GPL-2.0
/*
 * Random valid (scontext, tcontext, class) triples drawn from a compiled
 * policy: the sample the reference decision is compared on, against
 * libsepol (tests/unit/selinux_test.c) and against the kernel's SELinux
 * (tests/helpers/se_kernel_diff.c). Half the triples come from the access
 * vector table (a source and a target type that some rule names, so that
 * rules apply), half at random; every context is valid in the policy
 * (user-role, role-type, the user's MLS range). Deterministic for a seed.
 */
#include <stdlib.h>
#include <string.h>

#include "selinux/internal.h"
#include "selinux/sample.h"

static uint64_t rnd(struct se_sampler *g)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return g->rng;
}

static uint32_t rnd_below(struct se_sampler *g, uint32_t n)
{
	return n ? (uint32_t)(rnd(g) % n) : 0;
}

static void push(struct se_idlist *l, uint16_t v)
{
	uint16_t *n = realloc(l->v, (l->n + 1) * sizeof(*l->v));

	if (!n)
		abort();	/* a test tool: no memory, no sample */
	l->v = n;
	l->v[l->n++] = v;
}

void se_sampler_init(struct se_sampler *g, const struct se_policy *p)
{
	memset(g, 0, sizeof(*g));
	g->p = p;
	g->rng = 0x9e3779b97f4a7c15ULL;
	g->role_types = calloc(p->hdr.nroles, sizeof(struct se_idlist));
	g->role_users = calloc(p->hdr.nroles, sizeof(struct se_idlist));
	g->type_roles = calloc(p->hdr.ntypes, sizeof(struct se_idlist));
	g->attr_types = calloc(p->hdr.ntypes, sizeof(struct se_idlist));
	for (uint32_t t = 1; t <= p->hdr.ntypes; t++) {
		const struct nslsm_se_type *ty = &p->types[t - 1];

		if (ty->flags & NSLSM_SE_TYPE_ATTRIBUTE)
			continue;
		push(&g->concrete, t);
		for (uint32_t k = 0; k < ty->nattrs; k++)
			push(&g->attr_types[ty->attrs[k] - 1], t);
		for (uint32_t r = 2; r <= p->hdr.nroles; r++)
			if (se_hash_get(&p->role_types, se_pair(r, t), NULL)) {
				push(&g->role_types[r - 1], t);
				push(&g->type_roles[t - 1], r);
			}
	}
	for (uint32_t r = 1; r <= p->hdr.nroles; r++)
		for (uint32_t u = 1; u <= p->hdr.nusers; u++)
			if (r == 1 || se_hash_get(&p->user_roles, se_pair(u, r), NULL))
				push(&g->role_users[r - 1], u);
}

void se_sampler_free(struct se_sampler *g)
{
	for (uint32_t r = 0; r < g->p->hdr.nroles; r++) {
		free(g->role_types[r].v);
		free(g->role_users[r].v);
	}
	for (uint32_t t = 0; t < g->p->hdr.ntypes; t++) {
		free(g->type_roles[t].v);
		free(g->attr_types[t].v);
	}
	free(g->role_types);
	free(g->role_users);
	free(g->type_roles);
	free(g->attr_types);
	free(g->concrete.v);
}

/* A random range within user u's, each level within its sensitivity's. */
static void gen_range(struct se_sampler *g, uint32_t u, struct nslsm_se_range *r)
{
	const struct se_policy *p = g->p;
	const struct nslsm_se_range *ur = &p->users[u - 1].range;
	struct nslsm_se_level *hi = &r->high, *lo = &r->low;

	memset(r, 0, sizeof(*r));
	if (!(p->hdr.flags & NSLSM_SE_MLS))
		return;
	hi->sens = ur->low.sens + rnd_below(g, ur->high.sens - ur->low.sens + 1);
	lo->sens = ur->low.sens + rnd_below(g, hi->sens - ur->low.sens + 1);
	for (int w = 0; w < NSLSM_SE_CAT_WORDS; w++) {
		uint64_t pick = rnd_below(g, 4) == 0 ? ~0ULL : rnd(g) & rnd(g);

		hi->cats[w] = (ur->low.cats[w] | (pick & ur->high.cats[w])) &
			      p->sens_cats[hi->sens - 1].cats[w];
		pick = rnd_below(g, 3) == 0 ? ~0ULL : rnd(g) & rnd(g) & rnd(g);
		lo->cats[w] = (ur->low.cats[w] | (pick & hi->cats[w])) &
			      p->sens_cats[lo->sens - 1].cats[w];
	}
}

/* A subject-like context with type t (0: any), or object_r if obj. */
static bool gen_context(struct se_sampler *g, uint32_t t, bool obj, struct nslsm_se_context *c)
{
	const struct se_policy *p = g->p;

	for (int tries = 0; tries < 64; tries++) {
		uint32_t r;
		const struct se_idlist *users;

		memset(c, 0, sizeof(*c));
		if (obj) {
			r = 1;
			c->type = t ? t : g->concrete.v[rnd_below(g, g->concrete.n)];
		} else if (t) {
			if (!g->type_roles[t - 1].n)
				return false;
			r = g->type_roles[t - 1].v[rnd_below(g, g->type_roles[t - 1].n)];
			c->type = t;
		} else {
			r = 2 + rnd_below(g, p->hdr.nroles - 1);
			if (!g->role_types[r - 1].n)
				continue;
			c->type = g->role_types[r - 1].v[rnd_below(g, g->role_types[r - 1].n)];
		}
		users = &g->role_users[r - 1];
		if (!users->n)
			continue;
		c->role = r;
		c->user = users->v[rnd_below(g, users->n)];
		gen_range(g, c->user, &c->range);
		if (se_context_valid(p, c))
			return true;
	}
	return false;
}

/* A triple: half drawn from the access vector table (so that rules apply),
 * half at random. */
bool se_sample_triple(struct se_sampler *g, struct nslsm_se_context *s, struct nslsm_se_context *t,
		       uint32_t *tclass)
{
	const struct se_policy *p = g->p;

	if (rnd_below(g, 2) && p->av.n) {
		uint64_t key;
		const struct se_idlist *ss, *ts;

		do
			key = p->av.keys[rnd_below(g, p->av.cap)];
		while (!key);
		ss = &g->attr_types[(key & 0xffff) - 1];
		ts = &g->attr_types[(key >> 16 & 0xffff) - 1];
		*tclass = key >> 32 & 0xffff;
		if (ss->n && ts->n &&
		    gen_context(g, ss->v[rnd_below(g, ss->n)], false, s) &&
		    gen_context(g, ts->v[rnd_below(g, ts->n)], rnd_below(g, 2), t))
			return true;
	}
	*tclass = 1 + rnd_below(g, p->hdr.nclasses);
	return gen_context(g, 0, false, s) && gen_context(g, 0, rnd_below(g, 2), t);
}
