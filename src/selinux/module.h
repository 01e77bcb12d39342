/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSLSM_SE_MODULE_H
#define NSLSM_SE_MODULE_H

#include "lib/module.h"

extern const struct nslsm_module selinux_module;

#endif /* NSLSM_SE_MODULE_H */
