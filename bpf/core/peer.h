/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who connected to nslsmd. The kernel calls unix_stream_connect in the
 * connecting task's context, before the connection exists for either
 * side; for a connection to nslsmd's listening socket (marked by nslsmd)
 * the program records that task's identity on the socket nslsmd will
 * accept. The record lives and dies with that socket, which never leaves
 * nslsmd, so no later exit, fork, fd passing or pid reuse can change whom
 * nslsmd judges.
 */
#ifndef NSLSM_BPF_CORE_PEER_H
#define NSLSM_BPF_CORE_PEER_H

#define ENOMEM 12

static __always_inline int hook_unix_stream_connect(struct sock *sock, struct sock *other,
						    struct sock *newsk)
{
	struct nslsm_peer *mark, *peer;
	struct nslsm_task_blob *blob;
	struct task_struct *task;

	/* A socket without BPF storage is not nslsmd's: one load decides it
	 * for every other connect. */
	if (bpf_core_field_exists(other->sk_bpf_storage) && !other->sk_bpf_storage)
		return 0;
	mark = bpf_sk_storage_get(&nslsmd_peers, other, 0, 0);
	if (!mark || !(mark->flags & NSLSM_PEER_LISTENER))
		return 0;
	peer = bpf_sk_storage_get(&nslsmd_peers, newsk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!peer) {
		/* A connection nslsmd could not attribute: none at all. */
		STAT_INC(peer_unknown);
		return -ENOMEM;
	}
	task = bpf_get_current_task_btf();
	peer->tgid = task->tgid;
	peer->parent_tgid = BPF_CORE_READ(task, real_parent, tgid);
	peer->cap_effective = cred_cap_effective(task->cred);
	peer->flags = NSLSM_PEER_CONNECTED;
	blob = task_blob(task);
	if (blob) {
		__builtin_memcpy(&peer->blob, blob, sizeof(peer->blob));
		peer->flags |= NSLSM_PEER_HAS_BLOB;
	}
	return 0;
}

#endif /* NSLSM_BPF_CORE_PEER_H */
