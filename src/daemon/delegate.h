/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Administration from inside a namespace, through nslsmd: who may ask what.
 *
 * A request names a module and an operation ("apparmor" "load", "ns"
 * "create", "nslsm" "status"), the namespace it concerns, word arguments
 * and a payload of bytes (compiled policy). Every operation is a row of one
 * table (delegate.c) that calls the library functions `nslsm` calls on the
 * host; the rules below are the same for all of them, so a module that
 * comes later (SELinux policy loads) adds rows and no rule.
 *
 * The caller is the process that connected, as the kernel recorded it at
 * the connect (bpf/core/peer.h): never whoever holds the socket now or
 * whatever the connecting pid became. The rules, in the order they are
 * checked; a refusal names its rule:
 *   peer           nslsmd has the kernel's record of who connected
 *   host-root      a caller that was not enrolled is the host's: uid 0 only
 *   admin.delegate the caller's namespace or an ancestor of it was given
 *                  administration from inside (admin.delegate=1: the hook
 *                  sets it for io.nslsm.admin=1): a task enrolled by
 *                  `nslsm run` does not administer its namespace just
 *                  because nslsmd's socket is in reach
 *   admin.locked   neither the caller's namespace nor an ancestor of it is
 *                  locked (ns set NS admin.locked=1, from the host): every
 *                  request is refused, reads too
 *   cap_mac_admin  a change needs CAP_MAC_ADMIN in the caller's user
 *                  namespace (effective at connect)
 *   subtree        the namespace is the caller's own or below it: never an
 *                  ancestor, a sibling or another branch
 *   below          ns delete, and the parent of ns create when named: a
 *                  namespace strictly below the caller's own for delete
 *   quota          ns create: at most ADMIN_MAX_BELOW namespaces below the
 *                  caller's own
 *   delegated      ns set: admin.* is the host's; audit.queue, audit.rate
 *                  and audit.delegate_contid no more than the parent gives;
 *                  boundary.* of the caller's own namespace only tighter,
 *                  below it never more than an ancestor (as on the host)
 *
 * What these rules leave to the caller: its own namespace's policy and
 * modules (the host keeps what it must in an ancestor, which bounds the
 * container whatever its own namespace says).
 *   module         the namespace enables the operation's module
 */
#ifndef NSLSM_DAEMON_DELEGATE_H
#define NSLSM_DAEMON_DELEGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nslsm/limits.h"

#define ADMIN_MAX_ARGS 64
#define ADMIN_MAX_PAYLOAD (64u << 20)	/* bytes: apparmor_parser's output bound */
#define ADMIN_MAX_BELOW 64		/* namespaces below an inside admin's own */

struct nslsm_state;

/* Who connected, from the kernel's record (never from the request). */
struct admin_caller {
	bool identified;	/* the record exists: else only 'peer' refusals */
	bool enrolled;		/* in a namespace at connect: else the host's */
	uint32_t ns_id;		/* its namespace then (host if not enrolled) */
	uint32_t pid;		/* tgid at connect, for messages and records */
	uint32_t uid;		/* SO_PEERCRED euid at connect */
	uint64_t caps;		/* effective capabilities at connect */
	uint64_t contid;	/* its own container id then, 0 if none */
};

struct admin_request {
	char module[32];
	char op[32];
	char ns[NSLSM_NAME_MAX];	/* "." or "": the caller's own namespace */
	char *args[ADMIN_MAX_ARGS];
	int n_args;
	const void *payload;
	size_t payload_len;
};

/*
 * Judge and carry out one request. 0: done, its output written to out.
 * -1: not done, nslsm_error() says why; *rule is the rule that refused it,
 * or NULL when the operation itself failed (a bad policy, a namespace
 * with tasks...). *target is the namespace asked for, as named.
 */
int admin_request_run(struct nslsm_state *st, const struct admin_caller *c,
		      const struct admin_request *r, FILE *out, const char **rule,
		      const char **target);

/* "MODULE OP" pairs served, for nslsmd's --help. */
void admin_ops_list(FILE *f);

#endif /* NSLSM_DAEMON_DELEGATE_H */
