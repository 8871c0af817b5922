/* tuned profile files (see svc-tuned.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc-tuned.h"
#include "util.h"

static const char *const profile_dirs[] = {
	"/etc/tuned/profiles",
	"/etc/tuned",
	"/usr/lib/tuned/profiles",
	"/usr/lib/tuned",
};

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Call cb(section, key, value) for each `key = value` line of an INI text; sections as "[name]". */
static int foreach_ini(char *text,
		       int (*cb)(const char *sec, const char *key, const char *val, void *u),
		       void *u)
{
	char section[64] = "";

	for (char *line = text, *next; line; line = next) {
		char *eq, *s;
		int r;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *e = strchr(s, ']');

			if (e && (size_t)(e - s - 1) < sizeof(section)) {
				memcpy(section, s + 1, (size_t)(e - s - 1));
				section[e - s - 1] = '\0';
				r = cb(section, NULL, NULL, u);
				if (r)
					return r;
			}
			continue;
		}
		eq = strchr(s, '=');
		if (!eq)
			continue;
		*eq = '\0';
		r = cb(section, trim(s), trim(eq + 1), u);
		if (r)
			return r;
	}
	return 0;
}

struct conf_state {
	struct rthc_tuned_profile *p;
	char includes[256];
	int err;
};

static int conf_cb(const char *sec, const char *key, const char *val, void *u)
{
	struct conf_state *st = u;
	char **dst = NULL;

	if (!key) {
		if (streq(sec, "rtentsk"))
			st->p->rtentsk = true;
		return 0;
	}
	if (streq(sec, "main") && streq(key, "include"))
		snprintf(st->includes, sizeof(st->includes), "%s", val);
	else if (streq(sec, "variables") && streq(key, "isolated_cores") &&
		 !strstr(val, "${isolated_cores}"))
		dst = &st->p->isolated_cores;
	else if (streq(sec, "variables") && streq(key, "include"))
		dst = &st->p->vars_include;
	if (dst) {
		free(*dst);
		*dst = strdup(val);
		if (!*dst)
			return -ENOMEM;
	}
	return 0;
}

/* Read profile p->name; its [main] include list into includes. */
static int read_profile(struct rthc_host *h, struct rthc_tuned_profile *p, char *includes,
			size_t size)
{
	struct conf_state st = { .p = p };

	includes[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(profile_dirs); i++) {
		_cleanup_free_ char *text = NULL;
		char path[256];
		int r;

		snprintf(path, sizeof(path), "%s/%s/tuned.conf", profile_dirs[i], p->name);
		if (rthc_host_read_file(h, path, &text, NULL) < 0)
			continue;
		p->conf_path = strdup(path);
		if (!p->conf_path)
			return -ENOMEM;
		r = foreach_ini(text, conf_cb, &st);
		if (r < 0)
			return r;
		snprintf(includes, size, "%s", st.includes);
		return 0;
	}
	return 0;
}

static int add(struct rthc_tuned_chain *c, const char *name, size_t len)
{
	if (!len || len >= sizeof(c->p[0].name) || memchr(name, '$', len) || memchr(name, '/', len))
		return 0;
	for (size_t i = 0; i < c->n; i++)
		if (strlen(c->p[i].name) == len && strneq(c->p[i].name, name, len))
			return 0;
	if (c->n == RTHC_TUNED_MAX_CHAIN)
		return 0;
	memcpy(c->p[c->n].name, name, len);
	c->p[c->n++].name[len] = '\0';
	return 1;
}

/* Add every name of a list separated by commas or white space. */
static void add_list(struct rthc_tuned_chain *c, const char *list)
{
	for (const char *s = list; *s;) {
		size_t n;

		s += strspn(s, ", \t");
		n = strcspn(s, ", \t");
		add(c, s, n);
		s += n;
	}
}

int rthc_tuned_chain_read(struct rthc_host *h, struct rthc_tuned_chain *c)
{
	int r;

	memset(c, 0, sizeof(*c));
	r = rthc_host_read_str(h, "/etc/tuned/active_profile", &c->active);
	if (r < 0)
		return r;
	add_list(c, c->active);
	c->nactive = c->n;
	for (size_t i = 0; i < c->n; i++) {
		char includes[256];

		r = read_profile(h, &c->p[i], includes, sizeof(includes));
		if (r < 0)
			return r;
		add_list(c, includes);
	}
	return 0;
}

void rthc_tuned_chain_done(struct rthc_tuned_chain *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->p[i].conf_path);
		free(c->p[i].isolated_cores);
		free(c->p[i].vars_include);
	}
	free(c->active);
	memset(c, 0, sizeof(*c));
}

struct var_state {
	char *value; /* owned */
};

static int var_cb(const char *sec, const char *key, const char *val, void *u)
{
	struct var_state *st = u;

	if (key && streq(key, "isolated_cores") && !strstr(val, "${isolated_cores}")) {
		free(st->value);
		st->value = strdup(val);
		if (!st->value)
			return -ENOMEM;
	}
	return 0;
}

/* isolated_cores from a variables file (no sections); 1 found, 0 not, negative errno. */
static int vars_file(struct rthc_host *h, const char *path, char **value)
{
	_cleanup_free_ char *text = NULL;
	struct var_state st = {0};
	int r;

	if (strchr(path, '$') || rthc_host_read_file(h, path, &text, NULL) < 0)
		return 0;
	r = foreach_ini(text, var_cb, &st);
	if (r < 0) {
		free(st.value);
		return r;
	}
	*value = st.value;
	return !!st.value;
}

int rthc_tuned_isolated_cores(struct rthc_host *h, const struct rthc_tuned_chain *c, char **value,
			      char **src)
{
	*value = *src = NULL;
	/* Children come first in the chain; among active profiles the last one wins. */
	for (size_t a = c->nactive; a-- > 0;) {
		for (size_t i = 0; i < c->n; i++) {
			const struct rthc_tuned_profile *p = &c->p[i];
			char path[256];
			int r;

			if (i < c->nactive && i != a)
				continue;
			if (p->isolated_cores) {
				*value = strdup(p->isolated_cores);
				*src = strdup(p->conf_path);
			} else {
				if (p->vars_include)
					snprintf(path, sizeof(path), "%s", p->vars_include);
				else
					snprintf(path, sizeof(path), "/etc/tuned/%s-variables.conf",
						 p->name);
				r = vars_file(h, path, value);
				if (r < 0)
					return r;
				if (r)
					*src = strdup(path);
			}
			if (*value || *src) {
				if (!*value || !*src) {
					free(*value);
					free(*src);
					*value = *src = NULL;
					return -ENOMEM;
				}
				return 1;
			}
		}
	}
	return 0;
}

int rthc_tuned_eval_cores(const struct rthc_facts *f, const char *value, struct rthc_cpuset *out)
{
	const struct rthc_topology *t = &f->topology;
	unsigned reserve = 1;

	rthc_cpuset_zero(out);
	if (strneq(value, "${f:calc_isolated_cores", 23)) {
		const char *p = value + 23;
		char *end;

		if (*p == ':') {
			unsigned long n = strtoul(p + 1, &end, 10);

			if (end == p + 1 || n > 4096)
				return -EINVAL;
			reserve = (unsigned)n;
			p = end;
		}
		if (!streq(p, "}"))
			return -EINVAL;
		/* tuned: CPUs with a readable physical_package_id, the first `reserve` of each
		 * package kept. */
		for (size_t i = 0; i < t->ncpus; i++) {
			const struct rthc_cpu *c = &t->cpus[i];
			unsigned before = 0;

			if (!c->has_topology || c->package < 0)
				continue;
			for (size_t j = 0; j < i; j++)
				if (t->cpus[j].has_topology && t->cpus[j].package == c->package)
					before++;
			if (before >= reserve && rthc_cpuset_set(out, c->id) < 0)
				return -ENOMEM;
		}
		return 0;
	}
	if (strchr(value, '$'))
		return -EINVAL;
	return rthc_cpuset_parse_list(out, value, t->nr_cpu_ids);
}
