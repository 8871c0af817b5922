/*
 * The host accessor: the read log, probes (exists, is_dir, readlink: logged when found), writes
 * (for the apply layer) and fault injection (for tests).
 */
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

#define PATHBUF_SIZE 65536u

/* --- the read log --- */

/*
 * The order of first use is kept as the differences of successive entry indices, zigzag varints:
 * paths are mostly used in the order their entries were created, so most take one byte.
 */
static void log_append(struct rthc_host *h, uint32_t i)
{
	const struct entry *e = rthc_host_ent(h, i);
	int64_t d = (int64_t)i - h->order_last;
	uint64_t z = d < 0 ? ((uint64_t)-d << 1) - 1 : (uint64_t)d << 1;

	if (e->flags & (ENT_OPENED | ENT_TOUCHED))
		return;
	if (h->order_len + 10 > h->order_cap) {
		size_t nc = h->order_cap ? h->order_cap + h->order_cap / 2 : 4096;
		uint8_t *n = realloc(h->order, nc);

		if (!n)
			return; /* the log is best effort; the read itself succeeded */
		h->order = n;
		h->order_cap = nc;
	}
	for (; z >= 0x80; z >>= 7)
		h->order[h->order_len++] = (uint8_t)(z | 0x80);
	h->order[h->order_len++] = (uint8_t)z;
	h->order_last = i;
	h->norder++;
}

void rthc_host_log_open(struct rthc_host *h, uint32_t i, int err, bool dir)
{
	struct entry *e = rthc_host_ent(h, i);

	log_append(h, i);
	if (!(e->flags & ENT_OPENED)) {
		e->flags |= ENT_OPENED;
	} else {
		size_t k;

		for (k = 0; k < h->nmore && h->more[k].ent != i; k++)
			;
		if (k == h->nmore) {
			struct more_opens *v = realloc(h->more, (k + 1) * sizeof(*v));

			if (!v)
				return; /* the count is best effort, as the rest of the log */
			h->more = v;
			h->more[h->nmore++] = (struct more_opens){i, 0};
		}
		h->more[k].n++;
	}
	e->err = err < 0 && err > -256 ? (uint32_t)-err : err < 0 ? EIO : 0;
	e->flags = (e->flags & ~ENT_DIR) | (dir ? ENT_DIR : 0);
}

/*
 * Record a path that was looked at without being opened for reading (exists, is_dir, readlink)
 * and found: --snapshot must reproduce it. It does not count as an open.
 */
void rthc_host_log_touch(struct rthc_host *h, const char *path)
{
	uint32_t i = rthc_host_entry(h, path, true);

	if (!i)
		return; /* best effort, as the rest of the log */
	log_append(h, i);
	rthc_host_ent(h, i)->flags |= ENT_TOUCHED;
}

/* The path of entry i, in storage that lives as long as h. */
static const char *path_string(struct rthc_host *h, uint32_t i)
{
	size_t len = 0;
	char *s, *end;

	for (uint32_t k = i; k; k = rthc_host_ent(h, k)->parent)
		len += strlen(h->names + rthc_host_ent(h, k)->name) + 1;
	if (!h->npathbufs || h->pathbuf_used + len > PATHBUF_SIZE) {
		char **v = realloc(h->pathbufs, (h->npathbufs + 1) * sizeof(*v));

		if (!v)
			return NULL;
		h->pathbufs = v;
		v[h->npathbufs] = malloc(len > PATHBUF_SIZE ? len : PATHBUF_SIZE);
		if (!v[h->npathbufs])
			return NULL;
		h->npathbufs++;
		h->pathbuf_used = 0;
	}
	s = h->pathbufs[h->npathbufs - 1] + h->pathbuf_used;
	h->pathbuf_used += len;
	end = s + len - 1;
	*end = '\0';
	for (uint32_t k = i; k; k = rthc_host_ent(h, k)->parent) {
		const char *name = h->names + rthc_host_ent(h, k)->name;
		size_t n = strlen(name);

		end -= n;
		memcpy(end, name, n);
		if (end > s)
			*--end = '/';
	}
	return s;
}

size_t rthc_host_log(const struct rthc_host *hc, const struct rthc_host_log_entry **entries)
{
	struct rthc_host *h = (struct rthc_host *)hc; /* the log view is rebuilt lazily */
	struct rthc_host_log_entry *log;
	uint32_t idx = 0;

	*entries = NULL;
	log = realloc(h->log, (h->norder ? h->norder : 1) * sizeof(*log));
	if (!log)
		return 0;
	h->log = log;
	for (size_t i = 0, pos = 0; i < h->norder; i++) {
		const struct entry *e;
		uint64_t z = 0;

		for (unsigned shift = 0;; shift += 7) {
			z |= (uint64_t)(h->order[pos] & 0x7f) << shift;
			if (!(h->order[pos++] & 0x80))
				break;
		}
		idx = (uint32_t)(idx + (z & 1 ? -(int64_t)((z + 1) >> 1) : (int64_t)(z >> 1)));
		e = rthc_host_ent(h, idx);
		/* Paths handed out before stay valid: only the new ones are spelled out. */
		if (i == h->nlog) {
			log[i].path = path_string(h, idx);
			if (!log[i].path)
				return 0;
			h->nlog++;
		}
		log[i].opens = e->flags & ENT_OPENED ? 1 : 0;
		for (size_t k = 0; k < h->nmore; k++)
			if (h->more[k].ent == idx)
				log[i].opens += h->more[k].n;
		log[i].err = -(int)e->err;
		log[i].dir = e->flags & ENT_DIR;
		log[i].touched = e->flags & ENT_TOUCHED;
	}
	*entries = log;
	return h->norder;
}

/* --- probes --- */

int rthc_host_exists(struct rthc_host *h, const char *path)
{
	uint32_t i = rthc_host_entry(h, path, false);
	int fd;

	if (i) {
		const struct entry *e = rthc_host_ent(h, i);
		int r = rthc_host_injected(h, i, RTHC_HOST_OP_READ);

		if (e->flags & ENT_CACHED) {
			r = rthc_host_cache_err(e);
			return r == -ENOENT || r == -ENOTDIR ? 0 : 1;
		}
		if (r < 0)
			return r == -ENOENT ? 0 : r;
	}
	fd = rthc_host_openat(h, path, O_PATH | O_NOFOLLOW, 0);
	if (fd >= 0) {
		close(fd);
		rthc_host_log_touch(h, path);
		return 1;
	}
	return fd == -ENOENT || fd == -ENOTDIR ? 0 : fd;
}

int rthc_host_is_dir(struct rthc_host *h, const char *path)
{
	int fd = rthc_host_openat(h, path, O_PATH | O_DIRECTORY, 0);

	if (fd < 0)
		return 0;
	close(fd);
	rthc_host_log_touch(h, path);
	return 1;
}

int rthc_host_lstat(struct rthc_host *h, const char *path, struct stat *st)
{
	int fd = rthc_host_openat(h, path, O_PATH | O_NOFOLLOW, 0), r = 0;

	if (fd < 0)
		return fd;
	if (fstat(fd, st) < 0)
		r = -errno;
	close(fd);
	return r;
}

int rthc_host_readlink(struct rthc_host *h, const char *path, char **ret)
{
	char buf[PATH_MAX];
	ssize_t n;
	int fd = rthc_host_openat(h, path, O_PATH | O_NOFOLLOW, 0);

	if (fd < 0)
		return fd;
	n = readlinkat(fd, "", buf, sizeof(buf) - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	rthc_host_log_touch(h, path);
	*ret = strdup(buf);
	return *ret ? 0 : -ENOMEM;
}

/* --- writes --- */

static void drop_parent_listing(struct rthc_host *h, const char *path);

int rthc_host_open(struct rthc_host *h, const char *path, int flags, mode_t mode)
{
	uint32_t i = rthc_host_entry(h, path, false);
	int fd = i ? rthc_host_injected(h, i, (flags & O_ACCMODE) == O_RDONLY ? RTHC_HOST_OP_READ
									     : RTHC_HOST_OP_WRITE)
		   : 0;

	if (fd < 0)
		return fd;
	if (flags & O_CREAT)
		drop_parent_listing(h, path); /* a new file must show in the next listing */
	fd = rthc_host_openat(h, path, flags, mode);
	if (fd >= 0 && (flags & O_ACCMODE) == O_RDONLY && !(flags & (O_DIRECTORY | O_PATH)))
		rthc_host_log_touch(h, path);
	return fd;
}

void rthc_host_drop_cache(struct rthc_host *h, const char *path)
{
	uint32_t i = rthc_host_entry(h, path, false);
	struct entry *e;

	if (!i)
		return;
	e = rthc_host_ent(h, i);
	/* The bytes stay where they are: rthc_host_read_ref() promised them until the end. */
	e->flags &= (uint8_t)~(ENT_CACHED | ENT_BIG | ENT_CACHE_ERR);
	e->data = 0;
	rthc_host_drop_listing(h, i);
}

static int injected_write(struct rthc_host *h, const char *path)
{
	uint32_t i = rthc_host_entry(h, path, false);

	return i ? rthc_host_injected(h, i, RTHC_HOST_OP_WRITE) : 0;
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
	uint32_t i;

	if (split_dir(path, dir, &base) < 0)
		return;
	i = rthc_host_entry(h, dir, false);
	if (i)
		rthc_host_drop_listing(h, i);
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

int rthc_host_injected(const struct rthc_host *h, uint32_t i, unsigned ops)
{
	if (!(rthc_host_ent(h, i)->flags & ENT_INJECT))
		return 0;
	for (size_t k = 0; k < h->ninjects; k++)
		if (h->injects[k].ent == i)
			return (h->injects[k].ops & ops) ? h->injects[k].err : 0;
	return 0;
}

int rthc_host_inject_error(struct rthc_host *h, const char *path, unsigned ops, int err)
{
	uint32_t i = rthc_host_entry(h, path, true);
	struct inject *v;
	size_t k;

	if (!i)
		return -ENOMEM;
	for (k = 0; k < h->ninjects && h->injects[k].ent != i; k++)
		;
	if (k == h->ninjects) {
		v = realloc(h->injects, (h->ninjects + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		h->injects = v;
		h->ninjects++;
	}
	h->injects[k] = (struct inject){.ent = i, .ops = ops, .err = err};
	rthc_host_ent(h, i)->flags |= ENT_INJECT;
	if (ops & RTHC_HOST_OP_READ)
		rthc_host_drop_cache(h, path);
	return 0;
}
