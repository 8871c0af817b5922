/*
 * A streaming JSON writer (after iproute2's json_writer): it does all escaping, keeps the comma
 * and indentation state, and asserts that objects and arrays nest properly. Output is pretty
 * printed with two-space indentation, numbers in the C locale.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct rthc_jsonw;

int rthc_jsonw_new(FILE *f, bool pretty, struct rthc_jsonw **ret);
/* Frees the writer; returns NULL. Asserts that everything opened was closed. */
struct rthc_jsonw *rthc_jsonw_free(struct rthc_jsonw *w);

void rthc_jsonw_start_object(struct rthc_jsonw *w);
void rthc_jsonw_end_object(struct rthc_jsonw *w);
void rthc_jsonw_start_array(struct rthc_jsonw *w);
void rthc_jsonw_end_array(struct rthc_jsonw *w);
/* Inside an object: the next value's key. */
void rthc_jsonw_key(struct rthc_jsonw *w, const char *key);

void rthc_jsonw_string(struct rthc_jsonw *w, const char *s); /* NULL writes null */
void rthc_jsonw_int(struct rthc_jsonw *w, int64_t v);
void rthc_jsonw_uint(struct rthc_jsonw *w, uint64_t v);
void rthc_jsonw_double(struct rthc_jsonw *w, double v);
void rthc_jsonw_bool(struct rthc_jsonw *w, bool v);
void rthc_jsonw_null(struct rthc_jsonw *w);

/* key + value shorthands */
void rthc_jsonw_kv_string(struct rthc_jsonw *w, const char *key, const char *s);
void rthc_jsonw_kv_int(struct rthc_jsonw *w, const char *key, int64_t v);
void rthc_jsonw_kv_uint(struct rthc_jsonw *w, const char *key, uint64_t v);
void rthc_jsonw_kv_double(struct rthc_jsonw *w, const char *key, double v);
void rthc_jsonw_kv_bool(struct rthc_jsonw *w, const char *key, bool v);
void rthc_jsonw_kv_null(struct rthc_jsonw *w, const char *key);

/*
 * One UTF-8 sequence at s: its length (1-4) with the code point in *cp, or 0 when it is not
 * valid UTF-8 (overlong forms, surrogates and values above U+10FFFF are invalid).
 */
size_t rthc_utf8_decode(const unsigned char *s, uint32_t *cp);

/* Escape s as a JSON string body (no quotes) into f; invalid UTF-8 becomes U+FFFD. */
void rthc_json_escape(FILE *f, const char *s);
