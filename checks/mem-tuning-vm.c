/*
 * VM subsystem settings: mem.thp, mem.ksm, mem.compact_unevictable, mem.stat_interval and
 * mem.dirty (spec/checks.md §7).
 *
 * THP: transparent_hugepage/{enabled,defrag} mark the active mode in brackets
 * ("always madvise [never]"); since 6.8 hugepages-<size>kB/enabled add per-size (mTHP) modes
 * where "inherit" follows the top-level file, so a size set to always/madvise still gets THPs
 * with the top level at never. QEMU madvises guest RAM with MADV_HUGEPAGE, so madvise counts.
 * KSM: ksm/run 0 stops ksmd, 2 stops it and unmerges; ksm.service and ksmtuned.service (RHEL)
 * turn it back on.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem-tuning.h"
#include "units.h"

#define THP_DIR "/sys/kernel/mm/transparent_hugepage"
#define KSM_RUN "/sys/kernel/mm/ksm/run"

bool rthc_mem_built_without(const struct rthc_facts *f, const char *option)
{
	bool known;
	char buf[8];
	const char *v = rthc_facts_kconfig(f, option, &known, buf, sizeof(buf));

	return known && (!v || (!streq(v, "y") && !streq(v, "m")));
}

/*
 * The bracketed word of a mode file into out; -EINVAL unless there is exactly one. A file that
 * holds a single mode word is the value last written to it: a tree after --apply (the kernel
 * itself always marks the selection).
 */
static int bracketed(const char *s, char *out, size_t sz)
{
	static const char *const modes[] = {"always", "madvise", "never", "inherit", "defer",
					    "defer+madvise", "within_size", NULL};
	const char *open = strchr(s, '['), *close = open ? strchr(open, ']') : NULL;
	size_t len;

	for (size_t i = 0; !open && modes[i]; i++)
		if (streq(s, modes[i]) && strlen(s) < sz) {
			strcpy(out, s);
			return 0;
		}
	if (!open || !close || strchr(close, '[') || close == open + 1)
		return -EINVAL;
	len = (size_t)(close - open - 1);
	if (len >= sz)
		return -EINVAL;
	memcpy(out, open + 1, len);
	out[len] = '\0';
	return 0;
}

/* Read a mode file; error result naming it on failure. */
static int read_mode(struct rthc_ctx *ctx, struct rthc_result *r, const char *path, char *out,
		     size_t sz)
{
	_cleanup_free_ char *s = NULL;
	int err = rthc_host_read_str(ctx->host, path, &s);

	if (err == 0)
		err = bracketed(s, out, sz);
	if (err < 0) {
		rthc_result_reset(r);
		rthc_result_error(r, err, path);
		return err;
	}
	rthc_evidence(r, path, "%s", s);
	return 0;
}

/* Per-size mTHP controls: items for sizes that still get THPs; returns that count or < 0. */
static int thp_sizes(struct rthc_ctx *ctx, struct rthc_result *r, const char *top)
{
	char **names = NULL;
	int n = 0, err = rthc_host_list_dir(ctx->host, THP_DIR, &names, NULL);

	if (err < 0)
		return 0; /* the top-level files were readable: no per-size directory to judge */
	for (char **nm = names; *nm; nm++) {
		char path[256], mode[32];

		if (!strneq(*nm, "hugepages-", 10))
			continue;
		snprintf(path, sizeof(path), THP_DIR "/%s/enabled", *nm);
		err = read_mode(ctx, r, path, mode, sizeof(mode));
		if (err < 0) {
			n = err;
			break;
		}
		if (streq(mode, "inherit"))
			continue;
		if (!streq(mode, "never") && streq(top, "never")) {
			rthc_item(r, *nm, "per-size THP is %s although the top level is never",
				  mode);
			n++;
		}
	}
	rthc_strv_free(names);
	return n;
}

void rthc_mem_thp(struct rthc_ctx *ctx, struct rthc_result *r)
{
	char enabled[32], defrag[32];
	int sizes;

	if (rthc_host_is_dir(ctx->host, THP_DIR) <= 0 &&
	    rthc_mem_built_without(ctx->facts, "CONFIG_TRANSPARENT_HUGEPAGE")) {
		rthc_pass(r, "the kernel is built without CONFIG_TRANSPARENT_HUGEPAGE: no THP");
		return;
	}
	if (read_mode(ctx, r, THP_DIR "/enabled", enabled, sizeof(enabled)) < 0 ||
	    read_mode(ctx, r, THP_DIR "/defrag", defrag, sizeof(defrag)) < 0)
		return;
	sizes = thp_sizes(ctx, r, enabled);
	if (sizes < 0)
		return;
	rthc_expect_str(r, "enabled", "never");
	rthc_observe_str(r, "enabled", enabled);
	rthc_observe_str(r, "defrag", defrag);
	if (streq(enabled, "never") && sizes == 0) {
		rthc_pass(r, "transparent hugepages are disabled (enabled [never], defrag [%s])",
			  defrag);
		return;
	}
	if (!streq(enabled, "never"))
		rthc_item(r, "enabled", "THP is %s%s", enabled,
			  streq(enabled, "madvise")
				  ? ": QEMU madvises guest RAM, so guests still get THPs"
				  : "");
	rthc_warn(r,
		  "transparent hugepages are active (enabled [%s], defrag [%s]%s): khugepaged "
		  "scans, collapses and fault-time compaction stall RT tasks",
		  enabled, defrag, sizes ? ", per-size controls on" : "");
	rthc_remedy(r, true, false,
		    "echo never > " THP_DIR "/enabled (and every hugepages-*/enabled); "
		    "persist with transparent_hugepage=never");
	rthc_remedy_action(r, RTHC_ACTION_SYSFS, THP_DIR "/enabled", "never");
	rthc_remedy_action(r, RTHC_ACTION_KERNEL_ARG, "transparent_hugepage", "never");
}

/* A unit that turns KSM on at boot or is running now: one item, returns whether it counts. */
static bool ksm_unit(struct rthc_ctx *ctx, struct rthc_result *r, const char *name)
{
	enum rthc_unit_file_state st = rthc_unit_file_state(ctx->host, name);
	int active = rthc_unit_active(ctx->host, name);
	char key[32];

	snprintf(key, sizeof(key), "%.*s_service", (int)(strlen(name) - strlen(".service")), name);
	rthc_observe_str(r, key, active > 0 ? "active" : rthc_unit_file_state_to_string(st));
	if (st != RTHC_UNIT_ENABLED && active <= 0)
		return false;
	rthc_item(r, name, "%s: it turns KSM back on", active > 0 ? "running" : "enabled at boot");
	rthc_remedy_action(r, RTHC_ACTION_SERVICE, name, "disable");
	return true;
}

void rthc_mem_ksm(struct rthc_ctx *ctx, struct rthc_result *r)
{
	int64_t run;
	bool units;
	int err = rthc_host_read_s64(ctx->host, KSM_RUN, &run);

	if (err == -ENOENT && rthc_mem_built_without(ctx->facts, "CONFIG_KSM")) {
		rthc_pass(r, "the kernel is built without CONFIG_KSM");
		return;
	}
	if (err == 0 && (run < 0 || run > 2))
		err = -EINVAL;
	if (err < 0) {
		rthc_result_error(r, err, KSM_RUN);
		return;
	}
	rthc_evidence(r, KSM_RUN, "%" PRId64, run);
	rthc_expect_str(r, "run", "0 or 2");
	rthc_observe_int(r, "run", run);
	units = ksm_unit(ctx, r, "ksm.service");
	units = ksm_unit(ctx, r, "ksmtuned.service") || units;
	if (run != 1 && !units) {
		rthc_pass(r, "KSM is stopped (run %" PRId64 ") and no service starts it", run);
		return;
	}
	if (run == 1) {
		rthc_item(r, "ksm/run", "1: ksmd scans and merges pages");
		rthc_remedy_action(r, RTHC_ACTION_SYSFS, KSM_RUN, "2");
	}
	rthc_warn(r,
		  "%s: ksmd scanning (seen on isolated CPUs) and copy-on-write faults on merged "
		  "pages",
		  run == 1 ? "KSM is running" : "a KSM service is enabled or running");
	rthc_remedy(r, true, false,
		    "echo 2 > " KSM_RUN " (stop and unmerge); systemctl disable --now "
		    "ksm ksmtuned; libvirt <memoryBacking><nosharepages/>");
}

/* A vm sysctl as a number; on a missing file, built_without names the config that explains it. */
static int read_vm(struct rthc_ctx *ctx, struct rthc_result *r, const char *path, int64_t *v)
{
	int err = rthc_host_read_s64(ctx->host, path, v);

	if (err == 0 && *v < 0)
		err = -ERANGE;
	if (err < 0 && err != -ENOENT)
		rthc_result_error(r, err, path);
	else if (err == 0)
		rthc_evidence(r, path, "%" PRId64, *v);
	return err;
}

void rthc_mem_compact_unevictable(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const char *path = "/proc/sys/vm/compact_unevictable_allowed";
	int64_t v;
	int err = read_vm(ctx, r, path, &v);

	if (err == -ENOENT) {
		if (rthc_mem_built_without(ctx->facts, "CONFIG_COMPACTION"))
			rthc_pass(r,
				  "the kernel is built without CONFIG_COMPACTION: locked pages are "
				  "never migrated");
		else
			rthc_result_error(r, err, path);
		return;
	}
	if (err < 0)
		return;
	rthc_expect_int(r, "value", 0);
	rthc_observe_int(r, "value", v);
	if (v == 0) {
		rthc_pass(r,
			  "compaction leaves mlocked pages alone (compact_unevictable_allowed 0)");
		return;
	}
	rthc_warn(r,
		  "compact_unevictable_allowed is %" PRId64
		  ": compaction may migrate mlocked pages, "
		  "and the RT task faults on them",
		  v);
	rthc_remedy(r, true, false,
		    "sysctl vm.compact_unevictable_allowed=0 (persist in /etc/sysctl.d)");
	rthc_remedy_action(r, RTHC_ACTION_SYSCTL, "vm.compact_unevictable_allowed", "0");
}

void rthc_mem_stat_interval(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const char *path = "/proc/sys/vm/stat_interval";
	int64_t v;
	int err = read_vm(ctx, r, path, &v);

	if (err == -ENOENT)
		rthc_result_error(r, err, path);
	if (err < 0)
		return;
	rthc_expect_int(r, "min_seconds", 10);
	rthc_observe_int(r, "seconds", v);
	if (v >= 10) {
		rthc_pass(r, "vmstat counters are folded every %" PRId64 " s", v);
		return;
	}
	rthc_warn(r,
		  "vm.stat_interval is %" PRId64
		  " s: vmstat_update work runs that often on every CPU "
		  "(tuned and OpenShift use 10)",
		  v);
	rthc_remedy(r, true, false, "sysctl vm.stat_interval=10 (persist in /etc/sysctl.d)");
	rthc_remedy_action(r, RTHC_ACTION_SYSCTL, "vm.stat_interval", "10");
}

void rthc_mem_dirty(struct rthc_ctx *ctx, struct rthc_result *r)
{
	static const char *const paths[] = {
		"/proc/sys/vm/dirty_ratio",
		"/proc/sys/vm/dirty_background_ratio",
		"/proc/sys/vm/dirty_bytes",
		"/proc/sys/vm/dirty_background_bytes",
	};
	int64_t v[4];

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		int err = read_vm(ctx, r, paths[i], &v[i]);

		if (err == -ENOENT)
			rthc_result_error(r, err, paths[i]);
		if (err < 0)
			return;
	}
	rthc_expect_int(r, "dirty_ratio", 10);
	rthc_expect_int(r, "dirty_background_ratio", 3);
	rthc_observe_int(r, "dirty_ratio", v[0]);
	rthc_observe_int(r, "dirty_background_ratio", v[1]);
	rthc_observe_int(r, "dirty_bytes", v[2]);
	rthc_observe_int(r, "dirty_background_bytes", v[3]);
	if (v[2] || v[3])
		rthc_info(r,
			  "dirty limits are set in bytes (dirty_bytes %" PRId64
			  ", dirty_background_bytes "
			  "%" PRId64 "); latency-performance uses ratios 10 / 3",
			  v[2], v[3]);
	else if (v[0] <= 10 && v[1] <= 3)
		rthc_pass(r,
			  "dirty_ratio %" PRId64 " / dirty_background_ratio %" PRId64
			  ": writeback starts early and in small batches",
			  v[0], v[1]);
	else
		rthc_info(r,
			  "dirty_ratio %" PRId64 " / dirty_background_ratio %" PRId64
			  " (latency-performance "
			  "uses 10 / 3): larger writeback bursts",
			  v[0], v[1]);
}
