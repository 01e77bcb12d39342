/* SPDX-License-Identifier: GPL-2.0 */
/* `nslsm load`, `nslsm unload` (all or nothing) and `nslsm reset`. */
#ifndef NSLSM_LOADER_H
#define NSLSM_LOADER_H

#include <stdbool.h>

/* Load, attach and pin every program and map. On any failure nothing stays
 * pinned. verbose: show libbpf's and the verifier's messages; stats: print
 * each program's verification cost (instructions processed, time). */
int nslsm_load(bool verbose, bool stats);
/* Remove every pin (the links detach as their last reference goes). */
int nslsm_unload(void);
/* Return the loaded nslsm to the state `nslsm load` leaves, programs and
 * links untouched (src/lib/reset.c). Refuses while another task holds
 * task storage (enrolled, or an nslsm process such as nslsmd), unless
 * kill: then those tasks are killed first. Counts the tasks killed and
 * the stray pins removed. */
int nslsm_reset(bool kill, int *killed, int *removed);

/* Shared by load and reset. */
/* The state of a fresh load in the config, namespaces and audit queue maps. */
struct nslsm_config;
/* The state a fresh load starts from. known: the configuration of the load
 * being reset (its kernel addresses are kept: they cannot change while the
 * kernel runs, and /proc/kallsyms takes seconds to read in a slow guest);
 * NULL at load. */
int nslsm_init_state(int config_fd, int namespaces_fd, int audit_queues_fd, const char *lsm_list,
		     const struct nslsm_config *known);
/* Where a map / a program's link is pinned: maps/NAME, links/NAME. */
const char *nslsm_map_pin_name(const char *map);
const char *nslsm_link_pin_name(const char *prog);
/* A program run from user space, pinned as progs/NAME, not attached. */
struct bpf_program;
bool nslsm_prog_is_query(const struct bpf_program *prog);
/* The kernel's active LSM list in list; fails when it lacks 'bpf'. */
int nslsm_check_kernel_lsm(char *list, size_t len);
int nslsm_remove_dir(const char *path);

#endif /* NSLSM_LOADER_H */
