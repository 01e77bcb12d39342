// SPDX-License-Identifier: GPL-2.0
/*
 * Commands carried by nslsmd: inside a namespace (a container with
 * io.nslsm.admin=1, or any enrolled task) nslsm cannot reach the pinned
 * maps, so `nslsm apparmor`, `nslsm ns` and `nslsm status` send nslsmd an
 * ADMIN request instead (src/daemon/delegate.h judges it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "cli.h"
#include "daemon/client.h"
#include "lib/error.h"
#include "lib/state.h"

bool remote_wanted(void)
{
	const char *v = getenv("NSLSM_VIA_NSLSMD");
	struct stat sb;
	int fd;

	if (v && *v)
		return strcmp(v, "0") != 0;
	if (stat(nslsmd_socket(), &sb) < 0 || !S_ISSOCK(sb.st_mode))
		return false;
	/* no pins here: a container's mount namespace */
	if (!state_loaded())
		return true;
	/* pins, but bpf() refused to root: an enrolled task */
	if (geteuid() != 0)
		return false;
	fd = bpf_obj_get(NSLSM_MAP_DIR "/namespaces");
	if (fd >= 0) {
		close(fd);
		return false;
	}
	return errno == EPERM;
}

static int send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return nslsm_fail_errno(errno, "talking to nslsmd");
		p += n;
		len -= n;
	}
	return 0;
}

/* The reply's first line, up to its newline (kept out of `rest`). */
static int read_line(int fd, char *line, size_t max)
{
	size_t n = 0;

	while (n < max - 1) {
		ssize_t k = recv(fd, line + n, 1, 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return nslsm_fail("nslsmd closed the connection without an answer");
		if (line[n] == '\n')
			break;
		n++;
	}
	line[n] = 0;
	return 0;
}

int remote_admin(const char *module, const char *op, const char *ns, char **args, int n_args,
		 const void *payload, size_t len)
{
	char line[4096], reply[1024], buf[65536];
	unsigned long long want;
	size_t off;
	int fd, rc = -1;

	off = snprintf(line, sizeof(line), "ADMIN %s %s %s %zu", module, op, ns && *ns ? ns : ".",
		       len);
	for (int i = 0; i < n_args; i++) {
		if (strpbrk(args[i], " \t\n") || !*args[i]) {
			nslsm_fail("'%s': nslsmd takes arguments without spaces", args[i]);
			return fail();
		}
		off += snprintf(line + off, off < sizeof(line) ? sizeof(line) - off : 0, " %s",
				args[i]);
	}
	if (off + 2 > sizeof(line)) {
		nslsm_fail("too many arguments for one request to nslsmd");
		return fail();
	}
	line[off++] = '\n';
	line[off] = 0;
	fd = nslsmd_request(line);
	if (fd < 0)
		return fail();
	if (len && send_all(fd, payload, len))
		goto out;
	if (read_line(fd, reply, sizeof(reply)))
		goto out;
	if (!strncmp(reply, "ERR ", 4)) {
		nslsm_fail("nslsmd: %s", reply + 4);
		goto out;
	}
	if (sscanf(reply, "OK %llu", &want) != 1) {
		nslsm_fail("nslsmd: unexpected answer '%.64s'", reply);
		goto out;
	}
	while (want) {
		ssize_t n = recv(fd, buf, want < sizeof(buf) ? want : sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			nslsm_fail("nslsmd closed the connection in the middle of its answer");
			goto out;
		}
		fwrite(buf, 1, n, stdout);
		want -= n;
	}
	rc = 0;
out:
	close(fd);
	return rc ? fail() : EXIT_OK;
}
