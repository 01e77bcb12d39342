/* SPDX-License-Identifier: GPL-2.0 */
/* Reading outside input whole, within a bound. */
#ifndef NSLSM_IO_H
#define NSLSM_IO_H

#include <stddef.h>

/* All of fd until end of file into a malloc'ed *buf of *len bytes; more
 * than max bytes is an error ("WHAT: larger than ..."). */
int read_bounded(int fd, const char *what, size_t max, char **buf, size_t *len);

#endif /* NSLSM_IO_H */
