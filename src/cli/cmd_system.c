// SPDX-License-Identifier: GPL-2.0
/* nslsm load | unload | reset | status | modules */
#include <dirent.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "daemon/client.h"
#include "lib/error.h"
#include "lib/objlabel.h"
#include "lib/hooks.h"
#include "lib/loader.h"
#include "lib/lsm.h"
#include "lib/module.h"
#include "lib/ns.h"
#include "lib/state.h"
#include "selinux/store.h"

/* Parse a command with only flag options; returns -1 on a usage error. */
static int parse_flags(const char *cmd, int argc, char **argv, const struct option *opts,
		       bool *values)
{
	int c, idx;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:vfsk", opts, &idx)) != -1) {
		if (c == '?' || c == ':')
			return usage_error(cmd, "unknown option '%s'", argv[optind - 1]), -1;
		for (int i = 0; opts[i].name; i++)
			if (opts[i].val == c)
				values[i] = true;
	}
	if (optind < argc)
		return usage_error(cmd, "unexpected argument '%s'", argv[optind]), -1;
	return 0;
}

int cmd_load(int argc, char **argv)
{
	static const struct option opts[] = { { "verbose", no_argument, 0, 'v' },
					      { "stats", no_argument, 0, 's' },
					      { 0 } };
	bool v[2] = {};

	if (parse_flags("load", argc, argv, opts, v))
		return EXIT_USAGE;
	if (nslsm_load(v[0], v[1]))
		return fail();
	printf("nslsm loaded: %d hooks attached, state pinned under %s\n", NSLSM_HOOK_COUNT,
	       NSLSM_PIN_DIR);
	return EXIT_OK;
}

int cmd_unload(int argc, char **argv)
{
	static const struct option opts[] = { { "force", no_argument, 0, 'f' }, { 0 } };
	bool v[1] = {};

	if (parse_flags("unload", argc, argv, opts, v))
		return EXIT_USAGE;
	if (!v[0] && state_loaded()) {
		static uint32_t counts[NSLSM_MAX_NS];
		struct nslsm_state st;
		uint32_t total = 0;

		if (state_open(&st, true))
			return fail();
		if (tasks_count_by_ns(&st, counts, &total)) {
			state_close(&st);
			return fail();
		}
		state_close(&st);
		if (total) {
			nslsm_fail("%u enrolled task%s still alive: they would run unconfined; "
				   "stop them, or unload with --force", total, total == 1 ? " is" : "s are");
			return fail();
		}
	}
	if (nslsm_unload())
		return fail();
	printf("nslsm unloaded\n");
	return EXIT_OK;
}

int cmd_reset(int argc, char **argv)
{
	static const struct option opts[] = { { "kill", no_argument, 0, 'k' }, { 0 } };
	bool v[1] = {};
	int killed = 0, removed = 0;

	if (parse_flags("reset", argc, argv, opts, v))
		return EXIT_USAGE;
	if (nslsm_reset(v[0], &killed, &removed))
		return fail();
	printf("nslsm reset: the state of a fresh load, %d hooks attached (%d task%s killed, "
	       "%d stray pin%s removed)\n", NSLSM_HOOK_COUNT, killed, killed == 1 ? "" : "s",
	       removed, removed == 1 ? "" : "s");
	return EXIT_OK;
}

static int count_links(void)
{
	DIR *d = opendir(NSLSM_LINK_DIR);
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* nslsmd's own report: its consumers and what each has lost. */
static void print_daemon_status(void)
{
	char buf[8192];
	size_t len = 0;
	ssize_t n;
	int fd;

	if (access(nslsmd_socket(), F_OK))
		return;
	fd = nslsmd_request("STATUS\n");
	if (fd < 0) {
		printf("nslsmd:         not answering (%s)\n", nslsm_error());
		return;
	}
	while (len < sizeof(buf) - 1 && (n = recv(fd, buf + len, sizeof(buf) - 1 - len, 0)) > 0) {
		len += n;
		buf[len] = 0;
		if (strstr(buf, "END\n"))
			break;
	}
	close(fd);
	buf[len] = 0;
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (strcmp(line, "END"))
			printf("%-15s %s\n", !strncmp(line, "nslsmd", 6) ? "nslsmd:" : "", line);
}

/* One namespace's audit queue, as status reports it. */
struct queue_status {
	char ns[NSLSM_NAME_MAX];
	struct nslsm_audit_ns c;
	uint32_t bytes, rate;
};

static struct queue_status queues[NSLSM_MAX_NS];

static uint32_t queues_read(const struct nslsm_state *st)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < NSLSM_MAX_NS; i++) {
		if (!ns_in_use(&st->ns[i]))
			continue;
		memcpy(queues[n].ns, st->ns[i].name, NSLSM_NAME_MAX);
		queues[n].ns[NSLSM_NAME_MAX - 1] = 0;
		queues[n].c = st->audit_ns[i];
		queues[n].bytes = st->ns[i].audit.queue;
		queues[n++].rate = st->ns[i].audit.rate;
	}
	return n;
}

static void queue_print(const struct queue_status *q, bool json)
{
	printf(json ? "{\"ns\":\"%s\",\"bytes\":%u,\"rate\":%u,\"written\":%" PRIu64
		      ",\"lost_queue_full\":%" PRIu64 ",\"lost_rate_limit\":%" PRIu64
		      ",\"lost_consumer\":%" PRIu64 ",\"coalesced\":%" PRIu64 "}"
		    : "audit queue:    ns=%s bytes=%u rate=%u written=%" PRIu64
		      " lost_queue_full=%" PRIu64 " lost_rate_limit=%" PRIu64
		      " lost_consumer=%" PRIu64 " coalesced=%" PRIu64 "\n",
	       q->ns, q->bytes, q->rate, (uint64_t)q->c.written, (uint64_t)q->c.lost_queue,
	       (uint64_t)q->c.lost_rate, (uint64_t)q->c.lost_consumer, (uint64_t)q->c.coalesced);
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = { { "json", no_argument, 0, 'j' }, { 0 } };
	static uint32_t counts[NSLSM_MAX_NS];
	bool json[1] = {}, loaded = state_loaded();
	char lsms[256] = "";
	struct nslsm_state st;
	struct nslsm_stats s = {};
	struct nslsm_objlabel_stats ol = {};
	struct nslsm_se_avc_stats avc = {};
	uint32_t total = 0, n_ns = 0, n_queues = 0, n_se = 0;

	if (parse_flags("status", argc, argv, opts, json))
		return EXIT_USAGE;
	if (remote_wanted())
		return remote_admin("nslsm", "status", ".", NULL, 0, NULL, 0);
	if (require_root("nslsm status"))
		return fail();
	if (kernel_lsm_list(lsms, sizeof(lsms)) < 0)
		snprintf(lsms, sizeof(lsms), "unknown");
	if (loaded) {
		if (state_open(&st, true) || state_get_stats(&st, &s) ||
		    tasks_count_by_ns(&st, counts, &total))
			return fail();
		for (int i = 0; i < NSLSM_MAX_NS; i++) {
			struct nslsm_se_avc_stats a;

			n_ns += ns_in_use(&st.ns[i]);
			if (!ns_in_use(&st.ns[i]) ||
			    !(st.ns[i].modules & (1u << NSLSM_MOD_SELINUX)))
				continue;
			if (se_store_avc_stats(i, &a))
				return fail();
			n_se++;
			avc.lookups += a.lookups;
			avc.hits += a.hits;
			avc.misses += a.misses;
		}
		n_queues = queues_read(&st);
		state_close(&st);
	}
	if (json[0]) {
		printf("{\"loaded\":%s,\"kernel_lsm\":\"%s\",\"bpf_lsm\":%s", loaded ? "true" : "false",
		       lsms, lsm_list_has(lsms, "bpf") ? "true" : "false");
		if (loaded)
			printf(",\"hooks\":%d,\"namespaces\":%u,\"enrolled_tasks\":%u,"
			       "\"audit_records\":%" PRIu64 ",\"audit_lost\":%" PRIu64
			       ",\"denials\":%" PRIu64 ",\"fork_refused_no_memory\":%" PRIu64
			       ",\"ptracer_table_full\":%" PRIu64 ",\"apparmor_cache_hits\":%" PRIu64
			       ",\"apparmor_cache_misses\":%" PRIu64
			       ",\"apparmor_net_memo_hits\":%" PRIu64
			       ",\"apparmor_net_memo_misses\":%" PRIu64
			       ",\"fowner_table_full\":%" PRIu64
			       ",\"daemon_connects_refused_no_memory\":%" PRIu64
			       ",\"selinux_namespaces\":%u,\"selinux_avc_hits\":%" PRIu64
			       ",\"selinux_avc_misses\":%" PRIu64,
			       count_links(), n_ns, total, (uint64_t)s.audit_records,
			       (uint64_t)s.audit_lost, (uint64_t)s.denials, (uint64_t)s.blob_alloc_fail,
			       (uint64_t)s.ptracer_full, (uint64_t)s.aa_cache_hits,
			       (uint64_t)s.aa_cache_misses, (uint64_t)s.aa_net_hits,
			       (uint64_t)s.aa_net_misses, (uint64_t)s.fowner_full,
			       (uint64_t)s.peer_unknown, n_se, (uint64_t)avc.hits,
			       (uint64_t)avc.misses);
		if (loaded) {
			printf(",\"audit_queues\":[");
			for (uint32_t i = 0; i < n_queues; i++) {
				printf(i ? "," : "");
				queue_print(&queues[i], true);
			}
			printf("]");
		}
		printf("}\n");
		return EXIT_OK;
	}
	printf("nslsm:          %s\n", loaded ? "loaded (" NSLSM_PIN_DIR ")" : "not loaded");
	printf("kernel LSMs:    %s%s\n", lsms,
	       lsm_list_has(lsms, "bpf") ? "" : "  (no BPF LSM: nslsm cannot load here)");
	if (!loaded)
		return EXIT_OK;
	printf("hooks attached: %d of %d\n", count_links(), NSLSM_HOOK_COUNT);
	printf("namespaces:     %u\n", n_ns);
	printf("enrolled tasks: %u\n", total);
	printf("denials:        %" PRIu64 "\n", (uint64_t)s.denials);
	printf("SELinux AVC:    %" PRIu64 " hits, %" PRIu64 " misses, %u namespace%s with "
	       "the selinux module ('nslsm selinux status NS' for each)\n",
	       (uint64_t)avc.hits, (uint64_t)avc.misses, n_se, n_se == 1 ? "" : "s");
	printf("audit records:  %" PRIu64 " written, %" PRIu64
	       " lost (queue full or rate limit), all namespaces\n",
	       (uint64_t)s.audit_records, (uint64_t)s.audit_lost);
	for (uint32_t i = 0; i < n_queues; i++)
		queue_print(&queues[i], false);
	printf("forks refused:  %" PRIu64 " (no memory for the child's blob)\n",
	       (uint64_t)s.blob_alloc_fail);
	printf("ptracer table:  %" PRIu64 " declarations refused (table full)\n",
	       (uint64_t)s.ptracer_full);
	printf("apparmor cache: %" PRIu64 " hits, %" PRIu64
	       " misses (requests on cacheable files)\n",
	       (uint64_t)s.aa_cache_hits, (uint64_t)s.aa_cache_misses);
	printf("apparmor net:   %" PRIu64 " hits, %" PRIu64
	       " misses (socket checks, remembered per task)\n",
	       (uint64_t)s.aa_net_hits, (uint64_t)s.aa_net_misses);
	printf("file owners:    %" PRIu64 " F_SETOWN by enrolled tasks not remembered (table full;"
	       " their SIGIO is unchecked)\n", (uint64_t)s.fowner_full);
	printf("nslsmd peers:   %" PRIu64 " connects refused (no memory to record who connected)\n",
	       (uint64_t)s.peer_unknown);
	if (!objlabel_stats(&ol))
		printf("object labels:  %" PRIu64 " lookups, %" PRIu64 " cache hits, %" PRIu64
		       " found, %" PRIu64 " dropped (map full), %" PRIu64
		       " forgotten with their file, %" PRIu64 " uncached (no inode storage)\n",
		       (uint64_t)ol.lookups, (uint64_t)ol.cache_hits, (uint64_t)ol.found,
		       (uint64_t)ol.dropped, (uint64_t)ol.forgotten, (uint64_t)ol.cache_full);
	else
		nslsm_error_clear();
	print_daemon_status();
	return EXIT_OK;
}

int cmd_modules(int argc, char **argv)
{
	static const struct option opts[] = { { "json", no_argument, 0, 'j' }, { 0 } };
	bool json[1] = {};
	char lsms[256];

	if (parse_flags("modules", argc, argv, opts, json))
		return EXIT_USAGE;
	if (kernel_lsm_list(lsms, sizeof(lsms)) < 0)
		snprintf(lsms, sizeof(lsms), "unknown");
	if (json[0]) {
		printf("{\"modules\":[");
		for (unsigned int i = 0; i < NSLSM_MOD_COUNT; i++) {
			const struct nslsm_module *m = module_by_id(i);

			printf("%s{\"name\":\"%s\",\"labelled\":%s,\"keys\":[", i ? "," : "", m->name,
			       m->labelled ? "true" : "false");
			for (const struct module_key *k = m->keys; k->name; k++)
				printf("%s\"%s.%s\"", k == m->keys ? "" : ",", m->name, k->name);
			printf("]}");
		}
		printf("],\"kernel_lsm\":\"%s\"}\n", lsms);
		return EXIT_OK;
	}
	printf("nslsm modules (enable per namespace with --modules or modules=LIST):\n");
	for (unsigned int i = 0; i < NSLSM_MOD_COUNT; i++) {
		const struct nslsm_module *m = module_by_id(i);

		printf("  %-10s %s%s\n", m->name, m->summary, m->labelled ? "" : " (no labels)");
		printf("    %s.mode=%s\n", m->name, module_mode_help(m));
		if (m->label_help)
			printf("    labels: %s\n", m->label_help);
		for (const struct module_key *k = m->keys; k->name; k++)
			printf("    %s.%s: %s\n", m->name, k->name, k->help);
	}
	printf("kernel LSMs: %s\n", lsms);
	return EXIT_OK;
}
