/* --apply: audit, plan, apply, audit again (see apply.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../checks/check.h"
#include "apply.h"
#include "ctx.h"
#include "exec.h"
#include "facts.h"
#include "host.h"
#include "journal.h"
#include "plan.h"
#include "profile.h"
#include "report.h"
#include "run.h"

static bool in_words(const char *words, const char *id)
{
	size_t n = strlen(id);

	for (const char *p = words; (p = strstr(p, id)); p += n)
		if ((p == words || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static bool pending(const struct rthc_plan *plan, const char *id)
{
	for (size_t i = 0; i < plan->npending; i++)
		if (streq(plan->pending[i], id))
			return true;
	return false;
}

static bool acted_on(const struct rthc_plan *plan, const char *id)
{
	for (size_t i = 0; i < plan->n; i++)
		if (plan->v[i].status == RTHC_CHANGE_APPLIED && in_words(plan->v[i].checks, id))
			return true;
	return false;
}

static bool bad(enum rthc_status s)
{
	return s == RTHC_STATUS_FAIL || s == RTHC_STATUS_WARN;
}

/* After the second audit: fixed (was bad, acted on, passes now) and pending_reboot. */
static void mark_results(struct rthc_ctx *ctx, const struct rthc_plan *plan, const enum rthc_status *before)
{
	for (size_t i = 0; i < ctx->report->nresults; i++) {
		struct rthc_result *r = &ctx->report->results[i];
		_cleanup_free_ char *reason = r->reason ? strdup(r->reason) : NULL;

		if (r->deselected)
			continue;
		if (bad(r->status) && pending(plan, r->check->id))
			rthc_result_set(r, RTHC_STATUS_PENDING_REBOOT, "%s (the fix is persisted and takes effect at "
				        "the next boot or module load)", reason ? reason : "");
		else if (before && bad(before[i]) && r->status == RTHC_STATUS_PASS && acted_on(plan, r->check->id))
			rthc_result_set(r, RTHC_STATUS_FIXED, "%s (fixed by this apply)", reason ? reason : "");
	}
}

/* Read the host afresh (the first audit's cache predates the writes) and run the checks again. */
static int reaudit(struct rthc_ctx *ctx)
{
	struct rthc_host *h = NULL;
	struct rthc_facts *f = NULL;
	int r = rthc_host_new(ctx->opts.root, &h);

	if (r == 0)
		r = rthc_facts_gather(h, &f);
	if (r == 0 && ctx->profile)
		r = rthc_facts_override_isolated(f, &ctx->profile->isolated);
	if (r < 0) {
		rthc_facts_free(f);
		rthc_host_free(h);
		return r;
	}
	rthc_facts_free(ctx->facts);
	rthc_host_free(ctx->host);
	ctx->host = h;
	ctx->facts = f;
	ctx->report->facts = f;
	rthc_run_checks(ctx);
	return 0;
}

static void not_applied(struct rthc_plan *plan, const char *why)
{
	for (size_t i = 0; i < plan->n; i++) {
		plan->v[i].status = RTHC_CHANGE_UNCHANGED;
		free(plan->v[i].reason);
		if (asprintf(&plan->v[i].reason, "not applied: %s", why) < 0)
			plan->v[i].reason = NULL;
	}
}

/* Step 3: refuse without permission or while another apply holds the lock. */
static int take_lock(struct rthc_ctx *ctx, struct rthc_plan *plan, int *fd)
{
	char why[512];
	int r = rthc_exec_permitted(ctx->host, geteuid(), why, sizeof(why));

	if (r == 0) {
		r = rthc_exec_lock(ctx->host, fd);
		if (r == -EBUSY)
			snprintf(why, sizeof(why), "another apply or rollback holds %s%s",
				 rthc_host_is_live(ctx->host) ? "" : rthc_host_root(ctx->host), RTHC_LOCK_PATH);
		else if (r < 0)
			snprintf(why, sizeof(why), "cannot take the lock %s: %s", RTHC_LOCK_PATH, strerror(-r));
	}
	if (r < 0) {
		rthc_report_diag(ctx->report, RTHC_DIAG_WARNING, "apply refused, nothing changed: %s", why);
		not_applied(plan, why);
		ctx->report->outcome_exit = RTHC_EXIT_APPLY_FAILED;
	}
	return r;
}

/* Only values that the kernel forgets at boot: all that a re-apply may write. */
static bool runtime_only(const struct rthc_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++)
		if (plan->v[i].persistence != RTHC_PERSIST_RUNTIME ||
		    (plan->v[i].op != RTHC_OP_WRITE && plan->v[i].op != RTHC_OP_UNLOAD))
			return false;
	return plan->n > 0;
}

static bool same_args(char *const *a, char *const *b)
{
	size_t i = 0;

	for (; a[i] && b[i]; i++)
		if (!streq(a[i], b[i]))
			return false;
	return !a[i] && !b[i];
}

/*
 * Whether this apply is a re-apply (journal.h), typically the boot unit's: the newest run that
 * is not rolled back was made with the same arguments and ended applied (or in a re-apply that
 * was cut short), and this plan only rewrites runtime values. 1 with *run filled, 0 when this
 * apply is a run of its own, or -ENOMEM.
 */
static int find_reapply(struct rthc_ctx *ctx, const struct rthc_plan *plan, char *const *args,
			struct rthc_journal_run *run)
{
	_cleanup_free_ char *id = NULL;
	struct rthc_profile_error err;
	int r;

	if (!runtime_only(plan))
		return 0;
	r = rthc_journal_latest(ctx->host, &id, &err);
	if (r == 0)
		r = rthc_journal_replay(ctx->host, id, run, &err);
	if (r < 0)
		return r == -ENOMEM ? r : 0; /* no run (or a malformed journal): a run of its own */
	if (run->args && same_args(run->args, args) &&
	    (run->end ? streq(run->end, "applied") : run->reapplies > 0))
		return 1;
	rthc_journal_run_done(run);
	return 0;
}

/* --dry-run: say where the changes would be journaled when this is a re-apply. */
static int note_reapply(struct rthc_ctx *ctx, const struct rthc_plan *plan, char *const *args)
{
	struct rthc_journal_run run = {0};
	int r = find_reapply(ctx, plan, args, &run);

	if (r > 0)
		rthc_report_diag(ctx->report, RTHC_DIAG_NOTE, "a re-apply: these runtime values "
				 "would be journaled into run %s, which made them first", run.run_id);
	rthc_journal_run_done(&run);
	return r < 0 ? r : 0;
}

static void execute(struct rthc_ctx *ctx, struct rthc_plan *plan, char *const *args,
		    const struct rthc_exec_opts *hooks)
{
	struct rthc_exec_opts o = hooks ? *hooks : (struct rthc_exec_opts){0};
	struct rthc_journal_run run = {0};
	_cleanup_free_ char *run_id = NULL;
	size_t applied = 0;
	int r;

	o.profile = ctx->profile->name;
	o.args = args;
	r = find_reapply(ctx, plan, args, &run);
	if (r > 0)
		o.extend = &run;
	if (r >= 0)
		r = rthc_exec_apply(ctx->host, plan, &o, &run_id);
	rthc_journal_run_done(&run);
	if (r < 0) {
		const char *what = "?";

		for (size_t i = 0; i < plan->n; i++)
			if (plan->v[i].status == RTHC_CHANGE_FAILED || plan->v[i].err) {
				what = plan->v[i].target;
				break;
			}
		rthc_report_diag(ctx->report, RTHC_DIAG_WARNING, "apply failed at %s (%s); this %s "
				 "changes were rolled back%s%s", what, strerror(-r),
				 o.extend ? "re-apply's" : "run's", run_id ? ", journal run " : "",
				 run_id ? run_id : "");
		ctx->report->outcome_exit = RTHC_EXIT_APPLY_FAILED;
		return;
	}
	for (size_t i = 0; i < plan->n; i++)
		applied += plan->v[i].status == RTHC_CHANGE_APPLIED;
	if (o.extend)
		rthc_report_diag(ctx->report, RTHC_DIAG_NOTE, "re-applied %zu runtime value%s as part "
				 "of run %s, which made them first; 'rthostcheck --rollback %s' undoes "
				 "the whole run", applied, applied == 1 ? "" : "s", run_id, run_id);
	else
		rthc_report_diag(ctx->report, RTHC_DIAG_NOTE, "applied %zu change%s as run %s; "
				 "'rthostcheck --rollback %s' undoes them", applied,
				 applied == 1 ? "" : "s", run_id, run_id);
	for (size_t i = 0; i < plan->n; i++)
		if (plan->v[i].reason && strneq(plan->v[i].reason, "shortfall", 9))
			rthc_report_diag(ctx->report, RTHC_DIAG_WARNING, "%s: %s", plan->v[i].target,
					 plan->v[i].reason);
}

int rthc_apply_run(struct rthc_ctx *ctx, const struct rthc_exec_opts *hooks)
{
	struct rthc_report *rep = ctx->report;
	_cleanup_free_ enum rthc_status *before = calloc(rep->nresults ? rep->nresults : 1, sizeof(*before));
	char **args = NULL;
	struct rthc_plan plan;
	int r, lock = -1;

	if (!before || rthc_apply_args(ctx->profile, ctx->opts.sets, ctx->opts.nsets, &args) < 0)
		return -ENOMEM;
	rep->run_mode = ctx->opts.dry_run ? RTHC_RUNMODE_DRY_RUN : RTHC_RUNMODE_APPLY;
	rthc_run_checks(ctx);
	for (size_t i = 0; i < rep->nresults; i++)
		before[i] = rep->results[i].status;
	rthc_plan_init(&plan);
	r = rthc_plan_build(ctx->host, ctx->facts, ctx->profile, args, &plan);
	if (r < 0 && r != -ENOMEM) {
		rthc_report_diag(rep, RTHC_DIAG_WARNING, "cannot plan the changes: %s", strerror(-r));
		rep->outcome_exit = RTHC_EXIT_APPLY_FAILED;
		r = 0;
		goto out;
	}
	for (size_t i = 0; r == 0 && i < plan.nnotes; i++)
		rthc_report_diag(rep, RTHC_DIAG_NOTE, "%s", plan.notes[i]);
	if (r == 0 && ctx->opts.dry_run)
		r = note_reapply(ctx, &plan, args);
	if (r < 0 || ctx->opts.dry_run)
		goto report;
	if (plan.n == 0) {
		rthc_report_diag(rep, RTHC_DIAG_NOTE, "nothing to change: the host already holds every setting of "
				 "profile %s", ctx->profile->name);
		mark_results(ctx, &plan, NULL);
		goto out;
	}
	if (take_lock(ctx, &plan, &lock) < 0)
		goto report;
	execute(ctx, &plan, args, hooks);
	if (rep->outcome_exit == 0) {
		r = reaudit(ctx);
		if (r == 0)
			mark_results(ctx, &plan, before);
	}
report:
	if (r == 0)
		r = rthc_plan_report(&plan, rep);
out:
	rthc_exec_unlock(lock);
	rthc_plan_done(&plan);
	rthc_strv_free(args);
	return r;
}
