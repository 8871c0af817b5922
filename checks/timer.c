/* Checks of the timer family (spec/checks.md). */
#include "check.h"

const struct rthc_check rthc_checks_timer[] = {
	{0},
};
