// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <libaudit.h>

#include "lib/error.h"
#include "sinks.h"

static int json_open(struct sinks *s)
{
	s->json_fd = open(s->json_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (s->json_fd < 0)
		return nslsm_fail_errno(errno, "opening %s", s->json_path);
	return 0;
}

int sinks_open(struct sinks *s, bool kernel_audit)
{
	s->audit_fd = s->json_fd = s->syslog_fd = -1;
	gethostname(s->hostname, sizeof(s->hostname) - 1);
	if (kernel_audit) {
		s->audit_fd = audit_open();
		if (s->audit_fd < 0)
			return nslsm_fail_errno(errno, "opening the kernel's audit socket");
	}
	if (s->json_path && json_open(s))
		return -1;
	return 0;
}

void sinks_close(struct sinks *s)
{
	if (s->audit_fd >= 0)
		audit_close(s->audit_fd);
	if (s->json_fd >= 0)
		close(s->json_fd);
	if (s->syslog_fd >= 0)
		close(s->syslog_fd);
}

/* FILE -> FILE.1 -> ... -> FILE.keep; the oldest goes. */
static void json_rotate(struct sinks *s)
{
	char from[600], to[600];

	close(s->json_fd);
	for (unsigned int i = s->json_keep; i > 0; i--) {
		snprintf(to, sizeof(to), "%s.%u", s->json_path, i);
		if (i == 1)
			snprintf(from, sizeof(from), "%s", s->json_path);
		else
			snprintf(from, sizeof(from), "%s.%u", s->json_path, i - 1);
		rename(from, to);
	}
	if (!s->json_keep)
		unlink(s->json_path);
	json_open(s);
}

static void json_send(struct sinks *s, const struct nslsm_log_entry *e, const char *record)
{
	char line[4096];
	struct stat st;
	int n;

	n = snprintf(line, sizeof(line),
		     "{\"host\":\"%s\",\"contid\":%" PRIu64 ",\"ns\":\"%s\",\"module\":\"%s\","
		     "\"record\":%s}\n",
		     s->hostname, (uint64_t)e->rec.contid, e->ns, audit_source_name(e->rec.source),
		     record);
	if (s->json_fd < 0 || n >= (int)sizeof(line) || write(s->json_fd, line, n) != n) {
		s->forward_failed++;
		return;
	}
	if (fstat(s->json_fd, &st) == 0 && (uint64_t)st.st_size >= s->json_max_bytes)
		json_rotate(s);
}

static int syslog_connect(struct sinks *s)
{
	char host[256], *port;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai, *a;
	int fd = -1;

	snprintf(host, sizeof(host), "%s", s->syslog_addr);
	port = strrchr(host, ':');
	if (!port)
		return -1;
	*port++ = 0;
	if (getaddrinfo(host, port, &hints, &ai))
		return -1;
	for (a = ai; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	return fd;
}

/* RFC 5424 over TCP with octet counting (RFC 6587). */
static void syslog_send(struct sinks *s, const struct nslsm_log_entry *e, const char *fields)
{
	/* facility authpriv (10); warning for denials, notice otherwise */
	int pri = 10 * 8 + (e->rec.action == NSLSM_AUDIT_DENIED ? 4 : 5);
	char msg[4096], frame[4200], ts[64];
	time_t secs = e->rec.time_ns / 1000000000;
	struct tm tm;
	int n, m;

	gmtime_r(&secs, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(msg, sizeof(msg), "<%d>1 %s.%03" PRIu64 "Z %s nslsm %d NSLSM - %s", pri, ts,
		     (uint64_t)(e->rec.time_ns / 1000000 % 1000), s->hostname, getpid(), fields);
	if (n >= (int)sizeof(msg))
		n = sizeof(msg) - 1;
	m = snprintf(frame, sizeof(frame), "%d %.*s", n, n, msg);
	for (int attempt = 0; attempt < 2; attempt++) {
		if (s->syslog_fd < 0)
			s->syslog_fd = syslog_connect(s);
		if (s->syslog_fd >= 0 && send(s->syslog_fd, frame, m, MSG_NOSIGNAL) == m)
			return;
		if (s->syslog_fd >= 0)
			close(s->syslog_fd);
		s->syslog_fd = -1;
	}
	s->forward_failed++;
}

void sinks_send(struct sinks *s, const struct nslsm_log_entry *e)
{
	char fields[2048], json[2048];

	if (audit_format_fields(e, fields, sizeof(fields)))
		return;
	if (s->audit_fd >= 0 &&
	    audit_log_user_message(s->audit_fd, AUDIT_USER_AVC, fields, NULL, NULL, NULL,
				   e->rec.action != NSLSM_AUDIT_DENIED) <= 0)
		s->forward_failed++;
	if (s->json_path && audit_format_json(e, json, sizeof(json)) == 0)
		json_send(s, e, json);
	if (s->syslog_addr)
		syslog_send(s, e, fields);
}
