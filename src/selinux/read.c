// SPDX-License-Identifier: GPL-2.0
/*
 * Binary policy in: libsepol reads it (policydb_read, the library's own
 * parser and validator), then every table nslsm keeps is compiled from
 * libsepol's policydb with each reference checked against the limits of
 * include/nslsm/selinux.h. The policydb is destroyed before returning:
 * a compiled policy owns no libsepol memory.
 *
 * Errors name the input and the object ("policy.33: class file: 33
 * permissions, at most 32"); libsepol's own messages are kept and quoted
 * when it refuses the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sepol/handle.h>
#include <sepol/debug.h>
#include <sepol/policydb/conditional.h>
#include <sepol/policydb/constraint.h>
#include <sepol/policydb/ebitmap.h>
#include <sepol/policydb/hashtab.h>
#include <sepol/policydb/polcaps.h>
#include <sepol/policydb/policydb.h>

#include "lib/error.h"
#include "selinux/internal.h"

/* Longest typebounds chain, as the kernel's POLICYDB_BOUNDS_MAXDEPTH. */
#define SE_BOUNDS_MAXDEPTH NSLSM_SE_BOUNDS_DEPTH

/* Largest policy file read (Debian's refpolicy is 2.1 MB). */
#define SE_POLICY_FILE_MAX (64u << 20)

static _Thread_local char sepol_msg[512];

static void sepol_msg_cb(void *arg, sepol_handle_t *h, const char *fmt, ...)
{
	va_list ap;

	(void)arg;
	if (sepol_msg_get_level(h) != SEPOL_MSG_ERR)
		return;
	va_start(ap, fmt);
	vsnprintf(sepol_msg, sizeof(sepol_msg), fmt, ap);
	va_end(ap);
}

struct compiler {
	const char *src;
	policydb_t *db;
	struct se_policy *p;
	uint32_t ncons_cap, ncexpr_cap, nnames_cap, nav_cap, ncond_cap;
};

#define FAIL(c, ...) se_fail((c)->src, __VA_ARGS__)

static int se_fail(const char *src, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int se_fail(const char *src, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return nslsm_fail("%s: %s", src, msg);
}

/* Grow *arr (of `size` bytes per element) to hold n + 1 elements. */
static int reserve(void **arr, uint32_t *cap, uint32_t n, size_t size)
{
	void *v;
	uint32_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	v = realloc(*arr, (size_t)ncap * size);
	if (!v)
		return nslsm_fail("out of memory");
	memset((char *)v + (size_t)*cap * size, 0, (size_t)(ncap - *cap) * size);
	*arr = v;
	*cap = ncap;
	return 0;
}

static const char *type_name(const struct compiler *c, uint32_t v)
{
	return v && v <= c->p->hdr.ntypes ? c->p->type_names[v - 1] : "?";
}

static const char *class_name(const struct compiler *c, uint32_t v)
{
	return v && v <= c->p->hdr.nclasses ? c->p->class_names[v - 1].name : "?";
}

/* ---- names ---------------------------------------------------------- */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct se_name *)a)->name, ((const struct se_name *)b)->name);
}

uint32_t se_names_find(const struct se_names *ix, const char *name)
{
	struct se_name key = { .name = name }, *hit;

	if (!ix->n)
		return 0;
	hit = bsearch(&key, ix->v, ix->n, sizeof(*ix->v), name_cmp);
	return hit ? hit->value : 0;
}

/* Copy val_to_name[] (n names); a missing name gets a spelling of its own. */
static int copy_names(struct compiler *c, char **from, uint32_t n, const char *what,
		      char ***out)
{
	char **v = calloc(n ? n : 1, sizeof(*v));

	if (!v)
		return nslsm_fail("out of memory");
	*out = v;
	for (uint32_t i = 0; i < n; i++) {
		char buf[32];

		if (from && from[i])
			v[i] = strdup(from[i]);
		else {
			snprintf(buf, sizeof(buf), "@%s%u", what, i + 1);
			v[i] = strdup(buf);
		}
		if (!v[i])
			return nslsm_fail("out of memory");
	}
	return 0;
}

struct index_walk {
	struct compiler *c;
	struct se_names *ix;
	uint32_t cap, max;
	int sym;
	const char *what;
	int err;
};

static int index_one(hashtab_key_t key, hashtab_datum_t datum, void *arg)
{
	struct index_walk *w = arg;
	uint32_t value;

	switch (w->sym) {
	case SYM_LEVELS:
		value = ((level_datum_t *)datum)->level ? ((level_datum_t *)datum)->level->sens : 0;
		break;
	default:
		value = ((symtab_datum_t *)datum)->value;
	}
	if (!value || value > w->max) {
		w->err = FAIL(w->c, "%s '%s' has value %u, outside 1..%u", w->what, (char *)key,
			      value, w->max);
		return -1;
	}
	if (reserve((void **)&w->ix->v, &w->cap, w->ix->n, sizeof(*w->ix->v)))
		return w->err = -1;
	w->ix->v[w->ix->n].name = key; /* re-pointed at our own copy below */
	w->ix->v[w->ix->n++].value = value;
	return 0;
}

/* An index of symtab `sym` by name, aliases included; names are pointed at
 * `own` (our copies) for primary names and duplicated for aliases. */
static int build_index(struct compiler *c, int sym, uint32_t max, const char *what,
		       struct se_names *ix)
{
	struct index_walk w = { .c = c, .ix = ix, .max = max, .sym = sym, .what = what };

	if (hashtab_map(c->db->symtab[sym].table, index_one, &w))
		return w.err ? w.err : FAIL(c, "indexing %ss", what);
	for (uint32_t i = 0; i < ix->n; i++) {
		ix->v[i].name = strdup(ix->v[i].name);
		if (!ix->v[i].name)
			return nslsm_fail("out of memory");
	}
	qsort(ix->v, ix->n, sizeof(*ix->v), name_cmp);
	return 0;
}

static void free_index(struct se_names *ix)
{
	for (uint32_t i = 0; i < ix->n; i++)
		free((char *)ix->v[i].name);
	free(ix->v);
	memset(ix, 0, sizeof(*ix));
}

/* ---- MLS ------------------------------------------------------------ */

static int compile_level(struct compiler *c, const mls_level_t *l, struct nslsm_se_level *out,
			 const char *what)
{
	ebitmap_node_t *n;
	unsigned int bit;

	memset(out, 0, sizeof(*out));
	if (!c->db->mls)
		return 0;
	if (!l->sens || l->sens > c->p->hdr.nsens)
		return FAIL(c, "%s: sensitivity %u outside 1..%u", what, l->sens, c->p->hdr.nsens);
	out->sens = l->sens;
	ebitmap_for_each_positive_bit(&l->cat, n, bit)
	{
		if (bit >= c->p->hdr.ncats)
			return FAIL(c, "%s: category %u outside 0..%u", what, bit,
				    c->p->hdr.ncats - 1);
		se_cat_set(out, bit);
	}
	return 0;
}

static int compile_range(struct compiler *c, const mls_range_t *r, struct nslsm_se_range *out,
			 const char *what)
{
	if (compile_level(c, &r->level[0], &out->low, what) ||
	    compile_level(c, &r->level[1], &out->high, what))
		return -1;
	if (c->db->mls && !se_level_dom(&out->high, &out->low))
		return FAIL(c, "%s: high level does not dominate low level", what);
	return 0;
}

static int compile_mls(struct compiler *c)
{
	policydb_t *db = c->db;
	struct se_policy *p = c->p;
	uint32_t nsens = db->p_levels.nprim, ncats = db->p_cats.nprim;

	if (!db->mls) {
		if (nsens || ncats)
			return FAIL(c, "not an MLS policy, yet %u sensitivities and %u categories",
				    nsens, ncats);
		return 0;
	}
	if (!nsens || nsens > NSLSM_SE_MAX_SENS)
		return FAIL(c, "%u sensitivities: 1 to %u supported", nsens, NSLSM_SE_MAX_SENS);
	if (ncats > NSLSM_SE_MAX_CATS)
		return FAIL(c, "%u categories: at most %u supported", ncats, NSLSM_SE_MAX_CATS);
	p->hdr.nsens = nsens;
	p->hdr.ncats = ncats;
	p->hdr.flags |= NSLSM_SE_MLS;
	if (copy_names(c, db->p_sens_val_to_name, nsens, "sens", &p->sens_names) ||
	    copy_names(c, db->p_cat_val_to_name, ncats, "cat", &p->cat_names) ||
	    build_index(c, SYM_LEVELS, nsens, "sensitivity", &p->sens_index) ||
	    build_index(c, SYM_CATS, ncats, "category", &p->cat_index))
		return -1;
	p->sens_cats = calloc(nsens, sizeof(*p->sens_cats));
	if (!p->sens_cats)
		return nslsm_fail("out of memory");
	for (uint32_t i = 0; i < nsens; i++) {
		level_datum_t *ld = hashtab_search(db->p_levels.table, db->p_sens_val_to_name[i]);
		char what[96];

		snprintf(what, sizeof(what), "sensitivity %s", p->sens_names[i]);
		if (!ld || !ld->level || ld->level->sens != i + 1)
			return FAIL(c, "%s has no level", what);
		if (compile_level(c, ld->level, &p->sens_cats[i], what))
			return -1;
	}
	return 0;
}

/* ---- types, roles, users, booleans ------------------------------------ */

static int compile_types(struct compiler *c)
{
	policydb_t *db = c->db;
	struct se_policy *p = c->p;
	uint32_t n = db->p_types.nprim;

	if (!n || n > NSLSM_SE_MAX_TYPES)
		return FAIL(c, "%u types and attributes: 1 to %u supported", n, NSLSM_SE_MAX_TYPES);
	p->hdr.ntypes = n;
	p->types = calloc(n, sizeof(*p->types));
	if (!p->types || copy_names(c, db->p_type_val_to_name, n, "type", &p->type_names) ||
	    build_index(c, SYM_TYPES, n, "type", &p->type_index))
		return p->types ? -1 : nslsm_fail("out of memory");
	for (uint32_t i = 0; i < n; i++) {
		type_datum_t *td = db->type_val_to_struct ? db->type_val_to_struct[i] : NULL;
		struct nslsm_se_type *t = &p->types[i];
		ebitmap_node_t *node;
		unsigned int bit;

		if (!td)
			return FAIL(c, "type %u has no definition", i + 1);
		if (td->flavor == TYPE_ATTRIB)
			t->flags |= NSLSM_SE_TYPE_ATTRIBUTE;
		if (ebitmap_get_bit(&db->permissive_map, i + 1))
			t->flags |= NSLSM_SE_TYPE_PERMISSIVE;
		if (td->bounds > n)
			return FAIL(c, "type %s: bounds %u outside 1..%u", p->type_names[i], td->bounds, n);
		t->bounds = td->bounds;
		t->attrs[t->nattrs++] = i + 1;
		ebitmap_for_each_positive_bit(&db->type_attr_map[i], node, bit)
		{
			if (bit == i)
				continue;
			if (bit >= n)
				return FAIL(c, "type %s: attribute %u outside 1..%u", p->type_names[i],
					    bit + 1, n);
			if (t->nattrs == NSLSM_SE_TYPE_ATTRS)
				return FAIL(c, "type %s has more than %u attributes",
					    p->type_names[i], NSLSM_SE_TYPE_ATTRS - 1);
			t->attrs[t->nattrs++] = bit + 1;
		}
		if (t->nattrs > p->max_type_attrs)
			p->max_type_attrs = t->nattrs;
	}
	/* The decision recurses along a bounds chain: like the kernel at load
	 * (POLICYDB_BOUNDS_MAXDEPTH), refuse chains deeper than 4 (a loop
	 * included) and bounds on an attribute. */
	for (uint32_t i = 0; i < n; i++) {
		uint32_t v = i + 1, steps = 0;

		while ((v = p->types[v - 1].bounds)) {
			if (++steps > SE_BOUNDS_MAXDEPTH)
				return FAIL(c, "type %s: typebounds chain deeper than %u (or a loop)",
					    p->type_names[i], SE_BOUNDS_MAXDEPTH);
			if ((p->types[v - 1].flags | p->types[i].flags) & NSLSM_SE_TYPE_ATTRIBUTE)
				return FAIL(c, "type %s: typebounds on an attribute", p->type_names[i]);
		}
	}
	return 0;
}

static int put_pair(struct compiler *c, struct se_hash *h, uint32_t a, uint32_t b)
{
	if (se_hash_put(h, se_pair(a, b), 1))
		return nslsm_fail("out of memory");
	return 0;
}

static int compile_roles(struct compiler *c)
{
	policydb_t *db = c->db;
	struct se_policy *p = c->p;
	uint32_t n = db->p_roles.nprim;

	if (!n || n > NSLSM_SE_MAX_ROLES)
		return FAIL(c, "%u roles: 1 to %u supported", n, NSLSM_SE_MAX_ROLES);
	p->hdr.nroles = n;
	p->roles = calloc(n, sizeof(*p->roles));
	if (!p->roles || copy_names(c, db->p_role_val_to_name, n, "role", &p->role_names) ||
	    build_index(c, SYM_ROLES, n, "role", &p->role_index))
		return p->roles ? -1 : nslsm_fail("out of memory");
	for (uint32_t i = 0; i < n; i++) {
		role_datum_t *rd = db->role_val_to_struct ? db->role_val_to_struct[i] : NULL;
		ebitmap_node_t *node;
		unsigned int bit;

		if (!rd)
			return FAIL(c, "role %u has no definition", i + 1);
		if (rd->bounds > n)
			return FAIL(c, "role %s: bounds %u outside 1..%u", p->role_names[i], rd->bounds, n);
		p->roles[i].bounds = rd->bounds;
		ebitmap_for_each_positive_bit(&rd->types.types, node, bit)
		{
			if (bit >= p->hdr.ntypes)
				return FAIL(c, "role %s: type %u outside 1..%u", p->role_names[i],
					    bit + 1, p->hdr.ntypes);
			if (put_pair(c, &p->role_types, i + 1, bit + 1))
				return -1;
		}
		ebitmap_for_each_positive_bit(&rd->dominates, node, bit)
		{
			if (bit >= n)
				return FAIL(c, "role %s dominates role %u, outside 1..%u",
					    p->role_names[i], bit + 1, n);
			if (put_pair(c, &p->role_doms, i + 1, bit + 1))
				return -1;
		}
	}
	for (role_allow_t *ra = db->role_allow; ra; ra = ra->next) {
		if (!ra->role || ra->role > n || !ra->new_role || ra->new_role > n)
			return FAIL(c, "role allow %u -> %u: role outside 1..%u", ra->role,
				    ra->new_role, n);
		if (put_pair(c, &p->role_allows, ra->role, ra->new_role))
			return -1;
	}
	for (role_trans_t *rt = db->role_tr; rt; rt = rt->next) {
		if (!rt->role || rt->role > n || !rt->new_role || rt->new_role > n ||
		    !rt->type || rt->type > p->hdr.ntypes || !rt->tclass ||
		    rt->tclass > p->hdr.nclasses)
			return FAIL(c, "role_transition %u %u:%u -> %u: reference out of range",
				    rt->role, rt->type, rt->tclass, rt->new_role);
		if (se_hash_put(&p->role_trans, se_key4(rt->role, rt->type, rt->tclass, 0),
				rt->new_role))
			return nslsm_fail("out of memory");
	}
	return 0;
}

static int compile_users(struct compiler *c)
{
	policydb_t *db = c->db;
	struct se_policy *p = c->p;
	uint32_t n = db->p_users.nprim;

	if (!n || n > NSLSM_SE_MAX_USERS)
		return FAIL(c, "%u users: 1 to %u supported", n, NSLSM_SE_MAX_USERS);
	p->hdr.nusers = n;
	p->users = calloc(n, sizeof(*p->users));
	if (!p->users || copy_names(c, db->p_user_val_to_name, n, "user", &p->user_names) ||
	    build_index(c, SYM_USERS, n, "user", &p->user_index))
		return p->users ? -1 : nslsm_fail("out of memory");
	for (uint32_t i = 0; i < n; i++) {
		user_datum_t *ud = db->user_val_to_struct ? db->user_val_to_struct[i] : NULL;
		ebitmap_node_t *node;
		unsigned int bit;
		char what[96];

		if (!ud)
			return FAIL(c, "user %u has no definition", i + 1);
		snprintf(what, sizeof(what), "user %s", p->user_names[i]);
		if (ud->bounds > n)
			return FAIL(c, "%s: bounds %u outside 1..%u", what, ud->bounds, n);
		p->users[i].bounds = ud->bounds;
		ebitmap_for_each_positive_bit(&ud->roles.roles, node, bit)
		{
			if (bit >= p->hdr.nroles)
				return FAIL(c, "%s: role %u outside 1..%u", what, bit + 1,
					    p->hdr.nroles);
			if (put_pair(c, &p->user_roles, i + 1, bit + 1))
				return -1;
		}
		if (compile_range(c, &ud->exp_range, &p->users[i].range, what) ||
		    compile_level(c, &ud->exp_dfltlevel, &p->users[i].dflt, what))
			return -1;
	}
	return 0;
}

static int compile_bools(struct compiler *c)
{
	policydb_t *db = c->db;
	struct se_policy *p = c->p;
	uint32_t n = db->p_bools.nprim;

	if (n > NSLSM_SE_MAX_BOOLS)
		return FAIL(c, "%u booleans: at most %u supported", n, NSLSM_SE_MAX_BOOLS);
	p->hdr.nbools = n;
	p->bools = calloc(n ? n : 1, 1);
	if (!p->bools || copy_names(c, db->p_bool_val_to_name, n, "bool", &p->bool_names) ||
	    (n && build_index(c, SYM_BOOLS, n, "boolean", &p->bool_index)))
		return p->bools ? -1 : nslsm_fail("out of memory");
	for (uint32_t i = 0; i < n; i++) {
		cond_bool_datum_t *b = db->bool_val_to_struct ? db->bool_val_to_struct[i] : NULL;

		if (!b)
			return FAIL(c, "boolean %u has no definition", i + 1);
		p->bools[i] = b->state ? 1 : 0;
	}
	return 0;
}

/* ---- classes and constraints ------------------------------------------ */

struct perm_walk {
	struct compiler *c;
	struct se_class_names *cn;
	uint32_t max;
	int err;
};

static int perm_one(hashtab_key_t key, hashtab_datum_t datum, void *arg)
{
	struct perm_walk *w = arg;
	uint32_t v = ((perm_datum_t *)datum)->s.value;

	if (!v || v > w->max) {
		w->err = FAIL(w->c, "class %s: permission %s has bit %u, outside 1..%u", w->cn->name,
			      (char *)key, v, w->max);
		return -1;
	}
	if (w->cn->perms[v - 1])
		return 0; /* a class perm shadows nothing: values are distinct */
	w->cn->perms[v - 1] = strdup(key);
	if (!w->cn->perms[v - 1])
		return w->err = nslsm_fail("out of memory");
	return 0;
}

/* One constraint expression list into cexpr[], checked as libsepol's and
 * the kernel's evaluators need it (stack within CEXPR_MAXDEPTH, operators
 * that apply to their operands). */
static int compile_cexpr(struct compiler *c, const constraint_expr_t *e, bool vt, uint32_t *first,
			 uint32_t *count, const char *what)
{
	struct se_policy *p = c->p;
	int depth = 0;

	*first = p->ncexpr;
	*count = 0;
	for (; e; e = e->next) {
		struct nslsm_se_cexpr x = { .type = e->expr_type, .op = e->op, .attr = e->attr };
		uint32_t kind_max = 0;
		ebitmap_node_t *node;
		unsigned int bit;

		switch (e->expr_type) {
		case CEXPR_NOT:
			if (depth < 1)
				return FAIL(c, "%s: 'not' with nothing to negate", what);
			break;
		case CEXPR_AND:
		case CEXPR_OR:
			if (depth < 2)
				return FAIL(c, "%s: 'and'/'or' lacks an operand", what);
			depth--;
			break;
		case CEXPR_ATTR:
			switch (e->attr) {
			case CEXPR_USER:
			case CEXPR_TYPE:
				if (e->op != CEXPR_EQ && e->op != CEXPR_NEQ)
					return FAIL(c, "%s: user/type compared with operator %u",
						    what, e->op);
				break;
			case CEXPR_ROLE:
			case CEXPR_L1L2:
			case CEXPR_L1H2:
			case CEXPR_H1L2:
			case CEXPR_H1H2:
			case CEXPR_L1H1:
			case CEXPR_L2H2:
				if (e->op < CEXPR_EQ || e->op > CEXPR_INCOMP)
					return FAIL(c, "%s: operator %u", what, e->op);
				break;
			default:
				return FAIL(c, "%s: attribute %#x", what, e->attr);
			}
			if (++depth > NSLSM_SE_CEXPR_DEPTH)
				return FAIL(c, "%s: expression deeper than %u", what,
					    NSLSM_SE_CEXPR_DEPTH);
			break;
		case CEXPR_NAMES: {
			uint32_t who = e->attr & ~(CEXPR_TARGET | CEXPR_XTARGET);

			if ((e->attr & CEXPR_XTARGET) && (!vt || (e->attr & CEXPR_TARGET)))
				return FAIL(c, "%s: u3/r3/t3 outside validatetrans", what);
			if (who == CEXPR_USER)
				kind_max = p->hdr.nusers;
			else if (who == CEXPR_ROLE)
				kind_max = p->hdr.nroles;
			else if (who == CEXPR_TYPE)
				kind_max = p->hdr.ntypes;
			else
				return FAIL(c, "%s: names of attribute %#x", what, e->attr);
			if (e->op != CEXPR_EQ && e->op != CEXPR_NEQ)
				return FAIL(c, "%s: names compared with operator %u", what, e->op);
			x.names_first = p->nnames;
			ebitmap_for_each_positive_bit(&e->names, node, bit)
			{
				if (bit >= kind_max)
					return FAIL(c, "%s: name %u outside 1..%u", what, bit + 1,
						    kind_max);
				if (reserve((void **)&p->names, &c->nnames_cap, p->nnames,
					    sizeof(*p->names)))
					return -1;
				p->names[p->nnames++] = bit + 1;
				x.names_n++;
			}
			if (++depth > NSLSM_SE_CEXPR_DEPTH)
				return FAIL(c, "%s: expression deeper than %u", what,
					    NSLSM_SE_CEXPR_DEPTH);
			break;
		}
		default:
			return FAIL(c, "%s: expression node type %u", what, e->expr_type);
		}
		if (reserve((void **)&p->cexpr, &c->ncexpr_cap, p->ncexpr, sizeof(*p->cexpr)))
			return -1;
		p->cexpr[p->ncexpr++] = x;
		(*count)++;
	}
	if (depth != 1)
		return FAIL(c, "%s: expression leaves %d values", what, depth);
	return 0;
}

static int compile_constraints(struct compiler *c, uint32_t cls, const constraint_node_t *cn,
			       bool vt, uint32_t *first, uint16_t *count)
{
	struct se_policy *p = c->p;
	char what[128];

	*first = p->ncons;
	*count = 0;
	for (; cn; cn = cn->next) {
		struct nslsm_se_constraint k = { .perms = cn->permissions };

		snprintf(what, sizeof(what), "class %s: %s %u", class_name(c, cls),
			 vt ? "validatetrans" : "constraint", *count + 1);
		if (!vt && (cn->permissions & ~(p->classes[cls - 1].nperms == 32
							 ? 0xffffffffu
							 : (1u << p->classes[cls - 1].nperms) - 1)))
			return FAIL(c, "%s: permissions %#x beyond the class's", what,
				    cn->permissions);
		if (compile_cexpr(c, cn->expr, vt, &k.expr_first, &k.expr_n, what))
			return -1;
		if (*count == UINT16_MAX)
			return FAIL(c, "%s: too many", what);
		if (reserve((void **)&p->cons, &c->ncons_cap, p->ncons, sizeof(*p->cons)))
			return -1;
		p->cons[p->ncons++] = k;
		(*count)++;
	}
	return 0;
}

static int compile_classes(struct compiler *c)
{
	policydb_t *db = c->db;
	struct se_policy *p = c->p;
	uint32_t n = db->p_classes.nprim;

	if (!n || n > NSLSM_SE_MAX_CLASSES)
		return FAIL(c, "%u classes: 1 to %u supported", n, NSLSM_SE_MAX_CLASSES);
	p->hdr.nclasses = n;
	p->classes = calloc(n, sizeof(*p->classes));
	p->class_names = calloc(n, sizeof(*p->class_names));
	if (!p->classes || !p->class_names)
		return nslsm_fail("out of memory");
	for (uint32_t i = 0; i < n; i++) {
		class_datum_t *cd = db->class_val_to_struct ? db->class_val_to_struct[i] : NULL;
		struct se_class_names *cn = &p->class_names[i];
		struct perm_walk w = { .c = c, .cn = cn };

		if (!cd)
			return FAIL(c, "class %u has no definition", i + 1);
		cn->name = strdup(db->p_class_val_to_name && db->p_class_val_to_name[i]
					  ? db->p_class_val_to_name[i]
					  : "?");
		if (!cn->name)
			return nslsm_fail("out of memory");
		if (cd->permissions.nprim > 32)
			return FAIL(c, "class %s: %u permissions, at most 32", cn->name,
				    cd->permissions.nprim);
		p->classes[i].nperms = cd->permissions.nprim;
		w.max = cd->permissions.nprim;
		if (hashtab_map(cd->permissions.table, perm_one, &w))
			return w.err ? w.err : -1;
		if (cd->comdatum && hashtab_map(cd->comdatum->permissions.table, perm_one, &w))
			return w.err ? w.err : -1;
		p->classes[i].default_user = cd->default_user;
		p->classes[i].default_role = cd->default_role;
		p->classes[i].default_type = cd->default_type;
		p->classes[i].default_range = cd->default_range;
	}
	if (build_index(c, SYM_CLASSES, n, "class", &p->class_index))
		return -1;
	return 0;
}

/* Constraints need users, roles and types counted: a second pass. */
static int compile_class_constraints(struct compiler *c)
{
	for (uint32_t i = 0; i < c->p->hdr.nclasses; i++) {
		class_datum_t *cd = c->db->class_val_to_struct[i];
		struct nslsm_se_class *k = &c->p->classes[i];

		if (compile_constraints(c, i + 1, cd->constraints, false, &k->cons_first,
					&k->cons_n) ||
		    compile_constraints(c, i + 1, cd->validatetrans, true, &k->vt_first, &k->vt_n))
			return -1;
	}
	return 0;
}

/* ---- access vector tables --------------------------------------------- */

static int check_av_key(struct compiler *c, const avtab_key_t *k, const char *what)
{
	const struct se_policy *p = c->p;

	if (!k->source_type || k->source_type > p->hdr.ntypes || !k->target_type ||
	    k->target_type > p->hdr.ntypes || !k->target_class ||
	    k->target_class > p->hdr.nclasses)
		return FAIL(c, "%s rule %u %u:%u: reference out of range", what, k->source_type,
			    k->target_type, k->target_class);
	return 0;
}

static int add_av(struct compiler *c, const avtab_key_t *k, uint32_t spec, uint32_t data)
{
	struct se_policy *p = c->p;
	uint64_t key = se_key4(k->source_type, k->target_type, k->target_class, 0);
	struct nslsm_se_av *v;
	uint32_t idx;

	if (!se_hash_get(&p->av, key, &idx)) {
		if (p->av.n >= NSLSM_SE_MAX_AV)
			return FAIL(c, "more than %u access vector keys", NSLSM_SE_MAX_AV);
		if (reserve((void **)&p->av_vals, &c->nav_cap, p->av.n, sizeof(*p->av_vals)))
			return -1;
		idx = p->av.n;
		p->av_vals[idx] = (struct nslsm_se_av){ .auditdeny = ~0u };
		if (se_hash_put(&p->av, key, idx))
			return nslsm_fail("out of memory");
	}
	v = &p->av_vals[idx];
	v->specified |= spec;
	if (spec == AVTAB_ALLOWED)
		v->allowed |= data;
	else if (spec == AVTAB_AUDITALLOW)
		v->auditallow |= data;
	else
		v->auditdeny &= data;
	return 0;
}

static int add_type_rule(struct compiler *c, const avtab_key_t *k, uint32_t spec, uint32_t otype)
{
	if (!otype || otype > c->p->hdr.ntypes)
		return FAIL(c, "type rule %s %s:%s -> type %u, outside 1..%u",
			    type_name(c, k->source_type), type_name(c, k->target_type),
			    class_name(c, k->target_class), otype, c->p->hdr.ntypes);
	if (se_hash_put(&c->p->type_rules,
			se_key4(k->source_type, k->target_type, k->target_class, spec), otype))
		return nslsm_fail("out of memory");
	return 0;
}

static int compile_avtab(struct compiler *c)
{
	avtab_t *t = &c->db->te_avtab;

	for (uint32_t s = 0; t->htable && s < t->nslot; s++)
		for (avtab_ptr_t n = t->htable[s]; n; n = n->next) {
			uint32_t spec = n->key.specified & ~AVTAB_ENABLED;

			if (check_av_key(c, &n->key, "access vector"))
				return -1;
			if (spec & AVTAB_XPERMS) {
				c->p->skipped_xperms++;
				continue;
			}
			if (spec == AVTAB_ALLOWED || spec == AVTAB_AUDITALLOW ||
			    spec == AVTAB_AUDITDENY) {
				if (add_av(c, &n->key, spec, n->datum.data))
					return -1;
			} else if (spec == AVTAB_TRANSITION || spec == AVTAB_MEMBER ||
				   spec == AVTAB_CHANGE) {
				if (add_type_rule(c, &n->key, spec, n->datum.data))
					return -1;
			} else
				return FAIL(c, "access vector rule %s %s:%s: kind %#x",
					    type_name(c, n->key.source_type),
					    type_name(c, n->key.target_type),
					    class_name(c, n->key.target_class), spec);
		}
	return 0;
}

static int add_cond_rule(struct compiler *c, avtab_ptr_t n, uint16_t cond, uint8_t branch)
{
	struct se_policy *p = c->p;
	uint32_t spec = n->key.specified & ~AVTAB_ENABLED, idx;
	uint64_t key;
	struct nslsm_se_cond_av *v;

	if (check_av_key(c, &n->key, "conditional"))
		return -1;
	if (spec & AVTAB_XPERMS) {
		p->skipped_xperms++;
		return 0;
	}
	if (spec != AVTAB_ALLOWED && spec != AVTAB_AUDITALLOW && spec != AVTAB_AUDITDENY &&
	    spec != AVTAB_TRANSITION && spec != AVTAB_MEMBER && spec != AVTAB_CHANGE)
		return FAIL(c, "conditional rule %s %s:%s: kind %#x",
			    type_name(c, n->key.source_type), type_name(c, n->key.target_type),
			    class_name(c, n->key.target_class), spec);
	if ((spec & AVTAB_TYPE) && (!n->datum.data || n->datum.data > p->hdr.ntypes))
		return FAIL(c, "conditional type rule -> type %u, outside 1..%u", n->datum.data,
			    p->hdr.ntypes);
	key = se_key4(n->key.source_type, n->key.target_type, n->key.target_class, 0);
	if (!se_hash_get(&p->cond_av, key, &idx)) {
		if (p->cond_av.n >= NSLSM_SE_MAX_AV)
			return FAIL(c, "more than %u conditional keys", NSLSM_SE_MAX_AV);
		if (reserve((void **)&p->cond_vals, &c->ncond_cap, p->cond_av.n,
			    sizeof(*p->cond_vals)))
			return -1;
		idx = p->cond_av.n;
		if (se_hash_put(&p->cond_av, key, idx))
			return nslsm_fail("out of memory");
	}
	v = &p->cond_vals[idx];
	if (v->n == NSLSM_SE_COND_SLOTS)
		return FAIL(c, "more than %u conditional rules on %s %s:%s", NSLSM_SE_COND_SLOTS,
			    type_name(c, n->key.source_type), type_name(c, n->key.target_type),
			    class_name(c, n->key.target_class));
	v->rule[v->n].data = n->datum.data;
	v->rule[v->n].specified = spec;
	v->rule[v->n].branch = branch;
	v->rule[v->n].cond = cond;
	v->n++;
	if (v->n > p->max_cond_slots)
		p->max_cond_slots = v->n;
	return 0;
}

/* cond_expr_t names its boolean "bool", which <stdbool.h> makes a macro. */
#pragma push_macro("bool")
#undef bool
static uint32_t cond_expr_boolean(const cond_expr_t *e)
{
	return e->bool;
}
#pragma pop_macro("bool")

static int compile_conds(struct compiler *c)
{
	struct se_policy *p = c->p;
	uint32_t n = 0, i = 0;

	for (cond_list_t *cl = c->db->cond_list; cl; cl = cl->next)
		n++;
	if (n > UINT16_MAX)
		return FAIL(c, "%u conditional blocks, at most %u", n, UINT16_MAX);
	p->hdr.nconds = n;
	p->conds = calloc(n ? n : 1, sizeof(*p->conds));
	p->cond_state = calloc(n ? n : 1, 1);
	if (!p->conds || !p->cond_state)
		return nslsm_fail("out of memory");
	for (cond_list_t *cl = c->db->cond_list; cl; cl = cl->next, i++) {
		struct nslsm_se_cond *k = &p->conds[i];
		int depth = 0;

		for (cond_expr_t *e = cl->expr; e; e = e->next) {
			if (k->nexpr == NSLSM_SE_COND_EXPR_MAX)
				return FAIL(c, "conditional %u: expression longer than %u", i + 1,
					    NSLSM_SE_COND_EXPR_MAX);
			if (e->expr_type < COND_BOOL || e->expr_type > COND_LAST)
				return FAIL(c, "conditional %u: operator %u", i + 1, e->expr_type);
			if (e->expr_type == COND_BOOL) {
				if (!cond_expr_boolean(e) || cond_expr_boolean(e) > p->hdr.nbools)
					return FAIL(c, "conditional %u: boolean %u outside 1..%u",
						    i + 1, cond_expr_boolean(e), p->hdr.nbools);
				if (++depth > NSLSM_SE_COND_DEPTH)
					return FAIL(c, "conditional %u: deeper than %u", i + 1,
						    NSLSM_SE_COND_DEPTH);
			} else if (e->expr_type == COND_NOT) {
				if (depth < 1)
					return FAIL(c, "conditional %u: 'not' of nothing", i + 1);
			} else if (depth-- < 2)
				return FAIL(c, "conditional %u: operator lacks an operand", i + 1);
			k->expr[k->nexpr].type = e->expr_type;
			k->expr[k->nexpr].boolean = e->expr_type == COND_BOOL ? cond_expr_boolean(e) : 0;
			k->nexpr++;
		}
		if (depth != 1)
			return FAIL(c, "conditional %u: expression leaves %d values", i + 1, depth);
		for (cond_av_list_t *l = cl->true_list; l; l = l->next)
			if (!l->node || add_cond_rule(c, l->node, i + 1, 1))
				return l->node ? -1 : FAIL(c, "conditional %u: empty rule", i + 1);
		for (cond_av_list_t *l = cl->false_list; l; l = l->next)
			if (!l->node || add_cond_rule(c, l->node, i + 1, 0))
				return l->node ? -1 : FAIL(c, "conditional %u: empty rule", i + 1);
	}
	return 0;
}

/* ---- transitions and object contexts ---------------------------------- */

struct trans_walk {
	struct compiler *c;
	uint32_t cap;
	int err;
};

static int range_trans_one(hashtab_key_t key, hashtab_datum_t datum, void *arg)
{
	struct trans_walk *w = arg;
	struct compiler *c = w->c;
	struct se_policy *p = c->p;
	range_trans_t *rt = (range_trans_t *)key;

	if (!rt->source_type || rt->source_type > p->hdr.ntypes || !rt->target_type ||
	    rt->target_type > p->hdr.ntypes || !rt->target_class ||
	    rt->target_class > p->hdr.nclasses)
		return w->err = FAIL(c, "range_transition %u %u:%u: reference out of range",
				     rt->source_type, rt->target_type, rt->target_class);
	if (reserve((void **)&p->ranges, &w->cap, p->nranges, sizeof(*p->ranges)) ||
	    compile_range(c, datum, &p->ranges[p->nranges], "range_transition"))
		return w->err = -1;
	if (se_hash_put(&p->range_trans, se_key4(rt->source_type, rt->target_type, rt->target_class, 0),
			p->nranges++))
		return w->err = nslsm_fail("out of memory");
	return 0;
}

static int name_trans_one(hashtab_key_t key, hashtab_datum_t datum, void *arg)
{
	struct trans_walk *w = arg;
	struct compiler *c = w->c;
	struct se_policy *p = c->p;
	filename_trans_key_t *k = (filename_trans_key_t *)key;

	if (!k->ttype || k->ttype > p->hdr.ntypes || !k->tclass || k->tclass > p->hdr.nclasses ||
	    !k->name)
		return w->err = FAIL(c, "filename transition on %u:%u: reference out of range",
				     k->ttype, k->tclass);
	if (strlen(k->name) >= NSLSM_SE_FNAME_MAX)
		return w->err = FAIL(c, "filename transition name '%.40s...' longer than %u bytes",
				     k->name, NSLSM_SE_FNAME_MAX - 1);
	for (filename_trans_datum_t *d = datum; d; d = d->next) {
		ebitmap_node_t *node;
		unsigned int bit;

		if (!d->otype || d->otype > p->hdr.ntypes)
			return w->err = FAIL(c, "filename transition '%s' -> type %u", k->name,
					     d->otype);
		ebitmap_for_each_positive_bit(&d->stypes, node, bit)
		{
			struct nslsm_se_name_trans_key *e;
			uint32_t cap = w->cap;

			if (bit >= p->hdr.ntypes)
				return w->err = FAIL(c, "filename transition '%s' from type %u",
						     k->name, bit + 1);
			if (reserve((void **)&p->name_trans, &w->cap, p->nname_trans,
				    sizeof(*p->name_trans)) ||
			    reserve((void **)&p->name_trans_otype, &cap, p->nname_trans,
				    sizeof(*p->name_trans_otype)))
				return w->err = -1;
			e = &p->name_trans[p->nname_trans];
			e->source = bit + 1;
			e->target = k->ttype;
			e->tclass = k->tclass;
			strcpy(e->name, k->name);
			p->name_trans_otype[p->nname_trans++] = d->otype;
		}
	}
	return 0;
}

static int compile_context(struct compiler *c, const context_struct_t *in,
			   struct nslsm_se_context *out, const char *what)
{
	const struct se_policy *p = c->p;

	memset(out, 0, sizeof(*out));
	if (!in->user || in->user > p->hdr.nusers || !in->role || in->role > p->hdr.nroles ||
	    !in->type || in->type > p->hdr.ntypes)
		return FAIL(c, "%s: context %u:%u:%u out of range", what, in->user, in->role,
			    in->type);
	out->user = in->user;
	out->role = in->role;
	out->type = in->type;
	if (compile_range(c, &in->range, &out->range, what))
		return -1;
	if (!se_context_valid(p, out))
		return FAIL(c, "%s: invalid context", what);
	return 0;
}

static int copy_str(struct compiler *c, char *dst, size_t len, const char *s, const char *what)
{
	if (!s || strlen(s) >= len)
		return FAIL(c, "%s: name '%.40s' missing or longer than %zu bytes", what,
			    s ? s : "", len - 1);
	strcpy(dst, s);
	return 0;
}

static int compile_ocontexts(struct compiler *c)
{
	policydb_t *db = c->db;
	struct se_policy *p = c->p;
	uint32_t cap = 0;

	for (ocontext_t *o = db->ocontexts[OCON_ISID]; o; o = o->next) {
		char what[96];

		snprintf(what, sizeof(what), "initial SID %s", o->u.name ? o->u.name : "?");
		if (o->sid[0] == 0)
			return se_fail(c->src, "%s has number 0 (SECSID_NULL)", what);
		/* a number no kernel knows: ignored, as the kernel ignores it */
		if (o->sid[0] > NSLSM_SE_ISID_MAX)
			continue;
		if (reserve((void **)&p->isids, &cap, p->nisids, sizeof(*p->isids)))
			return -1;
		p->isids[p->nisids].sid = o->sid[0];
		if (compile_context(c, &o->context[0], &p->isids[p->nisids].ctx, what))
			return -1;
		p->nisids++;
	}
	cap = 0;
	for (ocontext_t *o = db->ocontexts[OCON_FSUSE]; o; o = o->next) {
		struct nslsm_se_fs_use *f;

		if (reserve((void **)&p->fs_use, &cap, p->nfs_use, sizeof(*p->fs_use)))
			return -1;
		f = &p->fs_use[p->nfs_use];
		if (copy_str(c, f->fstype, sizeof(f->fstype), o->u.name, "fs_use") ||
		    compile_context(c, &o->context[0], &f->ctx, "fs_use"))
			return -1;
		f->behavior = o->v.behavior;
		p->nfs_use++;
	}
	cap = 0;
	for (genfs_t *g = db->genfs; g; g = g->next)
		for (ocontext_t *o = g->head; o; o = o->next) {
			struct nslsm_se_genfs *f;

			if (reserve((void **)&p->genfs, &cap, p->ngenfs, sizeof(*p->genfs)))
				return -1;
			f = &p->genfs[p->ngenfs];
			if (copy_str(c, f->fstype, sizeof(f->fstype), g->fstype, "genfscon") ||
			    copy_str(c, f->path, sizeof(f->path), o->u.name, "genfscon"))
				return -1;
			if (o->v.sclass > p->hdr.nclasses)
				return FAIL(c, "genfscon %s %s: class %u", g->fstype, o->u.name,
					    o->v.sclass);
			f->sclass = o->v.sclass;
			if (compile_context(c, &o->context[0], &f->ctx, "genfscon"))
				return -1;
			p->ngenfs++;
		}
	for (int k = 0; k < OCON_NUM; k++)
		if (k != OCON_ISID && k != OCON_FSUSE)
			for (ocontext_t *o = db->ocontexts[k]; o; o = o->next)
				p->skipped_ocontexts++;
	return 0;
}

/* Filename transitions sort by (source, target, class, name); the new type
 * rides along. */
struct name_trans_entry {
	struct nslsm_se_name_trans_key key;
	uint16_t otype;
};

static int name_trans_entry_cmp(const void *a, const void *b)
{
	return se_name_trans_cmp(&((const struct name_trans_entry *)a)->key,
				 &((const struct name_trans_entry *)b)->key);
}

static int compile_transitions(struct compiler *c)
{
	struct se_policy *p = c->p;
	struct trans_walk w = { .c = c };
	struct name_trans_entry *v;

	if (c->db->mls && hashtab_map(c->db->range_tr, range_trans_one, &w))
		return w.err ? w.err : -1;
	w.cap = 0;
	if (hashtab_map(c->db->filename_trans, name_trans_one, &w))
		return w.err ? w.err : -1;
	if (!p->nname_trans)
		return 0;
	v = malloc(p->nname_trans * sizeof(*v));
	if (!v)
		return nslsm_fail("out of memory");
	for (uint32_t i = 0; i < p->nname_trans; i++) {
		v[i].key = p->name_trans[i];
		v[i].otype = p->name_trans_otype[i];
	}
	qsort(v, p->nname_trans, sizeof(*v), name_trans_entry_cmp);
	for (uint32_t i = 0; i < p->nname_trans; i++) {
		p->name_trans[i] = v[i].key;
		p->name_trans_otype[i] = v[i].otype;
	}
	free(v);
	return 0;
}

/* ---- the whole policy ------------------------------------------------- */

static int compile(struct compiler *c)
{
	policydb_t *db = c->db;
	struct se_policy *p = c->p;
	ebitmap_node_t *node;
	unsigned int bit;
	uint32_t process;

	if (db->policy_type != POLICY_KERN)
		return FAIL(c, "not a kernel policy (a policy module?)");
	if (db->target_platform != SEPOL_TARGET_SELINUX)
		return FAIL(c, "target platform is not SELinux (Xen?)");
	if (db->policyvers < NSLSM_SE_POLICY_MIN || db->policyvers > NSLSM_SE_POLICY_MAX)
		return FAIL(c, "policy version %u: versions %u to %u are supported", db->policyvers,
			    NSLSM_SE_POLICY_MIN, NSLSM_SE_POLICY_MAX);
	p->hdr.policyvers = db->policyvers;
	switch (db->handle_unknown) {
	case SEPOL_DENY_UNKNOWN:
	case SEPOL_REJECT_UNKNOWN:
	case SEPOL_ALLOW_UNKNOWN:
		p->hdr.handle_unknown = db->handle_unknown;
		break;
	default:
		return FAIL(c, "handle_unknown %#x", db->handle_unknown);
	}
	ebitmap_for_each_positive_bit(&db->policycaps, node, bit)
	{
		if (bit >= 64)
			return FAIL(c, "policy capability %u unknown", bit);
		p->hdr.polcaps |= 1ULL << bit;
	}
	if (compile_mls(c) || compile_types(c) || compile_classes(c) || compile_roles(c) ||
	    compile_users(c) || compile_bools(c) || compile_class_constraints(c) ||
	    compile_avtab(c) || compile_conds(c) || compile_transitions(c) ||
	    compile_ocontexts(c))
		return -1;
	process = se_class_find(p, "process");
	if (process) {
		int t = se_perm_find(p, process, "transition");
		int d = se_perm_find(p, process, "dyntransition");

		p->hdr.process_class = process;
		p->hdr.process_trans_perms = (t >= 0 ? 1u << t : 0) | (d >= 0 ? 1u << d : 0);
	}
	se_policy_eval_conds(p);
	return 0;
}

unsigned int se_policy_read_cpu_limit = 5;

static int sepol_read(const void *data, size_t len, sepol_handle_t *h, policydb_t *db)
{
	struct policy_file pf;

	if (policydb_init(db))
		return nslsm_fail("out of memory");
	policy_file_init(&pf);
	pf.type = PF_USE_MEMORY;
	pf.data = (char *)data;
	pf.len = len;
	pf.handle = h;
	return policydb_read(db, &pf, 0) ? -1 : 0;
}

/*
 * libsepol 3.4 trusts the counts a file declares: a corrupted symbol count
 * can make policydb_read loop over billions of entries for minutes. So the
 * file is first read in a child process under a CPU limit (and an address
 * space limit, but for sanitizer builds); only a file the child read
 * whole is read again here. Returns 0, or -1 with the reason in msg.
 */
static int sepol_read_isolated(const void *data, size_t len, sepol_handle_t *h)
{
	int fds[2], status;
	ssize_t n = 0;
	pid_t pid;

	if (pipe(fds))
		return nslsm_fail_errno(errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return nslsm_fail_errno(errno, "fork");
	}
	if (pid == 0) {
		struct rlimit cpu = { se_policy_read_cpu_limit, se_policy_read_cpu_limit + 1 };
		policydb_t db;
		int rc;

		close(fds[0]);
		setrlimit(RLIMIT_CPU, &cpu);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__has_feature)
		{
			struct rlimit as = { 4ul << 30, 4ul << 30 };

			setrlimit(RLIMIT_AS, &as);
		}
#endif
		rc = sepol_read(data, len, h, &db);
		if (rc && write(fds[1], sepol_msg, strlen(sepol_msg)) < 0)
			rc = -1;
		_exit(rc ? 1 : 0);
	}
	close(fds[1]);
	sepol_msg[0] = 0;
	for (size_t got = 0; got < sizeof(sepol_msg) - 1; got += n) {
		n = read(fds[0], sepol_msg + got, sizeof(sepol_msg) - 1 - got);
		if (n <= 0) {
			sepol_msg[got] = 0;
			break;
		}
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return nslsm_fail_errno(errno, "waitpid");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL))
		snprintf(sepol_msg, sizeof(sepol_msg),
			 "reading it took more than %u s of CPU (a corrupted count?)",
			 se_policy_read_cpu_limit);
	else if (WIFSIGNALED(status))
		snprintf(sepol_msg, sizeof(sepol_msg), "the reader died of signal %d",
			 WTERMSIG(status));
	else if (!sepol_msg[0])
		snprintf(sepol_msg, sizeof(sepol_msg), "unreadable");
	return -1;
}

int se_policy_read(const void *data, size_t len, const char *source, struct se_policy *out)
{
	struct compiler c = { .src = source, .p = out };
	sepol_handle_t *h;
	policydb_t db;
	int rc;

	memset(out, 0, sizeof(*out));
	/* libsepol reports some read errors on its global handle, to stderr:
	 * ours go through `h` and into the error message instead. */
	sepol_debug(0);
	h = sepol_handle_create();
	if (!h)
		return nslsm_fail("out of memory");
	sepol_msg_set_callback(h, sepol_msg_cb, NULL);
	sepol_msg[0] = 0;
	if (se_policy_read_cpu_limit && sepol_read_isolated(data, len, h)) {
		sepol_handle_destroy(h);
		return se_fail(source, "not a valid binary policy (libsepol: %s)", sepol_msg);
	}
	if (sepol_read(data, len, h, &db)) {
		rc = se_fail(source, "not a valid binary policy (libsepol: %s)",
			     sepol_msg[0] ? sepol_msg : "unreadable");
		goto out;
	}
	c.db = &db;
	rc = compile(&c);
out:
	policydb_destroy(&db);
	sepol_handle_destroy(h);
	if (rc)
		se_policy_free(out);
	return rc;
}

int se_policy_file_bytes(const char *path, void **data, size_t *len)
{
	struct stat st;
	char *buf;
	size_t off = 0;
	int fd, rc;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nslsm_fail_errno(errno, "opening policy '%s'", path);
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > SE_POLICY_FILE_MAX) {
		close(fd);
		return nslsm_fail("policy '%s': not a regular file of at most %u bytes", path,
				  SE_POLICY_FILE_MAX);
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf) {
		close(fd);
		return nslsm_fail("out of memory");
	}
	while (off < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + off, st.st_size - off);

		if (r <= 0) {
			rc = nslsm_fail_errno(r ? errno : EIO, "reading policy '%s'", path);
			free(buf);
			close(fd);
			return rc;
		}
		off += r;
	}
	close(fd);
	*data = buf;
	*len = off;
	return 0;
}

int se_policy_read_file(const char *path, struct se_policy *out)
{
	void *buf;
	size_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (se_policy_file_bytes(path, &buf, &len))
		return -1;
	rc = se_policy_read(buf, len, path, out);
	free(buf);
	return rc;
}

static void free_strv(char **v, uint32_t n)
{
	for (uint32_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

const struct nslsm_se_context *se_policy_isid(const struct se_policy *p, uint32_t sid)
{
	for (uint32_t i = 0; i < p->nisids; i++)
		if (p->isids[i].sid == sid)
			return &p->isids[i].ctx;
	return NULL;
}

void se_policy_free(struct se_policy *p)
{
	free(p->types);
	free(p->classes);
	free(p->roles);
	free(p->users);
	free(p->sens_cats);
	se_hash_free(&p->av);
	free(p->av_vals);
	se_hash_free(&p->type_rules);
	se_hash_free(&p->cond_av);
	free(p->cond_vals);
	free(p->conds);
	free(p->bools);
	free(p->cond_state);
	free(p->cons);
	free(p->cexpr);
	free(p->names);
	se_hash_free(&p->user_roles);
	se_hash_free(&p->role_types);
	se_hash_free(&p->role_doms);
	se_hash_free(&p->role_allows);
	se_hash_free(&p->role_trans);
	se_hash_free(&p->range_trans);
	free(p->ranges);
	free(p->name_trans);
	free(p->name_trans_otype);
	free(p->isids);
	free(p->fs_use);
	free(p->genfs);
	free_strv(p->type_names, p->hdr.ntypes);
	free_strv(p->role_names, p->hdr.nroles);
	free_strv(p->user_names, p->hdr.nusers);
	free_strv(p->bool_names, p->hdr.nbools);
	free_strv(p->sens_names, p->hdr.nsens);
	free_strv(p->cat_names, p->hdr.ncats);
	for (uint32_t i = 0; p->class_names && i < p->hdr.nclasses; i++) {
		free(p->class_names[i].name);
		for (int k = 0; k < 32; k++)
			free(p->class_names[i].perms[k]);
	}
	free(p->class_names);
	free_index(&p->type_index);
	free_index(&p->role_index);
	free_index(&p->user_index);
	free_index(&p->sens_index);
	free_index(&p->cat_index);
	free_index(&p->class_index);
	free_index(&p->bool_index);
	memset(p, 0, sizeof(*p));
}
