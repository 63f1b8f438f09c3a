/*
 * One verdict per framework whose definition names a rule, over the
 * provision roll-ups: a single FAIL makes the product NOT_COMPLIANT; it is
 * COMPLIANT only when everything the rule weighs is PASS or NOT_APPLICABLE;
 * anything undecided (NOT_RUN, INCONCLUSIVE, ERROR) leaves it INCOMPLETE,
 * never COMPLIANT.  Levels (CLS) report the highest level that PASSes.
 */
#include "run.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REASON_REFS 6	/* refs named in a reason before "and N more" */

static bool
rule_weighs(const scheme_rule_t *rule, const rollup_t *u)
{
	if (!u->listed || strcmp(u->framework, rule->framework) != 0)
		return false;
	if ((rule->edition == NULL) != (u->edition == NULL) ||
	    (rule->edition && strcmp(rule->edition, u->edition) != 0))
		return false;
	if (rule->kind == RULE_ALL_MANDATORY) {
		provision_t p = { .status = u->status };
		return provision_mandatory(&p);
	}
	return true;
}

static bool
decided_ok(verdict_t v)
{
	return v == V_PASS || v == V_NOT_APPLICABLE;
}

/* "5.1-1 FAIL, 5.3-13 NOT_RUN and 3 more" over the roll-ups that match. */
static char *
list_refs(const run_t *r, const scheme_result_t *sr, bool (*want)(verdict_t))
{
	char buf[512] = "";
	size_t shown = 0, more = 0;
	for (size_t i = 0; i < sr->n_reqs; i++) {
		const rollup_t *u = &r->rollups[sr->reqs[i]];
		if (!want(u->verdict))
			continue;
		if (shown == REASON_REFS) {
			more++;
			continue;
		}
		size_t used = strlen(buf);
		snprintf(buf + used, sizeof(buf) - used, "%s%s %s", shown ? ", " : "",
		    u->ref, verdict_str(u->verdict));
		shown++;
	}
	if (more)
		return xasprintf("%s and %zu more", buf, more);
	return xstrdup(buf);
}

static bool
is_fail(verdict_t v)
{
	return v == V_FAIL;
}

static bool
is_undecided(verdict_t v)
{
	return !decided_ok(v) && v != V_FAIL;
}

static void
judge_all(const run_t *r, scheme_result_t *sr)
{
	size_t fails = 0, open = 0;
	for (size_t i = 0; i < sr->n_reqs; i++) {
		verdict_t v = r->rollups[sr->reqs[i]].verdict;
		fails += v == V_FAIL;
		open += is_undecided(v);
	}
	if (fails) {
		sr->verdict = SV_NOT_COMPLIANT;
		sr->reason = list_refs(r, sr, is_fail);
	} else if (open) {
		sr->verdict = SV_INCOMPLETE;
		char *refs = list_refs(r, sr, is_undecided);
		sr->reason = xasprintf("%zu of %zu not decided: %s", open, sr->n_reqs, refs);
		free(refs);
	} else if (sr->n_reqs == 0) {
		sr->verdict = SV_INCOMPLETE;
		sr->reason = xstrdup("no provisions to weigh");
	} else {
		sr->verdict = SV_COMPLIANT;
		sr->reason = xasprintf("all %zu PASS or NOT_APPLICABLE", sr->n_reqs);
	}
}

/* Levels in listed order, each including those before it. */
static void
judge_levels(const run_t *r, scheme_result_t *sr)
{
	const rollup_t *reached = NULL, *stop = NULL;
	for (size_t i = 0; i < sr->n_reqs && stop == NULL; i++) {
		const rollup_t *u = &r->rollups[sr->reqs[i]];
		if (u->verdict == V_PASS)
			reached = u;
		else
			stop = u;
	}
	sr->level = xstrdup(reached ? reached->ref : "none");
	if (stop == NULL && reached) {
		sr->verdict = SV_COMPLIANT;
		sr->reason = xasprintf("every level up to %s PASS", reached->ref);
		return;
	}
	if (stop == NULL) {
		sr->verdict = SV_INCOMPLETE;
		sr->reason = xstrdup("no levels to weigh");
		return;
	}
	/* A label at a lower level is still a label: only failing the first
	 * level makes the product not compliant with the scheme. */
	if (reached)
		sr->verdict = SV_COMPLIANT;
	else
		sr->verdict = stop->verdict == V_FAIL ? SV_NOT_COMPLIANT : SV_INCOMPLETE;
	sr->reason = xasprintf("%s is %s", stop->ref, verdict_str(stop->verdict));
}

void
run_rollup_schemes(run_t *r)
{
	const scheme_t *s = r->scheme;
	for (size_t k = 0; s && k < s->n_rules; k++) {
		const scheme_rule_t *rule = &s->rules[k];
		if (rule->kind == RULE_NONE)
			continue;
		if (s->frameworks.n && !strlist_has(&s->frameworks, rule->framework))
			continue;
		r->schemes = xrealloc(r->schemes, r->n_schemes + 1, sizeof(*r->schemes));
		scheme_result_t *sr = &r->schemes[r->n_schemes++];
		memset(sr, 0, sizeof(*sr));
		sr->rule = rule;
		for (size_t i = 0; i < r->n_rollups; i++) {
			if (!rule_weighs(rule, &r->rollups[i]))
				continue;
			sr->reqs = xrealloc(sr->reqs, sr->n_reqs + 1, sizeof(*sr->reqs));
			sr->reqs[sr->n_reqs++] = i;
		}
		if (rule->kind == RULE_LEVELS)
			judge_levels(r, sr);
		else
			judge_all(r, sr);
	}
}
