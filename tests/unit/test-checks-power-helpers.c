/* Helpers shared by the power and mem-tuning check tests (see test-checks-power-helpers.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "test-checks-power-helpers.h"

struct rthc_ctx *pm_ctx(const char *fixture, const char *const *sets)
{
	return ctx_new(fixture_dir(fixture), sets, false);
}

const struct rthc_result *pm_run(struct rthc_ctx **ctx, const char *fixture, const char *id,
				 const char *const *sets)
{
	*ctx = pm_ctx(fixture, sets);
	return run_check(*ctx, id);
}

const struct rthc_result *pm_run_root(struct rthc_ctx **ctx, const char *root, const char *id,
				      const char *const *sets)
{
	*ctx = ctx_new(root, sets, false);
	return run_check(*ctx, id);
}

void pm_base(const char *root, const char *cmdline, const char *iso)
{
	char line[1024];

	snprintf(line, sizeof(line), "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro %s\n", cmdline);
	write_file(root, "/proc/cmdline", line);
	write_file(root, "/proc/sys/kernel/osrelease", "6.6.0-rt15\n");
	write_file(root, "/proc/sys/kernel/version",
		   "#1 SMP PREEMPT_RT Tue Jan  9 10:00:00 UTC 2024\n");
	write_file(root, "/sys/devices/system/cpu/possible", "0-7\n");
	write_file(root, "/sys/devices/system/cpu/present", "0-7\n");
	write_file(root, "/sys/devices/system/cpu/online", "0-7\n");
	snprintf(line, sizeof(line), "%s\n", iso);
	write_file(root, "/sys/devices/system/cpu/isolated", line);
	write_file(root, "/sys/devices/system/cpu/nohz_full", line);
	write_file(root, "/sys/devices/system/node/node0/cpulist", "0-3\n");
	write_file(root, "/sys/devices/system/node/node1/cpulist", "4-7\n");
}

void pm_write_bytes(const char *root, const char *path, const void *data, size_t len)
{
	char full[PATH_MAX];
	FILE *f;

	write_file(root, path, ""); /* creates the directories */
	snprintf(full, sizeof(full), "%s/%s", root, path[0] == '/' ? path + 1 : path);
	f = fopen(full, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

const struct rthc_kv *pm_kv(const struct rthc_kvlist *l, const char *key)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return &l->v[i];
	fail_msg("no key %s", key);
	return NULL;
}

int64_t pm_obs_int(const struct rthc_result *r, const char *key)
{
	const struct rthc_kv *v = pm_kv(r->observed, key);

	if (v->type != RTHC_VALUE_INT)
		fail_msg("%s: observed %s is not an integer", r->check->id, key);
	return v->i;
}

bool pm_obs_bool(const struct rthc_result *r, const char *key)
{
	const struct rthc_kv *v = pm_kv(r->observed, key);

	if (v->type != RTHC_VALUE_BOOL)
		fail_msg("%s: observed %s is not a boolean", r->check->id, key);
	return v->b;
}

const char *pm_obs_str(const struct rthc_result *r, const char *key)
{
	const struct rthc_kv *v = pm_kv(r->observed, key);

	if (v->type == RTHC_VALUE_NULL)
		return NULL;
	if (v->type != RTHC_VALUE_STR)
		fail_msg("%s: observed %s is not a string", r->check->id, key);
	return v->s;
}

int64_t pm_exp_int(const struct rthc_result *r, const char *key)
{
	const struct rthc_kv *v = pm_kv(r->expected, key);

	if (v->type != RTHC_VALUE_INT)
		fail_msg("%s: expected %s is not an integer", r->check->id, key);
	return v->i;
}

int64_t pm_nested_int(const struct rthc_kvlist *l, const char *const *keys)
{
	const struct rthc_kv *v = NULL;

	for (; *keys; keys++) {
		v = pm_kv(l, *keys);
		if (v->type == RTHC_VALUE_OBJECT)
			l = v->obj;
	}
	if (!v || v->type != RTHC_VALUE_INT)
		fail_msg("nested value is not an integer");
	return v->i;
}

void pm_assert_item(const struct rthc_result *r, const char *object, const char *text)
{
	for (size_t i = 0; i < r->nitems; i++)
		if (strcmp(r->items[i].object, object) == 0 && strstr(r->items[i].reason, text))
			return;
	fail_msg("%s: no item \"%s\" with \"%s\" (%zu items)", r->check->id, object, text,
		 r->nitems);
}

void pm_assert_reason(const struct rthc_result *r, const char *text)
{
	if (!r->reason || !strstr(r->reason, text))
		fail_msg("%s: reason \"%s\" lacks \"%s\"", r->check->id, r->reason ? r->reason : "",
			 text);
}

void pm_assert_error(const struct rthc_result *r, const char *path)
{
	assert_status(r, RTHC_STATUS_ERROR);
	assert_true(r->err < 0);
	pm_assert_reason(r, path);
}

void pm_assert_action(const struct rthc_result *r, const char *target, const char *value)
{
	assert_non_null(r->remediation);
	for (size_t i = 0; i < r->remediation->nactions; i++) {
		const struct rthc_action *a = &r->remediation->actions[i];

		if (strcmp(a->target, target) == 0 &&
		    (!value || (a->value && strcmp(a->value, value) == 0)))
			return;
	}
	fail_msg("%s: no action on %s", r->check->id, target);
}

void pm_run_cases(const struct pm_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct pm_case *c = &cases[i];
		struct rthc_ctx *ctx;
		const struct rthc_result *r = pm_run(&ctx, c->fixture, c->id, NULL);

		if (c->status == RTHC_STATUS_ERROR && c->key)
			pm_assert_error(r, c->key);
		else if (c->key && c->str)
			assert_string_equal(pm_obs_str(r, c->key), c->str);
		else if (c->key && pm_obs_int(r, c->key) != c->value)
			fail_msg("%s on %s: observed %s is %lld, expected %lld", c->id, c->fixture,
				 c->key, (long long)pm_obs_int(r, c->key), (long long)c->value);
		assert_status(r, c->status);
		ctx_free(ctx);
	}
}
