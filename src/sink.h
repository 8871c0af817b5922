/* Output sinks for -o FORMAT:PATH: each file written atomically. */
#pragma once

struct rthc_report;
struct rthc_output;

/*
 * Render rep into path atomically: a temp file in the same directory, fsync, rename. On failure
 * an existing file at path is left untouched and a negative errno is returned.
 */
int rthc_sink_write(const struct rthc_report *rep, const struct rthc_output *out, unsigned flags);
