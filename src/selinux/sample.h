/* SPDX-License-Identifier: GPL-2.0 */
/* Random valid triples of a compiled policy (src/selinux/sample.c). */
#ifndef NSLSM_SE_SAMPLE_H
#define NSLSM_SE_SAMPLE_H

#include <stdbool.h>
#include <stdint.h>

#include "selinux/policy.h"

struct se_idlist {
	uint16_t *v;
	uint32_t n;
};

struct se_sampler {
	const struct se_policy *p;
	uint64_t rng;			/* the seed; never 0 */
	struct se_idlist *role_types;	/* [nroles] concrete types */
	struct se_idlist *type_roles;	/* [ntypes] roles (not object_r) */
	struct se_idlist *role_users;	/* [nroles] */
	struct se_idlist *attr_types;	/* [ntypes] concrete types having it */
	struct se_idlist concrete;	/* every non-attribute type */
};

/* Index p (which must outlive the sampler); seed it with g->rng = SEED. */
void se_sampler_init(struct se_sampler *g, const struct se_policy *p);
void se_sampler_free(struct se_sampler *g);
/* One valid triple; false if none could be drawn this time. */
bool se_sample_triple(struct se_sampler *g, struct nslsm_se_context *s, struct nslsm_se_context *t,
		      uint32_t *tclass);

#endif /* NSLSM_SE_SAMPLE_H */
