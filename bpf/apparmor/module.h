/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AppArmor's declaration (bpf/lib/module.h): its module id and the hooks
 * it implements, by object family. Its per-namespace settings are
 * nslsm_ns.aa_mode and the aa_nsconf map (the namespace's profiles and
 * attachments); its labels the blob's label[NSLSM_MOD_APPARMOR] and aa_*
 * fields.
 */
#ifndef NSLSM_BPF_APPARMOR_MODULE_H
#define NSLSM_BPF_APPARMOR_MODULE_H

#define apparmor_module_id NSLSM_MOD_APPARMOR

/* apparmor/file.h */
#define apparmor_hook_file_open 1
#define apparmor_hook_mmap_file 1
#define apparmor_hook_file_lock 1
#define apparmor_hook_path_unlink 1
#define apparmor_hook_path_rmdir 1
#define apparmor_hook_path_mkdir 1
#define apparmor_hook_path_mknod 1
#define apparmor_hook_path_symlink 1
#define apparmor_hook_path_truncate 1
#define apparmor_hook_path_chmod 1
#define apparmor_hook_path_chown 1
#define apparmor_hook_path_rename 1
#define apparmor_hook_path_link 1
#define apparmor_hook_d_instantiate 1
/* apparmor/net.h */
#define apparmor_hook_socket_create 1
#define apparmor_hook_socket_connect 1
#define apparmor_hook_socket_bind 1
#define apparmor_hook_socket_listen 1
#define apparmor_hook_socket_accept 1
#define apparmor_hook_socket_sendmsg 1
#define apparmor_hook_socket_recvmsg 1
#define apparmor_hook_socket_getsockname 1
#define apparmor_hook_socket_getpeername 1
#define apparmor_hook_socket_getsockopt 1
#define apparmor_hook_socket_setsockopt 1
#define apparmor_hook_socket_shutdown 1
/* apparmor/task.h */
#define apparmor_hook_capable 1
#define apparmor_hook_task_kill 1
#define apparmor_hook_ptrace_access_check 1
#define apparmor_hook_ptrace_traceme 1
/* apparmor/exec.h */
#define apparmor_hook_bprm_creds_for_exec 1
#define apparmor_hook_bprm_committed_creds 1
/* apparmor/change.h */
#define apparmor_hook_task_prctl 1
/* apparmor/mount.h */
#define apparmor_hook_sb_mount 1
#define apparmor_hook_sb_umount 1
#define apparmor_hook_sb_pivotroot 1
#define apparmor_hook_move_mount 1

#include "nslsm/apparmor.h"
#include "apparmor/apparmor.h"
#include "apparmor/label.h"
#include "apparmor/file.h"
#include "apparmor/net.h"
#include "apparmor/task.h"
#include "apparmor/exec.h"
#include "apparmor/change.h"
#include "apparmor/mount.h"

#endif /* NSLSM_BPF_APPARMOR_MODULE_H */
