// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "audit_rules.h"
#include "error.h"
#include "hooks.h"
#include "module.h"
#include "ns.h"
#include "parse.h"

static const struct {
	const char *name;
	unsigned int action;
} results[] = {
	{ "denied", NSLSM_AUDIT_DENIED },
	{ "audit", NSLSM_AUDIT_ALLOWED },
	{ "allowed", NSLSM_AUDIT_COMPLAIN },
};

static int parse_source(const char *v, uint8_t *out)
{
	const struct nslsm_module *m = module_by_name(v);

	if (m)
		*out = m->id;
	else if (!strcmp(v, "nslsm"))
		*out = NSLSM_SOURCE_SELF;
	else if (!strcmp(v, "audit"))
		*out = NSLSM_SOURCE_AUDIT;
	else if (!strcmp(v, "boundary"))
		*out = NSLSM_SOURCE_BOUNDARY;
	else if (!strcmp(v, "admin"))
		*out = NSLSM_SOURCE_ADMIN;
	else
		return nslsm_fail("module=%s: no such module (a module, 'nslsm', 'boundary', "
				  "'admin' or 'audit')", v);
	return 0;
}

static int parse_operation(const char *v, uint16_t *out)
{
	for (unsigned int i = 0; i < NSLSM_HOOK_COUNT; i++)
		if (!strcmp(hook_operation(i), v) || !strcmp(hook_name(i), v)) {
			*out = i;
			return 0;
		}
	return nslsm_fail("operation=%s: no such operation (see the 'operation' field of records)",
			  v);
}

int audit_rule_parse(const char *action, char **fields, int n, struct nslsm_audit_rule *out)
{
	memset(out, 0, sizeof(*out));
	out->flags = NSLSM_RULE_IN_USE;
	if (!strcmp(action, "never"))
		out->flags |= NSLSM_RULE_NEVER;
	else if (strcmp(action, "always"))
		return nslsm_fail("action '%s': expected 'always' or 'never'", action);
	for (int i = 0; i < n; i++) {
		char buf[256], *k, *v;
		uint32_t bit;

		if (strlen(fields[i]) >= sizeof(buf))
			return nslsm_fail("'%.32s...' is too long", fields[i]);
		strcpy(buf, fields[i]);
		if (split_kv(buf, &k, &v, false))
			return -1;
		if (!strcmp(k, "module")) {
			bit = NSLSM_RULE_MODULE;
			if (parse_source(v, &out->source))
				return -1;
		} else if (!strcmp(k, "operation")) {
			bit = NSLSM_RULE_OPERATION;
			if (parse_operation(v, &out->hook))
				return -1;
		} else if (!strcmp(k, "result")) {
			size_t r;

			bit = NSLSM_RULE_RESULT;
			for (r = 0; r < sizeof(results) / sizeof(results[0]); r++)
				if (!strcmp(results[r].name, v))
					break;
			if (r == sizeof(results) / sizeof(results[0]))
				return nslsm_fail("result=%s: expected denied, audit or allowed", v);
			out->action = results[r].action;
		} else if (!strcmp(k, "contid")) {
			bit = NSLSM_RULE_CONTID;
			if (parse_contid(v, (uint64_t *)&out->contid))
				return -1;
		} else if (!strcmp(k, "path")) {
			bit = NSLSM_RULE_PATH;
			if (strlen(v) >= sizeof(out->path))
				return nslsm_fail("path=%s: longer than %zu characters", v,
						  sizeof(out->path) - 1);
			strcpy(out->path, v);
		} else {
			return nslsm_fail("unknown field '%s' (module, operation, result, contid, path)",
					  k);
		}
		if (out->fields & bit)
			return nslsm_fail("field '%s' given twice", k);
		out->fields |= bit;
	}
	return 0;
}

void audit_rule_format(const struct nslsm_audit_rule *r, char *buf, size_t len)
{
	size_t off = snprintf(buf, len, "%s", r->flags & NSLSM_RULE_NEVER ? "never" : "always");

#define APPEND(...) off += snprintf(buf + off, off < len ? len - off : 0, __VA_ARGS__)
	if (r->fields & NSLSM_RULE_MODULE)
		APPEND(" module=%s", audit_source_name(r->source));
	if (r->fields & NSLSM_RULE_OPERATION)
		APPEND(" operation=%s", hook_operation(r->hook));
	for (size_t i = 0; (r->fields & NSLSM_RULE_RESULT) && i < sizeof(results) / sizeof(results[0]);
	     i++)
		if (results[i].action == r->action)
			APPEND(" result=%s", results[i].name);
	if (r->fields & NSLSM_RULE_CONTID)
		APPEND(" contid=%" PRIu64, (uint64_t)r->contid);
	if (r->fields & NSLSM_RULE_PATH)
		APPEND(" path=%.*s", (int)sizeof(r->path), r->path);
#undef APPEND
}

bool audit_rule_matches(const struct nslsm_audit_rule *r, const struct nslsm_log_entry *e)
{
	if ((r->fields & NSLSM_RULE_MODULE) && r->source != e->rec.source)
		return false;
	if ((r->fields & NSLSM_RULE_OPERATION) &&
	    strcmp(hook_operation(r->hook), hook_operation(e->rec.hook)))
		return false;
	if ((r->fields & NSLSM_RULE_RESULT) && r->action != e->rec.action)
		return false;
	if ((r->fields & NSLSM_RULE_CONTID) && r->contid != e->rec.contid)
		return false;
	if ((r->fields & NSLSM_RULE_PATH) &&
	    strncmp(e->rec.name, r->path, strnlen(r->path, sizeof(r->path))))
		return false;
	return true;
}

int audit_rules_of(const struct nslsm_audit_rule *rules, uint32_t ns_id,
		   int idx[NSLSM_MAX_AUDIT_RULES])
{
	int n = 0;

	for (int i = 0; i < NSLSM_MAX_AUDIT_RULES; i++)
		if ((rules[i].flags & NSLSM_RULE_IN_USE) && rules[i].ns_id == ns_id)
			idx[n++] = i;
	/* Insertion sort by seq: lists are short. */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && rules[idx[j - 1]].seq > rules[idx[j]].seq; j--) {
			int t = idx[j];

			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
	return n;
}

bool audit_rules_select(const struct nslsm_audit_rule *rules, uint32_t ns_id,
			const struct nslsm_log_entry *e)
{
	int idx[NSLSM_MAX_AUDIT_RULES], n = audit_rules_of(rules, ns_id, idx);

	for (int i = 0; i < n; i++)
		if (audit_rule_matches(&rules[idx[i]], e))
			return !(rules[idx[i]].flags & NSLSM_RULE_NEVER);
	return true;
}

int audit_rule_add(struct nslsm_audit_rule *rules, uint32_t ns_id,
		   const struct nslsm_audit_rule *rule)
{
	int idx[NSLSM_MAX_AUDIT_RULES], n = audit_rules_of(rules, ns_id, idx), slot = -1;
	uint32_t seq = n ? rules[idx[n - 1]].seq + 1 : 1;

	for (int i = 0; i < NSLSM_MAX_AUDIT_RULES && slot < 0; i++)
		if (!(rules[i].flags & NSLSM_RULE_IN_USE))
			slot = i;
	if (slot < 0)
		return nslsm_fail("all %d audit rule slots are in use", NSLSM_MAX_AUDIT_RULES);
	rules[slot] = *rule;
	rules[slot].ns_id = ns_id;
	rules[slot].seq = seq;
	__atomic_store_n(&rules[slot].flags, rule->flags | NSLSM_RULE_IN_USE, __ATOMIC_RELEASE);
	return n + 1;
}

int audit_rule_del(struct nslsm_audit_rule *rules, uint32_t ns_id, int pos)
{
	int idx[NSLSM_MAX_AUDIT_RULES], n = audit_rules_of(rules, ns_id, idx);

	if (pos < 1 || pos > n)
		return nslsm_fail("no rule %d (the namespace has %d rule%s)", pos, n, n == 1 ? "" : "s");
	__atomic_store_n(&rules[idx[pos - 1]].flags, 0, __ATOMIC_RELEASE);
	return 0;
}

void audit_rules_clear(struct nslsm_audit_rule *rules, uint32_t ns_id)
{
	for (int i = 0; i < NSLSM_MAX_AUDIT_RULES; i++)
		if (rules[i].ns_id == ns_id)
			__atomic_store_n(&rules[i].flags, 0, __ATOMIC_RELEASE);
}

bool ns_within(const struct nslsm_ns *table, uint32_t id, uint32_t ancestor)
{
	for (int d = 0; d < NSLSM_MAX_DEPTH && id < NSLSM_MAX_NS; d++) {
		if (id == ancestor)
			return true;
		if (id == NSLSM_HOST_ID || !ns_in_use(&table[id]))
			return false;
		id = table[id].parent;
	}
	return false;
}
