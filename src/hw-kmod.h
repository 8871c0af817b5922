/*
 * Kernel module state and modprobe configuration of the target.
 *
 * Configuration (install commands, blacklists, options) comes from libkmod: kmod_new() with the
 * module directory and the kmod default config directories under the root (etc, run,
 * usr/local/lib, lib and usr/lib modprobe.d). libkmod also adds entries from the *running*
 * kernel's /proc/cmdline (modprobe.blacklist=, module.param=); those are dropped here, so the
 * answers describe the target's files only. Boot parameters of the target come from its facts.
 *
 * Module state goes through the accessor: /proc/modules and /sys/module/<name> for what is
 * loaded, and depmod's text outputs modules.dep, modules.builtin and modules.alias under
 * /lib/modules/<release> for what the kernel has (libkmod's lookups need the binary .bin
 * indexes, which snapshots and fixtures often lack).
 *
 * Module names compare the way kmod does: '-' and '_' are the same character.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

struct rthc_host;
struct rthc_kmod;

/*
 * release: the target's kernel release (NULL when unknown: then the module-directory queries
 * fail with -ENOENT naming /proc/sys/kernel/osrelease). The host is borrowed.
 */
int rthc_kmod_new(struct rthc_host *h, const char *release, struct rthc_kmod **ret) _must_check_;
struct rthc_kmod *rthc_kmod_free(struct rthc_kmod *k);
static inline void rthc_kmod_freep(struct rthc_kmod **k)
{
	rthc_kmod_free(*k);
}
#define _cleanup_kmod_ _cleanup_(rthc_kmod_freep)

/* The input behind the last negative return of a query, as on the target ("/proc/modules"). */
const char *rthc_kmod_err_path(const struct rthc_kmod *k);

/* name with '-' turned into '_' (up to a '.'), into buf; -ENAMETOOLONG if it does not fit. */
int rthc_kmod_normalize(const char *name, char *buf, size_t size);

enum rthc_kmod_load_state {
	RTHC_KMOD_NOT_LOADED,
	RTHC_KMOD_LOADED, /* a loadable module: /proc/modules, or /sys/module/N/initstate */
	RTHC_KMOD_BUILTIN, /* /sys/module/N without initstate: built into the kernel */
};
const char *rthc_kmod_load_state_to_string(enum rthc_kmod_load_state s);
/*
 * Whether name is loaded. /proc/modules decides for loadable modules; without it (a tree that has
 * none) /sys/module/N/initstate does. -ENOENT when neither /proc/modules nor /sys/module exists.
 */
int rthc_kmod_load_state(struct rthc_kmod *k, const char *name,
			 enum rthc_kmod_load_state *state) _must_check_;

/* 1 if modules.builtin lists name, 0 if not, negative errno if it cannot be read. */
int rthc_kmod_builtin(struct rthc_kmod *k, const char *name) _must_check_;
/*
 * 1 and the module's path relative to the module directory (malloc'd, optional) if modules.dep
 * has it, 0 if not, negative errno if modules.dep cannot be read.
 */
int rthc_kmod_module_path(struct rthc_kmod *k, const char *name, char **path) _must_check_;
/*
 * Whether the kernel has the module at all: built in, a module file in modules.dep, or an alias in
 * modules.alias that resolves to one. 1 yes, 0 absent from the kernel, negative errno when a file
 * needed to tell cannot be read.
 */
int rthc_kmod_in_kernel(struct rthc_kmod *k, const char *name) _must_check_;

/*
 * The install command modprobe runs instead of loading name (libkmod: the first matching
 * `install` line), malloc'd in *cmd. 1 found, 0 none, negative errno.
 */
int rthc_kmod_install_command(struct rthc_kmod *k, const char *name, char **cmd) _must_check_;
/*
 * Whether an install command certainly stops the module from loading. Conservative: only a command
 * that does nothing and loads nothing counts: `false`, `true` or `:` by any path (with any
 * arguments), `exit N`, or `sh -c` (also bash, dash) running one of those. Anything else (a
 * script, `echo`, a command with shell operators, one that runs modprobe or insmod) may load the
 * module and does not count.
 */
bool rthc_kmod_install_blocks(const char *cmd);
/* 1 if a `blacklist name` line exists in the target's files, 0 if not. */
int rthc_kmod_blacklisted(struct rthc_kmod *k, const char *name) _must_check_;
/*
 * The value of module parameter param from `options` lines for module (every matching line in
 * libkmod's order, the last occurrence wins, '-' == '_' in parameter names), malloc'd ("" for a
 * bare parameter). 1 found, 0 not set, negative errno.
 */
int rthc_kmod_option(struct rthc_kmod *k, const char *module, const char *param,
		     char **value) _must_check_;
/*
 * For evidence: the first modprobe.d line (in libkmod's file order) that starts with keyword and
 * names module; *path (as on the target) and *line are malloc'd. 1 found, 0 none, negative errno.
 */
int rthc_kmod_config_line(struct rthc_kmod *k, const char *keyword, const char *module, char **path,
			  char **line) _must_check_;
