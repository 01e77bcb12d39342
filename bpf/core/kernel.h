/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hooks that reach the kernel itself: bpf(), module loading, kexec and
 * policy files. An enrolled task may use none of them: they would let it
 * rewrite its own blob, detach nslsm or run code in the kernel.
 */
#ifndef NSLSM_BPF_CORE_KERNEL_H
#define NSLSM_BPF_CORE_KERNEL_H

static __always_inline int hook_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	struct subject s;

	if (!enrolled_subject(&s))
		return 0;
	return self_deny(&s, NSLSM_HOOK_bpf, cmd, NULL, NULL);
}

static __always_inline int hook_kernel_module_request(char *kmod_name)
{
	struct subject s;

	if (!enrolled_subject(&s))
		return 0;
	return self_deny(&s, NSLSM_HOOK_kernel_module_request, 0, NULL, kmod_name);
}

/* Firmware is the one kind of kernel file an enrolled task may cause to load. */
static __always_inline int hook_kernel_read_file(struct file *file, enum kernel_read_file_id id,
						 bool contents)
{
	struct subject s;

	if (!enrolled_subject(&s) || id == bpf_core_enum_value(enum kernel_read_file_id,
								READING_FIRMWARE))
		return 0;
	return self_deny(&s, NSLSM_HOOK_kernel_read_file, id, NULL,
			 file ? (const char *)BPF_CORE_READ(file, f_path.dentry, d_name.name) : NULL);
}

static __always_inline int hook_kernel_load_data(enum kernel_load_data_id id, bool contents)
{
	struct subject s;

	if (!enrolled_subject(&s) || id == bpf_core_enum_value(enum kernel_load_data_id,
								LOADING_FIRMWARE))
		return 0;
	return self_deny(&s, NSLSM_HOOK_kernel_load_data, id, NULL, NULL);
}

#endif /* NSLSM_BPF_CORE_KERNEL_H */
