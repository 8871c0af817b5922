/*
 * The executor: performs a plan change by change (journal record + fsync, write, read back) and
 * rolls this run back, newest first, on the first failure. Also the single-change undo used by
 * --rollback, and the permission and lock checks that come before any write.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "journal.h"
#include "macro.h"
#include "plan.h"

struct rthc_host;

struct rthc_exec_opts {
	const char *profile;       /* recorded in the journal header */
	char *const *args;         /* the P record (rthc_apply_args()); NULL: none */
	/* A re-apply (journal.h): append to this run instead of starting a new one. */
	const struct rthc_journal_run *extend;
	rthc_journal_hook_fn hook; /* test-only crash hook (see journal.h); NULL in the tool */
	void *hook_data;
};

/*
 * Whether this process may apply to h: on the live host only root (euid 0) may; a --root tree
 * needs write access to the tree (the tree's owner, or root). 0, or -EPERM with why filled.
 */
int rthc_exec_permitted(struct rthc_host *h, uid_t euid, char *why, size_t n) _must_check_;
/* Take the apply lock (flock on ROOT/var/lib/rthostcheck/lock): fd in *fd; -EBUSY when held. */
int rthc_exec_lock(struct rthc_host *h, int *fd) _must_check_;
void rthc_exec_unlock(int fd);

/*
 * Perform every change of the plan. 0 when all were applied (statuses applied / unchanged for
 * tolerated refusals); otherwise the first error, after rolling back what this run changed
 * (statuses rolled_back, or conflict/failed if that too went wrong). *run_id gets the journal's
 * run ID (malloc'd) once the journal exists. With o->extend the changes are journaled into that
 * run (numbered again; those that write a value the run records are marked reapply) and a
 * failure rolls back only what this re-apply wrote, leaving the run applied.
 */
int rthc_exec_apply(struct rthc_host *h, struct rthc_plan *plan, const struct rthc_exec_opts *o,
		    char **run_id) _must_check_;
/*
 * Undo one change: restore the old value only where the current value is still the one written.
 * Sets c->status to rolled_back, conflict or failed (and c->reason). With dry_run nothing is
 * written and a change that would be restored stays planned.
 */
void rthc_exec_undo(struct rthc_host *h, struct rthc_plan_change *c, bool dry_run);
/* Run a command line (RTHC_OP_EXEC, module reload) on the live host; 0 or a negative errno. */
int rthc_exec_spawn(const char *cmdline) _must_check_;
