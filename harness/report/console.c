/*
 * Terminal summary.  Column widths follow the data (up to a cap) and are
 * counted in characters, not bytes, so UTF-8 titles line up; padding is
 * measured on the plain text, so colour codes cannot skew it.
 */
#include "console.h"
#include "escape.h"
#include "writer.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

#define COL_MAX		24	/* framework, edition, ref */
#define TITLE_COLS	48

static const char *
verdict_color(verdict_t v)
{
	switch (v) {
	case V_PASS: return "\033[32m";
	case V_FAIL: return "\033[1;31m";
	case V_ERROR: return "\033[35m";
	case V_INCONCLUSIVE: return "\033[33m";
	default: return "\033[2m";
	}
}

static size_t
cols(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Escaped s cut to at most `max` columns, ending in "…" when cut; caller frees. */
static char *
cell(const char *s, size_t max)
{
	char *e = escape_str(s ? s : "-");
	if (cols(e) <= max || max == 0)
		return e;
	size_t n = 0, i = 0;
	for (; e[i]; i++) {
		if (((unsigned char)e[i] & 0xc0) != 0x80 && n++ == max - 1)
			break;
	}
	while (i > 0 && e[i - 1] == ' ')
		i--;
	char *t = xasprintf("%.*s\xe2\x80\xa6", (int)i, e);
	free(e);
	return t;
}

static void
put_cell(FILE *out, const char *s, size_t width, const char *color)
{
	if (color)
		fputs(color, out);
	fputs(s, out);
	if (color)
		fputs("\033[0m", out);
	for (size_t n = cols(s); n < width; n++)
		fputc(' ', out);
}

static void
widen(size_t *w, const char *s)
{
	char *c = cell(s, COL_MAX);
	if (cols(c) > *w)
		*w = cols(c);
	free(c);
}

/* Cases mapped to it directly or through its deemed-by/mapped-from sources. */
static size_t
rollup_cases(const rollup_t *u)
{
	return u->cases.n;
}

/* One line per scheme with a rule: what the customer asks first. */
static void
scheme_lines(const run_t *r, FILE *out, bool color)
{
	static const verdict_t as_verdict[] = {
		[SV_COMPLIANT] = V_PASS, [SV_NOT_COMPLIANT] = V_FAIL,
		[SV_INCOMPLETE] = V_INCONCLUSIVE,
	};
	if (r->n_schemes == 0)
		return;
	fputs("\nSchemes:\n", out);
	for (size_t i = 0; i < r->n_schemes; i++) {
		const scheme_result_t *sr = &r->schemes[i];
		char *name = sr->rule->edition ? xasprintf("%s %s", sr->rule->framework,
		    sr->rule->edition) : xstrdup(sr->rule->framework);
		char *why = cell(sr->reason, 90);
		fputs("  ", out);
		put_cell(out, name, 17, NULL);
		put_cell(out, scheme_verdict_str(sr->verdict), strlen("NOT_COMPLIANT") + 2,
		    color ? verdict_color(as_verdict[sr->verdict]) : NULL);
		if (sr->level)
			fprintf(out, "level %s; ", sr->level);
		fprintf(out, "%s\n", why ? why : "");
		free(name);
		free(why);
	}
}

/* Provisions no selected case maps to are counted, not listed: they are all
 * NOT_RUN and would bury the ones that were assessed. */
static void
provision_table(const run_t *r, FILE *out, bool color)
{
	if (r->n_rollups == 0) {
		fputs("No provisions to roll up.\n", out);
		return;
	}
	size_t wf = strlen("FRAMEWORK"), we = strlen("EDITION"), wr = strlen("REF");
	size_t wv = strlen("NOT_APPLICABLE");
	size_t unassessed = 0;
	for (size_t i = 0; i < r->n_rollups; i++) {
		if (rollup_cases(&r->rollups[i]) == 0)
			continue;
		widen(&wf, r->rollups[i].framework);
		widen(&we, r->rollups[i].edition);
		widen(&wr, r->rollups[i].ref);
	}

	fprintf(out, "%-*s  %-*s  %-*s  %-*s  %8s  %s\n", (int)wf, "FRAMEWORK",
	    (int)we, "EDITION", (int)wr, "REF", (int)wv, "VERDICT", "FINDINGS",
	    "TITLE");
	for (size_t i = 0; i < r->n_rollups; i++) {
		const rollup_t *u = &r->rollups[i];
		if (rollup_cases(u) == 0) {
			unassessed++;
			continue;
		}
		char *f = cell(u->framework, COL_MAX), *e = cell(u->edition, COL_MAX);
		char *ref = cell(u->ref, COL_MAX), *t = cell(u->title, TITLE_COLS);
		put_cell(out, f, wf + 2, NULL);
		put_cell(out, e, we + 2, NULL);
		put_cell(out, ref, wr + 2, NULL);
		put_cell(out, verdict_str(u->verdict), wv + 2,
		    color ? verdict_color(u->verdict) : NULL);
		fprintf(out, "%8zu  %s\n", u->findings, u->title ? t : "");
		free(f);
		free(e);
		free(ref);
		free(t);
	}
	if (unassessed)
		fprintf(out, "(%zu more provision%s of the scheme not assessed by the selected "
		    "test cases: NOT_RUN in the report)\n", unassessed, unassessed == 1 ? "" : "s");
}

/* The instances that did not pass, with their reasons: what a lab reads first. */
static void
problem_list(const run_t *r, FILE *out, bool color)
{
	bool header = false;
	for (size_t i = 0; i < r->n_results; i++) {
		const case_result_t *c = &r->results[i];
		verdict_t v = report_case_verdict(c);
		if (v != V_FAIL && v != V_ERROR && v != V_INCONCLUSIVE)
			continue;
		if (!header) {
			fputs("\nNot passed:\n", out);
			header = true;
		}
		char *id = escape_str(c->instance), *why = cell(c->reason, 100);
		fputs("  ", out);
		put_cell(out, verdict_str(v), strlen("INCONCLUSIVE") + 2,
		    color ? verdict_color(v) : NULL);
		fprintf(out, "%s\n      %s\n", id, why);
		free(id);
		free(why);
	}
}

void
report_console(const run_t *r, FILE *out, bool color)
{
	static const verdict_t order[] = { V_PASS, V_FAIL, V_INCONCLUSIVE,
	    V_ERROR, V_NOT_APPLICABLE, V_NOT_RUN };
	size_t counts[V__COUNT], findings;

	provision_table(r, out, color);
	scheme_lines(r, out, color);
	problem_list(r, out, color);
	report_counts(r, counts, &findings);
	fprintf(out, "\nCases: %zu", r->n_results);
	for (size_t i = 0; i < ARRAY_LEN(order); i++) {
		fputs(i == 0 ? " (" : ", ", out);
		bool on = color && counts[order[i]] > 0;
		fprintf(out, "%s%zu %s%s", on ? verdict_color(order[i]) : "",
		    counts[order[i]], verdict_str(order[i]), on ? "\033[0m" : "");
	}
	fprintf(out, "); findings: %zu\n", findings);
	if (r->interrupted) {
		char *why = escape_str(r->interrupted);
		fprintf(out, "%sInterrupted:%s %s\n", color ? "\033[1;33m" : "",
		    color ? "\033[0m" : "", why);
		free(why);
	}
	for (size_t i = 0; i < r->n_resumes; i++) {
		const run_resume_t *u = &r->resumes[i];
		char ts[40];
		fmt_utc(u->start_ms, ts, sizeof(ts));
		char *cause = escape_str(u->cause ? u->cause : "an interruption");
		fprintf(out, "Resumed: %s after %s: %zu result%s kept, %zu instance%s run again\n",
		    ts, cause, u->kept, u->kept == 1 ? "" : "s", u->rerun,
		    u->rerun == 1 ? "" : "s");
		free(cause);
	}
	for (size_t i = 0; i < r->n_evrefs; i++) {
		char *f = escape_str(r->evrefs[i].file);
		fprintf(out, "Evidence: %s\n", f ? f : "-");
		free(f);
	}
}

void
report_console_paths(const char *dir, FILE *out)
{
	size_t n;
	const report_writer_t *w = report_writers(&n);
	for (size_t i = 0; i < n; i++) {
		char *p = escape_str(dir);
		fprintf(out, "Report (%s): %s/%s\n", w[i].name, p, w[i].file);
		free(p);
	}
}

void
report_console_inventory(const run_t *r, FILE *out)
{
	const target_t *t = r->target;
	if (t == NULL)
		return;
	fprintf(out, "%-5s %-6s %-12s %-4s %-28s %s\n", "PROTO", "PORT", "SERVICE", "TLS",
	    "PRODUCT", "ADDRESS");
	for (size_t i = 0; i < t->n_svcs; i++) {
		const service_t *s = &t->svcs[i];
		char *prod = NULL;
		if (s->product)
			prod = xasprintf("%s%s%s", s->product, s->version ? " " : "",
			    s->version ? s->version : "");
		char *p = cell(prod, 28), *proto = cell(s->protocol, 12);
		fprintf(out, "%-5s %-6d %-12s %-4s ", s->transport, s->port, proto,
		    s->tls ? "yes" : "no");
		put_cell(out, p, 29, NULL);
		fprintf(out, "%s\n", s->addr ? s->addr->text : "");
		free(prod);
		free(p);
		free(proto);
	}
	fprintf(out, "\n%zu service%s; TCP: %zu ports scanned, %zu closed, %zu filtered",
	    t->n_svcs, t->n_svcs == 1 ? "" : "s", t->ports_scanned, t->ports_closed,
	    t->ports_filtered);
	if (t->udp_scanned)
		fprintf(out, "; UDP: %zu probed, %zu closed, %zu silent", t->udp_scanned,
		    t->udp_closed, t->udp_silent);
	fputc('\n', out);
}
