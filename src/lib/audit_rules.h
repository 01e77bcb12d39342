/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-namespace audit rules, auditctl style: a namespace's rules are tried
 * in order, the first that matches a record decides (always: deliver,
 * never: drop), and a record no rule matches is delivered. A namespace's
 * rules only ever select what that namespace's consumers receive: the
 * host's log and the host's consumers follow the host's rules alone.
 */
#ifndef NSLSM_AUDIT_RULES_H
#define NSLSM_AUDIT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit_log.h"

/* "always"|"never" and FIELD=VALUE terms -> rule (ns_id, seq left 0). */
int audit_rule_parse(const char *action, char **fields, int n, struct nslsm_audit_rule *out);
/* "always module=yama result=denied" */
void audit_rule_format(const struct nslsm_audit_rule *r, char *buf, size_t len);
bool audit_rule_matches(const struct nslsm_audit_rule *r, const struct nslsm_log_entry *e);
/* Does namespace ns_id's rule list deliver e? */
bool audit_rules_select(const struct nslsm_audit_rule *rules, uint32_t ns_id,
			const struct nslsm_log_entry *e);
/* Append a rule for ns_id; returns its position (1-based) in that list. */
int audit_rule_add(struct nslsm_audit_rule *rules, uint32_t ns_id,
		   const struct nslsm_audit_rule *rule);
/* Remove the rule at position pos (1-based) of ns_id's list. */
int audit_rule_del(struct nslsm_audit_rule *rules, uint32_t ns_id, int pos);
/* Remove every rule of ns_id (namespace deleted). */
void audit_rules_clear(struct nslsm_audit_rule *rules, uint32_t ns_id);
/* Slot indexes of ns_id's rules in order; returns how many. */
int audit_rules_of(const struct nslsm_audit_rule *rules, uint32_t ns_id,
		   int idx[NSLSM_MAX_AUDIT_RULES]);
/* Is `ancestor` the namespace `id` or one of its ancestors? */
bool ns_within(const struct nslsm_ns *table, uint32_t id, uint32_t ancestor);

#endif /* NSLSM_AUDIT_RULES_H */
