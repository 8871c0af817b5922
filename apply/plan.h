/*
 * The apply plan: what a profile would change on the host. Appliers (apply/apply-<kind>.c) only
 * read: each proposes changes {path, old value read now, new value, persistence}, and a change
 * whose value already holds is dropped, so applying twice changes nothing the second time. The
 * executor (exec.h) journals and performs them; rollback (rollback.c) undoes them. The same
 * struct describes a change read back from a journal.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "macro.h"
#include "report.h"

struct rthc_facts;
struct rthc_host;
struct rthc_profile;

/* What performing a change does. */
enum rthc_op {
	RTHC_OP_WRITE,  /* write an attribute (sysfs, procfs): rthc_host_write_str */
	RTHC_OP_FILE,   /* create or replace a whole file: rthc_host_replace_file */
	RTHC_OP_MKDIR,  /* create a directory that did not exist */
	RTHC_OP_UNLOAD, /* unload a module (live host only) */
	RTHC_OP_EXEC,   /* run a command: update-grub, systemctl daemon-reload (live host only) */
	RTHC_OP_SYMLINK, /* create a symbolic link (new value: its text), e.g. a unit's enablement */
	_RTHC_OP_MAX,
};
const char *rthc_op_to_string(enum rthc_op op);
int rthc_op_from_string(const char *s);

/* How an attribute's value is read and compared. */
enum rthc_form {
	RTHC_FORM_PLAIN,   /* trimmed text, white-space runs compared as one space */
	RTHC_FORM_BRACKET, /* "always madvise [never]": the bracketed word */
	RTHC_FORM_CPULIST, /* compared as CPU sets */
	RTHC_FORM_MASK,    /* hex mask, compared as CPU sets */
	RTHC_FORM_TEXT,    /* exact bytes (whole files) */
	_RTHC_FORM_MAX,
};
const char *rthc_form_to_string(enum rthc_form f);
int rthc_form_from_string(const char *s);

enum {
	RTHC_CHG_TOLERATE_EIO = 1u << 0, /* EIO means "the kernel refuses" (managed IRQ): not a failure */
	RTHC_CHG_PARTIAL_OK = 1u << 1,   /* a short read-back is a shortfall, not a failure (hugepages) */
	RTHC_CHG_PENDING = 1u << 2,      /* takes effect only at the next boot or module load */
};

struct rthc_plan_change {
	unsigned seq;       /* 1-based, in journal order */
	char *id;           /* owned: "sysctl:kernel.sched_rt_runtime_us" */
	char *checks;       /* owned: check IDs it addresses, space-separated ("" for none) */
	char *type;         /* owned: applier kind */
	char *target;       /* owned: path or name */
	enum rthc_op op;
	enum rthc_form form;
	char *old_value;    /* owned: NULL = absent */
	char *old_raw;      /* owned: RTHC_OP_WRITE: the exact old bytes (restored as such in a tree) */
	char *new_value;    /* owned */
	unsigned old_mode;  /* permission bits of the old file (RTHC_OP_FILE) */
	unsigned new_mode;
	enum rthc_persistence persistence;
	unsigned flags;     /* RTHC_CHG_* */
	/* outcome */
	enum rthc_change_status status;
	char *after;        /* owned: value read back after the write (NULL: not read) */
	char *reason;       /* owned or NULL */
	int err;            /* negative errno of a failure */
	bool done;          /* journal: the change was rolled back (or found restored) before */
	bool reapply;       /* a re-apply writes again what change seq of the run already records */
};

struct rthc_plan {
	struct rthc_plan_change *v; /* owned */
	size_t n;
	char **notes;               /* owned: things the planner skipped, for diagnostics */
	size_t nnotes;
	char **pending;             /* owned: check IDs whose fix waits for a reboot */
	size_t npending;
};

void rthc_plan_init(struct rthc_plan *p);
void rthc_plan_done(struct rthc_plan *p);
void rthc_plan_change_done(struct rthc_plan_change *c);

/* What an applier sees. */
struct rthc_apply_ctx {
	struct rthc_host *h;
	const struct rthc_facts *f;
	const struct rthc_profile *p;
	bool live;
	struct rthc_plan *plan;
};

/* One applier kind: plan() only reads; it adds changes and notes to a->plan. */
struct rthc_applier {
	const char *name;
	int (*plan)(struct rthc_apply_ctx *a);
};
extern const struct rthc_applier rthc_applier_sysctl, rthc_applier_sysfs, rthc_applier_cpu,
	rthc_applier_irq, rthc_applier_irqbalance, rthc_applier_modules, rthc_applier_hugepages,
	rthc_applier_cmdline;

/*
 * Run every applier of the profile (read-only). args (rthc_apply_args(): the profile argument and
 * the --set values, NULL-terminated) are those of the boot unit that re-applies the runtime part;
 * NULL plans no unit.
 */
int rthc_plan_build(struct rthc_host *h, const struct rthc_facts *f, const struct rthc_profile *p,
		    char *const *args, struct rthc_plan *plan) _must_check_;
/* The boot unit and its enablement link (apply-boot.c), after every applier. */
int rthc_plan_boot_unit(struct rthc_apply_ctx *a, char *const *args) _must_check_;

/* ---- helpers for appliers -------------------------------------------------------------------- */

/* Normalise a value read from an attribute of form f into *ret (malloc'd). */
int rthc_value_norm(enum rthc_form f, const char *raw, char **ret) _must_check_;
/* Whether two normalised values are equal under form f. */
bool rthc_value_eq(enum rthc_form f, const char *a, const char *b);
/* Read path now and normalise it: 0, or a negative errno (-ENOENT: missing). */
int rthc_value_read(struct rthc_host *h, enum rthc_form f, const char *path, char **ret) _must_check_;

/*
 * Propose writing want to the attribute path. Reads the old value now; drops the change when it
 * already holds. A missing path is a note, not an error (the kernel lacks the knob).
 */
int rthc_plan_attr(struct rthc_apply_ctx *a, const char *id, const char *checks, const char *type,
		   const char *path, enum rthc_form f, const char *want, unsigned flags) _must_check_;
/*
 * Propose the whole content of a file (persistent): reads the old content (absent when missing),
 * drops the change when equal, and plans the missing parent directories first.
 */
int rthc_plan_file(struct rthc_apply_ctx *a, const char *id, const char *checks, const char *type,
		   const char *path, const char *content, mode_t mode, enum rthc_persistence p,
		   unsigned flags) _must_check_;
/* Append a ready-made change (strings are copied). */
struct rthc_plan_change *rthc_plan_add(struct rthc_plan *plan, const char *id, const char *checks,
				       const char *type, const char *target, enum rthc_op op,
				       enum rthc_form f, const char *old_value, const char *new_value,
				       enum rthc_persistence p, unsigned flags);
void rthc_plan_note(struct rthc_plan *plan, const char *fmt, ...) _printf_format_(2, 3);
int rthc_plan_pending(struct rthc_plan *plan, const char *checks) _must_check_;
/*
 * Propose the symbolic link path -> text (persistent), planning its missing parent directories.
 * Dropped when the link is there already; anything else at path is a note, left alone.
 */
int rthc_plan_link(struct rthc_apply_ctx *a, const char *id, const char *type, const char *path,
		   const char *text) _must_check_;
/* Whether the plan already changes target. */
struct rthc_plan_change *rthc_plan_find(struct rthc_plan *plan, const char *target);

/* Copy the plan's changes into the report (first check ID of each as its "check"). */
int rthc_plan_report(const struct rthc_plan *plan, struct rthc_report *rep) _must_check_;
