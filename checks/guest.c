/* Checks of the guest family (spec/checks.md). */
#include "check.h"

const struct rthc_check rthc_checks_guest[] = {
	{0},
};
