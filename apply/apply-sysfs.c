/*
 * [sysfs]: write attributes under /sys; a key may be a glob (each path component may hold
 * '*', '?' or '[...]'), expanded through the accessor. Runtime only: the boot unit re-applies.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "host.h"
#include "plan.h"
#include "profile.h"

#define MAX_GLOB_MATCHES 4096

struct glob_cb {
	struct rthc_apply_ctx *a;
	const struct rthc_profile_entry *e;
	unsigned matches;
};

/* How to compare the attribute: by the current content and the file name. */
static enum rthc_form form_of(struct rthc_host *h, const char *path)
{
	_cleanup_free_ char *cur = NULL;
	size_t n = strlen(path);

	if (rthc_host_read_str(h, path, &cur) == 0 && strchr(cur, '[') && strchr(cur, ']'))
		return RTHC_FORM_BRACKET;
	if (n > 5 && streq(path + n - 5, "_list"))
		return RTHC_FORM_CPULIST;
	if ((n > 7 && streq(path + n - 7, "cpumask")) || (n > 8 && streq(path + n - 8, "rps_cpus")))
		return RTHC_FORM_MASK;
	return RTHC_FORM_PLAIN;
}

static int plan_path(struct glob_cb *g, const char *path)
{
	char id[PATH_MAX + 8];

	if (++g->matches > MAX_GLOB_MATCHES)
		return -E2BIG;
	snprintf(id, sizeof(id), "sysfs:%s", path);
	return rthc_plan_attr(g->a, id, rthc_apply_checks_for("sysfs", path), "sysfs", path,
			      form_of(g->a->h, path), g->e->value, 0);
}

static bool has_glob(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strchr("*?[", s[i]))
			return true;
	return false;
}

/* Expand pattern component by component: prefix is the part already matched. */
static int expand(struct glob_cb *g, const char *prefix, const char *rest)
{
	char comp[NAME_MAX + 1], next[PATH_MAX], **names = NULL;
	size_t n = strcspn(rest, "/");
	int r;

	if (!*rest)
		return plan_path(g, prefix);
	if (n > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(comp, rest, n);
	comp[n] = '\0';
	rest += n + (rest[n] == '/');
	if (!has_glob(comp, n)) {
		if (snprintf(next, sizeof(next), "%s/%s", prefix, comp) >= (int)sizeof(next))
			return -ENAMETOOLONG;
		if (*rest && !rthc_host_is_dir(g->a->h, next))
			return 0;
		if (!*rest && rthc_host_exists(g->a->h, next) <= 0)
			return 0;
		return expand(g, next, rest);
	}
	r = rthc_host_list_dir(g->a->h, prefix, &names, NULL);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	for (size_t i = 0; names[i] && r == 0; i++) {
		if (fnmatch(comp, names[i], FNM_PERIOD) != 0)
			continue;
		if (snprintf(next, sizeof(next), "%s/%s", prefix, names[i]) >= (int)sizeof(next))
			continue;
		if (*rest && !rthc_host_is_dir(g->a->h, next))
			continue;
		r = expand(g, next, rest);
	}
	rthc_strv_free(names);
	return r;
}

static int plan_sysfs(struct rthc_apply_ctx *a)
{
	for (size_t i = 0; i < a->p->nentries; i++) {
		const struct rthc_profile_entry *e = &a->p->entries[i];
		struct glob_cb g = {a, e, 0};
		int r;

		if (!streq(e->section, "sysfs"))
			continue;
		r = expand(&g, "/sys", e->key + 5);
		if (r == -E2BIG) {
			rthc_plan_note(a->plan, "%s: matches more than %d paths, not changed", e->key,
				       MAX_GLOB_MATCHES);
			continue;
		}
		if (r < 0)
			return r;
		if (!g.matches)
			rthc_plan_note(a->plan, "%s: not present on this system, not changed", e->key);
	}
	return 0;
}

const struct rthc_applier rthc_applier_sysfs = {"sysfs", plan_sysfs};
