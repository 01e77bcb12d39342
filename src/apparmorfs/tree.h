/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What nslsm-apparmorfs serves, without FUSE: the features tree (nslsm's
 * pinned AppArmor ABI), the policy writes of .load/.replace/.remove with
 * the errno the kernel's AppArmor gives for each failure, the .access
 * query (aa_query_label) and the text of `profiles`. Pure functions over
 * the pools and the namespace table, so the unit tests and the fuzzer
 * drive them on plain memory; main.c is the FUSE glue.
 *
 * Every input is hostile: a write is parsed exactly as `nslsm apparmor
 * load` parses a binary policy file (aa_policy_unpack), validated in full,
 * and applied all or nothing (aa_store_apply), in one nslsm namespace only.
 */
#ifndef NSLSM_AAFS_TREE_H
#define NSLSM_AAFS_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apparmor/store.h"
#include "nslsm/abi.h"

/* Largest policy one open file takes (the bound `nslsm apparmor load` has). */
#define AAFS_POLICY_MAX (64u << 20)
/* Largest .access query and .remove name: the kernel's multi-transaction
 * page (PAGE_SIZE less its header) and its profile name bound. */
#define AAFS_QUERY_MAX 4000u
#define AAFS_REMOVE_MAX 4096u

/* ---- features/ ---- */

/* A node of the features tree: a directory (children) or a file (text). */
struct aafs_node {
	char *name;
	bool dir;
	char *text;		/* a file's content */
	size_t len;
	struct aafs_node *child;
	size_t n;
};

/*
 * The tree from a features file as apparmor_parser --features-file reads
 * it and libapparmor writes it ("name {content}" for a file, "name {...}"
 * of entries for a directory). `root` becomes the directory "features".
 */
int aafs_features_parse(const char *buf, size_t len, struct aafs_node *root);
void aafs_features_free(struct aafs_node *root);
/* The node at PATH ("a/b/c", "" for root) or NULL. */
const struct aafs_node *aafs_features_lookup(const struct aafs_node *root, const char *path);

/* ---- policy ---- */

/*
 * A write of `buf` to .load (AA_LOAD), .replace (AA_REPLACE) or .remove
 * (AA_REMOVE: a profile name, ":ns:name", or ":ns:" for all of an AppArmor
 * policy namespace) of nslsm namespace ns_id. 0 when applied; else the
 * kernel's errno, negative, with the reason in nslsm_error(), and the
 * namespace as it was:
 *   -EPROTONOSUPPORT  not a binary policy, or a header the kernel's
 *                     verify_header refuses in any profile of the write (an
 *                     interface version outside v5..v9, an empty namespace)
 *   -EPROTO           the stream does not unpack or validate
 *   -EEXIST           .load of a profile that is loaded
 *   -ENOENT           a child profile whose parent is not loaded; .remove
 *                     of a profile (or policy namespace) not loaded
 *   -ENOMEM           nslsm's pools have no room for it
 */
int aafs_policy_write(struct aa_pools *pl, uint32_t ns_id, const char *ns_name, enum aa_change op,
		      const char *buf, size_t len);

/*
 * An .access query ("label\0", "profile\0", "labelall\0" then
 * LABEL "\0" DFA-STRING; or "data\0" LABEL "\0" KEY "\0"), answered as the
 * kernel's query_label/query_data do into out (at most outlen bytes).
 * Returns the answer's length or a negative errno: -EINVAL malformed,
 * -ENOENT a label component that is not a profile of ns_id,
 * -EPROTONOSUPPORT a class other than file (not served). `owner`: the
 * querier's fsuid is the object owner's (the kernel's cond.uid 0).
 */
int aafs_query(const struct aa_pools *pl, uint32_t ns_id, const char *q, size_t len, bool owner,
	       char *out, size_t outlen);

/* The name of an effective mode: "enforce", "complain", "kill", "unconfined". */
const char *aafs_mode_name(uint32_t ns_mode, uint32_t mode);
/* `profiles`: "name (mode)\n" for each profile of ns_id (malloc'ed). */
int aafs_profiles_text(const struct aa_pools *pl, const struct nslsm_ns *ns, uint32_t ns_id,
		       char **out, size_t *len);

#endif /* NSLSM_AAFS_TREE_H */
