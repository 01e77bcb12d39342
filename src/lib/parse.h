/* SPDX-License-Identifier: GPL-2.0 */
/* Parsing and validation of everything a user types. */
#ifndef NSLSM_PARSE_H
#define NSLSM_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* A whole decimal number in [min, max]; `what` names it in the error. */
int parse_u64(const char *s, uint64_t min, uint64_t max, const char *what, uint64_t *out);
/* An audit container id: 1 .. 2^64-2 (0 and (u64)-1 are reserved). */
int parse_contid(const char *s, uint64_t *out);
/* A namespace name: 1..31 of [A-Za-z0-9_.-], not starting with '.' or '-'. */
int check_ns_name(const char *name);
/* Split "KEY=VALUE" in place; both parts must be non-empty (value may be ""
 * only if allow_empty). */
int split_kv(char *arg, char **key, char **value, bool allow_empty);

#endif /* NSLSM_PARSE_H */
