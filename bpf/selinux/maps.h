/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SELinux module's maps (layout and keying: include/nslsm/selinux.h).
 * User space writes the policy tables (src/selinux/store.c) and BPF only
 * reads them; BPF writes the AVC and its counters. The policy maps are
 * hashes without preallocation: memory follows the policies loaded, and
 * an update replaces an entry whole (RCU), so a reader sees the old value
 * or the new one, never a mix.
 */
#ifndef NSLSM_BPF_SE_MAPS_H
#define NSLSM_BPF_SE_MAPS_H

#define SE_HASH(NAME, KEY, VALUE, N)                                           \
	struct {                                                               \
		__uint(type, BPF_MAP_TYPE_HASH);                               \
		__uint(map_flags, BPF_F_NO_PREALLOC);                          \
		__uint(max_entries, N);                                        \
		__type(key, KEY);                                              \
		__type(value, VALUE);                                          \
	} NAME SEC(".maps")

SE_HASH(se_ns, __u32, struct nslsm_se_ns, NSLSM_MAX_NS);
SE_HASH(se_policies, __u32, struct nslsm_se_policy_info, NSLSM_SE_MAP_POLICIES);
SE_HASH(se_types, struct nslsm_se_idx_key, struct nslsm_se_type, NSLSM_SE_MAP_TYPES);
SE_HASH(se_classes, struct nslsm_se_idx_key, struct nslsm_se_class, NSLSM_SE_MAP_CLASSES);
SE_HASH(se_av, struct nslsm_se_av_gkey, struct nslsm_se_av, NSLSM_SE_MAP_AV);
SE_HASH(se_cond_av, struct nslsm_se_av_gkey, struct nslsm_se_cond_av, NSLSM_SE_MAP_COND_AV);
SE_HASH(se_cons, struct nslsm_se_idx_key, struct nslsm_se_constraint, NSLSM_SE_MAP_CONS);
SE_HASH(se_cexpr, struct nslsm_se_idx_key, struct nslsm_se_cexpr, NSLSM_SE_MAP_CEXPR);
SE_HASH(se_names, struct nslsm_se_idx_key, struct nslsm_se_names_chunk, NSLSM_SE_MAP_NAMES);
SE_HASH(se_pairs, struct nslsm_se_pair_key, __u8, NSLSM_SE_MAP_PAIRS);
SE_HASH(se_blob, struct nslsm_se_idx_key, struct nslsm_se_blob_chunk, NSLSM_SE_MAP_BLOB);
SE_HASH(se_sids, struct nslsm_se_sid_key, struct nslsm_se_context, NSLSM_SE_MAP_SIDS);
SE_HASH(se_sid_of, struct nslsm_se_ctx_key, __u32, NSLSM_SE_MAP_SIDS);

/* Counters user space draws from (under the state lock): generations
 * and seqnos are never given twice while nslsm stays loaded. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nslsm_se_counters);
} se_counters SEC(".maps");

/* Remembered decisions; an entry of an older seqno is never looked up
 * again and ages out. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, NSLSM_SE_AVC_ENTRIES);
	__type(key, struct nslsm_se_avc_key);
	__type(value, struct nslsm_se_avd);
} se_avc SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NSLSM_MAX_NS);
	__type(key, __u32);
	__type(value, struct nslsm_se_avc_stats);
} se_avc_stats SEC(".maps");

#endif /* NSLSM_BPF_SE_MAPS_H */
