// SPDX-License-Identifier: GPL-2.0
/* The reference Yama decisions, against the kernel's documented rules. */
#include <errno.h>
#include <stdlib.h>

#include "lib/ns.h"
#include "test.h"
#include "yama/yama.h"

static const struct yama_attach_facts stranger = { .attach = true, .target_alive = true };

TEST(yama_scope_0_allows_any_attach)
{
	EXPECT_EQ(yama_decide_attach(0, &stranger), 0);
}

TEST(yama_scope_1_allows_descendant_declared_or_capable)
{
	struct yama_attach_facts f = stranger;

	EXPECT_EQ(yama_decide_attach(1, &f), -EPERM);
	f.target_descends = true;
	EXPECT_EQ(yama_decide_attach(1, &f), 0);
	f = stranger;
	f.declared = true;
	EXPECT_EQ(yama_decide_attach(1, &f), 0);
	f = stranger;
	f.tracer_cap = true;
	EXPECT_EQ(yama_decide_attach(1, &f), 0);
}

TEST(yama_scope_1_denies_dead_target_even_to_parent)
{
	struct yama_attach_facts f = stranger;

	f.target_alive = false;
	f.target_descends = true;
	EXPECT_EQ(yama_decide_attach(1, &f), -EPERM);
}

TEST(yama_scope_2_denies_non_admin_attach)
{
	struct yama_attach_facts f = stranger;

	f.target_descends = true;
	f.declared = true;
	EXPECT_EQ(yama_decide_attach(2, &f), -EPERM);
	f.tracer_cap = true;
	EXPECT_EQ(yama_decide_attach(2, &f), 0);
}

TEST(yama_scope_3_denies_even_admin)
{
	struct yama_attach_facts f = { true, true, true, true, true };

	EXPECT_EQ(yama_decide_attach(3, &f), -EPERM);
}

TEST(yama_read_access_is_never_restricted)
{
	struct yama_attach_facts f = stranger;

	f.attach = false;
	for (unsigned int s = 0; s <= 3; s++)
		EXPECT_EQ(yama_decide_attach(s, &f), 0);
}

TEST(yama_traceme_rules)
{
	EXPECT_EQ(yama_decide_traceme(0, false), 0);
	EXPECT_EQ(yama_decide_traceme(1, false), 0);
	EXPECT_EQ(yama_decide_traceme(2, false), -EPERM);
	EXPECT_EQ(yama_decide_traceme(2, true), 0);
	EXPECT_EQ(yama_decide_traceme(3, true), -EPERM);
}

TEST(yama_ptrace_scope_setting_range)
{
	struct nslsm_ns *t = calloc(NSLSM_MAX_NS, sizeof(*t));
	char *ok[] = { "yama.ptrace_scope=2" }, *bad[] = { "yama.ptrace_scope=4" },
	     *neg[] = { "yama.ptrace_scope=-1" };

	ns_table_init(t);
	EXPECT_EQ(ns_set(t, 0, ok, 1), 0);
	EXPECT_EQ(t[0].yama.ptrace_scope, 2);
	EXPECT_EQ(ns_set(t, 0, bad, 1), -1);
	EXPECT_EQ(ns_set(t, 0, neg, 1), -1);
	EXPECT_EQ(t[0].yama.ptrace_scope, 2);
}
