/*
 * The verdict roll-ups: test case -> provision -> category -> scheme.
 *
 * A provision's verdict is verdict_rollup() over the cases mapped to it and,
 * for one with `deemed-by` / `mapped-from`, over the verdicts of the
 * provisions named there (PSTI Sch.1-1 over EN 303 645 5.1-1 and 5.1-2).  A
 * conditional EN 303 645 provision no case reached is NOT_APPLICABLE when
 * the ICS says N/A with a justification; the text is quoted.  A framework
 * whose definition names a rule gets one overall verdict: COMPLIANT only
 * when every provision the rule weighs PASSes or is N/A.
 */
#include "run.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#include "load/provision_load.h"

static const char *const sv_names[] = {
	[SV_COMPLIANT] = "COMPLIANT",
	[SV_NOT_COMPLIANT] = "NOT_COMPLIANT",
	[SV_INCOMPLETE] = "INCOMPLETE",
};

const char *
scheme_verdict_str(scheme_verdict_t v)
{
	return (unsigned)v < ARRAY_LEN(sv_names) ? sv_names[v] : "INCOMPLETE";
}

void
run_rollup_clear(run_t *r)
{
	for (size_t i = 0; i < r->n_rollups; i++) {
		rollup_t *u = &r->rollups[i];
		free(u->framework);
		free(u->edition);
		free(u->ref);
		free(u->title);
		free(u->status);
		free(u->category);
		free(u->kind);
		free(u->basis);
		strlist_free(&u->cases);
		strlist_free(&u->sources);
		free(u->justification);
		free(u->note);
	}
	free(r->rollups);
	r->rollups = NULL;
	r->n_rollups = 0;
	for (size_t i = 0; i < r->n_categories; i++) {
		free(r->categories[i].framework);
		free(r->categories[i].edition);
		free(r->categories[i].ref);
	}
	free(r->categories);
	r->categories = NULL;
	r->n_categories = 0;
	for (size_t i = 0; i < r->n_schemes; i++) {
		free(r->schemes[i].level);
		free(r->schemes[i].reason);
		free(r->schemes[i].reqs);
	}
	free(r->schemes);
	r->schemes = NULL;
	r->n_schemes = 0;
}

static bool
streq_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static rollup_t *
rollup_slot(run_t *r, const char *fw, const char *ed, const char *ref)
{
	for (size_t i = 0; i < r->n_rollups; i++) {
		rollup_t *u = &r->rollups[i];
		if (strcmp(u->framework, fw) == 0 && streq_null(u->edition, ed) &&
		    strcmp(u->ref, ref) == 0)
			return u;
	}
	r->rollups = xrealloc(r->rollups, r->n_rollups + 1, sizeof(*r->rollups));
	rollup_t *u = &r->rollups[r->n_rollups++];
	memset(u, 0, sizeof(*u));
	u->framework = xstrdup(fw);
	u->edition = xstrdup(ed);
	u->ref = xstrdup(ref);
	u->verdict = V_NONE;
	return u;
}

static bool
framework_wanted(const run_t *r, const char *fw)
{
	if (r->scheme == NULL || r->scheme->frameworks.n == 0)
		return true;
	return strlist_has(&r->scheme->frameworks, fw);
}

/* A roll-up seen as the provision it stands for, for source-key matching. */
static provision_t
as_provision(const rollup_t *u)
{
	return (provision_t){ .framework = u->framework, .edition = u->edition,
	    .ref = u->ref, .status = u->status };
}

static void
take_case(rollup_t *u, const case_result_t *c)
{
	u->verdict = verdict_rollup(u->verdict, c->verdict);
	u->counts[c->verdict]++;
	u->findings += c->ev ? c->ev->n_findings : 0;
	if (!strlist_has(&u->cases, c->instance))
		strlist_push(&u->cases, c->instance);
}

/*
 * The ICS's N/A counts only for a conditional provision (EN 303 645 clause
 * 4: N/A needs a condition that does not hold) and only with a
 * justification; otherwise the roll-up says why it was not taken.
 */
static void
apply_ics(const run_t *r, rollup_t *u)
{
	if (r->dut == NULL || strcmp(u->framework, "en303645") != 0)
		return;
	const ics_entry_t *e = dut_ics(r->dut, u->ref);
	if (e == NULL || strcmp(e->support, "N/A") != 0)
		return;
	provision_t p = as_provision(u);
	if (!provision_conditional(&p)) {
		u->note = xasprintf("the ICS marks %s N/A, but its status (%s) has no "
		    "condition or feature: N/A is not allowed", u->ref,
		    u->status ? u->status : "not listed");
		return;
	}
	if (e->detail == NULL || e->detail[0] == '\0') {
		u->note = xasprintf("the ICS marks %s N/A without a justification", u->ref);
		return;
	}
	if (u->cases.n > 0)
		return;
	u->verdict = V_NOT_APPLICABLE;
	u->justification = xstrdup(e->detail);
}

static void
take_sources(run_t *r, size_t self, const provision_t *p)
{
	for (size_t i = 0; i < r->n_rollups; i++) {
		if (i == self)
			continue;
		rollup_t *q = &r->rollups[i];
		provision_t qp = as_provision(q);
		bool hit = false;
		for (size_t k = 0; k < p->from.n && !hit; k++)
			hit = provision_key_matches(p->from.v[k], &qp);
		/* Sources are listed before what they feed (the loader checks), so
		 * a later derived roll-up is never a source: no cycles. */
		if (!hit || !q->listed || (q->basis && i > self))
			continue;
		verdict_t qv = q->verdict == V_NONE ? V_NOT_RUN : q->verdict;
		rollup_t *u = &r->rollups[self];
		u->verdict = verdict_rollup(u->verdict, qv);
		u->findings += q->findings;
		for (size_t j = 0; j < q->cases.n; j++)
			if (!strlist_has(&u->cases, q->cases.v[j]))
				strlist_push(&u->cases, q->cases.v[j]);
		char *src = xasprintf("%s%s%s %s %s", q->framework, q->edition ? "-" : "",
		    q->edition ? q->edition : "", q->ref, verdict_str(qv));
		strlist_push(&u->sources, src);
		free(src);
	}
}

static void
rollup_categories(run_t *r)
{
	for (size_t i = 0; i < r->n_rollups; i++) {
		const rollup_t *u = &r->rollups[i];
		if (u->category == NULL)
			continue;
		category_rollup_t *c = NULL;
		for (size_t j = 0; j < r->n_categories && c == NULL; j++)
			if (strcmp(r->categories[j].framework, u->framework) == 0 &&
			    streq_null(r->categories[j].edition, u->edition) &&
			    strcmp(r->categories[j].ref, u->category) == 0)
				c = &r->categories[j];
		if (c == NULL) {
			r->categories = xrealloc(r->categories, r->n_categories + 1,
			    sizeof(*r->categories));
			c = &r->categories[r->n_categories++];
			memset(c, 0, sizeof(*c));
			c->framework = xstrdup(u->framework);
			c->edition = xstrdup(u->edition);
			c->ref = xstrdup(u->category);
			c->verdict = V_NONE;
		}
		c->verdict = verdict_rollup(c->verdict, u->verdict);
		c->counts[u->verdict]++;
	}
}

void
run_rollup(run_t *r)
{
	run_rollup_clear(r);
	const scheme_t *s = r->scheme;
	/* Listed provisions first, in the scheme's order, so untested ones show. */
	for (size_t i = 0; s && i < s->n_provisions; i++) {
		const provision_t *p = &s->provisions[i];
		rollup_t *u = rollup_slot(r, p->framework, p->edition, p->ref);
		u->listed = true;
		free(u->title);
		u->title = xstrdup(p->title);
		u->status = xstrdup(p->status);
		u->category = xstrdup(p->category);
		u->kind = xstrdup(p->kind);
		u->basis = xstrdup(p->basis);
	}
	for (size_t i = 0; i < r->n_results; i++) {
		const case_result_t *c = &r->results[i];
		for (size_t m = 0; m < c->tc->n_maps; m++) {
			const mapping_t *mp = &c->tc->maps[m];
			if (framework_wanted(r, mp->framework) && case_map_holds(c, mp))
				take_case(rollup_slot(r, mp->framework, mp->edition, mp->ref), c);
		}
	}
	for (size_t i = 0; i < r->n_rollups; i++)
		apply_ics(r, &r->rollups[i]);
	for (size_t i = 0; s && i < s->n_provisions; i++) {
		const provision_t *p = &s->provisions[i];
		if (p->from.n > 0) {
			rollup_t *u = rollup_slot(r, p->framework, p->edition, p->ref);
			take_sources(r, (size_t)(u - r->rollups), p);
		}
	}
	for (size_t i = 0; i < r->n_rollups; i++)
		if (r->rollups[i].verdict == V_NONE)
			r->rollups[i].verdict = V_NOT_RUN;
	rollup_categories(r);
	run_rollup_schemes(r);
}
