/* --snapshot: copy what the audit read into a tree that --root can audit (see snapshot.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "host.h"
#include "macro.h"
#include "snapshot.h"

/* Longest symlink chain followed while copying one path (the kernel's limit is 40). */
#define MAX_LINKS 40

struct snap {
	struct rthc_host *h;
	int dfd; /* the snapshot directory */
	char *err;
	size_t errlen;
};

/* openat2 beneath the snapshot dir, never through a symlink (we create the links ourselves). */
static int open_dest(struct snap *s, const char *rel, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)flags | O_CLOEXEC | O_NOFOLLOW,
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, s->dfd, rel, &how, sizeof(how));

	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		fd = openat(s->dfd, rel, flags | O_CLOEXEC | O_NOFOLLOW, mode);
	return fd < 0 ? -errno : fd;
}

/* mkdir -p of rel (a resolved path without symlinks) under the snapshot dir. */
static int mkdirs(struct snap *s, const char *rel)
{
	char buf[PATH_MAX];
	size_t n = strlen(rel);

	if (n == 0 || streq(rel, "."))
		return 0;
	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, rel, n + 1);
	for (char *p = buf;; p++) {
		if (*p == '/' || *p == '\0') {
			char save = *p;

			*p = '\0';
			if (mkdirat(s->dfd, buf, 0755) < 0 && errno != EEXIST)
				return -errno;
			*p = save;
			if (!save)
				break;
		}
	}
	return 0;
}

static int parent_dirs(struct snap *s, const char *rel)
{
	char buf[PATH_MAX];
	char *slash;

	if (strlen(rel) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, rel);
	slash = strrchr(buf, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	return mkdirs(s, buf);
}

/* Join a symlink target to the directory holding the link; clamp ".." at the root. */
static int resolve_link(const char *dir, const char *target, char out[static PATH_MAX])
{
	char tmp[PATH_MAX * 2];
	char *parts[PATH_MAX / 2];
	size_t np = 0, len = 0;
	char *save = NULL, *tok;

	if (target[0] == '/')
		snprintf(tmp, sizeof(tmp), "%s", target);
	else
		snprintf(tmp, sizeof(tmp), "%s/%s", dir, target);
	for (tok = strtok_r(tmp, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (streq(tok, ".") || !*tok)
			continue;
		if (streq(tok, "..")) {
			if (np > 0)
				np--;
			continue;
		}
		if (np >= ARRAY_SIZE(parts))
			return -ENAMETOOLONG;
		parts[np++] = tok;
	}
	out[0] = '\0';
	for (size_t i = 0; i < np; i++) {
		size_t l = strlen(parts[i]);

		if (len + l + 2 >= PATH_MAX)
			return -ENAMETOOLONG;
		if (i)
			out[len++] = '/';
		memcpy(out + len, parts[i], l);
		len += l;
		out[len] = '\0';
	}
	return 0;
}

/* Largest amount read from a character device (/dev/kmsg returns records until EAGAIN). */
#define MAX_DEV_BYTES (4u << 20)

/* A character device's readable content, read without blocking and bounded. */
static int read_chardev(struct snap *s, const char *src, char **ret, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	int fd = rthc_host_open(s->h, src, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);

	if (!buf || fd < 0) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return fd < 0 ? fd : -ENOMEM;
	}
	while (n < MAX_DEV_BYTES) {
		ssize_t k;

		if (cap - n < 8192) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		k = read(fd, buf + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno == EPIPE)
			continue; /* /dev/kmsg: records were overwritten, go on */
		if (k <= 0)
			break; /* EOF, EAGAIN (no more records) or an error: keep what was read */
		n += (size_t)k;
	}
	close(fd);
	*ret = buf;
	*len = n;
	return 0;
}

static int copy_file(struct snap *s, const char *rel, bool chardev)
{
	char src[PATH_MAX + 1];
	char *data = NULL;
	size_t len = 0;
	int fd, r;

	snprintf(src, sizeof(src), "/%s", rel);
	r = chardev ? read_chardev(s, src, &data, &len) : rthc_host_read_file(s->h, src, &data, &len);
	if (r < 0)
		return r == -ENOENT || r == -EACCES || r == -EPERM || r == -EIO || r == -EINVAL ? 0 : r;
	r = parent_dirs(s, rel);
	if (r == 0) {
		fd = open_dest(s, rel, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0) {
			r = fd;
		} else {
			for (size_t off = 0; off < len && r == 0;) {
				ssize_t k = write(fd, data + off, len - off);

				if (k < 0 && errno != EINTR)
					r = -errno;
				else if (k > 0)
					off += (size_t)k;
			}
			if (close(fd) < 0 && r == 0)
				r = -errno;
		}
	}
	free(data);
	return r;
}

static int make_link(struct snap *s, const char *rel, const char *target)
{
	int r = parent_dirs(s, rel);

	if (r < 0)
		return r;
	if (symlinkat(target, s->dfd, rel) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/*
 * Copy one path: follow it component by component through the source; every symlink on the way
 * is recreated and the walk continues at its target, so the snapshot has the same structure.
 */
enum copy_mode {
	COPY_STRUCTURE, /* links and directories up to the path, not the file itself */
	COPY_CONTENT,   /* the file with its content */
	COPY_EMPTY,     /* an empty file unless it exists: a listed entry nothing read */
};

/* An empty file at the resolved rel unless something is there already. */
static int placeholder(struct snap *s, const char *rel)
{
	int fd, r = parent_dirs(s, rel);

	if (r < 0)
		return r;
	fd = open_dest(s, rel, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		return fd == -EEXIST ? 0 : fd;
	close(fd);
	return 0;
}

static int copy_path(struct snap *s, const char *path, enum copy_mode mode)
{
	char cur[PATH_MAX], rest[PATH_MAX], next[PATH_MAX];
	int links = 0;

	snprintf(rest, sizeof(rest), "%s", path);
	cur[0] = '\0';
	for (;;) {
		char *p = rest, *slash;
		char comp[NAME_MAX + 1], src[PATH_MAX + 2];
		struct stat st;
		size_t cl;
		int r;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		slash = strchr(p, '/');
		cl = slash ? (size_t)(slash - p) : strlen(p);
		if (cl > NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(comp, p, cl);
		comp[cl] = '\0';
		memmove(rest, p + cl, strlen(p + cl) + 1);
		if (streq(comp, "."))
			continue;
		if (streq(comp, "..")) {
			char *last = strrchr(cur, '/');

			if (last)
				*last = '\0';
			else
				cur[0] = '\0';
			continue;
		}
		if (snprintf(next, sizeof(next), "%s%s%s", cur, *cur ? "/" : "", comp) >= (int)sizeof(next))
			return -ENAMETOOLONG;
		snprintf(src, sizeof(src), "/%s", next);
		r = rthc_host_lstat(s->h, src, &st);
		if (r < 0)
			return r == -ENOENT || r == -ENOTDIR || r == -EACCES ? 0 : r;
		if (S_ISLNK(st.st_mode)) {
			char *target = NULL, resolved[PATH_MAX], joined[PATH_MAX * 2 + 2];

			if (++links > MAX_LINKS)
				return -ELOOP;
			r = rthc_host_readlink(s->h, src, &target);
			if (r < 0)
				return r == -ENOENT ? 0 : r;
			r = make_link(s, next, target);
			if (r == 0)
				r = resolve_link(cur, target, resolved);
			free(target);
			if (r < 0)
				return r;
			if (!*rest && mode == COPY_STRUCTURE)
				return 0;
			snprintf(joined, sizeof(joined), "%s%s", resolved, rest);
			if (strlen(joined) >= sizeof(rest))
				return -ENAMETOOLONG;
			strcpy(rest, joined);
			cur[0] = '\0';
			continue;
		}
		strcpy(cur, next);
		if (*rest && strspn(rest, "/") != strlen(rest))
			continue;
		/* The final component. */
		if (S_ISDIR(st.st_mode))
			return mkdirs(s, cur);
		if (S_ISREG(st.st_mode) || S_ISCHR(st.st_mode)) {
			if (mode == COPY_CONTENT)
				return copy_file(s, cur, S_ISCHR(st.st_mode));
			return mode == COPY_EMPTY ? placeholder(s, cur) : parent_dirs(s, cur);
		}
		return 0; /* sockets, fifos: nothing to copy */
	}
	return mkdirs(s, cur);
}

/*
 * libpci reads a device's sysfs files itself, not through the accessor: copy the small regular
 * files of each listed PCI device directory (config, vendor, device, class, irq, resource, ...).
 */
static int copy_pci_device(struct snap *s, const char *dev)
{
	char **names = NULL;
	int r = rthc_host_list_dir(s->h, dev, &names, NULL);

	if (r < 0)
		return 0;
	for (char **n = names; *n && r >= 0; n++) {
		char child[PATH_MAX];
		struct stat st;

		if (snprintf(child, sizeof(child), "%s/%s", dev, *n) >= (int)sizeof(child))
			continue;
		if (rthc_host_lstat(s->h, child, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 0444) ||
		    st.st_size > 65536 || streq(*n, "rom") || (strneq(*n, "resource", 8) && strlen(*n) > 8))
			continue;
		r = copy_path(s, child, COPY_CONTENT);
	}
	rthc_strv_free(names);
	return r;
}

/* A listed directory: recreate its symlinks and subdirectories (files are copied when read). */
static int copy_listing(struct snap *s, const char *path)
{
	char **names = NULL;
	int r = rthc_host_list_dir(s->h, path, &names, NULL);

	if (r < 0)
		return 0;
	for (char **n = names; *n && r >= 0; n++) {
		char child[PATH_MAX];
		struct stat st;

		if (snprintf(child, sizeof(child), "%s/%s", streq(path, "/") ? "" : path, *n) >= (int)sizeof(child))
			continue;
		if (rthc_host_lstat(s->h, child, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode))
			r = copy_path(s, child, COPY_STRUCTURE);
		else if (S_ISREG(st.st_mode))
			r = copy_path(s, child, COPY_EMPTY);
		if (r >= 0 && streq(path, "/sys/bus/pci/devices"))
			r = copy_pci_device(s, child);
	}
	rthc_strv_free(names);
	return r;
}

int rthc_snapshot_write(struct rthc_host *h, const char *dir, char *errbuf, size_t errlen)
{
	const struct rthc_host_log_entry *log;
	struct snap s = {.h = h, .err = errbuf, .errlen = errlen};
	char **paths = NULL;
	bool *is_dir = NULL;
	size_t n, np = 0;
	int r = 0, copied = 0;
	DIR *d;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(errbuf, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -errno;
	}
	s.dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s.dfd < 0) {
		r = -errno;
		snprintf(errbuf, errlen, "cannot open %s: %s", dir, strerror(-r));
		return r;
	}
	d = fdopendir(dup(s.dfd));
	if (d) {
		struct dirent *de;

		while ((de = readdir(d)))
			if (!streq(de->d_name, ".") && !streq(de->d_name, "..")) {
				r = -ENOTEMPTY;
				break;
			}
		closedir(d);
	}
	if (r < 0) {
		snprintf(errbuf, errlen, "%s is not empty: a snapshot needs a new or empty directory", dir);
		close(s.dfd);
		return r;
	}
	/* Take a copy of the log first: copying reads (and logs) more paths. */
	n = rthc_host_log(h, &log);
	paths = calloc(n + 1, sizeof(*paths));
	is_dir = calloc(n + 1, sizeof(*is_dir));
	if (!paths || !is_dir) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		bool exists = log[i].opens > 0 && (log[i].err == 0 || log[i].err == -ENOTDIR ||
						       log[i].err == -EISDIR || log[i].err == -ENODATA ||
						       log[i].err == -EINVAL);

		if (!log[i].touched && !exists)
			continue;
		paths[np] = strdup(log[i].path);
		if (!paths[np]) {
			r = -ENOMEM;
			goto out;
		}
		is_dir[np] = log[i].dir && log[i].opens > 0 && log[i].err == 0;
		np++;
	}
	for (size_t i = 0; i < np && r >= 0; i++) {
		r = copy_path(&s, paths[i], COPY_CONTENT);
		if (r >= 0 && is_dir[i])
			r = copy_listing(&s, paths[i]);
		if (r >= 0)
			copied++;
		else
			snprintf(errbuf, errlen, "cannot copy %s into %s: %s", paths[i], dir, strerror(-r));
	}
out:
	if (r == -ENOMEM)
		snprintf(errbuf, errlen, "out of memory");
	for (size_t i = 0; i < np; i++)
		free(paths[i]);
	free(paths);
	free(is_dir);
	if (fsync(s.dfd) < 0 && r >= 0)
		r = 0;
	close(s.dfd);
	return r < 0 ? r : copied;
}
