/*
 * DTLS parsing and building (proto/dtls.c): the enumeration's ClientHello
 * byte for byte, and crafted server datagrams (cookie, whole and
 * fragmented ServerHello, several records, alerts) with every truncation
 * and inconsistent length.  Against servers: test_dtls_scan.c.
 */
#include "check_main.h"
#include "core/diag.h"
#include "core/evidence.h"
#include "core/probe.h"
#include "core/target.h"
#include "core/util.h"
#include "crypto/policy.h"
#include "crypto/suites.h"
#include "net/dtls_scan.h"
#include "dtls_frames.h"
#include "pktbuild.h"
#include "proto/cursor.h"
#include "proto/dtls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define LAB_ADDR "127.0.96.1"

/* ---- crafted datagrams ---- */

START_TEST(hello_bytes)
{
	static const uint16_t suites[] = { 0xc0a8, 0x0035 }, groups[] = { 29, 23 };
	dtls_hello_opts_t o = {
		.version = DTLSV_12, .suites = suites, .n_suites = 2, .groups = groups,
		.n_groups = 2, .reneg_info = true, .record_seq = 0x0102030405ULL,
	};
	memset(o.random, 0x11, 32);
	uint8_t b[1400];
	size_t n = dtls_client_hello(b, sizeof(b), &o);
	ck_assert_uint_gt(n, 25 + 2 + 32 + 2 + 2 + 4 + 2);
	cursor_t c;
	uint8_t u8, type;
	uint16_t u16, len, mseq;
	uint32_t hlen, off, flen;
	cur_init(&c, b, n);
	cur_u8(&c, &type);
	ck_assert_uint_eq(type, 22);
	cur_be16(&c, &u16);
	ck_assert_uint_eq(u16, 0xfeff);		/* record version 1.0 in the first flight */
	cur_be16(&c, &u16);
	ck_assert_uint_eq(u16, 0);		/* epoch */
	cur_be16(&c, &u16);
	ck_assert_uint_eq(u16, 0x0001);
	uint32_t lo;
	cur_be32(&c, &lo);
	ck_assert_uint_eq(lo, 0x02030405);	/* record sequence number */
	cur_be16(&c, &len);
	ck_assert_uint_eq(len, n - 13);
	cur_u8(&c, &type);
	ck_assert_uint_eq(type, 1);
	cur_be24(&c, &hlen);
	cur_be16(&c, &mseq);
	cur_be24(&c, &off);
	cur_be24(&c, &flen);
	ck_assert_uint_eq(hlen, n - 25);
	ck_assert_uint_eq(mseq, 0);
	ck_assert_uint_eq(off, 0);
	ck_assert_uint_eq(flen, hlen);
	cur_be16(&c, &u16);
	ck_assert_uint_eq(u16, 0xfefd);
	const uint8_t *rnd;
	cur_bytes(&c, 32, &rnd);
	ck_assert_uint_eq(rnd[0], 0x11);
	cur_u8(&c, &u8);
	ck_assert_uint_eq(u8, 0);		/* session id */
	cur_u8(&c, &u8);
	ck_assert_uint_eq(u8, 0);		/* cookie */
	cur_be16(&c, &u16);
	ck_assert_uint_eq(u16, 4);
	cur_be16(&c, &u16);
	ck_assert_uint_eq(u16, 0xc0a8);
	cur_be16(&c, &u16);
	ck_assert_uint_eq(u16, 0x0035);
	cur_be16(&c, &u16);
	ck_assert_uint_eq(u16, 0x0100);		/* compression: null */
	cur_be16(&c, &len);
	ck_assert_uint_eq(len, cur_left(&c));
	/* The extensions a DTLS 1.2 server needs for ECDHE and ECDSA. */
	bool seen_groups = false, seen_points = false, seen_sigalgs = false, seen_reneg = false;
	while (cur_left(&c) > 0) {
		uint16_t et, el;
		cur_be16(&c, &et);
		cur_be16(&c, &el);
		cur_skip(&c, el);
		seen_groups |= et == 10;
		seen_points |= et == 11;
		seen_sigalgs |= et == 13;
		seen_reneg |= et == 0xff01;
		ck_assert_uint_ne(et, 43);	/* no supported_versions: not 1.3 */
	}
	ck_assert(!c.bad);
	ck_assert(seen_groups && seen_points && seen_sigalgs && seen_reneg);

	/* With the cookie: three bytes more, after the session id. */
	static const uint8_t ck[3] = { 7, 8, 9 };
	o.cookie = ck;
	o.cookie_len = 3;
	o.message_seq = 1;
	uint8_t b2[1400];
	size_t n2 = dtls_client_hello(b2, sizeof(b2), &o);
	ck_assert_uint_eq(n2, n + 3);
	ck_assert_uint_eq(b2[17] << 8 | b2[18], 1);	/* message_seq */
	ck_assert_uint_eq(b2[25 + 2 + 32 + 1], 3);
	ck_assert(memcmp(b2 + 25 + 2 + 32 + 2, ck, 3) == 0);
	ck_assert(memcmp(b2 + 25 + 2 + 32 + 2 + 3, b + 25 + 2 + 32 + 2, n - 61) == 0);

	/* What cannot be sent is not built. */
	ck_assert_uint_eq(dtls_client_hello(b2, n2 - 1, &o), 0);
	o.version = 0x0303;
	ck_assert_uint_eq(dtls_client_hello(b2, sizeof(b2), &o), 0);
	o.version = DTLSV_10;
	ck_assert_uint_gt(dtls_client_hello(b2, sizeof(b2), &o), 0);
	o.cookie_len = 256;
	ck_assert_uint_eq(dtls_client_hello(b2, sizeof(b2), &o), 0);
	o.cookie_len = 3;
	o.n_suites = 0;
	ck_assert_uint_eq(dtls_client_hello(b2, sizeof(b2), &o), 0);

	/* A chunk of 100 suites with the largest cookie still fits a datagram. */
	uint16_t many[100];
	uint8_t big[255] = { 0 };
	for (int i = 0; i < 100; i++)
		many[i] = (uint16_t)(0xc000 + i);
	static const uint16_t all_groups[] = { 29, 23, 24, 25, 30, 26, 27, 28, 256, 257, 258, 22, 21, 19 };
	o = (dtls_hello_opts_t){ .version = DTLSV_12, .suites = many, .n_suites = 100,
		.groups = all_groups, .n_groups = 14, .reneg_info = true, .cookie = big,
		.cookie_len = 255 };
	n = dtls_client_hello(b, sizeof(b), &o);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_lt(n, 1200);

	uint8_t al[15];
	ck_assert_uint_eq(dtls_alert(al, sizeof(al), 0xfefd, 7, 2, 90), 15);
	ck_assert(memcmp(al, "\x15\xfe\xfd\x00\x00\x00\x00\x00\x00\x00\x07\x00\x02\x02\x5a", 15) == 0);
	ck_assert_uint_eq(dtls_alert(al, 14, 0xfefd, 7, 2, 90), 0);
}
END_TEST

START_TEST(answer_whole)
{
	dtls_answer_t *a = xcalloc(1, sizeof(*a));
	pkt_t p;
	hvr_dgram(&p, 20);
	dtls_answer_init(a);
	ck_assert_int_eq(dtls_answer_feed(a, p.b, p.n), 1);
	ck_assert(a->have_hvr && !a->have_hello && !a->have_alert);
	ck_assert_uint_eq(a->cookie_len, 20);
	ck_assert_uint_eq(a->cookie[19], 0xc0 + 19);

	sh_dgram(&p, 0xfeff, 0x000a);
	dtls_answer_init(a);
	ck_assert_int_eq(dtls_answer_feed(a, p.b, p.n), 1);
	ck_assert(a->have_hello);
	ck_assert_uint_eq(a->version, 0xfeff);
	ck_assert_uint_eq(a->suite, 0x000a);
	ck_assert(a->reneg_info);
	ck_assert_uint_eq(a->record_version, 0xfeff);

	/* An encrypted record first (epoch 1, a stray from another flight),
	 * then the ServerHello's record, in one datagram. */
	pkt_t q = { .n = 0 }, enc = { .n = 0 };
	put(&enc, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	record(&q, 23, 0xfefd, 1, &enc);
	sh_dgram(&p, 0xfefd, 0xc0a8);
	put(&q, p.b, p.n);
	dtls_answer_init(a);
	ck_assert_int_eq(dtls_answer_feed(a, q.b, q.n), 1);
	ck_assert_uint_eq(a->suite, 0xc0a8);
	ck_assert_uint_eq(a->version, 0xfefd);
	/* Only the encrypted record: nothing yet. */
	q.n = 0;
	record(&q, 23, 0xfefd, 1, &enc);
	dtls_answer_init(a);
	ck_assert_int_eq(dtls_answer_feed(a, q.b, q.n), 0);
	ck_assert_int_eq(dtls_answer_feed(a, q.b, 0), 0);

	pkt_t al = { .n = 0 };
	put8(&al, 2);
	put8(&al, 40);
	p.n = 0;
	record(&p, DTLS_CT_ALERT, 0xfefd, 0, &al);
	dtls_answer_init(a);
	ck_assert_int_eq(dtls_answer_feed(a, p.b, p.n), 1);
	ck_assert(a->have_alert);
	ck_assert_uint_eq(a->alert_level, 2);
	ck_assert_uint_eq(a->alert_desc, 40);
	free(a);
}
END_TEST

/* The ServerHello in three fragments over three datagrams, out of order,
 * one of them sent twice. */
START_TEST(answer_fragments)
{
	dtls_answer_t *a = xcalloc(1, sizeof(*a));
	pkt_t body = { .n = 0 };
	sh_body(&body, 0xfefd, 0xc0ae);
	size_t cut1 = 10, cut2 = 40;
	pkt_t f[3] = { { .n = 0 }, { .n = 0 }, { .n = 0 } }, d[3];
	hs_frag(&f[0], 2, body.n, 1, 0, body.b, cut1);
	hs_frag(&f[1], 2, body.n, 1, cut1, body.b + cut1, cut2 - cut1);
	hs_frag(&f[2], 2, body.n, 1, cut2, body.b + cut2, body.n - cut2);
	for (int i = 0; i < 3; i++) {
		d[i].n = 0;
		record(&d[i], DTLS_CT_HANDSHAKE, 0xfefd, 0, &f[i]);
	}
	dtls_answer_init(a);
	ck_assert_int_eq(dtls_answer_feed(a, d[2].b, d[2].n), 0);
	ck_assert_int_eq(dtls_answer_feed(a, d[0].b, d[0].n), 0);
	ck_assert_int_eq(dtls_answer_feed(a, d[2].b, d[2].n), 0);	/* a retransmission */
	ck_assert(!a->have_hello);
	ck_assert_int_eq(dtls_answer_feed(a, d[1].b, d[1].n), 1);
	ck_assert(a->have_hello);
	ck_assert_uint_eq(a->suite, 0xc0ae);

	/* Two fragments naming different lengths for the same message. */
	pkt_t g = { .n = 0 }, dg = { .n = 0 };
	hs_frag(&g, 2, body.n + 1, 1, cut1, body.b + cut1, 5);
	record(&dg, DTLS_CT_HANDSHAKE, 0xfefd, 0, &g);
	dtls_answer_init(a);
	ck_assert_int_eq(dtls_answer_feed(a, d[0].b, d[0].n), 0);
	ck_assert_int_eq(dtls_answer_feed(a, dg.b, dg.n), -1);
	ck_assert_msg(strstr(a->err, "disagree") != NULL, "%s", a->err);

	/* A ServerHello claiming more than the cap is refused, not buffered. */
	g.n = dg.n = 0;
	hs_frag(&g, 2, DTLS_SH_MAX + 1, 1, 0, body.b, 10);
	record(&dg, DTLS_CT_HANDSHAKE, 0xfefd, 0, &g);
	dtls_answer_init(a);
	ck_assert_int_eq(dtls_answer_feed(a, dg.b, dg.n), -1);
	ck_assert_msg(strstr(a->err, "over the cap") != NULL, "%s", a->err);
	free(a);
}
END_TEST

START_TEST(answer_malformed)
{
	dtls_answer_t *a = xcalloc(1, sizeof(*a));
	pkt_t p;
	/* Every truncation of a good answer: never decided, never a crash. */
	sh_dgram(&p, 0xfefd, 0xc02f);
	for (size_t k = 0; k < p.n; k++) {
		uint8_t *h = heap_copy(p.b, k);
		dtls_answer_init(a);
		ck_assert_int_le(dtls_answer_feed(a, h, k), 0);
		free(h);
	}
	hvr_dgram(&p, 32);
	for (size_t k = 1; k < p.n; k++) {
		uint8_t *h = heap_copy(p.b, k);
		dtls_answer_init(a);
		ck_assert_int_eq(dtls_answer_feed(a, h, k), -1);
		free(h);
	}

	static const char http[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
	dtls_answer_init(a);
	ck_assert_int_eq(dtls_answer_feed(a, (const uint8_t *)http, sizeof(http) - 1), -1);
	ck_assert_str_eq(a->err, "the answer is not DTLS");

	/* The record is longer than the datagram. */
	sh_dgram(&p, 0xfefd, 0xc02f);
	p.b[12]++;
	dtls_answer_init(a);
	ck_assert_int_eq(dtls_answer_feed(a, p.b, p.n), -1);
	ck_assert_str_eq(a->err, "record 0: longer than the datagram");

	/* A fragment beyond its message, or longer than its record. */
	sh_dgram(&p, 0xfefd, 0xc02f);
	p.b[13 + 8] = 1;	/* fragment offset 1 + the whole length */
	dtls_answer_init(a);
	ck_assert_int_eq(dtls_answer_feed(a, p.b, p.n), -1);
	ck_assert_msg(strstr(a->err, "beyond its message") != NULL, "%s", a->err);
	pkt_t body = { .n = 0 }, f = { .n = 0 };
	sh_body(&body, 0xfefd, 0xc02f);
	hs_frag(&f, 2, body.n + 100, 1, 0, body.b, body.n);
	f.b[11] = (uint8_t)(f.b[11] + 50);	/* fragment length past the record */
	p.n = 0;
	record(&p, DTLS_CT_HANDSHAKE, 0xfefd, 0, &f);
	dtls_answer_init(a);
	ck_assert_int_eq(dtls_answer_feed(a, p.b, p.n), -1);
	ck_assert_msg(strstr(a->err, "longer than its record") != NULL, "%s", a->err);

	/* A ServerHello of TLS, not DTLS; one whose extensions overrun. */
	body.n = f.n = p.n = 0;
	sh_body(&body, 0x0303, 0xc02f);
	hs_frag(&f, 2, body.n, 1, 0, body.b, body.n);
	record(&p, DTLS_CT_HANDSHAKE, 0xfefd, 0, &f);
	dtls_answer_init(a);
	ck_assert_int_eq(dtls_answer_feed(a, p.b, p.n), -1);
	ck_assert_msg(strstr(a->err, "version 0x0303") != NULL, "%s", a->err);
	body.n = f.n = p.n = 0;
	sh_body(&body, 0xfefd, 0xc02f);
	body.b[body.n - 6]++;	/* extensions length */
	hs_frag(&f, 2, body.n, 1, 0, body.b, body.n);
	record(&p, DTLS_CT_HANDSHAKE, 0xfefd, 0, &f);
	dtls_answer_init(a);
	ck_assert_int_eq(dtls_answer_feed(a, p.b, p.n), -1);
	ck_assert_msg(strstr(a->err, "does not parse") != NULL, "%s", a->err);

	/* An alert of three bytes; a record with a TLS version. */
	pkt_t al = { .n = 0 };
	put(&al, "\x02\x28\x00", 3);
	p.n = 0;
	record(&p, DTLS_CT_ALERT, 0xfefd, 0, &al);
	dtls_answer_init(a);
	ck_assert_int_eq(dtls_answer_feed(a, p.b, p.n), -1);
	al.n = 2;
	p.n = 0;
	record(&p, DTLS_CT_ALERT, 0x0303, 0, &al);
	dtls_answer_init(a);
	ck_assert_int_eq(dtls_answer_feed(a, p.b, p.n), -1);

	/* A HelloVerifyRequest whose cookie overruns its body, or in fragments. */
	hvr_dgram(&p, 20);
	p.b[13 + 12 + 2] = 40;
	dtls_answer_init(a);
	ck_assert_int_eq(dtls_answer_feed(a, p.b, p.n), -1);
	hvr_dgram(&p, 20);
	p.b[13 + 11]--;		/* fragment length one short of the message */
	p.b[12]--;
	dtls_answer_init(a);
	ck_assert_int_eq(dtls_answer_feed(a, p.b, p.n - 1), -1);
	ck_assert_str_eq(a->err, "record 0: fragmented HelloVerifyRequest");

	/* Seeded random bytes after a valid header: no crash, no decision
	 * that did not come from a parsed message. */
	srand(5684);
	for (int round = 0; round < 2000; round++) {
		uint8_t r[200];
		size_t n = (size_t)(rand() % (int)sizeof(r));
		for (size_t i = 0; i < n; i++)
			r[i] = (uint8_t)rand();
		if (n > 13) {
			r[0] = 22;
			r[1] = 0xfe;
			r[2] = 0xfd;
			r[3] = r[4] = 0;
			r[11] = 0;
			r[12] = (uint8_t)(n - 13);
		}
		dtls_answer_init(a);
		int v = dtls_answer_feed(a, r, n);
		ck_assert(v >= -1 && v <= 1);
		if (v == 1)
			ck_assert(a->have_hello || a->have_hvr || a->have_alert);
	}
	free(a);
}
END_TEST

static Suite *
dtls_proto_suite(void)
{
	Suite *s = suite_create("dtls_proto");
	TCase *p = tcase_create("parse");
	tcase_add_test(p, hello_bytes);
	tcase_add_test(p, answer_whole);
	tcase_add_test(p, answer_fragments);
	tcase_add_test(p, answer_malformed);
	suite_add_tcase(s, p);
	return s;
}

CHECK_MAIN(dtls_proto_suite)
