/* The /proc/interrupts table: rows kept in memory, indexed by IRQ number (see interrupts.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "host.h"
#include "interrupts.h"

static void entry_done(struct rthc_irq_entry *e)
{
	free(e->label); /* the other strings share its allocation */
	free(e->counts);
}

struct rthc_interrupts *rthc_interrupts_free(struct rthc_interrupts *t)
{
	if (!t)
		return NULL;
	for (size_t i = 0; i < t->nrows; i++)
		entry_done(&t->rows[i]);
	free(t->rows);
	free(t->by_irq);
	free(t->cpus);
	free(t);
	return NULL;
}

struct collect {
	struct rthc_interrupts *t;
	struct rthc_irq_parser *p;
	size_t cap;
	unsigned flags;
	const struct rthc_cpuset *select;
	bool *selected_col; /* owned: per column, whether its CPU is selected */
};

static int copy_header(struct rthc_interrupts *t, const struct rthc_irq_header *hdr)
{
	t->cpus = calloc(hdr->ncols ? hdr->ncols : 1, sizeof(*t->cpus));
	if (!t->cpus)
		return -ENOMEM;
	if (hdr->ncols)
		memcpy(t->cpus, hdr->cpus, hdr->ncols * sizeof(*t->cpus));
	t->ncols = hdr->ncols;
	t->cols_sorted = true;
	for (size_t i = 1; i < t->ncols; i++)
		if (t->cpus[i - 1] >= t->cpus[i])
			t->cols_sorted = false;
	return 0;
}

static int add_row(struct collect *c, const struct rthc_irq_row *row)
{
	struct rthc_interrupts *t = c->t;
	struct rthc_irq_entry *e;

	if (t->nrows == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 64;
		struct rthc_irq_entry *v = realloc(t->rows, ncap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->rows = v;
		c->cap = ncap;
	}
	e = &t->rows[t->nrows];
	*e = (struct rthc_irq_entry){.numeric = row->numeric, .irq = row->irq,
				     .nactions = (unsigned)row->nactions};
	{
		const char *src[5] = {row->label, row->chip, row->hwirq, row->trigger, row->desc};
		char **dst[5] = {&e->label, &e->chip, &e->hwirq, &e->trigger, &e->desc};
		size_t len[5], total = 0;
		char *p;

		for (int k = 0; k < 5; k++)
			total += (len[k] = strlen(src[k]) + 1);
		p = malloc(total);
		if (p)
			for (int k = 0; k < 5; k++) {
				memcpy(p, src[k], len[k]);
				*dst[k] = p;
				p += len[k];
			}
	}
	if (c->flags & RTHC_INTERRUPTS_COUNTS)
		e->counts = calloc(t->ncols ? t->ncols : 1, sizeof(*e->counts));
	if (!e->label || ((c->flags & RTHC_INTERRUPTS_COUNTS) && !e->counts)) {
		entry_done(e);
		return -ENOMEM;
	}
	for (size_t i = 0; i < row->ncounts && i < t->ncols; i++) {
		uint64_t v = row->counts[i];

		e->total = v > UINT64_MAX - e->total ? UINT64_MAX : e->total + v;
		if (c->selected_col && c->selected_col[i])
			e->selected = v > UINT64_MAX - e->selected ? UINT64_MAX : e->selected + v;
		if (e->counts)
			e->counts[i] = v;
	}
	t->nrows++;
	return 0;
}

static int collect_line(const char *line, size_t len, void *userdata)
{
	struct collect *c = userdata;
	const struct rthc_irq_row *row;
	int r = rthc_irq_parser_feed(c->p, line, len, &row);

	if (r < 0)
		return r;
	if (!c->t->cpus && rthc_irq_parser_header(c->p)) {
		r = copy_header(c->t, rthc_irq_parser_header(c->p));
		if (r < 0)
			return r;
		if (c->select) {
			c->selected_col = calloc(c->t->ncols ? c->t->ncols : 1, sizeof(bool));
			if (!c->selected_col)
				return -ENOMEM;
			for (size_t i = 0; i < c->t->ncols; i++)
				c->selected_col[i] = rthc_cpuset_test(c->select, c->t->cpus[i]);
		}
	}
	return row ? add_row(c, row) : 0;
}

/* The first of equal IRQ numbers stays first (the index breaks ties). */
static int cmp_irq(const void *a, const void *b, void *userdata)
{
	const struct rthc_irq_entry *rows = userdata;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	if (rows[x].irq != rows[y].irq)
		return rows[x].irq < rows[y].irq ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int index_rows(struct rthc_interrupts *t)
{
	bool sorted = true;
	size_t n = 0;

	t->by_irq = calloc(t->nrows ? t->nrows : 1, sizeof(*t->by_irq));
	if (!t->by_irq)
		return -ENOMEM;
	for (size_t i = 0; i < t->nrows; i++) {
		if (!t->rows[i].numeric)
			continue;
		if (n > 0 && t->rows[t->by_irq[n - 1]].irq >= t->rows[i].irq)
			sorted = false;
		t->by_irq[n++] = i;
	}
	t->nnumeric = n;
	if (!sorted)
		qsort_r(t->by_irq, n, sizeof(*t->by_irq), cmp_irq, t->rows);
	return 0;
}

int rthc_interrupts_read(struct rthc_host *h, const char *path, unsigned flags,
			 const struct rthc_cpuset *select, struct rthc_interrupts **ret)
{
	struct collect c = {.flags = flags, .select = select};
	int r;

	c.t = calloc(1, sizeof(*c.t));
	if (!c.t)
		return -ENOMEM;
	r = rthc_irq_parser_new(&c.p);
	if (r >= 0)
		r = rthc_host_foreach_line(h, path, collect_line, &c);
	if (r >= 0 && !c.t->cpus)
		r = -ENODATA;
	if (r >= 0 && c.t->nrows && c.cap > c.t->nrows) {
		struct rthc_irq_entry *v = realloc(c.t->rows, c.t->nrows * sizeof(*v));

		if (v)
			c.t->rows = v;
	}
	if (r >= 0) {
		c.t->skipped = rthc_irq_parser_skipped(c.p);
		r = index_rows(c.t);
	}
	rthc_irq_parser_free(c.p);
	free(c.selected_col);
	if (r < 0) {
		rthc_interrupts_free(c.t);
		return r;
	}
	*ret = c.t;
	return 0;
}

const struct rthc_irq_entry *rthc_interrupts_find(const struct rthc_interrupts *t, unsigned irq)
{
	size_t lo = 0, hi = t->nnumeric;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->rows[t->by_irq[mid]].irq < irq)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->nnumeric && t->rows[t->by_irq[lo]].irq == irq)
		return &t->rows[t->by_irq[lo]];
	return NULL;
}

const struct rthc_irq_entry *rthc_interrupts_find_named(const struct rthc_interrupts *t,
							 const char *label)
{
	for (size_t i = 0; i < t->nrows; i++)
		if (!t->rows[i].numeric && streq(t->rows[i].label, label))
			return &t->rows[i];
	return NULL;
}

int rthc_interrupts_column(const struct rthc_interrupts *t, unsigned cpu)
{
	size_t lo = 0, hi = t->ncols;

	if (!t->cols_sorted) {
		for (size_t i = 0; i < t->ncols; i++)
			if (t->cpus[i] == cpu)
				return (int)i;
		return -1;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->cpus[mid] < cpu)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->ncols && t->cpus[lo] == cpu ? (int)lo : -1;
}
