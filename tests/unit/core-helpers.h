/*
 * Helpers for the checks-core unit tests: small root trees built in a temp directory, contexts
 * with fault injection before the facts are gathered, and assertions on a result's values,
 * items, evidence and remediation.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "helpers.h"
#include "result.h"

/*
 * A tree for a 2-thread-per-core host: CPUs 0..ncpus-1, SMT siblings N and N + ncpus/2, one
 * NUMA node (two when nodes == 2: even CPUs on node 0, odd on node 1), an RT kernel release
 * 6.1.0-27-rt-amd64 with its config, the given /proc/cmdline and, when not NULL, the
 * isolated and nohz_full sysfs files. Free with core_tree_free().
 */
char *core_tree(unsigned ncpus, unsigned nodes, const char *cmdline, const char *isolated,
		const char *nohz_full);
void core_tree_free(char *root);
/* Remove a file of the tree. */
void core_rm(const char *root, const char *path);
/* Write "value\n" (the kernel's trailing newline) at path. */
void core_put(const char *root, const char *path, const char *value);
/* A kernel thread /proc/<pid>/stat named comm. */
void core_kthread(const char *root, int pid, const char *comm);

/*
 * A context over root with --set values (NULL-terminated, may be NULL); when path is not NULL,
 * reads of path fail with err from the start, before the facts are gathered.
 */
struct rthc_ctx *core_ctx(const char *root, const char *const *sets, const char *path, int err);
/* Run check id on a fresh context over root (kept in *ctx for ctx_free()). */
const struct rthc_result *core_run(struct rthc_ctx **ctx, const char *root, const char *id);

/* Assertions; the value helpers look in r->observed (obs) or r->expected (exp). */
void core_obs_str(const struct rthc_result *r, const char *key, const char *want);
void core_obs_int(const struct rthc_result *r, const char *key, int64_t want);
void core_obs_bool(const struct rthc_result *r, const char *key, bool want);
void core_obs_null(const struct rthc_result *r, const char *key);
void core_exp_str(const struct rthc_result *r, const char *key, const char *want);
void core_exp_int(const struct rthc_result *r, const char *key, int64_t want);
void core_exp_bool(const struct rthc_result *r, const char *key, bool want);
/* Nested observed value: "pools", "1048576kB", "free" → the integer. */
void core_obs_path_int(const struct rthc_result *r, const char *const *keys, int64_t want);
void core_reason_has(const struct rthc_result *r, const char *needle);
/* An item whose object is object and whose reason contains needle (NULL: any). */
void core_item(const struct rthc_result *r, const char *object, const char *needle);
void core_no_item(const struct rthc_result *r, const char *object);
void core_nitems(const struct rthc_result *r, size_t n);
void core_evidence(const struct rthc_result *r, const char *source, const char *needle);
/* A remediation action of type on target with value (NULL: value must be null). */
void core_action(const struct rthc_result *r, enum rthc_action_type type, const char *target,
		 const char *value);
/* status error, err as given (0: any), reason naming path. */
void core_error(const struct rthc_result *r, int err, const char *path);
