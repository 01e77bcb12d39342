// SPDX-License-Identifier: GPL-2.0
/* nslsm audit */
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lib/audit_log.h"
#include "lib/error.h"
#include "lib/parse.h"
#include "lib/state.h"

struct filter {
	const char *ns;
	uint64_t contid;
	bool json;
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

	/* Loss reports concern every reader: never filtered away. */
	if (!lost && f->ns && strncmp(e->ns, f->ns, sizeof(e->ns)))
		return 0;
	if (!lost && f->contid && e->rec.contid != f->contid)
		return 0;
	if ((f->json ? audit_format_json(e, line, sizeof(line))
		     : audit_format_text(e, line, sizeof(line))) == 0)
		puts(line);
	return 0;
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
	struct nslsm_state st;
	bool follow = false;
	off_t offset = 0;
	int c;

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
	if (state_open(&st, true))
		return fail();
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	setvbuf(stdout, NULL, _IOLBF, 0);
	do {
		struct pollfd p = { .fd = st.audit_fd, .events = POLLIN };

		if (audit_drain(&st, log) < 0 || audit_log_read(log, &offset, print_entry, &f)) {
			state_close(&st);
			return fail();
		}
		/* New records wake us; other followers may drain them first. */
		if (follow)
			poll(&p, 1, 250);
	} while (follow && !stop);
	state_close(&st);
	return EXIT_OK;
}
