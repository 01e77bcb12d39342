/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SELinux's declaration (bpf/lib/module.h): its module id and the hooks it
 * implements. The policy tables (maps.h), the decision over them
 * (decide.h) and the AVC (avc.h) are in place and asked from user space
 * through the query program (query.h); file labels come from the core's
 * object-label store (file.h). Nothing is mediated yet: d_instantiate
 * only looks the inode's SID up. A namespace with the module enabled is
 * therefore decided by its other modules exactly as before.
 */
#ifndef NSLSM_BPF_SELINUX_MODULE_H
#define NSLSM_BPF_SELINUX_MODULE_H

#include "nslsm/selinux.h"

#define selinux_module_id NSLSM_MOD_SELINUX

/* selinux/file.h */
#define selinux_hook_d_instantiate 1

#include "selinux/maps.h"
#include "selinux/decide.h"
#include "selinux/avc.h"
#include "selinux/query.h"
#include "selinux/file.h"

#endif /* NSLSM_BPF_SELINUX_MODULE_H */
