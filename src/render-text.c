/* The human report: grouped by category, one line per check, details under non-passing ones. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../checks/check.h"
#include "config.h"
#include "cpuset.h"
#include "facts.h"
#include "render.h"
#include "report.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_CYAN "\033[36m"
#define C_DIM "\033[2m"

static const struct {
	const char *label, *color;
} labels[_RTHC_STATUS_MAX] = {
	[RTHC_STATUS_PASS] = {"PASS", C_GREEN},
	[RTHC_STATUS_WARN] = {"WARN", C_YELLOW},
	[RTHC_STATUS_FAIL] = {"FAIL", C_RED},
	[RTHC_STATUS_PENDING_REBOOT] = {"REBOOT", C_YELLOW},
	[RTHC_STATUS_FIXED] = {"FIXED", C_GREEN},
	[RTHC_STATUS_ERROR] = {"ERROR", C_RED},
	[RTHC_STATUS_SKIPPED] = {"SKIP", C_DIM},
	[RTHC_STATUS_NOT_APPLICABLE] = {"N/A", C_DIM},
	[RTHC_STATUS_INFO] = {"INFO", C_CYAN},
};

static const char *col(unsigned flags, const char *c)
{
	return (flags & RTHC_RENDER_COLOR) ? c : "";
}

static void kv_inline(FILE *f, const struct rthc_kvlist *l)
{
	for (size_t i = 0; l && i < l->n; i++) {
		const struct rthc_kv *kv = &l->v[i];

		fprintf(f, "%s%s=", i ? ", " : "", kv->key);
		switch (kv->type) {
		case RTHC_VALUE_STR:
			fprintf(f, "\"%s\"", kv->s);
			break;
		case RTHC_VALUE_INT:
			fprintf(f, "%lld", (long long)kv->i);
			break;
		case RTHC_VALUE_BOOL:
			fputs(kv->b ? "true" : "false", f);
			break;
		case RTHC_VALUE_DOUBLE:
			fprintf(f, "%g", kv->d);
			break;
		case RTHC_VALUE_OBJECT:
			fputc('{', f);
			kv_inline(f, kv->obj);
			fputc('}', f);
			break;
		default:
			fputs("null", f);
		}
	}
}

static void details(FILE *f, const struct rthc_result *r, unsigned flags, bool evidence)
{
	const char *ind = "          ";

	fprintf(f, "%s%s\n", ind, r->reason ? r->reason : "");
	if (r->expected) {
		fprintf(f, "%sexpected: ", ind);
		kv_inline(f, r->expected);
		fputc('\n', f);
	}
	if (r->observed) {
		fprintf(f, "%sobserved: ", ind);
		kv_inline(f, r->observed);
		fputc('\n', f);
	}
	for (size_t i = 0; i < r->nitems; i++)
		fprintf(f, "%s- %s: %s\n", ind, r->items[i].object, r->items[i].reason);
	if (r->items_omitted)
		fprintf(f, "%s- ... and %zu more\n", ind, r->items_omitted);
	if (evidence)
		for (size_t i = 0; i < r->nevidence; i++)
			fprintf(f, "%s%sevidence: %s: %s%s\n", ind, col(flags, C_DIM), r->evidence[i].source,
				r->evidence[i].excerpt, col(flags, C_RESET));
	if (r->remediation && r->remediation->summary) {
		fprintf(f, "%sfix:      %s%s\n", ind, r->remediation->summary,
			r->remediation->requires_reboot ? " (reboot required)" : "");
		for (size_t i = 0; i < r->remediation->nactions; i++) {
			const struct rthc_action *a = &r->remediation->actions[i];

			fprintf(f, "%s          %s %s%s%s\n", ind, rthc_action_type_to_string(a->type), a->target,
				a->value ? " = " : "", a->value ? a->value : "");
		}
	}
}

static void header(FILE *f, const struct rthc_report *rep, unsigned flags)
{
	const struct rthc_facts *fa = rep->facts;
	char *iso = NULL, *hk = NULL;

	fprintf(f, "%s%s %s%s: %s audit of %s", col(flags, C_BOLD), PACKAGE_NAME, PACKAGE_VERSION,
		col(flags, C_RESET), rep->guest ? "guest" : "host",
		fa->hostname ? fa->hostname : "(unknown host)");
	if (!rep->live)
		fprintf(f, " (tree %s)", rep->root);
	fputc('\n', f);
	fprintf(f, "kernel %s%s\n", fa->kernel.release ? fa->kernel.release : "(unknown)",
		fa->kernel.preempt_rt ? " (PREEMPT_RT)" : "");
	if (rthc_cpuset_format_list(&fa->isolation.isolated, &iso) == 0 &&
	    rthc_cpuset_format_list(&fa->isolation.housekeeping, &hk) == 0)
		fprintf(f, "isolated CPUs: %s  housekeeping CPUs: %s\n", *iso ? iso : "none", *hk ? hk : "none");
	free(iso);
	free(hk);
	if (rep->profile_name)
		fprintf(f, "profile: %s (%s)\n", rep->profile_name, rep->profile_source);
}

/* A value on one line: a whole file's content shows as its first line and "(+N lines)". */
static void short_value(FILE *f, const char *v)
{
	const char *nl;
	size_t more = 0;

	if (!v) {
		fputs("(absent)", f);
		return;
	}
	nl = strchr(v, '\n');
	if (!nl || !nl[1]) {
		fprintf(f, "%.*s", (int)(nl ? nl - v : (long)strlen(v)), v);
		return;
	}
	for (const char *p = nl + 1; *p; p++)
		more += *p == '\n' || !p[1];
	fprintf(f, "%.*s (+%zu line%s)", (int)(nl - v), v, more, more == 1 ? "" : "s");
}

static void changes(FILE *f, const struct rthc_report *rep)
{
	if (!rep->nchanges)
		return;
	fprintf(f, "\nchanges\n");
	for (size_t i = 0; i < rep->nchanges; i++) {
		const struct rthc_change *c = &rep->changes[i];

		fprintf(f, "  %-11s %-9s %s: ", rthc_change_status_to_string(c->status),
			rthc_persistence_to_string(c->persistence), c->target);
		short_value(f, c->old_value);
		fputs(" -> ", f);
		short_value(f, c->new_value);
		fprintf(f, "%s%s\n", c->reason && *c->reason ? "  # " : "",
			c->reason ? c->reason : "");
	}
}

int rthc_render_text(const struct rthc_report *rep, FILE *f, unsigned flags)
{
	bool verbose = flags & RTHC_RENDER_VERBOSE;
	unsigned passed = 0, failed = 0, skipped = 0, gating = 0;
	bool seen[_RTHC_CAT_MAX] = {false};

	for (size_t i = 0; i < rep->nresults; i++) {
		const struct rthc_result *r = &rep->results[i];

		if (r->gating)
			failed++;
		else if (r->status == RTHC_STATUS_SKIPPED || r->status == RTHC_STATUS_NOT_APPLICABLE)
			skipped++;
		else
			passed++;
	}
	gating = failed;

	if (!(flags & RTHC_RENDER_QUIET)) {
		header(f, rep, flags);
		for (unsigned cat = 0; cat < _RTHC_CAT_MAX; cat++) {
			/* Categories in order of first appearance in the catalog. */
			enum rthc_category first = _RTHC_CAT_MAX;

			for (size_t i = 0; i < rep->nresults && first == _RTHC_CAT_MAX; i++) {
				enum rthc_category c = rep->results[i].check->category;

				if (!seen[c])
					first = c;
			}
			if (first == _RTHC_CAT_MAX)
				break;
			seen[first] = true;
			bool printed = false;

			for (size_t i = 0; i < rep->nresults; i++) {
				const struct rthc_result *r = &rep->results[i];
				bool pass_like = r->status == RTHC_STATUS_PASS || r->status == RTHC_STATUS_FIXED;
				bool quiet_like = r->status == RTHC_STATUS_SKIPPED ||
						  r->status == RTHC_STATUS_NOT_APPLICABLE;

				if (r->check->category != first || (r->deselected && !verbose))
					continue;
				if (!printed) {
					fprintf(f, "\n%s%s%s\n", col(flags, C_BOLD), rthc_category_to_string(first),
						col(flags, C_RESET));
					printed = true;
				}
				fprintf(f, "  %s%-6s%s %-34s %s\n", col(flags, labels[r->status].color),
					labels[r->status].label, col(flags, C_RESET), r->check->id, r->check->title);
				if (quiet_like || r->status == RTHC_STATUS_INFO)
					fprintf(f, "          %s%s%s\n", col(flags, C_DIM), r->reason ? r->reason : "",
						col(flags, C_RESET));
				else if (!pass_like || verbose)
					details(f, r, flags, verbose || !pass_like);
			}
		}
		changes(f, rep);
		if (rep->ndiags) {
			fputc('\n', f);
			for (size_t i = 0; i < rep->ndiags; i++)
				fprintf(f, "%s: %s\n", rep->diags[i].level == RTHC_DIAG_WARNING ? "warning" : "note",
					rep->diags[i].message);
		}
		fputc('\n', f);
	}
	fprintf(f, "%sverdict: %s%s (exit %d)", col(flags, C_BOLD), rthc_verdict_to_string(rep->verdict),
		col(flags, C_RESET), rep->exit_code);
	if (gating)
		fprintf(f, ": %u gating result%s", gating, gating == 1 ? "" : "s");
	fputc('\n', f);
	if (!(flags & RTHC_RENDER_QUIET))
		fprintf(f, "%u passed, %u failed, %u skipped\n", passed, failed, skipped);
	return ferror(f) ? -EIO : 0;
}
