/* Running checks (see run.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../checks/check.h"
#include "cli.h"
#include "ctx.h"
#include "host.h"
#include "macro.h"
#include "profile.h"
#include "report.h"
#include "run.h"

const char *rthc_ctx_var(const struct rthc_ctx *ctx, const char *key)
{
	size_t kl = strlen(key);

	for (size_t i = ctx->opts.nsets; i-- > 0;) {
		const char *s = ctx->opts.sets[i];

		if (strneq(s, key, kl) && s[kl] == '=') {
			if (ctx->sets_used)
				ctx->sets_used[i] = true; /* an unused --set is reported as misspelt */
			return s + kl + 1;
		}
	}
	/* Then the profile's variables (built-ins included) and its budget keys. */
	if (ctx->profile && ctx->profile->resolved)
		return rthc_profile_var(ctx->profile, key);
	return NULL;
}

long long rthc_ctx_var_int(const struct rthc_ctx *ctx, const char *key, long long def, int *err)
{
	const char *v = rthc_ctx_var(ctx, key);
	char *end;
	long long n;

	*err = 0;
	if (!v)
		return def;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || end == v || *end) {
		*err = -EINVAL;
		return def;
	}
	return n;
}

void rthc_run_one(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_check *c = r->check;
	unsigned want = ctx->guest ? RTHC_MODE_GUEST : RTHC_MODE_HOST;
	const char *why = NULL;

	rthc_result_reset(r);
	if (!rthc_cli_selected(&ctx->opts, c->id, &why)) {
		rthc_skip(r, "%s", why);
		r->deselected = true;
		return;
	}
	if (!(c->modes & want)) {
		rthc_na(r, "%s-only check; this run audits a %s", ctx->guest ? "host" : "guest",
			ctx->guest ? "guest" : "host");
		r->deselected = true;
		return;
	}
	if ((c->flags & RTHC_CHECK_SAMPLED) && !(ctx->opts.sample > 0)) {
		rthc_skip(r, "not_sampled: a timed check; run with --sample SECONDS");
		return;
	}
	if ((c->flags & RTHC_CHECK_NEEDS_LIVE) && !rthc_host_is_live(ctx->host)) {
		rthc_skip(r, "needs_live_host: this check needs the running kernel, not a tree");
		return;
	}
	c->run(ctx, r);
	if (r->oom) {
		rthc_result_reset(r);
		rthc_result_errorf(r, -ENOMEM, "out of memory while evaluating the check");
	} else if (!r->status_set) {
		rthc_result_errorf(r, -EINVAL, "internal error: the check set no status");
	}
}

void rthc_run_checks(struct rthc_ctx *ctx)
{
	for (size_t i = 0; i < ctx->report->nresults; i++)
		rthc_run_one(ctx, &ctx->report->results[i]);
}
