/* Checks of the cpu-inventory family (spec/checks.md). */
#include "check.h"

const struct rthc_check rthc_checks_cpu_inventory[] = {
	{0},
};
