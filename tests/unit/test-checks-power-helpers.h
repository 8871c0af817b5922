/* Helpers shared by the power and mem-tuning check tests (test-checks-{power,mem}*.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "helpers.h"
#include "result.h"

/* A context over tests/fixtures/NAME (host mode). */
struct rthc_ctx *pm_ctx(const char *fixture, const char *const *sets);
/* Run one check on a fresh context over the fixture; *ctx must be freed with ctx_free(). */
const struct rthc_result *pm_run(struct rthc_ctx **ctx, const char *fixture, const char *id,
				 const char *const *sets);
/* The same on a tree at an absolute path (a temp directory). */
const struct rthc_result *pm_run_root(struct rthc_ctx **ctx, const char *root, const char *id,
				      const char *const *sets);

/* A minimal host tree: command line, kernel release, CPUs 0-7 on two nodes (0-3, 4-7), ISO. */
void pm_base(const char *root, const char *cmdline, const char *iso);
/* Write raw bytes (for binary files such as /dev/cpu_dma_latency). */
void pm_write_bytes(const char *root, const char *path, const void *data, size_t len);

/* Values of observed/expected; the test fails when the key is absent. */
const struct rthc_kv *pm_kv(const struct rthc_kvlist *l, const char *key);
int64_t pm_obs_int(const struct rthc_result *r, const char *key);
bool pm_obs_bool(const struct rthc_result *r, const char *key);
/* The string, or NULL for a null value. */
const char *pm_obs_str(const struct rthc_result *r, const char *key);
int64_t pm_exp_int(const struct rthc_result *r, const char *key);
/* An integer inside nested objects of observed (or expected): path of keys, NULL-terminated. */
int64_t pm_nested_int(const struct rthc_kvlist *l, const char *const *keys);

/* An item whose object is object and whose reason contains text. */
void pm_assert_item(const struct rthc_result *r, const char *object, const char *text);
void pm_assert_reason(const struct rthc_result *r, const char *text);
/* Status error, and path in the reason. */
void pm_assert_error(const struct rthc_result *r, const char *path);
/*
 * Table-driven runs: each case runs check id on tests/fixtures/fixture and asserts the status;
 * with key, the observed key equals str (a string) or else value (an integer); with status
 * error, the reason names key (a path).
 */
struct pm_case {
	const char *fixture, *id;
	enum rthc_status status;
	const char *key;
	int64_t value;
	const char *str;
};
void pm_run_cases(const struct pm_case *cases, size_t n);

/* A remediation action on target (with value, if not NULL). */
void pm_assert_action(const struct rthc_result *r, const char *target, const char *value);
