// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "lib/audit_rules.h"
#include "lib/error.h"
#include "lib/hooks.h"
#include "lib/ns.h"
#include "test.h"

static struct nslsm_audit_rule *new_rules(void)
{
	return calloc(NSLSM_MAX_AUDIT_RULES, sizeof(struct nslsm_audit_rule));
}

static struct nslsm_log_entry yama_denial(uint64_t contid)
{
	struct nslsm_log_entry e = {};

	e.rec.ns_id = 1;
	e.rec.contid = contid;
	e.rec.source = NSLSM_MOD_YAMA;
	e.rec.action = NSLSM_AUDIT_DENIED;
	e.rec.hook = NSLSM_HOOK_ptrace_access_check;
	strcpy(e.rec.name, "/etc/shadow");
	return e;
}

static void add(struct nslsm_audit_rule *rules, uint32_t ns, const char *action, char **f, int n)
{
	struct nslsm_audit_rule r;

	EXPECT_EQ(audit_rule_parse(action, f, n, &r), 0);
	EXPECT(audit_rule_add(rules, ns, &r) > 0);
}

TEST(audit_rules_none_delivers_everything)
{
	struct nslsm_audit_rule *rules = new_rules();
	struct nslsm_log_entry e = yama_denial(1);

	EXPECT(audit_rules_select(rules, 1, &e));
}

TEST(audit_rules_first_match_decides)
{
	struct nslsm_audit_rule *rules = new_rules();
	char *keep[] = { "contid=2" }, *drop[] = { "result=denied" };
	struct nslsm_log_entry one = yama_denial(1), two = yama_denial(2);

	add(rules, 1, "always", keep, 1);
	add(rules, 1, "never", drop, 1);
	EXPECT(!audit_rules_select(rules, 1, &one));
	EXPECT(audit_rules_select(rules, 1, &two));
	/* Another namespace's rules do not apply. */
	EXPECT(audit_rules_select(rules, 2, &one));
}

TEST(audit_rules_fields_match)
{
	struct nslsm_audit_rule r;
	struct nslsm_log_entry e = yama_denial(7);
	char *m[] = { "module=yama", "operation=ptrace", "result=denied", "contid=7", "path=/etc/" };
	char *other_module[] = { "module=nslsm" }, *other_path[] = { "path=/var" },
	     *by_hook[] = { "operation=ptrace_access_check" };

	EXPECT_EQ(audit_rule_parse("never", m, 5, &r), 0);
	EXPECT(audit_rule_matches(&r, &e));
	EXPECT_EQ(audit_rule_parse("never", other_module, 1, &r), 0);
	EXPECT(!audit_rule_matches(&r, &e));
	EXPECT_EQ(audit_rule_parse("never", other_path, 1, &r), 0);
	EXPECT(!audit_rule_matches(&r, &e));
	EXPECT_EQ(audit_rule_parse("never", by_hook, 1, &r), 0);
	EXPECT(audit_rule_matches(&r, &e));
}

TEST(audit_rules_parse_rejects_bad_input_by_name)
{
	struct nslsm_audit_rule r;
	char *unknown[] = { "colour=red" }, *twice[] = { "contid=1", "contid=2" },
	     *badmod[] = { "module=selinx" }, *badres[] = { "result=maybe" },
	     *badop[] = { "operation=fly" }, *noeq[] = { "contid" }, *zero[] = { "contid=0" };

	EXPECT_EQ(audit_rule_parse("sometimes", NULL, 0, &r), -1);
	EXPECT_EQ(audit_rule_parse("never", unknown, 1, &r), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "unknown field 'colour'");
	EXPECT_EQ(audit_rule_parse("never", twice, 2, &r), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "given twice");
	EXPECT_EQ(audit_rule_parse("never", badmod, 1, &r), -1);
	EXPECT_EQ(audit_rule_parse("never", badres, 1, &r), -1);
	EXPECT_EQ(audit_rule_parse("never", badop, 1, &r), -1);
	EXPECT_EQ(audit_rule_parse("never", noeq, 1, &r), -1);
	EXPECT_EQ(audit_rule_parse("never", zero, 1, &r), -1);
}

TEST(audit_rules_format_round_trips)
{
	struct nslsm_audit_rule r;
	char *f[] = { "module=yama", "operation=ptrace", "result=audit", "contid=9", "path=/x" };
	char buf[256];

	EXPECT_EQ(audit_rule_parse("never", f, 5, &r), 0);
	audit_rule_format(&r, buf, sizeof(buf));
	EXPECT(!strcmp(buf, "never module=yama operation=ptrace result=audit contid=9 path=/x"));
}

TEST(audit_rules_delete_keeps_order_and_clear_empties)
{
	struct nslsm_audit_rule *rules = new_rules();
	char *a[] = { "contid=1" }, *b[] = { "contid=2" }, *c[] = { "contid=3" };
	int idx[NSLSM_MAX_AUDIT_RULES];

	add(rules, 1, "never", a, 1);
	add(rules, 1, "never", b, 1);
	add(rules, 1, "never", c, 1);
	EXPECT_EQ(audit_rule_del(rules, 1, 2), 0);
	EXPECT_EQ(audit_rules_of(rules, 1, idx), 2);
	EXPECT_EQ(rules[idx[0]].contid, 1);
	EXPECT_EQ(rules[idx[1]].contid, 3);
	/* A new rule goes last, even into a slot freed earlier. */
	add(rules, 1, "never", b, 1);
	EXPECT_EQ(audit_rules_of(rules, 1, idx), 3);
	EXPECT_EQ(rules[idx[2]].contid, 2);
	EXPECT_EQ(audit_rule_del(rules, 1, 4), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "no rule 4");
	audit_rules_clear(rules, 1);
	EXPECT_EQ(audit_rules_of(rules, 1, idx), 0);
}

TEST(audit_rules_table_full)
{
	struct nslsm_audit_rule *rules = new_rules();
	struct nslsm_audit_rule r;

	EXPECT_EQ(audit_rule_parse("always", NULL, 0, &r), 0);
	for (int i = 0; i < NSLSM_MAX_AUDIT_RULES; i++)
		if (audit_rule_add(rules, i % 7, &r) < 0)
			EXPECT(!"add failed before the table was full");
	EXPECT_EQ(audit_rule_add(rules, 1, &r), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "slots are in use");
}

TEST(ns_within_follows_parents)
{
	struct nslsm_ns *t = calloc(NSLSM_MAX_NS, sizeof(*t));
	uint32_t a, b, c;

	ns_table_init(t);
	EXPECT_EQ(ns_create(t, "a", NULL, 0, NULL, 0, &a), 0);
	EXPECT_EQ(ns_create(t, "b", "a", 0, NULL, 0, &b), 0);
	EXPECT_EQ(ns_create(t, "c", NULL, 0, NULL, 0, &c), 0);
	EXPECT(ns_within(t, b, a));
	EXPECT(ns_within(t, b, b));
	EXPECT(ns_within(t, b, 0));
	EXPECT(!ns_within(t, a, b));
	EXPECT(!ns_within(t, c, a));
	EXPECT(!ns_within(t, 999, 0));
}
