/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AppArmor at exec: the profiles of every level check the program, the
 * task's own level finds its new label (x rules, attachments, change_onexec),
 * and the new label is committed with the new credentials.
 */
#ifndef NSLSM_BPF_APPARMOR_EXEC_H
#define NSLSM_BPF_APPARMOR_EXEC_H

struct aa_attach_q {
	__u32 profile;
	__u32 which;
	__u32 start;
	__u32 len;
	/* out */
	__u32 matched;
	__u32 specificity;
};

static long aa_namecmp_cb(__u32 i, void *vctx);

struct aa_namecmp {
	const char *a;
	__u32 pos;
	const char *b;
	__u32 differ;
};

static long aa_namecmp_cb(__u32 i, void *vctx)
{
	struct aa_namecmp *c = vctx;
	char x = c->a[(c->pos + i) & (AA_BUF_SIZE - 1)];
	char y = c->b[i & (NSLSM_AA_NAME_MAX - 1)];

	if (x != y) {
		c->differ = 1;
		return 1;
	}
	return x == 0;
}

/* Does profile q->profile attach to the executable named in the buffer? */
__noinline int aa_attach_one(struct aa_attach_q *q)
{
	struct nslsm_aa_profile *p;
	struct aa_scratch *sc;
	struct nslsm_aa_perms perms;
	struct dfa_walk w = { 0 };
	__u32 zero = 0, key, state;

	if (!q)
		return 0;
	q->matched = 0;
	key = q->profile;
	p = bpf_map_lookup_elem(&aa_profiles, &key);
	sc = bpf_map_lookup_elem(&aa_scratch, &zero);
	if (!p || !sc || !(p->flags & NSLSM_AA_P_IN_USE))
		return 0;
	if (!p->xmatch.nstates) {
		/* a profile named by its path attaches to exactly that path */
		struct aa_namecmp c = { .a = sc->buf[q->which & 1], .pos = q->start, .b = p->name };

		c.differ = aa_opaque_zero();

		if (q->len >= NSLSM_AA_NAME_MAX)
			return 0;
		bpf_loop(q->len + 1, aa_namecmp_cb, &c, 0);
		if (!c.differ) {
			q->matched = 2;	/* exact: wins outright */
			q->specificity = q->len;
		}
		return 0;
	}
	state = aa_walk_name(&w, &p->xmatch, p->xmatch.start, sc->buf[q->which & 1], q->start);
	aa_state_perms(&p->xmatch, state, 0, &perms);
	if (state && (perms.allow & AA_MAY_EXEC)) {
		q->matched = 1;
		q->specificity = p->xmatch_len;
	}
	return 0;
}

/*
 * The profile an exec of the named file attaches to in namespace ns_id
 * (parent: among that profile's children only), 0 if none or ambiguous.
 */
struct aa_find_q {
	__u32 ns_id;
	__u32 aa_ns;	/* AppArmor policy namespace searched (0: root) */
	__u32 parent;
	__u32 start;
	__u32 len;
	__u32 found;	/* out */
};

struct aa_find_ctx {
	struct aa_find_q *f;
	struct nslsm_aa_nsconf *nc;
	__u32 best;
	__u32 best_len;
	__u32 conflict;
	__u32 exact;
};

static long aa_find_cb(__u32 i, void *vctx)
{
	struct aa_find_ctx *c = vctx;
	struct aa_attach_q q = { .which = 0 };
	struct nslsm_aa_profile *p;
	__u32 id;

	__u32 k = i;

	if (i >= c->nc->n_attach)
		return 1;
	asm volatile("" : "+r"(k));	/* keep the mask: the verifier needs it */
	id = c->nc->attach[k & (NSLSM_AA_ATTACH_MAX - 1)];
	p = bpf_map_lookup_elem(&aa_profiles, &id);
	if (!p || p->parent != c->f->parent || p->aa_ns != c->f->aa_ns)
		return 0;
	q.profile = id;
	q.start = c->f->start;
	q.len = c->f->len;
	aa_attach_one(&q);
	if (q.matched == 2) {
		c->exact = id;
		return 1;
	}
	if (!q.matched)
		return 0;
	if (c->best && q.specificity == c->best_len) {
		c->conflict = 1;
		return 0;
	}
	if (q.specificity > c->best_len || !c->best) {
		c->best = id;
		c->best_len = q.specificity;
		c->conflict = 0;
	}
	return 0;
}

__noinline int aa_find_attach(struct aa_find_q *f)
{
	struct aa_find_ctx c = { .f = f };
	__u32 key;

	if (!f)
		return 0;
	c.best = aa_opaque_zero();
	c.best_len = c.best;
	c.conflict = c.best;
	c.exact = c.best;
	f->found = 0;
	key = f->ns_id;
	c.nc = bpf_map_lookup_elem(&aa_nsconf, &key);
	if (!c.nc)
		return 0;
	bpf_loop(NSLSM_AA_ATTACH_MAX, aa_find_cb, &c, 0);
	if (c.exact)
		f->found = c.exact;
	else
		f->found = c.conflict ? 0 : c.best;
	return 0;
}

/* One profile of the task's label at exec: may it exec, and where to? */
struct aa_exec_q {
	struct aa_query q;
	__u32 label;		/* the whole label at this level */
	__u32 secure;		/* the transition scrubs the environment (AT_SECURE) */
	__u32 transition;	/* compute the transition (own level, one profile) */
	__u32 len;
	/* out */
	__u32 pending;
	__u32 new_label;
	__u32 need_find;	/* px/cx without a target: search attachments */
	__u32 find_parent;
	__u32 find_aa_ns;
	__u32 xindex;
};

/* px/cx found nothing (or ix/ux alone): AppArmor's fallbacks. */
__noinline int aa_exec_fallback(struct aa_exec_q *e, __u32 found, __u32 target, __u32 x)
{
	struct nslsm_aa_profile *p;
	__u32 key;

	if (!e)
		return 0;
	if (!found) {
		if (x & AA_X_INHERIT) {
			target = e->label;
			found = 1;
			x |= AA_X_UNSAFE;	/* "ix fallback": nothing scrubbed */
		} else if (x & AA_X_UNCONFINED) {
			target = 0;
			found = 1;
		}
	}
	if (!found) {
		/* "profile transition not found": the exec fails */
		struct nslsm_aa_perms none = { 0 };

		key = e->q.profile;
		p = bpf_map_lookup_elem(&aa_profiles, &key);
		if (!p)
			return 0;
		e->q.request = AA_MAY_EXEC;
		return aa_audit(&e->q, p, &none, NULL);
	}
	/* Px, Cx, Ux (upper case): the program starts with AT_SECURE, so the
	 * dynamic linker ignores LD_PRELOAD and the like */
	if (!(x & AA_X_UNSAFE))
		e->secure = 1;
	e->new_label = target;
	e->pending = 1;
	return 0;
}

__noinline int aa_exec_profile(struct aa_exec_q *e)
{
	struct nslsm_aa_profile *p;
	__u32 x, target = 0, key;
	bool found = false;
	int r;

	if (!e)
		return 0;
	e->pending = 0;
	e->need_find = 0;
	e->q.request = AA_MAY_EXEC;
	e->q.allow = 0;
	e->q.xindex = 0;
	r = aa_query_profile(&e->q);
	if (r)
		return r;
	if (!e->transition || !(e->q.allow & AA_MAY_EXEC))
		return 0;
	key = e->q.profile;
	p = bpf_map_lookup_elem(&aa_profiles, &key);
	if (!p)
		return 0;
	x = e->q.xindex;
	if ((x & AA_X_TYPE_MASK) == AA_X_TABLE) {
		__u32 idx = x & AA_X_INDEX_MASK;
		struct nslsm_aa_xtarget *t;

		if (idx < p->xtable_n) {
			key = p->xtable_off + idx;
			t = bpf_map_lookup_elem(&aa_xtable, &key);
			if (t && t->label) {
				target = t->label;
				found = true;
			}
		}
	} else if ((x & AA_X_TYPE_MASK) == AA_X_NAME && !e->q.name_err) {
		/* the caller searches the attachments, then falls back */
		e->need_find = 1;
		e->find_parent = (x & AA_X_CHILD) ? e->q.profile : 0;
		e->find_aa_ns = p->aa_ns;
		e->xindex = x;
		return 0;
	}
	return aa_exec_fallback(e, found, target, x);
}

/* One level of the task's chain at exec: every profile of its label. */
__noinline int aa_exec_level(struct aa_exec_q *e)
{
	__u32 label;

	if (!e)
		return 0;
	label = e->label;
	e->transition = e->transition && !(label & NSLSM_AA_LABEL_STACK);
	e->new_label = 0;
	for (__u32 k = 0; k < NSLSM_AA_MAX_STACK; k++) {
		__u32 id = aa_label_component(label, k);
		int r;

		if (!id)
			break;
		e->q.profile = id;
		r = aa_exec_profile(e);
		if (r)
			return r;
	}
	return 0;
}

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct aa_exec_q);
} aa_exec_scratch SEC(".maps");

__noinline int aa_onexec_level(struct aa_exec_q *e, __u32 target);

/*
 * The exec decision of one level of the task's chain (a function of its
 * own: the verifier checks it once, not once per level). Returns 0 or the
 * error that fails the exec; a pending transition of the task's own level
 * goes into its blob.
 */
__noinline int aa_exec_at_level(struct aa_exec_q *ep, __u32 level)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct nslsm_task_blob *b = task_blob(task);
	struct nslsm_ns *ns;
	__u32 own, l = level;
	int r;

	if (!ep || !blob_enrolled(b))
		return 0;
	own = b->depth;
	if (l > own || l >= NSLSM_MAX_DEPTH)
		return 0;
	asm volatile("" : "+r"(l));
	l &= NSLSM_MAX_DEPTH - 1;
	ns = ns_get(b->level[l].ns_id);
	if (!ns || !(ns->modules & AA_MOD_BIT))
		return 0;
	ep->label = b->level[l].label[NSLSM_MOD_APPARMOR];
	ep->transition = l == own;
	ep->pending = 0;
	ep->q.policy_ns = ns->id;
	ep->q.ns_mode = ns->aa_mode;
	if (l == own && b->aa_onexec) {
		/* nslsm run --apparmor, or change_onexec: the task's own
		 * request is checked by the profiles it execs from */
		if ((b->aa_flags & NSLSM_AA_TASK_ONEXEC_CHECK) && ep->label) {
			r = aa_onexec_level(ep, b->aa_onexec);
			if (r)
				return r;
			/* a confined task's change_onexec scrubs, as in
			 * AppArmor (its pairing carries no "unsafe") */
			ep->secure = 1;
		}
		ep->pending = 1;
		ep->new_label = b->aa_onexec;
	} else if (!ep->label) {
		if (l == own && !ep->q.name_err) {
			struct aa_find_q f = { .ns_id = ns->id, .start = ep->q.start, .len = ep->len };

			aa_find_attach(&f);
			ep->new_label = f.found;
			ep->pending = f.found != 0;
		}
	} else {
		r = aa_exec_level(ep);
		if (r)
			return r;
		if (ep->need_find) {
			struct aa_find_q f = { .ns_id = ns->id, .parent = ep->find_parent,
					       .aa_ns = ep->find_aa_ns, .start = ep->q.start,
					       .len = ep->len };

			aa_find_attach(&f);
			r = aa_exec_fallback(ep, f.found != 0, f.found, ep->xindex);
			if (r)
				return r;
		}
	}
	if (l == own && ep->pending) {
		b->aa_pending = ep->new_label;
		b->aa_flags |= NSLSM_AA_TASK_PENDING;
	}
	return 0;
}

/*
 * The exec decision: every level of the task's chain checks the program,
 * the task's own level finds its new label. A decision that wrote no
 * record is remembered on the program's inode, under the decision cache's
 * key (apparmor/cache.h), with its outcome (the new label, AT_SECURE); a
 * change_onexec in force is always decided afresh.
 */
static __always_inline int apparmor_bprm_creds_for_exec(struct subject *s,
							struct linux_binprm *bprm)
{
	struct aa_cache_scratch *cs = NULL;
	struct aa_cache_now now;
	struct aa_exec_q *ep;
	struct nslsm_task_blob *b;
	struct file *file;
	struct inode *inode;
	struct dentry *dentry;
	__u64 mnt;
	__u32 zero = 0, levels;

	if (!subject_get(s) || !blob_enrolled(s->blob))
		return 0;
	b = s->blob;
	levels = s->levels;
	if (b->depth >= NSLSM_MAX_DEPTH)
		return 0;
	b->aa_flags &= ~NSLSM_AA_TASK_PENDING;
	/* direct loads through BTF pointers: no helper call */
	file = bprm->file;
	inode = file->f_inode;
	dentry = file->f_path.dentry;
	mnt = (__u64)file->f_path.mnt;
	if (!b->aa_onexec && inode && aa_cacheable(inode, dentry) && aa_cache_now(inode, &now)) {
		__u32 label = 0, x = aa_cache_exec_hit(inode, b, &now, mnt, (__u64)dentry, &label);

		if (x) {
			if (x & AA_CX_PENDING) {
				b->aa_pending = label;
				b->aa_flags |= NSLSM_AA_TASK_PENDING;
			}
			if (x & AA_CX_SECURE)
				bpf_bprm_opts_set(bprm, BPF_F_BPRM_SECUREEXEC);
			return 0;
		}
		cs = aa_cache_key_fill(b, &now, mnt, (__u64)dentry);
	}
	ep = bpf_map_lookup_elem(&aa_exec_scratch, &zero);
	if (!ep)
		return 0;
	__builtin_memset(ep, 0, sizeof(*ep));
	ep->q.hook = NSLSM_HOOK_bprm_creds_for_exec;
	ep->q.deny_err = -EACCES;
	ep->q.kind = AA_KIND_FILE;
	ep->q.ouid = inode->i_uid.val;
	ep->q.owner = ep->q.ouid == aa_current_fsuid();
	{
		struct aa_name_req n = { .mnt = mnt, .dentry = (__u64)dentry };

		ep->q.name_err = aa_build_name_g(&n);
		ep->q.start = n.start;
		ep->len = n.len;
	}
	for (__u32 level = 0; level < NSLSM_MAX_DEPTH; level++) {
		int r;

		if (level >= levels)
			break;
		r = aa_exec_at_level(ep, level);
		if (r)
			return r;
	}
	if (ep->secure)
		bpf_bprm_opts_set(bprm, BPF_F_BPRM_SECUREEXEC);
	if (cs && inode)
		aa_cache_store_exec(inode, cs,
				    ((b->aa_flags & NSLSM_AA_TASK_PENDING) ? AA_CX_PENDING : 0) |
					    (ep->secure ? AA_CX_SECURE : 0),
				    b->aa_pending);
	return 0;
}

static __always_inline int apparmor_bprm_committed_creds(struct subject *s,
							 struct linux_binprm *bprm)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct nslsm_task_blob *b = task_blob(task);
	__u32 own;

	if (!blob_enrolled(b))
		return 0;
	own = b->depth;
	b->aa_flags &= ~NSLSM_AA_TASK_CHANGED;
	if ((b->aa_flags & NSLSM_AA_TASK_PENDING) && own < NSLSM_MAX_DEPTH) {
		__u32 old = b->level[own].label[NSLSM_MOD_APPARMOR];

		if (old != b->aa_pending) {
			b->aa_prev = old;
			b->aa_flags |= NSLSM_AA_TASK_CHANGED;
		}
		b->level[own].label[NSLSM_MOD_APPARMOR] = b->aa_pending;
	}
	/* exec ends a hat and a change_onexec */
	b->aa_flags &= ~(NSLSM_AA_TASK_PENDING | NSLSM_AA_TASK_ONEXEC_CHECK | NSLSM_AA_TASK_IN_HAT);
	b->aa_onexec = 0;
	b->aa_hat_prev = 0;
	b->aa_hat_token = 0;
	return 0;
}

#endif /* NSLSM_BPF_APPARMOR_EXEC_H */
