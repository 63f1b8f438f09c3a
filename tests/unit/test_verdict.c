/*
 * Verdict combination (TTCN-3 order, error overriding) and provision roll-up.
 */
#include "check_main.h"
#include "core/verdict.h"

START_TEST(combine_order)
{
	ck_assert_int_eq(verdict_combine(V_NONE, V_PASS), V_PASS);
	ck_assert_int_eq(verdict_combine(V_PASS, V_INCONCLUSIVE), V_INCONCLUSIVE);
	ck_assert_int_eq(verdict_combine(V_INCONCLUSIVE, V_PASS), V_INCONCLUSIVE);
	ck_assert_int_eq(verdict_combine(V_INCONCLUSIVE, V_FAIL), V_FAIL);
	ck_assert_int_eq(verdict_combine(V_FAIL, V_PASS), V_FAIL);
	ck_assert_int_eq(verdict_combine(V_FAIL, V_ERROR), V_ERROR);
	ck_assert_int_eq(verdict_combine(V_ERROR, V_FAIL), V_ERROR);
	ck_assert_int_eq(verdict_combine(V_ERROR, V_PASS), V_ERROR);
}
END_TEST

START_TEST(rollup_order)
{
	verdict_t v = V_NONE;
	v = verdict_rollup(v, V_NOT_APPLICABLE);
	ck_assert_int_eq(v, V_NOT_APPLICABLE);
	v = verdict_rollup(v, V_PASS);
	ck_assert_int_eq(v, V_PASS);
	v = verdict_rollup(v, V_NOT_RUN);
	ck_assert_int_eq(v, V_NOT_RUN);	/* not fully assessed */
	v = verdict_rollup(v, V_INCONCLUSIVE);
	ck_assert_int_eq(v, V_INCONCLUSIVE);
	v = verdict_rollup(v, V_ERROR);
	ck_assert_int_eq(v, V_ERROR);
	v = verdict_rollup(v, V_FAIL);
	ck_assert_int_eq(v, V_FAIL);
	v = verdict_rollup(v, V_PASS);
	ck_assert_int_eq(v, V_FAIL);
}
END_TEST

START_TEST(names)
{
	verdict_t v;
	ck_assert_str_eq(verdict_str(V_NOT_APPLICABLE), "NOT_APPLICABLE");
	ck_assert_int_eq(verdict_parse("not-applicable", &v), 0);
	ck_assert_int_eq(v, V_NOT_APPLICABLE);
	ck_assert_int_eq(verdict_parse("Fail", &v), 0);
	ck_assert_int_eq(v, V_FAIL);
	ck_assert_int_eq(verdict_parse("none", &v), -1);
	ck_assert_int_eq(verdict_parse("", &v), -1);
	ck_assert_str_eq(verdict_str((verdict_t)99), "NONE");
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("verdict");
	TCase *t = tcase_create("core");
	tcase_add_test(t, combine_order);
	tcase_add_test(t, rollup_order);
	tcase_add_test(t, names);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(suite)
