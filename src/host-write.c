/* The host accessor: writes (for the apply layer) and fault injection (for tests). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host-internal.h"
#include "macro.h"

static void drop_parent_listing(struct rthc_host *h, const char *path);

int rthc_host_open(struct rthc_host *h, const char *path, int flags, mode_t mode)
{
	struct entry *e = rthc_host_entry(h, path, false);
	int fd;

	if (e && e->inject_err && (e->inject_ops & ((flags & O_ACCMODE) == O_RDONLY ? RTHC_HOST_OP_READ
										  : RTHC_HOST_OP_WRITE)))
		return e->inject_err;
	if (flags & O_CREAT)
		drop_parent_listing(h, path); /* a new file must show in the next listing */
	fd = rthc_host_openat(h, path, flags, mode);
	if (fd >= 0 && (flags & O_ACCMODE) == O_RDONLY && !(flags & (O_DIRECTORY | O_PATH)))
		rthc_host_log_touch(h, path);
	return fd;
}

void rthc_host_drop_cache(struct rthc_host *h, const char *path)
{
	struct entry *e = rthc_host_entry(h, path, false);

	if (!e)
		return;
	free(e->data);
	e->data = NULL;
	e->len = 0;
	e->cached = false;
	e->cache_err = 0;
	free(e->names);
	e->names = NULL;
	e->nnames = 0;
	e->dcached = false;
	e->dcache_err = 0;
}

static int injected_write(struct rthc_host *h, const char *path)
{
	struct entry *e = rthc_host_entry(h, path, false);

	return e && e->inject_err && (e->inject_ops & RTHC_HOST_OP_WRITE) ? e->inject_err : 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t k = write(fd, data, len);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		data += k;
		len -= (size_t)k;
	}
	return 0;
}

int rthc_host_write_str(struct rthc_host *h, const char *path, const char *value)
{
	int fd, r;

	rthc_host_drop_cache(h, path);
	r = injected_write(h, path);
	if (r < 0)
		return r;
	/* O_TRUNC is ignored by sysfs/procfs and needed for a regular file in a tree copy. */
	fd = rthc_host_openat(h, path, O_WRONLY | O_TRUNC | O_NOCTTY, 0);
	if (fd < 0)
		return fd;
	r = write_all(fd, value, strlen(value));
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

static int split_dir(const char *path, char dir[static PATH_MAX], const char **base)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (!slash) {
		strcpy(dir, ".");
		*base = path;
	} else {
		n = (size_t)(slash - path);
		if (n >= PATH_MAX)
			return -ENAMETOOLONG;
		memcpy(dir, path, n);
		dir[n] = '\0';
		if (n == 0)
			strcpy(dir, "/");
		*base = slash + 1;
	}
	if (!**base || streq(*base, ".") || streq(*base, ".."))
		return -EINVAL;
	return 0;
}

/*
 * The directory that holds path, opened inside the root (so that a symlink in a tree cannot lead
 * a write outside it), and the last component. The listing cache of that directory is dropped.
 */
static int open_parent(struct rthc_host *h, const char *path, char dir[static PATH_MAX],
		       const char **base)
{
	int r = split_dir(path, dir, base);

	if (r < 0)
		return r;
	drop_parent_listing(h, path);
	return rthc_host_openat(h, dir, O_RDONLY | O_DIRECTORY, 0);
}

static void drop_parent_listing(struct rthc_host *h, const char *path)
{
	char dir[PATH_MAX];
	const char *base;
	struct entry *e;

	if (split_dir(path, dir, &base) < 0)
		return;
	e = rthc_host_entry(h, dir, false);
	if (e && e->dcached) {
		free(e->names);
		e->names = NULL;
		e->nnames = 0;
		e->dcached = false;
	}
}

/* The common start of a change to path: cache dropped, injected error, parent opened. */
static int begin_change(struct rthc_host *h, const char *path, char dir[static PATH_MAX],
			const char **base)
{
	int r;

	rthc_host_drop_cache(h, path);
	r = injected_write(h, path);
	return r < 0 ? r : open_parent(h, path, dir, base);
}

int rthc_host_replace_file(struct rthc_host *h, const char *path, const char *data, size_t len,
			   mode_t mode)
{
	char dir[PATH_MAX], tmp[NAME_MAX + 1];
	const char *base;
	int fd, dfd, r;

	dfd = begin_change(h, path, dir, &base);
	if (dfd < 0)
		return dfd;
	if (snprintf(tmp, sizeof(tmp), ".%s.rthc-%ld", base, (long)getpid()) >= (int)sizeof(tmp)) {
		close(dfd);
		return -ENAMETOOLONG;
	}
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0) {
		r = -errno;
		close(dfd);
		return r;
	}
	r = write_all(fd, data, len);
	if (r == 0 && fchmod(fd, mode) < 0)
		r = -errno;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dfd, tmp, dfd, base) < 0)
		r = -errno;
	if (r < 0)
		(void)unlinkat(dfd, tmp, 0);
	else
		(void)fsync(dfd);
	close(dfd);
	return r;
}

int rthc_host_unlink(struct rthc_host *h, const char *path)
{
	char dir[PATH_MAX];
	const char *base;
	int dfd, r;

	dfd = begin_change(h, path, dir, &base);
	if (dfd < 0)
		return dfd;
	r = unlinkat(dfd, base, 0) < 0 ? -errno : 0;
	close(dfd);
	return r;
}

int rthc_host_rmdir(struct rthc_host *h, const char *path)
{
	char dir[PATH_MAX];
	const char *base;
	int dfd, r;

	dfd = begin_change(h, path, dir, &base);
	if (dfd < 0)
		return dfd;
	r = unlinkat(dfd, base, AT_REMOVEDIR) < 0 ? -errno : 0;
	close(dfd);
	return r;
}

int rthc_host_mkdir_p(struct rthc_host *h, const char *path, mode_t mode)
{
	char buf[PATH_MAX], dir[PATH_MAX];
	size_t n = strlen(path);
	int r = injected_write(h, path);

	if (r < 0)
		return r;
	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			const char *base;
			char save = *p;
			int dfd;

			*p = '\0';
			dfd = p[-1] == '/' ? -EINVAL : open_parent(h, buf, dir, &base);
			if (dfd >= 0) {
				if (mkdirat(dfd, base, mode) < 0 && errno != EEXIST)
					r = -errno;
				close(dfd);
			} else if (dfd != -EINVAL) { /* "//" or "." names no new directory */
				r = dfd;
			}
			if (r < 0)
				return r;
			*p = save;
			if (!save)
				break;
		}
	}
	return 0;
}

int rthc_host_inject_error(struct rthc_host *h, const char *path, unsigned ops, int err)
{
	struct entry *e = rthc_host_entry(h, path, true);

	if (!e)
		return -ENOMEM;
	e->inject_ops = ops;
	e->inject_err = err;
	if (ops & RTHC_HOST_OP_READ)
		rthc_host_drop_cache(h, path);
	return 0;
}
