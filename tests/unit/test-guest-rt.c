/*
 * Guest checks of emulated devices (checks/guest-dev.c: memballoon, usb, graphics through the
 * PCI adapter), of idle, isolation and steal time (checks/guest-rt.c), and the runner's handling
 * of guest mode: host-only checks are not_applicable in a guest and guest-only ones on a host,
 * `both` checks use the guest's isolated set, sampled and live-only checks are skipped.
 */
#include "guest.h"
#include "hw-pci.h"
#include "test-guest-helpers.h"

#define GOOD_FLAGS "fpu tsc constant_tsc nonstop_tsc x2apic tsc_deadline_timer"

/* A PCI function in sysfs layout under root (bus 0), linked from /sys/bus/pci/devices. */
static void pci_dev(const char *root, const char *slot, const char *vendor, const char *device,
		    const char *cls)
{
	const char *const attrs[][2] = {
		{"vendor", vendor}, {"device", device}, {"class", cls}, {"revision", "0x01\n"},
		{"irq", "11\n"},
	};
	char path[256], target[128];

	for (size_t i = 0; i < ARRAY_SIZE(attrs); i++) {
		snprintf(path, sizeof(path), "sys/devices/pci0000:00/%s/%s", slot, attrs[i][0]);
		write_file(root, path, attrs[i][1]);
	}
	snprintf(path, sizeof(path), "sys/bus/pci/devices/%s", slot);
	snprintf(target, sizeof(target), "../../../devices/pci0000:00/%s", slot);
	make_symlink(root, path, target);
}

/* ---- PCI through the adapter ----------------------------------------------------------------- */

static void test_fixture_pci(void **state)
{
	static const char *const fixtures[] = {"guest-good", "guest-bad"};

	(void)state;
	/* The fixtures look like real sysfs: libpci itself enumerates them. */
	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
		struct rthc_host *h;
		struct rthc_pci *p;

		assert_int_equal(rthc_host_new(fixture_dir(fixtures[i]), &h), 0);
		assert_int_equal(rthc_pci_scan(h, 0, &p), 0);
		assert_true(p->libpci);
		assert_int_equal(p->ndevs, 8);
		rthc_pci_free(p);
		rthc_host_free(h);
	}
}

static void test_memballoon(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r;
	char *t;

	(void)state;
	r = g_run(&ctx, fixture_dir("guest-good"), "guest.memballoon");
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_int(r, "balloon_devices", 0);
	kt_obs_bool(r, "module_loaded", false);
	kt_obs_int(r, "pci_devices", 8);
	ctx_free(ctx);

	/* The legacy balloon on PCI and on the virtio bus is one device. */
	r = g_run(&ctx, fixture_dir("guest-bad"), "guest.memballoon");
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_int(r, "balloon_devices", 1);
	kt_obs_bool(r, "module_loaded", true);
	assert_int_equal(r->nitems, 1);
	g_item_has(r, "0000:00:05.0", "virtio memory balloon (PCI 1af4:1002)");
	assert_string_equal(r->remediation->actions[0].value, "<memballoon model='none'/>");
	ctx_free(ctx);

	/* A virtio-ccw balloon (s390): no PCI function, only the virtio bus. */
	t = tmpdir_new();
	write_file(t, "sys/devices/css0/0.0.0002/0.0.0002/virtio2/device", "0x0005\n");
	make_symlink(t, "sys/bus/virtio/devices/virtio2",
		     "../../../devices/css0/0.0.0002/0.0.0002/virtio2");
	r = g_run(&ctx, t, "guest.memballoon");
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_int(r, "balloon_devices", 1);
	kt_obs_int(r, "pci_devices", 0);
	g_item_has(r, "virtio2", "device 0x0005");
	ctx_free(ctx);
	/* Garbage device ID: error naming the file. */
	write_file(t, "sys/devices/css0/0.0.0002/0.0.0002/virtio2/device", "balloon\n");
	r = g_run(&ctx, t, "guest.memballoon");
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "/sys/bus/virtio/devices/virtio2/device");
	ctx_free(ctx);
	g_tree_free(t);

	/* A modern balloon (1af4:1045) on PCI, no virtio bus directory. */
	t = tmpdir_new();
	pci_dev(t, "0000:00:00.0", "0x8086\n", "0x29c0\n", "0x060000\n");
	pci_dev(t, "0000:00:04.0", "0x1af4\n", "0x1045\n", "0x00ff00\n");
	r = g_run(&ctx, t, "guest.memballoon");
	assert_status(r, RTHC_STATUS_WARN);
	g_item_has(r, "0000:00:04.0", "PCI 1af4:1045");
	kt_obs_int(r, "pci_devices", 2);
	ctx_free(ctx);
	g_tree_free(t);

	/* Neither bus: the interface is missing... */
	t = tmpdir_new();
	write_file(t, "proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu hypervisor\n");
	r = g_run(&ctx, t, "guest.memballoon");
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "/sys/bus/pci/devices");
	ctx_free(ctx);
	/* ...unless the kernel has no PCI support. */
	write_file(t, "proc/sys/kernel/osrelease", "6.6.0-guest\n");
	write_file(t, "boot/config-6.6.0-guest", "CONFIG_VIRTIO=y\n# CONFIG_PCI is not set\n");
	r = g_run(&ctx, t, "guest.memballoon");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	kt_reason_has(r, "CONFIG_PCI is not set");
	ctx_free(ctx);
	g_tree_free(t);
}

static void test_usb_graphics(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r;
	char *t;

	(void)state;
	ctx = ctx_new(fixture_dir("guest-good"), NULL, true);
	r = run_check(ctx, "guest.usb");
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_int(r, "usb_controllers", 0);
	r = run_check(ctx, "guest.graphics");
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_int(r, "display_controllers", 0);
	kt_obs_int(r, "pci_devices", 8);
	ctx_free(ctx);

	ctx = ctx_new(fixture_dir("guest-bad"), NULL, true);
	r = run_check(ctx, "guest.usb");
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_int(r, "usb_controllers", 1);
	g_item_has(r, "0000:00:01.2", "UHCI controller (class 0x0c0300, 8086:7020)");
	assert_string_equal(r->remediation->actions[0].value,
			    "<controller type='usb' model='none'/>");
	r = run_check(ctx, "guest.graphics");
	assert_status(r, RTHC_STATUS_INFO);
	kt_obs_int(r, "display_controllers", 1);
	g_item_has(r, "0000:00:02.0", "VGA controller (class 0x030000, 1234:1111)");
	ctx_free(ctx);

	/* QEMU's xHCI and a virtio-gpu 3D controller. */
	t = tmpdir_new();
	pci_dev(t, "0000:00:00.0", "0x8086\n", "0x29c0\n", "0x060000\n");
	pci_dev(t, "0000:00:03.0", "0x1b36\n", "0x000d\n", "0x0c0330\n");
	pci_dev(t, "0000:00:04.0", "0x1af4\n", "0x1050\n", "0x030200\n");
	ctx = ctx_new(t, NULL, true);
	r = run_check(ctx, "guest.usb");
	assert_status(r, RTHC_STATUS_WARN);
	g_item_has(r, "0000:00:03.0", "xHCI controller");
	r = run_check(ctx, "guest.graphics");
	assert_status(r, RTHC_STATUS_INFO);
	g_item_has(r, "0000:00:04.0", "3D controller");
	ctx_free(ctx);
	/* A device whose class is garbage is skipped by the adapter, the rest still counts. */
	write_file(t, "sys/devices/pci0000:00/0000:00:04.0/class", "vga\n");
	ctx = ctx_new(t, NULL, true);
	r = run_check(ctx, "guest.graphics");
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_int(r, "pci_devices", 2);
	ctx_free(ctx);
	g_tree_free(t);

	/* No PCI bus. */
	t = tmpdir_new();
	write_file(t, "proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu hypervisor\n");
	ctx = ctx_new(t, NULL, true);
	r = run_check(ctx, "guest.usb");
	assert_status(r, RTHC_STATUS_ERROR);
	assert_int_equal(r->err, -ENOENT);
	r = run_check(ctx, "guest.graphics");
	assert_status(r, RTHC_STATUS_ERROR);
	ctx_free(ctx);
	g_tree_free(t);
}

/* ---- guest.idle ------------------------------------------------------------------------------ */

#define CPUIDLE "sys/devices/system/cpu/cpuidle/"
#define HALTPOLL_NS "sys/module/haltpoll/parameters/guest_halt_poll_ns"

static void test_idle(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r;
	char *t;

	(void)state;
	r = g_run(&ctx, fixture_dir("guest-good"), "guest.idle");
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_str(r, "driver", "haltpoll");
	kt_obs_str(r, "governor", "haltpoll");
	kt_obs_int(r, "guest_halt_poll_ns", 200000);
	kt_obs_str(r, "idle", NULL);
	ctx_free(ctx);

	r = g_run(&ctx, fixture_dir("guest-bad"), "guest.idle");
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_str(r, "driver", "acpi_idle");
	kt_obs_str(r, "governor", "menu");
	assert_int_equal(r->remediation->actions[0].type, RTHC_ACTION_KERNEL_ARG);
	assert_string_equal(r->remediation->actions[0].target, "idle");
	assert_string_equal(r->remediation->actions[0].value, "poll");
	assert_true(r->remediation->automated);
	ctx_free(ctx);

	/* idle=poll: no cpuidle driver registers, and none is needed. */
	t = g_tree(GOOD_FLAGS, "ro idle=poll\n");
	write_file(t, CPUIDLE "current_driver", "none\n");
	r = g_run(&ctx, t, "guest.idle");
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_str(r, "idle", "poll");
	kt_obs_str(r, "driver", "none");
	ctx_free(ctx);
	/* No driver and no idle=poll: HLT. */
	write_file(t, "proc/cmdline", "ro\n");
	r = g_run(&ctx, t, "guest.idle");
	assert_status(r, RTHC_STATUS_WARN);
	kt_reason_has(r, "halt through none");
	ctx_free(ctx);
	/* haltpoll that never polls. */
	write_file(t, CPUIDLE "current_driver", "haltpoll\n");
	write_file(t, HALTPOLL_NS, "0\n");
	r = g_run(&ctx, t, "guest.idle");
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_int(r, "guest_halt_poll_ns", 0);
	assert_int_equal(r->remediation->actions[0].type, RTHC_ACTION_SYSFS);
	ctx_free(ctx);
	write_file(t, HALTPOLL_NS, "lots\n");
	r = g_run(&ctx, t, "guest.idle");
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "guest_halt_poll_ns");
	ctx_free(ctx);
	/* A garbage driver name. */
	write_file(t, CPUIDLE "current_driver", "acpi idle\n");
	r = g_run(&ctx, t, "guest.idle");
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "current_driver");
	ctx_free(ctx);
	g_tree_free(t);

	/* No cpuidle directory: a kernel without CPU_IDLE halts; unknown config is an error. */
	t = g_tree(GOOD_FLAGS, "ro\n");
	r = g_run(&ctx, t, "guest.idle");
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "cpuidle/current_driver");
	ctx_free(ctx);
	write_file(t, "proc/sys/kernel/osrelease", "6.6.0-guest\n");
	write_file(t, "boot/config-6.6.0-guest", "CONFIG_PCI=y\n# CONFIG_CPU_IDLE is not set\n");
	r = g_run(&ctx, t, "guest.idle");
	assert_status(r, RTHC_STATUS_WARN);
	kt_reason_has(r, "CONFIG_CPU_IDLE is not set");
	ctx_free(ctx);
	/* No /proc/cmdline. */
	assert_int_equal(unlink_under(t, "proc/cmdline"), 0);
	r = g_run(&ctx, t, "guest.idle");
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "/proc/cmdline");
	ctx_free(ctx);
	g_tree_free(t);
}

/* ---- guest.isolation ------------------------------------------------------------------------- */

static void test_isolation(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r;
	char *t;

	(void)state;
	r = g_run(&ctx, fixture_dir("guest-good"), "guest.isolation");
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_str(r, "isolated", "1-3");
	kt_obs_str(r, "isolated_source", "sysfs");
	kt_obs_str(r, "domain", "1-3");
	kt_obs_str(r, "nohz_full", "1-3");
	kt_obs_str(r, "rcu_offloaded", "1-3");
	kt_obs_str(r, "housekeeping", "0");
	kt_obs_str(r, "irqaffinity", "0");
	assert_int_equal(r->nitems, 0);
	ctx_free(ctx);

	r = g_run(&ctx, fixture_dir("guest-bad"), "guest.isolation");
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_str(r, "isolated", "");
	kt_obs_str(r, "irqaffinity", NULL);
	assert_non_null(strstr(r->remediation->summary, "isolcpus=domain,managed_irq,1-3 "
			       "nohz_full=1-3 rcu_nocbs=1-3 irqaffinity=0"));
	ctx_free(ctx);

	/* Domain-isolated and offloaded, but ticking, and irqaffinity= names an RT vCPU. */
	t = g_tree(GOOD_FLAGS, "ro isolcpus=domain,2-3 rcu_nocbs=2-3 irqaffinity=0,3\n");
	r = g_run(&ctx, t, "guest.isolation");
	assert_status(r, RTHC_STATUS_WARN);
	kt_obs_str(r, "isolated", "2-3");
	kt_obs_str(r, "nohz_full", "");
	kt_obs_str(r, "rcu_offloaded", "2-3");
	kt_obs_str(r, "irqaffinity", "0,3");
	assert_int_equal(r->nitems, 3);
	g_item_has(r, "cpu 2", "keeps the scheduler tick");
	assert_string_equal(r->items[2].object, "cpu 3");
	assert_non_null(strstr(r->items[2].reason, "irqaffinity="));
	ctx_free(ctx);

	/* Every vCPU isolated. */
	write_file(t, "sys/devices/system/cpu/isolated", "0-3\n");
	write_file(t, "proc/cmdline", "ro isolcpus=0-3\n");
	r = g_run(&ctx, t, "guest.isolation");
	assert_status(r, RTHC_STATUS_FAIL);
	kt_obs_str(r, "housekeeping", "");
	ctx_free(ctx);
	/* Garbage. */
	write_file(t, "sys/devices/system/cpu/isolated", "0-x\n");
	r = g_run(&ctx, t, "guest.isolation");
	assert_status(r, RTHC_STATUS_ERROR);
	kt_reason_has(r, "/sys/devices/system/cpu/isolated");
	ctx_free(ctx);
	g_tree_free(t);
}

/* ---- guest.steal ----------------------------------------------------------------------------- */

static void test_stat_line(void **state)
{
	static const struct {
		const char *line;
		int ret;
		unsigned cpu;
		uint64_t steal;
	} cases[] = {
		{"cpu  4705 356 584 3699 23 23 0 0 0 0", 0, 0, 0},
		{"cpu3 1393280 32966 572056 13343292 6130 0 17875 42 0 0", 1, 3, 42},
		{"cpu12 1 2 3 4 5 6 7 8", 1, 12, 8},
		{"cpu1 1 2 3 4 5 6 7 18446744073709551615 0 0", 1, 1, UINT64_MAX},
		{"cpu1 1 2 3 4", -ENODATA, 0, 0},
		{"cpu1 1 2 x 4 5 6 7 8", -EINVAL, 0, 0},
		{"cpu1 1 2 3", -EINVAL, 0, 0},
		{"cpuX 1 2 3 4 5 6 7 8", 0, 0, 0},
		{"intr 114930548 113199788 3 0 5", 0, 0, 0},
		{"cpu99999999 1 2 3 4 5 6 7 8", -EINVAL, 0, 0},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned cpu = 0;
		uint64_t steal = 0;
		int k = rthc_guest_stat_line(cases[i].line, strlen(cases[i].line), &cpu, &steal);

		if (k != cases[i].ret)
			fail_msg("\"%s\": %d, expected %d", cases[i].line, k, cases[i].ret);
		if (k == 1) {
			assert_int_equal(cpu, cases[i].cpu);
			assert_true(steal == cases[i].steal);
		}
	}
}

static void set_stat(struct rthc_guest_stat *s, const uint64_t *v, unsigned n)
{
	s->n = n;
	s->steal = calloc(n, sizeof(*s->steal));
	s->have = calloc(n, sizeof(*s->have));
	assert_non_null(s->steal);
	assert_non_null(s->have);
	for (unsigned i = 0; i < n; i++) {
		s->steal[i] = v[i];
		s->have[i] = true;
	}
}

static void test_steal(void **state)
{
	struct rthc_ctx *ctx = ctx_new(fixture_dir("guest-good"), NULL, true);
	const struct rthc_check *c = rthc_checks_find("guest.steal");
	struct rthc_guest_stat a = {0}, b = {0};
	struct rthc_result r;
	char *t;

	(void)state;
	/* Sampled and live-only: skipped without --sample, and in a tree. */
	assert_status(run_check(ctx, "guest.steal"), RTHC_STATUS_SKIPPED);
	kt_reason_has(run_check(ctx, "guest.steal"), "not_sampled");
	ctx->opts.sample = 0.5;
	kt_reason_has(run_check(ctx, "guest.steal"), "needs_live_host");

	/* The judge: ISO is 1-3 in guest-good. */
	rthc_result_init(&r, c);
	set_stat(&a, (const uint64_t[]){0, 10, 5, 0}, 4);
	set_stat(&b, (const uint64_t[]){50, 10, 8, 0}, 4);
	rthc_guest_steal_judge(ctx, &r, &a, &b, 2.0);
	assert_status(&r, RTHC_STATUS_FAIL);
	kt_obs_str(&r, "judged", "1-3");
	kt_obs_int(&r, "steal_ms", 30);
	kt_obs_int(&r, "housekeeping_steal_ms", 500);
	assert_int_equal(r.nitems, 1);
	g_item_has(&r, "cpu 2", "3 ticks of steal time (30 ms)");
	kt_reason_has(&r, "preempted vCPUs 2: 30 ms of steal time in 2.0 s");
	rthc_guest_stat_done(&b);

	/* Steal only on the housekeeping vCPU; a counter reset is no steal. */
	rthc_result_reset(&r);
	set_stat(&b, (const uint64_t[]){90, 2, 5, 0}, 4);
	rthc_guest_steal_judge(ctx, &r, &a, &b, 1.0);
	assert_status(&r, RTHC_STATUS_PASS);
	kt_obs_int(&r, "steal_ms", 0);
	kt_obs_int(&r, "housekeeping_steal_ms", 900);
	rthc_guest_stat_done(&a);
	rthc_guest_stat_done(&b);
	rthc_result_done(&r);
	ctx_free(ctx);

	/* No isolated vCPU: every vCPU counts. */
	ctx = ctx_new(fixture_dir("guest-bad"), NULL, true);
	rthc_result_init(&r, c);
	set_stat(&a, (const uint64_t[]){0, 0, 0, 0}, 4);
	set_stat(&b, (const uint64_t[]){1, 0, 0, 0}, 4);
	rthc_guest_steal_judge(ctx, &r, &a, &b, 1.0);
	assert_status(&r, RTHC_STATUS_FAIL);
	kt_obs_str(&r, "judged", "0-3");
	g_item_has(&r, "cpu 0", "1 ticks");
	rthc_guest_stat_done(&a);
	rthc_guest_stat_done(&b);
	rthc_result_done(&r);
	ctx_free(ctx);

	/* /proc/stat is streamed: a second read sees new values. Missing and garbage fail. */
	t = g_tree(GOOD_FLAGS, "ro\n");
	write_file(t, "proc/stat", "cpu  9 9 9 9 9 9 9 9 0 0\ncpu0 1 1 1 1 1 1 1 7 0 0\n"
				   "cpu2 1 1 1 1 1 1 1 3 0 0\nintr 1 2 3\n");
	ctx = ctx_new(t, NULL, true);
	assert_int_equal(rthc_guest_stat_read(ctx, &a), 0);
	assert_int_equal(a.n, 3);
	assert_true(a.have[0] && !a.have[1] && a.have[2]);
	assert_int_equal(a.steal[2], 3);
	write_file(t, "proc/stat", "cpu0 1 1 1 1 1 1 1 9 0 0\ncpu2 1 1 1 1 1 1 1 4 0 0\n");
	assert_int_equal(rthc_guest_stat_read(ctx, &b), 0);
	assert_int_equal(b.steal[0], 9);
	assert_int_equal(b.steal[2], 4);
	rthc_guest_stat_done(&a);
	rthc_guest_stat_done(&b);
	write_file(t, "proc/stat", "cpu0 1 1 1 1\n");
	assert_int_equal(rthc_guest_stat_read(ctx, &a), -ENODATA);
	write_file(t, "proc/stat", "intr 1 2\n");
	assert_int_equal(rthc_guest_stat_read(ctx, &a), -ENODATA);
	write_file(t, "proc/stat", "cpu0 1 1 zz 1 1 1 1 1\n");
	assert_int_equal(rthc_guest_stat_read(ctx, &a), -EINVAL);
	assert_int_equal(unlink_under(t, "proc/stat"), 0);
	assert_int_equal(rthc_guest_stat_read(ctx, &a), -ENOENT);
	assert_null(a.steal);
	ctx_free(ctx);
	g_tree_free(t);
}

/* ---- guest.jitter_probe ---------------------------------------------------------------------- */

static void test_jitter(void **state)
{
	static const char *const bad_budget[] = {"guest_jitter_max_us=abc", NULL};
	const struct rthc_check *c = rthc_checks_find("guest.jitter_probe");
	struct rthc_guest_jitter v[] = {{1, 5000}, {2, 35000}, {3, -EPERM}};
	struct rthc_ctx *ctx;
	struct rthc_result r;

	(void)state;
	rthc_result_init(&r, c);
	rthc_guest_jitter_judge(&r, v, ARRAY_SIZE(v), 20, 1.5);
	assert_status(&r, RTHC_STATUS_WARN);
	kt_obs_int(&r, "probed_vcpus", 2);
	kt_obs_int(&r, "max_gap_us", 35);
	assert_int_equal(r.nitems, 2);
	g_item_has(&r, "cpu 2", "max gap 35 µs");
	g_item_has(&r, "cpu 3", "cannot pin the probe");
	kt_reason_has(&r, "1 isolated vCPU stalled longer than 20 µs (worst 35 µs)");
	rthc_result_reset(&r);
	rthc_guest_jitter_judge(&r, v, 1, 20, 1.5);
	assert_status(&r, RTHC_STATUS_PASS);
	kt_obs_int(&r, "max_gap_us", 5);
	rthc_result_reset(&r);
	rthc_guest_jitter_judge(&r, v + 2, 1, 20, 1.5);
	assert_status(&r, RTHC_STATUS_ERROR);
	kt_obs_str(&r, "max_gap_us", NULL);
	rthc_result_done(&r);

	/* Sampled and live-only; a bad budget and no isolated vCPU stop before any probe runs. */
	ctx = ctx_new(fixture_dir("guest-good"), bad_budget, true);
	kt_reason_has(run_check(ctx, "guest.jitter_probe"), "not_sampled");
	rthc_result_init(&r, c);
	rthc_guest_jitter_probe(ctx, &r);
	assert_status(&r, RTHC_STATUS_ERROR);
	kt_reason_has(&r, "guest_jitter_max_us");
	rthc_result_done(&r);
	ctx_free(ctx);
	ctx = ctx_new(fixture_dir("guest-bad"), NULL, true);
	rthc_result_init(&r, c);
	rthc_guest_jitter_probe(ctx, &r);
	assert_status(&r, RTHC_STATUS_NOT_APPLICABLE);
	rthc_result_done(&r);
	ctx_free(ctx);
}

/* ---- the runner in guest and host mode ------------------------------------------------------- */

static void test_modes(void **state)
{
	struct rthc_ctx *ctx;
	const struct rthc_result *r;

	(void)state;
	/* In a guest: host-only checks are not applicable, `both` ones use the guest's ISO. */
	ctx = ctx_new(fixture_dir("guest-good"), NULL, true);
	r = run_check(ctx, "kvm.halt_poll_ns");
	assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
	assert_string_equal(r->reason, "host-only check; this run audits a guest");
	assert_true(r->deselected);
	r = run_check(ctx, "cmdline.nohz_full");
	assert_status(r, RTHC_STATUS_PASS);
	kt_obs_str(r, "cpus", "1-3");
	r = run_check(ctx, "cpu.boot_cpu");
	assert_status(r, RTHC_STATUS_PASS);
	r = run_check(ctx, "guest.usb");
	assert_status(r, RTHC_STATUS_PASS);
	ctx_free(ctx);

	ctx = ctx_new(fixture_dir("guest-bad"), NULL, true);
	r = run_check(ctx, "cmdline.nohz_full");
	assert_status(r, RTHC_STATUS_FAIL);
	ctx_free(ctx);

	/* On a host: every guest check is not applicable, with the reason. */
	ctx = ctx_new(fixture_dir("guest-bad"), NULL, false);
	for (size_t i = 0; i < rthc_checks_count(); i++) {
		const struct rthc_check *c = rthc_checks_get(i);

		if (!strneq(c->id, "guest.", 6))
			continue;
		assert_int_equal(c->modes, RTHC_MODE_GUEST);
		r = run_check(ctx, c->id);
		assert_status(r, RTHC_STATUS_NOT_APPLICABLE);
		assert_string_equal(r->reason, "guest-only check; this run audits a host");
	}
	ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_pci),
		cmocka_unit_test(test_memballoon),
		cmocka_unit_test(test_usb_graphics),
		cmocka_unit_test(test_idle),
		cmocka_unit_test(test_isolation),
		cmocka_unit_test(test_stat_line),
		cmocka_unit_test(test_steal),
		cmocka_unit_test(test_jitter),
		cmocka_unit_test(test_modes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
