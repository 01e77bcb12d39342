/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A compiled SELinux policy in nslsm's maps (layout: include/nslsm/
 * selinux.h), a namespace's SELinux state (policy generation, enforce,
 * booleans, AVC seqno), and the decision asked from BPF. Callers hold the
 * state lock (state_lock) around every change.
 */
#ifndef NSLSM_SE_STORE_H
#define NSLSM_SE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "selinux/policy.h"

struct se_load_report {
	uint32_t gen, old_gen;
	uint64_t entries, bytes;	/* written for the new generation */
	double read_ms, write_ms, flip_ms, delete_ms;
	/* the namespace's sids carried over from the old policy under their
	 * numbers: with their context, or as unlabeled (the new policy
	 * refuses the context) */
	uint32_t sids_kept, sids_unlabeled;
};

/*
 * Load the binary policy at `path` into namespace ns_id (named ns_name in
 * errors): read and validated first, written as a new generation, made
 * the namespace's with one map update, the old generation deleted after.
 * On failure the namespace keeps its policy and no entry of the new
 * generation remains.
 */
int se_store_load(uint32_t ns_id, const char *ns_name, const char *path,
		  struct se_load_report *rep);
/* Everything of namespace ns_id (ns delete; ns create of a reused id). */
int se_store_clear_ns(uint32_t ns_id);
/* The namespace's state: 1 found, 0 none (no policy, permissive), -1 error. */
int se_store_state(uint32_t ns_id, struct nslsm_se_ns *ns);
/* The policy in force in ns_id, as loaded, with the namespace's booleans;
 * info may be NULL. Fails naming the namespace if it has none. */
int se_store_policy(uint32_t ns_id, const char *ns_name, struct se_policy *p,
		    struct nslsm_se_policy_info *info);
/* NAME=0|1 each (all or none, one update, a new seqno). */
int se_store_set_bools(uint32_t ns_id, const char *ns_name, char **assign, int n);
int se_store_set_enforce(uint32_t ns_id, bool enforce);
/* The AVC's counters of ns_id summed over CPUs. */
int se_store_avc_stats(uint32_t ns_id, struct nslsm_se_avc_stats *out);
/* Run the query program (BPF's own decision) on q. */
int se_store_query(struct nslsm_se_query *q);
/* Parse "NAME=0|1" (also true/false). */
int se_bool_assign_parse(const char *s, char *name, size_t len, bool *value);

/*
 * The SID table of generation gen (se_sids/se_sid_of): the sid of context
 * c, 1 found (or given, when alloc), 0 none; the context of sid, 1 or 0.
 * Interim, until the SID table proper (se_sid_from_context) lands.
 */
int se_store_sid_lookup(uint32_t gen, const struct nslsm_se_context *c, bool alloc,
			uint32_t *sid);
int se_store_sid_context(uint32_t gen, uint32_t sid, struct nslsm_se_context *c);

#endif /* NSLSM_SE_STORE_H */
