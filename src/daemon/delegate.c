// SPDX-License-Identifier: GPL-2.0
/* Administration from inside a namespace: the rules and the table of
 * operations (delegate.h says what each rule means). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apparmor/policy.h"
#include "apparmor/status.h"
#include "apparmor/store.h"
#include "delegate.h"
#include "lib/admin.h"
#include "lib/audit_rules.h"
#include "lib/error.h"
#include "lib/module.h"
#include "lib/ns.h"
#include "lib/ns_print.h"
#include "lib/state.h"

#define CAP_MAC_ADMIN 33

enum admin_op_flag {
	ADMIN_CHANGES = 1u << 0,	/* changes state: needs CAP_MAC_ADMIN */
	ADMIN_PAYLOAD = 1u << 1,	/* takes a payload (else none is allowed) */
};

/* What the request's namespace must be to the caller. */
enum admin_target {
	TARGET_SUBTREE,	/* its own namespace or one below */
	TARGET_BELOW,	/* strictly below its own */
	TARGET_NEW,	/* a name to create; the op checks the parent */
};

struct admin_ctx {
	struct nslsm_state *st;
	const struct admin_caller *c;
	const struct admin_request *r;
	uint32_t id;		/* the namespace (not for TARGET_NEW) */
	FILE *out;
	const char **rule;
};

struct admin_op {
	const char *module;
	const char *op;
	unsigned int flags;	/* enum admin_op_flag */
	enum admin_target target;
	int module_id;		/* the module the namespace must enable, or -1 */
	int (*run)(struct admin_ctx *x);
};

/* A refusal by `rule`: the error names it. */
static int refuse(const char **rule, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse(const char **rule, const char *name, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	*rule = name;
	return nslsm_fail("refused by rule '%s': %s", name, why);
}

static const char *ns_name(const struct nslsm_state *st, uint32_t id)
{
	return st->ns[id].name;
}

/* Is namespace id the caller's own or below it (strictly below if strict)? */
static int check_subtree(struct admin_ctx *x, uint32_t id, bool strict)
{
	const struct nslsm_state *st = x->st;
	uint32_t own = x->c->ns_id;

	if (ns_within(st->ns, id, own) && !(strict && id == own))
		return 0;
	if (id == own)
		return refuse(x->rule, "below", "namespace '%s' is the caller's own: only the "
				  "namespaces below it", ns_name(st, id));
	if (ns_within(st->ns, own, id))
		return refuse(x->rule, "subtree", "namespace '%s' is an ancestor of the caller's "
				  "namespace '%s'", ns_name(st, id), ns_name(st, own));
	return refuse(x->rule, "subtree", "namespace '%s' is outside the caller's namespace "
			  "'%s' (a sibling or another branch)", ns_name(st, id), ns_name(st, own));
}

/* --- the operations --- */

static bool arg_is(const struct admin_request *r, const char *word)
{
	for (int i = 0; i < r->n_args; i++)
		if (!strcmp(r->args[i], word))
			return true;
	return false;
}

static int op_status(struct admin_ctx *x)
{
	const struct admin_caller *c = x->c;
	uint32_t own = c->ns_id;

	fprintf(x->out, "namespace %s (id %u, depth %u), as seen by pid %u", ns_name(x->st, own), own,
		x->st->ns[own].depth, c->pid);
	if (c->contid)
		fprintf(x->out, " contid %llu", (unsigned long long)c->contid);
	fprintf(x->out, " with%s CAP_MAC_ADMIN\n", c->caps & (1ull << CAP_MAC_ADMIN) ? "" : "out");
	return ns_list_write(x->out, x->st, x->id, false);
}

static int op_ns_list(struct admin_ctx *x)
{
	return ns_list_write(x->out, x->st, x->id, arg_is(x->r, "json"));
}

/* Namespaces strictly below id. */
static uint32_t count_below(const struct nslsm_state *st, uint32_t id)
{
	uint32_t n = 0;

	for (uint32_t i = 1; i < NSLSM_MAX_NS; i++)
		n += i != id && ns_in_use(&st->ns[i]) && ns_within(st->ns, i, id);
	return n;
}

/* ns create NAME [parent=P] [modules=LIST] [label=MODULE=LABEL]... */
static int op_ns_create(struct admin_ctx *x)
{
	const struct admin_request *r = x->r;
	char *labels[NSLSM_MAX_MODULES];
	uint32_t modules = 0, parent = x->c->ns_id, id;
	int n_labels = 0;

	for (int i = 0; i < r->n_args; i++) {
		const char *a = r->args[i];

		if (!strncmp(a, "parent=", 7)) {
			int p = ns_find(x->st->ns, a + 7);

			if (p < 0)
				return -1;
			parent = p;
		} else if (!strncmp(a, "modules=", 8)) {
			if (module_list_parse(a + 8, &modules))
				return -1;
		} else if (!strncmp(a, "label=", 6)) {
			if (n_labels == NSLSM_MAX_MODULES)
				return nslsm_fail("too many labels");
			labels[n_labels++] = (char *)a + 6;
		} else {
			return nslsm_fail("ns create: unknown argument '%s'", a);
		}
	}
	if (check_subtree(x, parent, false))
		return -1;
	if (x->c->enrolled && count_below(x->st, x->c->ns_id) >= ADMIN_MAX_BELOW)
		return refuse(x->rule, "quota", "namespace '%s' has %u namespaces below it already",
			      ns_name(x->st, x->c->ns_id), ADMIN_MAX_BELOW);
	if (admin_ns_create(x->st, r->ns, ns_name(x->st, parent), modules, labels, n_labels, &id))
		return -1;
	fprintf(x->out, "namespace %s created (id %u)\n", r->ns, id);
	return 0;
}

static int op_ns_delete(struct admin_ctx *x)
{
	char name[NSLSM_NAME_MAX];

	memcpy(name, ns_name(x->st, x->id), sizeof(name));
	if (admin_ns_delete(x->st, x->id))
		return -1;
	fprintf(x->out, "namespace %s deleted\n", name);
	return 0;
}

/*
 * What ns set may give from inside: nothing of admin.*, and no more of
 * the audit resources and delegations than the parent has (an unchanged
 * value is always fine). The settings are tried on a copy of the table
 * first, so the comparison is of what would be.
 */
static struct nslsm_ns scratch[NSLSM_MAX_NS];

/* boundary.KEY=RULE allowing more than ns does: the boundary is the host's
 * wall around the caller, and its own never loosens from inside (below it,
 * ns_set keeps every namespace within its ancestors', the caller's own
 * included). */
static bool looser_boundary(const struct nslsm_ns *ns, const char *arg)
{
	for (unsigned int k = 0; k < NSLSM_BOUNDARY_KEYS; k++) {
		size_t n = strlen(ns_boundary_key(k));

		if (strncmp(arg, "boundary.", 9) || strncmp(arg + 9, ns_boundary_key(k), n) ||
		    arg[9 + n] != '=')
			continue;
		for (uint32_t r = NSLSM_BOUNDARY_DENY; r <= NSLSM_BOUNDARY_ALLOW; r++)
			if (!strcmp(arg + 10 + n, ns_boundary_rule_name(r)))
				return r > ns_boundary_get(ns, k);
	}
	return false;
}

static int check_delegated(struct admin_ctx *x)
{
	const struct nslsm_ns *old = &x->st->ns[x->id], *p, *n;

	for (int i = 0; i < x->r->n_args; i++) {
		if (!strncmp(x->r->args[i], "admin.", 6))
			return refuse(x->rule, "delegated", "'%s': admin settings are the host's",
				      x->r->args[i]);
		if (x->id == x->c->ns_id && looser_boundary(old, x->r->args[i]))
			return refuse(x->rule, "delegated", "'%s': the caller's own namespace '%s' "
				      "cannot allow more than it does", x->r->args[i], old->name);
	}
	memcpy(scratch, x->st->ns, sizeof(scratch));
	if (ns_set(scratch, x->id, (char **)x->r->args, x->r->n_args))
		return -1;
	n = &scratch[x->id];
	p = &x->st->ns[old->parent];
	if (n->audit.queue > old->audit.queue && n->audit.queue > p->audit.queue)
		return refuse(x->rule, "delegated", "audit.queue=%u: more than the parent '%s' has "
			      "(%u bytes)", n->audit.queue, p->name, p->audit.queue);
	if (n->audit.rate != old->audit.rate && p->audit.rate &&
	    (!n->audit.rate || n->audit.rate > p->audit.rate))
		return refuse(x->rule, "delegated", "audit.rate=%u: the parent '%s' is limited to %u "
			      "records a second", n->audit.rate, p->name, p->audit.rate);
	if (n->audit.delegate_contid && !old->audit.delegate_contid && !p->audit.delegate_contid)
		return refuse(x->rule, "delegated", "audit.delegate_contid=1: the parent '%s' does "
			      "not delegate container ids", p->name);
	return 0;
}

static int op_ns_set(struct admin_ctx *x)
{
	if (!x->r->n_args)
		return nslsm_fail("nothing to set: give KEY=VALUE arguments");
	if (x->c->enrolled && check_delegated(x))
		return -1;
	if (admin_ns_set(x->st, x->id, (char **)x->r->args, x->r->n_args))
		return -1;
	fprintf(x->out, "namespace %s set\n", ns_name(x->st, x->id));
	return 0;
}

/* apparmor load|replace: the payload is binary policy (apparmor_parser -S
 * output, one or more files' worth), validated whole before any change. */
static int op_aa_change(struct admin_ctx *x)
{
	enum aa_change op = !strcmp(x->r->op, "load") ? AA_LOAD : AA_REPLACE;
	struct aa_policy pol = { 0 };
	char source[64];
	struct aa_pools pl;
	int rc;

	if (!x->r->payload_len)
		return nslsm_fail("apparmor %s: no policy sent", x->r->op);
	snprintf(source, sizeof(source), "the policy from pid %u", x->c->pid);
	if (aa_policy_unpack(x->r->payload, x->r->payload_len, source, &pol))
		return -1;
	rc = aa_pools_open(&pl);
	if (!rc) {
		rc = aa_store_apply(&pl, x->id, ns_name(x->st, x->id), op, &pol, NULL, 0);
		aa_pools_close(&pl);
	}
	if (!rc)
		fprintf(x->out, "%zu profile%s %s in %s\n", pol.n, pol.n == 1 ? "" : "s",
			op == AA_LOAD ? "loaded" : "replaced or loaded", ns_name(x->st, x->id));
	aa_policy_free(&pol);
	return rc;
}

static int op_aa_remove(struct admin_ctx *x)
{
	struct aa_pools pl;
	int rc;

	if (!x->r->n_args)
		return nslsm_fail("apparmor remove: no profile named");
	if (aa_pools_open(&pl))
		return -1;
	rc = aa_store_apply(&pl, x->id, ns_name(x->st, x->id), AA_REMOVE, NULL, (char *const *)x->r->args,
			    x->r->n_args);
	aa_pools_close(&pl);
	if (!rc)
		fprintf(x->out, "%d profile%s removed from %s\n", x->r->n_args,
			x->r->n_args == 1 ? "" : "s", ns_name(x->st, x->id));
	return rc;
}

static int op_aa_status(struct admin_ctx *x)
{
	return aa_status_write(x->out, x->st, x->id, arg_is(x->r, "json"));
}

/* Every operation served. A module's policy operations are rows here. */
static const struct admin_op ops[] = {
	{ "nslsm", "status", 0, TARGET_SUBTREE, -1, op_status },
	{ "ns", "list", 0, TARGET_SUBTREE, -1, op_ns_list },
	{ "ns", "create", ADMIN_CHANGES, TARGET_NEW, -1, op_ns_create },
	{ "ns", "delete", ADMIN_CHANGES, TARGET_BELOW, -1, op_ns_delete },
	{ "ns", "set", ADMIN_CHANGES, TARGET_SUBTREE, -1, op_ns_set },
	{ "apparmor", "load", ADMIN_CHANGES | ADMIN_PAYLOAD, TARGET_SUBTREE, NSLSM_MOD_APPARMOR,
	  op_aa_change },
	{ "apparmor", "replace", ADMIN_CHANGES | ADMIN_PAYLOAD, TARGET_SUBTREE, NSLSM_MOD_APPARMOR,
	  op_aa_change },
	{ "apparmor", "remove", ADMIN_CHANGES, TARGET_SUBTREE, NSLSM_MOD_APPARMOR, op_aa_remove },
	{ "apparmor", "status", 0, TARGET_SUBTREE, NSLSM_MOD_APPARMOR, op_aa_status },
};

void admin_ops_list(FILE *f)
{
	int col = 2;

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		int n = strlen(ops[i].module) + strlen(ops[i].op) + 4;

		if (i && col + n > 78) {
			fputs(",\n  ", f);
			col = 2;
		} else if (i) {
			fputs(", ", f);
		}
		col += fprintf(f, "%s %s%s", ops[i].module, ops[i].op,
			       ops[i].flags & ADMIN_CHANGES ? "*" : "");
	}
}

/* The rules every request passes, whatever its operation. */
static int check_caller(struct admin_ctx *x, const struct admin_op *op)
{
	const struct admin_caller *c = x->c;
	uint32_t locked_by;

	if (!c->identified)
		return refuse(x->rule, "peer", "nslsmd has no record of who connected");
	if (!c->enrolled && c->uid != 0)
		return refuse(x->rule, "host-root", "uid %u is not root, and a caller of the host "
			      "must be", c->uid);
	if (c->enrolled && !ns_admin_delegated(x->st->ns, c->ns_id))
		return refuse(x->rule, "admin.delegate", "namespace '%s' is not administered from "
			      "inside (the host gives it with io.nslsm.admin=1 or 'nslsm ns set %s "
			      "admin.delegate=1')", ns_name(x->st, c->ns_id),
			      ns_name(x->st, c->ns_id));
	if (c->enrolled && ns_admin_locked(x->st->ns, c->ns_id, &locked_by))
		return refuse(x->rule, "admin.locked", "namespace '%s' is locked by the host "
			      "(admin.locked=1)", ns_name(x->st, locked_by));
	if ((op->flags & ADMIN_CHANGES) && !(c->caps & (1ull << CAP_MAC_ADMIN)))
		return refuse(x->rule, "cap_mac_admin", "%s %s changes policy: the caller needs "
			      "CAP_MAC_ADMIN in its user namespace", op->module, op->op);
	return 0;
}

int admin_request_run(struct nslsm_state *st, const struct admin_caller *c,
		      const struct admin_request *r, FILE *out, const char **rule,
		      const char **target)
{
	struct admin_ctx x = { .st = st, .c = c, .r = r, .out = out, .rule = rule };
	const struct admin_op *op = NULL;
	int id;

	*rule = NULL;
	*target = r->ns[0] && strcmp(r->ns, ".") ? r->ns : ns_name(st, c->ns_id);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]) && !op; i++)
		if (!strcmp(ops[i].module, r->module) && !strcmp(ops[i].op, r->op))
			op = &ops[i];
	if (!op)
		return nslsm_fail("nslsmd serves no operation '%s %s' (see nslsmd --help)",
				  r->module, r->op);
	if (check_caller(&x, op))
		return -1;
	if (r->payload_len && !(op->flags & ADMIN_PAYLOAD))
		return nslsm_fail("%s %s takes no payload", r->module, r->op);
	if (op->target == TARGET_NEW) {
		if (!r->ns[0] || !strcmp(r->ns, "."))
			return nslsm_fail("%s %s: no namespace named", r->module, r->op);
	} else {
		id = r->ns[0] && strcmp(r->ns, ".") ? ns_find(st->ns, r->ns) : (int)c->ns_id;
		if (id < 0)
			return -1;
		x.id = id;
		if (check_subtree(&x, x.id, op->target == TARGET_BELOW))
			return -1;
		if (op->module_id >= 0 && !(st->ns[x.id].modules & (1u << op->module_id)))
			return refuse(rule, "module", "namespace '%s' does not enable the %s module",
				      ns_name(st, x.id), module_by_id(op->module_id)->name);
	}
	return op->run(&x);
}
