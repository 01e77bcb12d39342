// SPDX-License-Identifier: GPL-2.0
/*
 * The AppArmor binary policy unpacker, the reference matcher and the map
 * layout. Profiles are compiled with Debian's apparmor_parser against the
 * features ABI nslsm ships, so these tests read what the kernel would.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apparmor/policy.h"
#include "apparmor/store.h"
#include "lib/error.h"
#include "test.h"

#define FEATURES "share/apparmor/features-6.1"

/* Compile profile text with apparmor_parser against nslsm's features file;
 * returns a malloc'd binary policy (also used by aafs_test.c). */
char *compile_text(const char *text, size_t *len)
{
	char src[] = "/tmp/nslsm-aa-unit-XXXXXX", cmd[512];
	size_t cap = 1 << 20;
	char *buf = malloc(cap);
	FILE *f, *p;
	int fd = mkstemp(src);

	if (fd < 0 || !buf)
		return NULL;
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "apparmor_parser -S -Q -q -K -M %s %s 2>/dev/null", FEATURES, src);
	p = popen(cmd, "r");
	*len = p ? fread(buf, 1, cap, p) : 0;
	if (!p || pclose(p) != 0 || !*len) {
		unlink(src);
		free(buf);
		return NULL;
	}
	unlink(src);
	return buf;
}

static const char *basic =
	"abi <abi/3.0>,\n"
	"profile unit_basic {\n"
	"  /etc/** r,\n"
	"  /tmp/w/** rw,\n"
	"  deny /tmp/w/secret w,\n"
	"  owner /home/*/** rw,\n"
	"  /usr/bin/true ix,\n"
	"  /usr/bin/child cx -> kid,\n"
	"  /usr/bin/other px -> unit_other,\n"
	"  /lib/** mr,\n"
	"  /tmp/dir/ r,\n"
	"  network inet stream,\n"
	"  capability chown,\n"
	"  profile kid { /tmp/kid/* r, }\n"
	"}\n"
	"profile unit_other /usr/sbin/other* { /var/** r, }\n";

/* basic, compiled, unpacked and laid into fresh pools as namespace 1. */
static bool load_basic(struct aa_pools *pl, struct aa_policy *pol)
{
	size_t len;
	char *bin = compile_text(basic, &len);
	bool ok = bin && !aa_policy_unpack(bin, len, "basic", pol) && !aa_pools_alloc(pl) &&
		  !aa_store_apply(pl, 1, "box", AA_LOAD, pol, NULL, 0);

	free(bin);
	EXPECT(ok);
	return ok;
}

static const struct aa_profile *find(const struct aa_policy *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->profiles[i].name, name))
			return &p->profiles[i];
	return NULL;
}

TEST(apparmor_unpacks_a_compiled_policy)
{
	struct aa_policy pol;
	size_t len;
	char *bin = compile_text(basic, &len);

	EXPECT(bin != NULL);
	if (!bin)
		return;
	EXPECT_EQ(aa_policy_unpack(bin, len, "basic", &pol), 0);
	EXPECT_EQ(pol.n, 3);
	EXPECT(find(&pol, "unit_basic") != NULL);
	EXPECT(find(&pol, "unit_basic//kid") != NULL);
	EXPECT(find(&pol, "unit_other") != NULL);
	EXPECT(find(&pol, "unit_other")->xmatch.dfa != NULL);
	EXPECT(find(&pol, "unit_basic")->caps_allow & (1ull << 0));	/* chown */
	EXPECT(!(find(&pol, "unit_basic")->caps_allow & (1ull << 1)));
	aa_policy_free(&pol);
	free(bin);
}

TEST(apparmor_reference_matches_the_rules)
{
	struct aa_policy pol;
	const struct aa_profile *p;
	size_t len;
	char *bin = compile_text(basic, &len);

	if (!bin || aa_policy_unpack(bin, len, "basic", &pol)) {
		EXPECT(0);
		free(bin);
		return;
	}
	p = find(&pol, "unit_basic");
	EXPECT(aa_profile_file_perms(p, "/etc/passwd", true).allow & AA_MAY_READ);
	EXPECT(!(aa_profile_file_perms(p, "/etc/passwd", true).allow & AA_MAY_WRITE));
	EXPECT(aa_profile_file_perms(p, "/tmp/w/a/b", true).allow & AA_MAY_WRITE);
	EXPECT(!(aa_profile_file_perms(p, "/tmp/w/secret", true).allow & AA_MAY_WRITE));
	EXPECT(aa_profile_file_perms(p, "/tmp/w/secret", true).allow & AA_MAY_READ);
	/* owner: only when the task owns the file */
	EXPECT(aa_profile_file_perms(p, "/home/u/x", true).allow & AA_MAY_WRITE);
	EXPECT(!(aa_profile_file_perms(p, "/home/u/x", false).allow & AA_MAY_READ));
	/* mmap and exec transitions */
	EXPECT(aa_profile_file_perms(p, "/lib/libc.so", true).allow & AA_EXEC_MMAP);
	EXPECT_EQ(aa_profile_file_perms(p, "/usr/bin/true", true).xindex & AA_X_INHERIT,
		  AA_X_INHERIT);
	/* "cx -> kid" is a named transition to the child "unit_basic//kid" */
	EXPECT_EQ(aa_profile_file_perms(p, "/usr/bin/child", true).xindex & AA_X_TYPE_MASK,
		  AA_X_TABLE);
	EXPECT_EQ(aa_profile_file_perms(p, "/usr/bin/other", true).xindex & AA_X_TYPE_MASK,
		  AA_X_TABLE);
	/* directories match with their trailing '/' */
	EXPECT(aa_profile_file_perms(p, "/tmp/dir/", true).allow & AA_MAY_READ);
	EXPECT(!(aa_profile_file_perms(p, "/tmp/dir", true).allow & AA_MAY_READ));
	/* network: inet stream only */
	EXPECT(aa_profile_net_perms(p, 2, 1).allow & AA_MAY_CREATE);
	EXPECT(!(aa_profile_net_perms(p, 2, 2).allow & AA_MAY_CREATE));
	/* attachment */
	{
		uint32_t l = 0;

		EXPECT(aa_profile_attaches(find(&pol, "unit_other"), "/usr/sbin/otherd", &l));
		EXPECT(!aa_profile_attaches(find(&pol, "unit_other"), "/usr/sbin/x", &l));
	}
	aa_policy_free(&pol);
	free(bin);
}

/* The map layout walked as BPF walks it gives the reference's verdicts. */
TEST(apparmor_map_layout_agrees_with_the_reference)
{
	static const char *paths[] = {
		"/", "/etc/", "/etc/passwd", "/tmp/w/x", "/tmp/w/secret", "/home/u/f",
		"/lib/x.so", "/usr/bin/true", "/usr/bin/child", "/usr/bin/other", "/tmp/dir/",
		"/tmp/kid/a", "/var/log/x", "/nonexistent", "",
	};
	struct aa_pools pl;
	struct aa_policy pol;

	if (!load_basic(&pl, &pol))
		return;
	for (size_t i = 0; i < pol.n; i++) {
		uint32_t id = aa_store_find(&pl, 1, pol.profiles[i].name);

		EXPECT(id != 0);
		for (size_t k = 0; k < sizeof(paths) / sizeof(paths[0]); k++)
			for (int owner = 0; owner < 2; owner++) {
				struct nslsm_aa_perms a = aa_profile_file_perms(&pol.profiles[i],
										paths[k], owner);
				struct nslsm_aa_perms b = aa_store_file_perms(&pl, id, paths[k], owner);

				EXPECT(!memcmp(&a, &b, sizeof(a)));
			}
	}
	/* the named transition resolves to the loaded target */
	{
		uint32_t id = aa_store_find(&pl, 1, "unit_basic");
		const struct nslsm_aa_profile *p = &pl.profiles[id];

		EXPECT_EQ(p->xtable_n, 2);
		EXPECT(pl.xtable[p->xtable_off].label == aa_store_find(&pl, 1, "unit_other") ||
		       pl.xtable[p->xtable_off + 1].label == aa_store_find(&pl, 1, "unit_other"));
		EXPECT(pl.xtable[p->xtable_off].label == aa_store_find(&pl, 1, "unit_basic//kid") ||
		       pl.xtable[p->xtable_off + 1].label ==
			       aa_store_find(&pl, 1, "unit_basic//kid"));
		EXPECT_EQ(pl.profiles[aa_store_find(&pl, 1, "unit_basic//kid")].parent, id);
		EXPECT_EQ(pl.nsconf[1].n_attach, 1);
	}
	aa_pools_close(&pl);
	aa_policy_free(&pol);
}

TEST(apparmor_load_replace_remove_are_all_or_nothing)
{
	static struct nslsm_aa_profile before[NSLSM_AA_MAX_PROFILES];
	struct aa_pools pl;
	struct aa_policy pol;
	char *names[] = { "unit_basic", "nosuch" };

	if (!load_basic(&pl, &pol))
		return;
	memcpy(before, pl.profiles, sizeof(before));
	/* load again: exists -> error, nothing changes */
	EXPECT(aa_store_apply(&pl, 1, "box", AA_LOAD, &pol, NULL, 0) < 0);
	EXPECT_STR_CONTAINS(nslsm_error(), "already has AppArmor profile 'unit_basic'");
	EXPECT(!memcmp(before, pl.profiles, sizeof(before)));
	/* remove with one unknown name: nothing removed */
	EXPECT(aa_store_apply(&pl, 1, "box", AA_REMOVE, NULL, names, 2) < 0);
	EXPECT_STR_CONTAINS(nslsm_error(), "no AppArmor profile 'nosuch'");
	EXPECT(!memcmp(before, pl.profiles, sizeof(before)));
	/* replace keeps the slots and bumps the generation */
	{
		uint32_t id = aa_store_find(&pl, 1, "unit_basic");

		EXPECT_EQ(aa_store_apply(&pl, 1, "box", AA_REPLACE, &pol, NULL, 0), 0);
		EXPECT_EQ(aa_store_find(&pl, 1, "unit_basic"), id);
		EXPECT_EQ(pl.profiles[id].generation, before[id].generation + 1);
	}
	/* remove takes the children along; the slot is never reused */
	{
		uint32_t id = aa_store_find(&pl, 1, "unit_basic");

		EXPECT_EQ(aa_store_apply(&pl, 1, "box", AA_REMOVE, NULL, names, 1), 0);
		EXPECT_EQ(aa_store_find(&pl, 1, "unit_basic"), 0);
		EXPECT_EQ(aa_store_find(&pl, 1, "unit_basic//kid"), 0);
		EXPECT(aa_store_find(&pl, 1, "unit_other") != 0);
		EXPECT_EQ(aa_store_apply(&pl, 1, "box", AA_REPLACE, &pol, NULL, 0), 0);
		EXPECT(aa_store_find(&pl, 1, "unit_basic") != id);
	}
	/* another namespace is separate */
	EXPECT_EQ(aa_store_find(&pl, 2, "unit_other"), 0);
	aa_pools_close(&pl);
	aa_policy_free(&pol);
}

TEST(apparmor_labels_and_stacks)
{
	struct aa_pools pl;
	struct aa_policy pol;
	uint32_t l1, l2, l3;
	char name[256];

	if (!load_basic(&pl, &pol))
		return;
	EXPECT_EQ(aa_store_label(&pl, 1, "unconfined", &l1), 0);
	EXPECT_EQ(l1, 0);
	EXPECT_EQ(aa_store_label(&pl, 1, "unit_basic", &l1), 0);
	EXPECT_EQ(l1, aa_store_find(&pl, 1, "unit_basic"));
	EXPECT_EQ(aa_store_label(&pl, 1, "unit_basic//&unit_other", &l2), 0);
	EXPECT(l2 & NSLSM_AA_LABEL_STACK);
	EXPECT_EQ(aa_store_label(&pl, 1, "unit_basic//&unit_other", &l3), 0);
	EXPECT_EQ(l2, l3);	/* the same stack is the same label */
	aa_store_label_name(&pl, l2, name, sizeof(name));
	EXPECT_STR_CONTAINS(name, "unit_basic//&unit_other");
	EXPECT(aa_store_label(&pl, 1, "unit_basic//&nosuch", &l3) < 0);
	EXPECT_STR_CONTAINS(nslsm_error(), "'nosuch' is not loaded");
	EXPECT(aa_store_label(&pl, 1, "unit_basic//&unit_basic", &l3) < 0);
	EXPECT(aa_store_label(&pl, 2, "unit_basic", &l3) < 0);
	aa_pools_close(&pl);
	aa_policy_free(&pol);
}

/* What change_profile and change_hat find in the maps: names by hash,
 * parents that have children, ptrace mediation. */
TEST(apparmor_names_children_and_ptrace_in_the_maps)
{
	struct aa_pools pl;
	struct aa_policy pol;
	const struct nslsm_aa_profile *b, *k, *o;

	if (!load_basic(&pl, &pol))
		return;
	b = &pl.profiles[aa_store_find(&pl, 1, "unit_basic")];
	k = &pl.profiles[aa_store_find(&pl, 1, "unit_basic//kid")];
	o = &pl.profiles[aa_store_find(&pl, 1, "unit_other")];
	EXPECT_EQ(b->name_hash, nslsm_aa_name_hash("unit_basic"));
	EXPECT_EQ(k->name_hash, nslsm_aa_name_hash("unit_basic//kid"));
	EXPECT(b->name_hash != o->name_hash);
	EXPECT(b->flags & NSLSM_AA_P_CHILDREN);
	EXPECT(!(k->flags & NSLSM_AA_P_CHILDREN));
	EXPECT(!(o->flags & NSLSM_AA_P_CHILDREN));
	/* apparmor_parser marks every profile as mediating ptrace */
	EXPECT(b->flags & NSLSM_AA_P_PTRACE);
	/* replacing the parent alone keeps its children's mark */
	EXPECT_EQ(aa_store_apply(&pl, 1, "box", AA_REPLACE, &pol, NULL, 0), 0);
	b = &pl.profiles[aa_store_find(&pl, 1, "unit_basic")];
	EXPECT(b->flags & NSLSM_AA_P_CHILDREN);
	aa_pools_close(&pl);
	aa_policy_free(&pol);
}

/* Every truncation and a spread of corruptions: a clear error, never a
 * crash, never a half-result. */
TEST(apparmor_malformed_policy_is_rejected_with_the_offset)
{
	struct aa_policy pol;
	size_t len;
	char *bin = compile_text(basic, &len), *copy;

	if (!bin) {
		EXPECT(0);
		return;
	}
	copy = malloc(len);
	for (size_t cut = 0; cut < len; cut += (cut < 512 ? 1 : 97)) {
		memcpy(copy, bin, cut);
		if (aa_policy_unpack(copy, cut, "cut", &pol) == 0) {
			/* a cut on a profile boundary is a valid shorter stream */
			EXPECT(pol.n < 3);
			aa_policy_free(&pol);
		} else {
			EXPECT(pol.n == 0 && pol.profiles == NULL);
		}
	}
	for (size_t at = 0; at < len; at += 13) {
		memcpy(copy, bin, len);
		copy[at] ^= 0x5a;
		if (aa_policy_unpack(copy, len, "flipped", &pol) == 0)
			aa_policy_free(&pol);
	}
	EXPECT(aa_policy_unpack("garbage!", 8, "g.bin", &pol) < 0);
	EXPECT_STR_CONTAINS(nslsm_error(), "g.bin: not an AppArmor binary policy");
	memcpy(copy, bin, len);
	EXPECT(aa_policy_unpack(copy, len / 2, "half.bin", &pol) < 0);
	EXPECT_STR_CONTAINS(nslsm_error(), "half.bin: profile 'unit_basic");
	EXPECT_STR_CONTAINS(nslsm_error(), "offset");
	free(copy);
	free(bin);
}

TEST(apparmor_perm_masks)
{
	char buf[32];
	uint32_t m;

	aa_perm_mask_str(AA_MAY_READ | AA_MAY_WRITE, buf, sizeof(buf));
	EXPECT(!strcmp(buf, "wr"));
	aa_perm_mask_str(AA_EXEC_MMAP | AA_MAY_LOCK | AA_MAY_LINK, buf, sizeof(buf));
	EXPECT(!strcmp(buf, "kml"));
	EXPECT_EQ(aa_perm_mask_parse("rwx", &m), 0);
	EXPECT_EQ(m, AA_MAY_READ | AA_MAY_WRITE | AA_MAY_EXEC);
	EXPECT(aa_perm_mask_parse("rz", &m) < 0);
	EXPECT_STR_CONTAINS(nslsm_error(), "unknown permission 'z'");
}
