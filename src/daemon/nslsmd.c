// SPDX-License-Identifier: GPL-2.0
/*
 * nslsmd: nslsm's audit daemon.
 *
 * Drains every namespace's audit queue into the host's log (as
 * `nslsm audit` does), a batch from each queue per turn so that a
 * namespace that floods delays no other's records, forwards records to the configured sinks, and serves
 * consumers on a Unix socket: `nslsm audit --follow [--ns NS]` subscribes to
 * a namespace and receives the records of that namespace and its
 * descendants which that namespace's rules select. Consumers read from one
 * bounded history of the last HISTORY records, each at its own position: a
 * consumer that falls more than HISTORY records behind loses the oldest
 * (counted, and reported to it as a LOST record) but never slows
 * enforcement, the drain or the other consumers. The same socket lets a delegated namespace admin
 * give container ids to the containers it starts (nslsm contid set), and
 * carries administration from inside a namespace (ADMIN requests: policy
 * loads, child namespaces, settings, status), judged by delegate.h's rules.
 *
 * A request is judged by who connected, as the kernel recorded it at the
 * connect (bpf/core/peer.h): that process's namespace, container ids,
 * capabilities and parent then, never whatever process holds the socket or
 * the connecting pid now. A connection without that record gets nothing.
 *
 * Enforcement does not depend on nslsmd: if it dies, records wait in the
 * ring buffer (or are counted as lost) until somebody drains again.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "daemon/client.h"
#include "daemon/delegate.h"
#include "lib/admin.h"
#include "lib/audit_log.h"
#include "lib/audit_rules.h"
#include "lib/error.h"
#include "lib/ns.h"
#include "lib/parse.h"
#include "lib/state.h"
#include "sinks.h"

/* Records a consumer may lag behind (--history): by default more than the
 * host's audit queue holds, so one drain never overruns a consumer that
 * keeps reading. */
#define HISTORY_DEFAULT 16384
static uint64_t HISTORY = HISTORY_DEFAULT;
#define MAX_CLIENTS 256
/* A request line: ADMIN's arguments make the longest. */
#define LINE_MAX_LEN 4096

struct client {
	int fd;
	/* Who connected (bpf/core/peer.h), fixed for the connection's life;
	 * identified false: nobody can say, and every request is refused. */
	struct nslsm_peer peer;
	bool identified;
	uid_t uid;		/* SO_PEERCRED: the connecting euid, at connect */
	/* The name of the peer's namespace at accept: a slot deleted and
	 * reused since is not the namespace it connected from. */
	char peer_ns_name[NSLSM_NAME_MAX];
	bool subscribed, json;
	bool dead;		/* to be freed by the event loop */
	uint32_t ns_id;
	char in[LINE_MAX_LEN];
	size_t in_len;
	/* An ADMIN request waiting for its payload: its line and the bytes. */
	char *pending;
	char *payload;
	size_t payload_len, payload_got;
	/* A reply too long for out (ADMIN's), sent after out. */
	char *big;
	size_t big_len, big_sent;
	uint64_t next;		/* sequence number of the next record to send */
	char out[16384];	/* the line being written, or replies */
	size_t out_len, out_sent;
	bool writable_wanted;
	uint64_t delivered, lost, lost_unreported;
};

/* The last HISTORY records, shared by all consumers. */
static struct nslsm_log_entry *history;
static uint64_t history_end;	/* sequence number of the next record */

static struct nslsm_state st;
static struct audit_drainer *drainer;
static struct client *clients[MAX_CLIENTS];
static struct sinks sinks;
static int epfd;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void client_free(struct client *c)
{
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (clients[i] == c)
			clients[i] = NULL;
	epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->pending);
	free(c->payload);
	free(c->big);
	free(c);
}

static void want_write(struct client *c, bool on)
{
	struct epoll_event ev = { .events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c };

	if (c->writable_wanted == on)
		return;
	c->writable_wanted = on;
	epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Does consumer c receive history entry e? */
static bool wanted(const struct client *c, const struct nslsm_log_entry *e)
{
	/* The host sees every namespace's records, deleted namespaces' too. */
	if (c->ns_id != NSLSM_HOST_ID && !ns_within(st.ns, e->rec.ns_id, c->ns_id))
		return false;
	/* a namespace's losses concern all who follow it: no rule drops them */
	return e->rec.action == NSLSM_AUDIT_LOST || audit_rules_select(st.rules, c->ns_id, e);
}

static void format_line(struct client *c, const struct nslsm_log_entry *e)
{
	c->out_len = c->out_sent = 0;
	if ((c->json ? audit_format_json : audit_format_text)(e, c->out, sizeof(c->out) - 1))
		return;
	c->out_len = strlen(c->out);
	c->out[c->out_len++] = '\n';
}

/* Records sent to one consumer per turn of the event loop, so that a fast
 * consumer cannot keep nslsmd from draining the kernel's ring buffer. */
#define FLUSH_BATCH 256

/* Send what the socket takes: the pending line, then records from the
 * history; a consumer that fell behind skips what is gone and is told. */
static void flush(struct client *c)
{
	unsigned int budget = FLUSH_BATCH;

	for (;;) {
		if (c->out_sent == c->out_len && c->big) {
			ssize_t n = send(c->fd, c->big + c->big_sent, c->big_len - c->big_sent,
					 MSG_NOSIGNAL | MSG_DONTWAIT);

			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
				want_write(c, true);
				return;
			}
			if (n < 0) {
				c->dead = true;
				return;
			}
			c->big_sent += n;
			if (c->big_sent == c->big_len) {
				free(c->big);
				c->big = NULL;
			}
			continue;
		}
		if (c->out_sent == c->out_len) {
			c->out_len = c->out_sent = 0;
			if (!c->subscribed)
				break;
			if (history_end - c->next > HISTORY) {
				uint64_t gone = history_end - HISTORY - c->next;

				c->lost += gone;
				c->lost_unreported += gone;
				c->next = history_end - HISTORY;
				__atomic_fetch_add(&st.audit_ns[c->ns_id].lost_consumer, gone,
						   __ATOMIC_RELAXED);
			}
			if (c->lost_unreported) {
				struct nslsm_log_entry e = {};

				e.rec.action = NSLSM_AUDIT_LOST;
				e.rec.ns_id = c->ns_id;
				memcpy(e.ns, st.ns[c->ns_id].name, sizeof(e.ns));
				e.rec.request = c->lost_unreported;
				e.rec.detail = NSLSM_LOST_CONSUMER;
				e.rec.time_ns = history[(c->next - 1) % HISTORY].rec.time_ns;
				c->lost_unreported = 0;
				format_line(c, &e);
			} else if (c->next < history_end) {
				const struct nslsm_log_entry *e = &history[c->next % HISTORY];

				/* what it does not want costs no turn: skipping a
				 * flooding namespace's records never makes a consumer
				 * fall behind on its own */
				if (!wanted(c, e)) {
					c->next++;
					continue;
				}
				if (!budget--) {
					/* More next turn: EPOLLOUT brings us back. */
					want_write(c, true);
					return;
				}
				c->next++;
				format_line(c, e);
				c->delivered++;
			} else {
				break;
			}
			continue;
		}
		ssize_t n = send(c->fd, c->out + c->out_sent, c->out_len - c->out_sent,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				want_write(c, true);
				return;
			}
			/* freed by the event loop: a flush may run in the middle
			 * of this client's own request (a drain feeds consumers) */
			c->dead = true;
			return;
		}
		c->out_sent += n;
	}
	want_write(c, false);
}

/* After a drain: let every consumer catch up as far as its socket allows. */
static void flush_all(void)
{
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (clients[i] && clients[i]->subscribed && !clients[i]->writable_wanted &&
		    !clients[i]->dead)
			flush(clients[i]);
}

/* Every drained record: to the sinks and into the history. Consumers are
 * served every half history, so that one drain, however long, overruns
 * only those whose sockets are full. */
static void on_entry(const struct nslsm_log_entry *e, void *arg)
{
	static uint64_t flushed_at;

	(void)arg;
	sinks_send(&sinks, e);
	history[history_end++ % HISTORY] = *e;
	if (history_end - flushed_at >= HISTORY / 2) {
		flushed_at = history_end;
		flush_all();
	}
}

static void reply(struct client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reply(struct client *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	size_t len;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	len = strlen(buf);
	if (c->out_len + len > sizeof(c->out))
		return;
	memcpy(c->out + c->out_len, buf, len);
	c->out_len += len;
}

static pid_t proc_ppid(pid_t pid)
{
	char path[64], buf[512], *p;
	int ppid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		sscanf(p + 2, "%*c %d", &ppid);
	fclose(f);
	return ppid;
}

static bool descends_from(pid_t pid, pid_t ancestor)
{
	for (int i = 0; i < 64 && pid > 1; i++) {
		pid = proc_ppid(pid);
		if (pid == ancestor)
			return true;
	}
	return false;
}

#define CAP_AUDIT_CONTROL 30

/* Was the peer enrolled when it connected? Not enrolled then, it is the
 * host's, whatever it became later. */
static bool peer_enrolled(const struct client *c)
{
	return (c->peer.flags & NSLSM_PEER_HAS_BLOB) && (c->peer.blob.flags & NSLSM_TASK_ENROLLED);
}

/* The namespace the peer connected from (depth checked at accept). */
static uint32_t peer_ns(const struct client *c)
{
	return peer_enrolled(c) ? c->peer.blob.level[c->peer.blob.depth].ns_id : NSLSM_HOST_ID;
}

/*
 * CONTID PID ID from a client. The host's root (a peer not enrolled when
 * it connected, uid 0) may give an id to any enrolled task that has none.
 * A task of a namespace with audit.delegate_contid=1 and CAP_AUDIT_CONTROL
 * may give one to the descendants of its parent at connect (the nslsm tool
 * is the peer, its caller the admin) in its namespace (or below) that have
 * no id of their own yet: the new id is nested in the requester's. The
 * target is read and written through one pidfd.
 */
static int contid_decide(const struct client *c, int pidfd, pid_t pid, uint64_t id)
{
	const struct nslsm_task_blob *req = &c->peer.blob;
	struct nslsm_task_blob tgt;
	int have_tgt = state_get_blob_pidfd(&st, pidfd, pid, &tgt);

	if (have_tgt < 0)
		return -1;
	if (!have_tgt || !(tgt.flags & NSLSM_TASK_ENROLLED))
		return nslsm_fail("process %d is not enrolled in a namespace", pid);
	if (!peer_enrolled(c)) {
		if (c->uid != 0)
			return nslsm_fail("only root may set container ids from the host");
		if (tgt.n_contids)
			return nslsm_fail("process %d already has container id %" PRIu64
					  ": container ids are set once", pid, (uint64_t)tgt.contid[0]);
	} else {
		const struct nslsm_ns *own = &st.ns[peer_ns(c)];

		if (!own->audit.delegate_contid)
			return nslsm_fail("namespace '%s' does not delegate container ids "
					  "(audit.delegate_contid=0)", own->name);
		if (!(c->peer.cap_effective & (1ull << CAP_AUDIT_CONTROL)))
			return nslsm_fail("setting container ids needs CAP_AUDIT_CONTROL");
		if (!descends_from(pid, c->peer.parent_tgid))
			return nslsm_fail("process %d is not a descendant of the caller", pid);
		/* Alive after the walk: the /proc entries read were its own. */
		if (syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0)
			return nslsm_fail("process %d exited", pid);
		if (!ns_within(st.ns, tgt.level[tgt.depth].ns_id, own->id))
			return nslsm_fail("process %d is outside namespace '%s'", pid, own->name);
		if (tgt.n_contids != req->n_contids ||
		    memcmp(tgt.contid, req->contid, sizeof(tgt.contid)))
			return nslsm_fail("process %d already has a container id of its own: "
					  "container ids are set once", pid);
		if (tgt.n_contids >= NSLSM_MAX_CONTIDS)
			return nslsm_fail("containers nest at most %d deep in container ids",
					  NSLSM_MAX_CONTIDS);
	}
	tgt.contid[tgt.n_contids++] = id;
	return state_set_blob_pidfd(&st, pidfd, pid, &tgt);
}

static int contid_set(const struct client *c, pid_t pid, uint64_t id)
{
	int pidfd, rc;

	if (!c->identified)
		return nslsm_fail("nslsmd cannot tell who connected: nothing is allowed");
	pidfd = state_pidfd(pid);
	if (pidfd < 0)
		return -1;
	rc = contid_decide(c, pidfd, pid, id);
	close(pidfd);
	return rc;
}

static void status(struct client *c)
{
	struct nslsm_stats s = {};

	state_get_stats(&st, &s);
	reply(c, "nslsmd pid=%d audit_lost=%" PRIu64 " forward_failed=%" PRIu64 "\n", getpid(),
	      (uint64_t)s.audit_lost, sinks.forward_failed);
	for (int i = 0; i < MAX_CLIENTS; i++) {
		const struct client *k = clients[i];
		uint64_t behind, lost;

		if (!k || !k->subscribed)
			continue;
		behind = history_end - k->next;
		/* What it has lost already, though it has not noticed yet. */
		lost = k->lost + (behind > HISTORY ? behind - HISTORY : 0);
		reply(c, "consumer pid=%d ns=%s behind=%" PRIu64 " delivered=%" PRIu64 " lost=%" PRIu64
			 "\n",
		      (int)k->peer.tgid, st.ns[k->ns_id].name, behind > HISTORY ? HISTORY : behind, k->delivered,
		      lost);
	}
	reply(c, "END\n");
}

/* An ERR reply, and a line in nslsmd's log naming the request, who
 * connected and why it was refused. */
static void refuse(struct client *c, const char *line, const char *why)
{
	char req[80], who[NSLSM_NAME_MAX + 32];
	size_t i;

	/* The request is the peer's text: printable characters only. */
	for (i = 0; line[i] && i < sizeof(req) - 1; i++)
		req[i] = line[i] >= 0x20 && line[i] < 0x7f ? line[i] : '?';
	req[i] = 0;
	if (!c->identified)
		snprintf(who, sizeof(who), "an unidentified peer");
	else if (peer_enrolled(c))
		snprintf(who, sizeof(who), "pid %u of namespace '%s'", c->peer.tgid,
			 st.ns[peer_ns(c)].name);
	else
		snprintf(who, sizeof(who), "pid %u of the host", c->peer.tgid);
	fprintf(stderr, "nslsmd: refused '%s' from %s (uid %u): %s\n", req, who, c->uid, why);
	reply(c, "ERR %s\n", why);
}

/* May the peer follow namespace ns? The host's root (not enrolled at
 * connect, uid 0) any; an enrolled peer its own namespace or one below,
 * whatever its uid; nobody else. */
static bool may_follow(const struct client *c, int ns)
{
	uint32_t locked_by;

	if (!c->identified)
		return false;
	if (peer_enrolled(c))
		return ns_within(st.ns, ns, peer_ns(c)) &&
		       !ns_admin_locked(st.ns, peer_ns(c), &locked_by);
	return c->uid == 0;
}

/* The caller of an ADMIN request, from the kernel's record at connect. */
static struct admin_caller admin_caller_of(const struct client *c)
{
	struct admin_caller a = { .identified = c->identified, .uid = c->uid };

	if (!c->identified)
		return a;
	a.enrolled = peer_enrolled(c);
	a.ns_id = peer_ns(c);
	a.pid = c->peer.tgid;
	a.caps = c->peer.cap_effective;
	if (a.enrolled && c->peer.blob.n_contids && c->peer.blob.n_contids <= NSLSM_MAX_CONTIDS)
		a.contid = c->peer.blob.contid[c->peer.blob.n_contids - 1];
	/* the namespace it connected from, not one made since in its slot */
	if (a.enrolled && (!ns_in_use(&st.ns[a.ns_id]) ||
			   strncmp(st.ns[a.ns_id].name, c->peer_ns_name, NSLSM_NAME_MAX)))
		a.identified = false;
	return a;
}

/* A refused ADMIN request as an audit record of the caller's namespace:
 * in the log, to the sinks and to the consumers that select it. */
static void audit_refusal(const struct admin_caller *a, const struct admin_request *r,
			  const char *rule, const char *target)
{
	struct nslsm_log_entry e = {};
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	e.rec.time_ns = ts.tv_sec * 1000000000ull + ts.tv_nsec;
	e.rec.action = NSLSM_AUDIT_DENIED;
	e.rec.source = NSLSM_SOURCE_ADMIN;
	e.rec.ns_id = a->identified ? a->ns_id : NSLSM_HOST_ID;
	e.rec.policy_ns_id = e.rec.ns_id;
	e.rec.contid = a->contid;
	e.rec.pid = a->pid;
	e.rec.uid = a->uid;
	e.rec.error = -EPERM;
	snprintf(e.rec.name, sizeof(e.rec.name), "%s", rule);
	snprintf(e.ns, sizeof(e.ns), "%s", st.ns[e.rec.ns_id].name);
	snprintf(e.policy_ns, sizeof(e.policy_ns), "%s", e.ns);
	snprintf(e.target_ns, sizeof(e.target_ns), "%s", target);
	snprintf(e.profile, sizeof(e.profile), "%s.%s", r->module, r->op);
	if (audit_drainer_append(drainer, &e))
		fprintf(stderr, "nslsmd: auditing a refusal: %s\n", nslsm_error());
}

/* One word of an ADMIN line: printable, no space, within `max` bytes. */
static int admin_word(const char *w, size_t max, const char *what)
{
	size_t n = strlen(w);

	if (!n || n >= max)
		return nslsm_fail("ADMIN: %s is empty or longer than %zu bytes", what, max - 1);
	for (size_t i = 0; i < n; i++)
		if (w[i] <= 0x20 || w[i] >= 0x7f)
			return nslsm_fail("ADMIN: %s has a character that is not printable", what);
	return 0;
}

/*
 * ADMIN MODULE OP NS BYTES [ARG...]: parsed (every word checked), judged
 * and carried out under the state lock; the reply is "OK LEN" and LEN
 * bytes of output, or "ERR WHY". NS "." is the caller's own namespace.
 */
static void admin_run(struct client *c, char *line, const char *payload, size_t len)
{
	struct admin_caller a = admin_caller_of(c);
	struct admin_request r = { .payload = payload, .payload_len = len };
	const char *rule = NULL, *target = "";
	char *save = NULL, *w, *text = NULL;
	size_t text_len = 0;
	char shown[160];
	FILE *out;
	int i = 0, rc = -1;

	snprintf(shown, sizeof(shown), "%s", line);
	nslsm_error_clear();
	for (w = strtok_r(line, " ", &save); w; w = strtok_r(NULL, " ", &save), i++) {
		if (i == 0)
			continue;	/* ADMIN */
		if (i == 1 && !admin_word(w, sizeof(r.module), "the module"))
			strcpy(r.module, w);
		else if (i == 2 && !admin_word(w, sizeof(r.op), "the operation"))
			strcpy(r.op, w);
		else if (i == 3 && !admin_word(w, sizeof(r.ns), "the namespace"))
			strcpy(r.ns, w);
		else if (i == 4)
			continue;	/* BYTES, read already */
		else if (i > 4 && r.n_args < ADMIN_MAX_ARGS && !admin_word(w, 256, "an argument"))
			r.args[r.n_args++] = w;
		else if (i > 4 && r.n_args == ADMIN_MAX_ARGS)
			nslsm_fail("ADMIN: more than %d arguments", ADMIN_MAX_ARGS);
		if (*nslsm_error())
			break;
	}
	if (!*nslsm_error() && i < 5)
		nslsm_fail("ADMIN: expected MODULE OP NS BYTES [ARG...]");
	out = open_memstream(&text, &text_len);
	if (!out) {
		nslsm_fail("no memory for a reply");
	} else if (!*nslsm_error()) {
		if (!state_lock(&st)) {
			rc = admin_request_run(&st, &a, &r, out, &rule, &target);
			state_unlock(&st);
		}
	}
	if (out)
		fclose(out);
	if (rc) {
		char why[512];

		snprintf(why, sizeof(why), "%s", nslsm_error());
		if (rule)
			audit_refusal(&a, &r, rule, target);
		refuse(c, shown, why);
	} else {
		free(c->big);
		c->big = malloc(text_len + 32);
		if (c->big) {
			c->big_len = sprintf(c->big, "OK %zu\n", text_len);
			memcpy(c->big + c->big_len, text, text_len);
			c->big_len += text_len;
			c->big_sent = 0;
		} else {
			reply(c, "ERR done, but no memory for the reply\n");
		}
	}
	free(text);
}

/* ADMIN ... BYTES: the payload follows the line; wait for it. */
static void admin_start(struct client *c, const char *line)
{
	char module[32], op[32], ns[NSLSM_NAME_MAX], bytes[32];
	uint64_t len;

	nslsm_error_clear();
	if (sscanf(line, "ADMIN %31s %31s %31s %31s", module, op, ns, bytes) != 4 ||
	    parse_u64(bytes, 0, ADMIN_MAX_PAYLOAD, "BYTES", &len)) {
		refuse(c, line, *nslsm_error() ? nslsm_error()
					      : "ADMIN: expected MODULE OP NS BYTES [ARG...]");
		return;
	}
	if (!len) {
		char copy[LINE_MAX_LEN];

		snprintf(copy, sizeof(copy), "%s", line);
		admin_run(c, copy, NULL, 0);
		return;
	}
	c->pending = strdup(line);
	c->payload = malloc(len);
	if (!c->pending || !c->payload) {
		c->dead = true;
		return;
	}
	c->payload_len = len;
	c->payload_got = 0;
}

/* The payload is complete: run the request it belongs to. */
static void admin_finish(struct client *c)
{
	admin_run(c, c->pending, c->payload, c->payload_len);
	free(c->pending);
	free(c->payload);
	c->pending = c->payload = NULL;
	c->payload_len = c->payload_got = 0;
}

static void request(struct client *c, char *line)
{
	char a[64] = "", b[64] = "", cmd[32] = "", why[160];
	uint64_t pid, id;
	int ns;

	sscanf(line, "%31s %63s %63s", cmd, a, b);
	nslsm_error_clear();
	if (!strcmp(cmd, "STATUS")) {
		status(c);
	} else if (!strcmp(cmd, "DRAIN")) {
		/* `nslsm audit` asks: then the log is complete up to now, and
		 * nobody drains behind nslsmd's back (its consumers and sinks
		 * would miss those records). */
		if (audit_drainer_run(drainer, true) < 0)
			refuse(c, line, nslsm_error());
		else
			reply(c, "OK\n");
		flush_all();
	} else if (!strcmp(cmd, "CONTID")) {
		if (parse_u64(a, 1, INT32_MAX, "PID", &pid) || parse_contid(b, &id) ||
		    contid_set(c, pid, id))
			refuse(c, line, nslsm_error());
		else
			reply(c, "OK\n");
	} else if (!strcmp(cmd, "ADMIN")) {
		admin_start(c, line);
	} else if (!strcmp(cmd, "SUBSCRIBE")) {
		/* ".": the namespace the peer connected from */
		ns = !strcmp(a, ".") && c->identified ? (int)peer_ns(c) : ns_find(st.ns, a);
		if (ns < 0) {
			refuse(c, line, nslsm_error());
		} else if (!may_follow(c, ns)) {
			snprintf(why, sizeof(why), "not allowed to follow namespace '%s'%s",
				 st.ns[ns].name,
				 c->identified ? "" : " (nslsmd cannot tell who connected)");
			refuse(c, line, why);
		} else {
			c->ns_id = ns;
			c->json = !strcmp(b, "json");
			c->subscribed = true;
			/* From now on: what is already logged is in the log. */
			c->next = history_end;
			reply(c, "OK\n");
		}
	} else {
		snprintf(why, sizeof(why), "unknown request '%s'", cmd);
		refuse(c, line, why);
	}
}

/* Bytes of c->in that belong to the pending payload, moved into it. */
static void take_payload(struct client *c)
{
	size_t take = c->payload_len - c->payload_got;

	if (take > c->in_len)
		take = c->in_len;
	memcpy(c->payload + c->payload_got, c->in, take);
	c->payload_got += take;
	memmove(c->in, c->in + take, c->in_len - take + 1);
	c->in_len -= take;
	if (c->payload_got == c->payload_len)
		admin_finish(c);
}

static void on_readable(struct client *c)
{
	ssize_t n;
	char *nl;

	if (c->payload) {
		n = recv(c->fd, c->payload + c->payload_got, c->payload_len - c->payload_got,
			 MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			client_free(c);
			return;
		}
		c->payload_got += n;
		if (c->payload_got == c->payload_len)
			admin_finish(c);
		flush(c);
		return;
	}
	n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - 1 - c->in_len, MSG_DONTWAIT);
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		client_free(c);
		return;
	}
	c->in_len += n;
	c->in[c->in_len] = 0;
	while (!c->payload && !c->dead && (nl = memchr(c->in, '\n', c->in_len))) {
		*nl = 0;
		request(c, c->in);
		memmove(c->in, nl + 1, c->in_len - (nl + 1 - c->in) + 1);
		c->in_len -= nl + 1 - c->in;
		if (c->payload)
			take_payload(c);
	}
	if (c->dead)
		return;
	if (c->in_len == sizeof(c->in) - 1) {
		client_free(c);
		return;
	}
	flush(c);
}

static void on_accept(int lfd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct epoll_event ev = { .events = EPOLLIN };
	struct client *c;
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK), slot = -1;

	if (fd < 0)
		return;
	for (int i = 0; i < MAX_CLIENTS && slot < 0; i++)
		if (!clients[i])
			slot = i;
	if (slot < 0 || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    !(c = calloc(1, sizeof(*c)))) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->uid = cred.uid;
	/* The kernel's record of who connected; a blob it could not have
	 * copied whole is no identity either. */
	c->identified = bpf_map_lookup_elem(st.peers_fd, &fd, &c->peer) == 0 &&
			(c->peer.flags & NSLSM_PEER_CONNECTED) &&
			c->peer.blob.depth < NSLSM_MAX_DEPTH;
	if (c->identified && peer_enrolled(c))
		memcpy(c->peer_ns_name, st.ns[peer_ns(c)].name, NSLSM_NAME_MAX);
	if (!c->identified)
		fprintf(stderr, "nslsmd: no record of who made a connection (SO_PEERCRED pid %d): "
				"its requests will be refused\n", cred.pid);
	ev.data.ptr = c;
	clients[slot] = c;
	epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

/*
 * The default socket lives alone in NSLSMD_SOCKET_DIR; NSLSMD_SOCKET is a
 * symbolic link to it, replaced whole. Containers get the directory bound
 * in, so they see the socket of whichever nslsmd runs now.
 */
static int default_socket_link(void)
{
	char tmp[sizeof(NSLSMD_SOCKET) + 16];

	snprintf(tmp, sizeof(tmp), "%s.%d", NSLSMD_SOCKET, getpid());
	unlink(tmp);
	if (symlink("admin/" NSLSMD_SOCKET_NAME, tmp) < 0 || rename(tmp, NSLSMD_SOCKET) < 0) {
		unlink(tmp);
		return nslsm_fail_errno(errno, "linking %s to %s/%s", NSLSMD_SOCKET,
					NSLSMD_SOCKET_DIR, NSLSMD_SOCKET_NAME);
	}
	return 0;
}

static int listen_on(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct nslsm_peer mark = { .flags = NSLSM_PEER_LISTENER };
	int fd;

	mkdir(NSLSMD_RUN_DIR, 0755);
	mkdir(NSLSMD_SOCKET_DIR, 0755);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return nslsm_fail_errno(errno, "listening on %s", path);
	/* Marked before anybody can connect: every connection then carries
	 * the kernel's record of who made it. */
	if (bpf_map_update_elem(st.peers_fd, &fd, &mark, BPF_ANY) < 0)
		return nslsm_fail_errno(errno, "marking %s as nslsmd's socket", path);
	if (listen(fd, 64) < 0)
		return nslsm_fail_errno(errno, "listening on %s", path);
	/* Anybody may connect; requests are authorised by who connected. */
	chmod(path, 0666);
	return fd;
}

static const char usage[] =
	"Usage: nslsmd [--socket PATH] [--log FILE] [--history N] [--kernel-audit]\n"
	"              [--json-log FILE [--json-log-size BYTES] [--json-log-keep N]]\n"
	"              [--syslog HOST:PORT]\n\n"
	"nslsm's audit daemon: drains audit records into the log (" NSLSM_AUDIT_LOG_DEFAULT ",\n"
	"or $NSLSM_AUDIT_LOG), serves 'nslsm audit --follow' consumers and delegated\n"
	"'nslsm contid set' requests on its socket (default " NSLSMD_SOCKET ", a link\n"
	"to " NSLSMD_SOCKET_DIR "/" NSLSMD_SOCKET_NAME ", alone in its directory), and\n"
	"forwards every record to the sinks asked for:\n\n"
	"  --history N             records a consumer may fall behind before it loses\n"
	"                          the oldest (default 16384; it is told how many)\n"
	"  --kernel-audit          to the kernel's audit as USER_AVC (ausearch -m USER_AVC)\n"
	"  --json-log FILE         JSON lines {host, contid, ns, module, record}, rotated\n"
	"                          at --json-log-size (default 10485760) keeping\n"
	"                          --json-log-keep old files (default 5)\n"
	"  --syslog HOST:PORT      RFC 5424 messages over TCP (octet counting)\n\n"
	"Administration from inside a namespace (nslsm apparmor, ns and status run in\n"
	"a container with io.nslsm.admin=1, or by any enrolled task) comes as\n"
	"  ADMIN MODULE OP NS BYTES [ARG...]   and BYTES of payload (binary policy)\n"
	"answered 'OK LEN' and LEN bytes of output, or 'ERR WHY'. NS '.' is the\n"
	"caller's own namespace. Operations (* changes: needs CAP_MAC_ADMIN in the\n"
	"caller's user namespace):\n  %s\n"
	"A request is refused, by a rule its error names, unless: nslsmd has the\n"
	"kernel's record of who connected (peer); a caller not enrolled is root\n"
	"(host-root); its namespace or an ancestor is admin.delegate=1 (admin.delegate:\n"
	"io.nslsm.admin=1 sets it); neither its namespace nor an ancestor is admin.locked\n"
	"(admin.locked: set from the host, it refuses everything, reads too); a change\n"
	"has CAP_MAC_ADMIN (cap_mac_admin); the namespace is the caller's own or below\n"
	"it, never an ancestor or a sibling (subtree); ns delete is of a namespace\n"
	"below its own (below); ns create leaves at most 64 namespaces below it\n"
	"(quota); ns set gives no admin.* and no more audit.queue, audit.rate or\n"
	"audit.delegate_contid than the parent has (delegated); the namespace enables\n"
	"the operation's module (module). Each refusal is also an audit record of the\n"
	"caller's namespace (module=\"admin\" operation=\"MODULE.OP\" target_ns=...\n"
	"rule=...), in the log, the sinks and its consumers.\n\n"
	"Every request is judged by the process that connected, as the kernel recorded\n"
	"it at the connect: its namespace, container ids and capabilities then. A\n"
	"socket passed on, left to a child or held under a reused pid carries no more;\n"
	"a connection without that record gets nothing. Refusals are logged on stderr\n"
	"(\"nslsmd: refused 'REQUEST' from pid N of namespace 'NS' (uid U): WHY\").\n\n"
	"Runs in the foreground; stop it with SIGTERM. Needs root and a loaded nslsm.\n";

static void print_usage(FILE *f)
{
	char ops[512] = "";
	FILE *m = fmemopen(ops, sizeof(ops) - 1, "w");

	if (m) {
		admin_ops_list(m);
		fclose(m);
	}
	fprintf(f, usage, ops);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, 0, 's' },	{ "log", required_argument, 0, 'l' },
		{ "kernel-audit", no_argument, 0, 'k' },	{ "json-log", required_argument, 0, 'j' },
		{ "json-log-size", required_argument, 0, 'S' }, { "json-log-keep", required_argument, 0, 'K' },
		{ "syslog", required_argument, 0, 'y' },	{ "help", no_argument, 0, 'h' },
		{ "history", required_argument, 0, 'H' },
		{ 0 },
	};
	const char *sock = NSLSMD_SOCKET, *log = audit_log_path();
	struct epoll_event ev = { .events = EPOLLIN };
	bool kernel_audit = false;
	uint64_t v;
	int c, lfd;

	sinks.json_max_bytes = 10 << 20;
	sinks.json_keep = 5;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': sock = optarg; break;
		case 'l': log = optarg; break;
		case 'k': kernel_audit = true; break;
		case 'j': sinks.json_path = optarg; break;
		case 'y': sinks.syslog_addr = optarg; break;
		case 'S':
			if (parse_u64(optarg, 1024, UINT64_MAX, "--json-log-size", &v))
				goto bad;
			sinks.json_max_bytes = v;
			break;
		case 'K':
			if (parse_u64(optarg, 0, 100, "--json-log-keep", &v))
				goto bad;
			sinks.json_keep = v;
			break;
		case 'H':
			if (parse_u64(optarg, 64, 1 << 20, "--history", &v))
				goto bad;
			HISTORY = v;
			break;
		case 'h': print_usage(stdout); return 0;
		default: print_usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "nslsmd: unexpected argument '%s'\n", argv[optind]);
		print_usage(stderr);
		return 2;
	}
	if (sinks.syslog_addr && !strchr(sinks.syslog_addr, ':')) {
		nslsm_fail("--syslog '%s': expected HOST:PORT", sinks.syslog_addr);
		goto bad;
	}
	history = calloc(HISTORY, sizeof(*history));
	if (!history) {
		nslsm_fail("no memory for %" PRIu64 " records of history", HISTORY);
		goto fail;
	}
	if (state_open(&st, true) || sinks_open(&sinks, kernel_audit))
		goto fail;
	drainer = audit_drainer_open(&st, log, on_entry, NULL);
	if (!drainer)
		goto fail;
	/* what ADMIN requests drain (a namespace deleted) goes through us */
	admin_drain_with(drainer);
	/* the default: the socket alone in its directory, and a link to it */
	if (!strcmp(sock, NSLSMD_SOCKET))
		sock = NSLSMD_SOCKET_DIR "/" NSLSMD_SOCKET_NAME;
	lfd = listen_on(sock);
	if (lfd < 0 || (!strcmp(sock, NSLSMD_SOCKET_DIR "/" NSLSMD_SOCKET_NAME) &&
			default_socket_link()))
		goto fail;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	ev.data.ptr = &lfd;
	epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev);
	ev.data.ptr = drainer;
	epoll_ctl(epfd, EPOLL_CTL_ADD, audit_drainer_fd(drainer), &ev);
	fprintf(stderr, "nslsmd: pid %d, socket %s, log %s\n", getpid(), sock, log);
	while (!stop) {
		struct epoll_event evs[64];
		int n = epoll_wait(epfd, evs, 64, 500);

		for (int i = 0; i < n; i++) {
			if (evs[i].data.ptr == &lfd) {
				on_accept(lfd);
			} else if (evs[i].data.ptr != drainer) {
				struct client *cl = evs[i].data.ptr;

				if (cl->dead || (evs[i].events & (EPOLLERR | EPOLLHUP))) {
					client_free(cl);
					continue;
				}
				if (evs[i].events & EPOLLOUT)
					flush(cl);
				/* flush may have freed it */
				for (int k = 0; k < MAX_CLIENTS; k++)
					if (clients[k] == cl && !cl->dead && (evs[i].events & EPOLLIN))
						on_readable(cl);
			}
		}
		/* Drain on every wake-up, and at least twice a second. */
		if (audit_drainer_run(drainer, false) < 0)
			fprintf(stderr, "nslsmd: %s\n", nslsm_error());
		flush_all();
		for (int k = 0; k < MAX_CLIENTS; k++)
			if (clients[k] && clients[k]->dead)
				client_free(clients[k]);
	}
	unlink(sock);
	if (!strcmp(sock, NSLSMD_SOCKET_DIR "/" NSLSMD_SOCKET_NAME))
		unlink(NSLSMD_SOCKET);
	audit_drainer_close(drainer);
	sinks_close(&sinks);
	state_close(&st);
	return 0;
bad:
	fprintf(stderr, "nslsmd: %s\n", nslsm_error());
	return 2;
fail:
	fprintf(stderr, "nslsmd: %s\n", nslsm_error());
	return 1;
}
