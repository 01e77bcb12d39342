/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SELinux decision in BPF, over the maps of one policy generation: the
 * same walk as the reference (src/selinux/decide.c), in the kernel's order
 * (context_struct_compute_av): access vectors over type_attr_map(source) x
 * type_attr_map(target) with the conditional rules the namespace's
 * booleans enable, constraints and mlsconstrain, the role transition check
 * of the process class, then the same again for each typebounds parent
 * (allowed only), the permissive flag and handle_unknown.
 *
 * Every loop is a bpf_loop (its body verified once) or bounded by a size
 * of include/nslsm/selinux.h. The contexts come from map values only
 * (the SID table, or the query's scratch copy): user space validated them
 * against this generation (policydb_context_isvalid) before any reached a
 * map, so the decision does not validate again.
 *
 * se_decide() is a global function: the verifier checks it once per
 * program that calls it, whatever the number of call sites.
 */
#ifndef NSLSM_BPF_SE_DECIDE_H
#define NSLSM_BPF_SE_DECIDE_H

/* The two contexts of a decision and its result: per CPU, as a context
 * (280 bytes) each would not fit a BPF stack beside the walk. */
struct se_scratch {
	struct nslsm_se_context s, t;
	struct nslsm_se_avd avd;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct se_scratch);
} se_scratch SEC(".maps");

static __always_inline struct se_scratch *se_scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&se_scratch, &zero);
}

/* v below the power of two n, in a way the verifier sees on the register
 * that indexes (the compiler may otherwise test a copy). */
#define SE_BOUND(v, n)                                                         \
	({                                                                     \
		__u32 __v = (v);                                               \
		asm volatile("" : "+r"(__v));                                  \
		__v & ((n) - 1);                                               \
	})

/*
 * A zero the verifier cannot know. Kernels before 6.8 (Debian's 6.1
 * among them) verify a bpf_loop callback once, with the caller's state as
 * it is at the call: a field of the loop's context that starts as a known
 * constant (an evaluation stack's depth of 0) is taken for that constant
 * in every iteration, branches that depend on its later values are found
 * dead and removed, and the loop computes wrong results (constraints of
 * more than one node evaluated false). 6.8 verifies callbacks to a fixed
 * point. So a loop's state that changes from one iteration to the next
 * and decides a branch starts from this value instead of a constant. It
 * is never written (.bss, 0 at load and after a reset).
 */
__u32 se_opaque_zero;

static __always_inline bool se_pair_has(__u32 gen, __u16 kind, __u16 a, __u16 b)
{
	struct nslsm_se_pair_key k = { .gen = gen, .kind = kind, .a = a, .b = b };

	return bpf_map_lookup_elem(&se_pairs, &k) != NULL;
}

/* ---- access vectors ---------------------------------------------------- */

struct se_av_walk {
	const struct nslsm_se_ns *ns;	/* booleans: which conditional rules hold */
	__u32 gen, tclass;
	__u32 sn, tn;			/* attrs[] entries of source and target */
	__u32 allowed, auditallow, auditdeny;
	const struct nslsm_se_type *st, *tt;	/* their attrs[] */
};

/* One (source attribute, target attribute) key of the walk. */
static long se_av_step(__u64 idx, void *ctx)
{
	struct se_av_walk *w = ctx;
	struct nslsm_se_av_gkey key = { .gen = w->gen };
	const struct nslsm_se_cond_av *cv;
	const struct nslsm_se_av *v;
	__u32 i, j;

	if (!w->tn)
		return 1;
	i = idx / w->tn;
	j = idx % w->tn;
	if (i >= NSLSM_SE_TYPE_ATTRS || j >= NSLSM_SE_TYPE_ATTRS)
		return 1;
	key.k.source = w->st->attrs[SE_BOUND(i, NSLSM_SE_TYPE_ATTRS)];
	key.k.target = w->tt->attrs[SE_BOUND(j, NSLSM_SE_TYPE_ATTRS)];
	key.k.tclass = w->tclass;
	v = bpf_map_lookup_elem(&se_av, &key);
	if (v) {
		w->allowed |= v->allowed;
		w->auditallow |= v->auditallow;
		w->auditdeny &= v->auditdeny;
	}
	cv = bpf_map_lookup_elem(&se_cond_av, &key);
	if (!cv)
		return 0;
	/* branch-free: each rule's data masked in or out (fewer verifier paths) */
	for (__u32 k = 0; k < NSLSM_SE_COND_SLOTS; k++) {
		__u32 c = cv->rule[k].cond - 1, spec = cv->rule[k].specified, on;

		on = (k < cv->n) & (c < NSLSM_SE_MAX_CONDS);
		c = SE_BOUND(c, NSLSM_SE_MAX_CONDS);
		on &= (__u32)(w->ns->cond_valid[c / 64] >> (c % 64)) & 1;
		on &= ((w->ns->cond_on[c / 64] >> (c % 64)) & 1) == !!cv->rule[k].branch;
		on = -(on & 1);
		w->allowed |= cv->rule[k].data & on & -(__u32)(spec == NSLSM_SE_AV_ALLOWED);
		w->auditallow |= cv->rule[k].data & on & -(__u32)(spec == NSLSM_SE_AV_AUDITALLOW);
		w->auditdeny &= ~(~cv->rule[k].data & on & -(__u32)(spec == NSLSM_SE_AV_AUDITDENY));
	}
	return 0;
}

/* ---- constraints ------------------------------------------------------- */

/* How two levels compare: SE_DOM (a dominates b), SE_DOMBY (b dominates
 * a), both when equal. A global function: verified once, not once per
 * path of the constraint walk that reaches it. */
#define SE_DOM 0x1
#define SE_DOMBY 0x2
__noinline int se_level_cmp(const struct nslsm_se_level *a, const struct nslsm_se_level *b)
{
	int dom = 1, domby = 1;

	if (!a || !b)
		return 0;
	if (a->sens < b->sens)
		dom = 0;
	if (b->sens < a->sens)
		domby = 0;
	for (int i = 0; i < NSLSM_SE_CAT_WORDS; i++) {
		if (b->cats[i] & ~a->cats[i])
			dom = 0;
		if (a->cats[i] & ~b->cats[i])
			domby = 0;
	}
	return (dom ? SE_DOM : 0) | (domby ? SE_DOMBY : 0);
}

struct se_cexpr_walk {
	const struct se_scratch *x;	/* the contexts */
	__u32 gen;
	__u32 first;			/* the constraint's first node */
	__u32 stype, ttype;		/* the types this level of the bounds walk uses */
	__u32 sp;			/* values on the stack */
	__u32 stack;			/* bit i: the value at depth i (0: bottom) */
	__u32 bad;			/* the expression cannot be evaluated: false */
};

struct se_names_walk {
	__u32 gen, first, v;
	__u32 lo, hi;			/* the range still to search */
	__u32 found;
};

/* One step of the binary search. */
static long se_names_step(__u64 i, void *ctx)
{
	struct se_names_walk *w = ctx;
	struct nslsm_se_idx_key k = { .gen = w->gen };
	const struct nslsm_se_names_chunk *c;
	__u32 mid, at, got;

	if (w->lo >= w->hi)
		return 1;
	mid = w->lo + (w->hi - w->lo) / 2;
	at = w->first + mid;
	k.idx = at / NSLSM_SE_NAMES_CHUNK;
	c = bpf_map_lookup_elem(&se_names, &k);
	if (!c)
		return 1;
	got = c->v[SE_BOUND(at, NSLSM_SE_NAMES_CHUNK)];
	if (got == w->v) {
		w->found = 1;
		return 1;
	}
	if (got < w->v)
		w->lo = mid + 1;
	else
		w->hi = mid;
	return 0;
}

/* Is v among the sorted ids names[first .. first + n)? */
static __always_inline bool se_names_has(__u32 gen, __u32 first, __u32 n, __u32 v)
{
	struct se_names_walk w = { .gen = gen, .first = first, .v = v, .hi = n,
				   .lo = se_opaque_zero, .found = se_opaque_zero };

	bpf_loop(NSLSM_SE_NAMES_STEPS + 1, se_names_step, &w, 0);
	return w.found;
}

static __always_inline int se_push(struct se_cexpr_walk *w, bool v)
{
	if (w->sp >= NSLSM_SE_CEXPR_DEPTH) {
		w->bad = 1;
		return 1;
	}
	w->stack = (w->stack & ~(1u << w->sp)) | ((__u32)v << w->sp);
	w->sp++;
	return 0;
}

static __always_inline bool se_mls_op(__u32 op, const struct nslsm_se_level *l1,
				      const struct nslsm_se_level *l2)
{
	int c = se_level_cmp(l1, l2);

	switch (op) {
	case 1: /* CEXPR_EQ */
		return c == (SE_DOM | SE_DOMBY);
	case 2: /* CEXPR_NEQ */
		return c != (SE_DOM | SE_DOMBY);
	case 3: /* CEXPR_DOM */
		return c & SE_DOM;
	case 4: /* CEXPR_DOMBY */
		return c & SE_DOMBY;
	default: /* CEXPR_INCOMP */
		return !c;
	}
}

/* One node of a constraint expression (constraint_expr_eval). */
static long se_cexpr_step(__u64 i, void *ctx)
{
	struct se_cexpr_walk *w = ctx;
	struct nslsm_se_idx_key k = { .gen = w->gen, .idx = w->first + (__u32)i };
	const struct nslsm_se_context *sc = &w->x->s, *tc = &w->x->t, *c;
	const struct nslsm_se_level *l1 = NULL, *l2 = NULL;
	const struct nslsm_se_cexpr *e;
	__u32 v1 = 0, v2 = 0;

	e = bpf_map_lookup_elem(&se_cexpr, &k);
	if (!e) {
		w->bad = 1;
		return 1;
	}
	switch (e->type) {
	case 1: /* CEXPR_NOT */
		if (w->sp < 1 || w->sp > NSLSM_SE_CEXPR_DEPTH)
			goto bad;
		w->stack ^= 1u << (w->sp - 1);
		return 0;
	case 2: /* CEXPR_AND */
	case 3: /* CEXPR_OR */ {
		bool a, b;

		if (w->sp < 2 || w->sp > NSLSM_SE_CEXPR_DEPTH)
			goto bad;
		b = w->stack >> (w->sp - 1) & 1;
		a = w->stack >> (w->sp - 2) & 1;
		w->sp -= 2;
		return se_push(w, e->type == 2 ? a && b : a || b);
	}
	case 4: /* CEXPR_ATTR */
		switch (e->attr) {
		case 1: /* CEXPR_USER */
			v1 = sc->user, v2 = tc->user;
			break;
		case 4: /* CEXPR_TYPE */
			v1 = w->stype, v2 = w->ttype;
			break;
		case 2: /* CEXPR_ROLE */
			v1 = sc->role, v2 = tc->role;
			switch (e->op) {
			case 3:
				return se_push(w, se_pair_has(w->gen, NSLSM_SE_PAIR_ROLE_DOM, v1, v2));
			case 4:
				return se_push(w, se_pair_has(w->gen, NSLSM_SE_PAIR_ROLE_DOM, v2, v1));
			case 5:
				return se_push(w, !se_pair_has(w->gen, NSLSM_SE_PAIR_ROLE_DOM, v1, v2) &&
							  !se_pair_has(w->gen, NSLSM_SE_PAIR_ROLE_DOM, v2, v1));
			}
			break;
		case 32: /* L1L2 */
			l1 = &sc->range.low, l2 = &tc->range.low;
			break;
		case 64: /* L1H2 */
			l1 = &sc->range.low, l2 = &tc->range.high;
			break;
		case 128: /* H1L2 */
			l1 = &sc->range.high, l2 = &tc->range.low;
			break;
		case 256: /* H1H2 */
			l1 = &sc->range.high, l2 = &tc->range.high;
			break;
		case 512: /* L1H1 */
			l1 = &sc->range.low, l2 = &sc->range.high;
			break;
		default: /* L2H2 */
			l1 = &tc->range.low, l2 = &tc->range.high;
			break;
		}
		if (l1 && l2)
			return se_push(w, se_mls_op(e->op, l1, l2));
		return se_push(w, e->op == 1 ? v1 == v2 : v1 != v2);
	default: /* CEXPR_NAMES */
		if (e->attr & 16)	/* the third context of validatetrans: none here */
			goto bad;
		c = e->attr & 8 ? tc : sc;
		v1 = e->attr & 1 ? c->user : e->attr & 2 ? c->role
				    : e->attr & 8 ? w->ttype : w->stype;
		return se_push(w, se_names_has(w->gen, e->names_first, e->names_n, v1) ==
					  (e->op == 1));
	}
bad:
	w->bad = 1;
	return 1;
}

struct se_cons_walk {
	const struct se_scratch *x;
	__u32 gen, first;		/* the class's first constraint */
	__u32 stype, ttype;
	__u32 allowed;
};

/* One constraint of the class: its perms go if its expression is false. */
static long se_cons_step(__u64 i, void *ctx)
{
	struct se_cons_walk *cw = ctx;
	struct nslsm_se_idx_key k = { .gen = cw->gen, .idx = cw->first + (__u32)i };
	const struct nslsm_se_constraint *con = bpf_map_lookup_elem(&se_cons, &k);
	struct se_cexpr_walk w = {
		.x = cw->x, .gen = cw->gen, .stype = cw->stype, .ttype = cw->ttype,
		.sp = se_opaque_zero, .bad = se_opaque_zero, .stack = se_opaque_zero,
	};

	if (!con)
		return 1;
	if (!(con->perms & cw->allowed))
		return 0;
	w.first = con->expr_first;
	bpf_loop(con->expr_n, se_cexpr_step, &w, 0);
	if (w.bad || w.sp != 1 || !(w.stack & 1))
		cw->allowed &= ~con->perms;
	return 0;
}

/* ---- one level of the bounds walk: context_struct_compute_av ----------- */

/* The typebounds parent of type, 0 if none (or no such type). */
static __always_inline __u32 se_type_bounds(__u32 gen, __u32 type)
{
	struct nslsm_se_idx_key k = { .gen = gen, .idx = type };
	const struct nslsm_se_type *t = bpf_map_lookup_elem(&se_types, &k);

	return t ? t->bounds : 0;
}

struct se_level_out {
	__u32 allowed, auditallow, auditdeny;
};

static __always_inline int se_context_av(const struct nslsm_se_ns *ns,
					 const struct nslsm_se_policy_info *pol,
					 const struct nslsm_se_class *cls,
					 const struct se_scratch *x, __u32 stype, __u32 ttype,
					 __u32 tclass, struct se_level_out *out)
{
	struct se_av_walk w = { .ns = ns, .gen = ns->gen, .tclass = tclass };
	struct nslsm_se_idx_key k = { .gen = ns->gen, .idx = stype };
	const struct nslsm_se_type *st, *tt;
	struct se_cons_walk cw;

	st = bpf_map_lookup_elem(&se_types, &k);
	k.idx = ttype;
	tt = bpf_map_lookup_elem(&se_types, &k);
	if (!st || !tt)
		return -ENOENT;
	w.sn = st->nattrs;
	w.tn = tt->nattrs;
	if (w.sn > NSLSM_SE_TYPE_ATTRS || w.tn > NSLSM_SE_TYPE_ATTRS)
		return -EINVAL;
	w.st = st;
	w.tt = tt;
	w.auditdeny = ~0u;
	bpf_loop(w.sn * w.tn, se_av_step, &w, 0);

	cw.x = x;
	cw.gen = ns->gen;
	cw.first = cls->cons_first;
	cw.stype = stype;
	cw.ttype = ttype;
	cw.allowed = w.allowed;
	if (cls->cons_n)
		bpf_loop(cls->cons_n, se_cons_step, &cw, 0);
	if (tclass == pol->hdr.process_class && (cw.allowed & pol->hdr.process_trans_perms) &&
	    x->s.role != x->t.role &&
	    !se_pair_has(ns->gen, NSLSM_SE_PAIR_ROLE_ALLOW, x->s.role, x->t.role))
		cw.allowed &= ~pol->hdr.process_trans_perms;
	out->allowed = cw.allowed;
	out->auditallow = w.auditallow;
	out->auditdeny = w.auditdeny;
	return 0;
}

/* The walk along the source's typebounds chain: level 0 is the decision
 * itself; each parent (with the target at its own parent where it has
 * one) can only take permissions away (type_attribute_bounds_av). */
struct se_bounds_walk {
	const struct nslsm_se_ns *ns;
	const struct nslsm_se_policy_info *pol;
	const struct nslsm_se_class *cls;
	struct se_scratch *x;
	__u32 stype, ttype, tclass;
	__s32 rc;
};

static long se_level_step(__u64 depth, void *ctx)
{
	struct se_bounds_walk *b = ctx;
	struct se_level_out lv;
	__u32 sb, tb;
	int rc;

	rc = se_context_av(b->ns, b->pol, b->cls, b->x, b->stype, b->ttype, b->tclass, &lv);
	if (rc) {
		b->rc = rc;
		return 1;
	}
	if (!depth) {
		b->x->avd.allowed = lv.allowed;
		b->x->avd.auditallow = lv.auditallow;
		b->x->avd.auditdeny = lv.auditdeny;
	} else {
		b->x->avd.allowed &= lv.allowed;
	}
	sb = se_type_bounds(b->ns->gen, b->stype);
	if (!sb)
		return 1;
	tb = se_type_bounds(b->ns->gen, b->ttype);
	b->stype = sb;
	if (tb)
		b->ttype = tb;
	return 0;
}

/*
 * The decision for the contexts in this CPU's scratch (x->s, x->t) under
 * namespace ns_id's policy, into x->avd: 0, -ENOENT (no policy, or a table
 * missing: a generation being deleted) or -EINVAL.
 */
__noinline int se_decide(__u32 ns_id, __u32 tclass)
{
	struct nslsm_se_idx_key k;
	const struct nslsm_se_policy_info *pol;
	const struct nslsm_se_class *cls;
	const struct nslsm_se_type *st;
	const struct nslsm_se_ns *ns;
	struct se_bounds_walk lw;
	struct se_scratch *x;
	__u32 gen;

	x = se_scratch_get();
	ns = bpf_map_lookup_elem(&se_ns, &ns_id);
	if (!x || !ns || !ns->gen)
		return -ENOENT;
	gen = ns->gen;
	pol = bpf_map_lookup_elem(&se_policies, &gen);
	if (!pol)
		return -ENOENT;
	x->avd.flags = 0;
	x->avd.allowed = 0;
	x->avd.auditallow = 0;
	x->avd.auditdeny = ~0u;
	k.gen = gen;
	k.idx = x->s.type;
	st = bpf_map_lookup_elem(&se_types, &k);
	if (!st)
		return -EINVAL;
	if (st->flags & NSLSM_SE_TYPE_PERMISSIVE)
		x->avd.flags |= NSLSM_SE_AVD_PERMISSIVE;
	if (!tclass) {
		if (pol->hdr.handle_unknown == NSLSM_SE_UNKNOWN_ALLOW)
			x->avd.allowed = ~0u;
		return 0;
	}
	k.idx = tclass;
	cls = bpf_map_lookup_elem(&se_classes, &k);
	if (!cls)
		return 0;	/* outside the policy: nothing allowed, as the reference */
	lw.ns = ns;
	lw.pol = pol;
	lw.cls = cls;
	lw.x = x;
	lw.stype = x->s.type;
	lw.ttype = x->t.type;
	lw.tclass = tclass;
	lw.rc = 0;
	bpf_loop(NSLSM_SE_BOUNDS_DEPTH + 1, se_level_step, &lw, 0);
	return lw.rc;
}

#endif /* NSLSM_BPF_SE_DECIDE_H */
