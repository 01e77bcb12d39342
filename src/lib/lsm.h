/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel's own LSMs: which are active, and can nslsm attach? */
#ifndef NSLSM_LSM_H
#define NSLSM_LSM_H

#include <stdbool.h>
#include <stddef.h>

#define KERNEL_LSM_FILE "/sys/kernel/security/lsm"

/* Read the active list ("lockdown,capability,...") into buf; -1 if the
 * file cannot be read (securityfs not mounted, or no LSM support). */
int kernel_lsm_list(char *buf, size_t len);
/* Is `name` an element of the comma-separated list? */
bool lsm_list_has(const char *list, const char *name);

#endif /* NSLSM_LSM_H */
