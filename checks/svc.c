/* Checks of the svc family (spec/checks.md). */
#include "check.h"

const struct rthc_check rthc_checks_svc[] = {
	{0},
};
