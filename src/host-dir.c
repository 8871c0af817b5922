/* The host accessor: directory listings (cached) and streamed or compressed files. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "host-internal.h"
#include "macro.h"
#include "strbuf.h"

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

/* Read a directory's entry names into e->data (NUL-separated, in readdir order). */
static int fill_dir_cache(struct rthc_host *h, struct entry *e)
{
	struct rthc_strbuf sb;
	struct dirent *de;
	DIR *d;
	int fd, r = 0;

	if (e->inject_err && (e->inject_ops & RTHC_HOST_OP_READ)) {
		rthc_host_log_open(h, e, e->inject_err, true);
		return e->inject_err;
	}
	fd = rthc_host_openat(h, e->path, O_RDONLY | O_DIRECTORY, 0);
	rthc_host_log_open(h, e, fd < 0 ? fd : 0, true);
	if (fd < 0) {
		e->dcached = true;
		e->dcache_err = fd;
		return fd;
	}
	d = fdopendir(fd);
	if (!d) {
		r = -errno;
		close(fd);
		return r;
	}
	rthc_strbuf_init(&sb);
	e->nnames = 0;
	while ((errno = 0, de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		r = rthc_strbuf_append(&sb, de->d_name, strlen(de->d_name) + 1);
		if (r < 0)
			break;
		e->nnames++;
	}
	if (r == 0 && errno)
		r = -errno;
	closedir(d);
	if (r < 0) {
		rthc_strbuf_done(&sb);
		return r;
	}
	r = rthc_strbuf_steal(&sb, &e->names);
	if (r < 0)
		return r;
	e->dcached = true;
	e->dcache_err = 0;
	return 0;
}

int rthc_host_list_dir(struct rthc_host *h, const char *path, char ***names, size_t *n)
{
	struct entry *e = rthc_host_entry(h, path, true);
	const char *p;
	char **v;
	size_t i;
	int r;

	if (!e)
		return -ENOMEM;
	if (!e->dcached) {
		r = fill_dir_cache(h, e);
		if (r < 0)
			return r;
	}
	if (e->dcache_err < 0)
		return e->dcache_err;
	v = calloc(e->nnames + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0, p = e->names; i < e->nnames; i++, p += strlen(p) + 1) {
		v[i] = strdup(p);
		if (!v[i]) {
			rthc_strv_free(v);
			return -ENOMEM;
		}
	}
	qsort(v, e->nnames, sizeof(*v), cmp_version);
	*names = v;
	if (n)
		*n = e->nnames;
	return 0;
}

/* Open path for one uncached read, logged (and failed by an injected read error). */
static int open_uncached(struct rthc_host *h, const char *path)
{
	struct entry *e = rthc_host_entry(h, path, true);
	int fd;

	if (!e)
		return -ENOMEM;
	if (e->inject_err && (e->inject_ops & RTHC_HOST_OP_READ)) {
		rthc_host_log_open(h, e, e->inject_err, false);
		return e->inject_err;
	}
	fd = rthc_host_openat(h, path, O_RDONLY | O_NOCTTY, 0);
	rthc_host_log_open(h, e, fd < 0 ? fd : 0, false);
	return fd;
}

int rthc_host_foreach_line(struct rthc_host *h, const char *path,
			   int (*cb)(const char *line, size_t len, void *userdata), void *userdata)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int fd = open_uncached(h, path), r = 0;

	if (fd < 0)
		return fd;
	f = fdopen(fd, "re");
	if (!f) {
		r = -errno;
		close(fd);
		return r;
	}
	while ((errno = 0, n = getline(&line, &cap, f)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		r = cb(line, (size_t)n, userdata);
		if (r < 0)
			break;
	}
	if (r >= 0 && ferror(f))
		r = errno ? -errno : -EIO;
	free(line);
	fclose(f);
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
