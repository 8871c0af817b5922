/*
 * [cmdline] (and [guest] idle): kernel parameters for the next boot. Where /etc/kernel/cmdline
 * exists (kernel-install, systemd-boot, UKIs) the parameters are merged into it; otherwise, with
 * GRUB, a drop-in /etc/default/grub.d/rthostcheck.cfg appends them to GRUB_CMDLINE_LINUX_DEFAULT
 * and, on the live host only, update-grub (or grub-mkconfig) regenerates grub.cfg. A parameter
 * that is persisted but not yet in /proc/cmdline leaves its checks pending_reboot.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "cmdline.h"
#include "facts.h"
#include "host.h"
#include "plan.h"
#include "profile.h"
#include "strbuf.h"

#define KERNEL_CMDLINE "/etc/kernel/cmdline"
#define GRUB_DEFAULT "/etc/default/grub"
#define GRUB_DROPIN "/etc/default/grub.d/rthostcheck.cfg"

struct param {
	const char *key, *value; /* borrowed; value "" = a bare flag */
};

static int collect(const struct rthc_profile *p, struct param **ret, size_t *n)
{
	const char *idle = rthc_profile_value(p, "guest", "idle");
	struct param *v = calloc(p->nentries + 2, sizeof(*v));
	size_t k = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < p->nentries; i++)
		if (streq(p->entries[i].section, "cmdline"))
			v[k++] = (struct param){p->entries[i].key, p->entries[i].value};
	if (idle && streq(idle, "poll"))
		v[k++] = (struct param){"idle", "poll"};
	else if (idle && streq(idle, "haltpoll"))
		v[k++] = (struct param){"cpuidle_haltpoll.force", "1"};
	*ret = v;
	*n = k;
	return 0;
}

static int put_param(struct rthc_strbuf *sb, const struct param *pa)
{
	int r = sb->len ? rthc_strbuf_putc(sb, ' ') : 0;

	if (r == 0)
		r = *pa->value ? rthc_strbuf_printf(sb, "%s=%s", pa->key, pa->value) : rthc_strbuf_puts(sb, pa->key);
	return r;
}

static bool key_of(const char *tok, size_t len, const char *key)
{
	size_t k = strcspn(tok, "=");
	char buf[256];

	if (k > len)
		k = len;
	if (k >= sizeof(buf))
		return false;
	memcpy(buf, tok, k);
	buf[k] = '\0';
	return rthc_cmdline_key_eq(buf, key);
}

/* /etc/kernel/cmdline with the profile's parameters replacing (or added to) the ones there. */
static int merge_kernel_cmdline(const char *old, const struct param *v, size_t n, char **ret)
{
	struct rthc_strbuf sb;
	bool *done = calloc(n ? n : 1, sizeof(*done));
	const char *s = old;
	int r = 0;

	if (!done)
		return -ENOMEM;
	rthc_strbuf_init(&sb);
	while (r == 0 && *(s += strspn(s, " \t\n"))) {
		size_t len = 0;
		bool quoted = false, ours = false;

		while (s[len] && (quoted || !strchr(" \t\n", s[len])))
			quoted ^= s[len++] == '"';
		if (len == 2 && strneq(s, "--", 2))
			break; /* the rest is for init: kept as it is below */
		for (size_t i = 0; i < n && !ours; i++)
			if (key_of(s, len, v[i].key)) {
				ours = true;
				if (!done[i])
					r = put_param(&sb, &v[i]);
				done[i] = true;
			}
		if (!ours && r == 0)
			r = (sb.len ? rthc_strbuf_putc(&sb, ' ') : 0) ?: rthc_strbuf_append(&sb, s, len);
		s += len;
	}
	for (size_t i = 0; r == 0 && i < n; i++)
		if (!done[i])
			r = put_param(&sb, &v[i]);
	if (r == 0 && *s)
		r = rthc_strbuf_printf(&sb, " %.*s", (int)strcspn(s, "\n"), s);
	if (r == 0)
		r = rthc_strbuf_putc(&sb, '\n') ?: rthc_strbuf_steal(&sb, ret);
	rthc_strbuf_done(&sb);
	free(done);
	return r;
}

static int grub_dropin(const struct rthc_profile *p, const struct param *v, size_t n, char **ret)
{
	struct rthc_strbuf params, sb;
	int r = 0;

	rthc_strbuf_init(&params);
	rthc_strbuf_init(&sb);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = put_param(&params, &v[i]);
	if (r == 0)
		r = rthc_strbuf_printf(&sb, "# Written by rthostcheck --apply %s; removed by --rollback.\n"
					    "GRUB_CMDLINE_LINUX_DEFAULT=\"${GRUB_CMDLINE_LINUX_DEFAULT} ",
				       p->name);
	for (const char *s = rthc_strbuf_str(&params); r == 0 && *s; s++)
		r = strchr("\"\\$`", *s) ? rthc_strbuf_printf(&sb, "\\%c", *s) : rthc_strbuf_putc(&sb, *s);
	if (r == 0)
		r = rthc_strbuf_puts(&sb, "\"\n") ?: rthc_strbuf_steal(&sb, ret);
	rthc_strbuf_done(&params);
	rthc_strbuf_done(&sb);
	return r;
}

static int plan_bootloader_update(struct rthc_apply_ctx *a)
{
	static const char *const cmds[][2] = {
		{"/usr/sbin/update-grub", "/usr/sbin/update-grub"},
		{"/usr/sbin/grub-mkconfig", "/usr/sbin/grub-mkconfig -o /boot/grub/grub.cfg"},
		{"/usr/sbin/grub2-mkconfig", "/usr/sbin/grub2-mkconfig -o /boot/grub2/grub.cfg"},
	};

	if (!a->live) {
		rthc_plan_note(a->plan, "regenerate grub.cfg inside the tree (update-grub) for " GRUB_DROPIN
					" to take effect");
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		if (rthc_host_exists(a->h, cmds[i][0]) > 0)
			return rthc_plan_add(a->plan, "bootloader:update", "kernel.cmdline_pending", "cmdline", cmds[i][0],
					     RTHC_OP_EXEC, RTHC_FORM_PLAIN, "", cmds[i][1], RTHC_PERSIST_BOOT, 0)
				       ? 0
				       : -ENOMEM;
	rthc_plan_note(a->plan, "no update-grub or grub-mkconfig found: regenerate grub.cfg by hand");
	return 0;
}

/* Checks of every parameter, and the pending ones (persisted, not in /proc/cmdline yet). */
static int param_checks(struct rthc_apply_ctx *a, const struct param *v, size_t n, struct rthc_strbuf *all)
{
	const struct rthc_cmdline *cl = a->f->kernel.cmdline;
	int r = rthc_strbuf_puts(all, "kernel.cmdline_pending");

	for (size_t i = 0; r == 0 && i < n; i++) {
		char key[256], want[512];
		const char *ck, *cur = cl ? rthc_cmdline_get(cl, v[i].key) : NULL;
		size_t len = strlen(v[i].value);

		snprintf(key, sizeof(key), "%s=", v[i].key);
		for (char *p = key; *p; p++)
			*p = *p == '-' ? '_' : *p;
		key[strlen(key) - 1] = '\0';
		ck = rthc_apply_checks_for("cmdline", key);
		if (*ck)
			r = rthc_strbuf_printf(all, " %s", ck);
		snprintf(want, sizeof(want), "%s", v[i].value);
		if (len >= 2 && v[i].value[0] == '"' && v[i].value[len - 1] == '"')
			snprintf(want, sizeof(want), "%.*s", (int)len - 2, v[i].value + 1);
		if (r == 0 && (!cur || !streq(cur, want)))
			r = rthc_plan_pending(a->plan, *ck ? ck : "kernel.cmdline_pending") ?:
			    rthc_plan_pending(a->plan, "kernel.cmdline_pending");
	}
	return r;
}

static int plan_cmdline(struct rthc_apply_ctx *a)
{
	_cleanup_free_ struct param *v = NULL;
	_cleanup_free_ char *old = NULL, *text = NULL;
	struct rthc_strbuf checks;
	bool bls;
	size_t n = 0;
	int r = collect(a->p, &v, &n);

	if (r < 0 || n == 0)
		return r;
	bls = rthc_host_read_file(a->h, KERNEL_CMDLINE, &old, NULL) == 0;
	if (!bls && rthc_host_exists(a->h, GRUB_DEFAULT) <= 0) {
		rthc_plan_note(a->plan, "no " KERNEL_CMDLINE " or " GRUB_DEFAULT ": kernel parameters not persisted");
		return 0;
	}
	rthc_strbuf_init(&checks);
	r = param_checks(a, v, n, &checks);
	if (r == 0 && bls) {
		r = merge_kernel_cmdline(old, v, n, &text);
		if (r == 0)
			r = rthc_plan_file(a, "cmdline:" KERNEL_CMDLINE, rthc_strbuf_str(&checks), "cmdline",
					   KERNEL_CMDLINE, text, 0644, RTHC_PERSIST_BOOT, RTHC_CHG_PENDING);
	} else if (r == 0) {
		r = grub_dropin(a->p, v, n, &text);
		if (r == 0)
			r = rthc_plan_file(a, "cmdline:" GRUB_DROPIN, rthc_strbuf_str(&checks), "cmdline", GRUB_DROPIN,
					   text, 0644, RTHC_PERSIST_BOOT, RTHC_CHG_PENDING);
		if (r == 0 && rthc_plan_find(a->plan, GRUB_DROPIN))
			r = plan_bootloader_update(a);
	}
	rthc_strbuf_done(&checks);
	return r;
}

const struct rthc_applier rthc_applier_cmdline = {"cmdline", plan_cmdline};
