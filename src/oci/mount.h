/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mounts that nslsm-oci-hook puts into a container at createRuntime: the
 * container's mount namespace exists, its mounts are made and its root is
 * not yet pivoted to (crun 1.8, runc 1.1; a runtime that pivots before
 * createRuntime is handled too). A tree is cloned in the runtime's
 * namespace (open_tree) and attached in the container's (move_mount) by a
 * child that joins it through the container's pidfd, so a reused pid never
 * gets the mount. The path inside is walked from the container's root one
 * component at a time without following a symbolic link: an image cannot
 * send the hook to a file of the host.
 */
#ifndef NSLSM_OCI_MOUNT_H
#define NSLSM_OCI_MOUNT_H

#include <stdbool.h>
#include <sys/types.h>

/* Where nslsmd's socket is inside a container with io.nslsm.admin=1: the
 * socket's directory (which holds it only) is bound at OCI_ADMIN_DIR. */
#define OCI_ADMIN_DIR "/run/nslsm"
#define OCI_ADMIN_SOCKET OCI_ADMIN_DIR "/nslsmd.sock"

/*
 * Attach the detached mount tree_fd (open_tree(OPEN_TREE_CLONE) or
 * fsmount) at `inside` (absolute, in the container) of the container whose
 * process is behind pidfd, with `rootfs` its root directory as the runtime
 * sees it. Missing directories are made (0755); the last component is made
 * an empty file when `file`, else a directory.
 */
int oci_mount_into(int pidfd, pid_t pid, const char *rootfs, int tree_fd, const char *inside,
		   bool file);

/* io.nslsm.admin=1: nslsmd's socket's directory at OCI_ADMIN_DIR in the
 * container, read-only; the socket at OCI_ADMIN_SOCKET there. */
int oci_mount_admin_socket(int pidfd, pid_t pid, const char *rootfs);

#endif /* NSLSM_OCI_MOUNT_H */
