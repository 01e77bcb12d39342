/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an OCI runtime hands nslsm-oci-hook, validated: the container's
 * state (runtime-spec runtime.md, on the hook's stdin) and its io.nslsm.*
 * annotations (from the state, or the bundle's config.json when the state
 * has none). Pure parsing with jansson, no system calls: unit tested and
 * fuzzed. Every error names the field or annotation and the problem.
 */
#ifndef NSLSM_OCI_REQUEST_H
#define NSLSM_OCI_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nslsm/limits.h"

#define OCI_STATE_MAX (1u << 20)	/* bytes of state JSON read from stdin */
#define OCI_CONFIG_MAX (16u << 20)	/* bytes of a bundle's config.json */
#define OCI_ID_MAX 255			/* a container id: a file name under /run/nslsm/oci */
#define OCI_VALUE_MAX 4096		/* bytes of one annotation's value */
#define OCI_LIST_MAX 32			/* items of io.nslsm.set, io.nslsm.apparmor.policy */
#define OCI_ITEM_MAX 255		/* bytes of one of them (ns set's limit) */
#define OCI_LABEL_MAX 255		/* a label as typed */
#define OCI_PREFIX "io.nslsm."

/* The state of a container (ociVersion, id, status, pid, bundle). */
struct oci_state {
	char id[OCI_ID_MAX + 1];
	char status[32];
	char bundle[4096];
	pid_t pid;		/* 0: none given (poststop) */
	/* the "annotations" object, or NULL if the state has none (jansson's
	 * json_t, referenced; oci_state_free drops it) */
	void *annotations;
};

/* The io.nslsm.* annotations; *_given says the annotation was present. */
struct oci_request {
	char ns[NSLSM_NAME_MAX];	/* io.nslsm.ns, or derived from the id */
	bool ns_given;
	char parent[NSLSM_NAME_MAX];	/* io.nslsm.parent ("" = host) */
	uint32_t modules;		/* io.nslsm.modules */
	bool modules_given;
	char *set[OCI_LIST_MAX];	/* io.nslsm.set: "KEY=VALUE" items */
	int n_set;
	uint64_t contid;		/* io.nslsm.contid, or derived from the id */
	bool contid_given;
	char aa_profile[OCI_LABEL_MAX + 1];	/* io.nslsm.apparmor.profile ("" = none) */
	char *policy[OCI_LIST_MAX];	/* io.nslsm.apparmor.policy: absolute paths */
	int n_policy;
	char *parent_label[NSLSM_MAX_MODULES];	/* io.nslsm.parent-label.M: "M=LABEL" */
	int n_parent_label;
	bool admin;			/* io.nslsm.admin=1: administration from inside */
};

/* The state JSON: an object with a valid id, an absolute bundle and, if
 * need_pid, a pid > 0. Duplicate keys are refused. */
int oci_state_parse(const char *buf, size_t len, bool need_pid, struct oci_state *st);
void oci_state_free(struct oci_state *st);
/* The "annotations" of a config.json (NULL if it has none) into st. */
int oci_config_annotations(const char *buf, size_t len, struct oci_state *st);
/* st->annotations -> r. Other annotations are ignored; an unknown
 * io.nslsm.* key is an error. Free r with oci_request_free whatever the
 * result. */
int oci_request_parse(const struct oci_state *st, struct oci_request *r);
void oci_request_free(struct oci_request *r);
/* The annotation of r that only a namespace the hook creates may take
 * (parent, modules, set, policy, parent-label), or NULL if none is given. */
const char *oci_request_create_only(const struct oci_request *r);

/* A container id: 1..OCI_ID_MAX of [A-Za-z0-9_+.-], neither "." nor "..". */
int oci_check_id(const char *id);
/* "oci-" and the id, characters outside a namespace name's set as '_',
 * cut to NSLSM_NAME_MAX - 1. */
void oci_default_ns(const char *id, char out[NSLSM_NAME_MAX]);
/* A container id (audit) from the container's: FNV-1a 64, never 0 or ~0. */
uint64_t oci_default_contid(const char *id);

#endif /* NSLSM_OCI_REQUEST_H */
