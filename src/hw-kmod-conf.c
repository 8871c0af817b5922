/* modprobe.d configuration: install commands, blacklists, options, evidence lines (see hw-kmod.h).
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libkmod.h>

#include "host.h"
#include "hw-kmod-internal.h"
#include "hw-kmod.h"
#include "macro.h"

int rthc_kmod_install_command(struct rthc_kmod *k, const char *name, char **cmd)
{
	struct kmod_module *mod = NULL;
	const char *c;
	int r;

	r = kmod_module_new_from_name(k->ctx, name, &mod);
	if (r < 0)
		return r;
	c = kmod_module_get_install_commands(mod);
	r = 0;
	if (c) {
		*cmd = strdup(c);
		r = *cmd ? 1 : -ENOMEM;
	}
	kmod_module_unref(mod);
	return r;
}

/* Split cmd into at most 8 words (single and double quotes group, without escapes). */
static int split_words(const char *cmd, char words[8][256])
{
	int n = 0;

	for (const char *p = cmd;;) {
		size_t l = 0;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			return n;
		if (n == 8)
			return -E2BIG;
		while (*p && !isspace((unsigned char)*p)) {
			if (*p == '\'' || *p == '"') {
				char q = *p++;

				while (*p && *p != q) {
					if (l + 1 >= 256)
						return -E2BIG;
					words[n][l++] = *p++;
				}
				if (*p != q)
					return -EINVAL;
				p++;
				continue;
			}
			if (l + 1 >= 256)
				return -E2BIG;
			words[n][l++] = *p++;
		}
		words[n++][l] = '\0';
	}
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static bool blocks(const char *cmd, int depth)
{
	char words[8][256];
	const char *b;
	int n;

	if (depth > 2 || strpbrk(cmd, ";&|`$<>(){}\\*?[~\n"))
		return false;
	n = split_words(cmd, words);
	if (n <= 0)
		return false;
	b = base_name(words[0]);
	if (streq(b, "false") || streq(b, "true") || streq(words[0], ":"))
		return true;
	if (streq(words[0], "exit")) {
		const char *q = words[1];

		if (n == 1)
			return true;
		while (isdigit((unsigned char)*q))
			q++;
		return n == 2 && *words[1] && !*q;
	}
	if ((streq(b, "sh") || streq(b, "bash") || streq(b, "dash")) && n == 3 &&
	    streq(words[1], "-c"))
		return blocks(words[2], depth + 1);
	return false;
}

bool rthc_kmod_install_blocks(const char *cmd)
{
	return cmd && blocks(cmd, 0);
}

int rthc_kmod_blacklisted(struct rthc_kmod *k, const char *name)
{
	char norm[256];
	int r = rthc_kmod_normalize(name, norm, sizeof(norm));

	if (r < 0)
		return r;
	for (size_t i = 0; i < k->nblacklist; i++)
		if (streq(k->blacklist[i], norm))
			return 1;
	return 0;
}

/* Parameter names compare with '-' == '_' (kernel/params.c parameq()). */
static bool param_eq(const char *a, size_t al, const char *b)
{
	size_t i;

	for (i = 0; i < al && b[i]; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];

		if (x != y)
			return false;
	}
	return i == al && !b[i];
}

/* Find param in an options string ("a=1 b c=\"x y\""); the last occurrence wins. */
static int find_param(const char *opts, const char *param, char **value)
{
	int found = 0;

	for (const char *p = opts; *p;) {
		const char *key, *eq = NULL, *v, *end;
		size_t kl;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		key = p;
		while (*p && !isspace((unsigned char)*p) && *p != '=')
			p++;
		kl = (size_t)(p - key);
		if (*p == '=')
			eq = p++;
		v = p;
		if (eq && *p == '"') {
			v = ++p;
			while (*p && *p != '"')
				p++;
			end = p;
			if (*p)
				p++;
		} else {
			while (*p && !isspace((unsigned char)*p))
				p++;
			end = p;
		}
		if (!param_eq(key, kl, param))
			continue;
		free(*value);
		*value = eq ? strndup(v, (size_t)(end - v)) : strdup("");
		if (!*value)
			return -ENOMEM;
		found = 1;
	}
	return found;
}

int rthc_kmod_option(struct rthc_kmod *k, const char *module, const char *param, char **value)
{
	char norm[256];
	int r, found = 0;

	*value = NULL;
	r = rthc_kmod_normalize(module, norm, sizeof(norm));
	if (r < 0)
		return r;
	for (size_t i = 0; i < k->nopts; i++) {
		if (fnmatch(k->opts[i].module, norm, 0) != 0)
			continue;
		r = find_param(k->opts[i].options, param, value);
		if (r < 0) {
			free(*value);
			*value = NULL;
			return r;
		}
		found |= r;
	}
	return found;
}

struct conf_file {
	char name[256];
	const char *dir; /* static */
};

static int cmp_conf(const void *a, const void *b)
{
	return strcmp(((const struct conf_file *)a)->name, ((const struct conf_file *)b)->name);
}

static bool listed(const struct conf_file *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (streq(v[i].name, name))
			return true;
	return false;
}

/*
 * The *.conf files of the config directories in libkmod's order: sorted by name, a name in an
 * earlier directory hiding the same name in later ones. Unreadable directories are skipped, as
 * libkmod skips them.
 */
static int conf_files(struct rthc_kmod *k, struct conf_file **ret, size_t *ret_n)
{
	struct conf_file *v = NULL;
	size_t n = 0;

	for (size_t d = 0; d < RTHC_KMOD_NCONF; d++) {
		const char *dir = rthc_kmod_conf_dirs[d];
		char **names = NULL;

		if (rthc_host_list_dir(k->h, dir, &names, NULL) < 0)
			continue;
		for (char **nm = names; *nm; nm++) {
			size_t l = strlen(*nm);
			char path[PATH_MAX];
			struct conf_file *t;

			if ((*nm)[0] == '.' || l <= 5 || l >= sizeof(v->name) ||
			    !streq(*nm + l - 5, ".conf") || listed(v, n, *nm))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, *nm);
			if (rthc_host_is_dir(k->h, path) > 0)
				continue;
			t = realloc(v, (n + 1) * sizeof(*v));
			if (!t) {
				rthc_strv_free(names);
				free(v);
				return -ENOMEM;
			}
			v = t;
			strcpy(v[n].name, *nm);
			v[n++].dir = dir;
		}
		rthc_strv_free(names);
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_conf);
	*ret = v;
	*ret_n = n;
	return 0;
}

/* Whether line starts with keyword followed by a module name equal to norm. */
static bool line_names(const char *line, size_t len, const char *keyword, const char *norm)
{
	char buf[512], *save = NULL, *kw, *name;

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	kw = strtok_r(buf, " \t", &save);
	name = strtok_r(NULL, " \t", &save);
	return kw && name && streq(kw, keyword) &&
	       rthc_kmod_normalize(name, name, strlen(name) + 1) == 0 && streq(name, norm);
}

int rthc_kmod_config_line(struct rthc_kmod *k, const char *keyword, const char *module, char **path,
			  char **line)
{
	struct conf_file *files = NULL;
	char norm[256];
	size_t n = 0;
	int r;

	r = rthc_kmod_normalize(module, norm, sizeof(norm));
	if (r < 0)
		return r;
	r = conf_files(k, &files, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n && r == 0; i++) {
		_cleanup_free_ char *buf = NULL;
		char p[PATH_MAX];

		snprintf(p, sizeof(p), "%s/%s", files[i].dir, files[i].name);
		if (rthc_host_read_file(k->h, p, &buf, NULL) < 0)
			continue;
		for (const char *s = buf; s && *s && r == 0;) {
			const char *eol = strchr(s, '\n');
			size_t len = eol ? (size_t)(eol - s) : strlen(s);

			while (len > 0 && isspace((unsigned char)*s)) {
				s++;
				len--;
			}
			while (len > 0 && isspace((unsigned char)s[len - 1]))
				len--;
			if (len > 0 && *s != '#' && line_names(s, len, keyword, norm)) {
				*path = strdup(p);
				*line = strndup(s, len);
				if (!*path || !*line) {
					free(*path);
					free(*line);
					r = -ENOMEM;
				} else {
					r = 1;
				}
			}
			s = eol ? eol + 1 : NULL;
		}
	}
	free(files);
	return r;
}
