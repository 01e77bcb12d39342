// SPDX-License-Identifier: GPL-2.0
/* nslsm: entry point, command dispatch and the manual. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "lib/audit_log.h"
#include "lib/error.h"
#include "lib/state.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis;
	const char *manual;
};

static const struct command commands[] = {
	{ "load", cmd_load, "nslsm load [--verbose] [--stats]",
	  "Load nslsm into the running kernel: the BPF LSM programs are attached at\n"
	  "every hook of nslsm's hook list and pinned, with all maps, under\n"
	  "/sys/fs/bpf/nslsm. Enforcement then lasts until 'nslsm unload', whatever\n"
	  "happens to the process that loaded it. Loading is all or nothing.\n"
	  "The host namespace is created with no module enabled: nothing is denied\n"
	  "to a task that is not enrolled.\n\n"
	  "Needs root, a kernel with 'bpf' in its active LSM list\n"
	  "(/sys/kernel/security/lsm) and a BPF file system on /sys/fs/bpf.\n\n"
	  "  -v, --verbose   show libbpf's and the verifier's messages\n"
	  "  -s, --stats     print, per program, the instructions the verifier\n"
	  "                  processed and the time it took, then the wall-clock time\n"
	  "                  of each phase: open, maps and programs (the verifier),\n"
	  "                  initial state, attach and pin (where load time goes)\n" },
	{ "unload", cmd_unload, "nslsm unload [--force]",
	  "Detach every nslsm program and remove every pin. Tasks still enrolled would\n"
	  "run unconfined afterwards, so unload refuses while any exists, unless\n"
	  "--force is given.\n\n"
	  "  -f, --force     unload even though enrolled tasks are alive\n" },
	{ "reset", cmd_reset, "nslsm reset [--kill]",
	  "Return the loaded nslsm to the state 'nslsm load' leaves, without detaching\n"
	  "anything: every namespace but host is deleted with its settings, audit\n"
	  "queue and rules; all AppArmor policy, Yama ptracer declarations, file\n"
	  "owners, counters and container id delegations go; queued audit records\n"
	  "are dropped (host gets a new, empty queue); files other than nslsm's own\n"
	  "under /sys/fs/bpf/nslsm are removed. Enforcement of host stays attached\n"
	  "throughout, with no module enabled, as after a load. Much faster than\n"
	  "unload and load: no program is verified again.\n\n"
	  "A task holding nslsm state (enrolled in a namespace, or an nslsm process\n"
	  "such as nslsmd or 'nslsm audit --follow') would outlive its namespace, so\n"
	  "reset refuses while any exists and names them, unless --kill is given.\n"
	  "Reset changes nothing, and says to unload and load, when a pinned map or\n"
	  "link is missing or belongs to another build of nslsm.\n\n"
	  "The AppArmor policy epoch is the one value not put back: it moves on, so\n"
	  "that no verdict cached before the reset can answer after it.\n\n"
	  "  -k, --kill      kill (SIGKILL) every such task first, and wait for it\n" },
	{ "status", cmd_status, "nslsm status [--json]",
	  "Whether nslsm is loaded, the kernel's active LSMs, the hooks attached,\n"
	  "namespaces, enrolled tasks, and the counters (audit records written and\n"
	  "lost, and for each namespace's audit queue its size, rate limit, records\n"
	  "written, lost to a full queue, to the rate limit and by nslsmd's consumers\n"
	  "that fell behind; denials, forks refused for lack of memory, hits and misses of the\n"
	  "AppArmor decision cache: opens of files with one name on tmpfs, ext4, xfs\n"
	  "or btrfs that the same label made before, with no rename, mount change or\n"
	  "policy change since).\n\n"
	  "      --json      one JSON object\n" },
	{ "modules", cmd_modules, "nslsm modules [--json]",
	  "The modules nslsm can enable per namespace, with their settings, and the\n"
	  "kernel's own active LSM list.\n\n"
	  "      --json      one JSON object\n" },
	{ "ns", cmd_ns,
	  "nslsm ns create NAME [--parent NAME] [--modules LIST] [--parent-label MODULE=LABEL]...\n"
	  "nslsm ns delete NAME\n"
	  "nslsm ns list [--json]\n"
	  "nslsm ns set NAME KEY=VALUE...",
	  "Manage LSM namespaces. Namespaces form a tree rooted at 'host'. A task in\n"
	  "namespace C is allowed only if every enabled module of C allows it AND every\n"
	  "enabled module of every ancestor of C allows it, at the label that ancestor\n"
	  "gave the whole of C (bounded enforcement). Any denial wins.\n\n"
	  "Every namespace is also a boundary, whatever its modules: its tasks may\n"
	  "not ptrace (any mode: attach, /proc/PID/mem, environ, fd/, pidfd_getfd,\n"
	  "process_vm_readv; nor PTRACE_TRACEME to an outside parent), signal (also\n"
	  "SIGIO/SIGURG to a file owner they set with F_SETOWN), or\n"
	  "reschedule and limit (nice, scheduler, ioprio, prlimit, setpgid,\n"
	  "move_pages) a task outside their namespace and its descendants. The\n"
	  "host lifts it with boundary.KEY; each denial is audited as\n"
	  "module=\"boundary\" with the target's pid, comm and namespace.\n\n"
	  "create    --parent NAME          parent namespace (default: host)\n"
	  "          --modules LIST         modules to enable, comma separated (see\n"
	  "                                 'nslsm modules'), or 'none' (default)\n"
	  "          --parent-label M=L     label the parent's module M gives this\n"
	  "                                 namespace (labelled modules only)\n"
	  "delete    refuses while the namespace has tasks or nested namespaces\n"
	  "list      every namespace with its modules, settings and task count\n"
	  "set       change settings, all or none of them:\n"
	  "            modules=LIST                 enabled modules\n"
	  "            MODULE.mode=enforce|complain complain: audit, never deny\n"
	  "                                         (apparmor: also 'profile', each\n"
	  "                                         profile's own mode, the default)\n"
	  "            MODULE.KEY=VALUE             a module setting, e.g.\n"
	  "                                         yama.ptrace_scope=2\n"
	  "            audit.delegate_contid=0|1    its admins may give container ids\n"
	  "                                         (see 'nslsm help contid')\n"
	  "            audit.net=0|1                audit every connect() and bind()\n"
	  "            audit.queue=BYTES            size of its audit queue, a power of\n"
	  "                                         two from 16384 to 67108864 (default\n"
	  "                                         262144, host 1048576); records still\n"
	  "                                         queued move to the log first\n"
	  "            audit.rate=N                 records per second its tasks may\n"
	  "                                         write (a burst of N), 0: no limit\n"
	  "                                         (default); self-protection records\n"
	  "                                         are never limited\n"
	  "            audit.coalesce=MS            identical denials (same subject,\n"
	  "                                         object, operation and result)\n"
	  "                                         within MS ms become the first\n"
	  "                                         record and one 'repeated=N' copy\n"
	  "                                         of it; 0: off (default)\n"
	  "            boundary.ptrace=deny|allow   ptrace outside the subtree\n"
	  "            boundary.signal=deny|parent|allow\n"
	  "                                         signals outside it; parent: also\n"
	  "                                         to the process that ran 'nslsm\n"
	  "                                         run', while it is an ancestor\n"
	  "            boundary.sched=deny|allow    scheduling and limits outside it\n"
	  "                                         (all three 'deny' by default; never\n"
	  "                                         more than an ancestor allows, and\n"
	  "                                         a stricter value binds every\n"
	  "                                         descendant at once)\n"
	  "            admin.delegate=0|1           1: nslsmd serves administration\n"
	  "                                         requests from the namespace's tasks\n"
	  "                                         and those below it (see nslsmd\n"
	  "                                         --help; io.nslsm.admin=1 sets it)\n"
	  "            admin.locked=0|1             1: nslsmd refuses every request from\n"
	  "                                         the namespace and those below it,\n"
	  "                                         delegated or not; both admin keys\n"
	  "                                         are set from the host only\n"
	  "          'host' is a namespace too: modules enabled there apply to every\n"
	  "          task of the machine.\n\n"
	  "Example:\n"
	  "  nslsm ns create box --modules yama\n"
	  "  nslsm ns set box yama.ptrace_scope=3\n" },
	{ "run", cmd_run, "nslsm run --ns NAME [--contid ID] [--MODULE LABEL]... -- CMD [ARG]...",
	  "Run CMD enrolled in namespace NAME: it and every process or thread it\n"
	  "creates are checked by NAME's modules and by those of NAME's ancestors.\n"
	  "Enrolment survives exec and cannot be undone from inside.\n\n"
	  "  --ns NAME         the namespace (required)\n"
	  "  --contid ID       audit container id carried by every record of the task\n"
	  "                    and its children: 1 to 2^64-2\n"
	  "  --MODULE LABEL    the task's label for a labelled module of NAME\n\n"
	  "Exit status: CMD's, or 126/127 when CMD cannot be executed.\n" },
	{ "attr", cmd_attr,
	  "nslsm attr get [PID] [--json]\n"
	  "nslsm attr set apparmor exec|changeprofile|changehat NAME [--test] [-- CMD [ARG...]]",
	  "get    show every namespace level of a task (default: the process that ran\n"
	  "       nslsm, e.g. your shell) with its module labels, its audit container\n"
	  "       id and flags. Enrolled tasks cannot use bpf(), so this runs from the\n"
	  "       host.\n"
	  "         --json   one JSON object\n\n"
	  "set    from inside an nslsm namespace with the apparmor module: change this\n"
	  "       process's AppArmor profile, then execute CMD, as a write to\n"
	  "       /proc/self/attr/apparmor/ would under the kernel's AppArmor:\n"
	  "         exec NAME           change_onexec: CMD runs under profile NAME; the\n"
	  "                             current profile must allow 'change_profile\n"
	  "                             [CMD's path] -> NAME'\n"
	  "         changeprofile NAME  change_profile now; CMD then runs under NAME's\n"
	  "                             exec rules\n"
	  "         changehat NAME      enter hat NAME of the current profile (^NAME)\n"
	  "         --test              only ask whether the change is allowed\n"
	  "       An unconfined process may enter any profile of its namespace. Only the\n"
	  "       process's own level changes: its parents' profiles keep bounding it.\n"
	  "       Programs make the same requests with include/nslsm/prctl.h\n"
	  "       (change_hat with a token, and the return from a hat); the static\n"
	  "       nslsm-aa-exec does what aa-exec does, inside a container image.\n"
	  "       Exit status: CMD's; 1 when the change is refused (the reason is\n"
	  "       printed); 126/127 when CMD cannot be executed.\n" },
	{ "contid", cmd_contid, "nslsm contid set PID ID\nnslsm contid get PID [--json]",
	  "Audit container ids. Every record of a task carries its container id and\n"
	  "the ids of the containers it is nested in; children inherit them at fork\n"
	  "and keep them across exec.\n\n"
	  "set    give enrolled process PID the container id ID (1 to 2^64-2), once:\n"
	  "       a process that has an id keeps it. Applies to PID's main thread and\n"
	  "       every task it creates afterwards. 'nslsm run --contid ID' does the\n"
	  "       same for the command it starts.\n"
	  "get    print PID's ids, outermost first: \"42/1001\", or \"none\"\n\n"
	  "Delegation: in a namespace with 'audit.delegate_contid=1', a task with\n"
	  "CAP_AUDIT_CONTROL may run 'nslsm contid set PID ID' from inside the\n"
	  "namespace for a container it started (a descendant of the shell or runtime\n"
	  "that runs nslsm, in the same namespace or below, with no id of its own yet):\n"
	  "nslsmd checks and sets the id, nested in the caller's. It judges the\n"
	  "process that connected to it, as it was at connect: a socket passed on\n"
	  "carries no more than that. Records then carry\n"
	  "contid=ID parent_contids=OUTER,....\n" },
	{ "apparmor", cmd_apparmor,
	  "nslsm apparmor load|replace NS FILE... [--features FILE]\n"
	  "nslsm apparmor remove NS PROFILE|FILE...\n"
	  "nslsm apparmor status NS [--json]\n"
	  "nslsm apparmor check NS PROFILE OP PATH [--other] [--json]\n"
	  "nslsm apparmor check --file FILE PROFILE OP PATH [--other] [--json]",
	  "AppArmor policy of a namespace whose modules include 'apparmor'. Profiles\n"
	  "are AppArmor's own language, compiled by apparmor_parser (-S -Q) against\n"
	  "the features ABI nslsm ships (share/apparmor/features-6.1); a FILE that is\n"
	  "already binary policy (apparmor_parser -S output) is used as it is. Every\n"
	  "table of the binary policy is validated before anything is loaded.\n\n"
	  "load     add the profiles of every FILE; a profile that is already loaded\n"
	  "         is an error\n"
	  "replace  add or replace (tasks confined by a replaced profile use the new\n"
	  "         version at once)\n"
	  "remove   remove profiles by name, or every profile a FILE defines; tasks\n"
	  "         they confined become unconfined, as in AppArmor\n"
	  "status   the loaded profiles, their modes and how many processes each\n"
	  "         confines (like aa-status)\n"
	  "check    the file permission PROFILE gives on PATH, walked in the loaded\n"
	  "         tables exactly as the kernel side walks them (--file: in FILE,\n"
	  "         with the reference matcher). OP is a mask (r w a x m k l c d o M)\n"
	  "         or read|write|append|exec|mmap|lock|link|create|unlink|chmod|\n"
	  "         chown|truncate; --other: the task does not own PATH. Exit status\n"
	  "         0 allowed, 3 denied.\n\n"
	  "load, replace and remove are all or nothing: a FILE that does not compile,\n"
	  "a malformed binary policy or a full table leaves the namespace's policy\n"
	  "exactly as it was, and the error names the file, the profile and the\n"
	  "problem.\n\n"
	  "Modes: a profile's flags decide (enforce, complain) unless the namespace\n"
	  "overrides them: nslsm ns set NS apparmor.mode=enforce|complain|profile.\n\n"
	  "Labels: 'nslsm run --ns NS --apparmor PROFILE -- CMD' runs CMD under\n"
	  "PROFILE (like aa-exec); a stack 'A//&B' is confined by both. Unconfined\n"
	  "tasks of NS that exec a file a profile attaches to enter that profile.\n\n"
	  "Example:\n"
	  "  nslsm ns create ubuntu --modules apparmor\n"
	  "  nslsm apparmor load ubuntu /etc/apparmor.d/usr.sbin.dnsmasq\n"
	  "  nslsm ns set ubuntu apparmor.mode=enforce\n"
	  "  nslsm run --ns ubuntu --apparmor dnsmasq -- /usr/sbin/dnsmasq --test\n" },
	{ "selinux", cmd_selinux,
	  "nslsm selinux load NS FILE\n"
	  "nslsm selinux check NS SCONTEXT TCONTEXT CLASS [PERM]...\n"
	  "nslsm selinux check --policy FILE [--bool NAME=0|1]... SCONTEXT TCONTEXT CLASS [PERM]...\n"
	  "nslsm selinux setenforce NS 0|1 | getenforce NS\n"
	  "nslsm selinux setbool NS NAME=0|1... | getbool NS [NAME]\n"
	  "nslsm selinux status NS\n"
	  "nslsm selinux chcon NS CONTEXT PATH...\n"
	  "nslsm selinux label NS PATH...\n"
	  "nslsm selinux restorecon NS [-R] [-v] [--root DIR] [-f FILE_CONTEXTS | --from-xattr] PATH...\n"
	  "nslsm selinux mount-context NS MOUNTPOINT CONTEXT\n"
	  "nslsm selinux compile --policy FILE [--stats]",
	  "SELinux in a namespace, with a binary policy (what secilc, checkpolicy and\n"
	  "semodule write, policy versions 30 to 33, MLS or not, e.g.\n"
	  "/etc/selinux/default/policy/policy.33). libsepol reads the file; nslsm\n"
	  "validates every reference and compiles it into its own tables\n"
	  "(include/nslsm/selinux.h): the access vector table keyed as the kernel\n"
	  "keys it (attributes not expanded), conditional rules with their boolean\n"
	  "expressions, constraints and mlsconstrain, role allow and role\n"
	  "transitions, type bounds, permissive types, handle_unknown, users, roles,\n"
	  "levels, initial SIDs. A policy libsepol refuses, or with an id out of\n"
	  "range or a table beyond nslsm's limits, is refused with an error naming\n"
	  "the file, the object and the problem.\n\n"
	  "A namespace with the selinux module (ns create NS --modules selinux)\n"
	  "starts permissive with no policy, as a new SELinux namespace does. Its\n"
	  "hooks do not mediate yet: its verdicts are asked with 'check NS'.\n\n"
	  "load     read, validate and compile FILE, write it into the maps as a new\n"
	  "         generation, switch NS to it with one map update, delete the old\n"
	  "         one. All or nothing: a missing namespace, a namespace without the\n"
	  "         selinux module, an unreadable, truncated or corrupted FILE, or maps\n"
	  "         too full leave NS with its old policy and no entry of the new.\n"
	  "         Booleans take the file's defaults; the mode stays. NS's SIDs keep\n"
	  "         their numbers: each context is carried into the new policy by\n"
	  "         its names, and one the new policy refuses becomes unlabeled (as\n"
	  "         the kernel converts its SID table), so stored file labels stay\n"
	  "         right across the switch. Prints the generation, the entries and\n"
	  "         bytes written, the time of each step and the SIDs carried over.\n"
	  "check    the access decision (security_compute_av) of SCONTEXT on TCONTEXT\n"
	  "         for CLASS. With NS: made by BPF itself over NS's maps (the query\n"
	  "         program, under NS's booleans); with --policy FILE: by the\n"
	  "         reference in plain C over FILE's tables. Prints what\n"
	  "         /sys/fs/selinux/access would, in hex:\n"
	  "           allowed decided auditallow auditdeny seqno flags\n"
	  "         (flags 1: the source type is permissive; seqno: NS's, 1 with\n"
	  "         --policy), then for each PERM one line:\n"
	  "           PERM allowed|denied [auditallow|audited|dontaudit]\n"
	  "         Contexts are user:role:type, and :LOW[-HIGH] with MLS (levels\n"
	  "         s0:c0,c3.c7); an invalid context is an error (the user may not\n"
	  "         have the role, the role not the type, the range outside the\n"
	  "         user's...). A CLASS or PERM the policy lacks follows its\n"
	  "         handle_unknown: allow, deny, or reject (an error).\n"
	  "           --policy FILE       the binary policy\n"
	  "           --bool NAME=0|1     with --policy: a boolean's value (default:\n"
	  "                               the policy's)\n"
	  "         Exit status 0: every PERM allowed; 3: one denied; 1: error.\n"
	  "setenforce  NS's mode: 1 (or Enforcing) or 0 (Permissive); the AVC of NS\n"
	  "         starts afresh.\n"
	  "getenforce  prints Enforcing or Permissive.\n"
	  "setbool  set each NAME to 0|1 (also true/false, on/off) in one update,\n"
	  "         like a boolean commit: an unknown NAME or a bad value changes\n"
	  "         none; the AVC of NS starts afresh.\n"
	  "getbool  every boolean of NS's policy, or NAME only, as getsebool prints\n"
	  "         them: 'NAME --> on|off'.\n"
	  "status   like sestatus: mode, policy version and generation, MLS,\n"
	  "         deny_unknown, booleans, table sizes, the SIDs (initial, and\n"
	  "         given to other contexts: never freed), seqno and the AVC's\n"
	  "         lookups, hits, misses and allocations ('nslsm status' sums the\n"
	  "         hits and misses of every namespace).\n"
	  "compile  validate and compile FILE, print how long it took\n"
	  "           --stats             and every table's entries and bytes\n\n"
	  "File labels live in nslsm's object-label store, per namespace: a file's\n"
	  "label in NS is, in order, the context stored for it (chcon, restorecon);\n"
	  "else its file system's mount context (mount-context); else the policy's\n"
	  "fs_use for the file system type (fs_use_xattr: the 'file' initial SID,\n"
	  "as the kernel gives a file without a security.selinux xattr;\n"
	  "fs_use_task/fs_use_trans: the fs_use context); else the longest\n"
	  "genfscon path of the type matching the file's path in its file system;\n"
	  "else the 'file' initial SID. A stored label names the file by its file\n"
	  "system's UUID (else its device number), inode number and generation,\n"
	  "never by path: it follows renames and hard links, survives the inode's\n"
	  "eviction from memory, 'nslsm unload; nslsm load' and, on a file system\n"
	  "with a UUID read from disk (ext4, xfs, btrfs), a reboot; it goes with\n"
	  "the file's last link. The contexts are kept in\n"
	  "$NSLSM_STATE_DIR/objlabels (default /var/lib/nslsm/objlabels) and are\n"
	  "given to the namespace again by every 'selinux load' (a context the new\n"
	  "policy refuses leaves its file unlabelled, its string kept).\n\n"
	  "chcon    store CONTEXT as each PATH's label in NS (symbolic links are\n"
	  "         followed). CONTEXT is validated against NS's policy first, every\n"
	  "         PATH must exist: an invalid CONTEXT or a missing PATH changes\n"
	  "         nothing.\n"
	  "label    like getfilecon: for each PATH, 'PATH<TAB>CONTEXT<TAB>(SOURCE)',\n"
	  "         SOURCE one of: stored, mount context, fs_use_..., genfscon ...,\n"
	  "         initial SID file.\n"
	  "restorecon  store for each PATH (with -R, each file of the trees, not\n"
	  "         crossing mounts) the context that FILE_CONTEXTS gives it, matched\n"
	  "         with libselinux's selabel (regular expressions, file types,\n"
	  "         .subs), or with --from-xattr the security.selinux xattr the file\n"
	  "         carries (an image labelled elsewhere). Files without a match or\n"
	  "         an xattr are left alone; every context is validated before any\n"
	  "         is stored, an invalid one changes nothing and is named with its\n"
	  "         file.\n"
	  "           -R                  recursive\n"
	  "           -v                  print 'PATH CONTEXT' for each file labelled\n"
	  "           -f FILE_CONTEXTS    the file_contexts file (default\n"
	  "                               /etc/selinux/default/contexts/files/file_contexts)\n"
	  "           --root DIR          PATHs are under DIR, an image's root:\n"
	  "                               DIR/etc/passwd is matched as /etc/passwd\n"
	  "           --from-xattr        labels from security.selinux xattrs\n"
	  "mount-context  like the mount option context=: CONTEXT labels every file\n"
	  "         of the file system mounted at MOUNTPOINT that has no stored label\n"
	  "         (the whole file system, as the kernel's context= does).\n\n"
	  "Example:\n"
	  "  nslsm ns create rhel --modules selinux\n"
	  "  nslsm selinux load rhel /etc/selinux/default/policy/policy.33\n"
	  "  nslsm selinux setbool rhel ssh_sysadm_login=1\n"
	  "  nslsm selinux check rhel system_u:system_r:sshd_t:s0 \\\n"
	  "      system_u:object_r:shadow_t:s0 file read\n"
	  "  nslsm selinux status rhel\n"
	  "  nslsm selinux chcon rhel system_u:object_r:shadow_t:s0 /srv/rhel/etc/shadow\n"
	  "  nslsm selinux restorecon rhel -R --root /srv/rhel /srv/rhel\n" },
	{ "audit", cmd_audit,
	  "nslsm audit [--ns NAME] [--contid ID] [--follow] [--json] [--log FILE]\n"
	  "nslsm audit rule add NAME always|never [FIELD=VALUE]...\n"
	  "nslsm audit rule del NAME N\n"
	  "nslsm audit rule list NAME",
	  "Print audit records: every denial, every complain-mode decision and every\n"
	  "access a setting marks for audit (audit.net=1). Each namespace's records\n"
	  "travel in a queue of its own (ns set NAME audit.queue=BYTES), so a\n"
	  "namespace that floods loses only its own records; the last quarter of\n"
	  "every queue is kept for self-protection records. Records move from the\n"
	  "queues, a batch from each in turn, into the log (default\n"
	  "" NSLSM_AUDIT_LOG_DEFAULT ", or $NSLSM_AUDIT_LOG), so every reader sees every\n"
	  "record. Records a namespace lost are reported, to the host and to that\n"
	  "namespace's view, as 'type=NSLSM_LOST ... lost=N ns=\"NAME\" reason=R', R\n"
	  "being queue_full or rate_limit (audit.rate), and counted in nslsm status.\n\n"
	  "  --ns NAME      the view of namespace NAME: records of NAME and of the\n"
	  "                 namespaces below it, as NAME's rules select them (without\n"
	  "                 --ns: everything, as the host's rules select it)\n"
	  "  --contid ID    only records of container id ID\n"
	  "  --follow       keep printing new records until interrupted; with nslsmd\n"
	  "                 running, through it: it works from inside a namespace\n"
	  "                 (its own namespace or below only: nslsmd judges by the\n"
	  "                 namespace of the process that connected, at connect),\n"
	  "                 and a consumer that falls too far behind is told\n"
	  "                 'lost=N ns=\"NAME\" reason=\"consumer\"'\n"
	  "  --json         one JSON object per line\n"
	  "  --log FILE     the log file to use\n\n"
	  "Rules (auditctl style): a namespace's rules are tried in order and the\n"
	  "first that matches decides: always = deliver, never = drop; a record no\n"
	  "rule matches is delivered. They select what that namespace's view shows,\n"
	  "never what the host's does. Fields: module=yama|nslsm|audit,\n"
	  "operation=ptrace|open|connect|..., result=denied|audit|allowed,\n"
	  "contid=ID, path=PREFIX (of the object's name).\n\n"
	  "Text records look like the kernel's:\n"
	  "  type=NSLSM msg=audit(1732812345.123:17): nslsm=\"DENIED\" ns=\"box\" contid=42\n"
	  "  module=\"yama\" operation=\"ptrace\" ... pid=123 comm=\"gdb\" error=-1\n" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* A synopsis of several lines, each line after the first indented by `more`. */
static void print_synopsis(FILE *f, const char *first, const char *more, const char *s)
{
	const char *prefix = first;

	while (*s) {
		size_t n = strcspn(s, "\n");

		fprintf(f, "%s%.*s\n", prefix, (int)n, s);
		s += n + (s[n] == '\n');
		prefix = more;
	}
}

static void print_overview(FILE *f)
{
	fprintf(f,
		"nslsm - a Linux security module per container, enforced by BPF LSM\n\n"
		"Usage:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		print_synopsis(f, "  ", "  ", commands[i].synopsis);
	fprintf(f, "\n'nslsm help COMMAND' or 'nslsm COMMAND --help' shows a command's manual.\n"
		   "Every command but 'modules' and 'help' needs root.\n\n"
		   "Inside a namespace (a container with io.nslsm.admin=1, or an enrolled task:\n"
		   "no pins under " NSLSM_PIN_DIR " or bpf() refused) with nslsmd's socket\n"
		   "present, 'apparmor load|replace|remove|status', 'ns create|delete|set|list'\n"
		   "and 'status' go to nslsmd, which judges them (see nslsmd --help); NS '.' is\n"
		   "the caller's own namespace. NSLSM_VIA_NSLSMD=1 sends them there always, =0\n"
		   "never. 'audit --follow' follows the caller's own namespace there by default.\n");
}

bool is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

int print_help(const char *cmd)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, cmd)) {
			print_synopsis(stdout, "Usage: ", "       ", commands[i].synopsis);
			printf("\n%s", commands[i].manual);
			return EXIT_OK;
		}
	fprintf(stderr, "nslsm: no command '%s'\n", cmd);
	return EXIT_USAGE;
}

int fail(void)
{
	fprintf(stderr, "nslsm: %s\n", *nslsm_error() ? nslsm_error() : "failed");
	return EXIT_FAIL;
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nslsm %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'nslsm %s --help'.\n", cmd);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_overview(stderr);
		return EXIT_USAGE;
	}
	if (is_help(argv[1])) {
		print_overview(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			print_overview(stdout);
			return EXIT_OK;
		}
		return print_help(argv[2]);
	}
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, argv[1])) {
			for (int a = 2; a < argc && strcmp(argv[a], "--"); a++)
				if (is_help(argv[a]))
					return print_help(argv[1]);
			return commands[i].run(argc - 1, argv + 1);
		}
	fprintf(stderr, "nslsm: unknown command '%s'\n", argv[1]);
	print_overview(stderr);
	return EXIT_USAGE;
}
