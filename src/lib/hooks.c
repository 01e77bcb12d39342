// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>

#include "hooks.h"

static const char *const names[NSLSM_HOOK_COUNT] = {
#define NSLSM_HOOK(NAME, OP, PROTO, ARGS) [NSLSM_HOOK_##NAME] = #NAME,
#include "nslsm/hooks.def"
#undef NSLSM_HOOK
};

static const char *const operations[NSLSM_HOOK_COUNT] = {
#define NSLSM_HOOK(NAME, OP, PROTO, ARGS) [NSLSM_HOOK_##NAME] = OP,
#include "nslsm/hooks.def"
#undef NSLSM_HOOK
};

const char *hook_name(unsigned int id)
{
	return id < NSLSM_HOOK_COUNT ? names[id] : NULL;
}

const char *hook_operation(unsigned int id)
{
	return id < NSLSM_HOOK_COUNT ? operations[id] : "unknown";
}
