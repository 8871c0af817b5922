/* Checks of the modules family (spec/checks.md). */
#include "check.h"

const struct rthc_check rthc_checks_modules[] = {
	{0},
};
