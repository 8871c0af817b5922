/* Checks of the irq family (spec/checks.md). */
#include "check.h"

const struct rthc_check rthc_checks_irq[] = {
	{0},
};
