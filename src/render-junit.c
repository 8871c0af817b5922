/*
 * JUnit XML: one testsuite per category, one testcase per check (name = ID, classname
 * rthostcheck.<category>). fail and gating warn → <failure>, error → <error>, pending_reboot →
 * <failure type="pending_reboot">, skipped / not_applicable / non-gating warn → <skipped>.
 * The counts equal the JSON summary's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../checks/check.h"
#include "config.h"
#include "facts.h"
#include "jsonw.h"
#include "render.h"
#include "report.h"

/* Length of a UTF-8 sequence at s that XML 1.0 may carry, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	uint32_t cp;
	size_t n = rthc_utf8_decode(s, &cp);

	return n && cp != 0xfffe && cp != 0xffff ? n : 0;
}

/* XML-escape s; characters XML 1.0 cannot carry become U+FFFD. */
static void xml_escape(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");

	while (*s) {
		size_t n;

		switch (*s) {
		case '&':
			fputs("&amp;", f);
			s++;
			continue;
		case '<':
			fputs("&lt;", f);
			s++;
			continue;
		case '>':
			fputs("&gt;", f);
			s++;
			continue;
		case '"':
			fputs("&quot;", f);
			s++;
			continue;
		case '\'':
			fputs("&apos;", f);
			s++;
			continue;
		default:
			break;
		}
		if (*s < 0x20 && *s != '\n' && *s != '\t' && *s != '\r') {
			fputs("\xef\xbf\xbd", f);
			s++;
			continue;
		}
		n = utf8_len(s);
		if (n == 0) {
			fputs("\xef\xbf\xbd", f);
			s++;
			continue;
		}
		fwrite(s, 1, n, f);
		s += n;
	}
}

static void kv_body(FILE *f, const char *label, const struct rthc_kvlist *l)
{
	if (!l)
		return;
	fprintf(f, "%s:", label);
	for (size_t i = 0; i < l->n; i++) {
		const struct rthc_kv *kv = &l->v[i];

		fputc(' ', f);
		xml_escape(f, kv->key);
		fputc('=', f);
		switch (kv->type) {
		case RTHC_VALUE_STR:
			fputc('"', f);
			xml_escape(f, kv->s);
			fputc('"', f);
			break;
		case RTHC_VALUE_INT:
			fprintf(f, "%lld", (long long)kv->i);
			break;
		case RTHC_VALUE_BOOL:
			fputs(kv->b ? "true" : "false", f);
			break;
		case RTHC_VALUE_DOUBLE:
			fprintf(f, "%g", kv->d);
			break;
		case RTHC_VALUE_OBJECT:
			fputs("{...}", f);
			break;
		default:
			fputs("null", f);
		}
	}
	fputc('\n', f);
}

static void body(FILE *f, const struct rthc_result *r)
{
	xml_escape(f, r->reason);
	fputc('\n', f);
	kv_body(f, "expected", r->expected);
	kv_body(f, "observed", r->observed);
	for (size_t i = 0; i < r->nitems; i++) {
		fputs("- ", f);
		xml_escape(f, r->items[i].object);
		fputs(": ", f);
		xml_escape(f, r->items[i].reason);
		fputc('\n', f);
	}
	for (size_t i = 0; i < r->nevidence; i++) {
		fputs("evidence: ", f);
		xml_escape(f, r->evidence[i].source);
		fputs(": ", f);
		xml_escape(f, r->evidence[i].excerpt);
		fputc('\n', f);
	}
	if (r->remediation && r->remediation->summary) {
		fputs("fix: ", f);
		xml_escape(f, r->remediation->summary);
		if (r->remediation->requires_reboot)
			fputs(" (reboot required)", f);
		fputc('\n', f);
	}
}

enum kind { K_PASS, K_FAILURE, K_ERROR, K_SKIPPED };

static enum kind kind_of(const struct rthc_result *r)
{
	switch (r->status) {
	case RTHC_STATUS_FAIL:
	case RTHC_STATUS_PENDING_REBOOT:
		return r->gating ? K_FAILURE : K_SKIPPED;
	case RTHC_STATUS_WARN:
		return r->gating ? K_FAILURE : K_SKIPPED;
	case RTHC_STATUS_ERROR:
		return r->gating ? K_ERROR : K_SKIPPED;
	case RTHC_STATUS_SKIPPED:
	case RTHC_STATUS_NOT_APPLICABLE:
		return K_SKIPPED;
	default:
		return K_PASS;
	}
}

/* <failure> or <error>: the status as type, the reason as message, the details as body. */
static void outcome(FILE *f, const char *tag, const char *status, const struct rthc_result *r)
{
	fprintf(f, "      <%s type=\"%s\" message=\"", tag, status);
	xml_escape(f, r->reason);
	fputs("\">", f);
	body(f, r);
	fprintf(f, "</%s>\n", tag);
}

static void testcase(FILE *f, const struct rthc_result *r)
{
	const char *cat = rthc_category_to_string(r->check->category);
	const char *st = rthc_status_to_string(r->status);

	fputs("    <testcase name=\"", f);
	xml_escape(f, r->check->id);
	fprintf(f, "\" classname=\"rthostcheck.%s\" time=\"0\">\n", cat);
	switch (kind_of(r)) {
	case K_FAILURE:
		outcome(f, "failure", st, r);
		break;
	case K_ERROR:
		outcome(f, "error", st, r);
		break;
	case K_SKIPPED:
		fprintf(f, "      <skipped message=\"%s: ", st);
		xml_escape(f, r->reason);
		fputs("\"/>\n", f);
		break;
	default:
		fputs("      <system-out>", f);
		fprintf(f, "%s: ", st);
		xml_escape(f, r->reason);
		fputs("</system-out>\n", f);
	}
	fputs("    </testcase>\n", f);
}

struct counts {
	unsigned tests, failures, errors, skipped;
};

static void count(const struct rthc_result *r, struct counts *c)
{
	c->tests++;
	switch (kind_of(r)) {
	case K_FAILURE:
		c->failures++;
		break;
	case K_ERROR:
		c->errors++;
		break;
	case K_SKIPPED:
		c->skipped++;
		break;
	default:
		break;
	}
}

int rthc_render_junit(const struct rthc_report *rep, FILE *f, unsigned flags)
{
	struct counts all = {0};
	bool seen[_RTHC_CAT_MAX] = {false};
	char ts[32];
	struct tm tm;

	for (size_t i = 0; i < rep->nresults; i++)
		count(&rep->results[i], &all);
	gmtime_r(&rep->started.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<testsuites name=\"rthostcheck\" tests=\"%u\" failures=\"%u\" errors=\"%u\" "
		   "skipped=\"%u\" time=\"%.6f\">\n",
		all.tests, all.failures, all.errors, all.skipped, rep->duration);
	/* Categories in order of first appearance in the catalog. */
	for (size_t i = 0; i < rep->nresults; i++) {
		enum rthc_category cat = rep->results[i].check->category;
		struct counts c = {0};
		const char *name = rthc_category_to_string(cat);

		if (seen[cat])
			continue;
		seen[cat] = true;
		for (size_t j = i; j < rep->nresults; j++)
			if (rep->results[j].check->category == cat)
				count(&rep->results[j], &c);
		fprintf(f, "  <testsuite name=\"%s\" tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" "
			   "time=\"0\" timestamp=\"%s\" hostname=\"",
			name, c.tests, c.failures, c.errors, c.skipped, ts);
		xml_escape(f, rep->facts && rep->facts->hostname ? rep->facts->hostname : "unknown");
		fputs("\">\n", f);
		for (size_t j = i; j < rep->nresults; j++)
			if (rep->results[j].check->category == cat)
				testcase(f, &rep->results[j]);
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	return ferror(f) ? -EIO : 0;
}
