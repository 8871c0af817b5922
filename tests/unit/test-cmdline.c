/*
 * The kernel command line: next_arg() quoting (lib/cmdline.c), "--" (kernel/params.c parse_args()),
 * name matching, isolcpus= flags (kernel/sched/isolation.c), real command lines from
 * ../shared/realdata/cmdline and random input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmdline.h"
#include "cpuset.h"
#include "helpers.h"
#include "macro.h"

static struct rthc_cmdline *parse(const char *line)
{
	struct rthc_cmdline *c = NULL;

	assert_int_equal(rthc_cmdline_parse(line, &c), 0);
	assert_non_null(c);
	return c;
}

/* Expected split: "key" for a bare parameter, "key=value" otherwise, '|' between parameters. */
static void expect_split(const char *line, const char *want, size_t ninit)
{
	struct rthc_cmdline *c = parse(line);
	char got[1024] = "";

	for (size_t i = 0; i < c->nparams; i++) {
		size_t n = strlen(got);

		snprintf(got + n, sizeof(got) - n, "%s%s%s%s", i ? "|" : "", c->params[i].key,
			 c->params[i].value ? "=" : "",
			 c->params[i].value ? c->params[i].value : "");
	}
	if (!streq(got, want))
		fail_msg("split of [%s] = [%s], expected [%s]", line, got, want);
	if (c->ninit != ninit)
		fail_msg("[%s]: %zu init args, expected %zu", line, c->ninit, ninit);
	rthc_cmdline_free(c);
}

static void test_next_arg_rules(void **state)
{
	(void)state;
	expect_split("", "", 0);
	expect_split("   \t\n", "", 0);
	expect_split("a b=c", "a|b=c", 0);
	expect_split("  a   b=c  \n", "a|b=c", 0);
	expect_split("\ta\nb\rc\vd\fe", "a|b|c|d|e", 0);
	expect_split("x\xa0y", "x|y", 0); /* the kernel's isspace() is Latin-1: 0xa0 splits */
	/* quotes protect spaces; a quoted value loses its quotes */
	expect_split("a=\"b c\" d", "a=b c|d", 0);
	expect_split("\"a=b c\" d", "a=b c|d", 0);
	expect_split("\"a b\"", "a b", 0);
	expect_split("a=\"\"", "a=", 0);
	expect_split("\"\"", "", 0); /* one parameter with an empty name */
	expect_split("\"", "", 0);
	/* only a quote that both opens the value and ends the parameter goes */
	expect_split("a=\"b\"c", "a=b\"c", 0);
	expect_split("a=b\"c d\"", "a=b\"c d\"", 0);
	expect_split("a=\"b c", "a=b c", 0); /* unterminated: to the end of the line */
	expect_split("a=\"b c d=e", "a=b c d=e", 0);
	expect_split("\"a\"=b", "a\"=b", 0);
	expect_split("k.\"x y\" z", "k.\"x y\"|z", 0);
	/* the first '=' splits; a leading '=' does not */
	expect_split("a==b", "a==b", 0);
	expect_split("a=b=c", "a=b=c", 0);
	expect_split("=a=b", "=a=b", 0);
	expect_split("a= b", "a=|b", 0);
	/* "--" ends the kernel's parameters, also quoted; "--=x" does not */
	expect_split("a -- b c", "a", 2);
	expect_split("a \"--\" b", "a", 1);
	expect_split("a --=1 b", "a|--=1|b", 0);
	expect_split("a -- -- b", "a", 2);
	expect_split("a ---", "a|---", 0);
	expect_split("a --\n", "a", 0);
}

static void test_lookup(void **state)
{
	struct rthc_cmdline *c;
	const struct rthc_cmdline_param *p;

	(void)state;
	c = parse("quiet nohz-full=1 isolcpus=2 isolcpus=3-4 rcu_nocbs idle=poll "
		  "-- isolcpus=9 init=1\n");
	assert_string_equal(c->raw,
			    "quiet nohz-full=1 isolcpus=2 isolcpus=3-4 rcu_nocbs idle=poll -- "
			    "isolcpus=9 init=1");
	assert_int_equal(c->nparams, 6);
	assert_int_equal(c->ninit, 2);
	/* '-' and '_' are the same in names, both ways */
	assert_string_equal(rthc_cmdline_get(c, "nohz_full"), "1");
	assert_string_equal(rthc_cmdline_get(c, "nohz-full"), "1");
	assert_true(rthc_cmdline_key_eq("a-b_c", "a_b-c"));
	assert_false(rthc_cmdline_key_eq("ab", "abc"));
	assert_false(rthc_cmdline_key_eq("abc", "ab"));
	assert_false(rthc_cmdline_key_eq("a.b", "a_b"));
	/* the last occurrence wins; parameters after "--" are init's */
	assert_string_equal(rthc_cmdline_get(c, "isolcpus"), "3-4");
	p = rthc_cmdline_find(c, "isolcpus");
	assert_non_null(p);
	assert_ptr_equal(p, &c->params[3]);
	assert_null(rthc_cmdline_get(c, "init"));
	/* bare parameters */
	assert_true(rthc_cmdline_has(c, "rcu_nocbs"));
	assert_string_equal(rthc_cmdline_get(c, "rcu_nocbs"), "");
	assert_null(rthc_cmdline_find(c, "rcu_nocbs")->value);
	assert_true(rthc_cmdline_has(c, "quiet"));
	assert_false(rthc_cmdline_has(c, "quie"));
	assert_false(rthc_cmdline_has(c, "idle=poll"));
	assert_null(rthc_cmdline_get(c, "missing"));
	assert_null(rthc_cmdline_find(NULL, "quiet"));
	rthc_cmdline_free(c);
	assert_null(rthc_cmdline_free(NULL));
	assert_int_equal(rthc_cmdline_parse(NULL, &c), -EINVAL);
}

struct iso_vec {
	const char *in;
	unsigned nbits;
	int err;
	unsigned flags;
	const char *names; /* comma-separated flag names as reported */
	const char *cpus;
};

static const struct iso_vec iso_vecs[] = {
	{"1-3", 16, 0, RTHC_ISOL_DOMAIN, "domain", "1-3"},
	{"domain,1-3", 16, 0, RTHC_ISOL_DOMAIN, "domain", "1-3"},
	{"nohz,1-3", 16, 0, RTHC_ISOL_NOHZ, "nohz", "1-3"},
	/* managed_irq alone does not imply domain: that default applies only without a known flag */
	{"managed_irq,1-3", 16, 0, RTHC_ISOL_MANAGED_IRQ, "managed_irq", "1-3"},
	{"managed_irq,domain,1-3", 16, 0, RTHC_ISOL_MANAGED_IRQ | RTHC_ISOL_DOMAIN,
	 "managed_irq,domain", "1-3"},
	{"nohz,domain,managed_irq,1-3", 16, 0,
	 RTHC_ISOL_NOHZ | RTHC_ISOL_DOMAIN | RTHC_ISOL_MANAGED_IRQ, "nohz,domain,managed_irq",
	 "1-3"},
	{"domain,nohz,domain,2", 16, 0, RTHC_ISOL_DOMAIN | RTHC_ISOL_NOHZ, "domain,nohz", "2"},
	/* unknown alphabetic flags are skipped */
	{"foo,1-3", 16, 0, RTHC_ISOL_DOMAIN, "domain", "1-3"},
	{"foo_bar,nohz,1-3", 16, 0, RTHC_ISOL_NOHZ, "nohz", "1-3"},
	{"nohz_full,3", 16, 0, RTHC_ISOL_DOMAIN, "domain", "3"},
	{"Domain,1-3", 16, 0, RTHC_ISOL_DOMAIN, "domain", "1-3"}, /* flags are case-sensitive */
	/* a flag with other characters makes the kernel ignore the parameter */
	{"foo-bar,1-3", 16, -EINVAL, 0, "", NULL},
	{"foo1,1-3", 16, -EINVAL, 0, "", NULL},
	{"nohz,foo=1,1-3", 16, -EINVAL, 0, "", NULL},
	{"nohz", 16, -EINVAL, 0, "", NULL},
	{"domain,nohz", 16, -EINVAL, 0, "", NULL},
	/* the list itself */
	{"", 16, 0, RTHC_ISOL_DOMAIN, "domain", ""},
	{"domain,", 16, 0, RTHC_ISOL_DOMAIN, "domain", ""},
	{"domain,2-N", 16, 0, RTHC_ISOL_DOMAIN, "domain", "2-15"},
	/* "N" and "all" start with a letter, so the kernel takes them for a flag */
	{"domain,N", 16, -EINVAL, 0, "", NULL},
	{"all", 16, -EINVAL, 0, "", NULL},
	{"nohz,N-N", 16, -EINVAL, 0, "", NULL},
	{"managed_irq,domain,0-N:1/2", 8, 0, RTHC_ISOL_MANAGED_IRQ | RTHC_ISOL_DOMAIN,
	 "managed_irq,domain", "0,2,4,6"},
	{"1-20", 16, -ERANGE, RTHC_ISOL_DOMAIN, "domain", NULL},
	{"domain,1-3,x", 16, -EINVAL, RTHC_ISOL_DOMAIN, "domain", NULL},
	{",1-3", 16, 0, RTHC_ISOL_DOMAIN, "domain", "1-3"},
};

static void test_isolcpus_flags(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(iso_vecs); i++) {
		const struct iso_vec *v = &iso_vecs[i];
		struct rthc_cpuset cpus = RTHC_CPUSET_INIT;
		const char *names[4] = {"x", "x", "x", "x"};
		unsigned flags = 0xff;
		char got[128] = "";
		int r;

		r = rthc_cmdline_parse_isolcpus(v->in, v->nbits, &flags, names, &cpus);
		if (r != v->err)
			fail_msg("isolcpus=%s: %d, expected %d", v->in, r, v->err);
		if (r == 0 || v->flags) {
			if (flags != v->flags)
				fail_msg("isolcpus=%s: flags %#x, expected %#x", v->in, flags,
					 v->flags);
		}
		for (size_t k = 0; k < 4 && names[k]; k++) {
			size_t n = strlen(got);

			snprintf(got + n, sizeof(got) - n, "%s%s", k ? "," : "", names[k]);
		}
		if (!streq(got, v->names))
			fail_msg("isolcpus=%s: names [%s], expected [%s]", v->in, got, v->names);
		if (v->cpus) {
			char *s = rthc_cpuset_str(&cpus);

			if (!streq(s, v->cpus))
				fail_msg("isolcpus=%s: cpus %s, expected %s", v->in, s, v->cpus);
			free(s);
		}
		/* names_out is optional */
		assert_int_equal(rthc_cmdline_parse_isolcpus(v->in, v->nbits, &flags, NULL, &cpus),
				 r);
		rthc_cpuset_done(&cpus);
	}
}

/* ../shared beside the source tree, or $RTHC_SHARED; NULL when absent. */
static const char *shared_dir(void)
{
	static char buf[4096];
	const char *env = getenv("RTHC_SHARED"), *top = getenv("top_srcdir");
	struct stat st;

	if (env && *env)
		snprintf(buf, sizeof(buf), "%s", env);
	else
		snprintf(buf, sizeof(buf), "%s/../shared", top ? top : ".");
	return stat(buf, &st) == 0 && S_ISDIR(st.st_mode) ? buf : NULL;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t k = fread(buf + n, 1, cap - n - 1, f);

		if (k == 0)
			break;
		n += k;
	}
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* A plain split (no quotes in the line): white-space tokens, key before the first '='. */
static void check_plain_split(const char *id, const char *line, const struct rthc_cmdline *c)
{
	_cleanup_free_ char *copy = strdup(line);
	char *save = NULL, *tok;
	size_t i = 0;

	assert_non_null(copy);
	for (tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save), i++) {
		char *eq = strchr(tok + 1, '=');

		if (i >= c->nparams)
			fail_msg("%s: only %zu parameters", id, c->nparams);
		if (eq)
			*eq = '\0';
		if (!streq(c->params[i].key, tok))
			fail_msg("%s: parameter %zu is %s, expected %s", id, i, c->params[i].key,
				 tok);
		if (eq ? !c->params[i].value || !streq(c->params[i].value, eq + 1)
		       : !!c->params[i].value)
			fail_msg("%s: value of %s differs", id, tok);
	}
	assert_int_equal(i, c->nparams);
}

static void check_cpu_param(const char *id, const struct rthc_cmdline *c, const char *key)
{
	struct rthc_cpuset s = RTHC_CPUSET_INIT;
	const char *v = rthc_cmdline_get(c, key);
	unsigned flags;
	int r;

	if (!v || streq(v, "off"))
		return;
	if (streq(key, "isolcpus"))
		r = rthc_cmdline_parse_isolcpus(v, 256, &flags, NULL, &s);
	else
		r = rthc_cpuset_parse_list(&s, v, 256);
	if (r < 0)
		fail_msg("%s: %s=%s does not parse (%d)", id, key, v, r);
	assert_false(rthc_cpuset_empty(&s));
	rthc_cpuset_done(&s);
}

/* Every real command line of samples.txt. */
static void test_real_samples(void **state)
{
	const char *shared = shared_dir();
	char path[4200], id[64] = "";
	_cleanup_free_ char *text = NULL;
	char *save = NULL, *line;
	int nsamples = 0;

	(void)state;
	if (!shared)
		skip();
	snprintf(path, sizeof(path), "%s/realdata/cmdline/samples.txt", shared);
	text = slurp(path);
	if (!text)
		skip();
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct rthc_cmdline *c;

		if (strneq(line, "# [", 3)) {
			sscanf(line, "# [%63[^]]", id);
			continue;
		}
		if (line[0] == '#' || !*line)
			continue;
		nsamples++;
		c = parse(line);
		assert_string_equal(c->raw, line);
		if (!strchr(line, '"'))
			check_plain_split(id, line, c);
		check_cpu_param(id, c, "isolcpus");
		check_cpu_param(id, c, "nohz_full");
		check_cpu_param(id, c, "rcu_nocbs");
		check_cpu_param(id, c, "irqaffinity");
		if (streq(id, "csit-21")) {
			/* "nohz_full=1-15     17-31,...": white space ends the value */
			assert_string_equal(rthc_cmdline_get(c, "nohz_full"), "1-15");
			assert_true(rthc_cmdline_has(c, "17-31,33-47,49-63"));
		}
		if (streq(id, "rtubuntu-01")) {
			unsigned flags;
			struct rthc_cpuset s = RTHC_CPUSET_INIT;

			assert_int_equal(
				rthc_cmdline_parse_isolcpus(rthc_cmdline_get(c, "isolcpus"), 16,
							    &flags, NULL, &s),
				0);
			assert_int_equal(flags, RTHC_ISOL_DOMAIN | RTHC_ISOL_MANAGED_IRQ);
			rthc_cpuset_done(&s);
		}
		if (streq(id, "rtubuntu-04")) {
			struct rthc_cpuset s = RTHC_CPUSET_INIT;

			assert_int_equal(
				rthc_cpuset_parse_list(&s, rthc_cmdline_get(c, "nohz_full"), 8), 0);
			assert_int_equal(rthc_cpuset_count(&s), 6);
			assert_int_equal(
				rthc_cpuset_parse_list(&s, rthc_cmdline_get(c, "nohz_full"), 0),
				-EINVAL);
			rthc_cpuset_done(&s);
		}
		if (streq(id, "util-linux-libmount")) {
			/* util-linux tests/expected/libmount/utils-kernel-cmdline */
			assert_string_equal(rthc_cmdline_get(c, "selinux"), "0");
			assert_non_null(
				rthc_cmdline_find(c, "selinux")->value); /* no bare "selinux" */
			assert_null(rthc_cmdline_find(c, "ro")->value);          /* "ro" is bare */
			assert_string_equal(rthc_cmdline_get(c, "root"),
					    "UUID=33230ae2-1093-4353-824c-f7ca09a2a882");
			assert_string_equal(rthc_cmdline_get(c, "KEYTABLE"), "us");
		}
		rthc_cmdline_free(c);
	}
	assert_true(nsamples >= 40);
}

static bool modname_ok(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] == '_' || s[i] == '-' || (s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

/* kmod's reading of module parameters from our split: "options MOD P[=V]" and blacklists. */
static void kmod_lines(const struct rthc_cmdline *c, char *out, size_t size)
{
	out[0] = '\0';
	for (size_t i = 0; i < c->nparams; i++) {
		const char *k = c->params[i].key, *v = c->params[i].value, *dot = strchr(k, '.');
		size_t n = strlen(out);

		if (!dot || !modname_ok(k, (size_t)(dot - k)) ||
		    !modname_ok(dot + 1, strlen(dot + 1)))
			continue;
		if (strneq(k, "modprobe.blacklist", 18) && v) {
			_cleanup_free_ char *list = strdup(v);
			char *save = NULL;

			for (char *t = strtok_r(list, ",", &save); t;
			     t = strtok_r(NULL, ",", &save)) {
				n = strlen(out);
				snprintf(out + n, size - n, "blacklist %s\n", t);
			}
			continue;
		}
		snprintf(out + n, size - n, "options %.*s %s%s%s%s%s\n", (int)(dot - k), k, dot + 1,
			 v ? "=" : "", v && strchr(v, ' ') ? "\"" : "", v ? v : "",
			 v && strchr(v, ' ') ? "\"" : "");
	}
}

/* kmod's testsuite module-param-kcmdline{,2..9}: the expected module options. */
static void test_kmod_kcmdline(void **state)
{
	const char *shared = shared_dir();

	(void)state;
	if (!shared)
		skip();
	for (int k = 1; k <= 9; k++) {
		char dir[4300], path[4400], got[2048], want[2048] = "";
		_cleanup_free_ char *line = NULL, *correct = NULL;
		struct rthc_cmdline *c;
		char *save = NULL;

		char suffix[8] = "";

		if (k > 1)
			snprintf(suffix, sizeof(suffix), "%d", k);
		snprintf(dir, sizeof(dir), "%s/realdata/cmdline/kmod-module-param-kcmdline/"
			 "module-param-kcmdline%s", shared, suffix);
		snprintf(path, sizeof(path), "%s/proc/cmdline", dir);
		line = slurp(path);
		if (!line)
			skip();
		snprintf(path, sizeof(path), "%s/correct.txt", dir);
		correct = slurp(path);
		assert_non_null(correct);
		for (char *l = strtok_r(correct, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			size_t n = strlen(want);

			if (strneq(l, "options ", 8) || strneq(l, "blacklist ", 10)) {
				snprintf(want + n, sizeof(want) - n, "%s\n", l);
			} else if (strneq(l, "insmod ", 7)) {
				/* "insmod /lib/modules/V/kernel/mod-simple.ko foo bar=1 " */
				char *args = strstr(l, ".ko ");
				char *s2 = NULL;

				assert_non_null(args);
				for (char *t = strtok_r(args + 4, " ", &s2); t;
				     t = strtok_r(NULL, " ", &s2)) {
					n = strlen(want);
					snprintf(want + n, sizeof(want) - n,
						 "options mod_simple %s\n", t);
				}
			}
		}
		c = parse(line);
		kmod_lines(c, got, sizeof(got));
		if (!streq(got, want))
			fail_msg("kcmdline%d: got\n%s\nexpected\n%s", k, got, want);
		rthc_cmdline_free(c);
	}
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random and truncated lines: never a crash or leak, and the split is stable. */
static void test_fuzz(void **state)
{
	static const char alpha[] = "ab=-_\" \t.,\n\xa0" "01";
	static const char iso_alpha[] = "domainohzmaged_rq,0123456789-:/N";
	static const char *const seeds[] = {
		"psmouse.foo psmouse.bar=1 psmouse.foobar=\"test 1\" psmouse.\"invalid option\" "
		"\" notamodule\" \"noteamodule2 \" notamodule3 quiet rw",
		"isolcpus=nohz,domain,managed_irq,1-3 nohz_full=1-3 -- init \"x y\"",
	};
	uint64_t seed = 777;
	char buf[80];

	(void)state;
	for (int i = 0; i < 20000; i++) {
		size_t n = rng_next(&seed) % sizeof(buf);
		struct rthc_cmdline *c;
		struct rthc_cpuset s = RTHC_CPUSET_INIT;
		const char *names[4];
		unsigned flags;
		int r;

		for (size_t k = 0; k < n; k++)
			buf[k] = alpha[rng_next(&seed) % (sizeof(alpha) - 1)];
		buf[n] = '\0';
		c = parse(buf);
		for (size_t k = 0; k < c->nparams; k++) {
			assert_non_null(c->params[k].key);
			assert_ptr_equal(rthc_cmdline_find(c, c->params[k].key)->key,
					 rthc_cmdline_find(c, c->params[k].key)->key);
		}
		assert_true(c->nparams + c->ninit <= n);
		rthc_cmdline_free(c);

		for (size_t k = 0; k < n; k++)
			buf[k] = iso_alpha[rng_next(&seed) % (sizeof(iso_alpha) - 1)];
		r = rthc_cmdline_parse_isolcpus(buf, (unsigned)(rng_next(&seed) % 300), &flags,
						names, &s);
		assert_true(r == 0 || r == -EINVAL || r == -ERANGE || r == -EOVERFLOW);
		if (r == 0)
			assert_non_null(names[0]);
		rthc_cpuset_done(&s);
	}
	for (size_t k = 0; k < ARRAY_SIZE(seeds); k++)
		for (size_t n = 0; n <= strlen(seeds[k]); n++) {
			_cleanup_free_ char *pre = strndup(seeds[k], n);
			struct rthc_cmdline *c = parse(pre);

			rthc_cmdline_free(c);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_arg_rules),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_isolcpus_flags),
		cmocka_unit_test(test_real_samples),
		cmocka_unit_test(test_kmod_kcmdline),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
