/*
 * The apply journal: ROOT/var/lib/rthostcheck/journal/<run-id>.log, a versioned text file with
 * one record per line, fsync'ed after every record, written BEFORE each change. Fields are
 * space-separated; strings are double-quoted with C escapes (pure ASCII on disk); an old value of
 * a file that did not exist is the bare word "absent".
 *
 *   rthostcheck-journal 1
 *   H "<run-id>" "<profile>" "<root>" "<started, RFC 3339>"
 *   P "<profile argument>" ["<KEY=VALUE>" ...]         the arguments that re-apply the run: the
 *                                                     profile (name or absolute path) and the
 *                                                     --set values (the boot unit's arguments)
 *   C <seq> <op> <form> <persistence> <flags> <old-mode> <new-mode> "<id>" "<checks>" "<type>"
 *     "<target>" <"old"|absent> <"old raw bytes"|-> "<new>"
 *                                                     (one line: a change about to be made; the raw
 *                                                     bytes of an attribute are restored as they were
 *                                                     in a tree, the normalised old value on a live host)
 *   A <seq> "<value read back>"                       the write was verified
 *   F <seq> <errno>                                    the write failed (nothing written)
 *   S <seq> <errno>                                    refused by the kernel, tolerated (managed IRQ)
 *   R <seq> rolled_back|conflict|failed               rollback outcome for the change
 *   E applied|rolled_back|rollback_incomplete         the run's end state
 *   B "<started, RFC 3339>"                           a re-apply starts (see below); the run is
 *                                                     open again until its next E
 *
 * A re-apply is a later --apply with the same P arguments whose plan only rewrites runtime
 * values (typically the boot unit after a reboot): instead of a new run it appends to the run,
 * after a B record. A value the run already records (same target, same new value) is written
 * again with only an A record for that change; any other change gets a C record that continues
 * the numbering. So --rollback of the run undoes the re-applies too.
 *
 * A last line without its newline (a crash mid-write) is ignored. Any other malformed line is an
 * error naming the file and line (exit 65).
 */
#pragma once

#include <stdbool.h>

#include "macro.h"
#include "plan.h"

struct rthc_host;
struct rthc_profile_error;

#define RTHC_STATE_DIR "/var/lib/rthostcheck"
#define RTHC_JOURNAL_DIR RTHC_STATE_DIR "/journal"
#define RTHC_LOCK_PATH RTHC_STATE_DIR "/lock"
#define RTHC_JOURNAL_VERSION 1

/* Called after every record is on disk, with its 1-based number: a test-only crash hook. */
typedef void (*rthc_journal_hook_fn)(unsigned nrecord, void *data);

/* An open journal (owned by the executor or the rollback). */
struct rthc_journal {
	struct rthc_host *h; /* borrowed */
	int fd;
	char *run_id; /* owned */
	char *path;   /* owned: as on the target */
	unsigned nrecords;
	rthc_journal_hook_fn hook; /* NULL outside tests */
	void *hook_data;
};

/* Create a new journal with a fresh run ID and write its header. */
int rthc_journal_open(struct rthc_host *h, const char *profile, rthc_journal_hook_fn hook, void *hook_data,
		      struct rthc_journal **ret) _must_check_;
/* Open an existing journal to append rollback records. */
int rthc_journal_reopen(struct rthc_host *h, const char *run_id, struct rthc_journal **ret) _must_check_;
int rthc_journal_append(struct rthc_journal *j, const struct rthc_plan_change *c) _must_check_;
/* An A/F/S/R record for change seq; arg is the value (A, quoted), errno (F, S) or status (R). */
int rthc_journal_mark(struct rthc_journal *j, char type, unsigned seq, const char *arg);
/* The P record: args is the NULL-terminated strv of rthc_apply_args(). Right after open. */
int rthc_journal_params(struct rthc_journal *j, char *const *args) _must_check_;
/* The B record that starts a re-apply of a reopened run. */
int rthc_journal_begin_reapply(struct rthc_journal *j) _must_check_;
/* The E record. (A rollback path may ignore the result of mark/commit: replaying is idempotent.) */
int rthc_journal_commit(struct rthc_journal *j, const char *end);
struct rthc_journal *rthc_journal_close(struct rthc_journal *j);

/* A journal read back. */
struct rthc_journal_run {
	char *run_id, *profile, *root, *started; /* owned */
	char **args;                              /* owned strv of the P record, or NULL */
	struct rthc_plan changes;                 /* C records, with A/F/S/R applied */
	char *end;                                /* owned; NULL when the run (or a re-apply) never ended */
	unsigned reapplies;                       /* B records */
};

/* Parse a journal; -EINVAL with err (file:line) when malformed, -ENOENT when missing. */
int rthc_journal_replay(struct rthc_host *h, const char *run_id, struct rthc_journal_run *run,
			struct rthc_profile_error *err) _must_check_;
void rthc_journal_run_done(struct rthc_journal_run *run);
/* The newest run that is not fully rolled back; -ENOENT when there is none. */
int rthc_journal_latest(struct rthc_host *h, char **run_id, struct rthc_profile_error *err) _must_check_;
/* Whether s is a well-formed run ID. */
bool rthc_journal_valid_id(const char *s);

/* C escaping used by the records (exposed for tests). */
int rthc_journal_escape(const char *s, char **ret) _must_check_;
/* Decode a quoted string starting at *p ('"'); advances *p past the closing quote. */
int rthc_journal_unescape(const char **p, char **ret) _must_check_;
