/* Checks of the sched-tuning family (spec/checks.md). */
#include "check.h"

const struct rthc_check rthc_checks_sched_tuning[] = {
	{0},
};
