// SPDX-License-Identifier: GPL-2.0
/* nslsm-oci-hook's parser: the state JSON and the io.nslsm.* annotations. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/error.h"
#include "oci/request.h"
#include "test.h"

/* The state with `annotations` (a JSON object's text, or NULL for none). */
static int parse(const char *annotations, struct oci_state *st, struct oci_request *r)
{
	char buf[8192];
	int rc;

	snprintf(buf, sizeof(buf),
		 "{\"ociVersion\":\"1.0.2\",\"id\":\"web-1\",\"status\":\"creating\",\"pid\":42,"
		 "\"bundle\":\"/b\"%s%s}",
		 annotations ? ",\"annotations\":" : "", annotations ? annotations : "");
	rc = oci_state_parse(buf, strlen(buf), true, st);
	if (rc)
		return rc;
	rc = oci_request_parse(st, r);
	oci_state_free(st);
	return rc;
}

/* The error of annotations that must be refused, r freed. */
static const char *refused(const char *annotations)
{
	struct oci_request r;
	struct oci_state st;
	int rc = parse(annotations, &st, &r);

	oci_request_free(&r);
	return rc ? nslsm_error() : "(accepted)";
}

TEST(oci_state_gives_id_pid_bundle_and_annotations)
{
	struct oci_request r;
	struct oci_state st;

	int rc = parse("{\"io.nslsm.ns\":\"box\",\"io.nslsm.modules\":\"apparmor,yama\","
			"\"io.nslsm.set\":\" yama.ptrace_scope=3  boundary.signal=parent \","
			"\"io.nslsm.contid\":\"4242\",\"io.nslsm.apparmor.profile\":\"p//&q\","
			"\"io.nslsm.apparmor.policy\":\"/a /b\",\"io.nslsm.parent\":\"outer\","
			"\"io.nslsm.parent-label.apparmor\":\"lbl\",\"org.other\":\"x\"}",
			&st, &r);

	EXPECT_EQ(rc, 0);
	if (rc)
		fprintf(stderr, "    %s\n", nslsm_error());
	EXPECT_EQ(st.pid, 42);
	EXPECT(!strcmp(st.id, "web-1"));
	EXPECT(!strcmp(st.bundle, "/b"));
	EXPECT(!strcmp(r.ns, "box") && r.ns_given);
	EXPECT(!strcmp(r.parent, "outer"));
	EXPECT(r.modules_given && r.modules == 3);
	EXPECT_EQ(r.n_set, 2);
	EXPECT(!strcmp(r.set[0], "yama.ptrace_scope=3") && !strcmp(r.set[1], "boundary.signal=parent"));
	EXPECT(r.contid == 4242 && r.contid_given);
	EXPECT(!strcmp(r.aa_profile, "p//&q"));
	EXPECT(r.n_policy == 2 && !strcmp(r.policy[1], "/b"));
	EXPECT(r.n_parent_label == 1 && !strcmp(r.parent_label[0], "apparmor=lbl"));
	EXPECT_STR_CONTAINS(oci_request_create_only(&r), "io.nslsm.parent");
	oci_request_free(&r);
}

TEST(oci_defaults_derive_namespace_and_contid_from_the_id)
{
	struct oci_request r;
	struct oci_state st;
	char ns[NSLSM_NAME_MAX];

	EXPECT_EQ(parse(NULL, &st, &r), 0);
	EXPECT(!strcmp(r.ns, "oci-web-1") && !r.ns_given);
	EXPECT(r.contid == oci_default_contid("web-1") && !r.contid_given);
	EXPECT(oci_request_create_only(&r) == NULL);
	oci_request_free(&r);
	/* a podman id: 64 hex digits, cut to a namespace name */
	oci_default_ns("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", ns);
	EXPECT_EQ(strlen(ns), NSLSM_NAME_MAX - 1);
	EXPECT(!strncmp(ns, "oci-0123456789abcdef", 20));
	oci_default_ns("a+b", ns);
	EXPECT(!strcmp(ns, "oci-a_b"));
	EXPECT(oci_default_contid("a") != oci_default_contid("b"));
	EXPECT(oci_default_contid("") != 0);
}

TEST(oci_unknown_and_unsupported_annotations_are_errors)
{
	EXPECT_STR_CONTAINS(refused("{\"io.nslsm.bogus\":\"1\"}"),
			    "unknown annotation 'io.nslsm.bogus'");
	EXPECT_STR_CONTAINS(refused("{\"io.nslsm.\":\"1\"}"), "unknown annotation 'io.nslsm.'");
	EXPECT_STR_CONTAINS(refused("{\"io.nslsm.admin\":\"yes\"}"), "neither 0 nor 1");
	EXPECT_STR_CONTAINS(refused("{\"io.nslsm.parent-label.nosuch\":\"x\"}"),
			    "io.nslsm.parent-label.nosuch: no module 'nosuch'");
	EXPECT_STR_CONTAINS(refused("{\"io.nslsm.parent-label.yama\":\"x\"}"), "has no labels");
	/* other prefixes are not nslsm's */
	EXPECT_STR_CONTAINS(refused("{\"io.nslsmx\":\"1\",\"IO.NSLSM.ns\":\"\"}"), "(accepted)");
}

TEST(oci_annotation_values_are_validated_naming_the_annotation)
{
	EXPECT_STR_CONTAINS(refused("{\"io.nslsm.ns\":\"a b\"}"), "io.nslsm.ns: namespace name 'a b'");
	EXPECT_STR_CONTAINS(refused("{\"io.nslsm.ns\":\"\"}"), "io.nslsm.ns: namespace name is empty");
	EXPECT_STR_CONTAINS(refused("{\"io.nslsm.parent\":\"-x\"}"), "io.nslsm.parent:");
	EXPECT_STR_CONTAINS(refused("{\"io.nslsm.modules\":\"nosuch\"}"), "io.nslsm.modules:");
	EXPECT_STR_CONTAINS(refused("{\"io.nslsm.contid\":\"0\"}"), "io.nslsm.contid: container id '0' is reserved");
	EXPECT_STR_CONTAINS(refused("{\"io.nslsm.contid\":\"12a\"}"), "io.nslsm.contid:");
	EXPECT_STR_CONTAINS(refused("{\"io.nslsm.set\":\"x\"}"), "io.nslsm.set: 'x' is not KEY=VALUE");
	EXPECT_STR_CONTAINS(refused("{\"io.nslsm.set\":\"=1\"}"), "is not KEY=VALUE");
	EXPECT_STR_CONTAINS(refused("{\"io.nslsm.set\":\"  \"}"), "io.nslsm.set: the value is empty");
	EXPECT_STR_CONTAINS(refused("{\"io.nslsm.apparmor.policy\":\"/a rel\"}"),
			    "'rel' is not an absolute path");
	EXPECT_STR_CONTAINS(refused("{\"io.nslsm.apparmor.profile\":\"\"}"), "io.nslsm.apparmor.profile:");
	EXPECT_STR_CONTAINS(refused("{\"io.nslsm.ns\":\"a\\tb\"}"), "control character 0x09");
	EXPECT_STR_CONTAINS(refused("{\"io.nslsm.ns\":\"a\\u007fb\"}"), "control character 0x7f");
	EXPECT_STR_CONTAINS(refused("{\"io.nslsm.ns\":1}"), "io.nslsm.ns: the value is not a string");
	EXPECT_STR_CONTAINS(refused("{\"io.nslsm.ns\":\"a\",\"io.nslsm.ns\":\"b\"}"),
			    "duplicate object key");
}

TEST(oci_lists_are_bounded)
{
	char big[OCI_VALUE_MAX + 64], ann[OCI_VALUE_MAX + 128];
	size_t n = 0;

	for (int i = 0; i <= OCI_LIST_MAX; i++)
		n += snprintf(big + n, sizeof(big) - n, "k%d=v ", i);
	snprintf(ann, sizeof(ann), "{\"io.nslsm.set\":\"%s\"}", big);
	EXPECT_STR_CONTAINS(refused(ann), "more than 32 items");
	memset(big, 'a', OCI_VALUE_MAX + 1);
	big[OCI_VALUE_MAX + 1] = 0;
	snprintf(ann, sizeof(ann), "{\"io.nslsm.ns\":\"%s\"}", big);
	EXPECT_STR_CONTAINS(refused(ann), "longer than 4096 bytes");
	memset(big, 'a', 300);
	big[0] = '/';
	big[300] = 0;
	snprintf(ann, sizeof(ann), "{\"io.nslsm.apparmor.policy\":\"%s\"}", big);
	EXPECT_STR_CONTAINS(refused(ann), "longer than 255 bytes");
}

TEST(oci_state_must_be_an_object_with_a_valid_id_bundle_and_pid)
{
	static const struct { const char *json; bool need_pid; const char *why; } bad[] = {
		{ "[]", false, "not a JSON object" },
		{ "{\"id\":", false, "not valid JSON" },
		{ "{\"id\":\"a\",\"bundle\":\"/b\"}", false, "no \"ociVersion\"" },
		{ "{\"ociVersion\":\"1\",\"bundle\":\"/b\"}", false, "no \"id\"" },
		{ "{\"ociVersion\":\"1\",\"id\":\"a\"}", false, "no \"bundle\"" },
		{ "{\"ociVersion\":\"1\",\"id\":7,\"bundle\":\"/b\"}", false, "\"id\" is not a string" },
		{ "{\"ociVersion\":\"1\",\"id\":\"../x\",\"bundle\":\"/b\"}", false, "character 0x2f" },
		{ "{\"ociVersion\":\"1\",\"id\":\"..\",\"bundle\":\"/b\"}", false, "is not a name" },
		{ "{\"ociVersion\":\"1\",\"id\":\"\",\"bundle\":\"/b\"}", false, "container id: empty" },
		{ "{\"ociVersion\":\"1\",\"id\":\"a\\u0000b\",\"bundle\":\"/b\"}", false, "NUL" },
		{ "{\"ociVersion\":\"1\",\"id\":\"a\",\"bundle\":\"b\"}", false, "not an absolute path" },
		{ "{\"ociVersion\":\"1\",\"id\":\"a\",\"bundle\":\"/b\"}", true, "no \"pid\"" },
		{ "{\"ociVersion\":\"1\",\"id\":\"a\",\"bundle\":\"/b\",\"pid\":0}", true, "no \"pid\"" },
		{ "{\"ociVersion\":\"1\",\"id\":\"a\",\"bundle\":\"/b\",\"pid\":-1}", false, "not a process id" },
		{ "{\"ociVersion\":\"1\",\"id\":\"a\",\"bundle\":\"/b\",\"pid\":1.5}", false, "not a process id" },
		{ "{\"ociVersion\":\"1\",\"id\":\"a\",\"bundle\":\"/b\",\"pid\":4294967338}", false, "not a process id" },
		{ "{\"ociVersion\":\"1\",\"id\":\"a\",\"bundle\":\"/b\",\"annotations\":[]}", false, "not an object" },
		{ "{\"ociVersion\":\"1\",\"id\":\"a\",\"id\":\"b\",\"bundle\":\"/b\"}", false, "duplicate" },
	};
	struct oci_state st;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(oci_state_parse(bad[i].json, strlen(bad[i].json), bad[i].need_pid, &st), -1);
		EXPECT_STR_CONTAINS(nslsm_error(), bad[i].why);
	}
	EXPECT_EQ(oci_state_parse("{}", OCI_STATE_MAX + 1, false, &st), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "larger than");
}

TEST(oci_config_json_gives_annotations_when_the_state_has_none)
{
	const char *state = "{\"ociVersion\":\"1\",\"id\":\"a\",\"bundle\":\"/b\",\"pid\":3}";
	const char *config = "{\"ociVersion\":\"1.0.2\",\"annotations\":{\"io.nslsm.ns\":\"x\"}}";
	struct oci_request r;
	struct oci_state st;

	EXPECT_EQ(oci_state_parse(state, strlen(state), true, &st), 0);
	EXPECT(st.annotations == NULL);
	EXPECT_EQ(oci_config_annotations(config, strlen(config), &st), 0);
	EXPECT_EQ(oci_request_parse(&st, &r), 0);
	EXPECT(!strcmp(r.ns, "x"));
	oci_request_free(&r);
	EXPECT_EQ(oci_config_annotations("{\"annotations\":1}", 17, &st), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "config.json: \"annotations\" is not an object");
	EXPECT_EQ(oci_config_annotations("{\"a\":1,\"a\":2}", 13, &st), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "duplicate");
	oci_state_free(&st);
}
