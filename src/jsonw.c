/* Streaming JSON writer (see jsonw.h). */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

#define MAX_DEPTH 64

struct rthc_jsonw {
	FILE *f; /* borrowed */
	bool pretty;
	unsigned depth;
	bool first[MAX_DEPTH]; /* no element written yet at this depth */
	char kind[MAX_DEPTH];  /* '{' or '[' */
	bool after_key;
};

int rthc_jsonw_new(FILE *f, bool pretty, struct rthc_jsonw **ret)
{
	struct rthc_jsonw *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->f = f;
	w->pretty = pretty;
	w->first[0] = true;
	*ret = w;
	return 0;
}

struct rthc_jsonw *rthc_jsonw_free(struct rthc_jsonw *w)
{
	if (!w)
		return NULL;
	assert(w->depth == 0);
	if (w->pretty)
		fputc('\n', w->f);
	free(w);
	return NULL;
}

static void indent(struct rthc_jsonw *w)
{
	if (!w->pretty)
		return;
	fputc('\n', w->f);
	for (unsigned i = 0; i < w->depth; i++)
		fputs("  ", w->f);
}

/* Before a value: separators for array elements (object members got theirs in key()). */
static void before_value(struct rthc_jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	assert(w->depth == 0 || w->kind[w->depth] == '[');
	if (w->depth > 0) {
		if (!w->first[w->depth])
			fputc(',', w->f);
		indent(w);
	}
	w->first[w->depth] = false;
}

static void open_(struct rthc_jsonw *w, char c)
{
	before_value(w);
	assert(w->depth + 1 < MAX_DEPTH);
	fputc(c, w->f);
	w->depth++;
	w->first[w->depth] = true;
	w->kind[w->depth] = c;
}

static void close_(struct rthc_jsonw *w, char open, char c)
{
	assert(w->depth > 0 && w->kind[w->depth] == open && !w->after_key);
	w->depth--;
	if (!w->first[w->depth + 1])
		indent(w);
	fputc(c, w->f);
}

void rthc_jsonw_start_object(struct rthc_jsonw *w)
{
	open_(w, '{');
}

void rthc_jsonw_end_object(struct rthc_jsonw *w)
{
	close_(w, '{', '}');
}

void rthc_jsonw_start_array(struct rthc_jsonw *w)
{
	open_(w, '[');
}

void rthc_jsonw_end_array(struct rthc_jsonw *w)
{
	close_(w, '[', ']');
}

size_t rthc_utf8_decode(const unsigned char *s, uint32_t *cp_out)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80) {
		*cp_out = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cp_out = cp;
	return n;
}

void rthc_json_escape(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t cp;

	while (*s) {
		size_t n;

		switch (*s) {
		case '"':
			fputs("\\\"", f);
			s++;
			continue;
		case '\\':
			fputs("\\\\", f);
			s++;
			continue;
		case '\n':
			fputs("\\n", f);
			s++;
			continue;
		case '\t':
			fputs("\\t", f);
			s++;
			continue;
		case '\r':
			fputs("\\r", f);
			s++;
			continue;
		default:
			break;
		}
		if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s);
			s++;
			continue;
		}
		n = rthc_utf8_decode(s, &cp);
		if (n == 0) {
			fputs("\\ufffd", f);
			s++;
			continue;
		}
		fwrite(s, 1, n, f);
		s += n;
	}
}

void rthc_jsonw_key(struct rthc_jsonw *w, const char *key)
{
	assert(w->depth > 0 && w->kind[w->depth] == '{' && !w->after_key);
	if (!w->first[w->depth])
		fputc(',', w->f);
	w->first[w->depth] = false;
	indent(w);
	fputc('"', w->f);
	rthc_json_escape(w->f, key);
	fputs(w->pretty ? "\": " : "\":", w->f);
	w->after_key = true;
}

void rthc_jsonw_string(struct rthc_jsonw *w, const char *s)
{
	before_value(w);
	if (!s) {
		fputs("null", w->f);
		return;
	}
	fputc('"', w->f);
	rthc_json_escape(w->f, s);
	fputc('"', w->f);
}

void rthc_jsonw_int(struct rthc_jsonw *w, int64_t v)
{
	before_value(w);
	fprintf(w->f, "%" PRId64, v);
}

void rthc_jsonw_uint(struct rthc_jsonw *w, uint64_t v)
{
	before_value(w);
	fprintf(w->f, "%" PRIu64, v);
}

void rthc_jsonw_double(struct rthc_jsonw *w, double v)
{
	char buf[64], *p;

	before_value(w);
	if (!isfinite(v)) {
		fputs("null", w->f);
		return;
	}
	/* %.17g can print a ',' in some locales; the program runs in the C locale for numbers. */
	snprintf(buf, sizeof(buf), "%.6f", v);
	/* trim trailing zeros but keep one digit after the point */
	p = buf + strlen(buf) - 1;
	while (p > buf && *p == '0' && p[-1] != '.')
		*p-- = '\0';
	fputs(buf, w->f);
}

void rthc_jsonw_bool(struct rthc_jsonw *w, bool v)
{
	before_value(w);
	fputs(v ? "true" : "false", w->f);
}

void rthc_jsonw_null(struct rthc_jsonw *w)
{
	before_value(w);
	fputs("null", w->f);
}

void rthc_jsonw_kv_string(struct rthc_jsonw *w, const char *key, const char *s)
{
	rthc_jsonw_key(w, key);
	rthc_jsonw_string(w, s);
}

void rthc_jsonw_kv_int(struct rthc_jsonw *w, const char *key, int64_t v)
{
	rthc_jsonw_key(w, key);
	rthc_jsonw_int(w, v);
}

void rthc_jsonw_kv_uint(struct rthc_jsonw *w, const char *key, uint64_t v)
{
	rthc_jsonw_key(w, key);
	rthc_jsonw_uint(w, v);
}

void rthc_jsonw_kv_double(struct rthc_jsonw *w, const char *key, double v)
{
	rthc_jsonw_key(w, key);
	rthc_jsonw_double(w, v);
}

void rthc_jsonw_kv_bool(struct rthc_jsonw *w, const char *key, bool v)
{
	rthc_jsonw_key(w, key);
	rthc_jsonw_bool(w, v);
}

void rthc_jsonw_kv_null(struct rthc_jsonw *w, const char *key)
{
	rthc_jsonw_key(w, key);
	rthc_jsonw_null(w);
}
