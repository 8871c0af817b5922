/*
 * The kernel command line, split with the kernel's own rules (lib/cmdline.c next_arg()):
 * white space separates parameters except inside double quotes, `key=value` splits at the first
 * '=', a quoted value has its quotes removed, and `--` ends the kernel's parameters (the rest go to
 * init). Parameter names compare with '-' and '_' as equal (kernel/params.c parameq()).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "cpuset.h"

struct rthc_cmdline_param {
	char *key;   /* owned */
	char *value; /* owned; NULL for a bare `key` (no '=') */
};

struct rthc_cmdline {
	char *raw; /* owned: the line as read, without the trailing newline */
	struct rthc_cmdline_param *params; /* owned */
	size_t nparams;
	size_t ninit; /* parameters after "--" (for init), not included in params */
};

int rthc_cmdline_parse(const char *line, struct rthc_cmdline **ret);
struct rthc_cmdline *rthc_cmdline_free(struct rthc_cmdline *c);

/* Compare parameter names the way the kernel does ('-' == '_'). */
bool rthc_cmdline_key_eq(const char *a, const char *b);
/* The last occurrence of key, or NULL. */
const struct rthc_cmdline_param *rthc_cmdline_find(const struct rthc_cmdline *c, const char *key);
/* Whether key occurs at all (bare or with a value). */
bool rthc_cmdline_has(const struct rthc_cmdline *c, const char *key);
/* Value of the last occurrence ("" for a bare key), or NULL when absent. */
const char *rthc_cmdline_get(const struct rthc_cmdline *c, const char *key);

/* isolcpus= flags (kernel/sched/isolation.c housekeeping_isolcpus_setup()). */
enum {
	RTHC_ISOL_NOHZ = 1u << 0,
	RTHC_ISOL_DOMAIN = 1u << 1,
	RTHC_ISOL_MANAGED_IRQ = 1u << 2,
};

/*
 * Split an isolcpus= value into flags and the CPU list as housekeeping_isolcpus_setup() does:
 * leading "nohz," "domain," "managed_irq," flags; unknown alphabetic flags are skipped; with no
 * known flag, "domain" is implied (only then: "managed_irq,2-3" does not isolate domains).
 * names_out, if not NULL, receives the flag names in the order given (at most 3, NULL-terminated,
 * so it must hold 4 entries); an implied "domain" is listed. A flag with characters other than
 * letters and '_' is -EINVAL (the kernel ignores the whole parameter). The list is parsed with
 * rthc_cpuset_parse_list(..., nbits).
 */
int rthc_cmdline_parse_isolcpus(const char *value, unsigned nbits, unsigned *flags,
				const char **names_out, struct rthc_cpuset *cpus);
