/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The namespace boundary: an enrolled task may ptrace, signal, reschedule
 * or limit only tasks of its own namespace subtree, whatever modules its
 * namespaces run. Like self-protection it is part of the core, on for every
 * namespace; an ancestor lifts it with boundary.KEY (enum
 * nslsm_boundary_rule).
 *
 * Cost: nothing for an unenrolled subject beyond the blob lookup its hook
 * already made. An enrolled subject pays one lookup of the target's blob;
 * only a target outside the subtree costs one namespace lookup per level.
 */
#ifndef NSLSM_BPF_CORE_BOUNDARY_H
#define NSLSM_BPF_CORE_BOUNDARY_H

/*
 * The namespaces a subject (or the setter of a file's owner) belongs to,
 * host first: what the boundary needs of its blob.
 */
struct boundary_chain {
	__u32 depth;
	__u32 ns[NSLSM_MAX_DEPTH];
	__u32 entry_tgid;	/* the blob's, for boundary.signal=parent */
};

static __always_inline void boundary_chain_of(const struct nslsm_task_blob *b,
					      struct boundary_chain *c)
{
	c->depth = b->depth < NSLSM_MAX_DEPTH ? b->depth : NSLSM_MAX_DEPTH - 1;
	for (int i = 0; i < NSLSM_MAX_DEPTH; i++)
		c->ns[i] = b->level[i].ns_id;
	c->entry_tgid = b->entry_tgid;
}

/*
 * Is `tb` in the subtree of namespace `ns` at level `depth`? Exactly when
 * the target's chain holds that namespace at that level: the host, an
 * ancestor's own tasks and a sibling's are outside; the namespace's own
 * tasks and its descendants' are inside.
 */
static __always_inline bool boundary_inside(__u32 depth, __u32 ns,
					    const struct nslsm_task_blob *tb)
{
	if (!blob_enrolled(tb) || depth >= NSLSM_MAX_DEPTH || tb->depth < depth)
		return false;
	return tb->level[depth].ns_id == ns;
}

/* Which setting of struct nslsm_boundary_conf a hook is bound by. */
enum boundary_kind {
	BOUNDARY_PTRACE,
	BOUNDARY_SIGNAL,
	BOUNDARY_SCHED,
};

static __always_inline __u32 boundary_conf_rule(const struct nslsm_ns *ns, enum boundary_kind k)
{
	if (k == BOUNDARY_PTRACE)
		return ns->boundary.ptrace;
	if (k == BOUNDARY_SIGNAL)
		return ns->boundary.signal;
	return ns->boundary.sched;
}

/*
 * The rule that binds a chain: the strictest of its namespaces' own
 * (host, level 0, has none), so no child relaxes what an ancestor set even
 * for the moment before user space has tightened the child's slot too.
 * *decider is the namespace whose rule it is (the outermost of equals). A
 * namespace that is gone denies.
 */
static __always_inline __u32 boundary_rule(const struct boundary_chain *c, enum boundary_kind k,
					   __u32 *decider)
{
	__u32 rule = NSLSM_BOUNDARY_ALLOW;

	*decider = 0;
	for (__u32 i = 1; i < NSLSM_MAX_DEPTH; i++) {
		struct nslsm_ns *ns;
		__u32 r;

		if (i > c->depth)
			break;
		ns = ns_get(c->ns[i]);
		if (!ns) {
			*decider = c->ns[i];
			return NSLSM_BOUNDARY_DENY;
		}
		r = boundary_conf_rule(ns, k);
		if (r < rule) {
			rule = r;
			*decider = ns->id;
		}
	}
	return rule;
}

/*
 * boundary.signal=parent: the target is the process that entered the
 * sender's line into its namespace (the parent of `nslsm run`), and still
 * one of the sender's ancestors, so a later holder of the same pid is not.
 */
static __always_inline bool boundary_entry_process(const struct subject *s,
						   const struct boundary_chain *c,
						   struct task_struct *target)
{
	return c->entry_tgid && (__u32)BPF_CORE_READ(target, tgid) == c->entry_tgid &&
	       task_is_descendant(target, s->task);
}

/*
 * The verdict on the enrolled subject `s` acting on `target`: 0 inside
 * its subtree or where its namespaces allow, else -EPERM with a record
 * (none when `audited` is false: the kernel asked for none, PTRACE_MODE_NOAUDIT).
 */
static __always_inline int boundary_check(const struct subject *s, enum boundary_kind k,
					  __u16 hook, __u32 request, struct task_struct *target,
					  bool audited)
{
	struct boundary_chain c;
	__u32 rule, decider;

	if (boundary_inside(s->blob->depth, blob_ns(s->blob), task_blob(target)))
		return 0;
	boundary_chain_of(s->blob, &c);
	rule = boundary_rule(&c, k, &decider);
	if (rule == NSLSM_BOUNDARY_ALLOW)
		return 0;
	if (rule == NSLSM_BOUNDARY_PARENT && k == BOUNDARY_SIGNAL &&
	    boundary_entry_process(s, &c, target))
		return 0;
	if (!audited) {
		STAT_INC(denials);
		return -EPERM;
	}
	return core_deny(s, NSLSM_SOURCE_BOUNDARY, decider, hook, request, rule, target, NULL);
}

/*
 * Scheduling and limits of another task (setpriority, sched_setscheduler,
 * sched_setparam/setattr/setaffinity, ioprio_set, prlimit with new limits,
 * setpgid, migrate_pages/move_pages): inside the subtree only.
 */
static __always_inline int boundary_sched(__u16 hook, __u32 request, struct task_struct *p)
{
	struct subject s;

	if (!enrolled_subject(&s))
		return 0;
	return boundary_check(&s, BOUNDARY_SCHED, hook, request, p, true);
}

static __always_inline int hook_task_setnice(struct task_struct *p, int nice)
{
	return boundary_sched(NSLSM_HOOK_task_setnice, nice, p);
}

static __always_inline int hook_task_setioprio(struct task_struct *p, int ioprio)
{
	return boundary_sched(NSLSM_HOOK_task_setioprio, ioprio, p);
}

static __always_inline int hook_task_setscheduler(struct task_struct *p)
{
	return boundary_sched(NSLSM_HOOK_task_setscheduler, 0, p);
}

static __always_inline int hook_task_setrlimit(struct task_struct *p, unsigned int resource,
					       struct rlimit *new_rlim)
{
	return boundary_sched(NSLSM_HOOK_task_setrlimit, resource, p);
}

static __always_inline int hook_task_setpgid(struct task_struct *p, pid_t pgid)
{
	return boundary_sched(NSLSM_HOOK_task_setpgid, pgid, p);
}

static __always_inline int hook_task_movememory(struct task_struct *p)
{
	return boundary_sched(NSLSM_HOOK_task_movememory, 0, p);
}

/*
 * SIGIO and SIGURG go to a file's owner, with the owner's signal of
 * choice (F_SETSIG), from whatever task does the I/O. Whoever set the
 * owner is the sender: an enrolled task's F_SETOWN is remembered with its
 * chain (keyed by the file), and the signal is refused when the owner is
 * outside that chain's subtree and its boundary.signal is not 'allow'
 * ('parent' does not extend here: the setter is long gone as a subject).
 * An owner set from the host is the host's choice: its entry goes.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, NSLSM_MAX_FOWNERS);
	__type(key, __u64);
	__type(value, struct boundary_chain);
} fowners SEC(".maps");

/* Live entries of fowners; file_free_security skips its delete at 0. */
__u64 fowner_entries;

/* 6.1 embeds the owner in the file; later kernels point back to it. */
struct file___fown_embedded {
	struct fown_struct f_owner;
} __attribute__((preserve_access_index));

static __always_inline __u64 ptr_addr(const void *p)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &p);
	return v;
}

static __always_inline __u64 fown_file(struct fown_struct *fown)
{
	if (bpf_core_field_exists(fown->file))
		return ptr_addr(BPF_CORE_READ(fown, file));
	return ptr_addr(fown) - bpf_core_field_offset(struct file___fown_embedded, f_owner);
}

static __always_inline void fowner_forget(__u64 key)
{
	if (bpf_map_delete_elem(&fowners, &key) == 0)
		__sync_fetch_and_add(&fowner_entries, -1);
}

static __always_inline int hook_file_set_fowner(struct file *file)
{
	struct nslsm_task_blob *b = task_blob(bpf_get_current_task_btf());
	struct boundary_chain c;
	__u64 key = ptr_addr(file);

	if (!blob_enrolled(b)) {
		if (fowner_entries)
			fowner_forget(key);
		return 0;
	}
	boundary_chain_of(b, &c);
	if (bpf_map_update_elem(&fowners, &key, &c, BPF_EXIST) == 0)
		return 0;
	if (bpf_map_update_elem(&fowners, &key, &c, BPF_NOEXIST) == 0) {
		__sync_fetch_and_add(&fowner_entries, 1);
		return 0;
	}
	/* a void hook cannot refuse the F_SETOWN: counted, and that file's
	 * SIGIO goes unchecked */
	STAT_INC(fowner_full);
	return 0;
}

static __always_inline int hook_file_free_security(struct file *file)
{
	if (fowner_entries)
		fowner_forget(ptr_addr(file));
	return 0;
}

static __always_inline int hook_file_send_sigiotask(struct task_struct *tsk,
						    struct fown_struct *fown, int sig)
{
	struct boundary_chain *c;
	struct subject s;
	__u32 rule, decider;
	__u64 key;

	if (!fowner_entries)
		return 0;
	key = fown_file(fown);
	c = bpf_map_lookup_elem(&fowners, &key);
	if (!c || c->depth >= NSLSM_MAX_DEPTH)
		return 0;
	if (boundary_inside(c->depth, c->ns[c->depth], task_blob(tsk)))
		return 0;
	rule = boundary_rule(c, BOUNDARY_SIGNAL, &decider);
	if (rule == NSLSM_BOUNDARY_ALLOW)
		return 0;
	/* the record's subject is the task whose I/O raised the signal */
	s.task = bpf_get_current_task_btf();
	s.blob = task_blob(s.task);
	s.levels = 0;
	return core_deny(&s, NSLSM_SOURCE_BOUNDARY, decider, NSLSM_HOOK_file_send_sigiotask, sig,
			 rule, tsk, NULL);
}

#endif /* NSLSM_BPF_CORE_BOUNDARY_H */
