/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nslsm's modules as user space sees them: names, settings, labels. Each
 * module's user half (src/<module>/) defines one `struct nslsm_module`; this
 * table (src/lib/module.c) is the only place that lists them, and nothing
 * outside src/<module>/ asks which module it is looking at. The kernel
 * half registers itself in bpf/modules.h.
 */
#ifndef NSLSM_MODULE_H
#define NSLSM_MODULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "nslsm/abi.h"

/* One per-namespace setting, set as `nslsm ns set NS MODULE.KEY=VALUE`. */
struct module_key {
	const char *name;
	const char *help;
	/* Validate and store; the error names the value and the range. */
	int (*set)(struct nslsm_ns *ns, const char *value);
	/* The current value, as it would be typed. */
	void (*format)(const struct nslsm_ns *ns, char *buf, size_t len);
};

struct nslsm_module {
	const char *name;
	enum nslsm_module_id id;
	const char *summary;
	/* Tasks carry a label of this module (run --MODULE LABEL). */
	bool labelled;
	const struct module_key *keys;	/* ends with { NULL } */
	/* Its own MODULE.mode setting; NULL: enforce|complain, the module's
	 * bit of nslsm_ns.complain. */
	const struct module_key *mode;
	/* Labelled modules: what a LABEL is, for `nslsm modules`. */
	const char *label_help;
	/* run --MODULE LABEL: NULL, the task has LABEL at once; else the
	 * module enters it in the blob its own way (after the blob is made). */
	void (*run_label)(struct nslsm_task_blob *blob, uint32_t label);
	/* Labelled modules: LABEL (as typed) -> label id in namespace ns_id,
	 * against the policy loaded there. */
	int (*resolve_label)(uint32_t ns_id, const char *spec, uint32_t *label);
	/* Label id -> LABEL, for attr get. */
	void (*format_label)(uint32_t label, char *buf, size_t len);
};

const struct nslsm_module *module_by_name(const char *name);
const struct nslsm_module *module_by_id(unsigned int id);
const struct module_key *module_key(const struct nslsm_module *m, const char *key);
/* MODULE.mode=VALUE on ns; its value as typed; its help. */
int module_mode_set(const struct nslsm_module *m, struct nslsm_ns *ns, const char *value);
void module_mode_format(const struct nslsm_module *m, const struct nslsm_ns *ns, char *buf,
			size_t len);
const char *module_mode_help(const struct nslsm_module *m);
/* "yama,apparmor" -> bit mask; "" and "none" are the empty set. */
int module_list_parse(const char *list, uint32_t *mask);
/* Bit mask -> "yama,apparmor", or "none". */
void module_list_format(uint32_t mask, char *buf, size_t len);

#endif /* NSLSM_MODULE_H */
