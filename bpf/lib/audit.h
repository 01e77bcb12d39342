/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Audit records. A record is reserved on the ring buffer; when the buffer
 * is full the loss is counted (stats.audit_lost) and user space reports it
 * as a LOST record, so nothing disappears silently.
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

static __always_inline void audit_emit(const struct subject *s, const struct audit_event *ev)
{
	struct nslsm_audit_record *r;
	struct task_struct *target;
	__u64 id;

	r = bpf_ringbuf_reserve(&audit, sizeof(*r), 0);
	if (!r) {
		STAT_INC(audit_lost);
		return;
	}
	id = bpf_get_current_pid_tgid();
	r->time_ns = bpf_ktime_get_boot_ns();
	r->serial = __sync_fetch_and_add(&audit_serial, 1) + 1;
	audit_contids(s->blob, r);
	/* (BPF_CORE_READ needs a plain pointer: s->task would relocate s.) */
	target = s->task;
	r->netns = BPF_CORE_READ(target, nsproxy, net_ns, ns.inum);
	r->ns_id = blob_ns(s->blob);
	r->policy_ns_id = ev->policy_ns;
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
	bpf_get_current_comm(r->comm, sizeof(r->comm));
	target = ev->target;
	if (target) {
		r->target_pid = BPF_CORE_READ(target, tgid);
		r->target_ns_id = blob_ns(task_blob(target));
		bpf_probe_read_kernel_str(r->target_comm, sizeof(r->target_comm), target->comm);
	} else {
		r->target_pid = 0;
		r->target_ns_id = 0;
		r->target_comm[0] = 0;
	}
	r->reserved = 0;
	if (ev->name && ev->name_len)
		bpf_probe_read_kernel(r->name, ev->name_len & (sizeof(r->name) - 1), ev->name);
	else if (ev->name)
		bpf_probe_read_kernel_str(r->name, sizeof(r->name), ev->name);
	else
		r->name[0] = 0;
	bpf_ringbuf_submit(r, 0);
	STAT_INC(audit_records);
}

#endif /* NSLSM_BPF_AUDIT_H */
