/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The object-label store, user side (design: include/nslsm/objlabel.h).
 *
 * The truth is the labels file, $NSLSM_STATE_DIR/objlabels (default
 * /var/lib/nslsm/objlabels), a text file of one label a line:
 *
 *   # nslsm object labels 1
 *   FS INO IGEN MODULE NAMESPACE LABEL
 *
 * FS is "uuid:" and 32 hex digits, or "dev:" and a decimal s_dev; INO and
 * IGEN decimal (INO 0 and IGEN 0: the file system's own label); MODULE a
 * module's name; NAMESPACE a namespace's name; LABEL the module's label
 * string (printable, no blank, fewer than NSLSM_OBJLABEL_STR_MAX bytes).
 * A (FS, INO, IGEN, MODULE, NAMESPACE) appears once. The file is
 * rewritten whole (a temporary, fsync, rename) under the state lock.
 *
 * Label values are the module's: `objlabel_import` asks the module's
 * callback for the value of each of a namespace's strings and writes the
 * objlabels map, whenever the module can give values (SELinux: after a
 * policy load). Callers hold the state lock (state_lock).
 */
#ifndef NSLSM_LIB_OBJLABEL_H
#define NSLSM_LIB_OBJLABEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "nslsm/abi.h"
#include "nslsm/objlabel.h"

#define NSLSM_STATE_DIR_DEFAULT "/var/lib/nslsm"
#define OBJLABEL_FILE_HEADER "# nslsm object labels 1"
#define OBJLABEL_FILE_MAX (64u << 20)	/* a labels file larger is refused */

/* A file as the store knows it (what BPF's identity program reported). */
struct objlabel_id {
	uint8_t fs_kind;		/* NSLSM_OBJLABEL_FS_* */
	uint8_t fs[16];
	uint64_t ino;
	uint32_t igen;
	uint32_t mode;			/* i_mode */
	uint64_t sb_id;			/* s_dev */
	char fstype[NSLSM_OBJLABEL_FSTYPE_MAX];
};

struct objlabel_rec {
	uint8_t fs_kind;
	uint8_t fs[16];
	uint64_t ino;
	uint32_t igen;
	uint8_t module;
	char ns[NSLSM_NAME_MAX];
	char label[NSLSM_OBJLABEL_STR_MAX];
};

struct objlabel_db {
	struct objlabel_rec *r;
	size_t n, cap;
};

/* The state directory and the labels file in it. */
const char *objlabel_state_dir(void);
const char *objlabel_file(void);

/* Parse a labels file's text (`what` names it in errors): all or nothing. */
int objlabel_db_parse(const char *text, size_t len, const char *what, struct objlabel_db *db);
/* The text of db, malloc'ed, NUL-terminated. */
char *objlabel_db_format(const struct objlabel_db *db, size_t *len);
/* Read the labels file (none: empty), write it atomically. */
int objlabel_db_read(struct objlabel_db *db);
int objlabel_db_write(const struct objlabel_db *db);
/* The record of (id, module, ns), or NULL; fs_level: the file system's. */
struct objlabel_rec *objlabel_db_find(struct objlabel_db *db, const struct objlabel_id *id,
				      bool fs_level, uint8_t module, const char *ns);
/* Set (replace) a record. */
int objlabel_db_set(struct objlabel_db *db, const struct objlabel_id *id, bool fs_level,
		    uint8_t module, const char *ns, const char *label);
void objlabel_db_free(struct objlabel_db *db);
/* Is s a valid label string / namespace name of the file? */
bool objlabel_label_ok(const char *s);

/*
 * What BPF keys each path by, as the hot path computes it (the identity
 * program, bpf/lib/objlabel.h). Paths are followed (symbolic links too);
 * fails naming the first path that cannot be opened.
 */
int objlabel_ident(char *const *paths, int n, struct objlabel_id *out);

/* The objlabels map: store a value (0), look one up (1 found, 0 none). */
int objlabel_map_set(uint8_t module, uint32_t ns_id, const struct objlabel_id *id, bool fs_level,
		     uint32_t value);
int objlabel_map_get(uint8_t module, uint32_t ns_id, const struct objlabel_id *id, bool fs_level,
		     uint32_t *value);
/* Every entry of namespace ns_id of module (-1: every module): its
 * delete, a new namespace on its id, a module's new policy. */
int objlabel_clear(uint32_t ns_id, int module);
/* The store's counters, summed over the CPUs. */
int objlabel_stats(struct nslsm_objlabel_stats *out);

/*
 * The labels file's strings of (module, ns_name) into the map for ns_id,
 * each value from value_of: 0, the value; 1, the module's policy refuses
 * the string now and *value is what stands for it (SELinux's unlabeled
 * SID), written and counted in *skipped; -1, the string means nothing now:
 * nothing is written, it is counted in *skipped. The string stays in the
 * file either way. Entries of ns_id for the module that the file lacks
 * are not touched.
 */
int objlabel_import(uint8_t module, uint32_t ns_id, const char *ns_name,
		    int (*value_of)(void *arg, const char *label, uint32_t *value), void *arg,
		    unsigned int *imported, unsigned int *skipped);

#endif /* NSLSM_LIB_OBJLABEL_H */
