/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The object-label store of the core: a file's label per (module,
 * namespace), for every label-based module (SELinux now; Smack, IMA and
 * EVM later). A label is a u32 the module assigns from its label string
 * (SELinux: a SID of the namespace's SID table); the string is what
 * persists.
 *
 * Where the truth lives:
 *  - user space keeps the label STRINGS per (file system identity, inode
 *    number, inode generation, namespace name, module) in a file under
 *    nslsm's state directory (src/lib/objlabel.h: the format and its
 *    parser), written atomically on every change;
 *  - the `objlabels` hash map holds the label VALUES of the current load,
 *    keyed by struct nslsm_objlabel_key. Values are per load (a SID is
 *    per policy load), so a module re-imports its strings whenever it can
 *    give values again (SELinux: at `selinux load`);
 *  - BPF caches what the map says on the inode (inode local storage,
 *    objlabel_cache): freed with the inode at eviction, refilled from the
 *    map at the next lookup; an entry answers only under the store's
 *    current epoch, which user space moves after every change of the map.
 *
 * The key names the file by nothing that can be freed and reused while an
 * entry lives: the file system's identity (its superblock's s_uuid where
 * the file system has one, which ext4, xfs and btrfs read from disk so it
 * survives a reboot, and tmpfs makes up at each mount so a new tmpfs never
 * matches an old entry; else s_dev), the inode number and the inode's
 * generation (i_generation: a reused inode number gets a new one on ext4
 * and tmpfs). On top, BPF deletes a file's entries when the inode is freed
 * with no link left (inode_free_security, i_nlink == 0), the one moment
 * after which its number may be given again. An entry with inode number 0
 * and generation 0 is the file system's own label (SELinux: its mount
 * context, context=).
 *
 * How a hook asks (bpf/lib/objlabel.h): objlabel_get(module, ns_id,
 * inode, &label): 1 and the label when the store has one for the file, 0
 * when not; objlabel_get_fs() the same for the file system's label. With
 * nothing stored anywhere, either costs one array lookup; else an inode
 * storage lookup and, on a miss, one hash lookup.
 */
#ifndef NSLSM_OBJLABEL_H
#define NSLSM_OBJLABEL_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define NSLSM_OBJLABEL_MAP_ENTRIES (1u << 18)	/* entries of the objlabels map */
#define NSLSM_OBJLABEL_CACHE_SLOTS 4		/* (module, namespace) pairs cached per inode */
#define NSLSM_OBJLABEL_STR_MAX 256		/* a label string, NUL included */
#define NSLSM_OBJLABEL_FSTYPE_MAX 32
#define NSLSM_OBJLABEL_OWNERS 256		/* (namespace, module) pairs with labels */

/* How key.fs names the file system. */
#define NSLSM_OBJLABEL_FS_UUID 1	/* fs[] is the superblock's s_uuid */
#define NSLSM_OBJLABEL_FS_DEV 2		/* fs[0..3] is s_dev (no uuid), the rest 0 */

struct nslsm_objlabel_key {
	__u8 fs[16];
	__u64 ino;			/* 0 (with igen 0): the file system's own label */
	__u32 igen;
	__u16 ns_id;
	__u8 module;			/* enum nslsm_module_id */
	__u8 fs_kind;			/* NSLSM_OBJLABEL_FS_* */
};

struct nslsm_objlabel_val {
	__u32 label;
	__u32 flags;			/* none yet */
};

/* The store's state: objlabel_state[0]. */
struct nslsm_objlabel_state {
	__u64 epoch;			/* cache entries answer under this one only; never
					 * goes back while loaded (user space, reset) */
	__u32 active;			/* 0: the map is empty, lookups answer "none" at once */
	__u32 pad;
};

/* The store's counters: objlabel_stats[0], one per CPU (no cache line
 * shared between CPUs on the lookup path), summed by user space. */
struct nslsm_objlabel_stats {
	__u64 lookups;			/* objlabel_get calls with the store active */
	__u64 cache_hits;		/* ... answered by the inode's cache */
	__u64 found;			/* ... that found a label */
	__u64 cache_full;		/* cache fills refused: no inode storage */
	__u64 dropped;			/* labels BPF could not store (map full) */
	__u64 forgotten;		/* entries deleted with their file's last link */
};

/* What the identity program (iter/task_file) reports for each open file
 * of the process reading it: the file's key fields, mode and fs type. */
struct nslsm_objlabel_ident {
	__s32 fd;
	__u32 mode;			/* i_mode */
	__u8 fs[16];
	__u64 ino;
	__u32 igen;
	__u8 fs_kind;
	__u8 pad[3];
	__u64 sb_id;			/* s_dev, for messages */
	char fstype[NSLSM_OBJLABEL_FSTYPE_MAX];
};

_Static_assert(sizeof(struct nslsm_objlabel_key) == 32, "objlabel key layout");
_Static_assert(sizeof(struct nslsm_objlabel_state) == 16, "objlabel state layout");
_Static_assert(sizeof(struct nslsm_objlabel_stats) == 48, "objlabel stats layout");
_Static_assert(sizeof(struct nslsm_objlabel_ident) == 80, "objlabel ident layout");

#endif /* NSLSM_OBJLABEL_H */
