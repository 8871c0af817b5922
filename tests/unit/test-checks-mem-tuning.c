/*
 * Unit tests: mem.thp, mem.ksm, mem.compact_unevictable, mem.stat_interval, mem.dirty
 * (checks/mem-tuning-vm.c), mem.swap, mem.mlock_limit and xcheck.swap_lock
 * (checks/mem-tuning-swap.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "test-checks-power-helpers.h"

#define THP "/sys/kernel/mm/transparent_hugepage"
#define VM "/proc/sys/vm"
#define SWAPS_HDR "Filename\tType\tSize\tUsed\tPriority\n"

/* A temp tree whose kernel config is known (for "built without" cases). */
static char *tree_with_config(const char *config)
{
	char *root = tmpdir_new();

	pm_base(root, "", "2-3");
	write_file(root, "/boot/config-6.6.0-rt15", config);
	return root;
}

static void drop(char *root)
{
	tmpdir_remove(root);
	free(root);
}

/* Status, one observed value, or the path an error names, per fixture. */
static void fixtures(void **state)
{
	static const struct pm_case cases[] = {
		{"pm-tuned", "mem.compact_unevictable", RTHC_STATUS_PASS, "value", 0},
		{"pm-misconfigured", "mem.compact_unevictable", RTHC_STATUS_WARN, "value", 1},
		{"pm-garbage", "mem.compact_unevictable", RTHC_STATUS_ERROR,
		 VM "/compact_unevictable_allowed"},
		{"pm-missing", "mem.compact_unevictable", RTHC_STATUS_ERROR,
		 VM "/compact_unevictable_allowed"},
		{"pm-tuned", "mem.stat_interval", RTHC_STATUS_PASS, "seconds", 10},
		{"pm-misconfigured", "mem.stat_interval", RTHC_STATUS_WARN, "seconds", 1},
		{"pm-garbage", "mem.stat_interval", RTHC_STATUS_ERROR, VM "/stat_interval"},
		{"pm-missing", "mem.stat_interval", RTHC_STATUS_ERROR, VM "/stat_interval"},
		{"pm-tuned", "mem.dirty", RTHC_STATUS_PASS, "dirty_background_ratio", 3},
		{"pm-misconfigured", "mem.dirty", RTHC_STATUS_INFO, "dirty_ratio", 20},
		{"pm-garbage", "mem.dirty", RTHC_STATUS_ERROR, VM "/dirty_ratio"},
		{"pm-missing", "mem.dirty", RTHC_STATUS_ERROR, VM "/dirty_ratio"},
		{"pm-tuned", "mem.thp", RTHC_STATUS_PASS, "enabled", 0, "never"},
		{"pm-tuned", "mem.thp", RTHC_STATUS_PASS, "defrag", 0, "never"},
		{"pm-misconfigured", "mem.thp", RTHC_STATUS_WARN, "enabled", 0, "always"},
		{"pm-misconfigured", "mem.thp", RTHC_STATUS_WARN, "defrag", 0, "always"},
		{"pm-garbage", "mem.thp", RTHC_STATUS_ERROR, THP "/enabled"},
		{"pm-missing", "mem.thp", RTHC_STATUS_ERROR, THP "/enabled"},
		{"pm-tuned", "mem.ksm", RTHC_STATUS_PASS, "run", 2},
		{"pm-misconfigured", "mem.ksm", RTHC_STATUS_WARN, "run", 1},
		{"pm-tuned", "mem.ksm", RTHC_STATUS_PASS, "ksm_service", 0, "installed"},
		{"pm-tuned", "mem.ksm", RTHC_STATUS_PASS, "ksmtuned_service", 0, "masked"},
		{"pm-misconfigured", "mem.ksm", RTHC_STATUS_WARN, "ksmtuned_service", 0, "enabled"},
		{"pm-garbage", "mem.ksm", RTHC_STATUS_ERROR, "/sys/kernel/mm/ksm/run"},
		{"pm-missing", "mem.ksm", RTHC_STATUS_ERROR, "/sys/kernel/mm/ksm/run"},
		{"pm-tuned", "mem.swap", RTHC_STATUS_PASS, "swap_areas", 0},
		{"pm-misconfigured", "mem.swap", RTHC_STATUS_WARN, "swappiness", 60},
		{"pm-garbage", "mem.swap", RTHC_STATUS_ERROR, "/proc/swaps"},
		{"pm-missing", "mem.swap", RTHC_STATUS_ERROR, "/proc/swaps"},
		{"pm-tuned", "xcheck.swap_lock", RTHC_STATUS_NOT_APPLICABLE},
		{"pm-garbage", "xcheck.swap_lock", RTHC_STATUS_ERROR, "/proc/swaps"},
		{"pm-tuned", "mem.mlock_limit", RTHC_STATUS_PASS, "unlimited_domains", 2},
		{"pm-misconfigured", "mem.mlock_limit", RTHC_STATUS_WARN, "unlimited_domains", 0},
		{"pm-garbage", "mem.mlock_limit", RTHC_STATUS_ERROR, "/etc/security/limits.conf"},
		{"pm-missing", "mem.mlock_limit", RTHC_STATUS_ERROR, "/etc/security/limits.conf"},
	};

	(void)state;
	pm_run_cases(cases, ARRAY_SIZE(cases));
}

static void thp(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-misconfigured", "mem.thp", NULL);

	(void)state;
	pm_assert_item(r, "enabled", "THP is always");
	pm_assert_action(r, THP "/enabled", "never");
	pm_assert_action(r, "transparent_hugepage", "never");
	ctx_free(ctx);
}

static void thp_tmp(void **state)
{
	char *root =
		tree_with_config("CONFIG_PREEMPT_RT=y\n# CONFIG_TRANSPARENT_HUGEPAGE is not set\n");
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run_root(&ctx, root, "mem.thp", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	pm_assert_reason(r, "without CONFIG_TRANSPARENT_HUGEPAGE");
	ctx_free(ctx);
	/* madvise: QEMU madvises guest memory. */
	write_file(root, THP "/enabled", "always [madvise] never\n");
	write_file(root, THP "/defrag", "always defer defer+madvise [madvise] never\n");
	r = pm_run_root(&ctx, root, "mem.thp", NULL);
	assert_status(r, RTHC_STATUS_WARN);
	pm_assert_item(r, "enabled", "QEMU madvises guest RAM");
	ctx_free(ctx);
	/* Top level never, but a per-size (mTHP) control still on. */
	write_file(root, THP "/enabled", "always madvise [never]\n");
	write_file(root, THP "/hugepages-64kB/enabled", "[always] inherit madvise never\n");
	write_file(root, THP "/hugepages-2048kB/enabled", "always [inherit] madvise never\n");
	r = pm_run_root(&ctx, root, "mem.thp", NULL);
	assert_status(r, RTHC_STATUS_WARN);
	pm_assert_item(r, "hugepages-64kB", "per-size THP is always");
	assert_int_equal(r->nitems, 1);
	ctx_free(ctx);
	write_file(root, THP "/hugepages-64kB/enabled", "always inherit madvise never\n");
	r = pm_run_root(&ctx, root, "mem.thp", NULL);
	pm_assert_error(r, THP "/hugepages-64kB/enabled");
	ctx_free(ctx);
	drop(root);
}

static void ksm(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-misconfigured", "mem.ksm", NULL);

	(void)state;
	pm_assert_item(r, "ksm/run", "ksmd scans");
	pm_assert_item(r, "ksmtuned.service", "enabled at boot");
	pm_assert_action(r, "/sys/kernel/mm/ksm/run", "2");
	pm_assert_action(r, "ksmtuned.service", "disable");
	ctx_free(ctx);
}

static void ksm_tmp(void **state)
{
	char *root = tree_with_config("# CONFIG_KSM is not set\n");
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run_root(&ctx, root, "mem.ksm", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	pm_assert_reason(r, "without CONFIG_KSM");
	ctx_free(ctx);
	/* Stopped now, but ksm.service starts it at boot. */
	write_file(root, "/sys/kernel/mm/ksm/run", "0\n");
	write_file(root, "/usr/lib/systemd/system/ksm.service", "[Unit]\n");
	make_symlink(root, "/etc/systemd/system/multi-user.target.wants/ksm.service",
		     "/usr/lib/systemd/system/ksm.service");
	r = pm_run_root(&ctx, root, "mem.ksm", NULL);
	assert_status(r, RTHC_STATUS_WARN);
	pm_assert_item(r, "ksm.service", "turns KSM back on");
	assert_int_equal(pm_obs_int(r, "run"), 0);
	ctx_free(ctx);
	write_file(root, "/sys/kernel/mm/ksm/run", "3\n");
	r = pm_run_root(&ctx, root, "mem.ksm", NULL);
	pm_assert_error(r, "/sys/kernel/mm/ksm/run");
	ctx_free(ctx);
	drop(root);
}

static void sysctl_fixes(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r =
		pm_run(&ctx, "pm-misconfigured", "mem.compact_unevictable", NULL);

	(void)state;
	pm_assert_action(r, "vm.compact_unevictable_allowed", "0");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-misconfigured", "mem.stat_interval", NULL);
	assert_int_equal(pm_exp_int(r, "min_seconds"), 10);
	pm_assert_action(r, "vm.stat_interval", "10");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-garbage", "mem.stat_interval", NULL);
	assert_int_equal(r->err, -ENODATA);
	ctx_free(ctx);
}

static void compact_built_without(void **state)
{
	char *root = tree_with_config("# CONFIG_COMPACTION is not set\n");
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run_root(&ctx, root, "mem.compact_unevictable", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	pm_assert_reason(r, "without CONFIG_COMPACTION");
	ctx_free(ctx);
	drop(root);
}

static void dirty(void **state)
{
	char *root = tmpdir_new();
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-misconfigured", "mem.dirty", NULL);

	(void)state;
	pm_assert_reason(r, "10 / 3");
	ctx_free(ctx);
	pm_base(root, "", "2-3");
	write_file(root, VM "/dirty_ratio", "0\n");
	write_file(root, VM "/dirty_background_ratio", "0\n");
	write_file(root, VM "/dirty_bytes", "268435456\n");
	write_file(root, VM "/dirty_background_bytes", "67108864\n");
	r = pm_run_root(&ctx, root, "mem.dirty", NULL);
	assert_status(r, RTHC_STATUS_INFO);
	assert_int_equal(pm_obs_int(r, "dirty_bytes"), 268435456);
	pm_assert_reason(r, "set in bytes");
	ctx_free(ctx);
	drop(root);
}

static void swap(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-misconfigured", "mem.swap", NULL);

	(void)state;
	assert_int_equal(pm_obs_int(r, "swap_areas"), 1);
	pm_assert_item(r, "/dev/dm-1", "partition of 8191 MiB");
	pm_assert_item(r, "vm.swappiness", "60 > 10");
	pm_assert_action(r, "vm.swappiness", "10");
	pm_assert_action(r, "swapoff -a", NULL);
	ctx_free(ctx);
	/* Swap on, but every QEMU/RT process locks its memory. */
	r = pm_run(&ctx, "pm-swap-locked", "mem.swap", NULL);
	assert_status(r, RTHC_STATUS_PASS);
	pm_assert_reason(r, "all 2 VM/RT processes lock their memory");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-garbage", "mem.swap", NULL);
	assert_int_equal(r->nitems, 0);
	ctx_free(ctx);
}

static void swap_tmp(void **state)
{
	char *root = tmpdir_new();
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	pm_base(root, "", "2-3");
	write_file(root, "/proc/swaps", SWAPS_HDR);
	write_file(root, VM "/swappiness", "30\n");
	r = pm_run_root(&ctx, root, "mem.swap", NULL);
	assert_status(r, RTHC_STATUS_WARN);
	pm_assert_reason(r, "vm.swappiness is 30");
	ctx_free(ctx);
	write_file(root, VM "/swappiness", "many\n");
	r = pm_run_root(&ctx, root, "mem.swap", NULL);
	pm_assert_error(r, VM "/swappiness");
	ctx_free(ctx);
	write_file(root, "/proc/swaps", SWAPS_HDR "/dev/sda2 partition big 0 -2\n");
	r = pm_run_root(&ctx, root, "xcheck.swap_lock", NULL);
	pm_assert_error(r, "/proc/swaps");
	ctx_free(ctx);
	drop(root);
}

static void swap_lock(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-misconfigured", "xcheck.swap_lock", NULL);

	(void)state;
	assert_status(r, RTHC_STATUS_WARN);
	pm_assert_reason(r, "cannot be verified");
	assert_null(pm_obs_str(r, "source"));
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-swap-locked", "xcheck.swap_lock", NULL);
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(pm_obs_int(r, "checked"), 2);
	assert_int_equal(pm_obs_int(r, "unlocked"), 0);
	assert_string_equal(pm_obs_str(r, "source"), "processes");
	ctx_free(ctx);
}

static void swap_lock_domains(void **state)
{
	char *root = tmpdir_new();
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	pm_base(root, "", "2-3");
	write_file(root, "/proc/swaps", SWAPS_HDR "/swapfile file 1048572 0 -2\n");
	write_file(root, "/etc/libvirt/qemu/rt1.xml",
		   "<domain type='kvm'><name>rt1</name><memoryBacking><hugepages/><locked/>"
		   "</memoryBacking></domain>\n");
	r = pm_run_root(&ctx, root, "xcheck.swap_lock", NULL);
	assert_status(r, RTHC_STATUS_PASS);
	assert_string_equal(pm_obs_str(r, "source"), "libvirt domains");
	assert_int_equal(pm_obs_int(r, "checked"), 1);
	ctx_free(ctx);
	write_file(root, "/etc/libvirt/qemu/rt2.xml",
		   "<domain type='kvm'><name>rt2</name><memoryBacking><hugepages/>"
		   "</memoryBacking></domain>\n");
	r = pm_run_root(&ctx, root, "xcheck.swap_lock", NULL);
	assert_status(r, RTHC_STATUS_WARN);
	assert_int_equal(pm_obs_int(r, "unlocked"), 1);
	pm_assert_item(r, "domain rt2", "no <memoryBacking><locked/>");
	ctx_free(ctx);
	drop(root);
}

static void swap_lock_unlocked_process(void **state)
{
	char *root = tmpdir_new();
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	pm_base(root, "", "2-3");
	write_file(root, "/proc/swaps", SWAPS_HDR "/swapfile file 1048572 0 -2\n");
	write_file(root, "/proc/77/stat",
		   "77 (qemu-kvm) S 1 77 77 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 5 0 0 1000 100 "
		   "0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
	write_file(root, "/proc/77/status",
		   "Name:\tqemu-kvm\nVmLck:\t       0 kB\nVmRSS:\t 4000000 kB\n");
	write_file(root, "/proc/77/limits",
		   "Max locked memory         65536                65536                bytes\n");
	r = pm_run_root(&ctx, root, "xcheck.swap_lock", NULL);
	assert_status(r, RTHC_STATUS_WARN);
	pm_assert_item(r, "pid 77 (qemu-kvm)", "VmLck 0 kB of VmRSS 4000000 kB");
	assert_string_equal(pm_obs_str(r, "source"), "processes");
	ctx_free(ctx);
	/* The same QEMU cannot raise its own memlock limit. */
	write_file(root, "/etc/security/limits.conf", "@realtime - memlock unlimited\n");
	r = pm_run_root(&ctx, root, "mem.mlock_limit", NULL);
	assert_status(r, RTHC_STATUS_WARN);
	pm_assert_item(r, "pid 77 (qemu-kvm)", "Max locked memory 65536 bytes");
	assert_int_equal(pm_obs_int(r, "qemu_limited"), 1);
	ctx_free(ctx);
	drop(root);
}

static void mlock_limit(void **state)
{
	const char *const realtime[] = {"rt_users=@realtime,qemu", NULL};
	const char *const alice[] = {"rt_users=alice", NULL};
	struct rthc_ctx *ctx;
	const struct rthc_result *r = pm_run(&ctx, "pm-tuned", "mem.mlock_limit", realtime);

	(void)state;
	assert_status(r, RTHC_STATUS_PASS);
	pm_assert_reason(r, "@realtime,qemu");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-tuned", "mem.mlock_limit", alice);
	assert_status(r, RTHC_STATUS_WARN);
	pm_assert_item(r, "user alice", "no limits entry");
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-misconfigured", "mem.mlock_limit", alice);
	assert_status(r, RTHC_STATUS_WARN);
	pm_assert_item(r, "user alice", "memlock soft 65536 KiB, hard 65536 KiB (domain *)");
	pm_assert_action(r, "/etc/security/limits.d/99-realtime-memlock.conf", NULL);
	ctx_free(ctx);
	r = pm_run(&ctx, "pm-swap-locked", "mem.mlock_limit", NULL);
	assert_status(r, RTHC_STATUS_PASS);
	assert_int_equal(pm_obs_int(r, "qemu_processes"), 1);
	assert_int_equal(pm_obs_int(r, "qemu_limited"), 0);
	ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fixtures),
		cmocka_unit_test(thp),
		cmocka_unit_test(thp_tmp),
		cmocka_unit_test(ksm),
		cmocka_unit_test(ksm_tmp),
		cmocka_unit_test(sysctl_fixes),
		cmocka_unit_test(compact_built_without),
		cmocka_unit_test(dirty),
		cmocka_unit_test(swap),
		cmocka_unit_test(swap_tmp),
		cmocka_unit_test(swap_lock),
		cmocka_unit_test(swap_lock_domains),
		cmocka_unit_test(swap_lock_unlocked_process),
		cmocka_unit_test(mlock_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
