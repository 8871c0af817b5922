/* Command-line parsing (spec/cli.md). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../checks/check.h"
#include "cli.h"
#include "config.h"
#include "macro.h"
#include "report.h"

enum {
	OPT_ROOT = 0x100,
	OPT_MODE,
	OPT_GUEST,
	OPT_HOST,
	OPT_PROFILE,
	OPT_SET,
	OPT_FORMAT,
	OPT_JSON,
	OPT_CHECK,
	OPT_SKIP,
	OPT_FAIL_ON,
	OPT_STRICT,
	OPT_DRY_RUN,
	OPT_SNAPSHOT,
	OPT_SAMPLE,
	OPT_SCHEMA,
	OPT_NO_COLOR,
	OPT_APPLY,
	OPT_ROLLBACK,
	OPT_LIST_CHECKS,
	OPT_EXPLAIN,
	OPT_LIST_PROFILES,
};

static const struct option longopts[] = {
	{"root", required_argument, NULL, OPT_ROOT},
	{"sysroot", required_argument, NULL, OPT_ROOT},
	{"mode", required_argument, NULL, OPT_MODE},
	{"guest", no_argument, NULL, OPT_GUEST},
	{"host", no_argument, NULL, OPT_HOST},
	{"profile", required_argument, NULL, OPT_PROFILE},
	{"set", required_argument, NULL, OPT_SET},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"json", no_argument, NULL, OPT_JSON},
	{"output", required_argument, NULL, 'o'},
	{"check", required_argument, NULL, OPT_CHECK},
	{"skip", required_argument, NULL, OPT_SKIP},
	{"fail-on", required_argument, NULL, OPT_FAIL_ON},
	{"strict", no_argument, NULL, OPT_STRICT},
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{"snapshot", required_argument, NULL, OPT_SNAPSHOT},
	{"sample", required_argument, NULL, OPT_SAMPLE},
	{"schema", no_argument, NULL, OPT_SCHEMA},
	{"quiet", no_argument, NULL, 'q'},
	{"verbose", no_argument, NULL, 'v'},
	{"no-color", no_argument, NULL, OPT_NO_COLOR},
	{"apply", required_argument, NULL, OPT_APPLY},
	{"rollback", optional_argument, NULL, OPT_ROLLBACK},
	{"list-checks", no_argument, NULL, OPT_LIST_CHECKS},
	{"explain", required_argument, NULL, OPT_EXPLAIN},
	{"list-profiles", no_argument, NULL, OPT_LIST_PROFILES},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

void rthc_cli_usage(FILE *f)
{
	fputs("Usage:\n"
	      " rthostcheck [options]                      audit this host (or guest) and print a report\n"
	      " rthostcheck --apply PROFILE [options]      audit, plan, apply a profile's fixes, audit again\n"
	      " rthostcheck --rollback [RUN-ID] [options]  undo the last (or the named) apply run\n"
	      " rthostcheck --list-checks [--json]         the check catalog\n"
	      " rthostcheck --explain CHECK-ID             what a check reads, why it matters, how to fix it\n"
	      " rthostcheck --list-profiles                the profiles found (built-in and /etc)\n"
	      "\n"
	      "Audit whether a Linux host is ready to run real-time KVM guests (or, inside a VM, whether\n"
	      "the guest is ready for RT work), explain every gap, and apply a tuning profile to close it.\n"
	      "\n"
	      "Options:\n"
	      "     --root DIR            read the host tree under DIR instead of / (alias --sysroot)\n"
	      "     --sysroot DIR         the same as --root\n"
	      "     --mode host|guest|auto\n"
	      "                           which check set runs; default auto (guest when a hypervisor\n"
	      "                           is detected)\n"
	      "     --host                the same as --mode host\n"
	      "     --guest               the same as --mode guest\n"
	      "     --profile NAME|FILE   audit against a profile's expectations\n"
	      "     --set KEY=VALUE       override a profile variable or check budget (repeatable)\n"
	      "     --format text|json|junit|prometheus\n"
	      "                           report format on stdout; default text\n"
	      "     --json                the same as --format json\n"
	      " -o, --output FORMAT:PATH  also write FORMAT to PATH, atomically (repeatable)\n"
	      "     --check ID            run only this check; ID may end in .* (repeatable)\n"
	      "     --skip ID             do not run this check; ID may end in .* (repeatable)\n"
	      "     --fail-on fail|warn|none\n"
	      "                           which results gate the exit code; default fail\n"
	      "     --strict              the same as --fail-on warn\n"
	      "     --dry-run             with --apply or --rollback: print the plan, change nothing\n"
	      "     --snapshot DIR        copy every file the audit read into DIR\n"
	      "     --sample SECONDS      also run the timed checks over SECONDS\n"
	      "     --schema              print the JSON schema of --json output and exit\n"
	      "     --apply PROFILE       apply a profile (see rthostcheck.profile(5))\n"
	      "     --rollback [RUN-ID]   undo the last or the named apply run\n"
	      "     --list-checks         list the check catalog (with --json as JSON)\n"
	      "     --explain CHECK-ID    explain one check\n"
	      "     --list-profiles       list the profiles found\n"
	      " -q, --quiet               print only the verdict line\n"
	      " -v, --verbose             also print evidence for passing checks\n"
	      "     --no-color            no ANSI colour (also off when NO_COLOR is set or stdout is not\n"
	      "                           a terminal)\n"
	      " -h, --help                display this help\n"
	      " -V, --version             display version\n"
	      "\n"
	      "Exit status: 0 ready, 1 not ready, 2 incomplete, 3 reboot required, 4 apply failed,\n"
	      "5 rollback incomplete, 64 usage, 65 bad input, 70 internal error, 73 output not written.\n"
	      "\n"
	      "For more details see rthostcheck(8).\n",
	      f);
}

static int add_str(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strdup(s);
	if (!nv[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

static int replace(char **dst, const char *s)
{
	free(*dst);
	*dst = strdup(s);
	return *dst ? 0 : -ENOMEM;
}

void rthc_opts_done(struct rthc_opts *o)
{
	free(o->root);
	free(o->profile);
	for (size_t i = 0; i < o->nsets; i++)
		free(o->sets[i]);
	free(o->sets);
	for (size_t i = 0; i < o->noutputs; i++)
		free(o->outputs[i].path);
	free(o->outputs);
	for (size_t i = 0; i < o->nchecks; i++)
		free(o->checks[i]);
	free(o->checks);
	for (size_t i = 0; i < o->nskips; i++)
		free(o->skips[i]);
	free(o->skips);
	free(o->snapshot);
	free(o->explain);
	free(o->run_id);
	memset(o, 0, sizeof(*o));
}

static int usage_err(char *errbuf, size_t errlen, const char *fmt, ...) _printf_format_(3, 4);
static int usage_err(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
	return RTHC_EXIT_USAGE;
}

static int add_output(struct rthc_opts *o, const char *arg, char *errbuf, size_t errlen)
{
	const char *colon = strchr(arg, ':');
	char fmt[32];
	enum rthc_format f;
	struct rthc_output *no;

	if (!colon || colon == arg || !colon[1] || (size_t)(colon - arg) >= sizeof(fmt))
		return usage_err(errbuf, errlen, "-o takes FORMAT:PATH, not '%s'", arg);
	memcpy(fmt, arg, (size_t)(colon - arg));
	fmt[colon - arg] = '\0';
	f = rthc_format_from_string(fmt);
	if (f < 0)
		return usage_err(errbuf, errlen, "unknown format '%s' in -o (text, json, junit, prometheus)", fmt);
	no = realloc(o->outputs, (o->noutputs + 1) * sizeof(*no));
	if (!no)
		return -ENOMEM;
	o->outputs = no;
	no[o->noutputs].format = f;
	no[o->noutputs].path = strdup(colon + 1);
	if (!no[o->noutputs].path)
		return -ENOMEM;
	o->noutputs++;
	return 0;
}

static int set_action(struct rthc_opts *o, enum rthc_action_opt a, char *errbuf, size_t errlen)
{
	if (o->action != RTHC_RUN_AUDIT && o->action != a)
		return usage_err(errbuf, errlen, "--apply, --rollback, --list-checks, --explain, --list-profiles "
						 "and --schema exclude each other");
	o->action = a;
	return 0;
}

/*
 * The format the command line asks for, last one wins, found before parsing: a usage error
 * must still give a JSON document on stdout when --json comes after the bad option.
 */
static enum rthc_format requested_format(int argc, char **argv)
{
	enum rthc_format f = RTHC_FORMAT_TEXT;

	for (int i = 1; i < argc && !streq(argv[i], "--"); i++) {
		const char *v = NULL;

		if (streq(argv[i], "--json"))
			v = "json";
		else if (strneq(argv[i], "--format=", 9))
			v = argv[i] + 9;
		else if (streq(argv[i], "--format") && i + 1 < argc)
			v = argv[++i];
		if (v && rthc_format_from_string(v) >= 0)
			f = rthc_format_from_string(v);
	}
	return f;
}

int rthc_cli_parse(int argc, char **argv, struct rthc_opts *o, char *errbuf, size_t errlen)
{
	bool no_color = false, fail_on_set = false;
	char *end;
	int c, r = 0;

	memset(o, 0, sizeof(*o));
	o->format = requested_format(argc, argv);
	opterr = 0;
	optind = 1;
	/* The leading ':' makes getopt return ':' for a missing argument. */
	while ((c = getopt_long(argc, argv, "+:o:qvhV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT:
			r = replace(&o->root, optarg);
			break;
		case OPT_MODE:
			if (streq(optarg, "auto"))
				o->mode = RTHC_MODEOPT_AUTO;
			else if (streq(optarg, "host"))
				o->mode = RTHC_MODEOPT_HOST;
			else if (streq(optarg, "guest"))
				o->mode = RTHC_MODEOPT_GUEST;
			else
				return usage_err(errbuf, errlen, "unknown mode '%s' (host, guest, auto)", optarg);
			break;
		case OPT_GUEST:
			o->mode = RTHC_MODEOPT_GUEST;
			break;
		case OPT_HOST:
			o->mode = RTHC_MODEOPT_HOST;
			break;
		case OPT_PROFILE:
			r = replace(&o->profile, optarg);
			break;
		case OPT_SET:
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return usage_err(errbuf, errlen, "--set takes KEY=VALUE, not '%s'", optarg);
			r = add_str(&o->sets, &o->nsets, optarg);
			break;
		case OPT_FORMAT: {
			enum rthc_format f = rthc_format_from_string(optarg);

			if (f < 0)
				return usage_err(errbuf, errlen, "unknown format '%s' (text, json, junit, prometheus)",
						 optarg);
			o->format = f;
			break;
		}
		case OPT_JSON:
			o->format = RTHC_FORMAT_JSON;
			break;
		case 'o':
			r = add_output(o, optarg, errbuf, errlen);
			if (r > 0)
				return r;
			break;
		case OPT_CHECK:
			r = add_str(&o->checks, &o->nchecks, optarg);
			break;
		case OPT_SKIP:
			r = add_str(&o->skips, &o->nskips, optarg);
			break;
		case OPT_FAIL_ON:
			if (streq(optarg, "fail"))
				o->fail_on = RTHC_FAIL_ON_FAIL;
			else if (streq(optarg, "warn"))
				o->fail_on = RTHC_FAIL_ON_WARN;
			else if (streq(optarg, "none"))
				o->fail_on = RTHC_FAIL_ON_NONE;
			else
				return usage_err(errbuf, errlen, "unknown --fail-on value '%s' (fail, warn, none)",
						 optarg);
			fail_on_set = true;
			break;
		case OPT_STRICT:
			if (!fail_on_set)
				o->fail_on = RTHC_FAIL_ON_WARN;
			break;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case OPT_SNAPSHOT:
			r = replace(&o->snapshot, optarg);
			break;
		case OPT_SAMPLE:
			errno = 0;
			o->sample = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o->sample > 0) || o->sample > 3600)
				return usage_err(errbuf, errlen, "--sample takes seconds (0 < N <= 3600), not '%s'",
						 optarg);
			break;
		case OPT_SCHEMA:
			r = set_action(o, RTHC_RUN_SCHEMA, errbuf, errlen);
			break;
		case 'q':
			o->verbosity = -1;
			break;
		case 'v':
			o->verbosity = 1;
			break;
		case OPT_NO_COLOR:
			no_color = true;
			break;
		case OPT_APPLY:
			r = set_action(o, RTHC_RUN_APPLY, errbuf, errlen);
			if (r == 0)
				r = replace(&o->profile, optarg);
			break;
		case OPT_ROLLBACK:
			r = set_action(o, RTHC_RUN_ROLLBACK, errbuf, errlen);
			/* "--rollback RUN-ID" with a space, as cli.md writes it. */
			if (r == 0 && !optarg && optind < argc && argv[optind][0] != '-')
				optarg = argv[optind++];
			if (r == 0 && optarg)
				r = replace(&o->run_id, optarg);
			break;
		case OPT_LIST_CHECKS:
			r = set_action(o, RTHC_RUN_LIST_CHECKS, errbuf, errlen);
			break;
		case OPT_EXPLAIN:
			r = set_action(o, RTHC_RUN_EXPLAIN, errbuf, errlen);
			if (r == 0)
				r = replace(&o->explain, optarg);
			break;
		case OPT_LIST_PROFILES:
			r = set_action(o, RTHC_RUN_LIST_PROFILES, errbuf, errlen);
			break;
		case 'h':
			o->action = RTHC_RUN_HELP;
			return 0;
		case 'V':
			o->action = RTHC_RUN_VERSION;
			return 0;
		case ':':
			return usage_err(errbuf, errlen, "option '%s' requires an argument", argv[optind - 1]);
		case '?':
		default:
			if (strneq(argv[optind - 1], "--", 2) && strchr(argv[optind - 1], '=') && optopt)
				return usage_err(errbuf, errlen, "option '%.*s' doesn't allow an argument",
						 (int)strcspn(argv[optind - 1], "="), argv[optind - 1]);
			if (strneq(argv[optind - 1], "--", 2) || !optopt || optopt >= 0x100)
				return usage_err(errbuf, errlen, "unrecognized option '%s'", argv[optind - 1]);
			return usage_err(errbuf, errlen, "invalid option -- '%c'", optopt);
		}
		if (r < 0)
			return usage_err(errbuf, errlen, "out of memory");
		if (r > 0)
			return r;
	}
	if (optind < argc)
		return usage_err(errbuf, errlen, "unexpected argument '%s'", argv[optind]);
	if (o->dry_run && o->action != RTHC_RUN_APPLY && o->action != RTHC_RUN_ROLLBACK)
		return usage_err(errbuf, errlen, "--dry-run goes with --apply or --rollback");
	o->color = !no_color && !getenv("NO_COLOR") && isatty(STDOUT_FILENO);
	return 0;
}

static bool matches(const char *pattern, const char *id)
{
	size_t n = strlen(pattern);

	if (n >= 2 && streq(pattern + n - 2, ".*"))
		return strneq(id, pattern, n - 1);
	return streq(pattern, id);
}

static int validate(char **ids, size_t n, const char *opt, char *errbuf, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(ids[i]);

		if (l >= 2 && streq(ids[i] + l - 2, ".*")) {
			char prefix[128];

			if (l - 2 >= sizeof(prefix))
				return usage_err(errbuf, errlen, "unknown check ID '%s' for %s", ids[i], opt);
			memcpy(prefix, ids[i], l - 2);
			prefix[l - 2] = '\0';
			if (!rthc_checks_category_exists(prefix))
				return usage_err(errbuf, errlen, "no check ID starts with '%s.' (%s %s)", prefix, opt,
						 ids[i]);
			continue;
		}
		if (!rthc_checks_find(ids[i])) {
			const char *near = rthc_checks_nearest(ids[i]);

			return usage_err(errbuf, errlen, "unknown check ID '%s' for %s%s%s%s", ids[i], opt,
					 near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
		}
	}
	return 0;
}

int rthc_cli_validate_ids(const struct rthc_opts *o, char *errbuf, size_t errlen)
{
	int r = validate(o->checks, o->nchecks, "--check", errbuf, errlen);

	return r ? r : validate(o->skips, o->nskips, "--skip", errbuf, errlen);
}

bool rthc_cli_selected(const struct rthc_opts *o, const char *id, const char **why)
{
	for (size_t i = 0; i < o->nskips; i++)
		if (matches(o->skips[i], id)) {
			*why = "deselected by --skip";
			return false;
		}
	if (o->nchecks == 0)
		return true;
	for (size_t i = 0; i < o->nchecks; i++)
		if (matches(o->checks[i], id))
			return true;
	*why = "not selected by --check";
	return false;
}
