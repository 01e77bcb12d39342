/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every map of nslsm. All are pinned under /sys/fs/bpf/nslsm/maps by
 * `nslsm load`, so policy and enforcement outlive the process that loaded
 * them; user space opens them by pin path (src/lib/state.c).
 */
#ifndef NSLSM_BPF_MAPS_H
#define NSLSM_BPF_MAPS_H

/* Task blobs: one per enrolled (or protected) task. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct nslsm_task_blob);
} task_blobs SEC(".maps");

/* The namespace tree, indexed by namespace id; slot 0 is host. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSLSM_MAX_NS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct nslsm_ns);
} namespaces SEC(".maps");

/* Yama ptracer exceptions, keyed by the tracee's tgid (initial pid ns). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NSLSM_MAX_PTRACERS);
	__type(key, __u32);
	__type(value, struct nslsm_ptracer);
} ptracers SEC(".maps");

/*
 * Audit queues: a ring buffer per namespace, indexed by namespace id, made
 * by user space (nslsm load for host, ns create, ns set audit.queue) in the
 * size the namespace asks for; nslsmd and nslsm audit drain every one.
 */
struct audit_queue {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, NSLSM_AUDIT_QUEUE_MIN);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, NSLSM_MAX_NS);
	__type(key, __u32);
	__array(values, struct audit_queue);
} audit_queues SEC(".maps");

/* A record is made here first, so that one identical to its window's
 * costs no room on the queue (audit.coalesce); per CPU, as the programs
 * that write it do not migrate. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nslsm_audit_record);
} audit_scratch SEC(".maps");

/* What became of each namespace's records (user space maps it). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSLSM_MAX_NS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct nslsm_audit_ns);
} audit_ns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nslsm_stats);
} nslsm_stats SEC(".maps");

/* Per-namespace audit rules: read and written by user space only (nslsmd
 * and nslsm audit select records with them); here so they are pinned with
 * the rest of nslsm's state. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSLSM_MAX_AUDIT_RULES);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct nslsm_audit_rule);
} audit_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nslsm_config);
} nslsm_config SEC(".maps");

/* nslsmd's peers: on nslsmd's listening socket, its mark; on each socket
 * it accepts, who connected (bpf/core/peer.h). */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct nslsm_peer);
} nslsmd_peers SEC(".maps");

static __always_inline struct nslsm_stats *stats_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&nslsm_stats, &zero);
}

#define STAT_INC(field)                                                        \
	do {                                                                   \
		struct nslsm_stats *__s = stats_get();                         \
		if (__s)                                                       \
			__sync_fetch_and_add(&__s->field, 1);                  \
	} while (0)

static __always_inline struct nslsm_config *config_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&nslsm_config, &zero);
}

static __always_inline struct nslsm_ns *ns_get(__u32 id)
{
	return bpf_map_lookup_elem(&namespaces, &id);
}

#endif /* NSLSM_BPF_MAPS_H */
