// SPDX-License-Identifier: GPL-2.0
/*
 * nslsm-apparmorfs's tree on plain pools: the features file served as the
 * kernel lays it out, each bad policy write failing with the kernel's
 * errno and leaving the pools byte for byte as they were, .access answers.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apparmorfs/tree.h"
#include "lib/error.h"
#include "lib/io.h"
#include "test.h"

#define FEATURES "share/apparmor/features-6.1"

static const char *two =
	"abi <abi/3.0>,\n"
	"profile aafs_a { /etc/** r, profile kid { /tmp/k r, } }\n"
	"profile aafs_b flags=(complain) { /var/** rw, }\n";

TEST(aafs_features_tree_is_the_features_file)
{
	struct aafs_node root;
	const struct aafs_node *n;
	char *buf;
	size_t len;
	FILE *f = fopen(FEATURES, "r");

	EXPECT(f != NULL);
	buf = malloc(1 << 20);
	len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	EXPECT(aafs_features_parse(buf, len, &root) == 0);
	n = aafs_features_lookup(&root, "policy/set_load");
	EXPECT(n && !n->dir && !strcmp(n->text, "yes\n"));
	n = aafs_features_lookup(&root, "capability");
	EXPECT(n && !n->dir && !strcmp(n->text, "0xffffff\n"));
	n = aafs_features_lookup(&root, "policy/versions");
	EXPECT(n && n->dir && n->n >= 4);
	n = aafs_features_lookup(&root, "caps/mask");
	EXPECT(n && strstr(n->text, "mac_admin"));
	EXPECT(aafs_features_lookup(&root, "dbus") == NULL);
	EXPECT(aafs_features_lookup(&root, "policy/set_load/x") == NULL);
	aafs_features_free(&root);
	/* broken files are refused */
	EXPECT(aafs_features_parse("a {b {yes\n}", 11, &root) < 0);
	EXPECT(aafs_features_parse("a {x y{ }", 9, &root) < 0);
	EXPECT(aafs_features_parse("a {yes\n} a {no\n}", 16, &root) < 0);
	EXPECT(aafs_features_parse("}", 1, &root) < 0);
	free(buf);
}

static bool same_pools(const struct aa_pools *a, const struct aa_pools *b)
{
	return !memcmp(a->profiles, b->profiles, NSLSM_AA_MAX_PROFILES * sizeof(*a->profiles)) &&
	       !memcmp(a->nsconf, b->nsconf, NSLSM_MAX_NS * sizeof(*a->nsconf));
}

TEST(aafs_bad_writes_fail_with_the_kernels_errno_and_change_nothing)
{
	struct aa_pools pl, copy;
	size_t len;
	char *bin = compile_text(two, &len);

	EXPECT(bin != NULL);
	EXPECT(aa_pools_alloc(&pl) == 0 && aa_pools_alloc(&copy) == 0);
	EXPECT(aafs_policy_write(&pl, 1, "c", AA_LOAD, bin, len) == 0);
	EXPECT(aa_store_find(&pl, 1, "aafs_a") && aa_store_find(&pl, 1, "aafs_a//kid"));
	EXPECT(!aa_store_find(&pl, 2, "aafs_a"));
	memcpy(copy.profiles, pl.profiles, NSLSM_AA_MAX_PROFILES * sizeof(*pl.profiles));
	memcpy(copy.nsconf, pl.nsconf, NSLSM_MAX_NS * sizeof(*pl.nsconf));

	EXPECT_EQ(aafs_policy_write(&pl, 1, "c", AA_LOAD, bin, len), -EEXIST);
	EXPECT_EQ(aafs_policy_write(&pl, 1, "c", AA_REPLACE, "hello", 5), -EPROTONOSUPPORT);
	EXPECT_EQ(aafs_policy_write(&pl, 1, "c", AA_REPLACE, bin, 4), -EPROTONOSUPPORT);
	EXPECT_EQ(aafs_policy_write(&pl, 1, "c", AA_REPLACE, bin, len / 2), -EPROTO);
	{
		/* interface version 4: verify_header refuses it */
		char *v4 = malloc(len);

		memcpy(v4, bin, len);
		v4[12] = 4;
		EXPECT_EQ(aafs_policy_write(&pl, 1, "c", AA_REPLACE, v4, len), -EPROTONOSUPPORT);
		/* the same in the header of the write's second profile */
		memcpy(v4, bin, len);
		{
			static const char hdr[] = "\x04\x08\x00version\x00\x02";
			size_t at = 0;

			for (size_t i = 1; i + sizeof(hdr) < len && !at; i++)
				if (!memcmp(v4 + i, hdr, sizeof(hdr) - 1))
					at = i;
			EXPECT(at > 0);
			if (at) {
				v4[at + 12] = 4;
				EXPECT_EQ(aafs_policy_write(&pl, 1, "c", AA_REPLACE, v4, len),
					  -EPROTONOSUPPORT);
			}
		}
		free(v4);
	}
	EXPECT_EQ(aafs_policy_write(&pl, 1, "c", AA_REMOVE, "nosuch", 6), -ENOENT);
	EXPECT_EQ(aafs_policy_write(&pl, 1, "c", AA_REMOVE, "", 0), -ENOENT);
	EXPECT_EQ(aafs_policy_write(&pl, 2, "d", AA_REMOVE, "aafs_a", 6), -ENOENT);
	EXPECT(same_pools(&pl, &copy));

	/* a child whose parent is not loaded */
	{
		size_t kl;
		char *kid = compile_text("abi <abi/3.0>,\nprofile aafs_c//kid { /x r, }\n", &kl);

		if (kid) {
			EXPECT_EQ(aafs_policy_write(&pl, 1, "c", AA_LOAD, kid, kl), -ENOENT);
			EXPECT(same_pools(&pl, &copy));
			free(kid);
		}
	}
	/* replace is allowed; remove takes the children with the parent, the
	 * name as the kernel takes it (up to a NUL) */
	EXPECT_EQ(aafs_policy_write(&pl, 1, "c", AA_REPLACE, bin, len), 0);
	EXPECT_EQ(aafs_policy_write(&pl, 1, "c", AA_REMOVE, "aafs_a\0junk", 11), 0);
	EXPECT(!aa_store_find(&pl, 1, "aafs_a") && !aa_store_find(&pl, 1, "aafs_a//kid"));
	EXPECT(aa_store_find(&pl, 1, "aafs_b"));
	aa_pools_close(&pl);
	aa_pools_close(&copy);
	free(bin);
}

TEST(aafs_profiles_and_access_answer_as_the_kernel)
{
	struct aa_pools pl;
	struct nslsm_ns ns[NSLSM_MAX_NS] = {};
	char out[512], *text;
	size_t len, tl;
	char *bin = compile_text(two, &len);
	static const char q[] = "label\0aafs_a\0\002/etc/passwd";
	static const char qw[] = "label\0aafs_a\0\002/var/x";
	static const char qbad[] = "label\0nosuch\0\002/etc/passwd";
	static const char qnet[] = "label\0aafs_a\0\012x";
	static const char qdata[] = "data\0aafs_a\0key\0";
	int n;

	EXPECT(bin != NULL && aa_pools_alloc(&pl) == 0);
	EXPECT(aafs_policy_write(&pl, 1, "c", AA_LOAD, bin, len) == 0);
	EXPECT(aafs_profiles_text(&pl, ns, 1, &text, &tl) == 0);
	EXPECT_STR_CONTAINS(text, "aafs_a (enforce)\n");
	EXPECT_STR_CONTAINS(text, "aafs_a//kid (enforce)\n");
	EXPECT_STR_CONTAINS(text, "aafs_b (complain)\n");
	free(text);
	ns[1].aa_mode = NSLSM_AA_NS_ENFORCE;
	EXPECT(aafs_profiles_text(&pl, ns, 1, &text, &tl) == 0);
	EXPECT_STR_CONTAINS(text, "aafs_b (enforce)\n");
	free(text);

	n = aafs_query(&pl, 1, q, sizeof(q) - 1, true, out, sizeof(out));
	EXPECT(n > 0);
	EXPECT(strtoul(strstr(out, "allow ") + 6, NULL, 16) & AA_MAY_READ);
	n = aafs_query(&pl, 1, qw, sizeof(qw) - 1, true, out, sizeof(out));
	EXPECT(n > 0 && !(strtoul(strstr(out, "allow ") + 6, NULL, 16) & AA_MAY_READ));
	EXPECT_EQ(aafs_query(&pl, 1, qbad, sizeof(qbad) - 1, true, out, sizeof(out)), -ENOENT);
	EXPECT_EQ(aafs_query(&pl, 2, q, sizeof(q) - 1, true, out, sizeof(out)), -ENOENT);
	EXPECT_EQ(aafs_query(&pl, 1, qnet, sizeof(qnet) - 1, true, out, sizeof(out)),
		  -EPROTONOSUPPORT);
	EXPECT_EQ(aafs_query(&pl, 1, "label\0", 6, true, out, sizeof(out)), -EINVAL);
	EXPECT_EQ(aafs_query(&pl, 1, "nonsense", 8, true, out, sizeof(out)), -EINVAL);
	EXPECT_EQ(aafs_query(&pl, 1, qdata, sizeof(qdata) - 1, true, out, sizeof(out)), 8);
	/* unconfined: every permission */
	n = aafs_query(&pl, 1, "label\0unconfined\0\002/x", 21, true, out, sizeof(out));
	EXPECT(n > 0);
	EXPECT_STR_CONTAINS(out, "allow 0xffffffff\n");
	aa_pools_close(&pl);
	free(bin);
}
