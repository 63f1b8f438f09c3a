/*
 * Report writers end to end in memory: a fake run (two services, five case
 * results with different verdicts, findings with attributes, evidence, a
 * hostile banner) is written, parsed back with libxml2 and checked by XPath
 * against the stable contract, validated against reports/iotcert-report.xsd
 * (tests run from the repository root), and mutated to prove the schema
 * rejects what it must.
 */
#include "check_main.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "core/hash.h"
#include "core/run.h"
#include "core/util.h"
#include "report/console.h"
#include "report/escape.h"
#include "report/validate.h"
#include "report/writer.h"

#define XSD "reports/" REPORT_XSD

/* NUL, 0x01, 0xff 0xfe, invalid UTF-8, "]]>", XML specials, CR, 4-byte UTF-8. */
static const char banner[] = "\xff\xfd\x18login: \0\x01\xff\xfe" "\xc3\x28"
    "]]><&\"'\\ caf\xc3\xa9\r\n\xf0\x9f\x98\x80";
#define BANNER_LEN (sizeof(banner) - 1)
static const char password[] = "p\tw\x01<&>\"\n\xff";

/* Everything the run borrows, owned by the test. */
typedef struct world {
	target_addr_t addr;
	service_t svcs[2];
	target_t target;
	provision_t provs[4];
	scheme_t scheme;
	dut_t dut;
	tcase_t tc[5];
	char dir[64];
	char xml[128], junit[128];
	run_t *run;
} world_t;

static char *
hex_of(const char *s)
{
	char hex[SHA256_HEX_LEN];
	sha256_buf(s, strlen(s), hex);
	return xstrdup(hex);
}

static case_result_t *
add_result(world_t *w, const tcase_t *tc, const char *inst, const service_t *svc,
    verdict_t v, const char *reason)
{
	run_t *r = w->run;
	r->results = xrealloc(r->results, r->n_results + 1, sizeof(*r->results));
	case_result_t *c = &r->results[r->n_results++];
	memset(c, 0, sizeof(*c));
	c->tc = tc;
	c->instance = xstrdup(inst);
	c->svc = svc;
	c->verdict = v;
	c->reason = xstrdup(reason);
	c->ev = evidence_new();
	c->start_ms = 1795000000123LL + (int64_t)r->n_results * 1000;
	c->end_ms = c->start_ms + 250;
	return c;
}

static void
world_build(world_t *w)
{
	memset(w, 0, sizeof(*w));
	strcpy(w->addr.text, "192.0.2.10");

	service_t *telnet = &w->svcs[0], *https = &w->svcs[1];
	strcpy(telnet->transport, "tcp");
	telnet->port = 23;
	telnet->protocol = "telnet";
	telnet->how = "telnet IAC negotiation";
	telnet->banner = (char *)banner;
	telnet->banner_len = BANNER_LEN;
	telnet->addr = &w->addr;
	strcpy(https->transport, "tcp");
	https->port = 443;
	https->protocol = "https";
	https->tls = true;
	https->product = "lighttpd";
	https->version = "1.4.59";
	https->addr = &w->addr;

	w->target.host = "cam.lab";
	w->target.addrs = &w->addr;
	w->target.n_addrs = 1;
	w->target.svcs = w->svcs;
	w->target.n_svcs = w->target.cap_svcs = 2;
	w->target.ports_scanned = 1000;
	w->target.ports_closed = 990;
	w->target.ports_filtered = 8;

	static char *fws[] = { "en303645", "ts103701" };
	w->provs[0] = (provision_t){ .framework = "en303645", .edition = "3.1.3", .ref = "5.1-1", .title = "No universal default passwords", .status = "M" };
	w->provs[1] = (provision_t){ .framework = "en303645", .edition = "3.1.3", .ref = "5.6-1", .title = "Unused interfaces disabled\x1b[2J", .status = "M" };
	w->provs[2] = (provision_t){ .framework = "en303645", .edition = "3.1.3", .ref = "5.5-1", .title = "Cryptography best practice", .status = "M" };
	w->provs[3] = (provision_t){ .framework = "en303645", .edition = "3.1.3", .ref = "5.2-1", .title = "Vulnerability disclosure policy", .status = "M" };
	w->scheme.name = "en303645-baseline";
	w->scheme.title = "EN 303 645 baseline";
	w->scheme.source = "ETSI EN 303 645 V3.1.3";
	w->scheme.version = "1";
	w->scheme.frameworks = (strlist_t){ fws, 2, 2 };
	w->scheme.provisions = w->provs;
	w->scheme.n_provisions = 4;

	w->dut.manufacturer = "Acme";
	w->dut.model = "Cam <1>";
	w->dut.hw_version = "B";
	w->dut.sw_version = "2.0.1";
	w->dut.serial = "SN-0001";

	static mapping_t m_login[] = { { "en303645", "3.1.3", "5.1-1", NULL }, { "ts103701", "2.1.1", "5.1-1-2", NULL } };
	static mapping_t m_inv[] = { { "en303645", "3.1.3", "5.6-1", NULL }, { "ts103701", "2.1.1", "5.6-1-2", NULL } };
	static mapping_t m_tls[] = { { "en303645", "3.1.3", "5.5-1", NULL },
		{ "en303645", "3.1.3", "5.1-3", "carries_logins" },
		{ "en303645", "3.1.3", "5.8-1", "personal_data" } };
	static mapping_t m_upd[] = { { "en303645", "3.1.3", "5.3-2", NULL } };
	static mapping_t m_ics[] = { { "uk-psti", NULL, "Sch.1-1", NULL } };
	w->tc[0] = (tcase_t){ .id = "IOT-5.1-1-LOGIN", .title = "Default credentials rejected",
	    .maps = m_login, .n_maps = 2 };
	w->tc[1] = (tcase_t){ .id = "IOT-5.6-1-INVENTORY", .title = "Only declared services",
	    .maps = m_inv, .n_maps = 2 };
	w->tc[2] = (tcase_t){ .id = "IOT-5.5-1-TLS", .title = "TLS configuration",
	    .maps = m_tls, .n_maps = 3 };
	w->tc[3] = (tcase_t){ .id = "IOT-5.3-2-UPDATE", .title = "Update mechanism",
	    .maps = m_upd, .n_maps = 1 };
	w->tc[4] = (tcase_t){ .id = "IOT-ICS-DOC", .title = "Documentation", .kind = CASE_CONCEPTUAL,
	    .maps = m_ics, .n_maps = 1 };

	run_t *r = w->run = run_new();
	r->tool_version = xstrdup("0.1.0");
	r->start_ms = 1795000000123LL;
	r->end_ms = r->start_ms + 61000;
	r->hostname = xstrdup("labhost");
	r->command_line = xstrdup("iotcert run --scheme en303645 --dut cam.yaml cam.lab");
	r->target_host = xstrdup("cam.lab");
	r->scheme = &w->scheme;
	r->dut = &w->dut;
	r->target = &w->target;
	char *h = hex_of("case file");
	run_add_file(r, "testcases/login.yaml", h, "testcase");
	free(h);
	h = hex_of("dut file");
	run_add_file(r, "cam.yaml", h, "dut");
	free(h);
	strlist_push(&r->libraries, "libpcap version 1.10.3 (with TPACKET_V3)");
	strlist_push(&r->libraries, "OpenSSL 3.0.2");
	strlist_push(&r->libraries, "libxml2");
	r->capture.enabled = true;
	r->capture.interface = xstrdup("eth1");
	r->capture.filter = xstrdup("host 192.0.2.10");
	r->capture.received = 120;
	r->capture.captured = 118;
	r->capture.dropped = 2;
	h = hex_of("pcap");
	evref_t *e = evrefs_add(&r->evrefs, &r->n_evrefs, "capture.pcap", h, "pcap");
	e->packets = 118;

	case_result_t *c = add_result(w, &w->tc[0], "IOT-5.1-1-LOGIN@tcp/23", telnet,
	    V_FAIL, "logged in with admin/admin");
	ev_set_bool(c->ev, "login_prompt", true);
	ev_set_int(c->ev, "attempts", 3);
	ev_set_bytes(c->ev, "prompt", "login:\0\xff", 8);
	ev_list_push(c->ev, "accepted", "admin/admin");
	ev_list_push(c->ev, "accepted", "root/\x01");
	finding_t *f = ev_finding(c->ev, "default-credentials", "tcp", "telnet", 23,
	    "Logged in with a default credential pair");
	finding_attr(f, "username", "admin");
	finding_attr(f, "password", "%s", password);
	finding_attr(f, "future-attr", "kept");	/* the wildcard */
	ev_finding(c->ev, "cleartext-service", "tcp", "telnet", 23, "Telnet is open");
	ev_transcript(c->ev, "<", banner, BANNER_LEN);
	ev_transcript(c->ev, ">", "admin\r\n", 7);
	evrefs_add(&c->evrefs, &c->n_evrefs, "evidence/IOT-5.1-1-LOGIN@tcp-23.pcap", h, "pcap")->packets = 12;
	evrefs_add(&c->evrefs, &c->n_evrefs, "evidence/IOT-5.1-1-LOGIN@tcp-23.txt", h, "transcript");

	c = add_result(w, &w->tc[1], "IOT-5.6-1-INVENTORY", NULL, V_PASS, NULL);
	ev_set_int(c->ev, "open_count", 2);
	ev_list_init(c->ev, "undeclared");

	c = add_result(w, &w->tc[2], "IOT-5.5-1-TLS@tcp/443", https, V_INCONCLUSIVE,
	    "handshake timed out");
	ev_set_bool(c->ev, "carries_logins", true);	/* holds: maps 5.1-3 */
	ev_set_bool(c->ev, "personal_data", false);	/* does not: no 5.8-1 */
	f = ev_finding(c->ev, "weak-tls", "tcp", "https", 443, "TLS 1.0 offered");
	finding_attr(f, "version", "TLSv1.0");
	finding_attr(f, "key-bits", "1024");
	finding_attr(f, "self-signed", "true");
	finding_attr(f, "not-after", "2030-01-01T00:00:00Z");

	add_result(w, &w->tc[3], "IOT-5.3-2-UPDATE", NULL, V_ERROR, "probe crashed");
	c = add_result(w, &w->tc[4], "IOT-ICS-DOC", NULL, V_NOT_APPLICABLE,
	    "ICS marks Sch.1-1 N/A");
	c->start_ms = c->end_ms = 0;
	free(h);

	run_rollup(r);

	strcpy(w->dir, "/tmp/iotcert-report-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(w->dir));
	snprintf(w->xml, sizeof(w->xml), "%s/report.xml", w->dir);
	snprintf(w->junit, sizeof(w->junit), "%s/junit.xml", w->dir);
}

/* IOTCERT_KEEP_REPORT=1 keeps the files for a look (with CK_FORK=no). */
static void
world_free(world_t *w)
{
	run_free(w->run);
	if (getenv("IOTCERT_KEEP_REPORT")) {
		fprintf(stderr, "kept %s\n", w->dir);
		return;
	}
	unlink(w->xml);
	unlink(w->junit);
	char p[160];
	snprintf(p, sizeof(p), "%s/mutated.xml", w->dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/report.html", w->dir);
	unlink(p);
	ck_assert_msg(rmdir(w->dir) == 0, "%s left behind", w->dir);
}

static void
write_ok(world_t *w)
{
	char err[512] = "";
	int rc = report_write_all(w->run, w->dir, err, sizeof(err));
	ck_assert_msg(rc == 0, "write: %s", err);
}

/* XPath with prefix r bound to the report namespace. */
typedef struct xp {
	xmlDocPtr doc;
	xmlXPathContextPtr ctx;
} xp_t;

static void
xp_open(xp_t *x, const char *path)
{
	x->doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	ck_assert_msg(x->doc != NULL, "%s does not parse", path);
	x->ctx = xmlXPathNewContext(x->doc);
	xmlXPathRegisterNs(x->ctx, BAD_CAST "r", BAD_CAST REPORT_NS);
}

static void
xp_close(xp_t *x)
{
	xmlXPathFreeContext(x->ctx);
	xmlFreeDoc(x->doc);
}

static double
xp_num(xp_t *x, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, x->ctx);
	ck_assert_msg(o != NULL, "bad xpath %s", expr);
	double d = xmlXPathCastToNumber(o);
	xmlXPathFreeObject(o);
	return d;
}

/* string(expr); caller frees. */
static char *
xp_str(xp_t *x, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, x->ctx);
	ck_assert_msg(o != NULL, "bad xpath %s", expr);
	xmlChar *s = xmlXPathCastToString(o);
	xmlXPathFreeObject(o);
	char *r = xstrdup((const char *)s);
	xmlFree(s);
	return r;
}

#define XP_NUM(x, expr, want) \
	ck_assert_msg(xp_num((x), (expr)) == (want), "%s != %d", (expr), (want))
#define XP_STR(x, expr, want) do {					\
	char *s_ = xp_str((x), (expr));					\
	ck_assert_msg(strcmp(s_, (want)) == 0, "%s = \"%s\", want \"%s\"", \
	    (expr), s_, (want));					\
	free(s_);							\
} while (0)

#define TC(id) "/r:report/r:testcases/r:testcase[@id='" id "']"

START_TEST(test_xml_contract)
{
	world_t w;
	world_build(&w);
	write_ok(&w);
	xp_t x;
	xp_open(&x, w.xml);

	XP_NUM(&x, "count(/r:report)", 1);
	XP_STR(&x, "/r:report/@schema-version", "1");
	XP_NUM(&x, "count(/r:report/r:testcases/r:testcase)", 5);
	XP_NUM(&x, "count(//r:testcase[not(@id) or not(@verdict)])", 0);
	XP_STR(&x, TC("IOT-5.1-1-LOGIN@tcp/23") "/@verdict", "FAIL");
	XP_STR(&x, TC("IOT-5.1-1-LOGIN@tcp/23") "/@case", "IOT-5.1-1-LOGIN");
	XP_STR(&x, TC("IOT-5.6-1-INVENTORY") "/@verdict", "PASS");
	XP_STR(&x, TC("IOT-5.5-1-TLS@tcp/443") "/@verdict", "INCONCLUSIVE");
	XP_STR(&x, TC("IOT-5.3-2-UPDATE") "/@verdict", "ERROR");
	XP_STR(&x, TC("IOT-ICS-DOC") "/@verdict", "NOT_APPLICABLE");
	XP_STR(&x, TC("IOT-ICS-DOC") "/@assessment", "conceptual");
	XP_NUM(&x, "count(" TC("IOT-ICS-DOC") "/@start)", 0);
	XP_STR(&x, TC("IOT-5.1-1-LOGIN@tcp/23") "/r:reason", "logged in with admin/admin");
	XP_STR(&x, TC("IOT-5.1-1-LOGIN@tcp/23") "/r:service/@port", "23");
	XP_STR(&x, TC("IOT-5.1-1-LOGIN@tcp/23") "/@duration-ms", "250");
	XP_NUM(&x, "count(" TC("IOT-5.1-1-LOGIN@tcp/23") "/r:maps/r:map)", 2);

	/* Findings: inside their testcase, kind/protocol/port and attributes. */
	const char *fc = TC("IOT-5.1-1-LOGIN@tcp/23") "/r:finding[@kind='default-credentials']";
	XP_NUM(&x, "count(//r:finding)", 3);
	char expr[512];
	snprintf(expr, sizeof(expr), "%s/@protocol", fc);
	XP_STR(&x, expr, "telnet");
	snprintf(expr, sizeof(expr), "%s/@port", fc);
	XP_STR(&x, expr, "23");
	snprintf(expr, sizeof(expr), "%s/@username", fc);
	XP_STR(&x, expr, "admin");
	snprintf(expr, sizeof(expr), "%s/@future-attr", fc);
	XP_STR(&x, expr, "kept");
	snprintf(expr, sizeof(expr), "count(%s/@*)", fc);
	XP_NUM(&x, expr, 7);	/* kind protocol transport port username password future-attr */
	snprintf(expr, sizeof(expr), "string(%s)", fc);
	XP_STR(&x, expr, "Logged in with a default credential pair");
	XP_STR(&x, "//r:finding[@kind='weak-tls']/@key-bits", "1024");

	/* Fields. */
	const char *fl = TC("IOT-5.1-1-LOGIN@tcp/23") "/r:fields/r:field";
	snprintf(expr, sizeof(expr), "%s[@name='login_prompt']", fl);
	XP_STR(&x, expr, "true");
	snprintf(expr, sizeof(expr), "%s[@name='attempts']/@type", fl);
	XP_STR(&x, expr, "int");
	snprintf(expr, sizeof(expr), "%s[@name='prompt']", fl);
	XP_STR(&x, expr, "login:\\x00\\xff");
	snprintf(expr, sizeof(expr), "%s[@name='accepted']/r:item[2]", fl);
	XP_STR(&x, expr, "root/\\x01");

	/* Evidence. */
	XP_NUM(&x, "count(//r:evidence)", 3);
	XP_NUM(&x, "count(//r:evidence[string-length(@sha256) = 64 and @file])", 3);
	XP_STR(&x, TC("IOT-5.1-1-LOGIN@tcp/23") "/r:evidence[@kind='pcap']/@packets", "12");
	XP_STR(&x, "/r:report/r:environment/r:evidence/@file", "capture.pcap");

	/* Roll-ups. */
	XP_STR(&x, "//r:provision[@framework='en303645' and @ref='5.1-1']/@verdict", "FAIL");
	XP_STR(&x, "//r:provision[@framework='en303645' and @ref='5.1-1']/@findings", "2");
	XP_STR(&x, "//r:provision[@framework='en303645' and @ref='5.1-1']/r:case/@ref",
	    "IOT-5.1-1-LOGIN@tcp/23");
	XP_STR(&x, "//r:provision[@framework='en303645' and @ref='5.1-1']/r:title",
	    "No universal default passwords");
	XP_STR(&x, "//r:provision[@framework='ts103701' and @ref='5.6-1-2']/@verdict", "PASS");
	XP_STR(&x, "//r:provision[@ref='5.5-1']/@verdict", "INCONCLUSIVE");
	/* Conditional mappings: only those whose field held, marked with it. */
	XP_NUM(&x, "count(" TC("IOT-5.5-1-TLS@tcp/443") "/r:maps/r:map)", 2);
	XP_STR(&x, TC("IOT-5.5-1-TLS@tcp/443") "/r:maps/r:map[@ref='5.1-3']/@when", "carries_logins");
	XP_NUM(&x, "count(" TC("IOT-5.5-1-TLS@tcp/443") "/r:maps/r:map[@ref='5.5-1']/@when)", 0);
	XP_STR(&x, "//r:provision[@ref='5.1-3']/@verdict", "INCONCLUSIVE");
	XP_NUM(&x, "count(//r:provision[@ref='5.8-1'])", 0);
	XP_STR(&x, "//r:provision[@ref='5.2-1']/@verdict", "NOT_RUN");
	XP_STR(&x, "//r:provision[@ref='5.2-1']/@cases", "0");
	/* Not in the scheme's frameworks: no roll-up. */
	XP_NUM(&x, "count(//r:provision[@framework='uk-psti'])", 0);

	/* Run, scheme, DUT, environment, inventory, summary. */
	XP_STR(&x, "/r:report/r:run/@start", "2026-11-18T11:06:40.123Z");
	XP_STR(&x, "/r:report/r:run/@duration-ms", "61000");
	XP_NUM(&x, "count(/r:report/r:run/r:file)", 2);
	XP_STR(&x, "/r:report/r:run/r:library[@name='libpcap']/@version", "1.10.3 (with TPACKET_V3)");
	XP_NUM(&x, "count(/r:report/r:run/r:library[@name='libxml2']/@version)", 0);
	XP_NUM(&x, "count(/r:report/r:run/r:interrupted)", 0);
	XP_STR(&x, "/r:report/r:scheme/@name", "en303645-baseline");
	XP_STR(&x, "/r:report/r:dut/@source", "profile");
	XP_STR(&x, "/r:report/r:dut/@model", "Cam <1>");
	XP_STR(&x, "/r:report/r:dut/r:address", "192.0.2.10");
	XP_STR(&x, "/r:report/r:environment/r:capture/@dropped", "2");
	XP_STR(&x, "/r:report/r:inventory/@ports-scanned", "1000");
	XP_NUM(&x, "count(/r:report/r:inventory/r:service)", 2);
	XP_STR(&x, "/r:report/r:inventory/r:service[@port='443']/@tls", "true");
	XP_NUM(&x, "count(/r:report/r:inventory/r:service[@port='443']/r:banner)", 0);
	XP_STR(&x, "/r:report/r:summary/@total", "5");
	XP_STR(&x, "/r:report/r:summary/@fail", "1");
	XP_STR(&x, "/r:report/r:summary/@not-applicable", "1");
	XP_STR(&x, "/r:report/r:summary/@findings", "3");
	xp_close(&x);
	world_free(&w);
}
END_TEST

START_TEST(test_xml_validates)
{
	world_t w;
	world_build(&w);
	free(w.run->interrupted);
	w.run->interrupted = xstrdup("SIGINT received");
	write_ok(&w);
	char err[512] = "";
	ck_assert_msg(report_validate(w.xml, XSD, err, sizeof(err)) == 0, "%s", err);
	world_free(&w);
}
END_TEST

/* Device bytes come back exactly after writing, parsing and unescaping. */
static void
assert_bytes(xp_t *x, const char *expr, const char *want, size_t n)
{
	char *s = xp_str(x, expr), *back;
	size_t blen;
	ck_assert_int_eq(unescape(s, &back, &blen), 0);
	ck_assert_msg(blen == n && memcmp(back, want, n) == 0,
	    "%s: \"%s\" does not round-trip", expr, s);
	free(back);
	free(s);
}

START_TEST(test_device_bytes_round_trip)
{
	world_t w;
	world_build(&w);
	write_ok(&w);
	xp_t x;
	xp_open(&x, w.xml);
	assert_bytes(&x, "//r:inventory/r:service[@port='23']/r:banner", banner, BANNER_LEN);
	assert_bytes(&x, "//r:finding/@password", password, sizeof(password) - 1);
	const evidence_t *ev = w.run->results[0].ev;
	assert_bytes(&x, TC("IOT-5.1-1-LOGIN@tcp/23") "/r:transcript", ev->transcript,
	    ev->transcript_len);
	XP_NUM(&x, "count(//r:banner/@truncated)", 0);
	xp_close(&x);
	world_free(&w);
}
END_TEST

START_TEST(test_caps_marked)
{
	world_t w;
	world_build(&w);
	size_t n = 10000;
	char *big = xcalloc(n, 1);		/* all NULs: 4 bytes each escaped */
	w.svcs[1].banner = big;
	w.svcs[1].banner_len = n;
	evidence_t *ev = w.run->results[0].ev;
	for (int i = 0; i < 400; i++)
		ev_transcript(ev, "<", big, 64);
	write_ok(&w);
	xp_t x;
	xp_open(&x, w.xml);
	XP_STR(&x, "//r:service[@port='443']/r:banner/@truncated", "8976");	/* 1024 shown */
	XP_NUM(&x, "count(" TC("IOT-5.1-1-LOGIN@tcp/23") "/r:transcript/@truncated)", 1);
	XP_NUM(&x, "string-length(//r:service[@port='443']/r:banner) <= 4096 + 32", 1);
	xp_close(&x);
	char err[512] = "";
	ck_assert_msg(report_validate(w.xml, XSD, err, sizeof(err)) == 0, "%s", err);
	free(big);
	world_free(&w);
}
END_TEST

START_TEST(test_minimal_run_validates)
{
	/* No scheme, DUT profile, target or results: still a valid report. */
	run_t *r = run_new();
	r->start_ms = 1795000000000LL;
	r->end_ms = 0;		/* interrupted before the end was taken */
	r->interrupted = xstrdup("SIGTERM");
	r->results = xcalloc(1, sizeof(*r->results));
	static tcase_t tc = { .id = "X-1", .title = "never decided" };
	r->results[0].tc = &tc;
	r->results[0].instance = xstrdup("X-1");
	r->results[0].verdict = V_NONE;	/* a harness bug: shown as ERROR */
	r->n_results = 1;
	run_rollup(r);
	char dir[] = "/tmp/iotcert-report-XXXXXX", path[64], err[512] = "";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/report.xml", dir);
	ck_assert_msg(report_write_xml(r, path, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(report_validate(path, XSD, err, sizeof(err)) == 0, "%s", err);
	xp_t x;
	xp_open(&x, path);
	XP_STR(&x, "/r:report/r:dut/@source", "discovered");
	XP_STR(&x, "//r:testcase/@verdict", "ERROR");
	XP_STR(&x, "/r:report/r:run/r:interrupted", "SIGTERM");
	XP_NUM(&x, "count(/r:report/r:inventory)", 0);
	XP_NUM(&x, "count(/r:report/r:run/@end)", 0);
	xp_close(&x);
	unlink(path);
	rmdir(dir);
	run_free(r);
}
END_TEST

/* Each mutation breaks one rule the schema must enforce. */
static const struct {
	const char *from, *to;
} mutations[] = {
	{ "verdict=\"FAIL\"", "verdict=\"MAYBE\"" },
	{ "verdict=\"PASS\"", "verdict=\"pass\"" },
	{ "kind=\"default-credentials\"", "kind=\"Default Credentials\"" },
	{ "framework=\"en303645\"", "framework=\"EN 303 645\"" },
	{ "port=\"23\"", "port=\"0\"" },
	{ "port=\"443\"", "port=\"65536\"" },
	{ "key-bits=\"1024\"", "key-bits=\"many\"" },
	{ "<case ref=\"IOT-5.1-1-LOGIN@tcp/23\"/>", "<case ref=\"NO-SUCH-CASE\"/>" },
	{ "id=\"IOT-5.6-1-INVENTORY\"", "id=\"IOT-5.1-1-LOGIN@tcp/23\"" },
	{ "<summary ", "<summary extra=\"1\" " },
	{ "<report ", "<rapport " },
	{ "urn:iotcert:report:1", "urn:iotcert:report:2" },
	{ "<title>TLS configuration</title>", "<title>TLS configuration</title><bogus/>" },
	{ "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
	  "<?xml version=\"1.0\" encoding=\"UTF-8\"?><!DOCTYPE report [<!ENTITY e \"x\">]>" },
	{ "</report>", "" },
};

START_TEST(test_mutations_rejected)
{
	world_t w;
	world_build(&w);
	write_ok(&w);
	char *doc;
	size_t len;
	ck_assert_int_eq(read_file_capped(w.xml, 1 << 22, &doc, &len), 0);

	/* The sha256 mutation needs the actual value. */
	char *sha = strstr(doc, "sha256=\"");
	ck_assert_ptr_nonnull(sha);
	char mixed[80];
	snprintf(mixed, sizeof(mixed), "%.72s", sha);
	char *upper = xstrdup(mixed);
	for (char *p = upper + 8; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	/* Make sure at least one letter changed. */
	ck_assert_str_ne(mixed, upper);

	char path[160];
	snprintf(path, sizeof(path), "%s/mutated.xml", w.dir);
	for (size_t i = 0; i <= sizeof(mutations) / sizeof(mutations[0]); i++) {
		const char *from = i < sizeof(mutations) / sizeof(mutations[0]) ?
		    mutations[i].from : mixed;
		const char *to = i < sizeof(mutations) / sizeof(mutations[0]) ?
		    mutations[i].to : upper;
		char *at = strstr(doc, from);
		ck_assert_msg(at != NULL, "mutation %zu: \"%s\" not in report", i, from);
		FILE *f = fopen(path, "wb");
		ck_assert_ptr_nonnull(f);
		fwrite(doc, 1, (size_t)(at - doc), f);
		fputs(to, f);
		fputs(at + strlen(from), f);
		fclose(f);
		char err[512] = "";
		ck_assert_msg(report_validate(path, XSD, err, sizeof(err)) != 0,
		    "mutation %zu (%s -> %s) still validates", i, from, to);
		ck_assert_msg(err[0] != '\0', "mutation %zu: no message", i);
	}
	free(upper);
	free(doc);
	world_free(&w);
}
END_TEST

START_TEST(test_validate_errors)
{
	char err[256] = "";
	ck_assert_int_ne(report_validate("/nonexistent/report.xml", XSD, err, sizeof(err)), 0);
	ck_assert_str_ne(err, "");
	ck_assert_int_ne(report_validate(XSD, "/nonexistent.xsd", err, sizeof(err)), 0);
	ck_assert_str_ne(err, "");
}
END_TEST

START_TEST(test_bad_attribute_names)
{
	world_t w;
	world_build(&w);
	finding_t *f = &w.run->results[0].ev->findings[0];
	finding_attr(f, "bad name", "x");	/* not a name */
	finding_attr(f, "9lives", "x");
	finding_attr(f, "a:b", "x");		/* would need a prefix */
	finding_attr(f, "xmlns", "urn:evil");	/* would redeclare the namespace */
	finding_attr(f, "username", "again");	/* repeated: ill-formed */
	finding_attr(f, "port", "99");		/* fixed attribute */
	finding_attr(f, "caf\xc3\xa9", "x");	/* a valid XML name, outside our subset */
	write_ok(&w);
	xp_t x;
	xp_open(&x, w.xml);
	XP_NUM(&x, "count(//r:finding[@kind='default-credentials']/@*)", 7);
	XP_STR(&x, "//r:finding[@kind='default-credentials']/@username", "admin");
	XP_STR(&x, "//r:finding[@kind='default-credentials']/@port", "23");
	xp_close(&x);
	char err[512] = "";
	ck_assert_msg(report_validate(w.xml, XSD, err, sizeof(err)) == 0, "%s", err);
	world_free(&w);
}
END_TEST

START_TEST(test_junit)
{
	world_t w;
	world_build(&w);
	write_ok(&w);
	xp_t x;
	xp_open(&x, w.junit);
	XP_STR(&x, "/testsuite/@name", "iotcert");
	XP_STR(&x, "/testsuite/@tests", "5");
	XP_STR(&x, "/testsuite/@failures", "1");
	XP_STR(&x, "/testsuite/@errors", "1");
	XP_STR(&x, "/testsuite/@skipped", "2");
	XP_STR(&x, "/testsuite/@time", "61.000");
	XP_STR(&x, "/testsuite/@timestamp", "2026-11-18T11:06:40");
	XP_NUM(&x, "count(/testsuite/testcase)", 5);
	XP_STR(&x, "/testsuite/testcase[@name='IOT-5.1-1-LOGIN@tcp/23']/@classname",
	    "IOT-5.1-1-LOGIN");
	XP_STR(&x, "/testsuite/testcase[@name='IOT-5.1-1-LOGIN@tcp/23']/@time", "0.250");
	XP_STR(&x, "/testsuite/testcase[@name='IOT-5.1-1-LOGIN@tcp/23']/failure/@message",
	    "logged in with admin/admin");
	XP_STR(&x, "/testsuite/testcase[@name='IOT-5.3-2-UPDATE']/error/@message",
	    "probe crashed");
	XP_STR(&x, "/testsuite/testcase[@name='IOT-5.5-1-TLS@tcp/443']/skipped/@message",
	    "INCONCLUSIVE: handshake timed out");
	XP_STR(&x, "/testsuite/testcase[@name='IOT-ICS-DOC']/skipped/@message",
	    "NOT_APPLICABLE: ICS marks Sch.1-1 N/A");
	XP_NUM(&x, "count(/testsuite/testcase[@name='IOT-5.6-1-INVENTORY']/*)", 0);
	XP_NUM(&x, "count(/testsuite/testcase[@name='IOT-5.1-1-LOGIN@tcp/23']/"
	    "system-out[contains(., '[default-credentials] tcp/23 telnet: ')])", 1);
	xp_close(&x);
	world_free(&w);
}
END_TEST

START_TEST(test_registry)
{
	size_t n;
	const report_writer_t *all = report_writers(&n);
	ck_assert_uint_ge(n, 2);
	const report_writer_t *xml = report_writer_find("xml");
	ck_assert_ptr_nonnull(xml);
	ck_assert_str_eq(xml->file, "report.xml");
	ck_assert_ptr_eq(xml->write, report_write_xml);
	ck_assert_str_eq(report_writer_find("junit")->file, "junit.xml");
	ck_assert_ptr_null(report_writer_find("pdf"));
	for (size_t i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(all[i].summary);
		ck_assert_ptr_eq(report_writer_find(all[i].name), &all[i]);
	}

	world_t w;
	world_build(&w);
	write_ok(&w);
	struct stat st;
	ck_assert_int_eq(stat(w.xml, &st), 0);
	ck_assert_int_eq(stat(w.junit, &st), 0);
	char tmp[160];
	snprintf(tmp, sizeof(tmp), "%s.tmp", w.xml);
	ck_assert_int_ne(stat(tmp, &st), 0);

	char err[512] = "";
	ck_assert_int_ne(report_write_all(w.run, "/nonexistent/dir", err, sizeof(err)), 0);
	ck_assert_msg(strstr(err, "/nonexistent/dir/report.xml") != NULL, "%s", err);
	world_free(&w);
}
END_TEST

static char *
console_text(const run_t *r, bool color)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	report_console(r, f, color);
	report_console_paths("out", f);
	fclose(f);
	return text;
}

START_TEST(test_console)
{
	world_t w;
	world_build(&w);
	char *plain = console_text(w.run, false);
	ck_assert_msg(strchr(plain, '\033') == NULL, "escape codes without colour:\n%s", plain);
	ck_assert_ptr_nonnull(strstr(plain, "en303645"));
	ck_assert_ptr_nonnull(strstr(plain, "5.1-1"));
	ck_assert_ptr_nonnull(strstr(plain, "No universal default passwords"));
	ck_assert_ptr_nonnull(strstr(plain, "\\x1b[2J"));	/* title escaped */
	ck_assert_ptr_nonnull(strstr(plain, "Cases: 5 (1 PASS, 1 FAIL, 1 INCONCLUSIVE, "
	    "1 ERROR, 1 NOT_APPLICABLE, 0 NOT_RUN)"));
	ck_assert_ptr_nonnull(strstr(plain, "Evidence: capture.pcap"));
	ck_assert_ptr_nonnull(strstr(plain, "out/report.xml"));
	ck_assert_ptr_nonnull(strstr(plain, "out/junit.xml"));
	char *colored = console_text(w.run, true);
	ck_assert_ptr_nonnull(strstr(colored, "\033[1;31mFAIL\033[0m"));
	free(plain);
	free(colored);
	world_free(&w);
}
END_TEST

static Suite *
report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");
	tcase_add_test(tc, test_xml_contract);
	tcase_add_test(tc, test_xml_validates);
	tcase_add_test(tc, test_device_bytes_round_trip);
	tcase_add_test(tc, test_caps_marked);
	tcase_add_test(tc, test_minimal_run_validates);
	tcase_add_test(tc, test_mutations_rejected);
	tcase_add_test(tc, test_validate_errors);
	tcase_add_test(tc, test_bad_attribute_names);
	tcase_add_test(tc, test_junit);
	tcase_add_test(tc, test_registry);
	tcase_add_test(tc, test_console);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(report_suite)
