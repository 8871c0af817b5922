/* A growable string buffer. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "macro.h"

struct rthc_strbuf {
	char *buf; /* owned, always NUL-terminated once non-NULL */
	size_t len, cap;
};

void rthc_strbuf_init(struct rthc_strbuf *sb);
void rthc_strbuf_done(struct rthc_strbuf *sb);
int rthc_strbuf_append(struct rthc_strbuf *sb, const char *s, size_t n);
int rthc_strbuf_puts(struct rthc_strbuf *sb, const char *s);
int rthc_strbuf_putc(struct rthc_strbuf *sb, char c);
int rthc_strbuf_printf(struct rthc_strbuf *sb, const char *fmt, ...) _printf_format_(2, 3);
int rthc_strbuf_vprintf(struct rthc_strbuf *sb, const char *fmt, va_list ap) _printf_format_(2, 0);
/* The contents ("" when nothing was added); valid until the next change. */
const char *rthc_strbuf_str(const struct rthc_strbuf *sb);
/* Hand the buffer over (malloc'd, "" if empty) and reset sb. */
int rthc_strbuf_steal(struct rthc_strbuf *sb, char **ret);
