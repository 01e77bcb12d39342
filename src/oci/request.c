// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <string.h>
#include <stdlib.h>
#include <jansson.h>

#include "lib/error.h"
#include "lib/module.h"
#include "lib/parse.h"
#include "request.h"

/* "line 3 column 7: ..." of a jansson error, for the message. */
static int json_fail(const char *what, const json_error_t *e)
{
	return nslsm_fail("%s is not valid JSON: line %d column %d: %s", what, e->line, e->column,
			  e->text);
}

int oci_check_id(const char *id)
{
	size_t len = strlen(id);

	if (!len || len > OCI_ID_MAX)
		return nslsm_fail("container id: %s", len ? "longer than 255 bytes" : "empty");
	if (!strcmp(id, ".") || !strcmp(id, ".."))
		return nslsm_fail("container id '%s' is not a name", id);
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_+.-", *p))
			return nslsm_fail("container id '%.64s': character 0x%02x is not allowed "
					  "(letters, digits, '_', '+', '.', '-')", id,
					  (unsigned char)*p);
	return 0;
}

/* A string member of obj: "" and false if absent; an error if not a string
 * or longer than max. */
static int get_string(json_t *obj, const char *key, bool required, char *out, size_t max)
{
	json_t *v = json_object_get(obj, key);

	out[0] = 0;
	if (!v) {
		if (required)
			return nslsm_fail("state: no \"%s\"", key);
		return 0;
	}
	if (!json_is_string(v))
		return nslsm_fail("state: \"%s\" is not a string", key);
	if (json_string_length(v) >= max || strlen(json_string_value(v)) != json_string_length(v))
		return nslsm_fail("state: \"%s\" is longer than %zu bytes or holds a NUL", key,
				  max - 1);
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

int oci_state_parse(const char *buf, size_t len, bool need_pid, struct oci_state *st)
{
	json_error_t e;
	json_t *root, *pid, *ann;
	char version[64];
	int rc = -1;

	memset(st, 0, sizeof(*st));
	if (len > OCI_STATE_MAX)
		return nslsm_fail("state: larger than %u bytes", OCI_STATE_MAX);
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &e);
	if (!root)
		return json_fail("the state on stdin", &e);
	if (!json_is_object(root)) {
		nslsm_fail("state: not a JSON object");
		goto out;
	}
	if (get_string(root, "ociVersion", true, version, sizeof(version)) ||
	    get_string(root, "id", true, st->id, sizeof(st->id)) ||
	    get_string(root, "status", false, st->status, sizeof(st->status)) ||
	    get_string(root, "bundle", true, st->bundle, sizeof(st->bundle)))
		goto out;
	if (oci_check_id(st->id))
		goto out;
	if (st->bundle[0] != '/') {
		nslsm_fail("state: bundle '%.64s' is not an absolute path", st->bundle);
		goto out;
	}
	pid = json_object_get(root, "pid");
	if (pid && (!json_is_integer(pid) || json_integer_value(pid) < 0 ||
		    json_integer_value(pid) > INT32_MAX)) {
		nslsm_fail("state: \"pid\" is not a process id");
		goto out;
	}
	st->pid = pid ? (pid_t)json_integer_value(pid) : 0;
	if (need_pid && st->pid <= 0) {
		nslsm_fail("state: no \"pid\" of the container's process (status '%s')", st->status);
		goto out;
	}
	ann = json_object_get(root, "annotations");
	if (ann && !json_is_object(ann)) {
		nslsm_fail("state: \"annotations\" is not an object");
		goto out;
	}
	st->annotations = json_incref(ann);
	rc = 0;
out:
	json_decref(root);
	return rc;
}

void oci_state_free(struct oci_state *st)
{
	json_decref(st->annotations);
	st->annotations = NULL;
}

int oci_config_annotations(const char *buf, size_t len, struct oci_state *st)
{
	json_error_t e;
	json_t *root, *ann;

	if (len > OCI_CONFIG_MAX)
		return nslsm_fail("config.json: larger than %u bytes", OCI_CONFIG_MAX);
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &e);
	if (!root)
		return json_fail("the bundle's config.json", &e);
	ann = json_is_object(root) ? json_object_get(root, "annotations") : NULL;
	if (!json_is_object(root) || (ann && !json_is_object(ann))) {
		nslsm_fail("config.json: %s", json_is_object(root) ? "\"annotations\" is not an object"
								   : "not a JSON object");
		json_decref(root);
		return -1;
	}
	json_decref(st->annotations);
	st->annotations = json_incref(ann);
	json_decref(root);
	return 0;
}

void oci_default_ns(const char *id, char out[NSLSM_NAME_MAX])
{
	size_t n = strlen("oci-");

	memcpy(out, "oci-", n);
	for (; *id && n < NSLSM_NAME_MAX - 1; id++)
		out[n++] = isalnum((unsigned char)*id) || strchr("_.-", *id) ? *id : '_';
	out[n] = 0;
}

uint64_t oci_default_contid(const char *id)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 0x100000001b3ull;
	return h == 0 || h == UINT64_MAX ? 1 : h;
}

/* Space-separated items of an annotation's value, each duplicated. */
static int split_list(const char *key, const char *value, char **items, int *n)
{
	const char *p = value;

	while (*p) {
		size_t len;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		len = strcspn(p, " ");
		if (*n == OCI_LIST_MAX)
			return nslsm_fail("%s: more than %d items", key, OCI_LIST_MAX);
		if (len > OCI_ITEM_MAX)
			return nslsm_fail("%s: item '%.32s...' is longer than %d bytes", key, p,
					  OCI_ITEM_MAX);
		items[*n] = strndup(p, len);
		if (!items[*n])
			return nslsm_fail("out of memory");
		(*n)++;
		p += len;
	}
	if (!*n)
		return nslsm_fail("%s: the value is empty", key);
	return 0;
}

/* One io.nslsm.* annotation; `name` is the key without the prefix. */
static int parse_one(struct oci_request *r, const char *key, const char *name, const char *v)
{
	char why[512];

	if (!strcmp(name, "ns") || !strcmp(name, "parent")) {
		if (check_ns_name(v))
			goto wrap;
		strcpy(name[0] == 'n' ? r->ns : r->parent, v);
		r->ns_given |= name[0] == 'n';
		return 0;
	}
	if (!strcmp(name, "modules")) {
		if (module_list_parse(v, &r->modules))
			goto wrap;
		r->modules_given = true;
		return 0;
	}
	if (!strcmp(name, "set")) {
		if (split_list(key, v, r->set, &r->n_set))
			return -1;
		for (int i = 0; i < r->n_set; i++) {
			const char *eq = strchr(r->set[i], '=');

			if (!eq || eq == r->set[i])
				return nslsm_fail("%s: '%s' is not KEY=VALUE", key, r->set[i]);
		}
		return 0;
	}
	if (!strcmp(name, "contid")) {
		if (parse_contid(v, &r->contid))
			goto wrap;
		r->contid_given = true;
		return 0;
	}
	if (!strcmp(name, "apparmor.profile")) {
		if (!*v || strlen(v) > OCI_LABEL_MAX)
			return nslsm_fail("%s: a profile name of 1 to %d bytes", key, OCI_LABEL_MAX);
		strcpy(r->aa_profile, v);
		return 0;
	}
	if (!strcmp(name, "apparmor.policy")) {
		if (split_list(key, v, r->policy, &r->n_policy))
			return -1;
		for (int i = 0; i < r->n_policy; i++)
			if (r->policy[i][0] != '/')
				return nslsm_fail("%s: '%s' is not an absolute path (policy comes "
						  "from the host's files)", key, r->policy[i]);
		return 0;
	}
	if (!strncmp(name, "parent-label.", strlen("parent-label."))) {
		const char *mod = name + strlen("parent-label.");
		const struct nslsm_module *m = module_by_name(mod);

		if (!m)
			return nslsm_fail("%s: no module '%s' (see 'nslsm modules')", key, mod);
		if (!m->labelled)
			return nslsm_fail("%s: module '%s' has no labels", key, mod);
		if (!*v || strlen(v) > OCI_LABEL_MAX)
			return nslsm_fail("%s: a label of 1 to %d bytes", key, OCI_LABEL_MAX);
		if (r->n_parent_label == NSLSM_MAX_MODULES)
			return nslsm_fail("%s: more parent labels than modules", key);
		if (asprintf(&r->parent_label[r->n_parent_label], "%s=%s", mod, v) < 0)
			return nslsm_fail("out of memory");
		r->n_parent_label++;
		return 0;
	}
	if (!strcmp(name, "admin")) {
		if (strcmp(v, "0") && strcmp(v, "1"))
			return nslsm_fail("%s: '%s' is neither 0 nor 1", key, v);
		r->admin = v[0] == '1';
		return 0;
	}
	return nslsm_fail("unknown annotation '%s' (io.nslsm.ns, .parent, .modules, .set, "
			  ".contid, .apparmor.profile, .apparmor.policy, .parent-label.MODULE, .admin)",
			  key);
wrap:
	snprintf(why, sizeof(why), "%s", nslsm_error());
	return nslsm_fail("%s: %s", key, why);
}

int oci_request_parse(const struct oci_state *st, struct oci_request *r)
{
	const char *key;
	json_t *v;

	memset(r, 0, sizeof(*r));
	json_object_foreach((json_t *)st->annotations, key, v) {
		const char *s;

		if (strncmp(key, OCI_PREFIX, strlen(OCI_PREFIX)))
			continue;
		if (!json_is_string(v))
			return nslsm_fail("%.64s: the value is not a string", key);
		s = json_string_value(v);
		if (json_string_length(v) > OCI_VALUE_MAX)
			return nslsm_fail("%.64s: the value is longer than %d bytes", key,
					  OCI_VALUE_MAX);
		for (size_t i = 0; i < json_string_length(v); i++)
			if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
				return nslsm_fail("%.64s: the value holds control character 0x%02x",
						  key, (unsigned char)s[i]);
		for (const char *p = key; *p; p++)
			if ((unsigned char)*p <= 0x20 || *p == 0x7f)
				return nslsm_fail("annotation '%.64s': the key holds character "
						  "0x%02x", key, (unsigned char)*p);
		if (parse_one(r, key, key + strlen(OCI_PREFIX), s))
			return -1;
	}
	if (!r->ns_given)
		oci_default_ns(st->id, r->ns);
	if (!r->contid_given)
		r->contid = oci_default_contid(st->id);
	return 0;
}

void oci_request_free(struct oci_request *r)
{
	for (int i = 0; i < r->n_set; i++)
		free(r->set[i]);
	for (int i = 0; i < r->n_policy; i++)
		free(r->policy[i]);
	for (int i = 0; i < r->n_parent_label; i++)
		free(r->parent_label[i]);
	memset(r, 0, sizeof(*r));
}

const char *oci_request_create_only(const struct oci_request *r)
{
	if (r->parent[0])
		return OCI_PREFIX "parent";
	if (r->modules_given)
		return OCI_PREFIX "modules";
	if (r->n_set)
		return OCI_PREFIX "set";
	if (r->n_policy)
		return OCI_PREFIX "apparmor.policy";
	if (r->n_parent_label)
		return OCI_PREFIX "parent-label.MODULE";
	return NULL;
}
