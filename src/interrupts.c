/* /proc/interrupts parser (see interrupts.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "interrupts.h"

/* Labels are short ("LOC", "IPI12", "12345"); anything longer is not a row. */
#define LABEL_MAX 32
/* A count is an unsigned int in the kernel (10 digits); allow u64 but not more. */
#define COUNT_DIGITS_MAX 20

struct rthc_irq_parser {
	char *buf, *abuf; /* owned: mutable copies of the line and of its action list */
	size_t cap, acap;
	unsigned *cpus;   /* owned */
	size_t ncols;
	bool have_header;
	uint64_t *counts; /* owned, ncols entries */
	const char **actions; /* owned array (pointers into abuf) */
	size_t actions_cap;
	size_t skipped;
	struct rthc_irq_header hdr;
	struct rthc_irq_row row;
};

int rthc_irq_parser_new(struct rthc_irq_parser **ret)
{
	struct rthc_irq_parser *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	*ret = p;
	return 0;
}

struct rthc_irq_parser *rthc_irq_parser_free(struct rthc_irq_parser *p)
{
	if (!p)
		return NULL;
	free(p->buf);
	free(p->abuf);
	free(p->cpus);
	free(p->counts);
	free(p->actions);
	free(p);
	return NULL;
}

const struct rthc_irq_header *rthc_irq_parser_header(const struct rthc_irq_parser *p)
{
	return p->have_header ? &p->hdr : NULL;
}

size_t rthc_irq_parser_skipped(const struct rthc_irq_parser *p)
{
	return p->skipped;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char *skip_ws(char *s)
{
	for (;; s++) {
		while (*s == ' ') /* the column padding: the hot loop on a large host */
			s++;
		if (!is_space(*s))
			return s;
	}
}

static size_t token_len(const char *s)
{
	size_t n = 0;

	while (s[n] && !is_space(s[n]))
		n++;
	return n;
}

/* Copy the line into buf (up to an embedded NUL) with trailing white space removed. */
static int load_line(char **buf, size_t *cap, const char *line, size_t len)
{
	const char *nul = memchr(line, '\0', len);

	if (nul)
		len = (size_t)(nul - line);
	while (len > 0 && is_space(line[len - 1]))
		len--;
	if (len + 1 > *cap) {
		size_t ncap = len + 1 < 256 ? 256 : len + 1;
		char *n = realloc(*buf, ncap);

		if (!n)
			return -ENOMEM;
		*buf = n;
		*cap = ncap;
	}
	memcpy(*buf, line, len);
	(*buf)[len] = '\0';
	return 0;
}

/* "CPU0 CPU1 CPU3": the column header. -EINVAL if the line is anything else. */
static int parse_header(struct rthc_irq_parser *p, char *s)
{
	size_t n = 0, cap = 0;
	unsigned *cpus = NULL;

	for (s = skip_ws(s); *s; s = skip_ws(s)) {
		size_t l = token_len(s);
		unsigned long id = 0;

		if (l < 4 || l > 3 + 7 || !strneq(s, "CPU", 3))
			goto bad;
		for (size_t i = 3; i < l; i++) {
			if (!is_digit(s[i]))
				goto bad;
			id = id * 10 + (unsigned long)(s[i] - '0');
		}
		if (id >= 65536)
			goto bad;
		if (n == cap) {
			unsigned *c = realloc(cpus, (cap ? cap * 2 : 64) * sizeof(*cpus));

			if (!c) {
				free(cpus);
				return -ENOMEM;
			}
			cpus = c;
			cap = cap ? cap * 2 : 64;
		}
		cpus[n++] = (unsigned)id;
		s += l;
	}
	p->counts = calloc(n ? n : 1, sizeof(*p->counts));
	if (!p->counts) {
		free(cpus);
		return -ENOMEM;
	}
	p->cpus = cpus;
	p->ncols = n;
	p->hdr.cpus = cpus;
	p->hdr.ncols = n;
	p->have_header = true;
	return 0;
bad:
	free(cpus);
	return -EINVAL;
}

/* A count token: digits followed by white space or the end. Returns its length or 0. */
static size_t count_token(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	size_t n = 0;

	while (is_digit(s[n])) {
		unsigned d = (unsigned)(s[n] - '0');

		/* 19 digits cannot overflow: only the 20th needs the check */
		if (n >= 19 && (n >= COUNT_DIGITS_MAX || x > (UINT64_MAX - d) / 10))
			return 0;
		x = x * 10 + d;
		n++;
	}
	if (n == 0 || (s[n] && !is_space(s[n])))
		return 0;
	*v = x;
	return n;
}

/* Whether the last "-xxx" of an old-style chip name ("IO-APIC-edge") is a flow type. */
static const char *flow_suffix(char *chip)
{
	static const char *const flows[] = {"edge", "level", "fasteoi", "simple", "percpu",
					    "percpu_devid", "edge_irq", "level_irq"};
	char *dash = strrchr(chip, '-');

	if (!dash || dash == chip)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(flows); i++)
		if (streq(dash + 1, flows[i])) {
			*dash = '\0';
			return dash + 1;
		}
	return NULL;
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

/* Accept the token s[0..n) and return where parsing continues. */
static char *take(char *s, size_t n)
{
	if (!s[n])
		return s + n;
	s[n] = '\0';
	return s + n + 1;
}

static int split_actions(struct rthc_irq_parser *p, const char *desc)
{
	size_t n = 0, len = strlen(desc);
	char *s;

	if (len + 1 > p->acap) {
		char *b = realloc(p->abuf, len + 1);

		if (!b)
			return -ENOMEM;
		p->abuf = b;
		p->acap = len + 1;
	}
	memcpy(p->abuf, desc, len + 1);
	for (s = p->abuf; *s;) {
		char *comma = strchr(s, ',');
		char *end = comma ? comma : s + strlen(s);

		while (end > s && is_space(end[-1]))
			end--;
		if (n == p->actions_cap) {
			size_t ncap = p->actions_cap ? p->actions_cap * 2 : 8;
			const char **a = realloc(p->actions, ncap * sizeof(*a));

			if (!a)
				return -ENOMEM;
			p->actions = a;
			p->actions_cap = ncap;
		}
		if (end > s) {
			p->actions[n++] = s;
			*end = '\0';
		}
		if (!comma)
			break;
		s = skip_ws(comma + 1);
	}
	p->row.actions = p->actions;
	p->row.nactions = n;
	return 0;
}

/* After the counts of a numeric row: chip, hwirq, trigger, actions. */
static int parse_numeric_tail(struct rthc_irq_parser *p, char *s)
{
	struct rthc_irq_row *row = &p->row;
	char *chip;
	size_t n;

	s = skip_ws(s);
	n = token_len(s);
	if (n == 0)
		return split_actions(p, "");
	chip = s;
	row->chip = chip;
	s = skip_ws(take(s, n));
	n = token_len(s);
	if (all_digits(s, n)) {
		/* "IO-APIC   2-edge": the hardware IRQ alone, or glued to the flow type */
		row->hwirq = s;
		s = skip_ws(take(s, n));
	} else if (n > 0 && is_digit(s[0])) {
		size_t d = 0;

		while (is_digit(s[d]))
			d++;
		if (s[d] == '-' && d + 1 < n) {
			row->hwirq = s;
			s[d] = '\0';
			row->trigger = s + d + 1;
			s = skip_ws(take(s, n));
		}
	} else if (n > 1 && s[0] == '-') {
		row->trigger = s + 1; /* no irq domain: "   -edge" */
		s = skip_ws(take(s, n));
	}
	n = token_len(s);
	if (*row->hwirq && !*row->trigger && n > 0 &&
	    ((n == 5 && strneq(s, "Level", 5)) || (n == 4 && strneq(s, "Edge", 4)))) {
		row->trigger = s; /* CONFIG_GENERIC_IRQ_SHOW_LEVEL */
		s = skip_ws(take(s, n));
		n = token_len(s);
		if (n > 1 && s[0] == '-')
			s = skip_ws(take(s, n)); /* the flow handler name that may follow */
	}
	if (!*row->hwirq && !*row->trigger) {
		const char *f = flow_suffix(chip);

		if (f)
			row->trigger = f;
	}
	row->desc = s;
	return split_actions(p, s);
}

int rthc_irq_parser_feed(struct rthc_irq_parser *p, const char *line, size_t len,
			 const struct rthc_irq_row **rowp)
{
	struct rthc_irq_row *row = &p->row;
	char *s, *colon, *label;
	size_t i, n;
	int r;

	*rowp = NULL;
	r = load_line(&p->buf, &p->cap, line, len);
	if (r < 0)
		return r;
	s = skip_ws(p->buf);
	if (!*s)
		return 0;
	if (!p->have_header) {
		r = parse_header(p, s);
		return r < 0 ? r : 0;
	}
	colon = strchr(s, ':');
	if (!colon || colon == s || (size_t)(colon - s) > LABEL_MAX)
		goto skip;
	for (char *c = s; c < colon; c++)
		if (is_space(*c))
			goto skip;
	label = s;
	*colon = '\0';
	s = colon + 1;
	for (i = 0; i < p->ncols; i++) {
		char *t = skip_ws(s);

		n = count_token(t, &p->counts[i]);
		if (n == 0)
			break;
		s = t + n;
	}
	if (i == 0)
		goto skip;
	*row = (struct rthc_irq_row){
		.label = label,
		.counts = p->counts,
		.ncounts = i,
		.chip = "",
		.hwirq = "",
		.trigger = "",
		.desc = "",
	};
	n = strlen(label);
	if (all_digits(label, n) && n <= 9) {
		row->numeric = true;
		row->irq = (unsigned)strtoul(label, NULL, 10);
		r = parse_numeric_tail(p, s);
		if (r < 0)
			return r;
	} else {
		row->desc = skip_ws(s);
		row->actions = p->actions;
		row->nactions = 0;
	}
	*rowp = row;
	return 1;
skip:
	p->skipped++;
	return 0;
}

struct walk {
	struct rthc_irq_parser *p;
	rthc_irq_row_cb cb;
	void *userdata;
};

static int walk_line(const char *line, size_t len, void *userdata)
{
	struct walk *w = userdata;
	const struct rthc_irq_row *row;
	int r = rthc_irq_parser_feed(w->p, line, len, &row);

	if (r <= 0)
		return r;
	return w->cb(&w->p->hdr, row, w->userdata);
}

int rthc_interrupts_foreach(struct rthc_host *h, const char *path, rthc_irq_row_cb cb,
			    void *userdata)
{
	struct walk w = {.cb = cb, .userdata = userdata};
	int r;

	r = rthc_irq_parser_new(&w.p);
	if (r < 0)
		return r;
	r = rthc_host_foreach_line(h, path, walk_line, &w);
	if (r >= 0 && !w.p->have_header)
		r = -ENODATA;
	rthc_irq_parser_free(w.p);
	return r;
}
