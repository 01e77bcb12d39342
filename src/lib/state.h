/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nslsm's state in the kernel, as pinned by `nslsm load`:
 *   /sys/fs/bpf/nslsm/maps/<map>     every map
 *   /sys/fs/bpf/nslsm/links/<hook>   one LSM link per hook
 *   /sys/fs/bpf/nslsm/progs/<name>   programs user space runs (SELinux's query)
 * Enforcement lives as long as the links are pinned; no process needs to
 * stay. Commands open what they need by path.
 */
#ifndef NSLSM_STATE_H
#define NSLSM_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/types.h>

#include "nslsm/abi.h"

#define NSLSM_BPFFS "/sys/fs/bpf"
#define NSLSM_PIN_DIR NSLSM_BPFFS "/nslsm"
#define NSLSM_MAP_DIR NSLSM_PIN_DIR "/maps"
#define NSLSM_LINK_DIR NSLSM_PIN_DIR "/links"
/* programs run from user space (BPF_PROG_TEST_RUN), attached nowhere */
#define NSLSM_PROG_DIR NSLSM_PIN_DIR "/progs"
#define NSLSM_SE_QUERY_PIN NSLSM_PROG_DIR "/se_query"

struct nslsm_state {
	int task_blobs_fd;
	int namespaces_fd;
	int audit_queues_fd;	/* the map of every namespace's audit queue */
	int audit_ns_fd;
	int stats_fd;
	int config_fd;
	int audit_rules_fd;
	int peers_fd;		/* nslsmd_peers: who connected to nslsmd */
	struct nslsm_ns *ns;	/* the namespaces map, mmap'ed: NSLSM_MAX_NS slots */
	struct nslsm_audit_rule *rules;	/* audit_rules, mmap'ed */
	struct nslsm_audit_ns *audit_ns;	/* audit_ns, mmap'ed: NSLSM_MAX_NS slots */

	int lock_fd;		/* the pin directory, flock'ed by state_lock */
};

/* Fail with a clear message unless running as root. */
int require_root(const char *what);
bool state_loaded(void);
/* Open the pinned state; fails when not root or not loaded. Marks the
 * calling process as an nslsm control process (enrolled tasks can neither
 * ptrace nor signal it) unless `protect` is false. */
int state_open(struct nslsm_state *st, bool protect);
void state_close(struct nslsm_state *st);
/* Serialise changes to the namespace table (held until state_close). */
int state_lock(struct nslsm_state *st);
/* Let go of it before state_close (nslsmd, between requests). */
void state_unlock(struct nslsm_state *st);
/* Task blob of a thread group: 1 found, 0 none, -1 error. */
int state_get_blob(struct nslsm_state *st, pid_t pid, struct nslsm_task_blob *out);
int state_set_blob(struct nslsm_state *st, pid_t pid, const struct nslsm_task_blob *blob);
/* The same through a pidfd the caller holds (pid only names it in errors),
 * so that a read and the write that follows concern one process. */
int state_pidfd(pid_t pid);
int state_get_blob_pidfd(struct nslsm_state *st, int pidfd, pid_t pid,
			 struct nslsm_task_blob *out);
int state_set_blob_pidfd(struct nslsm_state *st, int pidfd, pid_t pid,
			 const struct nslsm_task_blob *blob);
int state_get_stats(struct nslsm_state *st, struct nslsm_stats *out);
int state_get_config(struct nslsm_state *st, struct nslsm_config *out);
int state_set_config(struct nslsm_state *st, const struct nslsm_config *cfg);

/* Every thread group's blob; cb returns nonzero to stop. */
int tasks_scan(struct nslsm_state *st,
	       int (*cb)(pid_t pid, const struct nslsm_task_blob *b, void *arg), void *arg);
/* Live enrolled thread groups per namespace id (counts[NSLSM_MAX_NS]). */
int tasks_count_by_ns(struct nslsm_state *st, uint32_t *counts, uint32_t *total);

/* Every key of a hash map (hash, LRU, per-CPU), read in batches: 0, or
 * -errno (-EINVAL, -EOPNOTSUPP: the kernel has no batch for this type).
 * *keys is malloc'ed. */
int map_keys_batch(int fd, uint32_t key_size, uint32_t value_size, bool percpu, void **keys,
		   size_t *n);
/* Delete n keys in batches (a key already gone is no error): 0 or -errno. */
int map_delete_keys(int fd, const void *keys, uint32_t key_size, size_t n);

#endif /* NSLSM_STATE_H */
