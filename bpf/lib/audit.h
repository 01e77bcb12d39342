/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Audit records. Each goes to the queue of the namespace whose task made
 * it (audit_queues), so a namespace that floods loses only its own records:
 * over its rate limit (audit.rate) or with its queue full, the loss is
 * counted for that namespace (audit_ns) and user space reports it as a LOST
 * record naming the namespace, so nothing disappears silently. The last
 * part of every queue is kept for self-protection records. With
 * audit.coalesce, a record identical to the one that opened its window is
 * only counted, and the count reported later as a repeated= copy. A record
 * is made in a per-CPU scratch first, so a counted one costs no queue room.
 * All of this runs only for a decision that is audited.
 */
#ifndef NSLSM_BPF_AUDIT_H
#define NSLSM_BPF_AUDIT_H

/* Serial numbers of records, shared by all CPUs. */
__u64 audit_serial;

struct audit_event {
	__u32 policy_ns;
	__u16 hook;
	__u8 source;
	__u8 action;
	__s32 error;
	__u32 request;
	__u32 detail;
	struct task_struct *target;	/* may be NULL */
	const void *name;		/* kernel string, may be NULL */
	__u32 name_len;			/* 0: NUL-terminated; else raw bytes */
	__u32 label;			/* AppArmor profile that decided */
	__u32 ouid;			/* object owner (AppArmor) */
};

/* The task's container id and those of the containers around it. */
static __always_inline void audit_contids(const struct nslsm_task_blob *b,
					  struct nslsm_audit_record *r)
{
	__u32 n = blob_enrolled(b) ? b->n_contids : 0;

	if (n > NSLSM_MAX_CONTIDS)
		n = NSLSM_MAX_CONTIDS;
	r->contid = n ? b->contid[(n - 1) & (NSLSM_MAX_CONTIDS - 1)] : 0;
	r->n_parent_contids = n ? n - 1 : 0;
	for (int i = 0; i < NSLSM_MAX_CONTIDS - 1; i++)
		r->parent_contid[i] = i + 1 < (int)n ? b->contid[i] : 0;
}

#define NSEC_PER_SEC 1000000000ull

/*
 * The namespace's rate limit, a token bucket of one second's worth of
 * records kept as the time the next record is due (GCRA): a record may go
 * while that time is less than a second ahead. Concurrent CPUs may let one
 * record more through when the bucket refills; never fewer.
 */
static __always_inline bool audit_rate_allows(struct nslsm_audit_ns *an, __u32 rate, __u64 now)
{
	__u64 step, due;

	if (!rate)
		return true;
	step = NSEC_PER_SEC / rate;
	if (an->rate_due < now)
		an->rate_due = now;
	due = __sync_fetch_and_add(&an->rate_due, step);
	if (due + step <= now + NSEC_PER_SEC)
		return true;
	__sync_fetch_and_add(&an->rate_due, -step);
	return false;
}

/* The queue has room for one more record of this kind. */
static __always_inline bool audit_queue_has_room(void *queue, __u8 source)
{
	__u64 size = bpf_ringbuf_query(queue, BPF_RB_RING_SIZE);
	__u64 used = bpf_ringbuf_query(queue, BPF_RB_AVAIL_DATA);
	__u64 keep = source == NSLSM_SOURCE_SELF ? 0 : size / NSLSM_AUDIT_QUEUE_RESERVE;

	return used + keep + sizeof(struct nslsm_audit_record) + 8 <= size;
}

/* One more record of namespace ns_id lost to a full queue. */
static __always_inline void audit_lost_to_queue(__u32 ns_id)
{
	struct nslsm_audit_ns *an = bpf_map_lookup_elem(&audit_ns, &ns_id);

	if (an)
		__sync_fetch_and_add(&an->lost_queue, 1);
	STAT_INC(audit_lost);
}

/*
 * The queue a record of namespace ns_id goes to, if the namespace's rate
 * and the queue's room let it go; else NULL, the loss counted for the
 * namespace by reason.
 */
static __always_inline void *audit_queue_admit(__u32 ns_id, __u8 source)
{
	struct nslsm_audit_ns *an = bpf_map_lookup_elem(&audit_ns, &ns_id);
	struct nslsm_ns *ns = ns_get(ns_id);
	void *queue;

	if (!an || !ns) {
		STAT_INC(audit_lost);
		return NULL;
	}
	/* self-protection records are the host's: never rate limited */
	if (source != NSLSM_SOURCE_SELF &&
	    !audit_rate_allows(an, ns->audit.rate, bpf_ktime_get_boot_ns())) {
		__sync_fetch_and_add(&an->lost_rate, 1);
		STAT_INC(audit_lost);
		return NULL;
	}
	queue = bpf_map_lookup_elem(&audit_queues, &ns_id);
	if (!queue || !audit_queue_has_room(queue, source)) {
		audit_lost_to_queue(ns_id);
		return NULL;
	}
	return queue;
}

/*
 * What makes two records identical: everything from the container ids on
 * but the thread id (same subject, object, operation and result).
 */
static __always_inline __u64 audit_key(const struct nslsm_audit_record *r)
{
	const __u64 *w = (const __u64 *)r;
	__u64 h = 0xcbf29ce484222325ull;	/* FNV-1a over words */

	for (int i = 2; i < (int)(offsetof(struct nslsm_audit_record, repeated) / 8); i++)
		h = (h ^ (i == offsetof(struct nslsm_audit_record, pid) / 8 ? (__u32)w[i] : w[i])) *
		    0x100000001b3ull;
	return h | 1;
}

/*
 * audit.coalesce: is r identical to the record that opened the window of
 * its slot? Then it is counted there, and the caller drops it. Else r opens
 * the slot's next window, once what the last one owes is reported.
 */
static __always_inline bool audit_coalesced(struct nslsm_audit_record *r, struct nslsm_audit_ns *an,
					    __u32 window_ms)
{
	__u64 key = audit_key(r), repeats;
	struct nslsm_audit_coalesce *c = &an->window[(key >> 1) & (NSLSM_AUDIT_COALESCE_SLOTS - 1)];
	__u32 ns_id = r->ns_id;
	void *queue;

	if (c->key == key && r->time_ns < c->window_end) {
		__sync_fetch_and_add(&c->repeats, 1);
		__sync_fetch_and_add(&an->coalesced, 1);
		return true;
	}
	repeats = __sync_lock_test_and_set(&c->repeats, 0);
	queue = repeats ? bpf_map_lookup_elem(&audit_queues, &ns_id) : NULL;
	if (queue) {
		c->rec.time_ns = r->time_ns;
		c->rec.repeated = repeats;
		if (bpf_ringbuf_output(queue, &c->rec, sizeof(c->rec), 0))
			__sync_fetch_and_add(&an->lost_queue, repeats);
		else
			__sync_fetch_and_add(&an->written, 1);
	}
	c->key = key;
	c->window_end = r->time_ns + window_ms * 1000000ull;
	__builtin_memcpy(&c->rec, r, sizeof(*r));
	return false;
}

/*
 * The second half of a record, once audit_fill() made it in the per-CPU
 * scratch: coalescing, the namespace's rate and queue, the ring buffer. It
 * needs no pointer but the record (the scratch, a map value), so every
 * pointer-typed read stays in audit_fill(). A loss is counted, never silent.
 */
static __always_inline void audit_send(struct nslsm_audit_record *r, __u32 source)
{
	struct nslsm_audit_ns *an;
	struct nslsm_ns *ns;
	__u32 ns_id = r->ns_id;
	void *queue;

	an = bpf_map_lookup_elem(&audit_ns, &ns_id);
	ns = ns_get(ns_id);
	if (an && ns && ns->audit.coalesce_ms && audit_coalesced(r, an, ns->audit.coalesce_ms))
		return;
	queue = audit_queue_admit(ns_id, source);
	if (!queue)
		return;
	if (bpf_ringbuf_output(queue, r, sizeof(*r), 0)) {
		audit_lost_to_queue(ns_id);
		return;
	}
	an = bpf_map_lookup_elem(&audit_ns, &ns_id);
	if (an)
		__sync_fetch_and_add(&an->written, 1);
	STAT_INC(audit_records);
}

/*
 * audit_send() as a global function: the verifier checks it once per
 * program instead of once at every place a verdict is audited (every module
 * at every level of the chain), most of the verification of a hook. Its
 * frame counts in the 512-byte stack of the call chain, so the callers that
 * are themselves global functions deep in a chain (AppArmor's) use
 * audit_emit_deep() and keep audit_send() inline.
 */
__noinline int audit_submit(struct nslsm_audit_record *r, __u32 source)
{
	if (r)
		audit_send(r, source);
	return 0;
}

/* The record of ev in the per-CPU scratch, or NULL (counted). */
static __always_inline struct nslsm_audit_record *audit_fill(const struct subject *s,
							      const struct audit_event *ev)
{
	struct nslsm_audit_record *r;
	struct task_struct *target;
	__u32 ns_id = blob_ns(s->blob), zero = 0;
	__u64 id;

	r = bpf_map_lookup_elem(&audit_scratch, &zero);
	if (!r) {
		STAT_INC(audit_lost);
		return NULL;
	}
	r->time_ns = bpf_ktime_get_boot_ns();
	r->serial = __sync_fetch_and_add(&audit_serial, 1) + 1;
	audit_contids(s->blob, r);
	/* (BPF_CORE_READ needs a plain pointer: s->task would relocate s.) */
	target = s->task;
	r->netns = BPF_CORE_READ(target, nsproxy, net_ns, ns.inum);
	r->ns_id = ns_id;
	r->policy_ns_id = ev->policy_ns;
	id = bpf_get_current_pid_tgid();
	r->pid = id >> 32;
	r->tid = (__u32)id;
	r->uid = (__u32)bpf_get_current_uid_gid();
	r->hook = ev->hook;
	r->source = ev->source;
	r->action = ev->action;
	r->error = ev->error;
	r->request = ev->request;
	r->detail = ev->detail;
	r->label = ev->label;
	r->ouid = ev->ouid;
	/* strings NUL-padded: identical records are identical to audit_key */
	__builtin_memset(r->comm, 0, sizeof(r->comm) + sizeof(r->target_comm) + sizeof(r->name));
	bpf_get_current_comm(r->comm, sizeof(r->comm));
	r->repeated = 0;
	r->pad = 0;
	target = ev->target;
	r->target_pid = 0;
	r->target_ns_id = 0;
	if (target) {
		r->target_pid = BPF_CORE_READ(target, tgid);
		r->target_ns_id = blob_ns(task_blob(target));
		bpf_probe_read_kernel_str(r->target_comm, sizeof(r->target_comm), target->comm);
	}
	r->reserved = 0;
	if (ev->name && ev->name_len)
		bpf_probe_read_kernel(r->name, ev->name_len & (sizeof(r->name) - 1), ev->name);
	else if (ev->name)
		bpf_probe_read_kernel_str(r->name, sizeof(r->name), ev->name);
	return r;
}

static __always_inline void audit_emit(const struct subject *s, const struct audit_event *ev)
{
	struct nslsm_audit_record *r = audit_fill(s, ev);

	if (r)
		audit_submit(r, ev->source);
}

/* audit_emit() for a caller that is a global function deep in a chain. */
static __always_inline void audit_emit_deep(const struct subject *s, const struct audit_event *ev)
{
	struct nslsm_audit_record *r = audit_fill(s, ev);

	if (r)
		audit_send(r, ev->source);
}

#endif /* NSLSM_BPF_AUDIT_H */
