// SPDX-License-Identifier: GPL-2.0
#include <stdint.h>
#include <stdlib.h>

#include "lib/error.h"
#include "lib/module.h"
#include "lib/parse.h"
#include "test.h"

TEST(contid_accepts_1_and_max_minus_one)
{
	uint64_t v;

	EXPECT_EQ(parse_contid("1", &v), 0);
	EXPECT_EQ(v, 1);
	EXPECT_EQ(parse_contid("18446744073709551614", &v), 0);
	EXPECT(v == UINT64_MAX - 1);
}

TEST(contid_rejects_reserved_ids_by_name)
{
	uint64_t v;

	EXPECT_EQ(parse_contid("0", &v), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "reserved");
	EXPECT_EQ(parse_contid("18446744073709551615", &v), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "reserved");
}

TEST(contid_rejects_garbage_overflow_and_signs)
{
	uint64_t v;
	const char *bad[] = { "", "-1", "+5", "12a", "0x10", " 7", "18446744073709551616",
			      "99999999999999999999999" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(parse_contid(bad[i], &v), -1);
	parse_contid("12a", &v);
	EXPECT_STR_CONTAINS(nslsm_error(), "'12a'");
}

TEST(ns_names_valid)
{
	EXPECT_EQ(check_ns_name("box"), 0);
	EXPECT_EQ(check_ns_name("web-1.prod_A"), 0);
	EXPECT_EQ(check_ns_name("0123456789012345678901234567890"), 0);
}

TEST(ns_names_invalid_with_reason)
{
	EXPECT_EQ(check_ns_name(""), -1);
	EXPECT_EQ(check_ns_name("01234567890123456789012345678901"), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "too long");
	EXPECT_EQ(check_ns_name("-x"), -1);
	EXPECT_EQ(check_ns_name(".x"), -1);
	EXPECT_EQ(check_ns_name("a/b"), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "'/'");
	EXPECT_EQ(check_ns_name("a b"), -1);
	EXPECT_EQ(check_ns_name("a\"b"), -1);
}

TEST(split_kv_forms)
{
	char a[] = "yama.ptrace_scope=3", b[] = "noequals", c[] = "=3", d[] = "k=";
	char *k, *v;

	EXPECT_EQ(split_kv(a, &k, &v, false), 0);
	EXPECT(!strcmp(k, "yama.ptrace_scope") && !strcmp(v, "3"));
	EXPECT_EQ(split_kv(b, &k, &v, false), -1);
	EXPECT_EQ(split_kv(c, &k, &v, false), -1);
	EXPECT_EQ(split_kv(d, &k, &v, false), -1);
	strcpy(d, "k=");
	EXPECT_EQ(split_kv(d, &k, &v, true), 0);
}

TEST(module_list_parse_and_format)
{
	uint32_t mask;
	char buf[64];

	EXPECT_EQ(module_list_parse("yama", &mask), 0);
	EXPECT_EQ(mask, 1u << NSLSM_MOD_YAMA);
	EXPECT_EQ(module_list_parse("none", &mask), 0);
	EXPECT_EQ(mask, 0);
	EXPECT_EQ(module_list_parse("", &mask), 0);
	EXPECT_EQ(module_list_parse("bogus", &mask), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "unknown module 'bogus'");
	EXPECT_EQ(module_list_parse("yama,yama", &mask), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "twice");
	EXPECT_EQ(module_list_parse(",", &mask), -1);
	module_list_format(1u << NSLSM_MOD_YAMA, buf, sizeof(buf));
	EXPECT(!strcmp(buf, "yama"));
	module_list_format(0, buf, sizeof(buf));
	EXPECT(!strcmp(buf, "none"));
}
