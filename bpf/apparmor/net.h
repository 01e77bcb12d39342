/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AppArmor on sockets: create and every operation on an existing socket,
 * by family and type, through the task's network memo.
 */
#ifndef NSLSM_BPF_APPARMOR_NET_H
#define NSLSM_BPF_APPARMOR_NET_H

/* The caller has checked aa_subject(). */
static __always_inline int aa_net(__u16 hook, __u32 request, __u32 family, __u32 type)
{
	struct aa_query q = { .hook = hook, .request = request, .deny_err = -EACCES,
			      .kind = AA_KIND_NET, .family = family, .type = type,
			      .ouid = family << 16 | (type & 0xffff) };

	return aa_check_small_g(&q);
}

/* The task's own AppArmor label and the policy epoch: the key of its
 * network memo (struct nslsm_aa_net_memo). */
static __always_inline bool aa_net_memo_key(const struct nslsm_task_blob *b, __u64 *epoch,
					    __u32 *label)
{
	struct nslsm_aa_epoch *e;
	__u32 zero = 0, d = b->depth;

	e = bpf_map_lookup_elem(&aa_epoch, &zero);
	if (!e || d >= NSLSM_MAX_DEPTH)
		return false;
	*epoch = e->policy;
	*label = b->level[d].label[NSLSM_MOD_APPARMOR];
	return true;
}

static __always_inline bool aa_net_memo_is(const struct nslsm_aa_net_memo *m, __u64 epoch,
					   __u32 label, __u32 family, __u32 type)
{
	return m->epoch == epoch && m->label == label && m->family == family && m->type == type;
}

static __always_inline bool aa_net_memo_hit(const struct nslsm_task_blob *b, __u64 epoch,
					    __u32 label, __u32 family, __u32 type, __u32 request)
{
#pragma unroll
	for (int i = 0; i < NSLSM_AA_NET_MEMO; i++) {
		const struct nslsm_aa_net_memo *m = &b->aa_net[i];

		if (aa_net_memo_is(m, epoch, label, family, type) && !(request & ~m->ok)) {
			STAT_INC(aa_net_hits);
			return true;
		}
	}
	return false;
}

static __always_inline void aa_net_memo_store(struct nslsm_task_blob *b, __u64 epoch, __u32 label,
					      __u32 family, __u32 type, __u32 request)
{
	struct nslsm_aa_net_memo *m;
	__u32 i;

#pragma unroll
	for (int k = 0; k < NSLSM_AA_NET_MEMO; k++) {
		m = &b->aa_net[k];
		if (aa_net_memo_is(m, epoch, label, family, type)) {
			m->ok |= request;
			return;
		}
	}
	i = b->aa_net_next++ & (NSLSM_AA_NET_MEMO - 1);
	m = &b->aa_net[i];
	m->epoch = epoch;
	m->label = label;
	m->family = family;
	m->type = type;
	m->ok = request;
}

/*
 * `request` on a socket of (family, type) by the enrolled subject s: the
 * task's memo first; a walk of the policy otherwise, remembered when it
 * allowed without writing a record.
 */
static __always_inline int aa_net_memo(struct subject *s, __u16 hook, __u32 request,
				       __u32 family, __u32 type)
{
	struct aa_cache_scratch *cs;
	__u32 zero = 0, label;
	__u64 epoch;
	int rc;

	if (!aa_net_memo_key(s->blob, &epoch, &label))
		return 0;
	if (aa_net_memo_hit(s->blob, epoch, label, family, type, request))
		return 0;
	if (!aa_subject_levels(s))
		return 0;
	STAT_INC(aa_net_misses);
	cs = bpf_map_lookup_elem(&aa_cache_scratch, &zero);
	if (cs)
		cs->audited = 0;
	rc = aa_net(hook, request, family, type);
	if (!rc && cs && !cs->audited)
		aa_net_memo_store(s->blob, epoch, label, family, type, request);
	return rc;
}

static __always_inline int apparmor_socket_create(struct subject *s, int family, int type,
						  int protocol, int kern)
{
	if (kern || !enrolled_subject(s))
		return 0;
	return aa_net_memo(s, NSLSM_HOOK_socket_create, AA_MAY_CREATE, family, type);
}

/* `request` on sock by the enrolled subject s (direct loads through BTF
 * pointers: no helper call before the policy is asked). */
static __always_inline int aa_sock_s(struct subject *s, __u16 hook, __u32 request,
				     struct socket *sock)
{
	struct sock *sk = sock->sk;

	if (!sk || BPF_CORE_READ_BITFIELD(sk, sk_kern_sock))
		return 0;
	return aa_net_memo(s, hook, request, sk->__sk_common.skc_family, sock->type);
}

static __always_inline int aa_sock(__u16 hook, __u32 request, struct socket *sock)
{
	struct subject s;

	/* every send and receive of every task comes here: the unenrolled
	 * leave first */
	if (!enrolled_subject(&s))
		return 0;
	return aa_sock_s(&s, hook, request, sock);
}

/* The socket operations AppArmor mediates on an existing socket, each
 * with its permission; the rules match family and type as at create. */
static __always_inline int apparmor_socket_listen(struct subject *s, struct socket *sock,
						  int backlog)
{
	return aa_sock(NSLSM_HOOK_socket_listen, AA_MAY_LISTEN, sock);
}

static __always_inline int apparmor_socket_accept(struct subject *s, struct socket *sock,
						  struct socket *newsock)
{
	return aa_sock(NSLSM_HOOK_socket_accept, AA_MAY_ACCEPT, sock);
}

static __always_inline int apparmor_socket_sendmsg(struct subject *s, struct socket *sock,
						   struct msghdr *msg, int size)
{
	return aa_sock(NSLSM_HOOK_socket_sendmsg, AA_MAY_SEND, sock);
}

static __always_inline int apparmor_socket_recvmsg(struct subject *s, struct socket *sock,
						   struct msghdr *msg, int size, int flags)
{
	return aa_sock(NSLSM_HOOK_socket_recvmsg, AA_MAY_RECEIVE, sock);
}

static __always_inline int apparmor_socket_getsockname(struct subject *s, struct socket *sock)
{
	return aa_sock(NSLSM_HOOK_socket_getsockname, AA_MAY_GETATTR, sock);
}

static __always_inline int apparmor_socket_getpeername(struct subject *s, struct socket *sock)
{
	return aa_sock(NSLSM_HOOK_socket_getpeername, AA_MAY_GETATTR, sock);
}

static __always_inline int apparmor_socket_getsockopt(struct subject *s, struct socket *sock,
						      int level, int optname)
{
	return aa_sock(NSLSM_HOOK_socket_getsockopt, AA_MAY_GETOPT, sock);
}

static __always_inline int apparmor_socket_setsockopt(struct subject *s, struct socket *sock,
						      int level, int optname)
{
	return aa_sock(NSLSM_HOOK_socket_setsockopt, AA_MAY_SETOPT, sock);
}

static __always_inline int apparmor_socket_shutdown(struct subject *s, struct socket *sock,
						    int how)
{
	return aa_sock(NSLSM_HOOK_socket_shutdown, AA_MAY_SHUTDOWN, sock);
}

/* connect and bind: the core has found the subject, and records the
 * address after the modules (bpf/core/net.h). */
static __always_inline int apparmor_socket_connect(struct subject *s, struct socket *sock,
						   struct sockaddr *address, int addrlen)
{
	if (!blob_enrolled(s->blob))
		return 0;
	return aa_sock_s(s, NSLSM_HOOK_socket_connect, AA_MAY_CONNECT, sock);
}

static __always_inline int apparmor_socket_bind(struct subject *s, struct socket *sock,
						struct sockaddr *address, int addrlen)
{
	if (!blob_enrolled(s->blob))
		return 0;
	return aa_sock_s(s, NSLSM_HOOK_socket_bind, AA_MAY_BIND, sock);
}

#endif /* NSLSM_BPF_APPARMOR_NET_H */
