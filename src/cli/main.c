// SPDX-License-Identifier: GPL-2.0
/* nslsm: entry point, command dispatch and the manual. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lib/error.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis;
	const char *manual;
};

static const struct command commands[] = {
	{ "load", cmd_load, "nslsm load [--verbose]",
	  "Load nslsm into the running kernel: the BPF LSM programs are attached at\n"
	  "every hook of nslsm's hook list and pinned, with all maps, under\n"
	  "/sys/fs/bpf/nslsm. Enforcement then lasts until 'nslsm unload', whatever\n"
	  "happens to the process that loaded it. Loading is all or nothing.\n"
	  "The host namespace is created with no module enabled: nothing is denied\n"
	  "to a task that is not enrolled.\n\n"
	  "Needs root, a kernel with 'bpf' in its active LSM list\n"
	  "(/sys/kernel/security/lsm) and a BPF file system on /sys/fs/bpf.\n\n"
	  "  -v, --verbose   show libbpf's and the verifier's messages\n" },
	{ "unload", cmd_unload, "nslsm unload [--force]",
	  "Detach every nslsm program and remove every pin. Tasks still enrolled would\n"
	  "run unconfined afterwards, so unload refuses while any exists, unless\n"
	  "--force is given.\n\n"
	  "  -f, --force     unload even though enrolled tasks are alive\n" },
	{ "status", cmd_status, "nslsm status [--json]",
	  "Whether nslsm is loaded, the kernel's active LSMs, the hooks attached,\n"
	  "namespaces, enrolled tasks, and the counters (audit records written and\n"
	  "lost, denials, forks refused for lack of memory).\n\n"
	  "      --json      one JSON object\n" },
	{ "modules", cmd_modules, "nslsm modules [--json]",
	  "The modules nslsm can enable per namespace, with their settings, and the\n"
	  "kernel's own active LSM list.\n\n"
	  "      --json      one JSON object\n" },
	{ "ns", cmd_ns,
	  "nslsm ns create NAME [--parent NAME] [--modules LIST] [--parent-label MODULE=LABEL]...\n"
	  "nslsm ns delete NAME\n"
	  "nslsm ns list [--json]\n"
	  "nslsm ns set NAME KEY=VALUE...",
	  "Manage LSM namespaces. Namespaces form a tree rooted at 'host'. A task in\n"
	  "namespace C is allowed only if every enabled module of C allows it AND every\n"
	  "enabled module of every ancestor of C allows it, at the label that ancestor\n"
	  "gave the whole of C (bounded enforcement). Any denial wins.\n\n"
	  "create    --parent NAME          parent namespace (default: host)\n"
	  "          --modules LIST         modules to enable, comma separated (see\n"
	  "                                 'nslsm modules'), or 'none' (default)\n"
	  "          --parent-label M=L     label the parent's module M gives this\n"
	  "                                 namespace (labelled modules only)\n"
	  "delete    refuses while the namespace has tasks or nested namespaces\n"
	  "list      every namespace with its modules, settings and task count\n"
	  "set       change settings, all or none of them:\n"
	  "            modules=LIST                 enabled modules\n"
	  "            MODULE.mode=enforce|complain complain: audit, never deny\n"
	  "            MODULE.KEY=VALUE             a module setting, e.g.\n"
	  "                                         yama.ptrace_scope=2\n"
	  "          'host' is a namespace too: modules enabled there apply to every\n"
	  "          task of the machine.\n\n"
	  "Example:\n"
	  "  nslsm ns create box --modules yama\n"
	  "  nslsm ns set box yama.ptrace_scope=3\n" },
	{ "run", cmd_run, "nslsm run --ns NAME [--contid ID] [--MODULE LABEL]... -- CMD [ARG]...",
	  "Run CMD enrolled in namespace NAME: it and every process or thread it\n"
	  "creates are checked by NAME's modules and by those of NAME's ancestors.\n"
	  "Enrolment survives exec and cannot be undone from inside.\n\n"
	  "  --ns NAME         the namespace (required)\n"
	  "  --contid ID       audit container id carried by every record of the task\n"
	  "                    and its children: 1 to 2^64-2\n"
	  "  --MODULE LABEL    the task's label for a labelled module of NAME\n\n"
	  "Exit status: CMD's, or 126/127 when CMD cannot be executed.\n" },
	{ "attr", cmd_attr, "nslsm attr get [PID] [--json]",
	  "Show every namespace level of a task (default: the process that ran nslsm,\n"
	  "e.g. your shell) with its module labels, its audit container id and flags.\n"
	  "Enrolled tasks cannot use bpf(), so this runs from the host.\n\n"
	  "      --json      one JSON object\n" },
	{ "audit", cmd_audit,
	  "nslsm audit [--ns NAME] [--contid ID] [--follow] [--json] [--log FILE]",
	  "Print audit records: every denial, every complain-mode decision and every\n"
	  "access a policy marks for audit. Records are moved from the kernel's ring\n"
	  "buffer into the log (default " "/var/log/nslsm/audit.log" ", or\n"
	  "$NSLSM_AUDIT_LOG) and printed from there, so every reader sees every record.\n"
	  "Records lost because the ring buffer was full are reported as a\n"
	  "'type=NSLSM_LOST ... lost=N' record.\n\n"
	  "  --ns NAME      only records of tasks in namespace NAME\n"
	  "  --contid ID    only records of container id ID\n"
	  "  --follow       keep printing new records until interrupted\n"
	  "  --json         one JSON object per line\n"
	  "  --log FILE     the log file to use\n\n"
	  "Text records look like the kernel's:\n"
	  "  type=NSLSM msg=audit(1732812345.123:17): nslsm=\"DENIED\" ns=\"box\" contid=42\n"
	  "  module=\"yama\" operation=\"ptrace\" ... pid=123 comm=\"gdb\" error=-1\n" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* A synopsis of several lines, each line after the first indented by `more`. */
static void print_synopsis(FILE *f, const char *first, const char *more, const char *s)
{
	const char *prefix = first;

	while (*s) {
		size_t n = strcspn(s, "\n");

		fprintf(f, "%s%.*s\n", prefix, (int)n, s);
		s += n + (s[n] == '\n');
		prefix = more;
	}
}

static void print_overview(FILE *f)
{
	fprintf(f,
		"nslsm - a Linux security module per container, enforced by BPF LSM\n\n"
		"Usage:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		print_synopsis(f, "  ", "  ", commands[i].synopsis);
	fprintf(f, "\n'nslsm help COMMAND' or 'nslsm COMMAND --help' shows a command's manual.\n"
		   "Every command but 'modules' and 'help' needs root.\n");
}

bool is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

int print_help(const char *cmd)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, cmd)) {
			print_synopsis(stdout, "Usage: ", "       ", commands[i].synopsis);
			printf("\n%s", commands[i].manual);
			return EXIT_OK;
		}
	fprintf(stderr, "nslsm: no command '%s'\n", cmd);
	return EXIT_USAGE;
}

int fail(void)
{
	fprintf(stderr, "nslsm: %s\n", *nslsm_error() ? nslsm_error() : "failed");
	return EXIT_FAIL;
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nslsm %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'nslsm %s --help'.\n", cmd);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_overview(stderr);
		return EXIT_USAGE;
	}
	if (is_help(argv[1])) {
		print_overview(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			print_overview(stdout);
			return EXIT_OK;
		}
		return print_help(argv[2]);
	}
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, argv[1])) {
			for (int a = 2; a < argc && strcmp(argv[a], "--"); a++)
				if (is_help(argv[a]))
					return print_help(argv[1]);
			return commands[i].run(argc - 1, argv + 1);
		}
	fprintf(stderr, "nslsm: unknown command '%s'\n", argv[1]);
	print_overview(stderr);
	return EXIT_USAGE;
}
