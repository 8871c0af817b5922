/*
 * Check descriptors. Each family file (checks/<family>.c) defines a table
 * `const struct rthc_check rthc_checks_<family>[]` ending with an all-zero sentinel; the registry
 * (checks/registry.c) collects them and orders them by checks/catalog.def, the catalog order of
 * spec/checks.md. A check reads facts (ctx->facts) and, where no fact exists, files through the
 * accessor (ctx->host); it fills its result and never prints or writes.
 */
#pragma once

#include <stdbool.h>

#include "result.h"

struct rthc_ctx;

enum rthc_category {
	RTHC_CAT_KERNEL,
	RTHC_CAT_CMDLINE,
	RTHC_CAT_CPU,
	RTHC_CAT_SCHED,
	RTHC_CAT_TIMER,
	RTHC_CAT_IRQ,
	RTHC_CAT_POWER,
	RTHC_CAT_MEM,
	RTHC_CAT_KVM,
	RTHC_CAT_MOD,
	RTHC_CAT_SVC,
	RTHC_CAT_PROC,
	RTHC_CAT_VM,
	RTHC_CAT_HW,
	RTHC_CAT_GUEST,
	RTHC_CAT_XCHECK,
	RTHC_CAT_WQ,
	RTHC_CAT_RCU,
	RTHC_CAT_WD,
	RTHC_CAT_NET,
	_RTHC_CAT_MAX,
};
const char *rthc_category_to_string(enum rthc_category c);

/* Where a check runs. */
enum {
	RTHC_MODE_HOST = 1u << 0,
	RTHC_MODE_GUEST = 1u << 1,
	RTHC_MODE_BOTH = RTHC_MODE_HOST | RTHC_MODE_GUEST,
};

enum {
	RTHC_CHECK_NEEDS_LIVE = 1u << 0, /* needs the running kernel: skipped under --root */
	RTHC_CHECK_SAMPLED = 1u << 1,    /* timed sample: runs only with --sample */
	RTHC_CHECK_AUTOFIX = 1u << 2,    /* an applier can fix it */
	RTHC_CHECK_REBOOT = 1u << 3,     /* its fix needs a reboot */
};

struct rthc_check {
	const char *id;    /* stable dotted ID from the catalog */
	const char *title; /* one line */
	enum rthc_category category;
	unsigned modes; /* RTHC_MODE_* */
	unsigned flags; /* RTHC_CHECK_* */
	/* For --list-checks, --explain and rthostcheck-checks(7). */
	const char *reads;   /* the files and interfaces read */
	const char *why;     /* why it matters for RT latency */
	const char *pass;    /* the pass condition */
	const char *remedy;  /* how to fix */
	const char *sources; /* where the rule comes from */
	void (*run)(struct rthc_ctx *ctx, struct rthc_result *r);
};

/* The registry, in catalog order. */
size_t rthc_checks_count(void);
const struct rthc_check *rthc_checks_get(size_t i);
const struct rthc_check *rthc_checks_find(const char *id);
/* The registered ID closest to id (edit distance), for "did you mean" messages. */
const char *rthc_checks_nearest(const char *id);
/* Whether a check of this category exists ("irq" for "irq.*"). */
bool rthc_checks_category_exists(const char *category);
bool rthc_catalog_has(const char *id);
