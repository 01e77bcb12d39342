/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AppArmor's view of the subject: its label at each level of its chain,
 * the profiles a label stacks, and the walk that asks every confining
 * profile of every level (the first denial wins).
 */
#ifndef NSLSM_BPF_APPARMOR_LABEL_H
#define NSLSM_BPF_APPARMOR_LABEL_H

static __always_inline __u32 aa_level_label(const struct subject *s, __u32 l)
{
	if (!s->blob || l >= NSLSM_MAX_DEPTH)
		return 0;
	return s->blob->level[l].label[NSLSM_MOD_APPARMOR];
}

static __always_inline __u32 aa_label_component(__u32 label, __u32 k)
{
	struct nslsm_aa_label *l;
	__u32 key;

	if (!(label & NSLSM_AA_LABEL_STACK))
		return k == 0 ? label : 0;
	key = label & ~NSLSM_AA_LABEL_STACK;
	l = bpf_map_lookup_elem(&aa_labels, &key);
	if (!l || k >= l->n || k >= NSLSM_AA_MAX_STACK)
		return 0;
	return l->profile[k & (NSLSM_AA_MAX_STACK - 1)];
}

/* The enrolled subject, and whether any level confines it with AppArmor. */
/* The enrolled subject s (enrolled_subject() said so): the levels
 * AppArmor checks, or false when none has AppArmor. */
static __always_inline bool aa_subject_levels(struct subject *s)
{
	s->levels = s->blob->depth + 1;
	if (s->levels > NSLSM_MAX_DEPTH)
		s->levels = NSLSM_MAX_DEPTH;
	for (__u32 level = 0; level < NSLSM_MAX_DEPTH; level++) {
		struct nslsm_ns *ns;

		if (level >= s->levels)
			break;
		if (!aa_level_label(s, level))
			continue;
		ns = ns_get(subject_level_ns(s, level));
		if (ns && (ns->modules & AA_MOD_BIT))
			return true;
	}
	return false;
}

static __always_inline bool aa_subject(struct subject *s)
{
	return enrolled_subject(s) && aa_subject_levels(s);
}

/* Ask every profile of `label` (one, or a stack); the first denial is
 * returned, every profile audits its own verdict. */
static __always_inline int aa_query_label_as(struct aa_query *q, __u32 label, __u32 request,
					     const int variant)
{
	int rc = 0;

#pragma unroll
	for (__u32 k = 0; k < NSLSM_AA_MAX_STACK; k++) {
		__u32 id = aa_label_component(label, k);
		int v;

		if (!id)
			break;
		q->profile = id;
		q->request = request;
		v = variant == AA_Q_SMALL ? aa_query_small(q)
		    : variant == AA_Q_MOUNT ? aa_query_mount(q)
					    : aa_query_profile(q);
		if (v && !rc)
			rc = v;
	}
	return rc;
}

static __always_inline int aa_query_label(struct aa_query *q, __u32 label, __u32 request)
{
	return aa_query_label_as(q, label, request, AA_Q_PROFILE);
}

struct aa_levels_ctx {
	struct aa_query *q;
	struct nslsm_task_blob *blob;
	__u32 levels;
	__u32 request;
	__s32 rc;
};

static __always_inline long aa_level_body(__u32 level, struct aa_levels_ctx *c, const int variant)
{
	struct nslsm_task_blob *b = c->blob;
	struct aa_query *q = c->q;
	struct nslsm_ns *ns;
	__u32 label, l = level;
	int rc = 0;

	if (l >= c->levels || l >= NSLSM_MAX_DEPTH)
		return 1;
	asm volatile("" : "+r"(l));
	l &= NSLSM_MAX_DEPTH - 1;
	label = b->level[l].label[NSLSM_MOD_APPARMOR];
	if (!label)
		return 0;
	ns = ns_get(b->level[l].ns_id);
	if (!ns || !(ns->modules & AA_MOD_BIT))
		return 0;
	q->policy_ns = ns->id;
	q->ns_mode = ns->aa_mode;
	rc = aa_query_label_as(q, label, c->request, variant);
	if (rc) {
		c->rc = rc;
		return 1;
	}
	return 0;
}

static long aa_level_cb(__u32 level, void *vctx)
{
	return aa_level_body(level, vctx, AA_Q_PROFILE);
}

static long aa_level_small_cb(__u32 level, void *vctx)
{
	return aa_level_body(level, vctx, AA_Q_SMALL);
}

static long aa_level_mount_cb(__u32 level, void *vctx)
{
	return aa_level_body(level, vctx, AA_Q_MOUNT);
}

/*
 * Ask every confining profile of every level of the current task; the
 * first denial wins. One bpf_loop over the levels: the verifier checks
 * the body once, not once per level. The variant says which questions the
 * hook can ask (AA_Q_SMALL: capability and network only; AA_Q_MOUNT: mount
 * rules only), so a hook verifies only the query functions it needs.
 */
static __always_inline int aa_check_levels(struct aa_query *q, const int variant)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct aa_levels_ctx c = { .q = q };

	if (!q)
		return 0;
	c.blob = task_blob(task);
	if (!blob_enrolled(c.blob))
		return 0;
	c.levels = c.blob->depth + 1;
	c.request = q->request;
	c.rc = aa_opaque_zero();
	bpf_loop(NSLSM_MAX_DEPTH,
		 variant == AA_Q_SMALL ? aa_level_small_cb
		 : variant == AA_Q_MOUNT ? aa_level_mount_cb : aa_level_cb,
		 &c, 0);
	return c.rc;
}

__noinline int aa_check_all_g(struct aa_query *q)
{
	return aa_check_levels(q, AA_Q_PROFILE);
}

__noinline int aa_check_small_g(struct aa_query *q)
{
	return aa_check_levels(q, AA_Q_SMALL);
}

__noinline int aa_check_mount_g(struct aa_query *q)
{
	return aa_check_levels(q, AA_Q_MOUNT);
}

static __always_inline int aa_check_all(struct subject *s, struct aa_query *q)
{
	return aa_check_all_g(q);
}

static __always_inline __u32 aa_current_fsuid(void)
{
	struct task_struct *t = bpf_get_current_task_btf();

	/* direct loads through BTF pointers: no helper call */
	return t->cred->fsuid.val;
}

#endif /* NSLSM_BPF_APPARMOR_LABEL_H */
