/*
 * Scheme `thresholds:` (the figures probes judge against): known names load
 * as ints, an unknown one is an error at its key with a suggestion, an
 * out-of-range value an error at the value, and scheme_threshold falls back
 * to the caller's default.
 */
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "load/load.h"
#include "load/loaders.h"
#include "load/ydoc.h"

#define HEAD "scheme: t\ntitle: T\nversion: \"1\"\nsource: S\nframeworks: [en303645]\n" \
	"discovery:\n  tcp: [80]\n"

static scheme_t *
parse(const char *yaml, diags_t *d)
{
	ydoc_t *doc = ydoc_parse("s.yaml", yaml, strlen(yaml), d);
	ck_assert_ptr_nonnull(doc);
	scheme_t *s = scheme_from_doc(doc, d);
	ydoc_free(doc);
	return s;
}

static bool
has_error(const diags_t *d, int line, int col, const char *frag)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].line == line && d->v[i].col == col && strstr(d->v[i].msg, frag))
			return true;
	return false;
}

START_TEST(known_thresholds_load)
{
	diags_t d = { 0 };
	scheme_t *s = parse(HEAD "thresholds:\n  brute-force-max-free-attempts: 5\n"
	    "  brute-force-max-per-minute: 30\n", &d);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(d.errors, 0);
	ck_assert_int_eq(scheme_threshold(s, "brute-force-max-free-attempts", 10), 5);
	ck_assert_int_eq(scheme_threshold(s, "brute-force-max-per-minute", 10), 30);
	ck_assert_int_eq(scheme_threshold(s, "no-such", 7), 7);
	ck_assert_int_eq(scheme_threshold(NULL, "brute-force-max-per-minute", 10), 10);
	scheme_free(s);
	diags_free(&d);
}
END_TEST

START_TEST(unknown_threshold_is_named)
{
	diags_t d = { 0 };
	scheme_t *s = parse(HEAD "thresholds:\n  brute-force-max-per-minit: 30\n", &d);
	ck_assert_ptr_null(s);
	ck_assert(has_error(&d, 9, 3, "unknown threshold 'brute-force-max-per-minit' "
	    "(did you mean 'brute-force-max-per-minute'?)"));
	diags_free(&d);
}
END_TEST

START_TEST(bad_values_are_errors)
{
	diags_t d = { 0 };
	scheme_t *s = parse(HEAD "thresholds:\n  brute-force-max-free-attempts: 0\n"
	    "  brute-force-max-per-minute: fast\n", &d);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(d.errors, 2);
	ck_assert(has_error(&d, 9, 34, "brute-force-max-free-attempts"));
	ck_assert(has_error(&d, 10, 31, "brute-force-max-per-minute"));
	diags_free(&d);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("load_thresholds");
	TCase *t = tcase_create("core");
	tcase_add_test(t, known_thresholds_load);
	tcase_add_test(t, unknown_threshold_is_named);
	tcase_add_test(t, bad_values_are_errors);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(suite)
