// SPDX-License-Identifier: GPL-2.0
/*
 * nslsm-apparmorfs: the AppArmor file system for one nslsm namespace, over
 * FUSE. AppArmor's own userland (apparmor_parser, aa-status, aa-enabled,
 * libapparmor) uses it as it uses /sys/kernel/security/apparmor; every
 * write lands in that namespace (or a descendant made through
 * policy/namespaces/), never in the host's or a sibling's.
 *
 * This file is the FUSE glue: paths to objects, per-open buffers, caller
 * checks, and mounting (in another mount namespace for containers).
 * What the files say and do is tree.c's.
 *
 * Threads: libfuse's multithreaded loop; every operation holds g_lock, and
 * every change also holds the flock on nslsm's pin directory that the
 * `nslsm` command takes, so the server and the command never interleave.
 */
#define FUSE_USE_VERSION 31
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "apparmor/load.h"
#include "daemon/client.h"
#include "lib/admin.h"
#include "lib/error.h"
#include "lib/io.h"
#include "lib/ns.h"
#include "lib/parse.h"
#include "lib/state.h"
#include "tree.h"

#define SECURITYFS_MAGIC 0x73636673
#define CAP_MAC_ADMIN_BIT 33
#define ENABLED_FILE NSLSMD_RUN_DIR "/apparmorfs/enabled"

static const char manual[] =
	"nslsm-apparmorfs: serve the AppArmor file system of one nslsm namespace.\n\n"
	"usage: nslsm-apparmorfs [OPTIONS] NS MOUNTPOINT\n"
	"       nslsm-apparmorfs [OPTIONS] --container-root ROOT NS\n"
	"       nslsm-apparmorfs --help\n\n"
	"Mounts at MOUNTPOINT (a FUSE file system, type fuse.nslsm-apparmorfs) the tree\n"
	"AppArmor's userland finds at /sys/kernel/security/apparmor, for nslsm namespace\n"
	"NS (which must enable the apparmor module). Stock apparmor_parser, aa-status,\n"
	"aa-enabled and libapparmor's aa_query_label work on it unmodified; every change\n"
	"lands in NS, or in a namespace below NS made through policy/namespaces/.\n\n"
	"The tree\n"
	"  .load .replace .remove   write binary policy (apparmor_parser's output) to load,\n"
	"                           load or replace, or a profile name to remove; parsed\n"
	"                           and validated exactly as 'nslsm apparmor load' parses\n"
	"                           a binary policy file, applied all or nothing. A write\n"
	"                           fails with the errno the kernel's AppArmor gives:\n"
	"                             EACCES  the writer lacks CAP_MAC_ADMIN (in its user\n"
	"                                     namespace)\n"
	"                             ESPIPE  a write at an offset that does not start a\n"
	"                                     policy (pwrite into the middle)\n"
	"                             EPROTONOSUPPORT  not binary policy, or a header the\n"
	"                                     kernel refuses in any of its profiles (an\n"
	"                                     interface version other than v5..v9, an\n"
	"                                     empty namespace name)\n"
	"                             EPROTO  the policy does not unpack or validate\n"
	"                             EEXIST  .load of a profile that is loaded\n"
	"                             ENOENT  a child profile without its parent; .remove\n"
	"                                     of a profile that is not loaded\n"
	"                             ENOMEM  nslsm's AppArmor pools are full\n"
	"                             EFBIG   more than 64 MiB in one open file\n"
	"                           Each write(2) is one whole policy, as with the kernel;\n"
	"                           a write FUSE splits (over its max_write, 1 MiB) is put\n"
	"                           back together, and one ending exactly on a split is\n"
	"                           applied when the file is closed (close(2) reports it).\n"
	"  profiles                 'name (mode)' per profile of NS, as the kernel prints\n"
	"  features/                nslsm's pinned AppArmor ABI (the features file\n"
	"                           'nslsm apparmor load' compiles against), as directories\n"
	"                           and files the way the kernel lays them out\n"
	"  .access                  aa_query_label: write a query, read the answer\n"
	"                           (label/profile/labelall queries of the file class, and\n"
	"                           data queries, which find no data)\n"
	"  .ns_name .ns_level       the namespace's name and depth below host\n"
	"  .stacked .ns_stacked     whether the reader's label is a stack (of profiles\n"
	"                           of more than one namespace): yes when an ancestor\n"
	"                           gives NS an AppArmor label (--parent-label), or\n"
	"                           the reader's own label stacks profiles\n"
	"  revision                 the namespace's AppArmor policy generation\n"
	"  policy/                  NS's policy directory: .load .replace .remove revision,\n"
	"                           profiles/NAME.ID/{name,mode,attach}, namespaces/\n"
	"  policy/namespaces/       one directory per nslsm namespace directly below NS,\n"
	"                           each with the same layout; mkdir makes a child\n"
	"                           namespace (nslsm's names are global: EEXIST if the\n"
	"                           name is taken anywhere) with NS's modules, rmdir\n"
	"                           removes an empty one (EBUSY with tasks or children)\n\n"
	"Options\n"
	"  --container-root ROOT    the layout a container needs, under ROOT (its root\n"
	"                           before pivot_root), the same whether the host's\n"
	"                           kernel runs AppArmor or not: the host's securityfs\n"
	"                           bound read-only at ROOT/sys/kernel/security (so its\n"
	"                           /proc/mounts has the 'securityfs' line libapparmor\n"
	"                           looks for); over it, at the same point, a read-only\n"
	"                           tmpfs (source 'nslsm') holding an apparmor directory\n"
	"                           with the tree mounted on it, and every other entry\n"
	"                           of securityfs (lsm, integrity, ...) bound read-only;\n"
	"                           and a file saying Y bound read-only over\n"
	"                           ROOT/sys/module/apparmor/parameters/enabled (which a\n"
	"                           kernel built with AppArmor has even when AppArmor is\n"
	"                           not an active LSM)\n"
	"  --mount-ns FILE          mount in that mount namespace (/proc/PID/ns/mnt); the\n"
	"                           server itself stays in its own\n"
	"  --daemon                 run in the background once mounted (stdio to\n"
	"                           /dev/null, messages to syslog)\n"
	"  --ready-fd N             write the server's pid and a newline to fd N once it\n"
	"                           serves, or 'error: MESSAGE'; then close N\n"
	"  --features FILE          the features file to serve (default: nslsm's, as\n"
	"                           'nslsm apparmor load' finds it)\n\n"
	"It stops on SIGTERM or SIGINT (unmounting MOUNTPOINT when it mounted it in its\n"
	"own mount namespace), and by itself when the mount namespace it serves goes\n"
	"away. nslsm-oci-hook starts one per container with io.nslsm.admin=1 and\n"
	"stops it at poststop.\n\n"
	"Exit status: 0 stopped; 1 could not start (the message says why); 2 usage.\n"
	"Needs root with nslsm loaded ('nslsm load').\n";

struct opts {
	const char *ns, *mountpoint, *container_root, *mount_ns, *features;
	bool daemon;
	int ready_fd;
};

/* ---- state ---- */

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nslsm_state g_st;
static struct aa_pools g_pools;
static struct aafs_node g_features;
static uint32_t g_ns_id;		/* the namespace served */
static char g_ns_name[NSLSM_NAME_MAX];
static int g_pin_lock = -1;		/* the pin directory, flock'ed for changes */
static unsigned int g_max_write;	/* FUSE's split size for writes */
static bool g_daemon;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (g_daemon) {
		vsyslog(LOG_WARNING, fmt, ap);
	} else {
		fputs("nslsm-apparmorfs: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

/* The namespace served is still the one we were started for. */
static bool served_ns_ok(void)
{
	const struct nslsm_ns *n = &g_st.ns[g_ns_id];

	return ns_in_use(n) && !strncmp(n->name, g_ns_name, NSLSM_NAME_MAX);
}

static int change_begin(void)
{
	if (flock(g_pin_lock, LOCK_EX) < 0)
		return -errno;
	return 0;
}

static void change_end(void)
{
	flock(g_pin_lock, LOCK_UN);
}

/* ---- the caller ---- */

struct caller {
	pid_t tgid;
	bool mac_admin;
};

/* The caller's thread group and whether CAP_MAC_ADMIN is in its effective
 * set (in its own user namespace, as the kernel's policy_admin_capable
 * asks). The caller waits in its syscall while this reads /proc. */
static int caller_get(struct caller *c)
{
	char path[64], line[256];
	unsigned long long eff = 0;
	FILE *f;

	memset(c, 0, sizeof(*c));
	snprintf(path, sizeof(path), "/proc/%d/status", fuse_get_context()->pid);
	f = fopen(path, "re");
	if (!f)
		return -EACCES;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Tgid: %d", &c->tgid) == 1)
			continue;
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			continue;
	}
	fclose(f);
	c->mac_admin = eff & (1ull << CAP_MAC_ADMIN_BIT);
	return c->tgid > 0 ? 0 : -EACCES;
}

/* ---- paths ---- */

enum kind {
	K_ROOT, K_FEATURE, K_ACCESS, K_PROFILES, K_NS_NAME, K_NS_LEVEL, K_STACKED, K_NS_STACKED,
	K_NS_DIR,		/* policy/ and policy/namespaces/X/ */
	K_LOAD, K_REPLACE, K_REMOVE, K_REVISION,
	K_PROFILES_DIR, K_PROFILE_DIR, K_PROFILE_NAME, K_PROFILE_MODE, K_PROFILE_ATTACH,
	K_NAMESPACES_DIR,
};

struct ent {
	enum kind kind;
	uint32_t ns_id;
	uint32_t profile;
	const struct aafs_node *feature;
};

static const struct {
	const char *name;
	enum kind kind;
} root_files[] = {
	{ ".access", K_ACCESS },     { ".load", K_LOAD },	   { ".replace", K_REPLACE },
	{ ".remove", K_REMOVE },     { "revision", K_REVISION },   { "profiles", K_PROFILES },
	{ ".ns_name", K_NS_NAME },   { ".ns_level", K_NS_LEVEL },  { ".stacked", K_STACKED },
	{ ".ns_stacked", K_NS_STACKED },
}, ns_files[] = {
	{ ".load", K_LOAD }, { ".replace", K_REPLACE }, { ".remove", K_REMOVE },
	{ "revision", K_REVISION },
};

/* The kernel's mangle_name and ".ID": a profile's directory name. */
static void profile_dirname(uint32_t id, char *out, size_t len)
{
	const char *s = g_pools.profiles[id].name, *end = s + strnlen(s, NSLSM_AA_NAME_MAX);
	size_t o = 0;

	while (s < end && (*s == '/' || *s == '.'))
		s++;
	for (; s < end && o + 16 < len; s++) {
		if (*s == '/')
			out[o++] = '.';
		else if (*s == ' ' || *s == '\t')
			out[o++] = '_';
		else if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			 (*s >= '0' && *s <= '9') || strchr("._-", *s))
			out[o++] = *s;
	}
	snprintf(out + o, len - o, ".%u", id);
}

static bool profile_of(uint32_t id, uint32_t ns_id)
{
	const struct nslsm_aa_profile *p = &g_pools.profiles[id];

	return id && id < NSLSM_AA_MAX_PROFILES && (p->flags & NSLSM_AA_P_IN_USE) &&
	       p->ns_id == ns_id;
}

/* A namespace directly below ns_id named name[0..len). */
static int child_ns(uint32_t ns_id, const char *name, size_t len)
{
	for (uint32_t i = 1; i < NSLSM_MAX_NS; i++) {
		const struct nslsm_ns *n = &g_st.ns[i];

		if (ns_in_use(n) && n->parent == ns_id && i != ns_id &&
		    strnlen(n->name, NSLSM_NAME_MAX) == len && !strncmp(n->name, name, len))
			return i;
	}
	return -1;
}

/* Next component of *p (skipping '/'), its length in *len. */
static const char *component(const char **p, size_t *len)
{
	const char *s = *p;

	while (*s == '/')
		s++;
	*len = strcspn(s, "/");
	*p = s + *len;
	return s;
}

static bool is(const char *c, size_t len, const char *name)
{
	return strlen(name) == len && !strncmp(c, name, len);
}

static int resolve_ns_dir(uint32_t ns_id, const char *rest, struct ent *e)
{
	size_t len;
	const char *c = component(&rest, &len);

	e->ns_id = ns_id;
	if (!len) {
		e->kind = K_NS_DIR;
		return 0;
	}
	for (size_t i = 0; i < sizeof(ns_files) / sizeof(ns_files[0]); i++)
		if (is(c, len, ns_files[i].name)) {
			e->kind = ns_files[i].kind;
			return *rest && rest[strspn(rest, "/")] ? -ENOTDIR : 0;
		}
	if (is(c, len, "namespaces")) {
		int child;

		c = component(&rest, &len);
		if (!len) {
			e->kind = K_NAMESPACES_DIR;
			return 0;
		}
		child = child_ns(ns_id, c, len);
		if (child < 0)
			return -ENOENT;
		return resolve_ns_dir(child, rest, e);
	}
	if (is(c, len, "profiles")) {
		char name[NSLSM_AA_NAME_MAX + 16];

		c = component(&rest, &len);
		if (!len) {
			e->kind = K_PROFILES_DIR;
			return 0;
		}
		for (uint32_t i = 1; i < NSLSM_AA_MAX_PROFILES; i++) {
			if (!profile_of(i, ns_id))
				continue;
			profile_dirname(i, name, sizeof(name));
			if (!is(c, len, name))
				continue;
			e->profile = i;
			c = component(&rest, &len);
			if (!len)
				e->kind = K_PROFILE_DIR;
			else if (is(c, len, "name"))
				e->kind = K_PROFILE_NAME;
			else if (is(c, len, "mode"))
				e->kind = K_PROFILE_MODE;
			else if (is(c, len, "attach"))
				e->kind = K_PROFILE_ATTACH;
			else
				return -ENOENT;
			return *rest && rest[strspn(rest, "/")] ? -ENOTDIR : 0;
		}
	}
	return -ENOENT;
}

/* Path -> object; the namespace served must still be there. g_lock held. */
static int resolve(const char *path, struct ent *e)
{
	const char *rest = path, *c;
	size_t len;

	memset(e, 0, sizeof(*e));
	e->ns_id = g_ns_id;
	if (!served_ns_ok())
		return -ENODEV;
	c = component(&rest, &len);
	if (!len) {
		e->kind = K_ROOT;
		return 0;
	}
	if (is(c, len, "features")) {
		while (*rest == '/')
			rest++;
		e->kind = K_FEATURE;
		e->feature = aafs_features_lookup(&g_features, rest);
		return e->feature ? 0 : -ENOENT;
	}
	if (is(c, len, "policy"))
		return resolve_ns_dir(g_ns_id, rest, e);
	for (size_t i = 0; i < sizeof(root_files) / sizeof(root_files[0]); i++)
		if (is(c, len, root_files[i].name)) {
			e->kind = root_files[i].kind;
			return *rest && rest[strspn(rest, "/")] ? -ENOTDIR : 0;
		}
	return -ENOENT;
}

static bool is_dir(const struct ent *e)
{
	switch (e->kind) {
	case K_ROOT:
	case K_NS_DIR:
	case K_PROFILES_DIR:
	case K_PROFILE_DIR:
	case K_NAMESPACES_DIR:
		return true;
	case K_FEATURE:
		return e->feature->dir;
	default:
		return false;
	}
}

static bool is_policy_file(enum kind k)
{
	return k == K_LOAD || k == K_REPLACE || k == K_REMOVE;
}

/* ---- file contents ---- */

static char *dup_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *dup_text(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

/* Whether the reader's AppArmor confinement is a stack, and a stack
 * across policy namespaces: the kernel's label of more than one profile,
 * and of profiles of more than one namespace. An ancestor namespace that
 * gives the reader's namespace an AppArmor label (ns create --parent-label,
 * io.nslsm.parent-label.apparmor) confines it too, as the profile an LXD
 * host stacks over its container's namespace: both. So is a label of the
 * reader's own level that stacks profiles of its AppArmor namespaces. */
static void reader_stack(bool *stacked, bool *ns_stacked)
{
	struct nslsm_task_blob b;
	struct caller c;
	uint32_t label;

	*stacked = *ns_stacked = false;
	if (caller_get(&c) || state_get_blob(&g_st, c.tgid, &b) != 1 ||
	    !(b.flags & NSLSM_TASK_ENROLLED) || b.depth >= NSLSM_MAX_DEPTH)
		return;
	for (uint32_t d = 0; d < b.depth; d++)
		if (b.level[d].label[NSLSM_MOD_APPARMOR])
			*stacked = *ns_stacked = true;
	if (*ns_stacked)
		return;
	label = b.level[b.depth].label[NSLSM_MOD_APPARMOR];
	if (!(label & NSLSM_AA_LABEL_STACK))
		return;
	*stacked = true;
	{
		const struct nslsm_aa_label *l =
			&g_pools.labels[(label & ~NSLSM_AA_LABEL_STACK) % NSLSM_AA_MAX_LABELS];

		for (uint32_t k = 1; k < l->n && k < NSLSM_AA_MAX_STACK; k++)
			if (l->profile[k] < NSLSM_AA_MAX_PROFILES &&
			    g_pools.profiles[l->profile[k]].aa_ns !=
				    g_pools.profiles[l->profile[0] % NSLSM_AA_MAX_PROFILES].aa_ns)
				*ns_stacked = true;
	}
}

/* The content of a readable file, made at open (a consistent snapshot). */
static int file_text(const struct ent *e, char **out, size_t *len)
{
	const struct nslsm_ns *ns = &g_st.ns[e->ns_id];
	const struct nslsm_aa_profile *p = &g_pools.profiles[e->profile];
	bool stacked, ns_stacked;
	char *s = NULL;

	switch (e->kind) {
	case K_FEATURE:
		s = strndup(e->feature->text, e->feature->len);
		break;
	case K_PROFILES:
		if (aafs_profiles_text(&g_pools, g_st.ns, e->ns_id, out, len))
			return -ENOMEM;
		return 0;
	case K_NS_NAME:
		s = dup_text("%.*s\n", NSLSM_NAME_MAX, ns->name);
		break;
	case K_NS_LEVEL:
		s = dup_text("%u\n", ns->depth);
		break;
	case K_STACKED:
	case K_NS_STACKED:
		reader_stack(&stacked, &ns_stacked);
		s = dup_text("%s\n", (e->kind == K_STACKED ? stacked : ns_stacked) ? "yes" : "no");
		break;
	case K_REVISION:
		s = dup_text("%u\n", g_pools.nsconf[e->ns_id].generation);
		break;
	case K_PROFILE_NAME:
		s = dup_text("%.*s\n", NSLSM_AA_NAME_MAX, p->name);
		break;
	case K_PROFILE_MODE:
		s = dup_text("%s\n", aafs_mode_name(ns->aa_mode, p->mode));
		break;
	case K_PROFILE_ATTACH:
		/* nslsm keeps the attachment as a DFA only, as the kernel's "<unknown>" */
		s = dup_text("%s\n", (p->flags & NSLSM_AA_P_ATTACH) && p->name[0] != '/'
					     ? "<unknown>"
					     : p->name);
		break;
	default:
		s = strdup("");
		break;
	}
	if (!s)
		return -ENOMEM;
	*out = s;
	*len = strlen(s);
	return 0;
}

/* ---- open files ---- */

struct handle {
	struct ent ent;
	char *text;		/* readable files: the snapshot; .access: the answer */
	size_t text_len;
	char *pending;		/* policy files: a write FUSE split, so far */
	size_t pending_len;
	off_t pending_off;
	off_t done_end;		/* end of the last whole write applied */
};

/* Apply one whole write to a policy file: 0 or -errno. g_lock held. */
static int policy_apply(const struct handle *h, const char *buf, size_t len)
{
	enum aa_change op = h->ent.kind == K_LOAD ? AA_LOAD
			    : h->ent.kind == K_REPLACE ? AA_REPLACE
						       : AA_REMOVE;
	const struct nslsm_ns *ns = &g_st.ns[h->ent.ns_id];
	struct caller c;
	int rc;

	rc = caller_get(&c);
	if (rc)
		return rc;
	if (!c.mac_admin) {
		say("%s: pid %d has no CAP_MAC_ADMIN: refused", g_ns_name, c.tgid);
		return -EACCES;
	}
	rc = change_begin();
	if (rc)
		return rc;
	if (!served_ns_ok() || !ns_in_use(ns)) {
		change_end();
		return -ENODEV;
	}
	if (!(ns->modules & (1u << NSLSM_MOD_APPARMOR))) {
		change_end();
		say("namespace '%s' does not enable the apparmor module", ns->name);
		return -EACCES;
	}
	rc = aafs_policy_write(&g_pools, h->ent.ns_id, ns->name, op, buf, len);
	change_end();
	if (rc)
		say("%s: %s (pid %d): %s", ns->name,
		    op == AA_LOAD ? ".load" : op == AA_REPLACE ? ".replace" : ".remove", c.tgid,
		    nslsm_error());
	return rc;
}

static int fs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	struct ent e;
	int rc;

	(void)fi;
	pthread_mutex_lock(&g_lock);
	rc = resolve(path, &e);
	pthread_mutex_unlock(&g_lock);
	if (rc)
		return rc;
	memset(st, 0, sizeof(*st));
	if (is_dir(&e)) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
	} else {
		st->st_nlink = 1;
		st->st_mode = S_IFREG | 0444;
		if (e.kind == K_ACCESS || (is_policy_file(e.kind)))
			st->st_mode = S_IFREG | (path[1] == '.' ? 0666 : 0640);
		if (e.kind == K_FEATURE)
			st->st_size = e.feature->len;
	}
	return 0;
}

static int fs_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
		      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	char name[NSLSM_AA_NAME_MAX + 16];
	struct ent e;
	int rc;

	(void)off, (void)fi, (void)flags;
	pthread_mutex_lock(&g_lock);
	rc = resolve(path, &e);
	if (!rc && !is_dir(&e))
		rc = -ENOTDIR;
	if (rc)
		goto out;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	switch (e.kind) {
	case K_ROOT:
		for (size_t i = 0; i < sizeof(root_files) / sizeof(root_files[0]); i++)
			fill(buf, root_files[i].name, NULL, 0, 0);
		fill(buf, "features", NULL, 0, 0);
		fill(buf, "policy", NULL, 0, 0);
		break;
	case K_FEATURE:
		for (size_t i = 0; i < e.feature->n; i++)
			fill(buf, e.feature->child[i].name, NULL, 0, 0);
		break;
	case K_NS_DIR:
		for (size_t i = 0; i < sizeof(ns_files) / sizeof(ns_files[0]); i++)
			fill(buf, ns_files[i].name, NULL, 0, 0);
		fill(buf, "profiles", NULL, 0, 0);
		fill(buf, "namespaces", NULL, 0, 0);
		break;
	case K_PROFILES_DIR:
		for (uint32_t i = 1; i < NSLSM_AA_MAX_PROFILES; i++)
			if (profile_of(i, e.ns_id)) {
				profile_dirname(i, name, sizeof(name));
				fill(buf, name, NULL, 0, 0);
			}
		break;
	case K_PROFILE_DIR:
		fill(buf, "name", NULL, 0, 0);
		fill(buf, "mode", NULL, 0, 0);
		fill(buf, "attach", NULL, 0, 0);
		break;
	case K_NAMESPACES_DIR:
		for (uint32_t i = 1; i < NSLSM_MAX_NS; i++)
			if (ns_in_use(&g_st.ns[i]) && g_st.ns[i].parent == e.ns_id && i != e.ns_id) {
				snprintf(name, sizeof(name), "%.*s", NSLSM_NAME_MAX, g_st.ns[i].name);
				fill(buf, name, NULL, 0, 0);
			}
		break;
	default:
		break;
	}
out:
	pthread_mutex_unlock(&g_lock);
	return rc;
}

static int fs_open(const char *path, struct fuse_file_info *fi)
{
	int acc = fi->flags & O_ACCMODE, rc;
	struct handle *h;
	struct ent e;

	pthread_mutex_lock(&g_lock);
	rc = resolve(path, &e);
	if (rc)
		goto out;
	if (is_dir(&e)) {
		rc = -EISDIR;
		goto out;
	}
	/* policy files are write-only, .access both, the rest read-only */
	if ((is_policy_file(e.kind) && acc == O_RDONLY) ||
	    (!is_policy_file(e.kind) && e.kind != K_ACCESS && acc != O_RDONLY)) {
		rc = -EACCES;
		goto out;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		rc = -ENOMEM;
		goto out;
	}
	h->ent = e;
	if (!is_policy_file(e.kind) && e.kind != K_ACCESS) {
		rc = file_text(&e, &h->text, &h->text_len);
		if (rc) {
			free(h);
			goto out;
		}
	}
	fi->fh = (uintptr_t)h;
	fi->direct_io = 1;
out:
	pthread_mutex_unlock(&g_lock);
	return rc;
}

static int fs_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	struct handle *h = (struct handle *)(uintptr_t)fi->fh;
	int n = 0;

	(void)path;
	pthread_mutex_lock(&g_lock);
	/* the kernel's write does not move the file position, FUSE's does:
	 * .access answers from the end of the query */
	if (h->ent.kind == K_ACCESS && off >= h->done_end)
		off -= h->done_end;
	if (is_policy_file(h->ent.kind)) {
		n = -EINVAL;
	} else if (off >= 0 && (size_t)off < h->text_len) {
		n = h->text_len - off < size ? h->text_len - off : size;
		memcpy(buf, h->text + off, n);
	}
	pthread_mutex_unlock(&g_lock);
	return n;
}

static int access_write(struct handle *h, const char *buf, size_t size, off_t off)
{
	char answer[AAFS_QUERY_MAX];
	struct caller c;
	int n;

	if (off != 0 && off != h->done_end)
		return -ESPIPE;
	if (caller_get(&c))
		return -EACCES;
	n = aafs_query(&g_pools, h->ent.ns_id, buf, size, fuse_get_context()->uid == 0, answer,
		       sizeof(answer));
	if (n < 0)
		return n;
	free(h->text);
	h->text = malloc(n ? n : 1);
	if (!h->text)
		return -ENOMEM;
	memcpy(h->text, answer, n);
	h->text_len = n;
	h->done_end = off + size;
	return size;
}

static int fs_write(const char *path, const char *buf, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct handle *h = (struct handle *)(uintptr_t)fi->fh;
	int rc;

	(void)path;
	pthread_mutex_lock(&g_lock);
	if (h->ent.kind == K_ACCESS) {
		rc = access_write(h, buf, size, off);
		goto out;
	}
	if (!is_policy_file(h->ent.kind)) {
		rc = -EACCES;
		goto out;
	}
	/* a continuation of a write FUSE split, or the start of a new one */
	if (!(h->pending && off == h->pending_off + (off_t)h->pending_len)) {
		if (off != 0 && off != h->done_end) {
			rc = -ESPIPE;
			goto out;
		}
		free(h->pending);
		h->pending = NULL;
		h->pending_len = 0;
		h->pending_off = off;
	}
	if (h->pending_len + size > AAFS_POLICY_MAX) {
		free(h->pending);
		h->pending = NULL;
		h->pending_len = 0;
		rc = -EFBIG;
		goto out;
	}
	{
		char *g = realloc(h->pending, h->pending_len + size + 1);

		if (!g) {
			rc = -ENOMEM;
			goto out;
		}
		h->pending = g;
		memcpy(h->pending + h->pending_len, buf, size);
		h->pending_len += size;
	}
	rc = size;
	/* a full split: more of the same write(2) may follow */
	if (g_max_write && size == g_max_write)
		goto out;
	rc = policy_apply(h, h->pending, h->pending_len);
	h->done_end = h->pending_off + h->pending_len;
	free(h->pending);
	h->pending = NULL;
	h->pending_len = 0;
	if (!rc)
		rc = size;
out:
	pthread_mutex_unlock(&g_lock);
	return rc;
}

/* A write that ended exactly on a split is applied at close. */
static int fs_flush(const char *path, struct fuse_file_info *fi)
{
	struct handle *h = (struct handle *)(uintptr_t)fi->fh;
	int rc = 0;

	(void)path;
	pthread_mutex_lock(&g_lock);
	if (h->pending) {
		rc = policy_apply(h, h->pending, h->pending_len);
		h->done_end = h->pending_off + h->pending_len;
		free(h->pending);
		h->pending = NULL;
		h->pending_len = 0;
	}
	pthread_mutex_unlock(&g_lock);
	return rc;
}

static int fs_release(const char *path, struct fuse_file_info *fi)
{
	struct handle *h = (struct handle *)(uintptr_t)fi->fh;

	(void)path;
	if (h->pending)
		fs_flush(path, fi);
	free(h->text);
	free(h->pending);
	free(h);
	return 0;
}

/* O_TRUNC on a policy file or .access: nothing to truncate (securityfs
 * takes it too). */
static int fs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	struct ent e;
	int rc;

	(void)size, (void)fi;
	pthread_mutex_lock(&g_lock);
	rc = resolve(path, &e);
	if (!rc && !is_policy_file(e.kind) && e.kind != K_ACCESS)
		rc = -EACCES;
	pthread_mutex_unlock(&g_lock);
	return rc;
}

/* mkdir/rmdir in policy/namespaces/: the parent directory and the name. */
static int ns_dir_op(const char *path, uint32_t *parent, char *name)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct ent e;
	int rc;

	if (!slash || slash == path || (size_t)(slash - path) >= sizeof(dir))
		return -EPERM;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	rc = resolve(dir, &e);
	if (rc)
		return rc;
	if (e.kind != K_NAMESPACES_DIR)
		return -EPERM;
	if (strlen(slash + 1) >= NSLSM_NAME_MAX)
		return -ENAMETOOLONG;
	strcpy(name, slash + 1);
	*parent = e.ns_id;
	return 0;
}

/* ns_dir_op, the caller's CAP_MAC_ADMIN, and the change lock taken. */
static int ns_dir_begin(const char *path, uint32_t *parent, char *name, struct caller *c)
{
	int rc = ns_dir_op(path, parent, name);

	memset(c, 0, sizeof(*c));
	if (!rc)
		rc = caller_get(c);
	if (!rc && !c->mac_admin)
		rc = -EACCES;
	return rc ? rc : change_begin();
}

static int fs_mkdir(const char *path, mode_t mode)
{
	char name[NSLSM_NAME_MAX];
	struct caller c;
	uint32_t parent, id;
	int rc;

	(void)mode;
	pthread_mutex_lock(&g_lock);
	rc = ns_dir_begin(path, &parent, name, &c);
	if (rc)
		goto out;
	if (check_ns_name(name)) {
		rc = -EINVAL;
	} else if (ns_find(g_st.ns, name) >= 0) {
		nslsm_fail("namespace '%s' exists", name);
		rc = -EEXIST;
	} else if (!ns_in_use(&g_st.ns[parent])) {
		rc = -ENOENT;
	} else {
		char pname[NSLSM_NAME_MAX];

		snprintf(pname, sizeof(pname), "%.*s", NSLSM_NAME_MAX - 1, g_st.ns[parent].name);
		rc = admin_ns_create(&g_st, name, pname, g_st.ns[parent].modules, NULL, 0, &id)
			     ? -ENOMEM
			     : 0;
	}
	change_end();
	if (rc)
		say("mkdir %s (pid %d): %s", path, c.tgid, nslsm_error());
out:
	nslsm_error_clear();
	pthread_mutex_unlock(&g_lock);
	return rc;
}

static int fs_rmdir(const char *path)
{
	char name[NSLSM_NAME_MAX];
	struct caller c;
	uint32_t parent;
	int rc, id;

	pthread_mutex_lock(&g_lock);
	rc = ns_dir_begin(path, &parent, name, &c);
	if (rc)
		goto out;
	id = child_ns(parent, name, strlen(name));
	if (id < 0)
		rc = -ENOENT;
	else if (ns_has_children(g_st.ns, id) || admin_ns_delete(&g_st, id))
		rc = -EBUSY;
	change_end();
	if (rc)
		say("rmdir %s (pid %d): %s", path, c.tgid, nslsm_error());
out:
	nslsm_error_clear();
	pthread_mutex_unlock(&g_lock);
	return rc;
}

static void *fs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	g_max_write = conn->max_write;
	cfg->direct_io = 1;
	cfg->entry_timeout = 0;
	cfg->attr_timeout = 0;
	cfg->negative_timeout = 0;
	return NULL;
}

static const struct fuse_operations fs_ops = {
	.init = fs_init,
	.getattr = fs_getattr,
	.readdir = fs_readdir,
	.open = fs_open,
	.read = fs_read,
	.write = fs_write,
	.flush = fs_flush,
	.release = fs_release,
	.truncate = fs_truncate,
	.mkdir = fs_mkdir,
	.rmdir = fs_rmdir,
};

/* ---- starting ---- */

static int load_features(const char *given)
{
	char path[PATH_MAX], *buf;
	size_t len;
	int fd, rc;

	if (aa_features_file(given, path, sizeof(path)))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nslsm_fail_errno(errno, "%s", path);
	rc = read_bounded(fd, path, 1u << 20, &buf, &len);
	close(fd);
	if (rc)
		return -1;
	rc = aafs_features_parse(buf, len, &g_features);
	free(buf);
	if (rc)
		return nslsm_fail("%s: %s", path, nslsm_error());
	return 0;
}

/* The file saying Y that stands for the kernel's AppArmor "enabled". */
static int enabled_file(void)
{
	char tmp[PATH_MAX];
	int fd;

	if ((mkdir(NSLSMD_RUN_DIR, 0755) && errno != EEXIST) ||
	    (mkdir(NSLSMD_RUN_DIR "/apparmorfs", 0755) && errno != EEXIST))
		return nslsm_fail_errno(errno, "making %s/apparmorfs", NSLSMD_RUN_DIR);
	if (!access(ENABLED_FILE, R_OK))
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.%d", ENABLED_FILE, getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	if (fd < 0)
		return nslsm_fail_errno(errno, "writing %s", tmp);
	if (write(fd, "Y\n", 2) != 2) {
		close(fd);
		unlink(tmp);
		return nslsm_fail_errno(errno, "writing %s", tmp);
	}
	close(fd);
	if (rename(tmp, ENABLED_FILE) < 0) {
		unlink(tmp);
		return nslsm_fail_errno(errno, "writing %s", ENABLED_FILE);
	}
	return 0;
}

static int bind_ro(const char *src, const char *dst)
{
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
		return nslsm_fail_errno(errno, "binding %s at %s", src, dst);
	if (mount(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		return nslsm_fail_errno(errno, "making %s read-only", dst);
	return 0;
}

/*
 * The container's securityfs, the same on a host whose kernel runs
 * AppArmor and on one whose kernel does not (no securityfs apparmor
 * directory to mount over): securityfs bound read-only at SEC, so that
 * /proc/mounts has the 'securityfs' line libapparmor's aa_find_mountpoint
 * looks for; on top of it at the same point a small tmpfs, which path
 * walks see, holding the apparmor directory the tree is mounted on and,
 * read-only, every other entry of securityfs (lsm, integrity, ...: files
 * and directories bound, symbolic links made alike). The tmpfs is made
 * read-only by remount_sec_ro once the tree is mounted.
 */
static int sec_layout(const char *sec)
{
	char src[PATH_MAX], dst[PATH_MAX + 256], link[PATH_MAX];
	struct dirent *d;
	DIR *dir;
	int rc = 0;

	if (bind_ro("/sys/kernel/security", sec))
		return -1;
	if (mount("nslsm", sec, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=0755,size=64k,nr_inodes=256") < 0)
		return nslsm_fail_errno(errno, "mounting a tmpfs over %s", sec);
	snprintf(dst, sizeof(dst), "%s/apparmor", sec);
	if (mkdir(dst, 0755) < 0)
		return nslsm_fail_errno(errno, "making %s", dst);
	dir = opendir("/sys/kernel/security");
	if (!dir)
		return nslsm_fail_errno(errno, "reading /sys/kernel/security");
	while (!rc && (d = readdir(dir))) {
		struct stat sb;
		ssize_t n;
		int fd;

		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, "..") ||
		    !strcmp(d->d_name, "apparmor"))
			continue;
		snprintf(src, sizeof(src), "/sys/kernel/security/%s", d->d_name);
		snprintf(dst, sizeof(dst), "%s/%s", sec, d->d_name);
		if (lstat(src, &sb) < 0) {
			rc = nslsm_fail_errno(errno, "%s", src);
		} else if (S_ISLNK(sb.st_mode)) {
			n = readlink(src, link, sizeof(link) - 1);
			if (n < 0)
				rc = nslsm_fail_errno(errno, "reading the link %s", src);
			else if (link[n] = 0, symlink(link, dst) < 0)
				rc = nslsm_fail_errno(errno, "making the link %s", dst);
		} else if (S_ISDIR(sb.st_mode)) {
			if (mkdir(dst, 0755) < 0)
				rc = nslsm_fail_errno(errno, "making %s", dst);
			else
				rc = bind_ro(src, dst);
		} else {
			fd = open(dst, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0444);
			if (fd < 0)
				rc = nslsm_fail_errno(errno, "making %s", dst);
			else
				rc = (close(fd), bind_ro(src, dst));
		}
	}
	closedir(dir);
	return rc;
}

/* In the child: enter the mount namespace, make the mounts. */
static int child_mounts(const struct opts *o, int fuse_fd)
{
	char target[PATH_MAX + 16], sec[PATH_MAX], enabled[PATH_MAX + 64], opts[128];
	struct statfs sf;
	struct stat sb;

	if (o->mount_ns) {
		int fd = open(o->mount_ns, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return nslsm_fail_errno(errno, "%s", o->mount_ns);
		if (setns(fd, CLONE_NEWNS) < 0)
			return nslsm_fail_errno(errno, "entering the mount namespace %s", o->mount_ns);
		close(fd);
	}
	if (o->container_root) {
		snprintf(sec, sizeof(sec), "%s/sys/kernel/security", o->container_root);
		snprintf(target, sizeof(target), "%s/apparmor", sec);
		snprintf(enabled, sizeof(enabled), "%s/sys/module/apparmor/parameters/enabled",
			 o->container_root);
		if (statfs("/sys/kernel/security", &sf) < 0 || sf.f_type != SECURITYFS_MAGIC)
			return nslsm_fail("/sys/kernel/security is not a securityfs mount here: "
					  "nothing to bind into the container");
		if (stat(enabled, &sb) < 0)
			return nslsm_fail_errno(errno, "%s (the container needs /sys mounted, "
						"and a kernel built with AppArmor, active or "
						"not)", enabled);
		if (sec_layout(sec))
			return -1;
	} else {
		snprintf(target, sizeof(target), "%s", o->mountpoint);
	}
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other",
		 fuse_fd);
	if (mount("nslsm-apparmorfs", target, "fuse.nslsm-apparmorfs",
		  MS_NOSUID | MS_NODEV | MS_NOEXEC, opts) < 0)
		return nslsm_fail_errno(errno, "mounting the tree at %s", target);
	if (o->container_root &&
	    (mount(NULL, sec, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV |
		   MS_NOEXEC, NULL) < 0))
		return nslsm_fail_errno(errno, "making the tmpfs at %s read-only", sec);
	if (o->container_root && bind_ro(ENABLED_FILE, enabled))
		return -1;
	return 0;
}

/* Mount from a child process (setns needs one thread; the server stays
 * where it is). Its message comes back through a pipe. */
static int make_mounts(const struct opts *o, int fuse_fd)
{
	int p[2], status;
	char msg[1024];
	ssize_t n;
	pid_t pid;

	if (o->container_root && enabled_file())
		return -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return nslsm_fail_errno(errno, "pipe");
	pid = fork();
	if (pid < 0)
		return nslsm_fail_errno(errno, "fork");
	if (!pid) {
		close(p[0]);
		if (child_mounts(o, fuse_fd)) {
			const char *e = nslsm_error();

			if (write(p[1], e, strlen(e)) < 0)
				_exit(2);
			_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	n = read(p[0], msg, sizeof(msg) - 1);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		msg[n > 0 ? n : 0] = 0;
		return nslsm_fail("%s", n > 0 ? msg : "the mounting process failed");
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	int i = 1;

	memset(o, 0, sizeof(*o));
	o->ready_fd = -1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--daemon")) {
			o->daemon = true;
		} else if (i + 1 < argc && !strcmp(a, "--container-root")) {
			o->container_root = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--mount-ns")) {
			o->mount_ns = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--features")) {
			o->features = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--ready-fd")) {
			char *end;
			long v = strtol(argv[++i], &end, 10);

			if (*end || v < 3 || v > 1024)
				return nslsm_fail("--ready-fd '%s': not a file descriptor above 2",
						  argv[i]);
			o->ready_fd = v;
		} else {
			return nslsm_fail("unknown option '%s'", a);
		}
	}
	if (argc - i != (o->container_root ? 1 : 2))
		return nslsm_fail(o->container_root ? "with --container-root, give NS only"
						    : "give NS and MOUNTPOINT");
	o->ns = argv[i];
	o->mountpoint = o->container_root ? NULL : argv[i + 1];
	if (o->container_root && strlen(o->container_root) > PATH_MAX - 64)
		return nslsm_fail("--container-root: path too long");
	if (o->container_root && o->container_root[0] != '/')
		return nslsm_fail("--container-root '%s' is not an absolute path", o->container_root);
	return check_ns_name(o->ns);
}

static void ready(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ready(int fd, const char *fmt, ...)
{
	va_list ap;

	if (fd < 0)
		return;
	va_start(ap, fmt);
	vdprintf(fd, fmt, ap);
	va_end(ap);
	close(fd);
}

int main(int argc, char **argv)
{
	char *fargv[] = { argv[0], NULL };
	struct fuse_args args = FUSE_ARGS_INIT(1, fargv);
	char fdpath[32];
	struct fuse *f = NULL;
	struct opts o;
	int fuse_fd = -1, rc = 1, id;
	bool mounted_here = false;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(manual, stdout);
		return 0;
	}
	if (parse_args(argc, argv, &o)) {
		fprintf(stderr, "nslsm-apparmorfs: %s\n(nslsm-apparmorfs --help tells more)\n",
			nslsm_error());
		ready(o.ready_fd, "error: %s\n", nslsm_error());
		return 2;
	}
	if (o.daemon) {
		/* the caller waits for --ready-fd, not for this parent */
		pid_t pid = fork();

		if (pid < 0) {
			perror("nslsm-apparmorfs: fork");
			return 1;
		}
		if (pid)
			return 0;
		setsid();
		g_daemon = true;
		openlog("nslsm-apparmorfs", LOG_PID, LOG_DAEMON);
		{
			int null = open("/dev/null", O_RDWR);

			if (null >= 0) {
				dup2(null, 0), dup2(null, 1), dup2(null, 2);
				if (null > 2)
					close(null);
			}
		}
	}
	if (load_features(o.features) || state_open(&g_st, true) || aa_pools_open(&g_pools))
		goto fail;
	g_pin_lock = open(NSLSM_PIN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (g_pin_lock < 0) {
		nslsm_fail_errno(errno, "opening %s", NSLSM_PIN_DIR);
		goto fail;
	}
	id = ns_find(g_st.ns, o.ns);
	if (id < 0)
		goto fail;
	if (id == NSLSM_HOST_ID) {
		nslsm_fail("'host' is not served: give a container's namespace");
		goto fail;
	}
	if (!(g_st.ns[id].modules & (1u << NSLSM_MOD_APPARMOR))) {
		nslsm_fail("namespace '%s' does not enable the apparmor module", o.ns);
		goto fail;
	}
	g_ns_id = id;
	snprintf(g_ns_name, sizeof(g_ns_name), "%s", o.ns);

	fuse_fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fuse_fd < 0) {
		nslsm_fail_errno(errno, "/dev/fuse");
		goto fail;
	}
	f = fuse_new(&args, &fs_ops, sizeof(fs_ops), NULL);
	if (!f) {
		nslsm_fail("fuse_new failed");
		goto fail;
	}
	if (make_mounts(&o, fuse_fd))
		goto fail;
	mounted_here = !o.mount_ns && !o.container_root;
	/* libfuse takes a mounted /dev/fuse as /dev/fd/N */
	snprintf(fdpath, sizeof(fdpath), "/dev/fd/%d", fuse_fd);
	if (fuse_mount(f, fdpath)) {
		nslsm_fail("fuse_mount of %s failed", fdpath);
		goto fail;
	}
	if (fuse_set_signal_handlers(fuse_get_session(f))) {
		nslsm_fail("installing signal handlers failed");
		goto fail;
	}
	ready(o.ready_fd, "%d\n", getpid());
	o.ready_fd = -1;
	rc = fuse_loop_mt(f, 0) < 0 ? 1 : 0;
	fuse_remove_signal_handlers(fuse_get_session(f));
	fuse_unmount(f);
	if (mounted_here && umount2(o.mountpoint, MNT_DETACH) < 0 && errno != EINVAL)
		say("unmounting %s: %s", o.mountpoint, strerror(errno));
	fuse_destroy(f);
	aafs_features_free(&g_features);
	return rc;
fail:
	say("%s", nslsm_error());
	ready(o.ready_fd, "error: %s\n", nslsm_error());
	if (mounted_here)
		umount2(o.mountpoint, MNT_DETACH);
	if (f)
		fuse_destroy(f);
	return 1;
}
