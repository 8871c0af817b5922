/* --list-checks (text and JSON) and --explain. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../checks/check.h"
#include "catalog-out.h"
#include "jsonw.h"

static const char *modes_str(unsigned modes)
{
	if ((modes & RTHC_MODE_BOTH) == RTHC_MODE_BOTH)
		return "both";
	return modes & RTHC_MODE_GUEST ? "guest" : "host";
}

static void check_json(struct rthc_jsonw *w, const struct rthc_check *c, bool full)
{
	rthc_jsonw_start_object(w);
	rthc_jsonw_kv_string(w, "id", c->id);
	rthc_jsonw_kv_string(w, "title", c->title);
	rthc_jsonw_kv_string(w, "category", rthc_category_to_string(c->category));
	rthc_jsonw_kv_string(w, "modes", modes_str(c->modes));
	rthc_jsonw_kv_string(w, "reads", c->reads);
	rthc_jsonw_kv_bool(w, "automated_fix", c->flags & RTHC_CHECK_AUTOFIX);
	rthc_jsonw_kv_bool(w, "needs_reboot", c->flags & RTHC_CHECK_REBOOT);
	rthc_jsonw_kv_bool(w, "needs_live_host", c->flags & RTHC_CHECK_NEEDS_LIVE);
	rthc_jsonw_kv_bool(w, "sampled", c->flags & RTHC_CHECK_SAMPLED);
	if (full) {
		rthc_jsonw_kv_string(w, "why", c->why);
		rthc_jsonw_kv_string(w, "pass", c->pass);
		rthc_jsonw_kv_string(w, "remedy", c->remedy);
		rthc_jsonw_kv_string(w, "sources", c->sources);
	}
	rthc_jsonw_end_object(w);
}

int rthc_list_checks(FILE *f, bool json)
{
	size_t n = rthc_checks_count();

	if (json) {
		struct rthc_jsonw *w;
		int r = rthc_jsonw_new(f, true, &w);

		if (r < 0)
			return r;
		rthc_jsonw_start_object(w);
		rthc_jsonw_key(w, "checks");
		rthc_jsonw_start_array(w);
		for (size_t i = 0; i < n; i++)
			check_json(w, rthc_checks_get(i), false);
		rthc_jsonw_end_array(w);
		rthc_jsonw_end_object(w);
		rthc_jsonw_free(w);
	} else {
		fprintf(f, "%-34s %-8s %-5s %-5s %-6s %s\n", "ID", "CATEGORY", "MODES", "FIX", "REBOOT", "TITLE");
		for (size_t i = 0; i < n; i++) {
			const struct rthc_check *c = rthc_checks_get(i);

			fprintf(f, "%-34s %-8s %-5s %-5s %-6s %s\n", c->id, rthc_category_to_string(c->category),
				modes_str(c->modes), c->flags & RTHC_CHECK_AUTOFIX ? "auto" : "-",
				c->flags & RTHC_CHECK_REBOOT ? "yes" : "no", c->title);
		}
	}
	return fflush(f) || ferror(f) ? -EIO : 0;
}

int rthc_explain(FILE *f, const struct rthc_check *c, bool json)
{
	if (json) {
		struct rthc_jsonw *w;
		int r = rthc_jsonw_new(f, true, &w);

		if (r < 0)
			return r;
		check_json(w, c, true);
		rthc_jsonw_free(w);
	} else {
		fprintf(f, "%s: %s\n\n", c->id, c->title);
		fprintf(f, "category:  %s\nmodes:     %s\n", rthc_category_to_string(c->category), modes_str(c->modes));
		fprintf(f, "automated: %s\nreboot:    %s\n", c->flags & RTHC_CHECK_AUTOFIX ? "yes (--apply)" : "no",
			c->flags & RTHC_CHECK_REBOOT ? "yes" : "no");
		if (c->flags & RTHC_CHECK_NEEDS_LIVE)
			fputs("needs:     the live host (skipped under --root)\n", f);
		if (c->flags & RTHC_CHECK_SAMPLED)
			fputs("needs:     --sample SECONDS (timed check)\n", f);
		fprintf(f, "\nReads:\n  %s\n\nWhy it matters:\n  %s\n\nPasses when:\n  %s\n\nRemedy:\n  %s\n\n"
			   "Sources:\n  %s\n",
			c->reads, c->why, c->pass, c->remedy, c->sources);
	}
	return fflush(f) || ferror(f) ? -EIO : 0;
}
