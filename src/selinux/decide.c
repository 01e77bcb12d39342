// SPDX-License-Identifier: GPL-2.0
/*
 * The reference decision over the compiled tables, in the kernel's order
 * (security/selinux/ss/services.c, context_struct_compute_av): access
 * vectors over type_attr_map(source) x type_attr_map(target), the
 * conditional rules whose condition holds, constraints, the role
 * transition check, type bounds. Contexts are spelled and validated here
 * too. Reads the tables only: what this computes is what a BPF program
 * walking the same maps must compute.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "selinux/internal.h"

/* ---- names ------------------------------------------------------------ */

uint32_t se_class_find(const struct se_policy *p, const char *name)
{
	return se_names_find(&p->class_index, name);
}

int se_perm_find(const struct se_policy *p, uint32_t tclass, const char *name)
{
	if (!tclass || tclass > p->hdr.nclasses)
		return -1;
	for (int i = 0; i < 32; i++)
		if (p->class_names[tclass - 1].perms[i] &&
		    !strcmp(p->class_names[tclass - 1].perms[i], name))
			return i;
	return -1;
}

int se_name_trans_cmp(const struct nslsm_se_name_trans_key *a,
		      const struct nslsm_se_name_trans_key *b)
{
	if (a->source != b->source)
		return a->source < b->source ? -1 : 1;
	if (a->target != b->target)
		return a->target < b->target ? -1 : 1;
	if (a->tclass != b->tclass)
		return a->tclass < b->tclass ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* ---- booleans --------------------------------------------------------- */

/* The kernel's cond_evaluate_expr: 1, 0, or -1 when it cannot be evaluated. */
static int cond_eval(const struct se_policy *p, const struct nslsm_se_cond *c)
{
	int s[NSLSM_SE_COND_DEPTH], sp = -1;

	for (uint32_t i = 0; i < c->nexpr && i < NSLSM_SE_COND_EXPR_MAX; i++) {
		uint32_t b = c->expr[i].boolean;

		switch (c->expr[i].type) {
		case NSLSM_SE_COND_BOOL:
			if (sp == NSLSM_SE_COND_DEPTH - 1 || !b || b > p->hdr.nbools)
				return -1;
			s[++sp] = p->bools[b - 1];
			break;
		case NSLSM_SE_COND_NOT:
			if (sp < 0)
				return -1;
			s[sp] = !s[sp];
			break;
		default:
			if (sp < 1)
				return -1;
			sp--;
			switch (c->expr[i].type) {
			case NSLSM_SE_COND_OR:
				s[sp] |= s[sp + 1];
				break;
			case NSLSM_SE_COND_AND:
				s[sp] &= s[sp + 1];
				break;
			case NSLSM_SE_COND_XOR:
				s[sp] ^= s[sp + 1];
				break;
			case NSLSM_SE_COND_EQ:
				s[sp] = s[sp] == s[sp + 1];
				break;
			case NSLSM_SE_COND_NEQ:
				s[sp] = s[sp] != s[sp + 1];
				break;
			default:
				return -1;
			}
		}
	}
	return sp == 0 ? s[0] : -1;
}

void se_policy_eval_conds(struct se_policy *p)
{
	for (uint32_t i = 0; i < p->hdr.nconds; i++)
		p->cond_state[i] = cond_eval(p, &p->conds[i]);
}

int se_policy_set_bool(struct se_policy *p, const char *name, bool value)
{
	uint32_t b = se_names_find(&p->bool_index, name);

	if (!b)
		return nslsm_fail("the policy has no boolean '%s'", name);
	p->bools[b - 1] = value;
	se_policy_eval_conds(p);
	return 0;
}

/* ---- levels and contexts ---------------------------------------------- */

bool se_level_dom(const struct nslsm_se_level *a, const struct nslsm_se_level *b)
{
	if (a->sens < b->sens)
		return false;
	for (int i = 0; i < NSLSM_SE_CAT_WORDS; i++)
		if (b->cats[i] & ~a->cats[i])
			return false;
	return true;
}

static bool level_eq(const struct nslsm_se_level *a, const struct nslsm_se_level *b)
{
	return a->sens == b->sens && !memcmp(a->cats, b->cats, sizeof(a->cats));
}

static bool level_valid(const struct se_policy *p, const struct nslsm_se_level *l)
{
	const struct nslsm_se_level *allowed;

	if (!l->sens || l->sens > p->hdr.nsens)
		return false;
	allowed = &p->sens_cats[l->sens - 1];
	for (int i = 0; i < NSLSM_SE_CAT_WORDS; i++)
		if (l->cats[i] & ~allowed->cats[i])
			return false;
	return true;
}

static bool pair_has(const struct se_hash *h, uint32_t a, uint32_t b)
{
	return se_hash_get(h, se_pair(a, b), NULL);
}

/* What is wrong with a context, or NULL: policydb_context_isvalid. */
static const char *context_problem(const struct se_policy *p, const struct nslsm_se_context *c)
{
	const struct nslsm_se_range *ur;

	if (!c->user || c->user > p->hdr.nusers)
		return "no such user";
	if (!c->role || c->role > p->hdr.nroles)
		return "no such role";
	if (!c->type || c->type > p->hdr.ntypes)
		return "no such type";
	if (p->types[c->type - 1].flags & NSLSM_SE_TYPE_ATTRIBUTE)
		return "the type is an attribute";
	if (c->role != 1 /* object_r */) {
		if (!pair_has(&p->role_types, c->role, c->type))
			return "the role may not have this type";
		if (!pair_has(&p->user_roles, c->user, c->role))
			return "the user may not have this role";
	}
	if (!(p->hdr.flags & NSLSM_SE_MLS))
		return NULL;
	if (!level_valid(p, &c->range.low) || !level_valid(p, &c->range.high))
		return "a level names categories its sensitivity does not allow";
	if (!se_level_dom(&c->range.high, &c->range.low))
		return "the high level does not dominate the low level";
	ur = &p->users[c->user - 1].range;
	if (!se_level_dom(&c->range.low, &ur->low) || !se_level_dom(&ur->high, &c->range.high))
		return "the range is not within the user's range";
	return NULL;
}

bool se_context_valid(const struct se_policy *p, const struct nslsm_se_context *c)
{
	return !context_problem(p, c);
}

/* One level: SENS[:CATS], CATS = CAT or CAT.CAT, comma separated. */
static int parse_level(const struct se_policy *p, const char *ctx, char *s,
		       struct nslsm_se_level *l)
{
	char *cats = strchr(s, ':'), *tok, *save = NULL;

	memset(l, 0, sizeof(*l));
	if (cats)
		*cats++ = 0;
	l->sens = se_names_find(&p->sens_index, s);
	if (!l->sens)
		return nslsm_fail("context '%s': no sensitivity '%s'", ctx, s);
	if (!cats)
		return 0;
	for (tok = strtok_r(cats, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *dot = strchr(tok, '.');
		uint32_t lo, hi;

		if (dot)
			*dot++ = 0;
		lo = se_names_find(&p->cat_index, tok);
		if (!lo)
			return nslsm_fail("context '%s': no category '%s'", ctx, tok);
		hi = lo;
		if (dot) {
			hi = se_names_find(&p->cat_index, dot);
			if (!hi)
				return nslsm_fail("context '%s': no category '%s'", ctx, dot);
			if (hi <= lo)
				return nslsm_fail("context '%s': category range %s.%s is empty",
						  ctx, tok, dot);
		}
		for (uint32_t v = lo; v <= hi; v++)
			se_cat_set(l, v - 1);
	}
	return 0;
}

/* The longest context spelling accepted (every category listed: ~5 KiB). */
#define SE_CONTEXT_MAX 65536

static int parse_context(const struct se_policy *p, const char *s, char *buf,
			 struct nslsm_se_context *c);

int se_context_parse(const struct se_policy *p, const char *s, struct nslsm_se_context *c)
{
	char *buf;
	int rc;

	memset(c, 0, sizeof(*c));
	if (strnlen(s, SE_CONTEXT_MAX) == SE_CONTEXT_MAX)
		return nslsm_fail("context '%.64s...': longer than %u bytes", s, SE_CONTEXT_MAX);
	buf = strdup(s);
	if (!buf)
		return nslsm_fail("out of memory");
	rc = parse_context(p, s, buf, c);
	free(buf);
	return rc;
}

static int parse_context(const struct se_policy *p, const char *s, char *buf,
			 struct nslsm_se_context *c)
{
	char *f[3], *rest, *dash;
	const char *why;

	rest = buf;
	for (int i = 0; i < 3; i++) {
		f[i] = rest;
		rest = strchr(rest, ':');
		if (!rest && i < 2)
			return nslsm_fail("context '%s': expected user:role:type%s", s,
					  p->hdr.flags & NSLSM_SE_MLS ? ":level" : "");
		if (rest)
			*rest++ = 0;
	}
	c->user = se_names_find(&p->user_index, f[0]);
	if (!c->user)
		return nslsm_fail("context '%s': no user '%s'", s, f[0]);
	c->role = se_names_find(&p->role_index, f[1]);
	if (!c->role)
		return nslsm_fail("context '%s': no role '%s'", s, f[1]);
	c->type = se_names_find(&p->type_index, f[2]);
	if (!c->type)
		return nslsm_fail("context '%s': no type '%s'", s, f[2]);
	if (!(p->hdr.flags & NSLSM_SE_MLS)) {
		if (rest)
			return nslsm_fail("context '%s': the policy has no MLS, yet a level '%s'",
					  s, rest);
	} else {
		if (!rest || !*rest)
			return nslsm_fail("context '%s': the policy is MLS: a level is needed", s);
		dash = strchr(rest, '-');
		if (dash)
			*dash++ = 0;
		if (parse_level(p, s, rest, &c->range.low))
			return -1;
		if (!dash)
			c->range.high = c->range.low;
		else if (parse_level(p, s, dash, &c->range.high))
			return -1;
	}
	why = context_problem(p, c);
	if (why)
		return nslsm_fail("context '%s' is invalid: %s", s, why);
	return 0;
}

static size_t put(char *buf, size_t len, size_t at, const char *s)
{
	size_t n = strlen(s);

	if (at < len)
		memcpy(buf + at, s, at + n < len ? n : len - at);
	return at + n;
}

static size_t format_level(const struct se_policy *p, const struct nslsm_se_level *l, char *buf,
			   size_t len, size_t at)
{
	bool first = true;

	at = put(buf, len, at, l->sens && l->sens <= p->hdr.nsens ? p->sens_names[l->sens - 1] : "?");
	for (uint32_t c = 0; c < p->hdr.ncats; c++) {
		uint32_t end = c;

		if (!se_cat_get(l, c))
			continue;
		while (end + 1 < p->hdr.ncats && se_cat_get(l, end + 1))
			end++;
		at = put(buf, len, at, first ? ":" : ",");
		at = put(buf, len, at, p->cat_names[c]);
		if (end > c) {
			at = put(buf, len, at, end > c + 1 ? "." : ",");
			at = put(buf, len, at, p->cat_names[end]);
		}
		first = false;
		c = end;
	}
	return at;
}

size_t se_context_format(const struct se_policy *p, const struct nslsm_se_context *c, char *buf,
			 size_t len)
{
	size_t at = 0;

	at = put(buf, len, at, c->user && c->user <= p->hdr.nusers ? p->user_names[c->user - 1] : "?");
	at = put(buf, len, at, ":");
	at = put(buf, len, at, c->role && c->role <= p->hdr.nroles ? p->role_names[c->role - 1] : "?");
	at = put(buf, len, at, ":");
	at = put(buf, len, at, c->type && c->type <= p->hdr.ntypes ? p->type_names[c->type - 1] : "?");
	if (p->hdr.flags & NSLSM_SE_MLS) {
		at = put(buf, len, at, ":");
		at = format_level(p, &c->range.low, buf, len, at);
		if (!level_eq(&c->range.low, &c->range.high)) {
			at = put(buf, len, at, "-");
			at = format_level(p, &c->range.high, buf, len, at);
		}
	}
	if (len)
		buf[at < len ? at : len - 1] = 0;
	return at;
}

/* ---- constraints ------------------------------------------------------ */

static bool names_has(const struct se_policy *p, const struct nslsm_se_cexpr *e, uint32_t v)
{
	const uint16_t *n = p->names + e->names_first;
	uint32_t lo = 0, hi = e->names_n;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (n[mid] == v)
			return true;
		if (n[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool mls_op(uint32_t op, const struct nslsm_se_level *l1, const struct nslsm_se_level *l2)
{
	switch (op) {
	case 1: /* CEXPR_EQ */
		return level_eq(l1, l2);
	case 2: /* CEXPR_NEQ */
		return !level_eq(l1, l2);
	case 3: /* CEXPR_DOM */
		return se_level_dom(l1, l2);
	case 4: /* CEXPR_DOMBY */
		return se_level_dom(l2, l1);
	default: /* CEXPR_INCOMP */
		return !se_level_dom(l1, l2) && !se_level_dom(l2, l1);
	}
}

/* constraint_expr_eval; xc is the third context of validatetrans, or NULL. */
static bool cexpr_eval(const struct se_policy *p, const struct nslsm_se_constraint *k,
		       const struct nslsm_se_context *sc, const struct nslsm_se_context *tc,
		       const struct nslsm_se_context *xc)
{
	bool s[NSLSM_SE_CEXPR_DEPTH];
	int sp = -1;

	for (uint32_t i = 0; i < k->expr_n; i++) {
		const struct nslsm_se_cexpr *e = &p->cexpr[k->expr_first + i];
		const struct nslsm_se_level *l1 = NULL, *l2 = NULL;
		const struct nslsm_se_context *c;
		uint32_t v1, v2;

		switch (e->type) {
		case 1: /* CEXPR_NOT */
			s[sp] = !s[sp];
			continue;
		case 2: /* CEXPR_AND */
			sp--;
			s[sp] = s[sp] && s[sp + 1];
			continue;
		case 3: /* CEXPR_OR */
			sp--;
			s[sp] = s[sp] || s[sp + 1];
			continue;
		case 4: /* CEXPR_ATTR */
			switch (e->attr) {
			case 1: /* CEXPR_USER */
				v1 = sc->user, v2 = tc->user;
				break;
			case 4: /* CEXPR_TYPE */
				v1 = sc->type, v2 = tc->type;
				break;
			case 2: /* CEXPR_ROLE */
				v1 = sc->role, v2 = tc->role;
				switch (e->op) {
				case 3:
					s[++sp] = pair_has(&p->role_doms, v1, v2);
					continue;
				case 4:
					s[++sp] = pair_has(&p->role_doms, v2, v1);
					continue;
				case 5:
					s[++sp] = !pair_has(&p->role_doms, v1, v2) &&
						  !pair_has(&p->role_doms, v2, v1);
					continue;
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
			if (l1)
				s[++sp] = mls_op(e->op, l1, l2);
			else
				s[++sp] = e->op == 1 ? v1 == v2 : v1 != v2;
			continue;
		default: /* CEXPR_NAMES */
			c = e->attr & 8 ? tc : e->attr & 16 ? xc : sc;
			if (!c)
				return false;
			v1 = e->attr & 1 ? c->user : e->attr & 2 ? c->role : c->type;
			s[++sp] = names_has(p, e, v1) == (e->op == 1);
			continue;
		}
	}
	return sp == 0 && s[0];
}

/* ---- the decision ----------------------------------------------------- */

static bool cond_rule_on(const struct se_policy *p, uint32_t cond, uint32_t branch)
{
	int st = cond && cond <= p->hdr.nconds ? p->cond_state[cond - 1] : -1;

	return st >= 0 && (uint32_t)st == branch;
}

static void context_av(const struct se_policy *p, const struct nslsm_se_context *sc,
		       const struct nslsm_se_context *tc, uint32_t tclass,
		       struct se_av_decision *avd)
{
	const struct nslsm_se_type *st, *tt;
	const struct nslsm_se_class *cls;

	avd->allowed = 0;
	avd->auditallow = 0;
	avd->auditdeny = ~0u;
	if (!tclass || tclass > p->hdr.nclasses)
		return;
	cls = &p->classes[tclass - 1];
	st = &p->types[sc->type - 1];
	tt = &p->types[tc->type - 1];
	for (uint32_t i = 0; i < st->nattrs; i++)
		for (uint32_t j = 0; j < tt->nattrs; j++) {
			uint64_t key = se_key4(st->attrs[i], tt->attrs[j], tclass, 0);
			uint32_t idx;

			if (se_hash_get(&p->av, key, &idx)) {
				const struct nslsm_se_av *v = &p->av_vals[idx];

				avd->allowed |= v->allowed;
				avd->auditallow |= v->auditallow;
				avd->auditdeny &= v->auditdeny;
			}
			if (se_hash_get(&p->cond_av, key, &idx)) {
				const struct nslsm_se_cond_av *v = &p->cond_vals[idx];

				for (uint32_t k = 0; k < v->n && k < NSLSM_SE_COND_SLOTS; k++) {
					if (!cond_rule_on(p, v->rule[k].cond, v->rule[k].branch))
						continue;
					if (v->rule[k].specified == NSLSM_SE_AV_ALLOWED)
						avd->allowed |= v->rule[k].data;
					else if (v->rule[k].specified == NSLSM_SE_AV_AUDITALLOW)
						avd->auditallow |= v->rule[k].data;
					else if (v->rule[k].specified == NSLSM_SE_AV_AUDITDENY)
						avd->auditdeny &= v->rule[k].data;
				}
			}
		}
	for (uint32_t i = 0; i < cls->cons_n; i++) {
		const struct nslsm_se_constraint *k = &p->cons[cls->cons_first + i];

		if ((k->perms & avd->allowed) && !cexpr_eval(p, k, sc, tc, NULL))
			avd->allowed &= ~k->perms;
	}
	if (tclass == p->hdr.process_class && (avd->allowed & p->hdr.process_trans_perms) &&
	    sc->role != tc->role && !pair_has(&p->role_allows, sc->role, tc->role))
		avd->allowed &= ~p->hdr.process_trans_perms;
	/* type_attribute_bounds_av: a bounded type gets no more than its
	 * parent would (the target taken at its own parent if it has one). */
	if (st->bounds) {
		struct nslsm_se_context lo_s = *sc, lo_t = *tc;
		struct se_av_decision lo;

		lo_s.type = st->bounds;
		if (tt->bounds)
			lo_t.type = tt->bounds;
		context_av(p, &lo_s, &lo_t, tclass, &lo);
		avd->allowed &= lo.allowed;
	}
}

void se_compute_av(const struct se_policy *p, const struct nslsm_se_context *s,
		   const struct nslsm_se_context *t, uint32_t tclass, struct se_av_decision *avd)
{
	avd->flags = 0;
	avd->allowed = 0;
	avd->auditallow = 0;
	avd->auditdeny = ~0u;
	if (s->type && s->type <= p->hdr.ntypes &&
	    (p->types[s->type - 1].flags & NSLSM_SE_TYPE_PERMISSIVE))
		avd->flags |= NSLSM_SE_AVD_PERMISSIVE;
	if (!tclass) {
		if (p->hdr.handle_unknown == NSLSM_SE_UNKNOWN_ALLOW)
			avd->allowed = ~0u;
		return;
	}
	if (!se_context_valid(p, s) || !se_context_valid(p, t))
		return;
	context_av(p, s, t, tclass, avd);
}

/* ---- sizes ------------------------------------------------------------ */

static const char *unknown_name(uint32_t h)
{
	return h == NSLSM_SE_UNKNOWN_ALLOW ? "allow" : h == NSLSM_SE_UNKNOWN_REJECT ? "reject" : "deny";
}

void se_policy_print_stats(const struct se_policy *p, FILE *f)
{
	struct row {
		const char *name;
		uint64_t n;
		size_t size;
	} rows[] = {
		{ "header", 1, sizeof(struct nslsm_se_header) },
		{ "types", p->hdr.ntypes, sizeof(struct nslsm_se_type) },
		{ "classes", p->hdr.nclasses, sizeof(struct nslsm_se_class) },
		{ "av", p->av.n, sizeof(struct nslsm_se_av_key) + sizeof(struct nslsm_se_av) },
		{ "type_rules", p->type_rules.n,
		  sizeof(struct nslsm_se_av_key) + sizeof(struct nslsm_se_type_rule) },
		{ "cond_av", p->cond_av.n,
		  sizeof(struct nslsm_se_av_key) + sizeof(struct nslsm_se_cond_av) },
		{ "conds", p->hdr.nconds, sizeof(struct nslsm_se_cond) + 1 },
		{ "bools", p->hdr.nbools, 1 },
		{ "constraints", p->ncons, sizeof(struct nslsm_se_constraint) },
		{ "cexpr", p->ncexpr, sizeof(struct nslsm_se_cexpr) },
		{ "cexpr_names", p->nnames, sizeof(uint16_t) },
		{ "roles", p->hdr.nroles, sizeof(struct nslsm_se_role) },
		{ "users", p->hdr.nusers, sizeof(struct nslsm_se_user) },
		{ "sens", p->hdr.nsens, sizeof(struct nslsm_se_level) },
		{ "user_roles", p->user_roles.n, sizeof(struct nslsm_se_pair) },
		{ "role_types", p->role_types.n, sizeof(struct nslsm_se_pair) },
		{ "role_doms", p->role_doms.n, sizeof(struct nslsm_se_pair) },
		{ "role_allows", p->role_allows.n, sizeof(struct nslsm_se_pair) },
		{ "role_trans", p->role_trans.n, sizeof(struct nslsm_se_role_trans_key) + 2 },
		{ "range_trans", p->range_trans.n,
		  sizeof(struct nslsm_se_range_trans_key) + sizeof(struct nslsm_se_range) },
		{ "name_trans", p->nname_trans, sizeof(struct nslsm_se_name_trans_key) + 2 },
		{ "isids", p->nisids, sizeof(struct nslsm_se_isid) },
		{ "fs_use", p->nfs_use, sizeof(struct nslsm_se_fs_use) },
		{ "genfs", p->ngenfs, sizeof(struct nslsm_se_genfs) },
	};
	uint64_t total = 0;

	fprintf(f, "policy      version %u, %s, handle_unknown %s, %u types (%u attributes max per "
		   "type), %u classes, %u booleans\n",
		p->hdr.policyvers, p->hdr.flags & NSLSM_SE_MLS ? "MLS" : "no MLS",
		unknown_name(p->hdr.handle_unknown), p->hdr.ntypes, p->max_type_attrs - 1,
		p->hdr.nclasses, p->hdr.nbools);
	fprintf(f, "capabilities %#llx, %u sensitivities, %u categories\n",
		(unsigned long long)p->hdr.polcaps, p->hdr.nsens, p->hdr.ncats);
	fprintf(f, "%-12s %10s %8s %12s\n", "table", "entries", "bytes", "total");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t t = rows[i].n * rows[i].size;

		fprintf(f, "%-12s %10llu %8zu %12llu\n", rows[i].name, (unsigned long long)rows[i].n,
			rows[i].size, (unsigned long long)t);
		total += t;
	}
	fprintf(f, "%-12s %10s %8s %12llu\n", "total", "", "", (unsigned long long)total);
	fprintf(f, "most conditional rules on one key: %u (of %u)\n", p->max_cond_slots,
		NSLSM_SE_COND_SLOTS);
	if (p->skipped_xperms)
		fprintf(f, "not compiled: %u extended permission (ioctl) rules\n", p->skipped_xperms);
	if (p->skipped_ocontexts)
		fprintf(f, "not compiled: %u port/netif/node/ibpkey/ibendport contexts\n",
			p->skipped_ocontexts);
}
