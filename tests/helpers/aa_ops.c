// SPDX-License-Identifier: GPL-2.0
/*
 * aa_ops: run file, exec and network operations and report each result,
 * for the AppArmor differential tests (the same operations under the
 * kernel's AppArmor and under nslsm must give the same results).
 *
 *   aa_ops -f FILE|-      run the operations of FILE (- = stdin), one per
 *                         line, and print "N RESULT" per operation (N = line)
 *   aa_ops OP ARG...      run one operation; exit status = its errno (0 ok)
 *
 * Built static: a confined task needs no shared library to start.
 * Operations:
 *   open PATH r|w|rw|a|wc|wt|ac   read, write, both, append, O_CREAT, O_TRUNC
 *   exec PATH [OP ARG...]          fork+exec PATH (a copy of aa_ops) which runs
 *                                  OP: "ok/RESULT" when the exec succeeded
 *   mmap PATH                      PROT_EXEC mapping of an open file
 *   lock PATH | wlock PATH         flock shared / exclusive
 *   unlink|mkdir|rmdir|truncate|chmod|mkfifo PATH
 *   chown PATH UID
 *   rename|link|symlink A B        (symlink: B points to A)
 *   socket FAMILY TYPE             inet|inet6|unix|netlink|packet, stream|dgram|raw
 *   write_to PATH                  open for writing, write a byte
 *   kill1 SIG                      kill(1, SIG): only 0, cont, winch (harmless)
 *   killchild SIG                  signal a child of its own (same label)
 *   ptrace read|trace TARGET       a ptrace access check, nothing attached:
 *                                  read = kcmp(2), trace = process_vm_readv(2)
 *                                  of TARGET: init (pid 1), child (a child of
 *                                  its own) or PATH (a child that exec'd PATH,
 *                                  a copy of aa_ops, to sleep)
 *   traceme                        a child asks for PTRACE_TRACEME
 *   sleep                          wait up to 2 s for a signal
 *   sockop FAMILY TYPE OP [PROFILE]
 *                                  in a child: make a socket of FAMILY/TYPE
 *                                  (inet or unix; a listening, connected or
 *                                  paired one as OP needs), change_profile to
 *                                  PROFILE if given, then OP: listen, accept,
 *                                  send, recv, getsockname, getpeername,
 *                                  getopt, setopt, shutdown
 *   changeprofile NAME             change_profile, now
 *   changeonexec NAME              change_profile at the next exec
 *   changehat HAT|- TOKEN          change_hat (-: return), TOKEN in hex
 *                                  These ask nslsm (prctl, nslsm/prctl.h); a
 *                                  task nslsm does not confine writes to
 *                                  /proc/self/attr/apparmor/ as libapparmor
 *                                  does, for the kernel's AppArmor (unless
 *                                  AA_OPS_NSLSM_ONLY is set).
 *   mount SRC TARGET TYPE FLAGS [DATA]
 *                                  mount(2); SRC and TYPE may be - (NULL); FLAGS
 *                                  comma separated: ro, nosuid, nodev, noexec,
 *                                  remount, bind, rbind, move, private, rprivate,
 *                                  shared, slave, unbindable... or 0
 *   umount TARGET [detach]         umount2(2)
 *   pivot_root NEW OLD             pivot_root(2)
 *   atsecure                       100 if the program started with AT_SECURE
 *                                  (an exec that scrubs the environment), else 0
 *   move_mount clone|tree FROM TO  open_tree(2) of FROM (a detached clone, or the
 *                                  mount itself), then move_mount(2) to TO
 * RESULT is "ok" or the errno name (EACCES, EPERM, ENOENT, ...).
 */
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nslsm/prctl.h"

static const char *errname(int e)
{
	static char buf[16];
	static const struct { int e; const char *n; } names[] = {
		{ 0, "ok" }, { EACCES, "EACCES" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" },
		{ EEXIST, "EEXIST" }, { EISDIR, "EISDIR" }, { ENOTDIR, "ENOTDIR" },
		{ EROFS, "EROFS" }, { EINVAL, "EINVAL" }, { ENOTEMPTY, "ENOTEMPTY" },
		{ EAFNOSUPPORT, "EAFNOSUPPORT" }, { EPROTONOSUPPORT, "EPROTONOSUPPORT" },
		{ ENOEXEC, "ENOEXEC" }, { EXDEV, "EXDEV" }, { ETXTBSY, "ETXTBSY" },
		{ ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT" }, { EBADF, "EBADF" }, { ESRCH, "ESRCH" },
		{ ECHILD, "ECHILD" }, { ENOTCONN, "ENOTCONN" }, { EAGAIN, "EAGAIN" }, { EOPNOTSUPP, "EOPNOTSUPP" }, { EFAULT, "EFAULT" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].n;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

/* A task to check ptrace against: a child that sleeps, or that exec'd
 * `path` (a copy of aa_ops) to sleep; returns its pid once it is there. */
static pid_t sleeper(const char *path)
{
	int pipefd[2];
	char c;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(pipefd[0]);
		if (path) {
			execl(path, path, "sleep", (char *)NULL);
			_exit(127);
		}
		(void)!write(pipefd[1], "x", 1);
		alarm(2);
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	/* a byte: forked; end of file: the exec closed the pipe */
	(void)!read(pipefd[0], &c, 1);
	close(pipefd[0]);
	return pid;
}

/* The kernel's ptrace access check on `pid`, with nothing attached:
 * kcmp(2) asks for read, process_vm_readv(2) for trace (attach). */
static int ptrace_check(pid_t pid, bool trace)
{
	char local;
	struct iovec l = { &local, 1 }, r = { NULL, 1 };

	if (!trace)
		return syscall(SYS_kcmp, getpid(), pid, 1 /* KCMP_VM */, 0, 0) < 0 ? errno : 0;
	/* allowed: the read of address 0 faults */
	if (process_vm_readv(pid, &l, 1, &r, 1, 0) < 0)
		return errno == EFAULT ? 0 : errno;
	return 0;
}

/* The kernel's AppArmor interface, as libapparmor uses it. */
static int aa_procattr(const char *attr, const char *fmt, const char *a, unsigned long long t)
{
	char path[64], buf[300];
	int fd, n, rc = 0;

	snprintf(path, sizeof(path), "/proc/self/attr/apparmor/%s", attr);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	if (!strcmp(fmt, "changehat"))
		n = snprintf(buf, sizeof(buf), "changehat %016llx^%s", t, a ? a : "");
	else
		n = snprintf(buf, sizeof(buf), "%s %s", fmt, a);
	if (write(fd, buf, n) < 0)
		rc = errno;
	close(fd);
	return rc;
}

/* Ask nslsm; a task nslsm does not confine gets EINVAL: ask the kernel. */
static int aa_change(const char *op, const char *name, unsigned long long token)
{
	int rc;

	if (!strcmp(op, "changeprofile"))
		rc = nslsm_aa_change_profile(name);
	else if (!strcmp(op, "changeonexec"))
		rc = nslsm_aa_change_onexec(name);
	else
		rc = nslsm_aa_change_hat(name, token);
	if (rc == 0)
		return 0;
	if (errno != EINVAL || getenv("AA_OPS_NSLSM_ONLY"))
		return errno;
	if (!strcmp(op, "changeprofile"))
		return aa_procattr("current", "changeprofile", name, 0);
	if (!strcmp(op, "changeonexec"))
		return aa_procattr("exec", "exec", name, 0);
	return aa_procattr("current", "changehat", name, token);
}

/* sockop's child: set up, change profile, run OP; its errno (255: setup). */
static int sockop(int fam, int type, const char *op, const char *profile)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	int fd, peer = -1, pair[2] = { -1, -1 }, one = 1, rc;
	char c = 'x';

	if (fam == AF_UNIX) {
		if (socketpair(AF_UNIX, type, 0, pair) < 0)
			return 255;
		fd = pair[0];
		peer = pair[1];
	} else {
		fd = socket(fam, type, 0);
		if (fd < 0)
			return 255;
		bool stream_io = type == SOCK_STREAM && (!strcmp(op, "send") || !strcmp(op, "recv"));

		if (!strcmp(op, "listen") || !strcmp(op, "accept") || stream_io) {
			if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
				return 255;
		}
		if (!strcmp(op, "accept") || stream_io) {
			if (listen(fd, 4) < 0 || getsockname(fd, (struct sockaddr *)&a, &alen) < 0)
				return 255;
			peer = socket(fam, type, 0);
			if (peer < 0 || connect(peer, (struct sockaddr *)&a, sizeof(a)) < 0)
				return 255;
		}
		if (stream_io) {
			/* the connected end of a loopback connection */
			fd = peer;
		} else if (!strcmp(op, "send") || !strcmp(op, "recv")) {
			a.sin_port = htons(9);	/* discard: nothing needs to listen */
			if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 && type != SOCK_DGRAM)
				return 255;
		}
	}
	if (profile && aa_change("changeprofile", profile, 0))
		return 254;
	if (!strcmp(op, "listen"))
		rc = listen(fd, 4);
	else if (!strcmp(op, "accept"))
		rc = accept(fd, NULL, NULL);
	else if (!strcmp(op, "send"))
		rc = send(fd, &c, 1, MSG_DONTWAIT);
	else if (!strcmp(op, "recv"))
		rc = recv(fd, &c, 1, MSG_DONTWAIT);
	else if (!strcmp(op, "getsockname"))
		rc = getsockname(fd, (struct sockaddr *)&a, &alen);
	else if (!strcmp(op, "getpeername"))
		rc = getpeername(fd, (struct sockaddr *)&a, &alen);
	else if (!strcmp(op, "getopt"))
		rc = getsockopt(fd, SOL_SOCKET, SO_TYPE, &one, &alen);
	else if (!strcmp(op, "setopt"))
		rc = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	else if (!strcmp(op, "shutdown"))
		rc = shutdown(fd, SHUT_RDWR);
	else
		return 253;
	(void)peer;
	return rc < 0 ? errno : 0;
}

static int do_open(const char *path, const char *mode)
{
	int flags, fd;

	if (!strcmp(mode, "r"))
		flags = O_RDONLY;
	else if (!strcmp(mode, "w"))
		flags = O_WRONLY;
	else if (!strcmp(mode, "rw"))
		flags = O_RDWR;
	else if (!strcmp(mode, "a"))
		flags = O_WRONLY | O_APPEND;
	else if (!strcmp(mode, "wc"))
		flags = O_WRONLY | O_CREAT;
	else if (!strcmp(mode, "wt"))
		flags = O_WRONLY | O_TRUNC;
	else if (!strcmp(mode, "ac"))
		flags = O_WRONLY | O_APPEND | O_CREAT;
	else
		return EINVAL;
	fd = open(path, flags | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int signum(const char *s)
{
	static const struct { const char *n; int s; } sigs[] = {
		{ "0", 0 }, { "hup", SIGHUP }, { "int", SIGINT }, { "usr1", SIGUSR1 },
		{ "usr2", SIGUSR2 }, { "term", SIGTERM }, { "kill", SIGKILL }, { "cont", SIGCONT },
		{ "winch", SIGWINCH },
	};

	if (!strcmp(s, "rtmin"))
		return SIGRTMIN;	/* not a constant in glibc */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (!strcmp(s, sigs[i].n))
			return sigs[i].s;
	return -1;
}

static int family(const char *s)
{
	if (!strcmp(s, "inet"))
		return AF_INET;
	if (!strcmp(s, "inet6"))
		return AF_INET6;
	if (!strcmp(s, "unix"))
		return AF_UNIX;
	if (!strcmp(s, "netlink"))
		return AF_NETLINK;
	if (!strcmp(s, "packet"))
		return AF_PACKET;
	return atoi(s);
}

static int socktype(const char *s)
{
	if (!strcmp(s, "stream"))
		return SOCK_STREAM;
	if (!strcmp(s, "dgram"))
		return SOCK_DGRAM;
	if (!strcmp(s, "raw"))
		return SOCK_RAW;
	if (!strcmp(s, "seqpacket"))
		return SOCK_SEQPACKET;
	return atoi(s);
}

/* Run one operation; returns its errno (0 ok), -1 for a bad operation. */
/* "ro,nosuid,rbind"... as mount(2) flags; "0" or "-": none. */
static unsigned long mount_flags(const char *s)
{
	static const struct {
		const char *name;
		unsigned long f;
	} names[] = {
		{ "ro", MS_RDONLY },	   { "nosuid", MS_NOSUID },
		{ "nodev", MS_NODEV },	   { "noexec", MS_NOEXEC },
		{ "sync", MS_SYNCHRONOUS }, { "remount", MS_REMOUNT },
		{ "dirsync", MS_DIRSYNC }, { "noatime", MS_NOATIME },
		{ "nodiratime", MS_NODIRATIME }, { "bind", MS_BIND },
		{ "rbind", MS_BIND | MS_REC }, { "move", MS_MOVE },
		{ "silent", MS_SILENT },   { "unbindable", MS_UNBINDABLE },
		{ "runbindable", MS_UNBINDABLE | MS_REC },
		{ "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE | MS_REC },
		{ "slave", MS_SLAVE },	   { "rslave", MS_SLAVE | MS_REC },
		{ "shared", MS_SHARED },   { "rshared", MS_SHARED | MS_REC },
		{ "relatime", MS_RELATIME }, { "strictatime", MS_STRICTATIME },
	};
	char buf[256], *save = NULL;
	unsigned long f = 0;

	snprintf(buf, sizeof(buf), "%s", s);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcmp(t, names[i].name))
				f |= names[i].f;
	return f;
}

static const char *dash_null(const char *s)
{
	return strcmp(s, "-") ? s : NULL;
}

static int run_op(int argc, char **argv, char *out, size_t outlen)
{
	const char *op = argv[0];
	int fd, rc = 0;

	if (out)
		out[0] = 0;
#define NEED(n)                                                                \
	do {                                                                   \
		if (argc < (n))                                                \
			return -1;                                             \
	} while (0)
	if (!strcmp(op, "open")) {
		NEED(3);
		return do_open(argv[1], argv[2]);
	}
	if (!strcmp(op, "write_to")) {
		NEED(2);
		fd = open(argv[1], O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return errno;
		rc = write(fd, "x", 1) == 1 ? 0 : errno;
		close(fd);
		return rc;
	}
	if (!strcmp(op, "mmap")) {
		void *m;

		NEED(2);
		fd = open(argv[1], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return errno;
		m = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
		rc = m == MAP_FAILED ? errno : 0;
		if (m != MAP_FAILED)
			munmap(m, 4096);
		close(fd);
		return rc;
	}
	if (!strcmp(op, "lock") || !strcmp(op, "wlock")) {
		bool excl = op[0] == 'w';

		NEED(2);
		fd = open(argv[1], (excl ? O_RDWR : O_RDONLY) | O_CLOEXEC);
		if (fd < 0)
			return errno;
		rc = flock(fd, excl ? LOCK_EX : LOCK_SH) ? errno : 0;
		close(fd);
		return rc;
	}
	if (!strcmp(op, "mount")) {
		NEED(5);
		return mount(dash_null(argv[1]), argv[2], dash_null(argv[3]), mount_flags(argv[4]),
			     argc > 5 ? argv[5] : NULL) ? errno : 0;
	}
	if (!strcmp(op, "umount")) {
		NEED(2);
		return umount2(argv[1], argc > 2 && !strcmp(argv[2], "detach") ? MNT_DETACH : 0)
			       ? errno : 0;
	}
	if (!strcmp(op, "pivot_root")) {
		NEED(3);
		return syscall(SYS_pivot_root, argv[1], argv[2]) ? errno : 0;
	}
	if (!strcmp(op, "move_mount")) {
		/* the new mount API: clone FROM's mount (detached) or take it
		 * as it is, and attach it at TO */
		int tfd;

		NEED(4);
		tfd = (int)syscall(SYS_open_tree, AT_FDCWD, argv[2],
				   !strcmp(argv[1], "clone") ? 1 /* OPEN_TREE_CLONE */ : 0);
		if (tfd < 0)
			return errno;
		rc = syscall(SYS_move_mount, tfd, "", AT_FDCWD, argv[3],
			     4 /* MOVE_MOUNT_F_EMPTY_PATH */) ? errno : 0;
		close(tfd);
		return rc;
	}
	if (!strcmp(op, "atsecure"))
		return getauxval(AT_SECURE) ? 100 : 0;
	if (!strcmp(op, "unlink")) {
		NEED(2);
		return unlink(argv[1]) ? errno : 0;
	}
	if (!strcmp(op, "mkdir")) {
		NEED(2);
		return mkdir(argv[1], 0755) ? errno : 0;
	}
	if (!strcmp(op, "rmdir")) {
		NEED(2);
		return rmdir(argv[1]) ? errno : 0;
	}
	if (!strcmp(op, "mkfifo")) {
		NEED(2);
		return mkfifo(argv[1], 0644) ? errno : 0;
	}
	if (!strcmp(op, "truncate")) {
		NEED(2);
		return truncate(argv[1], 0) ? errno : 0;
	}
	if (!strcmp(op, "chmod")) {
		NEED(2);
		return chmod(argv[1], 0640) ? errno : 0;
	}
	if (!strcmp(op, "chown")) {
		NEED(3);
		return chown(argv[1], atoi(argv[2]), -1) ? errno : 0;
	}
	if (!strcmp(op, "rename")) {
		NEED(3);
		return rename(argv[1], argv[2]) ? errno : 0;
	}
	if (!strcmp(op, "link")) {
		NEED(3);
		return link(argv[1], argv[2]) ? errno : 0;
	}
	if (!strcmp(op, "symlink")) {
		NEED(3);
		return symlink(argv[1], argv[2]) ? errno : 0;
	}
	if (!strcmp(op, "socket")) {
		NEED(3);
		fd = socket(family(argv[1]), socktype(argv[2]), 0);
		if (fd < 0)
			return errno;
		close(fd);
		return 0;
	}
	if (!strcmp(op, "kill1")) {
		int sig;

		NEED(2);
		sig = signum(argv[1]);
		/* never anything init would die of */
		if (sig != 0 && sig != SIGCONT && sig != SIGWINCH)
			return -1;
		return kill(1, sig) ? errno : 0;
	}
	if (!strcmp(op, "killchild")) {
		int sig, status;
		pid_t pid;

		NEED(2);
		sig = signum(argv[1]);
		if (sig < 0)
			return -1;
		pid = fork();
		if (pid < 0)
			return errno;
		if (!pid) {
			alarm(2);	/* ends it if the signal is refused */
			pause();
			_exit(0);
		}
		rc = kill(pid, sig) ? errno : 0;
		if (!rc && (sig == 0 || sig == SIGCONT || sig == SIGWINCH))
			kill(pid, SIGALRM);
		waitpid(pid, &status, 0);
		return rc;
	}
	if (!strcmp(op, "ptrace")) {
		bool trace;
		pid_t pid;
		int status;

		NEED(3);
		trace = !strcmp(argv[1], "trace");
		if (!trace && strcmp(argv[1], "read"))
			return -1;
		if (!strcmp(argv[2], "init"))
			return ptrace_check(1, trace);
		pid = sleeper(!strcmp(argv[2], "child") ? NULL : argv[2]);
		if (pid < 0)
			return errno;
		rc = ptrace_check(pid, trace);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return rc;
	}
	if (!strcmp(op, "traceme")) {
		int status;
		pid_t pid = fork();

		if (pid < 0)
			return errno;
		if (!pid)
			_exit(ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0 ? errno : 0);
		waitpid(pid, &status, 0);
		return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	}
	if (!strcmp(op, "sleep")) {
		alarm(2);
		pause();
		return 0;
	}
	if (!strcmp(op, "changeprofile") || !strcmp(op, "changeonexec")) {
		NEED(2);
		return aa_change(op, argv[1], 0);
	}
	if (!strcmp(op, "changehat")) {
		NEED(3);
		return aa_change(op, strcmp(argv[1], "-") ? argv[1] : NULL,
				 strtoull(argv[2], NULL, 16));
	}
	if (!strcmp(op, "sockop")) {
		int status;
		pid_t pid;

		NEED(4);
		pid = fork();
		if (pid < 0)
			return errno;
		if (!pid)
			_exit(sockop(family(argv[1]), socktype(argv[2]), argv[3],
				     argc > 4 ? argv[4] : NULL));
		waitpid(pid, &status, 0);
		if (!WIFEXITED(status))
			return -1;
		if (WEXITSTATUS(status) >= 253) {
			if (out)
				snprintf(out, outlen, "%s", WEXITSTATUS(status) == 254 ? "nochange" : "nosetup");
			return 0;
		}
		return WEXITSTATUS(status);
	}
	if (!strcmp(op, "exec")) {
		int pipefd[2], status, child_err = 0;
		pid_t pid;
		ssize_t n;

		NEED(2);
		if (pipe2(pipefd, O_CLOEXEC) < 0)
			return errno;
		pid = fork();
		if (pid < 0)
			return errno;
		if (!pid) {
			int e;

			close(pipefd[0]);
			execv(argv[1], argv + 1);
			e = errno;
			(void)!write(pipefd[1], &e, sizeof(e));
			_exit(127);
		}
		close(pipefd[1]);
		n = read(pipefd[0], &child_err, sizeof(child_err));
		close(pipefd[0]);
		waitpid(pid, &status, 0);
		if (n == sizeof(child_err))
			return child_err;
		/* exec'd: the nested operation's result is the exit status */
		if (out) {
			if (WIFSIGNALED(status))
				snprintf(out, outlen, "ok/SIG%d", WTERMSIG(status));
			else if (WEXITSTATUS(status) == 255)
				snprintf(out, outlen, "ok/badop");
			else
				snprintf(out, outlen, "ok/%s", errname(WEXITSTATUS(status)));
		}
		return 0;
	}
	return -1;
#undef NEED
}

int main(int argc, char **argv)
{
	char line[4096], extra[64];
	FILE *f;
	int n = 0;

	/* exec'd as a target: run the nested operation, if any */
	if (argc >= 2 && strcmp(argv[1], "-f") && strchr(argv[1], '/') == NULL) {
		int rc = run_op(argc - 1, argv + 1, NULL, 0);

		return rc < 0 ? 255 : rc;
	}
	if (argc < 2)
		return 0;	/* a bare exec target */
	if (argc != 3 || strcmp(argv[1], "-f")) {
		fprintf(stderr, "usage: aa_ops -f FILE|- | aa_ops OP ARG...\n");
		return 2;
	}
	/* "-": standard input (a pipe: a confined task needs no file rule) */
	f = strcmp(argv[2], "-") ? fopen(argv[2], "r") : stdin;
	if (!f) {
		perror(argv[2]);
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		char *args[17], *save = NULL, *tok;
		int na = 0, rc;

		n++;
		line[strcspn(line, "\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		for (tok = strtok_r(line, " \t", &save); tok && na < 16; tok = strtok_r(NULL, " \t", &save))
			args[na++] = tok;
		args[na] = NULL;
		rc = run_op(na, args, extra, sizeof(extra));
		if (rc < 0)
			printf("%d badop\n", n);
		else if (!rc && extra[0])
			printf("%d %s\n", n, extra);
		else
			printf("%d %s\n", n, errname(rc));
		fflush(stdout);
	}
	if (f != stdin)
		fclose(f);
	return 0;
}
