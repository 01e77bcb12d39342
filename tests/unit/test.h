/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small unit-test harness. TEST(name) registers a test; each runs in its
 * own forked process so a crash or a sanitizer report fails that test only.
 */
#ifndef NSLSM_TEST_H
#define NSLSM_TEST_H

#include <stdio.h>
#include <string.h>

void test_register(const char *name, void (*fn)(void));
void test_failed(const char *file, int line, const char *what);
void test_failed_contains(const char *file, int line, const char *hay, const char *needle);

#define TEST(name)                                                             \
	static void name(void);                                                \
	__attribute__((constructor)) static void register_##name(void)        \
	{                                                                      \
		test_register(#name, name);                                    \
	}                                                                      \
	static void name(void)

#define EXPECT(cond)                                                           \
	do {                                                                   \
		if (!(cond))                                                   \
			test_failed(__FILE__, __LINE__, #cond);                \
	} while (0)

#define EXPECT_EQ(a, b)                                                        \
	do {                                                                   \
		long long __a = (long long)(a), __b = (long long)(b);          \
		if (__a != __b) {                                              \
			char __m[256];                                         \
			snprintf(__m, sizeof(__m), "%s == %s (%lld != %lld)",  \
				 #a, #b, __a, __b);                            \
			test_failed(__FILE__, __LINE__, __m);                  \
		}                                                              \
	} while (0)

#define EXPECT_STR_CONTAINS(hay, needle)                                       \
	do {                                                                   \
		if (!strstr((hay), (needle)))                                  \
			test_failed_contains(__FILE__, __LINE__, (hay), (needle)); \
	} while (0)

#include <stddef.h>

/* Profile text compiled by apparmor_parser (tests/unit/apparmor_test.c). */
char *compile_text(const char *text, size_t *len);

#endif /* NSLSM_TEST_H */
