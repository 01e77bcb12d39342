// SPDX-License-Identifier: GPL-2.0
/* nslsm run | attr */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lib/error.h"
#include "lib/module.h"
#include "lib/ns.h"
#include "lib/parse.h"
#include "lib/state.h"

int cmd_run(int argc, char **argv)
{
	uint32_t labels[NSLSM_MAX_MODULES] = {};
	const char *ns_name = NULL;
	struct nslsm_task_blob blob;
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
			if (!m->labelled)
				return usage_error("run", "module '%s' has no labels", m->name);
			return usage_error("run", "module '%s' cannot resolve labels yet", m->name);
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
	rc = id < 0 || ns_enrol_blob(st.ns, id, contid, labels, &blob) ||
	     state_set_blob(&st, getpid(), &blob);
	state_close(&st);
	if (rc)
		return fail();
	execvp(argv[i + 1], argv + i + 1);
	fprintf(stderr, "nslsm: executing '%s': %s\n", argv[i + 1], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

static void print_blob_text(pid_t pid, const struct nslsm_task_blob *b, const struct nslsm_ns *t)
{
	printf("pid %d: %s%s contid=%" PRIu64 "\n", pid,
	       b->flags & NSLSM_TASK_ENROLLED ? "enrolled" : "not enrolled",
	       b->flags & NSLSM_TASK_PROTECTED ? ", nslsm control process" : "", (uint64_t)b->contid);
	if (!(b->flags & NSLSM_TASK_ENROLLED))
		return;
	for (uint32_t d = 0; d <= b->depth && d < NSLSM_MAX_DEPTH; d++) {
		uint32_t id = b->level[d].ns_id;
		const char *name = id < NSLSM_MAX_NS && ns_in_use(&t[id]) ? t[id].name : "(deleted)";

		printf("  level %u: ns=%s", d, name);
		for (unsigned int m = 0; m < NSLSM_MOD_COUNT; m++) {
			const struct nslsm_module *mod = module_by_id(m);

			if (id < NSLSM_MAX_NS && (t[id].modules & (1u << m)))
				printf(" %s=%s", mod->name, mod->labelled ? "?" : "-");
		}
		printf("\n");
	}
}

static void print_blob_json(pid_t pid, const struct nslsm_task_blob *b, const struct nslsm_ns *t)
{
	printf("{\"pid\":%d,\"enrolled\":%s,\"protected\":%s,\"contid\":%" PRIu64 ",\"levels\":[",
	       pid, b->flags & NSLSM_TASK_ENROLLED ? "true" : "false",
	       b->flags & NSLSM_TASK_PROTECTED ? "true" : "false", (uint64_t)b->contid);
	for (uint32_t d = 0; (b->flags & NSLSM_TASK_ENROLLED) && d <= b->depth && d < NSLSM_MAX_DEPTH;
	     d++) {
		uint32_t id = b->level[d].ns_id;

		printf("%s{\"ns\":\"%s\",\"ns_id\":%u,\"labels\":{", d ? "," : "",
		       id < NSLSM_MAX_NS && ns_in_use(&t[id]) ? t[id].name : "", id);
		for (unsigned int m = 0, n = 0; m < NSLSM_MOD_COUNT; m++)
			if (module_by_id(m)->labelled)
				printf("%s\"%s\":%u", n++ ? "," : "", module_by_id(m)->name,
				       b->level[d].label[m]);
		printf("}}");
	}
	printf("]}\n");
}

int cmd_attr(int argc, char **argv)
{
	struct nslsm_task_blob b = {};
	struct nslsm_state st;
	bool json = false;
	pid_t pid = 0;
	int found;

	if (argc < 2 || strcmp(argv[1], "get"))
		return usage_error("attr", "expected 'attr get [PID] [--json]'");
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
