/* SPDX-License-Identifier: GPL-2.0 */
/* Talking to nslsmd: its socket and a one-request client. */
#ifndef NSLSM_DAEMON_CLIENT_H
#define NSLSM_DAEMON_CLIENT_H

#include <stdbool.h>

#define NSLSMD_RUN_DIR "/run/nslsm"
#define NSLSMD_SOCKET NSLSMD_RUN_DIR "/nslsmd.sock"
/* The default socket's own directory, holding the socket only: NSLSMD_SOCKET
 * is a symbolic link to it there, and nslsm-oci-hook binds this directory
 * (not the socket) into containers, so a restarted nslsmd's new socket is
 * the one they see. */
#define NSLSMD_SOCKET_DIR NSLSMD_RUN_DIR "/admin"
#define NSLSMD_SOCKET_NAME "nslsmd.sock"

/* $NSLSMD_SOCKET or the default. */
const char *nslsmd_socket(void);
/* Connect and send one request line; returns the socket, or -1 with an
 * error (nslsmd not running). */
int nslsmd_request(const char *line);

#endif /* NSLSM_DAEMON_CLIENT_H */
