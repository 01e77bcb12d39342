/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AppArmor policy from files, as `nslsm apparmor load` and nslsm-oci-hook
 * take it: profile text compiled by apparmor_parser against nslsm's
 * features ABI, or binary policy, validated by aa_policy_unpack. Nothing
 * here touches the maps.
 */
#ifndef NSLSM_AA_LOAD_H
#define NSLSM_AA_LOAD_H

#include <stddef.h>

#include "policy.h"

/* The features file to compile against: `given`, else $NSLSM_AA_FEATURES,
 * else share/apparmor/features-6.1 beside the running binary's ../, else
 * /usr/share/nslsm/apparmor/features-6.1. */
int aa_features_file(const char *given, char *out, size_t len);
/* FILE (profile text or binary policy) -> validated profiles, appended to
 * `all`. apparmor_parser's messages go to stderr. */
int aa_policy_from_file(const char *file, const char *features, struct aa_policy *all);
/* FILE as binary policy (compiled if it is text), not yet validated: what
 * `nslsm apparmor load` sends nslsmd from inside a namespace, nslsmd
 * validating it. *out is malloc'ed. */
int aa_policy_binary_from_file(const char *file, const char *features, char **out, size_t *len);

#endif /* NSLSM_AA_LOAD_H */
