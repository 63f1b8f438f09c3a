/*
 * Assessor decisions: the file's checks (file:line:col), and the runner
 * taking a conceptual case's verdict from it -- and only from it -- with
 * who, when, why and on what evidence in the result.  Also the ICS's N/A,
 * which stands only with a justification for a conditional provision.
 */
#include "check_main.h"
#include "runner_fixture.h"
#include "core/conceptual.h"
#include "core/decisions.h"
#include "load/load.h"

#include <stdio.h>
#include <string.h>

#define DATA "tests/data/decisions/"

static void
cases_init(caseset_t *cs)
{
	memset(cs, 0, sizeof(*cs));
	tcase_t *c = mk_case("CONCEPT", NULL, "service-inventory");
	c->kind = CASE_CONCEPTUAL;
	caseset_add(cs, c);
	c = mk_case("CONCEPT2", NULL, "service-inventory");
	c->kind = CASE_CONCEPTUAL;
	caseset_add(cs, c);
	c = mk_case("CONCEPT3", NULL, "service-inventory");
	c->kind = CASE_CONCEPTUAL;
	caseset_add(cs, c);
	caseset_add(cs, mk_case("FUNC", NULL, "service-inventory"));
}

static void
assert_diag(const diags_t *d, int line, int col, const char *frag)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].line == line && d->v[i].col == col && strstr(d->v[i].msg, frag))
			return;
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "  %d:%d: %s\n", d->v[i].line, d->v[i].col, d->v[i].msg);
	ck_abort_msg("no diagnostic at %d:%d containing \"%s\"", line, col, frag);
}

START_TEST(file_errors)
{
	caseset_t cs;
	cases_init(&cs);
	diags_t d = { 0 };
	ck_assert_ptr_null(load_decisions(DATA "bad.yaml", &cs, &d));
	assert_diag(&d, 2, 5, "decision: 'assessor' is required");
	assert_diag(&d, 3, 14, "verdict must be PASS, FAIL, NOT_APPLICABLE or "
	    "INCONCLUSIVE, got 'MAYBE'");
	assert_diag(&d, 4, 11, "date must be a calendar date YYYY-MM-DD, got '2026-02-30'");
	assert_diag(&d, 5, 16, "rationale must not be empty");
	assert_diag(&d, 7, 11, "case 'FUNC' is functional: the harness decides it");
	assert_diag(&d, 13, 11, "case 'NOPE' is not among the loaded test cases");
	assert_diag(&d, 22, 11, "got '27/11/2026'");
	assert_diag(&d, 24, 15, "evidence must name what the decision relied on");
	assert_diag(&d, 19, 5, "duplicate decision for case 'CONCEPT'");
	diags_free(&d);
	caseset_free(&cs);
}
END_TEST

START_TEST(runner_takes_decisions)
{
	caseset_t cs;
	cases_init(&cs);
	diags_t d = { 0 };
	decisions_t *ds = load_decisions(DATA "good.yaml", &cs, &d);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_ptr_nonnull(ds);
	ck_assert_uint_eq(ds->n, 2);
	ck_assert_str_eq(ds->v[0].assessor, "A. Assessor, Example Lab");
	ck_assert_int_eq(ds->v[1].verdict, V_FAIL);
	ck_assert_uint_eq(strlen(ds->sha256), 64);
	target_t t = { .host = "dut" };
	run_t *r = run_new();
	runner_opts_t o = { .cases = &cs, .target = &t, .decisions = ds, .jobs = 2 };
	runner_run(r, &o);
	const case_result_t *c = find(r, "CONCEPT");
	ck_assert_int_eq(c->verdict, V_PASS);
	ck_assert_str_eq(c->reason, "assessor's decision (A. Assessor, Example Lab, "
	    "2026-11-27): IXIT 15-Intf documents a purpose for every interface; none "
	    "unused [evidence: IXIT v1.2, section 15-Intf; design review minutes 2026-11-26]");
	ck_assert_str_eq(ev_get(c->ev, "assessor")->s, "A. Assessor, Example Lab");
	ck_assert_str_eq(ev_get(c->ev, "assessed_on")->s, "2026-11-27");
	ck_assert_str_eq(ev_get(c->ev, "evidence_reference")->s,
	    "IXIT v1.2, section 15-Intf; design review minutes 2026-11-26");
	c = find(r, "CONCEPT2");
	ck_assert_int_eq(c->verdict, V_FAIL);
	ck_assert_ptr_nonnull(strstr(c->reason, "B. Second, 2026-11-28"));
	/* No decision: never decided by the harness. */
	c = find(r, "CONCEPT3");
	ck_assert_int_eq(c->verdict, V_NOT_RUN);
	ck_assert_ptr_nonnull(strstr(c->reason, "requires an assessor's decision"));
	ck_assert_ptr_null(ev_get(c->ev, "assessor"));
	run_free(r);
	decisions_free(ds);
	decisions_free(NULL);
	caseset_free(&cs);
	diags_free(&d);
}
END_TEST

/* A scheme listing 5.6-4 as conditional and 5.6-2 as plain M. */
static scheme_t *
mk_scheme(void)
{
	scheme_t *s = xcalloc(1, sizeof(*s));
	s->provisions = xcalloc(2, sizeof(*s->provisions));
	s->provisions[0] = (provision_t){ .framework = xstrdup("en303645"),
	    .edition = xstrdup("2.1.1"), .ref = xstrdup("5.6-4"),
	    .status = xstrdup("M C (13)"), .title = xstrdup("debug") };
	s->provisions[1] = (provision_t){ .framework = xstrdup("en303645"),
	    .edition = xstrdup("2.1.1"), .ref = xstrdup("5.6-2"),
	    .status = xstrdup("M"), .title = xstrdup("disclosure") };
	s->n_provisions = 2;
	return s;
}

static void
ics_add(dut_t *d, const char *ref, const char *support, const char *detail)
{
	d->ics = xrealloc(d->ics, d->n_ics + 1, sizeof(*d->ics));
	d->ics[d->n_ics++] = (ics_entry_t){ xstrdup(ref), xstrdup(support),
	    detail ? xstrdup(detail) : NULL };
}

START_TEST(ics_na_needs_condition_and_justification)
{
	caseset_t cs = { 0 };
	const char *refs[] = { "5.6-4", "5.6-2", "5.6-3" };
	const char *ids[] = { "DEBUG", "DISCLOSE", "NOJUST" };
	for (size_t i = 0; i < 3; i++) {
		tcase_t *c = mk_case(ids[i], NULL, "service-inventory");
		c->ics_ref = xstrdup(refs[i]);
		caseset_add(&cs, c);
	}
	dut_t *d = xcalloc(1, sizeof(*d));
	ics_add(d, "5.6-4", "N/A", "no debug interface is physically accessible");
	ics_add(d, "5.6-2", "N/A", "nothing to disclose");
	ics_add(d, "5.6-3", "N/A", " ");
	scheme_t *s = mk_scheme();
	target_t t = { .host = "dut" };
	run_t *r = run_new();
	runner_opts_t o = { .cases = &cs, .target = &t, .dut = d, .scheme = s };
	runner_run(r, &o);
	ck_assert_int_eq(find(r, "DEBUG")->verdict, V_NOT_APPLICABLE);
	ck_assert_ptr_nonnull(strstr(find(r, "DEBUG")->reason, "physically accessible"));
	/* Unconditional M, and an N/A without a justification: the case runs. */
	ck_assert_int_ne(find(r, "DISCLOSE")->verdict, V_NOT_APPLICABLE);
	ck_assert_int_ne(find(r, "NOJUST")->verdict, V_NOT_APPLICABLE);
	run_free(r);
	/* The 4-1-1 check over the same ICS names both. */
	tcase_t *ics = mk_case("ICS", NULL, "ics-justification");
	caseset_t cs2 = { 0 };
	caseset_add(&cs2, ics);
	r = run_new();
	o.cases = &cs2;
	runner_run(r, &o);
	const case_result_t *c = find(r, "ICS");
	ck_assert_int_eq(c->verdict, V_PASS);	/* no expectations: evidence only */
	const value_t *v = ev_get(c->ev, "unjustified");
	ck_assert_uint_eq(v->n_items, 1);
	ck_assert_str_eq(v->items[0], "5.6-3 N/A");
	v = ev_get(c->ev, "na_not_allowed");
	ck_assert_uint_eq(v->n_items, 1);
	ck_assert_str_eq(v->items[0], "5.6-2");
	v = ev_get(c->ev, "not_in_scheme");
	ck_assert_uint_eq(v->n_items, 1);
	ck_assert_str_eq(v->items[0], "5.6-3");
	ck_assert_uint_eq(c->ev->n_findings, 2);
	run_free(r);
	caseset_free(&cs2);
	caseset_free(&cs);
	scheme_free(s);
	dut_free(d);
}
END_TEST

/* Every conceptual TS 103 701 test case of the shipped baseline becomes a
 * case, except those a loaded case maps to already. */
START_TEST(conceptual_cases_from_the_scheme)
{
	diags_t d = { 0 };
	scheme_t *s = load_scheme("profiles/en303645-baseline.yaml", &d);
	ck_assert_ptr_nonnull(s);
	size_t conceptual = 0;
	for (size_t i = 0; i < s->n_provisions; i++)
		if (strcmp(s->provisions[i].framework, "ts103701") == 0 &&
		    strstr(s->provisions[i].kind, "conceptual"))
			conceptual++;
	ck_assert_uint_eq(conceptual, 63);	/* 62 conceptual and 5.3-10-1, both */
	caseset_t cs = { 0 };
	tcase_t *own = mk_case("OWN-5.6-1-1", NULL, "service-inventory");
	free(own->maps[0].framework);
	free(own->maps[0].edition);
	free(own->maps[0].ref);
	own->maps[0] = (mapping_t){ xstrdup("ts103701"), NULL, xstrdup("5.6-1-1"), NULL };
	caseset_add(&cs, own);
	ck_assert_uint_eq(caseset_add_conceptual(&cs, s), 62);
	ck_assert_uint_eq(cs.n, 63);
	const tcase_t *c = NULL;
	for (size_t i = 0; i < cs.n; i++) {
		ck_assert_str_ne(cs.v[i]->id, "TS103701-5.6-1-1");
		if (strcmp(cs.v[i]->id, "TS103701-5.3-10-1") == 0)
			c = cs.v[i];
	}
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->kind, CASE_CONCEPTUAL);
	ck_assert_uint_eq(c->n_steps, 0);
	ck_assert_uint_eq(c->n_maps, 2);
	ck_assert_str_eq(c->maps[0].framework, "ts103701");
	ck_assert_str_eq(c->maps[0].ref, "5.3-10-1");
	ck_assert_str_eq(c->maps[1].framework, "en303645");
	ck_assert_str_eq(c->maps[1].edition, "2.1.1");
	ck_assert_str_eq(c->maps[1].ref, "5.3-10");
	ck_assert_str_eq(c->ics_ref, "5.3-10");
	ck_assert_ptr_nonnull(strstr(c->file, "ts103701-1.1.1.yaml"));
	ck_assert_uint_eq(strlen(c->sha256), 64);
	ck_assert_ptr_nonnull(strstr(c->title, "Updates delivered over a network interface"));
	caseset_free(&cs);
	scheme_free(s);

	/* The V3.1.3 scheme has no TS 103 701 data: nothing to add. */
	s = load_scheme("profiles/en303645-v3.yaml", &d);
	ck_assert_ptr_nonnull(s);
	caseset_t none = { 0 };
	ck_assert_uint_eq(caseset_add_conceptual(&none, s), 0);
	ck_assert_uint_eq(caseset_add_conceptual(&none, NULL), 0);
	scheme_free(s);
	diags_free(&d);
}
END_TEST

/* A conceptual case follows a justified ICS N/A without a decision; with
 * one, the assessor's verdict stands. */
START_TEST(conceptual_na_and_decision)
{
	caseset_t cs;
	cases_init(&cs);
	cs.v[0]->ics_ref = xstrdup("5.6-4");	/* CONCEPT, decided PASS in good.yaml */
	cs.v[2]->ics_ref = xstrdup("5.6-4");	/* CONCEPT3, undecided */
	diags_t d = { 0 };
	decisions_t *ds = load_decisions(DATA "good.yaml", &cs, &d);
	ck_assert_ptr_nonnull(ds);
	dut_t *dut = xcalloc(1, sizeof(*dut));
	ics_add(dut, "5.6-4", "N/A", "no debug interface is physically accessible");
	scheme_t *s = mk_scheme();
	target_t t = { .host = "dut" };
	run_t *r = run_new();
	runner_opts_t o = { .cases = &cs, .target = &t, .dut = dut, .scheme = s,
	    .decisions = ds };
	runner_run(r, &o);
	ck_assert_int_eq(find(r, "CONCEPT")->verdict, V_PASS);
	ck_assert_int_eq(find(r, "CONCEPT3")->verdict, V_NOT_APPLICABLE);
	ck_assert_ptr_nonnull(strstr(find(r, "CONCEPT3")->reason, "physically accessible"));
	run_free(r);
	scheme_free(s);
	dut_free(dut);
	decisions_free(ds);
	caseset_free(&cs);
	diags_free(&d);
}
END_TEST

static Suite *
decisions_suite(void)
{
	Suite *s = suite_create("decisions");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, file_errors);
	tcase_add_test(tc, runner_takes_decisions);
	tcase_add_test(tc, ics_na_needs_condition_and_justification);
	tcase_add_test(tc, conceptual_cases_from_the_scheme);
	tcase_add_test(tc, conceptual_na_and_decision);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(decisions_suite)
