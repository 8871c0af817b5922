/* The host accessor (see host.h). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "cpuset.h"
#include "host-internal.h"
#include "host.h"
#include "strbuf.h"

static uint64_t hash(const char *s)
{
	uint64_t h = UINT64_C(1469598103934665603);

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
	return h;
}

static int rehash(struct rthc_host *h)
{
	size_t ncap = h->cap ? h->cap * 2 : 1024;
	uint32_t *nt = calloc(ncap, sizeof(*nt));

	if (!nt)
		return -ENOMEM;
	for (size_t k = 0; k < h->nents; k++) {
		size_t j = hash(h->ents[k].path) & (ncap - 1);

		while (nt[j])
			j = (j + 1) & (ncap - 1);
		nt[j] = (uint32_t)(k + 1);
	}
	free(h->idx);
	h->idx = nt;
	h->cap = ncap;
	return 0;
}

/*
 * Find the entry for path, creating it if create. The pointer stays valid until the next
 * creation (the dense array may grow).
 */
struct entry *rthc_host_entry(struct rthc_host *h, const char *path, bool create)
{
	struct entry *e;
	size_t i;

	if (h->cap) {
		i = hash(path) & (h->cap - 1);
		while (h->idx[i]) {
			e = &h->ents[h->idx[i] - 1];
			if (streq(e->path, path))
				return e;
			i = (i + 1) & (h->cap - 1);
		}
	}
	if (!create)
		return NULL;
	if (h->nents >= UINT32_MAX - 1)
		return NULL;
	if ((h->nents + 1) * 10 > h->cap * 7 && rehash(h) < 0)
		return NULL;
	if (h->nents == h->ents_cap) {
		size_t nc = h->ents_cap ? h->ents_cap + h->ents_cap / 2 : 256;
		struct entry *n = realloc(h->ents, nc * sizeof(*n));

		if (!n)
			return NULL;
		h->ents = n;
		h->ents_cap = nc;
	}
	e = &h->ents[h->nents];
	memset(e, 0, sizeof(*e));
	e->path = strdup(path);
	if (!e->path)
		return NULL;
	i = hash(path) & (h->cap - 1);
	while (h->idx[i])
		i = (i + 1) & (h->cap - 1);
	h->idx[i] = (uint32_t)(++h->nents);
	return e;
}

static void log_append(struct rthc_host *h, struct entry *e)
{
	if (e->opens == 0 && !e->touched) {
		if (h->norder == h->order_cap) {
			size_t nc = h->order_cap ? h->order_cap + h->order_cap / 2 : 256;
			uint32_t *n = realloc(h->order_idx, nc * sizeof(*n));

			if (!n)
				return; /* the log is best effort; the read itself succeeded */
			h->order_idx = n;
			h->order_cap = nc;
		}
		h->order_idx[h->norder++] = (uint32_t)(e - h->ents);
	}
}

void rthc_host_log_open(struct rthc_host *h, struct entry *e, int err, bool dir)
{
	log_append(h, e);
	e->opens++;
	e->err = err;
	e->dir = dir;
}

/*
 * Record a path that was looked at without being opened for reading (exists, is_dir, readlink)
 * and found: --snapshot must reproduce it. It does not count as an open.
 */
void rthc_host_log_touch(struct rthc_host *h, const char *path)
{
	struct entry *e = rthc_host_entry(h, path, true);

	if (!e)
		return; /* best effort, as the rest of the log */
	log_append(h, e);
	e->touched = true;
}

int rthc_host_new(const char *root, struct rthc_host **ret)
{
	struct rthc_host *h;
	struct stat st;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->live = !root || streq(root, "/");
	h->root = strdup(root ? root : "/");
	if (!h->root) {
		free(h);
		return -ENOMEM;
	}
	h->rootfd = open(h->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (h->rootfd < 0) {
		int r = -errno;

		if (r == -ENOTDIR || (stat(h->root, &st) == 0 && !S_ISDIR(st.st_mode)))
			r = -ENOTDIR;
		rthc_host_free(h);
		return r;
	}
	h->have_openat2 = !h->live;
	*ret = h;
	return 0;
}

struct rthc_host *rthc_host_free(struct rthc_host *h)
{
	if (!h)
		return NULL;
	for (size_t i = 0; i < h->nents; i++) {
		free(h->ents[i].path);
		free(h->ents[i].data);
		free(h->ents[i].names);
	}
	free(h->ents);
	free(h->idx);
	free(h->order_idx);
	free(h->log);
	if (h->rootfd >= 0)
		close(h->rootfd);
	free(h->root);
	free(h);
	return NULL;
}

bool rthc_host_is_live(const struct rthc_host *h)
{
	return h->live;
}

const char *rthc_host_root(const struct rthc_host *h)
{
	return h->root;
}

const char *rthc_host_relpath(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

/* openat() relative to the root, confined to it when auditing a tree. */
int rthc_host_openat(struct rthc_host *h, const char *path, int flags, mode_t mode)
{
	int fd;

	if (h->have_openat2) {
		struct open_how how = {
			.flags = (uint64_t)flags | O_CLOEXEC,
			.mode = (flags & O_CREAT) ? mode : 0,
			.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
		};

		fd = (int)syscall(SYS_openat2, h->rootfd, rthc_host_relpath(path), &how,
				  sizeof(how));
		if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
			return fd < 0 ? -errno : fd;
		h->have_openat2 = false; /* old kernel or seccomp: plain openat() */
	}
	fd = openat(h->rootfd, rthc_host_relpath(path), flags | O_CLOEXEC, mode);
	return fd < 0 ? -errno : fd;
}

/*
 * Read a whole file. Most sysfs/procfs files are a few bytes: they are read into a stack buffer
 * and kept in an allocation of their exact size (a cache of tens of thousands of files must not
 * cost a page each); larger files grow on the heap.
 */
static int read_fd(int fd, char **ret, size_t *len)
{
	char stackbuf[4096];
	size_t cap = 0, n = 0;
	char *buf = NULL;

	for (;;) {
		char *dst = buf ? buf + n : stackbuf + n;
		size_t room = buf ? cap - n - 1 : sizeof(stackbuf) - n - 1;
		ssize_t k;

		if (room == 0) {
			size_t ncap = buf ? cap * 2 : sizeof(stackbuf) * 4;
			char *nb = realloc(buf, ncap);

			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			if (!buf)
				memcpy(nb, stackbuf, n);
			buf = nb;
			cap = ncap;
			continue;
		}
		k = read(fd, dst, room);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			k = -errno;
			free(buf);
			return (int)k;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	if (!buf) {
		buf = malloc(n + 1);
		if (!buf)
			return -ENOMEM;
		memcpy(buf, stackbuf, n);
	} else if (cap > n + 1) {
		char *nb = realloc(buf, n + 1);

		if (nb)
			buf = nb;
	}
	buf[n] = '\0';
	*ret = buf;
	*len = n;
	return 0;
}

static int fill_cache(struct rthc_host *h, struct entry *e)
{
	int fd, r;

	if (e->inject_err && (e->inject_ops & RTHC_HOST_OP_READ)) {
		r = e->inject_err;
		rthc_host_log_open(h, e, r, false);
		return r;
	}
	fd = rthc_host_openat(h, e->path, O_RDONLY | O_NOCTTY, 0);
	if (fd < 0) {
		r = fd;
	} else {
		/* A directory gives -EISDIR from read(): no fstat() needed. */
		size_t len = 0;

		r = read_fd(fd, &e->data, &len);
		if (r == 0 && len >= UINT32_MAX) {
			free(e->data);
			e->data = NULL;
			r = -EFBIG;
		}
		e->len = (uint32_t)len;
		close(fd);
	}
	rthc_host_log_open(h, e, r, false);
	e->cached = true;
	e->cache_err = r;
	return r;
}

int rthc_host_read_file(struct rthc_host *h, const char *path, char **ret, size_t *len)
{
	struct entry *e = rthc_host_entry(h, path, true);
	char *copy;
	int r;

	if (!e)
		return -ENOMEM;
	if (!e->cached) {
		r = fill_cache(h, e);
		if (r < 0)
			return r;
	}
	if (e->cache_err < 0)
		return e->cache_err;
	copy = malloc(e->len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, e->data, e->len + 1);
	*ret = copy;
	if (len)
		*len = e->len;
	return 0;
}

static void rstrip(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

int rthc_host_read_str(struct rthc_host *h, const char *path, char **ret)
{
	size_t len;
	int r = rthc_host_read_file(h, path, ret, &len);

	if (r < 0)
		return r;
	if (memchr(*ret, '\0', len)) {
		/* Binary content where text was expected. */
		free(*ret);
		*ret = NULL;
		return -EINVAL;
	}
	rstrip(*ret);
	return 0;
}

static int vpath(char buf[static PATH_MAX], const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, PATH_MAX, fmt, ap);

	if (n < 0)
		return -EINVAL;
	if (n >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

int rthc_host_read_strf(struct rthc_host *h, char **ret, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vpath(path, fmt, ap);
	va_end(ap);
	return r < 0 ? r : rthc_host_read_str(h, path, ret);
}

static int parse_s64(const char *s, int64_t *ret)
{
	char *end;
	long long v;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return -ENODATA;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (end == s)
		return -EINVAL;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -EINVAL;
	*ret = v;
	return 0;
}

int rthc_host_read_s64(struct rthc_host *h, const char *path, int64_t *ret)
{
	_cleanup_free_ char *s = NULL;
	int r = rthc_host_read_str(h, path, &s);

	return r < 0 ? r : parse_s64(s, ret);
}

int rthc_host_read_s64f(struct rthc_host *h, int64_t *ret, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vpath(path, fmt, ap);
	va_end(ap);
	return r < 0 ? r : rthc_host_read_s64(h, path, ret);
}

int rthc_host_read_u64(struct rthc_host *h, const char *path, uint64_t *ret)
{
	_cleanup_free_ char *s = NULL;
	const char *p;
	char *end;
	unsigned long long v;
	int r = rthc_host_read_str(h, path, &s);

	if (r < 0)
		return r;
	for (p = s; isspace((unsigned char)*p); p++)
		;
	if (!*p)
		return -ENODATA;
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	errno = 0;
	v = strtoull(p, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	*ret = v;
	return 0;
}

int rthc_host_read_u64f(struct rthc_host *h, uint64_t *ret, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vpath(path, fmt, ap);
	va_end(ap);
	return r < 0 ? r : rthc_host_read_u64(h, path, ret);
}

int rthc_host_read_cpulist(struct rthc_host *h, const char *path, unsigned nbits,
			   struct rthc_cpuset *set)
{
	_cleanup_free_ char *s = NULL;
	int r = rthc_host_read_str(h, path, &s);

	if (r < 0)
		return r;
	/* A NULL mask prints "(null)" right-aligned to the field width nr_cpu_ids (%*pbl). */
	if (streq(s + strspn(s, " "), "(null)")) {
		rthc_cpuset_zero(set);
		return 0;
	}
	return rthc_cpuset_parse_list(set, s, nbits);
}

int rthc_host_read_cpumask(struct rthc_host *h, const char *path, struct rthc_cpuset *set)
{
	_cleanup_free_ char *s = NULL;
	int r = rthc_host_read_str(h, path, &s);

	if (r < 0)
		return r;
	if (!*s)
		return -ENODATA;
	return rthc_cpuset_parse_mask(set, s);
}

int rthc_host_exists(struct rthc_host *h, const char *path)
{
	struct entry *e = rthc_host_entry(h, path, false);
	int fd;

	if (e && e->cached)
		return e->cache_err == -ENOENT || e->cache_err == -ENOTDIR ? 0 : 1;
	if (e && e->inject_err && (e->inject_ops & RTHC_HOST_OP_READ))
		return e->inject_err == -ENOENT ? 0 : e->inject_err;
	fd = rthc_host_openat(h, path, O_PATH | O_NOFOLLOW, 0);
	if (fd >= 0) {
		close(fd);
		rthc_host_log_touch(h, path);
		return 1;
	}
	return fd == -ENOENT || fd == -ENOTDIR ? 0 : fd;
}

int rthc_host_existsf(struct rthc_host *h, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vpath(path, fmt, ap);
	va_end(ap);
	return r < 0 ? r : rthc_host_exists(h, path);
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

size_t rthc_host_log(const struct rthc_host *hc, const struct rthc_host_log_entry **entries)
{
	struct rthc_host *h = (struct rthc_host *)hc; /* the log view is rebuilt lazily */
	struct rthc_host_log_entry *log;

	log = realloc(h->log, (h->norder ? h->norder : 1) * sizeof(*log));
	if (!log) {
		*entries = NULL;
		return 0;
	}
	h->log = log;
	for (size_t i = 0; i < h->norder; i++) {
		const struct entry *e = &h->ents[h->order_idx[i]];

		log[i] = (struct rthc_host_log_entry){e->path, e->opens, e->err, e->dir, e->touched};
	}
	*entries = log;
	return h->norder;
}
