/* Running the checks of the registry into the report. */
#pragma once

#include "ctx.h"

/* Evaluate every registered check into ctx->report (selection, mode, live and sample rules). */
void rthc_run_checks(struct rthc_ctx *ctx);
/* Evaluate one result again (after --apply). */
void rthc_run_one(struct rthc_ctx *ctx, struct rthc_result *r);
