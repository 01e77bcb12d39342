// SPDX-License-Identifier: GPL-2.0
/*
 * The object-label store, user side: the labels file (the truth, label
 * strings), the objlabels map (values of the current load), the identity
 * program that tells how BPF keys a file, and the import of a module's
 * strings. Format and rules: objlabel.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "error.h"
#include "module.h"
#include "objlabel.h"
#include "state.h"

#define OBJLABEL_IDENT_PIN NSLSM_PROG_DIR "/objlabel_ident"
#define MAX_IDENT 1024

const char *objlabel_state_dir(void)
{
	const char *d = getenv("NSLSM_STATE_DIR");

	return d && *d ? d : NSLSM_STATE_DIR_DEFAULT;
}

const char *objlabel_file(void)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/objlabels", objlabel_state_dir());
	return path;
}

bool objlabel_label_ok(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if ((unsigned char)s[n] <= 0x20 || (unsigned char)s[n] >= 0x7f)
			return false;
	return n > 0 && n < NSLSM_OBJLABEL_STR_MAX;
}

static bool ns_name_ok(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if ((unsigned char)s[n] <= 0x20 || (unsigned char)s[n] >= 0x7f || s[n] == '/')
			return false;
	return n > 0 && n < NSLSM_NAME_MAX;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A decimal number of at most `max`, the whole token. */
static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (max - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

static bool parse_fs(const char *s, struct objlabel_rec *r)
{
	memset(r->fs, 0, sizeof(r->fs));
	if (!strncmp(s, "uuid:", 5)) {
		s += 5;
		if (strlen(s) != 32)
			return false;
		for (int i = 0; i < 16; i++) {
			int h = hexval(s[2 * i]), l = hexval(s[2 * i + 1]);

			if (h < 0 || l < 0)
				return false;
			r->fs[i] = (uint8_t)(h << 4 | l);
		}
		r->fs_kind = NSLSM_OBJLABEL_FS_UUID;
		/* all zero is never a uuid BPF reports (it falls back to s_dev) */
		for (int i = 0; i < 16; i++)
			if (r->fs[i])
				return true;
		return false;
	}
	if (!strncmp(s, "dev:", 4)) {
		uint64_t dev;
		uint32_t d;

		if (!parse_u64(s + 4, UINT32_MAX, &dev))
			return false;
		d = (uint32_t)dev;
		memcpy(r->fs, &d, sizeof(d));
		r->fs_kind = NSLSM_OBJLABEL_FS_DEV;
		return true;
	}
	return false;
}

static bool same_file(const struct objlabel_rec *a, const struct objlabel_rec *b)
{
	return a->fs_kind == b->fs_kind && !memcmp(a->fs, b->fs, sizeof(a->fs)) &&
	       a->ino == b->ino && a->igen == b->igen && a->module == b->module &&
	       !strcmp(a->ns, b->ns);
}

static int db_add(struct objlabel_db *db, const struct objlabel_rec *r)
{
	if (db->n == db->cap) {
		size_t cap = db->cap ? db->cap * 2 : 64;
		struct objlabel_rec *n = realloc(db->r, cap * sizeof(*n));

		if (!n)
			return nslsm_fail("out of memory");
		db->r = n;
		db->cap = cap;
	}
	db->r[db->n++] = *r;
	return 0;
}

void objlabel_db_free(struct objlabel_db *db)
{
	free(db->r);
	memset(db, 0, sizeof(*db));
}

int objlabel_db_parse(const char *text, size_t len, const char *what, struct objlabel_db *out)
{
	struct objlabel_db db = { 0 };
	size_t pos = 0, line = 0;
	bool header = false;

	memset(out, 0, sizeof(*out));
	if (len > OBJLABEL_FILE_MAX)
		return nslsm_fail("%s: larger than %u bytes", what, OBJLABEL_FILE_MAX);
	while (pos < len) {
		char buf[1024], *f[7], *save = NULL;
		size_t end = pos;
		struct objlabel_rec r = { 0 };
		const struct nslsm_module *m;
		uint64_t v;
		int nf = 0;

		while (end < len && text[end] != '\n')
			end++;
		line++;
		if (end == len && end > pos)
			goto bad_end;
		if (end - pos >= sizeof(buf)) {
			nslsm_fail("%s:%zu: line longer than %zu bytes", what, line, sizeof(buf) - 1);
			goto fail;
		}
		if (memchr(text + pos, 0, end - pos)) {
			nslsm_fail("%s:%zu: a NUL byte", what, line);
			goto fail;
		}
		memcpy(buf, text + pos, end - pos);
		buf[end - pos] = 0;
		pos = end + 1;
		if (!header) {
			if (strcmp(buf, OBJLABEL_FILE_HEADER)) {
				nslsm_fail("%s:1: not an nslsm labels file (expected '%s')", what,
					   OBJLABEL_FILE_HEADER);
				goto fail;
			}
			header = true;
			continue;
		}
		if (!buf[0] || buf[0] == '#')
			continue;
		for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
			if (nf == 7)
				break;
			f[nf++] = t;
		}
		if (nf != 6) {
			nslsm_fail("%s:%zu: expected FS INO IGEN MODULE NAMESPACE LABEL", what, line);
			goto fail;
		}
		if (!parse_fs(f[0], &r)) {
			nslsm_fail("%s:%zu: bad file system '%.64s' (uuid:32 hex digits, not all "
				   "zero, or dev:NUMBER)", what, line, f[0]);
			goto fail;
		}
		if (!parse_u64(f[1], UINT64_MAX, &r.ino)) {
			nslsm_fail("%s:%zu: bad inode number '%.32s'", what, line, f[1]);
			goto fail;
		}
		if (!parse_u64(f[2], UINT32_MAX, &v)) {
			nslsm_fail("%s:%zu: bad inode generation '%.32s'", what, line, f[2]);
			goto fail;
		}
		r.igen = (uint32_t)v;
		if (!r.ino && r.igen) {
			nslsm_fail("%s:%zu: inode 0 is the file system's label: its generation "
				   "must be 0", what, line);
			goto fail;
		}
		m = module_by_name(f[3]);
		if (!m) {
			nslsm_fail("%s:%zu: unknown module '%.32s'", what, line, f[3]);
			goto fail;
		}
		r.module = (uint8_t)m->id;
		if (!ns_name_ok(f[4])) {
			nslsm_fail("%s:%zu: bad namespace name '%.64s'", what, line, f[4]);
			goto fail;
		}
		strcpy(r.ns, f[4]);
		if (!objlabel_label_ok(f[5])) {
			nslsm_fail("%s:%zu: bad label '%.64s' (printable, no blank, fewer than %u "
				   "bytes)", what, line, f[5], NSLSM_OBJLABEL_STR_MAX);
			goto fail;
		}
		strcpy(r.label, f[5]);
		for (size_t i = 0; i < db.n; i++)
			if (same_file(&db.r[i], &r)) {
				nslsm_fail("%s:%zu: a second label for the same file, module and "
					   "namespace", what, line);
				goto fail;
			}
		if (db_add(&db, &r))
			goto fail;
	}
	if (!header && len) {
bad_end:
		nslsm_fail("%s: truncated (its last line has no newline)", what);
		goto fail;
	}
	*out = db;
	return 0;
fail:
	objlabel_db_free(&db);
	return -1;
}

char *objlabel_db_format(const struct objlabel_db *db, size_t *len)
{
	size_t cap = 64 + db->n * (40 + 48 + NSLSM_NAME_MAX + NSLSM_OBJLABEL_STR_MAX), n;
	char *s = malloc(cap);

	if (!s) {
		nslsm_fail("out of memory");
		return NULL;
	}
	n = (size_t)snprintf(s, cap, "%s\n", OBJLABEL_FILE_HEADER);
	for (size_t i = 0; i < db->n; i++) {
		const struct objlabel_rec *r = &db->r[i];
		const struct nslsm_module *m = module_by_id(r->module);
		char fs[40];

		if (r->fs_kind == NSLSM_OBJLABEL_FS_UUID) {
			strcpy(fs, "uuid:");
			for (int j = 0; j < 16; j++)
				sprintf(fs + 5 + 2 * j, "%02x", r->fs[j]);
		} else {
			uint32_t d;

			memcpy(&d, r->fs, sizeof(d));
			snprintf(fs, sizeof(fs), "dev:%u", d);
		}
		n += (size_t)snprintf(s + n, cap - n, "%s %llu %u %s %s %s\n", fs,
				      (unsigned long long)r->ino, r->igen, m ? m->name : "?",
				      r->ns, r->label);
	}
	*len = n;
	return s;
}

int objlabel_db_read(struct objlabel_db *db)
{
	const char *path = objlabel_file();
	struct stat sb;
	char *text;
	ssize_t got;
	size_t off = 0;
	int fd, rc;

	memset(db, 0, sizeof(*db));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : nslsm_fail_errno(errno, "opening %s", path);
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return nslsm_fail("%s: not a regular file", path);
	}
	if ((uint64_t)sb.st_size > OBJLABEL_FILE_MAX) {
		close(fd);
		return nslsm_fail("%s: larger than %u bytes", path, OBJLABEL_FILE_MAX);
	}
	text = malloc((size_t)sb.st_size + 1);
	if (!text) {
		close(fd);
		return nslsm_fail("out of memory");
	}
	while (off < (size_t)sb.st_size && (got = read(fd, text + off, (size_t)sb.st_size - off)) > 0)
		off += (size_t)got;
	close(fd);
	rc = objlabel_db_parse(text, off, path, db);
	free(text);
	return rc;
}

int objlabel_db_write(const struct objlabel_db *db)
{
	const char *dir = objlabel_state_dir(), *path = objlabel_file();
	char tmp[4200];
	size_t len, off = 0;
	char *text;
	int fd;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return nslsm_fail_errno(errno, "creating the state directory %s", dir);
	text = objlabel_db_format(db, &len);
	if (!text)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		free(text);
		return nslsm_fail_errno(errno, "writing %s", tmp);
	}
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w <= 0) {
			int e = w < 0 ? errno : EIO;

			close(fd);
			unlink(tmp);
			free(text);
			return nslsm_fail_errno(e, "writing %s", tmp);
		}
		off += (size_t)w;
	}
	free(text);
	if (fsync(fd) < 0 || close(fd) < 0) {
		unlink(tmp);
		return nslsm_fail_errno(errno, "writing %s", tmp);
	}
	if (rename(tmp, path) < 0) {
		int e = errno;

		unlink(tmp);
		return nslsm_fail_errno(e, "replacing %s", path);
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}

static void rec_of(struct objlabel_rec *r, const struct objlabel_id *id, bool fs_level,
		   uint8_t module, const char *ns)
{
	memset(r, 0, sizeof(*r));
	r->fs_kind = id->fs_kind;
	memcpy(r->fs, id->fs, sizeof(r->fs));
	r->ino = fs_level ? 0 : id->ino;
	r->igen = fs_level ? 0 : id->igen;
	r->module = module;
	snprintf(r->ns, sizeof(r->ns), "%s", ns);
}

struct objlabel_rec *objlabel_db_find(struct objlabel_db *db, const struct objlabel_id *id,
				      bool fs_level, uint8_t module, const char *ns)
{
	struct objlabel_rec k;

	rec_of(&k, id, fs_level, module, ns);
	for (size_t i = 0; i < db->n; i++)
		if (same_file(&db->r[i], &k))
			return &db->r[i];
	return NULL;
}

int objlabel_db_set(struct objlabel_db *db, const struct objlabel_id *id, bool fs_level,
		    uint8_t module, const char *ns, const char *label)
{
	struct objlabel_rec *old = objlabel_db_find(db, id, fs_level, module, ns), r;

	if (!objlabel_label_ok(label))
		return nslsm_fail("label '%.64s': not storable (printable, no blank, fewer than "
				  "%u bytes)", label, NSLSM_OBJLABEL_STR_MAX);
	if (!ns_name_ok(ns))
		return nslsm_fail("namespace name '%.64s': not storable", ns);
	if (old) {
		snprintf(old->label, sizeof(old->label), "%s", label);
		return 0;
	}
	rec_of(&r, id, fs_level, module, ns);
	snprintf(r.label, sizeof(r.label), "%s", label);
	return db_add(db, &r);
}

/* ---- the identity program ---------------------------------------------- */

int objlabel_ident(char *const *paths, int n, struct objlabel_id *out)
{
	union bpf_iter_link_info linfo = { 0 };
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	struct nslsm_objlabel_ident r;
	int fds[MAX_IDENT], prog = -1, link = -1, iter = -1, rc = -1, i, got = 0;
	ssize_t len;

	if (n > MAX_IDENT)
		return nslsm_fail("more than %d files at once", MAX_IDENT);
	for (i = 0; i < n; i++)
		fds[i] = -1;
	for (i = 0; i < n; i++) {
		fds[i] = open(paths[i], O_PATH | O_CLOEXEC);
		if (fds[i] < 0) {
			nslsm_fail_errno(errno, "%s", paths[i]);
			goto out;
		}
		memset(&out[i], 0, sizeof(out[i]));
		out[i].fs_kind = 0;	/* not seen yet */
	}
	prog = bpf_obj_get(OBJLABEL_IDENT_PIN);
	if (prog < 0) {
		nslsm_fail_errno(errno, "opening %s (is this nslsm's current version loaded?)",
				 OBJLABEL_IDENT_PIN);
		goto out;
	}
	/* only this process's files (the program checks it too) */
	linfo.task.pid = (__u32)getpid();
	opts.iter_info = &linfo;
	opts.iter_info_len = sizeof(linfo);
	link = bpf_link_create(prog, 0, BPF_TRACE_ITER, &opts);
	if (link < 0) {
		LIBBPF_OPTS(bpf_link_create_opts, all);

		link = bpf_link_create(prog, 0, BPF_TRACE_ITER, &all);
	}
	if (link < 0) {
		nslsm_fail_errno(errno, "making a link of the identity program");
		goto out;
	}
	iter = bpf_iter_create(link);
	if (iter < 0) {
		nslsm_fail_errno(errno, "running the identity program");
		goto out;
	}
	while ((len = read(iter, &r, sizeof(r))) == (ssize_t)sizeof(r)) {
		for (i = 0; i < n; i++) {
			if (r.fd != fds[i] || out[i].fs_kind)
				continue;
			out[i].fs_kind = r.fs_kind;
			memcpy(out[i].fs, r.fs, sizeof(r.fs));
			out[i].ino = r.ino;
			out[i].igen = r.igen;
			out[i].mode = r.mode;
			out[i].sb_id = r.sb_id;
			memcpy(out[i].fstype, r.fstype, sizeof(r.fstype));
			out[i].fstype[sizeof(out[i].fstype) - 1] = 0;
			got++;
		}
	}
	if (len < 0) {
		nslsm_fail_errno(errno, "reading the identity program's records");
		goto out;
	}
	for (i = 0; i < n; i++)
		if (!out[i].fs_kind) {
			nslsm_fail("%s: the identity program did not report it", paths[i]);
			goto out;
		}
	rc = 0;
out:
	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (iter >= 0)
		close(iter);
	if (link >= 0)
		close(link);
	if (prog >= 0)
		close(prog);
	(void)got;
	return rc;
}

/* ---- the maps ----------------------------------------------------------- */

static int map_fd(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", NSLSM_MAP_DIR, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return nslsm_fail_errno(errno, "opening pinned map %s (is this nslsm's current "
					"version loaded?)", path);
	return fd;
}

static void key_of(struct nslsm_objlabel_key *k, uint8_t module, uint32_t ns_id,
		   const struct objlabel_id *id, bool fs_level)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->fs, id->fs, sizeof(k->fs));
	k->fs_kind = id->fs_kind;
	k->ino = fs_level ? 0 : id->ino;
	k->igen = fs_level ? 0 : id->igen;
	k->ns_id = (__u16)ns_id;
	k->module = module;
}

/* The state slot, mapped: the epoch moves atomically while BPF reads it. */
static struct nslsm_objlabel_state *state_map(int *fd)
{
	void *p;

	*fd = map_fd("objlabel_state");
	if (*fd < 0)
		return NULL;
	p = mmap(NULL, sizeof(struct nslsm_objlabel_state), PROT_READ | PROT_WRITE, MAP_SHARED,
		 *fd, 0);
	if (p == MAP_FAILED) {
		nslsm_fail_errno(errno, "mapping objlabel_state");
		close(*fd);
		return NULL;
	}
	return p;
}

static void state_unmap(struct nslsm_objlabel_state *st, int fd)
{
	munmap(st, sizeof(*st));
	close(fd);
}

/* After any change of the map: no cached answer of before stands. */
static int changed(bool active)
{
	struct nslsm_objlabel_state *st;
	int fd;

	st = state_map(&fd);
	if (!st)
		return -1;
	if (active)
		__atomic_store_n(&st->active, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&st->epoch, 1, __ATOMIC_SEQ_CST);
	state_unmap(st, fd);
	return 0;
}

static int owner_add(uint8_t module, uint32_t ns_id)
{
	__u32 who = ns_id << 8 | module, one = 1;
	int fd = map_fd("objlabel_owners");

	if (fd < 0)
		return -1;
	if (bpf_map_update_elem(fd, &who, &one, BPF_ANY) < 0) {
		int e = errno;

		close(fd);
		return nslsm_fail_errno(e, "objlabel_owners: no room for one more (namespace, "
					"module) pair with labels (%u at most)",
					NSLSM_OBJLABEL_OWNERS);
	}
	close(fd);
	return 0;
}

int objlabel_map_set(uint8_t module, uint32_t ns_id, const struct objlabel_id *id, bool fs_level,
		     uint32_t value)
{
	struct nslsm_objlabel_key k;
	struct nslsm_objlabel_val v = { .label = value };
	int fd, rc = 0;

	if (owner_add(module, ns_id))
		return -1;
	fd = map_fd("objlabels");
	if (fd < 0)
		return -1;
	key_of(&k, module, ns_id, id, fs_level);
	if (bpf_map_update_elem(fd, &k, &v, BPF_ANY) < 0)
		rc = nslsm_fail_errno(errno, "objlabels: storing a label (the map holds %u)",
				      NSLSM_OBJLABEL_MAP_ENTRIES);
	close(fd);
	if (changed(true))
		return -1;
	return rc;
}

int objlabel_map_get(uint8_t module, uint32_t ns_id, const struct objlabel_id *id, bool fs_level,
		     uint32_t *value)
{
	struct nslsm_objlabel_key k;
	struct nslsm_objlabel_val v;
	int fd = map_fd("objlabels"), rc;

	if (fd < 0)
		return -1;
	key_of(&k, module, ns_id, id, fs_level);
	rc = bpf_map_lookup_elem(fd, &k, &v);
	if (rc < 0 && errno != ENOENT)
		rc = nslsm_fail_errno(errno, "objlabels: reading a label");
	else if (rc < 0)
		rc = 0;
	else {
		*value = v.label;
		rc = 1;
	}
	close(fd);
	return rc;
}

int objlabel_clear(uint32_t ns_id, int module)
{
	struct nslsm_objlabel_key *keys = NULL, *del = NULL;
	size_t n = 0, nd = 0;
	int fd = map_fd("objlabels"), rc = -1, e;

	if (fd < 0)
		return -1;
	e = map_keys_batch(fd, sizeof(*keys), sizeof(struct nslsm_objlabel_val), false,
			   (void **)&keys, &n);
	if (e) {
		nslsm_fail_errno(-e, "objlabels: listing the labels");
		goto out;
	}
	del = calloc(n ? n : 1, sizeof(*del));
	if (!del) {
		nslsm_fail("out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (keys[i].ns_id == ns_id && (module < 0 || keys[i].module == module))
			del[nd++] = keys[i];
	e = map_delete_keys(fd, del, sizeof(*del), nd);
	if (e) {
		nslsm_fail_errno(-e, "objlabels: deleting namespace %u's labels", ns_id);
		goto out;
	}
	rc = nd ? changed(false) : 0;
out:
	free(keys);
	free(del);
	close(fd);
	return rc;
}

int objlabel_stats(struct nslsm_objlabel_stats *out)
{
	int cpus = libbpf_num_possible_cpus(), fd, rc = 0;
	struct nslsm_objlabel_stats *v;
	__u32 zero = 0;

	memset(out, 0, sizeof(*out));
	if (cpus < 0)
		return nslsm_fail_errno(-cpus, "counting the possible CPUs");
	v = calloc(cpus, sizeof(*v));	/* 48 bytes: a multiple of 8, as per-CPU values are */
	if (!v)
		return nslsm_fail("out of memory");
	fd = map_fd("objlabel_stats");
	if (fd < 0) {
		free(v);
		return -1;
	}
	if (bpf_map_lookup_elem(fd, &zero, v) < 0)
		rc = nslsm_fail_errno(errno, "reading objlabel_stats");
	for (int i = 0; !rc && i < cpus; i++) {
		out->lookups += v[i].lookups;
		out->cache_hits += v[i].cache_hits;
		out->found += v[i].found;
		out->cache_full += v[i].cache_full;
		out->dropped += v[i].dropped;
		out->forgotten += v[i].forgotten;
	}
	close(fd);
	free(v);
	return rc;
}

int objlabel_import(uint8_t module, uint32_t ns_id, const char *ns_name,
		    int (*value_of)(void *arg, const char *label, uint32_t *value), void *arg,
		    unsigned int *imported, unsigned int *skipped)
{
	struct objlabel_db db;
	int fd = -1, rc = -1;
	bool any = false;

	*imported = *skipped = 0;
	if (objlabel_db_read(&db))
		return -1;
	for (size_t i = 0; i < db.n; i++) {
		struct objlabel_rec *r = &db.r[i];
		struct nslsm_objlabel_key k = { 0 };
		struct nslsm_objlabel_val v = { 0 };

		if (r->module != module || strcmp(r->ns, ns_name))
			continue;
		int refused = value_of(arg, r->label, &v.label);

		if (refused < 0) {
			(*skipped)++;
			continue;
		}
		if (!any) {
			if (owner_add(module, ns_id))
				goto out;
			fd = map_fd("objlabels");
			if (fd < 0)
				goto out;
			any = true;
		}
		memcpy(k.fs, r->fs, sizeof(k.fs));
		k.fs_kind = r->fs_kind;
		k.ino = r->ino;
		k.igen = r->igen;
		k.ns_id = (__u16)ns_id;
		k.module = module;
		if (bpf_map_update_elem(fd, &k, &v, BPF_ANY) < 0) {
			nslsm_fail_errno(errno, "objlabels: importing %s's labels (the map holds %u)",
					 ns_name, NSLSM_OBJLABEL_MAP_ENTRIES);
			goto out;
		}
		if (refused)
			(*skipped)++;
		else
			(*imported)++;
	}
	rc = any ? changed(true) : 0;
out:
	if (fd >= 0)
		close(fd);
	if (any && rc)
		changed(true);	/* what was written must not be shadowed by old answers */
	objlabel_db_free(&db);
	return rc;
}
