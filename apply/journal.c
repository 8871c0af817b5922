/* The apply journal (see journal.h). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "journal.h"
#include "profile.h"
#include "strbuf.h"

#define HEADER "rthostcheck-journal"

int rthc_journal_escape(const char *s, char **ret)
{
	struct rthc_strbuf sb;
	int r;

	rthc_strbuf_init(&sb);
	r = rthc_strbuf_putc(&sb, '"');
	for (; *s && r == 0; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"':
			r = rthc_strbuf_puts(&sb, "\\\"");
			break;
		case '\\':
			r = rthc_strbuf_puts(&sb, "\\\\");
			break;
		case '\n':
			r = rthc_strbuf_puts(&sb, "\\n");
			break;
		case '\t':
			r = rthc_strbuf_puts(&sb, "\\t");
			break;
		case '\r':
			r = rthc_strbuf_puts(&sb, "\\r");
			break;
		default:
			if (c < 0x20 || c >= 0x7f)
				r = rthc_strbuf_printf(&sb, "\\x%02x", c);
			else
				r = rthc_strbuf_putc(&sb, (char)c);
		}
	}
	if (r == 0)
		r = rthc_strbuf_putc(&sb, '"');
	if (r == 0)
		r = rthc_strbuf_steal(&sb, ret);
	rthc_strbuf_done(&sb);
	return r;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int rthc_journal_unescape(const char **pp, char **ret)
{
	const char *p = *pp;
	struct rthc_strbuf sb;
	int r = 0;

	if (*p != '"')
		return -EINVAL;
	rthc_strbuf_init(&sb);
	rthc_strbuf_puts(&sb, ""); /* "" rather than NULL for the empty string */
	for (p++; *p != '"' && r == 0; p++) {
		char c = *p;

		if (!c) {
			r = -EINVAL;
			break;
		}
		if (c == '\\') {
			p++;
			if (*p == 'n')
				c = '\n';
			else if (*p == 't')
				c = '\t';
			else if (*p == 'r')
				c = '\r';
			else if (*p == '\\' || *p == '"')
				c = *p;
			else if (*p == 'x' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
				c = (char)(hexval(p[1]) * 16 + hexval(p[2]));
				p += 2;
				if (!c) {
					r = -EINVAL;
					break;
				}
			} else {
				r = -EINVAL;
				break;
			}
		}
		r = rthc_strbuf_putc(&sb, c);
	}
	if (r == 0) {
		*pp = p + 1;
		r = rthc_strbuf_steal(&sb, ret);
	}
	rthc_strbuf_done(&sb);
	return r;
}

bool rthc_journal_valid_id(const char *s)
{
	if (!*s || *s == '.' || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return false;
	return true;
}

/* ---- writing ------------------------------------------------------------------------------- */

static int write_record(struct rthc_journal *j, const char *line)
{
	size_t len = strlen(line);
	const char *p = line;

	while (len > 0) {
		ssize_t k = write(j->fd, p, len);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += k;
		len -= (size_t)k;
	}
	if (fsync(j->fd) < 0)
		return -errno;
	j->nrecords++;
	if (j->hook)
		j->hook(j->nrecords, j->hook_data);
	return 0;
}

static int sync_dir(struct rthc_host *h, const char *dir)
{
	int fd = rthc_host_open(h, dir, O_RDONLY | O_DIRECTORY, 0);

	if (fd < 0)
		return fd;
	(void)fsync(fd);
	close(fd);
	return 0;
}

static struct rthc_journal *journal_new(struct rthc_host *h, const char *run_id)
{
	struct rthc_journal *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->h = h;
	j->fd = -1;
	j->run_id = strdup(run_id);
	if (!j->run_id || asprintf(&j->path, RTHC_JOURNAL_DIR "/%s.log", run_id) < 0) {
		j->path = NULL;
		return rthc_journal_close(j);
	}
	return j;
}

/* The next run number: one more than the highest "<N>-..." journal present. */
static unsigned next_seq(struct rthc_host *h)
{
	char **names = NULL;
	unsigned max = 0;

	if (rthc_host_list_dir(h, RTHC_JOURNAL_DIR, &names, NULL) < 0)
		return 1;
	for (size_t i = 0; names[i]; i++) {
		unsigned long v = strtoul(names[i], NULL, 10);

		if (v > max && v < 1000000000UL)
			max = (unsigned)v;
	}
	rthc_strv_free(names);
	return max + 1;
}

/* Run IDs are "<N>-<UTC time>": N orders runs even within one second. */
static int create_file(struct rthc_host *h, const char *stamp, struct rthc_journal **ret)
{
	unsigned seq = next_seq(h);

	for (unsigned k = 0; k < 1000; k++, seq++) {
		struct rthc_journal *j;
		char run_id[96];
		int r;

		snprintf(run_id, sizeof(run_id), "%u-%s", seq, stamp);
		j = journal_new(h, run_id);
		if (!j)
			return -ENOMEM;
		j->fd = rthc_host_open(h, j->path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND, 0600);
		if (j->fd >= 0) {
			*ret = j;
			return 0;
		}
		r = j->fd;
		rthc_journal_close(j);
		if (r != -EEXIST)
			return r;
	}
	return -EEXIST;
}

/* The current UTC time as in records ("2026-01-31T12:00:00Z") and as in run IDs (no '-' or ':'). */
static void now_utc(char started[static 32], char stamp[static 32])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(started, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(stamp, 32, "%Y%m%dT%H%M%SZ", &tm);
}

int rthc_journal_open(struct rthc_host *h, const char *profile, rthc_journal_hook_fn hook, void *hook_data,
		      struct rthc_journal **ret)
{
	_cleanup_free_ char *qid = NULL, *qprof = NULL, *qroot = NULL, *line = NULL;
	char stamp[32], started[32];
	struct rthc_journal *j = NULL;
	int r;

	now_utc(started, stamp);
	r = rthc_host_mkdir_p(h, RTHC_JOURNAL_DIR, 0700);
	if (r == 0)
		r = create_file(h, stamp, &j);
	if (r < 0)
		return r;
	j->hook = hook;
	j->hook_data = hook_data;
	r = rthc_journal_escape(j->run_id, &qid);
	if (r == 0)
		r = rthc_journal_escape(profile, &qprof);
	if (r == 0)
		r = rthc_journal_escape(rthc_host_root(h), &qroot);
	if (r == 0 && asprintf(&line, HEADER " %d\nH %s %s %s \"%s\"\n", RTHC_JOURNAL_VERSION, qid, qprof, qroot,
			       started) < 0) {
		line = NULL;
		r = -ENOMEM;
	}
	if (r == 0)
		r = write_record(j, line);
	if (r == 0)
		r = sync_dir(h, RTHC_JOURNAL_DIR);
	if (r < 0) {
		rthc_journal_close(j);
		return r;
	}
	*ret = j;
	return 0;
}

int rthc_journal_reopen(struct rthc_host *h, const char *run_id, struct rthc_journal **ret)
{
	struct rthc_journal *j;

	if (!rthc_journal_valid_id(run_id))
		return -EINVAL;
	j = journal_new(h, run_id);
	if (!j)
		return -ENOMEM;
	j->fd = rthc_host_open(h, j->path, O_WRONLY | O_APPEND, 0);
	if (j->fd < 0) {
		int r = j->fd;

		rthc_journal_close(j);
		return r;
	}
	*ret = j;
	return 0;
}

int rthc_journal_append(struct rthc_journal *j, const struct rthc_plan_change *c)
{
	_cleanup_free_ char *id = NULL, *checks = NULL, *type = NULL, *target = NULL, *old = NULL,
			    *raw = NULL, *nv = NULL, *line = NULL;
	int r = rthc_journal_escape(c->id, &id);

	if (r == 0)
		r = rthc_journal_escape(c->checks, &checks);
	if (r == 0)
		r = rthc_journal_escape(c->type, &type);
	if (r == 0)
		r = rthc_journal_escape(c->target, &target);
	if (r == 0 && c->old_value)
		r = rthc_journal_escape(c->old_value, &old);
	if (r == 0 && c->old_raw)
		r = rthc_journal_escape(c->old_raw, &raw);
	if (r == 0)
		r = rthc_journal_escape(c->new_value, &nv);
	if (r < 0)
		return r;
	if (asprintf(&line, "C %u %s %s %s %u %o %o %s %s %s %s %s %s %s\n", c->seq, rthc_op_to_string(c->op),
		     rthc_form_to_string(c->form), rthc_persistence_to_string(c->persistence), c->flags,
		     c->old_mode, c->new_mode, id, checks, type, target, old ? old : "absent", raw ? raw : "-",
		     nv) < 0) {
		line = NULL;
		return -ENOMEM;
	}
	return write_record(j, line);
}

int rthc_journal_params(struct rthc_journal *j, char *const *args)
{
	struct rthc_strbuf sb;
	int r;

	rthc_strbuf_init(&sb);
	r = rthc_strbuf_putc(&sb, 'P');
	for (size_t i = 0; args[i] && r == 0; i++) {
		_cleanup_free_ char *q = NULL;

		r = rthc_journal_escape(args[i], &q) ?: rthc_strbuf_printf(&sb, " %s", q);
	}
	if (r == 0)
		r = rthc_strbuf_putc(&sb, '\n');
	if (r == 0)
		r = write_record(j, rthc_strbuf_str(&sb));
	rthc_strbuf_done(&sb);
	return r;
}

int rthc_journal_begin_reapply(struct rthc_journal *j)
{
	char started[32], stamp[32], line[64];

	now_utc(started, stamp);
	snprintf(line, sizeof(line), "B \"%s\"\n", started);
	return write_record(j, line);
}

int rthc_journal_mark(struct rthc_journal *j, char type, unsigned seq, const char *arg)
{
	_cleanup_free_ char *q = NULL, *line = NULL;

	if (type == 'A' && rthc_journal_escape(arg, &q) < 0)
		return -ENOMEM;
	if (asprintf(&line, "%c %u %s\n", type, seq, q ? q : arg) < 0) {
		line = NULL;
		return -ENOMEM;
	}
	return write_record(j, line);
}

int rthc_journal_commit(struct rthc_journal *j, const char *end)
{
	_cleanup_free_ char *line = NULL;

	if (asprintf(&line, "E %s\n", end) < 0) {
		line = NULL;
		return -ENOMEM;
	}
	return write_record(j, line);
}

struct rthc_journal *rthc_journal_close(struct rthc_journal *j)
{
	if (!j)
		return NULL;
	if (j->fd >= 0)
		close(j->fd);
	free(j->run_id);
	free(j->path);
	free(j);
	return NULL;
}
