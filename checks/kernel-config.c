/* Checks of the kernel-config family (spec/checks.md). */
#include "check.h"

const struct rthc_check rthc_checks_kernel_config[] = {
	{0},
};
