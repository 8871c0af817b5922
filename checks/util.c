/* Helpers shared by check families (see util.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

const struct rthc_cmdline *rthc_check_cmdline(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_kernel_facts *k = &ctx->facts->kernel;

	if (!k->cmdline) {
		rthc_result_error(r, k->cmdline_err.err ? k->cmdline_err.err : -ENODATA, "/proc/cmdline");
		return NULL;
	}
	return k->cmdline;
}

void rthc_evidence_param(struct rthc_result *r, const struct rthc_cmdline *cl, const char *key)
{
	const struct rthc_cmdline_param *p = rthc_cmdline_find(cl, key);

	if (!p)
		rthc_evidence(r, "/proc/cmdline", "no %s= parameter", key);
	else if (p->value)
		rthc_evidence(r, "/proc/cmdline", "%s=%s", p->key, p->value);
	else
		rthc_evidence(r, "/proc/cmdline", "%s", p->key);
}

void rthc_items_cpus(struct rthc_result *r, const struct rthc_cpuset *set, const char *reason)
{
	char obj[32];
	int c;

	rthc_cpuset_foreach(c, set) {
		snprintf(obj, sizeof(obj), "cpu %d", c);
		rthc_item(r, obj, "%s", reason);
	}
}
