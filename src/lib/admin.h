/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Namespace administration as a whole: each call keeps the namespace
 * table, the audit queues, the audit rules and the AppArmor pools in step,
 * for `nslsm ns`, `nslsm run` and nslsm-oci-hook alike. The caller has
 * opened the state and holds state_lock. All or nothing: on error the
 * state is as it was, and the message names the object and the problem.
 */
#ifndef NSLSM_ADMIN_H
#define NSLSM_ADMIN_H

#include <stdint.h>
#include <sys/types.h>
#include <linux/types.h>

#include "nslsm/abi.h"

struct nslsm_state;
struct audit_drainer;

/* A namespace with its audit queue (ns_create's arguments). */
int admin_ns_create(struct nslsm_state *st, const char *name, const char *parent,
		    uint32_t modules, char **parent_labels, int n_parent_labels, uint32_t *id);
/* A namespace without tasks or nested namespaces, its last audit records
 * drained, with its queue, audit rules and AppArmor policy. */
int admin_ns_delete(struct nslsm_state *st, uint32_t id);
/* ns_set, the audit queue remade if audit.queue changed. */
int admin_ns_set(struct nslsm_state *st, uint32_t id, char **kv, int n);

/*
 * Enrol the process behind `pidfd` (pid names it in errors) with `blob`.
 * Refused if it already has a blob (enrolled, or an nslsm control
 * process): a process enters one namespace, once, and only from the host.
 * Its other threads are enrolled too where the kernel opens a pidfd on a
 * thread (PIDFD_THREAD, 6.9); otherwise only the thread group leader is,
 * and a thread created or exec'd by it afterwards inherits its blob.
 * Returns the number of threads enrolled, or -1.
 */
int admin_enrol_pidfd(struct nslsm_state *st, int pidfd, pid_t pid,
		      const struct nslsm_task_blob *blob);

/* Every record queued so far into the log: nslsmd drains them if it runs
 * (so its consumers and sinks get them too), else d does (d may be NULL:
 * then nothing but nslsmd drains). */
int audit_drain_now(struct audit_drainer *d);
/* The same with a drainer of its own, before a queue is replaced or removed. */
int audit_drain_queues(struct nslsm_state *st);
/* In nslsmd: both drain with nslsmd's drainer d, never through its socket. */
void admin_drain_with(struct audit_drainer *d);

#endif /* NSLSM_ADMIN_H */
