/* Diagnostics on stderr (see log.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

void rthc_log_error(const char *fmt, ...)
{
	va_list ap;

	fputs("rthostcheck: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int rthc_log_errno(int err, const char *fmt, ...)
{
	va_list ap;

	fputs("rthostcheck: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err < 0 ? -err : err));
	return err;
}
