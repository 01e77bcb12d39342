// SPDX-License-Identifier: GPL-2.0
/*
 * Laying a compiled SELinux policy into the maps, and a namespace's state.
 *
 * A load writes a whole new generation (every table keyed by a number no
 * other load had), then flips the namespace to it with one update of
 * se_ns, then deletes the old generation: BPF sees the old policy or the
 * new one, never a mix, and a failure before the flip deletes what was
 * written, so nothing half-loaded stays. The binary policy itself is kept
 * in se_blob, so user space reads back exactly what is in force (for the
 * names of contexts, classes and booleans) without a file that may have
 * changed since.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/error.h"
#include "lib/state.h"
#include "selinux/internal.h"
#include "selinux/store.h"

enum se_map_id {
	M_NS, M_POLICIES, M_TYPES, M_CLASSES, M_AV, M_COND_AV, M_CONS, M_CEXPR, M_NAMES,
	M_PAIRS, M_BLOB, M_SIDS, M_SID_OF, M_AVC_STATS, M_COUNTERS, M_COUNT
};

static const char *const map_names[M_COUNT] = {
	"se_ns", "se_policies", "se_types", "se_classes", "se_av", "se_cond_av", "se_cons",
	"se_cexpr", "se_names", "se_pairs", "se_blob", "se_sids", "se_sid_of",
	"se_avc_stats", "se_counters",
};

/* The maps keyed by generation first (their key's first 4 bytes). */
static const enum se_map_id gen_maps[] = {
	M_TYPES, M_CLASSES, M_AV, M_COND_AV, M_CONS, M_CEXPR, M_NAMES,
	M_PAIRS, M_BLOB, M_SIDS, M_SID_OF, M_POLICIES,
};
#define N_GEN_MAPS (int)(sizeof(gen_maps) / sizeof(gen_maps[0]))

struct se_maps {
	int fd[M_COUNT];
};

static void maps_close(struct se_maps *m)
{
	for (int i = 0; i < M_COUNT; i++)
		if (m->fd[i] >= 0)
			close(m->fd[i]);
}

static int maps_open(struct se_maps *m)
{
	for (int i = 0; i < M_COUNT; i++)
		m->fd[i] = -1;
	for (int i = 0; i < M_COUNT; i++) {
		char path[256];

		snprintf(path, sizeof(path), "%s/%s", NSLSM_MAP_DIR, map_names[i]);
		m->fd[i] = bpf_obj_get(path);
		if (m->fd[i] < 0) {
			int e = errno;

			maps_close(m);
			return nslsm_fail_errno(e, "opening pinned map %s (is this nslsm's current "
						"version loaded?)", path);
		}
	}
	return 0;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 + (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* ---- writing a generation --------------------------------------------- */

/* Entries collected for one map, written in batches. */
struct batch {
	char *keys, *vals;
	size_t ks, vs;
	uint32_t n, cap;
};

static int batch_add(struct batch *b, const void *key, const void *val)
{
	if (b->n == b->cap) {
		uint32_t cap = b->cap ? b->cap * 2 : 256;
		char *k = realloc(b->keys, (size_t)cap * b->ks), *v;

		if (!k)
			return nslsm_fail("out of memory");
		b->keys = k;
		v = realloc(b->vals, (size_t)cap * b->vs);
		if (!v)
			return nslsm_fail("out of memory");
		b->vals = v;
		b->cap = cap;
	}
	memcpy(b->keys + (size_t)b->n * b->ks, key, b->ks);
	memcpy(b->vals + (size_t)b->n * b->vs, val, b->vs);
	b->n++;
	return 0;
}

static int batch_write(int fd, struct batch *b, const char *map, const char *ns,
		       struct se_load_report *rep)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);	/* elem_flags: 0 or BPF_F_LOCK only */
	uint32_t done = 0;

	while (done < b->n) {
		__u32 count = b->n - done < 4096 ? b->n - done : 4096;

		if (bpf_map_update_batch(fd, b->keys + (size_t)done * b->ks,
					 b->vals + (size_t)done * b->vs, &count, &opts) < 0)
			return nslsm_fail_errno(errno, "namespace '%s': writing %u entries into map "
						"%s (%u of them written; the maps hold every loaded "
						"policy, see NSLSM_SE_MAP_* for their sizes)",
						ns, b->n, map, done + count);
		done += count;
	}
	rep->entries += b->n;
	rep->bytes += (uint64_t)b->n * (b->ks + b->vs);
	free(b->keys);
	free(b->vals);
	memset(b, 0, sizeof(*b));
	return 0;
}

static void batch_free(struct batch *b)
{
	free(b->keys);
	free(b->vals);
}

static struct nslsm_se_av_key av_key_of(uint64_t k)
{
	return (struct nslsm_se_av_key){ .source = k, .target = k >> 16, .tclass = k >> 32,
					 .specified = k >> 48 };
}

static int put_pairs(struct batch *b, uint32_t gen, uint16_t kind, const struct se_hash *h)
{
	static const uint8_t one = 1;

	for (uint32_t i = 0; i < h->cap; i++) {
		struct nslsm_se_pair_key k = { .gen = gen, .kind = kind };

		if (!h->keys[i])
			continue;
		k.a = h->keys[i];
		k.b = h->keys[i] >> 16;
		if (batch_add(b, &k, &one))
			return -1;
	}
	return 0;
}

/* Every table of p under generation gen. */
static int write_gen(struct se_maps *m, uint32_t gen, uint32_t ns_id, const char *ns,
		     const struct se_policy *p, const void *blob, size_t blob_len,
		     struct se_load_report *rep)
{
	struct nslsm_se_policy_info info = { .hdr = p->hdr, .ns_id = ns_id };
	struct batch b = { 0 };
	int rc = -1;

#define WRITE(MAP) \
	if (batch_write(m->fd[MAP], &b, map_names[MAP], ns, rep)) \
		goto out
#define BEGIN(K, V) \
	b.ks = sizeof(K); \
	b.vs = sizeof(V)

	BEGIN(struct nslsm_se_idx_key, struct nslsm_se_type);
	for (uint32_t i = 0; i < p->hdr.ntypes; i++) {
		struct nslsm_se_idx_key k = { gen, i + 1 };

		if (batch_add(&b, &k, &p->types[i]))
			goto out;
	}
	WRITE(M_TYPES);
	BEGIN(struct nslsm_se_idx_key, struct nslsm_se_class);
	for (uint32_t i = 0; i < p->hdr.nclasses; i++) {
		struct nslsm_se_idx_key k = { gen, i + 1 };

		if (batch_add(&b, &k, &p->classes[i]))
			goto out;
	}
	WRITE(M_CLASSES);
	BEGIN(struct nslsm_se_av_gkey, struct nslsm_se_av);
	for (uint32_t i = 0; i < p->av.cap; i++) {
		struct nslsm_se_av_gkey k = { .gen = gen };

		if (!p->av.keys[i])
			continue;
		k.k = av_key_of(p->av.keys[i]);
		if (batch_add(&b, &k, &p->av_vals[p->av.vals[i]]))
			goto out;
	}
	info.av_n = b.n;
	WRITE(M_AV);
	BEGIN(struct nslsm_se_av_gkey, struct nslsm_se_cond_av);
	for (uint32_t i = 0; i < p->cond_av.cap; i++) {
		struct nslsm_se_av_gkey k = { .gen = gen };

		if (!p->cond_av.keys[i])
			continue;
		k.k = av_key_of(p->cond_av.keys[i]);
		if (batch_add(&b, &k, &p->cond_vals[p->cond_av.vals[i]]))
			goto out;
	}
	info.cond_av_n = b.n;
	WRITE(M_COND_AV);
	BEGIN(struct nslsm_se_idx_key, struct nslsm_se_constraint);
	for (uint32_t i = 0; i < p->ncons; i++) {
		struct nslsm_se_idx_key k = { gen, i };

		if (batch_add(&b, &k, &p->cons[i]))
			goto out;
	}
	WRITE(M_CONS);
	BEGIN(struct nslsm_se_idx_key, struct nslsm_se_cexpr);
	for (uint32_t i = 0; i < p->ncexpr; i++) {
		struct nslsm_se_idx_key k = { gen, i };

		if (batch_add(&b, &k, &p->cexpr[i]))
			goto out;
	}
	WRITE(M_CEXPR);
	BEGIN(struct nslsm_se_idx_key, struct nslsm_se_names_chunk);
	for (uint32_t i = 0; i < p->nnames; i += NSLSM_SE_NAMES_CHUNK) {
		struct nslsm_se_idx_key k = { gen, i / NSLSM_SE_NAMES_CHUNK };
		struct nslsm_se_names_chunk c = { 0 };

		for (uint32_t j = 0; j < NSLSM_SE_NAMES_CHUNK && i + j < p->nnames; j++)
			c.v[j] = p->names[i + j];
		if (batch_add(&b, &k, &c))
			goto out;
	}
	WRITE(M_NAMES);
	BEGIN(struct nslsm_se_pair_key, uint8_t);
	if (put_pairs(&b, gen, NSLSM_SE_PAIR_USER_ROLE, &p->user_roles) ||
	    put_pairs(&b, gen, NSLSM_SE_PAIR_ROLE_TYPE, &p->role_types) ||
	    put_pairs(&b, gen, NSLSM_SE_PAIR_ROLE_DOM, &p->role_doms) ||
	    put_pairs(&b, gen, NSLSM_SE_PAIR_ROLE_ALLOW, &p->role_allows))
		goto out;
	info.pairs_n = b.n;
	WRITE(M_PAIRS);
	BEGIN(struct nslsm_se_idx_key, struct nslsm_se_blob_chunk);
	for (size_t off = 0; off < blob_len; off += NSLSM_SE_BLOB_CHUNK) {
		struct nslsm_se_idx_key k = { gen, off / NSLSM_SE_BLOB_CHUNK };
		struct nslsm_se_blob_chunk c = { 0 };
		size_t n = blob_len - off < NSLSM_SE_BLOB_CHUNK ? blob_len - off
								: NSLSM_SE_BLOB_CHUNK;

		memcpy(c.b, (const char *)blob + off, n);
		if (batch_add(&b, &k, &c))
			goto out;
	}
	WRITE(M_BLOB);
	/* the SID table: the initial SIDs under their own numbers */
	BEGIN(struct nslsm_se_sid_key, struct nslsm_se_context);
	for (uint32_t i = 0; i < p->nisids; i++) {
		struct nslsm_se_sid_key k = { gen, p->isids[i].sid };

		if (batch_add(&b, &k, &p->isids[i].ctx))
			goto out;
	}
	WRITE(M_SIDS);
	BEGIN(struct nslsm_se_ctx_key, uint32_t);
	for (uint32_t i = 0; i < p->nisids; i++) {
		struct nslsm_se_ctx_key k = { .gen = gen, .ctx = p->isids[i].ctx };
		uint32_t j;

		/* two initial SIDs with one context: the first keeps it, as
		 * the kernel's sidtab gives a context one sid */
		for (j = 0; j < i; j++)
			if (!memcmp(&p->isids[j].ctx, &k.ctx, sizeof(k.ctx)))
				break;
		if (j == i && batch_add(&b, &k, &p->isids[i].sid))
			goto out;
	}
	WRITE(M_SID_OF);
	info.ncons = p->ncons;
	info.ncexpr = p->ncexpr;
	info.nnames = p->nnames;
	info.blob_len = blob_len;
	info.nisids = p->nisids;
	info.sid_next = NSLSM_SE_SID_FIRST;	/* convert_sids() raises it */
	BEGIN(uint32_t, struct nslsm_se_policy_info);
	if (batch_add(&b, &gen, &info))
		goto out;
	WRITE(M_POLICIES);
	rc = 0;
#undef WRITE
#undef BEGIN
out:
	batch_free(&b);
	return rc;
}

/* Delete every entry of generation gen, whatever wrote it. */
static int delete_gen(struct se_maps *m, uint32_t gen)
{
	for (int g = 0; g < N_GEN_MAPS; g++) {
		const char *name = map_names[gen_maps[g]];
		int fd = m->fd[gen_maps[g]], rc;
		struct bpf_map_info mi = { 0 };
		__u32 len = sizeof(mi);
		char *keys;
		size_t n, kept = 0;

		if (bpf_obj_get_info_by_fd(fd, &mi, &len) < 0)
			return nslsm_fail_errno(errno, "reading map %s", name);
		rc = map_keys_batch(fd, mi.key_size, mi.value_size, false, (void **)&keys, &n);
		if (rc)
			return nslsm_fail_errno(-rc, "listing the entries of map %s", name);
		for (size_t i = 0; i < n; i++) {
			uint32_t kg;

			memcpy(&kg, keys + i * mi.key_size, sizeof(kg));
			if (kg == gen)
				memmove(keys + kept++ * mi.key_size, keys + i * mi.key_size,
					mi.key_size);
		}
		rc = map_delete_keys(fd, keys, mi.key_size, kept);
		free(keys);
		if (rc)
			return nslsm_fail_errno(-rc, "deleting generation %u from map %s", gen, name);
	}
	return 0;
}

/* ---- namespace state -------------------------------------------------- */

static int counters_next(struct se_maps *m, uint32_t *gen, uint64_t *seqno)
{
	struct nslsm_se_counters c;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(m->fd[M_COUNTERS], &zero, &c) < 0)
		return nslsm_fail_errno(errno, "reading the SELinux counters");
	if (gen) {
		if (c.gen == UINT32_MAX)
			return nslsm_fail("no policy generation left: 'nslsm unload' and 'nslsm load'");
		*gen = ++c.gen;
	}
	*seqno = ++c.seqno;
	if (bpf_map_update_elem(m->fd[M_COUNTERS], &zero, &c, BPF_ANY) < 0)
		return nslsm_fail_errno(errno, "writing the SELinux counters");
	return 0;
}

/* The booleans of p and the conditions they make, into ns. */
static void fill_bools(struct nslsm_se_ns *ns, const struct se_policy *p)
{
	memset(ns->bools, 0, sizeof(ns->bools));
	memset(ns->cond_on, 0, sizeof(ns->cond_on));
	memset(ns->cond_valid, 0, sizeof(ns->cond_valid));
	for (uint32_t b = 0; b < p->hdr.nbools; b++)
		if (p->bools[b])
			ns->bools[b / 64] |= 1ULL << (b % 64);
	for (uint32_t c = 0; c < p->hdr.nconds; c++) {
		if (p->cond_state[c] < 0)
			continue;
		ns->cond_valid[c / 64] |= 1ULL << (c % 64);
		if (p->cond_state[c])
			ns->cond_on[c / 64] |= 1ULL << (c % 64);
	}
}

static int state_get(struct se_maps *m, uint32_t ns_id, struct nslsm_se_ns *ns)
{
	if (bpf_map_lookup_elem(m->fd[M_NS], &ns_id, ns) == 0)
		return 1;
	memset(ns, 0, sizeof(*ns));
	if (errno == ENOENT)
		return 0;
	return nslsm_fail_errno(errno, "reading the SELinux state of namespace %u", ns_id);
}

int se_store_state(uint32_t ns_id, struct nslsm_se_ns *ns)
{
	struct se_maps m;
	int rc;

	if (maps_open(&m))
		return -1;
	rc = state_get(&m, ns_id, ns);
	maps_close(&m);
	return rc;
}

static int policy_of(struct se_maps *m, uint32_t ns_id, const char *ns_name, struct se_policy *p,
		     struct nslsm_se_policy_info *info_out, struct nslsm_se_ns *ns);

/* Every sid of generation gen (key and context arrays, malloc'ed). */
static int sids_of(struct se_maps *m, uint32_t gen, struct nslsm_se_sid_key **keys_out,
		   struct nslsm_se_context **ctx_out, size_t *n_out)
{
	struct nslsm_se_sid_key *keys = NULL;
	struct nslsm_se_context *ctx;
	size_t n = 0, k = 0;
	int e;

	e = map_keys_batch(m->fd[M_SIDS], sizeof(*keys), sizeof(*ctx), false, (void **)&keys, &n);
	if (e)
		return nslsm_fail_errno(-e, "listing map se_sids");
	ctx = calloc(n ? n : 1, sizeof(*ctx));
	if (!ctx) {
		free(keys);
		return nslsm_fail("out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		if (keys[i].gen != gen)
			continue;
		if (bpf_map_lookup_elem(m->fd[M_SIDS], &keys[i], &ctx[k]) < 0) {
			if (errno == ENOENT)
				continue;
			free(keys);
			free(ctx);
			return nslsm_fail_errno(errno, "reading map se_sids");
		}
		keys[k++] = keys[i];
	}
	*keys_out = keys;
	*ctx_out = ctx;
	*n_out = k;
	return 0;
}

/*
 * The namespace's sids into the new generation gen under the same numbers
 * (include/nslsm/selinux.h): each context of the old generation that is
 * not an initial SID is spelled with the old policy's names and read with
 * the new one's, as the kernel's sidtab_convert does. A context the new
 * policy refuses becomes the unlabeled initial SID's (the kernel decides
 * for it as for unlabeled too). The new generation's sid_next is past
 * every sid of the old one. Nothing is in force yet: on failure the
 * caller deletes the new generation.
 */
static int convert_sids(struct se_maps *m, uint32_t ns_id, const char *ns_name,
			const struct nslsm_se_ns *old, uint32_t gen, const struct se_policy *np,
			struct se_load_report *rep)
{
	const struct nslsm_se_context *unlabeled =
		se_policy_isid(np, NSLSM_SE_SECINITSID_UNLABELED);
	struct nslsm_se_policy_info oinfo, ninfo;
	struct nslsm_se_sid_key *keys = NULL;
	struct nslsm_se_context *ctx = NULL;
	struct nslsm_se_ns ns_copy = *old;
	struct se_policy op;
	char str[4096];
	size_t n = 0;
	int rc = -1;

	if (bpf_map_lookup_elem(m->fd[M_POLICIES], &gen, &ninfo) < 0)
		return nslsm_fail_errno(errno, "reading the new policy's header");
	if (policy_of(m, ns_id, ns_name, &op, &oinfo, &ns_copy))
		return -1;
	if (oinfo.sid_next > ninfo.sid_next)
		ninfo.sid_next = oinfo.sid_next;
	if (sids_of(m, old->gen, &keys, &ctx, &n))
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct nslsm_se_sid_key k = { gen, keys[i].sid };
		struct nslsm_se_ctx_key ck = { .gen = gen };
		const struct nslsm_se_context *to = &ck.ctx;

		if (keys[i].sid < NSLSM_SE_SID_FIRST)
			continue;	/* initial SIDs: the new policy's own */
		if (keys[i].sid >= ninfo.sid_next)
			ninfo.sid_next = keys[i].sid + 1;
		if (se_context_format(&op, &ctx[i], str, sizeof(str)) >= sizeof(str) ||
		    se_context_parse(np, str, &ck.ctx)) {
			nslsm_error_clear();
			rep->sids_unlabeled++;
			if (!unlabeled)
				continue;	/* no unlabeled SID: BPF finds no context */
			to = unlabeled;
		} else {
			rep->sids_kept++;
			/* the context's sid, unless it has one (an initial SID) */
			if (bpf_map_update_elem(m->fd[M_SID_OF], &ck, &k.sid, BPF_NOEXIST) < 0 &&
			    errno != EEXIST) {
				nslsm_fail_errno(errno, "map se_sid_of: no room for sid %u", k.sid);
				goto out;
			}
		}
		if (bpf_map_update_elem(m->fd[M_SIDS], &k, to, BPF_NOEXIST) < 0) {
			nslsm_fail_errno(errno, "map se_sids: no room for sid %u", k.sid);
			goto out;
		}
	}
	if (ninfo.sid_next < NSLSM_SE_SID_FIRST) {
		nslsm_fail("namespace '%s': no sid left", ns_name);
		goto out;
	}
	if (bpf_map_update_elem(m->fd[M_POLICIES], &gen, &ninfo, BPF_EXIST) < 0) {
		nslsm_fail_errno(errno, "writing the new policy's header");
		goto out;
	}
	rc = 0;
out:
	free(keys);
	free(ctx);
	se_policy_free(&op);
	return rc;
}

int se_store_load(uint32_t ns_id, const char *ns_name, const char *path,
		  struct se_load_report *rep)
{
	struct nslsm_se_ns ns;
	struct se_policy p;
	struct timespec t0;
	struct se_maps m;
	uint64_t seqno;
	void *blob = NULL;
	size_t len;
	uint32_t gen;
	int rc = -1, had;

	memset(rep, 0, sizeof(*rep));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (se_policy_file_bytes(path, &blob, &len))
		return -1;
	if (se_policy_read(blob, len, path, &p)) {
		free(blob);
		return -1;
	}
	rep->read_ms = ms_since(&t0);
	if (p.hdr.nconds > NSLSM_SE_MAX_CONDS) {
		nslsm_fail("policy '%s': %u conditional expressions, at most %u supported", path,
			   p.hdr.nconds, NSLSM_SE_MAX_CONDS);
		goto out_policy;
	}
	if (maps_open(&m))
		goto out_policy;
	had = state_get(&m, ns_id, &ns);
	if (had < 0 || counters_next(&m, &gen, &seqno))
		goto out_maps;
	rep->gen = gen;
	rep->old_gen = ns.gen;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (write_gen(&m, gen, ns_id, ns_name, &p, blob, len, rep) ||
	    (ns.gen && convert_sids(&m, ns_id, ns_name, &ns, gen, &p, rep))) {
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s", nslsm_error());
		delete_gen(&m, gen);
		nslsm_fail("%s; namespace '%s' keeps its policy", msg, ns_name);
		goto out_maps;
	}
	rep->write_ms = ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	se_policy_eval_conds(&p);
	fill_bools(&ns, &p);
	ns.gen = gen;
	ns.seqno = seqno;
	/* enforce stays what setenforce made it (permissive at first) */
	if (bpf_map_update_elem(m.fd[M_NS], &ns_id, &ns, BPF_ANY) < 0) {
		nslsm_fail_errno(errno, "namespace '%s': switching to the new policy; it keeps "
				 "its policy", ns_name);
		delete_gen(&m, gen);
		goto out_maps;
	}
	rep->flip_ms = ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (rep->old_gen && delete_gen(&m, rep->old_gen))
		goto out_maps;	/* in force, but the old tables stay: say so */
	rep->delete_ms = ms_since(&t0);
	rc = 0;
out_maps:
	maps_close(&m);
out_policy:
	se_policy_free(&p);
	free(blob);
	return rc;
}

int se_store_clear_ns(uint32_t ns_id)
{
	struct nslsm_se_ns ns;
	struct se_maps m;
	int rc = 0, had;

	if (maps_open(&m))
		return -1;
	had = state_get(&m, ns_id, &ns);
	if (had < 0)
		rc = -1;
	else if (had) {
		if (bpf_map_delete_elem(m.fd[M_NS], &ns_id) < 0 && errno != ENOENT)
			rc = nslsm_fail_errno(errno, "removing the SELinux state of namespace %u",
					      ns_id);
		else if (ns.gen)
			rc = delete_gen(&m, ns.gen);
	}
	maps_close(&m);
	return rc;
}

/* The binary policy of generation gen, as loaded. */
static int read_blob(struct se_maps *m, uint32_t gen, const struct nslsm_se_policy_info *info,
		     void **out)
{
	char *buf = malloc(info->blob_len ? info->blob_len : 1);

	if (!buf)
		return nslsm_fail("out of memory");
	for (uint32_t off = 0; off < info->blob_len; off += NSLSM_SE_BLOB_CHUNK) {
		struct nslsm_se_idx_key k = { gen, off / NSLSM_SE_BLOB_CHUNK };
		struct nslsm_se_blob_chunk c;
		uint32_t n = info->blob_len - off < NSLSM_SE_BLOB_CHUNK ? info->blob_len - off
								      : NSLSM_SE_BLOB_CHUNK;

		if (bpf_map_lookup_elem(m->fd[M_BLOB], &k, &c) < 0) {
			free(buf);
			return nslsm_fail_errno(errno, "reading the policy of generation %u", gen);
		}
		memcpy(buf + off, c.b, n);
	}
	*out = buf;
	return 0;
}

static void apply_bools(struct se_policy *p, const struct nslsm_se_ns *ns)
{
	for (uint32_t b = 0; b < p->hdr.nbools; b++)
		p->bools[b] = ns->bools[b / 64] >> (b % 64) & 1;
	se_policy_eval_conds(p);
}

static int policy_of(struct se_maps *m, uint32_t ns_id, const char *ns_name, struct se_policy *p,
		     struct nslsm_se_policy_info *info_out, struct nslsm_se_ns *ns)
{
	struct nslsm_se_policy_info info;
	char src[128];
	void *blob;
	int had, rc;

	memset(p, 0, sizeof(*p));
	had = state_get(m, ns_id, ns);
	if (had < 0)
		return -1;
	if (!had || !ns->gen)
		return nslsm_fail("namespace '%s' has no SELinux policy ('nslsm selinux load %s "
				  "FILE')", ns_name, ns_name);
	if (bpf_map_lookup_elem(m->fd[M_POLICIES], &ns->gen, &info) < 0)
		return nslsm_fail_errno(errno, "namespace '%s': reading its policy's header",
					ns_name);
	if (read_blob(m, ns->gen, &info, &blob))
		return -1;
	snprintf(src, sizeof(src), "the policy loaded in '%s'", ns_name);
	rc = se_policy_read(blob, info.blob_len, src, p);
	free(blob);
	if (rc)
		return -1;
	apply_bools(p, ns);
	if (info_out)
		*info_out = info;
	return 0;
}

int se_store_policy(uint32_t ns_id, const char *ns_name, struct se_policy *p,
		    struct nslsm_se_policy_info *info)
{
	struct nslsm_se_ns ns;
	struct se_maps m;
	int rc;

	if (maps_open(&m))
		return -1;
	rc = policy_of(&m, ns_id, ns_name, p, info, &ns);
	maps_close(&m);
	return rc;
}

int se_bool_assign_parse(const char *s, char *name, size_t len, bool *value)
{
	const char *eq = strchr(s, '=');

	if (!eq || eq == s || (size_t)(eq - s) >= len ||
	    (strcmp(eq + 1, "0") && strcmp(eq + 1, "1") && strcmp(eq + 1, "true") &&
	     strcmp(eq + 1, "false") && strcmp(eq + 1, "on") && strcmp(eq + 1, "off")))
		return nslsm_fail("'%s': expected NAME=0|1", s);
	memcpy(name, s, eq - s);
	name[eq - s] = 0;
	*value = !strcmp(eq + 1, "1") || !strcmp(eq + 1, "true") || !strcmp(eq + 1, "on");
	return 0;
}

int se_store_set_bools(uint32_t ns_id, const char *ns_name, char **assign, int n)
{
	struct nslsm_se_ns ns;
	struct se_policy p;
	struct se_maps m;
	uint64_t seqno;
	int rc = -1;

	if (maps_open(&m))
		return -1;
	if (policy_of(&m, ns_id, ns_name, &p, NULL, &ns))
		goto out;
	for (int i = 0; i < n; i++) {
		char name[256];
		bool v;

		if (se_bool_assign_parse(assign[i], name, sizeof(name), &v))
			goto out_p;
		if (se_policy_set_bool(&p, name, v)) {
			char why[512];

			snprintf(why, sizeof(why), "%s", nslsm_error());
			nslsm_fail("namespace '%s': %s; no boolean changed", ns_name, why);
			goto out_p;
		}
	}
	if (counters_next(&m, NULL, &seqno))
		goto out_p;
	fill_bools(&ns, &p);
	ns.seqno = seqno;
	if (bpf_map_update_elem(m.fd[M_NS], &ns_id, &ns, BPF_EXIST) < 0) {
		nslsm_fail_errno(errno, "namespace '%s': writing its booleans", ns_name);
		goto out_p;
	}
	rc = 0;
out_p:
	se_policy_free(&p);
out:
	maps_close(&m);
	return rc;
}

int se_store_set_enforce(uint32_t ns_id, bool enforce)
{
	struct nslsm_se_ns ns;
	struct se_maps m;
	uint64_t seqno;
	int rc = -1;

	if (maps_open(&m))
		return -1;
	if (state_get(&m, ns_id, &ns) < 0 || counters_next(&m, NULL, &seqno))
		goto out;
	ns.enforce = enforce;
	ns.seqno = seqno;
	if (bpf_map_update_elem(m.fd[M_NS], &ns_id, &ns, BPF_ANY) < 0) {
		nslsm_fail_errno(errno, "writing the SELinux state of namespace %u", ns_id);
		goto out;
	}
	rc = 0;
out:
	maps_close(&m);
	return rc;
}

int se_store_avc_stats(uint32_t ns_id, struct nslsm_se_avc_stats *out)
{
	int cpus = libbpf_num_possible_cpus(), fd, rc = 0;
	struct nslsm_se_avc_stats *v;
	char path[256];

	memset(out, 0, sizeof(*out));
	if (cpus < 0)
		return nslsm_fail_errno(-cpus, "counting the possible CPUs");
	snprintf(path, sizeof(path), "%s/se_avc_stats", NSLSM_MAP_DIR);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return nslsm_fail_errno(errno, "opening pinned map %s", path);
	v = calloc(cpus, sizeof(*v));
	if (!v) {
		close(fd);
		return nslsm_fail("out of memory");
	}
	if (bpf_map_lookup_elem(fd, &ns_id, v) < 0) {
		rc = nslsm_fail_errno(errno, "reading the AVC counters of namespace %u", ns_id);
	} else {
		for (int i = 0; i < cpus; i++) {
			out->lookups += v[i].lookups;
			out->hits += v[i].hits;
			out->misses += v[i].misses;
			out->allocations += v[i].allocations;
		}
	}
	free(v);
	close(fd);
	return rc;
}

int se_store_query(struct nslsm_se_query *q)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = q, .ctx_size_in = sizeof(*q));
	static int fd = -1;

	if (fd < 0) {
		fd = bpf_obj_get(NSLSM_SE_QUERY_PIN);
		if (fd < 0)
			return nslsm_fail_errno(errno, "opening the SELinux query program %s (is "
						"this nslsm's current version loaded?)",
						NSLSM_SE_QUERY_PIN);
	}
	if (bpf_prog_test_run_opts(fd, &opts) < 0)
		return nslsm_fail_errno(errno, "running the SELinux query program");
	return 0;
}

/* ---- SIDs ------------------------------------------------------------------ */

int se_store_sid_lookup(uint32_t gen, const struct nslsm_se_context *c, bool alloc, uint32_t *sid)
{
	struct nslsm_se_ctx_key ck = { .gen = gen, .ctx = *c };
	struct nslsm_se_policy_info info;
	struct se_maps m;
	uint32_t next;
	int rc = -1;

	if (maps_open(&m))
		return -1;
	if (!bpf_map_lookup_elem(m.fd[M_SID_OF], &ck, sid)) {
		rc = 1;
		goto out;
	}
	if (errno != ENOENT) {
		nslsm_fail_errno(errno, "reading map se_sid_of");
		goto out;
	}
	if (!alloc) {
		rc = 0;
		goto out;
	}
	/* the namespace's next sid: its generation's sid_next, never given
	 * before (include/nslsm/selinux.h) */
	if (bpf_map_lookup_elem(m.fd[M_POLICIES], &gen, &info) < 0) {
		nslsm_fail_errno(errno, "reading the policy header of generation %u", gen);
		goto out;
	}
	next = info.sid_next;	/* NSLSM_SE_SID_FIRST at least (write_gen) */
	if (next + 1 == 0) {
		nslsm_fail("generation %u: no sid left", gen);
		goto out;
	}
	info.sid_next = next + 1;
	/* the mark first: a failure below wastes a number, never reuses one */
	if (bpf_map_update_elem(m.fd[M_POLICIES], &gen, &info, BPF_EXIST) < 0) {
		nslsm_fail_errno(errno, "writing the policy header of generation %u", gen);
		goto out;
	}
	if (bpf_map_update_elem(m.fd[M_SID_OF], &ck, &next, BPF_NOEXIST) < 0) {
		if (errno == EEXIST && !bpf_map_lookup_elem(m.fd[M_SID_OF], &ck, sid)) {
			rc = 1;	/* a racing writer gave it one */
			goto out;
		}
		nslsm_fail_errno(errno, "map se_sid_of: no room for a new context (%u entries)",
				 NSLSM_SE_MAP_SIDS);
		goto out;
	}
	{
		struct nslsm_se_sid_key sk = { gen, next };

		if (bpf_map_update_elem(m.fd[M_SIDS], &sk, c, BPF_NOEXIST) < 0) {
			nslsm_fail_errno(errno, "map se_sids: no room for sid %u", next);
			bpf_map_delete_elem(m.fd[M_SID_OF], &ck);
			goto out;
		}
	}
	*sid = next;
	rc = 1;
out:
	maps_close(&m);
	return rc;
}

int se_store_sid_context(uint32_t gen, uint32_t sid, struct nslsm_se_context *c)
{
	struct nslsm_se_sid_key sk = { gen, sid };
	struct se_maps m;
	int rc = 1;

	if (maps_open(&m))
		return -1;
	if (bpf_map_lookup_elem(m.fd[M_SIDS], &sk, c) < 0)
		rc = errno == ENOENT ? 0 : nslsm_fail_errno(errno, "reading map se_sids");
	maps_close(&m);
	return rc;
}
