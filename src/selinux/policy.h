/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SELinux binary policy, read by libsepol, validated and compiled into
 * nslsm's own tables (include/nslsm/selinux.h), plus the reference
 * decision in plain C over those tables: the one every BPF verdict will
 * be tested against, and the one `nslsm selinux check` prints.
 *
 * Nothing here keeps libsepol's policydb: once compiled, a policy is the
 * tables below and the names user space needs to spell contexts.
 */
#ifndef NSLSM_SE_POLICY_H
#define NSLSM_SE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nslsm/selinux.h"

/*
 * An open-addressing hash from a nonzero 64-bit key to a 32-bit value: the
 * user-space stand-in for one BPF hash map (keys are the ABI key structs
 * packed into 64 bits; every id is nonzero, so 0 marks a free slot).
 */
struct se_hash {
	uint64_t *keys;
	uint32_t *vals;
	uint32_t cap;			/* a power of two */
	uint32_t n;
};

/* A name and the id it stands for (aliases included), sorted by name. */
struct se_name {
	const char *name;
	uint32_t value;
};

struct se_names {
	struct se_name *v;
	uint32_t n;
};

struct se_class_names {
	char *name;
	char *perms[32];		/* by bit; NULL: none */
};

struct se_policy {
	struct nslsm_se_header hdr;
	struct nslsm_se_type *types;	/* [ntypes] */
	struct nslsm_se_class *classes;	/* [nclasses] */
	struct nslsm_se_role *roles;	/* [nroles] */
	struct nslsm_se_user *users;	/* [nusers] */
	struct nslsm_se_level *sens_cats; /* [nsens]: categories a sensitivity allows */

	struct se_hash av;		/* av key -> index into av_vals */
	struct nslsm_se_av *av_vals;
	struct se_hash type_rules;	/* av key (specified) -> new type */
	struct se_hash cond_av;		/* av key -> index into cond_vals */
	struct nslsm_se_cond_av *cond_vals;
	struct nslsm_se_cond *conds;	/* [nconds] */
	uint8_t *bools;			/* [nbools] current values */
	int8_t *cond_state;		/* [nconds] 1, 0, or -1 (cannot evaluate) */

	struct nslsm_se_constraint *cons;
	uint32_t ncons;
	struct nslsm_se_cexpr *cexpr;
	uint32_t ncexpr;
	uint16_t *names;		/* constraint name sets, each sorted */
	uint32_t nnames;

	struct se_hash user_roles;	/* pair (user, role) */
	struct se_hash role_types;	/* pair (role, type) */
	struct se_hash role_doms;	/* pair (role, dominated role) */
	struct se_hash role_allows;	/* pair (role, new role) */
	struct se_hash role_trans;	/* (role, type, class) -> new role */
	struct se_hash range_trans;	/* (source, target, class) -> index into ranges */
	struct nslsm_se_range *ranges;
	uint32_t nranges;
	struct nslsm_se_name_trans_key *name_trans; /* sorted by key */
	uint16_t *name_trans_otype;
	uint32_t nname_trans;
	struct nslsm_se_isid *isids;
	uint32_t nisids;
	struct nslsm_se_fs_use *fs_use;
	uint32_t nfs_use;
	struct nslsm_se_genfs *genfs;
	uint32_t ngenfs;

	/* Names, for contexts and the command line only (never in BPF). */
	char **type_names, **role_names, **user_names, **bool_names;
	char **sens_names, **cat_names;
	struct se_class_names *class_names;
	struct se_names type_index, role_index, user_index, sens_index, cat_index;
	struct se_names class_index, bool_index;

	/* What the policy had that the tables leave out, counted. */
	uint32_t skipped_xperms;	/* allowxperm/auditallowxperm/dontauditxperm */
	uint32_t skipped_ocontexts;	/* portcon, netifcon, nodecon, ibpkeycon... */
	uint32_t max_cond_slots;	/* most conditional rules on one key */
	uint32_t max_type_attrs;	/* longest type_attr_map */
};

/*
 * Read a binary policy with libsepol, validate it and compile it. `source`
 * names the input in errors. On failure nothing is returned (*out is
 * zeroed) and the error says what is wrong.
 */
int se_policy_read(const void *data, size_t len, const char *source, struct se_policy *out);
/* CPU seconds libsepol may take to read a file (in a child process, so a
 * hostile count cannot hang the caller); 0 reads in-process, unguarded. */
extern unsigned int se_policy_read_cpu_limit;
int se_policy_read_file(const char *path, struct se_policy *out);
/* The bytes of a policy file (at most 64 MiB), malloc'ed, unchecked. */
int se_policy_file_bytes(const char *path, void **data, size_t *len);
void se_policy_free(struct se_policy *p);
/* The context of initial SID sid (the kernel's number), or NULL. */
const struct nslsm_se_context *se_policy_isid(const struct se_policy *p, uint32_t sid);

/* Set a boolean by name (every condition re-evaluated; nothing changes on
 * error), or all of them back to the policy's defaults. */
int se_policy_set_bool(struct se_policy *p, const char *name, bool value);
void se_policy_eval_conds(struct se_policy *p);

/* Table sizes, as `nslsm selinux compile --stats` prints them. */
void se_policy_print_stats(const struct se_policy *p, FILE *f);

/* Name lookups: the id, or 0 if the policy has no such name. */
uint32_t se_names_find(const struct se_names *ix, const char *name);
uint32_t se_class_find(const struct se_policy *p, const char *name);
/* The bit of permission `name` in class `tclass`, or -1. */
int se_perm_find(const struct se_policy *p, uint32_t tclass, const char *name);

/*
 * Contexts: "user:role:type" or, with MLS, "user:role:type:LOW[-HIGH]",
 * levels "s0:c0,c3.c7". Parsing validates as the kernel does
 * (policydb_context_isvalid): every name known, the type not an attribute,
 * the role authorized for the user and the type for the role (but for
 * object_r), the range well formed and within the user's.
 */
int se_context_parse(const struct se_policy *p, const char *s, struct nslsm_se_context *c);
bool se_context_valid(const struct se_policy *p, const struct nslsm_se_context *c);
/* The canonical spelling (categories as "c0.c3,c5"); returns its length. */
size_t se_context_format(const struct se_policy *p, const struct nslsm_se_context *c, char *buf,
			 size_t len);

struct se_av_decision {
	uint32_t allowed, auditallow, auditdeny, flags;
};

/*
 * The reference decision, as the kernel's security_compute_av_user: the
 * access vector walk over type_attr_map x type_attr_map with the
 * conditional rules in force, constraints and mlsconstrain, the role
 * transition check for the process class, type bounds, the permissive
 * flag. `tclass` outside the policy: everything allowed under
 * handle_unknown allow, nothing otherwise. Contexts must be valid.
 */
void se_compute_av(const struct se_policy *p, const struct nslsm_se_context *s,
		   const struct nslsm_se_context *t, uint32_t tclass, struct se_av_decision *avd);

/* Levels. */
bool se_level_dom(const struct nslsm_se_level *a, const struct nslsm_se_level *b);

#endif /* NSLSM_SE_POLICY_H */
