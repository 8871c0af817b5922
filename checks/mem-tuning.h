/*
 * Memory tuning checks (spec/checks.md §7 except mem.hugepages, cmdline.hugepages of §1 and the
 * memory cross-checks of §12): checks/mem-tuning.c holds the descriptor table,
 * mem-tuning-vm.c the sysctls, THP and KSM, mem-tuning-swap.c swap and memory locking,
 * mem-tuning-huge.c hugetlbfs, per-node pools and housekeeping, mem-tuning-hpcmd.c the
 * hugepage command line.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

#define RTHC_HUGEPAGES_DIR "/sys/kernel/mm/hugepages"
#define RTHC_NODE_DIR "/sys/devices/system/node"

/*
 * A kernel interface that is absent because the kernel was built without the feature: true when
 * the kernel config is known and option is not set (the caller then passes with that reason).
 */
bool rthc_mem_built_without(const struct rthc_facts *f, const char *option);

/* The default hugepage size in KiB (/proc/meminfo Hugepagesize); < 0 after an error result. */
int rthc_mem_default_hugepage_kb(struct rthc_ctx *ctx, struct rthc_result *r, uint64_t *kb);

void rthc_mem_thp(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_mem_ksm(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_mem_compact_unevictable(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_mem_stat_interval(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_mem_dirty(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_mem_swap(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_mem_mlock_limit(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_mem_swap_lock(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_mem_hugetlbfs(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_mem_cmdline_hugepages(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_mem_hugepages_node(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_mem_hk_per_node(struct rthc_ctx *ctx, struct rthc_result *r);
