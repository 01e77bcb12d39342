// SPDX-License-Identifier: GPL-2.0
/* nslsm run | attr get | attr set */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "cli.h"
#include "nslsm/prctl.h"
#include "daemon/client.h"
#include "lib/error.h"
#include "lib/module.h"
#include "lib/ns.h"
#include "lib/parse.h"
#include "lib/state.h"

int cmd_run(int argc, char **argv)
{
	uint32_t labels[NSLSM_MAX_MODULES] = {}, later[NSLSM_MAX_MODULES] = {};
	const char *label_spec[NSLSM_MAX_MODULES] = {};
	const char *ns_name = NULL;
	struct nslsm_task_blob blob = {};
	struct nslsm_state st;
	uint64_t contid = 0;
	int i, id, rc;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *opt = argv[i];
		const struct nslsm_module *m;

		if (strncmp(opt, "--", 2))
			return usage_error("run", "unexpected argument '%s' (the command goes after "
						  "'--')", opt);
		if (i + 1 >= argc || !strcmp(argv[i + 1], "--"))
			return usage_error("run", "option '%s' needs a value", opt);
		if (!strcmp(opt, "--ns")) {
			ns_name = argv[++i];
		} else if (!strcmp(opt, "--contid")) {
			if (parse_contid(argv[++i], &contid))
				return usage_error("run", "--contid: %s", nslsm_error());
		} else if ((m = module_by_name(opt + 2))) {
			if (!m->labelled || !m->resolve_label)
				return usage_error("run", "module '%s' has no labels", m->name);
			if (label_spec[m->id])
				return usage_error("run", "--%s is given twice", m->name);
			label_spec[m->id] = argv[++i];
		} else {
			return usage_error("run", "unknown option '%s'", opt);
		}
	}
	if (!ns_name)
		return usage_error("run", "--ns NAME is required");
	if (i >= argc - 1)
		return usage_error("run", "no command: give it after '--'");
	/* All bpf() work happens before enrolment: afterwards it is denied. */
	if (state_open(&st, false) || state_lock(&st))
		return fail();
	id = ns_find(st.ns, ns_name);
	rc = id < 0;
	for (unsigned int m = 0; !rc && m < NSLSM_MOD_COUNT; m++) {
		uint32_t label;

		if (!label_spec[m])
			continue;
		if (!(st.ns[id].modules & (1u << m))) {
			rc = nslsm_fail("namespace '%s' does not enable module '%s'", ns_name,
					module_by_id(m)->name);
			break;
		}
		rc = module_by_id(m)->resolve_label(id, label_spec[m], &label);
		/* a module that enters the label its own way (AppArmor: at the
		 * exec of CMD) gets it once the blob is made */
		if (!rc && module_by_id(m)->run_label)
			later[m] = label;
		else if (!rc)
			labels[m] = label;
	}
	if (!rc) {
		rc = ns_enrol_blob(st.ns, id, contid, labels, &blob);
		for (unsigned int m = 0; !rc && m < NSLSM_MOD_COUNT; m++)
			if (label_spec[m] && module_by_id(m)->run_label)
				module_by_id(m)->run_label(&blob, later[m]);
		/* whoever ran us enters CMD (boundary.signal=parent) */
		blob.entry_tgid = getppid();
	}
	rc = rc || state_set_blob(&st, getpid(), &blob);
	state_close(&st);
	if (rc)
		return fail();
	execvp(argv[i + 1], argv + i + 1);
	fprintf(stderr, "nslsm: executing '%s': %s\n", argv[i + 1], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

/* "42/1001": the container ids, outermost first; "none". */
static void format_contids(const struct nslsm_task_blob *b, char *buf, size_t len)
{
	size_t off = 0;

	snprintf(buf, len, "none");
	for (uint32_t i = 0; i < b->n_contids && i < NSLSM_MAX_CONTIDS; i++)
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%" PRIu64, i ? "/" : "",
				(uint64_t)b->contid[i]);
}

static void print_blob_text(pid_t pid, const struct nslsm_task_blob *b, const struct nslsm_ns *t)
{
	char ids[256];

	format_contids(b, ids, sizeof(ids));
	printf("pid %d: %s%s contid=%s\n", pid,
	       b->flags & NSLSM_TASK_ENROLLED ? "enrolled" : "not enrolled",
	       b->flags & NSLSM_TASK_PROTECTED ? ", nslsm control process" : "", ids);
	if (!(b->flags & NSLSM_TASK_ENROLLED))
		return;
	for (uint32_t d = 0; d <= b->depth && d < NSLSM_MAX_DEPTH; d++) {
		uint32_t id = b->level[d].ns_id;
		const char *name = id < NSLSM_MAX_NS && ns_in_use(&t[id]) ? t[id].name : "(deleted)";

		printf("  level %u: ns=%s", d, name);
		for (unsigned int m = 0; m < NSLSM_MOD_COUNT; m++) {
			const struct nslsm_module *mod = module_by_id(m);

			char label[256] = "-";

			if (!(id < NSLSM_MAX_NS && (t[id].modules & (1u << m))))
				continue;
			if (mod->format_label)
				mod->format_label(b->level[d].label[m], label, sizeof(label));
			printf(" %s=%s", mod->name, label);
		}
		printf("\n");
	}
}

static void print_blob_json(pid_t pid, const struct nslsm_task_blob *b, const struct nslsm_ns *t)
{
	uint32_t n = b->n_contids < NSLSM_MAX_CONTIDS ? b->n_contids : NSLSM_MAX_CONTIDS;

	printf("{\"pid\":%d,\"enrolled\":%s,\"protected\":%s,\"contid\":%" PRIu64
	       ",\"parent_contids\":[",
	       pid, b->flags & NSLSM_TASK_ENROLLED ? "true" : "false",
	       b->flags & NSLSM_TASK_PROTECTED ? "true" : "false",
	       n ? (uint64_t)b->contid[n - 1] : 0);
	for (uint32_t i = 0; i + 1 < n; i++)
		printf("%s%" PRIu64, i ? "," : "", (uint64_t)b->contid[i]);
	printf("],\"levels\":[");
	for (uint32_t d = 0; (b->flags & NSLSM_TASK_ENROLLED) && d <= b->depth && d < NSLSM_MAX_DEPTH;
	     d++) {
		uint32_t id = b->level[d].ns_id;

		printf("%s{\"ns\":\"%s\",\"ns_id\":%u,\"labels\":{", d ? "," : "",
		       id < NSLSM_MAX_NS && ns_in_use(&t[id]) ? t[id].name : "", id);
		for (unsigned int m = 0, k = 0; m < NSLSM_MOD_COUNT; m++)
			if (module_by_id(m)->labelled)
				printf("%s\"%s\":%u", k++ ? "," : "", module_by_id(m)->name,
				       b->level[d].label[m]);
		printf("}}");
	}
	printf("]}\n");
}

/*
 * nslsm attr set apparmor exec|changeprofile|changehat NAME [--test] [-- CMD...]
 * Asks nslsm for this process (prctl, nslsm/prctl.h), then execs CMD.
 */
static int attr_set(int argc, char **argv)
{
	static const struct { const char *attr; unsigned long op; const char *what; } attrs[] = {
		{ "exec", NSLSM_PRCTL_AA_CHANGE_ONEXEC, "change_onexec to" },
		{ "changeprofile", NSLSM_PRCTL_AA_CHANGE_PROFILE, "change_profile to" },
		{ "changehat", NSLSM_PRCTL_AA_CHANGE_HAT, "change_hat to" },
	};
	unsigned long op = 0, token = 0;
	const char *what = NULL, *name;
	bool test = false;
	int i, rc;

	if (argc < 5 || strcmp(argv[2], "apparmor"))
		return usage_error("attr", "expected 'attr set apparmor exec|changeprofile|changehat "
					   "NAME [--test] [-- CMD [ARG...]]'");
	for (size_t k = 0; k < sizeof(attrs) / sizeof(attrs[0]); k++)
		if (!strcmp(argv[3], attrs[k].attr)) {
			op = attrs[k].op;
			what = attrs[k].what;
		}
	if (!op)
		return usage_error("attr", "unknown AppArmor attribute '%s': exec, changeprofile or "
					   "changehat", argv[3]);
	name = argv[4];
	if (!*name || strlen(name) >= NSLSM_PRCTL_NAME_MAX)
		return usage_error("attr", "bad profile or hat name '%s' (1 to %d bytes)", name,
				   NSLSM_PRCTL_NAME_MAX - 1);
	for (i = 5; i < argc; i++) {
		if (!strcmp(argv[i], "--test")) {
			test = true;
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else {
			return usage_error("attr", "unexpected argument '%s' (the command goes after "
						   "'--')", argv[i]);
		}
	}
	if (!test && i >= argc)
		return usage_error("attr", "give the command to run after '--', or --test");
	/* a hat entered here is never left: any token will do */
	if (op == NSLSM_PRCTL_AA_CHANGE_HAT)
		token = (unsigned long)getpid() << 16 ^ 0x6e736c6d;
	rc = nslsm_prctl_answer(prctl(NSLSM_PRCTL, op, (unsigned long)name, token,
				      test ? NSLSM_PRCTL_TEST : 0));
	if (rc) {
		nslsm_fail("%s '%s' refused: %s", what, name, nslsm_aa_change_error(errno));
		return fail();
	}
	if (test) {
		printf("allowed: %s '%s'\n", what, name);
		return EXIT_OK;
	}
	execvp(argv[i], argv + i);
	rc = errno;
	nslsm_fail("cannot execute '%s': %s", argv[i], strerror(rc));
	fail();
	return rc == ENOENT ? 127 : 126;
}

int cmd_attr(int argc, char **argv)
{
	struct nslsm_task_blob b = {};
	struct nslsm_state st;
	bool json = false;
	pid_t pid = 0;
	int found;

	if (argc >= 2 && !strcmp(argv[1], "set"))
		return attr_set(argc, argv);
	if (argc < 2 || strcmp(argv[1], "get"))
		return usage_error("attr", "expected 'attr get [PID] [--json]' or 'attr set apparmor "
					   "...'");
	for (int i = 2; i < argc; i++) {
		uint64_t v;

		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!pid) {
			if (parse_u64(argv[i], 1, INT32_MAX, "PID", &v))
				return usage_error("attr", "%s", nslsm_error());
			pid = v;
		} else {
			return usage_error("attr", "unexpected argument '%s'", argv[i]);
		}
	}
	/* Default: whoever ran nslsm (its parent), e.g. the shell asking. */
	if (!pid)
		pid = getppid();
	if (state_open(&st, true))
		return fail();
	found = state_get_blob(&st, pid, &b);
	if (found < 0) {
		state_close(&st);
		return fail();
	}
	if (json)
		print_blob_json(pid, &b, st.ns);
	else if (found)
		print_blob_text(pid, &b, st.ns);
	else
		printf("pid %d: not enrolled (host, unconfined by nslsm)\n", pid);
	state_close(&st);
	return EXIT_OK;
}

static int contid_via_daemon(uint64_t pid, uint64_t id)
{
	char req[128], buf[512] = "";
	ssize_t n;
	int fd;

	snprintf(req, sizeof(req), "CONTID %" PRIu64 " %" PRIu64 "\n", pid, id);
	fd = nslsmd_request(req);
	if (fd < 0)
		return fail();
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	if (strcmp(buf, "OK")) {
		nslsm_fail("%s", !strncmp(buf, "ERR ", 4) ? buf + 4 : "nslsmd did not answer");
		return fail();
	}
	return EXIT_OK;
}

/* nslsm contid set PID ID | contid get PID [--json] */
int cmd_contid(int argc, char **argv)
{
	struct nslsm_task_blob b = {};
	struct nslsm_state st;
	bool set = argc == 4 && !strcmp(argv[1], "set");
	bool json = argc == 4 && !strcmp(argv[1], "get") && !strcmp(argv[3], "--json");
	uint64_t pid, id = 0;
	int found, rc = 0;

	if (!set && !(argc == 3 && !strcmp(argv[1], "get")) && !json)
		return usage_error("contid", "expected 'contid set PID ID' or 'contid get PID'");
	if (parse_u64(argv[2], 1, INT32_MAX, "PID", &pid) || (set && parse_contid(argv[3], &id)))
		return usage_error("contid", "%s", nslsm_error());
	/* Inside a namespace bpf() is refused: ask nslsmd, which checks the
	 * namespace delegates container ids to us. */
	if (set && geteuid() != 0)
		return contid_via_daemon(pid, id);
	if (state_open(&st, true)) {
		if (set && access(nslsmd_socket(), F_OK) == 0)
			return contid_via_daemon(pid, id);
		return fail();
	}
	found = state_get_blob(&st, pid, &b);
	if (found < 0) {
		rc = -1;
	} else if (set) {
		if (!found || !(b.flags & NSLSM_TASK_ENROLLED))
			rc = nslsm_fail("process %" PRIu64 " is not enrolled in a namespace: start it "
					"with 'nslsm run --ns NAME --contid ID'", pid);
		else if (b.n_contids)
			rc = nslsm_fail("process %" PRIu64 " already has container id %" PRIu64
					": container ids are set once", pid, (uint64_t)b.contid[0]);
		else {
			b.contid[0] = id;
			b.n_contids = 1;
			rc = state_set_blob(&st, pid, &b);
		}
	} else if (json) {
		print_blob_json(pid, &b, st.ns);
	} else {
		char ids[256];

		format_contids(&b, ids, sizeof(ids));
		printf("%s\n", found ? ids : "none");
	}
	state_close(&st);
	return rc ? fail() : EXIT_OK;
}
