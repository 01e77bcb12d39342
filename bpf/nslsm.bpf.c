// SPDX-License-Identifier: GPL-2.0
/*
 * nslsm in the kernel: one BPF LSM program per hook of include/nslsm/hooks.def.
 *
 * Each program finds the subject's blob, walks its namespace chain and asks
 * every enabled module (bpf/<module>/, listed in bpf/modules.h) for a
 * verdict (bpf/lib/module.h); self-protection and the namespace boundary
 * (bpf/core/) bind every enrolled task whatever its modules.
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
#include "lib/objlabel.h"

#include "modules.h"
#include "lib/module.h"
#include "core/core.h"

char LICENSE[] SEC("license") = "GPL";

/* A verdict is 0 or -errno. Kernels since 6.x refuse to load an LSM
 * program whose return value they cannot bound to [-MAX_ERRNO, 0], and a
 * global function's result is unbounded to the verifier. */
static __always_inline int nslsm_verdict(int rc)
{
	long v = rc;

	/* bound the sign-extended register itself, the one returned */
	asm volatile("" : "+r"(v));
	if (v > 0)
		return 0;
	if (v < -4095)
		return -EPERM;
	return v;
}

/* The core's hook where it has one (bpf/core/core.h), else the modules'. */
#define NSLSM_HOOK(NAME, OP, PROTO, ARGS)                                      \
	SEC("lsm/" #NAME)                                                      \
	int BPF_PROG(nslsm_##NAME, NSLSM_UNPAREN PROTO)                        \
	{                                                                      \
		NSLSM_IF_ELSE(NSLSM_IMPLEMENTS(core, NAME))(                   \
			return nslsm_verdict(hook_##NAME ARGS);)(              \
			struct subject s = {};                                 \
			return nslsm_verdict(modules_##NAME(&s, NSLSM_UNPAREN ARGS));) \
	}
#include "nslsm/hooks.def"
#undef NSLSM_HOOK
