/*
 * What the running kernel makes of the isolation parameters, for the core checks: the kernel
 * rewrites what the command line asks for (kernel/sched/isolation.c housekeeping_setup(),
 * kernel/time/tick-sched.c tick_nohz_init(), kernel/rcu/tree_nocb.h rcu_nocb_setup() and
 * rcu_init_nohz()), and where the catalog and the kernel disagree, the kernel wins.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "cpuset.h"
#include "macro.h"

struct rthc_ctx;
struct rthc_facts;
struct rthc_isolation;
struct rthc_result;

#define _cleanup_cpuset_ _cleanup_(rthc_cpuset_done)

/*
 * The inputs behind ISO are sound: CPUs enumerated, /sys/devices/system/cpu/{isolated,nohz_full}
 * and /sys/fs/cgroup/cpuset.cpus.isolated readable and well-formed when present (a zero-length
 * file is truncated: the kernel always ends them with a newline), and /proc/cmdline readable
 * when a sysfs file is absent. Returns false after setting an error result naming the path.
 */
bool rthc_iso_inputs_ok(struct rthc_ctx *ctx, struct rthc_result *r);

/*
 * Whether tick_nohz_init() removes the boot CPU from nohz_full: with CONFIG_PM_SLEEP_SMP and
 * without CONFIG_PM_SLEEP_SMP_NONZERO_CPU (every x86 distribution kernel), or when the config is
 * unknown.
 */
bool rthc_iso_boot_cpu_dropped(const struct rthc_facts *f);

/* Whether the kernel can run adaptive ticks: 1 yes, 0 no (CONFIG_NO_HZ_FULL off), -1 unknown. */
int rthc_iso_nohz_supported(const struct rthc_facts *f);

/*
 * The adaptive-tick CPUs as the kernel runs them: /sys/devices/system/cpu/nohz_full when
 * present; else nohz_full= (and isolcpus=nohz) without the boot CPU, or nothing on a kernel
 * without CONFIG_NO_HZ_FULL.
 */
int rthc_iso_nohz(const struct rthc_facts *f, struct rthc_cpuset *out);

/*
 * The RCU-offloaded CPUs as rcu_init_nohz() sets them up: none without CONFIG_RCU_NOCB_CPU;
 * every CPU for a malformed rcu_nocbs= ("bad CPU range, all CPUs set") or with
 * CONFIG_RCU_NOCB_CPU_DEFAULT_ALL and no list; else rcu_nocbs= ∪ nohz_full. *how (optional) gets
 * a static phrase naming the rule that applied, or NULL for the ordinary union.
 */
int rthc_iso_offloaded(const struct rthc_facts *f, struct rthc_cpuset *out, const char **how);

/* CPU 0 and its SMT siblings (empty when CPU 0 does not exist). */
int rthc_iso_boot_core(const struct rthc_facts *f, struct rthc_cpuset *out);

/*
 * base minus the first online core (with its SMT siblings) of every NUMA node, or of the host
 * when there are no nodes: a set that leaves each node a housekeeping core. base NULL means all
 * online CPUs, which is what a remedy suggests when nothing is isolated yet.
 */
int rthc_iso_reserve_hk(const struct rthc_facts *f, const struct rthc_cpuset *base,
			struct rthc_cpuset *out);

/*
 * The isolcpus= value a remedy writes for cpus, malloc'd: the flags asked for (RTHC_ISOL_*; a nohz
 * flag already on the command line is kept) that the running kernel knows, then the list. Kernels
 * before 4.15 take no flags at all (a flag makes them ignore the parameter), and managed_irq
 * exists since 5.6. NULL on ENOMEM.
 */
char *rthc_iso_isolcpus_value(const struct rthc_facts *f, const struct rthc_cpuset *cpus,
			      unsigned flags);

/* Whether the running kernel knows isolcpus=managed_irq (5.6+; unknown release: yes). */
bool rthc_iso_has_managed_irq(const struct rthc_facts *f);

/* "one" for a single CPU, else "many": "CPU 4 shares" / "CPUs 2-3 share". */
static inline const char *rthc_iso_plural(const struct rthc_cpuset *s, const char *one,
					  const char *many)
{
	return rthc_cpuset_count(s) == 1 ? one : many;
}

/* A CPU list for a remedy: the canonical list, or "<isolated-cpus>" when empty; NULL on ENOMEM. */
char *rthc_iso_list_or_placeholder(const struct rthc_cpuset *cpus);

/*
 * The sibling file of the first online isolated CPU whose SMT sibling information is missing or
 * bad, in path, with its error (-ENOENT when no sibling file exists): the accessor caches
 * whole-file reads, so this re-reads nothing. 0 when every online isolated CPU has siblings.
 */
int rthc_iso_sibling_error(struct rthc_ctx *ctx, char *path, size_t size);
