// SPDX-License-Identifier: GPL-2.0
/*
 * nslsm-oci-hook: an OCI runtime hook that puts a container in an nslsm
 * namespace before its entrypoint runs, and takes away what it made when
 * the container stops.
 *
 *   createRuntime  runs in the runtime's namespaces once the container's
 *                  process exists and before it execs the entrypoint: the
 *                  namespace is made (or an existing one named), and that
 *                  process is enrolled, so every instruction of the
 *                  entrypoint runs confined. What it made is recorded in
 *                  /run/nslsm/oci/ID.json.
 *   poststop       removes what the record says this hook made.
 *
 * Fail closed: every error exits 1 with a message naming the annotation or
 * step, after undoing what this run did; the runtime then refuses to start
 * the container.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <jansson.h>

#include "apparmor/load.h"
#include "apparmor/store.h"
#include "daemon/client.h"
#include "lib/admin.h"
#include "lib/error.h"
#include "lib/io.h"
#include "lib/module.h"
#include "lib/ns.h"
#include "lib/parse.h"
#include "lib/state.h"
#include "mount.h"
#include "request.h"

#define OCI_RECORD_DIR NSLSMD_RUN_DIR "/oci"

static const char usage[] =
	"usage: nslsm-oci-hook [createRuntime|poststop]    (the container's state on stdin)\n"
	"       nslsm-oci-hook --help\n";

static const char manual[] =
	"nslsm-oci-hook: confine an OCI container in an nslsm namespace from its first\n"
	"instruction.\n\n"
	"An OCI runtime (crun, runc; podman and CRI-O through the hooks.d file\n"
	"/usr/share/containers/oci/hooks.d/nslsm.json) runs it with the container's\n"
	"state JSON on stdin (runtime-spec runtime.md: ociVersion, id, status, pid,\n"
	"bundle, annotations). List it in a bundle's config.json:\n\n"
	"  \"hooks\": {\n"
	"    \"createRuntime\": [{ \"path\": \"/usr/libexec/nslsm/nslsm-oci-hook\",\n"
	"                        \"args\": [\"nslsm-oci-hook\", \"createRuntime\"] }],\n"
	"    \"poststop\": [{ \"path\": \"/usr/libexec/nslsm/nslsm-oci-hook\",\n"
	"                   \"args\": [\"nslsm-oci-hook\", \"poststop\"] }]\n"
	"  }\n\n"
	"Without an argument the state's status picks the stage: 'creating' or\n"
	"'created' createRuntime, 'stopped' poststop (one hooks.d entry for both).\n\n"
	"createRuntime\n"
	"  Runs after the container's namespaces exist and before its process execs\n"
	"  the entrypoint. Makes the namespace the annotations describe, or joins an\n"
	"  existing one, loads the AppArmor policy they name, and enrolls the\n"
	"  container's process (the runtime's init, state \"pid\"): the entrypoint\n"
	"  and everything it starts run in the namespace from their first instruction.\n"
	"  The process must be a child of the runtime that ran the hook, alive, and\n"
	"  in no namespace yet (held by a pidfd from the check to the enrolment, so\n"
	"  a reused pid is never enrolled). What the hook made is recorded in\n"
	"  " OCI_RECORD_DIR "/ID.json; a record that exists already is an error.\n\n"
	"poststop\n"
	"  Removes the namespace the record says this hook made for container ID (its\n"
	"  audit queue, rules and AppArmor policy with it) and the record. A namespace\n"
	"  the container only joined is left alone. No record: nothing to do.\n\n"
	"Annotations (the state's, or the bundle's config.json's when the state has\n"
	"none; an unknown io.nslsm.* key is an error):\n"
	"  io.nslsm.ns=NAME            the namespace; default \"oci-\" and the container\n"
	"                              id, cut to 31 characters. A default that exists\n"
	"                              already is an error; a NAME given that exists is\n"
	"                              joined (and never removed by this hook)\n"
	"  io.nslsm.parent=NAME        its parent (default: host)\n"
	"  io.nslsm.modules=LIST       modules to enable, as 'nslsm ns create --modules'\n"
	"  io.nslsm.set=KEY=VALUE ...  settings, as 'nslsm ns set' (space separated)\n"
	"  io.nslsm.contid=N           the audit container id; default: a hash of the\n"
	"                              container id (FNV-1a 64), kept in the record\n"
	"  io.nslsm.apparmor.profile=P the profile the entrypoint execs into (as\n"
	"                              'nslsm run --apparmor P')\n"
	"  io.nslsm.apparmor.policy=FILE ...  host files of profiles (text or binary)\n"
	"                              to load into the namespace, space separated\n"
	"  io.nslsm.parent-label.MODULE=LABEL  the label the parent's MODULE gives\n"
	"                              the namespace (as 'ns create --parent-label')\n"
	"  io.nslsm.admin=0|1          1: administration from inside. The directory of\n"
	"                              nslsmd's socket ($NSLSMD_SOCKET, default\n"
	"                              " NSLSMD_SOCKET ", a link to\n"
	"                              " NSLSMD_SOCKET_DIR "/" NSLSMD_SOCKET_NAME "), which\n"
	"                              must hold the socket only, is bound read-only at\n"
	"                              " OCI_ADMIN_DIR " in the container (made in its\n"
	"                              root if missing; a symbolic link there is an\n"
	"                              error): the socket is " OCI_ADMIN_SOCKET " there,\n"
	"                              and a restarted nslsmd's new one too, so that\n"
	"                              'nslsm' inside manages the container's namespace\n"
	"                              and those below it through nslsmd (see nslsmd\n"
	"                              --help for the rules). nslsmd must be running.\n"
	"                              The namespace made gets admin.delegate=1; one\n"
	"                              joined must have it already (from the host).\n"
	"                              With the apparmor module, nslsm-apparmorfs also\n"
	"                              serves the namespace's AppArmor file system in\n"
	"                              the container at /sys/kernel/security/apparmor (a\n"
	"                              read-only bind of securityfs under a tmpfs holding\n"
	"                              the tree and securityfs's other entries; the same\n"
	"                              whether the host's kernel runs AppArmor or not),\n"
	"                              with Y bound over\n"
	"                              /sys/module/apparmor/parameters/enabled: the\n"
	"                              container's own apparmor_parser, aa-status and\n"
	"                              aa-enabled work on it (its pid is recorded;\n"
	"                              poststop stops it)\n"
	"parent, modules, set, apparmor.policy and parent-label make a namespace: they\n"
	"are an error with a namespace that exists.\n\n"
	"Exit status: 0 done; 1 refused or failed (the message on stderr names the\n"
	"annotation or step); 2 usage. Needs root with nslsm loaded ('nslsm load').\n";

/* The hook being run, and the step or annotation at hand (NULL when the
 * message names it itself): both lead every error. */
static const char *hook_name = "nslsm-oci-hook", *phase;

static int failed(void)
{
	fprintf(stderr, "nslsm-oci-hook: %s: %s%s%s\n", hook_name, phase ? phase : "",
		phase ? ": " : "", nslsm_error());
	return 1;
}

static int read_state(struct oci_state *st)
{
	char *buf;
	size_t len;
	int rc;

	if (read_bounded(0, "the state on stdin", OCI_STATE_MAX, &buf, &len))
		return -1;
	rc = oci_state_parse(buf, len, false, st);
	free(buf);
	return rc;
}

/* The bundle's config.json, whole. */
static int read_config(const struct oci_state *st, char **buf, size_t *len)
{
	char path[sizeof(st->bundle) + 16];
	int fd, rc;

	snprintf(path, sizeof(path), "%s/config.json", st->bundle);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return nslsm_fail_errno(errno, "the bundle's %s", path);
	rc = read_bounded(fd, path, OCI_CONFIG_MAX, buf, len);
	close(fd);
	return rc ? -1 : 0;
}

/* The state has no annotations: the bundle's config.json's. */
static int config_annotations(struct oci_state *st)
{
	char *buf;
	size_t len;
	int rc;

	if (read_config(st, &buf, &len))
		return -1;
	rc = oci_config_annotations(buf, len, st);
	free(buf);
	return rc;
}

/* io.nslsm.admin=1: the namespace administered from inside (admin.delegate):
 * one this hook made is given it; one it joins must have it from the host. */
static int admin_delegate(struct nslsm_state *st, uint32_t id, bool created)
{
	char kv[] = "admin.delegate=1", *set[] = { kv };

	phase = OCI_PREFIX "admin";
	if (created)
		return admin_ns_set(st, id, set, 1);
	if (!ns_admin_delegated(st->ns, id))
		return nslsm_fail("namespace '%s' exists and is not administered from inside: the "
				  "host gives it with 'nslsm ns set %s admin.delegate=1'",
				  st->ns[id].name, st->ns[id].name);
	return 0;
}

/* io.nslsm.admin=1: nslsmd's socket into the container, whose root the
 * bundle's config.json names. */
static int admin_inside(const struct oci_state *st, int pidfd)
{
	char rootfs[PATH_MAX], *buf;
	size_t len;
	int rc;

	phase = OCI_PREFIX "admin";
	if (read_config(st, &buf, &len))
		return -1;
	rc = oci_config_root(buf, len, st->bundle, rootfs, sizeof(rootfs));
	free(buf);
	return rc ? rc : oci_mount_admin_socket(pidfd, st->pid, rootfs);
}

/* The process's parent, from /proc/PID/status. */
static int parent_of(pid_t pid, pid_t *ppid)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return nslsm_fail_errno(errno, "reading %s", path);
	*ppid = -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "PPid: %d", ppid) == 1)
			break;
	fclose(f);
	return *ppid < 0 ? nslsm_fail("%s has no PPid", path) : 0;
}

/*
 * A pidfd on the container's process, checked to be the runtime's child:
 * the pidfd is opened first, then /proc is read, then the pidfd is asked
 * whether its process still lives. If it does, /proc described it (a pid
 * is not reused while its process lives), so a pid reused since the state
 * was written is never taken for the container.
 */
static int container_pidfd(pid_t pid)
{
	pid_t ppid;
	int fd = syscall(SYS_pidfd_open, pid, 0);

	if (fd < 0 && errno == ESRCH)
		return nslsm_fail("the container's process %d has exited", pid);
	if (fd < 0)
		return nslsm_fail_errno(errno, "opening a pidfd on the container's process %d", pid);
	if (parent_of(pid, &ppid))
		goto fail;
	if (syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0) < 0) {
		nslsm_fail("the container's process %d has exited", pid);
		goto fail;
	}
	if (ppid != getppid()) {
		nslsm_fail("process %d is not the container's: its parent is %d, not the runtime "
			   "that ran this hook (%d)", pid, ppid, getppid());
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

static void record_path(const char *id, char *out, size_t len)
{
	snprintf(out, len, "%s/%s.json", OCI_RECORD_DIR, id);
}

/* The record, written whole under a temporary name and linked into place:
 * it appears complete or not at all, and never replaces another. */
/* A process the hook started and poststop stops: pid and start time
 * (/proc/PID/stat's starttime), so a reused pid is never taken for it. */
struct hook_proc {
	pid_t pid;		/* 0: none */
	unsigned long long start;
};

static int record_write(const char *id, const char *ns, uint32_t ns_id, bool created,
			uint64_t contid, pid_t pid, const struct hook_proc *aafs)
{
	char path[PATH_MAX], tmp[PATH_MAX], contid_s[24], start_s[24];
	json_t *rec;
	int rc;

	if (mkdir(NSLSMD_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return nslsm_fail_errno(errno, "making %s", NSLSMD_RUN_DIR);
	if (mkdir(OCI_RECORD_DIR, 0700) < 0 && errno != EEXIST)
		return nslsm_fail_errno(errno, "making %s", OCI_RECORD_DIR);
	record_path(id, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s/.%s.%d", OCI_RECORD_DIR, id, getpid());
	/* the container id is a u64, beyond json_int_t: a decimal string */
	snprintf(contid_s, sizeof(contid_s), "%llu", (unsigned long long)contid);
	snprintf(start_s, sizeof(start_s), "%llu", aafs->start);
	rec = json_pack("{s:s, s:s, s:I, s:b, s:s, s:I, s:I, s:s}", "id", id, "ns", ns, "ns_id",
			(json_int_t)ns_id, "created", created, "contid", contid_s, "pid",
			(json_int_t)pid, "apparmorfs_pid", (json_int_t)aafs->pid, "apparmorfs_start",
			start_s);
	if (!rec)
		return nslsm_fail("out of memory");
	rc = json_dump_file(rec, tmp, JSON_COMPACT);
	json_decref(rec);
	if (rc) {
		unlink(tmp);
		return nslsm_fail("writing %s", tmp);
	}
	rc = link(tmp, path);
	unlink(tmp);
	if (rc < 0 && errno == EEXIST)
		return nslsm_fail("%s exists: container '%s' has a record already (a container "
				  "with this id still runs, or its poststop never ran: run "
				  "'nslsm-oci-hook poststop' with its state)", path, id);
	if (rc < 0)
		return nslsm_fail_errno(errno, "writing %s", path);
	return 0;
}

struct record {
	char ns[NSLSM_NAME_MAX];
	uint32_t ns_id;
	bool created;
	struct hook_proc aafs;
};

/* 1 read, 0 no record, -1 error. */
static int record_read(const char *id, struct record *r)
{
	char path[PATH_MAX];
	const char *ns;
	json_error_t e;
	json_int_t ns_id;
	int created;
	json_t *rec;

	record_path(id, path, sizeof(path));
	if (access(path, F_OK) && errno == ENOENT)
		return 0;
	rec = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
	if (!rec)
		return nslsm_fail("%s: %s", path, e.text);
	if (json_unpack(rec, "{s:s, s:I, s:b}", "ns", &ns, "ns_id", &ns_id, "created", &created) ||
	    check_ns_name(ns) || ns_id <= 0 || ns_id >= NSLSM_MAX_NS) {
		json_decref(rec);
		return nslsm_fail("%s: not a record of nslsm-oci-hook", path);
	}
	strcpy(r->ns, ns);
	r->ns_id = ns_id;
	r->created = created;
	memset(&r->aafs, 0, sizeof(r->aafs));
	{
		json_int_t apid = 0;
		const char *start = NULL;

		/* records of hooks before nslsm-apparmorfs have neither */
		if (!json_unpack(rec, "{s:I, s:s}", "apparmorfs_pid", &apid, "apparmorfs_start",
				 &start)) {
			char *end;

			r->aafs.start = strtoull(start, &end, 10);
			if (apid < 0 || apid > INT_MAX || *end) {
				json_decref(rec);
				return nslsm_fail("%s: a bad apparmorfs_pid or _start", path);
			}
			r->aafs.pid = apid;
		}
	}
	json_decref(rec);
	return 1;
}

/* Every AppArmor policy file, compiled and validated before any map is touched. */
static int load_policy_files(const struct oci_request *r, struct aa_policy *pol)
{
	char features[PATH_MAX];

	if (!r->n_policy)
		return 0;
	phase = OCI_PREFIX "apparmor.policy";
	if (aa_features_file(NULL, features, sizeof(features)))
		return -1;
	for (int i = 0; i < r->n_policy; i++) {
		struct stat sb;

		if (stat(r->policy[i], &sb) < 0)
			return nslsm_fail_errno(errno, "%s", r->policy[i]);
		if (!S_ISREG(sb.st_mode))
			return nslsm_fail("%s is not a regular file", r->policy[i]);
		if (aa_policy_from_file(r->policy[i], features, pol))
			return -1;
	}
	return 0;
}

/* The namespace as the annotations describe it: made (created = true) or
 * an existing one joined. */
static int make_namespace(struct nslsm_state *st, struct oci_request *r,
			  const struct aa_policy *pol, uint32_t *id, bool *created)
{
	int found = -1;

	*created = false;
	for (int i = 0; i < NSLSM_MAX_NS; i++)
		if (ns_in_use(&st->ns[i]) && !strncmp(st->ns[i].name, r->ns, NSLSM_NAME_MAX))
			found = i;
	if (found >= 0) {
		const char *only = oci_request_create_only(r);

		phase = "io.nslsm.ns";
		if (!r->ns_given)
			return nslsm_fail("namespace '%s' (made of the container id) exists and is "
					  "not this container's: name the namespace to join with "
					  "io.nslsm.ns, or give the container another id", r->ns);
		if (found == NSLSM_HOST_ID)
			return nslsm_fail("'host' is not a container's namespace");
		if (only) {
			phase = only;
			return nslsm_fail("namespace '%s' exists: %s only applies to a namespace "
					  "this hook makes", r->ns, only);
		}
		*id = found;
		return 0;
	}
	phase = "io.nslsm.ns";
	if (admin_ns_create(st, r->ns, r->parent[0] ? r->parent : NULL, r->modules,
			    r->parent_label, r->n_parent_label, id))
		return -1;
	*created = true;
	if (r->n_set) {
		phase = "io.nslsm.set";
		if (admin_ns_set(st, *id, r->set, r->n_set))
			return -1;
	}
	if (pol->n) {
		struct aa_pools pl;
		int rc;

		phase = "io.nslsm.apparmor.policy";
		if (!(st->ns[*id].modules & (1u << NSLSM_MOD_APPARMOR)))
			return nslsm_fail("namespace '%s' does not enable the apparmor module "
					  "(io.nslsm.modules)", r->ns);
		if (aa_pools_open(&pl))
			return -1;
		rc = aa_store_apply(&pl, *id, r->ns, AA_LOAD, pol, NULL, 0);
		aa_pools_close(&pl);
		if (rc)
			return -1;
	}
	return 0;
}

/* The blob the container's process gets: the namespace's chain, the
 * container id, the AppArmor profile its exec enters. */
static int container_blob(struct nslsm_state *st, const struct oci_request *r, uint32_t id,
			  struct nslsm_task_blob *blob)
{
	uint32_t labels[NSLSM_MAX_MODULES] = {}, onexec = 0;

	if (r->aa_profile[0]) {
		phase = "io.nslsm.apparmor.profile";
		if (!(st->ns[id].modules & (1u << NSLSM_MOD_APPARMOR)))
			return nslsm_fail("namespace '%s' does not enable the apparmor module",
					  r->ns);
		if (module_by_id(NSLSM_MOD_APPARMOR)->resolve_label(id, r->aa_profile, &onexec))
			return -1;
	}
	phase = "enrolment";
	if (ns_enrol_blob(st->ns, id, r->contid, labels, blob))
		return -1;
	/* entered at the exec of the entrypoint, as nslsm run --apparmor */
	blob->aa_onexec = onexec;
	/* the runtime started the container (boundary.signal=parent) */
	blob->entry_tgid = getppid();
	return 0;
}

/* ---- io.nslsm.admin=1: the container's AppArmor file system ---- */

/* starttime of a process (field 22 of /proc/PID/stat). */
static int proc_start_time(pid_t pid, unsigned long long *start)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nslsm_fail_errno(errno, "%s", path);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return nslsm_fail("%s: unreadable", path);
	buf[n] = 0;
	/* after the comm's closing parenthesis: state is field 3 */
	p = strrchr(buf, ')');
	if (!p)
		return nslsm_fail("%s: no comm", path);
	p++;
	for (int field = 3; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return nslsm_fail("%s: too few fields", path);
	}
	*start = strtoull(p + 1, NULL, 10);
	return 0;
}

/* The container's root as the runtime mounted it before pivot_root: the
 * bundle's root.path, relative to the bundle unless absolute. */
static int hook_container_root(const struct oci_state *os, char *out, size_t len)
{
	char path[sizeof(os->bundle) + 16], joined[PATH_MAX * 2];
	const char *root;
	json_error_t e;
	json_t *cfg;

	snprintf(path, sizeof(path), "%s/config.json", os->bundle);
	cfg = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
	if (!cfg)
		return nslsm_fail("%s: %s", path, e.text);
	if (json_unpack(cfg, "{s:{s:s}}", "root", "path", &root) || !*root) {
		json_decref(cfg);
		return nslsm_fail("%s: no root.path", path);
	}
	if (root[0] == '/')
		snprintf(joined, sizeof(joined), "%s", root);
	else
		snprintf(joined, sizeof(joined), "%s/%s", os->bundle, root);
	json_decref(cfg);
	if (strlen(joined) >= len || !realpath(joined, out))
		return nslsm_fail_errno(errno ? errno : ENAMETOOLONG, "the container's root %s",
					joined);
	return 0;
}

/* nslsm-apparmorfs beside this hook (build/, or PREFIX/libexec/nslsm). */
static int apparmorfs_path(char *out, size_t len)
{
	char exe[PATH_MAX - 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return nslsm_fail_errno(errno, "reading /proc/self/exe");
	exe[n] = 0;
	slash = strrchr(exe, '/');
	if (!slash)
		return nslsm_fail("/proc/self/exe: '%s'", exe);
	*slash = 0;
	snprintf(out, len, "%s/nslsm-apparmorfs", exe);
	if (access(out, X_OK))
		return nslsm_fail_errno(errno, "%s", out);
	return 0;
}

/*
 * Start nslsm-apparmorfs for namespace `ns`, mounted in the container's
 * mount namespace under its root (--container-root), and wait until it
 * serves: it daemonizes, and its --ready-fd says its pid or its error.
 */
static int hook_mount_apparmorfs(const struct oci_state *os, const char *ns, struct hook_proc *aafs)
{
	char server[PATH_MAX], root[PATH_MAX], mntns[64], msg[1100];
	size_t got = 0;
	int p[2], status;
	pid_t child;
	ssize_t n;

	phase = "io.nslsm.admin";
	if (apparmorfs_path(server, sizeof(server)) || hook_container_root(os, root, sizeof(root)))
		return -1;
	snprintf(mntns, sizeof(mntns), "/proc/%d/ns/mnt", os->pid);
	if (pipe2(p, O_CLOEXEC) < 0)
		return nslsm_fail_errno(errno, "pipe");
	child = fork();
	if (child < 0)
		return nslsm_fail_errno(errno, "fork");
	if (!child) {
		/* fd 3 is the ready pipe (dup2 drops its close-on-exec) */
		if (dup2(p[1], 3) < 0)
			_exit(127);
		execl(server, "nslsm-apparmorfs", "--daemon", "--ready-fd", "3", "--mount-ns", mntns,
		      "--container-root", root, ns, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while (got < sizeof(msg) - 1 && (n = read(p[0], msg + got, sizeof(msg) - 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		got += n;
	}
	close(p[0]);
	msg[got] = 0;
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (!got)
		return nslsm_fail("%s did not start (exit status %d)", server,
				  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (!strncmp(msg, "error: ", 7)) {
		msg[strcspn(msg, "\n")] = 0;
		return nslsm_fail("nslsm-apparmorfs: %s", msg + 7);
	}
	aafs->pid = atoi(msg);
	if (aafs->pid <= 0)
		return nslsm_fail("nslsm-apparmorfs said '%s', not its pid", msg);
	return proc_start_time(aafs->pid, &aafs->start);
}

/* Stop the recorded nslsm-apparmorfs if it is still that process: a pidfd
 * first, then its start time, then whether it still lives. */
static int hook_stop_apparmorfs(const struct hook_proc *aafs)
{
	struct pollfd pfd = { .events = POLLIN };
	unsigned long long start;
	int fd;

	if (!aafs->pid)
		return 0;
	fd = syscall(SYS_pidfd_open, aafs->pid, 0);
	if (fd < 0 && errno == ESRCH)
		return 0;	/* gone with the container's mount namespace */
	if (fd < 0)
		return nslsm_fail_errno(errno, "a pidfd on nslsm-apparmorfs (pid %d)", aafs->pid);
	if (proc_start_time(aafs->pid, &start) || start != aafs->start ||
	    syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0) < 0) {
		/* exited, and the pid maybe taken by another process: not ours */
		close(fd);
		nslsm_error_clear();
		return 0;
	}
	pfd.fd = fd;
	if (syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 0) < 0 && errno != ESRCH) {
		close(fd);
		return nslsm_fail_errno(errno, "stopping nslsm-apparmorfs (pid %d)", aafs->pid);
	}
	/* the pidfd turns readable when it exits; a server stuck for 10 s is killed */
	if (poll(&pfd, 1, 10000) == 0) {
		syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
		poll(&pfd, 1, -1);
	}
	close(fd);
	return 0;
}

/* Namespaces made below id from inside (policy/namespaces/), deepest first. */
static int remove_descendants(struct nslsm_state *st, uint32_t id)
{
	for (int round = 0; round < NSLSM_MAX_NS; round++) {
		int leaf = -1;

		for (uint32_t i = 1; i < NSLSM_MAX_NS && leaf < 0; i++) {
			uint32_t a = i;

			if (i == id || !ns_in_use(&st->ns[i]) || ns_has_children(st->ns, i))
				continue;
			for (int d = 0; d < NSLSM_MAX_DEPTH && a != NSLSM_HOST_ID && a != id; d++)
				a = st->ns[a].parent;
			if (a == id)
				leaf = i;
		}
		if (leaf < 0)
			return 0;
		if (admin_ns_delete(st, leaf))
			return -1;
	}
	return 0;
}

static int create_runtime(struct oci_state *state)
{
	struct oci_request r = {};
	struct aa_policy pol = {};
	struct nslsm_task_blob blob;
	struct nslsm_state st = {};
	struct oci_state os = *state;
	struct hook_proc aafs = {};
	char path[PATH_MAX];
	bool created = false, recorded = false, opened = false;
	uint32_t id = 0;
	int pidfd = -1, rc = -1;

	/* everything from outside is checked before anything is changed */
	phase = NULL;
	if (os.pid <= 0) {
		nslsm_fail("state: no \"pid\" of the container's process (status '%s')", os.status);
		goto out;
	}
	if (!os.annotations && config_annotations(&os))
		goto out;
	if (oci_request_parse(&os, &r) || load_policy_files(&r, &pol))
		goto out;
	phase = "container process";
	pidfd = container_pidfd(os.pid);
	if (pidfd < 0)
		goto out;
	phase = "nslsm";
	if (state_open(&st, true) || state_lock(&st))
		goto out;
	opened = true;
	if (make_namespace(&st, &r, &pol, &id, &created) || container_blob(&st, &r, id, &blob) ||
	    (r.admin && admin_delegate(&st, id, created)))
		goto out;
	if (r.admin && (st.ns[id].modules & (1u << NSLSM_MOD_APPARMOR)) &&
	    hook_mount_apparmorfs(&os, r.ns, &aafs))
		goto out;
	phase = "record";
	if (record_write(os.id, r.ns, id, created, r.contid, os.pid, &aafs))
		goto out;
	recorded = true;
	if (r.admin && admin_inside(&os, pidfd))
		goto out;
	phase = "enrolment";
	if (admin_enrol_pidfd(&st, pidfd, os.pid, &blob) < 0)
		goto out;
	rc = 0;
out:
	if (rc) {
		char why[1024];

		/* undo, keeping the first error's message */
		snprintf(why, sizeof(why), "%s", nslsm_error());
		if (hook_stop_apparmorfs(&aafs))
			fprintf(stderr, "nslsm-oci-hook: undoing: %s\n", nslsm_error());
		if (recorded) {
			record_path(os.id, path, sizeof(path));
			unlink(path);
		}
		if (created && admin_ns_delete(&st, id))
			fprintf(stderr, "nslsm-oci-hook: undoing: %s\n", nslsm_error());
		nslsm_fail("%s", why);
		failed();
	}
	if (opened)
		state_close(&st);
	if (pidfd >= 0)
		close(pidfd);
	aa_policy_free(&pol);
	oci_request_free(&r);
	oci_state_free(&os);
	return rc ? 1 : 0;
}

static int poststop(struct oci_state *state)
{
	struct oci_state os = *state;
	struct nslsm_state st;
	char path[PATH_MAX];
	struct record rec;
	int found, rc = -1;

	phase = "record";
	found = record_read(os.id, &rec);
	record_path(os.id, path, sizeof(path));
	oci_state_free(&os);
	if (found <= 0)
		return found < 0 ? failed() : 0;
	phase = "stopping nslsm-apparmorfs";
	if (hook_stop_apparmorfs(&rec.aafs))
		return failed();
	phase = "nslsm";
	if (!state_loaded()) {
		/* unloaded since: every namespace went with it */
		unlink(path);
		return 0;
	}
	if (state_open(&st, true) || state_lock(&st)) {
		state_close(&st);
		return failed();
	}
	phase = "removing the namespace";
	if (!rec.created) {
		rc = 0;
	} else if (!ns_in_use(&st.ns[rec.ns_id]) ||
		   strncmp(st.ns[rec.ns_id].name, rec.ns, NSLSM_NAME_MAX)) {
		/* removed by hand since, its slot maybe reused: not ours now */
		fprintf(stderr, "nslsm-oci-hook: poststop: namespace '%s' (id %u) is gone "
				"already\n", rec.ns, rec.ns_id);
		rc = 0;
	} else {
		rc = remove_descendants(&st, rec.ns_id) || admin_ns_delete(&st, rec.ns_id) ? -1 : 0;
	}
	state_close(&st);
	if (rc)
		return failed();
	if (unlink(path) < 0 && errno != ENOENT) {
		nslsm_fail_errno(errno, "removing %s", path);
		return failed();
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct oci_state st;
	const char *stage = argc == 2 ? argv[1] : NULL;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(manual, stdout);
		return 0;
	}
	if (argc > 2 || (stage && strcmp(stage, "createRuntime") && strcmp(stage, "poststop"))) {
		fputs(usage, stderr);
		return 2;
	}
	if (read_state(&st)) {
		hook_name = stage ? stage : hook_name;
		return failed();
	}
	/* no stage given (one hooks.d file for both): the state's status says */
	if (!stage)
		stage = !strcmp(st.status, "stopped") ? "poststop"
			: !strcmp(st.status, "creating") || !strcmp(st.status, "created")
				? "createRuntime"
				: NULL;
	if (!stage) {
		nslsm_fail("state: status '%s' is neither a createRuntime one ('creating', "
			   "'created') nor 'stopped': give the stage as the argument", st.status);
		oci_state_free(&st);
		return failed();
	}
	hook_name = stage;
	return !strcmp(stage, "poststop") ? poststop(&st) : create_runtime(&st);
}
