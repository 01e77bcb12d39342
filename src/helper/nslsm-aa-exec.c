// SPDX-License-Identifier: GPL-2.0
/*
 * nslsm-aa-exec: run a command under an AppArmor profile, from inside an
 * nslsm namespace, the way aa-exec does under the kernel's AppArmor.
 * Static and self-contained: copy it into a container image.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nslsm/prctl.h"

static const char usage[] =
	"usage: nslsm-aa-exec [-p PROFILE] [-i] [-v] [--] COMMAND [ARG...]\n"
	"\n"
	"Run COMMAND under AppArmor profile PROFILE of the nslsm namespace this\n"
	"process is enrolled in. The current profile must allow the change\n"
	"(a 'change_profile -> PROFILE' rule); an unconfined process may enter any\n"
	"profile of its namespace. Without -p, COMMAND runs under the current\n"
	"profile's exec rules.\n"
	"\n"
	"  -p PROFILE   the profile (change_onexec: COMMAND is checked against the\n"
	"               rule's executable condition at exec)\n"
	"  -i           change now (change_profile), then exec COMMAND under the\n"
	"               new profile's exec rules\n"
	"  -v           say what is done\n"
	"  -h, --help   this text\n"
	"\n"
	"Exit status: COMMAND's; 1 when the change is refused (the reason is\n"
	"printed), 2 on bad usage, 126/127 when COMMAND cannot be executed.\n";

int main(int argc, char **argv)
{
	const char *profile = NULL;
	int immediate = 0, verbose = 0, i, rc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "-p")) {
			if (++i >= argc) {
				fprintf(stderr, "nslsm-aa-exec: -p needs a profile name\n%s", usage);
				return 2;
			}
			profile = argv[i];
		} else if (!strcmp(argv[i], "-i")) {
			immediate = 1;
		} else if (!strcmp(argv[i], "-v")) {
			verbose = 1;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "nslsm-aa-exec: unknown option '%s'\n%s", argv[i], usage);
			return 2;
		} else {
			break;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "nslsm-aa-exec: no command given\n%s", usage);
		return 2;
	}
	if (profile) {
		if (!*profile || strlen(profile) >= NSLSM_PRCTL_NAME_MAX) {
			fprintf(stderr, "nslsm-aa-exec: bad profile name '%s'\n", profile);
			return 2;
		}
		if (verbose)
			fprintf(stderr, "nslsm-aa-exec: %s profile '%s'\n",
				immediate ? "changing to" : "exec under", profile);
		rc = immediate ? nslsm_aa_change_profile(profile)
			       : nslsm_aa_change_onexec(profile);
		if (rc) {
			int e = errno;

			fprintf(stderr, "nslsm-aa-exec: cannot change to profile '%s': %s (%s)\n",
				profile, nslsm_aa_change_error(e), strerror(e));
			return 1;
		}
	}
	if (verbose)
		fprintf(stderr, "nslsm-aa-exec: exec %s\n", argv[i]);
	execvp(argv[i], argv + i);
	rc = errno;
	fprintf(stderr, "nslsm-aa-exec: cannot execute '%s': %s\n", argv[i], strerror(rc));
	return rc == ENOENT ? 127 : 126;
}
