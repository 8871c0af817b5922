/* Internals of the host accessor shared by host.c, host-dir.c and host-write.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "host.h"

/*
 * One path of the target seen this run: its read-log state, cached contents and listing. The
 * entries live in a dense array (h->ents) and never move except when it grows; a table of
 * uint32 indices finds them by path. Small on purpose: a 1024-CPU host has ~40,000 of them.
 */
struct entry {
	char *path;   /* owned; as on the target ("/proc/cmdline") */
	char *data;   /* owned cached contents (NUL-terminated) */
	char *names;  /* owned cached listing: names, NUL-separated, in readdir order */
	uint32_t len; /* of data, without the NUL */
	uint32_t nnames;
	uint32_t opens;
	int32_t err;
	int32_t cache_err;  /* cached result of a whole-file read */
	int32_t dcache_err; /* cached result of a listing */
	int32_t inject_err;
	uint8_t inject_ops;
	bool dir;
	bool touched; /* found by exists/is_dir/readlink (logged for --snapshot, not an open) */
	bool cached;
	bool dcached; /* directory listing cached */
};

struct rthc_host {
	char *root; /* owned */
	int rootfd;
	bool live;
	bool have_openat2;
	struct entry *ents; /* owned dense array of entries, in creation order */
	size_t nents, ents_cap;
	uint32_t *idx; /* owned open-addressing table: entry index + 1, 0 = empty */
	size_t cap;    /* slots in idx (a power of two) */
	uint32_t *order_idx; /* indices into ents, in first-use order */
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
