/*
 * --rollback [RUN-ID]: replay a journal newest first, restoring each recorded old value only where
 * the current value is still the one written (else conflict, left alone). Every outcome is
 * journaled too, so a rollback interrupted by a crash can simply be run again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../checks/check.h"
#include "apply.h"
#include "ctx.h"
#include "exec.h"
#include "host.h"
#include "journal.h"
#include "profile.h"
#include "report.h"

static void skip_results(struct rthc_report *rep)
{
	for (size_t i = 0; i < rep->nresults; i++) {
		rthc_result_reset(&rep->results[i]);
		rthc_skip(&rep->results[i], "not evaluated in a rollback run (audit again to see the host)");
		rep->results[i].deselected = true;
	}
}

static void set_reason(struct rthc_plan_change *c, const char *s)
{
	free(c->reason);
	c->reason = strdup(s);
}

/* Undo every change newest first; true when everything is restored. */
static bool undo_all(struct rthc_host *h, struct rthc_journal *j, struct rthc_plan *plan, bool dry_run)
{
	bool complete = true, regen = false;

	for (size_t i = plan->n; i-- > 0;) {
		struct rthc_plan_change *c = &plan->v[i];

		if (c->done) {
			c->status = RTHC_CHANGE_ROLLED_BACK;
			set_reason(c, "rolled back before");
			continue;
		}
		if (c->status == RTHC_CHANGE_FAILED || c->status == RTHC_CHANGE_UNCHANGED) {
			c->status = RTHC_CHANGE_UNCHANGED;
			set_reason(c, "was not applied");
			continue;
		}
		rthc_exec_undo(h, c, dry_run);
		regen = regen || (c->op == RTHC_OP_EXEC && c->status == RTHC_CHANGE_ROLLED_BACK);
		complete = complete && (c->status == RTHC_CHANGE_ROLLED_BACK || c->status == RTHC_CHANGE_PLANNED);
		if (j)
			(void)rthc_journal_mark(j, 'R', c->seq, rthc_change_status_to_string(c->status));
	}
	/* Commands (update-grub, systemctl daemon-reload) run again on the restored files. */
	for (size_t i = 0; regen && i < plan->n; i++) {
		struct rthc_plan_change *c = &plan->v[i];

		if (c->op == RTHC_OP_EXEC && c->status == RTHC_CHANGE_ROLLED_BACK && rthc_exec_spawn(c->new_value) < 0) {
			c->status = RTHC_CHANGE_FAILED;
			set_reason(c, "running it again after the restore failed");
			complete = false;
		}
	}
	return complete;
}

static int find_run(struct rthc_ctx *ctx, char **run_id, char *msg, size_t n)
{
	struct rthc_profile_error err;
	int r;

	if (ctx->opts.run_id) {
		if (!rthc_journal_valid_id(ctx->opts.run_id)) {
			snprintf(msg, n, "bad run ID '%s'", ctx->opts.run_id);
			return -ENOENT;
		}
		*run_id = strdup(ctx->opts.run_id);
		return *run_id ? 0 : -ENOMEM;
	}
	r = rthc_journal_latest(ctx->host, run_id, &err);
	if (r == -EINVAL)
		rthc_profile_error_format(&err, msg, n);
	return r;
}

static int lock_for_rollback(struct rthc_ctx *ctx, int *lock)
{
	char why[512];
	int r = rthc_exec_permitted(ctx->host, geteuid(), why, sizeof(why));

	if (r == 0 && (r = rthc_exec_lock(ctx->host, lock)) < 0)
		snprintf(why, sizeof(why), "%s", r == -EBUSY ? "another apply or rollback holds the lock"
							      : "cannot take the lock");
	if (r < 0) {
		rthc_report_diag(ctx->report, RTHC_DIAG_WARNING, "rollback refused, nothing changed: %s", why);
		ctx->report->outcome_exit = RTHC_EXIT_ROLLBACK_INCOMPLETE;
	}
	return r;
}

static int replay(struct rthc_ctx *ctx, const char *run_id, struct rthc_journal_run *run, char *msg, size_t n)
{
	struct rthc_profile_error err;
	int r = rthc_journal_replay(ctx->host, run_id, run, &err);

	if (r == -EINVAL)
		rthc_profile_error_format(&err, msg, n);
	else if (r == -ENOENT)
		snprintf(msg, n, "no journal for run '%s' under %s", run_id, RTHC_JOURNAL_DIR);
	else if (r < 0)
		snprintf(msg, n, "cannot read the journal of run '%s': %s", run_id, strerror(-r));
	return r == -ENOENT || r == -EINVAL || r == -ENOMEM ? r : r < 0 ? -EINVAL : 0;
}

int rthc_rollback_run(struct rthc_ctx *ctx, char *msg, size_t n)
{
	struct rthc_report *rep = ctx->report;
	struct rthc_journal_run run = {0};
	struct rthc_journal *j = NULL;
	_cleanup_free_ char *run_id = NULL;
	bool dry = ctx->opts.dry_run, complete;
	int r, lock = -1;

	rep->run_mode = dry ? RTHC_RUNMODE_DRY_RUN : RTHC_RUNMODE_ROLLBACK;
	skip_results(rep);
	if (!dry && lock_for_rollback(ctx, &lock) < 0)
		return 0;
	r = find_run(ctx, &run_id, msg, n);
	if (r == -ENOENT && !ctx->opts.run_id) {
		rthc_report_diag(rep, RTHC_DIAG_NOTE, "nothing to roll back: no apply run left in %s", RTHC_JOURNAL_DIR);
		r = 0;
		goto out;
	}
	if (r == 0)
		r = replay(ctx, run_id, &run, msg, n);
	if (r < 0)
		goto out;
	free(rep->profile_name);
	free(rep->profile_source);
	rep->profile_name = strdup(run.profile);
	rep->profile_source = strdup("journal");
	if (run.end && streq(run.end, "rolled_back")) {
		rthc_report_diag(rep, RTHC_DIAG_NOTE, "run %s was rolled back already", run_id);
		for (size_t i = 0; i < run.changes.n; i++)
			run.changes.v[i].done = true;
	} else if (!dry && (r = rthc_journal_reopen(ctx->host, run_id, &j)) < 0) {
		rthc_report_diag(rep, RTHC_DIAG_WARNING, "cannot append to the journal of run %s: %s", run_id,
				 strerror(-r));
		rep->outcome_exit = RTHC_EXIT_ROLLBACK_INCOMPLETE;
		r = 0;
		goto out;
	}
	complete = undo_all(ctx->host, j, &run.changes, dry);
	if (j)
		(void)rthc_journal_commit(j, complete ? "rolled_back" : "rollback_incomplete");
	if (!complete) {
		rep->outcome_exit = RTHC_EXIT_ROLLBACK_INCOMPLETE;
		rthc_report_diag(rep, RTHC_DIAG_WARNING, "run %s: some changes could not be restored (see changes)",
				 run_id);
	} else if (!dry) {
		rthc_report_diag(rep, RTHC_DIAG_NOTE, "run %s rolled back", run_id);
	}
	r = rthc_plan_report(&run.changes, rep);
out:
	rthc_journal_close(j);
	rthc_journal_run_done(&run);
	rthc_exec_unlock(lock);
	return r;
}
