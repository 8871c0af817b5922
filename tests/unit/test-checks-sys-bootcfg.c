/*
 * Unit tests of src/bootcfg-*.c: shell assignments, the next boot's command line, the RT-key
 * comparison, the kernel log reader and the boot parameter effects.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bootcfg.h"
#include "cmdline.h"
#include "facts.h"
#include "host.h"
#include "tasks.h"
#include "sys-helpers.h"

/* ---- shell assignments ---- */

static void shell_quoting(void **state)
{
	struct rthc_bootcfg_env env = { 0 };
	unsigned line = 0;

	(void)state;
	assert_int_equal(
		rthc_bootcfg_shell_eval("# comment\nA='single $X \"q\"'\nexport B=\"dq $A \\$lit "
					"\\\"x\\\"\"\nC=un\\ quoted$B; D=${C:+set} E=${NOPE:-dflt} "
					"F=${NOPE:+x}\nif [ -f /x ]; then G=\"in then\"; "
					"fi\nH=\"multi\nline\" # tail\necho "
					"I=not-an-assignment\nJ=\"${B}\"done\n",
					&env, &line),
		0);
	assert_string_equal(rthc_bootcfg_env_get(&env, "A"), "single $X \"q\"");
	assert_string_equal(rthc_bootcfg_env_get(&env, "B"), "dq single $X \"q\" $lit \"x\"");
	assert_string_equal(rthc_bootcfg_env_get(&env, "D"), "set");
	assert_string_equal(rthc_bootcfg_env_get(&env, "E"), "dflt");
	assert_string_equal(rthc_bootcfg_env_get(&env, "F"), "");
	assert_string_equal(rthc_bootcfg_env_get(&env, "G"), "in then");
	assert_string_equal(rthc_bootcfg_env_get(&env, "H"), "multi\nline");
	assert_null(rthc_bootcfg_env_get(&env, "I"));
	assert_true(strneq(rthc_bootcfg_env_get(&env, "C"), "un quoteddq", 11));
	assert_true(strstr(rthc_bootcfg_env_get(&env, "J"), "done") != NULL);
	rthc_bootcfg_env_done(&env);
}

static void shell_garbage(void **state)
{
	struct rthc_bootcfg_env env = { 0 };
	unsigned line = 0;

	(void)state;
	assert_int_equal(rthc_bootcfg_shell_eval("A=1\nB=2\nC=\"open\n", &env, &line), -EINVAL);
	assert_int_equal(line, 4);
	assert_string_equal(rthc_bootcfg_env_get(&env, "B"), "2");
	rthc_bootcfg_env_done(&env);
	assert_int_equal(rthc_bootcfg_shell_eval("X='never closed", &env, NULL), -EINVAL);
	rthc_bootcfg_env_done(&env);
	/* ${V:+word} keeps blanks of the word (tuned's GRUB_CMDLINE_LINUX_DEFAULT edit) */
	assert_int_equal(rthc_bootcfg_shell_eval("V=quiet\nV=\"${V:+$V }\\$tuned_params\"\n", &env,
						 NULL),
			 0);
	assert_string_equal(rthc_bootcfg_env_get(&env, "V"), "quiet $tuned_params");
	rthc_bootcfg_env_done(&env);
}

/* ---- the next boot's command line ---- */

static void next_of(const char *root, int want_err, struct rthc_bootcfg *cfg)
{
	struct rthc_host *h;

	assert_int_equal(rthc_host_new(root, &h), 0);
	assert_int_equal(rthc_bootcfg_next(h, cfg), want_err);
	rthc_host_free(h);
}

static void next_grub_dropin(void **state)
{
	struct rthc_bootcfg cfg;

	(void)state;
	next_of(fixture_dir("sys-grub-dropin"), 0, &cfg);
	assert_string_equal(cfg.source, "/etc/default/grub");
	/* GRUB_CMDLINE_LINUX, then _DEFAULT as the drop-ins left it, $tuned_params from tuned */
	assert_string_equal(cfg.line, "skew_tick=1 console=tty1 console=ttyS0 isolcpus=managed_irq,"
				      "domain,2-3 nohz_full=2-3 rcu_nocbs=2-3 nohz=on "
				      "rcu_nocb_poll tsc=nowatchdog");
	assert_non_null(strstr(cfg.detail, "60-rt.cfg"));
	assert_non_null(strstr(cfg.detail, "$tuned_params from /etc/tuned/bootcmdline"));
	assert_string_equal(cfg.tuned, "nohz=on rcu_nocb_poll tsc=nowatchdog");
	assert_false(cfg.tuned_only);
	rthc_bootcfg_done(&cfg);
}

static void next_bls_saved_entry(void **state)
{
	struct rthc_bootcfg cfg;

	(void)state;
	next_of(fixture_dir("sys-bls"), 0, &cfg);
	assert_non_null(strstr(cfg.source, "-5.14.0-427.13.1.el9_4.x86_64+rt.conf"));
	assert_non_null(strstr(cfg.line, "rhgb quiet skew_tick=1 tsc=reliable"));
	assert_non_null(strstr(cfg.line, "rcu_nocb_poll"));
	assert_null(strstr(cfg.line, "$"));
	assert_non_null(strstr(cfg.detail, "saved_entry"));
	assert_non_null(strstr(cfg.detail, "$tuned_params from grubenv"));
	rthc_bootcfg_done(&cfg);
}

static void next_bls_loader_conf_and_newest(void **state)
{
	static const char *const files[] = {
		"/boot/loader/entries/m-6.1.0.conf",
		"title a\noptions root=/dev/a isolcpus=1",
		"/boot/loader/entries/m-6.10.0.conf",
		"title b\noptions root=/dev/b $kernelopts\noptions nohz_full=2",
		"/boot/loader/entries/m-6.9.0-rescue.conf",
		"options root=/dev/r",
		"/boot/grub/grubenv",
		"# GRUB Environment Block\nkernelopts=quiet isolcpus=2\n####",
		NULL,
	};
	struct rthc_bootcfg cfg;
	char *root = sys_tree("6.10.0", "ro", files);

	(void)state;
	/* No default: the newest non-rescue entry (6.10 after 6.9), all options lines joined. */
	next_of(root, 0, &cfg);
	assert_string_equal(cfg.source, "/boot/loader/entries/m-6.10.0.conf");
	assert_string_equal(cfg.line, "root=/dev/b quiet isolcpus=2 nohz_full=2");
	assert_non_null(strstr(cfg.detail, "newest entry"));
	rthc_bootcfg_done(&cfg);
	/* systemd-boot default glob */
	write_file(root, "/boot/loader/loader.conf", "timeout 3\ndefault m-6.1.0*\n");
	next_of(root, 0, &cfg);
	assert_string_equal(cfg.source, "/boot/loader/entries/m-6.1.0.conf");
	assert_string_equal(cfg.line, "root=/dev/a isolcpus=1");
	rthc_bootcfg_done(&cfg);
	/* an entry without options is garbage for this purpose */
	write_file(root, "/boot/loader/entries/m-6.1.0.conf", "title a\nlinux /vmlinuz\n");
	next_of(root, -ENODATA, &cfg);
	assert_string_equal(cfg.source, "/boot/loader/entries/m-6.1.0.conf");
	rthc_bootcfg_done(&cfg);
	tmpdir_remove(root);
	free(root);
}

static void next_kernel_cmdline_tuned_only_none(void **state)
{
	static const char *const kcl[] = { "/etc/kernel/cmdline", "root=/dev/sda1\n  isolcpus=3\n",
					   NULL };
	static const char *const tuned[] = { "/etc/tuned/bootcmdline",
					     "TUNED_BOOT_CMDLINE=\"nohz_full=3\"", NULL };
	static const char *const bad[] = { "/etc/default/grub", "GRUB_CMDLINE_LINUX=\"isolcpus=3",
					   NULL };
	struct rthc_bootcfg cfg;
	char *root = sys_tree("6.1.0", "ro", kcl);

	(void)state;
	next_of(root, 0, &cfg);
	assert_string_equal(cfg.source, "/etc/kernel/cmdline");
	assert_string_equal(cfg.line, "root=/dev/sda1 isolcpus=3");
	rthc_bootcfg_done(&cfg);
	tmpdir_remove(root);
	free(root);

	root = sys_tree("6.1.0", "ro", tuned);
	next_of(root, 0, &cfg);
	assert_true(cfg.tuned_only);
	assert_string_equal(cfg.source, "/etc/tuned/bootcmdline");
	assert_string_equal(cfg.line, "nohz_full=3");
	rthc_bootcfg_done(&cfg);
	tmpdir_remove(root);
	free(root);

	root = sys_tree("6.1.0", "ro", NULL);
	next_of(root, -ENOENT, &cfg);
	assert_null(cfg.source);
	rthc_bootcfg_done(&cfg);
	tmpdir_remove(root);
	free(root);

	root = sys_tree("6.1.0", "ro", bad);
	next_of(root, -EINVAL, &cfg);
	assert_string_equal(cfg.source, "/etc/default/grub");
	assert_string_equal(cfg.detail, "unterminated quote");
	rthc_bootcfg_done(&cfg);
	tmpdir_remove(root);
	free(root);
}

static void next_grubenv_unreadable(void **state)
{
	static const char *const files[] = {
		"/boot/grub/grubenv", "# GRUB Environment Block\nsaved_entry=x\n",
		"/etc/default/grub", "GRUB_CMDLINE_LINUX=\"isolcpus=3\"", NULL,
	};
	struct rthc_bootcfg cfg;
	struct rthc_host *h;
	char *root = sys_tree("6.1.0", "ro", files);

	(void)state;
	assert_int_equal(rthc_host_new(root, &h), 0);
	assert_int_equal(rthc_host_inject_error(h, "/boot/grub/grubenv", RTHC_HOST_OP_READ, -EACCES), 0);
	/* no BLS entries: grubenv is not needed (Debian GRUB) */
	assert_int_equal(rthc_bootcfg_next(h, &cfg), 0);
	assert_string_equal(cfg.source, "/etc/default/grub");
	assert_string_equal(cfg.line, "isolcpus=3");
	rthc_bootcfg_done(&cfg);
	rthc_host_free(h);
	/* with BLS entries it decides the default: could not evaluate */
	write_file(root, "/boot/loader/entries/a.conf", "options root=/dev/a\n");
	assert_int_equal(rthc_host_new(root, &h), 0);
	assert_int_equal(rthc_host_inject_error(h, "/boot/grub/grubenv", RTHC_HOST_OP_READ, -EACCES), 0);
	assert_int_equal(rthc_bootcfg_next(h, &cfg), -EACCES);
	assert_string_equal(cfg.source, "/boot/grub/grubenv");
	rthc_bootcfg_done(&cfg);
	rthc_host_free(h);
	tmpdir_remove(root);
	free(root);
}

/* ---- comparing command lines ---- */

static void compare_rt_keys(void **state)
{
	struct rthc_cmdline *a, *b, *t;
	struct rthc_bootcfg_diff *d;
	size_t n;

	(void)state;
	assert_int_equal(rthc_cmdline_parse("BOOT_IMAGE=/a quiet isolcpus=domain,managed_irq,1,2,3 "
					    "nohz_full=1-3 hugepagesz=1G hugepages=4 nohz=on "
					    "rcu-nocbs=1-3 mce=ignore_ce",
					    &a),
			 0);
	assert_int_equal(rthc_cmdline_parse("BOOT_IMAGE=/b splash isolcpus=managed_irq,domain,1-3 "
					    "nohz_full=1,2,3 hugepages=4 hugepagesz=1G "
					    "rcu_nocbs=1-3 skew_tick=1",
					    &b),
			 0);
	assert_int_equal(rthc_bootcfg_compare(a, b, NULL, &d, &n), 0);
	/* equal: isolcpus (flags in any order), nohz_full, rcu_nocbs ('-' == '_'), nohz=on */
	assert_int_equal(n, 3);
	assert_string_equal(d[0].key, "skew_tick");
	assert_null(d[0].running);
	assert_string_equal(d[0].next, "skew_tick=1");
	assert_string_equal(d[1].key, "mce");
	assert_string_equal(d[1].running, "mce=ignore_ce");
	assert_string_equal(d[2].key,
			    "hugepages"); /* order matters: hugepages= binds to the size before */
	assert_string_equal(d[2].running, "hugepagesz=1G hugepages=4");
	assert_string_equal(d[2].next, "hugepages=4 hugepagesz=1G");
	rthc_bootcfg_diffs_free(d, n);
	/* only the keys of a partial (tuned) line */
	assert_int_equal(rthc_cmdline_parse("skew_tick=1 nohz_full=1-3", &t), 0);
	assert_int_equal(rthc_bootcfg_compare(a, b, t, &d, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(d[0].key, "skew_tick");
	rthc_bootcfg_diffs_free(d, n);
	rthc_cmdline_free(a);
	rthc_cmdline_free(b);
	rthc_cmdline_free(t);
}

/* ---- kernel log ---- */

static void kmsg_records(void **state)
{
	static const char *const files[] = {
		"/dev/kmsg",
		"6,1,0,-;first message\n SUBSYSTEM=soft lockup\n4,2,5,-,caller=T1;watchdog: BUG: "
		"soft lockup - CPU#3 stuck for 22s!\nno header soft lockup\n",
		NULL,
	};
	char *root = sys_tree("6.1.0", "ro", files), *log = NULL, first[16];
	struct rthc_host *h;
	size_t len = 0;

	(void)state;
	assert_int_equal(rthc_host_new(root, &h), 0);
	assert_int_equal(rthc_bootcfg_kmsg_read(h, false, &log, &len),
			 0); /* a tree: no root needed */
	assert_int_equal(len, strlen(files[1]));
	/* the dictionary line does not count; a line without header does */
	assert_int_equal(rthc_bootcfg_kmsg_count(log, "soft lockup", first, sizeof(first)), 2);
	assert_string_equal(first, "watchdog: BUG: ");
	assert_int_equal(rthc_bootcfg_kmsg_count(log, "first", NULL, 0), 1);
	assert_int_equal(rthc_bootcfg_kmsg_count(log, "absent", first, sizeof(first)), 0);
	free(log);
	assert_int_equal(rthc_host_inject_error(h, "/dev/kmsg", RTHC_HOST_OP_READ, -EPERM), 0);
	assert_int_equal(rthc_bootcfg_kmsg_read(h, true, &log, &len), -EPERM);
	rthc_host_free(h);
	tmpdir_remove(root);
	free(root);
}

/* ---- boot parameter effects ---- */

static void effects_of(const char *root, struct rthc_bootcfg_effect_of **v, size_t *n,
		       struct rthc_ctx **ctx)
{
	*ctx = ctx_new(root, NULL, false);
	assert_int_equal(rthc_bootcfg_effects((*ctx)->host, (*ctx)->facts,
					      rthc_facts_tasks((*ctx)->facts, (*ctx)->host), v, n),
			 0);
}

static const struct rthc_bootcfg_effect_of *effect(const struct rthc_bootcfg_effect_of *v, size_t n,
						   const char *param)
{
	for (size_t i = 0; i < n; i++)
		if (streq(v[i].param, param))
			return &v[i];
	static const struct rthc_bootcfg_effect_of none = { .where = "", .seen = (char *)"" };

	fail_msg("no effect for %s", param);
	return &none;
}

static void effects(void **state)
{
	struct rthc_bootcfg_effect_of *v;
	struct rthc_ctx *ctx;
	size_t n;

	(void)state;
	effects_of(fixture_dir("sys-good"), &v, &n, &ctx);
	for (size_t i = 0; i < n; i++)
		if (v[i].effect != RTHC_BOOTCFG_APPLIED)
			fail_msg("%s: %d (%s)", v[i].param, v[i].effect, v[i].seen);
	assert_string_equal(effect(v, n, "rcu_nocbs=2-3")->where, "rcuop/N kthreads");
	assert_string_equal(effect(v, n, "irqaffinity=0-1")->seen, "0-1");
	assert_string_equal(effect(v, n, "rcutree.kthread_prio=11")->where, "/sys/module");
	rthc_bootcfg_effects_free(v, n);
	ctx_free(ctx);

	effects_of(fixture_dir("sys-bad"), &v, &n, &ctx);
	assert_int_equal(effect(v, n, "nohz_full=1-3")->effect, RTHC_BOOTCFG_NOT_APPLIED);
	assert_string_equal(effect(v, n, "kthread_cpus=0-1")->seen, "0-3");
	assert_int_equal(effect(v, n, "kthread_cpus=0-1")->effect, RTHC_BOOTCFG_NOT_APPLIED);
	assert_int_equal(effect(v, n, "rcutree.kthread_prioo=5")->effect, RTHC_BOOTCFG_NOT_APPLIED);
	/* kthread_prio=1 reads back as 1: applied; clamping to 2 (RCU_BOOST) would also be */
	assert_int_equal(effect(v, n, "rcutree.kthread_prio=1")->effect, RTHC_BOOTCFG_APPLIED);
	assert_int_equal(effect(v, n, "isolcpus=2-3")->effect, RTHC_BOOTCFG_APPLIED);
	rthc_bootcfg_effects_free(v, n);
	ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shell_quoting),
		cmocka_unit_test(shell_garbage),
		cmocka_unit_test(next_grub_dropin),
		cmocka_unit_test(next_bls_saved_entry),
		cmocka_unit_test(next_bls_loader_conf_and_newest),
		cmocka_unit_test(next_kernel_cmdline_tuned_only_none),
		cmocka_unit_test(next_grubenv_unreadable),
		cmocka_unit_test(compare_rt_keys),
		cmocka_unit_test(kmsg_records),
		cmocka_unit_test(effects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
