/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AppArmor binary policy, as apparmor_parser writes it (-S): unpacked,
 * validated and ready to match in plain C (the reference every BPF verdict
 * is tested against) or to lay into the BPF maps.
 *
 * Everything here treats its input as hostile: every table, index and
 * state is checked before use, and a failure names the profile and the
 * problem (with the byte offset in the stream).
 */
#ifndef NSLSM_AA_POLICY_H
#define NSLSM_AA_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "nslsm/apparmor.h"

/* A validated DFA, tables in host order, next/check/def widened to u32. */
struct aa_dfa {
	uint32_t nstates;
	uint32_t ntrans;
	uint16_t flags;		/* table set header flags */
	bool has_ec;
	uint8_t ec[256];
	uint32_t *base;
	uint32_t *def;
	uint32_t *next;
	uint32_t *check;
	uint32_t *accept;	/* accept1 (index or packed perms) */
	uint32_t *accept2;	/* packed audit/quiet; NULL with a perms table */
	/* Explicit permission table (newer policy), accept is its index. */
	struct nslsm_aa_perms *perms;
	uint32_t nperms;
};

/* One named transition target (xtable entry). */
struct aa_xname {
	char *name;
};

struct aa_pdb {
	struct aa_dfa *dfa;	/* NULL: none */
	uint32_t start;		/* start state (before any class byte) */
	uint32_t file_start;	/* "dfa_start" (file DFA) */
	struct aa_xname *xtable;
	uint32_t xtable_n;
};

struct aa_profile {
	char *name;		/* full hierarchical name, without the ns */
	char *ns;		/* AppArmor namespace (":ns:" prefix), or NULL */
	char *attach;		/* attachment string, or NULL */
	char *rename;
	char *disconnected;
	uint32_t pflags;	/* packed flags: hat, debug */
	uint32_t mode;		/* enum nslsm_aa_mode */
	bool audit_all;
	uint32_t path_flags;
	uint64_t caps_allow, caps_audit, caps_quiet, caps_extended;
	uint32_t n_xattrs;
	struct aa_pdb xmatch;
	uint32_t xmatch_len;
	struct aa_pdb policy;	/* policydb; dfa NULL if absent */
	struct aa_pdb file;	/* file rules; dfa may alias policy.dfa */
	bool file_is_policy;	/* file rules live in the policydb */
	uint32_t file_start;	/* start state for file matching */
	uint32_t version;	/* stream ABI version of this profile */
};

struct aa_policy {
	struct aa_profile *profiles;
	size_t n;
};

#define AA_PACKED_FLAG_HAT 1
#define AA_PATH_MEDIATE_DELETED 0x10000	/* profile path flag, as the kernel's */
#define AA_PATH_IS_DIR 0x1
#define AA_PATH_CONNECT_PATH 0x4
#define AA_PATH_CHROOT_REL 0x8
#define AA_PATH_DELEGATE_DELETED 0x10000

/*
 * Unpack and validate a whole binary policy stream (one or more profiles).
 * `source` names the input in errors. On failure nothing is returned and the
 * error says which profile, which element and at what offset. Fails with
 * what the kernel's policy_unpack.c gives: -EPROTONOSUPPORT for a header it
 * refuses in any profile of the stream (no "version" first, an ABI version
 * outside v5..v9, an empty namespace name), -EPROTO for the rest.
 */
int aa_policy_unpack(const void *data, size_t len, const char *source, struct aa_policy *out);
void aa_policy_free(struct aa_policy *p);

/* The reference matcher: the kernel's aa_dfa_match / aa_dfa_next. */
uint32_t aa_dfa_next(const struct aa_dfa *dfa, uint32_t state, uint8_t c);
uint32_t aa_dfa_match_len(const struct aa_dfa *dfa, uint32_t state, const char *s, size_t len);
uint32_t aa_dfa_match(const struct aa_dfa *dfa, uint32_t state, const char *s);

/* File permissions of a state (owner: the fsuid owns the object). */
struct nslsm_aa_perms aa_file_perms(const struct aa_dfa *dfa, uint32_t state, bool owner);
/* Policydb permissions of a state. */
struct nslsm_aa_perms aa_policy_perms(const struct aa_dfa *dfa, uint32_t state);

/* The profile's file permissions on `path` (a directory ends in '/'). */
struct nslsm_aa_perms aa_profile_file_perms(const struct aa_profile *p, const char *path,
					    bool owner);
/* State the net class starts in (0: the profile does not mediate network). */
uint32_t aa_profile_net_start(const struct aa_profile *p);
struct nslsm_aa_perms aa_profile_net_perms(const struct aa_profile *p, unsigned int family,
					   unsigned int type);
/* The attachment match: true if `path` attaches, *len = its specificity. */
bool aa_profile_attaches(const struct aa_profile *p, const char *path, uint32_t *len);

/* "r", "w", "rwa"... the kernel's audit spelling of a file mask. */
void aa_perm_mask_str(uint32_t mask, char *buf, size_t len);
void aa_ptrace_mask_str(uint32_t mask, char *buf, size_t len);
/* Parse a mask as `check` takes it: "r", "rw", "x", "m", "k", "l", "c"... */
int aa_perm_mask_parse(const char *s, uint32_t *mask);

#endif /* NSLSM_AA_POLICY_H */
