/* rthostcheck: audit a Linux host (or guest) for real-time KVM readiness. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../apply/apply.h"
#include "../checks/check.h"
#include "catalog-out.h"
#include "cli.h"
#include "config.h"
#include "ctx.h"
#include "facts.h"
#include "host.h"
#include "log.h"
#include "profile.h"
#include "render.h"
#include "report.h"
#include "run.h"
#include "schema.h"
#include "sink.h"
#include "snapshot.h"

/* A run that ends before a report exists: message on stderr, JSON error document when asked. */
static int fail_early(const struct rthc_opts *o, int code, const char *msg, bool hint)
{
	rthc_log_error("%s", msg);
	if (hint)
		fputs("Try 'rthostcheck --help'.\n", stderr);
	if (o->format == RTHC_FORMAT_JSON) {
		const char *msgs[] = {msg};

		(void)rthc_render_json_error(stdout, code, msgs, 1);
	}
	return code;
}

static unsigned render_flags(const struct rthc_opts *o)
{
	unsigned flags = 0;

	if (o->color)
		flags |= RTHC_RENDER_COLOR;
	if (o->verbosity < 0)
		flags |= RTHC_RENDER_QUIET;
	if (o->verbosity > 0)
		flags |= RTHC_RENDER_VERBOSE;
	return flags;
}

static int info_actions(struct rthc_opts *o, bool *done)
{
	const struct rthc_check *c;
	bool json = o->format == RTHC_FORMAT_JSON;
	int r = 0;

	*done = true;
	switch (o->action) {
	case RTHC_RUN_HELP:
		rthc_cli_usage(stdout);
		break;
	case RTHC_RUN_VERSION:
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		break;
	case RTHC_RUN_SCHEMA:
		fputs(rthc_schema_json, stdout);
		break;
	case RTHC_RUN_LIST_CHECKS:
		r = rthc_list_checks(stdout, json);
		break;
	case RTHC_RUN_EXPLAIN:
		c = rthc_checks_find(o->explain);
		if (!c) {
			char msg[256];
			const char *near = rthc_checks_nearest(o->explain);

			snprintf(msg, sizeof(msg), "unknown check ID '%s'%s%s%s", o->explain,
				 near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
			return fail_early(o, RTHC_EXIT_USAGE, msg, false);
		}
		r = rthc_explain(stdout, c, json);
		break;
	default:
		*done = false;
		return 0;
	}
	if (fflush(stdout) != 0 || ferror(stdout) || r < 0)
		return RTHC_EXIT_CANTCREAT;
	return 0;
}

static int open_host(struct rthc_ctx *ctx)
{
	char msg[512];
	int r = rthc_host_new(ctx->opts.root, &ctx->host);

	if (r == 0)
		return 0;
	if (r == -ENOENT || r == -ENOTDIR || r == -EACCES) {
		snprintf(msg, sizeof(msg), "--root %s: %s", ctx->opts.root ? ctx->opts.root : "/",
			 r == -ENOTDIR ? "not a directory" : strerror(-r));
		return fail_early(&ctx->opts, RTHC_EXIT_USAGE, msg, false);
	}
	snprintf(msg, sizeof(msg), "cannot open %s: %s", ctx->opts.root ? ctx->opts.root : "/", strerror(-r));
	return fail_early(&ctx->opts, RTHC_EXIT_SOFTWARE, msg, false);
}

/* ---- profiles, --apply, --rollback (apply/, src/profile*.c) ---------------------------- */

/* --profile / --apply: load, resolve against the facts, and make its isolated set ISO. */
static int profile_setup(struct rthc_ctx *ctx)
{
	struct rthc_profile_error err;
	char msg[sizeof(err.msg) + PATH_MAX + 32];
	int r;

	if (!ctx->opts.profile)
		return 0;
	r = rthc_profile_load(ctx->host, ctx->opts.profile, &ctx->profile, &err);
	if (r == 0)
		r = rthc_profile_resolve(ctx->profile, ctx->facts, ctx->opts.sets, ctx->opts.nsets, &err);
	if (r == 0)
		r = rthc_facts_override_isolated(ctx->facts, &ctx->profile->isolated);
	if (r == -ENOMEM)
		return fail_early(&ctx->opts, RTHC_EXIT_SOFTWARE, "out of memory", false);
	rthc_profile_error_format(&err, msg, sizeof(msg));
	if (r == -ENOENT)
		return fail_early(&ctx->opts, RTHC_EXIT_USAGE, msg, false);
	if (r < 0)
		return fail_early(&ctx->opts, RTHC_EXIT_DATAERR, msg, false);
	if (ctx->opts.mode == RTHC_MODEOPT_AUTO && rthc_profile_value(ctx->profile, "main", "mode"))
		ctx->guest = ctx->profile->guest;
	ctx->report->guest = ctx->guest;
	ctx->report->profile_name = strdup(ctx->profile->name);
	ctx->report->profile_source = strdup(ctx->profile->path);
	return 0;
}

/* Evaluate the checks the way the action wants: plain audit, apply (audit, apply, audit), rollback. */
static int run_action(struct rthc_ctx *ctx)
{
	char msg[PATH_MAX + 600] = "";
	int r;

	switch (ctx->opts.action) {
	case RTHC_RUN_APPLY:
		r = rthc_apply_run(ctx, NULL);
		break;
	case RTHC_RUN_ROLLBACK:
		r = rthc_rollback_run(ctx, msg, sizeof(msg));
		if (r == -ENOENT)
			return fail_early(&ctx->opts, RTHC_EXIT_USAGE, msg, false);
		if (r == -EINVAL)
			return fail_early(&ctx->opts, RTHC_EXIT_DATAERR, msg, false);
		break;
	default:
		rthc_run_checks(ctx);
		return 0;
	}
	return r < 0 ? fail_early(&ctx->opts, RTHC_EXIT_SOFTWARE, "out of memory", false) : 0;
}

static int list_profiles(struct rthc_ctx *ctx)
{
	int r = open_host(ctx);

	if (r)
		return r;
	r = rthc_profile_list_print(stdout, ctx->host, ctx->opts.format == RTHC_FORMAT_JSON);
	if (r < 0) {
		rthc_log_errno(r, "cannot list the profiles");
		return r == -ENOMEM ? RTHC_EXIT_SOFTWARE : RTHC_EXIT_CANTCREAT;
	}
	return 0;
}

/* A --set that no check and no profile variable read is most likely misspelt: say so. */
static void report_unused_sets(const struct rthc_ctx *ctx, struct rthc_report *rep)
{
	for (size_t i = 0; i < ctx->opts.nsets; i++) {
		const char *s = ctx->opts.sets[i], *eq = strchr(s, '=');
		char key[128];

		if (ctx->sets_used[i] || !eq || (size_t)(eq - s) >= sizeof(key))
			continue;
		memcpy(key, s, (size_t)(eq - s));
		key[eq - s] = '\0';
		if (ctx->profile && rthc_profile_var(ctx->profile, key))
			continue;
		/* A later --set of the same key overrides this one: only the last counts. */
		bool later = false;

		for (size_t j = i + 1; j < ctx->opts.nsets && !later; j++)
			later = strneq(ctx->opts.sets[j], key, strlen(key)) && ctx->opts.sets[j][strlen(key)] == '=';
		if (!later)
			rthc_report_diag(rep, RTHC_DIAG_WARNING, "--set %s: no check and no profile variable "
								"reads %s (misspelt?)", s, key);
	}
}

/* ---- snapshot ---------------------------------------------------------------------------- */

/* Copy what the audit read into --snapshot DIR; exit 73 when it cannot be written. */
static int write_snapshot(struct rthc_ctx *ctx, int code)
{
	char msg[PATH_MAX + 128];
	int r = rthc_snapshot_write(ctx->host, ctx->opts.snapshot, msg, sizeof(msg));

	if (r < 0) {
		rthc_log_error("--snapshot: %s", msg);
		return RTHC_EXIT_CANTCREAT;
	}
	if (ctx->opts.verbosity >= 0)
		fprintf(stderr, "rthostcheck: snapshot of %d paths written to %s\n", r, ctx->opts.snapshot);
	return code;
}

/* ---- audit ------------------------------------------------------------------------------- */

static int audit(struct rthc_ctx *ctx)
{
	struct rthc_report *rep;
	unsigned flags = render_flags(&ctx->opts);
	int r, code;

	r = rthc_facts_gather(ctx->host, &ctx->facts);
	if (r < 0)
		return fail_early(&ctx->opts, RTHC_EXIT_SOFTWARE, "cannot gather host facts: out of memory", false);
	switch (ctx->opts.mode) {
	case RTHC_MODEOPT_HOST:
		ctx->guest = false;
		break;
	case RTHC_MODEOPT_GUEST:
		ctx->guest = true;
		break;
	default:
		ctx->guest = ctx->facts->virt.role == RTHC_ROLE_GUEST;
	}
	if (rthc_report_new(&ctx->report) < 0 || rthc_report_init_results(ctx->report) < 0)
		return fail_early(&ctx->opts, RTHC_EXIT_SOFTWARE, "out of memory", false);
	rep = ctx->report;
	rep->facts = ctx->facts;
	rep->run_mode = RTHC_RUNMODE_AUDIT;
	rep->guest = ctx->guest;
	rep->root = strdup(rthc_host_root(ctx->host));
	rep->live = rthc_host_is_live(ctx->host);
	rep->privileged = geteuid() == 0;
	rep->fail_on = ctx->opts.fail_on;
	if (!rep->live)
		rthc_report_diag(rep, RTHC_DIAG_NOTE, "auditing the tree %s, not the running system: checks that "
						      "need the live kernel are skipped", rep->root);
	if (rep->live && !rep->privileged)
		rthc_report_diag(rep, RTHC_DIAG_WARNING, "not running as root: some interfaces are unreadable "
							"and their checks report error");
	if (ctx->opts.mode == RTHC_MODEOPT_AUTO && ctx->facts->virt.evidence)
		rthc_report_diag(rep, RTHC_DIAG_NOTE, "guest mode: %s", ctx->facts->virt.evidence);

	ctx->sets_used = calloc(ctx->opts.nsets ? ctx->opts.nsets : 1, sizeof(*ctx->sets_used));
	if (!ctx->sets_used)
		return fail_early(&ctx->opts, RTHC_EXIT_SOFTWARE, "out of memory", false);
	code = profile_setup(ctx);
	if (code == 0)
		code = run_action(ctx);
	if (code)
		return code;
	rep = ctx->report;
	report_unused_sets(ctx, rep);
	rthc_report_finalize(rep);

	code = rep->exit_code;
	r = rthc_render(rep, ctx->opts.format, stdout, flags);
	if (r == -EOPNOTSUPP)
		return fail_early(&ctx->opts, RTHC_EXIT_USAGE, "this output format is not available in this build",
				  false);
	if (r < 0 || fflush(stdout) != 0) {
		rthc_log_errno(r < 0 ? r : -errno, "cannot write the report to stdout");
		return RTHC_EXIT_CANTCREAT;
	}
	for (size_t i = 0; i < ctx->opts.noutputs; i++) {
		r = rthc_sink_write(rep, &ctx->opts.outputs[i], flags);
		if (r < 0) {
			rthc_log_errno(r, "cannot write %s", ctx->opts.outputs[i].path);
			code = RTHC_EXIT_CANTCREAT;
		}
	}
	if (ctx->opts.snapshot)
		code = write_snapshot(ctx, code);
	return code;
}

int main(int argc, char **argv)
{
	struct rthc_ctx ctx = {0};
	char err[512];
	bool done;
	int code;

	code = rthc_cli_parse(argc, argv, &ctx.opts, err, sizeof(err));
	if (code) {
		code = fail_early(&ctx.opts, code, err, true);
		goto out;
	}
	code = info_actions(&ctx.opts, &done);
	if (done)
		goto out;
	if (rthc_cli_validate_ids(&ctx.opts, err, sizeof(err))) {
		code = fail_early(&ctx.opts, RTHC_EXIT_USAGE, err, false);
		goto out;
	}
	for (size_t i = 0; i < ctx.opts.noutputs; i++)
		if (!rthc_render_supported(ctx.opts.outputs[i].format)) {
			code = fail_early(&ctx.opts, RTHC_EXIT_USAGE, "an -o format is not available in this build",
					  false);
			goto out;
		}
	if (!rthc_render_supported(ctx.opts.format)) {
		code = fail_early(&ctx.opts, RTHC_EXIT_USAGE, "this output format is not available in this build",
				  false);
		goto out;
	}
	if (ctx.opts.action == RTHC_RUN_LIST_PROFILES) {
		code = list_profiles(&ctx);
		goto out;
	}
	if (ctx.opts.snapshot && ctx.opts.action != RTHC_RUN_AUDIT) {
		code = fail_early(&ctx.opts, RTHC_EXIT_USAGE, "--snapshot goes with an audit, not with --apply or "
							       "--rollback", false);
		goto out;
	}
	code = open_host(&ctx);
	if (code)
		goto out;
	code = audit(&ctx);
out:
	rthc_report_free(ctx.report);
	free(ctx.sets_used);
	rthc_profile_free(ctx.profile);
	rthc_facts_free(ctx.facts);
	rthc_host_free(ctx.host);
	rthc_opts_done(&ctx.opts);
	if (fclose(stdout) != 0 && code < RTHC_EXIT_USAGE)
		code = RTHC_EXIT_CANTCREAT;
	return code;
}
