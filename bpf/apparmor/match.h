/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Path names and the DFA walk, as the kernel's AppArmor does them.
 *
 * Names are built the way AppArmor's d_namespace_path builds them: from the
 * root of the mount namespace (not the task's chroot), walking dentries and
 * crossing mount points, "/" appended for directories, no " (deleted)"
 * suffix. The name is written right to left into per-CPU scratch space.
 *
 * The walk is the kernel's aa_dfa_match: equivalence class, then
 * base/check/next with default states, following diff-encoded default
 * chains (bounded: chains are checked at load). Its cost is one step per
 * byte of the name, whatever the number of rules or profiles.
 */
#ifndef NSLSM_BPF_AA_MATCH_H
#define NSLSM_BPF_AA_MATCH_H

#define AA_BUF_SIZE (2 * NSLSM_AA_PATH_MAX)
#define AA_NAME_END (NSLSM_AA_PATH_MAX)	/* names end here (exclusive) */
#define AA_MATCH_DIFF_ENCODE 0x80000000u

struct path_walk {
	__u64 dentry;
	__u64 mnt;		/* struct mount * */
	__u64 root;		/* its root dentry */
	char *buf;
	__u32 pos;
	__s32 err;
	__u32 done;
	__u32 disconnected;
};

/* A dentry's parent and name: d_parent and d_name are neighbours in
 * struct dentry, so one read (not three) gets them. */
#define AA_DENT_SPAN 32

static __always_inline bool aa_dent_read(struct dentry *d, struct dentry **parent, __u32 *len,
					 const unsigned char **name)
{
	__u32 op = bpf_core_field_offset(struct dentry, d_parent);
	__u32 on = bpf_core_field_offset(struct dentry, d_name);
	__u32 ol = bpf_core_field_offset(struct qstr, len);
	__u32 om = bpf_core_field_offset(struct qstr, name);
	__u64 raw[AA_DENT_SPAN / 8];

	if (on > op && on - op + om + 8 <= AA_DENT_SPAN && on - op + ol + 4 <= AA_DENT_SPAN) {
		if (bpf_probe_read_kernel(raw, sizeof(raw), (void *)d + op))
			return false;
		*parent = (struct dentry *)raw[0];
		*len = *(__u32 *)((void *)raw + (on - op + ol));
		*name = (const unsigned char *)*(__u64 *)((void *)raw + (on - op + om));
		return true;
	}
	*parent = BPF_CORE_READ(d, d_parent);
	*len = BPF_CORE_READ(d, d_name.len);
	*name = BPF_CORE_READ(d, d_name.name);
	return true;
}

static long aa_path_step(__u32 i, void *vctx)
{
	struct path_walk *w = vctx;
	struct dentry *d = (struct dentry *)w->dentry, *parent;
	struct mount *mnt = (struct mount *)w->mnt;
	const unsigned char *name;
	__u32 len;

	if (w->dentry == w->root) {
		struct mount *pm = BPF_CORE_READ(mnt, mnt_parent);

		if (pm == mnt) {
			w->done = 1;
			return 1;
		}
		w->dentry = (__u64)BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = (__u64)pm;
		w->root = (__u64)BPF_CORE_READ(pm, mnt.mnt_root);
		return 0;
	}
	if (!aa_dent_read(d, &parent, &len, &name)) {
		w->err = -ENAMETOOLONG;
		return 1;
	}
	if (parent == d) {
		w->disconnected = 1;
		w->done = 1;
		return 1;
	}
	if (len == 0 || len > 255 || len + 2 >= w->pos) {
		w->err = -ENAMETOOLONG;
		return 1;
	}
	w->pos -= len;
	bpf_probe_read_kernel(w->buf + (w->pos & (NSLSM_AA_PATH_MAX - 1)), len & 255, name);
	w->pos -= 1;
	w->buf[w->pos & (NSLSM_AA_PATH_MAX - 1)] = '/';
	w->dentry = (__u64)parent;
	return 0;
}

/*
 * Build the name of (mnt, dentry) into scratch buffer `which`: on success
 * *start is where the NUL-terminated name begins. Returns 0, -ENAMETOOLONG,
 * or -EACCES for a disconnected path (AppArmor's "Failed name lookup").
 */
static __always_inline int aa_build_name(struct vfsmount *vfsmnt, struct dentry *dentry,
					 bool is_dir, __u32 which, __u32 *start, __u32 *len)
{
	struct aa_scratch *sc;
	struct path_walk w = { 0 };
	struct mount *mnt;
	struct task_struct *task;
	__u32 zero = 0, end = AA_NAME_END;
	char *buf;

	sc = bpf_map_lookup_elem(&aa_scratch, &zero);
	if (!sc)
		return -ENOMEM;
	buf = sc->buf[which & 1];
	mnt = (struct mount *)((void *)vfsmnt - bpf_core_field_offset(struct mount, mnt));
	w.dentry = (__u64)dentry;
	w.mnt = (__u64)mnt;
	w.buf = buf;
	w.err = aa_opaque_zero();
	w.done = w.err;
	w.disconnected = w.err;
	w.pos = end + w.err;
	w.root = (__u64)BPF_CORE_READ(vfsmnt, mnt_root) + w.err;
	bpf_loop(NSLSM_AA_PATH_DEPTH, aa_path_step, &w, 0);
	if (w.err)
		return w.err;
	if (!w.done)
		return -ENAMETOOLONG;
	if (w.pos == end) {	/* the root itself */
		w.pos = end - 1;
		buf[w.pos & (NSLSM_AA_PATH_MAX - 1)] = '/';
	}
	if (is_dir && !(end - w.pos == 1)) {
		buf[end & (AA_BUF_SIZE - 1)] = '/';
		end++;
	}
	buf[end & (AA_BUF_SIZE - 1)] = '\0';
	/* a mount outside the task's mount namespace is disconnected too */
	task = bpf_get_current_task_btf();
	mnt = (struct mount *)w.mnt;
	if (w.disconnected ||
	    BPF_CORE_READ(mnt, mnt_ns) != BPF_CORE_READ(task, nsproxy, mnt_ns))
		w.disconnected = 1;
	*start = w.pos;
	*len = end - w.pos;
	return w.disconnected ? -EACCES : 0;
}

/* aa_build_name as a function of its own (its stack is off the path of
 * the DFA walk's): which buffer, and the name's start and length out. */
struct aa_name_req {
	__u64 mnt;
	__u64 dentry;
	__u32 is_dir;
	__u32 which;
	__u32 start;
	__u32 len;
};

__noinline int aa_build_name_g(struct aa_name_req *n)
{
	__u32 start = 0, len = 0;
	int rc;

	if (!n)
		return -EINVAL;
	rc = aa_build_name((struct vfsmount *)n->mnt, (struct dentry *)n->dentry, n->is_dir,
			   n->which, &start, &len);
	n->start = start;
	n->len = len;
	return rc;
}

struct dfa_walk {
	const char *buf;	/* NULL: walk `c` once */
	__u32 pos;
	__u32 state;
	__u32 state_off;
	__u32 nstates;
	__u32 trans_off;
	__u32 ntrans;
	const __u8 *ec;
	__u32 err;
	__u8 c;
};

static __always_inline int aa_dfa_step(struct dfa_walk *w, __u8 c)
{
	__u8 cls = w->ec[c];
	__u32 state = w->state;

	/* unrolled: no back-edge after a helper call (6.1's CFG check) */
#pragma unroll
	for (int k = 0; k < NSLSM_AA_DIFF_CHAIN_MAX; k++) {
		struct nslsm_aa_state *st;
		struct nslsm_aa_trans *tr;
		__u32 key, b, pos;

		if (state >= w->nstates)
			break;
		key = w->state_off + state;
		st = bpf_map_lookup_elem(&aa_states, &key);
		if (!st)
			break;
		b = st->base;
		pos = (b & 0xffffff) + cls;
		if (pos >= w->ntrans)
			break;
		key = w->trans_off + pos;
		tr = bpf_map_lookup_elem(&aa_trans, &key);
		if (!tr)
			break;
		if (tr->check != state) {
			state = st->def;
			if (b & AA_MATCH_DIFF_ENCODE)
				continue;
			w->state = state;
			return 0;
		}
		w->state = tr->next;
		return 0;
	}
	w->err = 1;
	return 1;
}

static long aa_dfa_cb(__u32 i, void *vctx)
{
	struct dfa_walk *w = vctx;
	__u8 c = w->buf[(w->pos + i) & (AA_BUF_SIZE - 1)];

	return aa_dfa_step(w, c);
}

static __always_inline bool aa_dfa_init(struct dfa_walk *w, const struct nslsm_aa_dfa *d,
					__u32 state)
{
	__u32 ec = d->ec;

	w->state = state;
	w->err = aa_opaque_zero();
	w->state_off = d->state_off;
	w->nstates = d->nstates;
	w->trans_off = d->trans_off;
	w->ntrans = d->ntrans;
	w->ec = bpf_map_lookup_elem(&aa_ec, &ec);
	return w->ec != NULL;
}

/* The permission set of `state` (column 0: owner or policydb, 1: other). */
static __always_inline void aa_state_perms(const struct nslsm_aa_dfa *d, __u32 state, int col,
					   struct nslsm_aa_perms *out)
{
	struct nslsm_aa_state *st;
	struct nslsm_aa_perms *p;
	__u32 key = d->state_off + state, idx;

	__builtin_memset(out, 0, sizeof(*out));
	if (state >= d->nstates)
		return;
	st = bpf_map_lookup_elem(&aa_states, &key);
	if (!st)
		return;
	idx = st->perm[col & 1];
	p = bpf_map_lookup_elem(&aa_perms, &idx);
	if (p)
		*out = *p;
}

#endif /* NSLSM_BPF_AA_MATCH_H */
