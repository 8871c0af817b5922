/*
 * Check results (schema 1.0 "result"). A check fills one through these functions and never
 * prints. Allocation failures inside the setters are remembered (r->oom) and turned into an
 * error result by the runner, so check code stays linear.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

struct rthc_check;
struct rthc_cpuset;

enum rthc_status {
	RTHC_STATUS_PASS,
	RTHC_STATUS_WARN,
	RTHC_STATUS_FAIL,
	RTHC_STATUS_PENDING_REBOOT,
	RTHC_STATUS_FIXED,
	RTHC_STATUS_ERROR,
	RTHC_STATUS_SKIPPED,
	RTHC_STATUS_NOT_APPLICABLE,
	RTHC_STATUS_INFO,
	_RTHC_STATUS_MAX,
	_RTHC_STATUS_INVALID = -22,
};
const char *rthc_status_to_string(enum rthc_status s);
enum rthc_status rthc_status_from_string(const char *s);

/* Typed values of the expected/observed objects. */
enum rthc_value_type {
	RTHC_VALUE_NULL,
	RTHC_VALUE_STR,
	RTHC_VALUE_INT,
	RTHC_VALUE_BOOL,
	RTHC_VALUE_DOUBLE,
	RTHC_VALUE_OBJECT,
};

struct rthc_kvlist;

struct rthc_kv {
	char *key; /* owned */
	enum rthc_value_type type;
	union {
		char *s; /* owned */
		int64_t i;
		bool b;
		double d;
		struct rthc_kvlist *obj; /* owned */
	};
};

struct rthc_kvlist {
	struct rthc_kv *v; /* owned */
	size_t n;
};

struct rthc_evidence {
	char *source, *excerpt; /* owned */
};

struct rthc_item {
	char *object, *reason; /* owned */
};

enum rthc_action_type {
	RTHC_ACTION_SYSCTL,
	RTHC_ACTION_SYSFS,
	RTHC_ACTION_KERNEL_ARG,
	RTHC_ACTION_IRQ_AFFINITY,
	RTHC_ACTION_MODPROBE,
	RTHC_ACTION_SERVICE,
	RTHC_ACTION_FILE,
	RTHC_ACTION_MANUAL,
	_RTHC_ACTION_MAX,
};
const char *rthc_action_type_to_string(enum rthc_action_type t);

struct rthc_action {
	enum rthc_action_type type;
	char *target; /* owned */
	char *value;  /* owned; NULL renders as null */
};

struct rthc_remediation {
	char *summary; /* owned */
	bool automated, requires_reboot;
	struct rthc_action *actions; /* owned */
	size_t nactions;
};

/* At most this many items per result; the rest are counted in items_omitted. */
#define RTHC_RESULT_MAX_ITEMS 64

struct rthc_result {
	const struct rthc_check *check; /* borrowed from the registry */
	enum rthc_status status;
	bool gating;
	char *reason; /* owned */
	struct rthc_kvlist *expected, *observed; /* owned; NULL renders as null */
	struct rthc_evidence *evidence; /* owned */
	size_t nevidence;
	struct rthc_item *items; /* owned */
	size_t nitems, items_omitted;
	struct rthc_remediation *remediation; /* owned; NULL renders as null */
	int err;  /* negative errno behind an error status */
	bool oom; /* a setter failed to allocate */
	bool status_set;
	bool deselected; /* skipped by selection or mode: the text report hides it unless -v */
};

void rthc_result_init(struct rthc_result *r, const struct rthc_check *check);
void rthc_result_done(struct rthc_result *r);
/* Drop everything a check filled in (used before re-evaluating after --apply). */
void rthc_result_reset(struct rthc_result *r);

/* Set the status and the one-sentence reason. */
void rthc_result_set(struct rthc_result *r, enum rthc_status s, const char *fmt, ...) _printf_format_(3, 4);
#define rthc_pass(r, ...) rthc_result_set((r), RTHC_STATUS_PASS, __VA_ARGS__)
#define rthc_warn(r, ...) rthc_result_set((r), RTHC_STATUS_WARN, __VA_ARGS__)
#define rthc_fail(r, ...) rthc_result_set((r), RTHC_STATUS_FAIL, __VA_ARGS__)
#define rthc_info(r, ...) rthc_result_set((r), RTHC_STATUS_INFO, __VA_ARGS__)
#define rthc_na(r, ...) rthc_result_set((r), RTHC_STATUS_NOT_APPLICABLE, __VA_ARGS__)
#define rthc_skip(r, ...) rthc_result_set((r), RTHC_STATUS_SKIPPED, __VA_ARGS__)
/*
 * Could not evaluate: status error, reason "cannot read PATH: strerror(-err)" (or the message
 * given), the path also as evidence. Use for every missing, unreadable or garbage input that the
 * check does not declare optional.
 */
void rthc_result_error(struct rthc_result *r, int err, const char *path);
void rthc_result_errorf(struct rthc_result *r, int err, const char *fmt, ...) _printf_format_(3, 4);

/* expected / observed values (objects are created on first use). */
void rthc_expect_str(struct rthc_result *r, const char *key, const char *value);
void rthc_expect_int(struct rthc_result *r, const char *key, int64_t value);
void rthc_expect_bool(struct rthc_result *r, const char *key, bool value);
void rthc_expect_cpus(struct rthc_result *r, const char *key, const struct rthc_cpuset *set);
void rthc_expect_null(struct rthc_result *r, const char *key);
void rthc_observe_str(struct rthc_result *r, const char *key, const char *value);
void rthc_observe_int(struct rthc_result *r, const char *key, int64_t value);
void rthc_observe_bool(struct rthc_result *r, const char *key, bool value);
void rthc_observe_double(struct rthc_result *r, const char *key, double value);
void rthc_observe_cpus(struct rthc_result *r, const char *key, const struct rthc_cpuset *set);
void rthc_observe_null(struct rthc_result *r, const char *key);
/* Generic: add to a kvlist (creating *list); a nested object is returned for filling. */
void rthc_kv_add_str(struct rthc_result *r, struct rthc_kvlist **list, const char *key, const char *value);
void rthc_kv_add_int(struct rthc_result *r, struct rthc_kvlist **list, const char *key, int64_t value);
void rthc_kv_add_bool(struct rthc_result *r, struct rthc_kvlist **list, const char *key, bool value);
void rthc_kv_add_double(struct rthc_result *r, struct rthc_kvlist **list, const char *key, double value);
void rthc_kv_add_null(struct rthc_result *r, struct rthc_kvlist **list, const char *key);
struct rthc_kvlist **rthc_kv_add_object(struct rthc_result *r, struct rthc_kvlist **list, const char *key);
struct rthc_kvlist *rthc_kvlist_free(struct rthc_kvlist *l);

/* Evidence: the path as on the target host and what was seen there. */
void rthc_evidence(struct rthc_result *r, const char *source, const char *fmt, ...) _printf_format_(3, 4);
/* An offending object ("irq 24", "cpu 3", "node 1") and why. */
void rthc_item(struct rthc_result *r, const char *object, const char *fmt, ...) _printf_format_(3, 4);
/* Remediation: summary once, then any number of actions. */
void rthc_remedy(struct rthc_result *r, bool automated, bool requires_reboot, const char *fmt, ...)
	_printf_format_(4, 5);
void rthc_remedy_action(struct rthc_result *r, enum rthc_action_type type, const char *target,
			const char *value);
