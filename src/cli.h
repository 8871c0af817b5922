/* Command-line parsing (spec/cli.md) into struct rthc_opts. */
#pragma once

#include <stdio.h>

#include "ctx.h"

/*
 * Parse argv into opts. Returns 0, or RTHC_EXIT_USAGE after printing the error (and "Try
 * 'rthostcheck --help'.") to stderr; *json_errors is set when --json/--format json was seen so
 * that main can also print the JSON error document.
 */
int rthc_cli_parse(int argc, char **argv, struct rthc_opts *opts, char *errbuf, size_t errlen);
void rthc_cli_usage(FILE *f);
void rthc_opts_done(struct rthc_opts *opts);
/* Check --check/--skip IDs against the registry; 0 or RTHC_EXIT_USAGE with a message. */
int rthc_cli_validate_ids(const struct rthc_opts *opts, char *errbuf, size_t errlen);
/* Whether --check/--skip select check id; *why gets the reason when deselected. */
bool rthc_cli_selected(const struct rthc_opts *opts, const char *id, const char **why);
