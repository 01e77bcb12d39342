// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nslsm/limits.h"
#include "error.h"
#include "parse.h"

int parse_u64(const char *s, uint64_t min, uint64_t max, const char *what, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s)
		return nslsm_fail("%s: empty value", what);
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			return nslsm_fail("%s '%s': not a decimal number", what, s);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE || *end)
		return nslsm_fail("%s '%s': out of range", what, s);
	if (v < min || v > max)
		return nslsm_fail("%s '%s': must be between %llu and %llu", what, s,
				  (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

int parse_contid(const char *s, uint64_t *out)
{
	if (s && (!strcmp(s, "0") || !strcmp(s, "18446744073709551615")))
		return nslsm_fail("container id '%s' is reserved (0 and 2^64-1 mean \"none\" and \"unset\")", s);
	return parse_u64(s, 1, UINT64_MAX - 1, "container id", out);
}

int check_ns_name(const char *name)
{
	size_t len = strlen(name);

	if (!len)
		return nslsm_fail("namespace name is empty");
	if (len >= NSLSM_NAME_MAX)
		return nslsm_fail("namespace name '%s' is too long (at most %d characters)", name,
				  NSLSM_NAME_MAX - 1);
	if (name[0] == '.' || name[0] == '-')
		return nslsm_fail("namespace name '%s' may not start with '%c'", name, name[0]);
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			return nslsm_fail("namespace name '%s': character '%c' is not allowed "
					  "(use letters, digits, '_', '.', '-')", name, *p);
	return 0;
}

int split_kv(char *arg, char **key, char **value, bool allow_empty)
{
	char *eq = strchr(arg, '=');

	if (!eq)
		return nslsm_fail("'%s': expected KEY=VALUE", arg);
	if (eq == arg)
		return nslsm_fail("'%s': the key is empty", arg);
	*eq = 0;
	*key = arg;
	*value = eq + 1;
	if (!allow_empty && !**value)
		return nslsm_fail("'%s=': the value is empty", arg);
	return 0;
}
