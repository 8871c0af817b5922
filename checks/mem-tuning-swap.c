/*
 * Swap and memory locking: mem.swap, mem.mlock_limit (spec/checks.md §7) and xcheck.swap_lock
 * (§12).
 *
 * /proc/swaps lists one active swap area per line after a "Filename Type Size Used Priority"
 * header (sizes in KiB). A process whose memory is locked (mlockall, QEMU -overcommit
 * mem-lock=on, libvirt <memoryBacking><locked/>) shows VmLck ≥ VmRSS in /proc/<pid>/status.
 * pam_limits applies /etc/security/limits.conf, then limits.d/NAME.conf, to login sessions only;
 * services such as libvirtd take LimitMEMLOCK= from systemd, and libvirt raises QEMU's limit
 * itself when guest memory is locked, so a running QEMU's /proc/<pid>/limits is the final word.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem-tuning.h"
#include "tasks.h"

#define SWAPS "/proc/swaps"
#define SWAPPINESS "/proc/sys/vm/swappiness"
#define LIMITS_CONF "/etc/security/limits.conf"
#define LIMITS_D "/etc/security/limits.d"
#define LIBVIRT_QEMU "/etc/libvirt/qemu"
#define UNLIMITED (-1)

/* Active swap areas: their number, one item each when r is given; < 0 after an error result. */
static int swap_areas(struct rthc_ctx *ctx, struct rthc_result *r, bool items)
{
	_cleanup_free_ char *text = NULL;
	char *line, *save = NULL;
	int n = 0, err = rthc_host_read_file(ctx->host, SWAPS, &text, NULL);

	if (err == 0 && !strneq(text, "Filename", 8))
		err = -EINVAL;
	/* The first line is the header. */
	line = err ? NULL : strtok_r(text, "\n", &save);
	for (line = line ? strtok_r(NULL, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[256], type[32];
		unsigned long long size, used;
		int prio;

		if (sscanf(line, "%255s %31s %llu %llu %d", name, type, &size, &used, &prio) != 5) {
			err = -EINVAL;
			break;
		}
		n++;
		if (items)
			rthc_item(r, name, "%s of %llu MiB, %llu MiB used, priority %d", type,
				  size / 1024, used / 1024, prio);
	}
	if (err < 0) {
		rthc_result_reset(r);
		rthc_result_error(r, err, SWAPS);
		return err;
	}
	return n;
}

struct lockscan {
	unsigned checked, unlocked;
	bool live; /* a process list was available */
	bool xml; /* libvirt domain definitions were read */
};

static bool is_qemu(const char *comm)
{
	return strneq(comm, "qemu", 4);
}

/* A "Key:   N kB" field of a status text. */
static int status_kb(const char *status, const char *key, uint64_t *v)
{
	const char *p = strstr(status, key);

	if (!p)
		return -ENODATA;
	return sscanf(p + strlen(key), " %" SCNu64, v) == 1 ? 0 : -EINVAL;
}

/* Memory locking of running QEMU and RT processes, else of libvirt domains; < 0 after an error. */
static int scan_locks(struct rthc_ctx *ctx, struct rthc_result *r, struct lockscan *ls)
{
	const struct rthc_tasks *ts = rthc_facts_tasks(ctx->facts, ctx->host);
	char **names = NULL;
	int err;

	if (!ts) {
		rthc_result_errorf(r, -ENOMEM, "out of memory");
		return -ENOMEM;
	}
	if (ts->have_pids) {
		ls->live = true;
		for (size_t i = 0; i < ts->n; i++) {
			const struct rthc_task *t = &ts->v[i];
			_cleanup_free_ char *status = NULL;
			uint64_t lck, rss;
			char obj[96];

			if (rthc_task_is_kthread(t) ||
			    !(is_qemu(t->comm) || t->policy == 1 || t->policy == 2))
				continue;
			err = rthc_host_read_strf(ctx->host, &status, "/proc/%d/status", t->pid);
			if (err == 0)
				err = status_kb(status, "\nVmLck:", &lck);
			if (err == 0)
				err = status_kb(status, "\nVmRSS:", &rss);
			if (err < 0)
				continue; /* gone, or no memory of its own */
			ls->checked++;
			if (lck >= rss)
				continue;
			ls->unlocked++;
			snprintf(obj, sizeof(obj), "pid %d (%s)", t->pid, t->comm);
			rthc_item(r, obj,
				  "VmLck %" PRIu64 " kB of VmRSS %" PRIu64 " kB: its pages can be "
				  "swapped out",
				  lck, rss);
		}
		return 0;
	}
	err = rthc_host_list_dir(ctx->host, LIBVIRT_QEMU, &names, NULL);
	if (err == -ENOENT)
		return 0;
	if (err < 0) {
		rthc_result_error(r, err, LIBVIRT_QEMU);
		return err;
	}
	for (char **nm = names; *nm && err >= 0; nm++) {
		_cleanup_free_ char *xml = NULL;
		size_t l = strlen(*nm);
		char obj[96];

		if (l < 5 || !streq(*nm + l - 4, ".xml"))
			continue;
		err = rthc_host_read_strf(ctx->host, &xml, LIBVIRT_QEMU "/%s", *nm);
		if (err < 0) {
			rthc_result_errorf(r, err, "cannot read " LIBVIRT_QEMU "/%s", *nm);
			break;
		}
		ls->xml = true;
		ls->checked++;
		if (strstr(xml, "<locked/>"))
			continue;
		ls->unlocked++;
		snprintf(obj, sizeof(obj), "domain %.*s", (int)(l - 4), *nm);
		rthc_item(r, obj, "no <memoryBacking><locked/>: guest memory can be swapped out");
	}
	rthc_strv_free(names);
	return err < 0 ? err : 0;
}

void rthc_mem_swap(struct rthc_ctx *ctx, struct rthc_result *r)
{
	struct lockscan ls = {0};
	int64_t swappiness;
	int n, err;

	n = swap_areas(ctx, r, true);
	if (n < 0)
		return;
	err = rthc_host_read_s64(ctx->host, SWAPPINESS, &swappiness);
	if (err == 0 && swappiness < 0)
		err = -ERANGE;
	if (err < 0) {
		rthc_result_reset(r);
		rthc_result_error(r, err, SWAPPINESS);
		return;
	}
	rthc_evidence(r, SWAPS, "%d active swap area%s", n, n == 1 ? "" : "s");
	rthc_evidence(r, SWAPPINESS, "%" PRId64, swappiness);
	rthc_expect_int(r, "swap_areas", 0);
	rthc_expect_int(r, "max_swappiness", 10);
	rthc_observe_int(r, "swap_areas", n);
	rthc_observe_int(r, "swappiness", swappiness);
	if (n > 0 && scan_locks(ctx, r, &ls) < 0)
		return;
	if (swappiness <= 10 && (n == 0 || (ls.checked && !ls.unlocked))) {
		if (n == 0)
			rthc_pass(r, "no swap is active (swappiness %" PRId64 ")", swappiness);
		else
			rthc_pass(r,
				  "swap is active, but all %u VM/RT processes lock their memory "
				  "(swappiness %" PRId64 ")",
				  ls.checked, swappiness);
		return;
	}
	if (swappiness > 10)
		rthc_item(r, "vm.swappiness",
			  "%" PRId64 " > 10: anonymous memory is reclaimed eagerly", swappiness);
	if (n > 0)
		rthc_warn(r,
			  "%d swap area%s active%s: unlocked RT and guest memory takes major "
			  "faults (see xcheck.swap_lock)",
			  n, n == 1 ? " is" : "s are",
			  swappiness > 10 ? " and vm.swappiness is above 10" : "");
	else
		rthc_warn(r, "vm.swappiness is %" PRId64 " (tuned and OpenShift use ≤ 10)",
			  swappiness);
	rthc_remedy(r, true, false,
		    "swapoff -a and drop swap from /etc/fstab (or lock all RT memory); "
		    "sysctl vm.swappiness=10");
	if (n > 0)
		rthc_remedy_action(r, RTHC_ACTION_MANUAL, "swapoff -a", NULL);
	if (swappiness > 10)
		rthc_remedy_action(r, RTHC_ACTION_SYSCTL, "vm.swappiness", "10");
}

void rthc_mem_swap_lock(struct rthc_ctx *ctx, struct rthc_result *r)
{
	struct lockscan ls = {0};
	int n = swap_areas(ctx, r, false);

	if (n < 0)
		return;
	if (n == 0) {
		rthc_na(r, "no swap is active");
		return;
	}
	rthc_evidence(r, SWAPS, "%d active swap area%s", n, n == 1 ? "" : "s");
	if (scan_locks(ctx, r, &ls) < 0)
		return;
	rthc_expect_int(r, "unlocked", 0);
	rthc_observe_int(r, "checked", ls.checked);
	rthc_observe_int(r, "unlocked", ls.unlocked);
	rthc_observe_str(r, "source", ls.live ? "processes" : ls.xml ? "libvirt domains" : NULL);
	if (ls.unlocked) {
		rthc_warn(r, "swap is active and %u of %u VM/RT %s do not lock their memory",
			  ls.unlocked, ls.checked, ls.live ? "processes" : "domains");
	} else if (ls.checked) {
		rthc_pass(r, "swap is active, but all %u VM/RT %s lock their memory", ls.checked,
			  ls.live ? "processes" : "domains");
		return;
	} else if (ls.live) {
		rthc_pass(r, "swap is active, but no VM or RT process is running");
		return;
	} else {
		rthc_warn(r,
			  "swap is active and locking of VM/RT memory cannot be verified: no "
			  "process list and no libvirt domain definitions (%s)",
			  LIBVIRT_QEMU);
	}
	rthc_remedy(r, false, false,
		    "lock guest memory (libvirt <memoryBacking><locked/>, QEMU "
		    "-overcommit mem-lock=on; RT apps mlockall) or turn swap off");
}

/* One memlock limit per pam_limits domain: the last line for a domain wins. */
struct memlock {
	char domain[64];
	long long soft, hard; /* KiB, UNLIMITED, or -2 when not set */
};

struct memlocks {
	struct memlock v[128];
	size_t n;
};

static long long limit_value(const char *s)
{
	char *end;
	long long v;

	if (streq(s, "unlimited") || streq(s, "infinity") || streq(s, "-1"))
		return UNLIMITED;
	v = strtoll(s, &end, 10);
	return *end || v < 0 ? -3 : v;
}

static void parse_limits(const char *text, struct memlocks *m)
{
	_cleanup_free_ char *copy = strdup(text);
	char *line, *save = NULL;

	for (line = copy ? strtok_r(copy, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char dom[64], type[16], item[32], val[32];
		struct memlock *e = NULL;
		long long v;

		*strchrnul(line, '#') = '\0';
		if (sscanf(line, "%63s %15s %31s %31s", dom, type, item, val) != 4 ||
		    !streq(item, "memlock"))
			continue;
		v = limit_value(val);
		if (v == -3)
			continue; /* pam_limits ignores an invalid value */
		for (size_t i = 0; i < m->n && !e; i++)
			if (streq(m->v[i].domain, dom))
				e = &m->v[i];
		if (!e && m->n < ARRAY_SIZE(m->v)) {
			e = &m->v[m->n++];
			snprintf(e->domain, sizeof(e->domain), "%s", dom);
			e->soft = e->hard = -2;
		}
		if (!e)
			continue;
		if (streq(type, "soft") || streq(type, "-"))
			e->soft = v;
		if (streq(type, "hard") || streq(type, "-"))
			e->hard = v;
	}
}

/* limits.conf (required), then each limits.d/NAME.conf, in pam_limits order; < 0 after an error. */
static int read_limits(struct rthc_ctx *ctx, struct rthc_result *r, struct memlocks *m)
{
	_cleanup_free_ char *text = NULL;
	char **names = NULL;
	int err = rthc_host_read_file(ctx->host, LIMITS_CONF, &text, NULL);

	if (err < 0) {
		rthc_result_error(r, err, LIMITS_CONF);
		return err;
	}
	parse_limits(text, m);
	err = rthc_host_list_dir(ctx->host, LIMITS_D, &names, NULL);
	if (err == -ENOENT)
		return 0;
	if (err < 0) {
		rthc_result_error(r, err, LIMITS_D);
		return err;
	}
	for (char **nm = names; *nm; nm++) {
		_cleanup_free_ char *t = NULL;
		size_t l = strlen(*nm);

		if (l < 6 || !streq(*nm + l - 5, ".conf"))
			continue;
		if (rthc_host_read_strf(ctx->host, &t, LIMITS_D "/%s", *nm) == 0)
			parse_limits(t, m);
	}
	rthc_strv_free(names);
	return 0;
}

static void format_kib(char *buf, size_t sz, long long v)
{
	if (v == UNLIMITED)
		snprintf(buf, sz, "unlimited");
	else if (v == -2)
		snprintf(buf, sz, "unset");
	else
		snprintf(buf, sz, "%lld KiB", v);
}

/* Running QEMU processes whose "Max locked memory" is finite: one item each; returns the count. */
static unsigned qemu_limits(struct rthc_ctx *ctx, struct rthc_result *r, unsigned *nqemu)
{
	const struct rthc_tasks *ts = rthc_facts_tasks(ctx->facts, ctx->host);
	unsigned bad = 0;

	*nqemu = 0;
	for (size_t i = 0; ts && ts->have_pids && i < ts->n; i++) {
		_cleanup_free_ char *lim = NULL;
		char soft[32], hard[32], obj[96];
		const char *p;

		if (!is_qemu(ts->v[i].comm) ||
		    rthc_host_read_strf(ctx->host, &lim, "/proc/%d/limits", ts->v[i].pid) < 0)
			continue;
		p = strstr(lim, "Max locked memory");
		if (!p || sscanf(p + strlen("Max locked memory"), " %31s %31s", soft, hard) != 2)
			continue;
		(*nqemu)++;
		if (streq(soft, "unlimited"))
			continue;
		bad++;
		snprintf(obj, sizeof(obj), "pid %d (%s)", ts->v[i].pid, ts->v[i].comm);
		rthc_item(r, obj, "Max locked memory %s bytes (hard %s)", soft, hard);
	}
	return bad;
}

/* Does some domain the user falls under (its own name or "*") lock without limit? */
static bool user_unlimited(const struct memlocks *m, const char *user, const struct memlock **hit)
{
	const struct memlock *own = NULL, *all = NULL;

	for (size_t i = 0; i < m->n; i++) {
		if (streq(m->v[i].domain, user))
			own = &m->v[i];
		else if (streq(m->v[i].domain, "*"))
			all = &m->v[i];
	}
	*hit = own ? own : all;
	return *hit && (*hit)->soft == UNLIMITED && (*hit)->hard == UNLIMITED;
}

void rthc_mem_mlock_limit(struct rthc_ctx *ctx, struct rthc_result *r)
{
	struct memlocks *m = calloc(1, sizeof(*m));
	const char *users = rthc_ctx_var(ctx, "rt_users");
	_cleanup_free_ char *self = NULL;
	unsigned nqemu, bad_qemu, bad_users = 0, unl = 0;
	const char *line;
	char s[32], h[32];

	if (!m) {
		rthc_result_errorf(r, -ENOMEM, "out of memory");
		return;
	}
	if (read_limits(ctx, r, m) < 0)
		goto out;
	bad_qemu = qemu_limits(ctx, r, &nqemu);
	if (rthc_host_is_live(ctx->host) &&
	    rthc_host_read_str(ctx->host, "/proc/self/limits", &self) == 0 &&
	    (line = strstr(self, "Max locked memory")))
		rthc_evidence(r, "/proc/self/limits", "%.*s", (int)strcspn(line, "\n"), line);
	for (size_t i = 0; i < m->n; i++) {
		format_kib(s, sizeof(s), m->v[i].soft);
		format_kib(h, sizeof(h), m->v[i].hard);
		rthc_evidence(r, "/etc/security/limits{.conf,.d}", "%s memlock soft %s, hard %s",
			      m->v[i].domain, s, h);
		unl += m->v[i].soft == UNLIMITED && m->v[i].hard == UNLIMITED;
	}
	if (users) {
		_cleanup_free_ char *copy = strdup(users);
		char *u, *save = NULL;

		for (u = copy ? strtok_r(copy, ",", &save) : NULL; u;
		     u = strtok_r(NULL, ",", &save)) {
			const struct memlock *hit;
			char obj[96];

			if (user_unlimited(m, u, &hit))
				continue;
			bad_users++;
			format_kib(s, sizeof(s), hit ? hit->soft : -2);
			format_kib(h, sizeof(h), hit ? hit->hard : -2);
			snprintf(obj, sizeof(obj), "user %s", u);
			if (hit)
				rthc_item(r, obj, "memlock soft %s, hard %s (domain %s)", s, h,
					  hit->domain);
			else
				rthc_item(r, obj,
					  "no limits entry: the default memlock limit applies");
		}
	}
	rthc_expect_str(r, "memlock", "unlimited");
	rthc_observe_int(r, "unlimited_domains", unl);
	rthc_observe_int(r, "qemu_processes", nqemu);
	rthc_observe_int(r, "qemu_limited", bad_qemu);
	if (bad_qemu || bad_users || (!users && !unl && !nqemu)) {
		rthc_warn(r, "%s",
			  bad_qemu ? "running QEMU processes cannot lock all their memory"
			  : bad_users
				  ? "RT users (--set rt_users) cannot lock memory without limit"
				  : "no limits.conf domain may lock memory without limit "
				    "(pam_limits applies to login sessions; services need "
				    "LimitMEMLOCK=)");
		rthc_remedy(r, false, false,
			    "memlock unlimited for the RT users in "
			    "/etc/security/limits.d/ (e.g. '@realtime - memlock unlimited'); "
			    "LimitMEMLOCK=infinity for RT services; libvirt <locked/> for guests");
		rthc_remedy_action(r, RTHC_ACTION_FILE, LIMITS_D "/99-realtime-memlock.conf",
				   "@realtime - memlock unlimited");
	} else if (nqemu) {
		rthc_pass(r, "all %u running QEMU processes may lock memory without limit", nqemu);
	} else {
		rthc_pass(r, "%s may lock memory without limit",
			  users ? users : "some limits.conf domains");
	}
out:
	free(m);
}
