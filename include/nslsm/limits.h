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
/* Audit ring buffer size in bytes (power of two, page multiple). */
#define NSLSM_AUDIT_RINGBUF_SIZE (1024 * 1024)
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
