/*
 * The assessor's decisions file (top-level `decisions:`): one entry per
 * conceptual test case with the verdict, who decided, when, why and on
 * what evidence.  Every field is required -- a decision a customer cannot
 * trace back is not one -- and a decision for a functional case is an
 * error: those the harness decides from the device.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/decisions.h"
#include "load.h"
#include "loaders.h"
#include "schema.h"

enum { K_ASSESSOR, K_DECISIONS, K__N };
static const skey_t top_keys[K__N] = {
	[K_ASSESSOR] = { "assessor", ST_STR, false },
	[K_DECISIONS] = { "decisions", ST_SEQ, true },
};

enum { E_CASE, E_VERDICT, E_ASSESSOR, E_DATE, E_RATIONALE, E_EVIDENCE, E__N };
static const skey_t entry_keys[E__N] = {
	[E_CASE] = { "case", ST_STR, true },
	[E_VERDICT] = { "verdict", ST_STR, true },
	[E_ASSESSOR] = { "assessor", ST_STR, false },
	[E_DATE] = { "date", ST_STR, true },
	[E_RATIONALE] = { "rationale", ST_STR, true },
	[E_EVIDENCE] = { "evidence", ST_STR, true },
};

static bool
blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

/* A real calendar date: 2026-02-30 is refused. */
static bool
date_ok(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	struct tm tm = { 0 };
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8);
	tm.tm_hour = 12;
	struct tm in = tm;
	time_t t = timegm(&tm);
	return t != (time_t)-1 && tm.tm_year == in.tm_year && tm.tm_mon == in.tm_mon &&
	    tm.tm_mday == in.tm_mday;
}

static void
load_entry(const sctx_t *sc, const ynode_t *n, const char *def_assessor,
    const caseset_t *cases, decision_t *x)
{
	const ynode_t *v[E__N];
	schema_check(sc, n, "decision", entry_keys, E__N, v);
	x->pos = (srcpos_t){ sc->file, n->line, n->col };
	if (v[E_CASE] && sget_str(sc, v[E_CASE], "case", &x->case_id) && cases) {
		const tcase_t *c = NULL;
		for (size_t i = 0; i < cases->n && c == NULL; i++)
			if (strcmp(cases->v[i]->id, x->case_id) == 0)
				c = cases->v[i];
		if (c == NULL)
			schema_err(sc, v[E_CASE], "case '%s' is not among the loaded test "
			    "cases", x->case_id);
		else if (c->kind != CASE_CONCEPTUAL)
			schema_err(sc, v[E_CASE], "case '%s' is functional: the harness "
			    "decides it from the device, not an assessor", x->case_id);
	}
	if (v[E_VERDICT]) {
		verdict_t vd;
		if (verdict_parse(v[E_VERDICT]->str, &vd) != 0 || (vd != V_PASS &&
		    vd != V_FAIL && vd != V_NOT_APPLICABLE && vd != V_INCONCLUSIVE))
			schema_err(sc, v[E_VERDICT], "verdict must be PASS, FAIL, "
			    "NOT_APPLICABLE or INCONCLUSIVE, got '%s'", v[E_VERDICT]->str);
		else
			x->verdict = vd;
	}
	if (v[E_ASSESSOR])
		sget_str(sc, v[E_ASSESSOR], "assessor", &x->assessor);
	else if (def_assessor)
		x->assessor = xstrdup(def_assessor);
	else
		schema_err(sc, n, "decision: 'assessor' is required (here or at the top "
		    "of the file)");
	if (v[E_DATE] && sget_str(sc, v[E_DATE], "date", &x->date) && !date_ok(x->date))
		schema_err(sc, v[E_DATE], "date must be a calendar date YYYY-MM-DD, got "
		    "'%s'", x->date);
	if (v[E_RATIONALE] && sget_str(sc, v[E_RATIONALE], "rationale", &x->rationale) &&
	    blank(x->rationale))
		schema_err(sc, v[E_RATIONALE], "rationale must not be empty");
	if (v[E_EVIDENCE] && sget_str(sc, v[E_EVIDENCE], "evidence", &x->evidence) &&
	    blank(x->evidence))
		schema_err(sc, v[E_EVIDENCE], "evidence must name what the decision "
		    "relied on");
}

decisions_t *
decisions_from_doc(const ydoc_t *doc, const caseset_t *cases, diags_t *d)
{
	if (doc_wrong_kind(doc, "decisions file", d))
		return NULL;
	size_t before = d->errors;
	decisions_t *ds = xcalloc(1, sizeof(*ds));
	ds->file = xstrdup(doc->file);
	ds->sha256 = xstrdup(doc->sha256);
	const sctx_t sc = { .file = ds->file, .d = d };
	const ynode_t *v[K__N];
	schema_check(&sc, doc->root, "decisions file", top_keys, K__N, v);
	char *assessor = NULL;
	if (v[K_ASSESSOR])
		sget_str(&sc, v[K_ASSESSOR], "assessor", &assessor);
	if (v[K_DECISIONS]) {
		const ynode_t *list = v[K_DECISIONS];
		ds->v = xcalloc(list->n_items ? list->n_items : 1, sizeof(*ds->v));
		const char **ids = xcalloc(list->n_items ? list->n_items : 1, sizeof(*ids));
		const ynode_t **at = xcalloc(list->n_items ? list->n_items : 1, sizeof(*at));
		size_t nid = 0;
		for (size_t i = 0; i < list->n_items; i++) {
			decision_t *x = &ds->v[ds->n++];
			load_entry(&sc, list->items[i], assessor, cases, x);
			if (x->case_id) {
				ids[nid] = x->case_id;
				at[nid++] = list->items[i];
			}
		}
		schema_dups(&sc, at, ids, nid, "decision for case");
		free(ids);
		free(at);
	}
	free(assessor);
	if (d->errors != before || doc->errors) {
		decisions_free(ds);
		return NULL;
	}
	return ds;
}

decisions_t *
load_decisions(const char *path, const caseset_t *cases, diags_t *d)
{
	ydoc_t *doc = ydoc_load(path, d);
	if (doc == NULL)
		return NULL;
	decisions_t *ds = decisions_from_doc(doc, cases, d);
	ydoc_free(doc);
	return ds;
}
