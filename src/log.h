/* Diagnostics on stderr for main.c and cli.c; library layers never log above debug. */
#pragma once

#include "macro.h"

void rthc_log_error(const char *fmt, ...) _printf_format_(1, 2);
/* Print "rthostcheck: MSG: strerror(-err)" and return err. */
int rthc_log_errno(int err, const char *fmt, ...) _printf_format_(2, 3);
