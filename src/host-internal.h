/* Internals of the host accessor shared by host.c, host-dir.c and host-write.c. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "host.h"

/* Flags of an entry. */
enum {
	ENT_DIR = 1u << 0,     /* read log: listed as a directory */
	ENT_TOUCHED = 1u << 1, /* found by exists/is_dir/readlink (for --snapshot, not an open) */
	ENT_CACHED = 1u << 2,  /* whole-file read cached (contents, or ENT_CACHE_ERR) */
	ENT_BIG = 1u << 3,     /* data is an index into h->blobs, not a reference into h->chunks */
	ENT_DCACHED = 1u << 4, /* directory listing cached in h->dirs */
	ENT_INJECT = 1u << 5,  /* an injected error in h->injects */
	ENT_CACHE_ERR = 1u << 6, /* the cached whole-file read failed (data holds the errno) */
	ENT_OPENED = 1u << 7,  /* opened at least once (more opens are counted in h->more) */
};

/* Limits of the packed entries: 16 million paths, 16 MiB of distinct names. */
#define ENT_BITS 24
#define ENT_MAX ((UINT32_C(1) << ENT_BITS) - 1)

/*
 * One path of the target seen this run, or a directory prefix of one. A 1024-CPU host has ~50,000
 * of them, so an entry is small and shares what it can: its path is its parent's (the path up to
 * the last '/') and its last component, interned in h->names, so that the thousands of
 * ".../cpuN/cpuidle/stateK/latency" paths share prefixes and names. Cached contents are packed
 * into shared chunks, never freed before rthc_host_free() (so rthc_host_read_ref() can hand them
 * out); rare state (listings, injected errors, repeated opens) lives in side tables. Entries are
 * allocated in chunks and never move; they are named by index (0 is a sentinel: the parent of a
 * first component, never a path).
 */
struct entry {
	uint32_t parent : ENT_BITS; /* entry of the path up to the last '/', 0 for none */
	uint32_t flags : 8;         /* ENT_* */
	uint32_t name : ENT_BITS;   /* offset of the last component in h->names */
	uint32_t err : 8;           /* errno of the last open (0: it succeeded) */
	uint32_t data; /* contents: chunk << 16 | offset in h->chunks, an index in h->blobs
			* (ENT_BIG), or the errno of the failed read (ENT_CACHE_ERR) */
};

#define ENT_CHUNK_SHIFT 11 /* entries per chunk: 2048 (24 KiB) */

/* A cached directory listing (h->dirs, sorted by entry). */
struct dirlist {
	uint32_t ent;
	uint32_t nnames;
	int32_t err;
	const char *names; /* NUL-separated, in version order (rthc_host_alloc()) */
};

/* An injected error (test only). */
struct inject {
	uint32_t ent;
	unsigned ops;
	int err;
};

struct rthc_host {
	char *root; /* owned */
	int rootfd;
	bool live;
	bool have_openat2;
	struct entry **ents; /* owned chunks of entries, in creation order; entry 0 the sentinel */
	size_t nents;
	uint32_t *idx; /* owned open-addressing table of tagged entry indices, 0 = empty */
	size_t cap;    /* slots in idx (a power of two) */
	struct anc {
		uint32_t ent; /* entry of a component of the last directory looked up */
		uint32_t end; /* where the component ends in last_path */
		uint64_t hash;
	} anc[64];
	size_t nanc;
	size_t last_dlen;
	char last_path[PATH_MAX]; /* the last directory looked up (last_dlen bytes) */
	char *names;   /* owned arena of interned components: 16-bit length, bytes, NUL */
	size_t names_len, names_cap;
	uint32_t *names_idx; /* owned open-addressing table of name offsets, 0 = empty */
	size_t names_slots, nnames;
	char **chunks; /* owned: small text contents and listings, packed, kept to the end */
	size_t nchunks, chunk_used;
	struct blob {
		char *data; /* owned */
		size_t len;
	} *blobs; /* large or binary contents and listings, one allocation each */
	size_t nblobs;
	struct dirlist *dirs; /* owned */
	size_t ndirs, dirs_cap;
	struct inject *injects; /* owned */
	size_t ninjects;
	struct more_opens {
		uint32_t ent;
		unsigned n; /* opens after the first (ENT_OPENED) */
	} *more;        /* owned */
	size_t nmore;
	uint8_t *order; /* owned: the entries used, in first-use order (see log_append()) */
	size_t order_len, order_cap, norder;
	uint32_t order_last;
	struct rthc_host_log_entry *log; /* built on demand, owned */
	size_t nlog;       /* log entries whose path string exists */
	char **pathbufs;   /* owned: the log's path strings (never moved) */
	size_t npathbufs, pathbuf_used;
};

static inline struct entry *rthc_host_ent(const struct rthc_host *h, uint32_t i)
{
	return &h->ents[i >> ENT_CHUNK_SHIFT][i & ((1u << ENT_CHUNK_SHIFT) - 1)];
}

/* The cached result of a whole-file read of e (ENT_CACHED): 0 or a negative errno. */
static inline int rthc_host_cache_err(const struct entry *e)
{
	return e->flags & ENT_CACHE_ERR ? -(int)e->data : 0;
}

/*
 * The index of the entry of path, created if create; 0 if not found (or ENOMEM, or a path of
 * PATH_MAX or more). Every directory prefix of the path gets an entry too.
 */
uint32_t rthc_host_entry(struct rthc_host *h, const char *path, bool create);
/* Why rthc_host_entry(h, path, true) gave 0: -ENAMETOOLONG or -ENOMEM. */
int rthc_host_noentry(const char *path);
/* Count an open of entry i in the read log. */
void rthc_host_log_open(struct rthc_host *h, uint32_t i, int err, bool dir);
/* Record a path that was found or opened without a cached read (for --snapshot). */
void rthc_host_log_touch(struct rthc_host *h, const char *path);
/* The injected error of entry i for an operation in ops (RTHC_HOST_OP_*), or 0. */
int rthc_host_injected(const struct rthc_host *h, uint32_t i, unsigned ops);
/* The listing of entry i, added (not yet cached) if create; NULL if none (or ENOMEM). */
struct dirlist *rthc_host_dirlist(struct rthc_host *h, uint32_t i, bool create);
/* path without its leading slashes ("." for the root). */
const char *rthc_host_relpath(const char *path);
/* openat() relative to the root, confined to it when auditing a tree; an fd or -errno. */
int rthc_host_openat(struct rthc_host *h, const char *path, int flags, mode_t mode);
/* Forget the cached contents and listing of path (the bytes stay valid until the end). */
void rthc_host_drop_cache(struct rthc_host *h, const char *path);
/* n bytes that stay until rthc_host_free() (packed with the small cached files); NULL: ENOMEM. */
char *rthc_host_alloc(struct rthc_host *h, size_t n);
/* Forget the cached listing of entry i. */
void rthc_host_drop_listing(struct rthc_host *h, uint32_t i);
