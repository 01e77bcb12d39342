// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <unistd.h>

#include "lib/audit_log.h"
#include "lib/error.h"
#include "lib/hooks.h"
#include "test.h"

static struct nslsm_log_entry denial(void)
{
	struct nslsm_log_entry e = {};

	e.rec.time_ns = 1732812345123000000ull;
	e.rec.serial = 17;
	e.rec.contid = 42;
	e.rec.ns_id = 1;
	e.rec.policy_ns_id = 1;
	e.rec.pid = 123;
	e.rec.tid = 124;
	e.rec.target_pid = 456;
	e.rec.hook = NSLSM_HOOK_ptrace_access_check;
	e.rec.source = NSLSM_MOD_YAMA;
	e.rec.action = NSLSM_AUDIT_DENIED;
	e.rec.error = -1;
	e.rec.request = 0x02 | 0x10;
	e.rec.detail = 3;
	strcpy(e.rec.comm, "probe");
	strcpy(e.rec.target_comm, "sleep");
	strcpy(e.ns, "box");
	strcpy(e.policy_ns, "box");
	strcpy(e.target_ns, "host");
	return e;
}

TEST(audit_text_looks_like_kernel_audit)
{
	struct nslsm_log_entry e = denial();
	char buf[2048];

	EXPECT_EQ(audit_format_text(&e, buf, sizeof(buf)), 0);
	EXPECT_STR_CONTAINS(buf, "type=NSLSM msg=audit(1732812345.123:17): ");
	EXPECT_STR_CONTAINS(buf, "nslsm=\"DENIED\" ns=\"box\" contid=42 module=\"yama\" "
				 "operation=\"ptrace\" hook=\"ptrace_access_check\"");
	EXPECT_STR_CONTAINS(buf, "requested=\"attach,realcreds\" ptrace_scope=3");
	EXPECT_STR_CONTAINS(buf, "pid=123 tid=124 uid=0 comm=\"probe\" target_pid=456 "
				 "target_comm=\"sleep\" target_ns=\"host\" error=-1");
}

TEST(audit_json_has_contid_and_fields)
{
	struct nslsm_log_entry e = denial();
	char buf[2048];

	EXPECT_EQ(audit_format_json(&e, buf, sizeof(buf)), 0);
	EXPECT(buf[0] == '{' && buf[strlen(buf) - 1] == '}');
	EXPECT_STR_CONTAINS(buf, "\"time\":1732812345.123,\"serial\":17,");
	EXPECT_STR_CONTAINS(buf, "\"contid\":42");
	EXPECT_STR_CONTAINS(buf, "\"ns\":\"box\"");
	EXPECT_STR_CONTAINS(buf, "\"module\":\"yama\"");
	EXPECT_STR_CONTAINS(buf, "\"nslsm\":\"DENIED\"");
}

TEST(audit_untrusted_strings_hex_in_text_escaped_in_json)
{
	struct nslsm_log_entry e = denial();
	char buf[2048];

	strcpy(e.rec.comm, "a \"b");
	EXPECT_EQ(audit_format_text(&e, buf, sizeof(buf)), 0);
	EXPECT_STR_CONTAINS(buf, "comm=61202262 ");
	EXPECT_EQ(audit_format_json(&e, buf, sizeof(buf)), 0);
	EXPECT_STR_CONTAINS(buf, "\"comm\":\"a \\\"b\"");
	strcpy(e.rec.comm, "x\ny");
	EXPECT_EQ(audit_format_json(&e, buf, sizeof(buf)), 0);
	EXPECT_STR_CONTAINS(buf, "\"comm\":\"x\\u000ay\"");
}

TEST(audit_unterminated_strings_stay_bounded)
{
	struct nslsm_log_entry e = denial();
	char buf[4096];

	memset(e.rec.comm, 'A', sizeof(e.rec.comm));
	memset(e.rec.name, 'B', sizeof(e.rec.name));
	memset(e.ns, 'C', sizeof(e.ns));
	EXPECT_EQ(audit_format_text(&e, buf, sizeof(buf)), 0);
	EXPECT_STR_CONTAINS(buf, "comm=\"AAAAAAAAAAAAAAAA\" ");
	EXPECT_EQ(audit_format_json(&e, buf, sizeof(buf)), 0);
}

TEST(audit_lost_record)
{
	struct nslsm_log_entry e = {};
	char buf[512];

	e.rec.action = NSLSM_AUDIT_LOST;
	e.rec.request = 9;
	e.rec.ns_id = 3;
	strcpy(e.ns, "box");
	EXPECT_EQ(audit_format_text(&e, buf, sizeof(buf)), 0);
	EXPECT_STR_CONTAINS(buf, "type=NSLSM_LOST");
	EXPECT_STR_CONTAINS(buf, "lost=9 ns=\"box\" reason=\"queue_full\"");
	EXPECT_EQ(audit_format_json(&e, buf, sizeof(buf)), 0);
	EXPECT_STR_CONTAINS(buf, "\"nslsm\":\"LOST\",\"lost\":9,\"ns\":\"box\",\"reason\":\"queue_full\"");
	e.rec.detail = NSLSM_LOST_RATE;
	EXPECT_EQ(audit_format_text(&e, buf, sizeof(buf)), 0);
	EXPECT_STR_CONTAINS(buf, "reason=\"rate_limit\"");
	e.rec.detail = NSLSM_LOST_CONSUMER;
	EXPECT_EQ(audit_format_text(&e, buf, sizeof(buf)), 0);
	EXPECT_STR_CONTAINS(buf, "reason=\"consumer\"");
}

TEST(audit_self_protection_is_attributed_to_nslsm)
{
	struct nslsm_log_entry e = denial();
	char buf[2048];

	e.rec.source = NSLSM_SOURCE_SELF;
	e.rec.hook = NSLSM_HOOK_bpf;
	e.rec.request = 5;
	EXPECT_EQ(audit_format_text(&e, buf, sizeof(buf)), 0);
	EXPECT_STR_CONTAINS(buf, "module=\"nslsm\" operation=\"bpf\" hook=\"bpf\"");
	EXPECT_STR_CONTAINS(buf, "bpf_cmd=5");
	EXPECT(!strstr(buf, "ptrace_scope"));
}

TEST(audit_too_small_buffer_fails_cleanly)
{
	struct nslsm_log_entry e = denial();
	char buf[32];

	EXPECT_EQ(audit_format_text(&e, buf, sizeof(buf)), -1);
	EXPECT_EQ(audit_format_json(&e, buf, sizeof(buf)), -1);
}

static int count(const struct nslsm_log_entry *e, void *arg)
{
	(void)e;
	(*(int *)arg)++;
	return 0;
}

TEST(audit_log_reader_rejects_foreign_files_and_resumes)
{
	char path[] = "/tmp/nslsm-unit-XXXXXX";
	int fd = mkstemp(path), n = 0;
	struct nslsm_log_entry e = denial();
	off_t off = 0;

	EXPECT(write(fd, "garbage-garbage-garbage", 23) == 23);
	EXPECT_EQ(audit_log_read(path, &off, count, &n), -1);
	EXPECT_STR_CONTAINS(nslsm_error(), "not an nslsm audit log");
	EXPECT(ftruncate(fd, 0) == 0);
	EXPECT(pwrite(fd, NSLSM_AUDIT_LOG_MAGIC, strlen(NSLSM_AUDIT_LOG_MAGIC), 0) > 0);
	EXPECT(pwrite(fd, &e, sizeof(e), strlen(NSLSM_AUDIT_LOG_MAGIC)) == sizeof(e));
	/* A half-written entry is not read until it is complete. */
	EXPECT(pwrite(fd, &e, 10, strlen(NSLSM_AUDIT_LOG_MAGIC) + sizeof(e)) == 10);
	off = 0;
	EXPECT_EQ(audit_log_read(path, &off, count, &n), 0);
	EXPECT_EQ(n, 1);
	EXPECT(pwrite(fd, &e, sizeof(e), strlen(NSLSM_AUDIT_LOG_MAGIC) + sizeof(e)) == sizeof(e));
	EXPECT_EQ(audit_log_read(path, &off, count, &n), 0);
	EXPECT_EQ(n, 2);
	close(fd);
	unlink(path);
}

TEST(hook_tables_cover_every_hook)
{
	for (unsigned int i = 0; i < NSLSM_HOOK_COUNT; i++) {
		EXPECT(hook_name(i) != NULL);
		EXPECT(strcmp(hook_operation(i), "unknown"));
	}
	EXPECT(hook_name(NSLSM_HOOK_COUNT) == NULL);
	EXPECT(!strcmp(hook_operation(NSLSM_HOOK_ptrace_access_check), "ptrace"));
	EXPECT(!strcmp(hook_name(NSLSM_HOOK_file_open), "file_open"));
}

TEST(audit_nested_container_carries_parent_contids)
{
	struct nslsm_log_entry e = denial();
	char buf[2048];

	e.rec.contid = 1001;
	e.rec.parent_contid[0] = 42;
	e.rec.n_parent_contids = 1;
	EXPECT_EQ(audit_format_text(&e, buf, sizeof(buf)), 0);
	EXPECT_STR_CONTAINS(buf, "contid=1001 parent_contids=42 ");
	EXPECT_EQ(audit_format_json(&e, buf, sizeof(buf)), 0);
	EXPECT_STR_CONTAINS(buf, "\"contid\":1001,\"parent_contids\":[42],");
	/* A corrupt count never reads past the array. */
	e.rec.n_parent_contids = 1000;
	EXPECT_EQ(audit_format_text(&e, buf, sizeof(buf)), 0);
}

TEST(audit_network_record_has_address_netns_and_sharers)
{
	struct nslsm_log_entry e = denial();
	char buf[2048];

	e.rec.hook = NSLSM_HOOK_socket_connect;
	e.rec.source = NSLSM_SOURCE_AUDIT;
	e.rec.action = NSLSM_AUDIT_ALLOWED;
	e.rec.request = 2; /* AF_INET */
	e.rec.detail = 8080;
	memcpy(e.rec.name, "\x7f\x00\x00\x01", 4);
	e.rec.netns = 4026531840u;
	e.netns_contid[0] = 42;
	e.netns_contid[1] = 7;
	e.n_netns_contids = 2;
	EXPECT_EQ(audit_format_text(&e, buf, sizeof(buf)), 0);
	EXPECT_STR_CONTAINS(buf, "nslsm=\"AUDIT\"");
	EXPECT_STR_CONTAINS(buf, "module=\"audit\" operation=\"connect\"");
	EXPECT_STR_CONTAINS(buf, "family=\"inet\" laddr=\"127.0.0.1\" lport=8080 netns=4026531840 "
				 "netns_contids=42,7");
	EXPECT_EQ(audit_format_json(&e, buf, sizeof(buf)), 0);
	EXPECT_STR_CONTAINS(buf, "\"netns_contids\":[42,7]");
	EXPECT(!strstr(buf, "\"name\""));
}
