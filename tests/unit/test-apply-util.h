/* Helpers of the apply tests: writable tree copies, tree comparison, apply/rollback runs. */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../checks/check.h"
#include "apply.h"
#include "ctx.h"
#include "facts.h"
#include "helpers.h"
#include "profile.h"
#include "report.h"

/* The journal and lock live here: a rollback leaves them, so comparisons skip it. */
#define STATE_DIR "var/lib/rthostcheck"

static inline void set_profile_dir(void)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/profiles", getenv("top_srcdir") ? getenv("top_srcdir") : ".");
	setenv("RTHC_PROFILE_DIR", dir, 1);
}

static inline char *slurp_path(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, k;

	if (!f)
		return NULL;
	do {
		if (n + 4096 > cap) {
			cap = cap * 2 + 4096;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		k = fread(buf + n, 1, cap - n, f);
		n += k;
	} while (k > 0);
	fclose(f);
	*len = n;
	return buf;
}

/* Copy the tree src into dst (files, directories, symlinks). */
static inline void copy_tree(const char *src, const char *dst)
{
	DIR *d = opendir(src);
	struct dirent *de;

	assert_non_null(d);
	mkdir(dst, 0755);
	while ((de = readdir(d))) {
		char s[PATH_MAX], t[PATH_MAX], link[PATH_MAX];
		struct stat st;

		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		snprintf(s, sizeof(s), "%s/%s", src, de->d_name);
		snprintf(t, sizeof(t), "%s/%s", dst, de->d_name);
		assert_int_equal(lstat(s, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			copy_tree(s, t);
		} else if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlink(s, link, sizeof(link) - 1);

			assert_true(n > 0);
			link[n] = '\0';
			assert_int_equal(symlink(link, t), 0);
		} else {
			size_t len = 0;
			char *data = slurp_path(s, &len);
			FILE *f = fopen(t, "wb");

			assert_non_null(f);
			assert_int_equal(fwrite(data ? data : "", 1, len, f), len);
			fclose(f);
			chmod(t, st.st_mode & 07777);
			free(data);
		}
	}
	closedir(d);
}

/* Whether the trees hold the same paths with the same bytes (STATE_DIR aside); first difference in why. */
static inline bool same_tree(const char *a, const char *b, const char *rel, char *why, size_t n)
{
	char pa[PATH_MAX * 2], pb[PATH_MAX * 2], sub[PATH_MAX];
	DIR *d;
	struct dirent *de;
	bool same = true;

	snprintf(pa, sizeof(pa), "%s/%s", a, rel);
	snprintf(pb, sizeof(pb), "%s/%s", b, rel);
	for (int pass = 0; pass < 2 && same; pass++) {
		d = opendir(pass ? pb : pa);
		if (!d) {
			if (snprintf(why, n, "cannot open %s", pass ? pb : pa) >= (int)n && n > 0)
				why[n - 1] = '\0';
			return false;
		}
		while (same && (de = readdir(d))) {
			char x[PATH_MAX * 2], y[PATH_MAX * 2];
			struct stat sx, sy;

			if (streq(de->d_name, ".") || streq(de->d_name, ".."))
				continue;
			if (snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", de->d_name) >= (int)sizeof(sub) ||
			    snprintf(x, sizeof(x), "%s/%s", a, sub) >= (int)sizeof(x) ||
			    snprintf(y, sizeof(y), "%s/%s", b, sub) >= (int)sizeof(y))
				continue;
			/* The journal's home (and the directories made for it) stay after a rollback. */
			if (streq(sub, STATE_DIR))
				continue;
			if ((streq(sub, "var") || streq(sub, "var/lib")) && (lstat(x, &sx) < 0 || lstat(y, &sy) < 0))
				continue;
			if (lstat(x, &sx) < 0 || lstat(y, &sy) < 0) {
				snprintf(why, n, "%s exists only in %s", sub, lstat(x, &sx) < 0 ? b : a);
				same = false;
			} else if ((sx.st_mode & S_IFMT) != (sy.st_mode & S_IFMT)) {
				snprintf(why, n, "%s: different file types", sub);
				same = false;
			} else if (pass == 0 && S_ISDIR(sx.st_mode)) {
				same = same_tree(a, b, sub, why, n);
			} else if (pass == 0 && S_ISREG(sx.st_mode)) {
				size_t lx = 0, ly = 0;
				char *dx = slurp_path(x, &lx), *dy = slurp_path(y, &ly);

				if (lx != ly || (lx && memcmp(dx, dy, lx) != 0)) {
					snprintf(why, n, "%s: contents differ", sub);
					same = false;
				}
				free(dx);
				free(dy);
			}
		}
		closedir(d);
	}
	return same;
}

#define assert_same_tree(a, b)                                                                     \
	do {                                                                                       \
		char _why[PATH_MAX + 64] = "";                                                     \
		if (!same_tree((a), (b), "", _why, sizeof(_why)))                                  \
			fail_msg("trees differ: %s", _why);                                        \
	} while (0)

/* A context over root with the profile loaded, resolved with --set sets and its ISO applied. */
static inline struct rthc_ctx *apply_ctx_sets(const char *root, const char *profile, bool dry_run,
					      const char *const *sets)
{
	struct rthc_ctx *ctx = ctx_new(root, sets, false);
	struct rthc_profile_error err;
	char msg[PATH_MAX + 600];
	int r;

	ctx->opts.action = RTHC_RUN_APPLY;
	ctx->opts.dry_run = dry_run;
	ctx->opts.profile = strdup(profile);
	r = rthc_profile_load(ctx->host, profile, &ctx->profile, &err);
	if (r == 0)
		r = rthc_profile_resolve(ctx->profile, ctx->facts, ctx->opts.sets, ctx->opts.nsets, &err);
	if (r < 0) {
		rthc_profile_error_format(&err, msg, sizeof(msg));
		fail_msg("profile %s: %s", profile, msg);
	}
	ctx->guest = ctx->profile->guest;
	assert_int_equal(rthc_facts_override_isolated(ctx->facts, &ctx->profile->isolated), 0);
	return ctx;
}

static inline struct rthc_ctx *apply_ctx(const char *root, const char *profile, bool dry_run)
{
	return apply_ctx_sets(root, profile, dry_run, NULL);
}

static inline void apply_ctx_free(struct rthc_ctx *ctx)
{
	ctx->profile = rthc_profile_free(ctx->profile);
	free(ctx->opts.profile);
	free(ctx->opts.run_id);
	ctx_free(ctx);
}

/* Roll back the newest run of root; returns the report's outcome (0 or 5). */
static inline int rollback(const char *root, bool dry_run)
{
	struct rthc_ctx *ctx = ctx_new(root, NULL, false);
	char msg[PATH_MAX + 600] = "";
	int out;

	ctx->opts.action = RTHC_RUN_ROLLBACK;
	ctx->opts.dry_run = dry_run;
	if (rthc_rollback_run(ctx, msg, sizeof(msg)) < 0)
		fail_msg("rollback: %s", msg);
	out = ctx->report->outcome_exit;
	apply_ctx_free(ctx);
	return out;
}

static inline const struct rthc_change *find_change(const struct rthc_report *rep, const char *target)
{
	for (size_t i = 0; i < rep->nchanges; i++)
		if (streq(rep->changes[i].target, target))
			return &rep->changes[i];
	return NULL;
}

/* The change of target, which must exist. */
static inline const struct rthc_change *change_of(const struct rthc_report *rep, const char *target)
{
	const struct rthc_change *c = find_change(rep, target);

	if (!c) {
		fail_msg("no change of %s", target);
		abort();
	}
	return c;
}

static inline const struct rthc_result *find_result(const struct rthc_report *rep, const char *id)
{
	for (size_t i = 0; i < rep->nresults; i++)
		if (streq(rep->results[i].check->id, id))
			return &rep->results[i];
	fail_msg("no result %s", id);
	abort();
}

/* The content of root/path (NUL-terminated), or NULL. */
static inline char *tree_file(const char *root, const char *path)
{
	char full[PATH_MAX * 2];
	size_t len = 0;
	char *d;

	snprintf(full, sizeof(full), "%s%s", root, path);
	d = slurp_path(full, &len);
	if (!d)
		return NULL;
	d = realloc(d, len + 1);
	d[len] = '\0';
	return d;
}

static inline void assert_file(const char *root, const char *path, const char *want)
{
	char *got = tree_file(root, path);

	if (!got || !streq(got, want))
		fail_msg("%s: '%s', expected '%s'", path, got ? got : "(absent)", want);
	free(got);
}

/* A test's trees: a pristine copy of a fixture and a work copy to apply to. */
struct env {
	char *tmp, pristine[PATH_MAX], work[PATH_MAX];
};

static inline int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	e->tmp = tmpdir_new();
	snprintf(e->pristine, sizeof(e->pristine), "%s/pristine", e->tmp);
	snprintf(e->work, sizeof(e->work), "%s/work", e->tmp);
	set_profile_dir();
	*state = e;
	return 0;
}

static inline int teardown(void **state)
{
	struct env *e = *state;

	tmpdir_remove(e->tmp);
	free(e->tmp);
	free(e);
	return 0;
}

static inline void copies(struct env *e, const char *fixture)
{
	copy_tree(fixture_dir(fixture), e->pristine);
	copy_tree(fixture_dir(fixture), e->work);
}

static inline void copy_file(const char *from_root, const char *to_root, const char *path)
{
	char *data = tree_file(from_root, path);

	assert_non_null(data);
	write_file(to_root, path, data);
	free(data);
}

/*
 * Apply profile to work, then "reboot": the runtime values it wrote are back at their bytes in
 * pristine. Returns how many those are; *total (optional) gets the number of changes.
 */
static inline size_t apply_and_reboot(const char *pristine, const char *work, const char *profile,
				      size_t *total)
{
	struct rthc_ctx *ctx = apply_ctx(work, profile, false);
	const struct rthc_report *rep = ctx->report;
	size_t n = 0;

	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	assert_int_equal(rep->outcome_exit, 0);
	for (size_t i = 0; i < rep->nchanges; i++)
		if (rep->changes[i].persistence == RTHC_PERSIST_RUNTIME) {
			copy_file(pristine, work, rep->changes[i].target);
			n++;
		}
	if (total)
		*total = rep->nchanges;
	apply_ctx_free(ctx);
	return n;
}
