/*
 * Shared parts of the guest family (checks/guest*.c): the check functions that checks/guest.c
 * puts in its table, and the pure judging steps of the live-only checks (CPUID, timed samples),
 * exported so that unit tests can feed them values.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rthc_ctx;
struct rthc_facts;
struct rthc_result;

/* KVM paravirt CPUID (Documentation/virt/kvm/x86/cpuid.rst), at the base leaf + 1. */
enum {
	RTHC_KVM_FEATURE_CLOCKSOURCE2 = 3,
	RTHC_KVM_FEATURE_STEAL_TIME = 5,
	RTHC_KVM_FEATURE_PV_EOI = 6,
	RTHC_KVM_FEATURE_PV_UNHALT = 7,
	RTHC_KVM_FEATURE_PV_TLB_FLUSH = 9,
	RTHC_KVM_FEATURE_PV_SEND_IPI = 11,
	RTHC_KVM_FEATURE_POLL_CONTROL = 12,
	RTHC_KVM_FEATURE_PV_SCHED_YIELD = 13,
	RTHC_KVM_FEATURE_CLOCKSOURCE_STABLE_BIT = 24,
	RTHC_KVM_HINTS_REALTIME = 0,
};

struct rthc_guest_kvm_cpuid {
	bool kvm;          /* a "KVMKVMKVM" signature was found */
	unsigned base;     /* its leaf (0x40000000, or higher behind Hyper-V enlightenments) */
	unsigned features; /* EAX of base + 1 */
	unsigned hints;    /* EDX of base + 1 */
};

/* The KVM CPUID leaves of the running x86 guest; false elsewhere (not x86, no KVM signature). */
bool rthc_guest_kvm_cpuid(struct rthc_guest_kvm_cpuid *out);
/* guest.kvm_hints from CPUID values. */
void rthc_guest_kvm_hints_judge(struct rthc_result *r, const struct rthc_guest_kvm_cpuid *k);

/*
 * Whether the target is x86 (a "flags" line in /proc/cpuinfo); false after setting r to error
 * (no /proc/cpuinfo) or not_applicable (another architecture).
 */
bool rthc_guest_x86(struct rthc_ctx *ctx, struct rthc_result *r);

/*
 * guest.clocksource: current and available clocksource; stable is the KVM
 * CLOCKSOURCE_STABLE_BIT (1, 0, or -1 when CPUID cannot be read: a tree, not KVM).
 */
void rthc_guest_clocksource_judge(struct rthc_result *r, const char *current, const char *available,
				  int stable);

/* Steal time per CPU from /proc/stat (the 8th value of each cpuN line, in USER_HZ ticks). */
struct rthc_guest_stat {
	uint64_t *steal; /* owned; indexed by CPU */
	bool *have;      /* owned; whether CPU N had a line */
	unsigned n;      /* entries */
};

void rthc_guest_stat_done(struct rthc_guest_stat *s);
/*
 * Parse one line: 1 for a cpuN line (cpu, steal filled), 0 for any other line, -ENODATA for a
 * cpuN line without a steal column (kernels before 2.6.11), -EINVAL for garbage.
 */
int rthc_guest_stat_line(const char *line, size_t len, unsigned *cpu, uint64_t *steal);
/* Read /proc/stat (streamed, never cached: a sample reads it twice). */
int rthc_guest_stat_read(struct rthc_ctx *ctx, struct rthc_guest_stat *s);
/* guest.steal from two samples taken seconds apart. */
void rthc_guest_steal_judge(struct rthc_ctx *ctx, struct rthc_result *r,
			    const struct rthc_guest_stat *before,
			    const struct rthc_guest_stat *after, double seconds);

/* guest.jitter_probe: the largest gap seen on each probed vCPU (ns, or -errno: not pinned). */
struct rthc_guest_jitter {
	unsigned cpu;
	int64_t gap_ns;
};

void rthc_guest_jitter_judge(struct rthc_result *r, const struct rthc_guest_jitter *v, size_t n,
			     int64_t budget_us, double window);

/* The checks. */
void rthc_guest_detect(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_guest_vcpus(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_guest_clocksource(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_guest_tsc_deadline(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_guest_invtsc(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_guest_cpu_model(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_guest_topology(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_guest_pmu(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_guest_memballoon(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_guest_usb(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_guest_graphics(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_guest_steal(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_guest_kvm_hints(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_guest_idle(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_guest_x2apic(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_guest_isolation(struct rthc_ctx *ctx, struct rthc_result *r);
void rthc_guest_jitter_probe(struct rthc_ctx *ctx, struct rthc_result *r);
