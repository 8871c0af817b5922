/*
 * Crash safety: a child applies a profile to a copy of a fixture and is killed with SIGKILL right
 * after journal record N (the executor's test-only hook), for every N in turn; each time a
 * rollback must bring the tree back to the pristine copy, byte for byte.
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

static void kill_each_record(const char *fixture, const char *profile, unsigned min_records)
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
	kill_each_record("apply-host", prof, 20);
	tmpdir_remove(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
