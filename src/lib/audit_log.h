/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The audit log. BPF writes records to a ring buffer; whoever runs
 * `nslsm audit` first drains it (under a lock) into an append-only log file,
 * resolving namespace names and turning boot time into wall-clock time.
 * Every reader then reads the log, so several readers and followers all see
 * every record, and records survive the process that drained them.
 */
#ifndef NSLSM_AUDIT_LOG_H
#define NSLSM_AUDIT_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/types.h>

#include "nslsm/abi.h"

#define NSLSM_AUDIT_LOG_DEFAULT "/var/log/nslsm/audit.log"
#define NSLSM_AUDIT_LOG_MAGIC "nslsm-audit-v4\n"
/* Container ids listed per network namespace in a record. */
#define NSLSM_NETNS_CONTIDS 8

/* rec.detail of a LOST record: who dropped the records. */
#define NSLSM_LOST_RINGBUF 0
#define NSLSM_LOST_CONSUMER 1

/* One record as logged. */
struct nslsm_log_entry {
	struct nslsm_audit_record rec;	/* rec.time_ns is CLOCK_REALTIME */
	char ns[NSLSM_NAME_MAX];
	char policy_ns[NSLSM_NAME_MAX];
	char target_ns[NSLSM_NAME_MAX];	/* records with a target */
	/* AppArmor records: the profile that decided (rec.label). */
	char profile[128];
	/* Network records: the containers whose tasks share rec.netns. */
	uint32_t n_netns_contids;
	uint32_t reserved;
	__u64 netns_contid[NSLSM_NETNS_CONTIDS];
};

struct nslsm_state;

/* $NSLSM_AUDIT_LOG, or the default. */
const char *audit_log_path(void);
/* Move every record from the ring buffer into the log; returns records
 * moved. Losses since the last drain become one LOST entry. */
int audit_drain(struct nslsm_state *st, const char *path);

/* The same, kept open (nslsmd): each entry is also passed to on_entry
 * after it is in the log. */
struct audit_drainer;
typedef void (*audit_entry_cb)(const struct nslsm_log_entry *e, void *arg);
struct audit_drainer *audit_drainer_open(struct nslsm_state *st, const char *path,
					 audit_entry_cb on_entry, void *arg);
/* Readable when the ring buffer has records. */
int audit_drainer_fd(struct audit_drainer *d);
int audit_drainer_run(struct audit_drainer *d);
void audit_drainer_close(struct audit_drainer *d);
/* Read entries after *offset; cb returns nonzero to stop. */
int audit_log_read(const char *path, off_t *offset,
		   int (*cb)(const struct nslsm_log_entry *e, void *arg), void *arg);

/* Audit-style text: type=NSLSM msg=audit(SECS.MS:SERIAL): nslsm="DENIED" ... */
int audit_format_text(const struct nslsm_log_entry *e, char *buf, size_t len);
/* The fields alone: nslsm="DENIED" ns="box" ... (for the kernel's audit). */
int audit_format_fields(const struct nslsm_log_entry *e, char *buf, size_t len);
/* One JSON object, no newline. */
int audit_format_json(const struct nslsm_log_entry *e, char *buf, size_t len);
/* "DENIED", "AUDIT", "ALLOWED" (complain), "LOST". */
const char *audit_action_name(unsigned int action);
/* "yama", "nslsm" (self-protection), "boundary". */
const char *audit_source_name(unsigned int source);

#endif /* NSLSM_AUDIT_LOG_H */
