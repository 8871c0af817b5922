/* Shared helpers for the unit tests (see helpers.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../checks/check.h"
#include "facts.h"
#include "helpers.h"
#include "host.h"
#include "report.h"
#include "run.h"

const char *fixture_dir(const char *name)
{
	static char buf[PATH_MAX];
	const char *top = getenv("top_srcdir");

	snprintf(buf, sizeof(buf), "%s/tests/fixtures/%s", top ? top : ".", name);
	return buf;
}

char *tmpdir_new(void)
{
	char tmpl[] = "/tmp/rthc-test-XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

static int rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void tmpdir_remove(const char *dir)
{
	if (dir)
		nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static void mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
}

void write_file(const char *root, const char *path, const char *content)
{
	char full[PATH_MAX];
	FILE *f;

	snprintf(full, sizeof(full), "%s/%s", root, path[0] == '/' ? path + 1 : path);
	mkdirs(full);
	f = fopen(full, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

void make_symlink(const char *root, const char *path, const char *target)
{
	char full[PATH_MAX];

	snprintf(full, sizeof(full), "%s/%s", root, path[0] == '/' ? path + 1 : path);
	mkdirs(full);
	assert_int_equal(symlink(target, full), 0);
}

struct rthc_ctx *ctx_new(const char *root, const char *const *sets, bool guest)
{
	struct rthc_ctx *ctx = calloc(1, sizeof(*ctx));

	assert_non_null(ctx);
	for (size_t i = 0; sets && sets[i]; i++) {
		ctx->opts.sets = realloc(ctx->opts.sets, (ctx->opts.nsets + 1) * sizeof(char *));
		ctx->opts.sets[ctx->opts.nsets++] = strdup(sets[i]);
	}
	ctx->opts.root = strdup(root);
	assert_int_equal(rthc_host_new(root, &ctx->host), 0);
	assert_int_equal(rthc_facts_gather(ctx->host, &ctx->facts), 0);
	assert_int_equal(rthc_report_new(&ctx->report), 0);
	assert_int_equal(rthc_report_init_results(ctx->report), 0);
	ctx->report->facts = ctx->facts;
	ctx->guest = guest;
	return ctx;
}

void ctx_free(struct rthc_ctx *ctx)
{
	if (!ctx)
		return;
	rthc_report_free(ctx->report);
	rthc_facts_free(ctx->facts);
	rthc_host_free(ctx->host);
	for (size_t i = 0; i < ctx->opts.nsets; i++)
		free(ctx->opts.sets[i]);
	free(ctx->opts.sets);
	free(ctx->opts.root);
	free(ctx);
}

const struct rthc_result *run_check(struct rthc_ctx *ctx, const char *id)
{
	for (size_t i = 0; i < ctx->report->nresults; i++) {
		struct rthc_result *r = &ctx->report->results[i];

		if (streq(r->check->id, id)) {
			rthc_run_one(ctx, r);
			return r;
		}
	}
	fail_msg("no check %s in the registry", id);
	return NULL;
}
