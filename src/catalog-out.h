/* --list-checks and --explain. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

struct rthc_check;

int rthc_list_checks(FILE *f, bool json);
int rthc_explain(FILE *f, const struct rthc_check *c, bool json);
