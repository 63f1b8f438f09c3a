/*
 * report.xml's roll-ups: what the lab hands over is per scheme, so each
 * provision carries its status and where its verdict came from (cases,
 * deemed-by/mapped-from sources, the ICS's quoted justification), and each
 * scheme's verdict names the provisions it weighed.
 */
#include "xml_rollups.h"

#include <stdio.h>
#include <string.h>

static const char *const rule_names[] = {
	[RULE_NONE] = "none",
	[RULE_ALL_MANDATORY] = "all-mandatory",
	[RULE_ALL] = "all",
	[RULE_LEVELS] = "levels",
};

void
xml_write_frameworks(xmlw_t *x, const scheme_t *s)
{
	for (size_t i = 0; i < s->n_rules; i++) {
		const scheme_rule_t *u = &s->rules[i];
		xmlw_start(x, "framework");
		xmlw_attr(x, "name", u->framework);
		xmlw_attr(x, "edition", u->edition);
		xmlw_attr(x, "version", u->version);
		xmlw_attr(x, "rule", rule_names[u->kind]);
		xmlw_attr(x, "file", u->file);
		xmlw_attr(x, "sha256", u->sha256);
		xmlw_elem(x, "title", u->title);
		xmlw_elem(x, "source", u->source);
		xmlw_end(x);
	}
}

/* "en303645-2.1.1 5.1-1 FAIL" back into its parts for the XML. */
static void
write_source(xmlw_t *x, const char *src)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", src);
	char *sp1 = strchr(buf, ' ');
	char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (sp1 == NULL || sp2 == NULL)
		return;
	*sp1 = *sp2 = '\0';
	xmlw_start(x, "source");
	xmlw_attr(x, "provision", buf);
	xmlw_attr(x, "ref", sp1 + 1);
	xmlw_attr(x, "verdict", sp2 + 1);
	xmlw_end(x);
}

static void
write_provisions(xmlw_t *x, const run_t *r)
{
	xmlw_start(x, "provisions");
	for (size_t i = 0; i < r->n_rollups; i++) {
		const rollup_t *u = &r->rollups[i];
		xmlw_start(x, "provision");
		xmlw_attr(x, "framework", u->framework);
		xmlw_attr(x, "edition", u->edition);
		xmlw_attr(x, "ref", u->ref);
		xmlw_attr(x, "verdict", verdict_str(u->verdict));
		xmlw_attrf(x, "cases", "%zu", u->cases.n);
		xmlw_attrf(x, "findings", "%zu", u->findings);
		xml_write_counts(x, u->counts);
		xmlw_attr(x, "status", u->status);
		xmlw_attr(x, "category", u->category);
		xmlw_attr(x, "kind", u->kind);
		xmlw_attr(x, "basis", u->basis);
		xmlw_elem(x, "title", u->title);
		xmlw_elem(x, "justification", u->justification);
		xmlw_elem(x, "note", u->note);
		for (size_t j = 0; j < u->sources.n; j++)
			write_source(x, u->sources.v[j]);
		for (size_t j = 0; j < u->cases.n; j++) {
			xmlw_start(x, "case");
			xmlw_attr(x, "ref", u->cases.v[j]);
			xmlw_end(x);
		}
		xmlw_end(x);
	}
	xmlw_end(x);
}

static void
write_categories(xmlw_t *x, const run_t *r)
{
	xmlw_start(x, "categories");
	for (size_t i = 0; i < r->n_categories; i++) {
		const category_rollup_t *c = &r->categories[i];
		xmlw_start(x, "category");
		xmlw_attr(x, "framework", c->framework);
		xmlw_attr(x, "edition", c->edition);
		xmlw_attr(x, "ref", c->ref);
		xmlw_attr(x, "verdict", verdict_str(c->verdict));
		xml_write_counts(x, c->counts);
		xmlw_end(x);
	}
	xmlw_end(x);
}

static void
write_schemes(xmlw_t *x, const run_t *r)
{
	xmlw_start(x, "schemes");
	for (size_t i = 0; i < r->n_schemes; i++) {
		const scheme_result_t *sr = &r->schemes[i];
		xmlw_start(x, "scheme-verdict");
		xmlw_attr(x, "framework", sr->rule->framework);
		xmlw_attr(x, "edition", sr->rule->edition);
		xmlw_attr(x, "verdict", scheme_verdict_str(sr->verdict));
		xmlw_attr(x, "rule", rule_names[sr->rule->kind]);
		xmlw_attr(x, "level", sr->level);
		xmlw_elem(x, "title", sr->rule->title);
		xmlw_elem(x, "reason", sr->reason);
		for (size_t j = 0; j < sr->n_reqs; j++) {
			const rollup_t *u = &r->rollups[sr->reqs[j]];
			xmlw_start(x, "requirement");
			xmlw_attr(x, "framework", u->framework);
			xmlw_attr(x, "edition", u->edition);
			xmlw_attr(x, "ref", u->ref);
			xmlw_attr(x, "verdict", verdict_str(u->verdict));
			xmlw_end(x);
		}
		xmlw_end(x);
	}
	xmlw_end(x);
}

void
xml_write_rollups(xmlw_t *x, const run_t *r)
{
	write_provisions(x, r);
	write_categories(x, r);
	write_schemes(x, r);
}
