// SPDX-License-Identifier: GPL-2.0
/*
 * bench/workload: one micro workload, timed; prints its cost in ns per
 * operation. Runs batches until at least --ms milliseconds have passed
 * (default 300), so one call costs the same wall time whatever the speed.
 *
 *   workload open DIR DEPTH      open+close of a file DEPTH directories
 *                                below DIR (made by 'workload tree')
 *   workload stat DIR DEPTH      stat of the same file
 *   workload exec PATH           fork + exec of PATH (a copy of workload,
 *                                run as "PATH nop": exits at once) + wait
 *   workload mmap FILE           mmap of FILE with PROT_EXEC, then munmap
 *   workload connect             TCP connect to a loopback listener + close
 *                                (with a reset: no TIME_WAIT left behind)
 *   workload tree DIR            make DIR/d1/.../d16 with a file at each level
 *   workload run CMD [ARG...]    one run of CMD (the macro workload): the CPU
 *                                time, user + system, of CMD and everything it
 *                                waited for
 *
 * Built static: a confined task needs no library to start.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long min_ms = 300;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* CPU time (user + system) of the waited-for children and their waited-for
 * descendants: the work a command did, without the time it sat idle
 * (waiting on the host's 9p root, which under -icount skips the guest
 * clock ahead by however long the next timer is away). */
static double children_cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3;
}

static void die(const char *what)
{
	fprintf(stderr, "workload: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* The file DEPTH levels below dir: dir/d1/d2/.../dDEPTH/f */
static void deep_path(char *buf, size_t len, const char *dir, int depth)
{
	size_t o = snprintf(buf, len, "%s", dir);

	for (int i = 1; i <= depth && o < len; i++)
		o += snprintf(buf + o, len - o, "/d%d", i);
	snprintf(buf + o, len - o, "/f");
}

typedef void (*op_fn)(void *arg);

/* Time op in growing batches until min_ms has passed; ns per op. */
static double timed(op_fn op, void *arg)
{
	double start, elapsed;
	long n = 0, batch = 16;

	for (int i = 0; i < 8; i++)	/* warm up */
		op(arg);
	start = now_ns();
	do {
		for (long i = 0; i < batch; i++)
			op(arg);
		n += batch;
		if (batch < 4096)
			batch *= 2;
		elapsed = now_ns() - start;
	} while (elapsed < min_ms * 1e6);
	return elapsed / n;
}

static void op_open(void *arg)
{
	int fd = open(arg, O_RDONLY);

	if (fd < 0)
		die(arg);
	close(fd);
}

static void op_stat(void *arg)
{
	struct stat st;

	if (stat(arg, &st))
		die(arg);
}

static void op_exec(void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (!pid) {
		execl(arg, arg, "nop", (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		errno = EACCES;
		die(arg);
	}
}

static int mmap_fd = -1;

static void op_mmap(void *arg)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, mmap_fd, 0);

	(void)arg;
	if (p == MAP_FAILED)
		die("mmap");
	munmap(p, 4096);
}

static struct sockaddr_in listen_addr;

/* Closed with a reset (SO_LINGER 0): no TIME_WAIT socket stays behind, so
 * a connect costs the same whatever ran before it (thousands of TIME_WAIT
 * sockets lengthen the search for a free port). */
static void op_connect(void *arg)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	(void)arg;
	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&listen_addr, sizeof(listen_addr)))
		die("connect");
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

/* A listener in a child that accepts and closes until killed. */
static pid_t start_listener(void)
{
	socklen_t len = sizeof(listen_addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	pid_t pid;

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	listen_addr.sin_family = AF_INET;
	listen_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&listen_addr, sizeof(listen_addr)) ||
	    getsockname(fd, (struct sockaddr *)&listen_addr, &len) || listen(fd, 512))
		die("listen");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		for (;;) {
			int c = accept(fd, NULL, NULL);

			if (c >= 0)
				close(c);
		}
	}
	close(fd);
	return pid;
}

static int make_tree(const char *dir)
{
	char path[4096];
	size_t o = snprintf(path, sizeof(path), "%s", dir);

	mkdir(dir, 0755);
	for (int i = 0; i <= 16; i++) {
		int fd;

		if (i) {
			o += snprintf(path + o, sizeof(path) - o, "/d%d", i);
			if (mkdir(path, 0755) && errno != EEXIST)
				die(path);
		}
		snprintf(path + o, sizeof(path) - o, "/f");
		fd = open(path, O_WRONLY | O_CREAT, 0644);
		if (fd < 0 || write(fd, "x", 1) != 1)
			die(path);
		close(fd);
		path[o] = 0;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char path[4096];
	const char *ms = getenv("WORKLOAD_MS");
	double ns;

	if (ms)
		min_ms = atol(ms);
	if (argc < 2) {
		fprintf(stderr, "usage: workload open|stat DIR DEPTH | exec PATH | mmap FILE | "
				"connect | tree DIR | run CMD...\n");
		return 2;
	}
	if (!strcmp(argv[1], "nop"))	/* the exec target */
		return 0;
	if (!strcmp(argv[1], "tree") && argc == 3)
		return make_tree(argv[2]);
	if ((!strcmp(argv[1], "open") || !strcmp(argv[1], "stat")) && argc == 4) {
		deep_path(path, sizeof(path), argv[2], atoi(argv[3]));
		ns = timed(!strcmp(argv[1], "open") ? op_open : op_stat, path);
	} else if (!strcmp(argv[1], "exec") && argc == 3) {
		ns = timed(op_exec, argv[2]);
	} else if (!strcmp(argv[1], "mmap") && argc == 3) {
		mmap_fd = open(argv[2], O_RDONLY);
		if (mmap_fd < 0)
			die(argv[2]);
		ns = timed(op_mmap, NULL);
	} else if (!strcmp(argv[1], "connect") && argc == 2) {
		pid_t l = start_listener();

		ns = timed(op_connect, NULL);
		kill(l, SIGKILL);
		waitpid(l, NULL, 0);
	} else if (!strcmp(argv[1], "run") && argc >= 3) {
		double start = children_cpu_ns();
		int status;
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (!pid) {
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		waitpid(pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "workload: %s failed (status %d)\n", argv[2], status);
			return 1;
		}
		ns = children_cpu_ns() - start;
	} else {
		fprintf(stderr, "workload: bad arguments\n");
		return 2;
	}
	printf("%.0f\n", ns);
	return 0;
}
