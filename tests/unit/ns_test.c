// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "lib/error.h"
#include "lib/module.h"
#include "lib/ns.h"
#include "test.h"

#define YAMA (1u << NSLSM_MOD_YAMA)

static struct nslsm_ns *new_table(void)
{
	struct nslsm_ns *t = calloc(NSLSM_MAX_NS, sizeof(*t));

	ns_table_init(t);
	return t;
}

static uint32_t create(struct nslsm_ns *t, const char *name, const char *parent, uint32_t mods)
{
	uint32_t id = 0;

	EXPECT_EQ(ns_create(t, name, parent, mods, NULL, 0, &id), 0);
	return id;
}

TEST(host_exists_with_no_modules)
{
	struct nslsm_ns *t = new_table();

	EXPECT_EQ(ns_find(t, "host"), 0);
	EXPECT_EQ(t[0].modules, 0);
	EXPECT_EQ(t[0].depth, 0);
}

TEST(create_under_host_and_nested)
{
	struct nslsm_ns *t = new_table();
	uint32_t box = create(t, "box", NULL, YAMA);
	uint32_t inner = create(t, "inner", "box", 0);

	EXPECT(box != 0 && inner != box);
	EXPECT_EQ(t[box].parent, 0);
	EXPECT_EQ(t[box].depth, 1);
	EXPECT_EQ(t[inner].parent, box);
	EXPECT_EQ(t[inner].depth, 2);
	EXPECT_EQ(ns_find(t, "inner"), inner);
}

TEST(create_rejects_duplicate_missing_parent_bad_name)
{
	struct nslsm_ns *t = new_table();
	uint32_t id;

	create(t, "box", NULL, 0);
	EXPECT_EQ(ns_create(t, "box", NULL, 0, NULL, 0, &id), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "already exists");
	EXPECT_EQ(ns_create(t, "host", NULL, 0, NULL, 0, &id), -1);
	EXPECT_EQ(ns_create(t, "x", "nope", 0, NULL, 0, &id), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "no namespace 'nope'");
	EXPECT_EQ(ns_create(t, "a/b", NULL, 0, NULL, 0, &id), -1);
}

TEST(create_limits_depth)
{
	struct nslsm_ns *t = new_table();
	char name[8], parent[8] = "host";
	uint32_t id;

	for (int d = 1; d < NSLSM_MAX_DEPTH; d++) {
		snprintf(name, sizeof(name), "d%d", d);
		EXPECT_EQ(ns_create(t, name, parent, 0, NULL, 0, &id), 0);
		strcpy(parent, name);
	}
	EXPECT_EQ(ns_create(t, "toodeep", parent, 0, NULL, 0, &id), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "nest at most");
}

TEST(create_fails_when_table_full)
{
	struct nslsm_ns *t = new_table();
	char name[16];
	uint32_t id;

	for (int i = 1; i < NSLSM_MAX_NS; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		if (ns_create(t, name, NULL, 0, NULL, 0, &id))
			EXPECT(!"create failed before the table was full");
	}
	EXPECT_EQ(ns_create(t, "onemore", NULL, 0, NULL, 0, &id), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "slots are in use");
}

TEST(parent_label_needs_enabled_labelled_module)
{
	struct nslsm_ns *t = new_table();
	char *spec[] = { "yama=x" }, *unknown[] = { "nope=x" }, *bad[] = { "yama" };
	uint32_t id;

	EXPECT_EQ(ns_create(t, "a", NULL, 0, spec, 1, &id), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "not enabled in the parent");
	EXPECT_EQ(ns_create(t, "a", NULL, 0, unknown, 1, &id), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "unknown module 'nope'");
	EXPECT_EQ(ns_create(t, "a", NULL, 0, bad, 1, &id), -1);
	t[0].modules = YAMA;
	EXPECT_EQ(ns_create(t, "a", NULL, 0, spec, 1, &id), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "has no labels");
	EXPECT_EQ(ns_find(t, "a"), -1);
}

TEST(set_applies_all_or_nothing)
{
	struct nslsm_ns *t = new_table();
	uint32_t box = create(t, "box", NULL, YAMA);
	char *good[] = { "yama.ptrace_scope=3", "yama.mode=complain" };
	char *half[] = { "yama.ptrace_scope=1", "yama.ptrace_scope=9" };

	EXPECT_EQ(ns_set(t, box, good, 2), 0);
	EXPECT_EQ(t[box].yama.ptrace_scope, 3);
	EXPECT(t[box].complain & YAMA);
	EXPECT_EQ(ns_set(t, box, half, 2), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "'9'");
	EXPECT_EQ(t[box].yama.ptrace_scope, 3);
}

TEST(set_rejects_unknown_keys_by_name)
{
	struct nslsm_ns *t = new_table();
	uint32_t box = create(t, "box", NULL, 0);
	char *a[] = { "colour=red" }, *b[] = { "nope.x=1" }, *c[] = { "yama.nope=1" },
	     *d[] = { "yama.mode=sometimes" }, *e[] = { "yama.ptrace_scope=" },
	     *f[] = { "modules=yama" }, *g[] = { "modules=" };

	EXPECT_EQ(ns_set(t, box, a, 1), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "unknown key 'colour'");
	EXPECT_EQ(ns_set(t, box, b, 1), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "unknown module 'nope'");
	EXPECT_EQ(ns_set(t, box, c, 1), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "no setting 'nope'");
	EXPECT_EQ(ns_set(t, box, d, 1), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "'sometimes'");
	EXPECT_EQ(ns_set(t, box, e, 1), -1);
	EXPECT_EQ(ns_set(t, box, f, 1), 0);
	EXPECT_EQ(t[box].modules, YAMA);
	EXPECT_EQ(ns_set(t, box, g, 1), 0);
	EXPECT_EQ(t[box].modules, 0);
	EXPECT_EQ(ns_set(t, box, a, 0), -1);
}

TEST(delete_refuses_host_children_and_tasks)
{
	struct nslsm_ns *t = new_table();
	uint32_t box = create(t, "box", NULL, 0);
	uint32_t inner = create(t, "inner", "box", 0);
	static uint32_t tasks[NSLSM_MAX_NS];

	EXPECT_EQ(ns_delete(t, 0, NULL), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "host");
	EXPECT_EQ(ns_delete(t, box, NULL), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "nested");
	tasks[inner] = 2;
	EXPECT_EQ(ns_delete(t, inner, tasks), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "still has 2 tasks");
	tasks[inner] = 0;
	EXPECT_EQ(ns_delete(t, inner, tasks), 0);
	EXPECT_EQ(ns_delete(t, box, tasks), 0);
	EXPECT_EQ(ns_find(t, "box"), -1);
	/* The name and the slot can be used again. */
	EXPECT_EQ(create(t, "box", NULL, 0), box);
}

TEST(enrol_blob_lists_every_level_from_host)
{
	struct nslsm_ns *t = new_table();
	uint32_t a = create(t, "a", NULL, YAMA);
	uint32_t b = create(t, "b", "a", YAMA);
	uint32_t labels[NSLSM_MAX_MODULES] = { 7 };
	struct nslsm_task_blob blob;

	t[b].parent_label[0] = 5;
	EXPECT_EQ(ns_enrol_blob(t, b, 42, labels, &blob), 0);
	EXPECT_EQ(blob.n_contids, 1);
	EXPECT_EQ(blob.contid[0], 42);
	EXPECT_EQ(blob.flags, NSLSM_TASK_ENROLLED);
	EXPECT_EQ(blob.depth, 2);
	EXPECT_EQ(blob.level[0].ns_id, 0);
	EXPECT_EQ(blob.level[1].ns_id, a);
	EXPECT_EQ(blob.level[2].ns_id, b);
	/* An ancestor level carries the label it gave the child namespace. */
	EXPECT_EQ(blob.level[1].label[0], 5);
	EXPECT_EQ(blob.level[2].label[0], 7);
}

TEST(chain_detects_corruption)
{
	struct nslsm_ns *t = new_table();
	uint32_t a = create(t, "a", NULL, 0);
	uint32_t chain[NSLSM_MAX_DEPTH];

	t[a].depth = 3;
	EXPECT_EQ(ns_chain(t, a, chain), -1);
	EXPECT_EQ(ns_chain(t, 999, chain), -1);
}

TEST(audit_settings_are_flags)
{
	struct nslsm_ns *t = new_table();
	uint32_t box = create(t, "box", NULL, 0);
	char *on[] = { "audit.delegate_contid=1", "audit.net=1" }, *bad[] = { "audit.net=yes" },
	     *unknown[] = { "audit.everything=1" };

	EXPECT_EQ(ns_set(t, box, on, 2), 0);
	EXPECT_EQ(t[box].audit.delegate_contid, 1);
	EXPECT_EQ(t[box].audit.net, 1);
	EXPECT_EQ(ns_set(t, box, bad, 1), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "expected 0 or 1");
	EXPECT_EQ(ns_set(t, box, unknown, 1), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "no audit setting 'everything'");
}

TEST(boundary_denies_by_default_and_takes_its_values)
{
	struct nslsm_ns *t = new_table();
	uint32_t box = create(t, "box", NULL, 0);
	char *set[] = { "boundary.ptrace=allow", "boundary.signal=parent" },
	     *parent_ptrace[] = { "boundary.ptrace=parent" }, *bad[] = { "boundary.sched=maybe" },
	     *unknown[] = { "boundary.mount=allow" }, *host[] = { "boundary.signal=allow" };

	EXPECT_EQ(t[box].boundary.ptrace, NSLSM_BOUNDARY_DENY);
	EXPECT_EQ(t[box].boundary.signal, NSLSM_BOUNDARY_DENY);
	EXPECT_EQ(t[box].boundary.sched, NSLSM_BOUNDARY_DENY);
	EXPECT_EQ(ns_set(t, box, set, 2), 0);
	EXPECT_EQ(t[box].boundary.ptrace, NSLSM_BOUNDARY_ALLOW);
	EXPECT_EQ(t[box].boundary.signal, NSLSM_BOUNDARY_PARENT);
	EXPECT_EQ(ns_set(t, box, parent_ptrace, 1), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "'boundary.ptrace=parent': expected 'deny' or 'allow'");
	EXPECT_EQ(ns_set(t, box, bad, 1), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "expected 'deny' or 'allow'");
	EXPECT_EQ(ns_set(t, box, unknown, 1), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "no boundary setting 'mount'");
	EXPECT_EQ(ns_set(t, 0, host, 1), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "the host has no boundary");
}

TEST(boundary_child_never_allows_more_than_an_ancestor)
{
	struct nslsm_ns *t = new_table();
	uint32_t outer = create(t, "outer", NULL, 0);
	uint32_t mid = create(t, "mid", "outer", 0);
	uint32_t inner = create(t, "inner", "mid", 0);
	char *allow[] = { "boundary.ptrace=allow" }, *deny[] = { "boundary.ptrace=deny" },
	     *both[] = { "boundary.ptrace=allow", "boundary.signal=allow" };

	/* the grandparent's deny binds, however far up */
	EXPECT_EQ(ns_set(t, mid, allow, 1), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "namespace 'mid' cannot allow more than its ancestor "
					   "'outer' (boundary.ptrace=deny)");
	EXPECT_EQ(ns_set(t, outer, both, 2), 0);
	EXPECT_EQ(ns_set(t, mid, allow, 1), 0);
	EXPECT_EQ(ns_set(t, inner, both, 2), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "'inner' cannot allow more than its ancestor 'mid' "
					   "(boundary.signal=deny)");
	EXPECT_EQ(t[inner].boundary.ptrace, NSLSM_BOUNDARY_DENY);	/* all or none */
	EXPECT_EQ(ns_set(t, inner, allow, 1), 0);
	/* a stricter ancestor tightens every descendant, and no one else */
	EXPECT_EQ(ns_set(t, outer, deny, 1), 0);
	EXPECT_EQ(t[mid].boundary.ptrace, NSLSM_BOUNDARY_DENY);
	EXPECT_EQ(t[inner].boundary.ptrace, NSLSM_BOUNDARY_DENY);
	EXPECT_EQ(t[outer].boundary.signal, NSLSM_BOUNDARY_ALLOW);
}

TEST(audit_queue_is_a_power_of_two_within_bounds)
{
	struct nslsm_ns *t = new_table();
	uint32_t box = create(t, "box", NULL, 0);
	char *ok[] = { "audit.queue=65536" }, *odd[] = { "audit.queue=100000" },
	     *small[] = { "audit.queue=4096" }, *big[] = { "audit.queue=134217728" },
	     *word[] = { "audit.queue=1M" };

	EXPECT_EQ(t[0].audit.queue, NSLSM_AUDIT_QUEUE_HOST);
	EXPECT_EQ(t[box].audit.queue, NSLSM_AUDIT_QUEUE_DEFAULT);
	EXPECT_EQ(ns_set(t, box, ok, 1), 0);
	EXPECT_EQ(t[box].audit.queue, 65536);
	EXPECT_EQ(ns_set(t, box, odd, 1), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "'audit.queue=100000': an audit queue's size is a power "
					   "of two (a ring buffer of whole pages), such as 65536");
	EXPECT_EQ(ns_set(t, box, small, 1), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "'audit.queue=4096': an audit queue has 16384 to 67108864 bytes");
	EXPECT_EQ(ns_set(t, box, big, 1), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "an audit queue has 16384 to 67108864 bytes");
	EXPECT_EQ(ns_set(t, box, word, 1), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "audit.queue '1M': not a decimal number");
	EXPECT_EQ(t[box].audit.queue, 65536);
}

TEST(audit_rate_is_records_per_second)
{
	struct nslsm_ns *t = new_table();
	uint32_t box = create(t, "box", NULL, 0);
	char *ok[] = { "audit.rate=50" }, *off[] = { "audit.rate=0" }, *big[] = { "audit.rate=2000000" };

	EXPECT_EQ(t[box].audit.rate, 0);
	EXPECT_EQ(ns_set(t, box, ok, 1), 0);
	EXPECT_EQ(t[box].audit.rate, 50);
	EXPECT_EQ(ns_set(t, box, big, 1), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "audit.rate '2000000': must be between 0 and 1000000");
	EXPECT_EQ(ns_set(t, box, off, 1), 0);
	EXPECT_EQ(t[box].audit.rate, 0);
}

/* Every module's MODULE.mode through the module table: Yama's is the
 * namespace's complain bit, AppArmor's its own three-way setting; the
 * value reads back as it was typed, and a bad one changes nothing. */
TEST(module_mode_set_and_format_through_the_table)
{
	const struct nslsm_module *yama = module_by_name("yama"),
				  *aa = module_by_name("apparmor");
	struct nslsm_ns ns = { 0 };
	char buf[32];

	EXPECT(yama && aa);
	EXPECT_EQ(module_mode_set(yama, &ns, "complain"), 0);
	EXPECT_EQ(ns.complain, 1u << NSLSM_MOD_YAMA);
	module_mode_format(yama, &ns, buf, sizeof(buf));
	EXPECT(!strcmp(buf, "complain"));
	EXPECT_EQ(module_mode_set(yama, &ns, "profile"), -1);
	EXPECT_EQ(ns.complain, 1u << NSLSM_MOD_YAMA);
	EXPECT_EQ(module_mode_set(yama, &ns, "enforce"), 0);
	EXPECT_EQ(ns.complain, 0);

	module_mode_format(aa, &ns, buf, sizeof(buf));
	EXPECT(!strcmp(buf, "profile"));
	EXPECT_EQ(module_mode_set(aa, &ns, "complain"), 0);
	EXPECT_EQ(ns.aa_mode, NSLSM_AA_NS_COMPLAIN);
	EXPECT_EQ(ns.complain, 0);	/* AppArmor's mode is its own field */
	module_mode_format(aa, &ns, buf, sizeof(buf));
	EXPECT(!strcmp(buf, "complain"));
	EXPECT_EQ(module_mode_set(aa, &ns, "sometimes"), -1);
	EXPECT_EQ(ns.aa_mode, NSLSM_AA_NS_COMPLAIN);
	EXPECT_EQ(module_mode_set(aa, &ns, "enforce"), 0);
	module_mode_format(aa, &ns, buf, sizeof(buf));
	EXPECT(!strcmp(buf, "enforce"));
	EXPECT(strstr(module_mode_help(aa), "profile") != NULL);
	EXPECT(!strcmp(module_mode_help(yama), "enforce|complain"));
}

TEST(admin_locked_and_delegate_bind_the_namespace_and_every_descendant_never_the_host)
{
	struct nslsm_ns *t = new_table();
	uint32_t box = create(t, "box", NULL, 0), inner = create(t, "inner", "box", 0), by = 99;
	uint32_t other = create(t, "other", NULL, 0);
	char on[] = "admin.locked=1", off[] = "admin.locked=0", bad[] = "admin.locked=2";
	char host[] = "admin.locked=1", nokey[] = "admin.open=1", delegate[] = "admin.delegate=1";
	char *kv[] = { on };

	EXPECT(!ns_admin_locked(t, inner, &by));
	EXPECT_EQ(ns_set(t, box, kv, 1), 0);
	EXPECT(t[box].flags & NSLSM_NS_IN_USE);
	EXPECT(ns_admin_locked(t, box, &by));
	EXPECT_EQ(by, box);
	EXPECT(ns_admin_locked(t, inner, &by));
	EXPECT_EQ(by, box);
	EXPECT(!ns_admin_locked(t, other, &by));
	EXPECT(!ns_admin_locked(t, 0, &by));
	kv[0] = bad;
	EXPECT_EQ(ns_set(t, box, kv, 1), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "expected 0 or 1");
	kv[0] = host;
	EXPECT_EQ(ns_set(t, 0, kv, 1), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "the host is administered from the host");
	kv[0] = nokey;
	EXPECT_EQ(ns_set(t, box, kv, 1), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "no admin setting 'open'");
	kv[0] = off;
	EXPECT_EQ(ns_set(t, box, kv, 1), 0);
	EXPECT(!ns_admin_locked(t, inner, &by));
	EXPECT(ns_in_use(&t[box]));
	/* admin.delegate: the same reach, a flag of its own */
	EXPECT(!ns_admin_delegated(t, inner));
	kv[0] = delegate;
	EXPECT_EQ(ns_set(t, box, kv, 1), 0);
	EXPECT(ns_admin_delegated(t, box));
	EXPECT(ns_admin_delegated(t, inner));
	EXPECT(!ns_admin_delegated(t, other));
	EXPECT(!ns_admin_locked(t, inner, &by));
	free(t);
}
