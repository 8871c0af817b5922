/* The host accessor: opening, typed reads, directory listings, streamed and compressed files. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <zlib.h>
#include <linux/openat2.h>

#include "cpuset.h"
#include "host-internal.h"
#include "macro.h"
#include "strbuf.h"

/* --- opening --- */

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

/* --- typed reads, parsed from the cached bytes without a copy where possible --- */

/* The cached file without its trailing white space (not NUL-terminated there). */
static int ref_str(struct rthc_host *h, const char *path, const char **s, size_t *len)
{
	int r = rthc_host_read_ref(h, path, s, len);

	if (r < 0)
		return r;
	if (memchr(*s, '\0', *len))
		return -EINVAL; /* binary content where text was expected */
	while (*len > 0 && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
	return 0;
}

int rthc_host_read_str(struct rthc_host *h, const char *path, char **ret)
{
	const char *s;
	size_t len;
	int r = ref_str(h, path, &s, &len);

	if (r == -EINVAL)
		*ret = NULL;
	if (r < 0)
		return r;
	*ret = strndup(s, len);
	return *ret ? 0 : -ENOMEM;
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

/* A decimal integer in the cached file, white space around it allowed; *sv or *uv on success. */
static int read_int(struct rthc_host *h, const char *path, int64_t *sv, uint64_t *uv)
{
	const char *s;
	char *end;
	size_t len;
	long long v = 0;
	unsigned long long u = 0;
	int r = ref_str(h, path, &s, &len);

	if (r < 0)
		return r;
	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return -ENODATA;
	if (uv && !isdigit((unsigned char)*s))
		return -EINVAL; /* strtoull() would take "-5" */
	errno = 0;
	if (sv)
		v = strtoll(s, &end, 10);
	else
		u = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (end == s)
		return -EINVAL;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -EINVAL;
	if (sv)
		*sv = v;
	else
		*uv = u;
	return 0;
}

/* The variants that take a printf format: the path is formatted first (-ENAMETOOLONG). */
#define WITH_PATH(fmt, call)                                                                       \
	({                                                                                         \
		char path[PATH_MAX];                                                               \
		va_list ap;                                                                        \
		int r_;                                                                            \
                                                                                                   \
		va_start(ap, fmt);                                                                 \
		r_ = vpath(path, fmt, ap);                                                         \
		va_end(ap);                                                                        \
		r_ < 0 ? r_ : (call);                                                              \
	})

int rthc_host_read_strf(struct rthc_host *h, char **ret, const char *fmt, ...)
{
	return WITH_PATH(fmt, rthc_host_read_str(h, path, ret));
}

int rthc_host_read_s64(struct rthc_host *h, const char *path, int64_t *ret)
{
	return read_int(h, path, ret, NULL);
}

int rthc_host_read_s64f(struct rthc_host *h, int64_t *ret, const char *fmt, ...)
{
	return WITH_PATH(fmt, read_int(h, path, ret, NULL));
}

int rthc_host_read_u64(struct rthc_host *h, const char *path, uint64_t *ret)
{
	return read_int(h, path, NULL, ret);
}

int rthc_host_read_u64f(struct rthc_host *h, uint64_t *ret, const char *fmt, ...)
{
	return WITH_PATH(fmt, read_int(h, path, NULL, ret));
}

int rthc_host_existsf(struct rthc_host *h, const char *fmt, ...)
{
	return WITH_PATH(fmt, rthc_host_exists(h, path));
}

/* The stripped file as a string: in buf when it fits, else malloc'd in *heap. */
static int read_str_buf(struct rthc_host *h, const char *path, char *buf, size_t size,
			char **heap, const char **ret)
{
	const char *s;
	size_t len;
	char *dst = buf;
	int r = ref_str(h, path, &s, &len);

	if (r < 0)
		return r;
	if (len >= size) {
		dst = *heap = malloc(len + 1);
		if (!dst)
			return -ENOMEM;
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
	*ret = dst;
	return 0;
}

/* A cpulist (list) or hex mask file into set. */
static int read_set(struct rthc_host *h, const char *path, bool list, unsigned nbits,
		    struct rthc_cpuset *set)
{
	_cleanup_free_ char *heap = NULL;
	const char *s;
	char buf[512];
	int r = read_str_buf(h, path, buf, sizeof(buf), &heap, &s);

	if (r < 0)
		return r;
	if (!list)
		return *s ? rthc_cpuset_parse_mask(set, s) : -ENODATA;
	/* A NULL mask prints "(null)" right-aligned to the field width nr_cpu_ids (%*pbl). */
	if (streq(s + strspn(s, " "), "(null)")) {
		rthc_cpuset_zero(set);
		return 0;
	}
	return rthc_cpuset_parse_list(set, s, nbits);
}

int rthc_host_read_cpulist(struct rthc_host *h, const char *path, unsigned nbits,
			   struct rthc_cpuset *set)
{
	return read_set(h, path, true, nbits, set);
}

int rthc_host_read_cpumask(struct rthc_host *h, const char *path, struct rthc_cpuset *set)
{
	return read_set(h, path, false, 0, set);
}

/* --- directory listings: read once with getdents64, kept in version order --- */

char **rthc_strv_free(char **v)
{
	if (!v)
		return NULL;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
	return NULL;
}

static int cmp_version(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* The names of the open directory fd, NUL-separated, in version order, kept with the cache. */
static int read_names(struct rthc_host *h, int fd, const char **ret, size_t *n)
{
	_cleanup_free_ char **v = NULL;
	char *sorted;
	struct rthc_strbuf sb;
	char buf[16384];
	size_t count = 0;
	long k;
	int r = 0;

	rthc_strbuf_init(&sb);
	while ((k = syscall(SYS_getdents64, fd, buf, sizeof(buf))) != 0) {
		if (k < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto out;
		}
		for (long off = 0; off < k;) {
			const struct linux_dirent64 *de = (const void *)(buf + off);

			off += de->d_reclen;
			if (streq(de->d_name, ".") || streq(de->d_name, ".."))
				continue;
			r = rthc_strbuf_append(&sb, de->d_name, strlen(de->d_name) + 1);
			if (r < 0)
				goto out;
			count++;
		}
	}
	v = malloc((count ? count : 1) * sizeof(*v));
	sorted = v ? rthc_host_alloc(h, sb.len) : NULL;
	if (!sorted) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0, off = 0; i < count; off += strlen(sb.buf + off) + 1)
		v[i++] = sb.buf + off;
	qsort(v, count, sizeof(*v), cmp_version);
	for (size_t i = 0, off = 0; i < count; i++) {
		size_t l = strlen(v[i]) + 1;

		memcpy(sorted + off, v[i], l);
		off += l;
	}
	*ret = sorted;
	*n = count;
out:
	rthc_strbuf_done(&sb);
	return r;
}

static int fill_dir_cache(struct rthc_host *h, uint32_t i, const char *path, struct dirlist *d)
{
	int fd, r = rthc_host_injected(h, i, RTHC_HOST_OP_READ);

	if (r < 0) {
		rthc_host_log_open(h, i, r, true);
		return r;
	}
	fd = rthc_host_openat(h, path, O_RDONLY | O_DIRECTORY, 0);
	rthc_host_log_open(h, i, fd < 0 ? fd : 0, true);
	if (fd >= 0) {
		size_t n = 0;

		r = read_names(h, fd, &d->names, &n);
		close(fd);
		if (r < 0)
			return r;
		d->nnames = (uint32_t)n;
	}
	d->err = fd < 0 ? fd : 0;
	rthc_host_ent(h, i)->flags |= ENT_DCACHED;
	return 0;
}

int rthc_host_list_dir(struct rthc_host *h, const char *path, char ***names, size_t *n)
{
	uint32_t i = rthc_host_entry(h, path, true);
	struct dirlist *d;
	const char *p;
	char **v;
	size_t k;
	int r;

	if (!i)
		return rthc_host_noentry(path);
	d = rthc_host_dirlist(h, i, true);
	if (!d)
		return -ENOMEM;
	if (!(rthc_host_ent(h, i)->flags & ENT_DCACHED)) {
		r = fill_dir_cache(h, i, path, d);
		if (r < 0)
			return r;
	}
	if (d->err < 0)
		return d->err;
	v = calloc(d->nnames + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (k = 0, p = d->names; k < d->nnames; k++, p += strlen(p) + 1) {
		v[k] = strdup(p);
		if (!v[k]) {
			rthc_strv_free(v);
			return -ENOMEM;
		}
	}
	*names = v;
	if (n)
		*n = d->nnames;
	return 0;
}

struct dirlist *rthc_host_dirlist(struct rthc_host *h, uint32_t i, bool create)
{
	size_t lo = 0, hi = h->ndirs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (h->dirs[mid].ent == i)
			return &h->dirs[mid];
		if (h->dirs[mid].ent < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!create)
		return NULL;
	if (h->ndirs == h->dirs_cap) {
		size_t nc = h->dirs_cap ? h->dirs_cap * 2 : 16;
		struct dirlist *v = realloc(h->dirs, nc * sizeof(*v));

		if (!v)
			return NULL;
		h->dirs = v;
		h->dirs_cap = nc;
	}
	memmove(&h->dirs[lo + 1], &h->dirs[lo], (h->ndirs - lo) * sizeof(*h->dirs));
	h->ndirs++;
	h->dirs[lo] = (struct dirlist){.ent = i};
	return &h->dirs[lo];
}

void rthc_host_drop_listing(struct rthc_host *h, uint32_t i)
{
	struct entry *e = rthc_host_ent(h, i);
	struct dirlist *d;

	if (!(e->flags & ENT_DCACHED))
		return;
	e->flags &= (uint8_t)~ENT_DCACHED;
	d = rthc_host_dirlist(h, i, false);
	if (d)
		*d = (struct dirlist){.ent = i}; /* the names stay where they are, unused */
}

/* --- uncached reads --- */

/* Open path for one uncached read, logged (and failed by an injected read error). */
static int open_uncached(struct rthc_host *h, const char *path)
{
	uint32_t i = rthc_host_entry(h, path, true);
	int fd;

	if (!i)
		return rthc_host_noentry(path);
	fd = rthc_host_injected(h, i, RTHC_HOST_OP_READ);
	if (fd < 0) {
		rthc_host_log_open(h, i, fd, false);
		return fd;
	}
	fd = rthc_host_openat(h, path, O_RDONLY | O_NOCTTY, 0);
	rthc_host_log_open(h, i, fd < 0 ? fd : 0, false);
	return fd;
}

#define LINE_BUF 65536

int rthc_host_foreach_line(struct rthc_host *h, const char *path,
			   int (*cb)(const char *line, size_t len, void *userdata), void *userdata)
{
	size_t cap = LINE_BUF, len = 0, start = 0;
	char *buf, *nl;
	ssize_t k;
	int fd = open_uncached(h, path), r = 0;

	if (fd < 0)
		return fd;
	buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	/* Lines are handed out in place, NUL-terminated; a partial one moves to the front. */
	for (;;) {
		while ((nl = memchr(buf + start, '\n', len - start))) {
			*nl = '\0';
			r = cb(buf + start, (size_t)(nl - buf) - start, userdata);
			if (r < 0)
				goto out;
			start = (size_t)(nl - buf) + 1;
		}
		memmove(buf, buf + start, len - start);
		len -= start;
		start = 0;
		if (len == cap) {
			char *nb = realloc(buf, cap * 2 + 1);

			if (!nb) {
				r = -ENOMEM;
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		k = read(fd, buf + len, cap - len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			r = -errno;
			goto out;
		}
		if (k == 0)
			break;
		len += (size_t)k;
	}
	if (len > 0) { /* the last line has no newline */
		buf[len] = '\0';
		r = cb(buf, len, userdata);
	}
out:
	free(buf);
	close(fd);
	return r < 0 ? r : 0;
}

int rthc_host_read_gz(struct rthc_host *h, const char *path, char **ret, size_t *len)
{
	struct rthc_strbuf sb;
	char buf[16384];
	gzFile gz;
	int fd = open_uncached(h, path), n, r = 0;

	if (fd < 0)
		return fd;
	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		return -ENOMEM;
	}
	rthc_strbuf_init(&sb);
	while ((n = gzread(gz, buf, sizeof(buf))) > 0) {
		r = rthc_strbuf_append(&sb, buf, (size_t)n);
		if (r < 0)
			break;
	}
	if (n < 0)
		r = -EINVAL;
	gzclose(gz);
	if (r < 0) {
		rthc_strbuf_done(&sb);
		return r;
	}
	*len = sb.len;
	return rthc_strbuf_steal(&sb, ret);
}
