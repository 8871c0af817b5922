/* Unit tests of the libkmod adapter (src/hw-kmod.c) on fixture trees and real modprobe.d files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "hw-kmod.h"
#include "kmod-tree.h"

struct env {
	char *tmp; /* owned temp tree, or NULL */
	struct rthc_host *h;
	struct rthc_kmod *k;
};

static void env_open(struct env *e, const char *root, const char *release)
{
	assert_int_equal(rthc_host_new(root, &e->h), 0);
	assert_int_equal(rthc_kmod_new(e->h, release, &e->k), 0);
}

static void env_close(struct env *e)
{
	rthc_kmod_free(e->k);
	rthc_host_free(e->h);
	tmpdir_remove(e->tmp);
	free(e->tmp);
	memset(e, 0, sizeof(*e));
}

static void assert_install(struct rthc_kmod *k, const char *name, const char *want, bool blocks)
{
	char *cmd = NULL;
	int r = rthc_kmod_install_command(k, name, &cmd);

	if (!want) {
		assert_int_equal(r, 0);
		return;
	}
	assert_int_equal(r, 1);
	assert_string_equal(cmd, want);
	assert_int_equal(rthc_kmod_install_blocks(cmd), blocks);
	free(cmd);
}

static void assert_option(struct rthc_kmod *k, const char *mod, const char *param, const char *want)
{
	char *v = NULL;
	int r = rthc_kmod_option(k, mod, param, &v);

	if (!want) {
		assert_int_equal(r, 0);
		assert_null(v);
		return;
	}
	assert_int_equal(r, 1);
	assert_string_equal(v, want);
	free(v);
}

static enum rthc_kmod_load_state state_of(struct rthc_kmod *k, const char *name)
{
	enum rthc_kmod_load_state st = RTHC_KMOD_NOT_LOADED;

	assert_int_equal(rthc_kmod_load_state(k, name, &st), 0);
	return st;
}

static void test_install_blocks(void **state)
{
	static const char *const yes[] = {
		"/bin/false",
		"/bin/true",
		"/usr/bin/false",
		"false",
		"true --ignored",
		":",
		"exit 1",
		"exit",
		"/bin/sh -c 'exit 1'",
		"sh -c \"/bin/false\"",
		"/usr/bin/bash -c true",
	};
	static const char *const no[] = {
		"",
		"   ",
		"/bin/false; modprobe --ignore-install dm_multipath",
		"/sbin/modprobe --ignore-install dm_multipath",
		"/bin/true && insmod x.ko",
		"echo \"module alias skipped\"",
		"/usr/bin/disabled-firewire-by-security-misc",
		"$MODPROBE --ignore-install mod-loop-b",
		"sh -c 'exit 1; modprobe x'",
		"exit one",
		"/bin/sh -c",
		"/bin/sh -x 'exit 1'",
		"sh -c 'unterminated",
		"/bin/falsely",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
		if (!rthc_kmod_install_blocks(yes[i]))
			fail_msg("'%s' should count as blocking", yes[i]);
	for (size_t i = 0; i < ARRAY_SIZE(no); i++)
		if (rthc_kmod_install_blocks(no[i]))
			fail_msg("'%s' should not count as blocking", no[i]);
	assert_false(rthc_kmod_install_blocks(NULL));
}

static void test_normalize(void **state)
{
	char buf[8];

	(void)state;
	assert_int_equal(rthc_kmod_normalize("dm-mod.ko.xz", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "dm_mod");
	assert_int_equal(rthc_kmod_normalize("much-too-long", buf, sizeof(buf)), -ENAMETOOLONG);
}

static void test_fixture_false(void **state)
{
	struct env e = {0};
	char *path = NULL, *line = NULL;

	(void)state;
	env_open(&e, fixture_dir("kmod-dm-false"), KT_RELEASE);
	/* libkmod normalises the name of an `install dm-multipath` line. */
	assert_install(e.k, "dm_multipath", "/bin/false", true);
	assert_install(e.k, "dm-multipath", "/bin/false", true);
	assert_int_equal(state_of(e.k, "dm_multipath"), RTHC_KMOD_NOT_LOADED);
	assert_int_equal(state_of(e.k, "dm-mod"), RTHC_KMOD_LOADED);
	assert_int_equal(rthc_kmod_module_path(e.k, "dm-multipath", &path), 1);
	assert_string_equal(path, "kernel/drivers/md/dm-multipath.ko");
	free(path);
	assert_int_equal(rthc_kmod_in_kernel(e.k, "dm_multipath"), 1);
	assert_int_equal(rthc_kmod_builtin(e.k, "dm_multipath"), 0);
	assert_int_equal(rthc_kmod_blacklisted(e.k, "dm_multipath"), 0);
	assert_int_equal(rthc_kmod_config_line(e.k, "install", "dm_multipath", &path, &line), 1);
	assert_string_equal(path, "/etc/modprobe.d/multipath.conf");
	assert_string_equal(line, "install dm-multipath /bin/false");
	free(path);
	free(line);
	assert_int_equal(rthc_kmod_config_line(e.k, "blacklist", "dm_multipath", &path, &line), 0);
	env_close(&e);
}

static void test_fixture_variants(void **state)
{
	struct env e = {0};
	char *path = NULL, *line = NULL;

	(void)state;
	env_open(&e, fixture_dir("kmod-dm-true"), KT_RELEASE);
	assert_install(e.k, "dm_multipath", "/usr/bin/true", true);
	assert_int_equal(rthc_kmod_config_line(e.k, "install", "dm-multipath", &path, &line), 1);
	assert_string_equal(path, "/usr/lib/modprobe.d/50-multipath.conf");
	free(path);
	free(line);
	env_close(&e);

	env_open(&e, fixture_dir("kmod-dm-blacklist"), KT_RELEASE);
	assert_install(e.k, "dm_multipath", NULL, false);
	assert_int_equal(rthc_kmod_blacklisted(e.k, "dm-multipath"), 1);
	assert_int_equal(rthc_kmod_blacklisted(e.k, "dm_round_robin"), 1);
	assert_int_equal(rthc_kmod_blacklisted(e.k, "dm_mod"), 0);
	assert_int_equal(rthc_kmod_in_kernel(e.k, "dm_multipath"), 1);
	env_close(&e);

	env_open(&e, fixture_dir("kmod-dm-loaded"), KT_RELEASE);
	assert_int_equal(state_of(e.k, "dm_multipath"), RTHC_KMOD_LOADED);
	assert_int_equal(state_of(e.k, "dm-mod"), RTHC_KMOD_LOADED);
	assert_int_equal(state_of(e.k, "nosuch"), RTHC_KMOD_NOT_LOADED);
	env_close(&e);

	env_open(&e, fixture_dir("kmod-dm-absent"), KT_RELEASE);
	assert_int_equal(rthc_kmod_in_kernel(e.k, "dm_multipath"), 0);
	assert_int_equal(rthc_kmod_in_kernel(e.k, "dm_mod"), 1);
	assert_int_equal(rthc_kmod_in_kernel(e.k, "scsi_mod"), 1); /* builtin */
	env_close(&e);
}

static void test_sysfs_state(void **state)
{
	struct env e = { .tmp = kt_new() };

	(void)state;
	write_file(e.tmp, "sys/module/scsi_mod/parameters/scan", "sync\n");
	write_file(e.tmp, "sys/module/kvm/initstate", "live\n");
	write_file(e.tmp, "sys/module/kvm/refcnt", "0\n");
	env_open(&e, e.tmp, KT_RELEASE);
	assert_int_equal(state_of(e.k, "scsi_mod"), RTHC_KMOD_BUILTIN);
	assert_int_equal(state_of(e.k, "kvm"),
			 RTHC_KMOD_LOADED); /* in sysfs, not in /proc/modules */
	assert_int_equal(state_of(e.k, "dm_mod"), RTHC_KMOD_LOADED);
	assert_int_equal(state_of(e.k, "dm_multipath"), RTHC_KMOD_NOT_LOADED);
	assert_string_equal(rthc_kmod_load_state_to_string(RTHC_KMOD_BUILTIN), "builtin");
	/* An alias from modules.alias resolves to a module with a compressed file. */
	assert_int_equal(rthc_kmod_in_kernel(e.k, "dm-mpath-alias"), 1);
	assert_int_equal(rthc_kmod_in_kernel(e.k, "nosuch"), 0);
	env_close(&e);
}

static void test_errors(void **state)
{
	struct env e = { .tmp = tmpdir_new() };
	enum rthc_kmod_load_state st;

	(void)state;
	write_file(e.tmp, "etc/hostname", "x\n");
	env_open(&e, e.tmp, KT_RELEASE);
	assert_int_equal(rthc_kmod_load_state(e.k, "dm_multipath", &st), -ENOENT);
	assert_string_equal(rthc_kmod_err_path(e.k), "/proc/modules");
	assert_int_equal(rthc_kmod_in_kernel(e.k, "dm_multipath"), -ENOENT);
	assert_string_equal(rthc_kmod_err_path(e.k), "/lib/modules/" KT_RELEASE "/modules.dep");
	env_close(&e);

	/* No /proc/modules, but /sys/module: modules are judged by sysfs alone. */
	e.tmp = tmpdir_new();
	write_file(e.tmp, "sys/module/kvm/initstate", "live\n");
	write_file(e.tmp, KT_MODDIR "/modules.dep", "kernel/drivers/md/dm-mod.ko:\n");
	env_open(&e, e.tmp, KT_RELEASE);
	assert_int_equal(state_of(e.k, "dm_multipath"), RTHC_KMOD_NOT_LOADED);
	/* modules.dep readable but modules.builtin missing: cannot tell "absent". */
	assert_int_equal(rthc_kmod_in_kernel(e.k, "dm_multipath"), -ENOENT);
	assert_string_equal(rthc_kmod_err_path(e.k), "/lib/modules/" KT_RELEASE "/modules.builtin");
	env_close(&e);

	/* Unknown release; unreadable /proc/modules. */
	e.tmp = kt_new();
	env_open(&e, e.tmp, NULL);
	assert_int_equal(rthc_kmod_in_kernel(e.k, "dm_multipath"), -ENOENT);
	assert_string_equal(rthc_kmod_err_path(e.k), "/proc/sys/kernel/osrelease");
	assert_int_equal(rthc_host_inject_error(e.h, "/proc/modules", RTHC_HOST_OP_READ, -EACCES),
			 0);
	assert_int_equal(rthc_kmod_load_state(e.k, "dm_multipath", &st), -EACCES);
	env_close(&e);
}

static void test_options(void **state)
{
	struct env e = { .tmp = kt_new() };

	(void)state;
	write_file(e.tmp, "etc/modprobe.d/10-kvm.conf",
		   "# comment: options kvm halt_poll_ns=1\noptions kvm-intel ple-gap=0 "
		   "nested=1\noptions kvm kvmclock_periodic_sync=N\noptions foo bar=\"a b\" bare\n");
	write_file(e.tmp, "etc/modprobe.d/20-later.conf",
		   "options kvm_intel ple_gap=128\noptions kvm* halt_poll_ns=0\n");
	/* The same name in /etc hides the /lib file. */
	write_file(e.tmp, "lib/modprobe.d/20-later.conf", "options kvm_intel ple_gap=4096\n");
	write_file(e.tmp, "lib/modprobe.d/30-lib.conf", "options kvm_amd avic=1\n");
	write_file(e.tmp, "etc/modprobe.d/notconf.txt", "options kvm_amd avic=0\n");
	env_open(&e, e.tmp, KT_RELEASE);
	assert_option(e.k, "kvm_intel", "ple_gap", "128");
	assert_option(e.k, "kvm-intel", "nested", "1");
	assert_option(e.k, "kvm", "kvmclock-periodic-sync", "N");
	assert_option(e.k, "kvm", "halt_poll_ns", "0");
	assert_option(e.k, "kvm_amd", "halt_poll_ns", "0");
	assert_option(e.k, "kvm_amd", "avic", "1");
	assert_option(e.k, "foo", "bar", "a b");
	assert_option(e.k, "foo", "bare", "");
	assert_option(e.k, "kvm", "ple_gap", NULL);
	env_close(&e);
}

/* libkmod adds the running kernel's /proc/cmdline options; a tree's answers must not include them.
 */
static void test_live_cmdline_dropped(void **state)
{
	struct env e = { .tmp = kt_new() };
	char line[4096], *save = NULL;
	FILE *f;

	(void)state;
	env_open(&e, e.tmp, KT_RELEASE);
	f = fopen("/proc/cmdline", "r");
	if (f && fgets(line, sizeof(line), f)) {
		for (char *w = strtok_r(line, " \n", &save); w; w = strtok_r(NULL, " \n", &save)) {
			char *dot = strchr(w, '.'), *eq = strchr(w, '=');

			if (streq(w, "--"))
				break;
			if (!dot || !eq || eq < dot)
				continue;
			*dot = *eq = '\0';
			assert_option(e.k, w, dot + 1, NULL);
		}
	}
	if (f)
		fclose(f);
	env_close(&e);
}

static void test_continuation_and_comments(void **state)
{
	struct env e = { .tmp = kt_new() };

	(void)state;
	write_file(e.tmp, "etc/modprobe.d/a.conf",
		   "# install dm_multipath /bin/true\ninstall dm_multipath "
		   "\\\n\t/bin/false\ninstall dm_mod /sbin/modprobe --ignore-install dm_mod \\\n  "
		   "&& /bin/true\nalias dm_mod off\n");
	env_open(&e, e.tmp, KT_RELEASE);
	{
		char *cmd = NULL;

		assert_int_equal(rthc_kmod_install_command(e.k, "dm_multipath", &cmd), 1);
		assert_true(rthc_kmod_install_blocks(cmd));
		free(cmd);
		assert_int_equal(rthc_kmod_install_command(e.k, "dm_mod", &cmd), 1);
		assert_non_null(strstr(cmd, "&& /bin/true"));
		assert_false(rthc_kmod_install_blocks(cmd));
		free(cmd);
	}
	env_close(&e);
}

/* Real modprobe.d files, each in its own tree's etc/modprobe.d. */
static void real_tree(struct env *e, const char *dir, const char *file)
{
	char src[PATH_MAX * 2], dst[PATH_MAX];

	e->tmp = kt_new();
	snprintf(src, sizeof(src), "%s/%s", dir, file);
	snprintf(dst, sizeof(dst), "etc/modprobe.d/%s", file);
	assert_int_equal(kt_copy(e->tmp, src, dst), 0);
	env_open(e, e->tmp, KT_RELEASE);
}

static void test_realdata(void **state)
{
	const char *sub = kt_realdata("modprobe/kicksecure-security-misc");
	struct env e = {0};

	(void)state;
	if (!sub)
		skip();
	real_tree(&e, sub, "30_security-misc__f0511635-2022-bintrue.conf");
	assert_install(e.k, "bluetooth", "/bin/true", true);
	assert_install(e.k, "firewire-core", "/bin/true", true);
	assert_install(e.k, "mei-me", "/bin/true", true);
	assert_install(e.k, "dm_multipath", NULL, false);
	assert_option(e.k, "nf_conntrack", "nf_conntrack_helper", "0");
	assert_int_equal(rthc_kmod_blacklisted(e.k, "bluetooth"), 0);
	env_close(&e);

	real_tree(&e, sub, "30_security-misc__a67007f4-2021-binfalse.conf");
	assert_install(e.k, "msr", "/bin/false", true);
	env_close(&e);

	/* The current file: a custom script is not known to block; commented lines are ignored. */
	real_tree(&e, sub, "30_security-misc_disable__HEAD.conf");
	assert_install(e.k, "firewire_core", "/usr/bin/disabled-firewire-by-security-misc", false);
	assert_install(e.k, "btusb", NULL, false);
	env_close(&e);

	real_tree(&e, sub, "30_security-misc_blacklist__HEAD.conf");
	assert_int_equal(rthc_kmod_blacklisted(e.k, "pcspkr"), 1);
	assert_int_equal(rthc_kmod_blacklisted(e.k, "sr_mod"), 1);
	assert_install(e.k, "pcspkr", NULL, false);
	env_close(&e);

	sub = kt_realdata("modprobe/opensuse-suse-module-tools");
	assert_non_null(sub);
	real_tree(&e, sub, "common_40-bttv_skip_it.conf");
	assert_install(e.k, "bttv_skip_it",
		       "echo \"module alias skipped (bt878 chip without PCI Subsystem ID)\"",
		       false);
	env_close(&e);
	real_tree(&e, sub, "common_80-options-cdrom.conf");
	assert_option(e.k, "cdrom", "autoclose", "0");
	env_close(&e);
	real_tree(&e, sub, "i386_40-apm.conf");
	assert_install(e.k, "char-major-10-134", "/bin/true", true);
	env_close(&e);
	/* blacklist + an install command that loads the module anyway. */
	real_tree(&e, sub, "common_50-blacklist-rndis.conf");
	assert_int_equal(rthc_kmod_blacklisted(e.k, "rndis_host"), 1);
	{
		char *cmd = NULL;

		assert_int_equal(rthc_kmod_install_command(e.k, "rndis_host", &cmd), 1);
		assert_non_null(strstr(cmd, "/sbin/modprobe --ignore-install rndis_host"));
		assert_false(rthc_kmod_install_blocks(cmd));
		free(cmd);
	}
	env_close(&e);

	sub = kt_realdata("modprobe/ubuntu-kmod-via-galliumos");
	assert_non_null(sub);
	real_tree(&e, sub, "blacklist.conf");
	assert_int_equal(rthc_kmod_blacklisted(e.k, "evbug"), 1);
	assert_int_equal(rthc_kmod_blacklisted(e.k, "snd_intel8x0m"), 1);
	assert_int_equal(rthc_kmod_blacklisted(e.k, "i2c_i801"), 0); /* commented out */
	env_close(&e);
	/* `alias net-pf-N off` neither blacklists nor blocks anything by name. */
	real_tree(&e, sub, "blacklist-rare-network.conf");
	assert_int_equal(rthc_kmod_blacklisted(e.k, "net-pf-3"), 0);
	assert_install(e.k, "net-pf-3", NULL, false);
	assert_install(e.k, "off", NULL, false);
	env_close(&e);
	/* A `remove` command continued over three lines creates no other entries. */
	real_tree(&e, sub, "iwlwifi.conf");
	assert_install(e.k, "iwlwifi", NULL, false);
	assert_int_equal(rthc_kmod_blacklisted(e.k, "mac80211"), 0);
	{
		char *path = NULL, *line = NULL;

		assert_int_equal(rthc_kmod_config_line(e.k, "remove", "iwlwifi", &path, &line), 1);
		assert_string_equal(path, "/etc/modprobe.d/iwlwifi.conf");
		assert_string_equal(line, "remove iwlwifi \\");
		free(path);
		free(line);
	}
	env_close(&e);

	sub = kt_realdata("modprobe/kmod-testsuite");
	assert_non_null(sub);
	real_tree(&e, sub, "install-cmd-loop__dumb-instal-loop.conf");
	assert_install(e.k, "mod-loop-b",
		       "$MODPROBE --ignore-install mod-loop-b && { $MODPROBE --quiet mod-loop-a ; }",
		       false);
	env_close(&e);
	real_tree(&e, sub, "test-blacklist__modprobe.conf");
	assert_int_equal(rthc_kmod_blacklisted(e.k, "floppy"), 1);
	assert_int_equal(rthc_kmod_blacklisted(e.k, "pcspkr"), 1);
	env_close(&e);
}

/* Two real files in one directory: libkmod takes the first install line in file-name order. */
static void test_realdata_order(void **state)
{
	const char *sub = kt_realdata("modprobe/kicksecure-security-misc");
	char src[PATH_MAX * 2];
	struct env e = {0};

	(void)state;
	if (!sub)
		skip();
	e.tmp = kt_new();
	snprintf(src, sizeof(src), "%s/30_security-misc__f0511635-2022-bintrue.conf", sub);
	assert_int_equal(kt_copy(e.tmp, src, "etc/modprobe.d/z-bintrue.conf"), 0);
	snprintf(src, sizeof(src), "%s/30_security-misc__a67007f4-2021-binfalse.conf", sub);
	assert_int_equal(kt_copy(e.tmp, src, "etc/modprobe.d/a-binfalse.conf"), 0);
	env_open(&e, e.tmp, KT_RELEASE);
	assert_install(e.k, "msr", "/bin/false", true);
	assert_install(e.k, "mei", "/bin/true", true); /* only in the later file */
	env_close(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_install_blocks),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_fixture_false),
		cmocka_unit_test(test_fixture_variants),
		cmocka_unit_test(test_sysfs_state),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_live_cmdline_dropped),
		cmocka_unit_test(test_continuation_and_comments),
		cmocka_unit_test(test_realdata),
		cmocka_unit_test(test_realdata_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
