/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Asking nslsm from inside a container: a task enrolled in an nslsm
 * namespace changes its own AppArmor label with prctl(2), as it would with
 * libapparmor's aa_change_profile(), aa_change_onexec() and aa_change_hat()
 * under the kernel's AppArmor. Header only, no library: copy it into any
 * program (nslsm-aa-exec uses it).
 *
 *   prctl(NSLSM_PRCTL, OP, (unsigned long)name, token, flags)
 *
 * OP is one of enum nslsm_prctl_op; name a NUL-terminated profile or hat
 * name (at most NSLSM_PRCTL_NAME_MAX - 1 bytes); token the change_hat
 * token; flags NSLSM_PRCTL_TEST to ask without changing anything.
 *
 * The answer is always in errno: a BPF LSM program can refuse a system
 * call but not make it succeed, so a request carried out ends with errno
 * NSLSM_PRCTL_DONE. The functions below turn that into 0 and every other
 * answer into -1 with errno:
 *   EINVAL   the task is not confined by nslsm's AppArmor module (the
 *            kernel's own answer to an unknown prctl)
 *   ENOENT   no such profile (or hat) in the task's namespace
 *   ECHILD   change_hat from a profile without hats
 *   EACCES   the task's profile does not allow it; for change_hat, a wrong
 *            token (the task is then killed, as AppArmor does)
 *   EPERM    change_hat while unconfined, to a profile that is not a hat,
 *            or any change that no_new_privs forbids
 *   ENAMETOOLONG, EFAULT  a bad name
 */
#ifndef NSLSM_PRCTL_H
#define NSLSM_PRCTL_H

#define NSLSM_PRCTL 0x6e736c6d		/* "nslm" */
#define NSLSM_PRCTL_DONE 114		/* EALREADY: errno of a request carried out */
#define NSLSM_PRCTL_NAME_MAX 128
#define NSLSM_PRCTL_TEST 0x1		/* flags: check only */

enum nslsm_prctl_op {
	NSLSM_PRCTL_AA_CHANGE_PROFILE = 1,	/* now */
	NSLSM_PRCTL_AA_CHANGE_ONEXEC = 2,	/* at the next exec */
	NSLSM_PRCTL_AA_CHANGE_HAT = 3,		/* name NULL or "": return */
};

#ifndef __bpf__
#include <errno.h>
#include <stdint.h>
#include <sys/prctl.h>

static inline int nslsm_prctl_answer(long rc)
{
	if (rc == -1 && errno == NSLSM_PRCTL_DONE)
		return 0;
	if (rc == 0)
		errno = EINVAL;	/* no nslsm answered */
	return -1;
}

static inline int nslsm_aa_change_profile(const char *profile)
{
	return nslsm_prctl_answer(prctl(NSLSM_PRCTL, NSLSM_PRCTL_AA_CHANGE_PROFILE,
					(unsigned long)profile, 0, 0));
}

static inline int nslsm_aa_change_onexec(const char *profile)
{
	return nslsm_prctl_answer(prctl(NSLSM_PRCTL, NSLSM_PRCTL_AA_CHANGE_ONEXEC,
					(unsigned long)profile, 0, 0));
}

/* Enter hat `hat` (NULL: return to the profile, with the same token). */
static inline int nslsm_aa_change_hat(const char *hat, uint64_t token)
{
	return nslsm_prctl_answer(prctl(NSLSM_PRCTL, NSLSM_PRCTL_AA_CHANGE_HAT,
					(unsigned long)(hat ? hat : ""), (unsigned long)token, 0));
}

/* What a failed request's errno means, for messages. */
static inline const char *nslsm_aa_change_error(int err)
{
	switch (err) {
	case EINVAL:
		return "this process is not confined by nslsm's AppArmor module (not enrolled "
		       "in an nslsm namespace with the apparmor module)";
	case ENOENT:
		return "no such profile or hat in this namespace";
	case ECHILD:
		return "the current profile has no hats";
	case EACCES:
		return "the current profile does not allow it";
	case EPERM:
		return "not allowed: unconfined, not a hat, or no_new_privs is set";
	case EOPNOTSUPP:
		return "stacking ('&PROFILE') is not supported";
	case ENAMETOOLONG:
		return "the name is too long";
	}
	return "unexpected error";
}
#endif /* !__bpf__ */
#endif /* NSLSM_PRCTL_H */
