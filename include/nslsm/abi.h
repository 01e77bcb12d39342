/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nslsm ABI: the structures shared by the BPF programs and user space.
 *
 * No kernel types here: both sides include this file (BPF after vmlinux.h,
 * user space after <linux/types.h>). Every struct is hole-free and its size
 * is asserted below, because user space and BPF exchange them byte for byte
 * through maps and the ring buffer.
 */
#ifndef NSLSM_ABI_H
#define NSLSM_ABI_H

#include "limits.h"

/*
 * Modules. The id is the bit in nslsm_ns.modules and the index of the label
 * slot in nslsm_level.label. NSLSM_SOURCE_SELF marks records made by nslsm's
 * own self-protection, which is not a module and cannot be disabled.
 */
enum nslsm_module_id {
	NSLSM_MOD_YAMA = 0,
	NSLSM_MOD_APPARMOR = 1,
	NSLSM_MOD_SELINUX = 2,
	NSLSM_MOD_COUNT,
};
#define NSLSM_SOURCE_SELF 0xff
/* Records an audit setting asked for (audit.net=1), not a module's verdict. */
#define NSLSM_SOURCE_AUDIT 0xfe
/* Records made by the namespace boundary (bpf/core/boundary.h), which like
 * self-protection is not a module and binds every enrolled task. */
#define NSLSM_SOURCE_BOUNDARY 0xfd
/* Records nslsmd makes of the administration requests it refuses
 * (src/daemon/delegate.h): user space only, never a verdict of BPF. */
#define NSLSM_SOURCE_ADMIN 0xfc

_Static_assert(NSLSM_MOD_COUNT <= NSLSM_MAX_MODULES, "too many modules");

/* Task flags (nslsm_task_blob.flags). */
enum nslsm_task_flag {
	/* The task belongs to level[depth].ns_id and is checked there. */
	NSLSM_TASK_ENROLLED = 1u << 0,
	/* An nslsm control process: enrolled tasks may not ptrace/signal it.
	 * Never inherited. */
	NSLSM_TASK_PROTECTED = 1u << 1,
};

/*
 * One namespace level of a task: the namespace and the label each module of
 * that namespace gives the task. For the innermost level these are the task's
 * own labels; for an ancestor level, the label that ancestor gave the whole
 * container (ns create --parent-label).
 */
struct nslsm_level {
	__u32 ns_id;
	__u32 label[NSLSM_MAX_MODULES];
};

/*
 * A network verdict AppArmor gave the task: the requests it allowed
 * without a record on sockets of (family, type), while the policy epoch
 * and the task's own AppArmor label were these. Only the task's own level
 * changes label after enrolment (exec, change_profile, change_hat), and an
 * enrolment writes a whole new blob, so these two keys say everything the
 * verdict depended on. An empty slot allows nothing (ok == 0).
 */
#define NSLSM_AA_NET_MEMO 2	/* the blob stays under 512 bytes of storage with its header */
struct nslsm_aa_net_memo {
	__u64 epoch;
	__u32 label;
	__u16 family;
	__u16 type;
	__u32 ok;
	__u32 pad;
};

/*
 * The task blob, in task local storage. Written by user space through a
 * pidfd (enrolment), copied to children in task_alloc, kept across exec
 * (task storage lives as long as the task_struct).
 */
struct nslsm_task_blob {
	__u32 flags;	/* enum nslsm_task_flag */
	__u32 depth;	/* level[0] is host; level[depth] is the task's own ns */
	/*
	 * Audit container ids: contid[0] given by the host admin, each later
	 * one by a delegated namespace admin to a container nested in the
	 * previous one. The task's own id is contid[n_contids - 1]; 0 ids = none.
	 */
	__u32 n_contids;
	/*
	 * AppArmor at the task's own level: the label the next exec moves to
	 * (nslsm run --apparmor, attr set exec; 0 = none), and the label an
	 * exec in progress computed (applied when the exec commits).
	 */
	__u32 aa_onexec;
	__u32 aa_pending;
	__u32 aa_flags;		/* enum nslsm_aa_task_flag */
	/* The label before the last exec changed it (NSLSM_AA_TASK_CHANGED):
	 * the label the exec'd files were opened under. */
	__u32 aa_prev;
	/* change_hat: the label to return to (NSLSM_AA_TASK_IN_HAT) and the
	 * token that must be given to return */
	__u32 aa_hat_prev;
	__u64 aa_hat_token;
	__u64 contid[NSLSM_MAX_CONTIDS];
	struct nslsm_level level[NSLSM_MAX_DEPTH];
	/* AppArmor's network verdicts for this task (bpf/apparmor/hooks.h) */
	struct nslsm_aa_net_memo aa_net[NSLSM_AA_NET_MEMO];
	__u32 aa_net_next;	/* the slot the next new verdict takes */
	/*
	 * The thread group (tgid, initial pid namespace) that entered this
	 * task's line into its namespace: the parent of `nslsm run`. Its
	 * tasks may be signalled under boundary.signal=parent while it is
	 * still an ancestor of the sender; 0 = none.
	 */
	__u32 entry_tgid;
};

/*
 * Who connected to nslsmd's socket (bpf/core/peer.h): written in the
 * connecting task's own context while the kernel makes the connection
 * (unix_stream_connect), into the storage of the socket nslsmd will
 * accept. nslsmd judges every request on that connection by it; nothing a
 * process does afterwards (exit, fork, passing the socket on, a reused pid)
 * changes it. nslsmd marks its listening socket with NSLSM_PEER_LISTENER.
 */
enum nslsm_peer_flag {
	NSLSM_PEER_LISTENER = 1u << 0,	/* nslsmd's listening socket */
	NSLSM_PEER_CONNECTED = 1u << 1,	/* written at connect: the rest is valid */
	NSLSM_PEER_HAS_BLOB = 1u << 2,	/* blob is the connecting task's */
};

struct nslsm_peer {
	__u32 flags;		/* enum nslsm_peer_flag */
	__u32 tgid;		/* the connecting process (initial pid namespace) */
	__u32 parent_tgid;	/* its parent at connect */
	__u32 pad;
	__u64 cap_effective;	/* its effective capabilities at connect */
	struct nslsm_task_blob blob;	/* its blob at connect (NSLSM_PEER_HAS_BLOB) */
};

enum nslsm_aa_task_flag {
	NSLSM_AA_TASK_PENDING = 1u << 0,	/* aa_pending is valid */
	NSLSM_AA_TASK_CHANGED = 1u << 1,	/* the last exec changed the label */
	NSLSM_AA_TASK_ONEXEC_CHECK = 1u << 2,	/* aa_onexec was asked for by the task:
						 * its profiles check it at exec */
	NSLSM_AA_TASK_IN_HAT = 1u << 3,		/* aa_hat_prev, aa_hat_token are valid */
};

/* Yama settings of a namespace. */
struct nslsm_yama_conf {
	__u32 ptrace_scope;	/* 0 classic, 1 relational, 2 admin, 3 none */
};

/*
 * The boundary of a namespace (ns set NS boundary.KEY=VALUE): what its
 * tasks may do to tasks outside its subtree. 0 is the default and the
 * strictest; a namespace is never less strict than its ancestors.
 */
enum nslsm_boundary_rule {
	NSLSM_BOUNDARY_DENY = 0,
	NSLSM_BOUNDARY_PARENT = 1,	/* signal only: also the entering process */
	NSLSM_BOUNDARY_ALLOW = 2,
};

struct nslsm_boundary_conf {
	__u32 ptrace;	/* every ptrace access mode, PTRACE_TRACEME */
	__u32 signal;	/* kill, tgkill, sigqueue, pidfd_send_signal */
	__u32 sched;	/* nice, scheduler, ioprio, rlimits, pgid, memory */
	__u32 reserved;
};

/* Audit settings of a namespace (ns set NS audit.KEY=VALUE). */
struct nslsm_audit_conf {
	/* Its tasks with CAP_AUDIT_CONTROL may give container ids to the
	 * containers they start, through nslsmd's socket. */
	__u32 delegate_contid;
	/* Audit every connect() and bind() of its tasks. */
	__u32 net;
	/* Bytes of its audit queue (set when the queue is made). */
	__u32 queue;
	/* Records per second its tasks may write, 0 for no limit; a burst
	 * of one second's worth is allowed. */
	__u32 rate;
	/* Identical records within this many ms become one record and a
	 * count (repeated=N); 0: every record on its own. */
	__u32 coalesce_ms;
	__u32 reserved;
};

/* AppArmor mode of a namespace (ns set NS apparmor.mode=...). */
enum nslsm_aa_ns_mode {
	NSLSM_AA_NS_PROFILE = 0,	/* each profile's own mode (its flags) */
	NSLSM_AA_NS_ENFORCE = 1,	/* every profile enforces */
	NSLSM_AA_NS_COMPLAIN = 2,	/* every profile complains */
};

enum nslsm_ns_flag {
	NSLSM_NS_IN_USE = 1u << 0,
	/* admin.locked=1, set from the host: nslsmd refuses every request of
	 * a task of this namespace or below (user space only). */
	NSLSM_NS_ADMIN_LOCKED = 1u << 1,
	/* admin.delegate=1 (io.nslsm.admin=1, or from the host): nslsmd
	 * serves administration requests from tasks of this namespace or
	 * below (user space only). */
	NSLSM_NS_ADMIN_DELEGATED = 1u << 2,
};

/* A namespace: one slot of the "namespaces" array map, indexed by id. */
struct nslsm_ns {
	char name[NSLSM_NAME_MAX];
	__u32 id;
	__u32 parent;		/* id of the parent; host (0) is its own parent */
	__u32 depth;		/* host = 0 */
	__u32 flags;		/* enum nslsm_ns_flag */
	__u32 modules;		/* bit per enabled module */
	__u32 complain;		/* bit per module in complain mode */
	/* Label each of the parent's modules gives this whole namespace. */
	__u32 parent_label[NSLSM_MAX_MODULES];
	struct nslsm_yama_conf yama;
	__u32 aa_mode;		/* enum nslsm_aa_ns_mode */
	struct nslsm_audit_conf audit;
	struct nslsm_boundary_conf boundary;	/* ignored for host */
};

/* Yama ptracer exception declared by a tracee with prctl(PR_SET_PTRACER). */
struct nslsm_ptracer {
	__u64 tracee_start;	/* start_time of the tracee's group leader */
	__u64 declared_at;	/* boot time of the prctl */
	__u32 tracer_nr;	/* pid in the tracee's pid ns; (u32)-1 = any */
	__u32 pidns_level;	/* level of the tracee's pid namespace */
	__u32 pidns_inum;	/* inode number of that pid namespace */
	__u32 reserved;
};

/* Audit record actions. */
enum nslsm_audit_action {
	NSLSM_AUDIT_DENIED = 1,	/* enforced denial */
	NSLSM_AUDIT_ALLOWED,	/* allowed, policy asked for audit */
	NSLSM_AUDIT_COMPLAIN,	/* would be denied; module in complain mode */
	NSLSM_AUDIT_LOST,	/* user space only: records lost before this */
};

/* One record on an audit queue. */
struct nslsm_audit_record {
	__u64 time_ns;		/* CLOCK_BOOTTIME in BPF; realtime once logged */
	__u64 serial;
	__u64 contid;		/* the task's own container id, 0 if none */
	/* Ids of the containers it is nested in, outermost first. */
	__u64 parent_contid[NSLSM_MAX_CONTIDS - 1];
	__u32 n_parent_contids;
	__u32 netns;		/* inode number of the task's network ns */
	__u32 ns_id;		/* the task's own namespace */
	__u32 policy_ns_id;	/* the namespace whose module decided */
	__u32 pid;		/* tgid, in the initial pid namespace */
	__u32 tid;
	__u32 uid;
	__u32 target_pid;	/* ptrace/signal target, 0 if none */
	__u16 hook;		/* enum nslsm_hook_id */
	__u8 source;		/* enum nslsm_module_id or NSLSM_SOURCE_SELF */
	__u8 action;		/* enum nslsm_audit_action */
	__s32 error;		/* -errno returned, 0 if allowed */
	__u32 request;		/* hook specific: ptrace mode, signal, bpf cmd... */
	__u32 detail;		/* hook specific: ptrace_scope, denied mask... */
	__u32 label;		/* AppArmor: profile slot that decided */
	__u32 ouid;		/* owner of the object, (u32)-1 if none */
	__u32 target_ns_id;	/* the target's own namespace, if target_pid */
	__u32 reserved;
	char comm[NSLSM_COMM_LEN];
	char target_comm[NSLSM_COMM_LEN];
	char name[NSLSM_AUDIT_NAME_LEN];	/* object name, if any, NUL-padded */
	/* 0: one event. Else a report that the record of this serial was
	 * repeated this many more times within its window (audit.coalesce). */
	__u32 repeated;
	__u32 pad;
};

/*
 * A namespace's audit rule: which records its audit consumers receive
 * (nslsm audit rule add). User space only; kept in the pinned
 * "audit_rules" map so rules live and die with nslsm's other state.
 */
enum nslsm_rule_field {
	NSLSM_RULE_MODULE = 1u << 0,	/* source */
	NSLSM_RULE_OPERATION = 1u << 1,	/* hook */
	NSLSM_RULE_RESULT = 1u << 2,	/* action */
	NSLSM_RULE_CONTID = 1u << 3,
	NSLSM_RULE_PATH = 1u << 4,	/* object name prefix */
};

enum nslsm_rule_flag {
	NSLSM_RULE_IN_USE = 1u << 0,
	NSLSM_RULE_NEVER = 1u << 1,	/* matching records are dropped */
};

struct nslsm_audit_rule {
	__u32 ns_id;
	__u32 flags;		/* enum nslsm_rule_flag */
	__u32 fields;		/* enum nslsm_rule_field: which filters apply */
	__u32 seq;		/* order within the namespace: lower first */
	__u8 source;
	__u8 action;
	__u16 hook;
	__u32 reserved;
	__u64 contid;
	char path[NSLSM_AUDIT_NAME_LEN];
};

/*
 * A window of identical records of one namespace (audit.coalesce), in
 * slot key & (NSLSM_AUDIT_COALESCE_SLOTS - 1) of its audit_ns. BPF opens a window with the record it writes and
 * counts the identical ones that follow; whoever closes the window (BPF
 * when another record takes the slot or the window is over, the drain when
 * it is over) swaps the count for 0 and reports it as a repeated= copy of
 * the record. A count may go to the wrong window when two CPUs race at its
 * close; every event is counted exactly once.
 */
struct nslsm_audit_coalesce {
	__u64 key;		/* hash of what makes two records identical; 0: none */
	__u64 window_end;	/* CLOCK_BOOTTIME ns */
	__u64 repeats;		/* identical records since rec, not yet reported */
	struct nslsm_audit_record rec;
};

/*
 * A namespace's audit queue: one slot of the "audit_ns" array map, indexed
 * by namespace id, zeroed when the id is given to a new namespace. The
 * counters say what became of the records of the namespace's tasks (its
 * own, not its descendants'). BPF increments the first ones; the last ones
 * belong to user space, under the audit log's lock.
 */
struct nslsm_audit_ns {
	__u64 written;		/* records put on the namespace's queue */
	__u64 lost_queue;	/* dropped: the queue was full */
	__u64 lost_rate;	/* dropped: over the namespace's audit.rate */
	/* The rate limit: the time the next record is due at the namespace's
	 * rate (a token bucket kept as one time stamp, GCRA). */
	__u64 rate_due;
	/* user space: losses already reported in the log */
	__u64 reported_queue;
	__u64 reported_rate;
	/* nslsmd: records its consumers of this namespace lost (too slow) */
	__u64 lost_consumer;
	/* BPF: events counted in a repeated= record instead of one of their own */
	__u64 coalesced;
	struct nslsm_audit_coalesce window[NSLSM_AUDIT_COALESCE_SLOTS];
};


/* Counters, one slot of the "stats" array map. Only ever incremented. */
struct nslsm_stats {
	__u64 audit_records;	/* records written to the queues, all namespaces */
	__u64 audit_lost;	/* records dropped, all namespaces (queue full, rate) */
	__u64 blob_alloc_fail;	/* forks refused: no storage for the child */
	__u64 ptracer_full;	/* PR_SET_PTRACER refused: table full */
	__u64 denials;		/* enforced denials */
	__u64 aa_cache_hits;	/* AppArmor opens answered by the decision cache */
	__u64 aa_cache_misses;	/* ... that walked the policy (cacheable files only) */
	__u64 aa_net_hits;	/* AppArmor socket checks a task's memo answered */
	__u64 aa_net_misses;	/* ... that walked the policy */
	__u64 fowner_full;	/* F_SETOWN by an enrolled task not remembered
				 * (table full): that file's SIGIO is unchecked */
	__u64 peer_unknown;	/* connects to nslsmd refused: no storage to
				 * record who connected */
};

/* Load-time constants, one slot of the "config" array map. */
struct nslsm_config {
	__u32 pin_mntns_inum;	/* mount ns holding /sys/fs/bpf/nslsm */
	__u32 kernel_yama;	/* the kernel's own Yama is active */
	/* Bumped by user space whenever a namespace's audit queue is made,
	 * replaced or removed: drainers then reopen the queues. */
	__u64 audit_queues_gen;
	/* Kernel addresses (from /proc/kallsyms) of the seqlocks every rename
	 * (rename_lock) and every change of the mount tree (mount_lock)
	 * writes: the decision cache's entries die when either moves. 0: not
	 * found, the cache stays off. */
	__u64 rename_seq_addr;
	__u64 mount_seq_addr;
	/* The kernel's list of registered file system types (file_systems):
	 * AppArmor mount rules ask whether a type needs a device and whether
	 * its mount data is binary. 0: not found, both taken as no. */
	__u64 file_systems_addr;
	__u64 reserved;
};

_Static_assert(sizeof(struct nslsm_level) == 4 + 4 * NSLSM_MAX_MODULES, "level");
_Static_assert(sizeof(struct nslsm_aa_net_memo) == 24, "net memo");
_Static_assert(sizeof(struct nslsm_task_blob) ==
		       40 + 8 * NSLSM_MAX_CONTIDS + NSLSM_MAX_DEPTH * sizeof(struct nslsm_level) +
			       NSLSM_AA_NET_MEMO * sizeof(struct nslsm_aa_net_memo) + 8,
	       "blob");
_Static_assert(sizeof(struct nslsm_boundary_conf) == 16, "boundary");
_Static_assert(sizeof(struct nslsm_peer) == 24 + sizeof(struct nslsm_task_blob), "peer");
_Static_assert(sizeof(struct nslsm_ns) == NSLSM_NAME_MAX + 72 + 4 * NSLSM_MAX_MODULES, "ns");
/* user space maps the table: its slots are as far apart as the kernel's,
 * which rounds an array's values up to 8 bytes */
_Static_assert(sizeof(struct nslsm_ns) % 8 == 0, "ns slot");
_Static_assert(sizeof(struct nslsm_ptracer) == 32, "ptracer");
_Static_assert(sizeof(struct nslsm_audit_record) ==
		       96 + 8 * (NSLSM_MAX_CONTIDS - 1) + 2 * NSLSM_COMM_LEN +
			       NSLSM_AUDIT_NAME_LEN,
	       "record");
_Static_assert(sizeof(struct nslsm_audit_coalesce) == 24 + sizeof(struct nslsm_audit_record),
	       "coalesce");
_Static_assert(sizeof(struct nslsm_stats) == 88, "stats");
_Static_assert(sizeof(struct nslsm_audit_ns) ==
		       64 + NSLSM_AUDIT_COALESCE_SLOTS * sizeof(struct nslsm_audit_coalesce),
	       "audit ns");
_Static_assert(sizeof(struct nslsm_audit_rule) == 32 + NSLSM_AUDIT_NAME_LEN, "rule");
_Static_assert(sizeof(struct nslsm_config) == 48, "config");

#endif /* NSLSM_ABI_H */
