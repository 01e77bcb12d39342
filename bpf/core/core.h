/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hooks the core itself implements (core_hook_NAME, as a module
 * declares its own: bpf/lib/module.h): self-protection, the namespace
 * boundary, blob inheritance, nslsmd's peers, network audit. Each calls
 * the modules (modules_NAME) where they decide. A hook of
 * include/nslsm/hooks.def that is not listed here goes straight to the
 * modules.
 */
#ifndef NSLSM_BPF_CORE_CORE_H
#define NSLSM_BPF_CORE_CORE_H

/* core/task.h */
#define core_hook_task_alloc 1
/* core/ptrace.h */
#define core_hook_ptrace_access_check 1
#define core_hook_ptrace_traceme 1
#define core_hook_task_kill 1
/* core/boundary.h */
#define core_hook_task_setnice 1
#define core_hook_task_setioprio 1
#define core_hook_task_setscheduler 1
#define core_hook_task_setrlimit 1
#define core_hook_task_setpgid 1
#define core_hook_task_movememory 1
#define core_hook_file_set_fowner 1
#define core_hook_file_send_sigiotask 1
#define core_hook_file_free_security 1
/* core/fs.h */
#define core_hook_file_open 1
#define core_hook_inode_free_security 1
#define core_hook_inode_unlink 1
#define core_hook_inode_rmdir 1
#define core_hook_inode_rename 1
#define core_hook_sb_umount 1
/* core/net.h */
#define core_hook_socket_connect 1
#define core_hook_socket_bind 1
/* core/kernel.h */
#define core_hook_bpf 1
#define core_hook_kernel_module_request 1
#define core_hook_kernel_read_file 1
#define core_hook_kernel_load_data 1
/* core/peer.h */
#define core_hook_unix_stream_connect 1

#include "core/task.h"
#include "core/boundary.h"
#include "core/ptrace.h"
#include "core/fs.h"
#include "core/net.h"
#include "core/kernel.h"
#include "core/peer.h"

#endif /* NSLSM_BPF_CORE_CORE_H */
