/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where nslsmd forwards records besides its consumers: the kernel's audit
 * (USER_AVC through libaudit, so ausearch finds them), a JSON-lines file
 * with rotation, and an RFC 5424 syslog collector over TCP.
 */
#ifndef NSLSM_SINKS_H
#define NSLSM_SINKS_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/audit_log.h"

struct sinks {
	int audit_fd;		/* libaudit netlink socket, -1 if off */
	/* JSON lines for orchestrators */
	const char *json_path;	/* NULL if off */
	int json_fd;
	uint64_t json_max_bytes;
	unsigned int json_keep;
	/* syslog over TCP */
	const char *syslog_addr;	/* "HOST:PORT", NULL if off */
	int syslog_fd;
	char hostname[256];
	uint64_t forward_failed;	/* records a sink could not take */
};

int sinks_open(struct sinks *s, bool kernel_audit);
void sinks_send(struct sinks *s, const struct nslsm_log_entry *e);
void sinks_close(struct sinks *s);

#endif /* NSLSM_SINKS_H */
