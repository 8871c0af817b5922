/*
 * Boot configuration and the kernel log of this boot, read through the host accessor:
 *
 * - the command line the NEXT boot will use, from the boot loader configuration: the default Boot
 *   Loader Specification entry (/boot/loader/entries/ID.conf `options`, with GRUB environment
 *   variables such as $kernelopts and $tuned_params expanded from grubenv), /etc/kernel/cmdline
 *   (kernel-install, UKIs), or /etc/default/grub plus /etc/default/grub.d/NAME.cfg
 *   (GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT, evaluated with shell quoting), and tuned's
 *   /etc/tuned/bootcmdline;
 * - the kernel log (/dev/kmsg), read non-blocking to its end.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

struct rthc_cmdline;
struct rthc_host;

/* ---- shell-style assignment files (/etc/default/grub, /etc/tuned/bootcmdline) ---- */

struct rthc_bootcfg_var {
	char *name, *value; /* owned */
};

struct rthc_bootcfg_env {
	struct rthc_bootcfg_var *v; /* owned */
	size_t n;
};

void rthc_bootcfg_env_done(struct rthc_bootcfg_env *env);
/* The value of a variable, or NULL when it was never assigned. */
const char *rthc_bootcfg_env_get(const struct rthc_bootcfg_env *env, const char *name);
/* Assign a copy of value (-ENOMEM). */
int rthc_bootcfg_env_set(struct rthc_bootcfg_env *env, const char *name,
			 const char *value) _must_check_;
/*
 * Evaluate the `NAME=word` assignments of a shell file into env (variables already in env are
 * visible, as when grub-mkconfig sources grub.d drop-ins after /etc/default/grub). The word follows
 * POSIX shell quoting: '...' literal, "..." with $VAR, ${VAR}, ${VAR:-w}, ${VAR:+w} and the \$ \"
 * \\ \` escapes, unquoted text with the same expansions. A leading `export ` is allowed; other
 * commands are skipped. -EINVAL on an unterminated quote; *line (optional) gets its line number.
 */
int rthc_bootcfg_shell_eval(const char *text, struct rthc_bootcfg_env *env,
			    unsigned *line) _must_check_;

/* ---- the next boot's command line ---- */

struct rthc_bootcfg {
	char *line; /* owned: the command line the boot loader will pass */
	char *source; /* owned: the file it came from; on error, the file that failed */
	char *detail; /* owned: how it was assembled (default entry choice, expanded variables), or
			 NULL */
	char *tuned; /* owned: TUNED_BOOT_CMDLINE of /etc/tuned/bootcmdline, NULL without that file
		      */
	bool tuned_only; /* no boot loader configuration: line holds tuned's parameters only */
};

/*
 * Find and assemble the next boot's command line, in this order: the default BLS entry, then
 * /etc/kernel/cmdline, then /etc/default/grub (+ grub.d), then /etc/tuned/bootcmdline alone.
 * Returns 0, -ENOENT when none exists, or a negative errno with cfg->source naming the file that
 * could not be read or parsed.
 */
int rthc_bootcfg_next(struct rthc_host *h, struct rthc_bootcfg *cfg) _must_check_;
void rthc_bootcfg_done(struct rthc_bootcfg *cfg);

/* A difference in one RT-relevant boot parameter. */
struct rthc_bootcfg_diff {
	const char *key; /* static: the parameter as the catalog names it */
	char *running; /* owned; NULL when absent from the running command line */
	char *next; /* owned; NULL when absent from the next boot's */
};

/*
 * Compare the RT-relevant parameters (isolation lists, tick, RCU, watchdogs, power, hugepages,
 * ...) of two command lines. CPU lists compare canonically ("1-3" == "1,2,3"), isolcpus= by flags
 * and list, hugepage parameters as their ordered sequence, names with '-' == '_'. When only_in is
 * given, only keys present in it are compared (for tuned's partial command line).
 */
int rthc_bootcfg_compare(const struct rthc_cmdline *running, const struct rthc_cmdline *next,
			 const struct rthc_cmdline *only_in, struct rthc_bootcfg_diff **diffs,
			 size_t *ndiffs) _must_check_;
void rthc_bootcfg_diffs_free(struct rthc_bootcfg_diff *diffs, size_t n);

/* ---- the kernel log ---- */

/*
 * Read /dev/kmsg non-blocking until its end (EAGAIN, or EOF for a file in a tree), records
 * overwritten while reading (EPIPE) are skipped. The text holds one "prio,seq,ts,flags;message"
 * record per line, continuation lines start with a space. live && !privileged gives -EACCES
 * without trying (the log may be restricted and a partial log must not pass).
 */
int rthc_bootcfg_kmsg_read(struct rthc_host *h, bool privileged, char **ret,
			   size_t *len) _must_check_;
/*
 * Count the log messages containing needle; the first such message (without its record header)
 * is copied to first (truncated to firstsz) when first is not NULL.
 */
unsigned rthc_bootcfg_kmsg_count(const char *log, const char *needle, char *first, size_t firstsz);

/* ---- did the running kernel apply its boot parameters? ---- */

struct rthc_facts;
struct rthc_tasks;

enum rthc_bootcfg_effect {
	RTHC_BOOTCFG_APPLIED, /* the runtime interface shows the parameter's effect */
	RTHC_BOOTCFG_NOT_APPLIED, /* it shows something else: misspelt, unsupported, rejected,
				     undone */
	RTHC_BOOTCFG_UNVERIFIED, /* no runtime interface to look at (tree without it, no
				    /proc/<pid>) */
};

struct rthc_bootcfg_effect_of {
	char *param; /* owned: the parameter as written ("isolcpus=1-3") */
	enum rthc_bootcfg_effect effect;
	char *seen; /* owned: what the runtime interface shows, or why it is unverified */
	const char *where; /* static: the runtime interface */
};

/*
 * For each RT parameter on the running command line (isolcpus, nohz_full, rcu_nocbs, irqaffinity,
 * kthread_cpus, systemd.cpu_affinity, nosoftlockup, nowatchdog, nmi_watchdog, mce=ignore_ce,
 * transparent_hugepage, numa_balancing, nosmt, clocksource, and module parameters of rcutree,
 * rcupdate, intel_idle, processor, kvm, kvm_intel, kvm_amd, workqueue), whether the running kernel
 * shows its effect. tasks may be NULL or without pids (those parameters are then unverified).
 */
int rthc_bootcfg_effects(struct rthc_host *h, const struct rthc_facts *f,
			 const struct rthc_tasks *tasks, struct rthc_bootcfg_effect_of **out,
			 size_t *n) _must_check_;
void rthc_bootcfg_effects_free(struct rthc_bootcfg_effect_of *v, size_t n);
