// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apparmor/policy.h"
#include "lib/error.h"
#include "tree.h"

/* ---- features/ ---- */

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

/* At s: "NAME {" (spaces allowed before '{')? *name_len its length. */
static bool entry_head(const char *s, const char *end, size_t *name_len, const char **body)
{
	const char *p = s;

	while (p < end && name_char(*p))
		p++;
	if (p == s)
		return false;
	*name_len = p - s;
	while (p < end && *p == ' ')
		p++;
	if (p == end || *p != '{')
		return false;
	*body = p + 1;
	return true;
}

static void skip_space(const char **p, const char *end)
{
	while (*p < end && isspace((unsigned char)**p))
		(*p)++;
}

static int parse_entries(const char **p, const char *end, struct aafs_node *dir, int depth);

/* One "NAME {...}" at *p into a new child of dir. */
static int parse_entry(const char **p, const char *end, struct aafs_node *dir, int depth)
{
	const char *body, *q;
	struct aafs_node *n, *g;
	size_t name_len;

	if (!entry_head(*p, end, &name_len, &body))
		return nslsm_fail("features: expected 'name {' at '%.*s'", (int)(end - *p > 20 ? 20 : end - *p), *p);
	g = realloc(dir->child, (dir->n + 1) * sizeof(*g));
	if (!g)
		return nslsm_fail("out of memory");
	dir->child = g;
	n = &dir->child[dir->n++];
	memset(n, 0, sizeof(*n));
	n->name = strndup(*p, name_len);
	if (!n->name)
		return nslsm_fail("out of memory");
	for (size_t k = 0; k < dir->n - 1; k++)
		if (!strcmp(dir->child[k].name, n->name))
			return nslsm_fail("features: '%s' given twice", n->name);
	/* a directory when an entry follows, else a file up to its '}' */
	q = body;
	skip_space(&q, end);
	{
		size_t l;
		const char *b;

		if (entry_head(q, end, &l, &b)) {
			n->dir = true;
			*p = q;
			return parse_entries(p, end, n, depth + 1);
		}
	}
	q = memchr(body, '}', end - body);
	if (!q)
		return nslsm_fail("features: '%s' has no closing '}'", n->name);
	if (memchr(body, '{', q - body))
		return nslsm_fail("features: '%s': '{' in a file's content", n->name);
	n->len = q - body;
	n->text = strndup(body, n->len);
	if (!n->text)
		return nslsm_fail("out of memory");
	*p = q + 1;
	return 0;
}

/* Entries up to a closing '}' (depth > 0) or the end (depth 0). */
static int parse_entries(const char **p, const char *end, struct aafs_node *dir, int depth)
{
	if (depth > 16)
		return nslsm_fail("features: nested deeper than 16");
	for (;;) {
		skip_space(p, end);
		if (*p == end) {
			if (depth)
				return nslsm_fail("features: '%s' has no closing '}'", dir->name);
			return 0;
		}
		if (**p == '}') {
			if (!depth)
				return nslsm_fail("features: '}' without its '{'");
			(*p)++;
			return 0;
		}
		if (parse_entry(p, end, dir, depth))
			return -1;
	}
}

int aafs_features_parse(const char *buf, size_t len, struct aafs_node *root)
{
	const char *p = buf;

	memset(root, 0, sizeof(*root));
	root->dir = true;
	root->name = strdup("features");
	if (!root->name)
		return nslsm_fail("out of memory");
	if (memchr(buf, 0, len) || parse_entries(&p, buf + len, root, 0)) {
		if (memchr(buf, 0, len))
			nslsm_fail("features: a NUL byte");
		aafs_features_free(root);
		return -1;
	}
	return 0;
}

void aafs_features_free(struct aafs_node *root)
{
	if (!root)
		return;
	for (size_t i = 0; i < root->n; i++)
		aafs_features_free(&root->child[i]);
	free(root->child);
	free(root->name);
	free(root->text);
	memset(root, 0, sizeof(*root));
}

const struct aafs_node *aafs_features_lookup(const struct aafs_node *root, const char *path)
{
	const struct aafs_node *n = root;

	while (*path) {
		const char *slash = strchr(path, '/');
		size_t l = slash ? (size_t)(slash - path) : strlen(path);
		const struct aafs_node *next = NULL;

		if (!n->dir)
			return NULL;
		for (size_t i = 0; i < n->n; i++)
			if (strlen(n->child[i].name) == l && !strncmp(n->child[i].name, path, l))
				next = &n->child[i];
		if (!next)
			return NULL;
		n = next;
		path += l;
		if (*path == '/')
			path++;
	}
	return n;
}

/* ---- policy ---- */

/* The kernel's verify_header: the first element is the u32 "version",
 * whose ABI bits (0x3ff) lie in v5..v9. */
static bool header_supported(const char *b, size_t n)
{
	uint32_t v;

	if (n < 16 || b[0] != 4 || b[1] != 8 || b[2] != 0 || memcmp(b + 3, "version", 8) ||
	    b[11] != 2)
		return false;
	v = (uint8_t)b[12] | (uint8_t)b[13] << 8 | (uint8_t)b[14] << 16 | (uint32_t)(uint8_t)b[15] << 24;
	v &= 0x3ff;
	return v >= 5 && v <= 9;
}

static void full_name(const struct aa_profile *p, char *buf, size_t len)
{
	if (p->ns)
		snprintf(buf, len, ":%s:%s", p->ns, p->name);
	else
		snprintf(buf, len, "%s", p->name);
}

static bool in_set(const struct aa_policy *pol, const char *name)
{
	char full[NSLSM_AA_NAME_MAX + 64];

	for (size_t i = 0; i < pol->n; i++) {
		full_name(&pol->profiles[i], full, sizeof(full));
		if (!strcmp(full, name))
			return true;
	}
	return false;
}

static int load_or_replace(struct aa_pools *pl, uint32_t ns_id, const char *ns_name,
			   enum aa_change op, const char *buf, size_t len)
{
	struct aa_policy pol = { 0 };
	char full[NSLSM_AA_NAME_MAX + 64];
	int rc = -EPROTO;

	if (!header_supported(buf, len)) {
		nslsm_fail("not an AppArmor binary policy of interface version 5 to 9 (the "
			   "stream must start with the u32 'version')");
		return -EPROTONOSUPPORT;
	}
	rc = aa_policy_unpack(buf, len, "the policy written", &pol);
	if (rc)
		return rc == -EPROTONOSUPPORT ? rc : -EPROTO;
	for (size_t i = 0; i < pol.n; i++) {
		const struct aa_profile *p = &pol.profiles[i];
		const char *sep;

		full_name(p, full, sizeof(full));
		if (strlen(full) >= NSLSM_AA_NAME_MAX) {
			nslsm_fail("profile '%s': name longer than %d bytes", full,
				   NSLSM_AA_NAME_MAX - 1);
			rc = -ENOMEM;
			goto out;
		}
		if (op == AA_LOAD && aa_store_find(pl, ns_id, full)) {
			nslsm_fail("profile '%s' is loaded already (write to .replace)", full);
			rc = -EEXIST;
			goto out;
		}
		/* "a//b": its parent in this write or loaded */
		sep = strstr(full, "//");
		if (sep && full[0] != ':') {
			char parent[NSLSM_AA_NAME_MAX];

			snprintf(parent, sizeof(parent), "%.*s", (int)(sep - full), full);
			if (!in_set(&pol, parent) && !aa_store_find(pl, ns_id, parent)) {
				nslsm_fail("profile '%s': its parent '%s' is not loaded", full, parent);
				rc = -ENOENT;
				goto out;
			}
		}
	}
	/* what is left to fail is room in the pools */
	rc = aa_store_apply(pl, ns_id, ns_name, op, &pol, NULL, 0) ? -ENOMEM : 0;
out:
	aa_policy_free(&pol);
	return rc;
}

static int remove_names(struct aa_pools *pl, uint32_t ns_id, const char *ns_name, const char *buf,
			size_t len)
{
	char name[AAFS_REMOVE_MAX + 1];
	char **names = NULL;
	int n = 0, rc;

	/* the kernel takes the bytes as a C string: up to a NUL */
	if (len > AAFS_REMOVE_MAX) {
		nslsm_fail(".remove: a name of %zu bytes (at most %u)", len, AAFS_REMOVE_MAX);
		return -ENOENT;
	}
	memcpy(name, buf, len);
	name[len] = 0;
	if (!name[0]) {
		nslsm_fail(".remove: no profile named");
		return -ENOENT;
	}
	if (name[0] == ':' && name[strlen(name) - 1] == ':' && strlen(name) > 2) {
		/* ":ns:": every profile of that AppArmor policy namespace */
		size_t l = strlen(name);

		names = calloc(NSLSM_AA_MAX_PROFILES, sizeof(*names));
		if (!names)
			return -ENOMEM;
		for (uint32_t i = 1; i < NSLSM_AA_MAX_PROFILES; i++) {
			const struct nslsm_aa_profile *p = &pl->profiles[i];

			if ((p->flags & NSLSM_AA_P_IN_USE) && p->ns_id == ns_id &&
			    !strncmp(p->name, name, l) && !strstr(p->name + l, "//"))
				names[n++] = (char *)p->name;
		}
		if (!n) {
			free(names);
			nslsm_fail(".remove: policy namespace '%s' has no profile", name);
			return -ENOENT;
		}
	} else {
		if (!aa_store_find(pl, ns_id, name)) {
			nslsm_fail(".remove: profile '%s' is not loaded", name);
			return -ENOENT;
		}
		names = calloc(1, sizeof(*names));
		if (!names)
			return -ENOMEM;
		names[n++] = name;
	}
	/* names point into the pools: apply copies what it needs first */
	{
		char **copy = calloc(n, sizeof(*copy));

		rc = copy ? 0 : -ENOMEM;
		for (int i = 0; !rc && i < n; i++) {
			copy[i] = strndup(names[i], NSLSM_AA_NAME_MAX);
			if (!copy[i])
				rc = -ENOMEM;
		}
		if (!rc)
			rc = aa_store_apply(pl, ns_id, ns_name, AA_REMOVE, NULL, copy, n) ? -ENOMEM : 0;
		for (int i = 0; copy && i < n; i++)
			free(copy[i]);
		free(copy);
	}
	free(names);
	return rc;
}

int aafs_policy_write(struct aa_pools *pl, uint32_t ns_id, const char *ns_name, enum aa_change op,
		      const char *buf, size_t len)
{
	if (ns_id >= NSLSM_MAX_NS) {
		nslsm_fail("bad namespace id %u", ns_id);
		return -EINVAL;
	}
	if (op == AA_REMOVE)
		return remove_names(pl, ns_id, ns_name, buf, len);
	return load_or_replace(pl, ns_id, ns_name, op, buf, len);
}

/* ---- .access ---- */

#define ALL_PERMS 0xffffffffu

struct query_perms {
	uint32_t allow, deny, audit, quiet;
};

/* One profile's say on a file path, combined as aa_perms_accum_raw does. */
static void profile_file_query(const struct aa_pools *pl, uint32_t id, const char *path, bool owner,
			       struct query_perms *acc)
{
	const struct nslsm_aa_profile *p = &pl->profiles[id];
	struct nslsm_aa_perms f = { 0 };
	struct query_perms t;

	if (p->mode == NSLSM_AA_UNCONFINED)
		return;
	if (p->file.nstates)
		f = aa_store_file_perms(pl, id, path, owner);
	t.allow = f.allow;
	t.deny = 0;
	t.audit = f.audit;
	t.quiet = f.quiet;
	/* aa_apply_modes_to_perms: audit all */
	if (p->flags & NSLSM_AA_P_AUDIT_ALL) {
		t.audit = ALL_PERMS;
		t.quiet = 0;
	}
	acc->deny |= t.deny;
	acc->allow &= t.allow & ~t.deny;
	acc->audit |= t.audit;
	acc->quiet &= t.quiet;
}

/* LABEL ("A", "A//&B") -> profile slots of ns_id; "unconfined" is none. */
static int label_profiles(const struct aa_pools *pl, uint32_t ns_id, const char *label,
			  uint32_t *ids, int max)
{
	char buf[AAFS_QUERY_MAX + 1], *s = buf, *sep;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", label);
	/* a trailing " (mode)" as /proc/PID/attr/current prints it */
	sep = strstr(buf, " (");
	if (sep && buf[strlen(buf) - 1] == ')')
		*sep = 0;
	if (!strcmp(buf, "unconfined"))
		return 0;
	for (;;) {
		sep = strstr(s, "//&");
		if (sep)
			*sep = 0;
		if (!*s || n == max) {
			nslsm_fail(".access: label '%s' is malformed", label);
			return -EINVAL;
		}
		ids[n] = aa_store_find(pl, ns_id, s);
		if (!ids[n]) {
			nslsm_fail(".access: label '%s': no profile '%s'", label, s);
			return -ENOENT;
		}
		n++;
		if (!sep)
			return n;
		s = sep + 3;
	}
}

static int query_label(const struct aa_pools *pl, uint32_t ns_id, const char *q, size_t len,
		       bool owner, char *out, size_t outlen)
{
	size_t label_len = strnlen(q, len);
	const char *match;
	size_t match_len;
	uint32_t ids[NSLSM_AA_MAX_STACK];
	struct query_perms acc = { ALL_PERMS, 0, 0, ALL_PERMS };
	char path[AAFS_QUERY_MAX + 1];
	int n;

	if (!label_len || label_len == len) {
		nslsm_fail(".access: no label, or no NUL after it");
		return -EINVAL;
	}
	match = q + label_len + 1;
	match_len = len - label_len - 1;
	n = label_profiles(pl, ns_id, q, ids, NSLSM_AA_MAX_STACK);
	if (n < 0)
		return n;
	if (n) {
		if (!match_len || (uint8_t)match[0] != AA_CLASS_FILE) {
			nslsm_fail(".access: only file queries (class %d) are served", AA_CLASS_FILE);
			return -EPROTONOSUPPORT;
		}
		if (memchr(match + 1, 0, match_len - 1)) {
			nslsm_fail(".access: a NUL inside the path");
			return -EINVAL;
		}
		memcpy(path, match + 1, match_len - 1);
		path[match_len - 1] = 0;
		for (int i = 0; i < n; i++)
			profile_file_query(pl, ids[i], path, owner, &acc);
	}
	return snprintf(out, outlen, "allow 0x%08x\ndeny 0x%08x\naudit 0x%08x\nquiet 0x%08x\n",
			acc.allow, acc.deny, acc.audit, acc.quiet);
}

/* nslsm keeps no profile data: every label has no block for any key. */
static int query_data(const struct aa_pools *pl, uint32_t ns_id, const char *q, size_t len,
		      char *out, size_t outlen)
{
	const char *key = q + strnlen(q, len) + 1;
	uint32_t ids[NSLSM_AA_MAX_STACK];
	int n;

	if (!len || key + 1 >= q + len || key + strnlen(key, q + len - key) >= q + len ||
	    outlen < 8) {
		nslsm_fail(".access: data query is not LABEL\\0KEY\\0");
		return -EINVAL;
	}
	n = label_profiles(pl, ns_id, q, ids, NSLSM_AA_MAX_STACK);
	if (n < 0)
		return n;
	/* u32 bytes after the first u32 (4), u32 blocks (0), little endian */
	memset(out, 0, 8);
	out[0] = 4;
	return 8;
}

int aafs_query(const struct aa_pools *pl, uint32_t ns_id, const char *q, size_t len, bool owner,
	       char *out, size_t outlen)
{
	static const struct {
		const char *cmd;
		size_t len;
	} cmds[] = { { "profile", 8 }, { "label", 6 }, { "labelall", 9 }, { "data", 5 } };

	if (len > AAFS_QUERY_MAX - 1) {
		nslsm_fail(".access: a query of %zu bytes (at most %u)", len, AAFS_QUERY_MAX - 1);
		return -EFBIG;
	}
	if (ns_id >= NSLSM_MAX_NS)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (len <= cmds[i].len || memcmp(q, cmds[i].cmd, cmds[i].len))
			continue;
		if (i == 3)
			return query_data(pl, ns_id, q + 5, len - 5, out, outlen);
		return query_label(pl, ns_id, q + cmds[i].len, len - cmds[i].len, owner, out, outlen);
	}
	nslsm_fail(".access: not a query (label, profile, labelall or data)");
	return -EINVAL;
}

/* ---- profiles ---- */

const char *aafs_mode_name(uint32_t ns_mode, uint32_t mode)
{
	static const char *const names[] = { "enforce", "complain", "kill", "unconfined" };

	if (ns_mode == NSLSM_AA_NS_ENFORCE)
		mode = NSLSM_AA_ENFORCE;
	else if (ns_mode == NSLSM_AA_NS_COMPLAIN)
		mode = NSLSM_AA_COMPLAIN;
	return mode < 4 ? names[mode] : "unknown";
}

int aafs_profiles_text(const struct aa_pools *pl, const struct nslsm_ns *ns, uint32_t ns_id,
		       char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *b = malloc(cap);

	if (!b || ns_id >= NSLSM_MAX_NS) {
		free(b);
		return nslsm_fail("out of memory");
	}
	b[0] = 0;
	for (uint32_t i = 1; i < NSLSM_AA_MAX_PROFILES; i++) {
		const struct nslsm_aa_profile *p = &pl->profiles[i];
		const char *mode;
		size_t need;

		if (!(p->flags & NSLSM_AA_P_IN_USE) || p->ns_id != ns_id)
			continue;
		mode = aafs_mode_name(ns[ns_id].aa_mode, p->mode);
		need = strnlen(p->name, NSLSM_AA_NAME_MAX) + strlen(mode) + 5;
		if (n + need >= cap) {
			char *g = realloc(b, cap * 2 + need);

			if (!g) {
				free(b);
				return nslsm_fail("out of memory");
			}
			b = g;
			cap = cap * 2 + need;
		}
		n += snprintf(b + n, cap - n, "%.*s (%s)\n", NSLSM_AA_NAME_MAX, p->name, mode);
	}
	*out = b;
	*len = n;
	return 0;
}
