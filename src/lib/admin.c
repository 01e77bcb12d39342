// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "apparmor/store.h"
#include "selinux/store.h"
#include "daemon/client.h"
#include "admin.h"
#include "objlabel.h"
#include "audit_log.h"
#include "audit_queue.h"
#include "audit_rules.h"
#include "error.h"
#include "ns.h"
#include "state.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL	/* linux/pidfd.h, 6.9 */
#endif

static uint32_t task_counts[NSLSM_MAX_NS];

int admin_ns_create(struct nslsm_state *st, const char *name, const char *parent,
		    uint32_t modules, char **parent_labels, int n_parent_labels, uint32_t *id)
{
	if (ns_create(st->ns, name, parent, modules, parent_labels, n_parent_labels, id))
		return -1;
	if (audit_queue_create(st, *id)) {
		ns_delete(st->ns, *id, NULL);
		return -1;
	}
	aa_policy_changed();	/* a reused id: no verdict of the old one */
	/* nor SELinux state: permissive, no policy; nor object labels */
	if (se_store_clear_ns(*id) || objlabel_clear(*id, -1)) {
		ns_delete(st->ns, *id, NULL);
		audit_queue_remove(st, *id);
		return -1;
	}
	return 0;
}

int admin_ns_delete(struct nslsm_state *st, uint32_t id)
{
	struct aa_pools pl;

	if (id == NSLSM_HOST_ID || id >= NSLSM_MAX_NS || !ns_in_use(&st->ns[id]))
		return ns_delete(st->ns, id, NULL);	/* its message */
	/* its last records into the log (their namespace named) before it goes */
	if (tasks_count_by_ns(st, task_counts, NULL) || audit_drain_queues(st) ||
	    ns_delete(st->ns, id, task_counts) || audit_queue_remove(st, id))
		return -1;
	audit_rules_clear(st->rules, id);
	if (!aa_pools_open(&pl)) {
		aa_store_clear_ns(&pl, id);
		aa_pools_close(&pl);
	}
	aa_policy_changed();
	if (objlabel_clear(id, -1))
		return -1;
	return se_store_clear_ns(id);
}

int admin_ns_set(struct nslsm_state *st, uint32_t id, char **kv, int n)
{
	uint32_t queue = id < NSLSM_MAX_NS ? st->ns[id].audit.queue : 0;

	if (ns_set(st->ns, id, kv, n))
		return -1;
	if (st->ns[id].audit.queue != queue && (audit_drain_queues(st) || audit_queue_resize(st, id)))
		return -1;
	return aa_policy_changed();	/* modes and modules decide verdicts */
}

/* The threads of pid other than pid itself, each given the blob through a
 * thread pidfd; 0 threads if the kernel has no PIDFD_THREAD. */
static int enrol_threads(struct nslsm_state *st, pid_t pid, const struct nslsm_task_blob *blob)
{
	char path[64];
	struct dirent *de;
	int n = 0, rc = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return nslsm_fail_errno(errno, "listing the threads of process %d", pid);
	while (!rc && (de = readdir(d))) {
		pid_t tid;
		int fd;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		tid = atoi(de->d_name);
		if (tid == pid)
			continue;
		fd = syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
		if (fd < 0 && errno == EINVAL)
			break;	/* no thread pidfds: the leader alone */
		if (fd < 0 && errno == ESRCH)
			continue;	/* the thread ended */
		if (fd < 0) {
			rc = nslsm_fail_errno(errno, "thread %d of process %d", tid, pid);
			break;
		}
		rc = state_set_blob_pidfd(st, fd, tid, blob);
		close(fd);
		n += !rc;
	}
	closedir(d);
	return rc ? rc : n;
}

int admin_enrol_pidfd(struct nslsm_state *st, int pidfd, pid_t pid,
		      const struct nslsm_task_blob *blob)
{
	struct nslsm_task_blob old;
	int found = state_get_blob_pidfd(st, pidfd, pid, &old), n;

	if (found < 0)
		return -1;
	if (found && (old.flags & NSLSM_TASK_PROTECTED))
		return nslsm_fail("process %d is an nslsm control process: it is never enrolled",
				  pid);
	if (found && (old.flags & NSLSM_TASK_ENROLLED)) {
		uint32_t ns = old.depth < NSLSM_MAX_DEPTH ? old.level[old.depth].ns_id : 0;

		return nslsm_fail("process %d is already enrolled in namespace '%s': a process "
				  "enters one namespace, once", pid,
				  ns < NSLSM_MAX_NS && ns_in_use(&st->ns[ns]) ? st->ns[ns].name
									      : "(deleted)");
	}
	if (state_set_blob_pidfd(st, pidfd, pid, blob))
		return -1;
	n = enrol_threads(st, pid, blob);
	return n < 0 ? -1 : n + 1;
}

/* nslsmd's own drainer: nslsmd never asks itself over its socket. */
static struct audit_drainer *daemon_drainer;

void admin_drain_with(struct audit_drainer *d)
{
	daemon_drainer = d;
}

int audit_drain_now(struct audit_drainer *d)
{
	char buf[512] = "";
	ssize_t n;
	int fd;

	if (daemon_drainer)
		return audit_drainer_run(daemon_drainer, true) < 0 ? -1 : 0;
	if (access(nslsmd_socket(), F_OK))
		return d && audit_drainer_run(d, true) < 0 ? -1 : 0;
	fd = nslsmd_request("DRAIN\n");
	if (fd < 0)
		return -1;
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	if (strcmp(buf, "OK"))
		return nslsm_fail("nslsmd: %s", !strncmp(buf, "ERR ", 4) ? buf + 4 : "no answer");
	return 0;
}

int audit_drain_queues(struct nslsm_state *st)
{
	struct audit_drainer *d = NULL;
	int rc;

	if (daemon_drainer)
		return audit_drain_now(NULL);
	if (access(nslsmd_socket(), F_OK) &&
	    !(d = audit_drainer_open(st, audit_log_path(), NULL, NULL)))
		return -1;
	rc = audit_drain_now(d);
	audit_drainer_close(d);
	return rc;
}
