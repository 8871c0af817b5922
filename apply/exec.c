/* The executor (see exec.h). */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"
#include "host.h"
#include "profile.h"

extern char **environ;

int rthc_exec_permitted(struct rthc_host *h, uid_t euid, char *why, size_t n)
{
	int fd, r = 0;

	if (rthc_host_is_live(h)) {
		if (euid == 0)
			return 0;
		snprintf(why, n, "applying to the running system needs root");
		return -EPERM;
	}
	fd = rthc_host_open(h, "/", O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0 || faccessat(fd, ".", W_OK, AT_EACCESS) < 0)
		r = fd < 0 ? fd : -errno;
	if (fd >= 0)
		close(fd);
	if (r < 0) {
		snprintf(why, n, "cannot write to the tree %s: %s", rthc_host_root(h), strerror(-r));
		return -EPERM;
	}
	return 0;
}

int rthc_exec_lock(struct rthc_host *h, int *ret)
{
	int fd, r = rthc_host_mkdir_p(h, RTHC_STATE_DIR, 0700);

	if (r < 0)
		return r;
	fd = rthc_host_open(h, RTHC_LOCK_PATH, O_RDWR | O_CREAT, 0600);
	if (fd < 0)
		return fd;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		r = errno == EWOULDBLOCK ? -EBUSY : -errno;
		close(fd);
		return r;
	}
	*ret = fd;
	return 0;
}

void rthc_exec_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* drops the flock */
}

int rthc_exec_spawn(const char *cmdline)
{
	char *argv[16] = {0}, *copy = strdup(cmdline), *save = NULL;
	size_t n = 0;
	pid_t pid;
	int st, r;

	if (!copy)
		return -ENOMEM;
	for (char *t = strtok_r(copy, " ", &save); t && n < ARRAY_SIZE(argv) - 1; t = strtok_r(NULL, " ", &save))
		argv[n++] = t;
	r = n ? -posix_spawn(&pid, argv[0], NULL, NULL, argv, environ) : -EINVAL;
	while (r == 0 && waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			r = -errno;
	if (r == 0 && (!WIFEXITED(st) || WEXITSTATUS(st) != 0))
		r = -ECHILD;
	free(copy);
	return r;
}

/*
 * Create the symbolic link path -> text inside the root. The accessor has no symlink call yet:
 * symlinkat() on the parent directory, opened through the accessor (so that it stays inside the
 * root).
 */
static int make_link(struct rthc_host *h, const char *path, const char *text)
{
	const char *slash = strrchr(path, '/');
	char parent[PATH_MAX];
	int fd, r = 0;

	if (!slash || !slash[1] || (size_t)(slash - path) >= sizeof(parent))
		return -EINVAL;
	snprintf(parent, sizeof(parent), "%.*s", (int)(slash == path ? 1 : slash - path), path);
	fd = rthc_host_open(h, parent, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	if (symlinkat(text, fd, slash + 1) < 0)
		r = -errno;
	close(fd);
	return r;
}

static int module_loaded(struct rthc_host *h, const char *name)
{
	return rthc_host_existsf(h, "/sys/module/%s/initstate", name);
}

/* Make the change. */
static int perform(struct rthc_host *h, struct rthc_plan_change *c)
{
	switch (c->op) {
	case RTHC_OP_WRITE:
		return rthc_host_write_str(h, c->target, c->new_value);
	case RTHC_OP_FILE:
		return rthc_host_replace_file(h, c->target, c->new_value, strlen(c->new_value), c->new_mode);
	case RTHC_OP_MKDIR:
		return rthc_host_mkdir_p(h, c->target, c->new_mode ? c->new_mode : 0755);
	case RTHC_OP_UNLOAD:
		if (!rthc_host_is_live(h))
			return -EOPNOTSUPP;
		return syscall(SYS_delete_module, c->target, O_NONBLOCK) < 0 ? -errno : 0;
	case RTHC_OP_EXEC:
		return rthc_host_is_live(h) ? rthc_exec_spawn(c->new_value) : -EOPNOTSUPP;
	case RTHC_OP_SYMLINK:
		return make_link(h, c->target, c->new_value);
	default:
		return -EINVAL;
	}
}

/* Read the result back into c->after. */
static int read_back(struct rthc_host *h, struct rthc_plan_change *c)
{
	free(c->after);
	c->after = NULL;
	if (c->op == RTHC_OP_WRITE)
		return rthc_value_read(h, c->form, c->target, &c->after);
	if (c->op == RTHC_OP_FILE)
		return rthc_host_read_file(h, c->target, &c->after, NULL);
	if (c->op == RTHC_OP_SYMLINK)
		return rthc_host_readlink(h, c->target, &c->after);
	c->after = strdup(c->new_value);
	return c->after ? 0 : -ENOMEM;
}

/* The command that loads a module again, bypassing our own "install M /bin/false". */
static int reload_module(struct rthc_host *h, const char *name)
{
	static const char *const paths[] = {"/usr/sbin/modprobe", "/sbin/modprobe"};
	char cmd[256];

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
		if (rthc_host_exists(h, paths[i]) > 0) {
			snprintf(cmd, sizeof(cmd), "%s --ignore-install %s", paths[i], name);
			return rthc_exec_spawn(cmd);
		}
	return -ENOENT;
}

static int verify(struct rthc_plan_change *c)
{
	if (c->op != RTHC_OP_WRITE && c->op != RTHC_OP_FILE && c->op != RTHC_OP_SYMLINK)
		return 0;
	if (rthc_value_eq(c->form, c->after, c->new_value))
		return 0;
	if (c->flags & RTHC_CHG_PARTIAL_OK) {
		free(c->reason);
		if (asprintf(&c->reason, "shortfall: asked for %s, the kernel gave %s", c->new_value, c->after) < 0)
			c->reason = NULL;
		return 0;
	}
	free(c->reason);
	if (asprintf(&c->reason, "read back '%s' after writing '%s'", c->after, c->new_value) < 0)
		c->reason = NULL;
	return -EIO;
}

_printf_format_(2, 3) static void set_reason(struct rthc_plan_change *c, const char *fmt, ...)
{
	va_list ap;

	free(c->reason);
	va_start(ap, fmt);
	if (vasprintf(&c->reason, fmt, ap) < 0)
		c->reason = NULL;
	va_end(ap);
}

/*
 * Undo what this run (or this re-apply) wrote, newest first. A re-applied value gets no R record:
 * the change of the run it wrote again stays in force for --rollback.
 */
static void roll_back_run(struct rthc_host *h, struct rthc_journal *j, struct rthc_plan *plan,
			  size_t upto, bool reapply)
{
	bool complete = true;

	for (size_t i = upto; i-- > 0;) {
		struct rthc_plan_change *c = &plan->v[i];

		if (c->status != RTHC_CHANGE_APPLIED)
			continue;
		rthc_exec_undo(h, c, false);
		complete = complete && c->status == RTHC_CHANGE_ROLLED_BACK;
		if (!c->reapply)
			(void)rthc_journal_mark(j, 'R', c->seq,
						rthc_change_status_to_string(c->status));
	}
	/* A failed re-apply leaves the run it extends applied, as it was before. */
	(void)rthc_journal_commit(j, !complete ? "rollback_incomplete"
				     : reapply ? "applied"
					       : "rolled_back");
}

static int apply_one(struct rthc_host *h, struct rthc_journal *j, struct rthc_plan_change *c)
{
	char num[16];
	/* A value the run records already is written again without a new record (journal.h). */
	int r = c->reapply ? 0 : rthc_journal_append(j, c);

	if (r < 0) {
		set_reason(c, "not applied: cannot write the journal: %s", strerror(-r));
		return r;
	}
	r = perform(h, c);
	if (r == -EIO && (c->flags & RTHC_CHG_TOLERATE_EIO)) {
		snprintf(num, sizeof(num), "%d", EIO);
		c->status = RTHC_CHANGE_UNCHANGED;
		set_reason(c, "%s", "the kernel refused the write (EIO): a managed IRQ, see irq.managed");
		return rthc_journal_mark(j, 'S', c->seq, num);
	}
	if (r < 0) {
		snprintf(num, sizeof(num), "%d", -r);
		c->status = RTHC_CHANGE_FAILED;
		c->err = r;
		set_reason(c, "write failed: %s", strerror(-r));
		(void)rthc_journal_mark(j, 'F', c->seq, num);
		return r;
	}
	/* Written: from here on the run's rollback must undo it, whatever the read-back says. */
	c->status = RTHC_CHANGE_APPLIED;
	r = read_back(h, c);
	if (r < 0) {
		set_reason(c, "cannot read the value back: %s", strerror(-r));
	} else {
		r = rthc_journal_mark(j, 'A', c->seq, c->after);
		if (r == 0)
			r = verify(c);
	}
	if (r < 0)
		c->err = r;
	return r;
}

/* The newest change of run to c's target, when c writes the same value again; else NULL. */
static const struct rthc_plan_change *recorded(const struct rthc_journal_run *run,
					       const struct rthc_plan_change *c)
{
	for (size_t i = run->changes.n; i-- > 0;) {
		const struct rthc_plan_change *o = &run->changes.v[i];

		if (!streq(o->target, c->target))
			continue;
		if (o->op != c->op || o->done || !rthc_value_eq(c->form, o->new_value, c->new_value))
			return NULL;
		/* Written, cut short by a crash, or refused by the kernel (S): tried again. */
		return o->status == RTHC_CHANGE_APPLIED || o->status == RTHC_CHANGE_PLANNED ||
			       o->status == RTHC_CHANGE_UNCHANGED
			       ? o
			       : NULL;
	}
	return NULL;
}

/* Numbers for a re-apply: a value the run records keeps its change; the rest go on from it. */
static void number_reapply(struct rthc_plan *plan, const struct rthc_journal_run *run)
{
	unsigned next = (unsigned)run->changes.n + 1;

	for (size_t i = 0; i < plan->n; i++) {
		struct rthc_plan_change *c = &plan->v[i];
		const struct rthc_plan_change *o = recorded(run, c);

		c->reapply = o != NULL;
		c->seq = o ? o->seq : next++;
		if (o)
			set_reason(c, "re-applied: change %u of run %s", o->seq, run->run_id);
	}
}

/* The journal of this apply: a new run with its P record, or the run a re-apply extends. */
static int journal_for(struct rthc_host *h, struct rthc_plan *plan, const struct rthc_exec_opts *o,
		       struct rthc_journal **ret)
{
	struct rthc_journal *j = NULL;
	int r;

	if (o->extend) {
		r = rthc_journal_reopen(h, o->extend->run_id, &j);
		if (r == 0) {
			j->hook = o->hook;
			j->hook_data = o->hook_data;
			number_reapply(plan, o->extend);
			r = rthc_journal_begin_reapply(j);
		}
	} else {
		r = rthc_journal_open(h, o->profile ? o->profile : "", o->hook, o->hook_data, &j);
		if (r == 0 && o->args)
			r = rthc_journal_params(j, o->args);
	}
	if (r < 0) {
		rthc_journal_close(j);
		return r;
	}
	*ret = j;
	return 0;
}

int rthc_exec_apply(struct rthc_host *h, struct rthc_plan *plan, const struct rthc_exec_opts *o,
		    char **run_id)
{
	struct rthc_journal *j = NULL;
	size_t i;
	int r;

	r = journal_for(h, plan, o, &j);
	if (r < 0)
		return r;
	*run_id = strdup(j->run_id);
	if (!*run_id) {
		rthc_journal_close(j);
		return -ENOMEM;
	}
	for (i = 0; i < plan->n; i++) {
		r = apply_one(h, j, &plan->v[i]);
		if (r < 0)
			break;
	}
	if (r < 0) {
		roll_back_run(h, j, plan, i + 1, o->extend != NULL);
		for (size_t k = i + 1; k < plan->n; k++) {
			plan->v[k].status = RTHC_CHANGE_UNCHANGED;
			set_reason(&plan->v[k], "%s", "not applied: an earlier change failed");
		}
	} else {
		r = rthc_journal_commit(j, "applied");
	}
	rthc_journal_close(j);
	return r;
}

static bool holds(const struct rthc_plan_change *c, const char *cur, const char *v)
{
	if (c->op == RTHC_OP_FILE)
		return (!cur && !v) || (cur && v && streq(cur, v));
	return rthc_value_eq(c->form, cur, v);
}

static void restore(struct rthc_host *h, struct rthc_plan_change *c, const char *cur, bool dry_run)
{
	const char *written = c->after ? c->after : c->new_value;
	_cleanup_free_ char *back = NULL;
	int r = 0;

	if (holds(c, cur, c->old_value)) {
		c->status = RTHC_CHANGE_ROLLED_BACK; /* never written, or restored before */
		return;
	}
	if (!holds(c, cur, written) && !(c->op == RTHC_OP_WRITE && holds(c, cur, c->new_value))) {
		c->status = RTHC_CHANGE_CONFLICT;
		set_reason(c, "left alone: the value is now '%s', not the one written", cur ? cur : "absent");
		return;
	}
	if (dry_run) {
		c->status = RTHC_CHANGE_PLANNED;
		return;
	}
	if (c->op == RTHC_OP_WRITE) {
		/* A tree gets its exact old bytes back; a kernel attribute its old value. */
		r = rthc_host_write_str(h, c->target, c->old_raw && !rthc_host_is_live(h) ? c->old_raw : c->old_value);
		if (r == 0)
			r = rthc_value_read(h, c->form, c->target, &back);
	} else if (!c->old_value) {
		r = rthc_host_unlink(h, c->target);
	} else {
		r = rthc_host_replace_file(h, c->target, c->old_value, strlen(c->old_value), c->old_mode);
		if (r == 0)
			r = rthc_host_read_file(h, c->target, &back, NULL);
	}
	if (r == 0 && c->old_value && !holds(c, back, c->old_value))
		r = -EIO;
	c->status = r == 0 ? RTHC_CHANGE_ROLLED_BACK : RTHC_CHANGE_FAILED;
	if (r < 0)
		set_reason(c, "cannot restore the old value: %s", strerror(-r));
}

/* A link this run created: removed while it still points where it was made to point. */
static void undo_link(struct rthc_host *h, struct rthc_plan_change *c, bool dry_run)
{
	_cleanup_free_ char *cur = NULL;
	int r = rthc_host_readlink(h, c->target, &cur);

	if (r == -ENOENT) {
		c->status = RTHC_CHANGE_ROLLED_BACK; /* never made, or removed before */
		return;
	}
	if (r < 0 || !streq(cur, c->new_value)) {
		c->status = RTHC_CHANGE_CONFLICT;
		set_reason(c, "left alone: %s",
			   r < 0 ? "no longer a symbolic link" : "the link points elsewhere now");
		return;
	}
	r = dry_run ? 0 : rthc_host_unlink(h, c->target);
	if (r == 0 && !dry_run && c->old_value)
		r = make_link(h, c->target, c->old_value);
	c->status = r < 0 ? RTHC_CHANGE_FAILED
		    : dry_run ? RTHC_CHANGE_PLANNED
			      : RTHC_CHANGE_ROLLED_BACK;
	if (r < 0)
		set_reason(c, "cannot remove the link: %s", strerror(-r));
}

void rthc_exec_undo(struct rthc_host *h, struct rthc_plan_change *c, bool dry_run)
{
	_cleanup_free_ char *cur = NULL;
	int r;

	switch (c->op) {
	case RTHC_OP_WRITE:
	case RTHC_OP_FILE:
		r = c->op == RTHC_OP_WRITE ? rthc_value_read(h, c->form, c->target, &cur)
					   : rthc_host_read_file(h, c->target, &cur, NULL);
		if (r < 0 && !(r == -ENOENT && c->op == RTHC_OP_FILE)) {
			c->status = RTHC_CHANGE_FAILED;
			set_reason(c, "cannot read the current value: %s", strerror(-r));
			return;
		}
		restore(h, c, cur, dry_run);
		return;
	case RTHC_OP_MKDIR:
		r = rthc_host_is_dir(h, c->target) ? (dry_run ? 0 : rthc_host_rmdir(h, c->target)) : 0;
		c->status = r == 0 ? (dry_run ? RTHC_CHANGE_PLANNED : RTHC_CHANGE_ROLLED_BACK)
				   : r == -ENOTEMPTY || r == -EEXIST ? RTHC_CHANGE_CONFLICT : RTHC_CHANGE_FAILED;
		if (r < 0)
			set_reason(c, "cannot remove the directory: %s", strerror(-r));
		return;
	case RTHC_OP_SYMLINK:
		undo_link(h, c, dry_run);
		return;
	case RTHC_OP_UNLOAD:
		if (module_loaded(h, c->target) > 0) {
			c->status = RTHC_CHANGE_ROLLED_BACK;
			return;
		}
		if (dry_run && rthc_host_is_live(h)) {
			c->status = RTHC_CHANGE_PLANNED;
			return;
		}
		r = rthc_host_is_live(h) ? reload_module(h, c->target) : -EOPNOTSUPP;
		c->status = r == 0 ? RTHC_CHANGE_ROLLED_BACK : RTHC_CHANGE_FAILED;
		if (r < 0)
			set_reason(c, "cannot load %s again: run modprobe by hand", c->target);
		return;
	case RTHC_OP_EXEC:
		/* Re-run by the rollback once the files it reads are restored. */
		c->status = dry_run ? RTHC_CHANGE_PLANNED : RTHC_CHANGE_ROLLED_BACK;
		return;
	default:
		c->status = RTHC_CHANGE_FAILED;
	}
}
