/*
 * The commands' side of the passive analysis (cmd/passive_glue.c): why the
 * cases over the capture lack something (no capture, dropped packets), that
 * note reaching exactly the verdicts whose evidence came from the capture,
 * and the capture a case's frame numbers count in.
 */
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "passive/passive_glue.h"
#include "core/runner.h"
#include "core/util.h"

static step_t capture_step = { .probe = (char *)"capture-credentials" };
static step_t active_step = { .probe = (char *)"cleartext-login" };

static case_result_t *
add(run_t *r, tcase_t *tc, const char *reason)
{
	r->results = xrealloc(r->results, r->n_results + 1, sizeof(*r->results));
	case_result_t *c = &r->results[r->n_results++];
	memset(c, 0, sizeof(*c));
	c->tc = tc;
	c->instance = xstrdup(tc->id);
	c->reason = xstrdup(reason);
	c->verdict = V_PASS;
	return c;
}

START_TEST(notes_and_links)
{
	tcase_t cap = { .id = (char *)"CAP", .steps = &capture_step, .n_steps = 1 };
	tcase_t act = { .id = (char *)"ACT", .steps = &active_step, .n_steps = 1 };
	ck_assert(case_on_capture(&cap));
	ck_assert(!case_on_capture(&act));
	run_t *r = run_new();
	add(r, &cap, "every expectation held");
	case_result_t *with_pcap = add(r, &act, "no telnet");
	evrefs_add(&with_pcap->evrefs, &with_pcap->n_evrefs, "evidence/ACT.pcap", "00", "pcap");
	add(r, &act, "concluded from the inventory");

	/* No capture: that is the note, naming why. */
	r->capture.note = xstrdup("disabled by --no-capture");
	char *n = passive_note(r);
	ck_assert_str_eq(n, "there is no capture of this run (disabled by --no-capture)");
	free(n);

	/* A clean capture: nothing to say. */
	r->capture.enabled = true;
	ck_assert_ptr_null(passive_note(r));

	/* Drops: said in every verdict whose evidence came from the capture. */
	r->capture.dropped = 3;
	r->capture.if_dropped = 2;
	n = passive_note(r);
	ck_assert_str_eq(n, "the capture dropped 5 packets (3 by the kernel, 2 by the interface): "
	    "its evidence is incomplete");
	passive_note_results(r, n);
	passive_note_results(r, n);	/* said once, however often asked */
	ck_assert_str_eq(r->results[0].reason, "every expectation held; the capture dropped 5 "
	    "packets (3 by the kernel, 2 by the interface): its evidence is incomplete");
	ck_assert_ptr_nonnull(strstr(r->results[1].reason, "no telnet; the capture dropped 5"));
	ck_assert_str_eq(r->results[2].reason, "concluded from the inventory");
	free(n);
	passive_note_results(r, NULL);

	/* The cases over the capture point at the file their frames count in. */
	passive_link_results(r, "evidence/run.pcap", "ab", 42);
	ck_assert_uint_eq(r->results[0].n_evrefs, 1);
	ck_assert_str_eq(r->results[0].evrefs[0].file, "evidence/run.pcap");
	ck_assert_uint_eq(r->results[0].evrefs[0].packets, 42);
	ck_assert_uint_eq(r->results[1].n_evrefs, 1);	/* its own pcap only */
	ck_assert_uint_eq(r->results[2].n_evrefs, 0);
	run_free(r);
}
END_TEST

START_TEST(analyze_missing_file)
{
	char err[256];
	char e[8] = "";
	target_t *t = target_new("192.0.2.1", e, sizeof(e));
	ck_assert_ptr_nonnull(t);
	pv_run_t *pv = passive_analyze("/nonexistent/capture.pcap", t, NULL, NULL, NULL, false,
	    NULL, err, sizeof(err));
	ck_assert_ptr_null(pv);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/capture.pcap"));
	target_free(t);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("passive_glue");
	TCase *t = tcase_create("all");
	tcase_add_test(t, notes_and_links);
	tcase_add_test(t, analyze_missing_file);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(suite)
