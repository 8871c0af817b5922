/* CPU sets and the kernel's cpulist / hex mask syntaxes (see cpuset.h). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cpuset.h"
#include "macro.h"
#include "strbuf.h"

#define WBITS 64u

void rthc_cpuset_init(struct rthc_cpuset *s)
{
	s->w = NULL;
	s->nwords = 0;
}

void rthc_cpuset_done(struct rthc_cpuset *s)
{
	free(s->w);
	s->w = NULL;
	s->nwords = 0;
}

void rthc_cpuset_zero(struct rthc_cpuset *s)
{
	if (s->w)
		memset(s->w, 0, s->nwords * sizeof(*s->w));
}

static int grow(struct rthc_cpuset *s, size_t nwords)
{
	uint64_t *w;

	if (nwords <= s->nwords)
		return 0;
	w = realloc(s->w, nwords * sizeof(*w));
	if (!w)
		return -ENOMEM;
	memset(w + s->nwords, 0, (nwords - s->nwords) * sizeof(*w));
	s->w = w;
	s->nwords = nwords;
	return 0;
}

int rthc_cpuset_set(struct rthc_cpuset *s, unsigned cpu)
{
	int r = grow(s, cpu / WBITS + 1);

	if (r < 0)
		return r;
	s->w[cpu / WBITS] |= UINT64_C(1) << (cpu % WBITS);
	return 0;
}

int rthc_cpuset_set_range(struct rthc_cpuset *s, unsigned first, unsigned last)
{
	int r;

	if (first > last)
		return 0;
	r = grow(s, last / WBITS + 1);
	if (r < 0)
		return r;
	for (unsigned c = first; c <= last; c++) {
		if (c % WBITS == 0 && last - c >= WBITS - 1) {
			s->w[c / WBITS] = UINT64_MAX;
			c += WBITS - 1;
			continue;
		}
		s->w[c / WBITS] |= UINT64_C(1) << (c % WBITS);
	}
	return 0;
}

void rthc_cpuset_clear(struct rthc_cpuset *s, unsigned cpu)
{
	if (cpu / WBITS < s->nwords)
		s->w[cpu / WBITS] &= ~(UINT64_C(1) << (cpu % WBITS));
}

bool rthc_cpuset_test(const struct rthc_cpuset *s, unsigned cpu)
{
	if (cpu / WBITS >= s->nwords)
		return false;
	return s->w[cpu / WBITS] & (UINT64_C(1) << (cpu % WBITS));
}

unsigned rthc_cpuset_count(const struct rthc_cpuset *s)
{
	unsigned n = 0;

	for (size_t i = 0; i < s->nwords; i++)
		n += (unsigned)__builtin_popcountll(s->w[i]);
	return n;
}

bool rthc_cpuset_empty(const struct rthc_cpuset *s)
{
	for (size_t i = 0; i < s->nwords; i++)
		if (s->w[i])
			return false;
	return true;
}

int rthc_cpuset_next_from(const struct rthc_cpuset *s, unsigned from)
{
	size_t i = from / WBITS;
	uint64_t word;

	if (i >= s->nwords)
		return -1;
	word = s->w[i] & (UINT64_MAX << (from % WBITS));
	for (;;) {
		if (word)
			return (int)(i * WBITS + (unsigned)__builtin_ctzll(word));
		if (++i >= s->nwords)
			return -1;
		word = s->w[i];
	}
}

int rthc_cpuset_first(const struct rthc_cpuset *s)
{
	return rthc_cpuset_next_from(s, 0);
}

int rthc_cpuset_next(const struct rthc_cpuset *s, int cpu)
{
	return rthc_cpuset_next_from(s, (unsigned)cpu + 1);
}

int rthc_cpuset_last(const struct rthc_cpuset *s)
{
	for (size_t i = s->nwords; i-- > 0;)
		if (s->w[i])
			return (int)(i * WBITS + 63u - (unsigned)__builtin_clzll(s->w[i]));
	return -1;
}

int rthc_cpuset_copy(struct rthc_cpuset *dst, const struct rthc_cpuset *src)
{
	int r;

	if (dst == src)
		return 0;
	rthc_cpuset_zero(dst);
	r = grow(dst, src->nwords);
	if (r < 0)
		return r;
	if (src->nwords)
		memcpy(dst->w, src->w, src->nwords * sizeof(*src->w));
	return 0;
}

int rthc_cpuset_or(struct rthc_cpuset *dst, const struct rthc_cpuset *src)
{
	int r = grow(dst, src->nwords);

	if (r < 0)
		return r;
	for (size_t i = 0; i < src->nwords; i++)
		dst->w[i] |= src->w[i];
	return 0;
}

void rthc_cpuset_and(struct rthc_cpuset *dst, const struct rthc_cpuset *src)
{
	for (size_t i = 0; i < dst->nwords; i++)
		dst->w[i] &= i < src->nwords ? src->w[i] : 0;
}

void rthc_cpuset_andnot(struct rthc_cpuset *dst, const struct rthc_cpuset *src)
{
	for (size_t i = 0; i < dst->nwords && i < src->nwords; i++)
		dst->w[i] &= ~src->w[i];
}

static uint64_t word(const struct rthc_cpuset *s, size_t i)
{
	return i < s->nwords ? s->w[i] : 0;
}

bool rthc_cpuset_equal(const struct rthc_cpuset *a, const struct rthc_cpuset *b)
{
	size_t n = a->nwords > b->nwords ? a->nwords : b->nwords;

	for (size_t i = 0; i < n; i++)
		if (word(a, i) != word(b, i))
			return false;
	return true;
}

bool rthc_cpuset_subset(const struct rthc_cpuset *a, const struct rthc_cpuset *b)
{
	for (size_t i = 0; i < a->nwords; i++)
		if (a->w[i] & ~word(b, i))
			return false;
	return true;
}

bool rthc_cpuset_intersects(const struct rthc_cpuset *a, const struct rthc_cpuset *b)
{
	size_t n = a->nwords < b->nwords ? a->nwords : b->nwords;

	for (size_t i = 0; i < n; i++)
		if (a->w[i] & b->w[i])
			return true;
	return false;
}

/* --- the kernel's character classes (lib/ctype.c: Latin-1) --- */

bool rthc_kernel_isspace(char c)
{
	unsigned char u = (unsigned char)c;

	return u == ' ' || (u >= '\t' && u <= '\r') || u == 0xa0;
}

bool rthc_kernel_isalpha(char c)
{
	unsigned char u = (unsigned char)c;

	if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z'))
		return true;
	return u >= 0xc0 && u != 0xd7 && u != 0xf7;
}

/* --- cpulist parsing, following lib/bitmap.c (bitmap_parselist) --- */

/* Region a-b:off/group_len, as struct region of lib/bitmap.c. */
struct region {
	unsigned start, end, off, group_len, nbits;
	bool have_last; /* nbits is known, so "N" and "all" have a meaning */
};

static bool end_of_str(char c)
{
	return c == '\0' || c == '\n';
}

static bool end_of_region_only(char c)
{
	return rthc_kernel_isspace(c) || c == ',';
}

static bool end_of_region(char c)
{
	return end_of_region_only(c) || end_of_str(c);
}

/* bitmap_getnum(): "N" or a decimal number; returns the position after it, or NULL with *err. */
static const char *getnum(const char *str, unsigned *num, const struct region *r, int *err)
{
	unsigned long long n = 0;
	bool overflow = false;
	const char *p = str;

	if (*p == 'N') {
		if (!r->have_last) {
			*err = -EINVAL;
			return NULL;
		}
		*num = r->nbits - 1;
		return p + 1;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (unsigned)(*p - '0');
		if (n > UINT_MAX) {
			overflow = true; /* keep consuming digits, as _parse_integer() does */
			n = UINT_MAX + 1ull;
		}
	}
	if (p == str) {
		*err = -EINVAL;
		return NULL;
	}
	if (overflow) {
		*err = -EOVERFLOW;
		return NULL;
	}
	*num = (unsigned)n;
	return p;
}

/*
 * bitmap_parse_region(): returns the position after the region (NULL with *err 0 at the end of
 * the string). As in the kernel, nothing is checked after a "/GROUP" number: the next region
 * starts right there, so "0-3:1/2N" is 0,2 and N, and "0-3:1/2x" fails on "x".
 */
static const char *parse_region(const char *str, struct region *r, int *err)
{
	if (strncasecmp(str, "all", 3) == 0) {
		if (!r->have_last) {
			*err = -EINVAL;
			return NULL;
		}
		r->start = 0;
		r->end = r->nbits - 1;
		str += 3;
		goto check_pattern;
	}
	str = getnum(str, &r->start, r, err);
	if (!str)
		return NULL;
	if (end_of_region(*str))
		goto no_end;
	if (*str != '-') {
		*err = -EINVAL;
		return NULL;
	}
	str = getnum(str + 1, &r->end, r, err);
	if (!str)
		return NULL;

check_pattern:
	if (end_of_region(*str))
		goto no_pattern;
	if (*str != ':') {
		*err = -EINVAL;
		return NULL;
	}
	str = getnum(str + 1, &r->off, r, err);
	if (!str)
		return NULL;
	if (*str != '/') {
		*err = -EINVAL;
		return NULL;
	}
	return getnum(str + 1, &r->group_len, r, err);

no_end:
	r->end = r->start;
no_pattern:
	r->off = r->end + 1;
	r->group_len = r->end + 1;
	return end_of_str(*str) ? NULL : str;
}

static int check_region(const struct region *r)
{
	if (r->start > r->end || r->group_len == 0 || r->off > r->group_len)
		return -EINVAL;
	if (r->end >= r->nbits)
		return -ERANGE;
	return 0;
}

static int set_region(struct rthc_cpuset *s, const struct region *r)
{
	for (unsigned long start = r->start; start <= r->end; start += r->group_len) {
		unsigned long last = start + r->off - 1;
		int ret;

		if (r->off == 0)
			break;
		if (last > r->end)
			last = r->end;
		ret = rthc_cpuset_set_range(s, (unsigned)start, (unsigned)last);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int rthc_cpuset_parse_list(struct rthc_cpuset *s, const char *str, unsigned nbits)
{
	struct region r = {
		.nbits = nbits ? nbits : RTHC_CPUSET_MAX_CPUS,
		.have_last = nbits > 0,
	};
	int err = 0;

	rthc_cpuset_zero(s);
	if (!str)
		return -EINVAL;
	while (str) {
		/* bitmap_find_region(): commas and white space may lead a region. */
		while (end_of_region_only(*str))
			str++;
		if (end_of_str(*str))
			return 0;
		err = 0;
		str = parse_region(str, &r, &err);
		if (err < 0)
			goto fail;
		err = check_region(&r);
		if (err < 0)
			goto fail;
		err = set_region(s, &r);
		if (err < 0)
			goto fail;
	}
	return 0;
fail:
	rthc_cpuset_zero(s);
	return err;
}

/* --- hex masks, following lib/bitmap.c (bitmap_parse) --- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * bitmap_get_x32_reverse(): one 32-bit chunk read backwards from str[*end]; *end moves before it.
 * Like the kernel, a ninth character that is neither a hex digit nor a separator is consumed
 * without complaint.
 */
static int get_x32_reverse(const char *str, long *end, uint32_t *num)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < 32; i += 4) {
		int c = hexval(str[(*end)--]);

		if (c < 0)
			return -EINVAL;
		v |= (uint32_t)c << i;
		if (*end < 0 || end_of_region_only(str[*end]))
			goto out;
	}
	if (hexval(str[(*end)--]) >= 0)
		return -EOVERFLOW;
out:
	*num = v;
	return 0;
}

int rthc_cpuset_parse_mask_n(struct rthc_cpuset *s, const char *str, unsigned nbits)
{
	unsigned limit = nbits ? nbits : RTHC_CPUSET_MAX_CPUS;
	unsigned chunks = (limit + 31) / 32, chunk;
	const char *nl;
	long end;
	int r = 0;

	rthc_cpuset_zero(s);
	if (!str)
		return -EINVAL;
	nl = strchrnul(str, '\n');
	end = (long)(nl - str) - 1;
	for (chunk = 0;; chunk++) {
		uint32_t v;

		while (end >= 0 && end_of_region_only(str[end]))
			end--;
		if (end < 0)
			break;
		if (chunk >= chunks) {
			r = -EOVERFLOW;
			goto fail;
		}
		r = get_x32_reverse(str, &end, &v);
		if (r < 0)
			goto fail;
		for (unsigned b = 0; v; b++, v >>= 1) {
			if (!(v & 1))
				continue;
			r = rthc_cpuset_set(s, chunk * 32 + b);
			if (r < 0)
				goto fail;
		}
	}
	/* The last chunk may not name bits past nbits. */
	if (rthc_cpuset_last(s) >= (int)limit) {
		r = -EOVERFLOW;
		goto fail;
	}
	return 0;
fail:
	rthc_cpuset_zero(s);
	return r;
}

int rthc_cpuset_parse_mask(struct rthc_cpuset *s, const char *str)
{
	return rthc_cpuset_parse_mask_n(s, str, 0);
}

int rthc_cpuset_format_list(const struct rthc_cpuset *s, char **ret)
{
	struct rthc_strbuf sb;
	bool first = true;
	int c, r = 0;

	rthc_strbuf_init(&sb);
	for (c = rthc_cpuset_first(s); c >= 0;) {
		int end = c, n;

		while ((n = rthc_cpuset_next(s, end)) == end + 1)
			end = n;
		if (end == c)
			r = rthc_strbuf_printf(&sb, "%s%d", first ? "" : ",", c);
		else
			r = rthc_strbuf_printf(&sb, "%s%d-%d", first ? "" : ",", c, end);
		if (r < 0)
			break;
		first = false;
		c = n;
	}
	if (r >= 0)
		r = rthc_strbuf_steal(&sb, ret);
	rthc_strbuf_done(&sb);
	return r < 0 ? r : 0;
}

int rthc_cpuset_format_mask(const struct rthc_cpuset *s, unsigned nbits, char **ret)
{
	struct rthc_strbuf sb;
	unsigned ngroups, firstbits;
	int last = rthc_cpuset_last(s), r = 0;

	if (nbits == 0)
		nbits = last < 0 ? 1 : (unsigned)last + 1;
	else if (last >= 0 && (unsigned)last >= nbits)
		nbits = (unsigned)last + 1;
	ngroups = (nbits + 31) / 32;
	firstbits = nbits % 32 ? nbits % 32 : 32;

	rthc_strbuf_init(&sb);
	for (unsigned g = ngroups; g-- > 0;) {
		uint32_t v = 0;

		for (unsigned b = 0; b < 32; b++)
			if (rthc_cpuset_test(s, g * 32 + b))
				v |= UINT32_C(1) << b;
		if (g == ngroups - 1)
			r = rthc_strbuf_printf(&sb, "%0*x", (int)((firstbits + 3) / 4), v);
		else
			r = rthc_strbuf_printf(&sb, ",%08x", v);
		if (r < 0)
			break;
	}
	if (r >= 0)
		r = rthc_strbuf_steal(&sb, ret);
	rthc_strbuf_done(&sb);
	return r < 0 ? r : 0;
}

char *rthc_cpuset_str(const struct rthc_cpuset *s)
{
	char *str = NULL;

	return rthc_cpuset_format_list(s, &str) < 0 ? NULL : str;
}
