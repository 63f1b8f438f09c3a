/*
 * Reading a report back (report/report_read.c), as `run --resume` does: a
 * run written by the real XML writer is read and compared field by field
 * (options, interruption, resumes, inputs, capture, inventory, results with
 * hostile bytes, findings and evidence); a kept result written again comes
 * out as the same element, capped values included; timestamps parse exactly;
 * and what is not an iotcert report, or carries a DOCTYPE, is refused.
 */
#include "check_main.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/run.h"
#include "core/util.h"
#include "report/report_read.h"
#include "report/validate.h"
#include "report/writer.h"

#define XSD "reports/" REPORT_XSD
#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static const char nasty[] = "login:\0\x01\xff<&>\"\\ caf\xc3\xa9";
#define NASTY_LEN (sizeof(nasty) - 1)

typedef struct world {
	target_addr_t addr;
	service_t svc;
	target_t target;
	tcase_t tc[2];
	mapping_t maps[2];
	run_t *run;
	char path[64];
} world_t;

static void
world_build(world_t *w)
{
	memset(w, 0, sizeof(*w));
	strcpy(w->addr.text, "127.0.28.9");
	strcpy(w->svc.transport, "tcp");
	w->svc.port = 2323;
	w->svc.protocol = "telnet";
	w->svc.addr = &w->addr;
	w->target.host = "dut";
	w->target.addrs = &w->addr;
	w->target.n_addrs = 1;
	w->target.svcs = &w->svc;
	w->target.n_svcs = w->target.cap_svcs = 1;
	w->target.ports_scanned = 6;
	w->maps[0] = (mapping_t){ "en303645", "3.1.3", "5.1-1", NULL };
	w->maps[1] = (mapping_t){ "en303645", "3.1.3", "5.5-1", "cleartext" };
	w->tc[0] = (tcase_t){ .id = "IOT-LOGIN", .title = "Login", .maps = w->maps, .n_maps = 2 };
	w->tc[1] = (tcase_t){ .id = "IOT-BRUTE", .title = "Brute force", .maps = w->maps, .n_maps = 1 };

	run_t *r = w->run = run_new();
	r->tool_version = xstrdup("0.1.0");
	r->start_ms = 1795000000123LL;
	r->end_ms = r->start_ms + 9000;
	r->command_line = xstrdup("iotcert run --target dut");
	r->target_host = xstrdup("dut");
	r->target = &w->target;
	strlist_push(&r->args, "run");
	strlist_push(&r->args, "--target");
	strlist_push(&r->args, "dut");
	strlist_push(&r->args, "--select");
	strlist_push(&r->args, "a b\\c\x01");	/* spaces, a backslash, a control byte */
	r->cwd = xstrdup("/lab/runs");
	r->interrupted = xstrdup("SIGINT during the test cases");
	r->stop_cause = xstrdup("SIGINT");
	r->stop_phase = xstrdup("cases");
	r->stop_ms = r->start_ms + 8000;
	r->resumes = xcalloc(1, sizeof(*r->resumes));
	r->resumes[0] = (run_resume_t){ r->start_ms + 1000, r->start_ms + 2000, r->start_ms + 500,
	    xstrdup("deadline"), 3, 4, xstrdup("evidence/resume-1") };
	r->n_resumes = 1;
	run_add_file(r, "cases/login.yaml", SHA_A, "testcase");
	run_add_file(r, "dut.yaml", SHA_B, "dut");
	r->capture.enabled = true;
	r->capture.interface = xstrdup("lo");
	r->capture.received = 100;
	r->capture.captured = 99;
	r->capture.dropped = 1;
	evrefs_add(&r->evrefs, &r->n_evrefs, "evidence/run.pcap", SHA_A, "pcap")->packets = 99;

	r->results = xcalloc(2, sizeof(*r->results));
	r->n_results = 2;
	case_result_t *c = &r->results[0];
	c->tc = &w->tc[0];
	c->svc = &w->svc;
	c->instance = xstrdup("IOT-LOGIN@tcp/2323");
	c->verdict = V_FAIL;
	c->reason = xstrdup("logged in with admin/admin");
	c->start_ms = r->start_ms + 100;
	c->end_ms = r->start_ms + 350;
	c->ev = evidence_new();
	ev_set_bool(c->ev, "cleartext", true);
	ev_set_int(c->ev, "attempts", -3);
	ev_set_bytes(c->ev, "prompt", nasty, NASTY_LEN);
	ev_list_push(c->ev, "accepted", "admin/admin");
	ev_list_push(c->ev, "accepted", "root/\x01");
	char big[6000];
	memset(big, 'x', sizeof(big));
	ev_set_bytes(c->ev, "body", big, sizeof(big));	/* capped in the report */
	finding_t *f = ev_finding(c->ev, "default-credentials", "tcp", "telnet", 2323,
	    "Logged in with %s", "admin/admin");
	finding_attr(f, "username", "admin");
	finding_attr(f, "password", "p\tw<&>\xff");
	ev_transcript(c->ev, "<", nasty, NASTY_LEN);
	evrefs_add(&c->evrefs, &c->n_evrefs, "evidence/IOT-LOGIN_tcp_2323.pcap", SHA_B,
	    "pcap")->packets = 12;

	c = &r->results[1];
	c->tc = &w->tc[1];
	c->instance = xstrdup("IOT-BRUTE");
	c->verdict = V_NOT_RUN;
	c->interrupted = true;
	c->reason = xstrdup("run interrupted (SIGINT) before this case finished");
	c->ev = evidence_new();
	run_rollup(r);

	snprintf(w->path, sizeof(w->path), "/tmp/iotcert-rr-%d.xml", (int)getpid());
	char err[256];
	ck_assert_msg(report_write_xml(r, w->path, err, sizeof(err)) == 0, "%s", err);
}

static void
world_free(world_t *w)
{
	unlink(w->path);
	run_free(w->run);
}

START_TEST(test_parse_time)
{
	int64_t ms = 0;
	ck_assert_int_eq(report_parse_time("2026-11-28T02:10:04.123Z", &ms), 0);
	char back[40];
	fmt_utc(ms, back, sizeof(back));
	ck_assert_str_eq(back, "2026-11-28T02:10:04.123Z");
	ck_assert_int_eq(report_parse_time("1970-01-01T00:00:00.000Z", &ms), 0);
	ck_assert_int_eq((int)ms, 0);
	ck_assert_int_eq(report_parse_time("2026-11-28T02:10:04Z", &ms), -1);
	ck_assert_int_eq(report_parse_time("2026-11-28T02:10:04.123", &ms), -1);
	ck_assert_int_eq(report_parse_time("2026-11-28T02:10:04.123Zjunk", &ms), -1);
	ck_assert_int_eq(report_parse_time("2026-13-28T02:10:04.123Z", &ms), -1);
	ck_assert_int_eq(report_parse_time("", &ms), -1);
	ck_assert_int_eq(report_parse_time(NULL, &ms), -1);
}
END_TEST

START_TEST(test_round_trip)
{
	world_t w;
	world_build(&w);
	char err[512];
	ck_assert_msg(report_validate(w.path, XSD, err, sizeof(err)) == 0, "%s", err);
	report_doc_t *d = report_read(w.path, err, sizeof(err));
	ck_assert_msg(d != NULL, "%s", err);
	const run_t *r = w.run;

	ck_assert_int_eq(d->start_ms, r->start_ms);
	ck_assert_int_eq(d->end_ms, r->end_ms);
	ck_assert_str_eq(d->command_line, r->command_line);
	ck_assert(d->has_invocation);
	ck_assert_uint_eq(d->args.n, r->args.n);
	for (size_t i = 0; i < r->args.n; i++)
		ck_assert_str_eq(d->args.v[i], r->args.v[i]);
	ck_assert_str_eq(d->cwd, "/lab/runs");
	ck_assert_str_eq(d->interrupted, r->interrupted);
	ck_assert_str_eq(d->stop_cause, "SIGINT");
	ck_assert_str_eq(d->stop_phase, "cases");
	ck_assert_int_eq(d->stop_ms, r->stop_ms);
	ck_assert_uint_eq(d->n_resumes, 1);
	ck_assert_int_eq(d->resumes[0].start_ms, r->resumes[0].start_ms);
	ck_assert_int_eq(d->resumes[0].end_ms, r->resumes[0].end_ms);
	ck_assert_int_eq(d->resumes[0].after_ms, r->resumes[0].after_ms);
	ck_assert_str_eq(d->resumes[0].cause, "deadline");
	ck_assert_uint_eq(d->resumes[0].kept, 3);
	ck_assert_uint_eq(d->resumes[0].rerun, 4);
	ck_assert_str_eq(d->resumes[0].evidence, "evidence/resume-1");
	ck_assert_uint_eq(d->n_files, 2);
	ck_assert_str_eq(d->files[0].path, "cases/login.yaml");
	ck_assert_str_eq(d->files[0].role, "testcase");
	ck_assert_str_eq(d->files[0].sha256, SHA_A);
	ck_assert(d->capture.enabled);
	ck_assert_uint_eq(d->capture.captured, 99);
	ck_assert_uint_eq(d->capture.dropped, 1);
	ck_assert_uint_eq(d->n_evrefs, 1);
	ck_assert_str_eq(d->evrefs[0].file, "evidence/run.pcap");
	ck_assert_uint_eq(d->evrefs[0].packets, 99);
	ck_assert(d->has_inventory);
	ck_assert_uint_eq(d->n_svcs, 1);
	ck_assert_str_eq(d->svcs[0].protocol, "telnet");
	ck_assert_int_eq(d->svcs[0].port, 2323);
	ck_assert_str_eq(d->svcs[0].address, "127.0.28.9");

	ck_assert_uint_eq(d->n_cases, 2);
	const report_case_t *c = report_doc_case(d, "IOT-LOGIN@tcp/2323");
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->case_id, "IOT-LOGIN");
	ck_assert_int_eq(c->verdict, V_FAIL);
	ck_assert(!c->interrupted);
	ck_assert_str_eq(c->reason, "logged in with admin/admin");
	ck_assert_int_eq(c->start_ms, r->results[0].start_ms);
	ck_assert_int_eq(c->end_ms, r->results[0].end_ms);
	const value_t *v = ev_get(c->ev, "cleartext");
	ck_assert(v && v->type == VT_BOOL && v->b);
	v = ev_get(c->ev, "attempts");
	ck_assert(v && v->type == VT_INT && v->i == -3);
	v = ev_get(c->ev, "prompt");	/* hostile bytes come back as they were */
	ck_assert(v && v->type == VT_STR && v->s_len == NASTY_LEN);
	ck_assert(memcmp(v->s, nasty, NASTY_LEN) == 0);
	v = ev_get(c->ev, "accepted");
	ck_assert(v && v->type == VT_LIST && v->n_items == 2);
	ck_assert_str_eq(v->items[1], "root/\x01");
	ck_assert_uint_eq(c->ev->n_findings, 1);
	const finding_t *f = &c->ev->findings[0];
	ck_assert_str_eq(f->kind, "default-credentials");
	ck_assert_str_eq(f->protocol, "telnet");
	ck_assert_str_eq(f->transport, "tcp");
	ck_assert_int_eq(f->port, 2323);
	ck_assert_str_eq(f->summary, "Logged in with admin/admin");
	ck_assert_str_eq(finding_get(f, "password"), "p\tw<&>\xff");
	ck_assert_uint_eq(c->n_evrefs, 1);
	ck_assert_str_eq(c->evrefs[0].sha256, SHA_B);
	ck_assert_uint_eq(c->evrefs[0].packets, 12);
	ck_assert_ptr_nonnull(strstr(c->xml, "<testcase id=\"IOT-LOGIN@tcp/2323\""));

	c = report_doc_case(d, "IOT-BRUTE");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->verdict, V_NOT_RUN);
	ck_assert(c->interrupted);
	ck_assert_ptr_null(report_doc_case(d, "IOT-NONE"));
	report_doc_free(d);
	world_free(&w);
}
END_TEST

/* A kept result goes out again as the same element, capped field and all. */
START_TEST(test_kept_rewritten_verbatim)
{
	world_t w;
	world_build(&w);
	char err[512];
	report_doc_t *d = report_read(w.path, err, sizeof(err));
	ck_assert_msg(d != NULL, "%s", err);
	const report_case_t *pc = report_doc_case(d, "IOT-LOGIN@tcp/2323");
	ck_assert_ptr_nonnull(strstr(pc->xml, "truncated="));
	case_result_t *c = &w.run->results[0];
	c->kept_xml = xstrdup(pc->xml);
	/* What the writer would otherwise say must not leak into the copy. */
	free(c->reason);
	c->reason = xstrdup("something else");
	ck_assert_int_eq(report_write_xml(w.run, w.path, err, sizeof(err)), 0);
	ck_assert_msg(report_validate(w.path, XSD, err, sizeof(err)) == 0, "%s", err);
	report_doc_t *d2 = report_read(w.path, err, sizeof(err));
	ck_assert_msg(d2 != NULL, "%s", err);
	const report_case_t *again = report_doc_case(d2, "IOT-LOGIN@tcp/2323");
	ck_assert_str_eq(again->xml, pc->xml);
	ck_assert_str_eq(again->reason, "logged in with admin/admin");
	ck_assert_uint_eq(d2->n_cases, 2);
	report_doc_free(d2);
	report_doc_free(d);
	world_free(&w);
}
END_TEST

static report_doc_t *
read_str(const char *xml, char *err, size_t errlen)
{
	return report_read_mem(xml, strlen(xml), "mem.xml", err, errlen);
}

START_TEST(test_refused)
{
	char err[512];
	ck_assert_ptr_null(read_str("not xml at all", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "not well-formed"));
	ck_assert_ptr_null(read_str("<report><run/></report>", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "not an iotcert report"));
	ck_assert_ptr_null(read_str("<?xml version=\"1.0\"?><!DOCTYPE report [<!ENTITY x \"y\">]>"
	    "<report xmlns=\"urn:iotcert:report:1\"><run/></report>", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "DOCTYPE"));
	ck_assert_ptr_null(read_str("<report xmlns=\"urn:iotcert:report:1\"/>", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "no run element"));
	ck_assert_ptr_null(read_str("<report xmlns=\"urn:iotcert:report:1\"><run/><testcases>"
	    "<testcase id=\"a\" case=\"a\" verdict=\"MAYBE\"/></testcases></report>", err,
	    sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "known verdict"));
	ck_assert_ptr_null(report_read("/nonexistent/report.xml", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "cannot read"));

	/* A minimal report: no invocation, not interrupted, no inventory. */
	report_doc_t *d = read_str("<report xmlns=\"urn:iotcert:report:1\"><run start=\"bad\"/>"
	    "<testcases/></report>", err, sizeof(err));
	ck_assert_msg(d != NULL, "%s", err);
	ck_assert(!d->has_invocation);
	ck_assert_ptr_null(d->interrupted);
	ck_assert(!d->has_inventory);
	ck_assert_int_eq(d->start_ms, 0);
	ck_assert_uint_eq(d->n_cases, 0);
	report_doc_free(d);
	report_doc_free(NULL);
}
END_TEST

static Suite *
report_read_suite(void)
{
	Suite *s = suite_create("report_read");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_parse_time);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_kept_rewritten_verbatim);
	tcase_add_test(tc, test_refused);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(report_read_suite)
