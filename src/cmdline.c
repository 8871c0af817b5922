/* Kernel command line parsing (see cmdline.h). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "macro.h"

struct rthc_cmdline *rthc_cmdline_free(struct rthc_cmdline *c)
{
	if (!c)
		return NULL;
	for (size_t i = 0; i < c->nparams; i++) {
		free(c->params[i].key);
		free(c->params[i].value);
	}
	free(c->params);
	free(c->raw);
	free(c);
	return NULL;
}

/*
 * One parameter from *pos, as next_arg() does: returns the end of the token and sets the key and
 * value spans. Quotes are kept in the token and removed by the caller as the kernel removes them.
 */
static int add_param(struct rthc_cmdline *c, const char *tok, size_t len)
{
	struct rthc_cmdline_param *p;
	size_t equals = 0, keylen;
	bool in_quote = false, quoted = false;
	char *key, *val = NULL;

	if (tok[0] == '"') {
		tok++;
		len--;
		in_quote = quoted = true;
	}
	for (size_t i = 0; i < len; i++) {
		if (equals == 0 && tok[i] == '=')
			equals = i;
		if (tok[i] == '"')
			in_quote = !in_quote;
	}
	keylen = equals ? equals : len;
	if (!equals && quoted && keylen > 0 && tok[keylen - 1] == '"')
		keylen--;
	key = strndup(tok, keylen);
	if (!key)
		return -ENOMEM;
	if (equals) {
		const char *v = tok + equals + 1;
		size_t vlen = len - equals - 1;

		if (vlen > 0 && v[0] == '"') {
			v++;
			vlen--;
			if (vlen > 0 && v[vlen - 1] == '"')
				vlen--;
		} else if (quoted && vlen > 0 && v[vlen - 1] == '"') {
			vlen--;
		}
		val = strndup(v, vlen);
		if (!val) {
			free(key);
			return -ENOMEM;
		}
	}
	p = realloc(c->params, (c->nparams + 1) * sizeof(*p));
	if (!p) {
		free(key);
		free(val);
		return -ENOMEM;
	}
	c->params = p;
	c->params[c->nparams].key = key;
	c->params[c->nparams].value = val;
	c->nparams++;
	return 0;
}

int rthc_cmdline_parse(const char *line, struct rthc_cmdline **ret)
{
	struct rthc_cmdline *c;
	const char *p;
	size_t n;
	int r;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\0'))
		n--;
	c->raw = strndup(line, n);
	if (!c->raw) {
		rthc_cmdline_free(c);
		return -ENOMEM;
	}
	p = c->raw;
	for (;;) {
		const char *start;
		bool in_quote = false;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		start = p;
		for (; *p; p++) {
			if (isspace((unsigned char)*p) && !in_quote)
				break;
			if (*p == '"')
				in_quote = !in_quote;
		}
		if (p - start == 2 && strneq(start, "--", 2)) {
			/* Everything after "--" belongs to init. */
			while (*p) {
				while (isspace((unsigned char)*p))
					p++;
				if (!*p)
					break;
				c->ninit++;
				while (*p && !isspace((unsigned char)*p))
					p++;
			}
			break;
		}
		r = add_param(c, start, (size_t)(p - start));
		if (r < 0) {
			rthc_cmdline_free(c);
			return r;
		}
	}
	*ret = c;
	return 0;
}

bool rthc_cmdline_key_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;

		if (x != y)
			return false;
	}
	return *a == *b;
}

const struct rthc_cmdline_param *rthc_cmdline_find(const struct rthc_cmdline *c, const char *key)
{
	if (!c)
		return NULL;
	for (size_t i = c->nparams; i-- > 0;)
		if (rthc_cmdline_key_eq(c->params[i].key, key))
			return &c->params[i];
	return NULL;
}

bool rthc_cmdline_has(const struct rthc_cmdline *c, const char *key)
{
	return rthc_cmdline_find(c, key) != NULL;
}

const char *rthc_cmdline_get(const struct rthc_cmdline *c, const char *key)
{
	const struct rthc_cmdline_param *p = rthc_cmdline_find(c, key);

	if (!p)
		return NULL;
	return p->value ? p->value : "";
}

int rthc_cmdline_parse_isolcpus(const char *value, unsigned nbits, unsigned *flags,
				const char **names_out, struct rthc_cpuset *cpus)
{
	static const struct {
		const char *name;
		unsigned flag;
	} names[] = {
		{"nohz", RTHC_ISOL_NOHZ},
		{"domain", RTHC_ISOL_DOMAIN},
		{"managed_irq", RTHC_ISOL_MANAGED_IRQ},
	};
	const char *p = value;
	unsigned f = 0, nnames = 0;

	rthc_cpuset_zero(cpus);
	if (names_out)
		names_out[0] = NULL;
	/*
	 * As housekeeping_isolcpus_setup(): while the text starts with a letter, consume a
	 * "flag," prefix. An unknown word made of letters and '_' is skipped (the kernel logs
	 * "Skipped unknown flag"); one with other characters makes the kernel ignore isolcpus=.
	 * With no known flag at all, the kernel assumes "domain" (and only then).
	 */
	while (isalpha((unsigned char)*p)) {
		bool found = false;

		for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
			size_t l = strlen(names[i].name);

			if (strneq(p, names[i].name, l) && p[l] == ',') {
				if (!(f & names[i].flag) && names_out)
					names_out[nnames++] = names[i].name;
				f |= names[i].flag;
				p += l + 1;
				found = true;
				break;
			}
		}
		if (found)
			continue;
		for (; *p && *p != ','; p++)
			if (!isalpha((unsigned char)*p) && *p != '_')
				return -EINVAL;
		if (!*p)
			return -EINVAL;
		p++;
	}
	if (!f) {
		f = RTHC_ISOL_DOMAIN;
		if (names_out)
			names_out[nnames++] = "domain";
	}
	if (names_out)
		names_out[nnames] = NULL;
	*flags = f;
	return rthc_cpuset_parse_list(cpus, p, nbits);
}
