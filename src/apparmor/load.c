// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/io.h"
#include "load.h"

#define MAX_POLICY_BYTES (64u << 20)

int aa_features_file(const char *given, char *out, size_t len)
{
	char exe[PATH_MAX - 64], *slash;
	ssize_t n;
	const char *env = getenv("NSLSM_AA_FEATURES");

	if (given || env) {
		snprintf(out, len, "%s", given ? given : env);
		if (access(out, R_OK))
			return nslsm_fail_errno(errno, "AppArmor features file %s", out);
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			/* the source tree (build/), PREFIX/bin, PREFIX/libexec/nslsm */
			static const char *const rel[] = {
				"/../share/apparmor", "/../share/nslsm/apparmor",
				"/../../share/nslsm/apparmor",
			};

			for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
				snprintf(out, len, "%s%s/features-6.1", exe, rel[i]);
				if (!access(out, R_OK))
					return 0;
			}
		}
	}
	snprintf(out, len, "/usr/share/nslsm/apparmor/features-6.1");
	if (!access(out, R_OK))
		return 0;
	return nslsm_fail("no AppArmor features file: give --features FILE or set "
			  "NSLSM_AA_FEATURES");
}

/* A binary policy starts with the named u32 "version". */
static bool is_binary_policy(const char *b, size_t n)
{
	return n >= 12 && b[0] == 4 && b[1] == 8 && b[2] == 0 && !memcmp(b + 3, "version", 8);
}

/* Compile a profile with apparmor_parser -S -Q; its stderr goes to ours. */
static int compile(const char *file, const char *features, char **out, size_t *len)
{
	int pipefd[2], status, rc;
	pid_t pid;

	if (pipe(pipefd) < 0)
		return nslsm_fail_errno(errno, "pipe");
	pid = fork();
	if (pid < 0)
		return nslsm_fail_errno(errno, "fork");
	if (!pid) {
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		close(pipefd[1]);
		execlp("apparmor_parser", "apparmor_parser", "-S", "-Q", "-q", "-K", "-M", features,
		       file, (char *)NULL);
		fprintf(stderr, "nslsm: running apparmor_parser: %s (install the 'apparmor' "
				"package)\n", strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	rc = read_bounded(pipefd[0], "apparmor_parser's output", MAX_POLICY_BYTES, out, len);
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc)
		return rc;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		free(*out);
		return nslsm_fail("%s: apparmor_parser could not compile it (its messages are "
				  "above); nothing was loaded", file);
	}
	return 0;
}

int aa_policy_binary_from_file(const char *file, const char *features, char **out, size_t *len)
{
	char *buf = NULL;
	int fd, rc;

	*len = 0;
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nslsm_fail_errno(errno, "%s", file);
	rc = read_bounded(fd, file, MAX_POLICY_BYTES, &buf, len);
	close(fd);
	if (rc)
		return rc;
	if (!is_binary_policy(buf, *len)) {
		free(buf);
		if (compile(file, features, &buf, len))
			return -1;
	}
	*out = buf;
	return 0;
}

int aa_policy_from_file(const char *file, const char *features, struct aa_policy *all)
{
	struct aa_policy one;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (aa_policy_binary_from_file(file, features, &buf, &len))
		return -1;
	rc = aa_policy_unpack(buf, len, file, &one);
	free(buf);
	if (rc)
		return rc;
	if (one.n) {
		struct aa_profile *g = realloc(all->profiles, (all->n + one.n) * sizeof(*g));

		if (!g) {
			aa_policy_free(&one);
			return nslsm_fail("out of memory");
		}
		all->profiles = g;
		memcpy(all->profiles + all->n, one.profiles, one.n * sizeof(*g));
		all->n += one.n;
		free(one.profiles);
	}
	return 0;
}
