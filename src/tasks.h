/*
 * Tasks (processes and kernel threads) from /proc/<pid>/{stat,status}, gathered once per run on
 * first use. Threads of a process (/proc/<pid>/task/<tid>) are read only on request.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "cpuset.h"

struct rthc_host;

#define RTHC_PF_KTHREAD 0x00200000u

struct rthc_task {
	int pid, ppid;
	char comm[64];
	char state;
	unsigned flags;       /* stat field 9 */
	int processor;        /* stat field 39: CPU last run on */
	unsigned rt_priority; /* stat field 40 */
	unsigned policy;      /* stat field 41: 0 OTHER, 1 FIFO, 2 RR, 3 BATCH, 5 IDLE, 6 DEADLINE */
	bool has_allowed;
	struct rthc_cpuset allowed; /* Cpus_allowed_list from status */
};

struct rthc_tasks {
	struct rthc_task *v; /* owned */
	size_t n;
	int err;        /* listing /proc failed */
	bool have_pids; /* /proc holds numeric entries at all (false in most snapshots) */
};

/* Read every /proc/<pid>. Tasks that vanish while reading are skipped. */
int rthc_tasks_gather(struct rthc_host *h, struct rthc_tasks **ret);
struct rthc_tasks *rthc_tasks_free(struct rthc_tasks *t);
/* Kernel thread: PF_KTHREAD, or kthreadd (pid 2) and its children. */
bool rthc_task_is_kthread(const struct rthc_task *t);
/* Parse one /proc/<pid>/stat line into t (comm, state, ppid, flags, processor, rt_priority, policy). */
int rthc_task_parse_stat(const char *line, struct rthc_task *t);
const char *rthc_task_policy_name(unsigned policy);
