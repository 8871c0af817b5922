/* Kernel modules: libkmod for modprobe configuration, the accessor for state (see hw-kmod.h). */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libkmod.h>

#include "host.h"
#include "hw-kmod-internal.h"
#include "hw-kmod.h"
#include "macro.h"

const char *const rthc_kmod_conf_dirs[RTHC_KMOD_NCONF] = {
	"/etc/modprobe.d", "/run/modprobe.d",	  "/usr/local/lib/modprobe.d",
	"/lib/modprobe.d", "/usr/lib/modprobe.d",
};

const char *rthc_kmod_load_state_to_string(enum rthc_kmod_load_state s)
{
	switch (s) {
	case RTHC_KMOD_LOADED:
		return "loaded";
	case RTHC_KMOD_BUILTIN:
		return "builtin";
	default:
		return "not loaded";
	}
}

int rthc_kmod_normalize(const char *name, char *buf, size_t size)
{
	size_t i;

	for (i = 0; name[i] && name[i] != '.'; i++) {
		if (i + 1 >= size)
			return -ENAMETOOLONG;
		buf[i] = name[i] == '-' ? '_' : name[i];
	}
	if (i >= size)
		return -ENAMETOOLONG;
	buf[i] = '\0';
	return 0;
}

static void set_err_path(struct rthc_kmod *k, const char *path)
{
	snprintf(k->err_path, sizeof(k->err_path), "%s", path);
}

const char *rthc_kmod_err_path(const struct rthc_kmod *k)
{
	return k->err_path;
}

static void free_opts(struct kmod_opt *o, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(o[i].module);
		free(o[i].options);
	}
	free(o);
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Copy the options and blacklist entries of a libkmod context. */
static int snapshot(struct kmod_ctx *ctx, struct kmod_opt **opts, size_t *nopts, char ***bl,
		    size_t *nbl)
{
	struct kmod_config_iter *it;
	int r = 0;

	it = kmod_config_get_options(ctx);
	if (!it)
		return -ENOMEM;
	while (r == 0 && kmod_config_iter_next(it)) {
		const char *key = kmod_config_iter_get_key(it),
			   *val = kmod_config_iter_get_value(it);
		struct kmod_opt *n = realloc(*opts, (*nopts + 1) * sizeof(**opts));

		if (!n) {
			r = -ENOMEM;
			break;
		}
		*opts = n;
		n[*nopts].module = strdup(key ? key : "");
		n[*nopts].options = strdup(val ? val : "");
		(*nopts)++;
		if (!n[*nopts - 1].module || !n[*nopts - 1].options)
			r = -ENOMEM;
	}
	kmod_config_iter_free_iter(it);
	if (r < 0)
		return r;

	it = kmod_config_get_blacklists(ctx);
	if (!it)
		return -ENOMEM;
	while (r == 0 && kmod_config_iter_next(it)) {
		const char *key = kmod_config_iter_get_key(it);
		char **n = realloc(*bl, (*nbl + 1) * sizeof(**bl));

		if (!n) {
			r = -ENOMEM;
			break;
		}
		*bl = n;
		n[*nbl] = strdup(key ? key : "");
		if (!n[(*nbl)++])
			r = -ENOMEM;
	}
	kmod_config_iter_free_iter(it);
	return r;
}

/*
 * libkmod appends what it finds on the running kernel's /proc/cmdline after the files' entries.
 * A context without config directories holds exactly those: drop them from the tail.
 */
static int drop_kcmdline(struct rthc_kmod *k, const char *dirname)
{
	static const char *const none[] = { NULL };
	struct kmod_opt *opts = NULL;
	char **bl = NULL;
	size_t nopts = 0, nbl = 0;
	struct kmod_ctx *kc;
	int r;

	kc = kmod_new(dirname, none);
	if (!kc)
		return -ENOMEM;
	r = snapshot(kc, &opts, &nopts, &bl, &nbl);
	kmod_unref(kc);
	if (r == 0 && nopts <= k->nopts) {
		size_t base = k->nopts - nopts, i;

		for (i = 0; i < nopts; i++)
			if (!streq(opts[i].module, k->opts[base + i].module) ||
			    !streq(opts[i].options, k->opts[base + i].options))
				break;
		if (i == nopts) {
			for (i = base; i < k->nopts; i++) {
				free(k->opts[i].module);
				free(k->opts[i].options);
			}
			k->nopts = base;
		}
	}
	if (r == 0 && nbl <= k->nblacklist) {
		size_t base = k->nblacklist - nbl, i;

		for (i = 0; i < nbl; i++)
			if (!streq(bl[i], k->blacklist[base + i]))
				break;
		if (i == nbl) {
			for (i = base; i < k->nblacklist; i++)
				free(k->blacklist[i]);
			k->nblacklist = base;
		}
	}
	free_opts(opts, nopts);
	free_names(bl, nbl);
	return r;
}

int rthc_kmod_new(struct rthc_host *h, const char *release, struct rthc_kmod **ret)
{
	const char *root = rthc_host_root(h);
	char dirname[PATH_MAX], paths[RTHC_KMOD_NCONF][PATH_MAX];
	const char *cfg[RTHC_KMOD_NCONF + 1];
	struct rthc_kmod *k;
	size_t rl;
	int r;

	if (streq(root, "/"))
		root = "";
	rl = strlen(root);
	while (rl > 0 && root[rl - 1] == '/')
		rl--;
	r = snprintf(dirname, sizeof(dirname), "%.*s/lib/modules/%s", (int)rl, root,
		     release ? release : "");
	if (r < 0 || (size_t)r >= sizeof(dirname))
		return -ENAMETOOLONG;
	for (size_t i = 0; i < RTHC_KMOD_NCONF; i++) {
		r = snprintf(paths[i], sizeof(paths[i]), "%.*s%s", (int)rl, root,
			     rthc_kmod_conf_dirs[i]);
		if (r < 0 || (size_t)r >= sizeof(paths[i]))
			return -ENAMETOOLONG;
		cfg[i] = paths[i];
	}
	cfg[RTHC_KMOD_NCONF] = NULL;

	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->h = h;
	if (release && asprintf(&k->moddir, "/lib/modules/%s", release) < 0) {
		k->moddir = NULL;
		r = -ENOMEM;
		goto fail;
	}
	k->ctx = kmod_new(dirname, cfg);
	if (!k->ctx) {
		r = -ENOMEM;
		goto fail;
	}
	r = snapshot(k->ctx, &k->opts, &k->nopts, &k->blacklist, &k->nblacklist);
	if (r == 0)
		r = drop_kcmdline(k, dirname);
	if (r < 0)
		goto fail;
	*ret = k;
	return 0;
fail:
	rthc_kmod_free(k);
	return r;
}

struct rthc_kmod *rthc_kmod_free(struct rthc_kmod *k)
{
	if (!k)
		return NULL;
	if (k->ctx)
		kmod_unref(k->ctx);
	free(k->moddir);
	free_opts(k->opts, k->nopts);
	free_names(k->blacklist, k->nblacklist);
	free(k);
	return NULL;
}

/* Call cb for each line of buf (without the newline); a non-zero return stops and is returned. */
static int foreach_line(const char *buf, int (*cb)(const char *line, size_t len, void *u), void *u)
{
	for (const char *p = buf; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		int r = cb(p, len, u);

		if (r)
			return r;
		p = eol ? eol + 1 : NULL;
	}
	return 0;
}

/* Whether the module file at path[0..len) ("kernel/drivers/md/dm-multipath.ko.xz") is name. */
static bool path_is_module(const char *path, size_t len, const char *name)
{
	const char *base = path;
	char buf[256];
	size_t bl;

	for (size_t i = 0; i < len; i++)
		if (path[i] == '/')
			base = path + i + 1;
	bl = len - (size_t)(base - path);
	if (bl >= sizeof(buf))
		return false;
	memcpy(buf, base, bl);
	buf[bl] = '\0';
	return rthc_kmod_normalize(buf, buf, sizeof(buf)) == 0 && streq(buf, name);
}

struct match {
	const char *name; /* normalised */
	char *path; /* owned; the matching module path */
	bool want_path;
};

static int dep_line(const char *line, size_t len, void *u)
{
	struct match *m = u;
	const char *colon = memchr(line, ':', len);

	if (!colon || !path_is_module(line, (size_t)(colon - line), m->name))
		return 0;
	if (m->want_path) {
		m->path = strndup(line, (size_t)(colon - line));
		if (!m->path)
			return -ENOMEM;
	}
	return 1;
}

static int builtin_line(const char *line, size_t len, void *u)
{
	struct match *m = u;

	while (len > 0 && isspace((unsigned char)line[len - 1]))
		len--;
	return len > 0 && path_is_module(line, len, m->name);
}

/* Read moddir/file through the accessor into *buf; sets err_path on failure. */
static int read_moddir_file(struct rthc_kmod *k, const char *file, char **buf)
{
	char path[PATH_MAX];
	int r;

	if (!k->moddir) {
		set_err_path(k, "/proc/sys/kernel/osrelease");
		return -ENOENT;
	}
	snprintf(path, sizeof(path), "%s/%s", k->moddir, file);
	r = rthc_host_read_file(k->h, path, buf, NULL);
	if (r < 0)
		set_err_path(k, path);
	return r;
}

static int scan_moddir_file(struct rthc_kmod *k, const char *file, const char *name,
			    int (*cb)(const char *, size_t, void *), struct match *m)
{
	_cleanup_free_ char *buf = NULL;
	char norm[256];
	int r;

	r = rthc_kmod_normalize(name, norm, sizeof(norm));
	if (r < 0)
		return r;
	m->name = norm;
	r = read_moddir_file(k, file, &buf);
	if (r < 0)
		return r;
	r = foreach_line(buf, cb, m);
	m->name = NULL;
	return r;
}

int rthc_kmod_builtin(struct rthc_kmod *k, const char *name)
{
	struct match m = {0};

	return scan_moddir_file(k, "modules.builtin", name, builtin_line, &m);
}

int rthc_kmod_module_path(struct rthc_kmod *k, const char *name, char **path)
{
	struct match m = { .want_path = path != NULL };
	int r = scan_moddir_file(k, "modules.dep", name, dep_line, &m);

	if (r > 0 && path)
		*path = m.path;
	else
		free(m.path);
	return r;
}

/* Normalise an alias pattern as kmod does: '-' becomes '_' outside [...] brackets. */
static void alias_normalize(char *s)
{
	bool bracket = false;

	for (; *s; s++) {
		if (*s == '[')
			bracket = true;
		else if (*s == ']')
			bracket = false;
		else if (*s == '-' && !bracket)
			*s = '_';
	}
}

struct alias_match {
	const char *name; /* normalised */
	char target[256];
};

static int alias_line(const char *line, size_t len, void *u)
{
	struct alias_match *a = u;
	char buf[512], *save = NULL, *kw, *pat, *mod;

	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, line, len);
	buf[len] = '\0';
	kw = strtok_r(buf, " \t", &save);
	pat = strtok_r(NULL, " \t", &save);
	mod = strtok_r(NULL, " \t", &save);
	if (!kw || !pat || !mod || !streq(kw, "alias"))
		return 0;
	alias_normalize(pat);
	if (fnmatch(pat, a->name, 0) != 0)
		return 0;
	return rthc_kmod_normalize(mod, a->target, sizeof(a->target)) == 0;
}

int rthc_kmod_in_kernel(struct rthc_kmod *k, const char *name)
{
	_cleanup_free_ char *buf = NULL;
	struct alias_match a = {0};
	char norm[256];
	int r;

	r = rthc_kmod_module_path(k, name, NULL);
	if (r != 0)
		return r;
	r = rthc_kmod_builtin(k, name);
	if (r != 0)
		return r;
	r = rthc_kmod_normalize(name, norm, sizeof(norm));
	if (r < 0)
		return r;
	alias_normalize(norm);
	a.name = norm;
	r = read_moddir_file(k, "modules.alias", &buf);
	if (r < 0)
		return r;
	r = foreach_line(buf, alias_line, &a);
	if (r <= 0 || streq(a.target, norm))
		return r;
	r = rthc_kmod_module_path(k, a.target, NULL);
	return r != 0 ? r : rthc_kmod_builtin(k, a.target);
}

static int modules_line(const char *line, size_t len, void *u)
{
	const char *name = u;
	size_t nl = strlen(name);

	return len > nl && strneq(line, name, nl) && line[nl] == ' ';
}

int rthc_kmod_load_state(struct rthc_kmod *k, const char *name, enum rthc_kmod_load_state *state)
{
	_cleanup_free_ char *buf = NULL;
	char norm[256], path[PATH_MAX];
	int r, perr;

	r = rthc_kmod_normalize(name, norm, sizeof(norm));
	if (r < 0)
		return r;
	perr = rthc_host_read_file(k->h, "/proc/modules", &buf, NULL);
	if (perr == 0 && foreach_line(buf, modules_line, norm) > 0) {
		*state = RTHC_KMOD_LOADED;
		return 0;
	}
	snprintf(path, sizeof(path), "/sys/module/%s", norm);
	if (rthc_host_is_dir(k->h, path) > 0) {
		snprintf(path, sizeof(path), "/sys/module/%s/initstate", norm);
		*state = rthc_host_exists(k->h, path) > 0 ? RTHC_KMOD_LOADED : RTHC_KMOD_BUILTIN;
		return 0;
	}
	if (perr < 0 && (perr != -ENOENT || rthc_host_is_dir(k->h, "/sys/module") <= 0)) {
		set_err_path(k, "/proc/modules");
		return perr;
	}
	*state = RTHC_KMOD_NOT_LOADED;
	return 0;
}
