/* cgroup v2 cpuset partitions (spec/checks.md §2 cpu.cgroup_partition, §13). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu-inventory.h"
#include "util.h"

#define CG_ROOT "/sys/fs/cgroup"
#define CG_MAX_DEPTH 16
#define CG_MAX_DIRS 10000

struct walk {
	struct rthc_ctx *ctx;
	struct rthc_result *r;
	struct rthc_cpuset isolated; /* CPUs of valid isolated partitions */
	unsigned dirs, valid, invalid;
	bool truncated;
	int err;
	char err_path[512];
};

/* One cgroup: judge its partition state, then walk its children. */
static void visit(struct walk *w, const char *path, unsigned depth)
{
	_cleanup_free_ char *state = NULL, *cpus = NULL;
	char file[512];
	char **names = NULL;
	int r;

	if (w->err || w->truncated)
		return;
	if (++w->dirs > CG_MAX_DIRS || depth > CG_MAX_DEPTH) {
		w->truncated = true;
		return;
	}
	snprintf(file, sizeof(file), "%s/cpuset.cpus.partition", path);
	r = rthc_host_read_str(w->ctx->host, file, &state);
	if (r < 0 && r != -ENOENT) {
		w->err = r;
		snprintf(w->err_path, sizeof(w->err_path), "%s", file);
		return;
	}
	if (r == 0 && !streq(state, "member")) {
		const char *rel = path + strlen(CG_ROOT);
		bool invalid = strstr(state, "invalid") != NULL;

		snprintf(file, sizeof(file), "%s/cpuset.cpus.effective", path);
		if (rthc_host_read_str(w->ctx->host, file, &cpus) < 0)
			cpus = NULL;
		rthc_item(w->r, rel, "%s, CPUs %s", state, cpus && *cpus ? cpus : "none");
		if (invalid) {
			w->invalid++;
		} else {
			w->valid++;
			if (strneq(state, "isolated", 8) && cpus) {
				struct rthc_cpuset s = RTHC_CPUSET_INIT;

				if (rthc_cpuset_parse_list(&s, cpus, 0) == 0)
					(void)rthc_cpuset_or(&w->isolated, &s);
				rthc_cpuset_done(&s);
			}
		}
	}
	if (rthc_host_list_dir(w->ctx->host, path, &names, NULL) < 0)
		return;
	for (char **nm = names; *nm && !w->err && !w->truncated; nm++) {
		char child[512];
		int n = snprintf(child, sizeof(child), "%s/%s", path, *nm);

		if (n < 0 || (size_t)n >= sizeof(child))
			continue;
		if (rthc_host_is_dir(w->ctx->host, child) > 0)
			visit(w, child, depth + 1);
	}
	rthc_strv_free(names);
}

void rthc_check_cgroup_partition(struct rthc_ctx *ctx, struct rthc_result *r)
{
	const struct rthc_sysfs_cpus *root_iso = &ctx->facts->isolation.cgroup_isolated;
	struct walk w = { .ctx = ctx, .r = r, .isolated = RTHC_CPUSET_INIT };
	_cleanup_free_ char *s = NULL;

	if (rthc_host_exists(ctx->host, CG_ROOT "/cgroup.controllers") <= 0) {
		rthc_na(r, "no cgroup v2 hierarchy (" CG_ROOT "/cgroup.controllers is absent)");
		return;
	}
	visit(&w, CG_ROOT, 0);
	if (w.err) {
		rthc_result_error(r, w.err, w.err_path);
		goto out;
	}
	rthc_observe_int(r, "valid_partitions", w.valid);
	rthc_observe_int(r, "invalid_partitions", w.invalid);
	rthc_observe_cpus(r, "isolated_partitions", &w.isolated);
	if (root_iso->state == 1)
		rthc_observe_cpus(r, "cpuset_cpus_isolated", &root_iso->cpus);
	else
		rthc_observe_null(r, "cpuset_cpus_isolated");
	rthc_expect_int(r, "invalid_partitions", 0);
	s = rthc_cpuset_str(&w.isolated);
	if (w.invalid) {
		rthc_warn(r,
			  "%u cpuset partition%s %s invalid (see items): %s CPUs are load-balanced "
			  "again",
			  w.invalid, w.invalid == 1 ? "" : "s", w.invalid == 1 ? "is" : "are",
			  w.invalid == 1 ? "its" : "their");
		rthc_remedy(r, false, false,
			    "fix cpuset.cpus / cpuset.cpus.exclusive of the invalid partitions "
			    "(the state names the reason)");
		rthc_remedy_action(r, RTHC_ACTION_MANUAL, "cpuset.cpus.partition", NULL);
	} else if (w.valid) {
		rthc_pass(r, "%u valid cpuset partition%s; isolated partitions hold CPUs %s",
			  w.valid, w.valid == 1 ? "" : "s", cpus_or_none(s));
	} else {
		rthc_info(r, "no cpuset partitions (%u cgroup%s walked)", w.dirs,
			  w.dirs == 1 ? "" : "s");
	}
	if (w.truncated)
		rthc_evidence(r, CG_ROOT, "walk stopped after %u cgroups or depth %u", CG_MAX_DIRS,
			      CG_MAX_DEPTH);
out:
	rthc_cpuset_done(&w.isolated);
}
