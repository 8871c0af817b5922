/*
 * [sysctl]: write /proc/sys now and persist every key in /etc/sysctl.d/90-rthostcheck.conf
 * (read by systemd-sysctl / procps at boot).
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

#define SYSCTL_FILE "/etc/sysctl.d/90-rthostcheck.conf"

/* sysctl.d naming: dots separate levels unless the name uses slashes. */
static int sysctl_path(const char *key, char *buf, size_t n)
{
	size_t len = strlen(key);

	if (len + sizeof("/proc/sys/") > n)
		return -ENAMETOOLONG;
	strcpy(buf, "/proc/sys/");
	for (size_t i = 0; i <= len; i++)
		buf[10 + i] = !strchr(key, '/') && key[i] == '.' ? '/' : key[i];
	return 0;
}

static int plan_sysctl(struct rthc_apply_ctx *a)
{
	struct rthc_strbuf file, checks;
	char path[PATH_MAX], id[PATH_MAX];
	bool any = false;
	int r = 0;

	rthc_strbuf_init(&file);
	rthc_strbuf_init(&checks);
	r = rthc_strbuf_printf(&file, "# Written by rthostcheck --apply %s; removed by --rollback.\n", a->p->name);
	for (size_t i = 0; r == 0 && i < a->p->nentries; i++) {
		const struct rthc_profile_entry *e = &a->p->entries[i];
		const char *ck;

		if (!streq(e->section, "sysctl"))
			continue;
		r = sysctl_path(e->key, path, sizeof(path));
		if (r < 0)
			break;
		if (rthc_host_exists(a->h, path) <= 0) {
			rthc_plan_note(a->plan, "sysctl %s: not present on this kernel, not changed", e->key);
			continue;
		}
		ck = rthc_apply_checks_for("sysctl", e->key);
		snprintf(id, sizeof(id), "sysctl:%s", e->key);
		r = rthc_plan_attr(a, id, ck, "sysctl", path, RTHC_FORM_PLAIN, e->value, 0);
		if (r == 0)
			r = rthc_strbuf_printf(&file, "%s = %s\n", e->key, e->value);
		if (r == 0 && *ck)
			r = rthc_strbuf_printf(&checks, "%s%s", checks.len ? " " : "", ck);
		any = true;
	}
	if (r == 0 && any)
		r = rthc_plan_file(a, "sysctl.d:90-rthostcheck.conf", rthc_strbuf_str(&checks), "sysctl",
				   SYSCTL_FILE, rthc_strbuf_str(&file), 0644, RTHC_PERSIST_PERSISTENT, 0);
	rthc_strbuf_done(&file);
	rthc_strbuf_done(&checks);
	return r;
}

const struct rthc_applier rthc_applier_sysctl = {"sysctl", plan_sysctl};
