/*
 * The host accessor: the only code that touches the target's files. It opens the root ("/" or
 * --root DIR) once and resolves every path relative to it (openat2 RESOLVE_IN_ROOT where the
 * kernel has it, so absolute symlinks inside a snapshot stay inside it). Whole-file reads are
 * cached, so a file is opened at most once per run however many checks ask for it; every open is
 * logged (for tests and --snapshot). Paths are written as on the target host ("/proc/cmdline").
 *
 * Errors are negative errnos: -ENOENT (missing), -EACCES, -EIO, -ENODATA (empty where a value is
 * needed), -EINVAL (garbage), -ERANGE (out of range).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "macro.h"

struct rthc_cpuset;
struct rthc_host;

/* root NULL or "/" audits the running system (live). */
int rthc_host_new(const char *root, struct rthc_host **ret) _must_check_;
struct rthc_host *rthc_host_free(struct rthc_host *h);
bool rthc_host_is_live(const struct rthc_host *h);
/* The root as given ("/" when live). */
const char *rthc_host_root(const struct rthc_host *h);

/* Whole file, NUL-terminated, malloc'd copy in *ret; *len (optional) excludes the NUL. */
int rthc_host_read_file(struct rthc_host *h, const char *path, char **ret, size_t *len) _must_check_;
/*
 * Whole file from the cache without a copy: *ret (NUL-terminated; *len, optional, excludes the
 * NUL) stays valid until rthc_host_free(), even after a write to the path drops its cache.
 */
int rthc_host_read_ref(struct rthc_host *h, const char *path, const char **ret,
		       size_t *len) _must_check_;
/* Whole file with trailing white space (the kernel's newline) removed. May be "". */
int rthc_host_read_str(struct rthc_host *h, const char *path, char **ret) _must_check_;
int rthc_host_read_strf(struct rthc_host *h, char **ret, const char *fmt, ...) _printf_format_(3, 4) _must_check_;
/* A decimal integer (leading/trailing white space allowed); -ENODATA if empty, -EINVAL if not a number. */
int rthc_host_read_s64(struct rthc_host *h, const char *path, int64_t *ret) _must_check_;
int rthc_host_read_s64f(struct rthc_host *h, int64_t *ret, const char *fmt, ...) _printf_format_(3, 4) _must_check_;
int rthc_host_read_u64(struct rthc_host *h, const char *path, uint64_t *ret) _must_check_;
int rthc_host_read_u64f(struct rthc_host *h, uint64_t *ret, const char *fmt, ...) _printf_format_(3, 4) _must_check_;
/* A cpulist file; "" and "(null)" give the empty set. nbits as in rthc_cpuset_parse_list(). */
int rthc_host_read_cpulist(struct rthc_host *h, const char *path, unsigned nbits, struct rthc_cpuset *set) _must_check_;
/* A hex mask file (smp_affinity, cpumap, thread_siblings). */
int rthc_host_read_cpumask(struct rthc_host *h, const char *path, struct rthc_cpuset *set) _must_check_;
/* 1 if the path exists (without following a final symlink), 0 if not, or a negative errno. */
int rthc_host_exists(struct rthc_host *h, const char *path);
int rthc_host_existsf(struct rthc_host *h, const char *fmt, ...) _printf_format_(2, 3);
/* 1 if a directory (following symlinks inside the root), 0 if not or missing. */
int rthc_host_is_dir(struct rthc_host *h, const char *path);
int rthc_host_readlink(struct rthc_host *h, const char *path, char **ret) _must_check_;
/* lstat() of a path inside the root (the final component is not followed); not logged. */
struct stat;
int rthc_host_lstat(struct rthc_host *h, const char *path, struct stat *st) _must_check_;
/*
 * Entries of a directory (without "." and ".."), sorted with a version sort so that cpu2 comes
 * before cpu10. *names is a malloc'd NULL-terminated array of malloc'd strings: free with
 * rthc_strv_free().
 */
int rthc_host_list_dir(struct rthc_host *h, const char *path, char ***names, size_t *n) _must_check_;
char **rthc_strv_free(char **v);

/*
 * Stream a file line by line without caching it (for large files such as /proc/interrupts).
 * cb gets each line without its newline; a negative return stops the walk and is returned.
 */
int rthc_host_foreach_line(struct rthc_host *h, const char *path,
			   int (*cb)(const char *line, size_t len, void *userdata), void *userdata) _must_check_;
/* A gzip-compressed file (/proc/config.gz), decompressed, NUL-terminated. */
int rthc_host_read_gz(struct rthc_host *h, const char *path, char **ret, size_t *len) _must_check_;

/* The read log: every path opened or found, in order of first use. */
struct rthc_host_log_entry {
	const char *path; /* as on the target host */
	unsigned opens;   /* number of open() calls on it this run */
	int err;          /* result of the last open: 0 or a negative errno */
	bool dir;         /* listed as a directory */
	bool touched;     /* found by exists/is_dir/readlink, whether or not it was opened */
};
size_t rthc_host_log(const struct rthc_host *h, const struct rthc_host_log_entry **entries);

/* Writes: only the apply layer calls these. The cache entry of the path is dropped. */
int rthc_host_write_str(struct rthc_host *h, const char *path, const char *value) _must_check_;
/* Create or replace a regular file atomically (temp file in the same directory, fsync, rename). */
int rthc_host_replace_file(struct rthc_host *h, const char *path, const char *data, size_t len,
			   mode_t mode) _must_check_;
int rthc_host_unlink(struct rthc_host *h, const char *path) _must_check_;
/* Remove an empty directory. */
int rthc_host_rmdir(struct rthc_host *h, const char *path) _must_check_;
int rthc_host_mkdir_p(struct rthc_host *h, const char *path, mode_t mode) _must_check_;
/* An fd for the path, opened with flags (relative to the root), for the journal and locks. */
int rthc_host_open(struct rthc_host *h, const char *path, int flags, mode_t mode) _must_check_;

/* Test-only: make operations on path fail with err (negative errno). op: */
enum {
	RTHC_HOST_OP_READ = 1u << 0,
	RTHC_HOST_OP_WRITE = 1u << 1,
};
int rthc_host_inject_error(struct rthc_host *h, const char *path, unsigned ops, int err) _must_check_;
