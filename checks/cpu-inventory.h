/* Shared by checks/cpu-inventory.c, checks/cpu-partition.c and checks/hw.c. */
#pragma once

#include <stdbool.h>

struct rthc_ctx;
struct rthc_result;

/* cpu.cgroup_partition: the cgroup v2 cpuset partitions (checks/cpu-partition.c). */
void rthc_check_cgroup_partition(struct rthc_ctx *ctx, struct rthc_result *r);
/* Whether /proc/cpuinfo text is x86's: it has a "flags" line (arm has "Features", s390 "features").
 */
bool rthc_cpuinfo_is_x86(const char *cpuinfo);
