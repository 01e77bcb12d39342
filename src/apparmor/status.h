/* SPDX-License-Identifier: GPL-2.0 */
/* A namespace's AppArmor policy as `nslsm apparmor status` prints it. */
#ifndef NSLSM_AA_STATUS_H
#define NSLSM_AA_STATUS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct nslsm_state;

/* The loaded profiles of namespace id, their modes and the processes each
 * confines, as text (like aa-status) or one JSON object. */
int aa_status_write(FILE *f, struct nslsm_state *st, uint32_t id, bool json);

#endif /* NSLSM_AA_STATUS_H */
