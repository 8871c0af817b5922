/* The JSON report, schema 1.0 (spec/report-v1.md). Keys in a fixed order. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../checks/check.h"
#include "cmdline.h"
#include "config.h"
#include "facts.h"
#include "jsonw.h"
#include "render.h"
#include "report.h"

#define SCHEMA_VERSION "1.0"

static void cpulist(struct rthc_jsonw *w, const char *key, const struct rthc_cpuset *s)
{
	char *str = NULL;

	rthc_jsonw_key(w, key);
	if (!s || rthc_cpuset_format_list(s, &str) < 0) {
		rthc_jsonw_null(w);
		return;
	}
	rthc_jsonw_string(w, str);
	free(str);
}

static void int_or_null(struct rthc_jsonw *w, const char *key, int v)
{
	if (v < 0)
		rthc_jsonw_kv_null(w, key);
	else
		rthc_jsonw_kv_int(w, key, v);
}

static void run_env(struct rthc_jsonw *w, const struct rthc_report *rep)
{
	char ts[64];
	struct tm tm;
	static const char *const fail_on[] = {"fail", "warn", "none"};

	gmtime_r(&rep->started.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	rthc_jsonw_key(w, "run");
	rthc_jsonw_start_object(w);
	rthc_jsonw_kv_string(w, "mode", rthc_run_mode_to_string(rep->run_mode));
	rthc_jsonw_kv_string(w, "target", rep->guest ? "guest" : "host");
	rthc_jsonw_kv_string(w, "root", rep->root ? rep->root : "/");
	rthc_jsonw_kv_bool(w, "live", rep->live);
	rthc_jsonw_kv_bool(w, "privileged", rep->privileged);
	rthc_jsonw_key(w, "profile");
	if (rep->profile_name) {
		rthc_jsonw_start_object(w);
		rthc_jsonw_kv_string(w, "name", rep->profile_name);
		rthc_jsonw_kv_string(w, "source", rep->profile_source);
		rthc_jsonw_end_object(w);
	} else {
		rthc_jsonw_null(w);
	}
	rthc_jsonw_kv_string(w, "fail_on", fail_on[rep->fail_on]);
	rthc_jsonw_kv_string(w, "started_at", ts);
	rthc_jsonw_kv_double(w, "duration_seconds", rep->duration);
	rthc_jsonw_end_object(w);
}

static void kernel(struct rthc_jsonw *w, const struct rthc_facts *f)
{
	const struct rthc_kernel_facts *k = &f->kernel;

	rthc_jsonw_key(w, "kernel");
	rthc_jsonw_start_object(w);
	rthc_jsonw_kv_string(w, "release", k->release);
	rthc_jsonw_kv_string(w, "version", k->version);
	rthc_jsonw_kv_bool(w, "preempt_rt", k->preempt_rt);
	rthc_jsonw_kv_string(w, "preempt_model", rthc_preempt_model_to_string(k->preempt_model));
	rthc_jsonw_kv_string(w, "cmdline", k->cmdline ? k->cmdline->raw : NULL);
	rthc_jsonw_end_object(w);
}

static void topology(struct rthc_jsonw *w, const struct rthc_topology *t)
{
	rthc_jsonw_key(w, "topology");
	rthc_jsonw_start_object(w);
	cpulist(w, "possible", &t->possible);
	cpulist(w, "online", &t->online);
	cpulist(w, "offline", &t->offline);
	rthc_jsonw_kv_uint(w, "sockets", t->sockets);
	rthc_jsonw_kv_uint(w, "cores", t->cores);
	rthc_jsonw_kv_uint(w, "threads_per_core", t->threads_per_core);
	rthc_jsonw_kv_uint(w, "numa_nodes", t->nnodes);
	rthc_jsonw_key(w, "smt_active");
	if (t->smt_active < 0)
		rthc_jsonw_null(w);
	else
		rthc_jsonw_bool(w, t->smt_active);
	rthc_jsonw_key(w, "cpus");
	rthc_jsonw_start_array(w);
	for (size_t i = 0; i < t->ncpus; i++) {
		const struct rthc_cpu *c = &t->cpus[i];

		rthc_jsonw_start_object(w);
		rthc_jsonw_kv_uint(w, "cpu", c->id);
		rthc_jsonw_kv_bool(w, "online", c->online);
		int_or_null(w, "package", c->package);
		int_or_null(w, "core", c->core);
		int_or_null(w, "node", c->node);
		cpulist(w, "siblings", c->has_siblings ? &c->siblings : NULL);
		rthc_jsonw_end_object(w);
	}
	rthc_jsonw_end_array(w);
	rthc_jsonw_end_object(w);
}

static void cmdline_cpus(struct rthc_jsonw *w, const char *key, const struct rthc_cmdline_cpus *c)
{
	cpulist(w, key, c->present && !c->err ? &c->cpus : NULL);
}

static void sysfs_cpus(struct rthc_jsonw *w, const char *key, const struct rthc_sysfs_cpus *c)
{
	cpulist(w, key, c->state == 1 ? &c->cpus : NULL);
}

static void isolation(struct rthc_jsonw *w, const struct rthc_isolation *iso)
{
	rthc_jsonw_key(w, "isolation");
	rthc_jsonw_start_object(w);
	rthc_jsonw_key(w, "isolcpus");
	if (iso->isolcpus.present && !iso->isolcpus.err) {
		rthc_jsonw_start_object(w);
		cpulist(w, "cpus", &iso->isolcpus.cpus);
		rthc_jsonw_key(w, "flags");
		rthc_jsonw_start_array(w);
		for (const char *const *p = iso->isolcpus_flag_names; *p; p++)
			rthc_jsonw_string(w, *p);
		rthc_jsonw_end_array(w);
		rthc_jsonw_end_object(w);
	} else {
		rthc_jsonw_null(w);
	}
	cmdline_cpus(w, "nohz_full", &iso->nohz_full);
	cmdline_cpus(w, "rcu_nocbs", &iso->rcu_nocbs);
	cmdline_cpus(w, "irqaffinity", &iso->irqaffinity);
	sysfs_cpus(w, "isolated_effective", &iso->isolated_effective);
	sysfs_cpus(w, "nohz_full_effective", &iso->nohz_full_effective);
	cpulist(w, "isolated", &iso->isolated);
	cpulist(w, "housekeeping", &iso->housekeeping);
	rthc_jsonw_end_object(w);
}

static void host(struct rthc_jsonw *w, const struct rthc_facts *f)
{
	rthc_jsonw_key(w, "host");
	rthc_jsonw_start_object(w);
	rthc_jsonw_kv_string(w, "hostname", f->hostname);
	kernel(w, f);
	rthc_jsonw_key(w, "virtualization");
	rthc_jsonw_start_object(w);
	rthc_jsonw_kv_string(w, "role", f->virt.role == RTHC_ROLE_GUEST ? "guest" : "host");
	rthc_jsonw_kv_string(w, "hypervisor", rthc_hypervisor_to_string(f->virt.hypervisor));
	rthc_jsonw_end_object(w);
	topology(w, &f->topology);
	isolation(w, &f->isolation);
	rthc_jsonw_end_object(w);
}

static void kvlist(struct rthc_jsonw *w, const struct rthc_kvlist *l)
{
	if (!l) {
		rthc_jsonw_null(w);
		return;
	}
	rthc_jsonw_start_object(w);
	for (size_t i = 0; i < l->n; i++) {
		const struct rthc_kv *kv = &l->v[i];

		rthc_jsonw_key(w, kv->key);
		switch (kv->type) {
		case RTHC_VALUE_STR:
			rthc_jsonw_string(w, kv->s);
			break;
		case RTHC_VALUE_INT:
			rthc_jsonw_int(w, kv->i);
			break;
		case RTHC_VALUE_BOOL:
			rthc_jsonw_bool(w, kv->b);
			break;
		case RTHC_VALUE_DOUBLE:
			rthc_jsonw_double(w, kv->d);
			break;
		case RTHC_VALUE_OBJECT:
			if (kv->obj)
				kvlist(w, kv->obj);
			else {
				rthc_jsonw_start_object(w);
				rthc_jsonw_end_object(w);
			}
			break;
		default:
			rthc_jsonw_null(w);
		}
	}
	rthc_jsonw_end_object(w);
}

static void remediation(struct rthc_jsonw *w, const struct rthc_remediation *rem)
{
	rthc_jsonw_key(w, "remediation");
	if (!rem) {
		rthc_jsonw_null(w);
		return;
	}
	rthc_jsonw_start_object(w);
	rthc_jsonw_kv_string(w, "summary", rem->summary ? rem->summary : "");
	rthc_jsonw_kv_bool(w, "automated", rem->automated);
	rthc_jsonw_kv_bool(w, "requires_reboot", rem->requires_reboot);
	rthc_jsonw_key(w, "actions");
	rthc_jsonw_start_array(w);
	for (size_t i = 0; i < rem->nactions; i++) {
		rthc_jsonw_start_object(w);
		rthc_jsonw_kv_string(w, "type", rthc_action_type_to_string(rem->actions[i].type));
		rthc_jsonw_kv_string(w, "target", rem->actions[i].target);
		rthc_jsonw_kv_string(w, "value", rem->actions[i].value);
		rthc_jsonw_end_object(w);
	}
	rthc_jsonw_end_array(w);
	rthc_jsonw_end_object(w);
}

static void result(struct rthc_jsonw *w, const struct rthc_result *r)
{
	rthc_jsonw_start_object(w);
	rthc_jsonw_kv_string(w, "id", r->check->id);
	rthc_jsonw_kv_string(w, "title", r->check->title);
	rthc_jsonw_kv_string(w, "category", rthc_category_to_string(r->check->category));
	rthc_jsonw_kv_string(w, "status", rthc_status_to_string(r->status));
	rthc_jsonw_kv_bool(w, "gating", r->gating);
	rthc_jsonw_kv_string(w, "reason", r->reason && *r->reason ? r->reason : "no reason recorded");
	rthc_jsonw_key(w, "expected");
	kvlist(w, r->expected);
	rthc_jsonw_key(w, "observed");
	kvlist(w, r->observed);
	rthc_jsonw_key(w, "evidence");
	rthc_jsonw_start_array(w);
	for (size_t i = 0; i < r->nevidence; i++) {
		rthc_jsonw_start_object(w);
		rthc_jsonw_kv_string(w, "source", r->evidence[i].source);
		rthc_jsonw_kv_string(w, "excerpt", r->evidence[i].excerpt);
		rthc_jsonw_end_object(w);
	}
	rthc_jsonw_end_array(w);
	rthc_jsonw_key(w, "items");
	rthc_jsonw_start_array(w);
	for (size_t i = 0; i < r->nitems; i++) {
		rthc_jsonw_start_object(w);
		rthc_jsonw_kv_string(w, "object", r->items[i].object);
		rthc_jsonw_kv_string(w, "reason", r->items[i].reason);
		rthc_jsonw_end_object(w);
	}
	if (r->items_omitted) {
		char buf[64];

		snprintf(buf, sizeof(buf), "%zu more", r->items_omitted);
		rthc_jsonw_start_object(w);
		rthc_jsonw_kv_string(w, "object", buf);
		rthc_jsonw_kv_string(w, "reason", "not listed: the list is capped to keep reports bounded");
		rthc_jsonw_end_object(w);
	}
	rthc_jsonw_end_array(w);
	remediation(w, r->remediation);
	rthc_jsonw_end_object(w);
}

static void change(struct rthc_jsonw *w, const struct rthc_change *c)
{
	rthc_jsonw_start_object(w);
	rthc_jsonw_kv_string(w, "id", c->id);
	rthc_jsonw_kv_string(w, "check", c->check);
	rthc_jsonw_kv_string(w, "type", c->type);
	rthc_jsonw_kv_string(w, "target", c->target);
	rthc_jsonw_kv_string(w, "old", c->old_value);
	rthc_jsonw_kv_string(w, "new", c->new_value);
	rthc_jsonw_kv_string(w, "persistence", rthc_persistence_to_string(c->persistence));
	rthc_jsonw_kv_string(w, "status", rthc_change_status_to_string(c->status));
	rthc_jsonw_kv_string(w, "reason", c->reason ? c->reason : "");
	rthc_jsonw_end_object(w);
}

int rthc_render_json(const struct rthc_report *rep, FILE *f, unsigned flags)
{
	struct rthc_jsonw *w;
	static const struct {
		const char *key;
		enum rthc_status st;
	} counts[] = {
		{"pass", RTHC_STATUS_PASS},       {"warn", RTHC_STATUS_WARN},
		{"fail", RTHC_STATUS_FAIL},       {"pending_reboot", RTHC_STATUS_PENDING_REBOOT},
		{"fixed", RTHC_STATUS_FIXED},     {"error", RTHC_STATUS_ERROR},
		{"skipped", RTHC_STATUS_SKIPPED}, {"not_applicable", RTHC_STATUS_NOT_APPLICABLE},
		{"info", RTHC_STATUS_INFO},
	};
	int r = rthc_jsonw_new(f, true, &w);

	if (r < 0)
		return r;
	rthc_jsonw_start_object(w);
	rthc_jsonw_kv_string(w, "schema_version", SCHEMA_VERSION);
	rthc_jsonw_key(w, "tool");
	rthc_jsonw_start_object(w);
	rthc_jsonw_kv_string(w, "name", PACKAGE_NAME);
	rthc_jsonw_kv_string(w, "version", PACKAGE_VERSION);
	rthc_jsonw_end_object(w);
	run_env(w, rep);
	host(w, rep->facts);
	rthc_jsonw_kv_string(w, "verdict", rthc_verdict_to_string(rep->verdict));
	rthc_jsonw_kv_int(w, "exit_code", rep->exit_code);
	rthc_jsonw_key(w, "summary");
	rthc_jsonw_start_object(w);
	rthc_jsonw_kv_uint(w, "total", rep->summary.total);
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		rthc_jsonw_kv_uint(w, counts[i].key, rep->summary.count[counts[i].st]);
	rthc_jsonw_end_object(w);
	rthc_jsonw_key(w, "results");
	rthc_jsonw_start_array(w);
	for (size_t i = 0; i < rep->nresults; i++)
		result(w, &rep->results[i]);
	rthc_jsonw_end_array(w);
	rthc_jsonw_key(w, "changes");
	rthc_jsonw_start_array(w);
	for (size_t i = 0; i < rep->nchanges; i++)
		change(w, &rep->changes[i]);
	rthc_jsonw_end_array(w);
	rthc_jsonw_key(w, "diagnostics");
	rthc_jsonw_start_array(w);
	for (size_t i = 0; i < rep->ndiags; i++) {
		rthc_jsonw_start_object(w);
		rthc_jsonw_kv_string(w, "level", rep->diags[i].level == RTHC_DIAG_WARNING ? "warning" : "note");
		rthc_jsonw_kv_string(w, "message", rep->diags[i].message);
		rthc_jsonw_end_object(w);
	}
	rthc_jsonw_end_array(w);
	rthc_jsonw_end_object(w);
	rthc_jsonw_free(w);
	return ferror(f) ? -EIO : 0;
}

int rthc_render_json_error(FILE *f, int exit_code, const char *const *messages, size_t n)
{
	struct rthc_jsonw *w;
	int r = rthc_jsonw_new(f, true, &w);

	if (r < 0)
		return r;
	rthc_jsonw_start_object(w);
	rthc_jsonw_kv_string(w, "schema_version", SCHEMA_VERSION);
	rthc_jsonw_kv_string(w, "verdict", "error");
	rthc_jsonw_kv_int(w, "exit_code", exit_code);
	rthc_jsonw_key(w, "errors");
	rthc_jsonw_start_array(w);
	for (size_t i = 0; i < n; i++)
		rthc_jsonw_string(w, messages[i]);
	rthc_jsonw_end_array(w);
	rthc_jsonw_end_object(w);
	rthc_jsonw_free(w);
	return fflush(f) || ferror(f) ? -EIO : 0;
}
