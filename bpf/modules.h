/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The modules of the kernel side, in the order every hook calls them
 * (bpf/lib/module.h). A new module: its folder bpf/MODULE/ with its
 * declaration (module.h), included here, and its name in this list.
 */
#ifndef NSLSM_BPF_MODULES_H
#define NSLSM_BPF_MODULES_H

#include "yama/module.h"
#include "apparmor/module.h"
#include "selinux/module.h"

#define NSLSM_BPF_MODULES(X, ...) X(yama, __VA_ARGS__) X(apparmor, __VA_ARGS__) \
	X(selinux, __VA_ARGS__)

#endif /* NSLSM_BPF_MODULES_H */
