/*
 * Private to the sys area's check files: the run functions whose descriptors live in
 * kernel-config.c, cmdline-tuning.c, sched-tuning.c and timer.c while their code lives in the
 * split-out files (kernel-config-boot.c, cmdline-tuning-wd.c, sched-tuning-kthreads.c,
 * timer-misc.c), and the task helpers they share.
 */
#pragma once

#include <stdbool.h>

struct rthc_cpuset;
struct rthc_ctx;
struct rthc_result;
struct rthc_tasks;

/* kernel-config-boot.c */
void rthc_sys_cmdline_pending(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_sys_nohz_equals_isolcpus(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_sys_cmdline_vs_runtime(struct rthc_ctx *ctx, struct rthc_result *r);

/* cmdline-tuning-wd.c */
void rthc_sys_softlockup(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_sys_cmdline_nmi_watchdog(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_sys_wd_nmi_watchdog(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_sys_watchdog_cpumask(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_sys_hung_task(struct rthc_ctx *ctx, struct rthc_result *r);

/* sched-tuning-kthreads.c */
void rthc_sys_percpu_kthread_prio(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_sys_rcu_kthread_prio(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_sys_rcu_offload_threads(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_sys_rcu_normal(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_sys_rcu_patience(struct rthc_ctx *ctx, struct rthc_result *r);

/* timer-misc.c */
void rthc_sys_dmesg(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_sys_mce(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_sys_audit(struct rthc_ctx *ctx, struct rthc_result *r);

/* sched-tuning.c: shared task helpers */
/* SCHED_FIFO or SCHED_RR. */
bool rthc_sys_is_rt_policy(unsigned policy);
/* The isolated set is not empty; else a not_applicable result. */
bool rthc_sys_have_iso(struct rthc_ctx *ctx, struct rthc_result *r);
/* The process list; else an error result (trees rarely hold /proc/<pid>). */
const struct rthc_tasks *rthc_sys_need_tasks(struct rthc_ctx *ctx, struct rthc_result *r);
/* The highest RT priority of user threads allowed on cpu (on any CPU of iso when cpu < 0). */
unsigned rthc_sys_user_rt_prio(const struct rthc_tasks *ts, const struct rthc_cpuset *iso, int cpu);
/* --set vcpu_prio (1-99, default 1: libvirt's example), for CPUs with no visible RT thread. */
unsigned rthc_sys_assumed_vcpu_prio(struct rthc_ctx *ctx, struct rthc_result *r);
