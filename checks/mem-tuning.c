/* Checks of the mem-tuning family (spec/checks.md). */
#include "check.h"

const struct rthc_check rthc_checks_mem_tuning[] = {
	{0},
};
