/* Checks of the proc family (spec/checks.md). */
#include "check.h"

const struct rthc_check rthc_checks_proc[] = {
	{0},
};
