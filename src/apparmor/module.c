// SPDX-License-Identifier: GPL-2.0
/* The AppArmor module as user space sees it: name, settings, labels. */
#include <stdio.h>

#include "lib/error.h"
#include "module.h"
#include "store.h"

static int resolve_label(uint32_t ns_id, const char *spec, uint32_t *label)
{
	struct aa_pools pl;
	int rc;

	if (aa_pools_open(&pl))
		return -1;
	rc = aa_store_label(&pl, ns_id, spec, label);
	aa_pools_close(&pl);
	return rc;
}

static void format_label(uint32_t label, char *buf, size_t len)
{
	struct aa_pools pl;

	if (!label) {
		snprintf(buf, len, "unconfined");
		return;
	}
	if (aa_pools_open(&pl)) {
		snprintf(buf, len, "%u", label);
		return;
	}
	aa_store_label_name(&pl, label, buf, len);
	aa_pools_close(&pl);
}

static const struct module_key apparmor_keys[] = {
	{ .name = NULL },
};

const struct nslsm_module apparmor_module = {
	.name = "apparmor",
	.id = NSLSM_MOD_APPARMOR,
	.summary = "AppArmor profiles, compiled by apparmor_parser, per namespace",
	.labelled = true,
	.keys = apparmor_keys,
	.resolve_label = resolve_label,
	.format_label = format_label,
};
