/* The apply journal: escaping, records, replay, malformed input with file:line, latest run. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "host.h"
#include "journal.h"
#include "plan.h"
#include "profile.h"

static void test_escape(void **state)
{
	const char *in = "a \"quoted\" \\ line\nnext\ttab\r\x01 caf\xc3\xa9";
	char *q = NULL, *back = NULL;
	const char *p;

	(void)state;
	assert_int_equal(rthc_journal_escape(in, &q), 0);
	assert_string_equal(q, "\"a \\\"quoted\\\" \\\\ line\\nnext\\ttab\\r\\x01 caf\\xc3\\xa9\"");
	p = q;
	assert_int_equal(rthc_journal_unescape(&p, &back), 0);
	assert_string_equal(back, in);
	assert_int_equal(*p, '\0');
	free(back);
	free(q);
	p = "\"\"";
	assert_int_equal(rthc_journal_unescape(&p, &back), 0);
	assert_string_equal(back, "");
	free(back);
	p = "\"bad \\q\"";
	assert_int_equal(rthc_journal_unescape(&p, &back), -EINVAL);
	p = "\"unterminated";
	assert_int_equal(rthc_journal_unescape(&p, &back), -EINVAL);
	p = "\"nul \\x00\"";
	assert_int_equal(rthc_journal_unescape(&p, &back), -EINVAL);
}

static void count_hook(unsigned n, void *data)
{
	*(unsigned *)data = n;
}

static void test_write_replay(void **state)
{
	char *root = tmpdir_new(), *latest = NULL;
	struct rthc_host *h;
	struct rthc_journal *j;
	struct rthc_journal_run run;
	struct rthc_profile_error err;
	struct rthc_plan plan;
	struct rthc_plan_change *c;
	char path[PATH_MAX], latest_id[96];
	unsigned hook_calls = 0;

	(void)state;
	assert_int_equal(rthc_host_new(root, &h), 0);
	rthc_plan_init(&plan);
	c = rthc_plan_add(&plan, "sysctl:vm.swappiness", "mem.swap", "sysctl", "/proc/sys/vm/swappiness",
			  RTHC_OP_WRITE, RTHC_FORM_PLAIN, "60", "10", RTHC_PERSIST_RUNTIME, 0);
	c->old_raw = strdup("60\n");
	c = rthc_plan_add(&plan, "f", "", "sysctl", "/etc/x \"y\".conf", RTHC_OP_FILE, RTHC_FORM_TEXT, NULL,
			  "line 1\nline \"2\"\n", RTHC_PERSIST_PERSISTENT, RTHC_CHG_PENDING);
	c->new_mode = 0644;
	assert_int_equal(rthc_journal_open(h, "realtime", count_hook, &hook_calls, &j), 0);
	assert_true(strneq(j->run_id, "1-", 2));
	snprintf(latest_id, sizeof(latest_id), "%s", j->run_id);
	assert_int_equal(rthc_journal_append(j, &plan.v[0]), 0);
	assert_int_equal(rthc_journal_mark(j, 'A', 1, "10"), 0);
	assert_int_equal(rthc_journal_append(j, &plan.v[1]), 0);
	assert_int_equal(rthc_journal_mark(j, 'F', 2, "5"), 0);
	assert_int_equal(rthc_journal_commit(j, "applied"), 0);
	assert_int_equal(hook_calls, 6);
	assert_int_equal(rthc_journal_replay(h, j->run_id, &run, &err), 0);
	assert_string_equal(run.profile, "realtime");
	assert_string_equal(run.root, root);
	assert_string_equal(run.end, "applied");
	assert_int_equal(run.changes.n, 2);
	c = &run.changes.v[0];
	assert_int_equal(c->op, RTHC_OP_WRITE);
	assert_string_equal(c->old_value, "60");
	assert_string_equal(c->old_raw, "60\n");
	assert_string_equal(c->new_value, "10");
	assert_string_equal(c->after, "10");
	assert_string_equal(c->checks, "mem.swap");
	assert_int_equal(c->status, RTHC_CHANGE_APPLIED);
	c = &run.changes.v[1];
	assert_null(c->old_value);
	assert_null(c->old_raw);
	assert_string_equal(c->target, "/etc/x \"y\".conf");
	assert_string_equal(c->new_value, "line 1\nline \"2\"\n");
	assert_int_equal(c->new_mode, 0644);
	assert_int_equal(c->flags, RTHC_CHG_PENDING);
	assert_int_equal(c->status, RTHC_CHANGE_FAILED);
	assert_int_equal(c->err, -5);
	rthc_journal_run_done(&run);
	/* The newest run not rolled back (a fresh accessor: directory listings are cached). */
	rthc_journal_close(j);
	rthc_host_free(h);
	assert_int_equal(rthc_host_new(root, &h), 0);
	assert_int_equal(rthc_journal_reopen(h, latest_id, &j), 0);
	assert_int_equal(rthc_journal_latest(h, &latest, &err), 0);
	assert_string_equal(latest, j->run_id);
	free(latest);
	assert_int_equal(rthc_journal_commit(j, "rolled_back"), 0);
	rthc_host_free(h);
	assert_int_equal(rthc_host_new(root, &h), 0);
	assert_int_equal(rthc_journal_latest(h, &latest, &err), -ENOENT);
	rthc_journal_close(j);
	/* A second run gets the next number, and a record cut short by a crash is ignored. */
	assert_int_equal(rthc_journal_open(h, "p2", NULL, NULL, &j), 0);
	assert_true(strneq(j->run_id, "2-", 2));
	snprintf(latest_id, sizeof(latest_id), "%s", j->run_id);
	snprintf(path, sizeof(path), "%s/var/lib/rthostcheck/journal/%s.log", root, j->run_id);
	{
		FILE *f = fopen(path, "a");

		fputs("C 1 write plain runtime 0 0 0 \"id\" \"\" \"t\" \"/x\" \"o\" - \"n", f);
		fclose(f);
	}
	rthc_journal_close(j);
	rthc_host_free(h);
	assert_int_equal(rthc_host_new(root, &h), 0);
	assert_int_equal(rthc_journal_latest(h, &latest, &err), 0);
	assert_string_equal(latest, latest_id);
	assert_int_equal(rthc_journal_replay(h, latest, &run, &err), 0);
	assert_int_equal(run.changes.n, 0);
	assert_null(run.end);
	rthc_journal_run_done(&run);
	free(latest);
	rthc_plan_done(&plan);
	rthc_host_free(h);
	tmpdir_remove(root);
	free(root);
}

/* The P record and a re-apply appended after the run's end (B, A again, a C that goes on). */
static void test_params_reapply(void **state)
{
	char prof[] = "realtime", note[] = "note=a \"b\" $c";
	char *const args[] = {prof, note, NULL};
	char *root = tmpdir_new(), *latest = NULL, run_id[96];
	struct rthc_plan plan = {0};
	struct rthc_plan_change *c;
	struct rthc_journal_run run;
	struct rthc_profile_error err;
	struct rthc_journal *j;
	struct rthc_host *h;

	(void)state;
	assert_int_equal(rthc_host_new(root, &h), 0);
	c = rthc_plan_add(&plan, "sysctl:vm.swappiness", "mem.swap", "sysctl", "/proc/sys/vm/swappiness",
			  RTHC_OP_WRITE, RTHC_FORM_PLAIN, "60", "10", RTHC_PERSIST_RUNTIME, 0);
	assert_non_null(c);
	c = rthc_plan_add(&plan, "irq:40", "irq.affinity", "irq", "/proc/irq/40/smp_affinity_list", RTHC_OP_WRITE,
			  RTHC_FORM_CPULIST, "0-7", "0-1", RTHC_PERSIST_RUNTIME, 0);
	assert_non_null(c);
	c->seq = 2;
	assert_int_equal(rthc_journal_open(h, "realtime", NULL, NULL, &j), 0);
	snprintf(run_id, sizeof(run_id), "%s", j->run_id);
	assert_int_equal(rthc_journal_params(j, args), 0);
	assert_int_equal(rthc_journal_append(j, &plan.v[0]), 0);
	assert_int_equal(rthc_journal_mark(j, 'A', 1, "10"), 0);
	assert_int_equal(rthc_journal_commit(j, "applied"), 0);
	rthc_journal_close(j);
	/* The re-apply: change 1 written again, change 2 new. */
	assert_int_equal(rthc_journal_reopen(h, run_id, &j), 0);
	assert_int_equal(rthc_journal_begin_reapply(j), 0);
	assert_int_equal(rthc_journal_mark(j, 'A', 1, "10"), 0);
	assert_int_equal(rthc_journal_append(j, &plan.v[1]), 0);
	assert_int_equal(rthc_journal_mark(j, 'A', 2, "0-1"), 0);
	rthc_journal_close(j);
	rthc_host_free(h);

	/* Cut short: the run is open (no end), with one re-apply. */
	assert_int_equal(rthc_host_new(root, &h), 0);
	assert_int_equal(rthc_journal_replay(h, run_id, &run, &err), 0);
	assert_non_null(run.args);
	assert_string_equal(run.args[0], "realtime");
	assert_string_equal(run.args[1], "note=a \"b\" $c");
	assert_null(run.args[2]);
	assert_null(run.end);
	assert_int_equal(run.reapplies, 1);
	assert_int_equal(run.changes.n, 2);
	assert_int_equal(run.changes.v[0].status, RTHC_CHANGE_APPLIED);
	assert_string_equal(run.changes.v[1].after, "0-1");
	rthc_journal_run_done(&run);
	assert_int_equal(rthc_journal_latest(h, &latest, &err), 0);
	assert_string_equal(latest, run_id);
	free(latest);
	/* Ended: applied again. */
	assert_int_equal(rthc_journal_reopen(h, run_id, &j), 0);
	assert_int_equal(rthc_journal_commit(j, "applied"), 0);
	rthc_journal_close(j);
	rthc_host_free(h);
	assert_int_equal(rthc_host_new(root, &h), 0);
	assert_int_equal(rthc_journal_replay(h, run_id, &run, &err), 0);
	assert_string_equal(run.end, "applied");
	rthc_journal_run_done(&run);
	rthc_plan_done(&plan);
	rthc_host_free(h);
	tmpdir_remove(root);
	free(root);
}

static void test_malformed(void **state)
{
	char *root = tmpdir_new();
	struct rthc_host *h;
	struct rthc_journal_run run;
	struct rthc_profile_error err;
	char msg[PATH_MAX + 600], want[PATH_MAX + 64];
	static const struct {
		const char *text;
		unsigned line;
		const char *msg;
	} cases[] = {
		{"rthostcheck-journal 1\nH \"1-x\" \"p\" \"/\" \"t\"\nC 1 write plain runtime 0 0 0 \"a\"\n", 3,
		 "malformed journal record"},
		{"rthostcheck-journal 9\n", 1, "unsupported journal version"},
		{"garbage\n", 1, "malformed journal record"},
		{"rthostcheck-journal 1\nH \"1-x\" \"p\" \"/\" \"t\"\nA 7 \"x\"\n", 3, "malformed journal record"},
		{"rthostcheck-journal 1\nH \"1-x\" \"p\" \"/\" \"t\"\nC 2 write plain runtime 0 0 0 \"i\" \"\" \"t\" "
		 "\"/x\" \"o\" - \"n\"\n", 3, "malformed journal record"},
		{"rthostcheck-journal 1\nH \"1-x\" \"p\" \"/\" \"t\"\nC 1 chmod plain runtime 0 0 0 \"i\" \"\" \"t\" "
		 "\"/x\" \"o\" - \"n\"\n", 3, "malformed journal record"},
		{"rthostcheck-journal 1\n", 1, "not a journal (no header)"},
		{"rthostcheck-journal 1\nH \"1-x\" \"p\" \"/\" \"t\"\nP\n", 3, "malformed journal record"},
		{"rthostcheck-journal 1\nH \"1-x\" \"p\" \"/\" \"t\"\nP \"p\"\nP \"p\"\n", 4,
		 "malformed journal record"},
		{"rthostcheck-journal 1\nH \"1-x\" \"p\" \"/\" \"t\"\nC 1 write plain runtime 0 0 0 \"i\" \"\" \"t\" "
		 "\"/x\" \"o\" - \"n\"\nP \"p\"\n", 4, "malformed journal record"},
		{"rthostcheck-journal 1\nH \"1-x\" \"p\" \"/\" \"t\"\nE applied\nC 1 write plain runtime 0 0 0 \"i\" "
		 "\"\" \"t\" \"/x\" \"o\" - \"n\"\n", 4, "malformed journal record"},
		{"rthostcheck-journal 1\nH \"1-x\" \"p\" \"/\" \"t\"\nE applied\nB now\n", 4,
		 "malformed journal record"},
	};

	(void)state;
	assert_int_equal(rthc_host_new(root, &h), 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		write_file(root, "/var/lib/rthostcheck/journal/1-x.log", cases[i].text);
		rthc_host_free(h); /* a fresh cache for the new content */
		assert_int_equal(rthc_host_new(root, &h), 0);
		assert_int_equal(rthc_journal_replay(h, "1-x", &run, &err), -EINVAL);
		rthc_profile_error_format(&err, msg, sizeof(msg));
		snprintf(want, sizeof(want), "%s/var/lib/rthostcheck/journal/1-x.log:%u: %s", root, cases[i].line,
			 cases[i].msg);
		assert_string_equal(msg, want);
	}
	assert_int_equal(rthc_journal_replay(h, "../etc", &run, &err), -ENOENT);
	assert_int_equal(rthc_journal_replay(h, "2-missing", &run, &err), -ENOENT);
	rthc_host_free(h);
	tmpdir_remove(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_write_replay),
		cmocka_unit_test(test_params_reapply),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
