/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The namespace tree, as a table of NSLSM_MAX_NS slots indexed by id: the
 * same layout as the BPF "namespaces" map, which user space maps into memory.
 * These functions are pure table logic (unit tested on a plain array); every
 * change is validated in full on a copy before one slot is written.
 */
#ifndef NSLSM_NS_H
#define NSLSM_NS_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

#include "nslsm/abi.h"

#define NSLSM_HOST_ID 0
#define NSLSM_HOST_NAME "host"

/* A parent label given on `ns create --parent-label MODULE=LABEL`. */
struct parent_label_arg {
	const char *spec;	/* "MODULE=LABEL" as typed */
};

void ns_table_init(struct nslsm_ns *table);
bool ns_in_use(const struct nslsm_ns *ns);
/* The id of the namespace named `name`; -1 with an error if none. */
int ns_find(const struct nslsm_ns *table, const char *name);
int ns_create(struct nslsm_ns *table, const char *name, const char *parent, uint32_t modules,
	      char **parent_labels, int n_parent_labels, uint32_t *id_out);
/* Apply KEY=VALUE settings (all or none). Keys: modules=LIST,
 * MODULE.mode=enforce|complain, MODULE.KEY=VALUE, audit.KEY=0|1,
 * boundary.KEY=deny|parent|allow (never more than an ancestor allows; a
 * tighter value tightens every descendant too), admin.delegate=0|1,
 * admin.locked=0|1. */
int ns_set(struct nslsm_ns *table, uint32_t id, char **kv, int n);
/* tasks_in: live tasks whose own namespace is each id (may be NULL). */
int ns_delete(struct nslsm_ns *table, uint32_t id, const uint32_t *tasks_in);
/* Ids from host down to id; returns the depth of id. */
int ns_chain(const struct nslsm_ns *table, uint32_t id, uint32_t chain[NSLSM_MAX_DEPTH]);
/* The blob of a task enrolled in `id` with its own labels (per module id). */
int ns_enrol_blob(const struct nslsm_ns *table, uint32_t id, uint64_t contid,
		  const uint32_t labels[NSLSM_MAX_MODULES], struct nslsm_task_blob *out);
bool ns_has_children(const struct nslsm_ns *table, uint32_t id);
/* Is id or an ancestor of it (host aside) admin.locked? Which one, first
 * from id up, in *locked_by. */
bool ns_admin_locked(const struct nslsm_ns *table, uint32_t id, uint32_t *locked_by);
/* Is id or an ancestor of it (host aside) admin.delegate=1? */
bool ns_admin_delegated(const struct nslsm_ns *table, uint32_t id);

/* The boundary settings: key 0..NSLSM_BOUNDARY_KEYS-1 is "ptrace",
 * "signal", "sched"; a rule (enum nslsm_boundary_rule) as typed. */
#define NSLSM_BOUNDARY_KEYS 3
const char *ns_boundary_key(unsigned int key);
uint32_t ns_boundary_get(const struct nslsm_ns *ns, unsigned int key);
const char *ns_boundary_rule_name(uint32_t rule);

#endif /* NSLSM_NS_H */
