/*
 * The reference device's parsers of client bytes: HTTP request heads, Basic
 * credentials and form fields, and MQTT cursors, topic filters and CONNECT.
 * The refdev sources are not in libiotcert.a, so the two I/O-free parser
 * files are compiled into this test directly.  Every truncation of a valid
 * packet and a batch of random input must be rejected without overrunning
 * (the sanitizer build makes an overrun fatal).
 */
#include "check_main.h"

#include "refdev/http_parse.c"
#include "refdev/mqtt_codec.c"

#include <stdlib.h>
#include <string.h>

/* Parses a literal head; rq is zeroed first and cleared by the caller. */
static int
parse(http_req_t *rq, const char *text)
{
	memset(rq, 0, sizeof(*rq));
	size_t len = strlen(text);
	char *copy = strdup(text);
	size_t end = http_head_end(copy, len);
	int st = end ? http_parse_head(rq, copy, end) : -1;
	free(copy);
	return st;
}

START_TEST(http_head_end_forms)
{
	ck_assert_uint_eq(http_head_end("GET / HTTP/1.1\r\n\r\n", 18), 18);
	ck_assert_uint_eq(http_head_end("GET / HTTP/1.1\n\nbody", 20), 16);
	ck_assert_uint_eq(http_head_end("GET / HTTP/1.1\r\nHost: x\r\n", 25), 0);
	ck_assert_uint_eq(http_head_end("", 0), 0);
	ck_assert(!http_head_byte_ok(0x16));
	ck_assert(!http_head_byte_ok(0));
	ck_assert(http_head_byte_ok('\r') && http_head_byte_ok('\t') && http_head_byte_ok(0xc3));
}
END_TEST

START_TEST(http_request_heads)
{
	http_req_t *rq = calloc(1, sizeof(*rq));
	ck_assert_int_eq(parse(rq, "GET /status.json?x=1 HTTP/1.1\r\nHost: a\r\n"
	                           "Authorization:  Basic YWRtaW46YWRtaW4=  \r\n\r\n"), 0);
	ck_assert_str_eq(rq->method, "GET");
	ck_assert_str_eq(rq->path, "/status.json");
	ck_assert_str_eq(rq->authorization, "Basic YWRtaW46YWRtaW4=");
	http_req_clear(rq);
	ck_assert_int_eq(parse(rq, "HEAD http://cam.local/admin HTTP/1.0\n\n"), 0);
	ck_assert_str_eq(rq->path, "/admin");
	ck_assert(rq->head);
	ck_assert_int_eq(parse(rq, "POST /login HTTP/1.1\r\nContent-Length: 12\r\n\r\n"), 0);
	ck_assert(rq->has_length);
	ck_assert_uint_eq(rq->length, 12);

	ck_assert_int_eq(parse(rq, "GET / HTTP/2.0\r\n\r\n"), 505);
	ck_assert_int_eq(parse(rq, "GET / FOO/1.1\r\n\r\n"), 400);
	ck_assert_int_eq(parse(rq, "GET  / HTTP/1.1\r\n\r\n"), 400);
	ck_assert_int_eq(parse(rq, "GET noslash HTTP/1.1\r\n\r\n"), 400);
	ck_assert_int_eq(parse(rq, "G(T / HTTP/1.1\r\n\r\n"), 400);
	ck_assert_int_eq(parse(rq, "ABCDEFGHIJKLMNOPQRSTUVWXYZ / HTTP/1.1\r\n\r\n"), 501);
	ck_assert_int_eq(parse(rq, "GET / HTTP/1.1\r\n folded\r\n\r\n"), 400);
	ck_assert_int_eq(parse(rq, "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n"), 400);
	ck_assert_int_eq(parse(rq, "GET / HTTP/1.1\r\nNoColon\r\n\r\n"), 400);
	ck_assert_int_eq(parse(rq, "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), 400);
	ck_assert_int_eq(parse(rq, "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), 400);
	ck_assert_int_eq(parse(rq, "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n"), 400);
	ck_assert_int_eq(parse(rq, "POST / HTTP/1.1\r\nContent-Length: 8193\r\n\r\n"), 413);
	ck_assert_int_eq(parse(rq, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"), 501);
	http_req_clear(rq);

	char *big = calloc(1, HTTP_HEAD_MAX);
	strcpy(big, "GET / HTTP/1.1\r\n");
	for (int i = 0; i <= HTTP_HEADERS_MAX; i++)
		strcat(big, "A: b\r\n");
	strcat(big, "\r\n");
	ck_assert_int_eq(parse(rq, big), 431);
	free(big);
	http_req_clear(rq);
	http_req_clear(NULL);
	free(rq);
}
END_TEST

START_TEST(http_credentials_and_forms)
{
	char out[64];
	const char *pass;
	ck_assert_int_eq(http_b64_decode("YWRtaW46YWRtaW4=", out, sizeof(out)), 11);
	ck_assert_str_eq(out, "admin:admin");
	ck_assert_int_eq(http_b64_decode("YWRtaW46YWRtaW4", out, sizeof(out)), 11);
	ck_assert_int_eq(http_b64_decode("!!!!", out, sizeof(out)), -1);
	ck_assert_int_eq(http_b64_decode("AA==", out, sizeof(out)), -1);     /* a NUL */
	ck_assert_int_eq(http_b64_decode("YW=Jj", out, sizeof(out)), -1);    /* data after pad */
	ck_assert_int_eq(http_b64_decode("QUFBQUFBQUFB", out, 4), -1);        /* too long */

	ck_assert_int_eq(http_basic_split("Basic cm9vdDoxMjM0NQ==", out, sizeof(out), &pass), 0);
	ck_assert_str_eq(out, "root");
	ck_assert_str_eq(pass, "12345");
	ck_assert_int_eq(http_basic_split("basic   YTo=", out, sizeof(out), &pass), 0);
	ck_assert_str_eq(out, "a");
	ck_assert_str_eq(pass, "");
	ck_assert_int_eq(http_basic_split("Bearer abc", out, sizeof(out), &pass), -1);
	ck_assert_int_eq(http_basic_split("BasicYTo=", out, sizeof(out), &pass), -1);
	ck_assert_int_eq(http_basic_split("Basic YWJj", out, sizeof(out), &pass), -1); /* no colon */
	ck_assert_int_eq(http_basic_split(NULL, out, sizeof(out), &pass), -1);

	ck_assert(http_form_get("username=ad%6din&password=a+b%21", "username", out, sizeof(out)));
	ck_assert_str_eq(out, "admin");
	ck_assert(http_form_get("username=ad%6din&password=a+b%21", "password", out, sizeof(out)));
	ck_assert_str_eq(out, "a b!");
	ck_assert(http_form_get("x=1&&password=%zz%", "password", out, sizeof(out)));
	ck_assert_str_eq(out, "%zz%");
	ck_assert(!http_form_get("username=admin", "password", out, sizeof(out)));
	ck_assert(!http_form_get("password=a%00b", "password", out, sizeof(out)));
	ck_assert(!http_form_get("password=0123456789", "password", out, 8));
	ck_assert(!http_form_get("", "password", out, sizeof(out)));
}
END_TEST

static mq_span_t
sp(const char *s)
{
	return (mq_span_t){ (const unsigned char *)s, strlen(s) };
}

START_TEST(mqtt_cursor_and_utf8)
{
	const unsigned char v[] = { 0xff, 0xff, 0xff, 0x7f, 0x80, 0x80, 0x80, 0x80, 0x01 };
	mq_cur_t k = { v, 4, 0 };
	uint32_t n;
	ck_assert_int_eq(mq_varint(&k, &n), 0);
	ck_assert_uint_eq(n, 268435455u);
	k = (mq_cur_t){ v + 4, 5, 0 };
	ck_assert_int_eq(mq_varint(&k, &n), -1);   /* a fifth length byte */
	k = (mq_cur_t){ v, 3, 0 };
	ck_assert_int_eq(mq_varint(&k, &n), -1);   /* runs off the end */

	const unsigned char s[] = { 0x00, 0x05, 'a', 'b' };
	mq_span_t out;
	k = (mq_cur_t){ s, sizeof(s), 0 };
	ck_assert_int_eq(mq_bin(&k, &out), -1);    /* claims 5, has 2 */
	unsigned u;
	k = (mq_cur_t){ s, 1, 0 };
	ck_assert_int_eq(mq_u16(&k, &u), -1);

	ck_assert(mq_utf8_ok(&(mq_span_t){ (const unsigned char *)"caf\xc3\xa9", 5 }));
	ck_assert(!mq_utf8_ok(&(mq_span_t){ (const unsigned char *)"\xc0\x80", 2 }));     /* overlong */
	ck_assert(!mq_utf8_ok(&(mq_span_t){ (const unsigned char *)"\xed\xa0\x80", 3 })); /* surrogate */
	ck_assert(!mq_utf8_ok(&(mq_span_t){ (const unsigned char *)"a\0b", 3 }));
	ck_assert(!mq_utf8_ok(&(mq_span_t){ (const unsigned char *)"\xe2\x82", 2 }));     /* cut short */
	ck_assert(!mq_utf8_ok(&(mq_span_t){ (const unsigned char *)"\xf5\x80\x80\x80", 4 }));
}
END_TEST

START_TEST(mqtt_topic_filters)
{
	const char *valid[] = { "#", "+", "$SYS/#", "a/+/c", "a//b", "/", "+/+/#" };
	const char *invalid[] = { "", "a#", "a/#/b", "a+", "+a/b", "a/b#" };
	for (size_t i = 0; i < sizeof(valid) / sizeof(*valid); i++) {
		mq_span_t f = sp(valid[i]);
		ck_assert_msg(mq_filter_valid(&f), "%s should be valid", valid[i]);
	}
	for (size_t i = 0; i < sizeof(invalid) / sizeof(*invalid); i++) {
		mq_span_t f = sp(invalid[i]);
		ck_assert_msg(!mq_filter_valid(&f), "%s should be invalid", invalid[i]);
	}
	const char *t = "$SYS/broker/version";
	const char *yes[] = { "$SYS/#", "$SYS/broker/version", "$SYS/+/version", "$SYS/broker/+",
		              "$SYS/broker/version/#", "$SYS/+/+" };
	const char *no[] = { "#", "+/broker/version", "$SYS/broker", "$SYS/broker/version/x",
		             "$SYS/+", "$sys/#" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
		mq_span_t f = sp(yes[i]);
		ck_assert_msg(mq_filter_matches(&f, t), "%s should match", yes[i]);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++) {
		mq_span_t f = sp(no[i]);
		ck_assert_msg(!mq_filter_matches(&f, t), "%s should not match", no[i]);
	}
	/* More levels than the matcher keeps: no match, no overrun. */
	char deep[600];
	for (size_t i = 0; i < 299; i++)
		memcpy(deep + 2 * i, "a/", 2);
	memcpy(deep + 598, "#", 2);
	mq_span_t f = sp(deep);
	ck_assert(!mq_filter_valid(&f));
	ck_assert(!mq_filter_matches(&f, "a/b"));
}
END_TEST

/* CONNECT bodies (after the fixed header). */
static const unsigned char connect_v4[] = {
	0, 4, 'M', 'Q', 'T', 'T', 4, 0xc2, 0, 60,
	0, 3, 'c', 'i', 'd',
	0, 6, 'd', 'e', 'v', 'i', 'c', 'e',
	0, 2, 'p', 'w',
};
static const unsigned char connect_v5_will[] = {
	0, 4, 'M', 'Q', 'T', 'T', 5, 0x0e, 0, 30,
	3, 0x21, 0, 10,                 /* properties: receive maximum */
	0, 0,                           /* empty client id */
	0,                              /* will properties */
	0, 1, 't',
	0, 2, 0xff, 0x00,               /* will payload is binary */
};

START_TEST(mqtt_connect)
{
	mq_connect_t ci;
	memset(&ci, 0, sizeof(ci));
	ck_assert_int_eq(mq_parse_connect(connect_v4, sizeof(connect_v4), &ci), 0);
	ck_assert_int_eq(ci.level, 4);
	ck_assert_uint_eq(ci.keepalive, 60);
	ck_assert(ci.has_user && ci.has_pass);
	ck_assert(mq_span_is(&ci.user, "device"));
	ck_assert(mq_span_secret_eq(&ci.pass, "pw"));
	ck_assert(!mq_span_secret_eq(&ci.pass, "pw2"));
	ck_assert(!mq_span_secret_eq(&ci.pass, NULL));

	memset(&ci, 0, sizeof(ci));
	ck_assert_int_eq(mq_parse_connect(connect_v5_will, sizeof(connect_v5_will), &ci), 0);
	ck_assert_int_eq(ci.level, 5);
	ck_assert(!ci.has_user);
	ck_assert_uint_eq(ci.client_id.n, 0);

	/* Every truncation is malformed, and nothing is read past the end. */
	for (size_t n = 0; n < sizeof(connect_v4); n++) {
		unsigned char *p = malloc(n ? n : 1);
		memcpy(p, connect_v4, n);
		ck_assert_int_eq(mq_parse_connect(p, n, &ci), -1);
		free(p);
	}
	for (size_t n = 0; n < sizeof(connect_v5_will); n++) {
		unsigned char *p = malloc(n ? n : 1);
		memcpy(p, connect_v5_will, n);
		ck_assert_int_eq(mq_parse_connect(p, n, &ci), -1);
		free(p);
	}

	unsigned char b[sizeof(connect_v4) + 1];
	memcpy(b, connect_v4, sizeof(connect_v4));
	b[sizeof(connect_v4)] = 0;
	ck_assert_int_eq(mq_parse_connect(b, sizeof(b), &ci), -1);          /* trailing byte */
	memcpy(b, connect_v4, sizeof(connect_v4));
	b[6] = 6;
	ck_assert_int_eq(mq_parse_connect(b, sizeof(connect_v4), &ci), 1);  /* level 6 */
	b[6] = 4;
	b[7] = 0x42;                                                        /* password, no user */
	ck_assert_int_eq(mq_parse_connect(b, sizeof(connect_v4), &ci), -1);
	b[7] = 0xc3;                                                        /* reserved bit */
	ck_assert_int_eq(mq_parse_connect(b, sizeof(connect_v4), &ci), -1);
	b[7] = 0xda;                                                        /* will QoS 3 */
	ck_assert_int_eq(mq_parse_connect(b, sizeof(connect_v4), &ci), -1);
	b[2] = 'X';
	b[7] = 0xc2;
	ck_assert_int_eq(mq_parse_connect(b, sizeof(connect_v4), &ci), -1); /* not MQTT */
}
END_TEST

START_TEST(random_input_never_overruns)
{
	unsigned seed = 20261128;
	for (int round = 0; round < 5000; round++) {
		size_t n = (size_t)(rand_r(&seed) % 96);
		unsigned char *p = malloc(n ? n : 1);
		for (size_t i = 0; i < n; i++)
			p[i] = (unsigned char)rand_r(&seed);
		/* Half the time start from a valid prefix so the deep paths run. */
		if (round % 2 && n >= 10)
			memcpy(p, round % 4 == 1 ? connect_v4 : connect_v5_will, 10);
		mq_connect_t ci;
		int r = mq_parse_connect(p, n, &ci);
		ck_assert(r >= -1 && r <= 1);
		mq_span_t f = { p, n };
		if (mq_filter_valid(&f))
			(void)mq_filter_matches(&f, "$SYS/broker/version");
		free(p);

		char *h = malloc(n + 1);
		for (size_t i = 0; i < n; i++)
			h[i] = "GET / HTTP/1.1\r\n:abc %"[rand_r(&seed) % 22];
		h[n] = '\0';
		size_t end = http_head_end(h, n);
		http_req_t *rq = calloc(1, sizeof(*rq));
		if (end)
			(void)http_parse_head(rq, h, end);
		http_req_clear(rq);
		free(rq);
		char out[32];
		const char *pass;
		(void)http_form_get(h, "a", out, sizeof(out));
		(void)http_b64_decode(h, out, sizeof(out));
		(void)http_basic_split(h, out, sizeof(out), &pass);
		free(h);
	}
}
END_TEST

static Suite *
refdev_suite(void)
{
	Suite *s = suite_create("refdev");
	TCase *tc = tcase_create("parsers");
	tcase_add_test(tc, http_head_end_forms);
	tcase_add_test(tc, http_request_heads);
	tcase_add_test(tc, http_credentials_and_forms);
	tcase_add_test(tc, mqtt_cursor_and_utf8);
	tcase_add_test(tc, mqtt_topic_filters);
	tcase_add_test(tc, mqtt_connect);
	tcase_add_test(tc, random_input_never_overruns);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(refdev_suite)
