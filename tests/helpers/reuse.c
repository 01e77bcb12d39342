// SPDX-License-Identifier: GPL-2.0
/*
 * reuse: races a confined task's cached verdicts against objects whose
 * memory is freed and reused, as an unconfined task can make happen.
 *
 *   reuse SCENARIO ROUNDS [--fork] -- LAUNCHER...
 *
 * The harness (this process, unconfined) starts LAUNCHER... followed by
 * its own path, "--child" and the options, e.g. LAUNCHER = nslsm run --ns
 * box --apparmor aad_reuse --, and drives that confined child over its
 * stdin and stdout: each round it changes the file system as SCENARIO
 * says, then asks the child for an operation the policy allows (which
 * leaves a cached verdict or a memo behind) and, after the object that
 * verdict was made for is gone and its memory may hold another object,
 * for one it denies. Both run on CPU 0, where a freed dentry or mount is
 * the next one allocated; each removal waits for an RCU grace period
 * (membarrier), after which the kernel frees dentries and mounts.
 *
 * Scenarios (the profile, tests/apparmor/reuse.profile, allows writes
 * under /tmp/ok and /tmp/okm and denies /tmp/secret and /tmp/secretm):
 *   create  the harness removes /tmp/secret, /tmp/ok/new and /tmp/ok,
 *           makes /tmp/ok and /tmp/secret; the child truncates /tmp/secret
 *           (open O_WRONLY|O_CREAT), then creates /tmp/ok/new, whose
 *           dentry the next round's /tmp/secret takes
 *           (open O_WRONLY|O_CREAT)
 *   link    the child opens /tmp/ok/a for writing; the harness links it
 *           to /tmp/ok/b, unlinks a, links b to /tmp/secret, unlinks b
 *           (one inode, one name, a new dentry); the child opens
 *           /tmp/secret for writing
 *   mount   /tmp/src bound on /tmp/okm: the child opens /tmp/okm/f for
 *           writing; the harness unmounts it and binds /tmp/src on
 *           /tmp/secretm; the child opens /tmp/secretm/f for writing
 * --fork: the child makes each operation in a new process.
 *
 * Prints "SCENARIO: N rounds, A denied operations allowed, U unexpected"
 * and exits 1 when A or U is not 0 (U: an allowed operation was denied, or
 * the harness failed a step).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/membarrier.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child's operations: an open for writing of one path each. */
static const struct {
	char op;
	const char *path;
	int flags;
} ops[] = {
	{ 'c', "/tmp/ok/new", O_WRONLY | O_CREAT | O_TRUNC },
	{ 't', "/tmp/secret", O_WRONLY | O_CREAT },
	{ 'a', "/tmp/ok/a", O_WRONLY },
	{ 's', "/tmp/secret", O_WRONLY },
	{ 'm', "/tmp/okm/f", O_WRONLY },
	{ 'n', "/tmp/secretm/f", O_WRONLY },
};

static int do_op(char op)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (ops[i].op != op)
			continue;
		int fd = open(ops[i].path, ops[i].flags, 0644);

		if (fd < 0)
			return errno;
		close(fd);
		return 0;
	}
	return EINVAL;
}

static int fork_op(char op)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(do_op(op));
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return EIO;
	return WEXITSTATUS(status);
}

/* The confined side: an operation per byte read, its errno as the byte
 * written back. */
static int child(int use_fork)
{
	char op;

	while (read(0, &op, 1) == 1) {
		unsigned char rc = (unsigned char)(use_fork ? fork_op(op) : do_op(op));

		if (write(1, &rc, 1) != 1)
			return 1;
	}
	return 0;
}

static int to_child = -1, from_child = -1;
static unsigned long unexpected;

static int ask(char op)
{
	unsigned char rc;

	if (write(to_child, &op, 1) != 1 || read(from_child, &rc, 1) != 1) {
		fprintf(stderr, "reuse: the confined child is gone\n");
		exit(1);
	}
	return rc;
}

static void expect_ok(char op)
{
	int rc = ask(op);

	if (rc) {
		fprintf(stderr, "reuse: allowed operation '%c' failed: %s\n", op, strerror(rc));
		unexpected++;
	}
}

static void step(int rc, const char *what)
{
	if (rc < 0 && errno != ENOENT) {
		fprintf(stderr, "reuse: %s: %s\n", what, strerror(errno));
		unexpected++;
	}
}

/* After a grace period the kernel frees what it removed under RCU. */
static void grace(void)
{
	syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
}

static void make_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, "s\n", 2) != 2)
		step(-1, path);
	if (fd >= 0)
		close(fd);
}

static int round_create(void)
{
	int rc;

	/* tmpfs keeps no negative dentry: freed in this order, the last
	 * round's /tmp/ok/new's dentry is the one the new /tmp/secret takes */
	step(unlink("/tmp/secret"), "unlink /tmp/secret");
	step(unlink("/tmp/ok/new"), "unlink /tmp/ok/new");
	step(rmdir("/tmp/ok"), "rmdir /tmp/ok");
	grace();
	step(mkdir("/tmp/ok", 0755), "mkdir /tmp/ok");
	make_file("/tmp/secret");
	rc = ask('t');
	expect_ok('c');
	return rc;
}

static int round_link(void)
{
	step(unlink("/tmp/secret"), "unlink /tmp/secret");
	make_file("/tmp/ok/a");
	expect_ok('a');
	step(link("/tmp/ok/a", "/tmp/ok/b"), "link /tmp/ok/a");
	step(unlink("/tmp/ok/a"), "unlink /tmp/ok/a");
	grace();
	step(link("/tmp/ok/b", "/tmp/secret"), "link /tmp/ok/b");
	step(unlink("/tmp/ok/b"), "unlink /tmp/ok/b");
	return ask('s');
}

static int round_mount(void)
{
	int rc;

	step(mount("/tmp/src", "/tmp/okm", NULL, MS_BIND, NULL), "bind /tmp/okm");
	expect_ok('m');
	step(umount("/tmp/okm"), "umount /tmp/okm");
	grace();
	step(mount("/tmp/src", "/tmp/secretm", NULL, MS_BIND, NULL), "bind /tmp/secretm");
	rc = ask('n');
	step(umount("/tmp/secretm"), "umount /tmp/secretm");
	return rc;
}

static void usage(void)
{
	fprintf(stderr, "usage: reuse create|link|mount ROUNDS [--fork] -- LAUNCHER...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int (*round)(void) = NULL;
	int use_fork = 0, argi = 3, in[2], out[2];
	unsigned long rounds, allowed = 0;
	char self[4096], **cmd;
	cpu_set_t cpu;
	ssize_t n;
	pid_t pid;

	if (argc == 3 && !strcmp(argv[1], "--child"))
		return child(!strcmp(argv[2], "--fork"));
	if (argc < 5)
		usage();
	if (!strcmp(argv[1], "create"))
		round = round_create;
	else if (!strcmp(argv[1], "link"))
		round = round_link;
	else if (!strcmp(argv[1], "mount"))
		round = round_mount;
	else
		usage();
	rounds = strtoul(argv[2], NULL, 10);
	if (!strcmp(argv[argi], "--fork")) {
		use_fork = 1;
		argi++;
	}
	if (argi >= argc || strcmp(argv[argi], "--") || argi + 1 >= argc || !rounds)
		usage();
	argi++;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return perror("reuse: /proc/self/exe"), 1;
	self[n] = 0;
	cmd = calloc(argc - argi + 4, sizeof(*cmd));
	if (!cmd)
		return 1;
	for (int i = argi; i < argc; i++)
		cmd[i - argi] = argv[i];
	cmd[argc - argi] = self;
	cmd[argc - argi + 1] = "--child";
	cmd[argc - argi + 2] = use_fork ? "--fork" : "--same";

	CPU_ZERO(&cpu);
	CPU_SET(0, &cpu);
	if (sched_setaffinity(0, sizeof(cpu), &cpu))
		return perror("reuse: CPU 0"), 1;
	if (round == round_mount) {
		mkdir("/tmp/src", 0755);
		mkdir("/tmp/okm", 0755);
		mkdir("/tmp/secretm", 0755);
		make_file("/tmp/src/f");
	} else {
		mkdir("/tmp/ok", 0755);
	}
	if (pipe(in) || pipe(out))
		return perror("reuse: pipe"), 1;
	pid = fork();
	if (pid < 0)
		return perror("reuse: fork"), 1;
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execvp(cmd[0], cmd);
		perror(cmd[0]);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	to_child = in[1];
	from_child = out[0];
	for (unsigned long r = 0; r < rounds; r++) {
		int rc = round();

		if (rc == 0)
			allowed++;
		else if (rc != EACCES && rc != EPERM) {
			fprintf(stderr, "reuse: round %lu: denied operation failed with %s\n", r,
				strerror(rc));
			unexpected++;
		}
	}
	close(to_child);
	waitpid(pid, NULL, 0);
	printf("%s: %lu rounds, %lu denied operations allowed, %lu unexpected\n", argv[1], rounds,
	       allowed, unexpected);
	return allowed || unexpected ? 1 : 0;
}
