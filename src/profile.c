/*
 * Profiles: finding, parsing (inih), includes and merging (see profile.h). Values are expanded
 * and validated in profile-vars.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "host.h"
#include "profile.h"
#include "strbuf.h"

#define MAX_INCLUDE_DEPTH 16
#define MAX_PROFILE_SIZE (1024 * 1024)
#define ETC_PROFILE_DIR "/etc/rthostcheck/profiles"

void rthc_profile_error_format(const struct rthc_profile_error *e, char *buf, size_t n)
{
	if (e->file[0] && e->line)
		snprintf(buf, n, "%s:%u: %s", e->file, e->line, e->msg);
	else if (e->file[0])
		snprintf(buf, n, "%s: %s", e->file, e->msg);
	else
		snprintf(buf, n, "%s", e->msg);
}

int rthc_profile_set_error(struct rthc_profile_error *err, const char *file, unsigned line, const char *fmt,
			   ...)
{
	va_list ap;

	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

const char *rthc_profile_dir(void)
{
	const char *d = getenv("RTHC_PROFILE_DIR");

	return d && *d ? d : DATADIR "/rthostcheck/profiles";
}

/* A whole local file (a profile path or a built-in profile), NUL-terminated. */
static int slurp(const char *path, char **ret)
{
	struct rthc_strbuf sb;
	char buf[4096];
	size_t k;
	FILE *f = fopen(path, "re");
	int r = 0;

	if (!f)
		return -errno;
	rthc_strbuf_init(&sb);
	while ((k = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (sb.len + k > MAX_PROFILE_SIZE) {
			r = -EFBIG;
			break;
		}
		r = rthc_strbuf_append(&sb, buf, k);
		if (r < 0)
			break;
	}
	if (r == 0 && ferror(f))
		r = -EIO;
	fclose(f);
	if (r == 0)
		r = rthc_strbuf_steal(&sb, ret);
	rthc_strbuf_done(&sb);
	return r;
}

static bool valid_name(const char *s)
{
	if (!*s || *s == '.')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return false;
	return true;
}

static bool is_path(const char *s)
{
	size_t n = strlen(s);

	return strchr(s, '/') || (n > 5 && streq(s + n - 5, ".conf"));
}

/* A profile file found: its text and where it came from. */
struct found {
	char *text;    /* owned */
	char *path;    /* owned: local path, or the path on the target for "etc" */
	char *display; /* owned: what error messages name */
	const char *source;
};

static void found_done(struct found *fd)
{
	free(fd->text);
	free(fd->path);
	free(fd->display);
	memset(fd, 0, sizeof(*fd));
}

static int found_set(struct found *fd, char *text, const char *path, const char *display,
		     const char *source)
{
	fd->text = text;
	fd->path = strdup(path);
	fd->display = strdup(display);
	fd->source = source;
	if (!fd->path || !fd->display) {
		found_done(fd);
		return -ENOMEM;
	}
	return 0;
}

/* Read a file on the target (ROOT/etc/...). */
static int find_etc(struct rthc_host *h, const char *tpath, struct found *fd)
{
	char *text = NULL, display[PATH_MAX + 64];
	const char *root = rthc_host_root(h);
	int r = rthc_host_read_file(h, tpath, &text, NULL);

	if (r < 0)
		return r;
	if (streq(root, "/"))
		snprintf(display, sizeof(display), "%s", tpath);
	else
		snprintf(display, sizeof(display), "%s%s", root, tpath);
	return found_set(fd, text, tpath, display, "etc");
}

static int find_local(const char *path, const char *source, struct found *fd)
{
	char *text = NULL;
	int r = slurp(path, &text);

	if (r < 0)
		return r;
	return found_set(fd, text, path, path, source);
}

/* NAME: ROOT/etc first, then the built-in directory. */
static int find_name(struct rthc_host *h, const char *name, struct found *fd)
{
	char p[PATH_MAX];
	int r;

	if (!valid_name(name))
		return -EINVAL;
	snprintf(p, sizeof(p), ETC_PROFILE_DIR "/%s.conf", name);
	r = find_etc(h, p, fd);
	if (r != -ENOENT)
		return r;
	if (snprintf(p, sizeof(p), "%s/%s.conf", rthc_profile_dir(), name) >= (int)sizeof(p))
		return -ENAMETOOLONG;
	return find_local(p, "builtin", fd);
}

/* An include: a NAME, or a path relative to the including file. */
static int find_include(struct rthc_host *h, const struct found *parent, const char *inc, struct found *fd)
{
	char p[PATH_MAX];
	const char *slash;

	if (!is_path(inc))
		return find_name(h, inc, fd);
	if (inc[0] == '/' || !(slash = strrchr(parent->path, '/')))
		snprintf(p, sizeof(p), "%s", inc);
	else
		snprintf(p, sizeof(p), "%.*s/%s", (int)(slash - parent->path), parent->path, inc);
	if (streq(parent->source, "etc"))
		return find_etc(h, p, fd);
	return find_local(p, "file", fd);
}

/* ---- parsing one file ---------------------------------------------------------------------- */

struct raw_entry {
	char *section, *key, *value;
	unsigned line;
};

struct parser {
	const char *file; /* for messages */
	const char *text;
	size_t pos;
	unsigned lineno;
	bool indented; /* the current line starts with white space (an inih continuation) */
	struct raw_entry *v;
	size_t n;
	struct rthc_profile_error *err;
	bool failed, oom;
};

static const char *const sections[] = {
	"main", "variables", "cmdline", "sysctl", "sysfs", "cpu",
	"irq",  "irqbalance", "modules", "hugepages", "guest", NULL,
};

static bool known_section(const char *s)
{
	for (size_t i = 0; sections[i]; i++)
		if (streq(sections[i], s))
			return true;
	return false;
}

_printf_format_(2, 3) static void perr(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	if (ps->failed)
		return;
	ps->failed = true;
	snprintf(ps->err->file, sizeof(ps->err->file), "%s", ps->file);
	ps->err->line = ps->lineno;
	va_start(ap, fmt);
	vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
	va_end(ap);
}

/* Section headers are checked here, on the raw line, so that an empty unknown section is seen. */
static void check_header(struct parser *ps, const char *line, size_t len)
{
	const char *end;
	char name[64];
	size_t k;

	if (len >= 3 && (unsigned char)line[0] == 0xef && (unsigned char)line[1] == 0xbb &&
	    (unsigned char)line[2] == 0xbf) {
		line += 3;
		len -= 3;
	}
	while (len && isspace((unsigned char)*line)) {
		line++;
		len--;
	}
	if (!len || *line != '[')
		return;
	end = memchr(line, ']', len);
	if (!end) {
		perr(ps, "syntax error: missing ']' in section header");
		return;
	}
	k = (size_t)(end - line - 1);
	if (k >= sizeof(name)) {
		perr(ps, "unknown section [%.*s]", (int)k, line + 1);
		return;
	}
	memcpy(name, line + 1, k);
	name[k] = '\0';
	if (!known_section(name))
		perr(ps, "unknown section [%s]", name);
}

/* inih's fgets-style reader over a string; counts lines and refuses overlong ones. */
static char *reader(char *str, int num, void *stream)
{
	struct parser *ps = stream;
	const char *s = ps->text + ps->pos, *nl;
	size_t len;

	if (!*s)
		return NULL;
	nl = strchr(s, '\n');
	len = nl ? (size_t)(nl - s) + 1 : strlen(s);
	ps->lineno++;
	if (len + 1 > (size_t)num) {
		perr(ps, "line too long (at most %d characters)", num - 2);
		return NULL;
	}
	memcpy(str, s, len);
	str[len] = '\0';
	ps->pos += len;
	ps->indented = len > 0 && (s[0] == ' ' || s[0] == '\t');
	check_header(ps, s, nl ? len - 1 : len);
	return str;
}

static int add_raw(struct parser *ps, const char *section, const char *key, const char *value)
{
	struct raw_entry *v = realloc(ps->v, (ps->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	ps->v = v;
	v[ps->n] = (struct raw_entry){strdup(section), strdup(key), strdup(value), ps->lineno};
	if (!v[ps->n].section || !v[ps->n].key || !v[ps->n].value) {
		free(v[ps->n].section);
		free(v[ps->n].key);
		free(v[ps->n].value);
		return -ENOMEM;
	}
	ps->n++;
	return 0;
}

/* A continuation line (indented, same key as the line before): join with a space. */
static int continue_raw(struct raw_entry *e, const char *value)
{
	size_t a = strlen(e->value), b = strlen(value);
	char *v = realloc(e->value, a + b + 2);

	if (!v)
		return -ENOMEM;
	v[a] = ' ';
	memcpy(v + a + 1, value, b + 1);
	e->value = v;
	return 0;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parser *ps = user;
	struct raw_entry *last = ps->n ? &ps->v[ps->n - 1] : NULL;
	char msg[256];

	if (ps->failed || ps->oom || !name)
		return 1;
	if (!*section) {
		perr(ps, "key '%s' outside a section", name);
		return 1;
	}
	if (!known_section(section))
		return 1; /* reported by the header check */
	if (ps->indented && last && streq(last->section, section) && streq(last->key, name)) {
		if (continue_raw(last, value) < 0)
			ps->oom = true;
		return 1;
	}
	if (rthc_profile_check_key(section, name, msg, sizeof(msg)) < 0) {
		perr(ps, "%s", msg);
		return 1;
	}
	for (size_t i = 0; i < ps->n; i++)
		if (streq(ps->v[i].section, section) && streq(ps->v[i].key, name)) {
			perr(ps, "duplicate key '%s' in [%s] (first set on line %u)", name, section, ps->v[i].line);
			return 1;
		}
	if (add_raw(ps, section, name, value) < 0)
		ps->oom = true;
	return 1;
}

static void parser_done(struct parser *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->v[i].section);
		free(ps->v[i].key);
		free(ps->v[i].value);
	}
	free(ps->v);
}

/*
 * inih returns 0 on success, the first bad line number (> 0), -1 (open) or -2 (memory): turn
 * that into 0 / -EINVAL with err / -ENOMEM here, so the rest of the code never sees it.
 */
static int parse_text(struct parser *ps)
{
	int r = ini_parse_stream(reader, ps, handler, ps);

	if (ps->oom || r == -2)
		return -ENOMEM;
	if (r > 0 && (!ps->failed || (unsigned)r < ps->err->line)) {
		ps->failed = false;
		ps->lineno = (unsigned)r;
		perr(ps, "syntax error: expected '[section]' or 'key = value'");
	}
	if (r < 0 && !ps->failed)
		return -EIO;
	return ps->failed ? -EINVAL : 0;
}

/* ---- includes and merging ------------------------------------------------------------------ */

struct loader {
	struct rthc_host *h;
	struct rthc_profile *p;
	struct rthc_profile_error *err;
	const char *stack[MAX_INCLUDE_DEPTH + 1]; /* display names of the files being loaded */
	size_t depth;
};

static int overlay(struct rthc_profile *p, const struct raw_entry *re, const char *file)
{
	struct rthc_profile_entry *e = NULL, *v;
	char *raw = strdup(re->value), *f = strdup(file);

	if (!raw || !f)
		goto oom;
	for (size_t i = 0; i < p->nentries; i++)
		if (streq(p->entries[i].section, re->section) && streq(p->entries[i].key, re->key))
			e = &p->entries[i];
	if (!e) {
		v = realloc(p->entries, (p->nentries + 1) * sizeof(*v));
		if (!v)
			goto oom;
		p->entries = v;
		e = &v[p->nentries];
		memset(e, 0, sizeof(*e));
		e->section = strdup(re->section);
		e->key = strdup(re->key);
		if (!e->section || !e->key) {
			free(e->section);
			free(e->key);
			goto oom;
		}
		p->nentries++;
	}
	free(e->raw);
	free(e->file);
	e->raw = raw;
	e->file = f;
	e->line = re->line;
	return 0;
oom:
	free(raw);
	free(f);
	return -ENOMEM;
}

static int load_found(struct loader *ld, struct found *fd);

static int load_includes(struct loader *ld, const struct found *fd, const struct raw_entry *inc)
{
	char **words = NULL;
	size_t n = 0;
	int r;

	if (strstr(inc->value, "${"))
		return rthc_profile_set_error(ld->err, fd->display, inc->line, "include cannot use variables");
	r = rthc_profile_split_words(inc->value, &words, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n && r == 0; i++) {
		struct found child = {0};

		r = find_include(ld->h, fd, words[i], &child);
		if (r == -ENOENT || r == -EINVAL)
			r = rthc_profile_set_error(ld->err, fd->display, inc->line, "include '%s': no such profile", words[i]);
		else if (r < 0)
			r = rthc_profile_set_error(ld->err, fd->display, inc->line, "include '%s': %s", words[i], strerror(-r));
		else if (ld->depth >= MAX_INCLUDE_DEPTH)
			r = rthc_profile_set_error(ld->err, fd->display, inc->line, "includes nested too deeply");
		for (size_t k = 0; r == 0 && k < ld->depth; k++)
			if (streq(ld->stack[k], child.display))
				r = rthc_profile_set_error(ld->err, fd->display, inc->line, "include cycle: '%s' includes '%s', "
					    "which is already being loaded", fd->display, child.display);
		if (r == 0)
			r = load_found(ld, &child);
		found_done(&child);
	}
	rthc_strv_free(words);
	return r;
}

static int load_found(struct loader *ld, struct found *fd)
{
	struct parser ps = {.file = fd->display, .text = fd->text, .err = ld->err};
	const struct raw_entry *inc = NULL;
	int r;

	ld->stack[ld->depth++] = fd->display;
	r = parse_text(&ps);
	for (size_t i = 0; r == 0 && i < ps.n; i++)
		if (streq(ps.v[i].section, "main") && streq(ps.v[i].key, "include"))
			inc = &ps.v[i];
	if (r == 0 && inc)
		r = load_includes(ld, fd, inc);
	for (size_t i = 0; r == 0 && i < ps.n; i++)
		if (&ps.v[i] != inc)
			r = overlay(ld->p, &ps.v[i], fd->display);
	parser_done(&ps);
	ld->depth--;
	return r;
}

int rthc_profile_load(struct rthc_host *h, const char *name_or_path, struct rthc_profile **ret,
		      struct rthc_profile_error *err)
{
	struct loader ld = {.h = h, .err = err};
	struct found fd = {0};
	struct rthc_profile *p;
	int r;

	memset(err, 0, sizeof(*err));
	if (is_path(name_or_path))
		r = find_local(name_or_path, "file", &fd);
	else
		r = find_name(h, name_or_path, &fd);
	if (r == -EINVAL || r == -ENOENT) {
		if (is_path(name_or_path))
			rthc_profile_set_error(err, name_or_path, 0, "%s", strerror(ENOENT));
		else
			rthc_profile_set_error(err, "", 0, "unknown profile '%s' (looked in %s and %s; see --list-profiles)",
				name_or_path, ETC_PROFILE_DIR, rthc_profile_dir());
		return -ENOENT;
	}
	if (r < 0) {
		rthc_profile_set_error(err, name_or_path, 0, "%s", strerror(-r));
		return r == -ENOMEM ? r : -EINVAL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		found_done(&fd);
		return -ENOMEM;
	}
	rthc_cpuset_init(&p->isolated);
	rthc_cpuset_init(&p->housekeeping);
	rthc_cpuset_init(&p->online);
	p->name = strdup(name_or_path);
	p->source = strdup(fd.source);
	p->path = strdup(fd.display);
	ld.p = p;
	r = !p->name || !p->source || !p->path ? -ENOMEM : load_found(&ld, &fd);
	found_done(&fd);
	if (r < 0) {
		rthc_profile_free(p);
		return r;
	}
	*ret = p;
	return 0;
}

struct rthc_profile *rthc_profile_free(struct rthc_profile *p)
{
	if (!p)
		return NULL;
	for (size_t i = 0; i < p->nentries; i++) {
		free(p->entries[i].section);
		free(p->entries[i].key);
		free(p->entries[i].raw);
		free(p->entries[i].value);
		free(p->entries[i].file);
	}
	free(p->entries);
	for (size_t i = 0; i < p->nvars; i++) {
		free(p->vars[i].name);
		free(p->vars[i].value);
	}
	free(p->vars);
	rthc_cpuset_done(&p->isolated);
	rthc_cpuset_done(&p->housekeeping);
	rthc_cpuset_done(&p->online);
	free(p->name);
	free(p->source);
	free(p->path);
	free(p);
	return NULL;
}

const struct rthc_profile_entry *rthc_profile_get(const struct rthc_profile *p, const char *section,
						  const char *key)
{
	for (size_t i = 0; i < p->nentries; i++)
		if (streq(p->entries[i].section, section) && streq(p->entries[i].key, key))
			return &p->entries[i];
	return NULL;
}

const char *rthc_profile_value(const struct rthc_profile *p, const char *section, const char *key)
{
	const struct rthc_profile_entry *e = rthc_profile_get(p, section, key);

	return e ? (e->value ? e->value : e->raw) : NULL;
}

bool rthc_profile_has_section(const struct rthc_profile *p, const char *section)
{
	for (size_t i = 0; i < p->nentries; i++)
		if (streq(p->entries[i].section, section))
			return true;
	return false;
}
