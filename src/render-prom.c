/*
 * Prometheus text exposition for node_exporter's textfile collector: HELP and TYPE for every
 * metric, a state set per check with every status (so series never vanish), the verdict, exit
 * code, last run time and duration, build info. No timestamps on samples.
 */
#include <errno.h>
#include <stdio.h>

#include "../checks/check.h"
#include "config.h"
#include "render.h"
#include "report.h"

/* Label values: backslash, double quote and newline escaped. */
static void label(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '"')
			fputs("\\\"", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void metric(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

int rthc_render_prometheus(const struct rthc_report *rep, FILE *f, unsigned flags)
{
	double ts = (double)rep->started.tv_sec + (double)rep->started.tv_nsec / 1e9;

	metric(f, "rthostcheck_check_status", "gauge",
	       "Result of each check: 1 for its current status, 0 for every other status.");
	for (size_t i = 0; i < rep->nresults; i++) {
		const struct rthc_result *r = &rep->results[i];

		for (unsigned s = 0; s < _RTHC_STATUS_MAX; s++) {
			fputs("rthostcheck_check_status{check=\"", f);
			label(f, r->check->id);
			fputs("\",category=\"", f);
			label(f, rthc_category_to_string(r->check->category));
			fprintf(f, "\",status=\"%s\"} %d\n", rthc_status_to_string((enum rthc_status)s),
				r->status == (enum rthc_status)s);
		}
	}
	metric(f, "rthostcheck_check_gating", "gauge",
	       "Whether the check's result gates the exit code under the run's --fail-on.");
	for (size_t i = 0; i < rep->nresults; i++) {
		fputs("rthostcheck_check_gating{check=\"", f);
		label(f, rep->results[i].check->id);
		fputs("\",category=\"", f);
		label(f, rthc_category_to_string(rep->results[i].check->category));
		fprintf(f, "\"} %d\n", rep->results[i].gating);
	}
	metric(f, "rthostcheck_results", "gauge", "Number of check results per status.");
	for (unsigned s = 0; s < _RTHC_STATUS_MAX; s++)
		fprintf(f, "rthostcheck_results{status=\"%s\"} %u\n", rthc_status_to_string((enum rthc_status)s),
			rep->summary.count[s]);
	metric(f, "rthostcheck_ready", "gauge", "1 when the verdict is ready, else 0.");
	fprintf(f, "rthostcheck_ready %d\n", rep->verdict == RTHC_VERDICT_READY);
	metric(f, "rthostcheck_exit_code", "gauge", "Exit code of the run (see rthostcheck(8)).");
	fprintf(f, "rthostcheck_exit_code %d\n", rep->exit_code);
	metric(f, "rthostcheck_last_run_timestamp_seconds", "gauge", "Start of the last run, Unix time.");
	fprintf(f, "rthostcheck_last_run_timestamp_seconds %.3f\n", ts);
	metric(f, "rthostcheck_last_run_duration_seconds", "gauge", "Duration of the last run in seconds.");
	fprintf(f, "rthostcheck_last_run_duration_seconds %.6f\n", rep->duration);
	metric(f, "rthostcheck_build_info", "gauge", "Build information; the value is always 1.");
	fprintf(f, "rthostcheck_build_info{version=\"%s\",schema_version=\"1.0\"} 1\n", PACKAGE_VERSION);
	return ferror(f) ? -EIO : 0;
}
