/*
 * CPU sets: a growable bitmap with the kernel's cpulist and hex-mask syntaxes.
 *
 * A set is a value type embedded by its owner: rthc_cpuset_init() before use, rthc_cpuset_done()
 * after. All functions that can grow the set return 0 or -ENOMEM.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Highest CPU number we accept when no bound is known (the kernel's NR_CPUS limit is 8192). */
#define RTHC_CPUSET_MAX_CPUS 65536u

struct rthc_cpuset {
	uint64_t *w;   /* owned */
	size_t nwords; /* allocated words */
};

#define RTHC_CPUSET_INIT {NULL, 0}

void rthc_cpuset_init(struct rthc_cpuset *s);
void rthc_cpuset_done(struct rthc_cpuset *s);
void rthc_cpuset_zero(struct rthc_cpuset *s);
int rthc_cpuset_set(struct rthc_cpuset *s, unsigned cpu);
int rthc_cpuset_set_range(struct rthc_cpuset *s, unsigned first, unsigned last);
void rthc_cpuset_clear(struct rthc_cpuset *s, unsigned cpu);
bool rthc_cpuset_test(const struct rthc_cpuset *s, unsigned cpu);
unsigned rthc_cpuset_count(const struct rthc_cpuset *s);
bool rthc_cpuset_empty(const struct rthc_cpuset *s);
/* First member >= from, or -1. Iterate: for (c = first(s); c >= 0; c = next(s, c)). */
int rthc_cpuset_next_from(const struct rthc_cpuset *s, unsigned from);
int rthc_cpuset_first(const struct rthc_cpuset *s);
int rthc_cpuset_next(const struct rthc_cpuset *s, int cpu);
int rthc_cpuset_last(const struct rthc_cpuset *s);

#define rthc_cpuset_foreach(c, s) for ((c) = rthc_cpuset_first(s); (c) >= 0; (c) = rthc_cpuset_next((s), (c)))

int rthc_cpuset_copy(struct rthc_cpuset *dst, const struct rthc_cpuset *src);
int rthc_cpuset_or(struct rthc_cpuset *dst, const struct rthc_cpuset *src);      /* dst |= src */
void rthc_cpuset_and(struct rthc_cpuset *dst, const struct rthc_cpuset *src);    /* dst &= src */
void rthc_cpuset_andnot(struct rthc_cpuset *dst, const struct rthc_cpuset *src); /* dst &= ~src */
bool rthc_cpuset_equal(const struct rthc_cpuset *a, const struct rthc_cpuset *b);
bool rthc_cpuset_subset(const struct rthc_cpuset *a, const struct rthc_cpuset *b); /* a ⊆ b */
bool rthc_cpuset_intersects(const struct rthc_cpuset *a, const struct rthc_cpuset *b);

/*
 * Parse a cpulist with the kernel's rules (lib/bitmap.c bitmap_parselist()): groups separated by
 * commas or white space, each "A", "A-B", "A-B:USED/GROUP", "all" or "all:USED/GROUP"; "N" stands for
 * the last CPU (nbits - 1). nbits is the number of CPU IDs the list may name (nr_cpu_ids); 0 means
 * unknown, in which case RTHC_CPUSET_MAX_CPUS bounds the list and "N"/"all" are rejected.
 * Returns 0, -EINVAL (syntax), -ERANGE (a CPU >= nbits), -EOVERFLOW (number too large), -ENOMEM.
 * The set is cleared first; on error it is left empty.
 */
int rthc_cpuset_parse_list(struct rthc_cpuset *s, const char *str, unsigned nbits);

/*
 * Parse a hex mask as in smp_affinity or node cpumap files: comma-separated groups of up to eight
 * hex digits, most significant group first, any number of groups; trailing white space allowed.
 * Returns 0, -EINVAL, -ENOMEM. On error the set is left empty.
 */
int rthc_cpuset_parse_mask(struct rthc_cpuset *s, const char *str);

/* Canonical cpulist ("0,2-5,7", "" for the empty set), malloc'd in *ret. */
int rthc_cpuset_format_list(const struct rthc_cpuset *s, char **ret);
/*
 * Hex mask in the kernel's "%*pb" format for a bitmap of nbits bits (nr_cpu_ids): 32-bit groups
 * separated by commas, the first group only as wide as needed. nbits 0 means "just wide enough".
 */
int rthc_cpuset_format_mask(const struct rthc_cpuset *s, unsigned nbits, char **ret);

/* Canonical cpulist as a malloc'd string, or NULL on ENOMEM (callers print "?"). */
char *rthc_cpuset_str(const struct rthc_cpuset *s);
