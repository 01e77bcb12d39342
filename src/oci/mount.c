// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/mount.h>

#include "daemon/client.h"
#include "lib/error.h"
#include "mount.h"

/* Walk `inside` from dirfd, making what is missing; the last component's
 * parent directory fd in *parent, its name in *last. No link is followed. */
static int walk(int dirfd, char *inside, int *parent, char **last)
{
	char *save = NULL, *c = strtok_r(inside, "/", &save), *next;
	int fd = dup(dirfd);

	if (fd < 0 || !c) {
		if (fd >= 0)
			close(fd);
		return nslsm_fail("bad path in the container");
	}
	for (; (next = strtok_r(NULL, "/", &save)); c = next) {
		int sub;

		if (!strcmp(c, "..") || !strcmp(c, ".")) {
			close(fd);
			return nslsm_fail("'%s' in a path in the container", c);
		}
		if (mkdirat(fd, c, 0755) < 0 && errno != EEXIST) {
			nslsm_fail_errno(errno, "making directory '%s' in the container%s", c,
					 errno == EROFS ? " (its root is read-only: make the "
							  "directory in the image)" : "");
			close(fd);
			return -1;
		}
		sub = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		if (sub < 0)
			return nslsm_fail_errno(errno, "'%s' in the container is not a directory (a "
						       "symbolic link is never followed)", c);
		fd = sub;
	}
	*parent = fd;
	*last = c;
	return 0;
}

/* In the child, inside the container's mount namespace. */
static int attach(const char *base, int tree_fd, const char *inside, bool file)
{
	char path[4096], *last = NULL;
	int root, parent = -1, fd;

	snprintf(path, sizeof(path), "%s", inside);
	root = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return nslsm_fail_errno(errno, "the container's root %s", base);
	if (walk(root, path, &parent, &last)) {
		close(root);
		return -1;
	}
	close(root);
	if (file) {
		fd = openat(parent, last, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK,
			    0600);
		/* a socket there already (left by an earlier start) takes a mount too */
		if (fd < 0 && errno != ENXIO) {
			nslsm_fail_errno(errno, "making the mount point %s in the container", inside);
			close(parent);
			return -1;
		}
		if (fd >= 0)
			close(fd);
	} else if (mkdirat(parent, last, 0755) < 0 && errno != EEXIST) {
		nslsm_fail_errno(errno, "making the mount point %s in the container", inside);
		close(parent);
		return -1;
	}
	if (syscall(SYS_move_mount, tree_fd, "", parent, last, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		nslsm_fail_errno(errno, "mounting on %s in the container", inside);
		close(parent);
		return -1;
	}
	close(parent);
	return 0;
}

int oci_mount_into(int pidfd, pid_t pid, const char *rootfs, int tree_fd, const char *inside,
		   bool file)
{
	char croot[64], msg[1024];
	struct stat a, b;
	const char *base;
	int pipefd[2], status;
	ssize_t n;
	pid_t child;

	/* pivoted already: the container's root is the rootfs */
	snprintf(croot, sizeof(croot), "/proc/%d/root", pid);
	if (stat(croot, &a) < 0)
		return nslsm_fail_errno(errno, "the root of the container's process %d", pid);
	if (stat(rootfs, &b) < 0)
		return nslsm_fail_errno(errno, "the container's root %s", rootfs);
	base = a.st_dev == b.st_dev && a.st_ino == b.st_ino ? "/" : rootfs;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return nslsm_fail_errno(errno, "pipe");
	child = fork();
	if (child < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return nslsm_fail_errno(errno, "fork");
	}
	if (!child) {
		close(pipefd[0]);
		if (setns(pidfd, CLONE_NEWNS) < 0)
			nslsm_fail_errno(errno, "joining the mount namespace of the container's "
						"process %d", pid);
		else if (!attach(base, tree_fd, inside, file))
			_exit(0);
		n = write(pipefd[1], nslsm_error(), strlen(nslsm_error()));
		(void)n;
		_exit(1);
	}
	close(pipefd[1]);
	n = read(pipefd[0], msg, sizeof(msg) - 1);
	close(pipefd[0]);
	msg[n > 0 ? n : 0] = 0;
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return nslsm_fail("%s", *msg ? msg : "the mounting process failed");
	return 0;
}

/*
 * The directory holding nslsmd's socket, which must hold nothing else
 * (NSLSMD_SOCKET_DIR for the default socket), bound read-only at
 * OCI_ADMIN_DIR in the container: a restarted nslsmd's new socket is seen
 * there, and nothing else of the host's.
 */
int oci_mount_admin_socket(int pidfd, pid_t pid, const char *rootfs)
{
	const char *sock = nslsmd_socket();
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
					     MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC };
	char real[PATH_MAX], *slash;
	struct dirent *d;
	struct stat sb;
	DIR *dir;
	int tree, rc;

	if (stat(sock, &sb) < 0 || !S_ISSOCK(sb.st_mode))
		return nslsm_fail("nslsmd is not running: no socket at %s (start nslsmd first)",
				  sock);
	if (!realpath(sock, real))
		return nslsm_fail_errno(errno, "resolving %s", sock);
	slash = strrchr(real, '/');
	if (!slash || slash == real || strcmp(slash + 1, NSLSMD_SOCKET_NAME))
		return nslsm_fail("nslsmd's socket %s (%s) is not named %s in a directory of "
				  "its own (nslsmd's default is %s/%s)", sock, real,
				  NSLSMD_SOCKET_NAME, NSLSMD_SOCKET_DIR, NSLSMD_SOCKET_NAME);
	*slash = 0;
	dir = opendir(real);
	if (!dir)
		return nslsm_fail_errno(errno, "reading %s", real);
	while ((d = readdir(dir)))
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..") &&
		    strcmp(d->d_name, NSLSMD_SOCKET_NAME)) {
			closedir(dir);
			return nslsm_fail("%s, the directory of nslsmd's socket, holds '%s' too: it "
					  "is bound into the container, and must hold the socket "
					  "only", real, d->d_name);
		}
	closedir(dir);
	tree = syscall(SYS_open_tree, AT_FDCWD, real, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return nslsm_fail_errno(errno, "cloning a mount of %s", real);
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0) {
		close(tree);
		return nslsm_fail_errno(errno, "making the mount of %s read-only", real);
	}
	rc = oci_mount_into(pidfd, pid, rootfs, tree, OCI_ADMIN_DIR, false);
	close(tree);
	return rc;
}
