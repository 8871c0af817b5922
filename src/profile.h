/*
 * Profiles (spec/profiles.md, rthostcheck.profile(5)): INI files read with inih. A profile is
 * loaded in two steps:
 *   rthc_profile_load()    finds the file (a path, ROOT/etc/rthostcheck/profiles/NAME.conf or the
 *                          built-in directory), follows [main] include (child overrides parent key
 *                          by key, cycles are errors) and rejects unknown sections and keys;
 *   rthc_profile_resolve() computes the built-in variables from the host facts, applies --set,
 *                          expands ${var} in every value and validates each value by its type.
 * Every error carries the file and line it comes from ("file:line: message", exit 65).
 */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cpuset.h"
#include "macro.h"

struct rthc_facts;
struct rthc_host;

struct rthc_profile_error {
	char file[PATH_MAX]; /* "" when the error has no file (e.g. a --set value) */
	unsigned line;       /* 0 when the error has no line */
	char msg[512];
};

/* "file:line: message" (or "file: message", or just "message"). */
void rthc_profile_error_format(const struct rthc_profile_error *e, char *buf, size_t n);

/* One key of the merged profile. */
struct rthc_profile_entry {
	char *section, *key; /* owned */
	char *raw;           /* owned: the value as written */
	char *value;         /* owned: after ${var} expansion (NULL until resolved) */
	char *file;          /* owned: the file that set it */
	unsigned line;
};

struct rthc_profile_var {
	char *name, *value; /* owned */
};

/* Owned by the ctx (ctx->profile). */
struct rthc_profile {
	char *name;   /* owned: NAME, or the path as given */
	char *source; /* owned: "builtin", "etc" or "file" */
	char *path;   /* owned: the file read (as on the target for "etc") */
	struct rthc_profile_entry *entries; /* owned: merged, in order of first definition */
	size_t nentries;
	struct rthc_profile_var *vars; /* owned: resolved variables, built-ins included */
	size_t nvars;
	bool resolved;
	bool guest;   /* [main] mode = guest */
	struct rthc_cpuset isolated, housekeeping, online;
	unsigned nr_cpu_ids;
};

/*
 * Find and parse a profile. name_or_path containing '/' or ending in ".conf" is a path on the
 * machine running the tool; anything else is a NAME looked up in ROOT/etc/rthostcheck/profiles/
 * (through the accessor) and then in the built-in directory (rthc_profile_dir()).
 * Returns 0; -ENOENT when no such profile exists (err says where it looked); -EINVAL with err
 * filled for a malformed profile; -ENOMEM.
 */
int rthc_profile_load(struct rthc_host *h, const char *name_or_path, struct rthc_profile **ret,
		      struct rthc_profile_error *err) _must_check_;
/*
 * Compute built-in variables from facts, apply sets ("KEY=VALUE"; only keys that are profile
 * variables matter, others are check budgets), expand every value and validate it.
 * Returns 0, -EINVAL with err filled, or -ENOMEM.
 */
int rthc_profile_resolve(struct rthc_profile *p, const struct rthc_facts *f, char *const *sets,
			 size_t nsets, struct rthc_profile_error *err) _must_check_;
struct rthc_profile *rthc_profile_free(struct rthc_profile *p);

/* A resolved variable (user, --set, built-in or a budget from a typed key); NULL if unset. */
const char *rthc_profile_var(const struct rthc_profile *p, const char *name);
/* The entry section/key, or NULL. */
const struct rthc_profile_entry *rthc_profile_get(const struct rthc_profile *p, const char *section,
						  const char *key);
/* The resolved value of section/key, or NULL. */
const char *rthc_profile_value(const struct rthc_profile *p, const char *section, const char *key);
/* Whether a section has any key. */
bool rthc_profile_has_section(const struct rthc_profile *p, const char *section);

/* The built-in profile directory: $RTHC_PROFILE_DIR, else $(datadir)/rthostcheck/profiles. */
const char *rthc_profile_dir(void);

struct rthc_profile_info {
	char *name, *summary, *source, *path; /* owned; summary may be NULL */
	bool overridden; /* a built-in profile hidden by one in /etc */
};
/* Every profile found (built-in and ROOT/etc), sorted by name; free with rthc_profile_infos_free. */
int rthc_profile_list(struct rthc_host *h, struct rthc_profile_info **ret, size_t *n) _must_check_;
void rthc_profile_infos_free(struct rthc_profile_info *v, size_t n);
/* --list-profiles: one entry per profile (name, source, summary, path), text or JSON. */
int rthc_profile_list_print(FILE *f, struct rthc_host *h, bool json) _must_check_;

/* Internal to src/profile*.c: errors, value checks and expansion (profile-vars.c). */
int rthc_profile_set_error(struct rthc_profile_error *err, const char *file, unsigned line, const char *fmt,
			   ...) _printf_format_(4, 5);
int rthc_profile_check_key(const char *section, const char *key, char *msg, size_t n);
int rthc_profile_compute_vars(struct rthc_profile *p, const struct rthc_facts *f, char *const *sets,
			      size_t nsets, struct rthc_profile_error *err);
int rthc_profile_expand(const struct rthc_profile *p, const char *in, char **out, char *msg, size_t n);
int rthc_profile_check_value(const struct rthc_profile *p, const struct rthc_profile_entry *e, char *msg,
			     size_t n);
/*
 * After expansion: the budgets the checks read (rthc_ctx_var) that the profile gives through
 * typed keys, added as variables unless a variable of that name exists: cstate_max_latency_us
 * ([cpu] idle_max_latency_us), timer_migration ([sysctl] kernel.timer_migration), rcu_nocb_poll
 * (1 when [cmdline] has it), hugepage_size and hugepages_per_node ([hugepages] size and per_node,
 * else the largest SIZE.per_node).
 */
int rthc_profile_add_budgets(struct rthc_profile *p);
/* Size in kB from "2M", "1G", "2048kB", "1048576kB"; -EINVAL otherwise. */
int rthc_profile_parse_pagesize(const char *s, unsigned long *kb);
/* Split a list of words separated by commas and/or white space; *n words in a strv. */
int rthc_profile_split_words(const char *s, char ***words, size_t *n);
