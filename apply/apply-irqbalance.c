/*
 * [irqbalance]: banned_cpus goes to IRQBALANCE_BANNED_CPULIST in the distribution's environment
 * file (/etc/sysconfig/irqbalance on RHEL, /etc/default/irqbalance on Debian). irqbalance reads
 * IRQBALANCE_BANNED_CPUS (hex) first when it is set, so an active one is updated too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "cpuset.h"
#include "facts.h"
#include "host.h"
#include "plan.h"
#include "profile.h"
#include "strbuf.h"

static const char *const config_paths[] = {"/etc/sysconfig/irqbalance", "/etc/default/irqbalance"};

/* Whether line assigns var (optionally after "export "). */
static bool assigns(const char *line, size_t len, const char *var)
{
	size_t n = strlen(var);

	while (len && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	if (len > 7 && strneq(line, "export ", 7)) {
		line += 7;
		len -= 7;
	}
	return len > n && strneq(line, var, n) && line[n] == '=';
}

/* Replace every assignment of var in text (or append one) with var=value. */
static int set_var(const char *text, const char *var, const char *value, char **ret)
{
	struct rthc_strbuf sb;
	bool done = false;
	int r = 0;

	rthc_strbuf_init(&sb);
	while (*text && r == 0) {
		size_t len = strcspn(text, "\n");

		if (assigns(text, len, var)) {
			r = rthc_strbuf_printf(&sb, "%s=%s\n", var, value);
			done = true;
		} else {
			r = rthc_strbuf_append(&sb, text, len);
			if (r == 0)
				r = rthc_strbuf_putc(&sb, '\n');
		}
		text += len + (text[len] == '\n');
	}
	if (r == 0 && !done)
		r = rthc_strbuf_printf(&sb, "%s=%s\n", var, value);
	if (r == 0)
		r = rthc_strbuf_steal(&sb, ret);
	rthc_strbuf_done(&sb);
	return r;
}

/* Whether text assigns var a non-empty value. */
static bool var_set(const char *text, const char *var)
{
	while (*text) {
		size_t len = strcspn(text, "\n");

		if (assigns(text, len, var)) {
			const char *v = strchr(text, '=') + 1;

			if (v < text + len && *v != '"' && *v != '\'' && *v != ' ')
				return true;
			if (v + 1 < text + len && (*v == '"' || *v == '\'') && v[1] != *v)
				return true;
		}
		text += len + (text[len] == '\n');
	}
	return false;
}

static int plan_irqbalance(struct rthc_apply_ctx *a)
{
	const char *banned = rthc_profile_value(a->p, "irqbalance", "banned_cpus");
	_cleanup_free_ char *old = NULL, *mid = NULL, *text = NULL, *mask = NULL, *list = NULL;
	struct rthc_cpuset set = RTHC_CPUSET_INIT;
	struct rthc_plan_change *c;
	const char *path = NULL;
	int r;

	if (!banned)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(config_paths) && !path; i++)
		if (rthc_host_read_file(a->h, config_paths[i], &old, NULL) == 0)
			path = config_paths[i];
	if (!path) {
		rthc_plan_note(a->plan, "irqbalance: no %s or %s (not installed?), banned CPUs not set", config_paths[0],
			       config_paths[1]);
		return 0;
	}
	r = rthc_cpuset_parse_list(&set, banned, a->p->nr_cpu_ids);
	if (r == 0)
		r = rthc_cpuset_format_list(&set, &list);
	if (r == 0)
		r = rthc_cpuset_format_mask(&set, a->f->topology.nr_cpu_ids, &mask);
	rthc_cpuset_done(&set);
	if (r == 0)
		r = set_var(old, "IRQBALANCE_BANNED_CPULIST", list, &mid);
	if (r == 0 && var_set(old, "IRQBALANCE_BANNED_CPUS"))
		r = set_var(mid, "IRQBALANCE_BANNED_CPUS", mask, &text);
	else if (r == 0)
		text = TAKE_PTR(mid);
	if (r == 0)
		r = rthc_plan_file(a, "irqbalance:banned_cpus", "irq.irqbalance xcheck.irqbalance_ban", "irqbalance",
				   path, text, 0644, RTHC_PERSIST_PERSISTENT, 0);
	c = r == 0 ? rthc_plan_find(a->plan, path) : NULL;
	if (c) {
		c->reason = strdup("restart irqbalance for it to take effect");
		r = c->reason ? 0 : -ENOMEM;
	}
	return r;
}

const struct rthc_applier rthc_applier_irqbalance = {"irqbalance", plan_irqbalance};
