// SPDX-License-Identifier: GPL-2.0
/*
 * probe: performs one operation the VM tests want a verdict on and prints
 * "allowed" or "denied <ERRNO>". Exit status: 0 allowed, 1 denied with
 * EPERM/EACCES, 2 any other failure (a broken test, not a verdict).
 *
 *   probe [-u UID] attach|seize|mem|getfd PID   ptrace-family access to PID
 *   probe [-u UID] traceme                      fork; child PTRACE_TRACEME
 *   probe child-attach                          attach to a fresh child
 *   probe declare WHO[,WHO...] SECONDS          prctl(PR_SET_PTRACER) for each
 *                                               WHO (PID, any, none), sleep
 *   probe [-u UID] traceme-parent               PTRACE_TRACEME to whoever ran it
 *   probe kill PID SIG                          kill(PID, SIG)
 *   probe sigio PID SIG                         a pipe owned by PID (F_SETOWN,
 *                                               F_SETSIG SIG, O_ASYNC), written
 *                                               to: the kernel signals PID
 *   probe count-signal SIG                      a target counting SIG; SIGWINCH
 *                                               makes it print "got N" and exit
 *   probe renice PID NICE | sched PID | ioprio PID | prlimit PID
 *                                               setpriority, sched_setscheduler
 *                                               (SCHED_OTHER), ioprio_set (best
 *                                               effort 4), prlimit (NOFILE to its
 *                                               own value)
 *   probe bpf                                   any bpf() command
 *   probe thread-bpf                            bpf() from a new thread
 *   probe open PATH | unlink PATH | umount PATH | rename FROM TO
 *   probe init-module | finit-module PATH | modprobe FAMILY
 *   probe [-u UID] sleep SECONDS                a target process
 *   probe flood N PID                           N denied-or-not attaches
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>
#include <linux/bpf.h>

static int verdict(int rc, int err)
{
	if (rc >= 0) {
		printf("allowed\n");
		return 0;
	}
	printf("denied %s\n", strerrorname_np(err) ? strerrorname_np(err) : "?");
	return err == EPERM || err == EACCES ? 1 : 2;
}

/* The call first, then errno: a function's arguments have no order. */
#define VERDICT(call)                                                          \
	({                                                                     \
		long __rc = (call);                                            \
		verdict(__rc, errno);                                          \
	})

static int ptrace_to(const char *op, pid_t pid)
{
	long rc;

	if (!strcmp(op, "attach"))
		rc = ptrace(PTRACE_ATTACH, pid, 0, 0);
	else
		rc = ptrace(PTRACE_SEIZE, pid, 0, 0);
	if (rc < 0)
		return verdict(-1, errno);
	if (!strcmp(op, "attach"))
		waitpid(pid, NULL, __WALL);
	ptrace(PTRACE_DETACH, pid, 0, 0);
	return verdict(0, 0);
}

static int traceme(void)
{
	int status;
	pid_t child = fork();

	if (child == 0)
		_exit(ptrace(PTRACE_TRACEME, 0, 0, 0) < 0 ? errno : 0);
	waitpid(child, &status, 0);
	return verdict(WEXITSTATUS(status) ? -1 : 0, WEXITSTATUS(status));
}

static int child_attach(void)
{
	int rc, err;
	pid_t child = fork();

	if (child == 0) {
		pause();
		_exit(0);
	}
	rc = ptrace(PTRACE_SEIZE, child, 0, 0);
	err = errno;
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return verdict(rc, err);
}

static int mem(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDONLY);
	if (fd >= 0)
		close(fd);
	return verdict(fd, errno);
}

static int getfd(pid_t pid)
{
	int pidfd = syscall(SYS_pidfd_open, pid, 0), fd;

	if (pidfd < 0)
		return verdict(-1, errno);
	fd = syscall(SYS_pidfd_getfd, pidfd, 0, 0);
	return verdict(fd, errno);
}

static int do_bpf(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	/* ENOENT (no program loaded) means bpf() itself was allowed. */
	if (syscall(SYS_bpf, BPF_PROG_GET_NEXT_ID, &attr, sizeof(attr)) < 0 && errno != ENOENT)
		return verdict(-1, errno);
	return verdict(0, 0);
}

static void *thread_bpf(void *arg)
{
	*(int *)arg = do_bpf();
	return NULL;
}

/* who: "any", "none" or a pid, or several of them in order: "any,none". */
static int declare(char *who, int seconds)
{
	for (char *tok = strtok(who, ","); tok; tok = strtok(NULL, ",")) {
		unsigned long arg = !strcmp(tok, "any") ? (unsigned long)-1 :
				    !strcmp(tok, "none") ? 0 : strtoul(tok, NULL, 10);

		if (prctl(PR_SET_PTRACER, arg, 0, 0, 0) < 0) {
			printf("prctl: %s\n", strerror(errno));
			return 2;
		}
	}
	printf("declared\n");
	fflush(stdout);
	sleep(seconds);
	return 0;
}

/* The kernel sends SIG to PID for us: whoever set the owner decides. */
static int sigio(pid_t pid, int sig)
{
	int p[2];

	if (pipe(p) < 0 || fcntl(p[0], F_SETOWN, pid) < 0 || fcntl(p[0], F_SETSIG, sig) < 0 ||
	    fcntl(p[0], F_SETFL, O_ASYNC) < 0 || write(p[1], "x", 1) != 1 ||
	    /* one signal only: closing a pipe signals its readers too */
	    fcntl(p[0], F_SETFL, 0) < 0) {
		perror("probe: sigio");
		return 2;
	}
	printf("sent\n");
	return 0;
}

static volatile sig_atomic_t counted;

static void count_one(int sig)
{
	(void)sig;
	counted++;
}

/* Signals are delivered lowest number first, so a SIG below SIGWINCH sent
 * before it is counted before the report. */
static void report(int sig)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "got %d\n", (int)counted);

	(void)sig;
	if (write(1, buf, n) != n)
		_exit(2);
	_exit(0);
}

static int count_signal(int sig)
{
	signal(sig, count_one);
	signal(SIGWINCH, report);
	printf("sleeping\n");
	fflush(stdout);
	for (;;)
		pause();
	return 2;
}

/* Scheduling and limits of another task: each sets what it finds. */
static int renice(pid_t pid, int nice)
{
	return VERDICT(setpriority(PRIO_PROCESS, pid, nice));
}

static int sched(pid_t pid, int unused)
{
	struct sched_param sp = { 0 };

	(void)unused;
	return VERDICT(sched_setscheduler(pid, SCHED_OTHER, &sp));
}

static int ioprio(pid_t pid, int unused)
{
	(void)unused;
	/* IOPRIO_WHO_PROCESS, IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4) */
	return VERDICT(syscall(SYS_ioprio_set, 1, pid, 2 << 13 | 4));
}

static int limit(pid_t pid, int unused)
{
	struct rlimit old;

	(void)unused;
	if (prlimit(pid, RLIMIT_NOFILE, NULL, &old) < 0)
		return verdict(-1, errno);
	return VERDICT(prlimit(pid, RLIMIT_NOFILE, &old, NULL));
}

static const struct {
	const char *name;
	int (*run)(pid_t pid, int arg);
} sched_ops[] = {
	{ "renice", renice }, { "sched", sched }, { "ioprio", ioprio },
	{ "prlimit", limit },
};

int main(int argc, char **argv)
{
	const char *op;

	if (argc > 3 && !strcmp(argv[1], "-u")) {
		uid_t uid = atoi(argv[2]);

		/* Dumpable again after the uid change, so that only the LSMs
		 * (not the dumpable rule) decide who may ptrace it. */
		if (setgroups(0, NULL) < 0 || setgid(uid) < 0 || setuid(uid) < 0 ||
		    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0) {
			perror("probe: dropping to uid");
			return 2;
		}
		argv += 2;
		argc -= 2;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: see the comment at the top of tests/helpers/probe.c\n");
		return 2;
	}
	op = argv[1];
	if ((!strcmp(op, "attach") || !strcmp(op, "seize")) && argc == 3)
		return ptrace_to(op, atoi(argv[2]));
	if (!strcmp(op, "mem") && argc == 3)
		return mem(atoi(argv[2]));
	if (!strcmp(op, "getfd") && argc == 3)
		return getfd(atoi(argv[2]));
	if (!strcmp(op, "traceme"))
		return traceme();
	if (!strcmp(op, "child-attach"))
		return child_attach();
	if (!strcmp(op, "declare") && argc == 4)
		return declare(argv[2], atoi(argv[3]));
	if (!strcmp(op, "traceme-parent"))
		return VERDICT(ptrace(PTRACE_TRACEME, 0, 0, 0));
	if (!strcmp(op, "kill") && argc == 4)
		return VERDICT(kill(atoi(argv[2]), atoi(argv[3])));
	if (!strcmp(op, "sigio") && argc == 4)
		return sigio(atoi(argv[2]), atoi(argv[3]));
	if (!strcmp(op, "count-signal") && argc == 3)
		return count_signal(atoi(argv[2]));
	if (argc == 3 || (argc == 4 && !strcmp(op, "renice")))
		for (size_t i = 0; i < sizeof(sched_ops) / sizeof(sched_ops[0]); i++)
			if (!strcmp(op, sched_ops[i].name))
				return sched_ops[i].run(atoi(argv[2]), argc == 4 ? atoi(argv[3]) : 0);
	if (!strcmp(op, "sleep") && argc == 3) {
		printf("sleeping\n");
		fflush(stdout);
		sleep(atoi(argv[2]));
		return 0;
	}
	if (!strcmp(op, "flood") && argc == 4) {
		int n = atoi(argv[2]), denied = 0;

		for (int i = 0; i < n; i++)
			if (ptrace(PTRACE_SEIZE, atoi(argv[3]), 0, 0) < 0)
				denied++;
			else
				ptrace(PTRACE_DETACH, atoi(argv[3]), 0, 0);
		printf("%d denied\n", denied);
		return 0;
	}
	if (!strcmp(op, "bpf"))
		return do_bpf();
	if (!strcmp(op, "thread-bpf")) {
		pthread_t t;
		int rc = 2;

		pthread_create(&t, NULL, thread_bpf, &rc);
		pthread_join(t, NULL);
		return rc;
	}
	if (!strcmp(op, "open") && argc == 3) {
		int fd = open(argv[2], O_RDONLY);

		if (fd >= 0)
			close(fd);
		return verdict(fd, errno);
	}
	if (!strcmp(op, "unlink") && argc == 3)
		return VERDICT(unlink(argv[2]));
	if (!strcmp(op, "rename") && argc == 4)
		return VERDICT(rename(argv[2], argv[3]));
	if (!strcmp(op, "umount") && argc == 3)
		return VERDICT(umount2(argv[2], MNT_DETACH));
	if (!strcmp(op, "init-module")) {
		/* Large enough for an ELF header, so the LSM check is reached. */
		static char image[64];

		return VERDICT(syscall(SYS_init_module, image, sizeof(image), ""));
	}
	if (!strcmp(op, "finit-module") && argc == 3) {
		int fd = open(argv[2], O_RDONLY);

		return VERDICT(syscall(SYS_finit_module, fd, "", 0));
	}
	if (!strcmp(op, "modprobe") && argc == 3) {
		/* An unknown address family makes the kernel request a module. */
		int fd = socket(atoi(argv[2]), SOCK_STREAM, 0);

		if (fd >= 0)
			close(fd);
		return verdict(fd, errno);
	}
	fprintf(stderr, "probe: unknown operation '%s'\n", op);
	return 2;
}
