/*
 * The HTTP/1.1 client: head parsing, Content-Length / chunked / close-framed
 * bodies (whole and byte by byte), caps, hostile framing, URLs, and the
 * deadline-bound fetch against a loopback server (including one that never
 * answers and one that never stops).
 */
#include "check_main.h"
#include "core/target.h"
#include "core/util.h"
#include "net/http.h"
#include "test_http_srv.h"

#include <string.h>

static int
parse(const char *s, bool eof, size_t cap, http_resp_t *r, char *err)
{
	return http_parse_response((const uint8_t *)s, strlen(s), eof, false, cap, r, err, 128);
}

START_TEST(head_end)
{
	ck_assert_uint_eq(http_head_end((const uint8_t *)"HTTP/1.1 200 OK\r\n\r\nX", 20), 19);
	ck_assert_uint_eq(http_head_end((const uint8_t *)"HTTP/1.1 200 OK\n\nX", 18), 17);
	ck_assert_uint_eq(http_head_end((const uint8_t *)"HTTP/1.1 200 OK\r\nA: b\r\n", 23), 0);
	ck_assert_uint_eq(http_head_end((const uint8_t *)"", 0), 0);
}
END_TEST

START_TEST(content_length)
{
	http_resp_t r;
	char err[128];
	ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\nServer:  lighttpd/1.4.59 \r\n"
	    "content-length: 5\r\nX-Empty:\r\n\r\nhelloEXTRA", false, 0, &r, err), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(r.minor, 1);
	ck_assert_str_eq(r.reason, "OK");
	ck_assert_str_eq(http_resp_header(&r, "SERVER"), "lighttpd/1.4.59");
	ck_assert_str_eq(http_resp_header(&r, "x-empty"), "");
	ck_assert_ptr_null(http_resp_header(&r, "Location"));
	ck_assert_uint_eq(r.body_len, 5);
	ck_assert_str_eq((char *)r.body, "hello");
	ck_assert(r.complete);
	ck_assert(!r.truncated);
	http_resp_clear(&r);
	http_resp_clear(NULL);

	/* Not all there yet, then cut short by the close. */
	ck_assert_int_eq(parse("HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nabc", false, 0, &r, err), 1);
	ck_assert_int_eq(parse("HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nabc", true, 0, &r, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "closed"));
}
END_TEST

START_TEST(bare_lf_and_odd_lines)
{
	http_resp_t r;
	char err[128];
	ck_assert_int_eq(parse("HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Basic realm=\"x\"\n"
	    " folded continuation\nno colon here\n: empty name\nContent-Length: 2\n\nok",
	    false, 0, &r, err), 0);
	ck_assert_int_eq(r.status, 401);
	ck_assert_str_eq(http_resp_header(&r, "www-authenticate"), "Basic realm=\"x\"");
	ck_assert_uint_eq(r.n_headers, 2);
	ck_assert_str_eq((char *)r.body, "ok");
	http_resp_clear(&r);
	/* No reason phrase at all. */
	ck_assert_int_eq(parse("HTTP/1.1 204\r\n\r\n", false, 0, &r, err), 0);
	ck_assert_int_eq(r.status, 204);
	ck_assert_str_eq(r.reason, "");
	ck_assert_uint_eq(r.body_len, 0);
	ck_assert_ptr_nonnull(r.body);
	http_resp_clear(&r);
}
END_TEST

START_TEST(not_http)
{
	http_resp_t r;
	char err[128];
	ck_assert_int_eq(parse("SSH-2.0-dropbear\r\n\r\n", false, 0, &r, err), -1);
	ck_assert_int_eq(parse("HTTP/2 200\r\n\r\n", false, 0, &r, err), -1);
	ck_assert_int_eq(parse("HTTP/1.1 20x OK\r\n\r\n", false, 0, &r, err), -1);
	ck_assert_int_eq(parse("HTTP/1.1 099 Low\r\n\r\n", false, 0, &r, err), -1);
	ck_assert_int_eq(parse("HTTP/1.1 200OK\r\n\r\n", false, 0, &r, err), -1);
	ck_assert_int_eq(parse("HTTP/1.1 200 OK", true, 0, &r, err), -1);
	ck_assert_int_eq(parse("HTTP/1.1 200 OK", false, 0, &r, err), 1);
}
END_TEST

START_TEST(framing_conflicts)
{
	http_resp_t r;
	char err[128];
	ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
	    false, 0, &r, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "conflicting"));
	ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", false, 0, &r, err), -1);
	ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n", false, 0, &r, err), -1);
	ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
	    false, 0, &r, err), -1);
	/* Equal duplicates are fine. */
	ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab",
	    false, 0, &r, err), 0);
	http_resp_clear(&r);
	/* Transfer-Encoding wins over Content-Length. */
	ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked"
	    "\r\n\r\n2\r\nab\r\n0\r\n\r\n", false, 0, &r, err), 0);
	ck_assert_str_eq((char *)r.body, "ab");
	http_resp_clear(&r);
	/* A last coding that is not chunked: the body runs to the close. */
	ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nzz",
	    false, 0, &r, err), 1);
	ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked \r\n\r\n"
	    "1\r\nz\r\n0\r\n\r\n", false, 0, &r, err), 0);
	ck_assert_str_eq((char *)r.body, "z");
	http_resp_clear(&r);
}
END_TEST

static const char chunked[] =
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5;name=value;x=\"q\"\r\nhello\r\n"
    "000000000000000000000000007 \r\n, world\r\n"
    "A\nabcdefghij\n"
    "0\r\nX-Trailer: yes\r\n\r\n";

START_TEST(chunked_whole_and_bytewise)
{
	http_resp_t r;
	char err[128];
	ck_assert_int_eq(parse(chunked, false, 0, &r, err), 0);
	ck_assert_str_eq((char *)r.body, "hello, worldabcdefghij");
	ck_assert(r.complete);
	http_resp_clear(&r);

	/* The same, fed to the decoder one byte at a time. */
	const uint8_t *p = (const uint8_t *)chunked;
	size_t he = http_head_end(p, sizeof(chunked) - 1);
	ck_assert_int_eq(http_parse_head(p, he, &r, err, sizeof(err)), 0);
	http_body_t b;
	http_body_init(&b, &r, false, 0);
	http_body_rc_t rc = HTTP_BODY_MORE;
	size_t i = he, used;
	while (rc == HTTP_BODY_MORE && i < sizeof(chunked) - 1) {
		rc = http_body_feed(&b, p + i, 1, &used);
		i += used;
	}
	ck_assert_int_eq(rc, HTTP_BODY_DONE);
	ck_assert_uint_eq(i, sizeof(chunked) - 1);
	http_body_finish(&b, &r, true);
	ck_assert_str_eq((char *)r.body, "hello, worldabcdefghij");
	http_resp_clear(&r);
}
END_TEST

START_TEST(chunked_hostile)
{
	static const char *const bad[] = {
		"fffffffffffffffff\r\n",		/* 17 hex digits */
		"ffffffffffffffffffffffff\r\nabc",	/* what refdev's bad-chunked sends */
		"zz\r\n",
		"\r\n",
		";ext\r\n",
		"5 x\r\nhello\r\n0\r\n\r\n",
		"5\rX\nhello\r\n0\r\n\r\n",
		"5\r\nhelloXX0\r\n\r\n",
		"5;\x01\r\nhello\r\n0\r\n\r\n",
		"-5\r\n",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char *msg = xasprintf("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%s", bad[i]);
		http_resp_t r;
		char err[128] = "";
		ck_assert_msg(parse(msg, true, 0, &r, err) == -1, "accepted chunk framing #%zu", i);
		ck_assert_msg(err[0] != '\0', "no reason for #%zu", i);
		free(msg);
	}
	/* A chunk-size line longer than the bound, made of a legal extension. */
	char *ext = xcalloc(HTTP_CHUNK_LINE_MAX + 64, 1);
	memset(ext, 'e', HTTP_CHUNK_LINE_MAX + 10);
	char *msg = xasprintf("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;%s\r\nx\r\n0\r\n\r\n", ext);
	http_resp_t r;
	char err[128];
	ck_assert_int_eq(parse(msg, true, 0, &r, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "too long"));
	free(msg);
	free(ext);
	/* 15 significant hex digits are allowed; the data simply never comes. */
	ck_assert_int_eq(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "fffffffffffffff\r\nabc", false, 0, &r, err), 1);
}
END_TEST

START_TEST(body_caps)
{
	http_resp_t r;
	char err[128];
	char *big = xcalloc(5000, 1);
	memset(big, 'b', 4000);
	char *msg = xasprintf("HTTP/1.1 200 OK\r\nContent-Length: 4000\r\n\r\n%s", big);
	ck_assert_int_eq(parse(msg, false, 100, &r, err), 0);
	ck_assert_uint_eq(r.body_len, 100);
	ck_assert(r.truncated);
	ck_assert(!r.complete);
	http_resp_clear(&r);
	free(msg);
	/* Chunked past the cap: stops at the cap without waiting for the rest. */
	msg = xasprintf("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfa0\r\n%s", big);
	ck_assert_int_eq(parse(msg, false, 64, &r, err), 0);
	ck_assert_uint_eq(r.body_len, 64);
	ck_assert(r.truncated);
	http_resp_clear(&r);
	free(msg);
	/* Close-delimited: complete only at EOF, capped all the same. */
	msg = xasprintf("HTTP/1.1 200 OK\r\n\r\n%s", big);
	ck_assert_int_eq(parse(msg, false, 0, &r, err), 1);
	ck_assert_int_eq(parse(msg, true, 0, &r, err), 0);
	ck_assert_uint_eq(r.body_len, 4000);
	ck_assert(r.complete);
	http_resp_clear(&r);
	ck_assert_int_eq(parse(msg, true, 10, &r, err), 0);
	ck_assert_uint_eq(r.body_len, 10);
	http_resp_clear(&r);
	free(msg);
	free(big);
}
END_TEST

START_TEST(no_body_cases)
{
	http_resp_t r;
	char err[128];
	const char *h = "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n";
	ck_assert_int_eq(http_parse_response((const uint8_t *)h, strlen(h), false, true, 0, &r,
	    err, sizeof(err)), 0);
	ck_assert_uint_eq(r.body_len, 0);
	http_resp_clear(&r);
	ck_assert_int_eq(parse("HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n",
	    false, 0, &r, err), 0);
	http_resp_clear(&r);
	/* Interim responses are skipped. */
	ck_assert_int_eq(parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n"
	    "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n!", false, 0, &r, err), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq((char *)r.body, "!");
	http_resp_clear(&r);
}
END_TEST

START_TEST(head_caps)
{
	http_resp_t r;
	char err[128];
	/* A head that never ends within the cap. */
	char *huge = xcalloc(HTTP_HEAD_CAP + 100, 1);
	memcpy(huge, "HTTP/1.1 200 OK\r\n", 17);
	memset(huge + 17, 'h', HTTP_HEAD_CAP + 50);
	ck_assert_int_eq(parse(huge, false, 0, &r, err), -1);
	free(huge);
	/* Many headers: the first HTTP_MAX_HEADERS are kept. */
	buf_t b;
	buf_init(&b, HTTP_HEAD_CAP);
	buf_printf(&b, "HTTP/1.1 200 OK\r\n");
	for (int i = 0; i < 300; i++)
		buf_printf(&b, "X-%d: %d\r\n", i, i);
	buf_printf(&b, "Content-Length: 0\r\n\r\n");
	ck_assert(!b.truncated);
	ck_assert_int_eq(http_parse_response((uint8_t *)b.data, b.len, false, false, 0, &r, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(r.n_headers, HTTP_MAX_HEADERS + 1);	/* + Content-Length */
	ck_assert_str_eq(http_resp_header(&r, "X-127"), "127");
	http_resp_clear(&r);
	buf_free(&b);
	/* A NUL inside a header value ends the value. */
	static const char nul[] = "HTTP/1.1 200 OK\r\nServer: abc\0def\r\nContent-Length: 0\r\n\r\n";
	ck_assert_int_eq(http_parse_response((const uint8_t *)nul, sizeof(nul) - 1, false, false,
	    0, &r, err, sizeof(err)), 0);
	ck_assert_str_eq(http_resp_header(&r, "Server"), "abc");
	http_resp_clear(&r);
}
END_TEST

START_TEST(urls)
{
	http_url_t u;
	ck_assert_int_eq(http_url_parse("http://192.168.1.1:49152/rootDesc.xml", &u), 0);
	ck_assert(!u.tls);
	ck_assert_str_eq(u.host, "192.168.1.1");
	ck_assert_int_eq(u.port, 49152);
	ck_assert_str_eq(u.path, "/rootDesc.xml");
	ck_assert_int_eq(http_url_parse("HTTPS://[fe80::1%25eth0]:8443?x=1#frag", &u), 0);
	ck_assert(u.tls);
	ck_assert_str_eq(u.host, "fe80::1%25eth0");
	ck_assert_int_eq(u.port, 8443);
	ck_assert_str_eq(u.path, "/?x=1");
	ck_assert_int_eq(http_url_parse("http://cam.local", &u), 0);
	ck_assert_int_eq(u.port, 80);
	ck_assert_str_eq(u.path, "/");
	static const char *const bad[] = {
		"ftp://h/", "http://", "http://user:pw@h/", "http://h:0/", "http://h:65536/",
		"http://h:x/", "http://h:/", "http://[::1/", "http://h/a b", "http://h/\x01",
		"//h/", "http://h h/", "http://h:123456/",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		ck_assert_msg(http_url_parse(bad[i], &u) == -1, "accepted %s", bad[i]);
	char *longp = xcalloc(2000, 1);
	memcpy(longp, "http://h/", 9);
	memset(longp + 9, 'p', 1500);
	ck_assert_int_eq(http_url_parse(longp, &u), -1);
	free(longp);

	char h[128];
	http_host_header("10.0.0.1", 80, false, h, sizeof(h));
	ck_assert_str_eq(h, "10.0.0.1");
	http_host_header("10.0.0.1", 443, false, h, sizeof(h));
	ck_assert_str_eq(h, "10.0.0.1:443");
	http_host_header("fe80::1%eth0", 443, true, h, sizeof(h));
	ck_assert_str_eq(h, "[fe80::1]");
	http_host_header("::1", 8080, false, h, sizeof(h));
	ck_assert_str_eq(h, "[::1]:8080");
}
END_TEST

/* ---- live, against the loopback server ---- */

static const char hello[] = "HTTP/1.1 200 OK\r\nServer: t/1\r\nTransfer-Encoding: chunked\r\n"
                            "\r\n3\r\nabc\r\n0\r\n\r\n";

START_TEST(live_fetch)
{
	srv_t *s = xcalloc(1, sizeof(*s));
	srv_route(s, "/ok", hello, 0, SRV_SEND);
	srv_route(s, "/silent", "", 0, SRV_SILENT);
	srv_route(s, "/endless", "HTTP/1.1 200 OK\r\n\r\n", 0, SRV_ENDLESS);
	static const char garbage[] = "\x16\x03\x01\x00\x10garbage\r\n\r\n";
	srv_route(s, "/garbage", garbage, sizeof(garbage) - 1, SRV_SEND);
	ck_assert_int_eq(srv_start(s), 0);
	char err[200];
	target_t *t = target_new("127.0.0.1", err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	int cancel = 0;
	http_client_t cl = { .addr = &t->addrs[0], .port = s->port, .cancel = &cancel,
	    .body_cap = 8192 };
	http_resp_t r;
	net_status_t net;

	ck_assert_int_eq(http_request(&cl, "GET", "/ok", mono_ms() + 3000, &r, &net, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq((char *)r.body, "abc");
	ck_assert_str_eq(http_resp_header(&r, "server"), "t/1");
	ck_assert(r.complete);
	http_resp_clear(&r);

	/* Silence: the deadline, not the device, ends it. */
	uint64_t t0 = mono_ms();
	ck_assert_int_eq(http_request(&cl, "GET", "/silent", mono_ms() + 300, &r, &net, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(net, NET_TIMEOUT);
	ck_assert_uint_lt(mono_ms() - t0, 1500);
	http_resp_clear(&r);

	/* Endless: the cap ends it. */
	ck_assert_int_eq(http_request(&cl, "GET", "/endless", mono_ms() + 3000, &r, &net, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(r.body_len, 8192);
	ck_assert(r.truncated);
	http_resp_clear(&r);

	ck_assert_int_eq(http_request(&cl, "GET", "/garbage", mono_ms() + 3000, &r, &net, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(net, NET_OK);
	http_resp_clear(&r);

	/* Paths that would smuggle a header are refused before connecting. */
	int before = atomic_load(&s->requests);
	ck_assert_int_eq(http_request(&cl, "GET", "/a b", mono_ms() + 3000, &r, &net, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(http_request(&cl, "GET", "/a\r\nX: y", mono_ms() + 3000, &r, &net, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(http_request(&cl, "POST", "/ok", mono_ms() + 3000, &r, &net, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(atomic_load(&s->requests), before);

	/* HEAD: the head only, Host header as given. */
	cl.host = "device.example:1234";
	ck_assert_int_eq(http_request(&cl, "HEAD", "/ok", mono_ms() + 3000, &r, &net, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(r.body_len, 0);
	http_resp_clear(&r);
	srv_stop(s);
	ck_assert_ptr_nonnull(strstr(s->last_request, "HEAD /ok HTTP/1.1\r\n"));
	ck_assert_ptr_nonnull(strstr(s->last_request, "\r\nHost: device.example:1234\r\n"));
	ck_assert_ptr_nonnull(strstr(s->last_request, "\r\nConnection: close\r\n"));

	/* Nobody listening any more. */
	cl.host = NULL;
	ck_assert_int_eq(http_request(&cl, "GET", "/ok", mono_ms() + 2000, &r, &net, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(net, NET_REFUSED);
	http_resp_clear(&r);
	target_free(t);
	free(s);
}
END_TEST

static Suite *
http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, head_end);
	tcase_add_test(tc, content_length);
	tcase_add_test(tc, bare_lf_and_odd_lines);
	tcase_add_test(tc, not_http);
	tcase_add_test(tc, framing_conflicts);
	tcase_add_test(tc, chunked_whole_and_bytewise);
	tcase_add_test(tc, chunked_hostile);
	tcase_add_test(tc, body_caps);
	tcase_add_test(tc, no_body_cases);
	tcase_add_test(tc, head_caps);
	tcase_add_test(tc, urls);
	suite_add_tcase(s, tc);
	tc = tcase_create("live");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, live_fetch);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(http_suite)
