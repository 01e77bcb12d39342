// SPDX-License-Identifier: GPL-2.0
/*
 * Unpacking and validation of apparmor_parser's binary policy.
 *
 * The stream is a sequence of typed elements (u8/u32/u64, strings, blobs,
 * structs, arrays), each optionally preceded by a name. A profile is a
 * struct "profile"; its DFAs are "aadfa" blobs holding flex-style table
 * sets (big endian). Every check the kernel makes before trusting a DFA is
 * made here, plus a few more (start states in range, transition indexes
 * against the table, strings free of control bytes), so a blob that passes
 * can be walked without a single bounds check failing.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "policy.h"

enum aa_code {
	AA_U8, AA_U16, AA_U32, AA_U64, AA_NAME, AA_STRING, AA_BLOB,
	AA_STRUCT, AA_STRUCTEND, AA_LIST, AA_LISTEND, AA_ARRAY, AA_ARRAYEND,
};

#define K_ABI_MASK 0x3ff
#define FORCE_COMPLAIN_FLAG 0x800

#define YYTH_MAGIC 0x1B5E783D
#define YYTH_FLAG_DIFF_ENCODE 1
#define YYTH_FLAG_OOB_TRANS 2
#define YYTD_ID_ACCEPT 0
#define YYTD_ID_BASE 1
#define YYTD_ID_CHK 2
#define YYTD_ID_DEF 3
#define YYTD_ID_EC 4
#define YYTD_ID_META 5
#define YYTD_ID_ACCEPT2 6
#define YYTD_ID_NXT 7
#define YYTD_ID_MAX 7
#define YYTD_DATA8 1
#define YYTD_DATA16 2
#define YYTD_DATA32 4

#define MATCH_FLAG_DIFF_ENCODE 0x80000000u
#define MARK_DIFF_ENCODE 0x40000000u
#define MATCH_FLAG_OOB_TRANSITION 0x20000000u
#define MARK_DIFF_ENCODE_VERIFIED 0x10000000u
#define MATCH_FLAGS_MASK 0xff000000u
#define MATCH_FLAGS_VALID (MATCH_FLAG_DIFF_ENCODE | MATCH_FLAG_OOB_TRANSITION)
#define MATCH_FLAGS_INVALID (MATCH_FLAGS_MASK & ~MATCH_FLAGS_VALID)
#define base_idx(x) ((x) & 0xffffff)

struct ext {
	const uint8_t *start, *pos, *end;
	uint32_t version;
	const char *source;
	const char *profile;	/* name once known, for errors */
};

static int ext_fail(struct ext *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int ext_fail(struct ext *e, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (e->profile)
		return nslsm_fail("%s: profile '%s': %s (offset %zu)", e->source, e->profile, msg,
				  (size_t)(e->pos - e->start));
	return nslsm_fail("%s: %s (offset %zu)", e->source, msg, (size_t)(e->pos - e->start));
}

static bool inbounds(const struct ext *e, size_t n)
{
	return n <= (size_t)(e->end - e->pos);
}

static uint16_t le16(const uint8_t *p) { return p[0] | p[1] << 8; }
static uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }
static uint16_t be16(const uint8_t *p) { return p[0] << 8 | p[1]; }
static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

/* A u16-sized chunk; returns its size (0 = none, pos unchanged). */
static size_t u16_chunk(struct ext *e, const uint8_t **chunk)
{
	const uint8_t *pos = e->pos;
	size_t size;

	if (!inbounds(e, 2))
		return 0;
	size = le16(e->pos);
	e->pos += 2;
	if (!inbounds(e, size)) {
		e->pos = pos;
		return 0;
	}
	*chunk = e->pos;
	e->pos += size;
	return size;
}

static bool unpack_X(struct ext *e, enum aa_code code)
{
	if (!inbounds(e, 1) || *e->pos != code)
		return false;
	e->pos++;
	return true;
}

/* Next element is of type `code` with name `name` (NULL: any or none). */
static bool unpack_nameX(struct ext *e, enum aa_code code, const char *name)
{
	const uint8_t *pos = e->pos;

	if (unpack_X(e, AA_NAME)) {
		const uint8_t *tag = NULL;
		size_t size = u16_chunk(e, &tag);

		if (name && (!size || tag[size - 1] != '\0' || strcmp(name, (const char *)tag)))
			goto fail;
	} else if (name) {
		goto fail;
	}
	if (unpack_X(e, code))
		return true;
fail:
	e->pos = pos;
	return false;
}

static bool unpack_u8(struct ext *e, uint8_t *v, const char *name)
{
	const uint8_t *pos = e->pos;

	if (unpack_nameX(e, AA_U8, name) && inbounds(e, 1)) {
		*v = *e->pos++;
		return true;
	}
	e->pos = pos;
	return false;
}

static bool unpack_u32(struct ext *e, uint32_t *v, const char *name)
{
	const uint8_t *pos = e->pos;

	if (unpack_nameX(e, AA_U32, name) && inbounds(e, 4)) {
		*v = le32(e->pos);
		e->pos += 4;
		return true;
	}
	e->pos = pos;
	return false;
}

static bool unpack_u64(struct ext *e, uint64_t *v, const char *name)
{
	const uint8_t *pos = e->pos;

	if (unpack_nameX(e, AA_U64, name) && inbounds(e, 8)) {
		*v = le64(e->pos);
		e->pos += 8;
		return true;
	}
	e->pos = pos;
	return false;
}

static bool unpack_array(struct ext *e, const char *name, uint16_t *n)
{
	const uint8_t *pos = e->pos;

	if (unpack_nameX(e, AA_ARRAY, name) && inbounds(e, 2)) {
		*n = le16(e->pos);
		e->pos += 2;
		return true;
	}
	e->pos = pos;
	return false;
}

static size_t unpack_blob(struct ext *e, const uint8_t **blob, const char *name)
{
	const uint8_t *pos = e->pos;

	if (unpack_nameX(e, AA_BLOB, name) && inbounds(e, 4)) {
		uint32_t size = le32(e->pos);

		e->pos += 4;
		if (inbounds(e, size)) {
			*blob = e->pos;
			e->pos += size;
			return size;
		}
	}
	e->pos = pos;
	return 0;
}

/* A NUL-terminated string element; returns its size with the NUL, 0 = none. */
static size_t unpack_str(struct ext *e, const char **s, const char *name)
{
	const uint8_t *pos = e->pos, *chunk = NULL;
	size_t size;

	*s = NULL;
	if (unpack_nameX(e, AA_STRING, name)) {
		size = u16_chunk(e, &chunk);
		if (size && chunk[size - 1] == '\0') {
			*s = (const char *)chunk;
			return size;
		}
	}
	e->pos = pos;
	return 0;
}

/* An optional string that, when present, must be printable. */
static int unpack_opt_strdup(struct ext *e, char **out, const char *name)
{
	const char *s;
	size_t n = unpack_str(e, &s, name);

	*out = NULL;
	if (!n)
		return 0;
	if (strlen(s) != n - 1)
		return ext_fail(e, "%s string has an embedded NUL", name);
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return ext_fail(e, "%s string has a control character", name);
	*out = strdup(s);
	return *out ? 0 : ext_fail(e, "out of memory");
}

/* ---- DFA ---- */

void aa_dfa_free(struct aa_dfa *d);
void aa_dfa_free(struct aa_dfa *d)
{
	if (!d)
		return;
	free(d->base);
	free(d->def);
	free(d->next);
	free(d->check);
	free(d->accept);
	free(d->accept2);
	free(d->perms);
	free(d);
}

static size_t table_size(size_t len, size_t el)
{
	return (12 + len * el + 7) & ~(size_t)7;
}

/*
 * Unpack a table set. `need_accept2`: accept2 must be present (packed
 * permissions); otherwise accept indexes a perms table.
 */
static int dfa_unpack(struct ext *e, const uint8_t *blob, size_t size, bool need_accept2,
		      const char *what, struct aa_dfa **out)
{
	const uint8_t *data = blob;
	struct aa_dfa *d;
	uint32_t *tables[8] = { 0 };
	uint32_t lens[8] = { 0 };
	bool have[8] = { 0 };
	uint8_t ec[256];
	uint32_t hsize;
	int err = -1;

	*out = NULL;
	if (size < 16)
		return ext_fail(e, "%s DFA: table set header truncated", what);
	if (be32(data) != YYTH_MAGIC)
		return ext_fail(e, "%s DFA: bad magic 0x%08x", what, be32(data));
	hsize = be32(data + 4);
	if (hsize < 16 || size < hsize)
		return ext_fail(e, "%s DFA: header size %u out of range", what, hsize);
	d = calloc(1, sizeof(*d));
	if (!d)
		return ext_fail(e, "out of memory");
	d->flags = be16(data + 12);
	if (d->flags & ~(YYTH_FLAG_DIFF_ENCODE | YYTH_FLAG_OOB_TRANS)) {
		ext_fail(e, "%s DFA: unknown header flags 0x%x", what, d->flags);
		goto out;
	}
	data += hsize;
	size -= hsize;
	while (size > 0) {
		uint16_t id, fl;
		uint32_t lolen;
		size_t ts;

		if (size < 12) {
			ext_fail(e, "%s DFA: table header truncated", what);
			goto out;
		}
		id = be16(data) - 1;
		fl = be16(data + 2);
		lolen = be32(data + 8);
		if (id > YYTD_ID_MAX || id == YYTD_ID_META) {
			ext_fail(e, "%s DFA: unknown table id %u", what, id + 1);
			goto out;
		}
		if (fl != YYTD_DATA8 && fl != YYTD_DATA16 && fl != YYTD_DATA32) {
			ext_fail(e, "%s DFA: table %u has bad element size %u", what, id + 1, fl);
			goto out;
		}
		if (lolen == 0 || lolen > (1u << 24)) {
			ext_fail(e, "%s DFA: table %u has %u entries", what, id + 1, lolen);
			goto out;
		}
		ts = table_size(lolen, fl);
		if (size < ts) {
			ext_fail(e, "%s DFA: table %u truncated", what, id + 1);
			goto out;
		}
		if (have[id]) {
			ext_fail(e, "%s DFA: table %u appears twice", what, id + 1);
			goto out;
		}
		switch (id) {
		case YYTD_ID_ACCEPT:
		case YYTD_ID_ACCEPT2:
		case YYTD_ID_BASE:
			if (fl != YYTD_DATA32) {
				ext_fail(e, "%s DFA: table %u must have 32-bit entries", what, id + 1);
				goto out;
			}
			break;
		case YYTD_ID_DEF:
		case YYTD_ID_NXT:
		case YYTD_ID_CHK:
			if (fl == YYTD_DATA8) {
				ext_fail(e, "%s DFA: table %u must have 16 or 32-bit entries", what, id + 1);
				goto out;
			}
			break;
		case YYTD_ID_EC:
			if (fl != YYTD_DATA8 || lolen != 256) {
				ext_fail(e, "%s DFA: equivalence class table must be 256 bytes", what);
				goto out;
			}
			break;
		}
		have[id] = true;
		lens[id] = lolen;
		if (id == YYTD_ID_EC) {
			memcpy(ec, data + 12, 256);
		} else {
			tables[id] = malloc((size_t)lolen * 4);
			if (!tables[id]) {
				ext_fail(e, "out of memory");
				goto out;
			}
			for (uint32_t i = 0; i < lolen; i++)
				tables[id][i] = fl == YYTD_DATA16 ? be16(data + 12 + 2 * i)
								  : be32(data + 12 + 4 * (size_t)i);
		}
		data += ts;
		size -= ts;
	}
	/* required tables and their sizes (the kernel's verify_table_headers) */
	if (!have[YYTD_ID_DEF] || !have[YYTD_ID_BASE] || !have[YYTD_ID_NXT] || !have[YYTD_ID_CHK] ||
	    !have[YYTD_ID_ACCEPT] || (need_accept2 && !have[YYTD_ID_ACCEPT2])) {
		ext_fail(e, "%s DFA: a required table is missing", what);
		goto out;
	}
	d->nstates = lens[YYTD_ID_BASE];
	d->ntrans = lens[YYTD_ID_NXT];
	if (lens[YYTD_ID_ACCEPT] != d->nstates || lens[YYTD_ID_DEF] != d->nstates ||
	    (have[YYTD_ID_ACCEPT2] && lens[YYTD_ID_ACCEPT2] != d->nstates)) {
		ext_fail(e, "%s DFA: state tables differ in size", what);
		goto out;
	}
	if (lens[YYTD_ID_CHK] != d->ntrans) {
		ext_fail(e, "%s DFA: next and check tables differ in size", what);
		goto out;
	}
	d->base = tables[YYTD_ID_BASE];
	d->def = tables[YYTD_ID_DEF];
	d->next = tables[YYTD_ID_NXT];
	d->check = tables[YYTD_ID_CHK];
	d->accept = tables[YYTD_ID_ACCEPT];
	d->accept2 = tables[YYTD_ID_ACCEPT2];
	memset(tables, 0, sizeof(tables));
	if (have[YYTD_ID_EC]) {
		d->has_ec = true;
		memcpy(d->ec, ec, 256);
	}

	/* states and transitions in bounds (the kernel's verify_dfa) */
	if (d->nstates < 2) {
		ext_fail(e, "%s DFA: fewer than 2 states", what);
		goto out;
	}
	for (uint32_t i = 0; i < d->nstates; i++) {
		uint32_t b = d->base[i];

		if (d->def[i] >= d->nstates) {
			ext_fail(e, "%s DFA: state %u: default state out of bounds", what, i);
			goto out;
		}
		if (b & MATCH_FLAGS_INVALID) {
			ext_fail(e, "%s DFA: state %u: invalid match flags", what, i);
			goto out;
		}
		if ((b & MATCH_FLAG_DIFF_ENCODE) && !(d->flags & YYTH_FLAG_DIFF_ENCODE)) {
			ext_fail(e, "%s DFA: state %u: diff encoded without the header flag", what, i);
			goto out;
		}
		if (b & MATCH_FLAG_OOB_TRANSITION) {
			if (base_idx(b) < 1 || !(d->flags & YYTH_FLAG_OOB_TRANS)) {
				ext_fail(e, "%s DFA: state %u: bad out-of-band transition", what, i);
				goto out;
			}
		}
		if ((uint64_t)base_idx(b) + 255 >= d->ntrans) {
			ext_fail(e, "%s DFA: state %u: next/check upper bound exceeded", what, i);
			goto out;
		}
	}
	for (uint32_t i = 0; i < d->ntrans; i++) {
		if (d->next[i] >= d->nstates || d->check[i] >= d->nstates) {
			ext_fail(e, "%s DFA: transition %u out of bounds", what, i);
			goto out;
		}
	}
	/* diff-encoded default chains must end: no loops */
	{
		uint8_t *mark = calloc(d->nstates, 1);	/* 1 in current chain, 2 verified */

		if (!mark) {
			ext_fail(e, "out of memory");
			goto out;
		}
		for (uint32_t i = 0; i < d->nstates; i++) {
			uint32_t j, n = 0;

			for (j = i; (d->base[j] & MATCH_FLAG_DIFF_ENCODE) && mark[j] != 2; j = d->def[j]) {
				if (mark[j] == 1 || d->def[j] == j || ++n > d->nstates) {
					free(mark);
					ext_fail(e, "%s DFA: state %u: diff-encode chain loops", what, i);
					goto out;
				}
				mark[j] = 1;
			}
			for (j = i; (d->base[j] & MATCH_FLAG_DIFF_ENCODE) && mark[j] == 1; j = d->def[j])
				mark[j] = 2;
		}
		free(mark);
	}
	*out = d;
	d = NULL;
	err = 0;
out:
	for (int i = 0; i < 8; i++)
		free(tables[i]);
	aa_dfa_free(d);
	return err;
}

/* The "aadfa" blob, aligned at 8 bytes from the stream start. */
static int unpack_dfa(struct ext *e, bool need_accept2, const char *what, struct aa_dfa **out)
{
	const uint8_t *blob = NULL;
	size_t size = unpack_blob(e, &blob, "aadfa");
	size_t sz, pad;

	*out = NULL;
	if (!size)
		return 0;
	sz = (size_t)(blob - e->start) - ((size_t)(e->pos - e->start) & 7);
	pad = ((sz + 7) & ~(size_t)7) - sz;
	if (pad >= size)
		return ext_fail(e, "%s DFA blob too small", what);
	return dfa_unpack(e, blob + pad, size - pad, need_accept2, what, out);
}

static int unpack_perms_table(struct ext *e, struct nslsm_aa_perms **perms, uint32_t *n)
{
	uint32_t version, v;
	uint16_t size;

	*perms = NULL;
	*n = 0;
	if (!unpack_nameX(e, AA_STRUCT, "perms"))
		return 0;
	if (!unpack_u32(e, &version, "version") || !unpack_array(e, NULL, &size))
		return ext_fail(e, "perms table header malformed");
	if (version != 1)
		return ext_fail(e, "perms table version %u not supported", version);
	*perms = calloc(size ? size : 1, sizeof(**perms));
	if (!*perms)
		return ext_fail(e, "out of memory");
	for (uint16_t i = 0; i < size; i++) {
		uint32_t f[14];

		for (int k = 0; k < 14; k++)
			if (!unpack_u32(e, &f[k], NULL))
				return ext_fail(e, "perms table entry %u truncated", i);
		/* allow(twice), deny, subtree, cond, kill, complain, prompt,
		 * audit, quiet, hide, xindex, tag, label */
		(*perms)[i].allow = f[1];
		(*perms)[i].audit = f[8];
		(*perms)[i].quiet = f[9];
		(*perms)[i].xindex = f[11];
		if (f[1] & f[2])
			return ext_fail(e, "perms table entry %u allows what it denies", i);
		v = f[3];
		if (v & ~f[1])
			return ext_fail(e, "perms table entry %u: subtree outside allow", i);
	}
	if (!unpack_nameX(e, AA_ARRAYEND, NULL) || !unpack_nameX(e, AA_STRUCTEND, NULL))
		return ext_fail(e, "perms table not terminated");
	*n = size;
	return 0;
}

static int unpack_xtable(struct ext *e, struct aa_pdb *pdb)
{
	uint16_t size;

	if (!unpack_nameX(e, AA_STRUCT, "xtable"))
		return 0;
	if (!unpack_array(e, NULL, &size))
		return ext_fail(e, "transition table has no array");
	if (size > NSLSM_AA_MAX_XTABLE)
		return ext_fail(e, "transition table has %u entries (at most %d)", size,
				NSLSM_AA_MAX_XTABLE);
	pdb->xtable = calloc(size ? size : 1, sizeof(*pdb->xtable));
	if (!pdb->xtable)
		return ext_fail(e, "out of memory");
	pdb->xtable_n = size;
	for (uint16_t i = 0; i < size; i++) {
		const char *s;
		size_t n = unpack_str(e, &s, NULL);
		size_t nul = 0, pos = 0;
		char *copy;

		if (!n)
			return ext_fail(e, "transition table entry %u missing", i);
		if (isspace((unsigned char)s[0]) || !s[0])
			return ext_fail(e, "transition table entry %u: bad name", i);
		for (size_t j = 0; j + 1 < n; j++) {
			if (!s[j]) {
				nul++;
				pos = j;
			} else if ((unsigned char)s[j] < 0x20) {
				return ext_fail(e, "transition table entry %u: control character", i);
			}
		}
		copy = malloc(n);
		if (!copy)
			return ext_fail(e, "out of memory");
		memcpy(copy, s, n);
		if (s[0] == ':') {
			if (!s[1] || nul > 1) {
				free(copy);
				return ext_fail(e, "transition table entry %u: bad namespace name", i);
			}
			if (nul == 1)
				copy[pos] = ':';
		} else if (nul) {
			free(copy);
			return ext_fail(e, "transition table entry %u: embedded NUL", i);
		}
		pdb->xtable[i].name = copy;
	}
	if (!unpack_nameX(e, AA_ARRAYEND, NULL) || !unpack_nameX(e, AA_STRUCTEND, NULL))
		return ext_fail(e, "transition table not terminated");
	return 0;
}

static void pdb_free(struct aa_pdb *p, bool free_dfa)
{
	if (free_dfa)
		aa_dfa_free(p->dfa);
	for (uint32_t i = 0; i < p->xtable_n; i++)
		free(p->xtable[i].name);
	free(p->xtable);
	memset(p, 0, sizeof(*p));
}

static void profile_free(struct aa_profile *p)
{
	free(p->name);
	free(p->ns);
	free(p->attach);
	free(p->rename);
	free(p->disconnected);
	pdb_free(&p->xmatch, true);
	pdb_free(&p->file, !p->file_is_policy);
	pdb_free(&p->policy, true);
}

void aa_policy_free(struct aa_policy *pol)
{
	for (size_t i = 0; i < pol->n; i++)
		profile_free(&pol->profiles[i]);
	free(pol->profiles);
	pol->profiles = NULL;
	pol->n = 0;
}

/* Check every accept entry's exec transition against the xtable. */
static int verify_xindex(struct ext *e, const struct aa_dfa *d, uint32_t n_xtable)
{
	for (uint32_t s = 0; s < d->nstates; s++) {
		for (int owner = 0; owner < 2; owner++) {
			struct nslsm_aa_perms p = aa_file_perms(d, s, owner);

			if ((p.xindex & AA_X_TYPE_MASK) == AA_X_TABLE &&
			    (p.xindex & AA_X_INDEX_MASK) >= n_xtable)
				return ext_fail(e, "state %u: named transition %u outside the table (%u)",
						s, p.xindex & AA_X_INDEX_MASK, n_xtable);
		}
	}
	return 0;
}

static int check_name(struct ext *e, const char *name)
{
	if (!*name)
		return ext_fail(e, "empty profile name");
	for (const char *c = name; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return ext_fail(e, "profile name has a control character");
	if (strlen(name) >= NSLSM_AA_NAME_MAX)
		return ext_fail(e, "profile name longer than %d bytes", NSLSM_AA_NAME_MAX - 1);
	return 0;
}

/* ":ns:name" or ":ns://name" -> ns, name. */
static int split_fqname(struct ext *e, const char *full, char **ns, char **name)
{
	*ns = NULL;
	*name = NULL;
	if (full[0] == ':') {
		const char *end = strchr(full + 1, ':');
		const char *rest;

		if (!end || end == full + 1)
			return ext_fail(e, "bad namespace in profile name '%s'", full);
		*ns = strndup(full + 1, (size_t)(end - full - 1));
		rest = end + 1;
		while (*rest == '/' && rest[1] == '/')
			rest += 2;
		*name = strdup(rest);
	} else {
		*name = strdup(full);
	}
	if (!*name || (full[0] == ':' && !*ns))
		return ext_fail(e, "out of memory");
	return check_name(e, *name);
}

static int unpack_profile(struct ext *e, struct aa_profile *p)
{
	const char *name;
	uint32_t tmp, hat, mode, audit;
	uint32_t caps[4];
	uint64_t dummy64;
	uint16_t n16;

	memset(p, 0, sizeof(*p));
	p->version = e->version;
	e->profile = NULL;
	if (!unpack_nameX(e, AA_STRUCT, "profile"))
		return ext_fail(e, "expected a profile");
	if (!unpack_str(e, &name, NULL))
		return ext_fail(e, "profile has no name");
	if (split_fqname(e, name, &p->ns, &p->name))
		return -1;
	e->profile = p->name;
	if (unpack_opt_strdup(e, &p->rename, "rename") ||
	    unpack_opt_strdup(e, &p->attach, "attach"))
		return -1;

	/* attachment: xmatch DFA and its length */
	if (unpack_dfa(e, true, "attachment", &p->xmatch.dfa))
		return -1;
	if (p->xmatch.dfa) {
		if (!unpack_u32(e, &p->xmatch_len, NULL))
			return ext_fail(e, "attachment DFA without its length");
		p->xmatch.start = 1;
	}
	if (unpack_opt_strdup(e, &p->disconnected, "disconnected"))
		return -1;

	if (!unpack_nameX(e, AA_STRUCT, "flags"))
		return ext_fail(e, "missing flags");
	if (!unpack_u32(e, &hat, NULL) || !unpack_u32(e, &mode, NULL) || !unpack_u32(e, &audit, NULL))
		return ext_fail(e, "flags truncated");
	p->pflags = hat;
	if (mode > NSLSM_AA_UNCONFINED)
		return ext_fail(e, "unknown profile mode %u", mode);
	p->mode = (e->version & FORCE_COMPLAIN_FLAG) ? NSLSM_AA_COMPLAIN : mode;
	p->audit_all = audit != 0;
	if (!unpack_nameX(e, AA_STRUCTEND, NULL))
		return ext_fail(e, "flags not terminated");

	if (unpack_u32(e, &p->path_flags, "path_flags"))
		p->path_flags |= 0;
	else
		p->path_flags = AA_PATH_MEDIATE_DELETED;

	for (int i = 0; i < 4; i++)
		if (!unpack_u32(e, &caps[i], NULL))
			return ext_fail(e, "capabilities truncated");
	p->caps_allow = caps[0];
	p->caps_audit = caps[1];
	p->caps_quiet = caps[2];
	if (unpack_nameX(e, AA_STRUCT, "caps64")) {
		for (int i = 0; i < 4; i++)
			if (!unpack_u32(e, &caps[i], NULL))
				return ext_fail(e, "upper capabilities truncated");
		if (!unpack_nameX(e, AA_STRUCTEND, NULL))
			return ext_fail(e, "caps64 not terminated");
		p->caps_allow |= (uint64_t)caps[0] << 32;
		p->caps_audit |= (uint64_t)caps[1] << 32;
		p->caps_quiet |= (uint64_t)caps[2] << 32;
	}
	if (unpack_nameX(e, AA_STRUCT, "capsx")) {
		if (!unpack_u32(e, &caps[0], NULL) || !unpack_u32(e, &caps[1], NULL) ||
		    !unpack_nameX(e, AA_STRUCTEND, NULL))
			return ext_fail(e, "extended capabilities malformed");
		p->caps_extended = caps[0] | (uint64_t)caps[1] << 32;
	}
	if (unpack_nameX(e, AA_STRUCT, "xattrs")) {
		if (!unpack_array(e, NULL, &n16))
			return ext_fail(e, "xattrs malformed");
		for (uint16_t i = 0; i < n16; i++) {
			const char *x;

			if (!unpack_str(e, &x, NULL))
				return ext_fail(e, "xattr %u missing", i);
		}
		if (!unpack_nameX(e, AA_ARRAYEND, NULL) || !unpack_nameX(e, AA_STRUCTEND, NULL))
			return ext_fail(e, "xattrs not terminated");
		p->n_xattrs = n16;
	}
	if (unpack_nameX(e, AA_STRUCT, "rlimits")) {
		if (!unpack_u32(e, &tmp, NULL) || !unpack_array(e, NULL, &n16) || n16 > 16)
			return ext_fail(e, "rlimits malformed");
		for (uint16_t i = 0; i < n16; i++)
			if (!unpack_u64(e, &dummy64, NULL))
				return ext_fail(e, "rlimit %u missing", i);
		if (!unpack_nameX(e, AA_ARRAYEND, NULL) || !unpack_nameX(e, AA_STRUCTEND, NULL))
			return ext_fail(e, "rlimits not terminated");
	}
	if (unpack_nameX(e, AA_STRUCT, "secmark")) {
		if (!unpack_array(e, NULL, &n16))
			return ext_fail(e, "secmark malformed");
		for (uint16_t i = 0; i < n16; i++) {
			uint8_t u;
			const char *l;

			if (!unpack_u8(e, &u, NULL) || !unpack_u8(e, &u, NULL) || !unpack_str(e, &l, NULL))
				return ext_fail(e, "secmark %u malformed", i);
		}
		if (!unpack_nameX(e, AA_ARRAYEND, NULL) || !unpack_nameX(e, AA_STRUCTEND, NULL))
			return ext_fail(e, "secmark not terminated");
	}

	if (unpack_nameX(e, AA_STRUCT, "policydb")) {
		struct nslsm_aa_perms *perms;
		uint32_t nperms;

		if (unpack_perms_table(e, &perms, &nperms))
			return -1;
		if (unpack_dfa(e, !perms, "policydb", &p->policy.dfa)) {
			free(perms);
			return -1;
		}
		if (!p->policy.dfa) {
			free(perms);
			return ext_fail(e, "policydb without a DFA");
		}
		p->policy.dfa->perms = perms;
		p->policy.dfa->nperms = nperms;
		if (!unpack_u32(e, &p->policy.start, "start"))
			p->policy.start = 1;
		if (!unpack_u32(e, &p->policy.file_start, "dfa_start"))
			p->policy.file_start = 1;
		if (p->policy.start >= p->policy.dfa->nstates)
			return ext_fail(e, "policydb start state out of range");
		if (unpack_xtable(e, &p->policy))
			return -1;
		if (!unpack_nameX(e, AA_STRUCTEND, NULL))
			return ext_fail(e, "policydb not terminated");
	}

	/* file rules: their own DFA, or the policydb's file class */
	{
		struct nslsm_aa_perms *perms;
		uint32_t nperms;

		if (unpack_perms_table(e, &perms, &nperms))
			return -1;
		if (unpack_dfa(e, !perms, "file", &p->file.dfa)) {
			free(perms);
			return -1;
		}
		if (p->file.dfa) {
			p->file.dfa->perms = perms;
			p->file.dfa->nperms = nperms;
			if (!unpack_u32(e, &p->file.start, "dfa_start"))
				p->file.start = 1;
			if (p->file.start >= p->file.dfa->nstates)
				return ext_fail(e, "file DFA start state out of range");
			p->file_start = p->file.start;
		} else {
			free(perms);
			if (p->policy.dfa &&
			    aa_dfa_next(p->policy.dfa, p->policy.start, AA_CLASS_FILE)) {
				p->file.dfa = p->policy.dfa;
				p->file_is_policy = true;
				p->file_start = aa_dfa_next(p->policy.dfa, p->policy.start,
							    AA_CLASS_FILE);
			}
		}
		if (unpack_xtable(e, &p->file))
			return -1;
	}

	if (unpack_nameX(e, AA_STRUCT, "data")) {
		const char *key;
		const uint8_t *blob;

		while (unpack_str(e, &key, NULL))
			(void)unpack_blob(e, &blob, NULL);
		if (!unpack_nameX(e, AA_STRUCTEND, NULL))
			return ext_fail(e, "data table not terminated");
	}
	if (!unpack_nameX(e, AA_STRUCTEND, NULL))
		return ext_fail(e, "profile not terminated (unknown element)");

	/* post-unpack checks (the kernel's verify_profile, and more) */
	if (p->file.dfa && verify_xindex(e, p->file.dfa, p->file.xtable_n))
		return -1;
	for (int i = 0; i < 2; i++) {
		const struct aa_dfa *d = i ? p->policy.dfa : p->file.dfa;

		if (d && d->perms)
			for (uint32_t s = 0; s < d->nstates; s++)
				if (d->accept[s] >= d->nperms)
					return ext_fail(e, "state %u: permission index out of range", s);
	}
	return 0;
}

int aa_policy_unpack(const void *data, size_t len, const char *source, struct aa_policy *out)
{
	struct ext e = { .start = data, .pos = data, .end = (const uint8_t *)data + len,
			 .source = source };
	struct aa_policy pol = { 0 };
	const char *ns_hdr = NULL;
	int rc = -EPROTO;

	memset(out, 0, sizeof(*out));
	if (!len)
		return nslsm_fail("%s: empty policy", source);
	while (e.pos < e.end) {
		const char *name;
		struct aa_profile *grown;
		uint32_t version;

		e.profile = NULL;
		if (unpack_u32(&e, &version, "version")) {
			e.version = version;
		} else if (e.pos == e.start) {
			ext_fail(&e, "not an AppArmor binary policy (no version header)");
			rc = -EPROTONOSUPPORT;
			goto fail;
		}
		/* a header the kernel refuses, in any profile of the stream */
		if ((e.version & K_ABI_MASK) < 5 || (e.version & K_ABI_MASK) > 9) {
			ext_fail(&e, "unsupported policy ABI version %u (5 to 9 are)",
				 e.version & K_ABI_MASK);
			rc = -EPROTONOSUPPORT;
			goto fail;
		}
		if (unpack_str(&e, &name, "namespace")) {
			if (!*name) {
				ext_fail(&e, "empty namespace name");
				rc = -EPROTONOSUPPORT;
				goto fail;
			}
			if (ns_hdr && strcmp(ns_hdr, name)) {
				ext_fail(&e, "namespace changes from '%s' to '%s' in one stream", ns_hdr,
					 name);
				goto fail;
			}
			ns_hdr = name;
		}
		if (pol.n >= NSLSM_AA_MAX_PROFILES) {
			ext_fail(&e, "more than %d profiles in one stream", NSLSM_AA_MAX_PROFILES);
			goto fail;
		}
		grown = realloc(pol.profiles, (pol.n + 1) * sizeof(*grown));
		if (!grown) {
			ext_fail(&e, "out of memory");
			goto fail;
		}
		pol.profiles = grown;
		if (unpack_profile(&e, &pol.profiles[pol.n])) {
			profile_free(&pol.profiles[pol.n]);
			goto fail;
		}
		if (ns_hdr && !pol.profiles[pol.n].ns) {
			pol.profiles[pol.n].ns = strdup(ns_hdr);
			if (!pol.profiles[pol.n].ns) {
				profile_free(&pol.profiles[pol.n]);
				ext_fail(&e, "out of memory");
				goto fail;
			}
		}
		pol.n++;
	}
	*out = pol;
	return 0;
fail:
	aa_policy_free(&pol);
	return rc;
}
