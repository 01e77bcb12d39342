/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The decision asked from user space: a BPF_PROG_TYPE_SYSCALL program run
 * with BPF_PROG_TEST_RUN on a struct nslsm_se_query (include/nslsm/
 * selinux.h), so `nslsm selinux check NS` and the tests get BPF's own
 * verdict over the namespace's maps, not a second computation in user
 * space. Pinned in place of a link (links/se_query): it attaches nowhere.
 */
#ifndef NSLSM_BPF_SE_QUERY_H
#define NSLSM_BPF_SE_QUERY_H

SEC("syscall")
int nslsm_se_query(struct nslsm_se_query *q)
{
	struct nslsm_se_avd avd = {};
	struct se_scratch *x;
	__u32 ns_id = q->ns_id, tclass = q->tclass, hit = 0;
	__u64 seqno = 0;
	int rc;

	if (ns_id >= NSLSM_MAX_NS || tclass > 0xffff) {
		q->rc = -EINVAL;
		return 0;
	}
	if (!(q->flags & NSLSM_SE_Q_CONTEXTS)) {
		rc = se_avc_decide(ns_id, q->ssid, q->tsid, tclass, &avd, &seqno, &hit);
	} else {
		const struct nslsm_se_ns *ns = bpf_map_lookup_elem(&se_ns, &ns_id);

		x = se_scratch_get();
		if (!x) {
			q->rc = -EINVAL;
			return 0;
		}
		if (ns)
			seqno = ns->seqno;
		__builtin_memcpy(&x->s, &q->s, sizeof(x->s));
		__builtin_memcpy(&x->t, &q->t, sizeof(x->t));
		rc = se_decide(ns_id, tclass);
		avd = x->avd;
	}
	q->rc = rc;
	q->seqno = seqno;
	q->avd = avd;
	q->avc_hit = hit;
	return 0;
}

#endif /* NSLSM_BPF_SE_QUERY_H */
