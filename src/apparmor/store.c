// SPDX-License-Identifier: GPL-2.0
/*
 * Laying profiles into the AppArmor maps.
 *
 * Every profile owns regions of the pools (states, transitions, permission
 * sets, exec targets); the regions in use are found from the profile table
 * itself, so no other bookkeeping can drift from what BPF sees. A change is
 * built in free space first, and published only when all of it fits: the
 * profile entries are then written (a replaced profile keeps its slot, so
 * the tasks it confines see the new version at once) and the namespace's
 * attachment list last.
 *
 * Removed profiles leave a tombstone: their slot is never reused while
 * nslsm stays loaded, because task labels may still name it (such tasks
 * are unconfined, as in AppArmor).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "lib/error.h"
#include "lib/state.h"
#include "store.h"

#define TOMBSTONE_FLAG 0x80000000u	/* in flags: removed, slot reserved */

struct pool_desc {
	const char *map;
	size_t elem;
	size_t n;
};

static const struct pool_desc pools[] = {
	{ "aa_profiles", sizeof(struct nslsm_aa_profile), NSLSM_AA_MAX_PROFILES },
	{ "aa_labels", sizeof(struct nslsm_aa_label), NSLSM_AA_MAX_LABELS },
	{ "aa_states", sizeof(struct nslsm_aa_state), NSLSM_AA_STATE_POOL },
	{ "aa_trans", sizeof(struct nslsm_aa_trans), NSLSM_AA_TRANS_POOL },
	{ "aa_perms", sizeof(struct nslsm_aa_perms), NSLSM_AA_PERM_POOL },
	{ "aa_ec", sizeof(struct aa_ec_table), NSLSM_AA_MAX_EC },
	{ "aa_xtable", sizeof(struct nslsm_aa_xtarget), NSLSM_AA_XTABLE_POOL },
	{ "aa_nsconf", sizeof(struct nslsm_aa_nsconf), NSLSM_MAX_NS },
	{ "aa_epoch", sizeof(struct nslsm_aa_epoch), 1 },
};
#define N_POOLS (int)(sizeof(pools) / sizeof(pools[0]))

static void **pool_ptr(struct aa_pools *pl, int i)
{
	void **p[] = { (void **)&pl->profiles, (void **)&pl->labels, (void **)&pl->states,
		       (void **)&pl->trans, (void **)&pl->perms, (void **)&pl->ec,
		       (void **)&pl->xtable, (void **)&pl->nsconf, (void **)&pl->epoch };
	return p[i];
}

int aa_pools_open(struct aa_pools *pl)
{
	memset(pl, 0, sizeof(*pl));
	pl->mapped = true;
	for (int i = 0; i < N_POOLS; i++) {
		char path[256];
		size_t size = pools[i].elem * pools[i].n;
		void *m;
		int fd;

		snprintf(path, sizeof(path), "%s/%s", NSLSM_MAP_DIR, pools[i].map);
		fd = bpf_obj_get(path);
		if (fd < 0) {
			aa_pools_close(pl);
			return nslsm_fail_errno(errno, "opening pinned map %s (is this nslsm's "
						"current version loaded?)", path);
		}
		m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		if (m == MAP_FAILED) {
			aa_pools_close(pl);
			return nslsm_fail_errno(errno, "mapping %s", path);
		}
		*pool_ptr(pl, i) = m;
	}
	return 0;
}

int aa_policy_changed(void)
{
	struct aa_pools pl;

	if (aa_pools_open(&pl))
		return -1;
	__atomic_fetch_add(&pl.epoch->policy, 1, __ATOMIC_SEQ_CST);
	aa_pools_close(&pl);
	return 0;
}

int aa_pools_alloc(struct aa_pools *pl)
{
	memset(pl, 0, sizeof(*pl));
	for (int i = 0; i < N_POOLS; i++) {
		void *m = calloc(pools[i].n, pools[i].elem);

		if (!m) {
			aa_pools_close(pl);
			return nslsm_fail("out of memory for the AppArmor pools");
		}
		*pool_ptr(pl, i) = m;
	}
	return 0;
}

void aa_pools_close(struct aa_pools *pl)
{
	for (int i = 0; i < N_POOLS; i++) {
		void **p = pool_ptr(pl, i);

		if (!*p)
			continue;
		if (pl->mapped)
			munmap(*p, pools[i].elem * pools[i].n);
		else
			free(*p);
		*p = NULL;
	}
}

/* ---- region allocation ---- */

enum { R_STATES, R_TRANS, R_PERMS, R_XTABLE, R_COUNT };

static const uint32_t region_size[R_COUNT] = {
	NSLSM_AA_STATE_POOL, NSLSM_AA_TRANS_POOL, NSLSM_AA_PERM_POOL, NSLSM_AA_XTABLE_POOL,
};
static const char *const region_name[R_COUNT] = {
	"DFA states", "DFA transitions", "permission sets", "exec targets",
};

struct ival {
	uint32_t off, n;
};

struct regions {
	struct ival *v[R_COUNT];
	size_t n[R_COUNT], cap[R_COUNT];
};

static int add_ival(struct regions *r, int k, uint32_t off, uint32_t n)
{
	if (!n)
		return 0;
	if (r->n[k] == r->cap[k]) {
		size_t cap = r->cap[k] ? 2 * r->cap[k] : 64;
		struct ival *v = realloc(r->v[k], cap * sizeof(*v));

		if (!v)
			return nslsm_fail("out of memory");
		r->v[k] = v;
		r->cap[k] = cap;
	}
	r->v[k][r->n[k]++] = (struct ival){ off, n };
	return 0;
}

static int cmp_ival(const void *a, const void *b)
{
	const struct ival *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* First fit; entry 0 of every pool stays unused (0 means "none"). */
static int alloc_ival(struct regions *r, int k, uint32_t n, uint32_t *off, const char *profile)
{
	uint64_t at = 1;

	if (!n) {
		*off = 0;
		return 0;
	}
	if (r->n[k])
		qsort(r->v[k], r->n[k], sizeof(struct ival), cmp_ival);
	for (size_t i = 0; i < r->n[k]; i++) {
		if (r->v[k][i].off >= at + n)
			break;
		if ((uint64_t)r->v[k][i].off + r->v[k][i].n > at)
			at = (uint64_t)r->v[k][i].off + r->v[k][i].n;
	}
	if (at + n > region_size[k])
		return nslsm_fail("profile '%s': no room for %u %s (pool of %u is full)", profile, n,
				  region_name[k], region_size[k]);
	*off = (uint32_t)at;
	return add_ival(r, k, *off, n);
}

static int dfa_regions(struct regions *r, const struct nslsm_aa_dfa *d)
{
	return add_ival(r, R_STATES, d->state_off, d->nstates) ||
	       add_ival(r, R_TRANS, d->trans_off, d->ntrans);
}

static int used_regions(const struct aa_pools *pl, struct regions *r)
{
	for (uint32_t i = 1; i < NSLSM_AA_MAX_PROFILES; i++) {
		const struct nslsm_aa_profile *p = &pl->profiles[i];

		if (!(p->flags & NSLSM_AA_P_IN_USE))
			continue;
		if (dfa_regions(r, &p->file) || dfa_regions(r, &p->policy) ||
		    dfa_regions(r, &p->xmatch) || add_ival(r, R_PERMS, p->perm_off, p->perm_n) ||
		    add_ival(r, R_XTABLE, p->xtable_off, p->xtable_n))
			return -1;
	}
	return 0;
}

static void regions_free(struct regions *r)
{
	for (int k = 0; k < R_COUNT; k++)
		free(r->v[k]);
}

/* ---- laying out one profile ---- */

struct permset {
	struct nslsm_aa_perms *v;
	uint32_t n, cap;
};

static int perm_index(struct permset *ps, const struct nslsm_aa_perms *p, uint32_t *idx)
{
	for (uint32_t i = 0; i < ps->n; i++)
		if (!memcmp(&ps->v[i], p, sizeof(*p))) {
			*idx = i;
			return 0;
		}
	if (ps->n == ps->cap) {
		uint32_t cap = ps->cap ? 2 * ps->cap : 64;
		struct nslsm_aa_perms *v = realloc(ps->v, cap * sizeof(*v));

		if (!v)
			return nslsm_fail("out of memory");
		ps->v = v;
		ps->cap = cap;
	}
	ps->v[ps->n] = *p;
	*idx = ps->n++;
	return 0;
}

enum dfa_kind { K_FILE, K_POLICY, K_XMATCH };

/* Longest chain of diff-encoded default states: the BPF walk's bound. */
static uint32_t diff_chain(const struct aa_dfa *d)
{
	uint32_t worst = 0;

	for (uint32_t s = 0; s < d->nstates; s++) {
		uint32_t n = 0, j = s;

		while ((d->base[j] & 0x80000000u) && n <= NSLSM_AA_DIFF_CHAIN_MAX) {
			j = d->def[j];
			n++;
		}
		if (n > worst)
			worst = n;
	}
	return worst;
}

struct laid_dfa {
	const struct aa_dfa *d;
	enum dfa_kind kind;
	uint32_t start;
	uint32_t *pidx[2];
	struct nslsm_aa_dfa *out;
};

static int lay_profile(struct aa_pools *pl, struct regions *r, const struct aa_profile *src,
		       uint32_t slot, struct nslsm_aa_profile *p)
{
	struct laid_dfa dfas[3] = {
		{ src->file.dfa, K_FILE, src->file_start, { 0 }, &p->file },
		{ src->policy.dfa, K_POLICY, src->policy.start, { 0 }, &p->policy },
		{ src->xmatch.dfa, K_XMATCH, 1, { 0 }, &p->xmatch },
	};
	struct nslsm_aa_perms zero = { 0 };
	struct permset ps = { 0 };
	uint32_t idx;
	int rc = -1;

	if (perm_index(&ps, &zero, &idx))
		return -1;
	for (int i = 0; i < 3; i++) {
		const struct aa_dfa *d = dfas[i].d;
		uint32_t chain;

		if (!d)
			continue;
		chain = diff_chain(d);
		if (chain > NSLSM_AA_DIFF_CHAIN_MAX) {
			nslsm_fail("profile '%s': a DFA default chain is longer than %d",
				   src->name, NSLSM_AA_DIFF_CHAIN_MAX);
			goto out;
		}
		for (int c = 0; c < 2; c++) {
			dfas[i].pidx[c] = calloc(d->nstates, sizeof(uint32_t));
			if (!dfas[i].pidx[c]) {
				nslsm_fail("out of memory");
				goto out;
			}
		}
		for (uint32_t s = 0; s < d->nstates; s++) {
			struct nslsm_aa_perms a, b = { 0 };

			if (dfas[i].kind == K_FILE) {
				a = aa_file_perms(d, s, true);
				b = aa_file_perms(d, s, false);
			} else if (dfas[i].kind == K_POLICY) {
				a = aa_policy_perms(d, s);
			} else {
				memset(&a, 0, sizeof(a));
				if (s)
					a.allow = (d->accept[s] & 0x7f) | (d->accept[s] & 0x80000000u);
			}
			if (perm_index(&ps, &a, &dfas[i].pidx[0][s]) ||
			    perm_index(&ps, &b, &dfas[i].pidx[1][s]))
				goto out;
		}
	}
	if (ps.n > 0xffff) {
		nslsm_fail("profile '%s': %u distinct permission sets", src->name, ps.n);
		goto out;
	}
	if (alloc_ival(r, R_PERMS, ps.n, &p->perm_off, src->name))
		goto out;
	p->perm_n = ps.n;
	memcpy(&pl->perms[p->perm_off], ps.v, ps.n * sizeof(*ps.v));
	p->ec_slot = slot * 3;
	for (int i = 0; i < 3; i++) {
		const struct aa_dfa *d = dfas[i].d;
		struct nslsm_aa_dfa *o = dfas[i].out;
		struct aa_ec_table *ec = &pl->ec[p->ec_slot + i];

		memset(o, 0, sizeof(*o));
		if (!d)
			continue;
		if (alloc_ival(r, R_STATES, d->nstates, &o->state_off, src->name) ||
		    alloc_ival(r, R_TRANS, d->ntrans, &o->trans_off, src->name))
			goto out;
		o->nstates = d->nstates;
		o->ntrans = d->ntrans;
		o->start = dfas[i].start;
		o->ec = p->ec_slot + i;
		for (int c = 0; c < 256; c++)
			ec->c[c] = d->has_ec ? d->ec[c] : (uint8_t)c;
		for (uint32_t s = 0; s < d->nstates; s++) {
			struct nslsm_aa_state *st = &pl->states[o->state_off + s];

			st->base = d->base[s];
			st->def = d->def[s];
			st->perm[0] = p->perm_off + dfas[i].pidx[0][s];
			st->perm[1] = p->perm_off + dfas[i].pidx[1][s];
		}
		for (uint32_t t = 0; t < d->ntrans; t++) {
			pl->trans[o->trans_off + t].next = d->next[t];
			pl->trans[o->trans_off + t].check = d->check[t];
		}
	}
	p->net_start = aa_profile_net_start(src);
	p->sig_start = src->policy.dfa ? aa_dfa_next(src->policy.dfa, src->policy.start,
						     AA_CLASS_SIGNAL) : 0;
	p->mount_start = src->policy.dfa ? aa_dfa_next(src->policy.dfa, src->policy.start,
						       AA_CLASS_MOUNT) : 0;
	/* ptrace rules compile to "(label class|)ptrace class, peer": a
	 * profile mediates ptrace if the class-less form leads anywhere, and
	 * the kernel matches from the label class */
	if (src->policy.dfa &&
	    aa_dfa_next(src->policy.dfa, src->policy.start, AA_CLASS_PTRACE)) {
		p->flags |= NSLSM_AA_P_PTRACE;
		p->ptrace_start = aa_dfa_next(src->policy.dfa,
					      aa_dfa_next(src->policy.dfa, src->policy.start,
							  AA_CLASS_LABEL),
					      AA_CLASS_PTRACE);
	}
	rc = 0;
out:
	for (int i = 0; i < 3; i++) {
		free(dfas[i].pidx[0]);
		free(dfas[i].pidx[1]);
	}
	free(ps.v);
	return rc;
}

/* ---- the change ---- */

/* The id of an AppArmor policy namespace: 0 for the root, else a hash of
 * its name (attachments are searched within one policy namespace). */
static uint32_t aa_ns_id(const char *ns)
{
	uint32_t h = 2166136261u;

	if (!ns)
		return 0;
	for (const char *c = ns; *c; c++)
		h = (h ^ (uint8_t)*c) * 16777619u;
	return h | 1;
}

static void full_name(const char *ns, const char *name, char *buf, size_t len)
{
	if (ns)
		snprintf(buf, len, ":%s:%s", ns, name);
	else
		snprintf(buf, len, "%s", name);
}

uint32_t aa_store_find(const struct aa_pools *pl, uint32_t ns_id, const char *name)
{
	for (uint32_t i = 1; i < NSLSM_AA_MAX_PROFILES; i++) {
		const struct nslsm_aa_profile *p = &pl->profiles[i];

		if ((p->flags & NSLSM_AA_P_IN_USE) && p->ns_id == ns_id &&
		    !strncmp(p->name, name, NSLSM_AA_NAME_MAX))
			return i;
	}
	return 0;
}

static uint32_t free_slot(const struct aa_pools *pl, const uint32_t *taken, int n_taken)
{
	for (uint32_t i = 1; i < NSLSM_AA_MAX_PROFILES; i++) {
		const struct nslsm_aa_profile *p = &pl->profiles[i];
		bool used = false;

		if (p->flags || p->name[0])
			continue;
		for (int k = 0; k < n_taken; k++)
			used |= taken[k] == i;
		if (!used)
			return i;
	}
	return 0;
}

/* The slot a name resolves to after the change (new[] first). */
static uint32_t resolve(const struct aa_pools *pl, uint32_t ns_id, const char *name,
			const struct nslsm_aa_profile *news, const uint32_t *slots, int n,
			const uint32_t *gone, int n_gone)
{
	uint32_t id;

	for (int i = 0; i < n; i++)
		if (!strncmp(news[i].name, name, NSLSM_AA_NAME_MAX))
			return slots[i];
	id = aa_store_find(pl, ns_id, name);
	for (int i = 0; i < n_gone; i++)
		if (gone[i] == id)
			return 0;
	return id;
}

int aa_store_apply(struct aa_pools *pl, uint32_t ns_id, const char *ns_name, enum aa_change op,
		   const struct aa_policy *pol, char *const *names, int n_names)
{
	struct regions r = { 0 };
	struct nslsm_aa_profile *news = NULL;
	uint32_t *slots = NULL, *gone = NULL;
	int n = op == AA_REMOVE ? 0 : (int)pol->n, n_gone = 0, rc = -1;
	struct nslsm_aa_nsconf nc = { 0 };

	if (ns_id >= NSLSM_MAX_NS)
		return nslsm_fail("bad namespace id %u", ns_id);
	news = calloc(n ? n : 1, sizeof(*news));
	slots = calloc(n ? n : 1, sizeof(*slots));
	gone = calloc(n_names ? n_names : 1, sizeof(*gone));
	if (!news || !slots || !gone) {
		nslsm_fail("out of memory");
		goto out;
	}
	if (op == AA_REMOVE) {
		for (int i = 0; i < n_names; i++) {
			uint32_t id = aa_store_find(pl, ns_id, names[i]);

			if (!id) {
				nslsm_fail("namespace '%s' has no AppArmor profile '%s'", ns_name, names[i]);
				goto out;
			}
			gone[n_gone++] = id;
		}
		/* children go with their parent */
		for (uint32_t i = 1; i < NSLSM_AA_MAX_PROFILES; i++) {
			const struct nslsm_aa_profile *p = &pl->profiles[i];

			if (!(p->flags & NSLSM_AA_P_IN_USE) || p->ns_id != ns_id)
				continue;
			for (int k = 0; k < n_gone; k++) {
				size_t l = strlen(pl->profiles[gone[k]].name);

				if (!strncmp(p->name, pl->profiles[gone[k]].name, l) &&
				    !strncmp(p->name + l, "//", 2)) {
					uint32_t *g = realloc(gone, (n_gone + 1) * sizeof(*g));

					if (!g) {
						nslsm_fail("out of memory");
						goto out;
					}
					gone = g;
					gone[n_gone++] = i;
					break;
				}
			}
		}
	}
	if (used_regions(pl, &r))
		goto out;

	/* names, slots and duplicates */
	for (int i = 0; i < n; i++) {
		const struct aa_profile *src = &pol->profiles[i];
		char name[NSLSM_AA_NAME_MAX + 64];
		uint32_t id;

		full_name(src->ns, src->name, name, sizeof(name));
		if (strlen(name) >= NSLSM_AA_NAME_MAX) {
			nslsm_fail("profile '%s': name longer than %d bytes", name,
				   NSLSM_AA_NAME_MAX - 1);
			goto out;
		}
		for (int k = 0; k < i; k++)
			if (!strcmp(news[k].name, name)) {
				nslsm_fail("profile '%s' is given twice", name);
				goto out;
			}
		strcpy(news[i].name, name);
		id = aa_store_find(pl, ns_id, name);
		if (id && op == AA_LOAD) {
			nslsm_fail("namespace '%s' already has AppArmor profile '%s' (use 'nslsm "
				   "apparmor replace')", ns_name, name);
			goto out;
		}
		if (!id)
			id = free_slot(pl, slots, i);
		if (!id) {
			nslsm_fail("no free AppArmor profile slot (%d in use or removed)",
				   NSLSM_AA_MAX_PROFILES - 1);
			goto out;
		}
		slots[i] = id;
	}

	/* lay every new profile into free space */
	for (int i = 0; i < n; i++) {
		const struct aa_profile *src = &pol->profiles[i];
		struct nslsm_aa_profile *p = &news[i];
		const char *sep;

		p->ns_id = ns_id;
		p->flags = NSLSM_AA_P_IN_USE;
		if (src->pflags & AA_PACKED_FLAG_HAT)
			p->flags |= NSLSM_AA_P_HAT;
		if (src->audit_all)
			p->flags |= NSLSM_AA_P_AUDIT_ALL;
		if (src->xmatch.dfa || src->name[0] == '/')
			p->flags |= NSLSM_AA_P_ATTACH;
		p->mode = src->mode;
		p->aa_ns = aa_ns_id(src->ns);
		p->path_flags = src->path_flags;
		p->xmatch_len = src->xmatch_len;
		p->caps_allow = src->caps_allow;
		p->caps_audit = src->caps_audit;
		p->caps_quiet = src->caps_quiet;
		p->generation = pl->profiles[slots[i]].generation + 1;
		if (lay_profile(pl, &r, src, slots[i], p))
			goto out;
		/* parent: "a//b" is a child of "a" */
		sep = strstr(p->name, "//");
		if (sep && p->name[0] != ':') {
			char parent[NSLSM_AA_NAME_MAX];

			snprintf(parent, sizeof(parent), "%.*s", (int)(sep - p->name), p->name);
			p->parent = resolve(pl, ns_id, parent, news, slots, n, gone, n_gone);
			if (!p->parent) {
				nslsm_fail("profile '%s': its parent '%s' is not loaded", p->name,
					   parent);
				goto out;
			}
		}
	}
	/* exec targets, resolved against the namespace as it will be */
	for (int i = 0; i < n; i++) {
		const struct aa_profile *src = &pol->profiles[i];
		struct nslsm_aa_profile *p = &news[i];

		if (alloc_ival(&r, R_XTABLE, src->file.xtable_n, &p->xtable_off, src->name))
			goto out;
		p->xtable_n = src->file.xtable_n;
		for (uint32_t k = 0; k < src->file.xtable_n; k++) {
			const char *t = src->file.xtable[k].name;
			char child[NSLSM_AA_NAME_MAX * 2];
			uint32_t id = 0;

			if (t[0] != '&') {
				snprintf(child, sizeof(child), "%s//%s", p->name, t);
				id = resolve(pl, ns_id, child, news, slots, n, gone, n_gone);
				if (!id)
					id = resolve(pl, ns_id, t, news, slots, n, gone, n_gone);
			}
			pl->xtable[p->xtable_off + k].label = id;
		}
	}

	/* the attachment list as it will be */
	for (uint32_t i = 1; i < NSLSM_AA_MAX_PROFILES; i++) {
		const struct nslsm_aa_profile *p = &pl->profiles[i];
		bool skip = false;

		for (int k = 0; k < n_gone; k++)
			skip |= gone[k] == i;
		for (int k = 0; k < n; k++)
			skip |= slots[k] == i;
		if (skip || !(p->flags & NSLSM_AA_P_IN_USE) || p->ns_id != ns_id ||
		    !(p->flags & NSLSM_AA_P_ATTACH))
			continue;
		if (nc.n_attach == NSLSM_AA_ATTACH_MAX)
			goto too_many;
		nc.attach[nc.n_attach++] = i;
	}
	for (int k = 0; k < n; k++) {
		if (!(news[k].flags & NSLSM_AA_P_ATTACH))
			continue;
		if (nc.n_attach == NSLSM_AA_ATTACH_MAX)
			goto too_many;
		nc.attach[nc.n_attach++] = slots[k];
	}
	nc.generation = pl->nsconf[ns_id].generation + 1;

	/* names for change_profile/change_hat; parents know they have children */
	for (int i = 0; i < n; i++) {
		news[i].name_hash = nslsm_aa_name_hash(news[i].name);
		for (int k = 0; k < n; k++)
			if (news[k].parent == slots[i])
				news[i].flags |= NSLSM_AA_P_CHILDREN;
		/* children that stay loaded across a replacement */
		for (uint32_t c = 1; c < NSLSM_AA_MAX_PROFILES; c++) {
			const struct nslsm_aa_profile *q = &pl->profiles[c];

			if ((q->flags & NSLSM_AA_P_IN_USE) && q->parent == slots[i])
				news[i].flags |= NSLSM_AA_P_CHILDREN;
		}
	}

	/* publish */
	for (int i = 0; i < n; i++) {
		uint32_t parent = news[i].parent;
		bool fresh = false;

		pl->profiles[slots[i]] = news[i];
		for (int k = 0; k < n; k++)
			fresh |= slots[k] == parent;
		/* a child loaded after its parent */
		if (parent && !fresh)
			pl->profiles[parent].flags |= NSLSM_AA_P_CHILDREN;
	}
	for (int k = 0; k < n_gone; k++) {
		struct nslsm_aa_profile *p = &pl->profiles[gone[k]];

		p->flags = TOMBSTONE_FLAG;
	}
	pl->nsconf[ns_id] = nc;
	/* published: cached verdicts of the old policy die */
	__atomic_fetch_add(&pl->epoch->policy, 1, __ATOMIC_SEQ_CST);
	rc = 0;
	goto out;
too_many:
	nslsm_fail("namespace '%s' would have more than %d profiles with attachments", ns_name,
		   NSLSM_AA_ATTACH_MAX);
out:
	regions_free(&r);
	free(news);
	free(slots);
	free(gone);
	return rc;
}

void aa_store_clear_ns(struct aa_pools *pl, uint32_t ns_id)
{
	for (uint32_t i = 1; i < NSLSM_AA_MAX_PROFILES; i++) {
		struct nslsm_aa_profile *p = &pl->profiles[i];

		if ((p->flags & NSLSM_AA_P_IN_USE) && p->ns_id == ns_id)
			p->flags = TOMBSTONE_FLAG;
	}
	if (ns_id < NSLSM_MAX_NS)
		memset(&pl->nsconf[ns_id], 0, sizeof(pl->nsconf[ns_id]));
}

int aa_store_label(struct aa_pools *pl, uint32_t ns_id, const char *spec, uint32_t *label)
{
	uint32_t ids[NSLSM_AA_MAX_STACK];
	char buf[512], *save = NULL, *tok, *s;
	int n = 0;

	*label = 0;
	if (!strcmp(spec, "unconfined"))
		return 0;
	if (strlen(spec) >= sizeof(buf))
		return nslsm_fail("AppArmor label '%.40s...' is too long", spec);
	strcpy(buf, spec);
	/* components are separated by "//&" */
	for (s = buf; (tok = strstr(s, "//&")); s = tok + 3)
		tok[0] = '\x01', tok[1] = '\x01', tok[2] = '\x01';
	for (tok = strtok_r(buf, "\x01", &save); tok; tok = strtok_r(NULL, "\x01", &save)) {
		uint32_t id = aa_store_find(pl, ns_id, tok);

		if (!id)
			return nslsm_fail("AppArmor profile '%s' is not loaded in this namespace (see "
					  "'nslsm apparmor status')", tok);
		if (n == NSLSM_AA_MAX_STACK)
			return nslsm_fail("AppArmor label '%s' stacks more than %d profiles", spec,
					  NSLSM_AA_MAX_STACK);
		for (int k = 0; k < n; k++)
			if (ids[k] == id)
				return nslsm_fail("AppArmor label '%s' names '%s' twice", spec, tok);
		ids[n++] = id;
	}
	if (!n)
		return nslsm_fail("empty AppArmor label '%s'", spec);
	if (n == 1) {
		*label = ids[0];
		return 0;
	}
	for (uint32_t i = 1; i < NSLSM_AA_MAX_LABELS; i++) {
		struct nslsm_aa_label *l = &pl->labels[i];

		if (l->n == (uint32_t)n && l->ns_id == ns_id &&
		    !memcmp(l->profile, ids, n * sizeof(uint32_t))) {
			*label = i | NSLSM_AA_LABEL_STACK;
			return 0;
		}
	}
	for (uint32_t i = 1; i < NSLSM_AA_MAX_LABELS; i++) {
		struct nslsm_aa_label *l = &pl->labels[i];

		if (l->n)
			continue;
		memcpy(l->profile, ids, n * sizeof(uint32_t));
		l->ns_id = ns_id;
		__atomic_store_n(&l->n, (uint32_t)n, __ATOMIC_RELEASE);
		*label = i | NSLSM_AA_LABEL_STACK;
		return 0;
	}
	return nslsm_fail("no free AppArmor label slot (%d stacks in use)", NSLSM_AA_MAX_LABELS - 1);
}

void aa_store_label_name(const struct aa_pools *pl, uint32_t label, char *buf, size_t len)
{
	uint32_t ids[NSLSM_AA_MAX_STACK], n = 0;
	size_t o = 0;

	if (!label) {
		snprintf(buf, len, "unconfined");
		return;
	}
	if (label & NSLSM_AA_LABEL_STACK) {
		uint32_t k = label & ~NSLSM_AA_LABEL_STACK;

		if (k < NSLSM_AA_MAX_LABELS) {
			n = pl->labels[k].n;
			if (n > NSLSM_AA_MAX_STACK)
				n = NSLSM_AA_MAX_STACK;
			memcpy(ids, pl->labels[k].profile, sizeof(ids));
		}
	} else {
		ids[0] = label;
		n = 1;
	}
	buf[0] = '\0';
	for (uint32_t i = 0; i < n && o < len; i++) {
		const char *name = ids[i] < NSLSM_AA_MAX_PROFILES ? pl->profiles[ids[i]].name : "?";
		bool live = ids[i] < NSLSM_AA_MAX_PROFILES &&
			    (pl->profiles[ids[i]].flags & NSLSM_AA_P_IN_USE);

		o += snprintf(buf + o, len - o, "%s%.*s%s", i ? "//&" : "", NSLSM_AA_NAME_MAX, name,
			      live ? "" : " (removed)");
	}
	if (!n)
		snprintf(buf, len, "?");
}

/* The BPF walk, in C, over the pools. */
static uint32_t map_walk(const struct aa_pools *pl, const struct nslsm_aa_dfa *d, uint32_t state,
			 const char *s, size_t len)
{
	const struct aa_ec_table *ec = &pl->ec[d->ec % NSLSM_AA_MAX_EC];

	for (size_t i = 0; i < len; i++) {
		uint8_t cls = ec->c[(uint8_t)s[i]];
		int k;

		for (k = 0; k < NSLSM_AA_DIFF_CHAIN_MAX; k++) {
			const struct nslsm_aa_state *st;
			const struct nslsm_aa_trans *tr;
			uint32_t pos;

			if (state >= d->nstates)
				return 0;
			st = &pl->states[d->state_off + state];
			pos = (st->base & 0xffffff) + cls;
			if (pos >= d->ntrans)
				return 0;
			tr = &pl->trans[d->trans_off + pos];
			if (tr->check != state) {
				state = st->def;
				if (st->base & 0x80000000u)
					continue;
				break;
			}
			state = tr->next;
			break;
		}
		if (k == NSLSM_AA_DIFF_CHAIN_MAX)
			return 0;
	}
	return state;
}

struct nslsm_aa_perms aa_store_file_perms(const struct aa_pools *pl, uint32_t id, const char *path,
					  bool owner)
{
	struct nslsm_aa_perms none = { 0 };
	const struct nslsm_aa_profile *p;
	uint32_t s, idx;

	if (!id || id >= NSLSM_AA_MAX_PROFILES)
		return none;
	p = &pl->profiles[id];
	if (!p->file.nstates)
		return none;
	s = map_walk(pl, &p->file, p->file.start, path, strlen(path));
	if (s >= p->file.nstates)
		return none;
	idx = pl->states[p->file.state_off + s].perm[owner ? 0 : 1];
	return idx < NSLSM_AA_PERM_POOL ? pl->perms[idx] : none;
}
