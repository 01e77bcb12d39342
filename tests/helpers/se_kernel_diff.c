// SPDX-License-Identifier: GPL-2.0
/*
 * se_kernel_diff POLICY N SEED [RESTORE]: nslsm's SELinux reference decision against
 * the kernel's own, in a guest booted with SELinux and POLICY loaded into
 * it. N random valid triples of POLICY (src/selinux/sample.c) are asked of
 * both: the kernel through /sys/fs/selinux/access ("SCON TCON CLASS", the
 * answer "allowed decided auditallow auditdeny seqno flags" in hex) and
 * nslsm through se_compute_av over its compiled tables, booleans at the
 * policy's defaults on both sides. Every disagreement is printed (the
 * first 50); the last line is "se_kernel_diff: N compared, N disagree,
 * N skipped". Exits 0 only if nothing disagrees and at least 99 % of the
 * triples were compared.
 *
 * With RESTORE, the helper itself loads POLICY into the kernel first and
 * RESTORE after the comparison: a small test policy labels nothing of the
 * guest's (no exec would succeed under it), so nothing may be started while
 * it is the kernel's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/error.h"
#include "selinux/policy.h"
#include "selinux/sample.h"

#define ACCESS "/sys/fs/selinux/access"

/* The kernel's policy becomes the file at path, in one write. */
static int kernel_load(const char *path)
{
	static char buf[64 << 20];
	int fd = open(path, O_RDONLY), out;
	ssize_t n, w;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0 || n == (ssize_t)sizeof(buf))
		return -EFBIG;
	out = open("/sys/fs/selinux/load", O_WRONLY);
	if (out < 0)
		return -errno;
	w = write(out, buf, n);
	close(out);
	return w == n ? 0 : -errno;
}

/* The kernel's decision; -errno if it refuses the question. */
static int kernel_av(const char *scon, const char *tcon, uint32_t tclass, struct se_av_decision *d)
{
	char q[40000], a[256];
	unsigned int allowed, decided, auditallow, auditdeny, seqno, flags;
	int fd = open(ACCESS, O_RDWR), n;
	ssize_t r;

	if (fd < 0)
		return -errno;
	n = snprintf(q, sizeof(q), "%s %s %u", scon, tcon, tclass);
	if (n < 0 || (size_t)n >= sizeof(q) || write(fd, q, n) != n) {
		n = -errno;
		close(fd);
		return n ? n : -E2BIG;
	}
	r = read(fd, a, sizeof(a) - 1);
	close(fd);
	if (r <= 0)
		return -EIO;
	a[r] = 0;
	if (sscanf(a, "%x %x %x %x %u %x", &allowed, &decided, &auditallow, &auditdeny, &seqno,
		   &flags) != 6)
		return -EPROTO;
	d->allowed = allowed;
	d->auditallow = auditallow;
	d->auditdeny = auditdeny;
	d->flags = flags;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long n, compared = 0, bad = 0, skipped = 0;
	struct se_policy p;
	struct se_sampler g;

	int rc;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: se_kernel_diff POLICY N SEED [RESTORE]\n");
		return 2;
	}
	if (se_policy_read_file(argv[1], &p)) {
		fprintf(stderr, "se_kernel_diff: %s\n", nslsm_error());
		return 1;
	}
	n = strtoull(argv[2], NULL, 0);
	if (argc == 5 && (rc = kernel_load(argv[1]))) {
		fprintf(stderr, "se_kernel_diff: the kernel refuses %s: %s\n", argv[1], strerror(-rc));
		return 1;
	}
	se_sampler_init(&g, &p);
	g.rng = strtoull(argv[3], NULL, 0) | 1;
	for (unsigned long long i = 0; i < n; i++) {
		struct nslsm_se_context s, t;
		struct se_av_decision ours, theirs = { 0 };
		char sbuf[16384], tbuf[16384];
		uint32_t tclass;

		if (!se_sample_triple(&g, &s, &t, &tclass)) {
			skipped++;
			continue;
		}
		se_context_format(&p, &s, sbuf, sizeof(sbuf));
		se_context_format(&p, &t, tbuf, sizeof(tbuf));
		rc = kernel_av(sbuf, tbuf, tclass, &theirs);
		if (rc) {
			if (bad++ < 50)
				printf("kernel refuses %s %s %u: %s\n", sbuf, tbuf, tclass,
				       strerror(-rc));
			continue;
		}
		se_compute_av(&p, &s, &t, tclass, &ours);
		compared++;
		/* the kernel's flags word carries only AVD_FLAGS_PERMISSIVE */
		if (ours.allowed != theirs.allowed || ours.auditallow != theirs.auditallow ||
		    ours.auditdeny != theirs.auditdeny ||
		    !!(ours.flags & NSLSM_SE_AVD_PERMISSIVE) != !!(theirs.flags & 1)) {
			if (bad++ < 50)
				printf("DISAGREE %s %s %s: nslsm %x %x %x %x, kernel %x %x %x %x\n",
				       sbuf, tbuf, p.class_names[tclass - 1].name, ours.allowed,
				       ours.auditallow, ours.auditdeny, ours.flags, theirs.allowed,
				       theirs.auditallow, theirs.auditdeny, theirs.flags);
		}
	}
	if (argc == 5 && (rc = kernel_load(argv[4]))) {
		fprintf(stderr, "se_kernel_diff: the kernel refuses %s back: %s\n", argv[4],
			strerror(-rc));
		return 1;
	}
	printf("se_kernel_diff: %llu compared, %llu disagree, %llu skipped\n", compared, bad, skipped);
	se_sampler_free(&g);
	se_policy_free(&p);
	return bad == 0 && compared * 100 >= n * 99 ? 0 : 1;
}
