/*
 * report.html: a fake run with one case of every verdict, hostile device text
 * and awkward evidence names is rendered through reports/iotcert-report.xsl
 * (tests run from the repository root), parsed back with libxml2's HTML
 * parser and checked by XPath: verdict classes, escaping, relative links,
 * no script, the summary with and without scheme verdicts, the sandbox
 * around the stylesheet and the error when it is missing.
 */
#include "check_main.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <libxslt/transform.h>
#include <libxslt/xsltutils.h>

#include "core/run.h"
#include "core/util.h"
#include "report/html.h"
#include "report/writer.h"

#define XSL "reports/" REPORT_XSL
#define SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const char hostile[] = "<script>alert(1)</script> \"'& \x01\x1b[2J end";
static const char banner[] = "<script>x</script>\xff\x00login: ";

typedef struct world {
	target_addr_t addr;
	service_t svc;
	target_t target;
	provision_t provs[3];
	scheme_t scheme;
	dut_t dut;
	tcase_t tc[6];
	char dir[64];
	char html[128];
	run_t *run;
} world_t;

static const struct {
	const char *id;
	verdict_t v;
	const char *name;
} cases[] = {
	{ "IOT-PASS", V_PASS, "PASS" },
	{ "IOT-FAIL@tcp/23", V_FAIL, "FAIL" },
	{ "IOT-INC", V_INCONCLUSIVE, "INCONCLUSIVE" },
	{ "IOT-ERR", V_ERROR, "ERROR" },
	{ "IOT-NA", V_NOT_APPLICABLE, "NOT_APPLICABLE" },
	{ "IOT-NR", V_NOT_RUN, "NOT_RUN" },
};

static void
world_build(world_t *w)
{
	memset(w, 0, sizeof(*w));
	strcpy(w->addr.text, "192.0.2.10");
	strcpy(w->svc.transport, "tcp");
	w->svc.port = 23;
	w->svc.protocol = "telnet";
	w->svc.how = "telnet IAC negotiation";
	w->svc.banner = (char *)banner;
	w->svc.banner_len = sizeof(banner) - 1;
	w->svc.addr = &w->addr;
	w->target.host = "cam.lab";
	w->target.addrs = &w->addr;
	w->target.n_addrs = 1;
	w->target.svcs = &w->svc;
	w->target.n_svcs = w->target.cap_svcs = 1;
	w->target.ports_scanned = 100;
	w->target.ports_closed = 99;

	static char *fws[] = { "en303645", "ts103701" };
	w->provs[0] = (provision_t){ .framework = "en303645", .edition = "3.1.3",
	    .ref = "5.1-1", .title = "No universal default passwords", .status = "M" };
	w->provs[1] = (provision_t){ .framework = "en303645", .edition = "3.1.3",
	    .ref = "5.6-1", .title = "Unused interfaces <b>disabled</b>", .status = "M" };
	w->provs[2] = (provision_t){ .framework = "ts103701", .edition = "1.1.1",
	    .ref = "5.1-1-2", .title = "Test of 5.1-1", .status = "M" };
	w->scheme = (scheme_t){ .name = "en303645-baseline", .title = "EN 303 645 baseline",
	    .version = "1", .source = "ETSI EN 303 645 V3.1.3",
	    .frameworks = { fws, 2, 2 }, .provisions = w->provs, .n_provisions = 3 };
	w->dut.manufacturer = "Acme";
	w->dut.model = "Cam <RD-9>";
	w->dut.sw_version = "2.0.1";
	w->dut.serial = "SN-0001";

	static mapping_t m1[] = { { .framework = "en303645", .edition = "3.1.3", .ref = "5.1-1" },
	    { .framework = "ts103701", .edition = "1.1.1", .ref = "5.1-1-2" } };
	static mapping_t m2[] = { { .framework = "en303645", .edition = "3.1.3", .ref = "5.6-1" } };
	run_t *r = w->run = run_new();
	r->tool_version = xstrdup("0.1.0");
	r->start_ms = 1795000000123LL;
	r->end_ms = r->start_ms + 61000;
	r->target_host = xstrdup("cam.lab");
	r->scheme = &w->scheme;
	r->dut = &w->dut;
	r->target = &w->target;
	r->interrupted = xstrdup("SIGINT <during> cases");
	r->stop_cause = xstrdup("SIGINT");
	r->stop_phase = xstrdup("cases");
	r->stop_ms = r->start_ms + 5000;
	evrefs_add(&r->evrefs, &r->n_evrefs, "evidence/run.pcap", SHA, "pcap");

	r->results = xcalloc(ARRAY_LEN(cases), sizeof(*r->results));
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		w->tc[i] = (tcase_t){ .id = (char *)cases[i].id, .title = "A title",
		    .maps = i % 2 ? m1 : m2, .n_maps = i % 2 ? 2 : 1 };
		case_result_t *c = &r->results[r->n_results++];
		c->tc = &w->tc[i];
		c->instance = xstrdup(cases[i].id);
		c->verdict = cases[i].v;
		c->reason = xstrdup(cases[i].v == V_FAIL ? hostile : "why");
		c->ev = evidence_new();
	}
	case_result_t *fail = &r->results[1];
	fail->svc = &w->svc;
	finding_t *f = ev_finding(fail->ev, "default-credentials", "tcp", "telnet", 23,
	    "Logged in <as> admin");
	finding_attr(f, "username", "admin");
	finding_attr(f, "severity", "high");
	ev_transcript(fail->ev, "<", banner, sizeof(banner) - 1);
	/* Names a device cannot choose today, but the href must survive them. */
	evrefs_add(&fail->evrefs, &fail->n_evrefs, "evidence/a b#c?d%e.pcap", SHA, "pcap");
	evrefs_add(&fail->evrefs, &fail->n_evrefs, "javascript:alert(1)", SHA, "transcript");
	run_rollup(r);

	strcpy(w->dir, "/tmp/iotcert-html-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(w->dir));
	snprintf(w->html, sizeof(w->html), "%s/report.html", w->dir);
}

/* Empties and removes the scratch directory (IOTCERT_KEEP_REPORT keeps it). */
static void
world_free(world_t *w)
{
	run_free(w->run);
	if (getenv("IOTCERT_KEEP_REPORT")) {
		fprintf(stderr, "kept %s\n", w->dir);
		return;
	}
	DIR *d = opendir(w->dir);
	for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char p[512];
		snprintf(p, sizeof(p), "%s/%s", w->dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(w->dir);
}

/* The names in the scratch directory, sorted, space separated. */
static char *
dir_list(const char *dir)
{
	struct dirent **v;
	int n = scandir(dir, &v, NULL, alphasort);
	ck_assert_int_ge(n, 0);
	strlist_t l = { 0 };
	for (int i = 0; i < n; i++) {
		if (strcmp(v[i]->d_name, ".") != 0 && strcmp(v[i]->d_name, "..") != 0)
			strlist_push(&l, v[i]->d_name);
		free(v[i]);
	}
	free(v);
	char *s = strlist_join(&l, " ");
	strlist_free(&l);
	return s;
}

typedef struct hp {
	htmlDocPtr doc;
	xmlXPathContextPtr ctx;
} hp_t;

static void
hp_open(hp_t *h, const char *path)
{
	h->doc = htmlReadFile(path, "UTF-8",
	    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	ck_assert_msg(h->doc != NULL, "%s does not parse as HTML", path);
	h->ctx = xmlXPathNewContext(h->doc);
}

static void
hp_close(hp_t *h)
{
	xmlXPathFreeContext(h->ctx);
	xmlFreeDoc(h->doc);
}

static double
hp_num(hp_t *h, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, h->ctx);
	ck_assert_msg(o != NULL, "bad xpath %s", expr);
	double d = xmlXPathCastToNumber(o);
	xmlXPathFreeObject(o);
	return d;
}

static char *
hp_str(hp_t *h, const char *expr)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, h->ctx);
	ck_assert_msg(o != NULL, "bad xpath %s", expr);
	xmlChar *s = xmlXPathCastToString(o);
	xmlXPathFreeObject(o);
	char *r = xstrdup((const char *)s);
	xmlFree(s);
	return r;
}

#define HP_NUM(h, expr, want) do {					\
	double d_ = hp_num((h), (expr));				\
	ck_assert_msg(d_ == (want), "%s = %g, want %d", (expr), d_, (want)); \
} while (0)
#define HP_STR(h, expr, want) do {					\
	char *s_ = hp_str((h), (expr));					\
	ck_assert_msg(strcmp(s_, (want)) == 0, "%s = \"%s\", want \"%s\"", \
	    (expr), s_, (want));					\
	free(s_);							\
} while (0)

#define HAS_CLASS(c) "contains(concat(' ', @class, ' '), ' " c " ')"

static void
render(world_t *w, hp_t *h)
{
	char err[512] = "";
	int rc = report_write_html_with(w->run, w->html, XSL, err, sizeof(err));
	ck_assert_msg(rc == 0, "render: %s", err);
	hp_open(h, w->html);
}

START_TEST(test_every_verdict_has_its_class)
{
	world_t w;
	world_build(&w);
	hp_t h;
	render(&w, &h);
	char e[512];
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		snprintf(e, sizeof(e), "count(//tr[" HAS_CLASS("tc") "][@data-id='%s']"
		    "[" HAS_CLASS("v-%s") "])", cases[i].id, cases[i].name);
		HP_NUM(&h, e, 1);
		snprintf(e, sizeof(e), "string(//tr[@data-id='%s']//span[" HAS_CLASS("verdict") "])",
		    cases[i].id);
		HP_STR(&h, e, cases[i].name);
		/* The detail section the overview row links to. */
		snprintf(e, sizeof(e), "count(//article[@id = substring-after("
		    "//tr[@data-id='%s']//a/@href, '#')][" HAS_CLASS("v-%s") "])",
		    cases[i].id, cases[i].name);
		HP_NUM(&h, e, 1);
		snprintf(e, sizeof(e), "count(//div[" HAS_CLASS("count") "][" HAS_CLASS("v-%s") "])",
		    cases[i].name);
		HP_NUM(&h, e, 1);
	}
	HP_STR(&h, "string(//span[" HAS_CLASS("dut-model") "])", "Acme Cam <RD-9>");
	HP_STR(&h, "string(//dd[" HAS_CLASS("model") "])", "Cam <RD-9>");
	/* The DOCTYPE is HTML5's and the page asks for nothing from outside. */
	ck_assert_ptr_nonnull(h.doc->intSubset);
	ck_assert_ptr_null(h.doc->intSubset->ExternalID);
	HP_NUM(&h, "count(//script | //link | //img | //iframe | //object | //embed | //@src)", 0);
	HP_NUM(&h, "count(//style)", 1);
	HP_NUM(&h, "count(//@*[starts-with(name(), 'on')])", 0);
	/* Provisions: one row each, linked to their cases. */
	HP_NUM(&h, "count(//tr[" HAS_CLASS("prov") "])", (int)w.run->n_rollups);
	HP_NUM(&h, "count(//table[" HAS_CLASS("provisions") "])", 2);
	HP_STR(&h, "//tr[@data-framework='en303645'][@data-ref='5.1-1']//span[" HAS_CLASS("verdict") "]",
	    "FAIL");
	HP_STR(&h, "//tr[@data-ref='5.6-1']/td[2]", "Unused interfaces <b>disabled</b>");
	HP_NUM(&h, "count(//tr[@data-ref='5.1-1']//a[" HAS_CLASS("case-link") "])", 3);
	HP_NUM(&h, "count(//tr[@data-ref='5.1-1']//a[not(starts-with(@href, '#'))])", 0);
	/* Run notes and summary without scheme verdicts. */
	HP_NUM(&h, "count(//p[" HAS_CLASS("interrupted") "])", 1);
	HP_NUM(&h, "count(//*[" HAS_CLASS("scheme-verdict") "])", 0);
	HP_STR(&h, "string(//div[" HAS_CLASS("total") "]/span)", "6");
	HP_NUM(&h, "count(//details[" HAS_CLASS("transcript") "])", 1);
	HP_NUM(&h, "count(//span[" HAS_CLASS("sev-high") "])", 1);
	HP_NUM(&h, "count(//tr[" HAS_CLASS("svc") "][@data-port='23'])", 1);
	hp_close(&h);
	/* Written atomically, nothing else left beside it. */
	char *ls = dir_list(w.dir);
	ck_assert_str_eq(ls, "report.html");
	free(ls);
	world_free(&w);
}
END_TEST

START_TEST(test_hostile_text_is_escaped)
{
	world_t w;
	world_build(&w);
	hp_t h;
	render(&w, &h);
	/* Text, never markup: no element came from the device. */
	HP_NUM(&h, "count(//script)", 0);
	HP_NUM(&h, "count(//b)", 0);
	HP_NUM(&h, "count(//body//*[local-name() = 'during' or local-name() = 'as'])", 0);
	HP_STR(&h, "string(//tr[@data-id='IOT-FAIL@tcp/23']/td[" HAS_CLASS("reason") "])",
	    "<script>alert(1)</script> \"'& \\x01\\x1b[2J end");
	HP_STR(&h, "string(//p[" HAS_CLASS("interrupted") "])",
	    "The run was interrupted (SIGINT) during cases at 2026-11-18 11:06:45 UTC: "
	    "SIGINT <during> cases Results not final are NOT_RUN.");
	char *t = hp_str(&h, "string(//details[" HAS_CLASS("transcript") "]/pre)");
	ck_assert_msg(strstr(t, "<script>x</script>\\xff\\x00login: ") != NULL, "transcript: %s", t);
	free(t);
	hp_close(&h);
	/* No control byte reaches the page raw. */
	FILE *f = fopen(w.html, "rb");
	ck_assert_ptr_nonnull(f);
	int ch;
	while ((ch = fgetc(f)) != EOF)
		ck_assert_msg(ch >= 0x20 || ch == '\n' || ch == '\t' || ch == '\r',
		    "control byte 0x%02x in the page", ch);
	fclose(f);
	world_free(&w);
}
END_TEST

START_TEST(test_evidence_links_relative_and_encoded)
{
	world_t w;
	world_build(&w);
	hp_t h;
	render(&w, &h);
	HP_NUM(&h, "count(//a[" HAS_CLASS("evidence") "])", 3);
	HP_NUM(&h, "count(//a[" HAS_CLASS("evidence") "][not(starts-with(@href, './'))])", 0);
	HP_STR(&h, "//a[@data-file='evidence/run.pcap']/@href", "./evidence/run.pcap");
	HP_STR(&h, "//a[@data-file='evidence/a b#c?d%e.pcap']/@href",
	    "./evidence/a%20b%23c%3Fd%25e.pcap");
	HP_STR(&h, "//a[@data-file='javascript:alert(1)']/@href", "./javascript%3Aalert(1)");
	HP_STR(&h, "//a[@data-file='evidence/run.pcap']/../../td[" HAS_CLASS("hash") "]", SHA);
	hp_close(&h);
	world_free(&w);
}
END_TEST

/* Applies the stylesheet to a report written by hand; the HTML, parsed. */
static htmlDocPtr
render_xml(const char *xml, const char *xsl_path)
{
	xmlDocPtr in = xmlReadMemory(xml, (int)strlen(xml), "in.xml", NULL, XML_PARSE_NONET);
	ck_assert_ptr_nonnull(in);
	xsltStylesheetPtr s = xsltParseStylesheetFile(BAD_CAST xsl_path);
	ck_assert_ptr_nonnull(s);
	xmlDocPtr out = xsltApplyStylesheet(s, in, NULL);
	ck_assert_ptr_nonnull(out);
	xmlChar *txt = NULL;
	int len = 0;
	ck_assert_int_eq(xsltSaveResultToString(&txt, &len, out, s), 0);
	htmlDocPtr h = htmlReadMemory((const char *)txt, len, "out.html", "UTF-8",
	    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	xmlFree(txt);
	xmlFreeDoc(out);
	xsltFreeStylesheet(s);
	xmlFreeDoc(in);
	return h;
}

static const char schemes_report[] =
    "<report xmlns='urn:iotcert:report:1' schema-version='1'>"
    "<run tool='iotcert' version='0.1.0' start='2026-11-18T11:06:40.123Z' future='x'/>"
    "<scheme name='s'><framework name='uk-psti' rule='all' file='f.yaml' sha256='" SHA "'>"
    "<title>PSTI &lt;i&gt;Schedule&lt;/i&gt; 1</title></framework></scheme>"
    "<dut source='discovered' host='192.0.2.1'/>"
    "<environment><capture enabled='false'/></environment>"
    "<testcases><testcase id='A' case='A' verdict='FAIL' assessment='functional'/></testcases>"
    "<provisions><provision framework='uk-psti' ref='Sch.1-1' verdict='FAIL' cases='1' findings='0'"
    " pass='0' fail='1' inconclusive='0' error='0' not-applicable='0' not-run='0'><case ref='A'/></provision>"
    "<provision framework='uk-psti' ref='Sch.1-2' verdict='NOT_APPLICABLE' cases='0' findings='0' status='M'"
    " pass='0' fail='0' inconclusive='0' error='0' not-applicable='0' not-run='0'>"
    "<justification>no &lt;b&gt;passwords&lt;/b&gt;</justification></provision></provisions>"
    "<categories><category framework='uk-psti' ref='Sch.1' verdict='FAIL'"
    " pass='0' fail='1' inconclusive='0' error='0' not-applicable='1' not-run='0'/></categories>"
    "<schemes>"
    "<scheme-verdict framework='uk-psti' verdict='NOT_COMPLIANT' level='' colour='blue'>"
    "<title>UK PSTI Regulations 2023, Schedule 1</title><reason>Sch.1-1 FAIL (passwords)</reason>"
    "<requirement framework='uk-psti' ref='Sch.1-1' verdict='FAIL'/><unknown-child/></scheme-verdict>"
    "<scheme-verdict framework='sg-cls' verdict='COMPLIANT' level='L1'><title>CLS</title></scheme-verdict>"
    "<scheme-verdict framework='en303645' verdict='INCOMPLETE'/>"
    "</schemes>"
    "<summary total='1' pass='0' fail='1' inconclusive='0' error='0' not-applicable='0' not-run='0'/>"
    "</report>";

START_TEST(test_scheme_verdicts)
{
	hp_t h;
	h.doc = render_xml(schemes_report, XSL);
	ck_assert_ptr_nonnull(h.doc);
	h.ctx = xmlXPathNewContext(h.doc);
	HP_NUM(&h, "count(//div[" HAS_CLASS("scheme-verdict") "])", 3);
	HP_STR(&h, "//div[@data-framework='uk-psti']/h3", "UK PSTI Regulations 2023, Schedule 1");
	HP_NUM(&h, "count(//div[@data-framework='uk-psti'][" HAS_CLASS("s-NOT_COMPLIANT") "])", 1);
	HP_NUM(&h, "count(//div[@data-framework='sg-cls'][" HAS_CLASS("s-COMPLIANT") "])", 1);
	HP_STR(&h, "string(//div[@data-framework='sg-cls']//span[" HAS_CLASS("level") "])", "level L1");
	HP_NUM(&h, "count(//div[@data-framework='uk-psti']//span[" HAS_CLASS("level") "])", 0);
	HP_NUM(&h, "count(//div[@data-framework='en303645'][" HAS_CLASS("s-INCOMPLETE") "])", 1);
	HP_STR(&h, "//div[@data-framework='en303645']/h3", "ETSI EN 303 645");
	HP_STR(&h, "string(//div[@data-framework='uk-psti']//p[" HAS_CLASS("reason") "])",
	    "Sch.1-1 FAIL (passwords)");
	/* The requirement links to the provision's row. */
	HP_NUM(&h, "count(//ul[" HAS_CLASS("reqs") "]/li/a[substring-after(@href, '#') = "
	    "//tr[@data-ref='Sch.1-1']/@id])", 1);
	HP_NUM(&h, "count(//p[" HAS_CLASS("overall") "])", 0);
	/* The scheme's own framework title, categories, ICS justifications. */
	HP_STR(&h, "normalize-space(//h3[@data-framework='uk-psti'])", "PSTI <i>Schedule</i> 1 (uk-psti)");
	HP_NUM(&h, "count(//span[" HAS_CLASS("cat") "][@data-ref='Sch.1'][" HAS_CLASS("v-FAIL") "])", 1);
	HP_STR(&h, "string(//tr[@data-ref='Sch.1-2']//div[" HAS_CLASS("just") "])",
	    "Not applicable per the ICS: no <b>passwords</b>");
	HP_NUM(&h, "count(//i | //b)", 0);
	HP_NUM(&h, "count(//p[" HAS_CLASS("capture") "])", 1);
	hp_close(&h);
}
END_TEST

/* A sheet that tries to read a file or write one must fail, not leak. */
START_TEST(test_stylesheet_sandboxed)
{
	char dir[] = "/tmp/iotcert-html-xsl-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *xsl = xasprintf("%s/evil.xsl", dir);
	char *out = xasprintf("%s/report.html", dir);
	char *dropped = xasprintf("%s/dropped.txt", dir);
	static const char *const bodies[] = {
	    "<xsl:value-of select=\"document('/etc/hostname')\"/>",
	    "<xsl:document href='DROPPED'><x/></xsl:document>",
	};
	for (size_t i = 0; i < ARRAY_LEN(bodies); i++) {
		char *body = xstrdup(bodies[i]);
		char *at = strstr(body, "DROPPED");
		char *b2 = at ? xasprintf("%.*s%s%s", (int)(at - body), body, dropped,
		    at + 7) : xstrdup(body);
		FILE *f = fopen(xsl, "w");
		ck_assert_ptr_nonnull(f);
		fprintf(f, "<xsl:stylesheet version='1.0' "
		    "xmlns:xsl='http://www.w3.org/1999/XSL/Transform'>"
		    "<xsl:template match='/'><html><body>%s</body></html></xsl:template>"
		    "</xsl:stylesheet>", b2);
		fclose(f);
		world_t w;
		world_build(&w);
		char err[512] = "";
		int rc = report_write_html_with(w.run, out, xsl, err, sizeof(err));
		if (getenv("IOTCERT_KEEP_REPORT"))
			fprintf(stderr, "sheet %zu: %s\n", i, err);
		ck_assert_msg(rc != 0, "sheet %zu was allowed I/O", i);
		ck_assert_msg(strstr(err, "refused") != NULL, "err: %s", err);
		ck_assert_int_ne(access(dropped, F_OK), 0);
		ck_assert_int_ne(access(out, F_OK), 0);
		world_free(&w);
		free(body);
		free(b2);
	}
	unlink(xsl);
	rmdir(dir);
	free(xsl);
	free(out);
	free(dropped);
}
END_TEST

/* A sheet that is not XML, or not XSLT, is an error naming it. */
START_TEST(test_broken_stylesheet)
{
	static const char *const sheets[] = { "<xsl:stylesheet", "<x/>" };
	char dir[] = "/tmp/iotcert-html-bad-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *xsl = xasprintf("%s/bad.xsl", dir);
	for (size_t i = 0; i < ARRAY_LEN(sheets); i++) {
		FILE *f = fopen(xsl, "w");
		ck_assert_ptr_nonnull(f);
		fputs(sheets[i], f);
		fclose(f);
		world_t w;
		world_build(&w);
		char err[512] = "";
		ck_assert_int_ne(report_write_html_with(w.run, w.html, xsl, err, sizeof(err)), 0);
		ck_assert_msg(strstr(err, xsl) != NULL, "err: %s", err);
		ck_assert_int_ne(access(w.html, F_OK), 0);
		world_free(&w);
	}
	unlink(xsl);
	rmdir(dir);
	free(xsl);
}
END_TEST

START_TEST(test_missing_stylesheet)
{
	world_t w;
	world_build(&w);
	char err[512] = "";
	ck_assert_int_ne(report_write_html_with(w.run, w.html, "/nonexistent/x.xsl",
	    err, sizeof(err)), 0);
	ck_assert_msg(strstr(err, "/nonexistent/x.xsl") != NULL, "err: %s", err);
	ck_assert_msg(strstr(err, "No such file") != NULL, "err: %s", err);

	/* Through the data directory and the whole table: the path tried is
	 * named, and the other formats are written all the same. */
	setenv("IOTCERT_DATA", "/nonexistent-data", 1);
	char *p = report_html_stylesheet();
	ck_assert_str_eq(p, "/nonexistent-data/reports/" REPORT_XSL);
	free(p);
	err[0] = '\0';
	ck_assert_int_ne(report_write_all(w.run, w.dir, err, sizeof(err)), 0);
	unsetenv("IOTCERT_DATA");
	ck_assert_msg(strstr(err, "html report: stylesheet /nonexistent-data/reports/"
	    REPORT_XSL) != NULL, "err: %s", err);
	char p2[160];
	snprintf(p2, sizeof(p2), "%s/report.xml", w.dir);
	ck_assert_int_eq(access(p2, F_OK), 0);
	snprintf(p2, sizeof(p2), "%s/junit.xml", w.dir);
	ck_assert_int_eq(access(p2, F_OK), 0);
	ck_assert_int_ne(access(w.html, F_OK), 0);
	char *ls = dir_list(w.dir);
	ck_assert_msg(strstr(ls, ".tmp") == NULL && strstr(ls, ".xml-") == NULL, "left: %s", ls);
	free(ls);
	/* From the checkout, the in-tree sheet. */
	p = report_html_stylesheet();
	ck_assert_str_eq(p, XSL);
	free(p);
	world_free(&w);
}
END_TEST

static Suite *
html_suite(void)
{
	Suite *s = suite_create("html_writer");
	TCase *tc = tcase_create("html");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_every_verdict_has_its_class);
	tcase_add_test(tc, test_hostile_text_is_escaped);
	tcase_add_test(tc, test_evidence_links_relative_and_encoded);
	tcase_add_test(tc, test_scheme_verdicts);
	tcase_add_test(tc, test_stylesheet_sandboxed);
	tcase_add_test(tc, test_broken_stylesheet);
	tcase_add_test(tc, test_missing_stylesheet);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(html_suite)
