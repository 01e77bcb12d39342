/* SPDX-License-Identifier: GPL-2.0 */
/* Every fixed size of nslsm, in one place. */
#ifndef NSLSM_LIMITS_H
#define NSLSM_LIMITS_H

/* Namespace levels a task can belong to: host plus nested containers. */
#define NSLSM_MAX_DEPTH 8
/* Nested container ids a task carries (host-given plus delegated). */
#define NSLSM_MAX_CONTIDS 4
/* Namespaces alive at once, host included (ids 0..NSLSM_MAX_NS-1). */
#define NSLSM_MAX_NS 4096
/* Label slots per level; module ids are below this. */
#define NSLSM_MAX_MODULES 8
/* Namespace name, NUL included. */
#define NSLSM_NAME_MAX 32
/* Task command name, as the kernel's TASK_COMM_LEN. */
#define NSLSM_COMM_LEN 16
/* Object name carried in an audit record, NUL included. */
#define NSLSM_AUDIT_NAME_LEN 256
/*
 * Audit queues: one ring buffer per namespace (ns set NS audit.queue=BYTES),
 * a power of two of at least NSLSM_AUDIT_QUEUE_MIN bytes (so a multiple of
 * 4 KiB pages). A record takes 408 bytes on a queue.
 */
#define NSLSM_AUDIT_QUEUE_HOST (1024 * 1024)
#define NSLSM_AUDIT_QUEUE_DEFAULT (256 * 1024)
#define NSLSM_AUDIT_QUEUE_MIN (16 * 1024)
#define NSLSM_AUDIT_QUEUE_MAX (64 * 1024 * 1024)
/* The last 1/NSLSM_AUDIT_QUEUE_RESERVE of a queue takes self-protection
 * records only: a namespace flooding with other records keeps room for them. */
#define NSLSM_AUDIT_QUEUE_RESERVE 4
/* Identical denials a namespace remembers at once to coalesce them
 * (audit.coalesce), a power of two, and the longest window in ms. */
#define NSLSM_AUDIT_COALESCE_SLOTS 2
#define NSLSM_AUDIT_COALESCE_MAX_MS 60000
/* Records per second a namespace may limit itself to (audit.rate). */
#define NSLSM_AUDIT_RATE_MAX 1000000
/* Audit rules of all namespaces together. */
#define NSLSM_MAX_AUDIT_RULES 1024
/* Yama ptracer exceptions remembered at once. */
#define NSLSM_MAX_PTRACERS 8192
/* Files whose owner (F_SETOWN) an enrolled task set, remembered at once. */
#define NSLSM_MAX_FOWNERS 16384
/* Ancestors walked when checking "is a descendant of" (Yama scope 1). */
#define NSLSM_MAX_ANCESTRY 64
/* Nested user namespaces walked in a capability check (kernel max is 32). */
#define NSLSM_MAX_USERNS_DEPTH 33

#endif /* NSLSM_LIMITS_H */
