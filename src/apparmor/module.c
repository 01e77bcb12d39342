// SPDX-License-Identifier: GPL-2.0
/* The AppArmor module as user space sees it: name, settings, labels. */
#include <stdio.h>
#include <string.h>

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

/* AppArmor decides per profile; the namespace's mode overrides every one. */
static int set_mode(struct nslsm_ns *ns, const char *value)
{
	if (!strcmp(value, "enforce"))
		ns->aa_mode = NSLSM_AA_NS_ENFORCE;
	else if (!strcmp(value, "complain"))
		ns->aa_mode = NSLSM_AA_NS_COMPLAIN;
	else if (!strcmp(value, "profile"))
		ns->aa_mode = NSLSM_AA_NS_PROFILE;
	else
		return nslsm_fail("apparmor.mode '%s': expected 'enforce', 'complain' or "
				  "'profile' (each profile's own flags)", value);
	return 0;
}

static void format_mode(const struct nslsm_ns *ns, char *buf, size_t len)
{
	snprintf(buf, len, "%s",
		 ns->aa_mode == NSLSM_AA_NS_ENFORCE    ? "enforce"
		 : ns->aa_mode == NSLSM_AA_NS_COMPLAIN ? "complain"
						       : "profile");
}

static const struct module_key apparmor_mode = {
	.name = "mode",
	.help = "enforce|complain|profile (profile: each profile's own flags)",
	.set = set_mode,
	.format = format_mode,
};

/* run --apparmor: the label is entered at the exec of CMD, as aa-exec does
 * (change_onexec): CMD itself need not be executable under the profile. */
static void run_label(struct nslsm_task_blob *blob, uint32_t label)
{
	blob->aa_onexec = label;
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
	.mode = &apparmor_mode,
	.label_help = "a loaded profile, or a stack 'A//&B' (run --apparmor, ns create "
		      "--parent-label apparmor=...)",
	.run_label = run_label,
	.resolve_label = resolve_label,
	.format_label = format_label,
};
