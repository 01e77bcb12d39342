/* SPDX-License-Identifier: GPL-2.0 */
/*
 * connect() and bind(): the modules decide; then a namespace with
 * audit.net=1 (or any of its ancestors) gets a record of every connect()
 * and bind() of its tasks, with the address and the network namespace.
 */
#ifndef NSLSM_BPF_CORE_NET_H
#define NSLSM_BPF_CORE_NET_H

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10

/* The record of a connect() or bind() by s, when a namespace of its
 * chain asks for one. */
static __always_inline int audit_socket_address(struct subject *s, __u16 hook,
						struct sockaddr *address)
{
	struct audit_event ev = { .hook = hook, .source = NSLSM_SOURCE_AUDIT,
				  .action = NSLSM_AUDIT_ALLOWED };
	bool wanted = false;
	__u16 family;

	FOR_EACH_LEVEL(s, ns, level, {
		if (ns->audit.net)
			wanted = true;
	});
	if (!wanted)
		return 0;
	family = BPF_CORE_READ(address, sa_family);
	ev.request = family;
	if (family == AF_INET) {
		struct sockaddr_in *in = (void *)address;

		ev.detail = bpf_ntohs(BPF_CORE_READ(in, sin_port));
		ev.name = &in->sin_addr;
		ev.name_len = 4;
	} else if (family == AF_INET6) {
		struct sockaddr_in6 *in6 = (void *)address;

		ev.detail = bpf_ntohs(BPF_CORE_READ(in6, sin6_port));
		ev.name = &in6->sin6_addr;
		ev.name_len = 16;
	} else if (family == AF_UNIX) {
		ev.name = ((struct sockaddr_un *)address)->sun_path;
	}
	audit_emit(s, &ev);
	return 0;
}

/* The modules' verdict, then the record: one subject lookup. */
static __always_inline int hook_socket_connect(struct socket *sock, struct sockaddr *address,
					       int addrlen)
{
	struct subject s;
	int rc;

	if (!subject_get(&s))
		return 0;
	rc = modules_socket_connect(&s, sock, address, addrlen);
	return rc ? rc : audit_socket_address(&s, NSLSM_HOOK_socket_connect, address);
}

static __always_inline int hook_socket_bind(struct socket *sock, struct sockaddr *address,
					    int addrlen)
{
	struct subject s;
	int rc;

	if (!subject_get(&s))
		return 0;
	rc = modules_socket_bind(&s, sock, address, addrlen);
	return rc ? rc : audit_socket_address(&s, NSLSM_HOOK_socket_bind, address);
}

#endif /* NSLSM_BPF_CORE_NET_H */
