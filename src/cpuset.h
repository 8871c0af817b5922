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
 * Parse a cpulist exactly as the kernel does (lib/bitmap.c bitmap_parselist()): regions separated
 * by commas or white space (empty regions allowed), each "A", "A-B", "A-B:USED/GROUP", "all" (any
 * case) or "all:USED/GROUP"; "N" stands for the last CPU (nbits - 1). The list ends at the end of
 * the string or at a newline right after a region (the rest is ignored, as the kernel does;
 * elsewhere a newline is white space). nbits is the number of CPU IDs the list may name
 * (nr_cpu_ids); 0 means unknown, in which case RTHC_CPUSET_MAX_CPUS bounds the list and
 * "N"/"all" are rejected (-EINVAL).
 * Returns 0, -EINVAL (syntax, A > B, GROUP 0, USED > GROUP), -ERANGE (a CPU >= nbits),
 * -EOVERFLOW (a number above UINT_MAX), -ENOMEM. The set is cleared first; on error it is empty
 * (the kernel would keep the regions before the bad one).
 */
int rthc_cpuset_parse_list(struct rthc_cpuset *s, const char *str, unsigned nbits);

/*
 * Parse a hex mask as the kernel does (lib/bitmap.c bitmap_parse()), as in smp_affinity or node
 * cpumap files: groups of up to eight hex digits (either case), separated by commas or white
 * space, most significant group first, any number of groups ("", ",", "1,,5" are allowed); a
 * newline ends the mask. nbits as in rthc_cpuset_parse_list() (0: unknown).
 * Returns 0, -EINVAL (bad character), -EOVERFLOW (a group of more than 8 digits, more groups than
 * nbits needs, or a bit >= nbits), -ENOMEM. On error the set is left empty.
 */
int rthc_cpuset_parse_mask_n(struct rthc_cpuset *s, const char *str, unsigned nbits);
int rthc_cpuset_parse_mask(struct rthc_cpuset *s, const char *str); /* nbits unknown */

/*
 * The kernel's isspace()/isalpha() (lib/ctype.c, Latin-1, so 0xa0 is a space): the parsers
 * split exactly where the kernel does.
 */
bool rthc_kernel_isspace(char c);
bool rthc_kernel_isalpha(char c);

/* Canonical cpulist ("0,2-5,7", "" for the empty set), malloc'd in *ret. */
int rthc_cpuset_format_list(const struct rthc_cpuset *s, char **ret);
/*
 * Hex mask in the kernel's "%*pb" format for a bitmap of nbits bits (nr_cpu_ids): 32-bit groups
 * separated by commas, the first group only as wide as needed. nbits 0 means "just wide enough".
 */
int rthc_cpuset_format_mask(const struct rthc_cpuset *s, unsigned nbits, char **ret);

/* Canonical cpulist as a malloc'd string, or NULL on ENOMEM (callers print "?"). */
char *rthc_cpuset_str(const struct rthc_cpuset *s);
