// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "error.h"
#include "state.h"

int require_root(const char *what)
{
	if (geteuid() != 0)
		return nslsm_fail("%s needs root (CAP_BPF and CAP_SYS_ADMIN in the initial user "
				  "namespace)", what);
	return 0;
}

bool state_loaded(void)
{
	return access(NSLSM_LINK_DIR, F_OK) == 0;
}

static int open_map(const char *name, int *fd)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", NSLSM_MAP_DIR, name);
	*fd = bpf_obj_get(path);
	if (*fd < 0)
		return nslsm_fail_errno(errno, "opening pinned map %s", path);
	return 0;
}

int state_pidfd(pid_t pid)
{
	int fd = syscall(SYS_pidfd_open, pid, 0);

	if (fd < 0)
		return nslsm_fail_errno(errno, "process %d", pid);
	return fd;
}

int state_open(struct nslsm_state *st, bool protect)
{
	void *ns;

	memset(st, 0, sizeof(*st));
	st->task_blobs_fd = st->namespaces_fd = st->audit_queues_fd = st->audit_ns_fd = -1;
	st->stats_fd = st->config_fd = st->lock_fd = st->audit_rules_fd = st->peers_fd = -1;
	if (require_root("this command"))
		return -1;
	if (!state_loaded())
		return nslsm_fail("nslsm is not loaded (no %s): run 'nslsm load' first", NSLSM_LINK_DIR);
	if (open_map("task_blobs", &st->task_blobs_fd) || open_map("namespaces", &st->namespaces_fd) ||
	    open_map("audit_queues", &st->audit_queues_fd) ||
	    open_map("audit_ns", &st->audit_ns_fd) || open_map("stats", &st->stats_fd) ||
	    open_map("config", &st->config_fd) || open_map("audit_rules", &st->audit_rules_fd) ||
	    open_map("nslsmd_peers", &st->peers_fd))
		goto fail;
	ns = mmap(NULL, sizeof(struct nslsm_ns) * NSLSM_MAX_NS, PROT_READ | PROT_WRITE, MAP_SHARED,
		  st->namespaces_fd, 0);
	if (ns == MAP_FAILED) {
		nslsm_fail_errno(errno, "mapping the namespace table");
		goto fail;
	}
	st->ns = ns;
	ns = mmap(NULL, sizeof(struct nslsm_audit_rule) * NSLSM_MAX_AUDIT_RULES,
		  PROT_READ | PROT_WRITE, MAP_SHARED, st->audit_rules_fd, 0);
	if (ns == MAP_FAILED) {
		nslsm_fail_errno(errno, "mapping the audit rules");
		goto fail;
	}
	st->rules = ns;
	ns = mmap(NULL, sizeof(struct nslsm_audit_ns) * NSLSM_MAX_NS, PROT_READ | PROT_WRITE,
		  MAP_SHARED, st->audit_ns_fd, 0);
	if (ns == MAP_FAILED) {
		nslsm_fail_errno(errno, "mapping the audit queue counters");
		goto fail;
	}
	st->audit_ns = ns;
	if (protect) {
		struct nslsm_task_blob blob = { .flags = NSLSM_TASK_PROTECTED };

		if (state_set_blob(st, getpid(), &blob))
			goto fail;
	}
	return 0;
fail:
	state_close(st);
	return -1;
}

void state_close(struct nslsm_state *st)
{
	int *fds[] = { &st->task_blobs_fd, &st->namespaces_fd, &st->audit_queues_fd,
		       &st->audit_ns_fd,   &st->stats_fd,      &st->config_fd,
		       &st->lock_fd,	   &st->audit_rules_fd, &st->peers_fd };

	if (st->ns)
		munmap(st->ns, sizeof(struct nslsm_ns) * NSLSM_MAX_NS);
	if (st->rules)
		munmap(st->rules, sizeof(struct nslsm_audit_rule) * NSLSM_MAX_AUDIT_RULES);
	if (st->audit_ns)
		munmap(st->audit_ns, sizeof(struct nslsm_audit_ns) * NSLSM_MAX_NS);
	st->ns = NULL;
	st->rules = NULL;
	st->audit_ns = NULL;
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

int state_lock(struct nslsm_state *st)
{
	if (st->lock_fd >= 0)
		return 0;
	st->lock_fd = open(NSLSM_PIN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->lock_fd < 0)
		return nslsm_fail_errno(errno, "opening %s", NSLSM_PIN_DIR);
	if (flock(st->lock_fd, LOCK_EX) < 0)
		return nslsm_fail_errno(errno, "locking %s", NSLSM_PIN_DIR);
	return 0;
}

void state_unlock(struct nslsm_state *st)
{
	if (st->lock_fd < 0)
		return;
	close(st->lock_fd);	/* the flock goes with the last fd */
	st->lock_fd = -1;
}

int state_get_blob_pidfd(struct nslsm_state *st, int pidfd, pid_t pid,
			 struct nslsm_task_blob *out)
{
	if (bpf_map_lookup_elem(st->task_blobs_fd, &pidfd, out) == 0)
		return 1;
	return errno == ENOENT ? 0 : nslsm_fail_errno(errno, "reading the blob of process %d", pid);
}

int state_set_blob_pidfd(struct nslsm_state *st, int pidfd, pid_t pid,
			 const struct nslsm_task_blob *blob)
{
	if (bpf_map_update_elem(st->task_blobs_fd, &pidfd, blob, BPF_ANY) < 0)
		return nslsm_fail_errno(errno, "writing the blob of process %d", pid);
	return 0;
}

int state_get_blob(struct nslsm_state *st, pid_t pid, struct nslsm_task_blob *out)
{
	int pidfd = state_pidfd(pid), rc;

	if (pidfd < 0)
		return -1;
	rc = state_get_blob_pidfd(st, pidfd, pid, out);
	close(pidfd);
	return rc;
}

int state_set_blob(struct nslsm_state *st, pid_t pid, const struct nslsm_task_blob *blob)
{
	int pidfd = state_pidfd(pid), rc;

	if (pidfd < 0)
		return -1;
	rc = state_set_blob_pidfd(st, pidfd, pid, blob);
	close(pidfd);
	return rc;
}

static int lookup_zero(int fd, void *out, const char *what)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(fd, &zero, out) < 0)
		return nslsm_fail_errno(errno, "reading %s", what);
	return 0;
}

int state_get_stats(struct nslsm_state *st, struct nslsm_stats *out)
{
	return lookup_zero(st->stats_fd, out, "nslsm counters");
}

int state_get_config(struct nslsm_state *st, struct nslsm_config *out)
{
	return lookup_zero(st->config_fd, out, "nslsm configuration");
}

int state_set_config(struct nslsm_state *st, const struct nslsm_config *cfg)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(st->config_fd, &zero, cfg, BPF_ANY) < 0)
		return nslsm_fail_errno(errno, "writing nslsm configuration");
	return 0;
}

int tasks_scan(struct nslsm_state *st,
	       int (*cb)(pid_t pid, const struct nslsm_task_blob *b, void *arg), void *arg)
{
	struct nslsm_task_blob blob;
	struct dirent *de;
	DIR *proc;
	int rc = 0;

	proc = opendir("/proc");
	if (!proc)
		return nslsm_fail_errno(errno, "listing /proc");
	while (!rc && (de = readdir(proc))) {
		int found;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		nslsm_error_clear();
		found = state_get_blob(st, atoi(de->d_name), &blob);
		if (found == 1)
			rc = cb(atoi(de->d_name), &blob, arg);
		/* A process that exits while we scan is simply gone. */
	}
	closedir(proc);
	return rc;
}

struct count_arg {
	uint32_t *counts;
	uint32_t total;
};

static int count_one(pid_t pid, const struct nslsm_task_blob *b, void *arg)
{
	struct count_arg *c = arg;

	(void)pid;
	if (!(b->flags & NSLSM_TASK_ENROLLED) || b->depth >= NSLSM_MAX_DEPTH)
		return 0;
	if (b->level[b->depth].ns_id < NSLSM_MAX_NS)
		c->counts[b->level[b->depth].ns_id]++;
	c->total++;
	return 0;
}

int tasks_count_by_ns(struct nslsm_state *st, uint32_t *counts, uint32_t *total)
{
	struct count_arg c = { counts, 0 };
	int rc;

	memset(counts, 0, sizeof(*counts) * NSLSM_MAX_NS);
	rc = tasks_scan(st, count_one, &c);
	if (total)
		*total = c.total;
	return rc;
}

int map_keys_batch(int fd, uint32_t key_size, uint32_t value_size, bool percpu, void **keys_out,
		   size_t *n_out)
{
	int cpus = percpu ? libbpf_num_possible_cpus() : 1;
	size_t vs = percpu ? ((value_size + 7) & ~7u) * (size_t)(cpus > 0 ? cpus : 1) : value_size;
	__u32 chunk = vs > 4096 ? 256 : 4096;
	char *keys = NULL, *vals = NULL, *in = NULL, *out = NULL;
	size_t n = 0, cap = 0;
	bool first = true;
	int rc = 0;

	*keys_out = NULL;
	*n_out = 0;
	in = calloc(2, key_size);
	if (!in)
		return -ENOMEM;
	out = in + key_size;
	for (;;) {
		LIBBPF_OPTS(bpf_map_batch_opts, opts);
		__u32 count = chunk;
		int err;

		if (n + chunk > cap) {
			char *k = realloc(keys, (cap = n + chunk) * key_size);

			if (!k) {
				rc = -ENOMEM;
				break;
			}
			keys = k;
		}
		free(vals);
		vals = malloc(chunk * vs);
		if (!vals) {
			rc = -ENOMEM;
			break;
		}
		err = bpf_map_lookup_batch(fd, first ? NULL : in, out, keys + n * key_size, vals,
					   &count, &opts);
		err = err < 0 ? errno : 0;
		if (err == ENOSPC && chunk < (1u << 20)) {
			chunk *= 2;	/* a bucket holds more than one batch */
			continue;
		}
		if (err && err != ENOENT) {
			rc = -err;
			break;
		}
		n += count;
		if (err == ENOENT)
			break;	/* the end of the map */
		memcpy(in, out, key_size);
		first = false;
	}
	free(vals);
	free(in);
	if (rc) {
		free(keys);
		return rc;
	}
	*keys_out = keys;
	*n_out = n;
	return 0;
}

int map_delete_keys(int fd, const void *keys, uint32_t key_size, size_t n)
{
	for (size_t done = 0; done < n;) {
		LIBBPF_OPTS(bpf_map_batch_opts, opts);
		__u32 count = n - done < 4096 ? n - done : 4096;

		if (bpf_map_delete_batch(fd, (const char *)keys + done * key_size, &count, &opts) < 0 &&
		    errno != ENOENT)
			return -errno;
		done += count ? count : 1;
	}
	return 0;
}
