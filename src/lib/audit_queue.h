/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Audit queues: one BPF ring buffer per namespace, held by the pinned
 * "audit_queues" map at the namespace's id. Made when the namespace is
 * (nslsm load for host, ns create), remade in a new size by
 * `ns set NS audit.queue=BYTES`, removed with the namespace. Every change
 * bumps config.audit_queues_gen, so drainers reopen the queues.
 */
#ifndef NSLSM_AUDIT_QUEUE_H
#define NSLSM_AUDIT_QUEUE_H

#include <stdint.h>

struct nslsm_state;

/* A new ring buffer of `bytes` at `id` of the queue map `queues_fd`. */
int audit_queue_make(int queues_fd, uint32_t id, uint32_t bytes);
/* A new namespace's queue, its counters zeroed (the id may be reused). */
int audit_queue_create(struct nslsm_state *st, uint32_t id);
/* The namespace's queue in the size its settings now give (audit.queue).
 * A running nslsmd drains what is left in the old one; callers without
 * it drain first. */
int audit_queue_resize(struct nslsm_state *st, uint32_t id);
int audit_queue_remove(struct nslsm_state *st, uint32_t id);

#endif /* NSLSM_AUDIT_QUEUE_H */
