/* Internals of the host accessor shared by host.c, host-dir.c and host-write.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "host.h"

struct entry {
	char *path; /* owned; as on the target ("/proc/cmdline") */
	unsigned opens;
	int err;
	bool dir;
	bool touched; /* found by exists/is_dir/readlink (logged for --snapshot, not an open) */
	bool cached;
	int cache_err; /* cached result of a whole-file read */
	char *data;    /* owned cached contents */
	size_t len;
	bool dcached;  /* directory listing cached */
	int dcache_err;
	char *names;   /* owned cached listing: names, NUL-separated, in readdir order */
	size_t nnames;
	unsigned inject_ops;
	int inject_err;
};

struct rthc_host {
	char *root; /* owned */
	int rootfd;
	bool live;
	bool have_openat2;
	struct entry *tab; /* open-addressing hash table, owned */
	size_t cap, used;
	size_t *order_idx; /* indices into tab, in first-open order (updated on rehash) */
	size_t norder, order_cap;
	struct rthc_host_log_entry *log; /* built on demand, owned */
};

/* The entry of path, created if create; NULL on ENOMEM (or not found). */
struct entry *rthc_host_entry(struct rthc_host *h, const char *path, bool create);
/* Count an open of e in the read log. */
void rthc_host_log_open(struct rthc_host *h, struct entry *e, int err, bool dir);
/* Record a path that was found or opened without a cached read (for --snapshot). */
void rthc_host_log_touch(struct rthc_host *h, const char *path);
/* path without its leading slashes ("." for the root). */
const char *rthc_host_relpath(const char *path);
/* openat() relative to the root, confined to it when auditing a tree; an fd or -errno. */
int rthc_host_openat(struct rthc_host *h, const char *path, int flags, mode_t mode);
/* Forget the cached contents and listing of path. */
void rthc_host_drop_cache(struct rthc_host *h, const char *path);
