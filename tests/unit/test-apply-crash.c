/*
 * Crash safety: a child applies a profile to a copy of a fixture and is killed with SIGKILL right
 * after journal record N (the executor's test-only hook), for every N in turn; each time a
 * rollback must bring the tree back to the pristine copy, byte for byte. The same for a re-apply
 * (the boot unit's run after a reboot), whose records go into the run it extends.
 */
#include <signal.h>
#include <sys/wait.h>

#include "exec.h"
#include "test-apply-util.h"

struct kill_at {
	unsigned n;
};

static void kill_hook(unsigned nrecord, void *data)
{
	if (nrecord == ((const struct kill_at *)data)->n)
		raise(SIGKILL);
}

/* In the child: apply and exit 0 when the apply went through. */
_noreturn_ static void child(const char *root, const char *profile, unsigned n)
{
	struct kill_at k = {n};
	struct rthc_exec_opts o = {.hook = kill_hook, .hook_data = &k};
	struct rthc_ctx *ctx = apply_ctx(root, profile, false);
	int code = rthc_apply_run(ctx, &o) == 0 && ctx->report->outcome_exit == 0 ? 0 : 3;

	apply_ctx_free(ctx);
	_exit(code);
}

/* reapply: kill a re-apply of the profile instead of the first apply. */
static void kill_each_record(const char *fixture, const char *profile, unsigned min_records, bool reapply)
{
	char *tmp = tmpdir_new();
	char pristine[PATH_MAX], work[PATH_MAX];
	unsigned killed = 0;

	set_profile_dir();
	snprintf(pristine, sizeof(pristine), "%s/pristine", tmp);
	copy_tree(fixture_dir(fixture), pristine);
	for (unsigned n = 1; n < 10000; n++) {
		int st;
		pid_t pid;

		snprintf(work, sizeof(work), "%s/work-%u", tmp, n);
		copy_tree(pristine, work);
		if (reapply)
			apply_and_reboot(pristine, work, profile, NULL);
		fflush(NULL);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			child(work, profile, n);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		if (WIFSIGNALED(st)) {
			assert_int_equal(WTERMSIG(st), SIGKILL);
			killed++;
		} else {
			assert_true(WIFEXITED(st));
			assert_int_equal(WEXITSTATUS(st), 0);
		}
		if (reapply && WIFSIGNALED(st)) {
			/* The next boot finishes the job (if any is left), still within the first run. */
			struct rthc_ctx *ctx = apply_ctx(work, profile, false);
			bool extended = false;

			assert_int_equal(rthc_apply_run(ctx, NULL), 0);
			for (size_t i = 0; i < ctx->report->ndiags; i++)
				extended = extended || strstr(ctx->report->diags[i].message, "as part of run 1-");
			assert_int_equal(ctx->report->outcome_exit, 0);
			if (!extended && ctx->report->nchanges)
				fail_msg("killed after record %u: the next re-apply is a run of its own (%s)", n,
					 ctx->report->ndiags ? ctx->report->diags[ctx->report->ndiags - 1].message : "");
			apply_ctx_free(ctx);
		}
		if (rollback(work, false) != 0)
			fail_msg("killed after record %u: the rollback is incomplete", n);
		{
			char why[PATH_MAX + 64] = "";

			if (!same_tree(work, pristine, "", why, sizeof(why)))
				fail_msg("killed after record %u: %s", n, why);
		}
		tmpdir_remove(work);
		if (!WIFSIGNALED(st))
			break;
	}
	if (killed < min_records)
		fail_msg("only %u journal records", killed);
	tmpdir_remove(tmp);
	free(tmp);
}

/* One change of every kind: attribute writes, created and edited files, created directories. */
static void test_kill_host(void **state)
{
	char *dir = tmpdir_new(), prof[PATH_MAX];

	(void)state;
	write_file(dir, "crash.conf",
		   "[main]\nsummary = one change of every kind\n"
		   "[sysctl]\nkernel.sched_rt_runtime_us = -1\nvm.swappiness = 10\n"
		   "[sysfs]\n/sys/kernel/mm/transparent_hugepage/enabled = never\n"
		   "[irq]\naffinity = ${housekeeping_cores}\n"
		   "[irqbalance]\nbanned_cpus = ${isolated_cores}\n"
		   "[modules]\noptions.kvm = kvmclock_periodic_sync=0\n"
		   "[hugepages]\n2M.node1 = 16\n"
		   "[cmdline]\nnohz_full = ${isolated_cores}\n");
	snprintf(prof, sizeof(prof), "%s/crash.conf", dir);
	kill_each_record("apply-host", prof, 20, false);
	tmpdir_remove(dir);
	free(dir);
}

/* A re-apply: a B record, A records for the values the run has, C records for new ones. */
static void test_kill_reapply(void **state)
{
	char *dir = tmpdir_new(), prof[PATH_MAX];

	(void)state;
	write_file(dir, "boot.conf",
		   "[main]\nsummary = runtime values\n"
		   "[sysctl]\nkernel.sched_rt_runtime_us = -1\nvm.swappiness = 10\n"
		   "[sysfs]\n/sys/kernel/mm/transparent_hugepage/enabled = never\n"
		   "[irq]\naffinity = ${housekeeping_cores}\n"
		   "[hugepages]\n2M.node1 = 16\n");
	snprintf(prof, sizeof(prof), "%s/boot.conf", dir);
	kill_each_record("apply-host", prof, 8, true);
	tmpdir_remove(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_host),
		cmocka_unit_test(test_kill_reapply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
