/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AppArmor module's ABI: permission bits, exec transition encoding and
 * the layout of the policy maps shared by the BPF programs and user space.
 *
 * Permission bits and the transition encoding follow the kernel's AppArmor
 * (the values its binary policy and audit records use). The map layout is
 * nslsm's own: user space unpacks and validates apparmor_parser's binary
 * policy, then lays every DFA of every profile into shared pools.
 */
#ifndef NSLSM_APPARMOR_H
#define NSLSM_APPARMOR_H

/* Permission bits (requested_mask / denied_mask). */
#define AA_MAY_EXEC		0x00000001
#define AA_MAY_WRITE		0x00000002
#define AA_MAY_READ		0x00000004
#define AA_MAY_APPEND		0x00000008
#define AA_MAY_CREATE		0x00000010
#define AA_MAY_DELETE		0x00000020
#define AA_MAY_OPEN		0x00000040
#define AA_MAY_RENAME		0x00000080
#define AA_MAY_SETATTR		0x00000100
#define AA_MAY_GETATTR		0x00000200
#define AA_MAY_SETCRED		0x00000400
#define AA_MAY_GETCRED		0x00000800
#define AA_MAY_CHMOD		0x00001000
#define AA_MAY_CHOWN		0x00002000
#define AA_MAY_CHGRP		0x00004000
#define AA_MAY_LOCK		0x00008000
#define AA_EXEC_MMAP		0x00010000
#define AA_MAY_LINK		0x00040000
#define AA_LINK_SUBSET		AA_MAY_LOCK	/* overlaid in a link pair */
#define AA_MAY_ONEXEC		0x40000000
#define AA_MAY_CHANGE_PROFILE	0x80000000
#define AA_MAY_CHANGEHAT	0x80000000	/* audit only */

/* Network permissions (policydb class "net"). */
#define AA_MAY_SEND		AA_MAY_WRITE
#define AA_MAY_RECEIVE		AA_MAY_READ
#define AA_MAY_SHUTDOWN		AA_MAY_DELETE
#define AA_MAY_CONNECT		AA_MAY_OPEN
#define AA_MAY_ACCEPT		0x00100000
#define AA_MAY_BIND		0x00200000
#define AA_MAY_LISTEN		0x00400000
#define AA_MAY_SETOPT		0x01000000
#define AA_MAY_GETOPT		0x02000000

/* Exec transition (xindex) encoding. */
#define AA_X_INDEX_MASK		0x03ff
#define AA_X_TYPE_MASK		0x0c00
#define AA_X_NONE		0x0000
#define AA_X_NAME		0x0400	/* px/cx: attach by executable name */
#define AA_X_TABLE		0x0800	/* -> named target, index in xtable */
#define AA_X_UNSAFE		0x1000	/* lower case: do not scrub the env */
#define AA_X_CHILD		0x2000	/* look among the profile's children */
#define AA_X_INHERIT		0x4000	/* ix, or the i of pix/cix */
#define AA_X_UNCONFINED		0x8000	/* ux, or the u of pux/cux */

/* Policy DFA classes: the first byte matched in the policydb. */
#define AA_CLASS_FILE		2
#define AA_CLASS_CAP		3
#define AA_CLASS_RLIMITS	5
#define AA_CLASS_DOMAIN		6
#define AA_CLASS_MOUNT		7
#define AA_CLASS_PTRACE		9
#define AA_CLASS_SIGNAL		10
#define AA_CLASS_NET		14
#define AA_CLASS_LABEL		16

/* Profile modes (nslsm_aa_profile.mode). */
enum nslsm_aa_mode {
	NSLSM_AA_ENFORCE = 0,
	NSLSM_AA_COMPLAIN = 1,
	NSLSM_AA_KILL = 2,
	NSLSM_AA_UNCONFINED = 3,
};

/* Profile flags. */
enum nslsm_aa_pflag {
	NSLSM_AA_P_IN_USE = 1u << 0,
	NSLSM_AA_P_HAT = 1u << 1,
	NSLSM_AA_P_AUDIT_ALL = 1u << 2,	/* flags=(audit) */
	NSLSM_AA_P_ATTACH = 1u << 3,	/* has an attachment (xmatch) */
	NSLSM_AA_P_MEDIATE_DELETED = 1u << 4,
	NSLSM_AA_P_PTRACE = 1u << 5,	/* has ptrace rules (mediates ptrace) */
	NSLSM_AA_P_CHILDREN = 1u << 6,	/* has child profiles or hats */
};

/* Sizes of the shared pools. */
#define NSLSM_AA_MAX_PROFILES	4096	/* profile versions alive at once */
#define NSLSM_AA_MAX_LABELS	4096	/* labels (profile stacks) */
#define NSLSM_AA_MAX_STACK	4	/* profiles in one label */
#define NSLSM_AA_MAX_EC	(3 * NSLSM_AA_MAX_PROFILES)	/* 3 per profile */
#define NSLSM_AA_STATE_POOL	(1u << 18)	/* DFA states, all DFAs */
#define NSLSM_AA_TRANS_POOL	(1u << 20)	/* next/check pairs */
/* Longest chain of diff-encoded default states a DFA may have (checked at
 * load; the BPF walk follows at most this many). */
#define NSLSM_AA_DIFF_CHAIN_MAX	16
/* A label id with this bit is a stack (aa_labels slot); else a profile id. */
#define NSLSM_AA_LABEL_STACK	0x80000000u
#define NSLSM_AA_PERM_POOL	(1u << 16)	/* distinct permission sets */
#define NSLSM_AA_XTABLE_POOL	(1u << 16)	/* resolved exec targets */
#define NSLSM_AA_MAX_XTABLE	12	/* named transitions per profile */
#define NSLSM_AA_ATTACH_MAX	64	/* attachments searched per exec */
#define NSLSM_AA_NAME_MAX	128	/* profile name kept in the map */
/* Longest path the BPF side builds; longer ones are refused in enforce
 * mode (counted) as the kernel refuses a name that does not fit. */
#define NSLSM_AA_PATH_MAX	4096
#define NSLSM_AA_PATH_DEPTH	64	/* path components walked */

/* Where one DFA lives in the pools (nstates 0: no DFA). */
struct nslsm_aa_dfa {
	__u32 state_off;	/* first state in aa_states */
	__u32 nstates;
	__u32 trans_off;	/* first entry in aa_trans */
	__u32 ntrans;
	__u32 ec;		/* slot in aa_ec (identity if the DFA has none) */
	__u32 start;		/* start state (file DFA: after the class byte) */
};

/* One state: its row and its permission sets (index in aa_perms; 0 = none).
 * perm[0] applies when the task's fsuid owns the object, perm[1] otherwise;
 * policydb DFAs use perm[0] only. */
struct nslsm_aa_state {
	__u32 base;		/* with the kernel's MATCH_FLAG_* bits */
	__u32 def;
	__u32 perm[2];
};

struct nslsm_aa_trans {
	__u32 next;
	__u32 check;
};

struct nslsm_aa_perms {
	__u32 allow;
	__u32 audit;
	__u32 quiet;
	__u32 xindex;
};

/*
 * A profile, one slot of aa_profiles. A profile keeps its slot across
 * replacement: tasks confined by it see the new version at once.
 */
struct nslsm_aa_profile {
	__u32 ns_id;		/* nslsm namespace */
	__u32 flags;		/* enum nslsm_aa_pflag */
	__u32 mode;		/* enum nslsm_aa_mode */
	__u32 parent;		/* profile id of the parent (hats, children), 0 */
	__u32 aa_ns;		/* AppArmor policy namespace (0 = root) */
	__u32 path_flags;
	__u32 xtable_off;	/* first entry in aa_xtable */
	__u32 xtable_n;
	__u32 xmatch_len;
	__u32 generation;	/* bumped at every replacement */
	__u64 caps_allow;
	__u64 caps_audit;
	__u64 caps_quiet;
	struct nslsm_aa_dfa file;
	struct nslsm_aa_dfa policy;	/* start = state after the class-less start */
	struct nslsm_aa_dfa xmatch;
	__u32 net_start;	/* policydb state for class net, 0 = not mediated */
	__u32 perm_off;		/* first entry in aa_perms (all three DFAs) */
	__u32 perm_n;
	__u32 ec_slot;		/* first of its 3 aa_ec slots */
	__u32 sig_start;	/* policydb state for class signal, 0 = not mediated */
	__u32 ptrace_start;	/* policydb state of ptrace rules (label class,
				 * then class ptrace), before the peer's name */
	__u32 mount_start;	/* policydb state for class mount, 0 = not mediated */
	__u64 name_hash;	/* nslsm_aa_name_hash(name): change_profile finds
				 * profiles by name */
	/* Full name: "name", "parent//child", ":ns:name" in an AppArmor ns. */
	char name[NSLSM_AA_NAME_MAX];
};

/* The policy epoch, the one slot of aa_epoch: user space adds one at every
 * change of AppArmor policy or of namespace settings, after the change is
 * published; the decision cache forgets every verdict made before. */
struct nslsm_aa_epoch {
	__u64 policy;
};

/* FNV-1a, 64 bits, of a profile name; the BPF side computes the same over
 * the name a task asks for, then compares the names in full. */
#define NSLSM_AA_HASH_INIT 0xcbf29ce484222325ull
#define NSLSM_AA_HASH_MUL 0x100000001b3ull

static inline __u64 nslsm_aa_name_hash(const char *name)
{
	__u64 h = NSLSM_AA_HASH_INIT;

	for (int i = 0; i < NSLSM_AA_NAME_MAX && name[i]; i++) {
		h ^= (__u8)name[i];
		h *= NSLSM_AA_HASH_MUL;
	}
	return h;
}

/* A label: a stack of profiles, every one of which must allow. */
struct nslsm_aa_label {
	__u32 ns_id;
	__u32 n;		/* 0 = free slot */
	__u32 profile[NSLSM_AA_MAX_STACK];
};

/* A resolved named transition: the label it leads to, 0 if none exists. */
struct nslsm_aa_xtarget {
	__u32 label;
	__u32 reserved;
};

/* Per nslsm namespace: its AppArmor attachments (profiles with xmatch),
 * searched at exec by unconfined tasks and px/cx without a target. */
struct nslsm_aa_nsconf {
	__u32 n_attach;
	__u32 generation;
	__u32 attach[NSLSM_AA_ATTACH_MAX];	/* profile ids */
};

_Static_assert(sizeof(struct nslsm_aa_profile) == 64 + 72 + 24 + 16 + NSLSM_AA_NAME_MAX,
	       "aa_profile");
_Static_assert(sizeof(struct nslsm_aa_state) == 16, "aa_state");

#endif /* NSLSM_APPARMOR_H */
