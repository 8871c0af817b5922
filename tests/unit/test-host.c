/*
 * The host accessor: caching and the read log, typed reads and their errors, directory listings,
 * streaming, symlink containment in a --root tree, fault injection, and writes on a temp tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "cpuset.h"
#include "helpers.h"
#include "host.h"
#include "macro.h"

struct tree {
	char *dir;
	struct rthc_host *h;
};

static int setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->dir = tmpdir_new();
	write_file(t->dir, "/proc/cmdline", "quiet isolcpus=2-3\n");
	write_file(t->dir, "/sys/num", "42\n");
	write_file(t->dir, "/sys/neg", "  -5 \n");
	write_file(t->dir, "/sys/empty", "");
	write_file(t->dir, "/sys/blank", " \n");
	write_file(t->dir, "/sys/garbage", "12abc\n");
	write_file(t->dir, "/sys/huge", "99999999999999999999\n");
	write_file(t->dir, "/sys/list", "0-3,8\n");
	write_file(t->dir, "/sys/null", "(null)\n");
	write_file(t->dir, "/sys/mask", "00000000,0000010f\n");
	write_file(t->dir, "/sys/badlist", "0-3,x\n");
	write_file(t->dir, "/etc/target", "inside\n");
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tree *t = *state;

	rthc_host_free(t->h);
	tmpdir_remove(t->dir);
	free(t->dir);
	free(t);
	return 0;
}

static struct rthc_host *host(struct tree *t)
{
	if (!t->h)
		assert_int_equal(rthc_host_new(t->dir, &t->h), 0);
	return t->h;
}

/* The log entry of path (a test failure when there is none). */
static const struct rthc_host_log_entry *log_find(struct rthc_host *h, const char *path)
{
	static const struct rthc_host_log_entry none = {"", 0, 0, false};
	const struct rthc_host_log_entry *e;
	size_t n = rthc_host_log(h, &e);

	for (size_t i = 0; i < n; i++)
		if (streq(e[i].path, path))
			return &e[i];
	fail_msg("%s is not in the read log", path);
	return &none;
}

static void test_new(void **state)
{
	struct tree *t = *state;
	struct rthc_host *h = NULL;
	char path[PATH_MAX];

	assert_false(rthc_host_is_live(host(t)));
	assert_string_equal(rthc_host_root(host(t)), t->dir);
	snprintf(path, sizeof(path), "%s/missing", t->dir);
	assert_int_equal(rthc_host_new(path, &h), -ENOENT);
	snprintf(path, sizeof(path), "%s/sys/num", t->dir);
	assert_int_equal(rthc_host_new(path, &h), -ENOTDIR);
	assert_null(rthc_host_free(NULL));
}

/* A file is opened once however often, and through whichever typed read, it is read. */
static void test_cache_and_log(void **state)
{
	struct tree *t = *state;
	struct rthc_host *h = host(t);
	const struct rthc_host_log_entry *log, *e;
	struct rthc_cpuset s = RTHC_CPUSET_INIT;
	char *str = NULL;
	uint64_t u;
	int64_t v;
	size_t n;

	for (int i = 0; i < 5; i++) {
		assert_int_equal(rthc_host_read_u64(h, "/sys/num", &u), 0);
		assert_int_equal(u, 42);
		assert_int_equal(rthc_host_read_s64(h, "/sys/num", &v), 0);
		assert_int_equal(v, 42);
		assert_int_equal(rthc_host_read_strf(h, &str, "/sys/%s", "num"), 0);
		assert_string_equal(str, "42");
		free(str);
		assert_int_equal(rthc_host_read_cpulist(h, "/sys/list", 16, &s), 0);
		assert_int_equal(rthc_host_read_s64(h, "/sys/missing", &v), -ENOENT);
	}
	assert_int_equal(rthc_host_read_u64f(h, &u, "/sys/%s", "num"), 0);
	assert_int_equal(rthc_host_read_s64f(h, &v, "/sys/%s", "neg"), 0);
	assert_int_equal(v, -5);
	n = rthc_host_log(h, &log);
	assert_int_equal(n, 4);
	/* first-open order, one open each, errors recorded */
	assert_string_equal(log[0].path, "/sys/num");
	assert_string_equal(log[1].path, "/sys/list");
	assert_string_equal(log[2].path, "/sys/missing");
	assert_string_equal(log[3].path, "/sys/neg");
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(log[i].opens, 1);
		assert_false(log[i].dir);
	}
	assert_int_equal(log[0].err, 0);
	assert_int_equal(log[2].err, -ENOENT);
	/* exists() of a cached file opens nothing */
	assert_int_equal(rthc_host_exists(h, "/sys/num"), 1);
	assert_int_equal(rthc_host_exists(h, "/sys/missing"), 0);
	e = log_find(h, "/sys/num");
	assert_int_equal(e->opens, 1);
	rthc_cpuset_done(&s);
}

static void test_typed_errors(void **state)
{
	struct tree *t = *state;
	struct rthc_host *h = host(t);
	struct rthc_cpuset s = RTHC_CPUSET_INIT;
	char *str = NULL, *data = NULL;
	size_t len = 99;
	uint64_t u;
	int64_t v;

	/* missing, empty, blank, garbage, out of range */
	assert_int_equal(rthc_host_read_u64(h, "/sys/nope", &u), -ENOENT);
	assert_int_equal(rthc_host_read_str(h, "/nodir/nope", &str), -ENOENT);
	assert_int_equal(rthc_host_read_u64(h, "/sys/empty", &u), -ENODATA);
	assert_int_equal(rthc_host_read_s64(h, "/sys/empty", &v), -ENODATA);
	assert_int_equal(rthc_host_read_u64(h, "/sys/blank", &u), -ENODATA);
	assert_int_equal(rthc_host_read_s64(h, "/sys/blank", &v), -ENODATA);
	assert_int_equal(rthc_host_read_u64(h, "/sys/garbage", &u), -EINVAL);
	assert_int_equal(rthc_host_read_s64(h, "/sys/garbage", &v), -EINVAL);
	assert_int_equal(rthc_host_read_u64(h, "/sys/neg", &u), -EINVAL);
	assert_int_equal(rthc_host_read_u64(h, "/sys/huge", &u), -ERANGE);
	assert_int_equal(rthc_host_read_s64(h, "/sys/huge", &v), -ERANGE);
	assert_int_equal(rthc_host_read_u64(h, "/sys/list", &u), -EINVAL);
	/* a directory is not a file */
	assert_int_equal(rthc_host_read_str(h, "/sys", &str), -EISDIR);
	/* whole file and string forms */
	assert_int_equal(rthc_host_read_file(h, "/sys/empty", &data, &len), 0);
	assert_int_equal(len, 0);
	assert_string_equal(data, "");
	free(data);
	assert_int_equal(rthc_host_read_file(h, "/sys/num", &data, NULL), 0);
	assert_string_equal(data, "42\n");
	free(data);
	assert_int_equal(rthc_host_read_str(h, "/sys/blank", &str), 0);
	assert_string_equal(str, "");
	free(str);
	/* cpulists: "(null)" and "" are the empty set, garbage is -EINVAL, nbits bounds */
	assert_int_equal(rthc_host_read_cpulist(h, "/sys/null", 16, &s), 0);
	assert_true(rthc_cpuset_empty(&s));
	assert_int_equal(rthc_host_read_cpulist(h, "/sys/empty", 16, &s), 0);
	assert_true(rthc_cpuset_empty(&s));
	assert_int_equal(rthc_host_read_cpulist(h, "/sys/badlist", 16, &s), -EINVAL);
	assert_int_equal(rthc_host_read_cpulist(h, "/sys/list", 8, &s), -ERANGE);
	assert_int_equal(rthc_host_read_cpulist(h, "/sys/list", 9, &s), 0);
	assert_int_equal(rthc_cpuset_count(&s), 5);
	assert_int_equal(rthc_host_read_cpulist(h, "/sys/nope", 9, &s), -ENOENT);
	/* masks */
	assert_int_equal(rthc_host_read_cpumask(h, "/sys/mask", &s), 0);
	str = rthc_cpuset_str(&s);
	assert_string_equal(str, "0-3,8");
	free(str);
	assert_int_equal(rthc_host_read_cpumask(h, "/sys/empty", &s), -ENODATA);
	assert_int_equal(rthc_host_read_cpumask(h, "/sys/null", &s), -EINVAL);
	rthc_cpuset_done(&s);
}

static void test_binary_content(void **state)
{
	struct tree *t = *state;
	char path[PATH_MAX], *str = NULL, *data = NULL;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/sys/bin", t->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fwrite("1\0" "2\n", 1, 4, f);
	fclose(f);
	assert_int_equal(rthc_host_read_file(host(t), "/sys/bin", &data, &len), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(data, "1\0" "2\n", 4);
	free(data);
	assert_int_equal(rthc_host_read_str(host(t), "/sys/bin", &str), -EINVAL);
	assert_null(str);
}

static void test_list_dir(void **state)
{
	static const char *const names[] = {"cpu10", "cpu2", "cpufreq", "cpu1", "cpu100", "cpu0",
					    "online", "cpuidle", "cpu11"};
	static const char *const sorted[] = {"cpu0", "cpu1", "cpu2", "cpu10", "cpu11", "cpu100",
					     "cpufreq", "cpuidle", "online"};
	struct tree *t = *state;
	struct rthc_host *h;
	char **v = NULL, path[128];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/%s/x", names[i]);
		write_file(t->dir, path, "1\n");
	}
	h = host(t);
	for (int round = 0; round < 3; round++) {
		assert_int_equal(rthc_host_list_dir(h, "/sys/devices/system/cpu", &v, &n), 0);
		assert_int_equal(n, ARRAY_SIZE(sorted));
		for (size_t i = 0; i < n; i++)
			assert_string_equal(v[i], sorted[i]);
		assert_null(v[n]);
		v = rthc_strv_free(v);
	}
	/* listed once, and logged as a directory */
	assert_int_equal(log_find(h, "/sys/devices/system/cpu")->opens, 1);
	assert_true(log_find(h, "/sys/devices/system/cpu")->dir);
	assert_int_equal(rthc_host_list_dir(h, "/sys/devices/system/cpu/cpu0", &v, NULL), 0);
	assert_string_equal(v[0], "x");
	v = rthc_strv_free(v);
	/* an empty directory, a missing one, a file */
	snprintf(path, sizeof(path), "%s/emptydir", t->dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(rthc_host_list_dir(h, "/emptydir", &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v[0]);
	v = rthc_strv_free(v);
	assert_int_equal(rthc_host_list_dir(h, "/nope", &v, &n), -ENOENT);
	assert_int_equal(rthc_host_list_dir(h, "/nope", &v, &n), -ENOENT);
	assert_int_equal(log_find(h, "/nope")->opens, 1);
	assert_int_equal(log_find(h, "/nope")->err, -ENOENT);
	assert_int_equal(rthc_host_list_dir(h, "/sys/num", &v, &n), -ENOTDIR);
	assert_int_equal(rthc_host_is_dir(h, "/sys"), 1);
	assert_int_equal(rthc_host_is_dir(h, "/sys/num"), 0);
	assert_int_equal(rthc_host_is_dir(h, "/nope"), 0);
}

struct lines {
	size_t n, bytes;
	char last[64];
	size_t stop_at;
};

static int count_line(const char *line, size_t len, void *userdata)
{
	struct lines *l = userdata;

	assert_int_equal(strlen(line), len);
	assert_null(strchr(line, '\n'));
	l->n++;
	l->bytes += len;
	snprintf(l->last, sizeof(l->last), "%s", line);
	if (l->stop_at && l->n == l->stop_at)
		return -ECANCELED;
	return 0;
}

static void test_foreach_line(void **state)
{
	struct tree *t = *state;
	struct rthc_host *h;
	struct lines l = {0};
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/interrupts", t->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 200000; i++)
		fprintf(f, "%6d: %10d %10d   IO-APIC  %d-edge  dev%d\n", i, i * 3, i * 7, i, i);
	fprintf(f, "ERR: 0"); /* last line without a newline */
	fclose(f);
	h = host(t);
	assert_int_equal(rthc_host_foreach_line(h, "/proc/interrupts", count_line, &l), 0);
	assert_int_equal(l.n, 200001);
	assert_string_equal(l.last, "ERR: 0");
	/* streaming is not cached: a second walk opens the file again */
	memset(&l, 0, sizeof(l));
	l.stop_at = 10;
	assert_int_equal(rthc_host_foreach_line(h, "/proc/interrupts", count_line, &l), -ECANCELED);
	assert_int_equal(l.n, 10);
	assert_string_equal(l.last, "     9:         27         63   IO-APIC  9-edge  dev9");
	assert_int_equal(log_find(h, "/proc/interrupts")->opens, 2);
	assert_int_equal(rthc_host_foreach_line(h, "/proc/nope", count_line, &l), -ENOENT);
	/* an empty file has no lines */
	memset(&l, 0, sizeof(l));
	assert_int_equal(rthc_host_foreach_line(h, "/sys/empty", count_line, &l), 0);
	assert_int_equal(l.n, 0);
}

/* Absolute and ".." symlinks inside a --root tree resolve inside the tree (RESOLVE_IN_ROOT). */
static void test_symlink_containment(void **state)
{
	struct tree *t = *state;
	char *outside = tmpdir_new(), target[PATH_MAX], *str = NULL;
	struct rthc_host *h;
	struct stat st;

	write_file(outside, "/secret", "outside\n");
	snprintf(target, sizeof(target), "%s/secret", outside);
	make_symlink(t->dir, "/sys/abs", "/etc/target");
	make_symlink(t->dir, "/sys/escape", target);
	make_symlink(t->dir, "/sys/dotdot", "../../../../../../../../etc/target");
	make_symlink(t->dir, "/sys/outdir", outside);
	make_symlink(t->dir, "/sys/dangling", "/nowhere");
	h = host(t);

	assert_int_equal(rthc_host_read_str(h, "/sys/abs", &str), 0);
	assert_string_equal(str, "inside");
	free(str);
	assert_int_equal(rthc_host_read_str(h, "/sys/dotdot", &str), 0);
	assert_string_equal(str, "inside");
	free(str);
	/* the absolute path of a file outside the tree names nothing inside it */
	assert_int_equal(rthc_host_read_str(h, "/sys/escape", &str), -ENOENT);
	assert_int_equal(rthc_host_is_dir(h, "/sys/outdir"), 0);
	/* readlink shows the link text; exists() does not follow the final link */
	assert_int_equal(rthc_host_readlink(h, "/sys/abs", &str), 0);
	assert_string_equal(str, "/etc/target");
	free(str);
	assert_int_equal(rthc_host_readlink(h, "/sys/nolink", &str), -ENOENT);
	assert_int_equal(rthc_host_exists(h, "/sys/dangling"), 1);
	assert_int_equal(rthc_host_existsf(h, "/sys/%s", "nolink"), 0);
	/* writes through a link stay inside too */
	assert_int_equal(rthc_host_replace_file(h, "/sys/outdir/new", "x", 1, 0644), -ENOENT);
	assert_int_equal(rthc_host_mkdir_p(h, "/sys/outdir/sub", 0755), -ENOENT);
	assert_int_equal(rthc_host_write_str(h, "/sys/escape", "pwned"), -ENOENT);
	snprintf(target, sizeof(target), "%s/new", outside);
	assert_int_equal(stat(target, &st), -1);
	snprintf(target, sizeof(target), "%s/sub", outside);
	assert_int_equal(stat(target, &st), -1);
	snprintf(target, sizeof(target), "%s/secret", outside);
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_size, 8);
	tmpdir_remove(outside);
	free(outside);
}

static void test_inject_read(void **state)
{
	struct tree *t = *state;
	struct rthc_host *h = host(t);
	struct rthc_cpuset s = RTHC_CPUSET_INIT;
	char *str = NULL, **v = NULL;
	struct lines l = {0};
	size_t len;
	uint64_t u;

	/* cached content is dropped: the injected error wins */
	assert_int_equal(rthc_host_read_u64(h, "/sys/num", &u), 0);
	assert_int_equal(rthc_host_inject_error(h, "/sys/num", RTHC_HOST_OP_READ, -EACCES), 0);
	assert_int_equal(rthc_host_read_u64(h, "/sys/num", &u), -EACCES);
	assert_int_equal(rthc_host_read_str(h, "/sys/num", &str), -EACCES);
	assert_int_equal(log_find(h, "/sys/num")->err, -EACCES);
	assert_int_equal(rthc_host_exists(h, "/sys/num"), -EACCES); /* unknown: an error */
	assert_int_equal(rthc_host_inject_error(h, "/sys/list", RTHC_HOST_OP_READ, -EIO), 0);
	assert_int_equal(rthc_host_read_cpulist(h, "/sys/list", 16, &s), -EIO);
	assert_int_equal(rthc_host_inject_error(h, "/sys/mask", RTHC_HOST_OP_READ, -ENOENT), 0);
	assert_int_equal(rthc_host_read_cpumask(h, "/sys/mask", &s), -ENOENT);
	assert_int_equal(rthc_host_exists(h, "/sys/mask"), 0);
	assert_int_equal(rthc_host_inject_error(h, "/sys", RTHC_HOST_OP_READ, -EACCES), 0);
	assert_int_equal(rthc_host_list_dir(h, "/sys", &v, NULL), -EACCES);
	assert_int_equal(rthc_host_inject_error(h, "/proc/cmdline", RTHC_HOST_OP_READ, -EPERM), 0);
	assert_int_equal(rthc_host_foreach_line(h, "/proc/cmdline", count_line, &l), -EPERM);
	assert_int_equal(rthc_host_read_gz(h, "/proc/cmdline", &str, &len), -EPERM);
	/* a write-only injection leaves reads alone */
	assert_int_equal(rthc_host_inject_error(h, "/sys/neg", RTHC_HOST_OP_WRITE, -EROFS), 0);
	assert_int_equal(rthc_host_read_str(h, "/sys/neg", &str), 0);
	free(str);
	/* injecting 0 clears it */
	assert_int_equal(rthc_host_inject_error(h, "/sys/num", RTHC_HOST_OP_READ, 0), 0);
	assert_int_equal(rthc_host_read_u64(h, "/sys/num", &u), 0);
	assert_int_equal(u, 42);
	rthc_cpuset_done(&s);
}

static void read_back(const char *root, const char *path, const char *want)
{
	char full[PATH_MAX], buf[256] = "";
	ssize_t n;
	int fd;

	snprintf(full, sizeof(full), "%s%s", root, path);
	fd = open(full, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void test_writes(void **state)
{
	struct tree *t = *state;
	struct rthc_host *h = host(t);
	char *str = NULL, full[PATH_MAX], **v = NULL;
	struct stat st;
	size_t n;
	int fd;

	/* write_str truncates and drops the cached value */
	assert_int_equal(rthc_host_read_str(h, "/sys/num", &str), 0);
	free(str);
	assert_int_equal(rthc_host_write_str(h, "/sys/num", "7"), 0);
	read_back(t->dir, "/sys/num", "7");
	assert_int_equal(rthc_host_read_str(h, "/sys/num", &str), 0);
	assert_string_equal(str, "7");
	free(str);
	assert_int_equal(rthc_host_write_str(h, "/sys/nope", "1"), -ENOENT); /* never creates */
	/* mkdir_p, replace_file (mode, atomic, no temp file left), listing refreshed */
	assert_int_equal(rthc_host_mkdir_p(h, "/var/lib/rthostcheck/journal", 0750), 0);
	assert_int_equal(rthc_host_mkdir_p(h, "/var/lib/rthostcheck/journal/", 0750), 0);
	assert_int_equal(rthc_host_is_dir(h, "/var/lib/rthostcheck/journal"), 1);
	assert_int_equal(rthc_host_list_dir(h, "/var/lib/rthostcheck/journal", &v, &n), 0);
	assert_int_equal(n, 0);
	v = rthc_strv_free(v);
	assert_int_equal(rthc_host_replace_file(h, "/var/lib/rthostcheck/journal/a.log", "v1\n", 3,
						0600), 0);
	assert_int_equal(rthc_host_replace_file(h, "/var/lib/rthostcheck/journal/a.log", "v2\n", 3,
						0640), 0);
	read_back(t->dir, "/var/lib/rthostcheck/journal/a.log", "v2\n");
	snprintf(full, sizeof(full), "%s/var/lib/rthostcheck/journal/a.log", t->dir);
	assert_int_equal(stat(full, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(rthc_host_list_dir(h, "/var/lib/rthostcheck/journal", &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0], "a.log");
	v = rthc_strv_free(v);
	assert_int_equal(rthc_host_read_str(h, "/var/lib/rthostcheck/journal/a.log", &str), 0);
	assert_string_equal(str, "v2");
	free(str);
	assert_int_equal(rthc_host_replace_file(h, "/nodir/x", "x", 1, 0644), -ENOENT);
	assert_int_equal(rthc_host_replace_file(h, "/var/..", "x", 1, 0644), -EINVAL);
	/* unlink */
	assert_int_equal(rthc_host_unlink(h, "/var/lib/rthostcheck/journal/a.log"), 0);
	assert_int_equal(rthc_host_exists(h, "/var/lib/rthostcheck/journal/a.log"), 0);
	assert_int_equal(rthc_host_read_str(h, "/var/lib/rthostcheck/journal/a.log", &str),
			 -ENOENT);
	assert_int_equal(rthc_host_unlink(h, "/var/lib/rthostcheck/journal/a.log"), -ENOENT);
	assert_int_equal(rthc_host_list_dir(h, "/var/lib/rthostcheck/journal", &v, &n), 0);
	assert_int_equal(n, 0);
	v = rthc_strv_free(v);
	/* open */
	fd = rthc_host_open(h, "/var/lib/rthostcheck/lock", O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(rthc_host_exists(h, "/var/lib/rthostcheck/lock"), 1);
	/* a file where a directory is needed */
	assert_int_equal(rthc_host_mkdir_p(h, "/sys/num/sub", 0755), -ENOTDIR);
}

static void test_inject_write(void **state)
{
	struct tree *t = *state;
	struct rthc_host *h = host(t);
	char *str = NULL;

	assert_int_equal(rthc_host_inject_error(h, "/sys/num", RTHC_HOST_OP_WRITE, -EROFS), 0);
	assert_int_equal(rthc_host_write_str(h, "/sys/num", "1"), -EROFS);
	assert_int_equal(rthc_host_replace_file(h, "/sys/num", "1", 1, 0644), -EROFS);
	assert_int_equal(rthc_host_unlink(h, "/sys/num"), -EROFS);
	assert_int_equal(rthc_host_open(h, "/sys/num", O_WRONLY, 0), -EROFS);
	read_back(t->dir, "/sys/num", "42\n"); /* untouched */
	assert_int_equal(rthc_host_read_str(h, "/sys/num", &str), 0);
	assert_string_equal(str, "42");
	free(str);
	{
		int fd = rthc_host_open(h, "/sys/num", O_RDONLY, 0); /* reads still work */

		assert_true(fd >= 0);
		close(fd);
	}
	assert_int_equal(rthc_host_inject_error(h, "/new/dir", RTHC_HOST_OP_WRITE, -ENOSPC), 0);
	assert_int_equal(rthc_host_mkdir_p(h, "/new/dir", 0755), -ENOSPC);
	assert_int_equal(rthc_host_is_dir(h, "/new"), 0);
}

static void test_read_gz(void **state)
{
	struct tree *t = *state;
	char path[PATH_MAX], *data = NULL;
	size_t len;
	gzFile gz;

	snprintf(path, sizeof(path), "%s/proc/config.gz", t->dir);
	gz = gzopen(path, "wb");
	assert_non_null(gz);
	gzputs(gz, "CONFIG_PREEMPT_RT=y\nCONFIG_NO_HZ_FULL=y\n");
	gzclose(gz);
	assert_int_equal(rthc_host_read_gz(host(t), "/proc/config.gz", &data, &len), 0);
	assert_int_equal(len, strlen("CONFIG_PREEMPT_RT=y\nCONFIG_NO_HZ_FULL=y\n"));
	assert_string_equal(data, "CONFIG_PREEMPT_RT=y\nCONFIG_NO_HZ_FULL=y\n");
	free(data);
	assert_int_equal(rthc_host_read_gz(host(t), "/proc/nope.gz", &data, &len), -ENOENT);
}

/*
 * The path table: thousands of paths (table growth, entry and data chunks), contents of every
 * size class, paths spelled oddly (each its own entry, logged as spelled), too deep and too long.
 */
static void test_path_table(void **state)
{
	struct tree *t = *state;
	const struct rthc_host_log_entry *log;
	char path[PATH_MAX + 16], big[5000], mid[300], *str = NULL;
	const char *ref;
	size_t len, n, deep = 0;
	struct rthc_host *h;
	uint64_t u;

	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memset(mid, 'm', sizeof(mid) - 1);
	mid[sizeof(mid) - 1] = '\0';
	write_file(t->dir, "/sys/big", big);
	write_file(t->dir, "/sys/mid", mid);
	for (unsigned i = 0; i < 2500; i++) {
		snprintf(path, sizeof(path), "/d/cpu%u/v", i);
		snprintf(mid, 16, "%u\n", i);
		write_file(t->dir, path, mid);
	}
	h = host(t);
	for (int round = 0; round < 2; round++)
		for (unsigned i = 0; i < 2500; i++) {
			assert_int_equal(rthc_host_read_u64f(h, &u, "/d/cpu%u/v", i), 0);
			assert_int_equal(u, i);
			assert_int_equal(rthc_host_read_u64f(h, &u, "/d/cpu%u/gone/x", i), -ENOENT);
		}
	assert_int_equal(rthc_host_read_ref(h, "/sys/big", &ref, &len), 0);
	assert_int_equal(len, sizeof(big) - 1);
	assert_int_equal(strspn(ref, "b"), sizeof(big) - 1);
	assert_int_equal(rthc_host_read_ref(h, "/sys/mid", &ref, &len), 0);
	assert_int_equal(len, sizeof(mid) - 1);
	assert_int_equal(strspn(ref, "m"), sizeof(mid) - 1);
	/* spellings are not normalized: each is a path of its own, read and logged as written */
	assert_int_equal(rthc_host_read_str(h, "/sys//num", &str), 0);
	assert_string_equal(str, "42");
	free(str);
	assert_int_equal(rthc_host_read_str(h, "sys/num", &str), 0);
	free(str);
	assert_int_equal(rthc_host_read_str(h, "/sys/num/", &str), -ENOTDIR);
	assert_int_equal(rthc_host_read_str(h, "/", &str), -EISDIR);
	for (size_t i = 0; i < 100; i++)
		deep += (size_t)snprintf(path + deep, sizeof(path) - deep, "/a");
	assert_int_equal(rthc_host_read_str(h, path, &str), -ENOENT);
	assert_int_equal(rthc_host_read_str(h, path, &str), -ENOENT);
	assert_int_equal(log_find(h, path)->opens, 1);
	memset(path, 'x', PATH_MAX);
	path[0] = '/';
	path[PATH_MAX] = '\0';
	assert_int_equal(rthc_host_read_str(h, path, &str), -ENAMETOOLONG);
	n = rthc_host_log(h, &log);
	assert_int_equal(n, 2 * 2500 + 2 + 5); /* the long path was not opened */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(log[i].opens, 1);
	assert_string_equal(log[0].path, "/d/cpu0/v");
	assert_string_equal(log[1].path, "/d/cpu0/gone/x");
	assert_int_equal(log[1].err, -ENOENT);
	assert_string_equal(log[2 * 2499].path, "/d/cpu2499/v");
	assert_string_equal(log[5002].path, "/sys//num");
	assert_string_equal(log[5003].path, "sys/num");
	assert_string_equal(log[5004].path, "/sys/num/");
	assert_string_equal(log[5005].path, "/");
	assert_int_equal(log[5005].err, -EISDIR);
	assert_int_equal(strlen(log[5006].path), 200);
}

/* Cached bytes handed out by read_ref() and the log's paths outlive later reads and writes. */
static void test_stable_refs(void **state)
{
	struct tree *t = *state;
	struct rthc_host *h = host(t);
	const struct rthc_host_log_entry *log;
	const char *ref, *now, *first;
	size_t len;

	assert_int_equal(rthc_host_read_ref(h, "/sys/num", &ref, &len), 0);
	assert_int_equal(len, 3);
	assert_string_equal(ref, "42\n");
	assert_int_equal(rthc_host_log(h, &log), 1);
	first = log[0].path;
	assert_int_equal(rthc_host_write_str(h, "/sys/num", "7"), 0);
	assert_int_equal(rthc_host_read_ref(h, "/sys/num", &now, NULL), 0);
	assert_string_equal(now, "7");
	assert_string_equal(ref, "42\n");
	assert_int_equal(rthc_host_read_ref(h, "/sys/list", &now, NULL), 0);
	assert_int_equal(rthc_host_log(h, &log), 2);
	assert_ptr_equal(log[0].path, first);
	assert_string_equal(first, "/sys/num");
	assert_int_equal(log[0].opens, 2);
	assert_int_equal(rthc_host_read_ref(h, "/sys/nope", &now, NULL), -ENOENT);
	/* the count of opens is exact past what an entry holds */
	for (int i = 0; i < 300; i++) {
		struct lines l = {0};

		assert_int_equal(rthc_host_foreach_line(h, "/proc/cmdline", count_line, &l), 0);
	}
	assert_int_equal(log_find(h, "/proc/cmdline")->opens, 300);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_new),
		T(test_cache_and_log),
		T(test_typed_errors),
		T(test_binary_content),
		T(test_list_dir),
		T(test_foreach_line),
		T(test_symlink_containment),
		T(test_inject_read),
		T(test_writes),
		T(test_inject_write),
		T(test_read_gz),
		T(test_path_table),
		T(test_stable_refs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
