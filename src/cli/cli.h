/* SPDX-License-Identifier: GPL-2.0 */
/* The nslsm command line: one function per command, help texts in main.c. */
#ifndef NSLSM_CLI_H
#define NSLSM_CLI_H

#include <stdbool.h>

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
/* argv[i] is -h or --help. */
bool is_help(const char *arg);

#endif /* NSLSM_CLI_H */
