// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "lsm.h"

int kernel_lsm_list(char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(KERNEL_LSM_FILE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nslsm_fail_errno(errno, "reading %s", KERNEL_LSM_FILE);
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return nslsm_fail_errno(errno, "reading %s", KERNEL_LSM_FILE);
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

bool lsm_list_has(const char *list, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = list; *p;) {
		size_t tok = strcspn(p, ",");

		if (tok == len && !strncmp(p, name, len))
			return true;
		p += tok;
		if (*p == ',')
			p++;
	}
	return false;
}
