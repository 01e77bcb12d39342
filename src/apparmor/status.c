// SPDX-License-Identifier: GPL-2.0
/* A namespace's AppArmor policy as `nslsm apparmor status` prints it (like
 * aa-status), for the CLI and for nslsmd. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/ns.h"
#include "lib/state.h"
#include "status.h"
#include "store.h"

static const char *mode_name(uint32_t mode)
{
	static const char *const names[] = { "enforce", "complain", "kill", "unconfined" };

	return mode < 4 ? names[mode] : "?";
}

/* A profile's mode once the namespace's apparmor.mode is applied. */
static uint32_t effective_mode(uint32_t ns_mode, uint32_t mode)
{
	if (ns_mode == NSLSM_AA_NS_ENFORCE)
		return NSLSM_AA_ENFORCE;
	if (ns_mode == NSLSM_AA_NS_COMPLAIN)
		return NSLSM_AA_COMPLAIN;
	return mode;
}

struct count_ctx {
	uint32_t ns_id;
	uint32_t *per_profile;	/* NSLSM_AA_MAX_PROFILES */
	const struct aa_pools *pl;
	uint32_t unconfined;
};

static int count_task(pid_t pid, const struct nslsm_task_blob *b, void *arg)
{
	struct count_ctx *c = arg;
	uint32_t label;

	(void)pid;
	if (!(b->flags & NSLSM_TASK_ENROLLED) || b->depth >= NSLSM_MAX_DEPTH ||
	    b->level[b->depth].ns_id != c->ns_id)
		return 0;
	label = b->level[b->depth].label[NSLSM_MOD_APPARMOR];
	if (!label) {
		c->unconfined++;
		return 0;
	}
	if (label & NSLSM_AA_LABEL_STACK) {
		const struct nslsm_aa_label *l = &c->pl->labels[(label & ~NSLSM_AA_LABEL_STACK) %
								 NSLSM_AA_MAX_LABELS];

		for (uint32_t k = 0; k < l->n && k < NSLSM_AA_MAX_STACK; k++)
			if (l->profile[k] < NSLSM_AA_MAX_PROFILES)
				c->per_profile[l->profile[k]]++;
	} else if (label < NSLSM_AA_MAX_PROFILES) {
		c->per_profile[label]++;
	}
	return 0;
}

/* What one profile takes in the shared pools: its slot, its DFAs' states
 * and transitions, its permission sets, exec targets and equivalence
 * classes. */
static size_t profile_map_bytes(const struct nslsm_aa_profile *p)
{
	const struct nslsm_aa_dfa *d[3] = { &p->file, &p->policy, &p->xmatch };
	size_t n = sizeof(*p) + (size_t)p->perm_n * sizeof(struct nslsm_aa_perms) +
		   (size_t)p->xtable_n * sizeof(struct nslsm_aa_xtarget) + 3 * 256;

	for (int i = 0; i < 3; i++)
		n += (size_t)d[i]->nstates * sizeof(struct nslsm_aa_state) +
		     (size_t)d[i]->ntrans * sizeof(struct nslsm_aa_trans);
	return n;
}

int aa_status_write(FILE *f, struct nslsm_state *st, uint32_t id, bool json)
{
	static uint32_t per_profile[NSLSM_AA_MAX_PROFILES];
	struct count_ctx cc = { .per_profile = per_profile };
	const char *name = st->ns[id].name;
	struct aa_pools pl;
	uint32_t n = 0, n_enforce = 0, n_complain = 0;

	memset(per_profile, 0, sizeof(per_profile));
	if (aa_pools_open(&pl))
		return -1;
	cc.ns_id = id;
	cc.pl = &pl;
	if (tasks_scan(st, count_task, &cc)) {
		aa_pools_close(&pl);
		return -1;
	}
	for (uint32_t i = 1; i < NSLSM_AA_MAX_PROFILES; i++) {
		const struct nslsm_aa_profile *p = &pl.profiles[i];
		uint32_t mode;

		if (!(p->flags & NSLSM_AA_P_IN_USE) || p->ns_id != (uint32_t)id)
			continue;
		n++;
		mode = effective_mode(st->ns[id].aa_mode, p->mode);
		n_enforce += mode == NSLSM_AA_ENFORCE;
		n_complain += mode == NSLSM_AA_COMPLAIN;
	}
	if (json) {
		bool first = true;

		fprintf(f, "{\"namespace\":\"%s\",\"profiles\":[", name);
		for (uint32_t i = 1; i < NSLSM_AA_MAX_PROFILES; i++) {
			const struct nslsm_aa_profile *p = &pl.profiles[i];

			if (!(p->flags & NSLSM_AA_P_IN_USE) || p->ns_id != (uint32_t)id)
				continue;
			fprintf(f, "%s{\"name\":\"", first ? "" : ",");
			for (const char *c = p->name; *c && c < p->name + NSLSM_AA_NAME_MAX; c++)
				fprintf(f, *c == '"' || *c == '\\' ? "\\%c" : "%c", *c);
			fprintf(f, "\",\"mode\":\"%s\",\"attach\":%s,\"processes\":%u,\"generation\":%u,"
			       "\"map_bytes\":%zu}",
			       mode_name(effective_mode(st->ns[id].aa_mode, p->mode)), p->flags & NSLSM_AA_P_ATTACH ? "true" : "false",
			       per_profile[i], p->generation, profile_map_bytes(p));
			first = false;
		}
		fprintf(f, "],\"enforce\":%u,\"complain\":%u,\"unconfined_processes\":%u,"
		       "\"mode\":\"%s\"}\n",
		       n_enforce, n_complain, cc.unconfined,
		       st->ns[id].aa_mode == NSLSM_AA_NS_ENFORCE    ? "enforce"
		       : st->ns[id].aa_mode == NSLSM_AA_NS_COMPLAIN ? "complain"
								    : "profile");
	} else {
		fprintf(f, "namespace %s: %u profiles are loaded.\n", name, n);
		for (int want = NSLSM_AA_ENFORCE; want <= NSLSM_AA_COMPLAIN; want++) {
			fprintf(f, "%u profiles are in %s mode.\n",
			       want == NSLSM_AA_ENFORCE ? n_enforce : n_complain, mode_name(want));
			for (uint32_t i = 1; i < NSLSM_AA_MAX_PROFILES; i++) {
				const struct nslsm_aa_profile *p = &pl.profiles[i];

				if ((p->flags & NSLSM_AA_P_IN_USE) && p->ns_id == (uint32_t)id &&
				    effective_mode(st->ns[id].aa_mode, p->mode) == (uint32_t)want)
					fprintf(f, "   %.*s (%u processes)\n", NSLSM_AA_NAME_MAX, p->name,
					       per_profile[i]);
			}
		}
		fprintf(f, "%u processes are unconfined in %s.\n", cc.unconfined, name);
		if (st->ns[id].aa_mode != NSLSM_AA_NS_PROFILE)
			fprintf(f, "(apparmor.mode=%s overrides every profile's mode)\n",
			       st->ns[id].aa_mode == NSLSM_AA_NS_ENFORCE ? "enforce" : "complain");
	}
	aa_pools_close(&pl);
	return 0;
}
