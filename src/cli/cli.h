/* SPDX-License-Identifier: GPL-2.0 */
/* The nslsm command line: one function per command, help texts in main.c. */
#ifndef NSLSM_CLI_H
#define NSLSM_CLI_H

#include <stdbool.h>
#include <stddef.h>

/* Exit statuses. */
#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

int cmd_load(int argc, char **argv);
int cmd_unload(int argc, char **argv);
int cmd_reset(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_modules(int argc, char **argv);
int cmd_ns(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_attr(int argc, char **argv);
int cmd_contid(int argc, char **argv);
int cmd_audit(int argc, char **argv);

int cmd_apparmor(int argc, char **argv);
int cmd_selinux(int argc, char **argv);

/* Print "nslsm: <last error>" and return EXIT_FAIL. */
int fail(void);
/* Print "nslsm CMD: MSG" plus a pointer to --help; return EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print the manual of a command ("ns", "run", ...) to stdout. */
int print_help(const char *cmd);
/* Should apparmor, ns and status go through nslsmd (src/cli/remote.c)?
 * $NSLSM_VIA_NSLSMD=1 or 0 says; else yes when nslsmd's socket is there
 * and nslsm's pins are not (a container) or bpf() is refused (enrolled). */
bool remote_wanted(void);
/* One ADMIN request; nslsmd's output on stdout. Returns an exit status. */
int remote_admin(const char *module, const char *op, const char *ns, char **args, int n_args,
		 const void *payload, size_t len);

/* argv[i] is -h or --help. */
bool is_help(const char *arg);

#endif /* NSLSM_CLI_H */
