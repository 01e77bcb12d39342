/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Yama's declaration (bpf/lib/module.h): its module id, the hooks it
 * implements, all in yama/yama.h (one object family: tasks). Its
 * per-namespace setting is nslsm_ns.yama (ptrace_scope); its state the
 * ptracers map (PR_SET_PTRACER declarations).
 */
#ifndef NSLSM_BPF_YAMA_MODULE_H
#define NSLSM_BPF_YAMA_MODULE_H

#define yama_module_id NSLSM_MOD_YAMA

#define yama_hook_task_free 1
#define yama_hook_task_prctl 1
#define yama_hook_ptrace_access_check 1
#define yama_hook_ptrace_traceme 1

#include "yama/yama.h"

#endif /* NSLSM_BPF_YAMA_MODULE_H */
