/*
 * Shell-style assignment files (/etc/default/grub and its grub.d drop-ins, /etc/tuned/bootcmdline):
 * just enough of POSIX sh word expansion to compute what grub-mkconfig would see. Conditionals are
 * not evaluated (every assignment counts) and command substitution is kept as literal text.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bootcfg.h"
#include "strbuf.h"

struct parser {
	const char *p;
	unsigned line;
	struct rthc_bootcfg_env *env;
};

void rthc_bootcfg_env_done(struct rthc_bootcfg_env *env)
{
	for (size_t i = 0; i < env->n; i++) {
		free(env->v[i].name);
		free(env->v[i].value);
	}
	free(env->v);
	env->v = NULL;
	env->n = 0;
}

static struct rthc_bootcfg_var *env_find(const struct rthc_bootcfg_env *env, const char *name,
					 size_t len)
{
	for (size_t i = 0; i < env->n; i++)
		if (strlen(env->v[i].name) == len && strneq(env->v[i].name, name, len))
			return &env->v[i];
	return NULL;
}

const char *rthc_bootcfg_env_get(const struct rthc_bootcfg_env *env, const char *name)
{
	const struct rthc_bootcfg_var *v = env_find(env, name, strlen(name));

	return v ? v->value : NULL;
}

static int env_set(struct rthc_bootcfg_env *env, const char *name, size_t len, char *value)
{
	struct rthc_bootcfg_var *v = env_find(env, name, len), *nv;

	if (v) {
		free(v->value);
		v->value = value;
		return 0;
	}
	nv = realloc(env->v, (env->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	env->v = nv;
	nv[env->n].name = strndup(name, len);
	if (!nv[env->n].name)
		return -ENOMEM;
	nv[env->n++].value = value;
	return 0;
}

int rthc_bootcfg_env_set(struct rthc_bootcfg_env *env, const char *name, const char *value)
{
	char *v = strdup(value);
	int r;

	if (!v)
		return -ENOMEM;
	r = env_set(env, name, strlen(name), v);
	if (r < 0)
		free(v);
	return r;
}

static bool is_name_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static int parse_word(struct parser *ps, struct rthc_strbuf *out, char term);

/* After '$': a parameter expansion, or a literal '$'. */
static int expand(struct parser *ps, struct rthc_strbuf *out)
{
	const char *name = ps->p, *val;
	struct rthc_bootcfg_var *v;
	size_t len = 0;
	char op = 0;
	bool colon = false, braced = *ps->p == '{';
	int r;

	if (braced)
		name = ++ps->p;
	while (is_name_char(name[len]))
		len++;
	if (!len || !is_name_start(*name)) {
		/* "$(", "$1", "$ ": not a variable we can know; keep the text. */
		return rthc_strbuf_append(out, braced ? "${" : "$", braced ? 2 : 1);
	}
	ps->p = name + len;
	v = env_find(ps->env, name, len);
	val = v ? v->value : NULL;
	if (!braced)
		return val ? rthc_strbuf_puts(out, val) : 0;
	if (*ps->p == ':' && (ps->p[1] == '-' || ps->p[1] == '+')) {
		colon = true;
		ps->p++;
	}
	if (*ps->p == '-' || *ps->p == '+')
		op = *ps->p++;
	if (op) {
		struct rthc_strbuf word;
		bool set = val && (!colon || *val);
		bool use_word = op == '-' ? !set : set;

		rthc_strbuf_init(&word);
		r = parse_word(ps, &word, '}');
		if (r >= 0 && *ps->p != '}')
			r = -EINVAL;
		if (r >= 0)
			r = use_word	? rthc_strbuf_puts(out, rthc_strbuf_str(&word))
			    : op == '-' ? rthc_strbuf_puts(out, val)
					: 0;
		rthc_strbuf_done(&word);
		if (r < 0)
			return r;
		ps->p++;
		return 0;
	}
	if (*ps->p != '}')
		return -EINVAL;
	ps->p++;
	return val ? rthc_strbuf_puts(out, val) : 0;
}

/* At a backslash: a line continuation (dropped) or the next character taken literally. */
static int backslash(struct parser *ps, struct rthc_strbuf *out)
{
	char n = ps->p[1];

	ps->p += 2;
	if (n != '\n')
		return rthc_strbuf_putc(out, n);
	ps->line++;
	return 0;
}

/* A '$' expansion, or one character as it is. */
static int dollar_or_char(struct parser *ps, struct rthc_strbuf *out)
{
	char c = *ps->p++;

	return c == '$' ? expand(ps, out) : rthc_strbuf_putc(out, c);
}

static int parse_dquote(struct parser *ps, struct rthc_strbuf *out)
{
	int r = 0;

	for (ps->p++; r >= 0;) {
		char c = *ps->p;

		if (!c)
			return -EINVAL;
		if (c == '"') {
			ps->p++;
			return 0;
		}
		if (c == '\n')
			ps->line++;
		if (c == '\\' && ps->p[1] && strchr("$`\"\\\n", ps->p[1]))
			r = backslash(ps, out);
		else
			r = dollar_or_char(ps, out);
	}
	return r;
}

/*
 * One shell word up to an unquoted blank, newline, ';', '&' or '|'; with term (the '}' of ${V:+w}),
 * up to term only.
 */
static int parse_word(struct parser *ps, struct rthc_strbuf *out, char term)
{
	int r = 0;

	while (r >= 0) {
		char c = *ps->p;
		const char *end;

		if (!c || (term && c == term) ||
		    (!term &&
		     (c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|')))
			break;
		if (c == '\'') {
			end = strchr(ps->p + 1, '\'');
			if (!end)
				return -EINVAL;
			for (const char *q = ps->p + 1; q < end; q++)
				ps->line += *q == '\n';
			r = rthc_strbuf_append(out, ps->p + 1, (size_t)(end - ps->p - 1));
			ps->p = end + 1;
		} else if (c == '"') {
			r = parse_dquote(ps, out);
		} else if (c == '\\') {
			if (!ps->p[1]) {
				ps->p++;
				break;
			}
			r = backslash(ps, out);
		} else {
			r = dollar_or_char(ps, out);
		}
	}
	return r;
}

/* A NAME= prefix at p: the length of NAME, or 0. */
static size_t assignment_name(const char *p)
{
	size_t len = 0;

	if (!is_name_start(*p))
		return 0;
	while (is_name_char(p[len]))
		len++;
	return p[len] == '=' ? len : 0;
}

static bool is_keyword(const char *p, size_t len)
{
	static const char *const kw[] = {
		"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "case",
		"esac", "{", "}", "!", "export", "readonly", "local",
	};

	for (size_t i = 0; i < ARRAY_SIZE(kw); i++)
		if (strlen(kw[i]) == len && strneq(kw[i], p, len))
			return true;
	return false;
}

int rthc_bootcfg_shell_eval(const char *text, struct rthc_bootcfg_env *env, unsigned *line)
{
	struct parser ps = { .p = text, .line = 1, .env = env };
	bool cmd_start = true;
	int r = 0;

	while (*ps.p && r >= 0) {
		struct rthc_strbuf word;
		size_t nlen;

		if (*ps.p == '\n' || *ps.p == ';' || *ps.p == '&' || *ps.p == '|') {
			ps.line += *ps.p == '\n';
			cmd_start = true;
			ps.p++;
			continue;
		}
		if (*ps.p == ' ' || *ps.p == '\t') {
			ps.p++;
			continue;
		}
		if (*ps.p == '#') {
			while (*ps.p && *ps.p != '\n')
				ps.p++;
			continue;
		}
		rthc_strbuf_init(&word);
		nlen = cmd_start ? assignment_name(ps.p) : 0;
		if (nlen) {
			const char *name = ps.p;
			char *value = NULL;

			ps.p += nlen + 1;
			r = parse_word(&ps, &word, 0);
			if (r >= 0)
				r = rthc_strbuf_steal(&word, &value);
			if (r >= 0) {
				r = env_set(env, name, nlen, value);
				if (r < 0)
					free(value);
			}
		} else {
			const char *start = ps.p;

			/* A command word: skip it; after a keyword a new command starts. */
			r = parse_word(&ps, &word, 0);
			cmd_start = r >= 0 && is_keyword(start, (size_t)(ps.p - start));
			if (ps.p == start) /* a lone terminator-like character */
				ps.p++;
		}
		rthc_strbuf_done(&word);
	}
	if (r < 0 && line)
		*line = ps.line;
	return r;
}
