/*
 * The runner when a run is stopped or resumed: an interrupted instance is
 * NOT_RUN with nothing judged (fields and findings dropped, traffic kept);
 * a cancelled run leaves nothing V_NONE and nothing judged on an inventory
 * whose discovery was cut short; the cases over the capture are interrupted,
 * not "no capture"; and the adopt hook of --resume keeps results from being
 * run again, or stops the run before anything runs.  The probes used need
 * no network (service-inventory compares an inventory with a profile).
 */
#include "check_main.h"
#include "runner_fixture.h"
#include "core/runner.h"
#include "core/util.h"

#include <string.h>

static target_addr_t addr = { .text = "192.0.2.1" };

static target_t *
mk_target(void)
{
	target_t *t = xcalloc(1, sizeof(*t));
	t->host = xstrdup("dut");
	service_t *s = target_add_service(t, "tcp", 2323, &addr);
	free(s->protocol);
	s->protocol = xstrdup("telnet");
	t->ports_scanned = 10;
	return t;
}

START_TEST(mark_interrupted_drops_judgement_keeps_traffic)
{
	case_result_t r = { .verdict = V_FAIL, .reason = xstrdup("half-way FAIL") };
	r.ev = evidence_new();
	ev_set_bool(r.ev, "login_prompt", true);
	ev_finding(r.ev, "cleartext-login", "tcp", "telnet", 23, "seen");
	flow_t fl = { .ipproto = 6, .family = 2, .lport = 40000, .rport = 23 };
	ev_add_flow(r.ev, &fl);
	ev_transcript(r.ev, ">", "admin", 5);
	runner_mark_interrupted(&r, "run interrupted (SIGINT) before this case finished");
	ck_assert_int_eq(r.verdict, V_NOT_RUN);
	ck_assert(r.interrupted);
	ck_assert_str_eq(r.reason, "run interrupted (SIGINT) before this case finished");
	ck_assert_uint_eq(r.ev->n_fields, 0);
	ck_assert_uint_eq(r.ev->n_findings, 0);
	ck_assert_uint_eq(r.ev->n_flows, 1);
	ck_assert_uint_eq(r.ev->flows[0].rport, 23);
	ck_assert_ptr_nonnull(strstr(r.ev->transcript, "admin"));
	free(r.reason);
	evidence_free(r.ev);
}
END_TEST

START_TEST(cancelled_run_leaves_nothing_undecided)
{
	target_t *t = mk_target();
	caseset_t cs = { 0 };
	caseset_add(&cs, mk_case("INV", NULL, "service-inventory"));
	caseset_add(&cs, mk_case("PER", "telnet", "service-inventory"));
	caseset_add(&cs, mk_case("NONE", "ftp", "service-inventory"));
	tcase_t *concept = mk_case("CONCEPT", NULL, "service-inventory");
	concept->kind = CASE_CONCEPTUAL;
	caseset_add(&cs, concept);
	caseset_add(&cs, mk_case("CAP", NULL, "capture-cleartext"));
	volatile int cancel = 1;
	bool abandoned = false;
	run_t *r = run_new();
	runner_opts_t o = { .cases = &cs, .target = t, .jobs = 2, .cancel = &cancel,
	    .discovery_incomplete = true, .abandoned = &abandoned };
	ck_assert_uint_eq(runner_run(r, &o), 5);
	ck_assert_int_eq(find(r, "INV")->verdict, V_NOT_RUN);
	ck_assert(find(r, "INV")->interrupted);
	ck_assert_str_eq(find(r, "INV")->reason, RUNNER_INTERRUPTED);
	ck_assert(find(r, "PER@tcp/2323")->interrupted);
	/* Half an inventory decides nothing: not "no ftp service", PASS. */
	ck_assert_int_eq(find(r, "NONE")->verdict, V_NOT_RUN);
	ck_assert(find(r, "NONE")->interrupted);
	/* Decided before running, whatever the inventory: kept as it is. */
	ck_assert_int_eq(find(r, "CONCEPT")->verdict, V_NOT_RUN);
	ck_assert(!find(r, "CONCEPT")->interrupted);
	/* The capture cases wait for runner_run_capture... */
	ck_assert_int_eq(find(r, "CAP")->verdict, V_NONE);
	runner_run_capture(r, &o);
	/* ...which says the run stopped, not that there was no capture. */
	ck_assert_int_eq(find(r, "CAP")->verdict, V_NOT_RUN);
	ck_assert(find(r, "CAP")->interrupted);
	for (size_t i = 0; i < r->n_results; i++)
		ck_assert_int_ne(r->results[i].verdict, V_NONE);
	ck_assert(!abandoned);
	run_free(r);
	caseset_free(&cs);
	target_free(t);
}
END_TEST

static int
adopt_keep_inv(run_t *run, void *arg)
{
	int *calls = arg;
	(*calls)++;
	for (size_t i = 0; i < run->n_results; i++) {
		case_result_t *r = &run->results[i];
		if (strcmp(r->instance, "INV") != 0)
			continue;
		r->verdict = V_FAIL;
		r->reason = xstrdup("kept from before");
		r->kept_xml = xstrdup("<testcase/>");
		r->start_ms = 1;
		r->end_ms = 2;
	}
	return 0;
}

static int
adopt_refuse(run_t *run, void *arg)
{
	(void)run;
	(void)arg;
	return -1;
}

START_TEST(adopt_keeps_results_or_stops)
{
	target_t *t = mk_target();
	caseset_t cs = { 0 };
	caseset_add(&cs, mk_case("INV", NULL, "service-inventory"));
	caseset_add(&cs, mk_case("PER", "telnet", "service-inventory"));
	int calls = 0;
	run_t *r = run_new();
	runner_opts_t o = { .cases = &cs, .target = t, .jobs = 2,
	    .adopt = adopt_keep_inv, .adopt_arg = &calls };
	ck_assert_uint_eq(runner_run(r, &o), 2);
	ck_assert_int_eq(calls, 1);
	const case_result_t *c = find(r, "INV");
	ck_assert_int_eq(c->verdict, V_FAIL);	/* not run again: a PASS otherwise */
	ck_assert_str_eq(c->reason, "kept from before");
	ck_assert_int_eq(c->start_ms, 1);
	ck_assert_int_eq(c->end_ms, 2);
	ck_assert_int_eq(find(r, "PER@tcp/2323")->verdict, V_PASS);
	run_free(r);

	r = run_new();
	o.adopt = adopt_refuse;
	ck_assert_uint_eq(runner_run(r, &o), 2);
	for (size_t i = 0; i < r->n_results; i++)
		ck_assert_int_eq(r->results[i].verdict, V_NONE);
	run_free(r);
	caseset_free(&cs);
	target_free(t);
}
END_TEST

static Suite *
runner_interrupt_suite(void)
{
	Suite *s = suite_create("runner_interrupt");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, mark_interrupted_drops_judgement_keeps_traffic);
	tcase_add_test(tc, cancelled_run_leaves_nothing_undecided);
	tcase_add_test(tc, adopt_keeps_results_or_stops);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(runner_interrupt_suite)
