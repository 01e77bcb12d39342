// SPDX-License-Identifier: GPL-2.0
/* The object-label store's labels file (src/lib/objlabel.c): parsed back
 * as written, and every hostile input refused with an error naming the
 * line and the problem. */
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "lib/objlabel.h"
#include "test.h"

#define H OBJLABEL_FILE_HEADER "\n"
#define UUID "uuid:0123456789abcdef0123456789abcdef"

static int parse(const char *text, struct objlabel_db *db)
{
	return objlabel_db_parse(text, strlen(text), "labels", db);
}

static void refused(const char *text, const char *why)
{
	struct objlabel_db db;

	nslsm_error_clear();
	EXPECT(parse(text, &db) == -1);
	EXPECT(db.n == 0 && db.r == NULL);
	EXPECT_STR_CONTAINS(nslsm_error(), why);
}

TEST(objlabel_file_round_trip)
{
	const char *text = H UUID " 12 345 selinux se system_u:object_r:etc_t:s0:c1,c2\n"
			     "# a comment\n\n"
			     "dev:2049 0 0 selinux se system_u:object_r:mnt_t:s0\n"
			     "dev:7 18446744073709551615 4294967295 apparmor other x\n";
	struct objlabel_db db, again;
	size_t len;
	char *out;

	EXPECT_EQ(parse(text, &db), 0);
	EXPECT_EQ(db.n, 3);
	EXPECT_EQ(db.r[0].fs_kind, NSLSM_OBJLABEL_FS_UUID);
	EXPECT_EQ(db.r[0].fs[0], 0x01);
	EXPECT_EQ(db.r[0].fs[15], 0xef);
	EXPECT_EQ(db.r[0].ino, 12);
	EXPECT_EQ(db.r[0].igen, 345);
	EXPECT(!strcmp(db.r[0].label, "system_u:object_r:etc_t:s0:c1,c2"));
	EXPECT_EQ(db.r[1].fs_kind, NSLSM_OBJLABEL_FS_DEV);
	EXPECT_EQ(db.r[1].ino, 0);
	EXPECT_EQ(db.r[2].ino, 18446744073709551615ull);
	EXPECT_EQ(db.r[2].igen, 4294967295u);
	EXPECT(!strcmp(db.r[2].ns, "other"));
	out = objlabel_db_format(&db, &len);
	EXPECT(out != NULL);
	EXPECT_EQ(parse(out, &again), 0);
	EXPECT_EQ(again.n, 3);
	EXPECT(!memcmp(again.r, db.r, 3 * sizeof(*db.r)));
	free(out);
	objlabel_db_free(&db);
	objlabel_db_free(&again);
	EXPECT_EQ(parse("", &db), 0);
	EXPECT_EQ(db.n, 0);
	EXPECT_EQ(parse(H, &db), 0);
	EXPECT_EQ(db.n, 0);
}

TEST(objlabel_db_set_replaces_and_adds)
{
	struct objlabel_id id = { .fs_kind = NSLSM_OBJLABEL_FS_DEV, .ino = 5, .igen = 9 };
	struct objlabel_db db = { 0 };

	EXPECT_EQ(objlabel_db_set(&db, &id, false, 2, "se", "a:b:c"), 0);
	EXPECT_EQ(objlabel_db_set(&db, &id, false, 2, "se", "a:b:d"), 0);
	EXPECT_EQ(objlabel_db_set(&db, &id, true, 2, "se", "a:b:e"), 0);
	EXPECT_EQ(objlabel_db_set(&db, &id, false, 2, "other", "a:b:f"), 0);
	EXPECT_EQ(db.n, 3);
	EXPECT(!strcmp(objlabel_db_find(&db, &id, false, 2, "se")->label, "a:b:d"));
	EXPECT_EQ(objlabel_db_find(&db, &id, true, 2, "se")->ino, 0);
	EXPECT(objlabel_db_find(&db, &id, false, 1, "se") == NULL);
	EXPECT_EQ(objlabel_db_set(&db, &id, false, 2, "se", "with space"), -1);
	EXPECT_EQ(objlabel_db_set(&db, &id, false, 2, "se", ""), -1);
	EXPECT_EQ(objlabel_db_set(&db, &id, false, 2, "a/b", "x"), -1);
	objlabel_db_free(&db);
}

TEST(objlabel_file_hostile_input_refused)
{
	char big[2048];

	refused("garbage\n", "not an nslsm labels file");
	refused(H UUID " 1 2 selinux se x", "truncated");
	refused(OBJLABEL_FILE_HEADER, "truncated");
	refused(H UUID " 1 2 selinux se\n", "expected FS INO IGEN");
	refused(H UUID " 1 2 selinux se x extra\n", "expected FS INO IGEN");
	refused(H "uuid:0123 1 2 selinux se x\n", "bad file system");
	refused(H "uuid:0123456789abcdef0123456789abcdeg 1 2 selinux se x\n", "bad file system");
	refused(H "uuid:00000000000000000000000000000000 1 2 selinux se x\n", "not all zero");
	refused(H "uuid:0123456789ABCDEF0123456789abcdef 1 2 selinux se x\n", "bad file system");
	refused(H "dev:4294967296 1 2 selinux se x\n", "bad file system");
	refused(H "dev:-1 1 2 selinux se x\n", "bad file system");
	refused(H "nfs:1 1 2 selinux se x\n", "bad file system");
	refused(H UUID " 18446744073709551616 2 selinux se x\n", "bad inode number");
	refused(H UUID " 01 2 selinux se x\n", "bad inode number");
	refused(H UUID " 1 4294967296 selinux se x\n", "bad inode generation");
	refused(H UUID " 0 7 selinux se x\n", "generation must be 0");
	refused(H UUID " 1 2 smack se x\n", "unknown module");
	refused(H UUID " 1 2 selinux a/b x\n", "bad namespace name");
	refused(H UUID " 1 2 selinux se \x01\n", "bad label");
	refused(H UUID " 1 2 selinux se x\xff\n", "bad label");
	refused(H UUID " 1 2 selinux se a\n" UUID " 1 2 selinux se b\n", "labels:3: a second label");
	{
		static const char nul[] = H UUID " 1 2 selinux se a\0b\n";
		struct objlabel_db db;

		nslsm_error_clear();
		EXPECT(objlabel_db_parse(nul, sizeof(nul) - 1, "labels", &db) == -1);
		EXPECT_STR_CONTAINS(nslsm_error(), "NUL byte");
	}
	memset(big, 'a', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = 0;
	refused(big, "line longer than");
	{
		char lab[600] = H UUID " 1 2 selinux se ";
		size_t l = strlen(lab);

		memset(lab + l, 'x', 300);
		strcpy(lab + l + 300, "\n");
		refused(lab, "bad label");
	}
}
