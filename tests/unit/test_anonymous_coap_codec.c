/*
 * The CoAP building blocks of the anonymous-resources probe, pure: CoRE
 * Link Format targets of /.well-known/core (and which of them are local
 * paths worth a request), the PUT that writes a value back, Block2, and the
 * CoAP-over-TCP framing.  The probe against a CoAP device is in
 * test_anonymous_coap.c.
 */
#include "check_main.h"
#include "core/util.h"
#include "proto/coap.h"
#include "proto/coap_put.h"
#include "proto/coap_tcp.h"
#include "proto/linkformat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- CoRE Link Format ---- */

static void
collect(void *arg, const char *target)
{
	strlist_push(arg, target);
}

static char *
targets(const char *text, int *links)
{
	strlist_t l = { 0 };
	*links = linkfmt_walk((const uint8_t *)text, strlen(text), collect, &l);
	char *s = strlist_join(&l, " ");
	strlist_free(&l);
	return s;
}

START_TEST(linkformat_targets)
{
	int n;
	/* What libcoap's coap-server lists. */
	char *s = targets("</>;title=\"General Info\";ct=0,</time>;if=\"clock\";rt=\"ticks\";"
	    "title=\"Internal Clock\";ct=0;obs,</async>;ct=0,</example_data>;"
	    "title=\"Example Data\";ct=0;obs", &n);
	ck_assert_int_eq(n, 4);
	ck_assert_str_eq(s, "/ /time /async /example_data");
	free(s);
	/* Commas, semicolons and '>' inside quoted titles start no link. */
	s = targets("</a>;title=\"x, </no>;y\\\"z>\";ct=0, \r\n </b/c>", &n);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(s, "/a /b/c");
	free(s);
	s = targets("", &n);
	ck_assert_int_eq(n, 0);
	ck_assert_str_eq(s, "");
	free(s);
	/* A control byte in a target: counted, not passed on. */
	s = targets("</a\x01>,</b>", &n);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(s, "/b");
	free(s);
}
END_TEST

START_TEST(linkformat_garbage)
{
	int n;
	char *s = targets("hello, world", &n);
	ck_assert_int_eq(n, -1);
	free(s);
	s = targets("</a>,</b", &n);		/* unclosed '<' */
	ck_assert_int_eq(n, -1);
	ck_assert_str_eq(s, "/a");
	free(s);
	s = targets("</a>;title=\"open", &n);	/* unclosed quote */
	ck_assert_int_eq(n, -1);
	free(s);
	s = targets("</a>;t=\"", &n);
	ck_assert_int_eq(n, -1);
	free(s);
}
END_TEST

START_TEST(linkformat_selection)
{
	ck_assert(linkfmt_local_path("/"));
	ck_assert(linkfmt_local_path("/sensors/temp"));
	ck_assert(!linkfmt_local_path("/.well-known/core"));
	ck_assert(!linkfmt_local_path("/.well-known"));
	ck_assert(!linkfmt_local_path("coap://192.0.2.1/x"));
	ck_assert(!linkfmt_local_path("//192.0.2.1/x"));
	ck_assert(!linkfmt_local_path("sensors"));
	ck_assert(!linkfmt_local_path("/q?x=1"));
	ck_assert(!linkfmt_local_path("/a%20b"));
	ck_assert(!linkfmt_local_path("/a#frag"));
}
END_TEST

/* ---- CoAP building blocks ---- */

START_TEST(coap_put_and_block2)
{
	static const uint8_t tok[4] = { 1, 2, 3, 4 };
	uint8_t out[64];
	size_t n = coap_put_build(out, sizeof(out), 0x1234, tok, 4, "/cfg/led", 50,
	    (const uint8_t *)"on", 2);
	static const uint8_t want[] = { 0x44, 0x03, 0x12, 0x34, 1, 2, 3, 4,
		0xb3, 'c', 'f', 'g', 0x03, 'l', 'e', 'd', 0x11, 50, 0xff, 'o', 'n' };
	ck_assert_uint_eq(n, sizeof(want));
	ck_assert_mem_eq(out, want, n);
	coap_msg_t m;
	ck_assert_int_eq(coap_parse(out, n, &m), 0);
	ck_assert_int_eq(m.code, COAP_PUT);
	ck_assert_int_eq(m.content_format, 50);
	/* No path: Content-Format opens the options; text/plain is zero-length. */
	n = coap_put_build(out, sizeof(out), 1, tok, 4, "/", 0, (const uint8_t *)"x", 1);
	static const uint8_t want2[] = { 0x44, 0x03, 0, 1, 1, 2, 3, 4, 0xc0, 0xff, 'x' };
	ck_assert_uint_eq(n, sizeof(want2));
	ck_assert_mem_eq(out, want2, n);
	ck_assert_uint_eq(coap_put_build(out, 12, 1, tok, 4, "/cfg/led", 50,
	    (const uint8_t *)"on", 2), 0);

	/* libcoap's first block of /example_data: ETag, Block2 0/M/1024, Size2 1500. */
	static const uint8_t blk[] = { 0x64, 0x45, 0xbd, 0x9b, 1, 2, 3, 4,
		0x41, 0x01, 0xd1, 0x06, 0x0e, 0x52, 0x05, 0xdc, 0xff, 'a' };
	ck_assert_int_eq(coap_parse(blk, sizeof(blk), &m), 0);
	coap_block_t b;
	ck_assert_int_eq(coap_block2(blk, sizeof(blk), &b), 1);
	ck_assert_uint_eq(b.num, 0);
	ck_assert(b.more);
	ck_assert_uint_eq(b.szx, 6);
	static const uint8_t last[] = { 0x64, 0x45, 0, 1, 1, 2, 3, 4, 0xd1, 0x0a, 0x16 };
	ck_assert_int_eq(coap_block2(last, sizeof(last), &b), 1);
	ck_assert_uint_eq(b.num, 1);
	ck_assert(!b.more);
	static const uint8_t none[] = { 0x64, 0x45, 0, 1, 1, 2, 3, 4, 0xc1, 0x32, 0xff, 'x' };
	ck_assert_int_eq(coap_block2(none, sizeof(none), &b), 0);
	static const uint8_t bert[] = { 0x60, 0x45, 0, 1, 0xd1, 0x0a, 0x0f };
	ck_assert_int_eq(coap_block2(bert, sizeof(bert), &b), -1);
	static const uint8_t cut[] = { 0x60, 0x45, 0, 1, 0xd3, 0x0a, 0x0f };
	ck_assert_int_eq(coap_block2(cut, sizeof(cut), &b), -1);
}
END_TEST

START_TEST(coap_tcp_framing)
{
	static const uint8_t tok[4] = { 9, 8, 7, 6 };
	uint8_t udp[64], tcp[64], back[64];
	size_t n = coap_get_build(udp, sizeof(udp), 0x4242, tok, 4, "/.well-known/core");
	size_t fl = coap_tcp_from_udp(udp, n, tcp, sizeof(tcp));
	/* Options are 17 bytes: Len 13 with a one-byte extension of 4. */
	static const uint8_t head[] = { 0xd4, 0x04, 0x01, 9, 8, 7, 6, 0xbb };
	ck_assert_uint_eq(fl, n - 4 + 3);
	ck_assert_mem_eq(tcp, head, sizeof(head));
	size_t used, bl;
	ck_assert_int_eq(coap_tcp_to_udp(tcp, fl - 1, back, sizeof(back), &used, &bl), 0);
	ck_assert_int_eq(coap_tcp_to_udp(tcp, fl, back, sizeof(back), &used, &bl), 1);
	ck_assert_uint_eq(used, fl);
	ck_assert_uint_eq(bl, n);
	ck_assert_mem_eq(back + 4, udp + 4, n - 4);	/* all but type and message id */
	coap_msg_t m;
	ck_assert_int_eq(coap_parse(back, bl, &m), 0);
	ck_assert_int_eq(m.code, COAP_GET);
	/* A CSM followed by more bytes: one frame taken. */
	static const uint8_t csm[] = { 0x00, 0xe1, 0x50 };
	ck_assert_int_eq(coap_tcp_to_udp(csm, sizeof(csm), back, sizeof(back), &used, &bl), 1);
	ck_assert_uint_eq(used, 2);
	ck_assert_int_eq(back[1], COAP_CODE_CSM);
	static const uint8_t longtok[] = { 0x09, 0x45 };
	ck_assert_int_eq(coap_tcp_to_udp(longtok, 2, back, sizeof(back), &used, &bl), -1);
	static const uint8_t huge[] = { 0xf0, 0x7f, 0xff, 0xff, 0xff, 0x45 };
	ck_assert_int_eq(coap_tcp_to_udp(huge, sizeof(huge), back, sizeof(back), &used, &bl), -1);
	static const uint8_t toobig[] = { 0xd0, 0x60, 0x45 };	/* 109 bytes into 64 */
	uint8_t big[200] = { 0 };
	memcpy(big, toobig, 3);
	ck_assert_int_eq(coap_tcp_to_udp(big, sizeof(big), back, sizeof(back), &used, &bl), -1);
}
END_TEST

static Suite *
anonymous_coap_codec_suite(void)
{
	Suite *s = suite_create("anonymous-coap-codec");
	TCase *p = tcase_create("pure");
	tcase_add_test(p, linkformat_targets);
	tcase_add_test(p, linkformat_garbage);
	tcase_add_test(p, linkformat_selection);
	tcase_add_test(p, coap_put_and_block2);
	tcase_add_test(p, coap_tcp_framing);
	suite_add_tcase(s, p);
	return s;
}

CHECK_MAIN(anonymous_coap_codec_suite)
