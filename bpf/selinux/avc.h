/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The access vector cache of a namespace: decisions remembered by
 * (namespace, seqno, ssid, tsid, class) in one LRU hash for all
 * namespaces. A load, a setbool and a setenforce give the namespace a new
 * seqno (one write of se_ns): from then on no older entry is ever looked
 * up, as the kernel's avc_ss_reset flushes its cache, and the LRU reclaims
 * them. Counters per namespace and CPU, summed by `selinux status`.
 */
#ifndef NSLSM_BPF_SE_AVC_H
#define NSLSM_BPF_SE_AVC_H

static __always_inline struct nslsm_se_avc_stats *se_avc_stats_get(__u32 ns_id)
{
	return bpf_map_lookup_elem(&se_avc_stats, &ns_id);
}

/*
 * The decision for (ssid, tsid, tclass) in namespace ns_id, into *out:
 * 0, -ENOENT (no policy), -ESRCH (a sid the SID table lacks), -EINVAL.
 * *seqno: the seqno it holds for; *hit: it came from the cache.
 */
static __always_inline int se_avc_decide(__u32 ns_id, __u32 ssid, __u32 tsid, __u32 tclass,
					 struct nslsm_se_avd *out, __u64 *seqno, __u32 *hit)
{
	struct nslsm_se_avc_key key = { .ns_id = ns_id, .tclass = tclass,
					.ssid = ssid, .tsid = tsid };
	struct nslsm_se_avc_stats *stats = se_avc_stats_get(ns_id);
	const struct nslsm_se_context *sc, *tc;
	const struct nslsm_se_avd *cached;
	const struct nslsm_se_ns *ns;
	struct nslsm_se_sid_key sk;
	struct se_scratch *x;
	int rc;

	*hit = 0;
	ns = bpf_map_lookup_elem(&se_ns, &ns_id);
	if (!ns || !ns->gen)
		return -ENOENT;
	key.seqno = ns->seqno;
	*seqno = key.seqno;
	if (stats)
		stats->lookups++;
	cached = bpf_map_lookup_elem(&se_avc, &key);
	if (cached) {
		*out = *cached;
		*hit = 1;
		if (stats)
			stats->hits++;
		return 0;
	}
	if (stats)
		stats->misses++;
	sk.gen = ns->gen;
	sk.sid = ssid;
	sc = bpf_map_lookup_elem(&se_sids, &sk);
	sk.sid = tsid;
	tc = bpf_map_lookup_elem(&se_sids, &sk);
	x = se_scratch_get();
	if (!sc || !tc)
		return -ESRCH;
	if (!x)
		return -EINVAL;
	x->s = *sc;
	x->t = *tc;
	rc = se_decide(ns_id, tclass);
	if (rc)
		return rc;
	*out = x->avd;
	/* made under key.seqno's state or a newer one: if newer, the entry is
	 * never looked up (the seqno moved on) */
	if (bpf_map_update_elem(&se_avc, &key, &x->avd, BPF_ANY) == 0 && stats)
		stats->allocations++;
	return 0;
}

#endif /* NSLSM_BPF_SE_AVC_H */
