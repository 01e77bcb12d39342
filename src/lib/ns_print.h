/* SPDX-License-Identifier: GPL-2.0 */
/* The namespace table as `nslsm ns list` prints it (the CLI on the host,
 * nslsmd for a namespace's admin). */
#ifndef NSLSM_NS_PRINT_H
#define NSLSM_NS_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct nslsm_state;

/* Every namespace of the subtree rooted at `root`, with its modules,
 * settings and task count: a table, or a JSON array. */
int ns_list_write(FILE *f, struct nslsm_state *st, uint32_t root, bool json);

#endif /* NSLSM_NS_PRINT_H */
