/* The host accessor (see host.h): the path table, the cache and whole-file reads. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host-internal.h"
#include "host.h"
#include "macro.h"

#define ENT_CHUNK (1u << ENT_CHUNK_SHIFT)
#define HASH_SEED UINT64_C(0xcbf29ce484222325)
/* Contents of up to SMALL_MAX bytes (with the NUL) are packed into chunks of CHUNK_SIZE. */
#define CHUNK_SIZE 65536u
#define SMALL_MAX 1024u

/* --- hashing: a path's hash chains its components' hashes, so a prefix's comes on the way --- */

static uint32_t name_hash(const char *s, size_t n)
{
	uint32_t x = 2166136261u;

	for (size_t i = 0; i < n; i++)
		x = (x ^ (unsigned char)s[i]) * 16777619u;
	return x;
}

static uint64_t path_step(uint64_t parent, uint32_t nh)
{
	uint64_t x = (parent ^ nh) * UINT64_C(0x9e3779b97f4a7c15);

	return x ^ (x >> 29);
}

/* --- interned components: [16-bit length][bytes][NUL], named by the offset of the bytes --- */

#define NAME_HDR 2

static size_t stored_len(const struct rthc_host *h, uint32_t off)
{
	uint16_t v;

	memcpy(&v, h->names + off - sizeof(v), sizeof(v));
	return v;
}

static bool name_is(const struct rthc_host *h, uint32_t off, const char *s, size_t n)
{
	return stored_len(h, off) == n && memcmp(h->names + off, s, n) == 0;
}

static uint32_t stored_hash(const struct rthc_host *h, uint32_t off)
{
	return name_hash(h->names + off, stored_len(h, off));
}

static uint64_t entry_hash(const struct rthc_host *h, uint32_t i)
{
	const struct entry *e = rthc_host_ent(h, i);

	return path_step(e->parent ? entry_hash(h, e->parent) : HASH_SEED, stored_hash(h, e->name));
}

static int names_grow(struct rthc_host *h)
{
	size_t slots = h->names_slots ? h->names_slots * 2 : 1024;
	uint32_t *t = calloc(slots, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (size_t k = 0; k < h->names_slots; k++) {
		uint32_t off = h->names_idx[k];
		size_t j;

		if (!off)
			continue;
		for (j = stored_hash(h, off) & (slots - 1); t[j]; j = (j + 1) & (slots - 1))
			;
		t[j] = off;
	}
	free(h->names_idx);
	h->names_idx = t;
	h->names_slots = slots;
	return 0;
}

/* n < PATH_MAX (rthc_host_entry() checks). */
static uint32_t intern(struct rthc_host *h, const char *s, size_t n, uint32_t nh)
{
	size_t j, need = NAME_HDR + n + 1;
	uint16_t len = (uint16_t)n;
	uint32_t off;

	if (h->names_slots)
		for (j = nh & (h->names_slots - 1); (off = h->names_idx[j]);
		     j = (j + 1) & (h->names_slots - 1))
			if (name_is(h, off, s, n))
				return off;
	if ((h->nnames + 1) * 2 > h->names_slots && names_grow(h) < 0)
		return 0;
	if (h->names_len + need > ENT_MAX)
		return 0; /* an entry holds 24 bits of offset */
	if (h->names_len + need > h->names_cap) {
		size_t cap = h->names_cap ? h->names_cap * 2 : 4096;
		char *b;

		while (cap < h->names_len + need)
			cap *= 2;
		b = realloc(h->names, cap);
		if (!b)
			return 0;
		h->names = b;
		h->names_cap = cap;
	}
	off = (uint32_t)(h->names_len + NAME_HDR);
	memcpy(h->names + off - sizeof(len), &len, sizeof(len));
	memcpy(h->names + off, s, n);
	h->names[off + n] = '\0';
	h->names_len += need;
	for (j = nh & (h->names_slots - 1); h->names_idx[j]; j = (j + 1) & (h->names_slots - 1))
		;
	h->names_idx[j] = off;
	h->nnames++;
	return off;
}

/* --- the path table: (parent, name) pairs found by the hash of the whole path --- */

/*
 * A slot of h->idx: the entry index in the low bits and 8 bits of the path's hash above them, so
 * that a probe rarely touches an entry that is not the one sought (it is a cache miss).
 */
#define SLOT_TAG(hash) ((uint32_t)((hash) >> 56) << ENT_BITS)
#define SLOT_MASK ENT_MAX

static uint32_t find_child(const struct rthc_host *h, uint32_t parent, const char *name, size_t n,
			   uint64_t hash)
{
	uint32_t v, tag = SLOT_TAG(hash);

	for (size_t j = hash & (h->cap - 1); (v = h->idx[j]); j = (j + 1) & (h->cap - 1)) {
		const struct entry *e;

		if ((v & ~SLOT_MASK) != tag)
			continue;
		e = rthc_host_ent(h, v & SLOT_MASK);
		if (e->parent == parent && name_is(h, e->name, name, n))
			return v & SLOT_MASK;
	}
	return 0;
}

static void slot_insert(uint32_t *t, size_t cap, uint64_t hash, uint32_t i)
{
	size_t j;

	for (j = hash & (cap - 1); t[j]; j = (j + 1) & (cap - 1))
		;
	t[j] = SLOT_TAG(hash) | i;
}

static int rehash(struct rthc_host *h)
{
	size_t cap = h->cap * 2;
	uint32_t *t = calloc(cap, sizeof(*t)), last = 0;
	uint64_t last_hash = HASH_SEED;

	if (!t)
		return -ENOMEM;
	/* Siblings are mostly created together: remember the last parent's hash. */
	for (uint32_t i = 1; i < h->nents; i++) {
		const struct entry *e = rthc_host_ent(h, i);

		if (e->parent != last) {
			last = e->parent;
			last_hash = last ? entry_hash(h, last) : HASH_SEED;
		}
		slot_insert(t, cap, path_step(last_hash, stored_hash(h, e->name)), i);
	}
	free(h->idx);
	h->idx = t;
	h->cap = cap;
	return 0;
}

static uint32_t add(struct rthc_host *h, uint32_t parent, const char *name, size_t n, uint32_t nh,
		    uint64_t hash)
{
	uint32_t off, i = (uint32_t)h->nents;
	struct entry *e;

	if (h->nents > ENT_MAX)
		return 0;
	if ((h->nents + 1) * 5 > h->cap * 4 && rehash(h) < 0)
		return 0;
	off = intern(h, name, n, nh);
	if (!off)
		return 0;
	if ((i & (ENT_CHUNK - 1)) == 0) {
		size_t nc = (i >> ENT_CHUNK_SHIFT) + 1;
		struct entry **v = realloc(h->ents, nc * sizeof(*v));

		if (!v)
			return 0;
		h->ents = v;
		v[nc - 1] = malloc(ENT_CHUNK * sizeof(**v));
		if (!v[nc - 1])
			return 0;
	}
	e = rthc_host_ent(h, i);
	*e = (struct entry){.parent = parent & ENT_MAX, .name = off & ENT_MAX};
	slot_insert(h->idx, h->cap, hash, i);
	h->nents++;
	return i;
}

/*
 * The entry of the directory path[0..dlen) and its hash, created if create. Paths come in runs
 * from one directory ("cpu3/cpuidle/state1/{name,latency}", then "cpu3/cpuidle/state2/..."):
 * the components it shares with the last directory are taken from h->anc, only the others are
 * looked up (each lookup is a cache miss in a large table).
 */
static uint32_t resolve_dir(struct rthc_host *h, const char *path, size_t dlen, bool create,
			    uint64_t *hash)
{
	size_t l = 0, k = 0, max = dlen < h->last_dlen ? dlen : h->last_dlen, pos;
	uint32_t parent;
	bool fresh = false, found = true;
	uint64_t hh;

	while (l < max && path[l] == h->last_path[l])
		l++;
	while (k < h->nanc && h->anc[k].end <= l &&
	       (h->anc[k].end == dlen || path[h->anc[k].end] == '/'))
		k++;
	parent = k ? h->anc[k - 1].ent : 0;
	hh = k ? h->anc[k - 1].hash : HASH_SEED;
	if (k && h->anc[k - 1].end == dlen) {
		*hash = hh;
		return parent;
	}
	pos = k ? h->anc[k - 1].end : 0;
	memcpy(h->last_path + pos, path + pos, dlen - pos);
	pos += k ? 1 : 0;
	h->nanc = k;
	for (;;) {
		const char *c = path + pos, *p = c;
		uint32_t nh = 2166136261u, i = 0;

		for (; p < path + dlen && *p != '/'; p++)
			nh = (nh ^ (unsigned char)*p) * 16777619u;
		hh = path_step(hh, nh);
		if (!fresh)
			i = find_child(h, parent, c, (size_t)(p - c), hh);
		if (!i && create) {
			i = add(h, parent, c, (size_t)(p - c), nh, hh);
			fresh = true; /* nothing below a new entry exists yet */
		}
		if (!i) {
			found = false;
			break;
		}
		parent = i;
		if (h->nanc < ARRAY_SIZE(h->anc))
			h->anc[h->nanc++] = (struct anc){i, (uint32_t)(p - path), hh};
		if (p == path + dlen)
			break;
		pos = (size_t)(p - path) + 1;
	}
	h->last_dlen = h->nanc ? h->anc[h->nanc - 1].end : 0;
	*hash = hh;
	return found ? parent : 0;
}

uint32_t rthc_host_entry(struct rthc_host *h, const char *path, bool create)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	size_t dlen = slash ? (size_t)(slash - path) : 0, blen = strlen(base);
	uint64_t dhash = HASH_SEED, hash;
	uint32_t dir = 0, nh, i;

	if ((size_t)(base - path) + blen >= PATH_MAX)
		return 0; /* cannot be opened: see rthc_host_noentry() */
	if (slash) {
		dir = resolve_dir(h, path, dlen, create, &dhash);
		if (!dir)
			return 0;
	}
	nh = name_hash(base, blen);
	hash = path_step(dhash, nh);
	i = find_child(h, dir, base, blen, hash);
	if (i || !create)
		return i;
	return add(h, dir, base, blen, nh, hash);
}

int rthc_host_noentry(const char *path)
{
	return strlen(path) >= PATH_MAX ? -ENAMETOOLONG : -ENOMEM;
}

/* --- the accessor --- */

int rthc_host_new(const char *root, struct rthc_host **ret)
{
	struct rthc_host *h;
	struct stat st;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->rootfd = -1;
	h->live = !root || streq(root, "/");
	h->root = strdup(root ? root : "/");
	h->ents = calloc(1, sizeof(*h->ents));
	if (!h->root || !h->ents || !(h->ents[0] = calloc(ENT_CHUNK, sizeof(**h->ents)))) {
		rthc_host_free(h);
		return -ENOMEM;
	}
	h->nents = 1; /* the sentinel */
	h->cap = 1024;
	h->idx = calloc(h->cap, sizeof(*h->idx));
	if (!h->idx) {
		rthc_host_free(h);
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

static void free_all(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

struct rthc_host *rthc_host_free(struct rthc_host *h)
{
	if (!h)
		return NULL;
	if (h->ents)
		free_all((char **)h->ents, (h->nents + ENT_CHUNK - 1) >> ENT_CHUNK_SHIFT);
	free(h->idx);
	free(h->names);
	free(h->names_idx);
	free_all(h->chunks, h->nchunks);
	for (size_t i = 0; i < h->nblobs; i++)
		free(h->blobs[i].data);
	free(h->blobs);
	free(h->dirs);
	free(h->injects);
	free(h->more);
	free(h->order);
	free(h->log);
	free_all(h->pathbufs, h->npathbufs);
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

/* n bytes packed into a chunk (n <= SMALL_MAX), named by *ref; NULL on ENOMEM. */
static unsigned char *chunk_room(struct rthc_host *h, size_t n, uint32_t *ref)
{
	if (!h->nchunks || h->chunk_used + n > CHUNK_SIZE) {
		char **v;

		if (h->nchunks >= CHUNK_SIZE)
			return NULL; /* 4 GiB of small files */
		v = realloc(h->chunks, (h->nchunks + 1) * sizeof(*v));
		if (!v)
			return NULL;
		h->chunks = v;
		v[h->nchunks] = malloc(CHUNK_SIZE);
		if (!v[h->nchunks])
			return NULL;
		h->nchunks++;
		h->chunk_used = 0;
	}
	*ref = (uint32_t)((h->nchunks - 1) << 16 | h->chunk_used);
	h->chunk_used += n;
	return (unsigned char *)h->chunks[*ref >> 16] + (*ref & 0xffff);
}

/* Keep heap (n bytes, malloc'd) until rthc_host_free() as blob *idx. */
static int keep_blob(struct rthc_host *h, char *heap, size_t n, uint32_t *idx)
{
	struct blob *v = realloc(h->blobs, (h->nblobs + 1) * sizeof(*v));

	if (!v) {
		free(heap);
		return -ENOMEM;
	}
	h->blobs = v;
	*idx = (uint32_t)h->nblobs;
	v[h->nblobs++] = (struct blob){heap, n};
	return 0;
}

char *rthc_host_alloc(struct rthc_host *h, size_t n)
{
	uint32_t ref;
	char *p;

	if (n <= SMALL_MAX)
		return (char *)chunk_room(h, n, &ref);
	p = malloc(n);
	return p && keep_blob(h, p, n, &ref) == 0 ? p : NULL;
}

/*
 * Keep n bytes (and a NUL) as the contents of e: text packed into a chunk (its length is where the
 * NUL is), binary content and large files in a blob of their own (heap, when given, holds them).
 */
static int store(struct rthc_host *h, struct entry *e, const char *buf, size_t n, char *heap)
{
	unsigned char *p;

	if (n + 1 > SMALL_MAX || memchr(buf, '\0', n)) {
		if (!heap) {
			heap = malloc(n + 1);
			if (!heap)
				return -ENOMEM;
			memcpy(heap, buf, n);
		}
		heap[n] = '\0';
		if (keep_blob(h, heap, n, &e->data) < 0)
			return -ENOMEM;
		e->flags |= ENT_BIG;
		return 0;
	}
	free(heap);
	p = chunk_room(h, n + 1, &e->data);
	if (!p)
		return -ENOMEM;
	memcpy(p, buf, n);
	p[n] = '\0';
	return 0;
}

/*
 * Read a whole file into e's cache. Most sysfs/procfs files are a few bytes: they are read into
 * a stack buffer and packed with the others; larger files grow on the heap and keep their own
 * allocation, of their exact size.
 */
static int read_fd(struct rthc_host *h, struct entry *e, int fd)
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
			char *nb = ncap > UINT32_MAX + (size_t)1 ? NULL : realloc(buf, ncap);

			if (!nb) {
				free(buf);
				return ncap > UINT32_MAX + (size_t)1 ? -EFBIG : -ENOMEM;
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
	if (buf && cap > n + 1 && n + 1 > SMALL_MAX) {
		char *nb = realloc(buf, n + 1);

		if (nb)
			buf = nb;
	}
	return store(h, e, buf ? buf : stackbuf, n, buf);
}

static int fill_cache(struct rthc_host *h, uint32_t i, const char *path)
{
	int fd, r = rthc_host_injected(h, i, RTHC_HOST_OP_READ);
	struct entry *e = rthc_host_ent(h, i);

	if (r < 0) {
		rthc_host_log_open(h, i, r, false);
		return r;
	}
	fd = rthc_host_openat(h, path, O_RDONLY | O_NOCTTY, 0);
	if (fd < 0) {
		r = fd;
	} else {
		/* A directory gives -EISDIR from read(): no fstat() needed. */
		r = read_fd(h, e, fd);
		close(fd);
	}
	rthc_host_log_open(h, i, r, false);
	e->flags |= ENT_CACHED;
	if (r < 0) {
		e->flags |= ENT_CACHE_ERR;
		e->data = (uint32_t)-r;
	}
	return r;
}

int rthc_host_read_ref(struct rthc_host *h, const char *path, const char **ret, size_t *len)
{
	uint32_t i = rthc_host_entry(h, path, true);
	const struct entry *e;
	size_t n;
	int r;

	if (!i)
		return rthc_host_noentry(path);
	e = rthc_host_ent(h, i);
	if (!(e->flags & ENT_CACHED)) {
		r = fill_cache(h, i, path);
		if (r < 0)
			return r;
	}
	if (e->flags & ENT_CACHE_ERR)
		return rthc_host_cache_err(e);
	if (e->flags & ENT_BIG) {
		*ret = h->blobs[e->data].data;
		n = h->blobs[e->data].len;
	} else {
		*ret = h->chunks[e->data >> 16] + (e->data & 0xffff);
		n = strlen(*ret);
	}
	if (len)
		*len = n;
	return 0;
}

int rthc_host_read_file(struct rthc_host *h, const char *path, char **ret, size_t *len)
{
	const char *data;
	size_t n;
	char *copy;
	int r = rthc_host_read_ref(h, path, &data, &n);

	if (r < 0)
		return r;
	copy = malloc(n + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, data, n + 1);
	*ret = copy;
	if (len)
		*len = n;
	return 0;
}
