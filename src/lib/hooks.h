/* SPDX-License-Identifier: GPL-2.0 */
/* Names of hooks and of the operations they mediate, from hooks.def. */
#ifndef NSLSM_HOOK_NAMES_H
#define NSLSM_HOOK_NAMES_H

#include "nslsm/hooks.h"

/* "file_open"; NULL if id is out of range. */
const char *hook_name(unsigned int id);
/* "open", the audit record's operation; "unknown" if out of range. */
const char *hook_operation(unsigned int id);

#endif /* NSLSM_HOOK_NAMES_H */
