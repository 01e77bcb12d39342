// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "error.h"

static _Thread_local char last_error[1024];

int nslsm_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return -1;
}

int nslsm_fail_errno(int err, const char *fmt, ...)
{
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	len = strlen(last_error);
	snprintf(last_error + len, sizeof(last_error) - len, ": %s", strerror(err));
	return -1;
}

const char *nslsm_error(void)
{
	return last_error;
}

void nslsm_error_clear(void)
{
	last_error[0] = 0;
}
