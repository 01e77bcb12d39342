// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

#define MAX_TESTS 512

static struct {
	const char *name;
	void (*fn)(void);
} tests[MAX_TESTS];
static int n_tests;
static int failures;

void test_register(const char *name, void (*fn)(void))
{
	if (n_tests == MAX_TESTS) {
		fprintf(stderr, "too many tests\n");
		exit(2);
	}
	tests[n_tests].name = name;
	tests[n_tests++].fn = fn;
}

void test_failed(const char *file, int line, const char *what)
{
	fprintf(stderr, "    %s:%d: expected %s\n", file, line, what);
	failures++;
}

void test_failed_contains(const char *file, int line, const char *hay, const char *needle)
{
	fprintf(stderr, "    %s:%d: expected '%s'\n      to contain '%s'\n", file, line, hay, needle);
	failures++;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;

	for (int i = 0; i < n_tests; i++) {
		int status;
		pid_t pid;

		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			tests[i].fn();
			fflush(stdout);
			_exit(failures ? 1 : 0);
		}
		waitpid(pid, &status, 0);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			passed++;
			printf("ok   %s\n", tests[i].name);
		} else {
			failed++;
			printf("FAIL %s%s\n", tests[i].name,
			       WIFSIGNALED(status) ? " (crashed)" : "");
		}
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
