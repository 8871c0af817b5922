/* Checks of the kvm family (spec/checks.md). */
#include "check.h"

const struct rthc_check rthc_checks_kvm[] = {
	{0},
};
