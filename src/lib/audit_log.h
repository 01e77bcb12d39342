/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The audit log. BPF writes records to each namespace's queue; whoever runs
 * `nslsm audit` first drains them (under a lock) into an append-only log file,
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

/* rec.detail of a LOST record: why the records were dropped. rec.ns_id
 * (and ns) is the namespace whose records they were. */
#define NSLSM_LOST_QUEUE 0	/* the namespace's queue was full */
#define NSLSM_LOST_CONSUMER 1	/* nslsmd, for one consumer that fell behind */
#define NSLSM_LOST_RATE 2	/* over the namespace's audit.rate */

/* One record as logged. */
struct nslsm_log_entry {
	struct nslsm_audit_record rec;	/* rec.time_ns is CLOCK_REALTIME */
	char ns[NSLSM_NAME_MAX];
	char policy_ns[NSLSM_NAME_MAX];
	char target_ns[NSLSM_NAME_MAX];	/* records with a target */
	/* AppArmor records: the profile that decided (rec.label); admin
	 * records (NSLSM_SOURCE_ADMIN): the operation, "MODULE.OP", with
	 * target_ns the namespace asked for and rec.name the rule. */
	char profile[128];
	/* Network records: the containers whose tasks share rec.netns. */
	uint32_t n_netns_contids;
	uint32_t reserved;
	__u64 netns_contid[NSLSM_NETNS_CONTIDS];
};

struct nslsm_state;

/* $NSLSM_AUDIT_LOG, or the default. */
const char *audit_log_path(void);
/* Move every record from the queues into the log; returns records moved.
 * Each namespace's losses since the last drain become a LOST entry for it,
 * one per reason. */
int audit_drain(struct nslsm_state *st, const char *path);

/* The same, kept open (nslsmd): each entry is also passed to on_entry
 * after it is in the log. */
struct audit_drainer;
typedef void (*audit_entry_cb)(const struct nslsm_log_entry *e, void *arg);
struct audit_drainer *audit_drainer_open(struct nslsm_state *st, const char *path,
					 audit_entry_cb on_entry, void *arg);
/* Readable when a queue has records. */
int audit_drainer_fd(struct audit_drainer *d);
/* One turn: a batch from each namespace's queue, so that one namespace's
 * flood delays another's records by one turn at most; with `full`, every
 * record queued when it began. Returns records moved. */
int audit_drainer_run(struct audit_drainer *d, bool full);
void audit_drainer_close(struct audit_drainer *d);
/* One entry made in user space (nslsmd's NSLSM_SOURCE_ADMIN records) into
 * the log and to on_entry, now. */
int audit_drainer_append(struct audit_drainer *d, const struct nslsm_log_entry *e);
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
/* "queue_full", "consumer", "rate_limit" (NSLSM_LOST_*). */
const char *audit_lost_reason(unsigned int reason);
/* "yama", "nslsm" (self-protection), "boundary". */
const char *audit_source_name(unsigned int source);

#endif /* NSLSM_AUDIT_LOG_H */
