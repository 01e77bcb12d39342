/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AppArmor policy maps from user space: laying validated profiles into
 * the shared pools, atomically per call, and reading them back.
 */
#ifndef NSLSM_AA_STORE_H
#define NSLSM_AA_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

#include "nslsm/apparmor.h"
#include "policy.h"

struct aa_ec_table {
	uint8_t c[256];
};

/* The pools: the pinned maps, mmap'ed, or plain memory (tests). */
struct aa_pools {
	struct nslsm_aa_profile *profiles;
	struct nslsm_aa_label *labels;
	struct nslsm_aa_state *states;
	struct nslsm_aa_trans *trans;
	struct nslsm_aa_perms *perms;
	struct aa_ec_table *ec;
	struct nslsm_aa_xtarget *xtable;
	struct nslsm_aa_nsconf *nsconf;
	struct nslsm_aa_epoch *epoch;
	bool mapped;
};

/* A change of namespace settings: the decision cache forgets what it
 * knew (AppArmor policy changes do this themselves). */
int aa_policy_changed(void);
/* Map the pinned AppArmor maps (nslsm must be loaded). */
int aa_pools_open(struct aa_pools *pl);
/* Plain zeroed memory of the same shape (unit tests, fuzzing). */
int aa_pools_alloc(struct aa_pools *pl);
void aa_pools_close(struct aa_pools *pl);

enum aa_change {
	AA_LOAD,	/* add; a profile that exists is an error */
	AA_REPLACE,	/* add or replace */
	AA_REMOVE,	/* remove the named profiles */
};

/*
 * Apply `pol` (AA_LOAD/AA_REPLACE) or remove the profiles named in `names`
 * (AA_REMOVE) in nslsm namespace ns_id. All or nothing: on error the
 * namespace's policy is exactly as it was. `ns_name` is for messages.
 */
int aa_store_apply(struct aa_pools *pl, uint32_t ns_id, const char *ns_name, enum aa_change op,
		   const struct aa_policy *pol, char *const *names, int n_names);
/* Drop every profile of a namespace (it is being deleted). */
void aa_store_clear_ns(struct aa_pools *pl, uint32_t ns_id);

/* The profile slot of `name` in ns_id, 0 if none. */
uint32_t aa_store_find(const struct aa_pools *pl, uint32_t ns_id, const char *name);
/*
 * The label for "A", "A//&B", "A//&:ns:B" (every component a loaded
 * profile of ns_id); stacks get an aa_labels slot (reused if equal).
 * "unconfined" is label 0.
 */
int aa_store_label(struct aa_pools *pl, uint32_t ns_id, const char *spec, uint32_t *label);
/* "A//&B" for a label, "unconfined" for 0. */
void aa_store_label_name(const struct aa_pools *pl, uint32_t label, char *buf, size_t len);

/* File permissions of `path` under profile slot `id`, walked in the maps
 * exactly as the BPF programs walk them. */
struct nslsm_aa_perms aa_store_file_perms(const struct aa_pools *pl, uint32_t id, const char *path,
					  bool owner);

#endif /* NSLSM_AA_STORE_H */
