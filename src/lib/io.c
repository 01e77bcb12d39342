// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "error.h"
#include "io.h"

int read_bounded(int fd, const char *what, size_t max, char **buf, size_t *len)
{
	size_t cap = 1 << 12, n = 0;
	char *b = malloc(cap);

	if (!b)
		return nslsm_fail("out of memory");
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *g;

			/* room for one byte more than max, to see it */
			if (cap > max) {
				free(b);
				return max >= 1 << 20 ? nslsm_fail("%s: larger than %zu MiB", what,
								   max >> 20)
						      : nslsm_fail("%s: larger than %zu bytes", what,
								   max);
			}
			g = realloc(b, cap * 2);
			if (!g) {
				free(b);
				return nslsm_fail("out of memory");
			}
			b = g;
			cap *= 2;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(b);
			return nslsm_fail_errno(errno, "reading %s", what);
		}
		if (!r)
			break;
		n += r;
	}
	if (n > max) {
		free(b);
		return max >= 1 << 20 ? nslsm_fail("%s: larger than %zu MiB", what, max >> 20)
				      : nslsm_fail("%s: larger than %zu bytes", what, max);
	}
	*buf = b;
	*len = n;
	return 0;
}
