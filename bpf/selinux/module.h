/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SELinux's declaration (bpf/lib/module.h): its module id and the hooks it
 * implements. None yet: the policy tables (maps.h), the decision over them
 * (decide.h) and the AVC (avc.h) are in place and asked from user space
 * through the query program (query.h); mediation comes with subjects and
 * object labels. A namespace with the module enabled is therefore decided
 * by its other modules exactly as before.
 */
#ifndef NSLSM_BPF_SELINUX_MODULE_H
#define NSLSM_BPF_SELINUX_MODULE_H

#include "nslsm/selinux.h"

#define selinux_module_id NSLSM_MOD_SELINUX

#include "selinux/maps.h"
#include "selinux/decide.h"
#include "selinux/avc.h"
#include "selinux/query.h"

#endif /* NSLSM_BPF_SELINUX_MODULE_H */
