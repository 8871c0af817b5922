/* Shared helpers for the unit tests. */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctx.h"
#include "result.h"

/* Absolute path of tests/fixtures/NAME in the source tree. */
const char *fixture_dir(const char *name);
/* A fresh temp directory (removed by tmpdir_remove). */
char *tmpdir_new(void);
void tmpdir_remove(const char *dir);
/* Write a file under root (creating directories). */
void write_file(const char *root, const char *path, const char *content);
void make_symlink(const char *root, const char *path, const char *target);

/*
 * A context over the tree at root: host, facts, report with results; opts.sets from the
 * NULL-terminated sets array (may be NULL). guest selects the check set.
 */
struct rthc_ctx *ctx_new(const char *root, const char *const *sets, bool guest);
void ctx_free(struct rthc_ctx *ctx);
/* Run one check by ID on ctx and return its result (owned by the ctx's report). */
const struct rthc_result *run_check(struct rthc_ctx *ctx, const char *id);

#define assert_status(res, st)                                                                     \
	do {                                                                                       \
		const struct rthc_result *_r = (res);                                              \
		if (_r->status != (st))                                                            \
			fail_msg("%s: status %s, expected %s (reason: %s)", _r->check->id,         \
				 rthc_status_to_string(_r->status), rthc_status_to_string(st),     \
				 _r->reason ? _r->reason : "");                                    \
	} while (0)
