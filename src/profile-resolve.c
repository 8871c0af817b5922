/* Profiles: resolving values, typed validation and listing (see profile.h). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "facts.h"
#include "host.h"
#include "profile.h"

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s) && strlen(s) <= 18;
}

static bool one_of(const char *v, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (streq(v, list[i]))
			return true;
	return false;
}

static bool has_ctl(const char *s)
{
	for (; *s; s++)
		if (iscntrl((unsigned char)*s) && *s != '\t')
			return true;
	return false;
}

static int check_cpus(const struct rthc_profile *p, const char *key, const char *v, bool allow_empty,
		      char *msg, size_t n)
{
	struct rthc_cpuset s = RTHC_CPUSET_INIT;
	int r = rthc_cpuset_parse_list(&s, v, p->nr_cpu_ids);
	bool empty = rthc_cpuset_empty(&s);

	rthc_cpuset_done(&s);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		snprintf(msg, n, "%s: bad CPU list '%s'", key, v);
		return -EINVAL;
	}
	if (empty && !allow_empty) {
		snprintf(msg, n, "%s: the CPU list is empty", key);
		return -EINVAL;
	}
	return 0;
}

static int check_words(const char *key, const char *v, bool options, char *msg, size_t n)
{
	char **w = NULL;
	size_t k = 0;
	int r = rthc_profile_split_words(v, &w, &k);

	for (size_t i = 0; r == 0 && i < k; i++) {
		const char *eq = strchr(w[i], '=');
		size_t len = eq ? (size_t)(eq - w[i]) : strlen(w[i]);
		bool ok = len > 0;

		for (size_t j = 0; j < len; j++)
			if (!isalnum((unsigned char)w[i][j]) && !strchr(options ? "_-." : "_-", w[i][j]))
				ok = false;
		if (!options && eq)
			ok = false;
		if (!ok) {
			snprintf(msg, n, "%s: bad %s '%s'", key, options ? "module option" : "module name", w[i]);
			r = -EINVAL;
		}
	}
	if (r == 0 && k == 0 && options) {
		snprintf(msg, n, "%s: no options given", key);
		r = -EINVAL;
	}
	rthc_strv_free(w);
	return r;
}

static int bad(char *msg, size_t n, const char *section, const char *key, const char *v, const char *want)
{
	snprintf(msg, n, "[%s] %s: bad value '%s' (%s)", section, key, v, want);
	return -EINVAL;
}

int rthc_profile_check_value(const struct rthc_profile *p, const struct rthc_profile_entry *e, char *msg,
			     size_t n)
{
	static const char *const modes[] = {"host", "guest", NULL};
	static const char *const onoff[] = {"on", "off", NULL};
	static const char *const idles[] = {"default", "poll", "haltpoll", NULL};
	const char *s = e->section, *k = e->key, *v = e->value;

	if (has_ctl(v))
		return bad(msg, n, s, k, v, "control characters");
	if (streq(s, "main"))
		return streq(k, "mode") && !one_of(v, modes) ? bad(msg, n, s, k, v, "host or guest") : 0;
	if (streq(s, "cmdline")) {
		size_t len = strlen(v);

		if (strpbrk(v, " \t") && !(len >= 2 && v[0] == '"' && v[len - 1] == '"'))
			return bad(msg, n, s, k, v, "white space only inside double quotes");
		return 0;
	}
	if (streq(s, "sysctl") || streq(s, "sysfs"))
		return *v ? 0 : bad(msg, n, s, k, v, "a value is needed");
	if (streq(s, "cpu")) {
		if (streq(k, "governor"))
			return v[0] && strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(v)
				       ? 0
				       : bad(msg, n, s, k, v, "a cpufreq governor name");
		if (streq(k, "idle_max_latency_us"))
			return all_digits(v) ? 0 : bad(msg, n, s, k, v, "microseconds");
		return one_of(v, onoff) ? 0 : bad(msg, n, s, k, v, "on or off");
	}
	if (streq(s, "irq"))
		return check_cpus(p, k, v, false, msg, n);
	if (streq(s, "irqbalance"))
		return check_cpus(p, k, v, true, msg, n);
	if (streq(s, "modules"))
		return check_words(k, v, !streq(k, "disable"), msg, n);
	if (streq(s, "hugepages")) {
		const char *dot = strchr(k, '.');
		unsigned long kb;

		if (streq(k, "nodes") || (dot && streq(dot, ".nodes")))
			return check_cpus(p, k, v, false, msg, n) == -EINVAL ? bad(msg, n, s, k, v, "a node list")
									    : 0;
		if (streq(k, "size"))
			return rthc_profile_parse_pagesize(v, &kb) == 0
				       ? 0
				       : bad(msg, n, s, k, v, "2M, 1G or NkB");
		if (streq(k, "per_node") && !rthc_profile_get(p, "hugepages", "size")) {
			snprintf(msg, n, "[hugepages] per_node: no size for the pool");
			return -EINVAL;
		}
		return all_digits(v) ? 0 : bad(msg, n, s, k, v, "a number of pages");
	}
	if (streq(s, "guest"))
		return one_of(v, idles) ? 0 : bad(msg, n, s, k, v, "default, poll or haltpoll");
	return 0;
}

int rthc_profile_resolve(struct rthc_profile *p, const struct rthc_facts *f, char *const *sets,
			 size_t nsets, struct rthc_profile_error *err)
{
	char msg[sizeof(err->msg) - 64];
	int r;

	memset(err, 0, sizeof(*err));
	r = rthc_profile_compute_vars(p, f, sets, nsets, err);
	for (size_t i = 0; r == 0 && i < p->nentries; i++) {
		struct rthc_profile_entry *e = &p->entries[i];

		free(e->value);
		e->value = NULL;
		r = rthc_profile_expand(p, e->raw, &e->value, msg, sizeof(msg));
		if (r == 0)
			r = rthc_profile_check_value(p, e, msg, sizeof(msg));
		if (r == -EINVAL) {
			snprintf(err->file, sizeof(err->file), "%s", e->file);
			err->line = e->line;
			snprintf(err->msg, sizeof(err->msg), "%s", msg);
		}
	}
	if (r == 0)
		r = rthc_profile_add_budgets(p);
	if (r == 0) {
		const char *mode = rthc_profile_value(p, "main", "mode");

		p->guest = mode && streq(mode, "guest");
		p->resolved = true;
	}
	return r;
}

/* ---- listing ------------------------------------------------------------------------------- */

static int add_info(struct rthc_profile_info **v, size_t *n, const char *name, const char *source,
		    const char *path)
{
	struct rthc_profile_info *nv;

	for (size_t i = 0; i < *n; i++)
		if (streq((*v)[i].name, name)) {
			(*v)[i].overridden = true; /* the /etc one (listed first) wins */
			return 0;
		}
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = (struct rthc_profile_info){strdup(name), NULL, strdup(source), strdup(path), false};
	if (!nv[*n].name || !nv[*n].source || !nv[*n].path) {
		free(nv[*n].name);
		free(nv[*n].source);
		free(nv[*n].path);
		return -ENOMEM;
	}
	(*n)++;
	return 0;
}

static bool conf_name(const char *file, char *name, size_t n)
{
	size_t len = strlen(file);

	if (len <= 5 || !streq(file + len - 5, ".conf") || file[0] == '.' || len - 5 >= n)
		return false;
	memcpy(name, file, len - 5);
	name[len - 5] = '\0';
	return true;
}

static int list_etc(struct rthc_host *h, struct rthc_profile_info **v, size_t *n)
{
	char **names = NULL, name[256], path[PATH_MAX];
	int r = rthc_host_list_dir(h, "/etc/rthostcheck/profiles", &names, NULL);

	if (r == -ENOENT || r == -ENOTDIR)
		return 0;
	for (size_t i = 0; r == 0 && names[i]; i++)
		if (conf_name(names[i], name, sizeof(name))) {
			snprintf(path, sizeof(path), "/etc/rthostcheck/profiles/%s", names[i]);
			r = add_info(v, n, name, "etc", path);
		}
	rthc_strv_free(names);
	return r;
}

static int list_builtin(struct rthc_profile_info **v, size_t *n)
{
	const char *dir = rthc_profile_dir();
	DIR *d = opendir(dir);
	struct dirent *de;
	char name[256], path[PATH_MAX];
	int r = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (r == 0 && (de = readdir(d)))
		if (conf_name(de->d_name, name, sizeof(name))) {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			r = add_info(v, n, name, "builtin", path);
		}
	closedir(d);
	return r;
}

static int cmp_info(const void *a, const void *b)
{
	return strcmp(((const struct rthc_profile_info *)a)->name, ((const struct rthc_profile_info *)b)->name);
}

int rthc_profile_list(struct rthc_host *h, struct rthc_profile_info **ret, size_t *n)
{
	struct rthc_profile_info *v = NULL;
	size_t cnt = 0;
	int r = list_etc(h, &v, &cnt);

	if (r == 0)
		r = list_builtin(&v, &cnt);
	for (size_t i = 0; r == 0 && i < cnt; i++) {
		struct rthc_profile *p = NULL;
		struct rthc_profile_error err;
		const char *summary;
		char buf[sizeof(err.msg) + PATH_MAX + 32];

		if (rthc_profile_load(h, v[i].name, &p, &err) == 0) {
			summary = rthc_profile_value(p, "main", "summary");
			v[i].summary = strdup(summary ? summary : "");
		} else {
			rthc_profile_error_format(&err, buf, sizeof(buf));
			if (asprintf(&v[i].summary, "(invalid: %s)", buf) < 0)
				v[i].summary = NULL;
		}
		rthc_profile_free(p);
		if (!v[i].summary)
			r = -ENOMEM;
	}
	if (r < 0) {
		rthc_profile_infos_free(v, cnt);
		return r;
	}
	qsort(v, cnt, sizeof(*v), cmp_info);
	*ret = v;
	*n = cnt;
	return 0;
}

void rthc_profile_infos_free(struct rthc_profile_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].summary);
		free(v[i].source);
		free(v[i].path);
	}
	free(v);
}
