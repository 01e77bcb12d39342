// SPDX-License-Identifier: GPL-2.0
/*
 * `nslsm reset`: the loaded nslsm back to the state a fresh `nslsm load`
 * leaves, without detaching anything: the programs stay verified and
 * attached, every map returns to what load made of it.
 *
 * What a fresh load leaves, and how reset gets there again:
 *  - array maps: zero (a .data section: its initial value from the BPF
 *    object); then nslsm_init_state() writes the configuration, the host
 *    namespace and the host's audit queue, as load does. Frozen .rodata
 *    cannot have changed.
 *  - hash maps: empty.
 *  - the audit queues (a map of ring buffers): empty, then a new ring for
 *    host; records still queued are dropped with the old rings, as unload
 *    drops them.
 *  - local storage, which user space cannot list:
 *    task storage lives and dies with its task, so no other task may hold
 *    an entry in any task storage map (enrolled tasks, nslsmd, `nslsm
 *    audit --follow`...): reset refuses, or with --kill kills them first;
 *    socket storage (nslsmd_peers) lives on nslsmd's sockets, which close
 *    with nslsmd, a task with a blob; inode storage (the AppArmor decision
 *    cache, aa_cache) stays on cached inodes, so its entries are made dead
 *    instead: the AppArmor policy epoch that every entry carries is the one
 *    value reset does not put back, it moves past every entry's, as after
 *    any policy change (bpf/apparmor/cache.h).
 *  - pins: maps/ and links/ hold exactly what load pinned. A missing pin
 *    cannot be made again without loading: reset then changes nothing and
 *    says to unload and load. Other files under the pin directory go.
 * Every map of the BPF object is accounted for by type; a map of a kind
 * this file does not know how to empty fails the reset before any change.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nslsm.skel.h"
#include "nslsm/apparmor.h"
#include "error.h"
#include "ns.h"
#include "loader.h"
#include "state.h"

/* Socket and inode storage maps, and why their entries cannot outlive a
 * reset (see the top of this file). */
static const struct {
	const char *map;
	const char *why;
} storage_maps[] = {
	{ "nslsmd_peers", "entries live on nslsmd's sockets" },
	{ "aa_cache", "entries carry the AppArmor policy epoch" },
	{ "objlabel_cache", "entries carry the object-label store's epoch" },
};

/* Values that must never go back: the decision cache, the per-task memos
 * and the object-label cache trust an entry whose epoch is the current
 * one. Each map's slot 0 starts with its u64 epoch: reset zeroes the rest
 * and moves the epoch past every entry's. */
static const char *const epoch_maps[] = { "aa_epoch", "objlabel_state" };
#define N_EPOCHS (sizeof(epoch_maps) / sizeof(epoch_maps[0]))

#define MAX_KILL_ROUNDS 16

struct reset_map {
	struct bpf_map *map;	/* the BPF object's definition */
	const char *pin;	/* its name under maps/ */
	int fd;
	struct bpf_map_info info;
};

static bool is_storage(__u32 type)
{
	return type == BPF_MAP_TYPE_TASK_STORAGE || type == BPF_MAP_TYPE_SK_STORAGE ||
	       type == BPF_MAP_TYPE_INODE_STORAGE;
}

/* Open each map's pin and check it is this build's map. */
static int open_maps(struct nslsm_bpf *skel, struct reset_map *m, int *n)
{
	struct bpf_map *map;

	*n = 0;
	bpf_object__for_each_map(map, skel->obj) {
		struct reset_map *r = &m[*n];
		__u32 len = sizeof(r->info);
		char path[256];

		r->map = map;
		r->pin = nslsm_map_pin_name(bpf_map__name(map));
		snprintf(path, sizeof(path), "%s/%s", NSLSM_MAP_DIR, r->pin);
		r->fd = bpf_obj_get(path);
		(*n)++;
		if (r->fd < 0)
			return nslsm_fail_errno(errno, "opening %s (nslsm's pinned state is incomplete: "
					       "'nslsm unload' and 'nslsm load')", path);
		memset(&r->info, 0, sizeof(r->info));
		if (bpf_obj_get_info_by_fd(r->fd, &r->info, &len) < 0)
			return nslsm_fail_errno(errno, "reading the map pinned at %s", path);
		if (r->info.type != bpf_map__type(map) ||
		    r->info.key_size != bpf_map__key_size(map) ||
		    r->info.value_size != bpf_map__value_size(map) ||
		    (!is_storage(r->info.type) && r->info.type != BPF_MAP_TYPE_RINGBUF &&
		     r->info.max_entries != bpf_map__max_entries(map)))
			return nslsm_fail("the map pinned at %s is not this nslsm's (type %u, key %u, "
					  "value %u, %u entries; this build: %u, %u, %u, %u): "
					  "'nslsm unload' and 'nslsm load'",
					  path, r->info.type, r->info.key_size, r->info.value_size,
					  r->info.max_entries, bpf_map__type(map),
					  bpf_map__key_size(map), bpf_map__value_size(map),
					  bpf_map__max_entries(map));
		if (r->info.type == BPF_MAP_TYPE_SK_STORAGE ||
		    r->info.type == BPF_MAP_TYPE_INODE_STORAGE) {
			size_t i;

			for (i = 0; i < sizeof(storage_maps) / sizeof(storage_maps[0]); i++)
				if (!strcmp(storage_maps[i].map, r->pin))
					break;
			if (i == sizeof(storage_maps) / sizeof(storage_maps[0]))
				return nslsm_fail("reset cannot empty the storage map %s: "
						  "'nslsm unload' and 'nslsm load'", r->pin);
		}
	}
	return 0;
}

static bool in_set(const char *name, const char *const *set, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(name, set[i]))
			return true;
	return false;
}

/* Every link pin load made must be there (checked before any change). */
static int check_links(struct nslsm_bpf *skel)
{
	struct bpf_program *prog;
	char path[256];

	bpf_object__for_each_program(prog, skel->obj) {
		snprintf(path, sizeof(path), "%s/%s",
			 nslsm_prog_is_query(prog) ? NSLSM_PROG_DIR : NSLSM_LINK_DIR,
			 nslsm_link_pin_name(bpf_program__name(prog)));
		if (access(path, F_OK))
			return nslsm_fail_errno(errno, "%s (a hook is detached: 'nslsm unload' and "
					       "'nslsm load')", path);
	}
	return 0;
}

/* Remove what is in dir but not in the set load pins there. */
static int remove_strays(const char *dir, const char *const *set, int n, int *removed)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int rc = 0;

	if (!d)
		return nslsm_fail_errno(errno, "listing %s", dir);
	while ((de = readdir(d))) {
		char path[512];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    in_set(de->d_name, set, n))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (de->d_type == DT_DIR ? nslsm_remove_dir(path) : unlink(path) < 0 ? -1 : 0) {
			if (de->d_type != DT_DIR)
				nslsm_fail_errno(errno, "removing %s", path);
			rc = -1;
		} else {
			(*removed)++;
		}
	}
	closedir(d);
	return rc;
}

static int pins_restore(struct nslsm_bpf *skel, const struct reset_map *m, int n_maps,
			int *removed)
{
	static const char *const top[] = { "maps", "links", "progs" };
	const char *names[256];
	struct bpf_program *prog;
	int n = 0;

	if (remove_strays(NSLSM_PIN_DIR, top, 3, removed))
		return -1;
	for (int i = 0; i < n_maps && n < 256; i++)
		names[n++] = m[i].pin;
	if (remove_strays(NSLSM_MAP_DIR, names, n, removed))
		return -1;
	n = 0;
	bpf_object__for_each_program(prog, skel->obj)
		if (n < 256 && !nslsm_prog_is_query(prog))
			names[n++] = nslsm_link_pin_name(bpf_program__name(prog));
	if (remove_strays(NSLSM_LINK_DIR, names, n, removed))
		return -1;
	n = 0;
	bpf_object__for_each_program(prog, skel->obj)
		if (n < 256 && nslsm_prog_is_query(prog))
			names[n++] = nslsm_link_pin_name(bpf_program__name(prog));
	return remove_strays(NSLSM_PROG_DIR, names, n, removed);
}

/* The tasks that hold an entry in a task storage map, other than us. */
struct holder {
	pid_t pid;
	int pidfd;
	bool enrolled;
};

static bool zombie(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	bool z = false;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return true;	/* gone */
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')) && p[1] == ' ')
		z = p[2] == 'Z' || p[2] == 'X';
	fclose(f);
	return z;
}

static int holders_find(struct nslsm_state *st, const struct reset_map *m, int n_maps,
			struct holder **out, int *n_out)
{
	struct holder *h = NULL;
	struct dirent *de;
	int n = 0, cap = 0;
	DIR *proc = opendir("/proc");

	if (!proc)
		return nslsm_fail_errno(errno, "listing /proc");
	while ((de = readdir(proc))) {
		pid_t pid = atoi(de->d_name);
		bool held = false, enrolled = false;
		int pidfd;

		if (pid <= 0 || pid == getpid())
			continue;
		pidfd = syscall(SYS_pidfd_open, pid, 0);
		if (pidfd < 0)
			continue;	/* gone meanwhile */
		for (int i = 0; i < n_maps; i++) {
			static char value[65536];

			if (m[i].info.type != BPF_MAP_TYPE_TASK_STORAGE ||
			    m[i].info.value_size > sizeof(value))
				continue;
			if (bpf_map_lookup_elem(m[i].fd, &pidfd, value) == 0) {
				held = true;
				if (m[i].fd == st->task_blobs_fd || !strcmp(m[i].pin, "task_blobs"))
					enrolled |= ((struct nslsm_task_blob *)value)->flags &
						    NSLSM_TASK_ENROLLED;
			}
		}
		/* A zombie runs nothing; its entries go when it is reaped. */
		if (!held || zombie(pid)) {
			close(pidfd);
			continue;
		}
		if (n == cap) {
			struct holder *nh = realloc(h, (cap = cap ? 2 * cap : 16) * sizeof(*h));

			if (!nh) {
				close(pidfd);
				closedir(proc);
				for (int i = 0; i < n; i++)
					close(h[i].pidfd);
				free(h);
				return nslsm_fail("out of memory");
			}
			h = nh;
		}
		h[n++] = (struct holder){ .pid = pid, .pidfd = pidfd, .enrolled = enrolled };
	}
	closedir(proc);
	*out = h;
	*n_out = n;
	return 0;
}

static void holders_free(struct holder *h, int n)
{
	for (int i = 0; i < n; i++)
		close(h[i].pidfd);
	free(h);
}

static void comm_of(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	buf[0] = 0;
	f = fopen(path, "r");
	if (f) {
		if (fgets(buf, len, f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
}

static int refuse(const struct holder *h, int n)
{
	char list[512] = "";
	size_t len = 0;

	for (int i = 0; i < n && i < 8 && len < sizeof(list) - 64; i++) {
		char comm[32];

		comm_of(h[i].pid, comm, sizeof(comm));
		len += snprintf(list + len, sizeof(list) - len, "%s%d (%s, %s)", i ? ", " : "",
				h[i].pid, comm, h[i].enrolled ? "enrolled" : "an nslsm process");
	}
	return nslsm_fail("%d task%s still hold%s nslsm state: %s%s; stop %s, or reset with --kill",
			  n, n == 1 ? "" : "s", n == 1 ? "s" : "", list, n > 8 ? ", ..." : "",
			  n == 1 ? "it" : "them");
}

/* SIGKILL every holder and wait for each to exit; again until none is
 * left (a holder may have forked before it died). */
static int holders_kill(struct nslsm_state *st, const struct reset_map *m, int n_maps,
			bool kill, int *killed)
{
	for (int round = 0; round < MAX_KILL_ROUNDS; round++) {
		struct holder *h = NULL;
		int n = 0;

		if (holders_find(st, m, n_maps, &h, &n))
			return -1;
		if (!n)
			return 0;
		if (!kill) {
			refuse(h, n);
			holders_free(h, n);
			return -1;
		}
		for (int i = 0; i < n; i++)
			if (syscall(SYS_pidfd_send_signal, h[i].pidfd, SIGKILL, NULL, 0) == 0)
				(*killed)++;
		for (int i = 0; i < n; i++) {
			struct pollfd p = { .fd = h[i].pidfd, .events = POLLIN };

			/* readable once the process has exited */
			if (poll(&p, 1, 10000) == 0) {
				nslsm_fail("task %d did not exit within 10 s of SIGKILL", h[i].pid);
				holders_free(h, n);
				return -1;
			}
		}
		holders_free(h, n);
	}
	return nslsm_fail("tasks holding nslsm state keep appearing after %d rounds of SIGKILL",
			  MAX_KILL_ROUNDS);
}

/* Each element of an array map back to `want` (value_size bytes). */
static int array_restore(const struct reset_map *r, const void *want)
{
	__u32 vs = r->info.value_size, esz = (vs + 7) & ~7u, n = r->info.max_entries;
	char *cur;

	if (r->info.map_flags & BPF_F_MMAPABLE) {
		size_t len = (size_t)esz * n;
		char *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);

		if (mem == MAP_FAILED)
			return nslsm_fail_errno(errno, "mapping map %s", r->pin);
		for (__u32 i = 0; i < n; i++)
			if (memcmp(mem + (size_t)i * esz, want, vs))
				memcpy(mem + (size_t)i * esz, want, vs);
		munmap(mem, len);
		return 0;
	}
	cur = malloc(vs);
	if (!cur)
		return nslsm_fail("out of memory");
	for (__u32 i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(r->fd, &i, cur) == 0 && !memcmp(cur, want, vs))
			continue;
		if (bpf_map_update_elem(r->fd, &i, want, BPF_ANY) < 0) {
			free(cur);
			return nslsm_fail_errno(errno, "clearing entry %u of map %s", i, r->pin);
		}
	}
	free(cur);
	return 0;
}

/* Every element of a per-CPU array zero on every CPU: one batch update (a
 * system call per element costs seconds for 4096 of them in a slow guest;
 * array batches exist since 5.6, below every kernel nslsm loads on). */
static int percpu_array_zero(const struct reset_map *r, int cpus)
{
	__u32 n = r->info.max_entries, count = n;
	size_t esz = (size_t)((r->info.value_size + 7) & ~7u) * cpus;
	__u32 *keys = calloc(n, sizeof(*keys));
	void *zero = calloc(n, esz);
	int rc = 0;

	if (!keys || !zero) {
		free(keys);
		free(zero);
		return nslsm_fail("out of memory");
	}
	for (__u32 i = 0; i < n; i++)
		keys[i] = i;
	if (bpf_map_update_batch(r->fd, keys, zero, &count, NULL) < 0)
		rc = nslsm_fail_errno(errno, "clearing map %s", r->pin);
	else if (count != n)
		rc = nslsm_fail("clearing map %s: %u of %u entries cleared", r->pin, count, n);
	free(keys);
	free(zero);
	return rc;
}

/* in_use: for a map indexed by namespace id, the ids in use before the
 * reset (NULL: every slot is looked at). */
static int map_restore(const struct reset_map *r, const bool *in_use)
{
	__u32 vs = r->info.value_size;
	int rc = 0;

	switch (r->info.type) {
	case BPF_MAP_TYPE_ARRAY: {
		size_t init_size = 0;
		const void *init = bpf_map__initial_value(r->map, &init_size);
		void *want;

		if (r->info.map_flags & BPF_F_RDONLY_PROG)
			return 0;	/* frozen: as loaded */
		want = calloc(1, vs);
		if (!want)
			return nslsm_fail("out of memory");
		if (init && init_size == vs)
			memcpy(want, init, vs);
		rc = array_restore(r, want);
		free(want);
		return rc;
	}
	case BPF_MAP_TYPE_PERCPU_ARRAY: {
		int cpus = libbpf_num_possible_cpus();

		if (cpus < 0)
			return nslsm_fail_errno(-cpus, "counting the possible CPUs");
		return percpu_array_zero(r, cpus);
	}
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_HASH_OF_MAPS: {
		bool percpu = r->info.type == BPF_MAP_TYPE_PERCPU_HASH ||
			      r->info.type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
		void *key, *keys;
		size_t n;

		/* in batches where the kernel can (a policy map holds 10^5
		 * entries: one syscall each would take minutes in a slow
		 * guest), else key by key */
		if (r->info.type != BPF_MAP_TYPE_HASH_OF_MAPS &&
		    !map_keys_batch(r->fd, r->info.key_size, vs, percpu, &keys, &n)) {
			rc = map_delete_keys(r->fd, keys, r->info.key_size, n);
			free(keys);
			if (rc)
				return nslsm_fail_errno(-rc, "emptying map %s", r->pin);
			return 0;
		}
		key = malloc(r->info.key_size);

		if (!key)
			return nslsm_fail("out of memory");
		while (bpf_map_get_next_key(r->fd, NULL, key) == 0)
			if (bpf_map_delete_elem(r->fd, key) < 0 && errno != ENOENT) {
				rc = nslsm_fail_errno(errno, "emptying map %s", r->pin);
				break;
			}
		free(key);
		return rc;
	}
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
		for (__u32 i = 0; i < r->info.max_entries; i++) {
			if (in_use && !in_use[i])
				continue;
			__u32 id;

			if (bpf_map_lookup_elem(r->fd, &i, &id) < 0)
				continue;	/* empty slot */
			if (bpf_map_delete_elem(r->fd, &i) < 0 && errno != ENOENT)
				return nslsm_fail_errno(errno, "emptying slot %u of map %s", i, r->pin);
		}
		return 0;
	case BPF_MAP_TYPE_TASK_STORAGE:
	case BPF_MAP_TYPE_SK_STORAGE:
	case BPF_MAP_TYPE_INODE_STORAGE:
		return 0;	/* see holders_kill and storage_maps */
	default:
		return nslsm_fail("reset cannot empty map %s (type %u): 'nslsm unload' and "
				  "'nslsm load'", r->pin, r->info.type);
	}
}

static const struct reset_map *find_map(const struct reset_map *m, int n, const char *pin)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(m[i].pin, pin))
			return &m[i];
	return NULL;
}

/* The u64 epoch at the start of an epoch map's slot 0. */
static int epoch_read(const struct reset_map *r, uint64_t *epoch)
{
	uint8_t v[4096];
	__u32 zero = 0;

	if (r->info.value_size < sizeof(*epoch) || r->info.value_size > sizeof(v))
		return nslsm_fail("map %s: a value of %u bytes holds no epoch", r->pin,
				  r->info.value_size);
	if (bpf_map_lookup_elem(r->fd, &zero, v) < 0)
		return nslsm_fail_errno(errno, "reading the epoch in map %s", r->pin);
	memcpy(epoch, v, sizeof(*epoch));
	return 0;
}

/* After the map's restore (slot 0 all zero): the epoch alone set. */
static int epoch_write(const struct reset_map *r, uint64_t epoch)
{
	uint8_t v[4096] = { 0 };
	__u32 zero = 0;

	memcpy(v, &epoch, sizeof(epoch));
	if (bpf_map_update_elem(r->fd, &zero, v, BPF_ANY) < 0)
		return nslsm_fail_errno(errno, "advancing the epoch in map %s", r->pin);
	return 0;
}

int nslsm_reset(bool kill, int *killed_out, int *removed_out)
{
	static bool ns_used[NSLSM_MAX_NS];
	struct reset_map m[128];
	const struct reset_map *epoch[N_EPOCHS], *cfg, *nsm, *queues;
	uint64_t old_epoch[N_EPOCHS] = { 0 };
	struct nslsm_bpf *skel = NULL;
	struct nslsm_config known;
	struct nslsm_state st;
	char lsm_list[256];
	int n_maps = 0, killed = 0, removed = 0, rc = -1;

	if (require_root("nslsm reset"))
		return -1;
	if (!state_loaded())
		return nslsm_fail("nslsm is not loaded (no %s): nothing to reset", NSLSM_LINK_DIR);
	if (nslsm_check_kernel_lsm(lsm_list, sizeof(lsm_list)))
		return -1;
	if (state_open(&st, true))
		return -1;
	if (state_lock(&st))
		goto out;
	skel = nslsm_bpf__open();
	if (!skel) {
		nslsm_fail_errno(errno, "opening the BPF object");
		goto out;
	}
	{
		struct bpf_map *map;
		int count = 0;

		bpf_object__for_each_map(map, skel->obj)
			count++;
		if (count > (int)(sizeof(m) / sizeof(m[0]))) {
			nslsm_fail("the BPF object has %d maps, reset handles %zu", count,
				   sizeof(m) / sizeof(m[0]));
			goto out;
		}
	}
	/* Nothing changes unless the whole pinned state is this build's. */
	if (open_maps(skel, m, &n_maps) || check_links(skel))
		goto out;
	for (size_t e = 0; e < N_EPOCHS; e++)
		epoch[e] = find_map(m, n_maps, epoch_maps[e]);
	cfg = find_map(m, n_maps, "config");
	nsm = find_map(m, n_maps, "namespaces");
	queues = find_map(m, n_maps, "audit_queues");
	if (!cfg || !nsm || !queues) {
		nslsm_fail("the BPF object lacks its config, namespaces or audit_queues map");
		goto out;
	}
	if (holders_kill(&st, m, n_maps, kill, &killed))
		goto out;
	/* the kernel addresses the load found, kept (nslsm_init_state) */
	if (bpf_map_lookup_elem(cfg->fd, &(__u32){ 0 }, &known) < 0) {
		nslsm_fail_errno(errno, "reading nslsm configuration");
		goto out;
	}
	for (size_t e = 0; e < N_EPOCHS; e++)
		if (epoch[e] && epoch_read(epoch[e], &old_epoch[e]))
			goto out;
	/* The audit queues are indexed by namespace id: only the slots of
	 * namespaces in use can hold one (a lookup of each of the 4096 slots
	 * costs more than the rest of the reset). */
	for (int i = 0; i < NSLSM_MAX_NS; i++)
		ns_used[i] = ns_in_use(&st.ns[i]);
	/* The namespace table first: from here on no namespace has modules. */
	if (map_restore(nsm, NULL))
		goto out;
	for (int i = 0; i < n_maps; i++)
		if (&m[i] != nsm &&
		    map_restore(&m[i], &m[i] == queues && queues->info.max_entries == NSLSM_MAX_NS
					       ? ns_used : NULL))
			goto out;
	for (size_t e = 0; e < N_EPOCHS; e++)
		if (epoch[e] && epoch_write(epoch[e], old_epoch[e] + 1))
			goto out;
	if (nslsm_init_state(cfg->fd, nsm->fd, queues->fd, lsm_list, &known) ||
	    pins_restore(skel, m, n_maps, &removed))
		goto out;
	*killed_out = killed;
	*removed_out = removed;
	rc = 0;
out:
	for (int i = 0; i < n_maps; i++)
		if (m[i].fd >= 0)
			close(m[i].fd);
	nslsm_bpf__destroy(skel);
	state_close(&st);
	return rc;
}
