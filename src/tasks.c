/* Tasks from /proc (see tasks.h). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "macro.h"
#include "tasks.h"

int rthc_task_parse_stat(const char *line, struct rthc_task *t)
{
	const char *open = strchr(line, '('), *close = strrchr(line, ')'), *p;
	unsigned long long field[64];
	size_t len, nf = 0;
	char *end;
	long pid;

	if (!open || !close || close < open)
		return -EINVAL;
	/* "PID (COMM) S ...": COMM may hold spaces and parentheses, so it ends at the last ')'. */
	errno = 0;
	pid = strtol(line, &end, 10);
	if (end == line || errno || pid < 0 || pid > INT_MAX || *end != ' ' || end + 1 != open)
		return -EINVAL;
	t->pid = (int)pid;
	len = (size_t)(close - open - 1);
	if (len >= sizeof(t->comm))
		len = sizeof(t->comm) - 1;
	memcpy(t->comm, open + 1, len);
	t->comm[len] = '\0';
	p = close + 1;
	while (*p == ' ')
		p++;
	if (!*p)
		return -EINVAL;
	t->state = *p++;
	/* Fields 4.. as numbers; field[0] is field 4. Some are negative (e.g. priority). */
	while (*p && nf < ARRAY_SIZE(field)) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		field[nf++] = (unsigned long long)strtoll(p, &end, 10);
		if (end == p)
			return -EINVAL;
		p = end;
	}
	if (nf < 38) /* need up to field 41 */
		return -EINVAL;
	t->ppid = (int)field[0];
	t->flags = (unsigned)field[5];
	t->processor = (int)field[35];
	t->rt_priority = (unsigned)field[36];
	t->policy = (unsigned)field[37];
	return 0;
}

const char *rthc_task_policy_name(unsigned policy)
{
	switch (policy) {
	case 0:
		return "SCHED_OTHER";
	case 1:
		return "SCHED_FIFO";
	case 2:
		return "SCHED_RR";
	case 3:
		return "SCHED_BATCH";
	case 5:
		return "SCHED_IDLE";
	case 6:
		return "SCHED_DEADLINE";
	default:
		return "unknown";
	}
}

bool rthc_task_is_kthread(const struct rthc_task *t)
{
	return (t->flags & RTHC_PF_KTHREAD) || t->pid == 2 || t->ppid == 2;
}

struct rthc_tasks *rthc_tasks_free(struct rthc_tasks *ts)
{
	if (!ts)
		return NULL;
	for (size_t i = 0; i < ts->n; i++)
		rthc_cpuset_done(&ts->v[i].allowed);
	free(ts->v);
	free(ts);
	return NULL;
}

static void read_allowed(struct rthc_host *h, struct rthc_task *t)
{
	_cleanup_free_ char *status = NULL;
	char path[64];
	const char *p;

	snprintf(path, sizeof(path), "/proc/%d/status", t->pid);
	if (rthc_host_read_str(h, path, &status) < 0)
		return;
	p = strstr(status, "\nCpus_allowed_list:");
	if (!p)
		return;
	p += strlen("\nCpus_allowed_list:");
	while (*p == ' ' || *p == '\t')
		p++;
	{
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char *list = strndup(p, n);

		if (list && rthc_cpuset_parse_list(&t->allowed, list, 0) == 0)
			t->has_allowed = true;
		free(list);
	}
}

int rthc_tasks_gather(struct rthc_host *h, struct rthc_tasks **ret)
{
	struct rthc_tasks *ts = calloc(1, sizeof(*ts));
	char **names = NULL;
	size_t cap = 0;
	int r;

	if (!ts)
		return -ENOMEM;
	r = rthc_host_list_dir(h, "/proc", &names, NULL);
	if (r < 0) {
		ts->err = r;
		*ret = ts;
		return 0;
	}
	for (char **nm = names; *nm; nm++) {
		_cleanup_free_ char *stat = NULL;
		struct rthc_task t = {0};
		char path[64];

		if (!isdigit((unsigned char)**nm))
			continue;
		ts->have_pids = true;
		snprintf(path, sizeof(path), "/proc/%s/stat", *nm);
		if (rthc_host_read_str(h, path, &stat) < 0 || rthc_task_parse_stat(stat, &t) < 0)
			continue; /* gone, or not readable: skipped */
		rthc_cpuset_init(&t.allowed);
		read_allowed(h, &t);
		if (ts->n == cap) {
			struct rthc_task *nv;

			cap = cap ? cap * 2 : 256;
			nv = realloc(ts->v, cap * sizeof(*nv));
			if (!nv) {
				rthc_cpuset_done(&t.allowed);
				r = -ENOMEM;
				break;
			}
			ts->v = nv;
		}
		ts->v[ts->n++] = t;
	}
	rthc_strv_free(names);
	if (r < 0) {
		rthc_tasks_free(ts);
		return r;
	}
	*ret = ts;
	return 0;
}
