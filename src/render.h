/*
 * Renderers: each takes the finished report read-only and writes one format. They are the only
 * code that knows a format exists; a new format is one new render-*.c and one table row.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "ctx.h"

struct rthc_report;

enum {
	RTHC_RENDER_COLOR = 1u << 0,
	RTHC_RENDER_QUIET = 1u << 1,
	RTHC_RENDER_VERBOSE = 1u << 2,
};

struct rthc_renderer {
	enum rthc_format format;
	int (*render)(const struct rthc_report *rep, FILE *f, unsigned flags);
};

/* Render rep in format to f; returns 0 or a negative errno (write errors included). */
int rthc_render(const struct rthc_report *rep, enum rthc_format format, FILE *f, unsigned flags);

/* Whether this build has a renderer for format. */
bool rthc_render_supported(enum rthc_format format);

int rthc_render_text(const struct rthc_report *rep, FILE *f, unsigned flags);
int rthc_render_json(const struct rthc_report *rep, FILE *f, unsigned flags);
int rthc_render_junit(const struct rthc_report *rep, FILE *f, unsigned flags);
int rthc_render_prometheus(const struct rthc_report *rep, FILE *f, unsigned flags);

/*
 * The JSON document for a run that ended before a report existed (exit >= 64): schema_version,
 * verdict "error", exit_code, errors[].
 */
int rthc_render_json_error(FILE *f, int exit_code, const char *const *messages, size_t n);
