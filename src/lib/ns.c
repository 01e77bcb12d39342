// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "module.h"
#include "ns.h"
#include "parse.h"

bool ns_in_use(const struct nslsm_ns *ns)
{
	return ns->flags & NSLSM_NS_IN_USE;
}

void ns_table_init(struct nslsm_ns *table)
{
	memset(table, 0, sizeof(*table) * NSLSM_MAX_NS);
	strcpy(table[NSLSM_HOST_ID].name, NSLSM_HOST_NAME);
	table[NSLSM_HOST_ID].audit.queue = NSLSM_AUDIT_QUEUE_HOST;
	table[NSLSM_HOST_ID].flags = NSLSM_NS_IN_USE;
}

int ns_find(const struct nslsm_ns *table, const char *name)
{
	for (int i = 0; i < NSLSM_MAX_NS; i++)
		if (ns_in_use(&table[i]) && !strncmp(table[i].name, name, NSLSM_NAME_MAX))
			return i;
	return nslsm_fail("no namespace '%s' (see 'nslsm ns list')", name);
}

bool ns_has_children(const struct nslsm_ns *table, uint32_t id)
{
	for (uint32_t i = 1; i < NSLSM_MAX_NS; i++)
		if (i != id && ns_in_use(&table[i]) && table[i].parent == id)
			return true;
	return false;
}

/* "MODULE=LABEL" for the parent's module: the label it gives the child. */
static int apply_parent_label(const struct nslsm_ns *parent, struct nslsm_ns *ns, const char *spec)
{
	char buf[128], *key, *value;
	const struct nslsm_module *m;

	if (strlen(spec) >= sizeof(buf))
		return nslsm_fail("--parent-label '%.32s...' is too long", spec);
	strcpy(buf, spec);
	if (split_kv(buf, &key, &value, false))
		return nslsm_fail("--parent-label '%s': expected MODULE=LABEL", spec);
	m = module_by_name(key);
	if (!m)
		return nslsm_fail("--parent-label '%s': unknown module '%s'", spec, key);
	if (!(parent->modules & (1u << m->id)))
		return nslsm_fail("--parent-label '%s': module '%s' is not enabled in the parent "
				  "namespace '%s'", spec, key, parent->name);
	if (!m->labelled)
		return nslsm_fail("--parent-label '%s': module '%s' has no labels", spec, key);
	/* Labelled modules resolve LABEL against the parent's policy. */
	if (!m->resolve_label)
		return nslsm_fail("--parent-label '%s': module '%s' cannot resolve labels", spec, key);
	if (m->resolve_label(parent->id, value, &ns->parent_label[m->id])) {
		char why[256];

		snprintf(why, sizeof(why), "%s", nslsm_error());
		return nslsm_fail("--parent-label '%s': %s", spec, why);
	}
	return 0;
}

int ns_create(struct nslsm_ns *table, const char *name, const char *parent, uint32_t modules,
	      char **parent_labels, int n_parent_labels, uint32_t *id_out)
{
	struct nslsm_ns ns = {};
	int pid, free_id = -1;

	if (check_ns_name(name))
		return -1;
	for (int i = 0; i < NSLSM_MAX_NS; i++) {
		if (ns_in_use(&table[i]) && !strncmp(table[i].name, name, NSLSM_NAME_MAX))
			return nslsm_fail("namespace '%s' already exists", name);
		if (free_id < 0 && i != NSLSM_HOST_ID && !ns_in_use(&table[i]))
			free_id = i;
	}
	pid = ns_find(table, parent ? parent : NSLSM_HOST_NAME);
	if (pid < 0)
		return -1;
	if (table[pid].depth + 1 >= NSLSM_MAX_DEPTH)
		return nslsm_fail("cannot create '%s' under '%s': namespaces nest at most %d deep",
				  name, table[pid].name, NSLSM_MAX_DEPTH - 1);
	if (free_id < 0)
		return nslsm_fail("cannot create '%s': all %d namespace slots are in use", name,
				  NSLSM_MAX_NS - 1);
	strcpy(ns.name, name);
	ns.id = free_id;
	ns.parent = pid;
	ns.depth = table[pid].depth + 1;
	ns.modules = modules;
	ns.audit.queue = NSLSM_AUDIT_QUEUE_DEFAULT;
	for (int i = 0; i < n_parent_labels; i++)
		if (apply_parent_label(&table[pid], &ns, parent_labels[i]))
			return -1;
	/* The slot becomes visible (IN_USE) only once it is complete. */
	table[free_id] = ns;
	__atomic_store_n(&table[free_id].flags, NSLSM_NS_IN_USE, __ATOMIC_RELEASE);
	*id_out = free_id;
	return 0;
}

static int set_flag(const char *spec, const char *value, __u32 *out)
{
	if (strcmp(value, "0") && strcmp(value, "1"))
		return nslsm_fail("'%s': expected 0 or 1", spec);
	*out = value[0] == '1';
	return 0;
}

/* audit.queue=BYTES: what a BPF ring buffer accepts, within nslsm's bounds. */
static int set_queue(const char *spec, const char *value, __u32 *out)
{
	uint64_t v;

	if (parse_u64(value, 0, UINT64_MAX, "audit.queue", &v))
		return -1;
	if (v < NSLSM_AUDIT_QUEUE_MIN || v > NSLSM_AUDIT_QUEUE_MAX)
		return nslsm_fail("'%s': an audit queue has %u to %u bytes", spec,
				  NSLSM_AUDIT_QUEUE_MIN, NSLSM_AUDIT_QUEUE_MAX);
	if (v & (v - 1))
		return nslsm_fail("'%s': an audit queue's size is a power of two (a ring buffer "
				  "of whole pages), such as %llu", spec,
				  1ull << (63 - __builtin_clzll(v)));
	if (v % (uint64_t)sysconf(_SC_PAGESIZE))
		return nslsm_fail("'%s': not a multiple of the page size (%ld bytes)", spec,
				  sysconf(_SC_PAGESIZE));
	*out = v;
	return 0;
}

/* audit.KEY=VALUE: the namespace's audit settings (not a module). */
static int set_audit(struct nslsm_ns *ns, const char *spec, const char *key, const char *value)
{
	uint64_t v;

	if (!strcmp(key, "delegate_contid"))
		return set_flag(spec, value, &ns->audit.delegate_contid);
	if (!strcmp(key, "net"))
		return set_flag(spec, value, &ns->audit.net);
	if (!strcmp(key, "queue"))
		return set_queue(spec, value, &ns->audit.queue);
	if (!strcmp(key, "coalesce")) {
		if (parse_u64(value, 0, NSLSM_AUDIT_COALESCE_MAX_MS, "audit.coalesce", &v))
			return -1;
		ns->audit.coalesce_ms = v;
		return 0;
	}
	if (!strcmp(key, "rate")) {
		if (parse_u64(value, 0, NSLSM_AUDIT_RATE_MAX, "audit.rate", &v))
			return -1;
		ns->audit.rate = v;
		return 0;
	}
	return nslsm_fail("'%s': no audit setting '%s' (audit.delegate_contid, audit.net, "
			  "audit.queue, audit.rate, audit.coalesce)", spec, key);
}

/* admin.delegate=0|1 and admin.locked=0|1: whether nslsmd serves
 * administration requests from the namespace's tasks and those of its
 * descendants (src/daemon/delegate.h). */
static int set_admin(struct nslsm_ns *ns, const char *spec, const char *key, const char *value)
{
	__u32 on = 0, flag = !strcmp(key, "locked")	  ? NSLSM_NS_ADMIN_LOCKED
			     : !strcmp(key, "delegate") ? NSLSM_NS_ADMIN_DELEGATED
							 : 0;

	if (!flag)
		return nslsm_fail("'%s': no admin setting '%s' (admin.delegate, admin.locked)",
				  spec, key);
	if (ns->id == NSLSM_HOST_ID)
		return nslsm_fail("'%s': the host is administered from the host, never through "
				  "nslsmd: set it on a namespace", spec);
	if (set_flag(spec, value, &on))
		return -1;
	ns->flags = on ? ns->flags | flag : ns->flags & ~flag;
	return 0;
}

/* The first of id and its ancestors (host aside) with `flag`. */
static bool ns_flag_up(const struct nslsm_ns *table, uint32_t id, uint32_t flag, uint32_t *by)
{
	for (uint32_t d = 0; d < NSLSM_MAX_DEPTH && id != NSLSM_HOST_ID && id < NSLSM_MAX_NS; d++) {
		if (table[id].flags & flag) {
			*by = id;
			return true;
		}
		id = table[id].parent;
	}
	return false;
}

bool ns_admin_locked(const struct nslsm_ns *table, uint32_t id, uint32_t *locked_by)
{
	return ns_flag_up(table, id, NSLSM_NS_ADMIN_LOCKED, locked_by);
}

bool ns_admin_delegated(const struct nslsm_ns *table, uint32_t id)
{
	uint32_t by;

	return ns_flag_up(table, id, NSLSM_NS_ADMIN_DELEGATED, &by);
}

/* --- the boundary: boundary.ptrace|signal|sched=deny|parent|allow --- */

static const struct {
	const char *name;
	size_t off;		/* in struct nslsm_boundary_conf */
	bool parent;		/* takes 'parent' */
} boundary_keys[NSLSM_BOUNDARY_KEYS] = {
	{ "ptrace", offsetof(struct nslsm_boundary_conf, ptrace), false },
	{ "signal", offsetof(struct nslsm_boundary_conf, signal), true },
	{ "sched", offsetof(struct nslsm_boundary_conf, sched), false },
};

static const char *const boundary_rules[] = {
	[NSLSM_BOUNDARY_DENY] = "deny",
	[NSLSM_BOUNDARY_PARENT] = "parent",
	[NSLSM_BOUNDARY_ALLOW] = "allow",
};

const char *ns_boundary_key(unsigned int key)
{
	return key < NSLSM_BOUNDARY_KEYS ? boundary_keys[key].name : NULL;
}

static __u32 *boundary_field(struct nslsm_ns *ns, unsigned int key)
{
	return (__u32 *)((char *)&ns->boundary + boundary_keys[key].off);
}

uint32_t ns_boundary_get(const struct nslsm_ns *ns, unsigned int key)
{
	return *boundary_field((struct nslsm_ns *)ns, key);
}

const char *ns_boundary_rule_name(uint32_t rule)
{
	return rule < sizeof(boundary_rules) / sizeof(boundary_rules[0]) ? boundary_rules[rule]
									  : "?";
}

static int set_boundary(struct nslsm_ns *ns, const char *spec, const char *key, const char *value)
{
	for (unsigned int k = 0; k < NSLSM_BOUNDARY_KEYS; k++) {
		if (strcmp(key, boundary_keys[k].name))
			continue;
		if (ns->id == NSLSM_HOST_ID)
			return nslsm_fail("'%s': the host has no boundary (its tasks are outside "
					  "every namespace); set it on a namespace", spec);
		for (uint32_t r = 0; r < sizeof(boundary_rules) / sizeof(boundary_rules[0]); r++) {
			if (strcmp(value, boundary_rules[r]) ||
			    (r == NSLSM_BOUNDARY_PARENT && !boundary_keys[k].parent))
				continue;
			*boundary_field(ns, k) = r;
			return 0;
		}
		return nslsm_fail("'%s': expected %s", spec,
				  boundary_keys[k].parent ? "'deny', 'parent' or 'allow'"
							  : "'deny' or 'allow'");
	}
	return nslsm_fail("'%s': no boundary setting '%s' (boundary.ptrace, boundary.signal, "
			  "boundary.sched)", spec, key);
}

/* A namespace is never less bound than an ancestor (host aside). */
static int check_boundary(const struct nslsm_ns *table, const struct nslsm_ns *ns)
{
	const struct nslsm_ns *a = ns;

	for (uint32_t d = 0; d < NSLSM_MAX_DEPTH && a->id != NSLSM_HOST_ID; d++) {
		a = &table[a->parent];
		if (a->id == NSLSM_HOST_ID)
			break;
		for (unsigned int k = 0; k < NSLSM_BOUNDARY_KEYS; k++)
			if (ns_boundary_get(ns, k) > ns_boundary_get(a, k))
				return nslsm_fail("boundary.%s=%s: namespace '%s' cannot allow more "
						  "than its ancestor '%s' (boundary.%s=%s)",
						  boundary_keys[k].name,
						  ns_boundary_rule_name(ns_boundary_get(ns, k)), ns->name,
						  a->name, boundary_keys[k].name,
						  ns_boundary_rule_name(ns_boundary_get(a, k)));
	}
	return 0;
}

/* Is `id` a strict ancestor of namespace `i`? */
static bool ns_is_below(const struct nslsm_ns *table, uint32_t i, uint32_t id)
{
	for (uint32_t d = 0; d < NSLSM_MAX_DEPTH && i != NSLSM_HOST_ID; d++) {
		i = table[i].parent;
		if (i == id)
			return true;
	}
	return false;
}

/*
 * A tighter boundary binds every descendant at once (the BPF side takes
 * the strictest of a task's chain); their slots follow, so what `ns list`
 * shows is what applies.
 */
static void tighten_descendants(struct nslsm_ns *table, uint32_t id)
{
	for (uint32_t i = 1; i < NSLSM_MAX_NS; i++) {
		if (!ns_in_use(&table[i]) || !ns_is_below(table, i, id))
			continue;
		for (unsigned int k = 0; k < NSLSM_BOUNDARY_KEYS; k++)
			if (ns_boundary_get(&table[i], k) > ns_boundary_get(&table[id], k))
				*boundary_field(&table[i], k) = ns_boundary_get(&table[id], k);
	}
}

static int set_one(struct nslsm_ns *ns, char *arg)
{
	char spec[256], *key, *value, *dot;
	const struct nslsm_module *m;
	const struct module_key *k;

	snprintf(spec, sizeof(spec), "%s", arg);
	if (split_kv(arg, &key, &value, true))
		return -1;
	if (!strcmp(key, "modules")) {
		uint32_t mask;

		if (module_list_parse(value, &mask))
			return -1;
		ns->modules = mask;
		return 0;
	}
	dot = strchr(key, '.');
	if (!dot)
		return nslsm_fail("'%s': unknown key '%s' (keys are 'modules', audit.KEY, "
				  "boundary.KEY, admin.KEY and MODULE.KEY, see 'nslsm help ns')",
				  spec, key);
	*dot = 0;
	if (!strcmp(key, "audit"))
		return set_audit(ns, spec, dot + 1, value);
	if (!strcmp(key, "boundary"))
		return set_boundary(ns, spec, dot + 1, value);
	if (!strcmp(key, "admin"))
		return set_admin(ns, spec, dot + 1, value);
	m = module_by_name(key);
	if (!m)
		return nslsm_fail("'%s': unknown module '%s' (see 'nslsm modules')", spec, key);
	if (!*value)
		return nslsm_fail("'%s': the value is empty", spec);
	if (!strcmp(dot + 1, "mode"))
		return module_mode_set(m, ns, value);
	k = module_key(m, dot + 1);
	if (!k)
		return nslsm_fail("'%s': module '%s' has no setting '%s' (see 'nslsm modules')",
				  spec, m->name, dot + 1);
	return k->set(ns, value);
}

int ns_set(struct nslsm_ns *table, uint32_t id, char **kv, int n)
{
	struct nslsm_ns copy;

	if (id >= NSLSM_MAX_NS || !ns_in_use(&table[id]))
		return nslsm_fail("namespace id %u is not in use", id);
	if (n <= 0)
		return nslsm_fail("nothing to set: give KEY=VALUE arguments");
	copy = table[id];
	for (int i = 0; i < n; i++) {
		char buf[256];

		if (strlen(kv[i]) >= sizeof(buf))
			return nslsm_fail("'%.32s...' is too long", kv[i]);
		strcpy(buf, kv[i]);
		if (set_one(&copy, buf))
			return -1;
	}
	if (check_boundary(table, &copy))
		return -1;
	table[id] = copy;
	tighten_descendants(table, id);
	return 0;
}

int ns_delete(struct nslsm_ns *table, uint32_t id, const uint32_t *tasks_in)
{
	if (id == NSLSM_HOST_ID)
		return nslsm_fail("the host namespace cannot be deleted");
	if (id >= NSLSM_MAX_NS || !ns_in_use(&table[id]))
		return nslsm_fail("namespace id %u is not in use", id);
	if (ns_has_children(table, id))
		return nslsm_fail("namespace '%s' has nested namespaces: delete them first",
				  table[id].name);
	if (tasks_in && tasks_in[id])
		return nslsm_fail("namespace '%s' still has %u task%s", table[id].name,
				  tasks_in[id], tasks_in[id] == 1 ? "" : "s");
	__atomic_store_n(&table[id].flags, 0, __ATOMIC_RELEASE);
	memset(&table[id], 0, sizeof(table[id]));
	return 0;
}

int ns_chain(const struct nslsm_ns *table, uint32_t id, uint32_t chain[NSLSM_MAX_DEPTH])
{
	uint32_t depth;

	if (id >= NSLSM_MAX_NS || !ns_in_use(&table[id]))
		return nslsm_fail("namespace id %u is not in use", id);
	depth = table[id].depth;
	if (depth >= NSLSM_MAX_DEPTH)
		return nslsm_fail("namespace '%s' has a corrupt depth %u", table[id].name, depth);
	for (int d = depth; d >= 0; d--) {
		if (table[id].depth != (uint32_t)d || !ns_in_use(&table[id]))
			return nslsm_fail("namespace table is corrupt at id %u", id);
		chain[d] = id;
		id = table[id].parent;
	}
	return depth;
}

int ns_enrol_blob(const struct nslsm_ns *table, uint32_t id, uint64_t contid,
		  const uint32_t labels[NSLSM_MAX_MODULES], struct nslsm_task_blob *out)
{
	uint32_t chain[NSLSM_MAX_DEPTH];
	int depth = ns_chain(table, id, chain);

	if (depth < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	if (contid) {
		out->contid[0] = contid;
		out->n_contids = 1;
	}
	out->flags = NSLSM_TASK_ENROLLED;
	out->depth = depth;
	for (int d = 0; d <= depth; d++) {
		out->level[d].ns_id = chain[d];
		for (int m = 0; m < NSLSM_MAX_MODULES; m++)
			out->level[d].label[m] = d < depth ? table[chain[d + 1]].parent_label[m]
							   : labels[m];
	}
	return 0;
}
