/* Checks of the cmdline-tuning family (spec/checks.md). */
#include "check.h"

const struct rthc_check rthc_checks_cmdline_tuning[] = {
	{0},
};
