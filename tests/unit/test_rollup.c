/*
 * Roll-ups over the shipped scheme data (profiles/en303645-baseline.yaml and
 * the framework files it includes): case -> provision -> category -> scheme,
 * deemed-by sources, the ICS's N/A, the CLS level; and the loader's errors
 * for framework files and includes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "diags_text.h"
#include "core/run.h"
#include "load/load.h"
#include "load/provision_load.h"

#define BASELINE "profiles/en303645-baseline.yaml"

typedef struct world {
	scheme_t *scheme;
	dut_t dut;
	tcase_t tc[16];
	mapping_t maps[16][4];
	run_t *run;
} world_t;

static void
world_init(world_t *w)
{
	memset(w, 0, sizeof(*w));
	diags_t d = { 0 };
	w->scheme = load_scheme(BASELINE, &d);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "%s:%d:%d: %s\n", d.v[i].file, d.v[i].line, d.v[i].col,
		    d.v[i].msg);
	ck_assert_uint_eq(d.errors, 0);
	ck_assert_ptr_nonnull(w->scheme);
	diags_free(&d);
	w->run = run_new();
	w->run->scheme = w->scheme;
}

static void
world_free(world_t *w)
{
	run_free(w->run);
	scheme_free(w->scheme);
	free(w->dut.ics);
}

/* A case mapped to `ref` of EN 303 645 V2.1.1 (and nothing else), with one
 * instance of verdict v. */
static void
add_case(world_t *w, const char *id, const char *ref, verdict_t v)
{
	size_t i = w->run->n_results;
	ck_assert_uint_lt(i, ARRAY_LEN(w->tc));
	w->maps[i][0] = (mapping_t){ "en303645", "2.1.1", (char *)ref, NULL };
	w->tc[i] = (tcase_t){ .id = (char *)id, .title = (char *)id,
	    .maps = w->maps[i], .n_maps = 1 };
	run_t *r = w->run;
	r->results = xrealloc(r->results, r->n_results + 1, sizeof(*r->results));
	case_result_t *c = &r->results[r->n_results++];
	memset(c, 0, sizeof(*c));
	c->tc = &w->tc[i];
	c->instance = xstrdup(id);
	c->verdict = v;
}

static const rollup_t *
find(const run_t *r, const char *fw, const char *ref)
{
	for (size_t i = 0; i < r->n_rollups; i++)
		if (strcmp(r->rollups[i].framework, fw) == 0 &&
		    strcmp(r->rollups[i].ref, ref) == 0)
			return &r->rollups[i];
	ck_abort_msg("no roll-up %s %s", fw, ref);
	return NULL;
}

static const scheme_result_t *
scheme_of(const run_t *r, const char *fw)
{
	for (size_t i = 0; i < r->n_schemes; i++)
		if (strcmp(r->schemes[i].rule->framework, fw) == 0)
			return &r->schemes[i];
	ck_abort_msg("no scheme verdict for %s", fw);
	return NULL;
}

static const category_rollup_t *
category(const run_t *r, const char *fw, const char *ref)
{
	for (size_t i = 0; i < r->n_categories; i++)
		if (strcmp(r->categories[i].framework, fw) == 0 &&
		    strcmp(r->categories[i].ref, ref) == 0)
			return &r->categories[i];
	ck_abort_msg("no category %s %s", fw, ref);
	return NULL;
}

START_TEST(shipped_data_loads)
{
	world_t w;
	world_init(&w);
	const scheme_t *s = w.scheme;
	/* 68 + 112 TS cases + 3 + 2 + 6 + 19: every provision of each file. */
	size_t en = 0, m = 0, ts = 0;
	for (size_t i = 0; i < s->n_provisions; i++) {
		if (strcmp(s->provisions[i].framework, "en303645") == 0) {
			en++;
			m += provision_mandatory(&s->provisions[i]);
		}
		ts += strcmp(s->provisions[i].framework, "ts103701") == 0;
	}
	ck_assert_uint_eq(en, 68);
	ck_assert_uint_eq(m, 33);
	ck_assert_uint_eq(ts, 112);
	ck_assert_uint_eq(s->n_rules, 6);
	ck_assert_str_eq(s->rules[2].framework, "uk-psti");
	ck_assert_int_eq(s->rules[2].kind, RULE_ALL_MANDATORY);
	ck_assert_int_eq(s->rules[3].kind, RULE_LEVELS);
	ck_assert_int_eq(s->rules[4].kind, RULE_NONE);
	ck_assert_uint_eq(strlen(s->rules[0].sha256), 64);
	/* The V3.1.3 file, alone, has its 78 provisions and 36 mandatory ones. */
	diags_t d = { 0 };
	scheme_t *v3 = load_scheme("profiles/en303645-v3.yaml", &d);
	ck_assert_ptr_nonnull(v3);
	ck_assert_uint_eq(d.errors, 0);
	en = m = 0;
	for (size_t i = 0; i < v3->n_provisions; i++)
		if (strcmp(v3->provisions[i].framework, "en303645") == 0) {
			en++;
			m += provision_mandatory(&v3->provisions[i]);
		}
	ck_assert_uint_eq(en, 78);
	ck_assert_uint_eq(m, 36);
	scheme_free(v3);
	diags_free(&d);
	world_free(&w);
}
END_TEST

START_TEST(status_notation)
{
	const char *cond[] = { "M C (1)", "MCF (14, e)", "RF (g)", "R C (9, 12)", "MF (a)" };
	const char *plain[] = { "M", "R", NULL };
	for (size_t i = 0; i < ARRAY_LEN(cond); i++) {
		provision_t p = { .status = (char *)cond[i] };
		ck_assert_msg(provision_conditional(&p), "%s", cond[i]);
	}
	for (size_t i = 0; i < ARRAY_LEN(plain); i++) {
		provision_t p = { .status = (char *)plain[i] };
		ck_assert(!provision_conditional(&p));
	}
	provision_t m = { .status = "M C (1)" }, r = { .status = "R C (6)" };
	ck_assert(provision_mandatory(&m));
	ck_assert(!provision_mandatory(&r));
}
END_TEST

START_TEST(source_keys)
{
	provision_t a = { .framework = "en303645", .edition = "3.1.3", .ref = "5.3-4A",
	    .status = "RF (g)" };
	provision_t b = { .framework = "en303645", .edition = "2.1.1", .ref = "5.1-1",
	    .status = "M C (1)" };
	ck_assert(provision_key_matches("en303645 5.3-4", &a));	/* split half */
	ck_assert(!provision_key_matches("en303645-3.1.3 5.3-4", &a)); /* exact when versioned */
	ck_assert(provision_key_matches("en303645-3.1.3 5.3-4A", &a));
	ck_assert(!provision_key_matches("en303645 5.3-40", &a));
	ck_assert(!provision_key_matches("en303645 5.3-", &a));
	ck_assert(provision_key_matches("en303645 5.1-1", &b));
	ck_assert(!provision_key_matches("en303645-3.1.3 5.1-1", &b));
	ck_assert(provision_key_matches("en303645 mandatory", &b));
	ck_assert(!provision_key_matches("en303645 mandatory", &a));
	ck_assert(!provision_key_matches("uk-psti 5.1-1", &b));
	ck_assert(!provision_key_matches("en303645", &b));
	ck_assert(!provision_key_matches("", &b));
}
END_TEST

/* The issue's example: PSTI is not compliant because Sch.1 para 1 FAILs. */
START_TEST(psti_fails_on_passwords)
{
	world_t w;
	world_init(&w);
	add_case(&w, "LOGIN", "5.1-1", V_FAIL);
	add_case(&w, "QUALITY", "5.1-2", V_PASS);
	add_case(&w, "POLICY", "5.2-1", V_PASS);
	add_case(&w, "SUPPORT", "5.3-13", V_PASS);
	run_rollup(w.run);
	const rollup_t *u = find(w.run, "uk-psti", "Sch.1-1");
	ck_assert_int_eq(u->verdict, V_FAIL);
	ck_assert_str_eq(u->basis, "deemed-by");
	ck_assert_uint_eq(u->sources.n, 2);
	ck_assert_str_eq(u->sources.v[0], "en303645-2.1.1 5.1-1 FAIL");
	ck_assert_str_eq(u->sources.v[1], "en303645-2.1.1 5.1-2 PASS");
	ck_assert(strlist_has(&u->cases, "LOGIN") && strlist_has(&u->cases, "QUALITY"));
	ck_assert_int_eq(find(w.run, "uk-psti", "Sch.1-2")->verdict, V_PASS);
	const scheme_result_t *sr = scheme_of(w.run, "uk-psti");
	ck_assert_int_eq(sr->verdict, SV_NOT_COMPLIANT);
	ck_assert_str_eq(sr->reason, "Sch.1-1 FAIL");
	ck_assert_uint_eq(sr->n_reqs, 3);
	/* Category 5.1 takes its worst provision; untested ones are NOT_RUN. */
	ck_assert_int_eq(category(w.run, "en303645", "5.1")->verdict, V_FAIL);
	ck_assert_uint_eq(category(w.run, "en303645", "5.1")->counts[V_NOT_RUN], 3);
	ck_assert_int_eq(category(w.run, "en303645", "5.2")->verdict, V_NOT_RUN);
	world_free(&w);
}
END_TEST

START_TEST(psti_compliant_and_incomplete)
{
	world_t w;
	world_init(&w);
	add_case(&w, "LOGIN", "5.1-1", V_PASS);
	add_case(&w, "QUALITY", "5.1-2", V_PASS);
	add_case(&w, "POLICY", "5.2-1", V_PASS);
	add_case(&w, "SUPPORT", "5.3-13", V_INCONCLUSIVE);
	run_rollup(w.run);
	const scheme_result_t *sr = scheme_of(w.run, "uk-psti");
	ck_assert_int_eq(sr->verdict, SV_INCOMPLETE);
	ck_assert_str_eq(sr->reason, "1 of 3 not decided: Sch.1-3 INCONCLUSIVE");
	w.run->results[3].verdict = V_PASS;
	run_rollup(w.run);
	sr = scheme_of(w.run, "uk-psti");
	ck_assert_int_eq(sr->verdict, SV_COMPLIANT);
	/* EN 303 645 itself stays INCOMPLETE: 29 other mandatory provisions
	 * (conceptual ones among them) were never assessed. */
	sr = scheme_of(w.run, "en303645");
	ck_assert_int_eq(sr->verdict, SV_INCOMPLETE);
	ck_assert_uint_eq(sr->n_reqs, 33);
	ck_assert_ptr_nonnull(strstr(sr->reason, "29 of 33 not decided"));
	world_free(&w);
}
END_TEST

START_TEST(cls_highest_level)
{
	world_t w;
	world_init(&w);
	static const char *l1[] = { "5.1-1", "5.1-2", "5.1-3", "5.1-4", "5.1-5", "5.2-1",
	    "5.3-2", "5.3-3" };
	for (size_t i = 0; i < ARRAY_LEN(l1); i++)
		add_case(&w, l1[i], l1[i], V_PASS);
	run_rollup(w.run);
	const scheme_result_t *sr = scheme_of(w.run, "sg-cls");
	ck_assert_str_eq(sr->level, "none");
	ck_assert_int_eq(sr->verdict, SV_INCOMPLETE);
	/* 5.3-7, 5.3-8, 5.3-10 are conditional on an update mechanism (12):
	 * N/A with a justification; 5.3-13 is M and cannot be. */
	static ics_entry_t ics[] = {
		{ "5.3-7", "N/A", "no update mechanism: the firmware is in ROM" },
		{ "5.3-8", "N/A", "no update mechanism: the firmware is in ROM" },
		{ "5.3-10", "N/A", "no update mechanism: the firmware is in ROM" },
		{ "5.3-13", "N/A", "we do not publish one" },
	};
	w.dut.ics = xcalloc(ARRAY_LEN(ics), sizeof(*w.dut.ics));
	memcpy(w.dut.ics, ics, sizeof(ics));
	w.dut.n_ics = ARRAY_LEN(ics);
	w.run->dut = &w.dut;
	run_rollup(w.run);
	const rollup_t *u = find(w.run, "en303645", "5.3-7");
	ck_assert_int_eq(u->verdict, V_NOT_APPLICABLE);
	ck_assert_str_eq(u->justification, "no update mechanism: the firmware is in ROM");
	u = find(w.run, "en303645", "5.3-13");
	ck_assert_int_eq(u->verdict, V_NOT_RUN);
	ck_assert_ptr_null(u->justification);
	ck_assert_ptr_nonnull(strstr(u->note, "has no condition or feature"));
	sr = scheme_of(w.run, "sg-cls");
	ck_assert_str_eq(sr->level, "none");
	ck_assert_str_eq(sr->reason, "L1 is NOT_RUN");
	/* With the support period published and checked, L1 is reached; L2
	 * needs every mandatory provision, so it stops there. */
	add_case(&w, "SUPPORT", "5.3-13", V_PASS);
	run_rollup(w.run);
	sr = scheme_of(w.run, "sg-cls");
	ck_assert_str_eq(sr->level, "L1");
	ck_assert_int_eq(sr->verdict, SV_COMPLIANT);
	ck_assert_str_eq(sr->reason, "L2 is NOT_RUN");
	/* Failing L1 is not compliant at any level. */
	w.run->results[2].verdict = V_FAIL;
	run_rollup(w.run);
	sr = scheme_of(w.run, "sg-cls");
	ck_assert_str_eq(sr->level, "none");
	ck_assert_int_eq(sr->verdict, SV_NOT_COMPLIANT);
	world_free(&w);
}
END_TEST

START_TEST(mapped_frameworks)
{
	world_t w;
	world_init(&w);
	add_case(&w, "BRUTE", "5.1-5", V_FAIL);
	add_case(&w, "RARELY", "5.6-5", V_FAIL);
	run_rollup(w.run);
	/* A group the reference names without numbers stands as one entry. */
	ck_assert_int_eq(find(w.run, "en18031", "GEC")->verdict, V_FAIL);
	ck_assert_int_eq(find(w.run, "en18031", "ACM-1")->verdict, V_FAIL);
	ck_assert_int_eq(find(w.run, "en18031", "SSM")->verdict, V_NOT_RUN);
	const rollup_t *u = find(w.run, "en18031", "AUM-6");
	ck_assert_int_eq(u->verdict, V_FAIL);
	ck_assert_str_eq(u->basis, "mapped-from");
	ck_assert_uint_eq(u->sources.n, 1);
	ck_assert(strlist_has(&u->cases, "BRUTE"));
	ck_assert_int_eq(find(w.run, "nist-ir-8259a", "logical-access-to-interfaces")->verdict,
	    V_FAIL);
	/* Nothing maps to device identification: NOT_RUN, no sources. */
	u = find(w.run, "nist-ir-8259a", "device-identification");
	ck_assert_int_eq(u->verdict, V_NOT_RUN);
	ck_assert_uint_eq(u->sources.n, 0);
	/* No rule for the mapped frameworks: no scheme verdict for them. */
	for (size_t i = 0; i < w.run->n_schemes; i++)
		ck_assert_str_ne(w.run->schemes[i].rule->framework, "en18031");
	world_free(&w);
}
END_TEST

static void
assert_diag(const diags_t *d, const char *file, int line, int col, const char *frag)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->v[i].file, file) && d->v[i].line == line &&
		    d->v[i].col == col && strstr(d->v[i].msg, frag))
			return;
	char *all = diags_text(d);
	ck_abort_msg("no diagnostic at %s:%d:%d containing \"%s\"; got:%s", file, line,
	    col, frag, all);
	free(all);
}

START_TEST(loader_errors)
{
	diags_t d = { 0 };
	ck_assert_ptr_null(load_scheme("tests/data/rollup/scheme-bad-sources.yaml", &d));
	const char *f = "psti-first.yaml", *s = "scheme-bad-sources.yaml";
	assert_diag(&d, f, 5, 10, "verdict: unknown rule 'all-mandatry' (did you mean "
	    "'all-mandatory'?)");
	/* PSTI first: the standard it names is not loaded yet. */
	assert_diag(&d, f, 10, 17, "deemed-by: 'en303645 5.1-1' names no provision loaded "
	    "before this one; it is ignored");
	assert_diag(&d, f, 10, 35, "deemed-by: 'en303645-2.1.1 5.1-1' names no provision "
	    "loaded before this one (include the framework file that defines it first)");
	assert_diag(&d, f, 10, 59, "deemed-by: bad en303645 provision ref '5.1.1'");
	assert_diag(&d, f, 15, 18, "mapped-from: a provision takes 'deemed-by' or "
	    "'mapped-from', not both");
	assert_diag(&d, f, 18, 17, "deemed-by: 'nonsense' is not 'FRAMEWORK REF'");
	assert_diag(&d, f, 18, 29, "deemed-by: 'en303645-9.9.9 5.3-13' is not 'FRAMEWORK REF'");
	assert_diag(&d, s, 9, 5, "include: 'tests/data/rollup/psti-first.yaml' has errors");
	assert_diag(&d, "en303645-2.1.1.yaml", 6, 1, "framework 'en303645 2.1.1' is "
	    "already included");
	assert_diag(&d, s, 12, 5, "no-such-file.yaml");
	diags_free(&d);
}
END_TEST

static Suite *
rollup_suite(void)
{
	Suite *s = suite_create("rollup");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, shipped_data_loads);
	tcase_add_test(tc, status_notation);
	tcase_add_test(tc, source_keys);
	tcase_add_test(tc, psti_fails_on_passwords);
	tcase_add_test(tc, psti_compliant_and_incomplete);
	tcase_add_test(tc, cls_highest_level);
	tcase_add_test(tc, mapped_frameworks);
	tcase_add_test(tc, loader_errors);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(rollup_suite)
