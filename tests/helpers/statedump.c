// SPDX-License-Identifier: GPL-2.0
/*
 * statedump: everything nslsm keeps pinned under /sys/fs/bpf/nslsm, in a
 * form that is equal for equal states whatever the kernel's object ids:
 * every pin, every map's definition and contents (non-zero array entries,
 * every hash entry sorted by key, each audit queue's ring positions, the
 * live tasks holding task storage), every link's program (name, type, tag).
 * The VM suite compares the dump after `nslsm reset` with the one after a
 * fresh `nslsm load`.
 *
 * statedump [--except MAP]...   MAP's contents are not printed
 * Socket and inode storage cannot be listed from user space: only their
 * definitions are printed.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define PIN_DIR "/sys/fs/bpf/nslsm"
#define SHOW_MAX 32	/* entries printed per map; the rest are counted */

static char *except[64];
static int n_except;

static uint64_t fnv(const void *p, size_t n, uint64_t h)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 0x100000001b3ull;
	return h;
}

#define FNV_INIT 0xcbf29ce484222325ull

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i])
			return false;
	return true;
}

static void hex(const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		printf("%02x", c[i]);
}

static int names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir, sorted; returns the count. */
static int list_dir(const char *dir, char ***out)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	int n = 0;

	*out = NULL;
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), names_cmp);
	*out = names;
	return n;
}

static void dump_array(int fd, const struct bpf_map_info *info, int cpus)
{
	size_t vs = info->value_size;
	size_t len = info->type == BPF_MAP_TYPE_PERCPU_ARRAY ? ((vs + 7) & ~7ul) * cpus : vs;
	char *v = calloc(1, len);
	uint64_t h = FNV_INIT;
	unsigned int nonzero = 0;

	size_t esz = (vs + 7) & ~7ul, mlen = esz * info->max_entries;
	char *mem = info->map_flags & BPF_F_MMAPABLE ?
			    mmap(NULL, mlen, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;

	for (__u32 k = 0; k < info->max_entries; k++) {
		if (mem != MAP_FAILED) {
			/* a million lookups would take minutes in the guest */
			memcpy(v, mem + k * esz, vs);
		} else if (bpf_map_lookup_elem(fd, &k, v) < 0) {
			printf("  [%u] lookup failed: %s\n", k, strerror(errno));
			continue;
		}
		if (all_zero(v, len))
			continue;
		h = fnv(&k, sizeof(k), fnv(v, len, h));
		if (nonzero++ < SHOW_MAX)
			printf("  [%u] %016llx\n", k, (unsigned long long)fnv(v, len, FNV_INIT));
	}
	printf("  %u non-zero entries, digest %016llx\n", nonzero, (unsigned long long)h);
	if (mem != MAP_FAILED)
		munmap(mem, mlen);
	free(v);
}

struct kv {
	unsigned char *key;
	uint64_t vhash;
	size_t klen;
};

static int kv_cmp(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;

	return memcmp(x->key, y->key, x->klen);
}

static void dump_hash(int fd, const struct bpf_map_info *info, int cpus)
{
	size_t ks = info->key_size, vs = info->value_size;
	bool percpu = info->type == BPF_MAP_TYPE_PERCPU_HASH ||
		      info->type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	size_t len = percpu ? ((vs + 7) & ~7ul) * cpus : vs;
	unsigned char *key = calloc(1, ks), *next = calloc(1, ks), *v = calloc(1, len);
	struct kv *e = NULL;
	size_t n = 0;
	bool first = true;
	uint64_t h = FNV_INIT;

	while (bpf_map_get_next_key(fd, first ? NULL : key, next) == 0) {
		first = false;
		memcpy(key, next, ks);
		e = realloc(e, (n + 1) * sizeof(*e));
		e[n].key = malloc(ks);
		memcpy(e[n].key, key, ks);
		e[n].klen = ks;
		if (info->type == BPF_MAP_TYPE_HASH_OF_MAPS)
			e[n].vhash = 0;	/* an inner map id */
		else
			e[n].vhash = bpf_map_lookup_elem(fd, key, v) == 0 ? fnv(v, len, FNV_INIT) : 0;
		n++;
	}
	qsort(e, n, sizeof(*e), kv_cmp);
	for (size_t i = 0; i < n; i++) {
		h = fnv(e[i].key, ks, fnv(&e[i].vhash, sizeof(e[i].vhash), h));
		if (i < SHOW_MAX) {
			printf("  ");
			hex(e[i].key, ks);
			printf(" => %016llx\n", (unsigned long long)e[i].vhash);
		}
		free(e[i].key);
	}
	printf("  %zu entries, digest %016llx\n", n, (unsigned long long)h);
	free(e);
	free(key);
	free(next);
	free(v);
}

/*
 * Each slot's inner map: its definition and, for a ring buffer, the
 * consumer and producer positions (0 and 0 for a new, empty ring).
 *
 * Kernels before 6.8 wait for an RCU grace period after every lookup in a
 * map of maps from user space (maybe_wait_bpf_programs()), about 18 ms in
 * the TCG guest: 4,096 slots one after another took 74 s. Concurrent
 * waiters share a grace period, so the slots are looked up by
 * SLOT_THREADS threads at once, each its share, and printed in order.
 */
#define SLOT_THREADS 128

struct slot_scan {
	int fd;
	__u32 max, first;
	__u32 *ids;	/* 0: empty slot */
};

static void *scan_slots(void *arg)
{
	struct slot_scan *sc = arg;

	for (__u32 k = sc->first; k < sc->max; k += SLOT_THREADS) {
		__u32 id;

		if (bpf_map_lookup_elem(sc->fd, &k, &id) == 0)
			sc->ids[k] = id;
	}
	return NULL;
}

static void dump_map_of_maps(int fd, const struct bpf_map_info *info)
{
	long page = sysconf(_SC_PAGESIZE);
	struct slot_scan sc[SLOT_THREADS];
	pthread_t th[SLOT_THREADS];
	bool started[SLOT_THREADS] = { 0 };
	__u32 *ids = calloc(info->max_entries, sizeof(*ids));
	unsigned int n = 0;

	if (!ids) {
		printf("  out of memory\n");
		return;
	}
	for (int t = 0; t < SLOT_THREADS; t++) {
		sc[t] = (struct slot_scan){ .fd = fd, .max = info->max_entries, .first = t, .ids = ids };
		started[t] = pthread_create(&th[t], NULL, scan_slots, &sc[t]) == 0;
		if (!started[t])
			scan_slots(&sc[t]);
	}
	for (int t = 0; t < SLOT_THREADS; t++)
		if (started[t])
			pthread_join(th[t], NULL);
	for (__u32 k = 0; k < info->max_entries; k++) {
		struct bpf_map_info in = {};
		__u32 len = sizeof(in);
		int ifd;

		if (!ids[k])
			continue;
		n++;
		ifd = bpf_map_get_fd_by_id(ids[k]);
		if (ifd < 0 || bpf_obj_get_info_by_fd(ifd, &in, &len) < 0) {
			printf("  [%u] inner map unreadable: %s\n", k, strerror(errno));
			if (ifd >= 0)
				close(ifd);
			continue;
		}
		printf("  [%u] type=%u max=%u", k, in.type, in.max_entries);
		if (in.type == BPF_MAP_TYPE_RINGBUF) {
			unsigned long *pos = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, ifd, 0);

			if (pos == MAP_FAILED) {
				printf(" positions unreadable: %s", strerror(errno));
			} else {
				printf(" consumer=%lu producer=%lu", pos[0],
				       *(unsigned long *)((char *)pos + page));
				munmap(pos, 2 * page);
			}
		}
		printf("\n");
		close(ifd);
	}
	free(ids);
	printf("  %u slots in use\n", n);
}

/* Live tasks (not zombies) other than this one with an entry. */
static void dump_task_storage(int fd, const struct bpf_map_info *info)
{
	char **pids;
	int n = list_dir("/proc", &pids), held = 0;
	char *v = calloc(1, info->value_size);

	for (int i = 0; i < n; i++) {
		pid_t pid = atoi(pids[i]);
		char path[64], stat[512], *p;
		int pidfd;
		FILE *f;

		if (pid <= 0 || pid == getpid())
			goto next;
		pidfd = syscall(SYS_pidfd_open, pid, 0);
		if (pidfd < 0)
			goto next;
		if (bpf_map_lookup_elem(fd, &pidfd, v) == 0) {
			bool zombie = false;

			snprintf(path, sizeof(path), "/proc/%d/stat", pid);
			f = fopen(path, "r");
			if (f) {
				if (fgets(stat, sizeof(stat), f) && (p = strrchr(stat, ')')))
					zombie = p[2] == 'Z' || p[2] == 'X';
				fclose(f);
			}
			if (!zombie) {
				held++;
				snprintf(path, sizeof(path), "/proc/%d/comm", pid);
				f = fopen(path, "r");
				stat[0] = 0;
				if (f) {
					if (fgets(stat, sizeof(stat), f))
						stat[strcspn(stat, "\n")] = 0;
					fclose(f);
				}
				printf("  task %d (%s) holds an entry\n", pid, stat);
			}
		}
		close(pidfd);
next:
		free(pids[i]);
	}
	free(pids);
	free(v);
	printf("  %d live tasks hold an entry\n", held);
}

static void dump_map(const char *name, int cpus)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[512];
	int fd;

	snprintf(path, sizeof(path), PIN_DIR "/maps/%s", name);
	fd = bpf_obj_get(path);
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len) < 0) {
		printf("map %s: unreadable: %s\n", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	printf("map %s type=%u key=%u value=%u max=%u flags=%#x\n", name, info.type,
	       info.key_size, info.value_size, info.max_entries, info.map_flags);
	for (int i = 0; i < n_except; i++)
		if (!strcmp(except[i], name)) {
			printf("  (contents not compared)\n");
			close(fd);
			return;
		}
	switch (info.type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		dump_array(fd, &info, cpus);
		break;
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		dump_hash(fd, &info, cpus);
		break;
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
		dump_map_of_maps(fd, &info);
		break;
	case BPF_MAP_TYPE_TASK_STORAGE:
		dump_task_storage(fd, &info);
		break;
	case BPF_MAP_TYPE_SK_STORAGE:
	case BPF_MAP_TYPE_INODE_STORAGE:
		printf("  (local storage of sockets or inodes: not listable)\n");
		break;
	default:
		printf("  (a map type statedump does not know)\n");
	}
	close(fd);
}

static void dump_link(const char *name)
{
	struct bpf_link_info li = {};
	struct bpf_prog_info pi = {};
	__u32 len = sizeof(li);
	char path[512];
	int fd, pfd;

	snprintf(path, sizeof(path), PIN_DIR "/links/%s", name);
	fd = bpf_obj_get(path);
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &li, &len) < 0) {
		printf("link %s: unreadable: %s\n", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	len = sizeof(pi);
	pfd = bpf_prog_get_fd_by_id(li.prog_id);
	if (pfd < 0 || bpf_obj_get_info_by_fd(pfd, &pi, &len) < 0) {
		printf("link %s type=%u: program unreadable: %s\n", name, li.type, strerror(errno));
	} else {
		printf("link %s type=%u attach=%u prog=%s prog_type=%u tag=", name, li.type,
		       li.tracing.attach_type, pi.name, pi.type);
		hex(pi.tag, sizeof(pi.tag));
		printf(" insns=%u\n", pi.xlated_prog_len / 8);
	}
	if (pfd >= 0)
		close(pfd);
	close(fd);
}

int main(int argc, char **argv)
{
	char **top, **names;
	int n_top, n, cpus = libbpf_num_possible_cpus();

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--except") && i + 1 < argc && n_except < 64) {
			except[n_except++] = argv[++i];
		} else {
			fprintf(stderr, "usage: statedump [--except MAP]...\n");
			return 2;
		}
	}
	n_top = list_dir(PIN_DIR, &top);
	if (n_top < 0) {
		fprintf(stderr, "statedump: %s: %s\n", PIN_DIR, strerror(errno));
		return 1;
	}
	for (int i = 0; i < n_top; i++)
		printf("pin %s\n", top[i]);
	n = list_dir(PIN_DIR "/maps", &names);
	for (int i = 0; i < n; i++)
		dump_map(names[i], cpus);
	n = list_dir(PIN_DIR "/links", &names);
	for (int i = 0; i < n; i++)
		dump_link(names[i]);
	return 0;
}
