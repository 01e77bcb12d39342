/* SPDX-License-Identifier: GPL-2.0 */
/* Hook ids, generated from hooks.def; carried in audit records. */
#ifndef NSLSM_HOOKS_H
#define NSLSM_HOOKS_H

enum nslsm_hook_id {
#define NSLSM_HOOK(NAME, OP, PROTO, ARGS) NSLSM_HOOK_##NAME,
#include "hooks.def"
#undef NSLSM_HOOK
	NSLSM_HOOK_COUNT,
};

#endif /* NSLSM_HOOKS_H */
