/*
 * Helpers for the sys-area unit tests (tests/unit/test-checks-sys-*.c): contexts over the sys-*
 * fixtures or over small trees written into a temp directory, and assertions on what a check
 * reported.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "helpers.h"
#include "result.h"

/* A context over tests/fixtures/NAME (sets: NULL-terminated --set values, may be NULL). */
struct rthc_ctx *sys_fixture(const char *name, const char *const *sets);
/*
 * A temp tree: a 4-CPU host (possible/present/online 0-3, one core per CPU, node0) with the given
 * release and command line, then the NULL-terminated path/content pairs of files (content gets
 * the kernel's trailing newline). Remove with tmpdir_remove() and free().
 */
char *sys_tree(const char *release, const char *cmdline, const char *const *files);
/* Add a /proc/<pid>/{stat,status} task to a tree (policy 0 OTHER, 1 FIFO, 2 RR). */
void sys_task(const char *root, int pid, const char *comm, bool kthread, const char *allowed,
	      unsigned policy, unsigned prio);
/* One test case: a context and, for a temp tree, its root. */
struct sys_case {
	struct rthc_ctx *ctx;
	char *root;
};
/* Run check id over fixture name (sets as above) or over a sys_tree(); sys_done() frees. */
const struct rthc_result *sys_on_fixture(struct sys_case *c, const char *name,
					 const char *const *sets, const char *id);
const struct rthc_result *sys_on_tree(struct sys_case *c, const char *release, const char *cmdline,
				      const char *const *files, const char *id);
void sys_done(struct sys_case *c);
/* Run a check's function directly, bypassing the live-host and sampling gates of the runner. */
const struct rthc_result *sys_run_direct(struct rthc_ctx *ctx, const char *id);

/* Assertions on the result's observed/expected values ("obs"/"exp"). */
void sys_obs_str(const struct rthc_result *r, const char *key, const char *want);
void sys_obs_int(const struct rthc_result *r, const char *key, int64_t want);
void sys_obs_bool(const struct rthc_result *r, const char *key, bool want);
void sys_obs_null(const struct rthc_result *r, const char *key);
void sys_exp_str(const struct rthc_result *r, const char *key, const char *want);
void sys_exp_int(const struct rthc_result *r, const char *key, int64_t want);
/* The reason contains needle. */
void sys_reason(const struct rthc_result *r, const char *needle);
/* Some item has object (exact) and a reason containing needle (NULL: any). */
void sys_item(const struct rthc_result *r, const char *object, const char *needle);
void sys_nitems(const struct rthc_result *r, size_t n);
/* Some evidence line from source (exact) contains needle. */
void sys_evidence(const struct rthc_result *r, const char *source, const char *needle);
/* A remediation action (value NULL: any value). */
void sys_action(const struct rthc_result *r, enum rthc_action_type type, const char *target,
		const char *value);
/* status error with err (0: any) and the reason naming path. */
void sys_error(const struct rthc_result *r, int err, const char *path);
