/*
 * Brute-force figures and judgement (probes/bruteforce_eval.c) on made-up
 * series: rates over answered refusals only, the late window after the
 * scheme's free attempts, lockouts counted exactly even with attempts in
 * flight, lockout cycles judged as a guessing rate, and every way an
 * observation can differ from the DUT profile's declaration.
 */
#include <string.h>

#include "check_main.h"
#include "probes/bruteforce_eval.h"

static const bf_limits_t lim = { .free_attempts = 10, .per_minute = 10, .rate_cap = 20,
	.parallel = 4 };

/* n attempts, one every `gap` ms, each answered after `delay` ms with r. */
static void
series(bf_attempt_t *a, size_t n, unsigned gap, unsigned delay, auth_result_t r)
{
	for (size_t i = 0; i < n; i++)
		a[i] = (bf_attempt_t){ i * gap, i * gap + delay, r };
}

static bf_figures_t
fresh(void)
{
	return (bf_figures_t){ .lockout_ms = -1 };
}

START_TEST(no_prevention_at_the_cap)
{
	bf_attempt_t a[30];
	series(a, 30, 50, 5, AUTH_REJECTED);	/* 20 a second, answered at once */
	bf_figures_t f = fresh();
	bf_measure(a, 30, &lim, &f);
	ck_assert_int_eq(f.attempts, 30);
	ck_assert_int_eq(f.rejected, 30);
	ck_assert(!f.locked);
	ck_assert_int_eq(f.lockout_after, -1);
	ck_assert_int_eq(f.late_per_minute, 1200);
	ck_assert(f.rate_capped);
	ck_assert(f.decided);
	ck_assert(!f.resistant);
	ck_assert_int_eq(f.median_delay_ms, 5);
	ck_assert_ptr_nonnull(strstr(f.assessment, "at least 1200 a minute with no lockout"));
}
END_TEST

START_TEST(slowed_down_enough)
{
	/* After 10 quick refusals, one answer every 10 s: 6 a minute. */
	bf_attempt_t a[20];
	series(a, 10, 100, 10, AUTH_REJECTED);
	for (size_t i = 10; i < 20; i++)
		a[i] = (bf_attempt_t){ a[9].end_ms + (i - 10) * 10000, a[9].end_ms + (i - 9) * 10000,
		    AUTH_REJECTED };
	bf_figures_t f = fresh();
	bf_measure(a, 20, &lim, &f);
	ck_assert_int_eq(f.late_per_minute, 6);
	ck_assert(!f.rate_capped);
	ck_assert(f.resistant);
	ck_assert_int_eq(f.first_delay_ms, 10);
	ck_assert_int_eq(f.last_delay_ms, 10000);
	ck_assert_ptr_nonnull(strstr(f.assessment, "slowed to 6 a minute"));
}
END_TEST

START_TEST(lockout_counts_in_flight_refusals)
{
	/* The lockout answer comes back before three slow refusals that were
	 * already in flight: the device counted all five before locking. */
	bf_attempt_t a[6] = {
		{ 0, 1000, AUTH_REJECTED }, { 0, 1001, AUTH_REJECTED },
		{ 1100, 1101, AUTH_LOCKED },
		{ 1000, 2000, AUTH_REJECTED }, { 1001, 2001, AUTH_REJECTED },
		{ 1002, 2002, AUTH_REJECTED },
	};
	bf_figures_t f = fresh();
	f.lockout_ms = 60000;
	f.lockout_ended = true;
	bf_measure(a, 6, &lim, &f);
	ck_assert(f.locked);
	ck_assert_int_eq(f.lockout_after, 5);
	ck_assert(f.resistant);	/* 5 a minute through lockout cycles */
	ck_assert_ptr_nonnull(strstr(f.assessment, "locked after 5 failures for 60 s"));
}
END_TEST

START_TEST(short_lockout_is_not_enough)
{
	bf_attempt_t a[6];
	series(a, 5, 10, 5, AUTH_REJECTED);
	a[5] = (bf_attempt_t){ 60, 61, AUTH_LOCKED };
	bf_figures_t f = fresh();
	f.lockout_ms = 10000;	/* 5 guesses every 10 s: 30 a minute */
	f.lockout_ended = true;
	bf_measure(a, 6, &lim, &f);
	ck_assert(!f.resistant);
	ck_assert_ptr_nonnull(strstr(f.assessment, "gets 30 wrong guesses a minute"));
}
END_TEST

START_TEST(late_lockout_is_not_enough)
{
	bf_attempt_t a[26];
	series(a, 25, 10, 5, AUTH_REJECTED);
	a[25] = (bf_attempt_t){ 300, 301, AUTH_LOCKED };
	bf_figures_t f = fresh();
	bf_measure(a, 26, &lim, &f);
	ck_assert_int_eq(f.lockout_after, 25);
	ck_assert(!f.resistant);
	ck_assert_ptr_nonnull(strstr(f.assessment, "locked only after 25 failures"));
}
END_TEST

START_TEST(silent_lockout)
{
	bf_attempt_t a[30];
	series(a, 30, 50, 5, AUTH_REJECTED);
	bf_figures_t f = fresh();
	f.silent_lockout = true;
	bf_measure(a, 30, &lim, &f);
	ck_assert(f.locked);
	ck_assert_int_eq(f.lockout_after, -1);
	ck_assert(f.resistant);
	ck_assert_ptr_nonnull(strstr(f.assessment, "without saying so"));
}
END_TEST

START_TEST(timeouts_leave_it_undecided)
{
	bf_attempt_t a[12];
	series(a, 10, 50, 5, AUTH_REJECTED);
	series(a + 10, 2, 50, 15000, AUTH_INCONCLUSIVE);
	bf_figures_t f = fresh();
	bf_measure(a, 12, &lim, &f);
	ck_assert_int_eq(f.inconclusive, 2);
	ck_assert_int_eq(f.late_per_minute, -1);
	ck_assert(!f.decided);
	ck_assert_ptr_nonnull(strstr(f.assessment, "too few answered attempts"));
}
END_TEST

START_TEST(declarations)
{
	char buf[128];
	dut_bruteforce_t lock = { .mechanism = BF_LOCKOUT, .attempts = 5, .duration_ms = 30000 };
	bf_describe_decl(&lock, buf, sizeof(buf));
	ck_assert_str_eq(buf, "lockout after 5 failures for 30 s");
	dut_bruteforce_t none = { .mechanism = BF_NONE };
	bf_describe_decl(&none, buf, sizeof(buf));
	ck_assert_str_eq(buf, "no prevention");
	dut_bruteforce_t rl = { .mechanism = BF_RATE_LIMIT, .per_minute = 6 };
	bf_describe_decl(&rl, buf, sizeof(buf));
	ck_assert_str_eq(buf, "rate-limit to 6 a minute");

	/* Observed: lockout after 5 for 31 s. */
	bf_figures_t f = { .locked = true, .lockout_after = 5, .lockout_ms = 31000,
		.lockout_ended = true, .resistant = true, .decided = true };
	strlist_t m = { 0 };
	bf_compare(&f, &lock, &lim, 90000, &m);
	ck_assert_int_eq(m.n, 0);
	lock.attempts = 3;
	lock.duration_ms = 300000;
	bf_compare(&f, &lock, &lim, 90000, &m);
	ck_assert_int_eq(m.n, 2);	/* seen to end long before the declared 300 s */
	ck_assert_str_eq(m.v[0], "declared a lockout after 3 failures, observed after 5");
	ck_assert_str_eq(m.v[1], "declared a lockout of 300 s, observed 31 s");
	strlist_free(&m);
	/* Still locked when the watch ran out: a longer declaration is not judged. */
	bf_figures_t still = f;
	still.lockout_ended = false;
	still.lockout_ms = -1;
	lock.attempts = 5;
	bf_compare(&still, &lock, &lim, 90000, &m);
	ck_assert_int_eq(m.n, 0);
	lock.duration_ms = 30000;
	bf_compare(&still, &lock, &lim, 90000, &m);
	ck_assert_int_eq(m.n, 1);
	ck_assert_str_eq(m.v[0], "declared a lockout of 30 s, still locked after 90 s");
	strlist_free(&m);
	lock.attempts = 5;
	lock.duration_ms = 60000;
	bf_compare(&f, &lock, &lim, 90000, &m);
	ck_assert_int_eq(m.n, 1);
	ck_assert_str_eq(m.v[0], "declared a lockout of 60 s, observed 31 s");
	strlist_free(&m);
	bf_compare(&f, &none, &lim, 90000, &m);
	ck_assert_int_eq(m.n, 1);
	ck_assert_ptr_nonnull(strstr(m.v[0], "declared no prevention"));
	strlist_free(&m);

	/* Observed: no lockout, answers in 4 ms. */
	bf_figures_t g = { .rejected = 30, .late_per_minute = 1200, .median_delay_ms = 4,
		.last_delay_ms = 4, .decided = true };
	dut_bruteforce_t delay = { .mechanism = BF_DELAY, .delay_ms = 2000 };
	bf_compare(&g, &delay, &lim, 90000, &m);
	bf_compare(&g, &lock, &lim, 90000, &m);
	bf_compare(&g, &rl, &lim, 90000, &m);
	bf_compare(&g, NULL, &lim, 90000, &m);
	ck_assert_int_eq(m.n, 3);
	ck_assert_ptr_nonnull(strstr(m.v[0], "declared a delay"));
	ck_assert_ptr_nonnull(strstr(m.v[1], "without one"));
	ck_assert_str_eq(m.v[2], "declared a limit of 6 attempts a minute, observed 1200");
	strlist_free(&m);
	g.median_delay_ms = 2100;
	bf_compare(&g, &delay, &lim, 90000, &m);
	ck_assert_int_eq(m.n, 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("bruteforce_eval");
	TCase *t = tcase_create("core");
	tcase_add_test(t, no_prevention_at_the_cap);
	tcase_add_test(t, slowed_down_enough);
	tcase_add_test(t, lockout_counts_in_flight_refusals);
	tcase_add_test(t, short_lockout_is_not_enough);
	tcase_add_test(t, late_lockout_is_not_enough);
	tcase_add_test(t, silent_lockout);
	tcase_add_test(t, timeouts_leave_it_undecided);
	tcase_add_test(t, declarations);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(suite)
