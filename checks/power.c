/* Checks of the power family (spec/checks.md). */
#include "check.h"

const struct rthc_check rthc_checks_power[] = {
	{0},
};
