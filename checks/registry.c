/*
 * The check registry: the family tables, ordered by the catalog (checks/catalog.def). Adding a
 * check never touches this file unless it adds a family.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "macro.h"

#define FAMILY(name) extern const struct rthc_check rthc_checks_##name[];
#include "families.def"
#undef FAMILY

static const struct rthc_check *const families[] = {
#define FAMILY(name) rthc_checks_##name,
#include "families.def"
#undef FAMILY
};

static const char *const catalog[] = {
#define CATALOG(id) id,
#include "catalog.def"
#undef CATALOG
};

static const char *const category_names[_RTHC_CAT_MAX] = {
	[RTHC_CAT_KERNEL] = "kernel", [RTHC_CAT_CMDLINE] = "cmdline", [RTHC_CAT_CPU] = "cpu",
	[RTHC_CAT_SCHED] = "sched",   [RTHC_CAT_TIMER] = "timer",     [RTHC_CAT_IRQ] = "irq",
	[RTHC_CAT_POWER] = "power",   [RTHC_CAT_MEM] = "mem",         [RTHC_CAT_KVM] = "kvm",
	[RTHC_CAT_MOD] = "mod",       [RTHC_CAT_SVC] = "svc",         [RTHC_CAT_PROC] = "proc",
	[RTHC_CAT_VM] = "vm",         [RTHC_CAT_HW] = "hw",           [RTHC_CAT_GUEST] = "guest",
	[RTHC_CAT_XCHECK] = "xcheck", [RTHC_CAT_WQ] = "wq",           [RTHC_CAT_RCU] = "rcu",
	[RTHC_CAT_WD] = "wd",         [RTHC_CAT_NET] = "net",
};

const char *rthc_category_to_string(enum rthc_category c)
{
	return (unsigned)c < _RTHC_CAT_MAX ? category_names[c] : "unknown";
}

static const struct rthc_check **sorted;
static size_t nsorted;

static size_t catalog_pos(const char *id)
{
	for (size_t i = 0; i < ARRAY_SIZE(catalog); i++)
		if (streq(catalog[i], id))
			return i;
	return ARRAY_SIZE(catalog); /* unknown IDs sort last (a unit test forbids them) */
}

static int cmp_check(const void *a, const void *b)
{
	const struct rthc_check *x = *(const struct rthc_check *const *)a;
	const struct rthc_check *y = *(const struct rthc_check *const *)b;
	size_t px = catalog_pos(x->id), py = catalog_pos(y->id);

	if (px != py)
		return px < py ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* Built once, on first use; the tables are constant so this is deterministic. */
static void build(void)
{
	size_t n = 0;

	if (sorted)
		return;
	for (size_t f = 0; f < ARRAY_SIZE(families); f++)
		for (const struct rthc_check *c = families[f]; c->id; c++)
			n++;
	sorted = calloc(n ? n : 1, sizeof(*sorted));
	if (!sorted)
		abort(); /* a few hundred bytes at start-up */
	for (size_t f = 0; f < ARRAY_SIZE(families); f++)
		for (const struct rthc_check *c = families[f]; c->id; c++)
			sorted[nsorted++] = c;
	qsort(sorted, nsorted, sizeof(*sorted), cmp_check);
}

size_t rthc_checks_count(void)
{
	build();
	return nsorted;
}

const struct rthc_check *rthc_checks_get(size_t i)
{
	build();
	return i < nsorted ? sorted[i] : NULL;
}

const struct rthc_check *rthc_checks_find(const char *id)
{
	build();
	for (size_t i = 0; i < nsorted; i++)
		if (streq(sorted[i]->id, id))
			return sorted[i];
	return NULL;
}

bool rthc_checks_category_exists(const char *prefix)
{
	size_t n = strlen(prefix);

	build();
	for (size_t i = 0; i < nsorted; i++)
		if (strneq(sorted[i]->id, prefix, n) && sorted[i]->id[n] == '.')
			return true;
	return false;
}

bool rthc_catalog_has(const char *id)
{
	return catalog_pos(id) < ARRAY_SIZE(catalog);
}

static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), *row, best;

	if (la > 64 || lb > 64)
		return (size_t)-1;
	row = calloc(lb + 1, sizeof(*row));
	if (!row)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j], sub = prev + (a[i - 1] != b[j - 1]);

			row[j] = row[j] + 1 < row[j - 1] + 1 ? row[j] + 1 : row[j - 1] + 1;
			if (sub < row[j])
				row[j] = sub;
			prev = cur;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

const char *rthc_checks_nearest(const char *id)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1;

	build();
	for (size_t i = 0; i < nsorted; i++) {
		size_t d = distance(id, sorted[i]->id);

		if (d < bestd) {
			bestd = d;
			best = sorted[i]->id;
		}
	}
	return best;
}
