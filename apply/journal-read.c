/* Reading apply journals back (see journal.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "journal.h"
#include "profile.h"

struct lexer {
	const char *p;
};

/* An unquoted word into buf. */
static int word(struct lexer *lx, char *buf, size_t n)
{
	size_t len;

	while (*lx->p == ' ')
		lx->p++;
	len = strcspn(lx->p, " ");
	if (!len || len >= n)
		return -EINVAL;
	memcpy(buf, lx->p, len);
	buf[len] = '\0';
	lx->p += len;
	return 0;
}

static int number(struct lexer *lx, unsigned base, unsigned *ret)
{
	char buf[32], *end;
	unsigned long v;

	if (word(lx, buf, sizeof(buf)) < 0)
		return -EINVAL;
	errno = 0;
	v = strtoul(buf, &end, (int)base);
	if (errno || *end || v > 0xffffffffUL)
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
}

static int string(struct lexer *lx, char **ret)
{
	while (*lx->p == ' ')
		lx->p++;
	return rthc_journal_unescape(&lx->p, ret);
}

static int end_of_line(struct lexer *lx)
{
	while (*lx->p == ' ')
		lx->p++;
	return *lx->p ? -EINVAL : 0;
}

static int persistence_from(const char *s, enum rthc_persistence *p)
{
	for (int i = RTHC_PERSIST_RUNTIME; i <= RTHC_PERSIST_BOOT; i++)
		if (streq(s, rthc_persistence_to_string(i))) {
			*p = i;
			return 0;
		}
	return -EINVAL;
}

static int parse_change(struct lexer *lx, struct rthc_plan *plan)
{
	struct rthc_plan_change c = {0};
	char op[16], form[16], pers[16];
	int o, f, r;

	r = number(lx, 10, &c.seq);
	if (r == 0)
		r = word(lx, op, sizeof(op)) ?: word(lx, form, sizeof(form)) ?: word(lx, pers, sizeof(pers));
	if (r == 0)
		r = number(lx, 10, &c.flags) ?: number(lx, 8, &c.old_mode) ?: number(lx, 8, &c.new_mode);
	if (r == 0)
		r = string(lx, &c.id) ?: string(lx, &c.checks) ?: string(lx, &c.type) ?: string(lx, &c.target);
	while (r == 0 && *lx->p == ' ')
		lx->p++;
	if (r == 0 && strneq(lx->p, "absent", 6))
		lx->p += 6;
	else if (r == 0)
		r = string(lx, &c.old_value);
	while (r == 0 && *lx->p == ' ')
		lx->p++;
	if (r == 0 && lx->p[0] == '-' && lx->p[1] == ' ')
		lx->p++;
	else if (r == 0)
		r = string(lx, &c.old_raw);
	if (r == 0)
		r = string(lx, &c.new_value) ?: end_of_line(lx);
	o = r == 0 ? rthc_op_from_string(op) : -EINVAL;
	f = r == 0 ? rthc_form_from_string(form) : -EINVAL;
	if (r == 0 && (o < 0 || f < 0 || persistence_from(pers, &c.persistence) < 0 || c.seq != plan->n + 1))
		r = -EINVAL;
	if (r == 0) {
		struct rthc_plan_change *v = realloc(plan->v, (plan->n + 1) * sizeof(*v));

		if (!v) {
			r = -ENOMEM;
		} else {
			c.op = o;
			c.form = f;
			c.status = RTHC_CHANGE_PLANNED;
			plan->v = v;
			v[plan->n++] = c;
			return 0;
		}
	}
	rthc_plan_change_done(&c);
	return r;
}

static int parse_mark(struct lexer *lx, char type, struct rthc_plan *plan)
{
	struct rthc_plan_change *c;
	char arg[32];
	unsigned seq;
	int r = number(lx, 10, &seq);

	if (r < 0 || seq == 0 || seq > plan->n)
		return -EINVAL;
	c = &plan->v[seq - 1];
	if (type == 'A') {
		free(c->after);
		c->after = NULL;
		r = string(lx, &c->after) ?: end_of_line(lx);
		if (r == 0)
			c->status = RTHC_CHANGE_APPLIED;
		return r;
	}
	r = word(lx, arg, sizeof(arg)) ?: end_of_line(lx);
	if (r < 0)
		return r;
	if (type == 'F' || type == 'S') {
		c->status = type == 'F' ? RTHC_CHANGE_FAILED : RTHC_CHANGE_UNCHANGED;
		c->err = -atoi(arg);
	} else if (streq(arg, "rolled_back")) {
		c->done = true;
		c->status = RTHC_CHANGE_ROLLED_BACK;
	} else if (streq(arg, "conflict")) {
		c->status = RTHC_CHANGE_CONFLICT;
	} else if (streq(arg, "failed")) {
		c->status = RTHC_CHANGE_FAILED;
	} else {
		return -EINVAL;
	}
	return 0;
}

static int parse_header(struct lexer *lx, struct rthc_journal_run *run)
{
	return string(lx, &run->run_id) ?: string(lx, &run->profile) ?: string(lx, &run->root)
					  ?: string(lx, &run->started) ?: end_of_line(lx);
}

/* P: one or more strings. */
static int parse_params(struct lexer *lx, struct rthc_journal_run *run)
{
	char **v = NULL;
	size_t n = 0;
	int r = 0;

	while (r == 0 && *lx->p) {
		char **nv = realloc(v, (n + 2) * sizeof(*v));

		if (!nv) {
			r = -ENOMEM;
			break;
		}
		v = nv;
		v[n] = NULL;
		r = string(lx, &v[n]);
		if (r == 0)
			v[++n] = NULL;
	}
	if (r == 0 && n == 0)
		r = -EINVAL;
	if (r < 0) {
		rthc_strv_free(v);
		return r;
	}
	run->args = v;
	return 0;
}

static int parse_line(const char *line, unsigned lineno, struct rthc_journal_run *run)
{
	struct lexer lx = {line + 1};
	char end[32];

	if (lineno == 1) {
		unsigned v;

		if (sscanf(line, "rthostcheck-journal %u", &v) != 1)
			return -EINVAL;
		return v == RTHC_JOURNAL_VERSION ? 0 : -EPROTO;
	}
	if (line[0] && line[1] != ' ')
		return -EINVAL;
	switch (line[0]) {
	case 'H':
		return run->run_id ? -EINVAL : parse_header(&lx, run);
	case 'P':
		if (!run->run_id || run->args || run->changes.n || run->end || run->reapplies)
			return -EINVAL;
		return parse_params(&lx, run);
	case 'B': {
		_cleanup_free_ char *started = NULL;

		if (!run->run_id || string(&lx, &started) < 0 || end_of_line(&lx) < 0)
			return -EINVAL;
		/* The run is open again: its C records continue. */
		free(run->end);
		run->end = NULL;
		run->reapplies++;
		return 0;
	}
	case 'C':
		return !run->run_id || run->end ? -EINVAL : parse_change(&lx, &run->changes);
	case 'A':
	case 'F':
	case 'S':
	case 'R':
		return parse_mark(&lx, line[0], &run->changes);
	case 'E':
		if (word(&lx, end, sizeof(end)) < 0 || end_of_line(&lx) < 0)
			return -EINVAL;
		free(run->end);
		run->end = strdup(end);
		return run->end ? 0 : -ENOMEM;
	default:
		return -EINVAL;
	}
}

int rthc_journal_replay(struct rthc_host *h, const char *run_id, struct rthc_journal_run *run,
			struct rthc_profile_error *err)
{
	_cleanup_free_ char *text = NULL, *path = NULL;
	const char *root = rthc_host_root(h);
	unsigned lineno = 0;
	int r;

	memset(run, 0, sizeof(*run));
	memset(err, 0, sizeof(*err));
	if (!rthc_journal_valid_id(run_id))
		return -ENOENT;
	if (asprintf(&path, RTHC_JOURNAL_DIR "/%s.log", run_id) < 0) {
		path = NULL;
		return -ENOMEM;
	}
	snprintf(err->file, sizeof(err->file), "%s%s", streq(root, "/") ? "" : root, path);
	r = rthc_host_read_file(h, path, &text, NULL);
	if (r < 0)
		return r;
	for (char *line = text, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break; /* a record cut short by a crash: it never happened */
		*nl = '\0';
		lineno++;
		r = parse_line(line, lineno, run);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			err->line = lineno;
			snprintf(err->msg, sizeof(err->msg), r == -EPROTO ? "unsupported journal version"
									  : "malformed journal record");
			rthc_journal_run_done(run);
			return -EINVAL;
		}
	}
	if (!run->run_id) {
		err->line = lineno ? lineno : 1;
		snprintf(err->msg, sizeof(err->msg), "not a journal (no header)");
		rthc_journal_run_done(run);
		return -EINVAL;
	}
	return 0;
}

void rthc_journal_run_done(struct rthc_journal_run *run)
{
	free(run->run_id);
	free(run->profile);
	free(run->root);
	free(run->started);
	free(run->end);
	rthc_strv_free(run->args);
	rthc_plan_done(&run->changes);
	memset(run, 0, sizeof(*run));
}

int rthc_journal_latest(struct rthc_host *h, char **run_id, struct rthc_profile_error *err)
{
	char **names = NULL;
	size_t n = 0;
	int r = rthc_host_list_dir(h, RTHC_JOURNAL_DIR, &names, &n);

	memset(err, 0, sizeof(*err));
	if (r < 0)
		return r == -ENOTDIR ? -ENOENT : r;
	r = -ENOENT;
	for (size_t i = n; i-- > 0 && r == -ENOENT;) {
		struct rthc_journal_run run;
		size_t len = strlen(names[i]);
		char id[128];

		if (len <= 4 || !streq(names[i] + len - 4, ".log") || len - 4 >= sizeof(id))
			continue;
		snprintf(id, sizeof(id), "%.*s", (int)(len - 4), names[i]);
		r = rthc_journal_replay(h, id, &run, err);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			break;
		r = run.end && streq(run.end, "rolled_back") ? -ENOENT : 0;
		if (r == 0) {
			*run_id = strdup(id);
			r = *run_id ? 0 : -ENOMEM;
		}
		rthc_journal_run_done(&run);
	}
	rthc_strv_free(names);
	return r;
}
