/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSLSM_AA_MODULE_H
#define NSLSM_AA_MODULE_H

#include "lib/module.h"

extern const struct nslsm_module apparmor_module;

#endif /* NSLSM_AA_MODULE_H */
