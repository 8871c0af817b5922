/*
 * irqbalance: its configuration (the EnvironmentFile= files of irqbalance.service, else
 * /etc/default/irqbalance on Debian and /etc/sysconfig/irqbalance on RHEL), the CPUs it keeps IRQs
 * off (Irqbalance/irqbalance cputree.c setup_banned_cpus()), irq.irqbalance and
 * xcheck.irqbalance_ban.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irq.h"
#include "units.h"
#include "util.h"

#define UNIT "irqbalance.service"

static const char *const unit_dirs[] = {
	"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system",
	"/usr/lib/systemd/system", "/lib/systemd/system",
};
static const char *const conventional[] = {"/etc/default/irqbalance", "/etc/sysconfig/irqbalance"};

void irqbalance_conf_done(struct irqbalance_conf *c)
{
	free(c->cpus);
	free(c->cpulist);
	free(c->args);
	rthc_cpuset_done(&c->banned);
}

static bool is_key_char(char ch, bool first)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_' ||
	       (!first && ch >= '0' && ch <= '9');
}

/*
 * One value with shell-style quoting as systemd's EnvironmentFile= and a shell both accept:
 * 'single' literal, "double" with \" \\ \$ \` escapes, a backslash escaping the next character,
 * and an unquoted "#" after white space starting a comment. Trailing white space is dropped.
 */
static char *parse_value(const char *s)
{
	size_t len = strlen(s), n = 0, keep = 0;
	char *out = malloc(len + 1);

	if (!out)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	while (*s) {
		if (*s == '\'') {
			const char *e = strchr(s + 1, '\'');
			size_t l = e ? (size_t)(e - s - 1) : strlen(s + 1);

			memcpy(out + n, s + 1, l);
			n += l;
			keep = n;
			s += l + 1 + (e != NULL);
		} else if (*s == '"') {
			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\' && s[1] && strchr("\"\\$`", s[1]))
					s++;
				out[n++] = *s;
			}
			keep = n;
			s += *s == '"';
		} else if (*s == '\\' && s[1]) {
			out[n++] = s[1];
			keep = n;
			s += 2;
		} else if (*s == '#' && n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t')) {
			break;
		} else {
			out[n++] = *s;
			if (*s != ' ' && *s != '\t')
				keep = n;
			s++;
		}
	}
	out[keep] = '\0';
	return out;
}

static int set_var(struct irqbalance_conf *c, const char *key, const char *value, const char *file)
{
	char **slot = NULL, *src = NULL;
	bool *set = NULL;

	if (streq(key, "IRQBALANCE_BANNED_CPUS"))
		slot = &c->cpus, set = &c->cpus_set, src = c->cpus_file;
	else if (streq(key, "IRQBALANCE_BANNED_CPULIST"))
		slot = &c->cpulist, set = &c->cpulist_set, src = c->cpulist_file;
	else if (streq(key, "IRQBALANCE_ARGS"))
		slot = &c->args;
	else
		return 0;
	free(*slot);
	*slot = parse_value(value);
	if (!*slot)
		return -ENOMEM;
	if (set)
		*set = true;
	if (src)
		snprintf(src, sizeof(c->cpus_file), "%s", file);
	return 0;
}

/* KEY=VALUE lines; "#" and ";" comment lines; an optional "export "; backslash continuations. */
static int parse_env(struct irqbalance_conf *c, char *text, const char *file)
{
	char *save = NULL, *o = text;

	/* a backslash-newline joins lines, as in a shell */
	for (const char *p = text; *p; p++) {
		if (*p == '\\' && p[1] == '\n')
			p++;
		else
			*o++ = *p;
	}
	*o = '\0';
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *k, *eq;
		int r;

		line += strspn(line, " \t");
		if (*line == '#' || *line == ';' || !*line)
			continue;
		if (strneq(line, "export", 6) && (line[6] == ' ' || line[6] == '\t'))
			line += 6 + strspn(line + 6, " \t");
		k = line;
		if (!is_key_char(*k, true))
			continue;
		while (is_key_char(*line, false))
			line++;
		eq = line + strspn(line, " \t");
		if (*eq != '=')
			continue;
		*line = '\0';
		r = set_var(c, k, eq + 1, file);
		if (r < 0)
			return r;
	}
	return 0;
}

static int add_file(char (*files)[128], size_t *n, size_t max, const char *path)
{
	if (*n >= max)
		return 0;
	snprintf(files[(*n)++], sizeof(files[0]), "%s", path);
	return 0;
}

/* EnvironmentFile= lines of a unit file or drop-in ("-" marks an optional file). */
static void unit_env_files(struct rthc_host *h, const char *path, char (*files)[128], size_t *n,
			   size_t max)
{
	_cleanup_free_ char *text = NULL;
	char *save = NULL;

	if (rthc_host_read_file(h, path, &text, NULL) < 0)
		return;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		l += strspn(l, " \t");
		if (!strneq(l, "EnvironmentFile=", 16))
			continue;
		l += 16;
		l += strspn(l, " \t-");
		l[strcspn(l, " \t\r")] = '\0';
		if (!*l)
			*n = 0; /* an empty assignment resets the list */
		else
			(void)add_file(files, n, max, l);
	}
}

/* The environment files irqbalance.service reads, in order. */
static size_t env_files(struct rthc_host *h, char (*files)[128], size_t max)
{
	char path[256], **dropins = NULL;
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(unit_dirs); i++) {
		snprintf(path, sizeof(path), "%s/" UNIT, unit_dirs[i]);
		if (rthc_host_exists(h, path) > 0) {
			unit_env_files(h, path, files, &n, max);
			break;
		}
	}
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/" UNIT ".d", unit_dirs[i]);
		if (rthc_host_list_dir(h, path, &dropins, NULL) < 0)
			continue;
		for (char **d = dropins; *d; d++) {
			char p2[384];

			snprintf(p2, sizeof(p2), "%s/%s", path, *d);
			unit_env_files(h, p2, files, &n, max);
		}
		dropins = rthc_strv_free(dropins);
	}
	if (n == 0)
		for (size_t i = 0; i < ARRAY_SIZE(conventional); i++)
			(void)add_file(files, &n, max, conventional[i]);
	return n;
}

/* What setup_banned_cpus() does with the variables. */
static int decide(struct rthc_ctx *ctx, struct irqbalance_conf *c)
{
	const struct rthc_isolation *iso = &ctx->facts->isolation;
	int r = 0;

	if (c->cpus_set && *c->cpus) {
		/* the deprecated hex mask wins whenever it is non-empty */
		c->winner = "IRQBALANCE_BANNED_CPUS";
		c->winner_file = c->cpus_file;
		c->parse_err = rthc_cpuset_parse_mask(&c->banned, c->cpus);
	} else if (c->cpulist_set) {
		c->winner = "IRQBALANCE_BANNED_CPULIST";
		c->winner_file = c->cpulist_file;
		if (*c->cpulist)
			c->parse_err = rthc_cpuset_parse_list(&c->banned, c->cpulist, 0);
	} else if (c->cpus_set) {
		c->winner = "IRQBALANCE_BANNED_CPUS";
		c->winner_file = c->cpus_file;
	} else {
		/* auto-banning: /sys/devices/system/cpu/isolated ∪ nohz_full */
		r = rthc_cpuset_copy(&c->banned, &iso->domain);
		if (r >= 0)
			r = rthc_cpuset_or(&c->banned, &iso->nohz);
	}
	if (c->parse_err == -ENOMEM)
		return -ENOMEM;
	if (c->parse_err < 0)
		rthc_cpuset_zero(&c->banned);
	return r;
}

int irqbalance_conf_read(struct rthc_ctx *ctx, struct irqbalance_conf *c, struct rthc_result *r)
{
	int k = 0;

	*c = (struct irqbalance_conf){0};
	rthc_cpuset_init(&c->banned);
	c->nfiles = env_files(ctx->host, c->files, IRQBALANCE_MAX_FILES);
	for (size_t i = 0; i < c->nfiles && k >= 0; i++) {
		_cleanup_free_ char *text = NULL;

		k = rthc_host_read_file(ctx->host, c->files[i], &text, NULL);
		if (k == -ENOENT) {
			k = 0;
			continue;
		}
		if (k < 0) {
			rthc_result_error(r, k, c->files[i]);
			return k;
		}
		c->nread++;
		k = parse_env(c, text, c->files[i]);
	}
	if (k >= 0)
		k = decide(ctx, c);
	if (k < 0)
		rthc_result_errorf(r, k, "out of memory");
	return k;
}

static void conf_evidence(struct rthc_result *r, const struct irqbalance_conf *c)
{
	if (c->nread == 0)
		rthc_evidence(r, c->nfiles ? c->files[0] : conventional[0], "absent%s",
			      c->nfiles > 1 ? " (and the other environment files too)" : "");
	if (c->cpus_set)
		rthc_evidence(r, c->cpus_file, "IRQBALANCE_BANNED_CPUS=\"%s\"", c->cpus);
	if (c->cpulist_set)
		rthc_evidence(r, c->cpulist_file, "IRQBALANCE_BANNED_CPULIST=\"%s\"", c->cpulist);
	if (c->nread > 0 && !c->cpus_set && !c->cpulist_set)
		rthc_evidence(r, c->files[c->nfiles - 1], "neither IRQBALANCE_BANNED_CPULIST nor "
			      "IRQBALANCE_BANNED_CPUS is set: irqbalance bans isolated ∪ nohz_full");
	if (c->args && *c->args)
		rthc_evidence(r, c->files[c->nfiles - 1], "IRQBALANCE_ARGS=\"%s\"", c->args);
}

/* The file to put the fix in: the last environment file that exists, else the first listed. */
static const char *conf_target(const struct irqbalance_conf *c)
{
	if (c->winner_file && *c->winner_file)
		return c->winner_file;
	return c->nfiles ? c->files[c->nfiles - 1] : conventional[0];
}

/*
 * Judge banned ⊇ ISO. Returns true when it holds; otherwise fills the warn reason (prefix says
 * what runs), items and remedy.
 */
static bool judge_banned(struct rthc_ctx *ctx, struct rthc_result *r,
			 const struct irqbalance_conf *c, const char *prefix)
{
	const struct rthc_isolation *iso = &ctx->facts->isolation;
	struct rthc_cpuset missing = RTHC_CPUSET_INIT;
	_cleanup_free_ char *miss_s = NULL, *iso_s = NULL, *ban_s = NULL;
	char value[256];
	bool ok;

	rthc_observe_str(r, "decided_by", c->winner ? c->winner : "auto-banning");
	rthc_observe_cpus(r, "banned", &c->banned);
	rthc_expect_cpus(r, "banned_superset_of", &iso->isolated);
	if (rthc_cpuset_copy(&missing, &iso->isolated) < 0) {
		r->oom = true;
		return false;
	}
	rthc_cpuset_andnot(&missing, &c->banned);
	rthc_observe_cpus(r, "isolated_not_banned", &missing);
	ok = rthc_cpuset_empty(&missing);
	iso_s = rthc_cpuset_str(&iso->isolated);
	ban_s = rthc_cpuset_str(&c->banned);
	miss_s = rthc_cpuset_str(&missing);
	if (ok)
		goto out;
	rthc_items_cpus(r, &missing, "isolated, but irqbalance may place IRQs here");
	if (c->winner && !c->parse_err && rthc_cpuset_empty(&c->banned))
		rthc_evidence(r, c->winner_file, "irqbalance releases from 2020 (PR #156, #162) until PR "
			      "#358 (2026) take an empty value as unset and keep their automatic ban; the "
			      "check follows the current behaviour");
	if (c->parse_err)
		rthc_warn(r, "%s: %s=\"%s\" does not parse, so irqbalance bans no CPU and may move IRQs "
			     "onto isolated CPUs %s", prefix, c->winner,
			  streq(c->winner, "IRQBALANCE_BANNED_CPULIST") ? c->cpulist : c->cpus,
			  cpus_or_none(miss_s));
	else if (c->winner && rthc_cpuset_empty(&c->banned))
		rthc_warn(r, "%s: %s is set but bans no CPU, which also turns off irqbalance's own banning "
			     "of isolated and nohz_full CPUs: IRQs may move onto isolated CPUs %s", prefix,
			  c->winner, cpus_or_none(miss_s));
	else if (c->winner)
		rthc_warn(r, "%s: %s bans CPUs %s, not the isolated CPUs %s", prefix, c->winner,
			  cpus_or_none(ban_s), cpus_or_none(miss_s));
	else
		rthc_warn(r, "%s: its automatic ban covers only isolated ∪ nohz_full (%s); CPUs %s are "
			     "isolated otherwise (cgroup partition or an explicit set)", prefix,
			  cpus_or_none(ban_s), cpus_or_none(miss_s));
	snprintf(value, sizeof(value), "IRQBALANCE_BANNED_CPULIST=%s", iso_s ? iso_s : "");
	rthc_remedy(r, true, false, "set IRQBALANCE_BANNED_CPULIST=%s in %s%s and restart irqbalance, "
		    "or disable irqbalance and pin IRQs yourself", cpus_or_none(iso_s), conf_target(c),
		    c->cpus_set && *c->cpus ? " and remove IRQBALANCE_BANNED_CPUS, which wins over it" : "");
	rthc_remedy_action(r, RTHC_ACTION_FILE, conf_target(c), value);
	rthc_remedy_action(r, RTHC_ACTION_SERVICE, UNIT, "restart");
out:
	rthc_cpuset_done(&missing);
	return ok;
}

void irq_check_irqbalance(struct rthc_ctx *ctx, struct rthc_result *r)
{
	enum rthc_unit_file_state st;
	struct irqbalance_conf c;
	const char *what;
	int active;

	if (irq_no_isolated(ctx, r, "irqbalance may use every CPU"))
		return;
	st = rthc_unit_file_state(ctx->host, UNIT);
	active = rthc_unit_active(ctx->host, UNIT);
	rthc_observe_str(r, "unit", rthc_unit_file_state_to_string(st));
	if (active >= 0)
		rthc_observe_bool(r, "active", active);
	else
		rthc_observe_null(r, "active");
	rthc_evidence(r, "/etc/systemd/system", UNIT " is %s%s", rthc_unit_file_state_to_string(st),
		      active > 0 ? " and running" : active == 0 ? " and not running" :
		      " (whether it runs cannot be known from a tree)");
	if (st == RTHC_UNIT_ABSENT && active <= 0) {
		rthc_pass(r, "irqbalance is not installed");
		return;
	}
	if (st == RTHC_UNIT_MASKED) {
		rthc_pass(r, "irqbalance is masked");
		return;
	}
	if (active == 0 && st != RTHC_UNIT_ENABLED) {
		rthc_pass(r, "irqbalance is installed but neither enabled nor running");
		return;
	}
	if (active < 0 && st == RTHC_UNIT_INSTALLED) {
		rthc_pass(r, "irqbalance is installed but not enabled");
		return;
	}
	if (irqbalance_conf_read(ctx, &c, r) < 0)
		return;
	conf_evidence(r, &c);
	what = active > 0 ? "irqbalance is running" : "irqbalance is enabled";
	if (judge_banned(ctx, r, &c, what)) {
		_cleanup_free_ char *ban_s = rthc_cpuset_str(&c.banned);

		rthc_pass(r, "%s and keeps IRQs off the isolated CPUs (bans %s, by %s)", what,
			  cpus_or_none(ban_s), c.winner ? c.winner : "its automatic ban");
	}
	irqbalance_conf_done(&c);
}

void irq_check_xirqbalance(struct rthc_ctx *ctx, struct rthc_result *r)
{
	enum rthc_unit_file_state st;
	struct irqbalance_conf c;

	if (irq_no_isolated(ctx, r, NULL))
		return;
	st = rthc_unit_file_state(ctx->host, UNIT);
	if (st == RTHC_UNIT_MASKED) {
		rthc_na(r, "irqbalance is masked: its configuration does not matter");
		return;
	}
	if (irqbalance_conf_read(ctx, &c, r) < 0)
		return;
	if (st == RTHC_UNIT_ABSENT && c.nread == 0) {
		rthc_na(r, "irqbalance is not installed and has no configuration");
		irqbalance_conf_done(&c);
		return;
	}
	conf_evidence(r, &c);
	if (judge_banned(ctx, r, &c, "the irqbalance configuration")) {
		_cleanup_free_ char *ban_s = rthc_cpuset_str(&c.banned);

		rthc_pass(r, "the irqbalance configuration bans every isolated CPU (%s, by %s)",
			  cpus_or_none(ban_s), c.winner ? c.winner : "its automatic ban");
	}
	irqbalance_conf_done(&c);
}
