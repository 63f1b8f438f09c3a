/*
 * The runner: per-service instantiation, applicability (ICS N/A, DUT needed,
 * conceptual), verdicts from expectations, first-failing reason kept, and the
 * provision roll-up.  Uses the real service-inventory probe, which needs no
 * network: it compares an inventory with a DUT profile.
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
	s = target_add_service(t, "tcp", 9999, &addr);
	free(s->protocol);
	s->protocol = xstrdup("debug-shell");
	t->ports_scanned = 10;
	return t;
}

static void
expect_empty(tcase_t *c, const char *field, verdict_t otherwise, const char *reason)
{
	step_t *s = &c->steps[0];
	s->expects = xrealloc(s->expects, s->n_expects + 1, sizeof(*s->expects));
	expect_t *x = &s->expects[s->n_expects++];
	memset(x, 0, sizeof(*x));
	x->field = xstrdup(field);
	x->op = OP_EMPTY;
	x->otherwise = otherwise;
	x->reason = xstrdup(reason);
}

static dut_t *
mk_dut(void)
{
	dut_t *d = xcalloc(1, sizeof(*d));
	d->ifaces = xcalloc(1, sizeof(*d->ifaces));
	d->ifaces[0].transport = xstrdup("tcp");
	d->ifaces[0].port = 2323;
	d->ifaces[0].enabled = true;
	d->n_ifaces = 1;
	d->ics = xcalloc(1, sizeof(*d->ics));
	d->ics[0].ref = xstrdup("5.6-4");
	d->ics[0].support = xstrdup("N/A");
	d->ics[0].detail = xstrdup("no debug port");
	d->n_ics = 1;
	return d;
}

START_TEST(instantiation_and_verdicts)
{
	target_t *t = mk_target();
	dut_t *d = mk_dut();
	caseset_t cs = { 0 };
	tcase_t *inv = mk_case("INV", NULL, "service-inventory");
	expect_empty(inv, "undeclared", V_FAIL, "undeclared: {undeclared}");
	expect_empty(inv, "open_services", V_INCONCLUSIVE, "second reason");
	caseset_add(&cs, inv);
	tcase_t *na = mk_case("NA", NULL, "service-inventory");
	na->ics_ref = xstrdup("5.6-4");
	caseset_add(&cs, na);
	tcase_t *concept = mk_case("CONCEPT", NULL, "service-inventory");
	concept->kind = CASE_CONCEPTUAL;
	caseset_add(&cs, concept);
	tcase_t *per = mk_case("PER", "telnet", "service-inventory");
	caseset_add(&cs, per);
	tcase_t *none = mk_case("NONE", "ftp", "service-inventory");
	caseset_add(&cs, none);

	run_t *r = run_new();
	runner_opts_t o = { .cases = &cs, .dut = d, .target = t, .jobs = 3 };
	ck_assert_uint_eq(runner_run(r, &o), 5);
	const case_result_t *c = find(r, "INV");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->verdict, V_FAIL);
	ck_assert_str_eq(c->reason, "undeclared: tcp/9999");
	ck_assert_uint_eq(c->ev->n_findings, 1);
	ck_assert_str_eq(c->ev->findings[0].kind, "undeclared-service");
	ck_assert_int_eq(c->ev->findings[0].port, 9999);
	c = find(r, "NA");
	ck_assert_int_eq(c->verdict, V_NOT_APPLICABLE);
	ck_assert_ptr_nonnull(strstr(c->reason, "no debug port"));
	ck_assert_int_eq(find(r, "CONCEPT")->verdict, V_NOT_RUN);
	c = find(r, "PER@tcp/2323");
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_eq(c->svc, &t->svcs[0]);
	ck_assert_ptr_null(find(r, "PER@tcp/9999"));
	c = find(r, "NONE");
	ck_assert_int_eq(c->verdict, V_PASS);
	ck_assert_ptr_nonnull(strstr(c->reason, "no ftp service"));

	run_rollup(r);
	ck_assert_uint_eq(r->n_rollups, 1);
	ck_assert_int_eq(r->rollups[0].verdict, V_FAIL);
	ck_assert_uint_eq(r->rollups[0].counts[V_FAIL], 1);
	ck_assert_uint_eq(r->rollups[0].counts[V_NOT_APPLICABLE], 1);
	run_free(r);
	caseset_free(&cs);
	dut_free(d);
	target_free(t);
}
END_TEST

START_TEST(without_dut_and_without_services)
{
	target_t *t = mk_target();
	caseset_t cs = { 0 };
	tcase_t *inv = mk_case("INV", NULL, "service-inventory");
	inv->needs_dut = true;
	caseset_add(&cs, inv);
	tcase_t *inv2 = mk_case("INV2", NULL, "service-inventory");
	expect_empty(inv2, "undeclared", V_FAIL, "undeclared: {undeclared}");
	expect_empty(inv2, "rarely_needed_undeclared", V_FAIL, "rare: {rarely_needed_undeclared}");
	caseset_add(&cs, inv2);
	tcase_t *rare = mk_case("RARE", NULL, "service-inventory");
	expect_empty(rare, "rarely_needed_undeclared", V_FAIL, "rare: {rarely_needed_undeclared}");
	rare->steps[0].params = xcalloc(1, sizeof(param_t));
	rare->steps[0].params[0].name = xstrdup("findings");
	value_set_str(&rare->steps[0].params[0].val, "rarely-needed");
	rare->steps[0].n_params = 1;
	caseset_add(&cs, rare);
	run_t *r = run_new();
	runner_opts_t o = { .cases = &cs, .target = t };
	runner_run(r, &o);
	ck_assert_int_eq(find(r, "INV")->verdict, V_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(find(r, "INV")->reason, "--dut"));
	/* Without a declaration nothing open is declared: the probe never lets
	 * a missing profile turn into a PASS. */
	const case_result_t *c2 = find(r, "INV2");
	ck_assert_int_eq(c2->verdict, V_FAIL);
	ck_assert_str_eq(c2->reason, "undeclared: tcp/2323, tcp/9999");
	ck_assert_uint_eq(c2->ev->n_findings, 0);	/* declaration findings need a profile */
	/* Telnet and the debug shell are rarely needed: one finding each. */
	const case_result_t *c3 = find(r, "RARE");
	ck_assert_int_eq(c3->verdict, V_FAIL);
	ck_assert_str_eq(c3->reason, "rare: tcp/2323, tcp/9999");
	ck_assert_uint_eq(c3->ev->n_findings, 2);
	ck_assert_str_eq(c3->ev->findings[0].kind, "rarely-needed-service");
	ck_assert_str_eq(c3->ev->findings[1].attrs[0].val, "no");
	run_free(r);

	/* A device with nothing open must not pass per-service cases. */
	target_t *empty = xcalloc(1, sizeof(*empty));
	tcase_t *per = mk_case("PER", "telnet", "service-inventory");
	caseset_add(&cs, per);
	r = run_new();
	strlist_t sel = { 0 };
	strlist_push(&sel, "PER");
	o.target = empty;
	o.select = &sel;
	runner_run(r, &o);
	ck_assert_uint_eq(r->n_results, 1);
	ck_assert_int_eq(r->results[0].verdict, V_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(r->results[0].reason, "is it up and reachable"));
	strlist_free(&sel);
	run_free(r);
	target_free(empty);
	caseset_free(&cs);
	target_free(t);
}
END_TEST

START_TEST(cancelled_run_is_not_run)
{
	target_t *t = mk_target();
	caseset_t cs = { 0 };
	caseset_add(&cs, mk_case("INV", NULL, "service-inventory"));
	volatile int cancel = 1;
	run_t *r = run_new();
	runner_opts_t o = { .cases = &cs, .target = t, .cancel = &cancel };
	runner_run(r, &o);
	ck_assert_int_eq(r->results[0].verdict, V_NOT_RUN);
	run_free(r);
	caseset_free(&cs);
	target_free(t);
}
END_TEST

/* An open port that did not identify itself might be the service a case
 * looks for: "no such service" must not become a PASS then. */
START_TEST(unidentified_port_is_no_pass)
{
	target_t *t = mk_target();
	for (int port = 7000; port < 7006; port++)
		target_add_service(t, "tcp", port, &addr);	/* protocol "unknown" */
	caseset_t cs = { 0 };
	caseset_add(&cs, mk_case("NONE", "ftp", "service-inventory"));
	caseset_add(&cs, mk_case("PER", "telnet", "service-inventory"));
	caseset_add(&cs, mk_case("INV", NULL, "service-inventory"));
	run_t *r = run_new();
	runner_opts_t o = { .cases = &cs, .target = t };
	runner_run(r, &o);
	/* Any of them may be a rarely needed service. */
	ck_assert_uint_eq(ev_get(find(r, "INV")->ev, "unidentified_undeclared")->n_items, 6);
	const case_result_t *c = find(r, "NONE");
	ck_assert_int_eq(c->verdict, V_INCONCLUSIVE);
	ck_assert_str_eq(c->reason, "no ftp service identified, but tcp/7000, tcp/7001, "
	    "tcp/7002, tcp/7003 and 2 more did not identify themselves: if one of them "
	    "is ftp it was not tested");
	ck_assert_int_eq(find(r, "PER@tcp/2323")->verdict, V_PASS);
	run_free(r);

	/* A UDP-only case cannot hide behind TCP ports. */
	caseset_t udp = { 0 };
	caseset_add(&udp, mk_case("DTLS", "tls/udp", "service-inventory"));
	r = run_new();
	o.cases = &udp;
	runner_run(r, &o);
	ck_assert_int_eq(find(r, "DTLS")->verdict, V_PASS);
	run_free(r);
	caseset_free(&udp);

	/* Declared ftp on 7001 but unidentified: the case is INCONCLUSIVE there,
	 * by name, rather than absent. */
	dut_t *d = mk_dut();
	d->ifaces = xrealloc(d->ifaces, 2, sizeof(*d->ifaces));
	memset(&d->ifaces[1], 0, sizeof(d->ifaces[1]));
	d->ifaces[1].transport = xstrdup("tcp");
	d->ifaces[1].port = 7001;
	d->ifaces[1].protocol = xstrdup("ftp");
	d->ifaces[1].enabled = true;
	d->n_ifaces = 2;
	r = run_new();
	o.cases = &cs;
	o.dut = d;
	runner_run(r, &o);
	ck_assert_ptr_null(find(r, "NONE"));
	c = find(r, "NONE@tcp/7001");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->verdict, V_INCONCLUSIVE);
	ck_assert_str_eq(c->reason, "tcp/7001 is declared ftp in the DUT profile but did "
	    "not identify itself (no answer recognised): not tested");
	ck_assert_ptr_null(find(r, "PER@tcp/7001"));
	/* Declared enabled: a purpose was given, so not a suspect any more. */
	const value_t *u = ev_get(find(r, "INV")->ev, "unidentified_undeclared");
	ck_assert_uint_eq(u->n_items, 5);
	ck_assert_str_eq(u->items[0], "tcp/7000");
	ck_assert_str_eq(u->items[1], "tcp/7002");
	run_free(r);
	dut_free(d);
	caseset_free(&cs);
	target_free(t);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("runner");
	TCase *t = tcase_create("core");
	tcase_add_test(t, instantiation_and_verdicts);
	tcase_add_test(t, without_dut_and_without_services);
	tcase_add_test(t, cancelled_run_is_not_run);
	tcase_add_test(t, unidentified_port_is_no_pass);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(suite)
