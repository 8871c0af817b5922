/* Helpers for the sys-area unit tests (see sys-helpers.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys-helpers.h"

#include "report.h"
#include "run.h"

struct rthc_ctx *sys_fixture(const char *name, const char *const *sets)
{
	return ctx_new(fixture_dir(name), sets, false);
}

char *sys_tree(const char *release, const char *cmdline, const char *const *files)
{
	static const char *const base[] = {
		"/sys/devices/system/cpu/possible",
		"0-3",
		"/sys/devices/system/cpu/present",
		"0-3",
		"/sys/devices/system/cpu/online",
		"0-3",
		"/sys/devices/system/node/node0/cpulist",
		"0-3",
		"/proc/sys/kernel/version",
		"#1 SMP PREEMPT_DYNAMIC",
		NULL,
	};
	char *root = tmpdir_new(), buf[128], path[128];

	for (size_t i = 0; base[i]; i += 2) {
		snprintf(buf, sizeof(buf), "%s\n", base[i + 1]);
		write_file(root, base[i], buf);
	}
	for (unsigned c = 0; c < 4; c++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/topology/core_id", c);
		snprintf(buf, sizeof(buf), "%u\n", c);
		write_file(root, path, buf);
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%u/topology/thread_siblings_list", c);
		write_file(root, path, buf);
	}
	if (release) {
		snprintf(buf, sizeof(buf), "%s\n", release);
		write_file(root, "/proc/sys/kernel/osrelease", buf);
	}
	if (cmdline) {
		char *l = NULL;

		assert_true(asprintf(&l, "%s\n", cmdline) > 0);
		write_file(root, "/proc/cmdline", l);
		free(l);
	}
	for (size_t i = 0; files && files[i]; i += 2) {
		size_t n = strlen(files[i + 1]);
		char *c = NULL;

		assert_true(asprintf(&c, "%s%s", files[i + 1],
				     n && files[i + 1][n - 1] == '\n' ? "" : "\n") > 0);
		write_file(root, files[i], c);
		free(c);
	}
	return root;
}

void sys_task(const char *root, int pid, const char *comm, bool kthread, const char *allowed,
	      unsigned policy, unsigned prio)
{
	char path[64], *s = NULL;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	assert_true(asprintf(&s,
			     "%d (%s) S %d 0 0 0 -1 %u 0 0 0 0 0 0 0 0 %d 0 1 0 100 0 0 0 0 0 0 0 "
			     "0 0 0 0 0 0 0 0 17 0 %u %u 0 0 0\n",
			     pid, comm, kthread ? 2 : 1, kthread ? 0x00200040u : 0x00400100u,
			     policy ? -1 - (int)prio : 20, prio, policy) > 0);
	write_file(root, path, s);
	free(s);
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	assert_true(asprintf(&s, "Name:\t%s\nPid:\t%d\nCpus_allowed_list:\t%s\n", comm, pid,
			     allowed) > 0);
	write_file(root, path, s);
	free(s);
}

const struct rthc_result *sys_on_fixture(struct sys_case *c, const char *name,
					 const char *const *sets, const char *id)
{
	c->root = NULL;
	c->ctx = sys_fixture(name, sets);
	return run_check(c->ctx, id);
}

const struct rthc_result *sys_on_tree(struct sys_case *c, const char *release, const char *cmdline,
				      const char *const *files, const char *id)
{
	c->root = sys_tree(release, cmdline, files);
	c->ctx = ctx_new(c->root, NULL, false);
	return run_check(c->ctx, id);
}

void sys_done(struct sys_case *c)
{
	ctx_free(c->ctx);
	c->ctx = NULL;
	if (c->root) {
		tmpdir_remove(c->root);
		free(c->root);
		c->root = NULL;
	}
}

const struct rthc_result *sys_run_direct(struct rthc_ctx *ctx, const char *id)
{
	for (size_t i = 0; i < ctx->report->nresults; i++) {
		struct rthc_result *r = &ctx->report->results[i];

		if (!streq(r->check->id, id))
			continue;
		rthc_result_reset(r);
		r->check->run(ctx, r);
		assert_true(r->status_set);
		assert_false(r->oom);
		return r;
	}
	fail_msg("no check %s", id);
	return NULL;
}

static const struct rthc_kv *value(const struct rthc_result *r, const struct rthc_kvlist *l,
				   const char *which, const char *key, enum rthc_value_type type)
{
	for (size_t i = 0; l && i < l->n; i++) {
		if (!streq(l->v[i].key, key))
			continue;
		if (l->v[i].type != type)
			fail_msg("%s: %s.%s has type %d, expected %d", r->check->id, which, key,
				 l->v[i].type, type);
		return &l->v[i];
	}
	static const struct rthc_kv none = { .key = (char *)"", .type = RTHC_VALUE_NULL };

	fail_msg("%s: no %s value %s (reason: %s)", r->check->id, which, key,
		 r->reason ? r->reason : "");
	return &none;
}

void sys_obs_str(const struct rthc_result *r, const char *key, const char *want)
{
	if (!want) {
		sys_obs_null(r, key);
		return;
	}
	assert_string_equal(value(r, r->observed, "observed", key, RTHC_VALUE_STR)->s, want);
}

void sys_obs_int(const struct rthc_result *r, const char *key, int64_t want)
{
	assert_int_equal(value(r, r->observed, "observed", key, RTHC_VALUE_INT)->i, want);
}

void sys_obs_bool(const struct rthc_result *r, const char *key, bool want)
{
	assert_int_equal(value(r, r->observed, "observed", key, RTHC_VALUE_BOOL)->b, want);
}

void sys_obs_null(const struct rthc_result *r, const char *key)
{
	value(r, r->observed, "observed", key, RTHC_VALUE_NULL);
}

void sys_exp_str(const struct rthc_result *r, const char *key, const char *want)
{
	assert_string_equal(value(r, r->expected, "expected", key, RTHC_VALUE_STR)->s, want);
}

void sys_exp_int(const struct rthc_result *r, const char *key, int64_t want)
{
	assert_int_equal(value(r, r->expected, "expected", key, RTHC_VALUE_INT)->i, want);
}

void sys_reason(const struct rthc_result *r, const char *needle)
{
	if (!r->reason || !strstr(r->reason, needle))
		fail_msg("%s: reason \"%s\" lacks \"%s\"", r->check->id, r->reason ? r->reason : "",
			 needle);
}

void sys_item(const struct rthc_result *r, const char *object, const char *needle)
{
	for (size_t i = 0; i < r->nitems; i++)
		if (streq(r->items[i].object, object) &&
		    (!needle || strstr(r->items[i].reason, needle)))
			return;
	fail_msg("%s: no item %s with \"%s\" (%zu items)", r->check->id, object,
		 needle ? needle : "", r->nitems);
}

void sys_nitems(const struct rthc_result *r, size_t n)
{
	if (r->nitems != n)
		fail_msg("%s: %zu items, expected %zu", r->check->id, r->nitems, n);
}

void sys_evidence(const struct rthc_result *r, const char *source, const char *needle)
{
	for (size_t i = 0; i < r->nevidence; i++)
		if (streq(r->evidence[i].source, source) && strstr(r->evidence[i].excerpt, needle))
			return;
	fail_msg("%s: no evidence from %s with \"%s\"", r->check->id, source, needle);
}

void sys_action(const struct rthc_result *r, enum rthc_action_type type, const char *target,
		const char *value_)
{
	for (size_t i = 0; r->remediation && i < r->remediation->nactions; i++) {
		const struct rthc_action *a = &r->remediation->actions[i];

		if (a->type == type && streq(a->target, target) &&
		    (!value_ || (a->value && streq(a->value, value_))))
			return;
	}
	fail_msg("%s: no %s action on %s", r->check->id, rthc_action_type_to_string(type), target);
}

void sys_error(const struct rthc_result *r, int err, const char *path)
{
	assert_status(r, RTHC_STATUS_ERROR);
	if (err)
		assert_int_equal(r->err, err);
	sys_reason(r, path);
}
