/* Helpers shared by the irq family's check tests. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "helpers.h"
#include "host.h"
#include "macro.h"

/* An observed value: the string (cpulists are strings), NULL when absent or null. */
const char *obs_str(const struct rthc_result *r, const char *key);
/* An observed integer; fails the test when absent or not an integer. */
int64_t obs_int(const struct rthc_result *r, const char *key);
/* Whether an item's object contains obj and its reason contains reason (NULL: anything). */
bool has_item(const struct rthc_result *r, const char *obj, const char *reason);
bool has_evidence(const struct rthc_result *r, const char *source, const char *excerpt);
bool has_action(const struct rthc_result *r, const char *target, const char *value);
bool reason_has(const struct rthc_result *r, const char *part);
/* A minimal root: CPUs (possible = present = online), isolated = nohz_full = iso, cmdline. */
void base_tree(const char *root, const char *possible, const char *iso, const char *cmdline);
/* Run a check on a fixture (by name) or a directory and keep the context for assertions. */
const struct rthc_result *run_on(struct rthc_ctx **ctx, const char *root, const char *id);
