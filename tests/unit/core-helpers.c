/* Helpers for the checks-core unit tests (see core-helpers.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "core-helpers.h"
#include "facts.h"
#include "host.h"
#include "macro.h"
#include "report.h"
#include "run.h"

#define RELEASE "6.1.0-27-rt-amd64"

static const char config[] =
	"CONFIG_64BIT=y\n"
	"CONFIG_SMP=y\n"
	"CONFIG_PM_SLEEP_SMP=y\n"
	"CONFIG_NO_HZ_FULL=y\n"
	"CONFIG_CPU_ISOLATION=y\n"
	"CONFIG_PREEMPT_RT=y\n"
	"CONFIG_RCU_NOCB_CPU=y\n"
	"# CONFIG_RCU_NOCB_CPU_DEFAULT_ALL is not set\n"
	"# CONFIG_RT_GROUP_SCHED is not set\n"
	"CONFIG_HUGETLBFS=y\n";

void core_put(const char *root, const char *path, const char *value)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s\n", value);
	write_file(root, path, buf);
}

void core_rm(const char *root, const char *path)
{
	char full[PATH_MAX];

	snprintf(full, sizeof(full), "%s/%s", root, path[0] == '/' ? path + 1 : path);
	assert_int_equal(unlink(full), 0);
}

void core_kthread(const char *root, int pid, const char *comm)
{
	char path[64], line[512];

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	snprintf(line, sizeof(line),
		 "%d (%s) S 2 0 0 0 -1 2129984 0 0 0 0 0 3 0 0 -2 0 1 0 27 0 0 "
		 "18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 17 0 1 1 0 0 0 0 0 0 0 "
		 "0 0 0 0",
		 pid, comm);
	core_put(root, path, line);
}

char *core_tree(unsigned ncpus, unsigned nodes, const char *cmdline, const char *isolated,
		const char *nohz_full)
{
	char *root = tmpdir_new();
	unsigned half = ncpus / 2;
	char path[256], val[64];

	core_put(root, "/proc/sys/kernel/osrelease", RELEASE);
	core_put(root, "/proc/sys/kernel/version", "#1 SMP PREEMPT_RT Debian 6.1.115-1 "
		 "(2024-11-01)");
	core_put(root, "/proc/sys/kernel/hostname", "unit");
	core_put(root, "/proc/cmdline", cmdline);
	write_file(root, "/boot/config-" RELEASE, config);
	core_put(root, "/proc/sys/kernel/sched_rt_runtime_us", "-1");
	core_put(root, "/proc/sys/kernel/sched_rt_period_us", "1000000");
	snprintf(val, sizeof(val), "0-%u", ncpus - 1);
	core_put(root, "/sys/devices/system/cpu/possible", val);
	core_put(root, "/sys/devices/system/cpu/present", val);
	core_put(root, "/sys/devices/system/cpu/online", val);
	core_put(root, "/sys/devices/system/cpu/smt/control", "on");
	core_put(root, "/sys/devices/system/cpu/smt/active", "1");
	if (isolated)
		core_put(root, "/sys/devices/system/cpu/isolated", isolated);
	if (nohz_full)
		core_put(root, "/sys/devices/system/cpu/nohz_full", nohz_full);
	for (unsigned c = 0; c < ncpus; c++) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%u/topology/physical_package_id", c);
		snprintf(val, sizeof(val), "%u", nodes == 2 ? c % 2 : 0);
		core_put(root, path, val);
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/topology/core_id", c);
		snprintf(val, sizeof(val), "%u", c % half);
		core_put(root, path, val);
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%u/topology/thread_siblings_list", c);
		snprintf(val, sizeof(val), "%u,%u", c % half, c % half + half);
		core_put(root, path, val);
	}
	if (nodes == 2) {
		struct rthc_cpuset even = RTHC_CPUSET_INIT, odd = RTHC_CPUSET_INIT;
		char *e, *o;

		for (unsigned c = 0; c < ncpus; c++)
			assert_int_equal(rthc_cpuset_set(c % 2 ? &odd : &even, c), 0);
		e = rthc_cpuset_str(&even);
		o = rthc_cpuset_str(&odd);
		core_put(root, "/sys/devices/system/node/node0/cpulist", e);
		core_put(root, "/sys/devices/system/node/node1/cpulist", o);
		free(e);
		free(o);
		rthc_cpuset_done(&even);
		rthc_cpuset_done(&odd);
	} else {
		snprintf(val, sizeof(val), "0-%u", ncpus - 1);
		core_put(root, "/sys/devices/system/node/node0/cpulist", val);
	}
	return root;
}

void core_tree_free(char *root)
{
	tmpdir_remove(root);
	free(root);
}

struct rthc_ctx *core_ctx(const char *root, const char *const *sets, const char *path, int err)
{
	struct rthc_ctx *ctx = calloc(1, sizeof(*ctx));

	assert_non_null(ctx);
	for (size_t i = 0; sets && sets[i]; i++) {
		ctx->opts.sets = realloc(ctx->opts.sets, (ctx->opts.nsets + 1) * sizeof(char *));
		assert_non_null(ctx->opts.sets);
		ctx->opts.sets[ctx->opts.nsets++] = strdup(sets[i]);
	}
	ctx->opts.root = strdup(root);
	assert_int_equal(rthc_host_new(root, &ctx->host), 0);
	if (path)
		assert_int_equal(rthc_host_inject_error(ctx->host, path, RTHC_HOST_OP_READ, err),
				 0);
	assert_int_equal(rthc_facts_gather(ctx->host, &ctx->facts), 0);
	assert_int_equal(rthc_report_new(&ctx->report), 0);
	assert_int_equal(rthc_report_init_results(ctx->report), 0);
	ctx->report->facts = ctx->facts;
	return ctx;
}

const struct rthc_result *core_run(struct rthc_ctx **ctx, const char *root, const char *id)
{
	*ctx = core_ctx(root, NULL, NULL, 0);
	return run_check(*ctx, id);
}

static const struct rthc_kv *find(const struct rthc_kvlist *l, const char *key)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (streq(l->v[i].key, key))
			return &l->v[i];
	return NULL;
}

static const struct rthc_kv *need(const struct rthc_result *r, const struct rthc_kvlist *l,
				  const char *what, const char *key, enum rthc_value_type type)
{
	static const struct rthc_kv none = {.type = RTHC_VALUE_NULL};
	const struct rthc_kv *kv = find(l, key);

	if (!kv) {
		fail_msg("%s: no %s value '%s' (reason: %s)", r->check->id, what, key, r->reason);
		return &none;
	}
	if (kv->type != type)
		fail_msg("%s: %s '%s' has type %d, not %d", r->check->id, what, key, kv->type,
			 type);
	return kv;
}

void core_obs_str(const struct rthc_result *r, const char *key, const char *want)
{
	const struct rthc_kv *kv = need(r, r->observed, "observed", key, RTHC_VALUE_STR);

	assert_string_equal(kv->s, want);
}

void core_obs_int(const struct rthc_result *r, const char *key, int64_t want)
{
	assert_int_equal(need(r, r->observed, "observed", key, RTHC_VALUE_INT)->i, want);
}

void core_obs_bool(const struct rthc_result *r, const char *key, bool want)
{
	assert_int_equal(need(r, r->observed, "observed", key, RTHC_VALUE_BOOL)->b, want);
}

void core_obs_null(const struct rthc_result *r, const char *key)
{
	need(r, r->observed, "observed", key, RTHC_VALUE_NULL);
}

void core_exp_str(const struct rthc_result *r, const char *key, const char *want)
{
	assert_string_equal(need(r, r->expected, "expected", key, RTHC_VALUE_STR)->s, want);
}

void core_exp_int(const struct rthc_result *r, const char *key, int64_t want)
{
	assert_int_equal(need(r, r->expected, "expected", key, RTHC_VALUE_INT)->i, want);
}

void core_exp_bool(const struct rthc_result *r, const char *key, bool want)
{
	assert_int_equal(need(r, r->expected, "expected", key, RTHC_VALUE_BOOL)->b, want);
}

void core_obs_path_int(const struct rthc_result *r, const char *const *keys, int64_t want)
{
	const struct rthc_kvlist *l = r->observed;

	for (; keys[1]; keys++)
		l = need(r, l, "observed", keys[0], RTHC_VALUE_OBJECT)->obj;
	assert_int_equal(need(r, l, "observed", keys[0], RTHC_VALUE_INT)->i, want);
}

void core_reason_has(const struct rthc_result *r, const char *needle)
{
	if (!r->reason || !strstr(r->reason, needle))
		fail_msg("%s: reason \"%s\" lacks \"%s\"", r->check->id, r->reason ? r->reason : "",
			 needle);
}

void core_item(const struct rthc_result *r, const char *object, const char *needle)
{
	for (size_t i = 0; i < r->nitems; i++)
		if (streq(r->items[i].object, object) &&
		    (!needle || strstr(r->items[i].reason, needle)))
			return;
	fail_msg("%s: no item %s (%s) among %zu", r->check->id, object, needle ? needle : "*",
		 r->nitems);
}

void core_no_item(const struct rthc_result *r, const char *object)
{
	for (size_t i = 0; i < r->nitems; i++)
		if (streq(r->items[i].object, object))
			fail_msg("%s: unexpected item %s: %s", r->check->id, object,
				 r->items[i].reason);
}

void core_nitems(const struct rthc_result *r, size_t n)
{
	if (r->nitems != n)
		fail_msg("%s: %zu items, expected %zu", r->check->id, r->nitems, n);
}

void core_evidence(const struct rthc_result *r, const char *source, const char *needle)
{
	for (size_t i = 0; i < r->nevidence; i++)
		if (streq(r->evidence[i].source, source) && strstr(r->evidence[i].excerpt, needle))
			return;
	fail_msg("%s: no evidence from %s containing \"%s\"", r->check->id, source, needle);
}

void core_action(const struct rthc_result *r, enum rthc_action_type type, const char *target,
		 const char *value)
{
	if (!r->remediation)
		fail_msg("%s: no remediation", r->check->id);
	for (size_t i = 0; i < r->remediation->nactions; i++) {
		const struct rthc_action *a = &r->remediation->actions[i];

		if (a->type == type && streq(a->target, target) &&
		    (value ? a->value && streq(a->value, value) : !a->value))
			return;
	}
	fail_msg("%s: no %s action on %s = %s", r->check->id, rthc_action_type_to_string(type),
		 target, value ? value : "null");
}

void core_error(const struct rthc_result *r, int err, const char *path)
{
	assert_status(r, RTHC_STATUS_ERROR);
	if (err)
		assert_int_equal(r->err, err);
	core_reason_has(r, path);
}
