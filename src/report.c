/* The report (see report.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../checks/check.h"
#include "report.h"

const char *rthc_verdict_to_string(enum rthc_verdict v)
{
	static const char *const names[_RTHC_VERDICT_MAX] = {
		[RTHC_VERDICT_READY] = "ready",
		[RTHC_VERDICT_NOT_READY] = "not_ready",
		[RTHC_VERDICT_INCOMPLETE] = "incomplete",
		[RTHC_VERDICT_REBOOT_REQUIRED] = "reboot_required",
		[RTHC_VERDICT_APPLY_FAILED] = "apply_failed",
		[RTHC_VERDICT_ROLLBACK_INCOMPLETE] = "rollback_incomplete",
		[RTHC_VERDICT_ERROR] = "error",
	};
	return (unsigned)v < _RTHC_VERDICT_MAX ? names[v] : "error";
}

const char *rthc_run_mode_to_string(enum rthc_run_mode m)
{
	switch (m) {
	case RTHC_RUNMODE_APPLY:
		return "apply";
	case RTHC_RUNMODE_ROLLBACK:
		return "rollback";
	case RTHC_RUNMODE_DRY_RUN:
		return "dry_run";
	default:
		return "audit";
	}
}

const char *rthc_persistence_to_string(enum rthc_persistence p)
{
	switch (p) {
	case RTHC_PERSIST_PERSISTENT:
		return "persistent";
	case RTHC_PERSIST_BOOT:
		return "boot";
	default:
		return "runtime";
	}
}

const char *rthc_change_status_to_string(enum rthc_change_status s)
{
	static const char *const names[_RTHC_CHANGE_MAX] = {
		[RTHC_CHANGE_PLANNED] = "planned",   [RTHC_CHANGE_APPLIED] = "applied",
		[RTHC_CHANGE_UNCHANGED] = "unchanged", [RTHC_CHANGE_FAILED] = "failed",
		[RTHC_CHANGE_ROLLED_BACK] = "rolled_back", [RTHC_CHANGE_CONFLICT] = "conflict",
	};
	return (unsigned)s < _RTHC_CHANGE_MAX ? names[s] : "failed";
}

int rthc_report_new(struct rthc_report **ret)
{
	struct rthc_report *rep = calloc(1, sizeof(*rep));

	if (!rep)
		return -ENOMEM;
	clock_gettime(CLOCK_REALTIME, &rep->started);
	clock_gettime(CLOCK_MONOTONIC, &rep->started_mono);
	*ret = rep;
	return 0;
}

int rthc_report_init_results(struct rthc_report *rep)
{
	size_t n = rthc_checks_count();

	rep->results = calloc(n ? n : 1, sizeof(*rep->results));
	if (!rep->results)
		return -ENOMEM;
	rep->nresults = n;
	for (size_t i = 0; i < n; i++)
		rthc_result_init(&rep->results[i], rthc_checks_get(i));
	return 0;
}

static void change_done(struct rthc_change *c)
{
	free(c->id);
	free(c->check);
	free(c->type);
	free(c->target);
	free(c->old_value);
	free(c->new_value);
	free(c->reason);
}

struct rthc_report *rthc_report_free(struct rthc_report *rep)
{
	if (!rep)
		return NULL;
	for (size_t i = 0; i < rep->nresults; i++)
		rthc_result_done(&rep->results[i]);
	free(rep->results);
	for (size_t i = 0; i < rep->nchanges; i++)
		change_done(&rep->changes[i]);
	free(rep->changes);
	for (size_t i = 0; i < rep->ndiags; i++)
		free(rep->diags[i].message);
	free(rep->diags);
	free(rep->root);
	free(rep->profile_name);
	free(rep->profile_source);
	free(rep);
	return NULL;
}

void rthc_report_diag(struct rthc_report *rep, enum rthc_diag_level level, const char *fmt, ...)
{
	struct rthc_diag *d;
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return;
	d = realloc(rep->diags, (rep->ndiags + 1) * sizeof(*d));
	if (!d) {
		free(msg);
		return;
	}
	rep->diags = d;
	rep->diags[rep->ndiags].level = level;
	rep->diags[rep->ndiags].message = msg;
	rep->ndiags++;
}

static char *dup_or_null(const char *s, bool *fail)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*fail = true;
	return d;
}

struct rthc_change *rthc_report_add_change(struct rthc_report *rep, const char *id, const char *check,
					   const char *type, const char *target, const char *old_value,
					   const char *new_value, enum rthc_persistence p,
					   enum rthc_change_status st, const char *reason)
{
	struct rthc_change *c;
	bool fail = false;

	c = realloc(rep->changes, (rep->nchanges + 1) * sizeof(*c));
	if (!c)
		return NULL;
	rep->changes = c;
	c = &rep->changes[rep->nchanges];
	memset(c, 0, sizeof(*c));
	c->id = dup_or_null(id, &fail);
	c->check = dup_or_null(check, &fail);
	c->type = dup_or_null(type, &fail);
	c->target = dup_or_null(target, &fail);
	c->old_value = dup_or_null(old_value, &fail);
	c->new_value = dup_or_null(new_value, &fail);
	c->reason = dup_or_null(reason ? reason : "", &fail);
	c->persistence = p;
	c->status = st;
	if (fail || !c->id || !c->type || !c->target) {
		change_done(c);
		return NULL;
	}
	rep->nchanges++;
	return c;
}

bool rthc_status_gates(enum rthc_status s, enum rthc_fail_on fail_on)
{
	if (fail_on == RTHC_FAIL_ON_NONE)
		return false;
	switch (s) {
	case RTHC_STATUS_FAIL:
	case RTHC_STATUS_ERROR:
	case RTHC_STATUS_PENDING_REBOOT:
		return true;
	case RTHC_STATUS_WARN:
		return fail_on == RTHC_FAIL_ON_WARN;
	default:
		return false;
	}
}

int rthc_report_exit_code(const struct rthc_report *rep, enum rthc_verdict *verdict)
{
	bool fail = false, error = false, reboot = false;

	if (rep->outcome_exit == RTHC_EXIT_ROLLBACK_INCOMPLETE) {
		*verdict = RTHC_VERDICT_ROLLBACK_INCOMPLETE;
		return RTHC_EXIT_ROLLBACK_INCOMPLETE;
	}
	if (rep->outcome_exit == RTHC_EXIT_APPLY_FAILED) {
		*verdict = RTHC_VERDICT_APPLY_FAILED;
		return RTHC_EXIT_APPLY_FAILED;
	}
	for (size_t i = 0; i < rep->nresults; i++) {
		const struct rthc_result *r = &rep->results[i];

		if (!rthc_status_gates(r->status, rep->fail_on))
			continue;
		if (r->status == RTHC_STATUS_FAIL || r->status == RTHC_STATUS_WARN)
			fail = true;
		else if (r->status == RTHC_STATUS_ERROR)
			error = true;
		else if (r->status == RTHC_STATUS_PENDING_REBOOT)
			reboot = true;
	}
	if (fail) {
		*verdict = RTHC_VERDICT_NOT_READY;
		return RTHC_EXIT_NOT_READY;
	}
	if (error) {
		*verdict = RTHC_VERDICT_INCOMPLETE;
		return RTHC_EXIT_INCOMPLETE;
	}
	if (reboot) {
		*verdict = RTHC_VERDICT_REBOOT_REQUIRED;
		return RTHC_EXIT_REBOOT;
	}
	*verdict = RTHC_VERDICT_READY;
	return RTHC_EXIT_READY;
}

void rthc_report_finalize(struct rthc_report *rep)
{
	struct timespec now;

	memset(&rep->summary, 0, sizeof(rep->summary));
	for (size_t i = 0; i < rep->nresults; i++) {
		struct rthc_result *r = &rep->results[i];

		r->gating = rthc_status_gates(r->status, rep->fail_on);
		rep->summary.total++;
		if ((unsigned)r->status < _RTHC_STATUS_MAX)
			rep->summary.count[r->status]++;
	}
	rep->exit_code = rthc_report_exit_code(rep, &rep->verdict);
	clock_gettime(CLOCK_MONOTONIC, &now);
	rep->duration = (double)(now.tv_sec - rep->started_mono.tv_sec) +
			(double)(now.tv_nsec - rep->started_mono.tv_nsec) / 1e9;
	if (rep->duration < 0)
		rep->duration = 0;
}
