/* Checks of the hw family (spec/checks.md). */
#include "check.h"

const struct rthc_check rthc_checks_hw[] = {
	{0},
};
