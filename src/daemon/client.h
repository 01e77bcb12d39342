/* SPDX-License-Identifier: GPL-2.0 */
/* Talking to nslsmd: its socket and a one-request client. */
#ifndef NSLSM_DAEMON_CLIENT_H
#define NSLSM_DAEMON_CLIENT_H

#include <stdbool.h>

#define NSLSMD_RUN_DIR "/run/nslsm"
#define NSLSMD_SOCKET NSLSMD_RUN_DIR "/nslsmd.sock"

/* $NSLSMD_SOCKET or the default. */
const char *nslsmd_socket(void);
/* Connect and send one request line; returns the socket, or -1 with an
 * error (nslsmd not running). */
int nslsmd_request(const char *line);

#endif /* NSLSM_DAEMON_CLIENT_H */
