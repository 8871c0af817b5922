/* tuned's profiles as the files describe them (checks/svc-tuned.c), for the svc.* checks. */
#pragma once

#include <stdbool.h>

#include "cpuset.h"

struct rthc_ctx;
struct rthc_facts;
struct rthc_host;

#define RTHC_TUNED_MAX_CHAIN 16

struct rthc_tuned_profile {
	char name[64];
	char *conf_path; /* owned; the tuned.conf found, or NULL */
	char *isolated_cores; /* owned; [variables] isolated_cores (not the ${isolated_cores}
				 self-reference) */
	char *vars_include; /* owned; [variables] include= file */
	bool rtentsk; /* has an [rtentsk] section */
};

/* The active profiles and everything they include, children before parents. */
struct rthc_tuned_chain {
	char *active; /* owned; /etc/tuned/active_profile as read */
	struct rthc_tuned_profile p[RTHC_TUNED_MAX_CHAIN];
	size_t n;
	size_t nactive; /* the first nactive entries are the active profiles, in file order */
};

/*
 * Read /etc/tuned/active_profile and the profiles' tuned.conf files (/etc/tuned[/profiles]/NAME,
 * /usr/lib/tuned[/profiles]/NAME). Returns 0, or a negative errno for active_profile (-ENOENT when
 * tuned is not set up).
 */
int rthc_tuned_chain_read(struct rthc_host *h, struct rthc_tuned_chain *c);
void rthc_tuned_chain_done(struct rthc_tuned_chain *c);

/*
 * The effective isolated_cores of the chain: the value as written (*value, borrowed or static) and
 * where it came from (*src, a path), NULL when no profile sets it. Looks at each active profile
 * (the last one first) and its parents, children first: [variables] isolated_cores, then the
 * [variables] include= file, then /etc/tuned/NAME-variables.conf.
 */
int rthc_tuned_isolated_cores(struct rthc_host *h, const struct rthc_tuned_chain *c, char **value,
			      char **src);
/*
 * Evaluate an isolated_cores value: a cpulist, or tuned's ${f:calc_isolated_cores[:N]} (N CPUs
 * per package kept for housekeeping, SMT and NUMA ignored) from the topology facts. -EINVAL for
 * other ${...} expressions or a bad list.
 */
int rthc_tuned_eval_cores(const struct rthc_facts *f, const char *value, struct rthc_cpuset *out);
