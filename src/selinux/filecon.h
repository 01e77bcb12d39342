/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SELinux file labels on the core's object-label store (src/lib/objlabel.h):
 * a label value is a SID of the namespace's SID table, the string its
 * context. chcon, label (getfilecon), mount-context (context=) and
 * restorecon of `nslsm selinux`. Callers hold the state lock.
 */
#ifndef NSLSM_SE_FILECON_H
#define NSLSM_SE_FILECON_H

#include <stdbool.h>
#include <stdint.h>

#include "selinux/policy.h"

/* The kernel's initial SID numbers that file labelling falls back to. */
#define SE_SECINITSID_UNLABELED 3
#define SE_SECINITSID_FILE 5

/*
 * THE label value of a context string in namespace ns_id, whose policy p
 * is generation gen: the context validated against p (an invalid one
 * fails naming it), then its SID. To be replaced by se_sid_from_context()
 * when the per-namespace SID table lands; meanwhile on the generation's
 * se_sid_of/se_sids maps (include/nslsm/selinux.h). Nothing else here
 * knows how SIDs are numbered.
 */
int se_label_import(uint32_t ns_id, const struct se_policy *p, uint32_t gen, const char *context,
		    uint32_t *sid);

/* After a policy load: the namespace's stored contexts, as SIDs of the new
 * policy (a context the policy no longer accepts is left unlabelled). */
int se_labels_reimport(uint32_t ns_id, const char *ns_name, unsigned int *imported,
		       unsigned int *skipped);

int se_chcon(uint32_t ns_id, const char *ns_name, const char *context, char *const *paths,
	     int n);
int se_mount_context(uint32_t ns_id, const char *ns_name, const char *mountpoint,
		     const char *context);

/* The file's context in the namespace and where it comes from. */
int se_label_of(uint32_t ns_id, const char *ns_name, const char *path, char *ctx, size_t len,
		char *source, size_t source_len);

struct se_restorecon_opts {
	bool recursive, from_xattr, verbose;
	const char *root;		/* file_contexts paths are relative to it */
	const char *file_contexts;	/* default: the namespace's policy's? none: required */
};

int se_restorecon(uint32_t ns_id, const char *ns_name, const struct se_restorecon_opts *o,
		  char *const *paths, int n, unsigned int *relabelled);

#endif /* NSLSM_SE_FILECON_H */
