/* Internals shared by hw-kmod.c and hw-kmod-conf.c (not an API). */
#pragma once

#include <limits.h>
#include <stddef.h>

struct kmod_ctx;
struct rthc_host;

/* kmod's default configuration directories, in its order of precedence. */
#define RTHC_KMOD_NCONF 5
extern const char *const rthc_kmod_conf_dirs[RTHC_KMOD_NCONF];

struct kmod_opt {
	char *module, *options; /* owned */
};

/* Owned by the caller of rthc_kmod_new(). */
struct rthc_kmod {
	struct rthc_host *h; /* borrowed */
	struct kmod_ctx *ctx; /* owned */
	char *moddir; /* owned; "/lib/modules/<release>" as on the target, NULL if unknown */
	struct kmod_opt *opts; /* owned; `options` lines of the target's files */
	size_t nopts;
	char **blacklist; /* owned; normalised names */
	size_t nblacklist;
	char err_path[PATH_MAX];
};
