/* Kernel command line parsing (see cmdline.h). */
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

static char *skip_spaces(char *p)
{
	while (rthc_kernel_isspace(*p))
		p++;
	return p;
}

/*
 * lib/cmdline.c next_arg(), on a scratch copy: splits off one parameter in place and returns the
 * start of the next. White space separates parameters except inside double quotes (a quote
 * toggles, it cannot be escaped); the first '=' (not at the very start) splits key and value; a
 * leading quote of the value, or of the whole parameter, is dropped together with a quote that
 * ends the parameter.
 */
static char *next_arg(char *args, char **param, char **val)
{
	size_t i, equals = 0;
	bool in_quote = false, quoted = false;

	if (*args == '"') {
		args++;
		in_quote = quoted = true;
	}
	for (i = 0; args[i]; i++) {
		if (rthc_kernel_isspace(args[i]) && !in_quote)
			break;
		if (equals == 0 && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	*param = args;
	if (!equals) {
		*val = NULL;
	} else {
		args[equals] = '\0';
		*val = args + equals + 1;
		if (**val == '"') {
			(*val)++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';
	if (args[i]) {
		args[i] = '\0';
		return skip_spaces(args + i + 1);
	}
	return args + i;
}

static int add_param(struct rthc_cmdline *c, const char *key, const char *value)
{
	struct rthc_cmdline_param *p;
	char *k, *v = NULL;

	k = strdup(key);
	if (!k)
		return -ENOMEM;
	if (value) {
		v = strdup(value);
		if (!v) {
			free(k);
			return -ENOMEM;
		}
	}
	p = realloc(c->params, (c->nparams + 1) * sizeof(*p));
	if (!p) {
		free(k);
		free(v);
		return -ENOMEM;
	}
	c->params = p;
	c->params[c->nparams].key = k;
	c->params[c->nparams].value = v;
	c->nparams++;
	return 0;
}

int rthc_cmdline_parse(const char *line, struct rthc_cmdline **ret)
{
	_cleanup_free_ char *scratch = NULL;
	struct rthc_cmdline *c;
	bool kernel = true;
	char *p;
	size_t n;
	int r;

	if (!line)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	n = strlen(line);
	while (n > 0 && line[n - 1] == '\n')
		n--;
	c->raw = strndup(line, n);
	scratch = strndup(line, n);
	if (!c->raw || !scratch) {
		rthc_cmdline_free(c);
		return -ENOMEM;
	}
	/* kernel/params.c parse_args(): parameters up to "--" are the kernel's, the rest init's. */
	for (p = skip_spaces(scratch); *p;) {
		char *key, *val;

		p = next_arg(p, &key, &val);
		if (!kernel) {
			c->ninit++;
			continue;
		}
		if (!val && streq(key, "--")) {
			kernel = false;
			continue;
		}
		r = add_param(c, key, val);
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
	while (rthc_kernel_isalpha(*p)) {
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
			if (!rthc_kernel_isalpha(*p) && *p != '_')
				goto invalid;
		if (!*p)
			goto invalid; /* a flag without "," and list: the kernel reads past it */
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
invalid:
	if (names_out)
		names_out[0] = NULL;
	*flags = 0;
	return -EINVAL;
}
