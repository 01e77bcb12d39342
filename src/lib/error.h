/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Errors travel as a negative return value plus one message, set where the
 * failure is understood (naming the object and the problem) and printed
 * once by the command line. Callers only propagate.
 */
#ifndef NSLSM_ERROR_H
#define NSLSM_ERROR_H

#include <stdarg.h>

/* Record the message; returns -1 so callers can `return nslsm_fail(...)`. */
int nslsm_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* As nslsm_fail, with ": strerror(err)" appended (err is a positive errno). */
int nslsm_fail_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The last message, "" if none. */
const char *nslsm_error(void);
void nslsm_error_clear(void);

#endif /* NSLSM_ERROR_H */
