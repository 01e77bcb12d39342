// SPDX-License-Identifier: GPL-2.0
/* nslsm audit */
#include <getopt.h>
#include <inttypes.h>
#include <sys/socket.h>
#include <unistd.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "daemon/client.h"
#include "lib/admin.h"
#include "lib/audit_log.h"
#include "lib/audit_rules.h"
#include "lib/error.h"
#include "lib/ns.h"
#include "lib/parse.h"
#include "lib/state.h"

struct filter {
	const char *ns;
	uint64_t contid;
	bool json;
	struct nslsm_state *st;
	int ns_id;		/* the namespace whose view this is (host: 0) */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int print_entry(const struct nslsm_log_entry *e, void *arg)
{
	const struct filter *f = arg;
	char line[2048];
	bool lost = e->rec.action == NSLSM_AUDIT_LOST;

	/* A namespace's view: its records and its descendants', as its rules
	 * select them; the losses of those namespaces, whatever the rules. */
	if (f->ns_id && !ns_within(f->st->ns, e->rec.ns_id, f->ns_id))
		return 0;
	if (!lost && !audit_rules_select(f->st->rules, f->ns_id, e))
		return 0;
	if (!lost && f->contid && e->rec.contid != f->contid)
		return 0;
	if ((f->json ? audit_format_json(e, line, sizeof(line))
		     : audit_format_text(e, line, sizeof(line))) == 0)
		puts(line);
	return 0;
}

/* --follow through nslsmd: it queues for us and tells us what we lost. */
static int follow_daemon(const struct filter *f)
{
	char req[128], buf[16384];
	size_t len = 0;
	bool ok = false;
	ssize_t n;
	int fd;

	snprintf(req, sizeof(req), "SUBSCRIBE %s %s\n", f->ns ? f->ns : remote_wanted() ? "." : "host",
		 f->json ? "json" : "text");
	fd = nslsmd_request(req);
	if (fd < 0)
		return fail();
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	/* buf holds [0, len): a line may arrive in pieces. */
	while (!stop && (n = recv(fd, buf + len, sizeof(buf) - 1 - len, 0)) > 0) {
		char *p = buf, *nl;

		len += n;
		buf[len] = 0;
		if (!ok) {
			if (!(nl = strchr(buf, '\n')))
				continue;
			if (strncmp(buf, "OK\n", 3)) {
				fprintf(stderr, "nslsm: nslsmd: %s", buf[0] == 'E' ? buf + 4 : buf);
				close(fd);
				return EXIT_FAIL;
			}
			ok = true;
			p += 3;
		}
		/* --contid filters here; the namespace and its rules in nslsmd. */
		for (; (nl = strchr(p, '\n')); p = nl + 1) {
			char want[40];

			*nl = 0;
			snprintf(want, sizeof(want), f->json ? "\"contid\":%" PRIu64 "," : " contid=%" PRIu64 " ",
				 f->contid);
			if (!f->contid || strstr(p, want) || strstr(p, "NSLSM_LOST") ||
			    strstr(p, "\"LOST\""))
				puts(p);
		}
		/* One write per chunk received, not one per line. */
		fflush(stdout);
		len -= p - buf;
		memmove(buf, p, len);
		if (len == sizeof(buf) - 1)
			len = 0;	/* a line longer than any record: drop it */
	}
	close(fd);
	return EXIT_OK;
}

static int rule_cmd(int argc, char **argv)
{
	struct nslsm_audit_rule rule;
	struct nslsm_state st;
	int id, rc = 0, pos;

	if (argc < 3)
		return usage_error("audit", "expected 'audit rule add|del|list NS ...'");
	if (state_open(&st, true) || state_lock(&st))
		return fail();
	id = ns_find(st.ns, argv[2]);
	if (id < 0) {
		rc = -1;
	} else if (!strcmp(argv[1], "list") && argc == 3) {
		int idx[NSLSM_MAX_AUDIT_RULES], n = audit_rules_of(st.rules, id, idx);

		for (int i = 0; i < n; i++) {
			char buf[256];

			audit_rule_format(&st.rules[idx[i]], buf, sizeof(buf));
			printf("%d: %s\n", i + 1, buf);
		}
	} else if (!strcmp(argv[1], "add") && argc >= 4) {
		char *fields[64];
		int n = 0;

		/* auditctl spelling is fine too: -F FIELD=VALUE */
		for (int i = 4; i < argc && n < 64; i++)
			if (strcmp(argv[i], "-F"))
				fields[n++] = argv[i];
		rc = audit_rule_parse(argv[3], fields, n, &rule);
		if (!rc && (pos = audit_rule_add(st.rules, id, &rule)) > 0)
			printf("rule %d added to namespace %s\n", pos, argv[2]);
		else
			rc = -1;
	} else if (!strcmp(argv[1], "del") && argc == 4) {
		uint64_t n;

		rc = parse_u64(argv[3], 1, NSLSM_MAX_AUDIT_RULES, "rule number", &n) ||
		     audit_rule_del(st.rules, id, n);
	} else {
		state_close(&st);
		return usage_error("audit", "expected 'audit rule add NS always|never [FIELD=VALUE]...', "
					    "'audit rule del NS N' or 'audit rule list NS'");
	}
	state_close(&st);
	return rc ? fail() : EXIT_OK;
}

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ns", required_argument, 0, 'n' },	 { "contid", required_argument, 0, 'c' },
		{ "follow", no_argument, 0, 'f' },	 { "json", no_argument, 0, 'j' },
		{ "log", required_argument, 0, 'l' },	 { 0 },
	};
	struct filter f = {};
	const char *log = audit_log_path();
	struct audit_drainer *d = NULL;
	struct nslsm_state st;
	int rc = EXIT_OK;
	bool follow = false;
	off_t offset = 0;
	int c;

	if (argc > 1 && !strcmp(argv[1], "rule"))
		return rule_cmd(argc - 1, argv + 1);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:f", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			f.ns = optarg;
			break;
		case 'c':
			if (parse_contid(optarg, &f.contid))
				return usage_error("audit", "--contid: %s", nslsm_error());
			break;
		case 'f':
			follow = true;
			break;
		case 'j':
			f.json = true;
			break;
		case 'l':
			log = optarg;
			break;
		case ':':
			return usage_error("audit", "option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("audit", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("audit", "unexpected argument '%s'", argv[optind]);
	/* No SA_RESTART: a signal must end a blocked recv() or poll(). */
	sigaction(SIGINT, &(struct sigaction){ .sa_handler = on_signal }, NULL);
	sigaction(SIGTERM, &(struct sigaction){ .sa_handler = on_signal }, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (follow && access(nslsmd_socket(), F_OK) == 0)
		return follow_daemon(&f);
	if (state_open(&st, true))
		return fail();
	f.st = &st;
	if ((f.ns && (f.ns_id = ns_find(st.ns, f.ns)) < 0) ||
	    (access(nslsmd_socket(), F_OK) && !(d = audit_drainer_open(&st, log, NULL, NULL)))) {
		state_close(&st);
		return fail();
	}
	do {
		if (audit_drain_now(d) || audit_log_read(log, &offset, print_entry, &f)) {
			rc = fail();
			break;
		}
		/* New records wake us; other followers may drain them first. */
		if (follow)
			poll(&(struct pollfd){ .fd = audit_drainer_fd(d), .events = POLLIN }, 1, 250);
	} while (follow && !stop);
	audit_drainer_close(d);
	state_close(&st);
	return rc;
}
