/* Helpers shared by the irq family's check tests (see test-checks-irq-helpers.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-checks-irq-helpers.h"

static const struct rthc_kv *find(const struct rthc_kvlist *l, const char *key)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return &l->v[i];
	return NULL;
}

const char *obs_str(const struct rthc_result *r, const char *key)
{
	const struct rthc_kv *v = find(r->observed, key);

	return v && v->type == RTHC_VALUE_STR ? v->s : NULL;
}

int64_t obs_int(const struct rthc_result *r, const char *key)
{
	const struct rthc_kv *v = find(r->observed, key);

	if (!v || v->type != RTHC_VALUE_INT)
		fail_msg("%s: no integer observed value %s (reason: %s)", r->check->id, key,
			 r->reason ? r->reason : "");
	return v->i;
}

static bool contains(const char *s, const char *part)
{
	return !part || (s && strstr(s, part));
}

bool has_item(const struct rthc_result *r, const char *obj, const char *reason)
{
	for (size_t i = 0; i < r->nitems; i++)
		if (contains(r->items[i].object, obj) && contains(r->items[i].reason, reason))
			return true;
	return false;
}

bool has_evidence(const struct rthc_result *r, const char *source, const char *excerpt)
{
	for (size_t i = 0; i < r->nevidence; i++)
		if (contains(r->evidence[i].source, source) && contains(r->evidence[i].excerpt, excerpt))
			return true;
	return false;
}

bool has_action(const struct rthc_result *r, const char *target, const char *value)
{
	for (size_t i = 0; r->remediation && i < r->remediation->nactions; i++)
		if (contains(r->remediation->actions[i].target, target) &&
		    contains(r->remediation->actions[i].value, value))
			return true;
	return false;
}

bool reason_has(const struct rthc_result *r, const char *part)
{
	return contains(r->reason, part);
}

void base_tree(const char *root, const char *possible, const char *iso, const char *cmdline)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s\n", possible);
	write_file(root, "sys/devices/system/cpu/possible", buf);
	write_file(root, "sys/devices/system/cpu/present", buf);
	write_file(root, "sys/devices/system/cpu/online", buf);
	snprintf(buf, sizeof(buf), "%s\n", iso);
	write_file(root, "sys/devices/system/cpu/isolated", buf);
	write_file(root, "sys/devices/system/cpu/nohz_full", buf);
	snprintf(buf, sizeof(buf), "%s\n", cmdline);
	write_file(root, "proc/cmdline", buf);
	write_file(root, "proc/sys/kernel/osrelease", "6.1.0-18-amd64\n");
	write_file(root, "proc/sys/kernel/version", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1\n");
}

const struct rthc_result *run_on(struct rthc_ctx **ctx, const char *root, const char *id)
{
	const char *dir = root[0] == '/' ? root : fixture_dir(root);

	ctx_free(*ctx);
	*ctx = ctx_new(dir, NULL, false);
	return run_check(*ctx, id);
}
