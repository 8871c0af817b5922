/* Helpers shared by check families. */
#pragma once

#include <stdbool.h>

#include "check.h"
#include "cmdline.h"
#include "cpuset.h"
#include "ctx.h"
#include "facts.h"
#include "host.h"
#include "macro.h"
#include "result.h"

/* "?" for a NULL string from rthc_cpuset_str() (ENOMEM); "none" for the empty list. */
static inline const char *cpus_or_none(const char *s)
{
	return !s ? "?" : *s ? s : "none";
}

/*
 * The parsed command line, or NULL after setting an error result naming /proc/cmdline. Every
 * check that judges boot parameters starts with this.
 */
const struct rthc_cmdline *rthc_check_cmdline(struct rthc_ctx *ctx, struct rthc_result *r);
/* Evidence line with the command-line parameter as written ("isolcpus=..."), if present. */
void rthc_evidence_param(struct rthc_result *r, const struct rthc_cmdline *cl, const char *key);
/* One item per CPU of set (up to the result's item cap), each with the same reason. */
void rthc_items_cpus(struct rthc_result *r, const struct rthc_cpuset *set, const char *reason);
/*
 * ISO CPUs whose SMT siblings are outside ISO, into out (one item per leak into r when r is not
 * NULL). Returns 1 if every online ISO CPU had sibling information, 0 if some had none, or the
 * first sibling read error (negative errno).
 */
int rthc_iso_sibling_leaks(const struct rthc_facts *f, struct rthc_cpuset *out, struct rthc_result *r);
