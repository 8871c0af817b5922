/*
 * The kernel command line, split with the kernel's own rules (lib/cmdline.c next_arg(),
 * kernel/params.c parse_args()): white space (the kernel's isspace(), Latin-1) separates
 * parameters except inside double quotes, which toggle and cannot be escaped; `key=value` splits
 * at the first '=' (not at the very start); a value that starts with a quote loses it and a
 * quote that ends the parameter, as does a parameter that starts with one; `--` (after quote
 * removal, without '=') ends the kernel's parameters, the rest go to init. Parameter names
 * compare with '-' and '_' as equal (parameq()).
 *
 * Lookups return the last occurrence, which is what most parameters keep. isolcpus= and
 * nohz_full= are different: the kernel keeps the first and ignores a later one that names other
 * CPUs; the isolation facts (facts-isolation.c) model that.
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
 * while the value starts with a letter, a "nohz," "domain," or "managed_irq," flag (exact case)
 * is taken and any other word of letters and '_' up to a ',' is skipped; with no known flag,
 * "domain" is implied (only then: "managed_irq,2-3" does not isolate domains).
 * names_out, if not NULL, receives the flag names in the order given (at most 3, NULL-terminated,
 * so it must hold 4 entries); an implied "domain" is listed. -EINVAL, with *flags 0 and no names,
 * for a word with other characters (the kernel ignores the whole parameter) or a word without a
 * ',' after it, which includes a list that starts with "N" or "all" (the kernel reads them as
 * flags). The list is then parsed with rthc_cpuset_parse_list(..., nbits); its errors are
 * returned with *flags and the names set.
 */
int rthc_cmdline_parse_isolcpus(const char *value, unsigned nbits, unsigned *flags,
				const char **names_out, struct rthc_cpuset *cpus);
