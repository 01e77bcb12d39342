// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"
#include "lib/error.h"

const char *nslsmd_socket(void)
{
	const char *p = getenv("NSLSMD_SOCKET");

	return p && *p ? p : NSLSMD_SOCKET;
}

int nslsmd_request(const char *line)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	size_t len = strlen(line);
	int fd;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", nslsmd_socket());
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return nslsm_fail_errno(errno, "socket");
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		nslsm_fail_errno(errno, "connecting to nslsmd at %s (is nslsmd running?)",
				 addr.sun_path);
		close(fd);
		return -1;
	}
	if (send(fd, line, len, MSG_NOSIGNAL) != (ssize_t)len) {
		nslsm_fail_errno(errno, "talking to nslsmd");
		close(fd);
		return -1;
	}
	return fd;
}
