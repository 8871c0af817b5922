/* A growable string buffer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void rthc_strbuf_init(struct rthc_strbuf *sb)
{
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

void rthc_strbuf_done(struct rthc_strbuf *sb)
{
	free(sb->buf);
	rthc_strbuf_init(sb);
}

static int reserve(struct rthc_strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1, cap;
	char *b;

	if (need <= sb->cap)
		return 0;
	cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	b = realloc(sb->buf, cap);
	if (!b)
		return -ENOMEM;
	sb->buf = b;
	sb->cap = cap;
	return 0;
}

int rthc_strbuf_append(struct rthc_strbuf *sb, const char *s, size_t n)
{
	int r = reserve(sb, n);

	if (r < 0)
		return r;
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
	return 0;
}

int rthc_strbuf_puts(struct rthc_strbuf *sb, const char *s)
{
	return rthc_strbuf_append(sb, s, strlen(s));
}

int rthc_strbuf_putc(struct rthc_strbuf *sb, char c)
{
	return rthc_strbuf_append(sb, &c, 1);
}

int rthc_strbuf_vprintf(struct rthc_strbuf *sb, const char *fmt, va_list ap)
{
	va_list aq;
	int n, r;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return -EINVAL;
	r = reserve(sb, (size_t)n);
	if (r < 0)
		return r;
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
	return 0;
}

int rthc_strbuf_printf(struct rthc_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = rthc_strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
	return r;
}

const char *rthc_strbuf_str(const struct rthc_strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

int rthc_strbuf_steal(struct rthc_strbuf *sb, char **ret)
{
	if (!sb->buf) {
		*ret = strdup("");
		return *ret ? 0 : -ENOMEM;
	}
	*ret = sb->buf;
	rthc_strbuf_init(sb);
	return 0;
}
