// SPDX-License-Identifier: GPL-2.0
/*
 * SELinux as user space's module table sees it. Its state is not in
 * nslsm_ns but in its own maps (src/selinux/store.c): `nslsm selinux
 * load|setenforce|setbool` change it, as selinuxfs does for the kernel's.
 * A namespace starts permissive with no policy. Tasks get no SELinux label
 * yet (run --selinux comes with the mediating hooks).
 */
#include <stdio.h>

#include "lib/error.h"
#include "selinux/module.h"

/* Enforcing or permissive is the namespace's SELinux state, as setenforce
 * sets it for the kernel's: not a namespace setting. */
static int set_mode(struct nslsm_ns *ns, const char *value)
{
	return nslsm_fail("selinux.mode: SELinux's mode is set with 'nslsm selinux setenforce "
			  "NS 0|1' and shown by 'nslsm selinux getenforce NS'");
}

static void format_mode(const struct nslsm_ns *ns, char *buf, size_t len)
{
	snprintf(buf, len, "see 'nslsm selinux getenforce'");
}

static const struct module_key selinux_mode = {
	.name = "mode",
	.help = "set by 'nslsm selinux setenforce NS 0|1' (a namespace starts permissive)",
	.set = set_mode,
	.format = format_mode,
};

static const struct module_key selinux_keys[] = {
	{ .name = NULL },
};

const struct nslsm_module selinux_module = {
	.name = "selinux",
	.id = NSLSM_MOD_SELINUX,
	.summary = "SELinux binary policies (refpolicy, CIL via secilc) per namespace, with its "
		   "own enforce mode, booleans and AVC; decisions so far through 'nslsm selinux "
		   "check NS', no hook mediates yet",
	.keys = selinux_keys,
	.mode = &selinux_mode,
};
