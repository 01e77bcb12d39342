// SPDX-License-Identifier: GPL-2.0
/*
 * nslsm in the kernel: one BPF LSM program per hook of include/nslsm/hooks.def.
 *
 * Each program finds the subject's blob, walks its namespace chain and asks
 * every enabled module (bpf/<module>/) for a verdict; self-protection
 * (bpf/core/) binds every enrolled task whatever its modules.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#include "nslsm/abi.h"
#include "nslsm/hooks.h"

#include "lib/kernel_facts.h"
#include "lib/maps.h"
#include "lib/blob.h"
#include "lib/audit.h"
#include "lib/dispatch.h"

#include "nslsm/apparmor.h"
#include "yama/yama.h"
#include "apparmor/apparmor.h"
#include "apparmor/hooks.h"
#include "apparmor/change.h"
#include "apparmor/mount.h"

#include "core/task.h"
#include "core/ptrace.h"
#include "core/fs.h"
#include "core/net.h"
#include "core/kernel.h"

char LICENSE[] SEC("license") = "GPL";

#define NSLSM_UNPAREN(...) __VA_ARGS__
#define NSLSM_HOOK(NAME, OP, PROTO, ARGS)                                      \
	SEC("lsm/" #NAME)                                                      \
	int BPF_PROG(nslsm_##NAME, NSLSM_UNPAREN PROTO)                        \
	{                                                                      \
		return hook_##NAME ARGS;                                       \
	}
#include "nslsm/hooks.def"
#undef NSLSM_HOOK
