// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include "audit_log.h"
#include "apparmor/policy.h"
#include "apparmor/store.h"
#include "error.h"
#include "hooks.h"
#include "module.h"
#include "ns.h"
#include "state.h"

const char *audit_log_path(void)
{
	const char *p = getenv("NSLSM_AUDIT_LOG");

	return p && *p ? p : NSLSM_AUDIT_LOG_DEFAULT;
}

const char *audit_action_name(unsigned int action)
{
	switch (action) {
	case NSLSM_AUDIT_DENIED:
		return "DENIED";
	case NSLSM_AUDIT_ALLOWED:
		return "AUDIT";
	case NSLSM_AUDIT_COMPLAIN:
		return "ALLOWED";
	case NSLSM_AUDIT_LOST:
		return "LOST";
	default:
		return "UNKNOWN";
	}
}

const char *audit_lost_reason(unsigned int reason)
{
	switch (reason) {
	case NSLSM_LOST_QUEUE:
		return "queue_full";
	case NSLSM_LOST_CONSUMER:
		return "consumer";
	case NSLSM_LOST_RATE:
		return "rate_limit";
	default:
		return "unknown";
	}
}

const char *audit_source_name(unsigned int source)
{
	const struct nslsm_module *m;

	if (source == NSLSM_SOURCE_SELF)
		return "nslsm";
	if (source == NSLSM_SOURCE_AUDIT)
		return "audit";
	if (source == NSLSM_SOURCE_BOUNDARY)
		return "boundary";
	if (source == NSLSM_SOURCE_ADMIN)
		return "admin";
	m = module_by_id(source);
	return m ? m->name : "unknown";
}

/* --- formatting: one list of fields, written as text or as JSON --- */

struct out {
	char *buf;
	size_t len, off;
	bool json;
	int fields;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->off, o->off < o->len ? o->len - o->off : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->off += n;
}

static void key(struct out *o, const char *k)
{
	if (o->json)
		put(o, "%s\"%s\":", o->fields++ ? "," : "", k);
	else
		put(o, "%s%s=", o->fields++ ? " " : "", k);
}

/*
 * Strings from the task (comm, names) are untrusted. Text: quoted when
 * plain, else hex like the kernel's audit_log_untrustedstring. JSON:
 * escaped.
 */
static void f_str(struct out *o, const char *k, const char *v, size_t max)
{
	size_t n = strnlen(v, max);
	bool plain = true;

	key(o, k);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] <= 0x20 || (unsigned char)v[i] >= 0x7f || v[i] == '"')
			plain = false;
	if (o->json) {
		put(o, "\"");
		for (size_t i = 0; i < n; i++) {
			unsigned char c = v[i];

			if (c == '"' || c == '\\')
				put(o, "\\%c", c);
			else if (c < 0x20 || c >= 0x7f)
				put(o, "\\u%04x", c);
			else
				put(o, "%c", c);
		}
		put(o, "\"");
	} else if (plain) {
		put(o, "\"%.*s\"", (int)n, v);
	} else {
		for (size_t i = 0; i < n; i++)
			put(o, "%02X", (unsigned char)v[i]);
	}
}

/* A string nslsm itself made (no quote, no control character): always
 * quoted, spaces and all, as AppArmor writes its mount flags. */
static void f_own(struct out *o, const char *k, const char *v)
{
	key(o, k);
	put(o, "\"%s\"", v);
}

static void f_u64(struct out *o, const char *k, uint64_t v)
{
	key(o, k);
	put(o, "%" PRIu64, v);
}

/* A list of ids: text 42,7 ; JSON [42,7]. */
static void f_ids(struct out *o, const char *k, const __u64 *ids, uint32_t n)
{
	key(o, k);
	put(o, o->json ? "[" : "");
	for (uint32_t i = 0; i < n; i++)
		put(o, "%s%" PRIu64, i ? "," : "", (uint64_t)ids[i]);
	put(o, o->json ? "]" : "");
}

static void f_s64(struct out *o, const char *k, int64_t v)
{
	key(o, k);
	put(o, "%" PRId64, v);
}

static void ptrace_mode(char *buf, size_t len, uint32_t mode)
{
	static const struct { uint32_t bit; const char *name; } bits[] = {
		{ 0x01, "read" }, { 0x02, "attach" }, { 0x04, "noaudit" },
		{ 0x08, "fscreds" }, { 0x10, "realcreds" },
	};
	size_t off = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (mode & bits[i].bit)
			off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
					off ? "," : "", bits[i].name);
}

/* connect/bind: the address, and who shares the network namespace. */
static void net_fields(struct out *o, const struct nslsm_log_entry *e)
{
	const struct nslsm_audit_record *r = &e->rec;
	char addr[INET6_ADDRSTRLEN] = "";

	switch (r->request) {
	case AF_INET:
	case AF_INET6:
		f_str(o, "family", r->request == AF_INET ? "inet" : "inet6", 8);
		inet_ntop(r->request, r->name, addr, sizeof(addr));
		f_str(o, "laddr", addr, sizeof(addr));
		f_u64(o, "lport", r->detail);
		break;
	case AF_UNIX:
		f_str(o, "family", "unix", 8);
		if (r->name[0])
			f_str(o, "path", r->name, sizeof(r->name));
		break;
	default:
		f_u64(o, "family", r->request);
	}
	f_u64(o, "netns", r->netns);
	f_ids(o, "netns_contids", e->netns_contid,
	      e->n_netns_contids < NSLSM_NETNS_CONTIDS ? e->n_netns_contids : NSLSM_NETNS_CONTIDS);
}

static bool is_net_hook(unsigned int hook)
{
	return hook == NSLSM_HOOK_socket_connect || hook == NSLSM_HOOK_socket_bind;
}

/* The operation: the hook's, or which AppArmor change a prctl asked for
 * (its nslsm_prctl_op in ouid). */
static const char *operation_name(const struct nslsm_audit_record *r)
{
	static const char *const change[] = { "prctl", "change_profile", "change_onexec",
					      "change_hat" };

	if (r->source == NSLSM_MOD_APPARMOR && r->hook == NSLSM_HOOK_task_prctl && r->ouid < 4)
		return change[r->ouid];
	return hook_operation(r->hook);
}

/* Hooks whose object is another task (AppArmor names it the peer). */
static bool is_task_hook(unsigned int hook)
{
	return hook == NSLSM_HOOK_task_kill || hook == NSLSM_HOOK_ptrace_access_check ||
	       hook == NSLSM_HOOK_ptrace_traceme;
}

/* Fields that depend on the hook. */
static void hook_fields(struct out *o, const struct nslsm_log_entry *e)
{
	const struct nslsm_audit_record *r = &e->rec;
	char mode[64];

	if (is_net_hook(r->hook)) {
		net_fields(o, e);
		return;
	}
	switch (r->hook) {
	case NSLSM_HOOK_ptrace_access_check:
		ptrace_mode(mode, sizeof(mode), r->request);
		f_str(o, "requested", mode, sizeof(mode));
		break;
	case NSLSM_HOOK_ptrace_traceme:
		f_str(o, "requested", "traceme", 8);
		break;
	case NSLSM_HOOK_task_kill:
		f_u64(o, "signal", r->request);
		break;
	case NSLSM_HOOK_bpf:
		f_u64(o, "bpf_cmd", r->request);
		break;
	case NSLSM_HOOK_kernel_read_file:
	case NSLSM_HOOK_kernel_load_data:
		f_u64(o, "file_id", r->request);
		break;
	case NSLSM_HOOK_sb_umount:
		f_u64(o, "flags", r->request);
		break;
	default:
		if (r->request)
			f_u64(o, "request", r->request);
	}
	if (r->source == NSLSM_MOD_YAMA)
		f_u64(o, "ptrace_scope", r->detail);
}

static const char *const cap_names[] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid",
	"setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast",
	"net_admin", "net_raw", "ipc_lock", "ipc_owner", "sys_module", "sys_rawio",
	"sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
	"sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write",
	"audit_control", "setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
	"block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};

/* Mount flags as AppArmor writes them: "rw, nosuid, bind"... */
static void aa_mount_flags_str(uint32_t f, char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *name, *rec;	/* rec: the name with MS_REC */
	} names[] = {
		{ 0x2, "nosuid", NULL },	 { 0x4, "nodev", NULL },
		{ 0x8, "noexec", NULL },	 { 0x10, "sync", NULL },
		{ 0x20, "remount", NULL },	 { 0x40, "mand", NULL },
		{ 0x80, "dirsync", NULL },	 { 0x100, "nosymfollow", NULL },
		{ 0x400, "noatime", NULL },	 { 0x800, "nodiratime", NULL },
		{ 0x1000, "bind", "rbind" },	 { 0x2000, "move", NULL },
		{ 0x8000, "silent", NULL },	 { 1u << 16, "acl", NULL },
		{ 1u << 17, "unbindable", "runbindable" },
		{ 1u << 18, "private", "rprivate" },
		{ 1u << 19, "slave", "rslave" },
		{ 1u << 20, "shared", "rshared" },
		{ 1u << 21, "relatime", NULL },	 { 1u << 23, "iversion", NULL },
		{ 1u << 24, "strictatime", NULL }, { 1u << 31, "nouser", NULL },
	};
	size_t off = (size_t)snprintf(buf, len, "%s", f & 1 ? "ro" : "rw");

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && off < len; i++)
		if (f & names[i].bit)
			off += (size_t)snprintf(buf + off, len - off, ", %s",
						(f & 0x4000) && names[i].rec ? names[i].rec
									     : names[i].name);
}

/* AppArmor's own field names, so its tools can read the records. */
static void apparmor_fields(struct out *o, const struct nslsm_log_entry *e)
{
	const struct nslsm_audit_record *r = &e->rec;
	char mask[40];

	f_str(o, "apparmor", r->action == NSLSM_AUDIT_DENIED    ? "DENIED"
			     : r->action == NSLSM_AUDIT_COMPLAIN ? "ALLOWED"
								 : "AUDIT", 16);
	f_str(o, "profile", e->profile, sizeof(e->profile));
	switch (r->hook) {
	case NSLSM_HOOK_capable:
		f_u64(o, "capability", r->ouid);
		f_str(o, "capname", r->ouid < sizeof(cap_names) / sizeof(cap_names[0])
					    ? cap_names[r->ouid] : "?", 24);
		return;
	case NSLSM_HOOK_socket_create:
	case NSLSM_HOOK_socket_bind:
	case NSLSM_HOOK_socket_connect:
	case NSLSM_HOOK_socket_listen:
	case NSLSM_HOOK_socket_accept:
	case NSLSM_HOOK_socket_sendmsg:
	case NSLSM_HOOK_socket_recvmsg:
	case NSLSM_HOOK_socket_getsockname:
	case NSLSM_HOOK_socket_getpeername:
	case NSLSM_HOOK_socket_getsockopt:
	case NSLSM_HOOK_socket_setsockopt:
	case NSLSM_HOOK_socket_shutdown:
		f_u64(o, "family", r->ouid >> 16);
		f_u64(o, "sock_type", r->ouid & 0xffff);
		return;
	case NSLSM_HOOK_ptrace_access_check:
	case NSLSM_HOOK_ptrace_traceme:
		aa_ptrace_mask_str(r->request, mask, sizeof(mask));
		f_str(o, "requested_mask", mask, sizeof(mask));
		if (r->action != NSLSM_AUDIT_ALLOWED) {
			aa_ptrace_mask_str(r->detail, mask, sizeof(mask));
			f_str(o, "denied_mask", mask, sizeof(mask));
		}
		return;
	case NSLSM_HOOK_task_kill:
		f_str(o, "requested_mask", r->request & 0x4 ? "receive" : "send", 8);
		return;
	case NSLSM_HOOK_task_prctl:
		f_str(o, "target", r->name, sizeof(r->name));
		return;
	case NSLSM_HOOK_sb_mount:
	case NSLSM_HOOK_move_mount:
	case NSLSM_HOOK_sb_pivotroot:
	case NSLSM_HOOK_sb_umount: {
		/* the name holds the mount point, then the source and the type
		 * at fixed offsets (bpf/apparmor/apparmor.h AA_MNT_PACK_*) */
		char flags[256];

		if (r->name[144])
			f_str(o, "srcname", r->name + 144, 80);
		if (r->name[224])
			f_str(o, "fstype", r->name + 224, 31);
		if (r->hook == NSLSM_HOOK_sb_mount || r->hook == NSLSM_HOOK_move_mount) {
			aa_mount_flags_str(r->ouid, flags, sizeof(flags));
			f_own(o, "flags", flags);
		}
		return;
	}
	}
	aa_perm_mask_str(r->request, mask, sizeof(mask));
	f_str(o, "requested_mask", mask, sizeof(mask));
	if (r->action != NSLSM_AUDIT_ALLOWED) {
		aa_perm_mask_str(r->detail, mask, sizeof(mask));
		f_str(o, "denied_mask", mask, sizeof(mask));
	}
	f_u64(o, "fsuid", r->uid);
	f_u64(o, "ouid", r->ouid);
}

/* A request nslsmd refused (NSLSM_SOURCE_ADMIN): who asked what of which
 * namespace, and the rule that refused it. */
static void admin_fields(struct out *o, const struct nslsm_log_entry *e)
{
	const struct nslsm_audit_record *r = &e->rec;

	f_u64(o, "contid", r->contid);
	f_str(o, "module", "admin", 8);
	f_str(o, "operation", e->profile, sizeof(e->profile));
	f_str(o, "target_ns", e->target_ns, sizeof(e->target_ns));
	f_str(o, "rule", r->name, sizeof(r->name));
	f_u64(o, "pid", r->pid);
	f_u64(o, "uid", r->uid);
	f_s64(o, "error", r->error);
}

static void entry_fields(struct out *o, const struct nslsm_log_entry *e)
{
	const struct nslsm_audit_record *r = &e->rec;
	const char *hook = hook_name(r->hook);

	if (r->action == NSLSM_AUDIT_LOST) {
		f_u64(o, "lost", r->request);
		if (e->ns[0])
			f_str(o, "ns", e->ns, sizeof(e->ns));
		f_str(o, "reason", audit_lost_reason(r->detail), 16);
		return;
	}
	f_str(o, "nslsm", audit_action_name(r->action), 16);
	f_str(o, "ns", e->ns, sizeof(e->ns));
	if (r->source == NSLSM_SOURCE_ADMIN) {
		admin_fields(o, e);
		return;
	}
	f_u64(o, "contid", r->contid);
	if (r->n_parent_contids)
		f_ids(o, "parent_contids", r->parent_contid,
		      r->n_parent_contids < NSLSM_MAX_CONTIDS ? r->n_parent_contids
							 : NSLSM_MAX_CONTIDS - 1);
	f_str(o, "module", audit_source_name(r->source), 32);
	f_str(o, "operation", operation_name(r), 32);
	f_str(o, "hook", hook ? hook : "unknown", 32);
	f_str(o, "policy_ns", e->policy_ns, sizeof(e->policy_ns));
	if (r->source == NSLSM_MOD_APPARMOR)
		apparmor_fields(o, e);
	else
		hook_fields(o, e);
	if (r->name[0] && !is_net_hook(r->hook))
		f_str(o, r->source == NSLSM_MOD_APPARMOR && is_task_hook(r->hook) ? "peer" : "name",
		      r->name, sizeof(r->name));
	f_u64(o, "pid", r->pid);
	f_u64(o, "tid", r->tid);
	f_u64(o, "uid", r->uid);
	f_str(o, "comm", r->comm, sizeof(r->comm));
	if (r->target_pid) {
		f_u64(o, "target_pid", r->target_pid);
		f_str(o, "target_comm", r->target_comm, sizeof(r->target_comm));
		f_str(o, "target_ns", e->target_ns, sizeof(e->target_ns));
	}
	f_s64(o, "error", r->error);
	if (r->repeated)
		f_u64(o, "repeated", r->repeated);
}

int audit_format_fields(const struct nslsm_log_entry *e, char *buf, size_t len)
{
	struct out o = { buf, len, 0, false, 0 };

	buf[0] = 0;
	entry_fields(&o, e);
	return o.off < len ? 0 : nslsm_fail("audit record too long to format");
}

int audit_format_text(const struct nslsm_log_entry *e, char *buf, size_t len)
{
	struct out o = { buf, len, 0, false, 0 };
	uint64_t t = e->rec.time_ns;

	buf[0] = 0;
	put(&o, "type=%s msg=audit(%" PRIu64 ".%03" PRIu64 ":%" PRIu64 "): ",
	    e->rec.action == NSLSM_AUDIT_LOST ? "NSLSM_LOST" : "NSLSM", t / 1000000000,
	    t / 1000000 % 1000, (uint64_t)e->rec.serial);
	entry_fields(&o, e);
	return o.off < len ? 0 : nslsm_fail("audit record too long to format");
}

int audit_format_json(const struct nslsm_log_entry *e, char *buf, size_t len)
{
	struct out o = { buf, len, 0, true, 0 };
	uint64_t t = e->rec.time_ns;

	buf[0] = 0;
	put(&o, "{");
	key(&o, "time");
	put(&o, "%" PRIu64 ".%03" PRIu64, t / 1000000000, t / 1000000 % 1000);
	f_u64(&o, "serial", e->rec.serial);
	if (e->rec.action == NSLSM_AUDIT_LOST)
		f_str(&o, "nslsm", "LOST", 8);
	entry_fields(&o, e);
	put(&o, "}");
	return o.off < len ? 0 : nslsm_fail("audit record too long to format");
}

/* --- draining the ring buffer into the log --- */

/* network namespace -> container ids of the tasks in it, built once per run. */
struct netns_map {
	bool built;
	uint32_t n;
	struct {
		uint32_t netns;
		uint64_t contid;
	} e[1024];
};

/*
 * One namespace's queue, mapped for reading in the layout of a BPF ring
 * buffer: the consumer's position on a page of its own (ours to write),
 * then the producer's position, then the data, mapped twice so that a
 * record never wraps.
 */
struct queue {
	uint32_t ns_id;
	int fd;
	unsigned long *consumer;
	const unsigned long *producer;
	const uint8_t *data;
	size_t size;		/* data bytes, a power of two */
	unsigned long stop;	/* a full drain stops here (the producer when it began) */
};

struct audit_drainer {
	struct nslsm_state *st;
	int epfd;		/* readable when a queue has records */
	uint64_t queues_gen;	/* config.audit_queues_gen of the open queues */
	struct queue *queues;
	unsigned int n_queues;
	int fd;			/* the log, O_APPEND */
	char path[512];
	audit_entry_cb on_entry;
	void *arg;
	int64_t boot_to_real;	/* add to CLOCK_BOOTTIME ns for CLOCK_REALTIME */
	int moved;
	int err;
	struct netns_map netns;
	/* AppArmor profile names, mapped when first needed. */
	struct aa_pools aa;
	bool aa_open, aa_ok;
	/* Entries are written to the log in batches of this many. */
	struct nslsm_log_entry batch[128];
	unsigned int batched;
};

static void ns_name(struct nslsm_state *st, uint32_t id, char *out)
{
	if (id < NSLSM_MAX_NS && ns_in_use(&st->ns[id]))
		memcpy(out, st->ns[id].name, NSLSM_NAME_MAX);
	else
		snprintf(out, NSLSM_NAME_MAX, "#%u", id);
	out[NSLSM_NAME_MAX - 1] = 0;
}

static int flush_batch(struct audit_drainer *d)
{
	ssize_t len = d->batched * sizeof(d->batch[0]);

	if (d->batched && write(d->fd, d->batch, len) != len) {
		d->err = errno ? errno : EIO;
		return -1;
	}
	for (unsigned int i = 0; d->on_entry && i < d->batched; i++)
		d->on_entry(&d->batch[i], d->arg);
	d->moved += d->batched;
	d->batched = 0;
	return 0;
}

static int write_entry(struct audit_drainer *d, const struct nslsm_log_entry *e)
{
	d->batch[d->batched++] = *e;
	if (d->batched == sizeof(d->batch) / sizeof(d->batch[0]))
		return flush_batch(d);
	return 0;
}

int audit_drainer_append(struct audit_drainer *d, const struct nslsm_log_entry *e)
{
	if (write_entry(d, e) || flush_batch(d))
		return nslsm_fail_errno(d->err, "writing to %s", d->path);
	return 0;
}

static int netns_add(pid_t pid, const struct nslsm_task_blob *b, void *arg)
{
	struct netns_map *m = arg;
	char path[64];
	struct stat st;
	uint64_t id;

	if (!(b->flags & NSLSM_TASK_ENROLLED) || !b->n_contids || b->n_contids > NSLSM_MAX_CONTIDS)
		return 0;
	id = b->contid[b->n_contids - 1];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	if (stat(path, &st) < 0)
		return 0;
	for (uint32_t i = 0; i < m->n; i++)
		if (m->e[i].netns == st.st_ino && m->e[i].contid == id)
			return 0;
	if (m->n < sizeof(m->e) / sizeof(m->e[0])) {
		m->e[m->n].netns = st.st_ino;
		m->e[m->n++].contid = id;
	}
	return 0;
}

static void netns_contids(struct audit_drainer *d, struct nslsm_log_entry *e)
{
	struct netns_map *m = &d->netns;

	if (!m->built) {
		m->built = true;
		tasks_scan(d->st, netns_add, m);
	}
	/* The task itself was in that namespace, even if it is gone now. */
	if (e->rec.contid)
		e->netns_contid[e->n_netns_contids++] = e->rec.contid;
	for (uint32_t i = 0; i < m->n && e->n_netns_contids < NSLSM_NETNS_CONTIDS; i++)
		if (m->e[i].netns == e->rec.netns && m->e[i].contid != e->rec.contid)
			e->netns_contid[e->n_netns_contids++] = m->e[i].contid;
}

/* The name of AppArmor profile slot `id`, read from the pinned maps. */
static void aa_profile_name(struct audit_drainer *d, uint32_t id, char *buf, size_t len)
{
	snprintf(buf, len, "?");
	if (!d->aa_open) {
		d->aa_open = true;
		d->aa_ok = aa_pools_open(&d->aa) == 0;
		nslsm_error_clear();
	}
	if (d->aa_ok && id && id < NSLSM_AA_MAX_PROFILES)
		snprintf(buf, len, "%.*s", NSLSM_AA_NAME_MAX, d->aa.profiles[id].name);
}

static int on_record(struct audit_drainer *d, const void *data, size_t size)
{
	struct nslsm_log_entry e = {};

	if (size < sizeof(e.rec))
		return 0;
	memcpy(&e.rec, data, sizeof(e.rec));
	e.rec.time_ns += d->boot_to_real;
	ns_name(d->st, e.rec.ns_id, e.ns);
	ns_name(d->st, e.rec.policy_ns_id, e.policy_ns);
	ns_name(d->st, e.rec.target_ns_id, e.target_ns);
	if (is_net_hook(e.rec.hook))
		netns_contids(d, &e);
	if (e.rec.source == NSLSM_MOD_APPARMOR)
		aa_profile_name(d, e.rec.label, e.profile, sizeof(e.profile));
	return write_entry(d, &e);
}

static int64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int open_log(const char *path)
{
	char dir[512], *slash;
	struct stat st;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return nslsm_fail_errno(errno, "creating audit log directory %s", dir);
	}
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return nslsm_fail_errno(errno, "opening audit log %s", path);
	if (flock(fd, LOCK_EX) < 0 || fstat(fd, &st) < 0) {
		close(fd);
		return nslsm_fail_errno(errno, "locking audit log %s", path);
	}
	if (st.st_size == 0 &&
	    write(fd, NSLSM_AUDIT_LOG_MAGIC, sizeof(NSLSM_AUDIT_LOG_MAGIC) - 1) !=
		    sizeof(NSLSM_AUDIT_LOG_MAGIC) - 1) {
		close(fd);
		return nslsm_fail_errno(errno, "writing audit log %s", path);
	}
	flock(fd, LOCK_UN);
	return fd;
}

/* --- the queues --- */

static void queue_unmap(struct queue *q)
{
	long page = sysconf(_SC_PAGESIZE);

	if (q->consumer)
		munmap(q->consumer, page);
	if (q->producer)
		munmap((void *)q->producer, page + 2 * q->size);
	if (q->fd >= 0)
		close(q->fd);
	q->consumer = NULL;
	q->producer = NULL;
	q->fd = -1;
}

/* Namespace id's queue, or 0 if it has none (q->fd stays -1). */
static int queue_map(struct audit_drainer *d, uint32_t id, struct queue *q)
{
	struct bpf_map_info info = {};
	uint32_t len = sizeof(info), map_id;
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	*q = (struct queue){ .ns_id = id, .fd = -1 };
	if (bpf_map_lookup_elem(d->st->audit_queues_fd, &id, &map_id) < 0)
		return errno == ENOENT ? 0 : nslsm_fail_errno(errno, "reading the audit queue map");
	q->fd = bpf_map_get_fd_by_id(map_id);
	if (q->fd < 0) {
		q->fd = -1;
		/* removed since we looked */
		return errno == ENOENT ? 0 : nslsm_fail_errno(errno, "opening audit queue %u", id);
	}
	if (bpf_obj_get_info_by_fd(q->fd, &info, &len) < 0)
		return nslsm_fail_errno(errno, "reading audit queue %u", id);
	q->size = info.max_entries;
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, q->fd, 0);
	if (p == MAP_FAILED)
		return nslsm_fail_errno(errno, "mapping audit queue %u", id);
	q->consumer = p;
	p = mmap(NULL, page + 2 * q->size, PROT_READ, MAP_SHARED, q->fd, page);
	if (p == MAP_FAILED)
		return nslsm_fail_errno(errno, "mapping audit queue %u", id);
	q->producer = p;
	q->data = (const uint8_t *)p + page;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, q->fd,
		      &(struct epoll_event){ .events = EPOLLIN, .data.u32 = id }) < 0)
		return nslsm_fail_errno(errno, "watching audit queue %u", id);
	return 0;
}

static void queues_close(struct audit_drainer *d)
{
	for (unsigned int i = 0; i < d->n_queues; i++)
		queue_unmap(&d->queues[i]);
	free(d->queues);
	d->queues = NULL;
	d->n_queues = 0;
}

/* The queue of every namespace, as the queue map holds them now. */
static int queues_open(struct audit_drainer *d)
{
	struct nslsm_config cfg;

	if (state_get_config(d->st, &cfg))
		return -1;
	d->queues_gen = cfg.audit_queues_gen;
	d->queues = calloc(NSLSM_MAX_NS, sizeof(*d->queues));
	if (!d->queues)
		return nslsm_fail("out of memory");
	for (uint32_t id = 0; id < NSLSM_MAX_NS; id++) {
		struct queue *q = &d->queues[d->n_queues];

		if (!ns_in_use(&d->st->ns[id]))
			continue;
		if (queue_map(d, id, q)) {
			queue_unmap(q);
			return -1;
		}
		if (q->fd >= 0)
			d->n_queues++;
	}
	return 0;
}

/*
 * Up to `budget` records of q, none past q->stop if `full`. Returns -1 on
 * an error, else whether records are left.
 */
static int queue_consume(struct audit_drainer *d, struct queue *q, unsigned int budget, bool full)
{
	unsigned long cons = __atomic_load_n(q->consumer, __ATOMIC_ACQUIRE);
	unsigned long prod = __atomic_load_n(q->producer, __ATOMIC_ACQUIRE);

	if (full && prod > q->stop)
		prod = q->stop;
	for (; cons < prod && budget; budget--) {
		const uint32_t *hdr = (const uint32_t *)(q->data + (cons & (q->size - 1)));
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);

		if (len & BPF_RINGBUF_BUSY_BIT)
			break;	/* still being written: next turn */
		if (!(len & BPF_RINGBUF_DISCARD_BIT) && on_record(d, hdr + 2, len))
			return -1;
		len &= ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
		cons += (len + BPF_RINGBUF_HDR_SZ + 7) & ~7u;
		__atomic_store_n(q->consumer, cons, __ATOMIC_RELEASE);
	}
	return cons < prod;
}

/* Records per queue per turn: a namespace that floods its queue cannot
 * keep the drain from the other queues for longer than this. */
#define QUEUE_BATCH 256

/* One turn over every queue; with `full`, turns until each is drained up
 * to where its producer was when we began. */
static int queues_drain(struct audit_drainer *d, bool full)
{
	bool left = true;

	for (unsigned int i = 0; full && i < d->n_queues; i++)
		d->queues[i].stop = __atomic_load_n(d->queues[i].producer, __ATOMIC_ACQUIRE);
	while (left) {
		left = false;
		for (unsigned int i = 0; i < d->n_queues; i++) {
			int rc = queue_consume(d, &d->queues[i], QUEUE_BATCH, full);

			if (rc < 0)
				return -1;
			left |= rc;
		}
		if (!full)
			break;
	}
	return 0;
}

/* The repeats counted in q's namespace's windows that are over. */
static int coalesced_flush(struct audit_drainer *d, const struct queue *q)
{
	struct nslsm_audit_coalesce *c = d->st->audit_ns[q->ns_id].window;
	uint64_t now = now_ns(CLOCK_BOOTTIME);

	for (int i = 0; i < NSLSM_AUDIT_COALESCE_SLOTS; i++, c++) {
		struct nslsm_audit_record rec;

		if (!__atomic_load_n(&c->repeats, __ATOMIC_RELAXED) ||
		    now < __atomic_load_n(&c->window_end, __ATOMIC_ACQUIRE))
			continue;
		rec = c->rec;
		rec.repeated = __atomic_exchange_n(&c->repeats, 0, __ATOMIC_ACQ_REL);
		rec.time_ns = now;
		if (rec.repeated && on_record(d, &rec, sizeof(rec)))
			return -1;
	}
	return 0;
}

/* A LOST entry for what `counter` has lost since `reported`. */
static int report_loss(struct audit_drainer *d, uint32_t id, uint64_t counter,
		       __u64 *reported, uint32_t reason)
{
	struct nslsm_log_entry e = {};

	if (counter <= *reported)
		return 0;
	e.rec.action = NSLSM_AUDIT_LOST;
	e.rec.ns_id = id;
	e.rec.request = counter - *reported;
	e.rec.detail = reason;
	e.rec.time_ns = now_ns(CLOCK_REALTIME);
	ns_name(d->st, id, e.ns);
	if (write_entry(d, &e))
		return -1;
	*reported = counter;
	return 0;
}

struct audit_drainer *audit_drainer_open(struct nslsm_state *st, const char *path,
					 audit_entry_cb on_entry, void *arg)
{
	struct audit_drainer *d = calloc(1, sizeof(*d));

	if (!d) {
		nslsm_fail("out of memory");
		return NULL;
	}
	d->st = st;
	d->on_entry = on_entry;
	d->arg = arg;
	snprintf(d->path, sizeof(d->path), "%s", path);
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	d->fd = open_log(path);
	if (d->fd < 0 || d->epfd < 0) {
		if (d->epfd < 0)
			nslsm_fail_errno(errno, "epoll");
		audit_drainer_close(d);
		return NULL;
	}
	if (queues_open(d)) {
		audit_drainer_close(d);
		return NULL;
	}
	return d;
}

int audit_drainer_fd(struct audit_drainer *d)
{
	return d->epfd;
}

void audit_drainer_close(struct audit_drainer *d)
{
	if (!d)
		return;
	queues_close(d);
	if (d->fd >= 0)
		close(d->fd);
	if (d->epfd >= 0)
		close(d->epfd);
	if (d->aa_ok)
		aa_pools_close(&d->aa);
	free(d);
}

int audit_drainer_run(struct audit_drainer *d, bool full)
{
	struct nslsm_config cfg;
	int rc = -1;

	d->moved = 0;
	d->err = 0;
	d->netns.built = false;
	d->netns.n = 0;
	d->boot_to_real = now_ns(CLOCK_REALTIME) - now_ns(CLOCK_BOOTTIME);
	/* One drainer at a time: records stay in queue order in the log. */
	if (flock(d->fd, LOCK_EX) < 0)
		return nslsm_fail_errno(errno, "locking audit log %s", d->path);
	if (state_get_config(d->st, &cfg))
		goto out;
	if (cfg.audit_queues_gen != d->queues_gen) {
		/* a queue was made, replaced or removed: what the old ones
		 * hold first, then the queues as they are now */
		if (queues_drain(d, true) && !d->err)
			goto out;
		queues_close(d);
		if (queues_open(d))
			goto out;
	}
	if (queues_drain(d, full) && !d->err)
		goto out;
	flush_batch(d);
	if (d->err)
		goto write_failed;
	/* Losses are reported after the records that made it. */
	for (unsigned int i = 0; i < d->n_queues; i++) {
		uint32_t id = d->queues[i].ns_id;
		struct nslsm_audit_ns *an = &d->st->audit_ns[id];

		if (coalesced_flush(d, &d->queues[i]) ||
		    report_loss(d, id, an->lost_queue, &an->reported_queue, NSLSM_LOST_QUEUE) ||
		    report_loss(d, id, an->lost_rate, &an->reported_rate, NSLSM_LOST_RATE))
			goto write_failed;
	}
	if (flush_batch(d))
		goto write_failed;
	rc = d->moved;
	goto out;
write_failed:
	nslsm_fail_errno(d->err, "writing audit log %s", d->path);
out:
	d->batched = 0;
	flock(d->fd, LOCK_UN);
	return rc;
}

int audit_drain(struct nslsm_state *st, const char *path)
{
	struct audit_drainer *d = audit_drainer_open(st, path, NULL, NULL);
	int rc;

	if (!d)
		return -1;
	rc = audit_drainer_run(d, true);
	audit_drainer_close(d);
	return rc;
}

int audit_log_read(const char *path, off_t *offset,
		   int (*cb)(const struct nslsm_log_entry *e, void *arg), void *arg)
{
	const off_t header = sizeof(NSLSM_AUDIT_LOG_MAGIC) - 1;
	struct nslsm_log_entry e;
	char magic[sizeof(NSLSM_AUDIT_LOG_MAGIC)];
	int fd, rc = 0;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return nslsm_fail_errno(errno, "opening audit log %s", path);
	}
	n = pread(fd, magic, header, 0);
	if (n == 0)
		goto out;
	if (n != header || memcmp(magic, NSLSM_AUDIT_LOG_MAGIC, header)) {
		rc = nslsm_fail("%s is not an nslsm audit log", path);
		goto out;
	}
	if (*offset < header)
		*offset = header;
	while ((n = pread(fd, &e, sizeof(e), *offset)) == (ssize_t)sizeof(e)) {
		*offset += sizeof(e);
		rc = cb(&e, arg);
		if (rc)
			break;
	}
	if (n < 0)
		rc = nslsm_fail_errno(errno, "reading audit log %s", path);
out:
	close(fd);
	return rc;
}
