/*
 * The next boot's kernel command line (see bootcfg.h). Where each distribution keeps it:
 * - BLS (Fedora, RHEL 8+, systemd-boot): /boot/loader/entries/<id>.conf, `options` lines (all of
 *   them, joined); GRUB's blscfg expands $kernelopts / $tuned_params from grubenv; the default is
 *   grubenv saved_entry (GRUB) or loader.conf `default` (systemd-boot), else the newest entry.
 * - kernel-install / UKI: /etc/kernel/cmdline (else /usr/lib/kernel/cmdline).
 * - Debian/Ubuntu GRUB: /etc/default/grub then /etc/default/grub.d/NAME.cfg, normal entries get
 *   GRUB_CMDLINE_LINUX followed by GRUB_CMDLINE_LINUX_DEFAULT.
 * - tuned's bootloader plugin: /etc/tuned/bootcmdline TUNED_BOOT_CMDLINE, referenced as
 *   $tuned_params from the boot loader configuration (tuned#528: the reference can be missing).
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootcfg.h"
#include "host.h"
#include "strbuf.h"

static const char *const grubenv_paths[] = { "/boot/grub2/grubenv", "/boot/grub/grubenv" };
static const char *const bls_dirs[] = { "/boot/loader/entries", "/efi/loader/entries",
					"/boot/efi/loader/entries" };
static const char *const loader_confs[] = { "/boot/loader/loader.conf", "/efi/loader/loader.conf",
					    "/boot/efi/loader/loader.conf" };
static const char *const kernel_cmdlines[] = { "/etc/kernel/cmdline", "/usr/lib/kernel/cmdline" };

#define TUNED_BOOTCMDLINE "/etc/tuned/bootcmdline"
#define DEFAULT_GRUB "/etc/default/grub"
#define DEFAULT_GRUB_D "/etc/default/grub.d"

void rthc_bootcfg_done(struct rthc_bootcfg *cfg)
{
	free(cfg->line);
	free(cfg->source);
	free(cfg->detail);
	free(cfg->tuned);
	memset(cfg, 0, sizeof(*cfg));
}

static int set_str(char **dst, const char *s)
{
	char *n = strdup(s);

	if (!n)
		return -ENOMEM;
	free(*dst);
	*dst = n;
	return 0;
}

/* Record the failing file and pass the error on. */
static int fail_at(struct rthc_bootcfg *cfg, const char *path, int err)
{
	return set_str(&cfg->source, path) < 0 ? -ENOMEM : err;
}

/* White space (newlines too) collapsed to single blanks, trimmed. */
static char *squeeze(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	if (!out)
		return NULL;
	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			if (o > out && o[-1] != ' ')
				*o++ = ' ';
		} else {
			*o++ = *s;
		}
	}
	if (o > out && o[-1] == ' ')
		o--;
	*o = '\0';
	return out;
}

/* GRUB environment block: "name=value" lines, '#' padding. Returns 1 found, 0 none, < 0. */
static int read_grubenv(struct rthc_host *h, struct rthc_bootcfg_env *genv,
			struct rthc_bootcfg *cfg, const char **used)
{
	for (size_t i = 0; i < ARRAY_SIZE(grubenv_paths); i++) {
		_cleanup_free_ char *text = NULL;
		char *save = NULL;
		int r = rthc_host_read_file(h, grubenv_paths[i], &text, NULL);

		if (r == -ENOENT)
			continue;
		if (r < 0)
			return fail_at(cfg, grubenv_paths[i], r);
		for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			char *eq = strchr(l, '=');

			if (*l == '#' || !eq)
				continue;
			*eq = '\0';
			r = rthc_bootcfg_env_set(genv, l, eq + 1);
			if (r < 0)
				return r;
		}
		*used = grubenv_paths[i];
		return 1;
	}
	return 0;
}

/* Expand GRUB's $name / ${name} from the environment block (tuned_params also from tuned). */
static int expand_grub_vars(const char *s, const struct rthc_bootcfg_env *genv, const char *tuned,
			    struct rthc_strbuf *out, struct rthc_strbuf *detail)
{
	int r = 0;

	while (*s && r >= 0) {
		const char *name, *val;
		bool braced;
		char buf[64];
		size_t len = 0;

		if (*s != '$') {
			r = rthc_strbuf_putc(out, *s++);
			continue;
		}
		braced = s[1] == '{';
		name = s + 1 + braced;
		while (isalnum((unsigned char)name[len]) || name[len] == '_')
			len++;
		if (!len || len >= sizeof(buf) || (braced && name[len] != '}')) {
			r = rthc_strbuf_putc(out, *s++);
			continue;
		}
		memcpy(buf, name, len);
		buf[len] = '\0';
		s = name + len + braced;
		val = rthc_bootcfg_env_get(genv, buf);
		if (!val && streq(buf, "tuned_params") && tuned) {
			val = tuned;
			r = rthc_strbuf_printf(detail, "; $tuned_params from %s",
					       TUNED_BOOTCMDLINE);
		} else if (val) {
			r = rthc_strbuf_printf(detail, "; $%s from grubenv", buf);
		} else {
			r = rthc_strbuf_printf(detail, "; $%s is unset", buf);
		}
		if (r >= 0 && val)
			r = rthc_strbuf_puts(out, val);
	}
	return r;
}

static bool is_conf(const char *name)
{
	size_t l = strlen(name);

	return l > 5 && streq(name + l - 5, ".conf");
}

static bool has_conf(char **names)
{
	for (char **n = names; *n; n++)
		if (is_conf(*n))
			return true;
	return false;
}

/* systemd-boot loader.conf `default` glob, or NULL. */
static char *loader_default(struct rthc_host *h)
{
	for (size_t i = 0; i < ARRAY_SIZE(loader_confs); i++) {
		_cleanup_free_ char *text = NULL;
		char *save = NULL;

		if (rthc_host_read_file(h, loader_confs[i], &text, NULL) < 0)
			continue;
		for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			while (*l == ' ' || *l == '\t')
				l++;
			if (strneq(l, "default", 7) && (l[7] == ' ' || l[7] == '\t')) {
				char *v = l + 8, *e;

				while (*v == ' ' || *v == '\t')
					v++;
				e = v + strlen(v);
				while (e > v && isspace((unsigned char)e[-1]))
					*--e = '\0';
				return *v ? strdup(v) : NULL;
			}
		}
	}
	return NULL;
}

static bool entry_matches(const char *file, const char *pattern)
{
	char id[256];
	size_t l = strlen(file) - 5;

	if (fnmatch(pattern, file, 0) == 0)
		return true;
	if (l >= sizeof(id))
		return false;
	memcpy(id, file, l);
	id[l] = '\0';
	return fnmatch(pattern, id, 0) == 0;
}

/* Pick the default entry among the *.conf names (version-sorted, oldest first). */
static const char *pick_entry(struct rthc_host *h, char **names,
			      const struct rthc_bootcfg_env *genv, struct rthc_strbuf *detail)
{
	const char *saved = rthc_bootcfg_env_get(genv, "saved_entry"), *pick = NULL, *any = NULL;
	_cleanup_free_ char *pattern = NULL;
	char want[300];

	if (saved && *saved && snprintf(want, sizeof(want), "%s.conf", saved) < (int)sizeof(want))
		for (char **n = names; *n; n++)
			if (streq(*n, want)) {
				rthc_strbuf_printf(detail, "default entry from grubenv "
							   "saved_entry");
				return *n;
			}
	pattern = loader_default(h);
	if (pattern) {
		for (char **n = names; *n; n++)
			if (is_conf(*n) && entry_matches(*n, pattern))
				pick = *n;
		if (pick) {
			rthc_strbuf_printf(detail, "default entry from loader.conf \"default %s\"",
					   pattern);
			return pick;
		}
	}
	for (char **n = names; *n; n++) {
		if (!is_conf(*n))
			continue;
		any = *n;
		if (!strstr(*n, "rescue"))
			pick = *n;
	}
	rthc_strbuf_printf(detail, "newest entry (no saved default)");
	return pick ? pick : any;
}

/* The `options` lines of a BLS entry, joined. -ENODATA when there is none. */
static int bls_options(const char *text, struct rthc_strbuf *out)
{
	bool found = false;

	for (const char *p = text; *p;) {
		const char *eol = strchr(p, '\n'), *v;
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		if (len > 7 && strneq(p, "options", 7) && (p[7] == ' ' || p[7] == '\t')) {
			size_t vl;
			int r;

			for (v = p + 7; v < p + len && (*v == ' ' || *v == '\t'); v++)
				;
			vl = (size_t)(p + len - v);
			r = found ? rthc_strbuf_putc(out, ' ') : 0;
			if (r >= 0)
				r = rthc_strbuf_append(out, v, vl);
			if (r < 0)
				return r;
			found = true;
		}
		p = eol ? eol + 1 : p + len;
	}
	return found ? 0 : -ENODATA;
}

static int from_bls(struct rthc_host *h, struct rthc_bootcfg *cfg)
{
	struct rthc_bootcfg_env genv = { 0 };
	const char *genv_path = NULL;
	bool genv_read = false;
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(bls_dirs) && r == 0; i++) {
		struct rthc_strbuf opts, line, detail;
		_cleanup_free_ char *text = NULL;
		char **names = NULL, path[512];
		const char *entry;

		r = rthc_host_list_dir(h, bls_dirs[i], &names, NULL);
		if (r == -ENOENT) {
			r = 0;
			continue;
		}
		if (r < 0) {
			r = fail_at(cfg, bls_dirs[i], r);
			break;
		}
		/* grubenv only matters (and is only read) when there are BLS entries. */
		if (!genv_read && has_conf(names)) {
			genv_read = true;
			r = read_grubenv(h, &genv, cfg, &genv_path);
			if (r < 0) {
				rthc_strv_free(names);
				break;
			}
			r = 0;
		}
		rthc_strbuf_init(&opts);
		rthc_strbuf_init(&line);
		rthc_strbuf_init(&detail);
		entry = pick_entry(h, names, &genv, &detail);
		if (!entry) {
			rthc_strbuf_done(&detail);
			rthc_strv_free(names);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", bls_dirs[i], entry);
		r = rthc_host_read_file(h, path, &text, NULL);
		if (r >= 0)
			r = bls_options(text, &opts);
		if (r >= 0)
			r = expand_grub_vars(rthc_strbuf_str(&opts), &genv, cfg->tuned, &line,
					     &detail);
		if (r >= 0 && genv_path && strchr(rthc_strbuf_str(&opts), '$'))
			r = rthc_strbuf_printf(&detail, " (%s)", genv_path);
		if (r >= 0) {
			cfg->line = squeeze(rthc_strbuf_str(&line));
			r = cfg->line ? set_str(&cfg->source, path) : -ENOMEM;
		}
		if (r >= 0)
			r = rthc_strbuf_steal(&detail, &cfg->detail);
		if (r >= 0)
			r = 1;
		else if (r != -ENOMEM)
			r = fail_at(cfg, path, r);
		rthc_strbuf_done(&opts);
		rthc_strbuf_done(&line);
		rthc_strbuf_done(&detail);
		rthc_strv_free(names);
	}
	rthc_bootcfg_env_done(&genv);
	return r;
}

static int from_kernel_cmdline(struct rthc_host *h, struct rthc_bootcfg *cfg)
{
	for (size_t i = 0; i < ARRAY_SIZE(kernel_cmdlines); i++) {
		_cleanup_free_ char *text = NULL;
		int r = rthc_host_read_file(h, kernel_cmdlines[i], &text, NULL);

		if (r == -ENOENT)
			continue;
		if (r < 0)
			return fail_at(cfg, kernel_cmdlines[i], r);
		cfg->line = squeeze(text);
		if (!cfg->line || set_str(&cfg->source, kernel_cmdlines[i]) < 0)
			return -ENOMEM;
		return 1;
	}
	return 0;
}

static int eval_file(struct rthc_host *h, const char *path, struct rthc_bootcfg_env *env,
		     struct rthc_bootcfg *cfg)
{
	_cleanup_free_ char *text = NULL;
	unsigned line = 0;
	int r = rthc_host_read_file(h, path, &text, NULL);

	if (r == 0)
		r = rthc_bootcfg_shell_eval(text, env, &line);
	if (r == -EINVAL && set_str(&cfg->detail, "unterminated quote") < 0)
		return -ENOMEM;
	return r < 0 && r != -ENOMEM ? fail_at(cfg, path, r) : r;
}

static int from_default_grub(struct rthc_host *h, struct rthc_bootcfg *cfg)
{
	struct rthc_bootcfg_env env = { 0 };
	struct rthc_strbuf line, detail;
	char **names = NULL;
	const char *a, *b;
	int r;

	r = rthc_host_exists(h, DEFAULT_GRUB);
	if (r <= 0)
		return r < 0 ? fail_at(cfg, DEFAULT_GRUB, r) : 0;
	rthc_strbuf_init(&line);
	rthc_strbuf_init(&detail);
	r = eval_file(h, DEFAULT_GRUB, &env, cfg);
	if (r >= 0) {
		r = rthc_host_list_dir(h, DEFAULT_GRUB_D, &names, NULL);
		if (r == -ENOENT)
			r = 0;
		else if (r < 0)
			r = fail_at(cfg, DEFAULT_GRUB_D, r);
	}
	for (char **n = names; r >= 0 && n && *n; n++) {
		char path[512];
		size_t l = strlen(*n);

		if (l <= 4 || !streq(*n + l - 4, ".cfg"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", DEFAULT_GRUB_D, *n);
		r = eval_file(h, path, &env, cfg);
		if (r >= 0)
			r = rthc_strbuf_printf(&detail, "%s%s", detail.len ? ", " : "then ", path);
	}
	a = rthc_bootcfg_env_get(&env, "GRUB_CMDLINE_LINUX");
	b = rthc_bootcfg_env_get(&env, "GRUB_CMDLINE_LINUX_DEFAULT");
	if (r >= 0) {
		struct rthc_strbuf raw;

		rthc_strbuf_init(&raw);
		r = rthc_strbuf_printf(&raw, "%s %s", a ? a : "", b ? b : "");
		if (r >= 0)
			r = expand_grub_vars(rthc_strbuf_str(&raw), &env, cfg->tuned, &line,
					     &detail);
		rthc_strbuf_done(&raw);
	}
	if (r >= 0) {
		cfg->line = squeeze(rthc_strbuf_str(&line));
		r = cfg->line && set_str(&cfg->source, DEFAULT_GRUB) == 0 ? 1 : -ENOMEM;
	}
	if (r > 0 && detail.len)
		r = rthc_strbuf_steal(&detail, &cfg->detail) < 0 ? -ENOMEM : 1;
	rthc_strv_free(names);
	rthc_strbuf_done(&line);
	rthc_strbuf_done(&detail);
	rthc_bootcfg_env_done(&env);
	return r;
}

static int read_tuned(struct rthc_host *h, struct rthc_bootcfg *cfg)
{
	struct rthc_bootcfg_env env = { 0 };
	const char *v;
	int r;

	r = rthc_host_exists(h, TUNED_BOOTCMDLINE);
	if (r <= 0)
		return r < 0 ? fail_at(cfg, TUNED_BOOTCMDLINE, r) : 0;
	r = eval_file(h, TUNED_BOOTCMDLINE, &env, cfg);
	if (r >= 0) {
		v = rthc_bootcfg_env_get(&env, "TUNED_BOOT_CMDLINE");
		cfg->tuned = squeeze(v ? v : "");
		r = cfg->tuned ? 0 : -ENOMEM;
	}
	rthc_bootcfg_env_done(&env);
	return r;
}

int rthc_bootcfg_next(struct rthc_host *h, struct rthc_bootcfg *cfg)
{
	int r;

	memset(cfg, 0, sizeof(*cfg));
	r = read_tuned(h, cfg);
	if (r >= 0)
		r = from_bls(h, cfg);
	if (r == 0)
		r = from_kernel_cmdline(h, cfg);
	if (r == 0)
		r = from_default_grub(h, cfg);
	if (r == 0 && cfg->tuned) {
		cfg->tuned_only = true;
		cfg->line = strdup(cfg->tuned);
		r = cfg->line && set_str(&cfg->source, TUNED_BOOTCMDLINE) == 0 ? 1 : -ENOMEM;
	}
	if (r == 0)
		r = -ENOENT;
	return r < 0 ? r : 0;
}
