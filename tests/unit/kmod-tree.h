/* Helpers for the kmod-area unit tests: temp trees with a module directory and modprobe.d. */
#pragma once

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "helpers.h"

#define KT_RELEASE "6.1.0-27-rt-amd64"
#define KT_MODDIR "lib/modules/" KT_RELEASE

/* A tree with a release, /proc/modules and a module directory that has dm-multipath. */
static inline char *kt_new(void)
{
	char *root = tmpdir_new();

	write_file(root, "proc/sys/kernel/osrelease", KT_RELEASE "\n");
	write_file(root, "proc/modules", "dm_mod 184320 0 - Live 0x0000000000000000\n");
	write_file(root, KT_MODDIR "/modules.dep",
		   "kernel/drivers/md/dm-multipath.ko.xz: "
		   "kernel/drivers/md/dm-mod.ko.xz\nkernel/drivers/md/dm-mod.ko.xz:\n");
	write_file(root, KT_MODDIR "/modules.builtin", "kernel/drivers/scsi/scsi_mod.ko\n");
	write_file(root, KT_MODDIR "/modules.alias",
		   "alias devname:mapper/control dm_mod\nalias dm-mpath-alias dm_multipath\n");
	return root;
}

/* Copy a file of the host (real data) into the tree at path; 0 or -1 if it cannot be read. */
static inline int kt_copy(const char *root, const char *src, const char *path)
{
	FILE *f = fopen(src, "r");
	char *buf;
	long n;

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	write_file(root, path, buf);
	free(buf);
	return 0;
}

/* The real-data directory (../shared/realdata/SUB beside the source tree), or NULL if absent. */
static inline const char *kt_realdata(const char *sub)
{
	static char buf[PATH_MAX];
	const char *top = getenv("top_srcdir");
	FILE *f;

	snprintf(buf, sizeof(buf), "%s/../shared/realdata/%s", top ? top : ".", sub);
	f = fopen(buf, "r");
	if (!f)
		return NULL;
	fclose(f);
	return buf;
}

/* Observed value lookups on a result. */
static inline const struct rthc_kv *kt_obs(const struct rthc_result *r, const char *key)
{
	for (size_t i = 0; r->observed && i < r->observed->n; i++)
		if (streq(r->observed->v[i].key, key))
			return &r->observed->v[i];
	fail_msg("%s: no observed value '%s'", r->check->id, key);
	return NULL;
}

static inline void kt_obs_str(const struct rthc_result *r, const char *key, const char *want)
{
	const struct rthc_kv *kv = kt_obs(r, key);

	if (!kv)
		return;
	if (!want) {
		assert_int_equal(kv->type, RTHC_VALUE_NULL);
		return;
	}
	assert_int_equal(kv->type, RTHC_VALUE_STR);
	assert_string_equal(kv->s, want);
}

static inline void kt_obs_int(const struct rthc_result *r, const char *key, int64_t want)
{
	const struct rthc_kv *kv = kt_obs(r, key);

	if (!kv)
		return;
	assert_int_equal(kv->type, RTHC_VALUE_INT);
	assert_int_equal(kv->i, want);
}

static inline void kt_obs_bool(const struct rthc_result *r, const char *key, bool want)
{
	const struct rthc_kv *kv = kt_obs(r, key);

	if (!kv)
		return;
	assert_int_equal(kv->type, RTHC_VALUE_BOOL);
	assert_int_equal(kv->b, want);
}

/* The item for object, or NULL. */
static inline const struct rthc_item *kt_item(const struct rthc_result *r, const char *object)
{
	for (size_t i = 0; i < r->nitems; i++)
		if (streq(r->items[i].object, object))
			return &r->items[i];
	return NULL;
}

static inline void kt_reason_has(const struct rthc_result *r, const char *needle)
{
	if (!r->reason || !strstr(r->reason, needle))
		fail_msg("%s: reason '%s' lacks '%s'", r->check->id, r->reason ? r->reason : "",
			 needle);
}

static inline bool kt_evidence_has(const struct rthc_result *r, const char *source,
				   const char *needle)
{
	for (size_t i = 0; i < r->nevidence; i++)
		if (streq(r->evidence[i].source, source) && strstr(r->evidence[i].excerpt, needle))
			return true;
	return false;
}

/* A copy of fixture NAME in a fresh temp directory (for variants). */
static inline char *kt_copy_fixture(const char *name)
{
	char *tmp = tmpdir_new();
	char cmd[PATH_MAX * 3];

	/* Tests may use cp(1): it is not the code under test. */
	snprintf(cmd, sizeof(cmd), "cp -a '%s/.' '%s/'", fixture_dir(name), tmp);
	assert_int_equal(system(cmd), 0);
	return tmp;
}

/* CPUs 0..n-1 online, two per package (package = cpu / 2), one thread per core; isolated = iso. */
static inline void kt_topology(const char *root, unsigned n, const char *iso)
{
	char path[128], val[32];

	snprintf(val, sizeof(val), "0-%u\n", n - 1);
	write_file(root, "sys/devices/system/cpu/possible", val);
	write_file(root, "sys/devices/system/cpu/present", val);
	write_file(root, "sys/devices/system/cpu/online", val);
	for (unsigned c = 0; c < n; c++) {
		snprintf(path, sizeof(path),
			 "sys/devices/system/cpu/cpu%u/topology/physical_package_id", c);
		snprintf(val, sizeof(val), "%u\n", c / 2);
		write_file(root, path, val);
		snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%u/topology/core_id", c);
		snprintf(val, sizeof(val), "%u\n", c % 2);
		write_file(root, path, val);
		snprintf(path, sizeof(path),
			 "sys/devices/system/cpu/cpu%u/topology/thread_siblings_list", c);
		snprintf(val, sizeof(val), "%u\n", c);
		write_file(root, path, val);
	}
	if (iso) {
		snprintf(val, sizeof(val), "%s\n", iso);
		write_file(root, "sys/devices/system/cpu/isolated", val);
	}
}

static inline void kt_item_is(const struct rthc_result *r, const char *object, const char *reason)
{
	const struct rthc_item *it = kt_item(r, object);

	if (!it)
		fail_msg("%s: no item '%s'", r->check->id, object);
	else
		assert_string_equal(it->reason, reason);
}

/* A check run on a tree: the tree (temp, owned, or NULL) and the context of the last run. */
struct kt {
	char *tmp;
	struct rthc_ctx *ctx;
};

/* Run check id on root (default: the temp tree) with a fresh context. */
static inline const struct rthc_result *kt_run(struct kt *t, const char *root, const char *id,
					       bool guest)
{
	ctx_free(t->ctx);
	t->ctx = ctx_new(root ? root : t->tmp, NULL, guest);
	return run_check(t->ctx, id);
}

static inline void kt_done(struct kt *t)
{
	ctx_free(t->ctx);
	tmpdir_remove(t->tmp);
	free(t->tmp);
	memset(t, 0, sizeof(*t));
}
