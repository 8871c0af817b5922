/*
 * The boot unit: the kernel forgets the runtime part of a profile (sysfs and /proc/sys values,
 * IRQ affinities, idle states, hugepage pools) at every boot, so --apply installs
 * /etc/systemd/system/rthostcheck-apply.service, which runs the same --apply (profile and --set
 * arguments) at boot, and enables it with the multi-user.target.wants link, both journaled like
 * every other change. The unit text comes from data/rthostcheck-apply.service.in (embedded at
 * build time with @bindir@ filled in). At boot the persistent part already holds, so that run
 * is a re-apply journaled into the run that installed the unit (see apply.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "host.h"
#include "plan.h"
#include "profile.h"
#include "strbuf.h"

#define UNIT_NAME "rthostcheck-apply.service"
#define UNIT_PATH "/etc/systemd/system/" UNIT_NAME
#define WANTS_LINK "/etc/systemd/system/multi-user.target.wants/" UNIT_NAME

/* Characters an ExecStart= word may hold without quotes. */
#define PLAIN_CHARS                                                                                \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=:,./@"

int rthc_unit_quote(struct rthc_strbuf *sb, const char *w)
{
	int r;

	if (*w && strspn(w, PLAIN_CHARS) == strlen(w))
		return rthc_strbuf_puts(sb, w);
	/* systemd splits on white space, honours C escapes inside "...", expands % and $. */
	r = rthc_strbuf_putc(sb, '"');
	for (; *w && r == 0; w++) {
		unsigned char c = (unsigned char)*w;

		if (c == '"' || c == '\\')
			r = rthc_strbuf_printf(sb, "\\%c", c);
		else if (c == '%' || c == '$')
			r = rthc_strbuf_printf(sb, "%c%c", c, c);
		else if (c == '\n')
			r = rthc_strbuf_puts(sb, "\\n");
		else if (c < 0x20 || c == 0x7f)
			r = rthc_strbuf_printf(sb, "\\x%02x", c);
		else
			r = rthc_strbuf_putc(sb, (char)c);
	}
	return r ?: rthc_strbuf_putc(sb, '"');
}

int rthc_apply_args(const struct rthc_profile *p, char *const *sets, size_t nsets, char ***ret)
{
	char **v = calloc(nsets + 2, sizeof(*v)), abs[PATH_MAX];

	if (!v)
		return -ENOMEM;
	/* A profile file is named by its absolute path: the unit runs from "/". */
	if (streq(p->source, "file") && realpath(p->path, abs))
		v[0] = strdup(abs);
	else
		v[0] = strdup(p->name);
	for (size_t i = 0; v[0] && i < nsets; i++)
		if (!(v[i + 1] = strdup(sets[i]))) {
			rthc_strv_free(v);
			return -ENOMEM;
		}
	if (!v[0]) {
		free(v);
		return -ENOMEM;
	}
	*ret = v;
	return 0;
}

static int unit_text(char *const *args, char **ret)
{
	struct rthc_strbuf sb, sets;
	const char *t = rthc_apply_unit_template, *at;
	int r = 0;

	rthc_strbuf_init(&sb);
	rthc_strbuf_init(&sets);
	for (size_t i = 1; args[i] && r == 0; i++)
		r = rthc_strbuf_puts(&sets, " --set ") ?: rthc_unit_quote(&sets, args[i]);
	while (r == 0 && (at = strchr(t, '@'))) {
		r = rthc_strbuf_append(&sb, t, (size_t)(at - t));
		if (r == 0 && strneq(at, "@PROFILE@", 9)) {
			r = rthc_unit_quote(&sb, args[0]);
			t = at + 9;
		} else if (r == 0 && strneq(at, "@SETS@", 6)) {
			r = rthc_strbuf_puts(&sb, rthc_strbuf_str(&sets));
			t = at + 6;
		} else if (r == 0) {
			r = rthc_strbuf_putc(&sb, '@');
			t = at + 1;
		}
	}
	if (r == 0)
		r = rthc_strbuf_puts(&sb, t) ?: rthc_strbuf_steal(&sb, ret);
	rthc_strbuf_done(&sb);
	rthc_strbuf_done(&sets);
	return r;
}

/* Whether the target runs systemd: the running system booted with it, or a tree that has it. */
static bool has_systemd(struct rthc_apply_ctx *a)
{
	if (a->live)
		return rthc_host_is_dir(a->h, "/run/systemd/system") > 0;
	return rthc_host_is_dir(a->h, "/etc/systemd") > 0 ||
	       rthc_host_exists(a->h, "/usr/lib/systemd/systemd") > 0 ||
	       rthc_host_exists(a->h, "/lib/systemd/systemd") > 0;
}

/* Whether the profile has a part that the kernel forgets at boot. */
static bool has_runtime_part(const struct rthc_profile *p)
{
	static const char *const sections[] = {"sysctl", "sysfs", "cpu", "irq", "hugepages"};

	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		if (rthc_profile_has_section(p, sections[i]))
			return true;
	return rthc_profile_value(p, "modules", "disable") != NULL;
}

/* On the running system, systemd reads a new or removed unit after daemon-reload. */
static int plan_daemon_reload(struct rthc_apply_ctx *a)
{
	static const char *const paths[] = {"/usr/bin/systemctl", "/bin/systemctl"};
	char cmd[64];

	if (!a->live)
		return 0;
	if (!rthc_plan_find(a->plan, UNIT_PATH) && !rthc_plan_find(a->plan, WANTS_LINK))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
		if (rthc_host_exists(a->h, paths[i]) > 0) {
			snprintf(cmd, sizeof(cmd), "%s daemon-reload", paths[i]);
			return rthc_plan_add(a->plan, "systemd:daemon-reload", "", "boot", paths[i],
					     RTHC_OP_EXEC, RTHC_FORM_PLAIN, "", cmd,
					     RTHC_PERSIST_PERSISTENT, 0)
				       ? 0
				       : -ENOMEM;
		}
	return 0;
}

int rthc_plan_boot_unit(struct rthc_apply_ctx *a, char *const *args)
{
	_cleanup_free_ char *text = NULL;
	int r;

	if (!args || !has_runtime_part(a->p))
		return 0;
	if (!has_systemd(a)) {
		rthc_plan_note(a->plan, "no systemd: the runtime settings are not re-applied at boot "
			       "(run 'rthostcheck --apply %s' after each boot)", args[0]);
		return 0;
	}
	r = unit_text(args, &text);
	if (r == 0)
		r = rthc_plan_file(a, "boot:" UNIT_NAME, "", "boot", UNIT_PATH, text, 0644,
				   RTHC_PERSIST_PERSISTENT, 0);
	if (r == 0)
		r = rthc_plan_link(a, "boot:multi-user.target.wants", "boot", WANTS_LINK,
				   UNIT_PATH);
	if (r == 0)
		r = plan_daemon_reload(a);
	if (r == 0 && !a->live && args[0][0] == '/' && rthc_plan_find(a->plan, UNIT_PATH))
		rthc_plan_note(a->plan, "the boot unit reads the profile %s: that path must exist "
			       "on the system that boots the tree", args[0]);
	return r;
}
