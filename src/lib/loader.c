// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nslsm.skel.h"
#include "audit_queue.h"
#include "error.h"
#include "loader.h"
#include "lsm.h"
#include "ns.h"
#include "state.h"

/* The kernel's internal "operation not supported", seen by user space. */
#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif

static bool libbpf_verbose;

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || (!libbpf_verbose && level == LIBBPF_INFO))
		return 0;
	if (!libbpf_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int nslsm_remove_dir(const char *path)
{
	struct dirent *de;
	DIR *d = opendir(path);
	int rc = 0;

	if (!d)
		return errno == ENOENT ? 0 : nslsm_fail_errno(errno, "listing %s", path);
	while ((de = readdir(d))) {
		char child[512];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, de->d_name);
		if (de->d_type == DT_DIR) {
			if (nslsm_remove_dir(child))
				rc = -1;
		} else if (unlink(child) < 0) {
			rc = nslsm_fail_errno(errno, "removing %s", child);
		}
	}
	closedir(d);
	if (rmdir(path) < 0 && errno != ENOENT)
		rc = nslsm_fail_errno(errno, "removing %s", path);
	return rc;
}

static int check_bpffs(void)
{
	struct statfs fs;

	if (statfs(NSLSM_BPFFS, &fs) < 0)
		return nslsm_fail_errno(errno, "%s", NSLSM_BPFFS);
	if (fs.f_type != BPF_FS_MAGIC)
		return nslsm_fail("%s is not a BPF file system: mount it with "
				  "'mount -t bpf bpf %s'", NSLSM_BPFFS, NSLSM_BPFFS);
	return 0;
}

static const char *no_bpf_lsm_hint =
	"run nslsm in the bundled guest instead: tests/vm/run build/nslsm load";

int nslsm_check_kernel_lsm(char *list, size_t len)
{
	if (kernel_lsm_list(list, len) < 0) {
		/* Unknown: let the attach decide. */
		list[0] = 0;
		nslsm_error_clear();
		return 0;
	}
	if (!lsm_list_has(list, "bpf"))
		return nslsm_fail("the BPF LSM is not active on this kernel ('bpf' is missing from "
				  "%s: %s); boot with 'lsm=...,bpf' on the kernel command line, or %s",
				  KERNEL_LSM_FILE, list, no_bpf_lsm_hint);
	return 0;
}

/* The addresses of kernel data symbols names[0..n), in one pass; 0 where
 * /proc/kallsyms does not show one (no CONFIG_KALLSYMS_ALL, or addresses hidden). */
static void kallsyms_addrs(const char *const *names, uint64_t *addrs, int n)
{
	char line[256], sym[128], type;
	unsigned long long addr;
	int left = n;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return;
	/* stdio reads a proc file 1 KiB at a time: 64 KiB reads are 64 times
	 * fewer system calls over its ~150,000 lines */
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	while (left && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %127s", &addr, &type, sym) != 3 || !strchr("dDbB", type))
			continue;
		for (int i = 0; i < n; i++) {
			if (!addrs[i] && !strcmp(sym, names[i])) {
				addrs[i] = addr;
				left--;
			}
		}
	}
	fclose(f);
}

int nslsm_init_state(int config_fd, int namespaces_fd, int audit_queues_fd, const char *lsm_list,
		     const struct nslsm_config *known)
{
	struct nslsm_config cfg = {};
	struct nslsm_ns *table;
	struct stat st;
	__u32 zero = 0;
	size_t size = sizeof(struct nslsm_ns) * NSLSM_MAX_NS;

	if (stat("/proc/self/ns/mnt", &st) < 0)
		return nslsm_fail_errno(errno, "/proc/self/ns/mnt");
	cfg.pin_mntns_inum = st.st_ino;
	cfg.kernel_yama = lsm_list_has(lsm_list, "yama");
	/* the AppArmor decision cache needs the first two (bpf/apparmor/cache.h),
	 * its mount rules the list of file system types */
	if (known) {
		cfg.rename_seq_addr = known->rename_seq_addr;
		cfg.mount_seq_addr = known->mount_seq_addr;
		cfg.file_systems_addr = known->file_systems_addr;
	} else {
		static const char *const names[] = { "rename_lock", "mount_lock", "file_systems" };
		uint64_t addrs[3] = { 0 };

		kallsyms_addrs(names, addrs, 3);
		cfg.rename_seq_addr = addrs[0];
		cfg.mount_seq_addr = addrs[1];
		cfg.file_systems_addr = addrs[2];
	}
	if (bpf_map_update_elem(config_fd, &zero, &cfg, BPF_ANY) < 0)
		return nslsm_fail_errno(errno, "writing nslsm configuration");
	table = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, namespaces_fd, 0);
	if (table == MAP_FAILED)
		return nslsm_fail_errno(errno, "mapping the namespace table");
	ns_table_init(table);
	munmap(table, size);
	return audit_queue_make(audit_queues_fd, NSLSM_HOST_ID, NSLSM_AUDIT_QUEUE_HOST);
}

const char *nslsm_map_pin_name(const char *name)
{
	const char *dot = strrchr(name, '.');

	/* bpffs refuses '.': "nslsm_bp.bss" is pinned as "bss". */
	if (dot)
		return dot + 1;
	if (!strncmp(name, "nslsm_", 6))
		return name + 6;	/* nslsm_config -> config */
	return name;
}

const char *nslsm_link_pin_name(const char *prog)
{
	/* nslsm_file_open -> links/file_open */
	return !strncmp(prog, "nslsm_", 6) ? prog + 6 : prog;
}

bool nslsm_prog_is_query(const struct bpf_program *prog)
{
	/* SELinux's query (syscall) and the object-label identity program
	 * (an iterator user space makes a link of for each use) */
	return bpf_program__type(prog) == BPF_PROG_TYPE_SYSCALL ||
	       (bpf_program__type(prog) == BPF_PROG_TYPE_TRACING &&
		bpf_program__expected_attach_type(prog) == BPF_TRACE_ITER);
}

static int pin_all(struct nslsm_bpf *skel)
{
	struct bpf_program *prog;
	struct bpf_map *map;
	char path[256];

	if (mkdir(NSLSM_PIN_DIR, 0700) < 0)
		return nslsm_fail_errno(errno, "creating %s", NSLSM_PIN_DIR);
	if (mkdir(NSLSM_MAP_DIR, 0700) < 0 || mkdir(NSLSM_LINK_DIR, 0700) < 0 ||
	    mkdir(NSLSM_PROG_DIR, 0700) < 0)
		return nslsm_fail_errno(errno, "creating %s/{maps,links,progs}", NSLSM_PIN_DIR);
	bpf_object__for_each_map(map, skel->obj) {
		const char *name = nslsm_map_pin_name(bpf_map__name(map));

		snprintf(path, sizeof(path), "%s/%s", NSLSM_MAP_DIR, name);
		if (bpf_map__pin(map, path) < 0)
			return nslsm_fail_errno(errno, "pinning map %s at %s", name, path);
	}
	bpf_object__for_each_program(prog, skel->obj) {
		const char *name = bpf_program__name(prog);
		struct bpf_link *link;
		int err;

		if (nslsm_prog_is_query(prog)) {
			snprintf(path, sizeof(path), "%s/%s", NSLSM_PROG_DIR,
				 nslsm_link_pin_name(name));
			if (bpf_program__pin(prog, path))
				return nslsm_fail_errno(errno, "pinning program %s", path);
			continue;
		}
		link = bpf_program__attach_lsm(prog);
		if (!link) {
			err = errno;
			if (err == EPERM || err == EOPNOTSUPP || err == ENOTSUPP || err == EINVAL)
				return nslsm_fail_errno(err, "attaching %s: this kernel refuses BPF LSM "
							"programs; %s", name, no_bpf_lsm_hint);
			return nslsm_fail_errno(err, "attaching %s", name);
		}
		snprintf(path, sizeof(path), "%s/%s", NSLSM_LINK_DIR, nslsm_link_pin_name(name));
		err = bpf_link__pin(link, path);
		if (err) {
			bpf_link__destroy(link);
			return nslsm_fail_errno(-err, "pinning link %s", path);
		}
		/* The pin holds the link now; drop our reference only. */
		bpf_link__disconnect(link);
		bpf_link__destroy(link);
	}
	return 0;
}

/* Each program's verifier statistics (log level BPF_LOG_STATS): its
 * "processed N insns" and "verification time N usec", one line each. */
struct prog_stats {
	char (*log)[4096];
	int n;
};

static int stats_begin(struct nslsm_bpf *skel, struct prog_stats *ps)
{
	struct bpf_program *p;
	int i = 0;

	bpf_object__for_each_program(p, skel->obj)
		ps->n++;
	ps->log = calloc(ps->n, sizeof(*ps->log));
	if (!ps->log)
		return nslsm_fail("out of memory");
	bpf_object__for_each_program(p, skel->obj) {
		bpf_program__set_log_level(p, 4);
		bpf_program__set_log_buf(p, ps->log[i++], sizeof(ps->log[0]));
	}
	return 0;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void stats_print(struct nslsm_bpf *skel, struct prog_stats *ps)
{
	struct bpf_program *p;
	unsigned long long total_us = 0, total_insns = 0;
	int i = 0;

	fprintf(stderr, "%-40s %12s %12s\n", "program", "insns", "usec");
	bpf_object__for_each_program(p, skel->obj) {
		const char *l = ps->log[i++], *s;
		unsigned long long insns = 0, us = 0;

		if ((s = strstr(l, "processed ")))
			insns = strtoull(s + 10, NULL, 10);
		if ((s = strstr(l, "verification time ")))
			us = strtoull(s + 18, NULL, 10);
		total_insns += insns;
		total_us += us;
		fprintf(stderr, "%-40s %12llu %12llu\n", bpf_program__name(p), insns, us);
	}
	fprintf(stderr, "%-40s %12llu %12llu\n", "total", total_insns, total_us);
}

int nslsm_load(bool verbose, bool stats)
{
	struct timespec t0;
	double t_open = 0, t_load = 0, t_init = 0;
	struct prog_stats ps = { 0 };
	char lsm_list[256];
	struct nslsm_bpf *skel;
	int rc = -1;

	if (require_root("nslsm load") || check_bpffs())
		return -1;
	if (access(NSLSM_PIN_DIR, F_OK) == 0)
		return nslsm_fail("nslsm is already loaded (%s exists); 'nslsm unload' first",
				  NSLSM_PIN_DIR);
	if (nslsm_check_kernel_lsm(lsm_list, sizeof(lsm_list)))
		return -1;
	libbpf_verbose = verbose;
	libbpf_set_print(print_libbpf);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	skel = nslsm_bpf__open();
	if (!skel)
		return nslsm_fail_errno(errno, "opening the BPF object");
	if (stats && stats_begin(skel, &ps))
		goto out;
	t_open = seconds_since(&t0);
	if (nslsm_bpf__load(skel)) {
		nslsm_fail_errno(errno, "loading the BPF programs into the kernel (rerun with "
			"--verbose for the verifier's log)");
		goto out;
	}
	t_load = seconds_since(&t0);
	if (stats)
		stats_print(skel, &ps);
	if (nslsm_init_state(bpf_map__fd(skel->maps.nslsm_config),
			     bpf_map__fd(skel->maps.namespaces),
			     bpf_map__fd(skel->maps.audit_queues), lsm_list, NULL))
		goto out;
	t_init = seconds_since(&t0);
	if (pin_all(skel)) {
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s", nslsm_error());
		nslsm_remove_dir(NSLSM_PIN_DIR);
		nslsm_fail("%s", msg);
		goto out;
	}
	if (stats)
		/* where the wall-clock time of the load went, phase by phase */
		fprintf(stderr, "phases (s): open %.3f, maps and programs (verifier) %.3f, "
			"initial state %.3f, attach and pin %.3f, total %.3f\n",
			t_open, t_load - t_open, t_init - t_load, seconds_since(&t0) - t_init,
			seconds_since(&t0));
	rc = 0;
out:
	nslsm_bpf__destroy(skel);
	free(ps.log);
	return rc;
}

int nslsm_unload(void)
{
	if (require_root("nslsm unload"))
		return -1;
	if (access(NSLSM_PIN_DIR, F_OK) != 0)
		return nslsm_fail("nslsm is not loaded (no %s)", NSLSM_PIN_DIR);
	/* Links first: enforcement stops before the maps go. */
	if (nslsm_remove_dir(NSLSM_LINK_DIR))
		return -1;
	return nslsm_remove_dir(NSLSM_PIN_DIR);
}
