/* --list-profiles output (text or JSON). */
#include <errno.h>
#include <stdio.h>

#include "jsonw.h"
#include "profile.h"

static const char *source_label(const struct rthc_profile_info *p)
{
	if (streq(p->source, "etc"))
		return p->overridden ? "etc (overrides built-in)" : "etc";
	return "built-in";
}

int rthc_profile_list_print(FILE *f, struct rthc_host *h, bool json)
{
	struct rthc_profile_info *v = NULL;
	struct rthc_jsonw *w;
	size_t n = 0;
	int r = rthc_profile_list(h, &v, &n);

	if (r < 0)
		return r;
	if (!json) {
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%-24s %-25s %s\n  %s\n", v[i].name, source_label(&v[i]), v[i].summary, v[i].path);
		if (!n)
			fprintf(f, "no profiles found (built-in directory %s)\n", rthc_profile_dir());
	} else if ((r = rthc_jsonw_new(f, true, &w)) == 0) {
		rthc_jsonw_start_object(w);
		rthc_jsonw_key(w, "profiles");
		rthc_jsonw_start_array(w);
		for (size_t i = 0; i < n; i++) {
			rthc_jsonw_start_object(w);
			rthc_jsonw_kv_string(w, "name", v[i].name);
			rthc_jsonw_kv_string(w, "source", v[i].source);
			rthc_jsonw_kv_bool(w, "overrides_builtin", v[i].overridden);
			rthc_jsonw_kv_string(w, "path", v[i].path);
			rthc_jsonw_kv_string(w, "summary", v[i].summary);
			rthc_jsonw_end_object(w);
		}
		rthc_jsonw_end_array(w);
		rthc_jsonw_end_object(w);
		rthc_jsonw_free(w);
	}
	rthc_profile_infos_free(v, n);
	return fflush(f) || ferror(f) ? -EIO : r;
}
