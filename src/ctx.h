/*
 * The run context: options, host, facts, report. Owned by main(); checks get it non-const only
 * because the accessor caches reads.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct rthc_facts;
struct rthc_host;
struct rthc_profile;
struct rthc_report;

enum rthc_format {
	RTHC_FORMAT_TEXT,
	RTHC_FORMAT_JSON,
	RTHC_FORMAT_JUNIT,
	RTHC_FORMAT_PROMETHEUS,
	_RTHC_FORMAT_MAX,
	_RTHC_FORMAT_INVALID = -22,
};
const char *rthc_format_to_string(enum rthc_format f);
enum rthc_format rthc_format_from_string(const char *s);

enum rthc_mode_opt { RTHC_MODEOPT_AUTO, RTHC_MODEOPT_HOST, RTHC_MODEOPT_GUEST };
enum rthc_fail_on { RTHC_FAIL_ON_FAIL, RTHC_FAIL_ON_WARN, RTHC_FAIL_ON_NONE };
enum rthc_action_opt {
	RTHC_RUN_AUDIT,
	RTHC_RUN_APPLY,
	RTHC_RUN_ROLLBACK,
	RTHC_RUN_LIST_CHECKS,
	RTHC_RUN_EXPLAIN,
	RTHC_RUN_LIST_PROFILES,
	RTHC_RUN_SCHEMA,
	RTHC_RUN_HELP,
	RTHC_RUN_VERSION,
};

struct rthc_output {
	enum rthc_format format;
	char *path; /* owned */
};

struct rthc_opts {
	enum rthc_action_opt action;
	char *root;        /* owned; NULL = live "/" */
	enum rthc_mode_opt mode;
	char *profile;     /* owned; --profile or the --apply argument */
	char **sets;       /* owned "KEY=VALUE" strings */
	size_t nsets;
	enum rthc_format format;
	struct rthc_output *outputs; /* owned -o FORMAT:PATH */
	size_t noutputs;
	char **checks;     /* owned --check IDs */
	size_t nchecks;
	char **skips;      /* owned --skip IDs */
	size_t nskips;
	enum rthc_fail_on fail_on;
	bool dry_run;
	char *snapshot;    /* owned */
	double sample;     /* seconds; 0 = off */
	int verbosity;     /* -1 quiet, 0 normal, 1 verbose */
	bool color;        /* decided from --no-color, NO_COLOR and isatty */
	char *explain;     /* owned check ID */
	char *run_id;      /* owned --rollback RUN-ID */
};

struct rthc_ctx {
	struct rthc_opts opts;
	struct rthc_host *host;       /* owned */
	struct rthc_facts *facts;     /* owned */
	struct rthc_report *report;   /* owned */
	struct rthc_profile *profile; /* owned; NULL without --profile/--apply */
	bool guest;                   /* the check set in use: guest mode */
	bool *sets_used;              /* owned; one per opts.sets: read by a check or the profile */
};

/*
 * A tunable from --set KEY=VALUE (or the profile's variables): the value, or NULL. Checks use
 * it for budgets such as cstate_max_latency_us.
 */
const char *rthc_ctx_var(const struct rthc_ctx *ctx, const char *key);
/* The same as an integer, def when unset; -EINVAL in *err when set but not a number. */
long long rthc_ctx_var_int(const struct rthc_ctx *ctx, const char *key, long long def, int *err);
