// SPDX-License-Identifier: GPL-2.0
/*
 * SELinux file labels on the core's object-label store: chcon, label,
 * mount-context, restorecon, and the re-import of stored contexts after a
 * policy load. A file's context in a namespace is, in order (as the
 * kernel's inode_doinit): its stored label; else its file system's mount
 * context; else the policy's fs_use for the file system type (fs_use_xattr:
 * the `file` initial SID, what the kernel gives a file with no xattr;
 * fs_use_task/fs_use_trans: the fs_use context, the file system's own);
 * else the longest matching genfscon; else the `file` initial SID.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <selinux/label.h>
#include <selinux/selinux.h>

#include "lib/error.h"
#include "lib/objlabel.h"
#include "selinux/filecon.h"
#include "selinux/store.h"

#define MOD NSLSM_MOD_SELINUX
#define CTX_MAX 4096

/* The kernel's fs_use behaviours (SECURITY_FS_USE_*). */
#define FS_USE_XATTR 1
#define FS_USE_TRANS 2
#define FS_USE_TASK 3

int se_label_import(uint32_t ns_id, const struct se_policy *p, uint32_t gen, const char *context,
		    uint32_t *sid)
{
	struct nslsm_se_context c;
	int rc;

	(void)ns_id;	/* the SID table proper is per namespace */
	if (se_context_parse(p, context, &c))
		return -1;
	rc = se_store_sid_lookup(gen, &c, true, sid);
	return rc == 1 ? 0 : -1;
}

/* The namespace's policy and its generation, or a failure naming it. */
static int policy_of(uint32_t ns_id, const char *ns_name, struct se_policy *p, uint32_t *gen)
{
	struct nslsm_se_ns ns;

	if (se_store_state(ns_id, &ns) < 0)
		return -1;
	if (!ns.gen)
		return nslsm_fail("namespace '%s' has no SELinux policy (nslsm selinux load %s "
				  "FILE)", ns_name, ns_name);
	*gen = ns.gen;
	return se_store_policy(ns_id, ns_name, p, NULL);
}

/* A context in its canonical spelling (what the labels file keeps). */
static int canonical(const struct se_policy *p, const char *in, char *out, size_t len)
{
	struct nslsm_se_context c;

	if (se_context_parse(p, in, &c))
		return -1;
	if (se_context_format(p, &c, out, len) >= len)
		return nslsm_fail("context '%.64s...': longer than %zu bytes", in, len - 1);
	if (!objlabel_label_ok(out))
		return nslsm_fail("context '%.64s': cannot be stored", out);
	return 0;
}

struct import_arg {
	uint32_t ns_id, gen;
	const struct se_policy *p;
};

/* A stored label refused by the policy in force stands as the unlabeled
 * initial SID, as the kernel treats a file whose context a new policy
 * refuses. */
static int import_one(void *arg, const char *label, uint32_t *value)
{
	struct import_arg *a = arg;

	if (se_label_import(a->ns_id, a->p, a->gen, label, value)) {
		nslsm_error_clear();
		if (!se_policy_isid(a->p, NSLSM_SE_SECINITSID_UNLABELED))
			return -1;
		*value = NSLSM_SE_SECINITSID_UNLABELED;
		return 1;
	}
	return 0;
}

int se_labels_reimport(uint32_t ns_id, const char *ns_name, unsigned int *imported,
		       unsigned int *skipped)
{
	struct se_policy p;
	struct import_arg a = { .ns_id = ns_id, .p = &p };
	int rc;

	*imported = *skipped = 0;
	/* Not cleared first: the load kept every sid's number (a label the
	 * new policy refuses is unlabeled under it), so the stored entries
	 * stay right while they are rewritten. */
	if (policy_of(ns_id, ns_name, &p, &a.gen))
		return -1;
	rc = objlabel_import(MOD, ns_id, ns_name, import_one, &a, imported, skipped);
	se_policy_free(&p);
	return rc;
}

/* Store context (canonical, sid) for n files: the labels file first (the
 * truth), then the map. */
static int store(uint32_t ns_id, const char *ns_name, const struct objlabel_id *ids,
		 const char *const *ctxs, const uint32_t *sids, int n, bool fs_level)
{
	struct objlabel_db db;

	if (objlabel_db_read(&db))
		return -1;
	for (int i = 0; i < n; i++)
		if (objlabel_db_set(&db, &ids[i], fs_level, MOD, ns_name, ctxs[i])) {
			objlabel_db_free(&db);
			return -1;
		}
	if (objlabel_db_write(&db)) {
		objlabel_db_free(&db);
		return -1;
	}
	objlabel_db_free(&db);
	for (int i = 0; i < n; i++)
		if (objlabel_map_set(MOD, ns_id, &ids[i], fs_level, sids[i]))
			return -1;
	return 0;
}

int se_chcon(uint32_t ns_id, const char *ns_name, const char *context, char *const *paths, int n)
{
	struct objlabel_id *ids = calloc(n ? n : 1, sizeof(*ids));
	const char **ctxs = calloc(n ? n : 1, sizeof(*ctxs));
	uint32_t *sids = calloc(n ? n : 1, sizeof(*sids)), gen, sid;
	char canon[CTX_MAX];
	struct se_policy p;
	int rc = -1;

	if (!ids || !ctxs || !sids) {
		nslsm_fail("out of memory");
		goto out_free;
	}
	if (policy_of(ns_id, ns_name, &p, &gen))
		goto out_free;
	/* everything checked before anything changes */
	if (canonical(&p, context, canon, sizeof(canon)) || objlabel_ident(paths, n, ids) ||
	    se_label_import(ns_id, &p, gen, canon, &sid))
		goto out;
	for (int i = 0; i < n; i++) {
		ctxs[i] = canon;
		sids[i] = sid;
	}
	rc = store(ns_id, ns_name, ids, ctxs, sids, n, false);
out:
	se_policy_free(&p);
out_free:
	free(ids);
	free(ctxs);
	free(sids);
	return rc;
}

int se_mount_context(uint32_t ns_id, const char *ns_name, const char *mountpoint,
		     const char *context)
{
	char canon[CTX_MAX], *paths[1] = { (char *)mountpoint };
	const char *ctxs[1] = { canon };
	struct objlabel_id id;
	struct se_policy p;
	struct stat sb, parent;
	uint32_t gen, sid;
	int rc = -1;

	if (stat(mountpoint, &sb) < 0)
		return nslsm_fail_errno(errno, "%s", mountpoint);
	{
		char up[PATH_MAX];

		snprintf(up, sizeof(up), "%s/..", mountpoint);
		if (!S_ISDIR(sb.st_mode) || stat(up, &parent) < 0 ||
		    (parent.st_dev == sb.st_dev && parent.st_ino != sb.st_ino))
			return nslsm_fail("%s: not a mount point (a mount context names a whole "
					  "file system)", mountpoint);
	}
	if (policy_of(ns_id, ns_name, &p, &gen))
		return -1;
	if (canonical(&p, context, canon, sizeof(canon)) || objlabel_ident(paths, 1, &id) ||
	    se_label_import(ns_id, &p, gen, canon, &sid))
		goto out;
	rc = store(ns_id, ns_name, &id, ctxs, &sid, 1, true);
out:
	se_policy_free(&p);
	return rc;
}

/* The path of `path` inside its file system (for genfscon): the part
 * below the topmost directory on the same device. */
static void fs_relative(const char *path, char *out, size_t len)
{
	char real[PATH_MAX], up[PATH_MAX];
	struct stat sb, st;
	size_t cut;

	snprintf(out, len, "/");
	if (!realpath(path, real) || stat(real, &sb) < 0)
		return;
	cut = strlen(real);
	for (;;) {
		char *slash;

		memcpy(up, real, cut);
		up[cut] = 0;
		slash = strrchr(up, '/');
		if (!slash || slash == up) {
			if (stat("/", &st) == 0 && st.st_dev == sb.st_dev)
				cut = 0;
			break;
		}
		*slash = 0;
		if (stat(up, &st) < 0 || st.st_dev != sb.st_dev)
			break;
		cut = (size_t)(slash - up);
	}
	snprintf(out, len, "%s", real[cut] ? real + cut : "/");
}

/* The policy's class of a file of this mode, 0 if it has none. */
static uint32_t class_of_mode(const struct se_policy *p, uint32_t mode)
{
	const char *n = S_ISDIR(mode)	 ? "dir"
			: S_ISLNK(mode)	 ? "lnk_file"
			: S_ISCHR(mode)	 ? "chr_file"
			: S_ISBLK(mode)	 ? "blk_file"
			: S_ISSOCK(mode) ? "sock_file"
			: S_ISFIFO(mode) ? "fifo_file"
					 : "file";

	return se_class_find(p, n);
}

int se_label_of(uint32_t ns_id, const char *ns_name, const char *path, char *ctx, size_t len,
		char *source, size_t source_len)
{
	char *paths[1] = { (char *)path };
	const struct nslsm_se_context *c = NULL;
	struct nslsm_se_context stored;
	struct objlabel_id id;
	struct se_policy p;
	uint32_t gen, sid;
	int rc = -1, r;

	if (policy_of(ns_id, ns_name, &p, &gen))
		return -1;
	if (objlabel_ident(paths, 1, &id))
		goto out;
	for (int fs_level = 0; fs_level < 2 && !c; fs_level++) {
		r = objlabel_map_get(MOD, ns_id, &id, fs_level, &sid);
		if (r < 0)
			goto out;
		if (!r)
			continue;
		r = se_store_sid_context(gen, sid, &stored);
		if (r < 0)
			goto out;
		if (!r) {
			nslsm_fail("%s: stored sid %u is not in the policy's SID table", path, sid);
			goto out;
		}
		c = &stored;
		snprintf(source, source_len, fs_level ? "mount context" : "stored");
	}
	for (uint32_t i = 0; !c && i < p.nfs_use; i++) {
		if (strcmp(p.fs_use[i].fstype, id.fstype))
			continue;
		if (p.fs_use[i].behavior == FS_USE_XATTR) {
			c = se_policy_isid(&p, SE_SECINITSID_FILE);
			snprintf(source, source_len, "fs_use_xattr %s, no stored label: initial SID "
				 "file", id.fstype);
		} else {
			c = &p.fs_use[i].ctx;
			snprintf(source, source_len, "fs_use_%s %s",
				 p.fs_use[i].behavior == FS_USE_TRANS	? "trans"
				 : p.fs_use[i].behavior == FS_USE_TASK ? "task"
								       : "other",
				 id.fstype);
		}
		if (!c)
			break;
	}
	if (!c) {
		char rel[PATH_MAX];
		uint32_t cls = class_of_mode(&p, id.mode);
		size_t best = 0;

		fs_relative(path, rel, sizeof(rel));
		for (uint32_t i = 0; i < p.ngenfs; i++) {
			const struct nslsm_se_genfs *g = &p.genfs[i];
			size_t l = strlen(g->path);

			if (strcmp(g->fstype, id.fstype) || strncmp(g->path, rel, l) ||
			    (g->sclass && g->sclass != cls) || l < best || (c && l == best))
				continue;
			best = l;
			c = &g->ctx;
			snprintf(source, source_len, "genfscon %s %s", g->fstype, g->path);
		}
	}
	if (!c) {
		c = se_policy_isid(&p, SE_SECINITSID_FILE);
		snprintf(source, source_len, "initial SID file");
	}
	if (!c) {
		nslsm_fail("namespace '%s': its policy defines no 'file' initial SID", ns_name);
		goto out;
	}
	if (se_context_format(&p, c, ctx, len) >= len) {
		nslsm_fail("%s: its context is longer than %zu bytes", path, len - 1);
		goto out;
	}
	rc = 0;
out:
	se_policy_free(&p);
	return rc;
}

/* ---- restorecon --------------------------------------------------------- */

struct walk {
	char **paths;
	size_t n, cap;
	int err;
};

static struct walk *walk_now;

static int walk_add(struct walk *w, const char *path)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 256;
		char **np = realloc(w->paths, cap * sizeof(*np));

		if (!np)
			return -1;
		w->paths = np;
		w->cap = cap;
	}
	w->paths[w->n] = strdup(path);
	return w->paths[w->n] ? (int)w->n++ * 0 : -1;
}

static int walk_cb(const char *path, const struct stat *sb, int type, struct FTW *f)
{
	(void)sb;
	(void)f;
	if (type == FTW_NS || type == FTW_DNR) {
		walk_now->err = errno ? errno : EACCES;
		nslsm_fail_errno(walk_now->err, "%s", path);
		return 1;
	}
	return walk_add(walk_now, path) ? 1 : 0;
}

static void walk_free(struct walk *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->paths[i]);
	free(w->paths);
}

/* The context restorecon gives path: file_contexts' or its xattr's; 0 and
 * ctx, 1 no match (left alone), -1 error. */
static int wanted(struct selabel_handle *h, const struct se_restorecon_opts *o, const char *path,
		  char *ctx, size_t len)
{
	struct stat sb;
	char *con = NULL;
	const char *key = path;

	if (lstat(path, &sb) < 0)
		return nslsm_fail_errno(errno, "%s", path);
	if (o->from_xattr) {
		ssize_t n = lgetxattr(path, "security.selinux", ctx, len - 1);

		if (n < 0)
			return errno == ENODATA || errno == ENOTSUP ? 1
								    : nslsm_fail_errno(errno, "%s: "
											   "reading security.selinux", path);
		ctx[n] = 0;
		if (n && !ctx[n - 1])
			n--;
		return n ? 0 : 1;
	}
	if (o->root) {
		size_t l = strlen(o->root);

		while (l > 1 && o->root[l - 1] == '/')
			l--;
		if (strncmp(path, o->root, l) || (path[l] && path[l] != '/'))
			return nslsm_fail("%s: not under --root %s", path, o->root);
		key = path[l] ? path + l : "/";
	}
	if (selabel_lookup(h, &con, key, sb.st_mode) < 0)
		return errno == ENOENT ? 1 : nslsm_fail_errno(errno, "%s: matching %s", path,
							      o->file_contexts);
	snprintf(ctx, len, "%s", con);
	freecon(con);
	return strcmp(ctx, "<<none>>") ? 0 : 1;
}

int se_restorecon(uint32_t ns_id, const char *ns_name, const struct se_restorecon_opts *o,
		  char *const *paths, int n, unsigned int *relabelled)
{
	struct selabel_handle *h = NULL;
	struct walk w = { 0 };
	struct objlabel_id *ids = NULL;
	char **ctxs = NULL;
	const char **cptr = NULL;
	uint32_t *sids = NULL, gen;
	size_t m = 0;
	struct se_policy p;
	int rc = -1;

	*relabelled = 0;
	if (policy_of(ns_id, ns_name, &p, &gen))
		return -1;
	if (!o->from_xattr) {
		struct selinux_opt opt = { SELABEL_OPT_PATH, o->file_contexts };

		h = selabel_open(SELABEL_CTX_FILE, &opt, 1);
		if (!h) {
			nslsm_fail_errno(errno, "%s: not a file_contexts file libselinux can read",
					 o->file_contexts);
			goto out;
		}
	}
	for (int i = 0; i < n; i++) {
		char real[PATH_MAX];

		if (!realpath(paths[i], real)) {
			nslsm_fail_errno(errno, "%s", paths[i]);
			goto out;
		}
		if (o->recursive) {
			walk_now = &w;
			if (nftw(real, walk_cb, 32, FTW_PHYS | FTW_MOUNT)) {
				if (!w.err)
					nslsm_fail("%s: walking the tree failed", real);
				goto out;
			}
		} else if (walk_add(&w, real)) {
			nslsm_fail("out of memory");
			goto out;
		}
	}
	ids = calloc(w.n ? w.n : 1, sizeof(*ids));
	ctxs = calloc(w.n ? w.n : 1, sizeof(*ctxs));
	cptr = calloc(w.n ? w.n : 1, sizeof(*cptr));
	sids = calloc(w.n ? w.n : 1, sizeof(*sids));
	if (!ids || !ctxs || !cptr || !sids) {
		nslsm_fail("out of memory");
		goto out;
	}
	/* every file's context found and valid before anything changes */
	for (size_t i = 0; i < w.n; i++) {
		char raw[CTX_MAX], canon[CTX_MAX];
		int r = wanted(h, o, w.paths[i], raw, sizeof(raw));

		if (r < 0)
			goto out;
		if (r)
			continue;
		if (canonical(&p, raw, canon, sizeof(canon))) {
			char why[512];

			snprintf(why, sizeof(why), "%s", nslsm_error());
			nslsm_fail("%s: %s", w.paths[i], why);
			goto out;
		}
		if (objlabel_ident(&w.paths[i], 1, &ids[m]) ||
		    se_label_import(ns_id, &p, gen, canon, &sids[m]))
			goto out;
		ctxs[m] = strdup(canon);
		if (!ctxs[m]) {
			nslsm_fail("out of memory");
			goto out;
		}
		cptr[m] = ctxs[m];
		if (o->verbose)
			printf("%s %s\n", w.paths[i], canon);
		m++;
	}
	rc = m ? store(ns_id, ns_name, ids, cptr, sids, (int)m, false) : 0;
	if (!rc)
		*relabelled = (unsigned int)m;
out:
	if (h)
		selabel_close(h);
	for (size_t i = 0; ctxs && i < m; i++)
		free(ctxs[i]);
	free(ctxs);
	free(cptr);
	free(ids);
	free(sids);
	walk_free(&w);
	se_policy_free(&p);
	return rc;
}
