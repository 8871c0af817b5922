/*
 * The boot unit and the re-apply, on writable copies of the apply-* fixtures: --apply installs
 * and enables rthostcheck-apply.service through the journal (--rollback removes both); after a
 * simulated reboot puts the runtime values back, the same --apply (what the unit runs) writes
 * them again as part of the run that installed the unit, so --rollback still gives back the
 * pristine tree. Also the ExecStart= quoting and the shortened text report.
 */
#include <dirent.h>

#include "exec.h"
#include "host.h"
#include "journal.h"
#include "render.h"
#include "strbuf.h"
#include "test-apply-util.h"

#define UNIT "/etc/systemd/system/rthostcheck-apply.service"
#define LINK "/etc/systemd/system/multi-user.target.wants/rthostcheck-apply.service"
#define JOURNALS STATE_DIR "/journal"

/* Every test starts from copies of apply-host. */
static int setup_host(void **state)
{
	setup(state);
	copies(*state, "apply-host");
	return 0;
}

/* The journals of root: how many, and the text of the newest in *text (may be NULL). */
static size_t journals(const char *root, char **text)
{
	char dir[PATH_MAX], newest[NAME_MAX + 1] = "";
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", root, JOURNALS);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".log")) {
			n++;
			if (strverscmp(de->d_name, newest) > 0)
				snprintf(newest, sizeof(newest), "%s", de->d_name);
		}
	closedir(d);
	if (text) {
		snprintf(dir, sizeof(dir), "/%s/%s", JOURNALS, newest);
		*text = tree_file(root, dir);
		assert_non_null(*text);
	}
	return n;
}

static size_t count_str(const char *s, const char *needle)
{
	size_t n = 0;

	for (; (s = strstr(s, needle)); s++)
		n++;
	return n;
}

static size_t count_reason(const struct rthc_report *rep, const char *prefix)
{
	size_t n = 0;

	for (size_t i = 0; i < rep->nchanges; i++)
		n += rep->changes[i].reason && strneq(rep->changes[i].reason, prefix, strlen(prefix));
	return n;
}

static bool has_diag(const struct rthc_report *rep, const char *part)
{
	for (size_t i = 0; i < rep->ndiags; i++)
		if (strstr(rep->diags[i].message, part))
			return true;
	return false;
}

/* The same apply again changes nothing and starts no run; then the rollback gives pristine. */
static void again_then_rollback(const struct env *e, const char *profile, const char *const *sets)
{
	struct rthc_ctx *ctx = apply_ctx_sets(e->work, profile, false, sets);

	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	assert_int_equal(ctx->report->nchanges, 0);
	apply_ctx_free(ctx);
	assert_int_equal(journals(e->work, NULL), 1);
	assert_int_equal(rollback(e->work, false), 0);
	assert_same_tree(e->work, e->pristine);
}

static void test_unit_installed(void **state)
{
	static const char *const sets[] = {"isolated_cores=2-3,6-7", "note=50% of $HOME \"x\"", NULL};
	struct env *e = *state;
	struct rthc_ctx *ctx;
	char *unit, *journal, link[PATH_MAX * 2], got[PATH_MAX];
	ssize_t n;

	ctx = apply_ctx_sets(e->work, "realtime-virtual-host", false, sets);
	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	assert_int_equal(ctx->report->outcome_exit, 0);
	/* The directories, the unit and its link: persistent changes like any other. */
	assert_int_equal(change_of(ctx->report, "/etc/systemd/system")->status, RTHC_CHANGE_APPLIED);
	assert_int_equal(change_of(ctx->report, "/etc/systemd/system/multi-user.target.wants")->status,
			 RTHC_CHANGE_APPLIED);
	assert_int_equal(change_of(ctx->report, UNIT)->status, RTHC_CHANGE_APPLIED);
	assert_int_equal(change_of(ctx->report, UNIT)->persistence, RTHC_PERSIST_PERSISTENT);
	assert_int_equal(change_of(ctx->report, LINK)->status, RTHC_CHANGE_APPLIED);
	assert_string_equal(change_of(ctx->report, LINK)->new_value, UNIT);
	/* No systemctl on a tree. */
	assert_null(find_change(ctx->report, "/usr/bin/systemctl"));
	apply_ctx_free(ctx);

	unit = tree_file(e->work, UNIT);
	assert_non_null(unit);
	assert_non_null(strstr(unit, "\nType=oneshot\n"));
	assert_non_null(strstr(unit, "\nAfter=systemd-sysctl.service systemd-modules-load.service\n"));
	assert_non_null(strstr(unit, "\nBefore=libvirtd.service\n"));
	assert_non_null(strstr(unit, "\nWantedBy=multi-user.target\n"));
	assert_non_null(strstr(unit, "\nExecStart=/"));
	assert_non_null(strstr(unit, "/rthostcheck --apply realtime-virtual-host --quiet --no-color --fail-on none "
				     "--set isolated_cores=2-3,6-7 --set \"note=50%% of $$HOME \\\"x\\\"\"\n"));
	assert_null(strchr(unit, '@'));
	free(unit);
	snprintf(link, sizeof(link), "%s%s", e->work, LINK);
	n = readlink(link, got, sizeof(got) - 1);
	assert_true(n > 0);
	got[n] = '\0';
	assert_string_equal(got, UNIT);
	/* The journal holds the arguments that re-apply the run. */
	assert_int_equal(journals(e->work, &journal), 1);
	assert_non_null(strstr(journal, "\nP \"realtime-virtual-host\" \"isolated_cores=2-3,6-7\" "
					"\"note=50% of $HOME \\\"x\\\"\"\n"));
	free(journal);

	/* Applying twice creates nothing new; the rollback removes the unit, the link and the
	 * directories made for them. */
	again_then_rollback(e, "realtime-virtual-host", sets);
}

static void test_boot_reapply(void **state)
{
	struct env *e = *state;
	struct rthc_ctx *ctx;
	char *journal;
	size_t nruntime, ntotal;

	nruntime = apply_and_reboot(e->pristine, e->work, "realtime-virtual-host", &ntotal);
	assert_true(nruntime > 20);
	assert_file(e->work, "/proc/sys/kernel/sched_rt_runtime_us", "950000\n");
	/* Meanwhile a device brought a new IRQ, on every CPU. */
	write_file(e->work, "/proc/irq/40/smp_affinity_list", "0-7\n");
	write_file(e->pristine, "/proc/irq/40/smp_affinity_list", "0-7\n");

	/* --dry-run says it would be a re-apply and changes nothing. */
	ctx = apply_ctx(e->work, "realtime-virtual-host", true);
	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	assert_int_equal(ctx->report->nchanges, nruntime + 1);
	assert_true(has_diag(ctx->report, "a re-apply"));
	apply_ctx_free(ctx);
	assert_file(e->work, "/proc/sys/kernel/sched_rt_runtime_us", "950000\n");

	/* The boot unit's run: the runtime values again, journaled into the first run. */
	ctx = apply_ctx(e->work, "realtime-virtual-host", false);
	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	assert_int_equal(ctx->report->outcome_exit, 0);
	assert_int_equal(ctx->report->nchanges, nruntime + 1);
	for (size_t i = 0; i < ctx->report->nchanges; i++)
		assert_int_equal(ctx->report->changes[i].status, RTHC_CHANGE_APPLIED);
	assert_int_equal(count_reason(ctx->report, "re-applied: change "), nruntime);
	assert_string_equal(change_of(ctx->report, "/proc/irq/40/smp_affinity_list")->reason, "");
	assert_true(has_diag(ctx->report, "as part of run 1-"));
	assert_int_equal(find_result(ctx->report, "sched.rt_runtime")->status, RTHC_STATUS_FIXED);
	apply_ctx_free(ctx);
	assert_file(e->work, "/proc/sys/kernel/sched_rt_runtime_us", "-1");
	assert_file(e->work, "/sys/kernel/mm/transparent_hugepage/enabled", "never");
	assert_file(e->work, "/sys/devices/system/node/node0/hugepages/hugepages-1048576kB/nr_hugepages", "4");
	assert_file(e->work, "/proc/irq/40/smp_affinity_list", "0-1,4-5");
	assert_int_equal(journals(e->work, &journal), 1);
	assert_non_null(strstr(journal, "\nE applied\nB \""));
	assert_int_equal(count_str(journal, "\nE applied\n"), 2);
	assert_int_equal(count_str(journal, "\nC "), ntotal + 1); /* and IRQ 40 */
	free(journal);

	/*
	 * Values that hold: the next boot changes nothing. The last run is the first apply with
	 * its re-apply: the rollback undoes it all, and nothing is left after it.
	 */
	again_then_rollback(e, "realtime-virtual-host", NULL);
	assert_int_equal(rollback(e->work, false), 0);
	assert_same_tree(e->work, e->pristine);
}

static void test_reapply_failure(void **state)
{
	struct env *e = *state;
	struct rthc_ctx *ctx;
	char *journal;
	size_t len;

	apply_and_reboot(e->pristine, e->work, "realtime", NULL);

	/* A write of the re-apply fails: what it wrote is undone, the first run stays applied. */
	ctx = apply_ctx(e->work, "realtime", false);
	assert_int_equal(rthc_host_inject_error(ctx->host, "/proc/sys/vm/swappiness", RTHC_HOST_OP_WRITE, -EIO), 0);
	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	assert_int_equal(ctx->report->outcome_exit, RTHC_EXIT_APPLY_FAILED);
	assert_int_equal(change_of(ctx->report, "/proc/sys/vm/swappiness")->status, RTHC_CHANGE_FAILED);
	assert_int_equal(change_of(ctx->report, "/proc/sys/kernel/sched_rt_runtime_us")->status,
			 RTHC_CHANGE_ROLLED_BACK);
	assert_true(has_diag(ctx->report, "this re-apply's changes were rolled back"));
	apply_ctx_free(ctx);
	assert_file(e->work, "/proc/sys/kernel/sched_rt_runtime_us", "950000\n");
	assert_int_equal(journals(e->work, &journal), 1);
	len = strlen(journal);
	assert_true(len > 10 && streq(journal + len - 10, "E applied\n"));
	free(journal);

	/* The next boot re-applies into the same run; the rollback restores the pristine tree. */
	ctx = apply_ctx(e->work, "realtime", false);
	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	assert_int_equal(ctx->report->outcome_exit, 0);
	assert_true(has_diag(ctx->report, "as part of run 1-"));
	apply_ctx_free(ctx);
	assert_file(e->work, "/proc/sys/vm/swappiness", "10");
	assert_int_equal(rollback(e->work, false), 0);
	assert_same_tree(e->work, e->pristine);
}

/* A managed IRQ refuses at every boot: tried again under its first record, not a new one. */
static void test_reapply_managed_irq(void **state)
{
	static const char irq[] = "/proc/irq/24/smp_affinity_list";
	struct env *e = *state;
	struct rthc_ctx *ctx;
	char *journal;
	size_t nc;

	ctx = apply_ctx(e->work, "realtime", false);
	assert_int_equal(rthc_host_inject_error(ctx->host, irq, RTHC_HOST_OP_WRITE, -EIO), 0);
	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	assert_int_equal(change_of(ctx->report, irq)->status, RTHC_CHANGE_UNCHANGED);
	apply_ctx_free(ctx);
	assert_int_equal(journals(e->work, &journal), 1);
	nc = count_str(journal, "\nC ");
	free(journal);
	for (int boot = 0; boot < 2; boot++) {
		ctx = apply_ctx(e->work, "realtime", false);
		assert_int_equal(rthc_host_inject_error(ctx->host, irq, RTHC_HOST_OP_WRITE, -EIO), 0);
		assert_int_equal(rthc_apply_run(ctx, NULL), 0);
		assert_int_equal(ctx->report->outcome_exit, 0);
		assert_int_equal(ctx->report->nchanges, 1);
		assert_int_equal(change_of(ctx->report, irq)->status, RTHC_CHANGE_UNCHANGED);
		assert_true(has_diag(ctx->report, "as part of run 1-"));
		apply_ctx_free(ctx);
	}
	assert_int_equal(journals(e->work, &journal), 1);
	assert_int_equal(count_str(journal, "\nC "), nc);
	assert_int_equal(count_str(journal, "\nB "), 2);
	free(journal);
	assert_int_equal(rollback(e->work, false), 0);
	assert_same_tree(e->work, e->pristine);
}

/* Another profile, or other --set values: a run of its own, even for runtime values only. */
static void test_other_args_own_run(void **state)
{
	static const char *const sets[] = {"vcpu_prio=2", NULL};
	struct env *e = *state;
	struct rthc_ctx *ctx;
	char prof[PATH_MAX * 2];

	snprintf(prof, sizeof(prof), "%s/thp.conf", e->tmp);
	write_file(e->tmp, "thp.conf", "[sysfs]\n/sys/kernel/mm/transparent_hugepage/enabled = never\n");
	ctx = apply_ctx(e->work, prof, false);
	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	assert_int_equal(ctx->report->outcome_exit, 0);
	apply_ctx_free(ctx);
	/* The profile file is named by its absolute path in the unit. */
	{
		char *unit = tree_file(e->work, UNIT), want[PATH_MAX * 3];

		snprintf(want, sizeof(want), " --apply %s --quiet --no-color --fail-on none\n", prof);
		assert_non_null(unit);
		assert_non_null(strstr(unit, want));
		free(unit);
	}
	copy_file(e->pristine, e->work, "/sys/kernel/mm/transparent_hugepage/enabled");
	ctx = apply_ctx_sets(e->work, prof, false, sets);
	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	/* The unit changes with the arguments: a new run, whose rollback leaves the first one. */
	assert_non_null(find_change(ctx->report, UNIT));
	assert_false(has_diag(ctx->report, "as part of run"));
	apply_ctx_free(ctx);
	assert_int_equal(journals(e->work, NULL), 2);
	assert_int_equal(rollback(e->work, false), 0);
	assert_file(e->work, "/sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n");
	assert_int_equal(rollback(e->work, false), 0);
	assert_same_tree(e->work, e->pristine);
}

/* No systemd in the tree, or nothing the kernel forgets: no unit. */
static void test_no_unit(void **state)
{
	struct env *e = *state;
	struct rthc_ctx *ctx;
	char prof[PATH_MAX * 2], path[PATH_MAX * 2];

	snprintf(prof, sizeof(prof), "%s/boot-only.conf", e->tmp);
	write_file(e->tmp, "boot-only.conf", "[cmdline]\nskew_tick = 1\n");
	ctx = apply_ctx(e->work, prof, false);
	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	assert_null(find_change(ctx->report, UNIT));
	apply_ctx_free(ctx);
	assert_int_equal(rollback(e->work, false), 0);

	snprintf(path, sizeof(path), "%s/etc/systemd/system.conf", e->work);
	assert_int_equal(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/etc/systemd", e->work);
	assert_int_equal(rmdir(path), 0);
	ctx = apply_ctx(e->work, "realtime", false);
	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	assert_null(find_change(ctx->report, UNIT));
	assert_true(has_diag(ctx->report, "no systemd: the runtime settings are not re-applied at boot"));
	apply_ctx_free(ctx);
}

static void expect_quoted(const char *in, const char *want)
{
	struct rthc_strbuf sb;

	rthc_strbuf_init(&sb);
	assert_int_equal(rthc_unit_quote(&sb, in), 0);
	assert_string_equal(rthc_strbuf_str(&sb), want);
	rthc_strbuf_done(&sb);
}

static void test_unit_quote(void **state)
{
	(void)state;
	expect_quoted("isolated_cores=2-7,10-15", "isolated_cores=2-7,10-15");
	expect_quoted("/etc/rt/site.conf", "/etc/rt/site.conf");
	expect_quoted("", "\"\"");
	expect_quoted("a b", "\"a b\"");
	expect_quoted("x=it's", "\"x=it's\"");
	expect_quoted("p=100%", "\"p=100%%\"");
	expect_quoted("h=$HOME;${X}", "\"h=$$HOME;$${X}\"");
	expect_quoted("q=\"\\\"", "\"q=\\\"\\\\\\\"\"");
	expect_quoted("n=1\n2\t3", "\"n=1\\n2\\x093\"");
}

/* The text report shows a file's first line and how many lines follow; JSON keeps them all. */
static void test_report_values(void **state)
{
	struct env *e = *state;
	struct rthc_ctx *ctx;
	char *text = NULL, *json = NULL;
	size_t tlen = 0, jlen = 0;
	FILE *f;

	ctx = apply_ctx(e->work, "realtime-virtual-host", true);
	assert_int_equal(rthc_apply_run(ctx, NULL), 0);
	rthc_report_finalize(ctx->report);
	f = open_memstream(&text, &tlen);
	assert_int_equal(rthc_render(ctx->report, RTHC_FORMAT_TEXT, f, 0), 0);
	fclose(f);
	f = open_memstream(&json, &jlen);
	assert_int_equal(rthc_render(ctx->report, RTHC_FORMAT_JSON, f, 0), 0);
	fclose(f);
	apply_ctx_free(ctx);
	assert_non_null(strstr(text, "/etc/sysctl.d/90-rthostcheck.conf: (absent) -> # Written by rthostcheck "
				     "--apply realtime-virtual-host; removed by --rollback. (+7 lines)\n"));
	assert_non_null(strstr(text, "/etc/default/irqbalance: # irqbalance configuration (+2 lines) -> "
				     "# irqbalance configuration (+3 lines)  # restart irqbalance"));
	assert_non_null(strstr(text, "/proc/sys/vm/swappiness: 60 -> 10\n"));
	assert_null(strstr(text, "\nkernel.sched_rt_runtime_us = -1"));
	assert_non_null(strstr(json, "removed by --rollback.\\nkernel.sched_rt_runtime_us = -1\\nkernel.nmi_watchdog = 0"
				     "\\nkernel.timer_migration = 0\\n"));
	free(text);
	free(json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unit_installed, setup_host, teardown),
		cmocka_unit_test_setup_teardown(test_boot_reapply, setup_host, teardown),
		cmocka_unit_test_setup_teardown(test_reapply_failure, setup_host, teardown),
		cmocka_unit_test_setup_teardown(test_reapply_managed_irq, setup_host, teardown),
		cmocka_unit_test_setup_teardown(test_other_args_own_run, setup_host, teardown),
		cmocka_unit_test_setup_teardown(test_no_unit, setup_host, teardown),
		cmocka_unit_test(test_unit_quote),
		cmocka_unit_test_setup_teardown(test_report_values, setup_host, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
