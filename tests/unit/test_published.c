/*
 * The published-information checks (5.2-1, 5.3-13): the pure judging in
 * probes/published_judge.c (page text, contact, timescales, support dates,
 * security.txt, including hostile files: no newline, a 1 MiB line, NUL
 * bytes, CRLF, duplicate Expires), the DUT profile's `user-info:` loader
 * (every mistake at its file:line:col), and fetch_url_ok.
 */
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "load/loaders.h"
#include "load/ydoc.h"
#include "net/fetch.h"
#include "probes/published_judge.h"

#define NOW 1795000000	/* 2026-11-18 */

static char *
text_of(const char *html)
{
	return pj_text((const unsigned char *)html, strlen(html));
}

START_TEST(text_strips_html)
{
	char *t = text_of("<html><head><title>P</title><style>p{x:1}</style>"
	    "<script>var a='security@evil.example';</script></head><body>"
	    "<p>Mail <a href=\"mailto:psirt&#64;vendor.example\">us</a> &amp; more</p>"
	    "<!-- security@comment.example --><p>End</p></body></html>");
	ck_assert_ptr_nonnull(strstr(t, "[mailto:psirt@vendor.example]"));
	ck_assert_ptr_nonnull(strstr(t, "& more"));
	ck_assert_ptr_null(strstr(t, "evil"));
	ck_assert_ptr_null(strstr(t, "comment.example"));
	ck_assert_ptr_null(strstr(t, "x:1"));
	free(t);
	/* Unterminated tags, comments and scripts end the text, nothing more. */
	const char *cuts[] = { "<p", "<a href=\"x", "<!-- open", "<script>a", "&#x4", "<", "&" };
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
		free(text_of(cuts[i]));
	unsigned char nul[] = { 'a', 0, 'b', '<', 'p', 0, '>' };
	t = pj_text(nul, sizeof(nul));
	ck_assert_str_eq(t, "a b\n");
	free(t);
}
END_TEST

START_TEST(contact_forms)
{
	char s[PJ_SNIPPET_MAX + 1];
	ck_assert(pj_contact("Write to psirt@vendor.example please.", s, sizeof(s)));
	ck_assert_str_eq(s, "psirt@vendor.example");
	ck_assert(pj_contact("Report issues at https://vendor.example/security/report", s, sizeof(s)));
	ck_assert_str_eq(s, "https://vendor.example/security/report");
	ck_assert(pj_contact("Call our team: +44 20 7946 0958", s, sizeof(s)));
	ck_assert(pj_contact("Phone 020 7946 0958 any time", s, sizeof(s)));
	ck_assert(!pj_contact("Visit https://vendor.example for products.", s, sizeof(s)));
	ck_assert(!pj_contact("user@localhost or a@b.c1 or @example.com", s, sizeof(s)));
	ck_assert(!pj_contact("We fix things quickly.", s, sizeof(s)));
	ck_assert(!pj_contact("", s, sizeof(s)));
}
END_TEST

START_TEST(timelines)
{
	char s[PJ_SNIPPET_MAX + 1];
	ck_assert(pj_ack_timeline("We acknowledge reports within 5 business days.", s, sizeof(s)));
	ck_assert_str_eq(s, "We acknowledge reports within 5 business days");
	ck_assert(pj_ack_timeline("You will get a confirmation of receipt within 48 hours.", s, sizeof(s)));
	ck_assert(pj_ack_timeline("We acknowledge receipt within one week", s, sizeof(s)));
	ck_assert(!pj_ack_timeline("We acknowledge all reports. We reply in 7 languages.", s, sizeof(s)));
	ck_assert(!pj_ack_timeline("Acknowledgements: thanks to 3 researchers.", s, sizeof(s)));
	ck_assert(pj_status_timeline("We send status updates every 30 days until resolved.", s, sizeof(s)));
	ck_assert(pj_status_timeline("We will keep you informed of progress weekly.", s, sizeof(s)));
	ck_assert(!pj_status_timeline("We acknowledge within 7 days.", s, sizeof(s)));
	ck_assert(!pj_status_timeline("Security updates for 5 years.", s, sizeof(s)));
	/* Each sentence on its own: keyword and timescale must meet. */
	ck_assert(!pj_ack_timeline("We acknowledge reports. Patches ship within 90 days.", s, sizeof(s)));
}
END_TEST

START_TEST(support_dates)
{
	char s[PJ_SNIPPET_MAX + 1], iso[16];
	pj_date_t d;
	ck_assert(pj_support_end("Security updates until 31 December 2030.", &d, iso, sizeof(iso), s, sizeof(s)));
	ck_assert_str_eq(iso, "2030-12-31");
	ck_assert(pj_support_end("End of support: 2029-06-30", &d, iso, sizeof(iso), s, sizeof(s)));
	ck_assert_str_eq(iso, "2029-06-30");
	ck_assert(pj_support_end("We support it until December 2030", &d, iso, sizeof(iso), s, sizeof(s)));
	ck_assert_str_eq(iso, "2030-12-31");
	ck_assert(pj_support_end("Supported until February 2028", &d, iso, sizeof(iso), s, sizeof(s)));
	ck_assert_str_eq(iso, "2028-02-29");
	ck_assert(pj_support_end("Updates until March 1st, 2027 and support through 1st of June 2027",
	    &d, iso, sizeof(iso), s, sizeof(s)));
	ck_assert_str_eq(iso, "2027-06-01");
	/* Not a support sentence, or not a date. */
	ck_assert(!pj_support_end("Last updated 2026-01-01. Published 3 May 2025.", &d, iso,
	    sizeof(iso), s, sizeof(s)));
	ck_assert(!pj_support_end("Support until 2030-02-30 or 31 Foo 2030 or 1 May 99",
	    &d, iso, sizeof(iso), s, sizeof(s)));
	ck_assert(!pj_support_end("Supported until 12345-01-01", &d, iso, sizeof(iso), s, sizeof(s)));
	ck_assert(pj_support_period("Security updates for at least 5 years from the date of purchase.",
	    s, sizeof(s)));
	ck_assert(pj_support_period("Supported for 24 months after purchase", s, sizeof(s)));
	ck_assert(!pj_support_period("We have 5 years of history.", s, sizeof(s)));

	pj_date_t a, b;
	ck_assert(pj_parse_iso_date("2030-12-31", &a));
	ck_assert(!pj_parse_iso_date("2030-12-31x", &b));
	ck_assert(!pj_parse_iso_date("2030-1-31", &b));
	ck_assert(!pj_parse_iso_date("31 December 2030", &b));
	ck_assert(pj_parse_iso_date("2020-03-31", &b));
	ck_assert_int_eq(pj_date_cmp(&b, &a), -1);
	ck_assert_int_eq(pj_date_cmp(&a, &a), 0);
	ck_assert(pj_mentions_date("until 31 December 2030.", &a));
	ck_assert(pj_mentions_date("until December 2030.", &a));
	ck_assert(!pj_mentions_date("until 30 December 2030.", &a));
}
END_TEST

static void
sectxt(const char *p, size_t n, pj_sectxt_t *s)
{
	pj_sectxt_parse((const unsigned char *)p, n, NOW, s);
}

static bool
has_problem(const pj_sectxt_t *s, const char *frag)
{
	for (size_t i = 0; i < s->problems.n; i++)
		if (strstr(s->problems.v[i], frag))
			return true;
	return false;
}

START_TEST(sectxt_valid)
{
	pj_sectxt_t s;
	const char *f = "# comment\r\nContact: mailto:a@b.example\r\nContact: https://b.example/r\r\n"
	                "Expires: 2030-01-01T00:00:00Z\r\nPolicy: https://b.example/policy\r\n"
	                "Preferred-Languages: en";	/* no final newline */
	sectxt(f, strlen(f), &s);
	ck_assert_uint_eq(s.problems.n, 0);
	ck_assert_uint_eq(s.contacts.n, 2);
	ck_assert_str_eq(s.policies.v[0], "https://b.example/policy");
	ck_assert_str_eq(s.expires, "2030-01-01T00:00:00Z");
	ck_assert(!s.signed_pgp);
	pj_sectxt_clear(&s);

	const char *sig = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n"
	                  "Contact: mailto:a@b.example\nExpires: 2030-01-01T10:00:00.5+02:00\n"
	                  "- Policy: https://b.example/p\n-----BEGIN PGP SIGNATURE-----\n"
	                  "Contact: not read\n-----END PGP SIGNATURE-----\n";
	sectxt(sig, strlen(sig), &s);
	ck_assert(s.signed_pgp);
	ck_assert_uint_eq(s.problems.n, 0);
	ck_assert_uint_eq(s.contacts.n, 1);
	ck_assert_str_eq(s.policies.v[0], "https://b.example/p");
	pj_sectxt_clear(&s);
}
END_TEST

START_TEST(sectxt_problems)
{
	pj_sectxt_t s;
	const char *f = "Contact: mailto:a@b.example\nExpires: 2020-01-01T00:00:00Z\n"
	                "Expires: 2031-01-01T00:00:00Z\n";
	sectxt(f, strlen(f), &s);
	ck_assert(has_problem(&s, "expired on 2020-01-01T00:00:00Z"));
	ck_assert(has_problem(&s, "Expires appears more than once (lines 2 and 3)"));
	pj_sectxt_clear(&s);

	const char *g = "Contact mailto:x\nExpires: tomorrow\n";
	sectxt(g, strlen(g), &s);
	ck_assert(has_problem(&s, "line 1 is not a field"));
	ck_assert(has_problem(&s, "is not an RFC 3339"));
	ck_assert(has_problem(&s, "no Contact field"));
	pj_sectxt_clear(&s);

	sectxt("", 0, &s);
	ck_assert(has_problem(&s, "no Contact field") && has_problem(&s, "no Expires field"));
	pj_sectxt_clear(&s);

	const char nul[] = "Contact: mailto:a@b.example\nExpi\0res: 2030-01-01T00:00:00Z\n";
	sectxt(nul, sizeof(nul) - 1, &s);
	ck_assert(has_problem(&s, "NUL bytes"));
	ck_assert(has_problem(&s, "no Expires field"));
	pj_sectxt_clear(&s);

	const char *sig = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nContact: x\n";
	sectxt(sig, strlen(sig), &s);
	ck_assert(has_problem(&s, "without its signature block"));
	pj_sectxt_clear(&s);
}
END_TEST

START_TEST(sectxt_hostile)
{
	pj_sectxt_t s;
	/* A 1 MiB line with no newline at all. */
	size_t n = 1024 * 1024;
	char *big = malloc(n);
	memset(big, 'A', n);
	memcpy(big, "Contact: ", 9);
	sectxt(big, n, &s);
	ck_assert(has_problem(&s, "line 1 is longer than 2048 bytes"));
	ck_assert_uint_eq(s.contacts.n, 0);
	pj_sectxt_clear(&s);
	/* A million empty lines: cut at the line cap. */
	memset(big, '\n', n);
	sectxt(big, n, &s);
	ck_assert(has_problem(&s, "more than 10000 lines"));
	pj_sectxt_clear(&s);
	/* Random bytes, and every prefix of a valid file. */
	unsigned x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		big[i] = (char)(x >> 16);
	}
	sectxt(big, n, &s);
	ck_assert(has_problem(&s, "no Contact field"));
	pj_sectxt_clear(&s);
	const char *f = "Contact: mailto:a@b.example\r\nExpires: 2030-01-01T00:00:00Z\r\n";
	for (size_t k = 0; k <= strlen(f); k++) {
		char *cut = malloc(k ? k : 1);
		memcpy(cut, f, k);
		sectxt(cut, k, &s);
		pj_sectxt_clear(&s);
		free(cut);
	}
	/* Many Contact lines: kept to a bounded list. */
	buf_t b;
	buf_init(&b, 1 << 20);
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "Contact: mailto:a%d@b.example\nExpires: 2030-01-01T00:00:00Z\n", i);
	sectxt(b.data, b.len, &s);
	ck_assert_uint_le(s.contacts.n, 16);
	ck_assert_uint_le(s.problems.n, 16);
	pj_sectxt_clear(&s);
	buf_free(&b);
	/* Judging a megabyte of junk as page text terminates and finds nothing odd. */
	char *t = pj_text((const unsigned char *)big, n);
	char snip[PJ_SNIPPET_MAX + 1], iso[16];
	pj_date_t d;
	(void)pj_contact(t, snip, sizeof(snip));
	(void)pj_ack_timeline(t, snip, sizeof(snip));
	(void)pj_support_end(t, &d, iso, sizeof(iso), snip, sizeof(snip));
	free(t);
	free(big);
}
END_TEST

START_TEST(url_rule)
{
	ck_assert(fetch_url_ok("http://a.example/x"));
	ck_assert(fetch_url_ok("HTTPS://[::1]:8443/"));
	ck_assert(!fetch_url_ok("ftp://a.example/"));
	ck_assert(!fetch_url_ok("file:///etc/passwd"));
	ck_assert(!fetch_url_ok("http:///x"));
	ck_assert(!fetch_url_ok("http://a b/"));
	ck_assert(!fetch_url_ok("a.example/policy"));
	ck_assert(!fetch_url_ok(NULL));
}
END_TEST

#define DEV "device: {manufacturer: M, model: X, hardware-version: \"1\", " \
	"software-version: \"1\", serial: S1}\n"

static dut_t *
parse_dut(const char *yaml, diags_t *d)
{
	ydoc_t *doc = ydoc_parse("d.yaml", yaml, strlen(yaml), d);
	ck_assert_ptr_nonnull(doc);
	dut_t *t = dut_from_doc(doc, d);
	ydoc_free(doc);
	return t;
}

static void
assert_diag(const diags_t *d, int line, int col, const char *frag)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].line == line && d->v[i].col == col && strstr(d->v[i].msg, frag) &&
		    strcmp(d->v[i].file, "d.yaml") == 0)
			return;
	ck_abort_msg("no diagnostic at d.yaml:%d:%d containing \"%s\" (%zu diagnostics)",
	    line, col, frag, d->n);
}

START_TEST(userinfo_loads)
{
	diags_t d = { 0 };
	dut_t *t = parse_dut(DEV "user-info:\n"
	    "  vulnerability-disclosure: https://v.example/security\n"
	    "  support-period: http://v.example/support\n"
	    "  support-period-end: 2030-12-31\n"
	    "  security-txt: true\n", &d);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(d.errors, 0);
	ck_assert_str_eq(t->userinfo->disclosure_url, "https://v.example/security");
	ck_assert_str_eq(t->userinfo->support_url, "http://v.example/support");
	ck_assert_str_eq(t->userinfo->support_end, "2030-12-31");
	ck_assert_int_eq(t->userinfo->security_txt, 1);
	ck_assert_int_eq(t->userinfo->pos.line, 3);
	dut_free(t);
	diags_free(&d);

	d = (diags_t){ 0 };
	t = parse_dut(DEV "user-info: {}\n", &d);
	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_null(t->userinfo->disclosure_url);
	ck_assert_int_eq(t->userinfo->security_txt, -1);
	dut_free(t);
	diags_free(&d);
	dut_free(NULL);
}
END_TEST

START_TEST(userinfo_errors)
{
	diags_t d = { 0 };
	dut_t *t = parse_dut(DEV "user-info:\n"
	    "  vulnerability-disclosure: ftp://v.example/security\n"
	    "  support-period: v.example/support\n"
	    "  support-period-end: 2030-02-30\n"
	    "  security-txt: yes\n"
	    "  support-perod: x\n", &d);
	ck_assert_ptr_null(t);
	assert_diag(&d, 3, 29, "is not an http:// or https:// URL");
	assert_diag(&d, 4, 19, "is not an http:// or https:// URL");
	assert_diag(&d, 5, 23, "is not a date YYYY-MM-DD");
	assert_diag(&d, 6, 17, "expected true or false");
	assert_diag(&d, 7, 3, "unknown key 'support-perod'");
	diags_free(&d);

	d = (diags_t){ 0 };
	t = parse_dut(DEV "user-info: [a]\n", &d);
	ck_assert_ptr_null(t);
	assert_diag(&d, 2, 12, "user-info");
	diags_free(&d);

	d = (diags_t){ 0 };
	t = parse_dut(DEV "user-info:\n  support-period-end: 20301231\n", &d);
	ck_assert_ptr_null(t);
	assert_diag(&d, 3, 23, "support-period-end");
	diags_free(&d);
}
END_TEST

static Suite *
published_suite(void)
{
	Suite *s = suite_create("published");
	TCase *tc = tcase_create("judge");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, text_strips_html);
	tcase_add_test(tc, contact_forms);
	tcase_add_test(tc, timelines);
	tcase_add_test(tc, support_dates);
	tcase_add_test(tc, sectxt_valid);
	tcase_add_test(tc, sectxt_problems);
	tcase_add_test(tc, sectxt_hostile);
	tcase_add_test(tc, url_rule);
	suite_add_tcase(s, tc);
	TCase *ld = tcase_create("user-info");
	tcase_add_test(ld, userinfo_loads);
	tcase_add_test(ld, userinfo_errors);
	suite_add_tcase(s, ld);
	return s;
}

CHECK_MAIN(published_suite)
