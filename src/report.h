/*
 * The report: results in catalog order, applied changes, diagnostics and the run envelope. The
 * verdict and exit code are a pure function of the results (and, for apply/rollback, of the
 * outcome), computed by rthc_report_finalize().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "ctx.h"
#include "macro.h"
#include "result.h"

struct rthc_facts;

enum rthc_verdict {
	RTHC_VERDICT_READY,
	RTHC_VERDICT_NOT_READY,
	RTHC_VERDICT_INCOMPLETE,
	RTHC_VERDICT_REBOOT_REQUIRED,
	RTHC_VERDICT_APPLY_FAILED,
	RTHC_VERDICT_ROLLBACK_INCOMPLETE,
	RTHC_VERDICT_ERROR,
	_RTHC_VERDICT_MAX,
};
const char *rthc_verdict_to_string(enum rthc_verdict v);

/* Exit codes (spec/cli.md). */
enum {
	RTHC_EXIT_READY = 0,
	RTHC_EXIT_NOT_READY = 1,
	RTHC_EXIT_INCOMPLETE = 2,
	RTHC_EXIT_REBOOT = 3,
	RTHC_EXIT_APPLY_FAILED = 4,
	RTHC_EXIT_ROLLBACK_INCOMPLETE = 5,
	RTHC_EXIT_USAGE = 64,
	RTHC_EXIT_DATAERR = 65,
	RTHC_EXIT_SOFTWARE = 70,
	RTHC_EXIT_CANTCREAT = 73,
};

enum rthc_run_mode { RTHC_RUNMODE_AUDIT, RTHC_RUNMODE_APPLY, RTHC_RUNMODE_ROLLBACK, RTHC_RUNMODE_DRY_RUN };
const char *rthc_run_mode_to_string(enum rthc_run_mode m);

enum rthc_persistence { RTHC_PERSIST_RUNTIME, RTHC_PERSIST_PERSISTENT, RTHC_PERSIST_BOOT };
const char *rthc_persistence_to_string(enum rthc_persistence p);

enum rthc_change_status {
	RTHC_CHANGE_PLANNED,
	RTHC_CHANGE_APPLIED,
	RTHC_CHANGE_UNCHANGED,
	RTHC_CHANGE_FAILED,
	RTHC_CHANGE_ROLLED_BACK,
	RTHC_CHANGE_CONFLICT,
	_RTHC_CHANGE_MAX,
};
const char *rthc_change_status_to_string(enum rthc_change_status s);

struct rthc_change {
	char *id;     /* owned, e.g. "sysctl:kernel.sched_rt_runtime_us" */
	char *check;  /* owned check ID or NULL */
	char *type;   /* owned applier kind: sysctl, sysfs, irq, ... */
	char *target; /* owned path or name */
	char *old_value, *new_value; /* owned; NULL renders as null (absent) */
	enum rthc_persistence persistence;
	enum rthc_change_status status;
	char *reason; /* owned; "" when nothing to say */
};

enum rthc_diag_level { RTHC_DIAG_WARNING, RTHC_DIAG_NOTE };

struct rthc_diag {
	enum rthc_diag_level level;
	char *message; /* owned */
};

struct rthc_summary {
	unsigned total;
	unsigned count[_RTHC_STATUS_MAX];
};

struct rthc_report {
	const struct rthc_facts *facts; /* borrowed from the ctx */
	struct rthc_result *results;    /* owned, one per registered check */
	size_t nresults;
	struct rthc_change *changes;    /* owned */
	size_t nchanges;
	struct rthc_diag *diags;        /* owned */
	size_t ndiags;

	/* run envelope */
	enum rthc_run_mode run_mode;
	bool guest;
	char *root; /* owned */
	bool live, privileged;
	char *profile_name, *profile_source; /* owned; NULL = no profile */
	enum rthc_fail_on fail_on;
	struct timespec started;   /* CLOCK_REALTIME */
	struct timespec started_mono;
	double duration;

	/* outcome */
	int outcome_exit; /* 0, or 4 (apply failed) / 5 (rollback incomplete) */
	struct rthc_summary summary;
	enum rthc_verdict verdict;
	int exit_code;
};

int rthc_report_new(struct rthc_report **ret) _must_check_;
struct rthc_report *rthc_report_free(struct rthc_report *rep);
/* Size the results array: one per registered check, in registry order. */
int rthc_report_init_results(struct rthc_report *rep) _must_check_;
void rthc_report_diag(struct rthc_report *rep, enum rthc_diag_level level, const char *fmt, ...)
	_printf_format_(3, 4);
/* Append a change; the strings are copied. Returns the change or NULL on ENOMEM. */
struct rthc_change *rthc_report_add_change(struct rthc_report *rep, const char *id, const char *check,
					   const char *type, const char *target, const char *old_value,
					   const char *new_value, enum rthc_persistence p,
					   enum rthc_change_status st, const char *reason);
/* Whether status s gates the exit code under fail_on. */
bool rthc_status_gates(enum rthc_status s, enum rthc_fail_on fail_on);
/* Compute gating, summary, verdict and exit code; sets the duration. */
void rthc_report_finalize(struct rthc_report *rep);
/* The exit code for a set of results (pure; used by finalize and tested directly). */
int rthc_report_exit_code(const struct rthc_report *rep, enum rthc_verdict *verdict);
