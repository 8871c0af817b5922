/* The apply plan (see plan.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpuset.h"
#include "host.h"
#include "plan.h"
#include "profile.h"
#include "strbuf.h"

static const char *const op_names[_RTHC_OP_MAX] = {"write", "file",  "mkdir",
						   "unload", "exec", "symlink"};
static const char *const form_names[_RTHC_FORM_MAX] = {"plain", "bracket", "cpulist", "mask", "text"};

const char *rthc_op_to_string(enum rthc_op op)
{
	return (unsigned)op < _RTHC_OP_MAX ? op_names[op] : "?";
}

int rthc_op_from_string(const char *s)
{
	for (int i = 0; i < _RTHC_OP_MAX; i++)
		if (streq(op_names[i], s))
			return i;
	return -EINVAL;
}

const char *rthc_form_to_string(enum rthc_form f)
{
	return (unsigned)f < _RTHC_FORM_MAX ? form_names[f] : "?";
}

int rthc_form_from_string(const char *s)
{
	for (int i = 0; i < _RTHC_FORM_MAX; i++)
		if (streq(form_names[i], s))
			return i;
	return -EINVAL;
}

void rthc_plan_init(struct rthc_plan *p)
{
	memset(p, 0, sizeof(*p));
}

void rthc_plan_change_done(struct rthc_plan_change *c)
{
	free(c->id);
	free(c->checks);
	free(c->type);
	free(c->target);
	free(c->old_value);
	free(c->old_raw);
	free(c->new_value);
	free(c->after);
	free(c->reason);
	memset(c, 0, sizeof(*c));
}

static void strv_done(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void rthc_plan_done(struct rthc_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		rthc_plan_change_done(&p->v[i]);
	free(p->v);
	strv_done(p->notes, p->nnotes);
	strv_done(p->pending, p->npending);
	memset(p, 0, sizeof(*p));
}

static char *dup_null(const char *s, bool *fail)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*fail = true;
	return d;
}

struct rthc_plan_change *rthc_plan_add(struct rthc_plan *plan, const char *id, const char *checks,
				       const char *type, const char *target, enum rthc_op op,
				       enum rthc_form f, const char *old_value, const char *new_value,
				       enum rthc_persistence p, unsigned flags)
{
	struct rthc_plan_change *c = realloc(plan->v, (plan->n + 1) * sizeof(*c));
	bool fail = false;

	if (!c)
		return NULL;
	plan->v = c;
	c = &plan->v[plan->n];
	memset(c, 0, sizeof(*c));
	c->seq = (unsigned)plan->n + 1;
	c->id = dup_null(id, &fail);
	c->checks = dup_null(checks ? checks : "", &fail);
	c->type = dup_null(type, &fail);
	c->target = dup_null(target, &fail);
	c->old_value = dup_null(old_value, &fail);
	c->new_value = dup_null(new_value ? new_value : "", &fail);
	c->op = op;
	c->form = f;
	c->persistence = p;
	c->flags = flags;
	c->status = RTHC_CHANGE_PLANNED;
	if (fail || !c->id || !c->type || !c->target) {
		rthc_plan_change_done(c);
		return NULL;
	}
	plan->n++;
	return c;
}

void rthc_plan_note(struct rthc_plan *plan, const char *fmt, ...)
{
	char *msg = NULL, **v;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return;
	v = realloc(plan->notes, (plan->nnotes + 1) * sizeof(*v));
	if (!v) {
		free(msg);
		return;
	}
	plan->notes = v;
	v[plan->nnotes++] = msg;
}

int rthc_plan_pending(struct rthc_plan *plan, const char *checks)
{
	_cleanup_free_ char **w = NULL;
	size_t n = 0;
	int r = rthc_profile_split_words(checks, &w, &n);

	for (size_t i = 0; r == 0 && i < n; i++) {
		bool have = false;
		char **v;

		for (size_t k = 0; k < plan->npending; k++)
			have = have || streq(plan->pending[k], w[i]);
		if (have)
			continue;
		v = realloc(plan->pending, (plan->npending + 1) * sizeof(*v));
		if (!v) {
			r = -ENOMEM;
			break;
		}
		plan->pending = v;
		v[plan->npending++] = TAKE_PTR(w[i]);
	}
	for (size_t i = 0; i < n; i++)
		free(w[i]);
	return r;
}

struct rthc_plan_change *rthc_plan_find(struct rthc_plan *plan, const char *target)
{
	for (size_t i = 0; i < plan->n; i++)
		if (streq(plan->v[i].target, target))
			return &plan->v[i];
	return NULL;
}

/* ---- values -------------------------------------------------------------------------------- */

static int norm_plain(const char *raw, char **ret)
{
	struct rthc_strbuf sb;
	int r = 0;

	rthc_strbuf_init(&sb);
	while (*raw && r == 0) {
		size_t w = strcspn(raw, " \t\n");

		if (w && sb.len)
			r = rthc_strbuf_putc(&sb, ' ');
		if (r == 0)
			r = rthc_strbuf_append(&sb, raw, w);
		raw += w;
		raw += strspn(raw, " \t\n");
	}
	if (r == 0)
		r = rthc_strbuf_steal(&sb, ret);
	rthc_strbuf_done(&sb);
	return r;
}

int rthc_value_norm(enum rthc_form f, const char *raw, char **ret)
{
	const char *open, *close;

	switch (f) {
	case RTHC_FORM_TEXT:
		*ret = strdup(raw);
		return *ret ? 0 : -ENOMEM;
	case RTHC_FORM_BRACKET:
		open = strchr(raw, '[');
		close = open ? strchr(open, ']') : NULL;
		if (open && close) {
			*ret = strndup(open + 1, (size_t)(close - open - 1));
			return *ret ? 0 : -ENOMEM;
		}
		return norm_plain(raw, ret);
	default:
		return norm_plain(raw, ret);
	}
}

static bool sets_equal(enum rthc_form f, const char *a, const char *b)
{
	struct rthc_cpuset x = RTHC_CPUSET_INIT, y = RTHC_CPUSET_INIT;
	bool eq = false;

	if (f == RTHC_FORM_CPULIST ? rthc_cpuset_parse_list(&x, a, 0) == 0 && rthc_cpuset_parse_list(&y, b, 0) == 0
				   : rthc_cpuset_parse_mask(&x, a) == 0 && rthc_cpuset_parse_mask(&y, b) == 0)
		eq = rthc_cpuset_equal(&x, &y);
	else
		eq = streq(a, b);
	rthc_cpuset_done(&x);
	rthc_cpuset_done(&y);
	return eq;
}

bool rthc_value_eq(enum rthc_form f, const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	if (f == RTHC_FORM_CPULIST || f == RTHC_FORM_MASK)
		return sets_equal(f, a, b);
	return streq(a, b);
}

int rthc_value_read(struct rthc_host *h, enum rthc_form f, const char *path, char **ret)
{
	_cleanup_free_ char *raw = NULL;
	int r = rthc_host_read_file(h, path, &raw, NULL);

	if (r < 0)
		return r;
	return rthc_value_norm(f, raw, ret);
}

/* ---- planning helpers ---------------------------------------------------------------------- */

int rthc_plan_attr(struct rthc_apply_ctx *a, const char *id, const char *checks, const char *type,
		   const char *path, enum rthc_form f, const char *want, unsigned flags)
{
	_cleanup_free_ char *cur = NULL, *norm = NULL, *raw = NULL;
	struct rthc_plan_change *c;
	int r = rthc_host_read_file(a->h, path, &raw, NULL);

	if (r == 0)
		r = rthc_value_norm(f, raw, &cur);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		rthc_plan_note(a->plan, "%s: %s, not changed", path, r == -ENOENT ? "not present on this kernel"
										   : strerror(-r));
		return 0;
	}
	r = rthc_value_norm(f, want, &norm);
	if (r < 0)
		return r;
	c = rthc_plan_find(a->plan, path);
	if (rthc_value_eq(f, cur, norm)) {
		if (c) /* a later entry of the profile asks for the value that holds: keep it */
			c->status = RTHC_CHANGE_UNCHANGED;
		return 0;
	}
	if (c) {
		free(c->new_value);
		c->new_value = TAKE_PTR(norm);
		c->status = RTHC_CHANGE_PLANNED;
		return 0;
	}
	c = rthc_plan_add(a->plan, id, checks, type, path, RTHC_OP_WRITE, f, cur, norm, RTHC_PERSIST_RUNTIME,
			  flags);
	if (!c)
		return -ENOMEM;
	c->old_raw = TAKE_PTR(raw);
	return 0;
}

/* Plan the directories missing above path, outermost first. */
static int plan_parents(struct rthc_apply_ctx *a, const char *path, const char *checks, const char *type)
{
	char dir[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, path, n + 1);
	for (char *s = dir + 1; (s = strchr(s, '/')); s++) {
		int e;

		*s = '\0';
		e = rthc_host_exists(a->h, dir);
		if (e == 0 && !rthc_plan_find(a->plan, dir)) {
			struct rthc_plan_change *c;
			char id[PATH_MAX + 8];

			snprintf(id, sizeof(id), "mkdir:%s", dir);
			c = rthc_plan_add(a->plan, id, checks, type, dir, RTHC_OP_MKDIR, RTHC_FORM_TEXT, NULL, "",
					  RTHC_PERSIST_PERSISTENT, 0);
			if (!c)
				return -ENOMEM;
			c->new_mode = 0755;
		}
		*s = '/';
	}
	return 0;
}

static unsigned file_mode(struct rthc_host *h, const char *path)
{
	struct stat st;
	int fd = rthc_host_open(h, path, O_PATH, 0);
	unsigned mode = 0644;

	if (fd < 0)
		return mode;
	if (fstat(fd, &st) == 0)
		mode = st.st_mode & 07777;
	close(fd);
	return mode;
}

int rthc_plan_file(struct rthc_apply_ctx *a, const char *id, const char *checks, const char *type,
		   const char *path, const char *content, mode_t mode, enum rthc_persistence p,
		   unsigned flags)
{
	_cleanup_free_ char *old = NULL;
	struct rthc_plan_change *c;
	int r = rthc_host_read_file(a->h, path, &old, NULL);

	if (r < 0 && r != -ENOENT) {
		rthc_plan_note(a->plan, "%s: %s, not changed", path, strerror(-r));
		return r == -ENOMEM ? r : 0;
	}
	if (old && streq(old, content))
		return 0;
	r = plan_parents(a, path, checks, type);
	if (r < 0)
		return r;
	c = rthc_plan_add(a->plan, id, checks, type, path, RTHC_OP_FILE, RTHC_FORM_TEXT, old, content, p, flags);
	if (!c)
		return -ENOMEM;
	c->new_mode = mode;
	c->old_mode = old ? file_mode(a->h, path) : 0;
	return 0;
}

int rthc_plan_link(struct rthc_apply_ctx *a, const char *id, const char *type, const char *path,
		   const char *text)
{
	_cleanup_free_ char *cur = NULL;
	int r = rthc_host_readlink(a->h, path, &cur);

	if (r == 0 && streq(cur, text))
		return 0;
	if (r == -ENOMEM)
		return r;
	if (r != -ENOENT) {
		rthc_plan_note(a->plan, "%s: %s, not changed", path,
			       r == 0		? "a link to somewhere else"
			       : r == -EINVAL ? "not a symbolic link"
					      : strerror(-r));
		return 0;
	}
	r = plan_parents(a, path, "", type);
	if (r < 0)
		return r;
	return rthc_plan_add(a->plan, id, "", type, path, RTHC_OP_SYMLINK, RTHC_FORM_TEXT, NULL, text,
			     RTHC_PERSIST_PERSISTENT, 0)
		       ? 0
		       : -ENOMEM;
}

int rthc_plan_build(struct rthc_host *h, const struct rthc_facts *f, const struct rthc_profile *p,
		    char *const *args, struct rthc_plan *plan)
{
	static const struct rthc_applier *const appliers[] = {
		&rthc_applier_sysctl, &rthc_applier_sysfs,   &rthc_applier_cpu,       &rthc_applier_irq,
		&rthc_applier_irqbalance, &rthc_applier_modules, &rthc_applier_hugepages,
		&rthc_applier_cmdline,
	};
	struct rthc_apply_ctx a = {h, f, p, rthc_host_is_live(h), plan};
	size_t keep = 0;
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(appliers) && r == 0; i++)
		r = appliers[i]->plan(&a);
	if (r == 0)
		r = rthc_plan_boot_unit(&a, args);
	if (r < 0)
		return r;
	/* Entries overridden back to the current value drop out; renumber. */
	for (size_t i = 0; i < plan->n; i++) {
		if (plan->v[i].status == RTHC_CHANGE_UNCHANGED) {
			rthc_plan_change_done(&plan->v[i]);
			continue;
		}
		plan->v[keep] = plan->v[i];
		plan->v[keep].seq = (unsigned)keep + 1;
		keep++;
	}
	plan->n = keep;
	return 0;
}

int rthc_plan_report(const struct rthc_plan *plan, struct rthc_report *rep)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct rthc_plan_change *c = &plan->v[i];
		char check[128];
		size_t k = strcspn(c->checks, " ");

		snprintf(check, sizeof(check), "%.*s", (int)k, c->checks);
		if (!rthc_report_add_change(rep, c->id, k ? check : NULL, c->type, c->target, c->old_value,
					    c->after && c->status == RTHC_CHANGE_APPLIED ? c->after : c->new_value,
					    c->persistence, c->status, c->reason))
			return -ENOMEM;
	}
	return 0;
}
