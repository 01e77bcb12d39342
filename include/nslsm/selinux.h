/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SELinux module's ABI: the compiled policy tables, laid out so that
 * each is one BPF map (fixed-size keys and values, no pointers) and a
 * decision costs what the kernel's does.
 *
 * User space reads a binary policy with libsepol (versions 30 to 33, MLS
 * or not), validates every reference, and compiles it into these tables
 * (src/selinux/). The reference decision in plain C (src/selinux/decide.c)
 * walks exactly these tables; the BPF decision will walk the same ones.
 *
 * Ids are the policy's own values (1-based, as the kernel's): type, role,
 * user, class, boolean and sensitivity ids fit 16 bits (the kernel's avtab
 * key holds types and classes in 16 bits too). 0 means "none".
 *
 * Keying follows the kernel's: the access vector table is keyed by
 * (source type or attribute, target type or attribute, class), attributes
 * not expanded, and a decision walks type_attr_map(source) x
 * type_attr_map(target): at most NSLSM_SE_TYPE_ATTRS^2 lookups, about 30
 * in Debian's refpolicy (where expanding attributes would give 3.4M
 * entries).
 *
 * Debian's refpolicy (selinux-policy-default, policy.33) compiles to, in
 * entries x bytes (key + value): types 4153 x 72, av 89572 x 24 (2.1 MB),
 * type_rules 7585 x 12, cond_av 13398 x 208 (2.8 MB; at most 16 conditional
 * rules share a key), conds 321, constraints 243 with 1611 expression
 * nodes and 54579 names, role_types 1105, role_trans 376, name_trans
 * 833 x 136, range_trans 14, isids 27, fs_use 29, genfs 93: 5.7 MB in all
 * (`nslsm selinux compile --policy FILE --stats`).
 */
#ifndef NSLSM_SELINUX_H
#define NSLSM_SELINUX_H

#ifndef __bpf__	/* BPF has the kernel's types from vmlinux.h */
#include <linux/types.h>
#endif

/* Binary policy versions accepted (the kernel's 30: xperms, 33: compressed
 * filename transitions). */
#define NSLSM_SE_POLICY_MIN 30
#define NSLSM_SE_POLICY_MAX 33

/* Every fixed size of the tables; a policy beyond one is refused, naming it. */
#define NSLSM_SE_MAX_TYPES 65535	/* types and attributes together */
#define NSLSM_SE_TYPE_ATTRS 32		/* a type's type_attr_map: itself + attributes */
#define NSLSM_SE_MAX_CLASSES 1024
#define NSLSM_SE_MAX_ROLES 65535
#define NSLSM_SE_MAX_USERS 65535
#define NSLSM_SE_MAX_BOOLS 4096
#define NSLSM_SE_MAX_SENS 256
#define NSLSM_SE_MAX_CATS 1024		/* MCS uses c0.c1023 */
#define NSLSM_SE_CAT_WORDS (NSLSM_SE_MAX_CATS / 64)
#define NSLSM_SE_MAX_AV (1u << 22)	/* entries of each access vector table */
#define NSLSM_SE_COND_EXPR_MAX 16	/* RPN nodes of one boolean expression */
#define NSLSM_SE_COND_DEPTH 10		/* its stack, as the kernel's COND_EXPR_MAXDEPTH */
#define NSLSM_SE_COND_SLOTS 16		/* conditional rules on one key */
#define NSLSM_SE_CEXPR_DEPTH 5		/* constraint stack, as CEXPR_MAXDEPTH */
#define NSLSM_SE_FNAME_MAX 128		/* name of a filename transition, NUL included */
#define NSLSM_SE_FSTYPE_MAX 32		/* fs_use / genfscon file system type */
#define NSLSM_SE_GENFS_PATH_MAX 128	/* genfscon path prefix */
#define NSLSM_SE_BOUNDS_DEPTH 4		/* typebounds chain, as POLICYDB_BOUNDS_MAXDEPTH */

/* handle_unknown: what a class or permission the policy lacks gets. */
#define NSLSM_SE_UNKNOWN_DENY 0
#define NSLSM_SE_UNKNOWN_REJECT 2
#define NSLSM_SE_UNKNOWN_ALLOW 4

/* Header flags. */
#define NSLSM_SE_MLS 0x1

/* The policy as a whole: one entry of a per-namespace array map. */
struct nslsm_se_header {
	__u32 policyvers;
	__u32 flags;			/* NSLSM_SE_MLS */
	__u32 handle_unknown;		/* NSLSM_SE_UNKNOWN_* */
	__u32 ntypes, nclasses, nroles, nusers, nbools, nsens, ncats, nconds;
	__u32 process_class;		/* the class named "process", 0: none */
	__u32 process_trans_perms;	/* its transition|dyntransition bits */
	__u32 pad;
	__u64 polcaps;			/* policy capabilities, bit = POLICYDB_CAP_* */
};

/* A level: a sensitivity and a category bitmap (bit c = category c+1's
 * value - 1, i.e. "cN" is bit N). */
struct nslsm_se_level {
	__u16 sens;
	__u16 pad[3];
	__u64 cats[NSLSM_SE_CAT_WORDS];
};

struct nslsm_se_range {
	struct nslsm_se_level low, high;
};

/* A security context in compiled ids (range all zero without MLS). */
struct nslsm_se_context {
	__u16 user, role, type, pad;
	struct nslsm_se_range range;
};

#define NSLSM_SE_TYPE_ATTRIBUTE 0x1	/* an attribute: never a context's type */
#define NSLSM_SE_TYPE_PERMISSIVE 0x2	/* permissive domain: AVD_FLAGS_PERMISSIVE */

/* types[value - 1]: the kernel's type_attr_map and type bounds. */
struct nslsm_se_type {
	__u16 flags;
	__u16 bounds;			/* typebounds parent, 0: none */
	__u16 nattrs;			/* entries of attrs[] */
	__u16 pad;
	__u16 attrs[NSLSM_SE_TYPE_ATTRS]; /* itself first, then its attributes */
};

/* avtab key: one map each for access vectors, type rules and conditional
 * access vectors. `specified` is 0 in the AV map (one value merges
 * allow/auditallow/dontaudit of the key, as the kernel's walk would). */
struct nslsm_se_av_key {
	__u16 source, target, tclass, specified;
};

#define NSLSM_SE_AV_ALLOWED 0x1		/* as AVTAB_ALLOWED */
#define NSLSM_SE_AV_AUDITALLOW 0x2	/* as AVTAB_AUDITALLOW */
#define NSLSM_SE_AV_AUDITDENY 0x4	/* as AVTAB_AUDITDENY (dontaudit, inverted) */
#define NSLSM_SE_AV_TRANSITION 0x10	/* type_transition */
#define NSLSM_SE_AV_MEMBER 0x20		/* type_member */
#define NSLSM_SE_AV_CHANGE 0x40		/* type_change */

/* Unconditional access vectors of a key. auditdeny is ~0 when no dontaudit
 * rule names the key (the identity of the kernel's "auditdeny &= data"). */
struct nslsm_se_av {
	__u32 allowed, auditallow, auditdeny;
	__u32 specified;		/* NSLSM_SE_AV_* present */
};

/* Type rules: key.specified = TRANSITION|MEMBER|CHANGE, value the new type. */
struct nslsm_se_type_rule {
	__u16 otype;
	__u16 pad;
};

/* Conditional access vectors of a key: each rule applies while its
 * condition (conds[cond - 1]) evaluates to `branch` (1: the if list, 0: the
 * else list); a condition that cannot be evaluated enables neither. */
struct nslsm_se_cond_av {
	__u32 n;
	__u32 pad;
	struct {
		__u32 data;
		__u16 specified;	/* NSLSM_SE_AV_ALLOWED|AUDITALLOW|AUDITDENY */
		__u8 branch;
		__u8 pad;
		__u16 cond;
		__u16 pad2;
	} rule[NSLSM_SE_COND_SLOTS];
};

/* A boolean expression in RPN, as the kernel stores it (COND_* types). */
#define NSLSM_SE_COND_BOOL 1
#define NSLSM_SE_COND_NOT 2
#define NSLSM_SE_COND_OR 3
#define NSLSM_SE_COND_AND 4
#define NSLSM_SE_COND_XOR 5
#define NSLSM_SE_COND_EQ 6
#define NSLSM_SE_COND_NEQ 7
struct nslsm_se_cond {
	__u16 nexpr;
	__u16 pad;
	struct {
		__u16 type;
		__u16 boolean;		/* NSLSM_SE_COND_BOOL: the boolean's id */
	} expr[NSLSM_SE_COND_EXPR_MAX];
};

/* classes[value - 1]. Constraints are cons[cons_first .. +cons_n), the
 * class's validatetrans rules cons[vt_first .. +vt_n). */
struct nslsm_se_class {
	__u32 nperms;			/* common perms first, as the policy numbers them */
	__u32 cons_first;
	__u32 vt_first;
	__u16 cons_n, vt_n;
	__u8 default_user, default_role, default_type, default_range;
};

/* A constraint (constrain, mlsconstrain, validatetrans and their mls
 * forms): the perms it restricts and its RPN expression
 * cexpr[expr_first .. +expr_n). */
struct nslsm_se_constraint {
	__u32 perms;
	__u32 expr_first;
	__u32 expr_n;
};

/* One constraint expression node: CEXPR_* type, attr and op as the kernel
 * (see constraint.h); CEXPR_NAMES compares with the sorted ids
 * names[names_first .. +names_n). */
struct nslsm_se_cexpr {
	__u8 type;
	__u8 op;
	__u16 attr;
	__u32 names_first;
	__u32 names_n;
};

/* users[value - 1]: authorized range and default level; roles in the
 * user-role pair set. */
struct nslsm_se_user {
	__u16 bounds;
	__u16 pad[3];
	struct nslsm_se_range range;
	struct nslsm_se_level dflt;
};

/* roles[value - 1]; its types, dominated roles and allowed transitions are
 * pair sets (role-type, role-dominates, role-allow). */
struct nslsm_se_role {
	__u16 bounds;
	__u16 pad;
};

/* Pair set key: (a, b) present or not, e.g. (role, type). */
struct nslsm_se_pair {
	__u16 a, b;
};

/* role_transition (role, type, class) -> new role. */
struct nslsm_se_role_trans_key {
	__u16 role, type, tclass, pad;
};

/* range_transition (source type, target type, class) -> range. */
struct nslsm_se_range_trans_key {
	__u16 source, target, tclass, pad;
};

/* Filename type transition (source, target, class, last name) -> type. */
struct nslsm_se_name_trans_key {
	__u16 source, target, tclass, pad;
	char name[NSLSM_SE_FNAME_MAX];
};

/* Initial SID contexts (sid = the policy's initial SID number). */
struct nslsm_se_isid {
	__u32 sid;
	__u32 pad;
	struct nslsm_se_context ctx;
};

/* fs_use_xattr/task/trans (behavior as the kernel's SECURITY_FS_USE_*). */
struct nslsm_se_fs_use {
	char fstype[NSLSM_SE_FSTYPE_MAX];
	__u32 behavior;
	__u32 pad;
	struct nslsm_se_context ctx;
};

/* genfscon: file system type, path prefix, class (0: any). */
struct nslsm_se_genfs {
	char fstype[NSLSM_SE_FSTYPE_MAX];
	char path[NSLSM_SE_GENFS_PATH_MAX];
	__u16 sclass;
	__u16 pad[3];
	struct nslsm_se_context ctx;
};

/* The decision, as /sys/fs/selinux/access reports it. */
#define NSLSM_SE_AVD_PERMISSIVE 0x1	/* AVD_FLAGS_PERMISSIVE */

_Static_assert(sizeof(struct nslsm_se_level) == 136, "nslsm_se_level layout");
_Static_assert(sizeof(struct nslsm_se_context) == 280, "nslsm_se_context layout");
_Static_assert(sizeof(struct nslsm_se_type) == 72, "nslsm_se_type layout");
_Static_assert(sizeof(struct nslsm_se_av_key) == 8, "nslsm_se_av_key layout");
_Static_assert(sizeof(struct nslsm_se_cond_av) == 8 + 12 * NSLSM_SE_COND_SLOTS,
	       "nslsm_se_cond_av layout");
_Static_assert(sizeof(struct nslsm_se_cond) == 4 + 4 * NSLSM_SE_COND_EXPR_MAX,
	       "nslsm_se_cond layout");
_Static_assert(sizeof(struct nslsm_se_class) == 20, "nslsm_se_class layout");
_Static_assert(sizeof(struct nslsm_se_cexpr) == 12, "nslsm_se_cexpr layout");
_Static_assert(sizeof(struct nslsm_se_name_trans_key) == 8 + NSLSM_SE_FNAME_MAX,
	       "nslsm_se_name_trans_key layout");
_Static_assert(sizeof(struct nslsm_se_header) == 64, "nslsm_se_header layout");

/* ---- the tables in BPF maps (bpf/selinux/maps.h) ------------------------
 *
 * Every table of a loaded policy lives in maps shared by all namespaces,
 * each key led by the policy's generation: a number given to one load
 * (never reused while nslsm stays loaded), so several namespaces'
 * policies, and a namespace's old and new policy during a replacement,
 * coexist. A namespace's state (se_ns, keyed by namespace id) names the
 * generation in force; `selinux load` writes a whole new generation,
 * flips se_ns to it with one map update, then deletes the old one's
 * entries. Booleans, enforce and the AVC's seqno live in se_ns too, so
 * setbool/setenforce are one update each as well.
 *
 * Debian's refpolicy in the maps: 111,688 entries, 8.4 MB of keys and
 * values (2.2 MB of it the stored binary policy), plus the kernel's hash
 * element overhead; `selinux load` prints the figures for each policy.
 */
#define NSLSM_SE_MAX_CONDS 4096		/* conditions (distinct boolean expressions) */
#define NSLSM_SE_MAX_CONS 65535		/* constraints and validatetrans of a policy */
#define NSLSM_SE_NAMES_CHUNK 64		/* constraint name ids per map entry */
#define NSLSM_SE_BLOB_CHUNK 4096	/* bytes of the binary policy per map entry */
#define NSLSM_SE_MAX_BLOB (64u << 20)	/* largest binary policy loaded */
#define NSLSM_SE_NAMES_STEPS 17		/* binary search steps: 2^17 > 65535 names */

/* Map sizes: entries of all generations together (two refpolicies and
 * some small policies fit; a load that does not fit is refused). */
#define NSLSM_SE_MAP_POLICIES 256
#define NSLSM_SE_MAP_TYPES 65536
#define NSLSM_SE_MAP_CLASSES 8192
#define NSLSM_SE_MAP_AV (1u << 19)
#define NSLSM_SE_MAP_COND_AV (1u << 16)
#define NSLSM_SE_MAP_CONS 16384
#define NSLSM_SE_MAP_CEXPR 65536
#define NSLSM_SE_MAP_NAMES 16384
#define NSLSM_SE_MAP_PAIRS 65536
#define NSLSM_SE_MAP_BLOB 32768
#define NSLSM_SE_MAP_SIDS 65536
#define NSLSM_SE_AVC_ENTRIES 16384

/* se_ns: one per namespace that ever had the selinux module. No entry:
 * no policy, permissive (a new SELinux namespace). `seqno` changes with
 * every load, setbool and setenforce: the AVC trusts only entries made
 * under the current one. */
struct nslsm_se_ns {
	__u32 gen;			/* policy in force, 0: none */
	__u32 enforce;			/* 1 enforcing, 0 permissive */
	__u64 seqno;
	__u64 bools[NSLSM_SE_MAX_BOOLS / 64];	/* boolean values, bit b-1 = boolean b */
	/* each condition as the booleans make it: cond_on bit c-1 = condition
	 * c holds, cond_valid bit c-1 = it can be evaluated */
	__u64 cond_on[NSLSM_SE_MAX_CONDS / 64];
	__u64 cond_valid[NSLSM_SE_MAX_CONDS / 64];
};

/* se_counters[0]: the last generation and seqno given. */
struct nslsm_se_counters {
	__u64 seqno;
	__u32 gen;
	__u32 pad;
};

/* se_policies: what a generation is. */
struct nslsm_se_policy_info {
	struct nslsm_se_header hdr;
	__u32 ns_id;			/* the namespace it was loaded for */
	__u32 ncons, ncexpr, nnames;	/* entries of the indexed tables */
	__u32 blob_len;			/* the binary policy, in se_blob */
	__u32 nisids;			/* initial SIDs: sids 1..nisids in se_sids */
	__u64 av_n, cond_av_n, pairs_n;	/* hash entries, for `selinux status` */
	__u32 sid_next;			/* the namespace's next sid: never given twice */
	__u32 pad;
};

/* Indexed tables (types, classes, constraints, expression nodes, name
 * chunks, the stored binary policy) are keyed by (generation, index). */
struct nslsm_se_idx_key {
	__u32 gen;
	__u32 idx;
};

/* The access vector maps (se_av, se_cond_av) and type rules. */
struct nslsm_se_av_gkey {
	__u32 gen;
	__u32 pad;
	struct nslsm_se_av_key k;
};

/* Pair sets of a generation in one map. */
#define NSLSM_SE_PAIR_USER_ROLE 1
#define NSLSM_SE_PAIR_ROLE_TYPE 2
#define NSLSM_SE_PAIR_ROLE_DOM 3
#define NSLSM_SE_PAIR_ROLE_ALLOW 4
struct nslsm_se_pair_key {
	__u32 gen;
	__u16 kind;			/* NSLSM_SE_PAIR_* */
	__u16 a, b;
	__u16 pad;
};

struct nslsm_se_names_chunk {
	__u16 v[NSLSM_SE_NAMES_CHUNK];
};

struct nslsm_se_blob_chunk {
	__u8 b[NSLSM_SE_BLOB_CHUNK];
};

/*
 * The SID table of a generation: se_sids (gen, sid) -> context and
 * se_sid_of (gen, context) -> sid. The policy's initial SIDs keep the
 * kernel's numbers, 1..NSLSM_SE_ISID_MAX (a number the policy leaves
 * undefined maps to no context; larger ones are ignored, as the kernel
 * ignores initial SIDs it does not know). Every other sid of a namespace
 * is NSLSM_SE_SID_FIRST or above and keeps its number for as long as
 * nslsm stays loaded: a load converts each one into the new generation by
 * its context's names, as the kernel's sidtab_convert does, and a context
 * the new policy refuses becomes the unlabeled initial SID's under the
 * same number; the generation's sid_next (se_policies) is past every sid
 * ever given, so none is given twice. User space gives sids under the
 * state lock (the object-label tools); contexts computed in BPF at exec
 * or create will take theirs from a counter of the namespace.
 */
#define NSLSM_SE_ISID_MAX 64
#define NSLSM_SE_SID_FIRST (NSLSM_SE_ISID_MAX + 1)
#define NSLSM_SE_SECINITSID_UNLABELED 3	/* the kernel's SECINITSID_UNLABELED */
struct nslsm_se_sid_key {
	__u32 gen;
	__u32 sid;
};

struct nslsm_se_ctx_key {
	__u32 gen;
	__u32 pad;
	struct nslsm_se_context ctx;
};

/* The AVC (se_avc, an LRU hash): one decision remembered per
 * (namespace, seqno, ssid, tsid, class). */
struct nslsm_se_avc_key {
	__u32 ns_id;
	__u32 tclass;
	__u64 seqno;
	__u32 ssid, tsid;
};

struct nslsm_se_avd {
	__u32 allowed, auditallow, auditdeny, flags;
};

/* AVC statistics per namespace (se_avc_stats, per CPU). */
struct nslsm_se_avc_stats {
	__u64 lookups, hits, misses, allocations;
};

/*
 * The query of the decision program (nslsm_se_query, BPF_PROG_TYPE_SYSCALL,
 * run with BPF_PROG_TEST_RUN on this struct as its context): nslsm
 * selinux check NS and the tests ask BPF itself. In: ns_id, tclass and
 * either the two contexts (NSLSM_SE_Q_CONTEXTS, as /sys/fs/selinux/access
 * computes it: no AVC) or two sids of the namespace's SID table (through
 * the AVC). Out: rc (0, or -errno: -ENOENT no policy, -ESRCH no such sid,
 * -EINVAL a bad query), the decision and the seqno it was made under.
 */
#define NSLSM_SE_Q_CONTEXTS 0x1
struct nslsm_se_query {
	__u32 ns_id;
	__u32 flags;			/* NSLSM_SE_Q_* */
	__u32 tclass;
	__u32 ssid, tsid;
	__s32 rc;
	__u64 seqno;
	struct nslsm_se_avd avd;
	__u32 avc_hit;			/* the decision came from the AVC */
	__u32 pad;
	struct nslsm_se_context s, t;
};

_Static_assert(sizeof(struct nslsm_se_ns) == 16 + 8 * (NSLSM_SE_MAX_BOOLS / 64) +
						 16 * (NSLSM_SE_MAX_CONDS / 64),
	       "nslsm_se_ns layout");
_Static_assert(sizeof(struct nslsm_se_policy_info) == 64 + 24 + 24 + 8, "nslsm_se_policy_info layout");
_Static_assert(sizeof(struct nslsm_se_av_gkey) == 16, "nslsm_se_av_gkey layout");
_Static_assert(sizeof(struct nslsm_se_pair_key) == 12, "nslsm_se_pair_key layout");
_Static_assert(sizeof(struct nslsm_se_ctx_key) == 8 + 280, "nslsm_se_ctx_key layout");
_Static_assert(sizeof(struct nslsm_se_avc_key) == 24, "nslsm_se_avc_key layout");
_Static_assert(sizeof(struct nslsm_se_query) == 56 + 2 * 280, "nslsm_se_query layout");

#endif /* NSLSM_SELINUX_H */
