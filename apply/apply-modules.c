/*
 * [modules]: "disable = M ..." writes "install M /bin/false" lines to
 * /etc/modprobe.d/rthostcheck-disable.conf and unloads M when it is loaded and unused (live host
 * only: delete_module); "options.M = k=v ..." writes /etc/modprobe.d/rthostcheck-M.conf, which
 * takes effect when M is next loaded (kvm parameters are read-only at runtime).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "host.h"
#include "plan.h"
#include "profile.h"
#include "strbuf.h"

#define MODPROBE_DIR "/etc/modprobe.d"

/* The name the kernel uses: '-' becomes '_'. */
static void kernel_name(const char *m, char *buf, size_t n)
{
	snprintf(buf, n, "%s", m);
	for (char *p = buf; *p; p++)
		if (*p == '-')
			*p = '_';
}

static int plan_unload(struct rthc_apply_ctx *a, const char *m)
{
	char name[64], id[96];
	uint64_t refcnt;
	char **holders = NULL;
	size_t nholders = 0;
	int r;

	kernel_name(m, name, sizeof(name));
	if (rthc_host_existsf(a->h, "/sys/module/%s/initstate", name) <= 0)
		return 0; /* not loaded, or built in */
	r = rthc_host_read_u64f(a->h, &refcnt, "/sys/module/%s/refcnt", name);
	if (r == 0) {
		char dir[128];

		snprintf(dir, sizeof(dir), "/sys/module/%s/holders", name);
		if (rthc_host_list_dir(a->h, dir, &holders, &nholders) == 0)
			rthc_strv_free(holders);
	}
	if (r < 0 || refcnt > 0 || nholders > 0) {
		rthc_plan_note(a->plan, "module %s is in use, not unloaded (blocked from the next boot on)", name);
		return 0;
	}
	if (!a->live) {
		rthc_plan_note(a->plan, "module %s is loaded: unloading needs the live host", name);
		return 0;
	}
	snprintf(id, sizeof(id), "module:%s", name);
	return rthc_plan_add(a->plan, id, rthc_apply_checks_for("disable", name), "modules", name, RTHC_OP_UNLOAD,
			     RTHC_FORM_PLAIN, "loaded", "unloaded", RTHC_PERSIST_RUNTIME, 0)
		       ? 0
		       : -ENOMEM;
}

static int plan_disable(struct rthc_apply_ctx *a, const char *list)
{
	struct rthc_strbuf sb, checks;
	char **w = NULL;
	size_t n = 0;
	int r = rthc_profile_split_words(list, &w, &n);

	rthc_strbuf_init(&sb);
	rthc_strbuf_init(&checks);
	if (r == 0)
		r = rthc_strbuf_printf(&sb, "# Written by rthostcheck --apply %s; removed by --rollback.\n",
				       a->p->name);
	for (size_t i = 0; r == 0 && i < n; i++) {
		const char *ck = rthc_apply_checks_for("disable", w[i]);

		r = rthc_strbuf_printf(&sb, "install %s /bin/false\n", w[i]);
		if (r == 0 && *ck)
			r = rthc_strbuf_printf(&checks, "%s%s", checks.len ? " " : "", ck);
	}
	if (r == 0 && n)
		r = rthc_plan_file(a, "modprobe:disable", rthc_strbuf_str(&checks), "modules",
				   MODPROBE_DIR "/rthostcheck-disable.conf", rthc_strbuf_str(&sb), 0644,
				   RTHC_PERSIST_PERSISTENT, 0);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = plan_unload(a, w[i]);
	rthc_strv_free(w);
	rthc_strbuf_done(&sb);
	rthc_strbuf_done(&checks);
	return r;
}

/* A module parameter value: booleans read back as Y/N whatever was written. */
static int as_bool(const char *s)
{
	if (streq(s, "Y") || streq(s, "y") || streq(s, "1") || streq(s, "on"))
		return 1;
	if (streq(s, "N") || streq(s, "n") || streq(s, "0") || streq(s, "off"))
		return 0;
	return -1;
}

static bool param_eq(const char *cur, const char *want)
{
	int a = as_bool(cur), b = as_bool(want);

	return a >= 0 && b >= 0 ? a == b : streq(cur, want);
}

/* Checks of the options; the ones whose running value differs wait for a module reload. */
static int option_checks(struct rthc_apply_ctx *a, const char *mod, char **w, size_t n,
			 struct rthc_strbuf *checks)
{
	char name[64];
	int r = 0;

	kernel_name(mod, name, sizeof(name));
	for (size_t i = 0; r == 0 && i < n; i++) {
		_cleanup_free_ char *cur = NULL;
		char key[64];
		const char *eq = strchr(w[i], '='), *ck;

		snprintf(key, sizeof(key), "%.*s", (int)(eq ? eq - w[i] : (long)strlen(w[i])), w[i]);
		ck = rthc_apply_checks_for("modprobe", key);
		if (!*ck)
			continue;
		r = rthc_strbuf_printf(checks, "%s%s", checks->len ? " " : "", ck);
		if (r == 0 && rthc_host_read_strf(a->h, &cur, "/sys/module/%s/parameters/%s", name, key) == 0 &&
		    !param_eq(cur, eq ? eq + 1 : "Y"))
			r = rthc_plan_pending(a->plan, ck);
	}
	return r;
}

static int plan_options(struct rthc_apply_ctx *a, const struct rthc_profile_entry *e)
{
	const char *mod = e->key + strlen("options.");
	struct rthc_strbuf sb, checks;
	char path[PATH_MAX], id[128];
	char **w = NULL;
	size_t n = 0;
	int r = rthc_profile_split_words(e->value, &w, &n);

	rthc_strbuf_init(&sb);
	rthc_strbuf_init(&checks);
	if (r == 0)
		r = rthc_strbuf_printf(&sb, "# Written by rthostcheck --apply %s; removed by --rollback.\noptions %s",
				       a->p->name, mod);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = rthc_strbuf_printf(&sb, " %s", w[i]);
	if (r == 0)
		r = rthc_strbuf_putc(&sb, '\n');
	if (r == 0)
		r = option_checks(a, mod, w, n, &checks);
	snprintf(path, sizeof(path), MODPROBE_DIR "/rthostcheck-%s.conf", mod);
	snprintf(id, sizeof(id), "modprobe:%s", mod);
	if (r == 0)
		r = rthc_plan_file(a, id, rthc_strbuf_str(&checks), "modules", path, rthc_strbuf_str(&sb), 0644,
				   RTHC_PERSIST_PERSISTENT, RTHC_CHG_PENDING);
	rthc_strv_free(w);
	rthc_strbuf_done(&sb);
	rthc_strbuf_done(&checks);
	return r;
}

static int plan_modules(struct rthc_apply_ctx *a)
{
	const char *disable = rthc_profile_value(a->p, "modules", "disable");
	int r = 0;

	if (disable)
		r = plan_disable(a, disable);
	for (size_t i = 0; r == 0 && i < a->p->nentries; i++) {
		const struct rthc_profile_entry *e = &a->p->entries[i];

		if (streq(e->section, "modules") && strneq(e->key, "options.", 8))
			r = plan_options(a, e);
	}
	return r;
}

const struct rthc_applier rthc_applier_modules = {"modules", plan_modules};
