// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "audit_queue.h"
#include "error.h"
#include "state.h"

int audit_queue_make(int queues_fd, uint32_t id, uint32_t bytes)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "nslsm_audit_q", 0, 0, bytes, NULL);

	if (fd < 0)
		return nslsm_fail_errno(errno, "making an audit queue of %u bytes", bytes);
	if (bpf_map_update_elem(queues_fd, &id, &fd, BPF_ANY) < 0) {
		int err = errno;

		close(fd);
		return nslsm_fail_errno(err, "installing the audit queue of namespace id %u", id);
	}
	close(fd);
	return 0;
}

/* Drainers find the change on their next turn. */
static int queues_changed(struct nslsm_state *st)
{
	struct nslsm_config cfg;

	if (state_get_config(st, &cfg))
		return -1;
	cfg.audit_queues_gen++;
	return state_set_config(st, &cfg);
}

int audit_queue_create(struct nslsm_state *st, uint32_t id)
{
	memset(&st->audit_ns[id], 0, sizeof(st->audit_ns[id]));
	if (audit_queue_make(st->audit_queues_fd, id, st->ns[id].audit.queue))
		return -1;
	return queues_changed(st);
}

int audit_queue_resize(struct nslsm_state *st, uint32_t id)
{
	if (audit_queue_make(st->audit_queues_fd, id, st->ns[id].audit.queue))
		return -1;
	return queues_changed(st);
}

int audit_queue_remove(struct nslsm_state *st, uint32_t id)
{
	if (bpf_map_delete_elem(st->audit_queues_fd, &id) < 0 && errno != ENOENT)
		return nslsm_fail_errno(errno, "removing the audit queue of namespace id %u", id);
	return queues_changed(st);
}
