// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "module.h"
#include "yama/yama.h"
#include "apparmor/module.h"
#include "selinux/module.h"

static const struct nslsm_module *const modules[NSLSM_MOD_COUNT] = {
	[NSLSM_MOD_YAMA] = &yama_module,
	[NSLSM_MOD_APPARMOR] = &apparmor_module,
	[NSLSM_MOD_SELINUX] = &selinux_module,
};

const struct nslsm_module *module_by_id(unsigned int id)
{
	return id < NSLSM_MOD_COUNT ? modules[id] : NULL;
}

const struct nslsm_module *module_by_name(const char *name)
{
	for (unsigned int i = 0; i < NSLSM_MOD_COUNT; i++)
		if (!strcmp(modules[i]->name, name))
			return modules[i];
	return NULL;
}

const struct module_key *module_key(const struct nslsm_module *m, const char *key)
{
	for (const struct module_key *k = m->keys; k->name; k++)
		if (!strcmp(k->name, key))
			return k;
	return NULL;
}

int module_mode_set(const struct nslsm_module *m, struct nslsm_ns *ns, const char *value)
{
	if (m->mode)
		return m->mode->set(ns, value);
	if (!strcmp(value, "enforce"))
		ns->complain &= ~(1u << m->id);
	else if (!strcmp(value, "complain"))
		ns->complain |= 1u << m->id;
	else
		return nslsm_fail("%s.mode '%s': expected 'enforce' or 'complain'", m->name, value);
	return 0;
}

void module_mode_format(const struct nslsm_module *m, const struct nslsm_ns *ns, char *buf,
			size_t len)
{
	if (m->mode)
		m->mode->format(ns, buf, len);
	else
		snprintf(buf, len, "%s", ns->complain & (1u << m->id) ? "complain" : "enforce");
}

const char *module_mode_help(const struct nslsm_module *m)
{
	return m->mode ? m->mode->help : "enforce|complain";
}

int module_list_parse(const char *list, uint32_t *mask)
{
	char buf[256], *save = NULL, *tok;

	*mask = 0;
	if (!strcmp(list, "") || !strcmp(list, "none"))
		return 0;
	if (strlen(list) >= sizeof(buf))
		return nslsm_fail("module list '%.32s...' is too long", list);
	strcpy(buf, list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct nslsm_module *m = module_by_name(tok);

		if (!m)
			return nslsm_fail("unknown module '%s' (see 'nslsm modules')", tok);
		if (*mask & (1u << m->id))
			return nslsm_fail("module '%s' is listed twice", tok);
		*mask |= 1u << m->id;
	}
	if (!*mask)
		return nslsm_fail("module list '%s' names no module", list);
	return 0;
}

void module_list_format(uint32_t mask, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < NSLSM_MOD_COUNT; i++)
		if (mask & (1u << i))
			off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
					off ? "," : "", modules[i]->name);
	if (!off)
		snprintf(buf, len, "none");
}
