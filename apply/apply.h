/*
 * --apply and --rollback (spec/profiles.md "How an apply must behave"): audit, plan, refuse
 * without permission or while another apply runs, journal + write + read back, roll back on
 * failure, audit again (fixed / pending_reboot). The report gets the changes; main renders it.
 */
#pragma once

#include <stdbool.h>

#include "exec.h"
#include "macro.h"

struct rthc_ctx;
struct rthc_profile;

/*
 * Run an apply (or, with ctx->opts.dry_run, only plan it) with the resolved profile in
 * ctx->profile; fills ctx->report (results, changes, diagnostics, run mode, outcome). hooks may be
 * NULL (the tool); tests pass a crash hook. May replace ctx->host and ctx->facts (the second audit
 * reads the host afresh). Returns 0, or -ENOMEM.
 * A plan that only rewrites runtime values, with the profile and --set values of the newest run
 * that is not rolled back (the boot unit's run after a reboot), is a re-apply journaled into that
 * run (journal.h), so that boots make no rollback points.
 */
int rthc_apply_run(struct rthc_ctx *ctx, const struct rthc_exec_opts *hooks) _must_check_;
/*
 * Roll back ctx->opts.run_id (or the newest run not rolled back): fills ctx->report. Returns 0;
 * -EINVAL with msg ("file:line: message") for a malformed journal (exit 65); -ENOENT when the
 * named run does not exist (msg filled); -ENOMEM.
 */
int rthc_rollback_run(struct rthc_ctx *ctx, char *msg, size_t n) _must_check_;

/*
 * The arguments that re-apply this profile, as the boot unit passes them: the profile (its name,
 * or the absolute path of a profile file), then the --set values; a NULL-terminated strv.
 */
int rthc_apply_args(const struct rthc_profile *p, char *const *sets, size_t nsets, char ***ret) _must_check_;
/* Append w to sb as one word of a systemd ExecStart= line (quoted and escaped where needed). */
struct rthc_strbuf;
int rthc_unit_quote(struct rthc_strbuf *sb, const char *w) _must_check_;
/* data/rthostcheck-apply.service.in with @bindir@ filled in (generated at build time). */
extern const char rthc_apply_unit_template[];

/* The catalog checks a change of this kind and key (or path) addresses: space-separated, or "". */
const char *rthc_apply_checks_for(const char *type, const char *key);
