/* SPDX-License-Identifier: GPL-2.0 */
/* `nslsm load` and `nslsm unload`: all or nothing. */
#ifndef NSLSM_LOADER_H
#define NSLSM_LOADER_H

#include <stdbool.h>

/* Load, attach and pin every program and map. On any failure nothing stays
 * pinned. verbose: show libbpf's and the verifier's messages; stats: print
 * each program's verification cost (instructions processed, time). */
int nslsm_load(bool verbose, bool stats);
/* Remove every pin (the links detach as their last reference goes). */
int nslsm_unload(void);

#endif /* NSLSM_LOADER_H */
