// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target over every parser of outside input that needs no
 * kernel: the first byte picks one, the rest is its input.
 *   0  audit rule terms      (nslsm audit rule add NS ACTION FIELD=VALUE...)
 *   1  namespace settings    (nslsm ns set NS KEY=VALUE...)
 *   2  namespace creation    (nslsm ns create NAME --parent P --modules L ...)
 *   3  audit log files       (nslsm audit --log FILE), every entry formatted
 *   4  numbers and names     (--contid, PIDs, namespace names, module lists)
 *   5  AppArmor binary policy (nslsm apparmor load): unpacked, validated,
 *      laid into the maps, and every profile's verdicts on a set of paths
 *      walked both by the reference matcher and over the maps: any
 *      difference aborts
 *   6  OCI state JSON and io.nslsm.* annotations (nslsm-oci-hook), as the
 *      state on stdin and as a bundle's config.json
 *   first byte 0xfe: nslsm-apparmorfs's tree; the second byte picks a
 *      features file (parsed, every node found again by its path), an
 *      .access query (the answer bounded, or a documented errno), or a
 *      write to .load/.replace/.remove of a namespace that holds two
 *      profiles: 0 or a documented errno, and on error the pools byte for
 *      byte as they were (anything else aborts)
 *   first byte 0xfd: the object-label store's labels file (what every
 *      `selinux load` and chcon reads from nslsm's state directory):
 *      parsed; an accepted file is formatted and parsed again, and any
 *      difference aborts
 *   first byte 0xff: SELinux binary policy (nslsm selinux check --policy):
 *      read by libsepol, validated and compiled; then every initial SID's
 *      context spelled and parsed back (any difference aborts) and decided
 *      against every other on every class. libsepol first reads each
 *      input in a child process (se_policy_read): where a corrupted count
 *      makes libsepol 3.4 ask for gigabytes, that child trips libFuzzer's
 *      malloc limit and leaves an oom-* artifact, and the input counts as
 *      refused; the fuzzing process itself carries on
 * Run: build/fuzz_inputs -max_total_time=60 tests/fuzz/corpus
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apparmor/policy.h"
#include "apparmorfs/tree.h"
#include "apparmor/store.h"
#include "lib/audit_log.h"
#include "lib/audit_rules.h"
#include "lib/module.h"
#include "lib/objlabel.h"
#include "lib/ns.h"
#include "lib/parse.h"
#include "selinux/policy.h"
#include "oci/request.h"

#define MAX_ARGS 16

/* Split a NUL-terminated copy of the input at spaces into argv. */
static int split(char *s, char **argv)
{
	int n = 0;

	for (char *t = strtok(s, " "); t && n < MAX_ARGS; t = strtok(NULL, " "))
		argv[n++] = t;
	return n;
}

static int print_entry(const struct nslsm_log_entry *e, void *arg)
{
	char buf[4096];

	(void)arg;
	audit_format_text(e, buf, sizeof(buf));
	audit_format_json(e, buf, sizeof(buf));
	audit_format_fields(e, buf, sizeof(buf));
	return 0;
}

/* Case 5: a binary policy, all the way into (memory) maps. */
static void fuzz_apparmor(const uint8_t *data, size_t size)
{
	static const char *paths[] = { "/", "/etc/passwd", "/tmp/a/b", "/usr/sbin/dnsmasq",
				       "/proc/1/stat", "/home/user/.ssh/id", "" };
	static struct aa_pools pl;
	static bool pools;
	struct aa_policy pol;

	if (!pools) {
		if (aa_pools_alloc(&pl))
			abort();
		pools = true;
	}
	if (aa_policy_unpack(data, size, "fuzz", &pol))
		return;
	memset(pl.profiles, 0, sizeof(*pl.profiles) * NSLSM_AA_MAX_PROFILES);
	memset(pl.nsconf, 0, sizeof(*pl.nsconf) * NSLSM_MAX_NS);
	memset(pl.labels, 0, sizeof(*pl.labels) * NSLSM_AA_MAX_LABELS);
	if (aa_store_apply(&pl, 1, "fuzz", AA_REPLACE, &pol, NULL, 0) == 0) {
		for (size_t i = 0; i < pol.n; i++) {
			const struct aa_profile *p = &pol.profiles[i];
			char full[NSLSM_AA_NAME_MAX + 64];
			uint32_t id, label;

			if (p->ns)
				snprintf(full, sizeof(full), ":%s:%s", p->ns, p->name);
			else
				snprintf(full, sizeof(full), "%s", p->name);
			id = aa_store_find(&pl, 1, full);
			if (!id)
				abort();
			for (size_t k = 0; k < sizeof(paths) / sizeof(paths[0]); k++)
				for (int owner = 0; owner < 2; owner++) {
					struct nslsm_aa_perms a = aa_profile_file_perms(p, paths[k], owner);
					struct nslsm_aa_perms b = aa_store_file_perms(&pl, id, paths[k], owner);

					if (memcmp(&a, &b, sizeof(a)))
						abort();
				}
			aa_profile_net_perms(p, 2, 1);
			aa_store_label(&pl, 1, full, &label);
		}
	}
	aa_policy_free(&pol);
}

/* First byte 0xff: a binary policy, compiled, its contexts round-tripped
 * and decided. */
static void fuzz_selinux(const uint8_t *data, size_t size)
{
	struct se_policy p;
	uint32_t n;

	se_policy_read_cpu_limit = 1;
	if (se_policy_read(data, size, "fuzz", &p))
		return;
	n = p.nisids < 8 ? p.nisids : 8;
	for (uint32_t i = 0; i < n; i++) {
		struct nslsm_se_context back;
		char buf[16384];

		se_context_format(&p, &p.isids[i].ctx, buf, sizeof(buf));
		if (se_context_parse(&p, buf, &back) ||
		    memcmp(&back, &p.isids[i].ctx, sizeof(back)))
			abort();
		for (uint32_t j = 0; j < n; j++)
			for (uint32_t c = 0; c <= p.hdr.nclasses && c < 64; c++) {
				struct se_av_decision avd;

				se_compute_av(&p, &p.isids[i].ctx, &p.isids[j].ctx, c, &avd);
			}
	}
	for (uint32_t b = 0; b < p.hdr.nbools && b < 4; b++)
		se_policy_set_bool(&p, p.bool_names[b], !p.bools[b]);
	se_policy_free(&p);
}

/* Case 6: what an OCI runtime gives nslsm-oci-hook. */
static void fuzz_oci(const uint8_t *data, size_t size)
{
	struct oci_request r;
	struct oci_state st;
	char rootfs[256];

	if (oci_state_parse((const char *)data, size, false, &st) == 0) {
		if (oci_check_id(st.id) || st.bundle[0] != '/')
			abort();	/* the parser let through what it must refuse */
		oci_request_parse(&st, &r);
		oci_request_free(&r);
		if (oci_config_annotations((const char *)data, size, &st) == 0) {
			oci_request_parse(&st, &r);
			oci_request_create_only(&r);
			oci_request_free(&r);
		}
		if (oci_config_root((const char *)data, size, st.bundle, rootfs, sizeof(rootfs)) ==
			    0 &&
		    (!rootfs[0] || memchr(rootfs, 0, sizeof(rootfs)) == NULL))
			abort();	/* an empty or unterminated root */
		oci_state_free(&st);
	}
}

/* Every node of a parsed features tree is found again by its path. */
static void features_walk(const struct aafs_node *root, const struct aafs_node *n, char *path,
			  size_t len)
{
	for (size_t i = 0; i < n->n; i++) {
		size_t l = strlen(path);

		snprintf(path + l, len - l, "%s%s", l ? "/" : "", n->child[i].name);
		if (aafs_features_lookup(root, path) != &n->child[i])
			abort();
		features_walk(root, &n->child[i], path, len);
		path[l] = 0;
	}
}

/* First byte 0xfe: nslsm-apparmorfs's tree. */
static void fuzz_apparmorfs(const uint8_t *data, size_t size)
{
	static struct aa_pools pl, copy;
	static bool pools;
	char out[AAFS_QUERY_MAX], path[4096] = "";
	struct aafs_node root;
	int rc;

	if (size < 1)
		return;
	if (!pools) {
		if (aa_pools_alloc(&pl) || aa_pools_alloc(&copy))
			abort();
		pools = true;
	}
	switch (data[0] % 5) {
	case 0:
		if (aafs_features_parse((const char *)data + 1, size - 1, &root) == 0) {
			features_walk(&root, &root, path, sizeof(path));
			aafs_features_free(&root);
		}
		return;
	case 1:
		rc = aafs_query(&pl, 1, (const char *)data + 1, size - 1, data[0] & 0x80, out,
				sizeof(out));
		if (rc >= (int)sizeof(out) ||
		    (rc < 0 && rc != -EINVAL && rc != -ENOENT && rc != -EPROTONOSUPPORT &&
		     rc != -EFBIG))
			abort();
		return;
	default: {
		enum aa_change op = data[0] % 5 == 2 ? AA_LOAD : data[0] % 5 == 3 ? AA_REPLACE : AA_REMOVE;

		memcpy(copy.profiles, pl.profiles, NSLSM_AA_MAX_PROFILES * sizeof(*pl.profiles));
		memcpy(copy.nsconf, pl.nsconf, NSLSM_MAX_NS * sizeof(*pl.nsconf));
		rc = aafs_policy_write(&pl, 1, "fuzz", op, (const char *)data + 1, size - 1);
		if (rc && rc != -EPROTONOSUPPORT && rc != -EPROTO && rc != -EEXIST && rc != -ENOENT &&
		    rc != -ENOMEM)
			abort();
		if (rc && (memcmp(copy.profiles, pl.profiles,
				  NSLSM_AA_MAX_PROFILES * sizeof(*pl.profiles)) ||
			   memcmp(copy.nsconf, pl.nsconf, NSLSM_MAX_NS * sizeof(*pl.nsconf))))
			abort();
		/* keep the namespace small: start over now and then */
		if (!rc && (data[0] & 0x40)) {
			memset(pl.profiles, 0, sizeof(*pl.profiles) * NSLSM_AA_MAX_PROFILES);
			memset(pl.nsconf, 0, sizeof(*pl.nsconf) * NSLSM_MAX_NS);
		}
		return;
	}
	}
}

static void fuzz_objlabel(const uint8_t *data, size_t size)
{
	struct objlabel_db db, again;
	size_t len;
	char *text;

	if (objlabel_db_parse((const char *)data, size, "labels", &db))
		return;
	text = objlabel_db_format(&db, &len);
	if (!text)
		abort();
	if (objlabel_db_parse(text, len, "formatted", &again) || again.n != db.n ||
	    (db.n && memcmp(again.r, db.r, db.n * sizeof(*db.r))))
		abort();
	free(text);
	objlabel_db_free(&db);
	objlabel_db_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nslsm_ns table[NSLSM_MAX_NS];
	static struct nslsm_audit_rule rules[NSLSM_MAX_AUDIT_RULES];
	char *argv[MAX_ARGS], *s;
	uint32_t id, mask;
	uint64_t v;
	int argc;

	if (size < 1)
		return 0;
	if (data[0] == 0xff) {
		if (size <= 512 * 1024)
			fuzz_selinux(data + 1, size - 1);
		return 0;
	}
	if (data[0] == 0xfd) {
		fuzz_objlabel(data + 1, size - 1);
		return 0;
	}
	if (data[0] == 0xfe) {
		if (size <= 512 * 1024)
			fuzz_apparmorfs(data + 1, size - 1);
		return 0;
	}
	if (data[0] % 7 == 5) {
		if (size <= 512 * 1024)
			fuzz_apparmor(data + 1, size - 1);
		return 0;
	}
	if (data[0] % 7 == 6) {
		fuzz_oci(data + 1, size - 1);
		return 0;
	}
	if (size > 4096)
		return 0;
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = 0;
	switch (data[0] % 7) {
	case 0: {
		struct nslsm_audit_rule r;
		char buf[512];

		argc = split(s, argv);
		if (argc && audit_rule_parse(argv[0], argv + 1, argc - 1, &r) == 0) {
			audit_rule_format(&r, buf, sizeof(buf));
			if (audit_rule_add(rules, 1, &r) > 0)
				audit_rule_del(rules, 1, 1);
		}
		break;
	}
	case 1:
		ns_table_init(table);
		ns_create(table, "box", NULL, 0, NULL, 0, &id);
		argc = split(s, argv);
		ns_set(table, 1, argv, argc);
		break;
	case 2:
		ns_table_init(table);
		argc = split(s, argv);
		if (argc >= 2 && module_list_parse(argv[1], &mask) == 0)
			ns_create(table, argv[0], argc > 2 ? argv[2] : NULL, mask, argv + 3,
				  argc > 3 ? (argc - 3 > NSLSM_MAX_MODULES ? NSLSM_MAX_MODULES : argc - 3)
					   : 0,
				  &id);
		break;
	case 3: {
		char path[] = "/tmp/nslsm-fuzz-XXXXXX";
		int fd = mkstemp(path);
		off_t off = 0;

		if (fd >= 0) {
			if (write(fd, data + 1, size - 1) == (ssize_t)(size - 1))
				audit_log_read(path, &off, print_entry, NULL);
			close(fd);
			unlink(path);
		}
		break;
	}
	default:
		parse_contid(s, &v);
		parse_u64(s, 1, INT32_MAX, "PID", &v);
		check_ns_name(s);
		module_list_parse(s, &mask);
		break;
	}
	free(s);
	return 0;
}
