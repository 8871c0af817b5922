/*
 * Host facts, gathered once per run through the accessor and shared read-only by every check:
 * kernel, command line, topology, isolation sets, virtualization. A fact that could not be read
 * keeps the error and the path, so a check can say exactly what was missing.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "cpuset.h"

struct rthc_cmdline;
struct rthc_host;

/* Why a fact is unknown: err < 0 and the path that failed; err == 0 means known. */
struct rthc_fact_err {
	int err;
	char *path; /* owned */
};

enum rthc_preempt_model {
	RTHC_PREEMPT_UNKNOWN,
	RTHC_PREEMPT_NONE,
	RTHC_PREEMPT_VOLUNTARY,
	RTHC_PREEMPT_FULL,
	RTHC_PREEMPT_RT,
	_RTHC_PREEMPT_MAX,
};
const char *rthc_preempt_model_to_string(enum rthc_preempt_model m);

struct rthc_kernel_facts {
	char *release; /* owned; NULL if unreadable (release_err) */
	char *version; /* owned; /proc/sys/kernel/version ("#1 SMP PREEMPT_RT ...") */
	struct rthc_fact_err release_err, version_err;
	struct rthc_cmdline *cmdline; /* owned; NULL if unreadable (cmdline_err) */
	struct rthc_fact_err cmdline_err;
	int realtime_sysfs;  /* /sys/kernel/realtime: 1, 0, or -1 when absent/unreadable */
	bool preempt_rt;     /* any positive signal */
	const char *preempt_rt_evidence; /* static description of that signal, or NULL */
	enum rthc_preempt_model preempt_model;
	char *config;        /* owned kernel config text, NULL if none was found */
	char *config_path;   /* owned; where it came from */
	int major, minor;    /* parsed from release; -1 if unknown */
};

struct rthc_cpu {
	unsigned id;
	bool online;
	bool has_topology; /* topology/ directory readable, or ids from /proc/cpuinfo (old x86) */
	int package, die, core, node; /* -1 when unknown */
	int book, drawer;  /* s390 book_id/drawer_id; -1 elsewhere */
	bool has_siblings;
	int siblings_err; /* < 0: sibling files present but unreadable or garbage */
	struct rthc_cpuset siblings; /* SMT siblings including the CPU itself */
};

struct rthc_node {
	unsigned id;
	struct rthc_cpuset cpus; /* empty for a memory-only node */
};

struct rthc_topology {
	struct rthc_cpuset possible, present, online, offline;
	unsigned nr_cpu_ids; /* highest possible CPU + 1: the bound for cpulists */
	struct rthc_cpu *cpus; /* owned; one per possible CPU, ascending id */
	size_t ncpus;
	struct rthc_node *nodes; /* owned; ascending id */
	size_t nnodes;
	/*
	 * Among online CPUs: sockets = distinct packages, cores = distinct physical cores, each
	 * identified by its sibling set (package_cpus/core_siblings, thread_siblings/core_cpus) as
	 * lscpu does, else by its ids (drawer, book, package, die, core), so that ids that are
	 * missing (-1) or only unique within a book (s390) or cluster (RISC-V) still count right.
	 * threads_per_core = the largest thread sibling set. 0 when unknown.
	 */
	unsigned sockets, cores, threads_per_core;
	int smt_active;    /* 1, 0, or -1 when unknown */
	char *smt_control; /* owned; /sys/devices/system/cpu/smt/control or NULL */
	struct rthc_fact_err err; /* CPUs could not be enumerated at all */
	struct rthc_fact_err bad; /* the first topology file that was present but unreadable/garbage */
};

/* A command-line CPU list: present on the command line, parsed (err 0) or rejected. */
struct rthc_cmdline_cpus {
	bool present;
	int err;            /* parse error (the kernel ignores such a parameter) */
	struct rthc_cpuset cpus;
	bool refused;       /* isolcpus=/nohz_full=: an occurrence naming other CPUs than an earlier
			     * isolcpus=/nohz_full= was ignored by the kernel ("must match") */
};

/* A sysfs CPU list: state 1 read, 0 absent, < 0 error. */
struct rthc_sysfs_cpus {
	int state;
	struct rthc_cpuset cpus;
	const char *path; /* static */
};

struct rthc_isolation {
	struct rthc_cmdline_cpus isolcpus, nohz_full, rcu_nocbs, irqaffinity;
	unsigned isolcpus_flags;              /* RTHC_ISOL_* */
	const char *isolcpus_flag_names[4];   /* static strings, NULL-terminated */
	struct rthc_sysfs_cpus isolated_effective; /* /sys/devices/system/cpu/isolated */
	struct rthc_sysfs_cpus nohz_full_effective; /* /sys/devices/system/cpu/nohz_full */
	struct rthc_sysfs_cpus cgroup_isolated; /* /sys/fs/cgroup/cpuset.cpus.isolated */
	struct rthc_cpuset domain;       /* domain-isolated CPUs (effective, else command line) */
	struct rthc_cpuset nohz;         /* adaptive-tick CPUs (effective, else command line) */
	struct rthc_cpuset offloaded;    /* RCU-offloaded CPUs: rcu_nocbs ∪ nohz */
	struct rthc_cpuset isolated;     /* ISO: the RT set the checks use */
	struct rthc_cpuset housekeeping; /* online − ISO */
	const char *isolated_source;     /* static: where ISO came from ("sysfs", "cmdline", "none", "override") */
};

enum rthc_virt_role { RTHC_ROLE_HOST, RTHC_ROLE_GUEST };
enum rthc_hypervisor {
	RTHC_HV_NONE,
	RTHC_HV_KVM,
	RTHC_HV_XEN,
	RTHC_HV_VMWARE,
	RTHC_HV_HYPERV,
	RTHC_HV_OTHER,
	RTHC_HV_UNKNOWN,
	_RTHC_HV_MAX,
};
const char *rthc_hypervisor_to_string(enum rthc_hypervisor hv);

struct rthc_virt {
	enum rthc_virt_role role;
	enum rthc_hypervisor hypervisor;
	char *evidence; /* owned; what decided it, or NULL */
	const char *evidence_source; /* static: the file (or "CPUID") behind the evidence, or NULL */
	/* Live x86: the CPUID 0x40000000 vendor signature when the hypervisor bit is set, else "". */
	char signature[13];
	/*
	 * Static: why a host still names a hypervisor (Xen dom0, the Hyper-V root partition, a Xen
	 * domain whose dom0/domU role cannot be read), or NULL. The evidence stays NULL for a host.
	 */
	const char *host_note;
};

struct rthc_facts {
	char *hostname; /* owned; NULL if unreadable */
	struct rthc_kernel_facts kernel;
	struct rthc_topology topology;
	struct rthc_isolation isolation;
	struct rthc_virt virt;
	const char *cpuinfo; /* /proc/cpuinfo text, borrowed from the accessor's cache (valid while
			      * the host lives), NULL if unreadable */
	struct rthc_fact_err cpuinfo_err;
	struct rthc_tasks *tasks; /* owned; gathered on first use (rthc_facts_tasks) */
	/* IRQ state of the irq checks (checks/irq-state.c), gathered on first use so that the large
	 * /proc/interrupts is read once per run; freed by irq_free in rthc_facts_free(). */
	void *irq;
	void (*irq_free)(void *irq);
};

int rthc_facts_gather(struct rthc_host *h, struct rthc_facts **ret);
struct rthc_facts *rthc_facts_free(struct rthc_facts *f);

/* Pieces of the gathering, in facts-*.c; each fills its part and records its own errors. */
int rthc_facts_gather_kernel(struct rthc_host *h, struct rthc_kernel_facts *k);
int rthc_facts_gather_topology(struct rthc_host *h, struct rthc_topology *t);
int rthc_facts_gather_isolation(struct rthc_host *h, const struct rthc_kernel_facts *k,
				const struct rthc_topology *t, struct rthc_isolation *iso);
int rthc_facts_gather_virt(struct rthc_host *h, const struct rthc_facts *f, struct rthc_virt *v);
/* The value of the first "key : value" line of /proc/cpuinfo, trimmed, into buf (facts-virt.c). */
bool rthc_facts_cpuinfo_field(const struct rthc_facts *f, const char *key, char *buf, size_t size);
/* Replace ISO with an explicit set (a profile's isolated_cores) and recompute housekeeping. */
int rthc_facts_override_isolated(struct rthc_facts *f, const struct rthc_cpuset *iso);

/*
 * Kernel config lookup: the value of CONFIG_X ("y", "m", a number or string) from the config the
 * kernel facts found; NULL when the option is not set or unknown. *known tells whether a config
 * was available at all.
 */
const char *rthc_facts_kconfig(const struct rthc_facts *f, const char *option, bool *known, char *buf,
			       size_t bufsz);
/* The tasks of /proc, read on first use; NULL only on ENOMEM. */
const struct rthc_tasks *rthc_facts_tasks(struct rthc_facts *f, struct rthc_host *h);
/* The CPU record for a CPU id, or NULL. */
const struct rthc_cpu *rthc_facts_cpu(const struct rthc_facts *f, unsigned id);
/* Whether the /proc/cpuinfo flags (x86 "flags", arm "Features") of any CPU include flag. */
bool rthc_facts_cpu_flag(const struct rthc_facts *f, const char *flag);

void rthc_fact_err_set(struct rthc_fact_err *e, int err, const char *path);
void rthc_fact_err_done(struct rthc_fact_err *e);
