/*
 * The reference device's I/O-free pieces behind its CoAP, SSDP and UPnP
 * services: the CoAP decoder and encoder, the M-SEARCH parser and search
 * response, and the UPnP descriptions (normal, hostile and the 100 MiB one
 * produced piece by piece).  The refdev sources are not in libiotcert.a, so
 * they are compiled in here; the harness's own parsers (proto/) judge what
 * the device produces, so the two sides are checked against each other.
 * Every truncation and a batch of random datagrams must be handled without
 * overrunning (the sanitizer build makes an overrun fatal).
 */
#include "check_main.h"

#include "refdev/coap_codec.c"
#include "refdev/ssdp_msg.c"
#include "refdev/upnp_desc.c"

#include "proto/coap.h"
#include "proto/ssdp.h"
#include "proto/upnp.h"

#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

/* CON GET /.well-known/core, token 01 02 03 04, Accept: 40. */
static const uint8_t get_wkc[] = {
	0x44, 0x01, 0x12, 0x34, 1, 2, 3, 4,
	0xbb, '.', 'w', 'e', 'l', 'l', '-', 'k', 'n', 'o', 'w', 'n',
	0x04, 'c', 'o', 'r', 'e',
	0x61, 40,
};

START_TEST(coap_decode)
{
	co_msg_t m;
	ck_assert_int_eq(co_parse(get_wkc, sizeof(get_wkc), &m), CO_OK);
	ck_assert_uint_eq(m.type, CO_CON);
	ck_assert_uint_eq(m.code, CO_GET);
	ck_assert_uint_eq(m.mid, 0x1234);
	ck_assert_uint_eq(m.tkl, 4);
	ck_assert_mem_eq(m.token, "\1\2\3\4", 4);
	ck_assert_str_eq(m.path, "/.well-known/core");
	ck_assert(!m.path_bad);
	ck_assert_int_eq(m.accept, 40);
	ck_assert_int_eq(m.content_format, -1);
	ck_assert_uint_eq(m.bad_option, 0);

	/* NON PUT /config, Content-Format 50 (one byte), payload. */
	const uint8_t put[] = { 0x50, 0x03, 0, 7, 0xb6, 'c', 'o', 'n', 'f', 'i', 'g',
		                0x11, 50, 0xff, '{', '}' };
	ck_assert_int_eq(co_parse(put, sizeof(put), &m), CO_OK);
	ck_assert_uint_eq(m.type, CO_NON);
	ck_assert_str_eq(m.path, "/config");
	ck_assert_int_eq(m.content_format, 50);
	ck_assert_uint_eq(m.payload_len, 2);
	ck_assert_mem_eq(m.payload, "{}", 2);

	/* No Uri-Path is "/"; an empty segment is kept; If-Match (1) is unsupported. */
	const uint8_t root[] = { 0x40, 0x01, 0, 1, 0x10, 0xa0, 0x01, 'x' };
	ck_assert_int_eq(co_parse(root, 4, &m), CO_OK);
	ck_assert_str_eq(m.path, "/");
	ck_assert_int_eq(co_parse(root, sizeof(root), &m), CO_OK);
	ck_assert_uint_eq(m.bad_option, 1);
	ck_assert_str_eq(m.path, "//x");
	/* A segment with '/' or a control byte is not a path this device has. */
	const uint8_t slash[] = { 0x40, 0x01, 0, 1, 0xb3, 'a', '/', 'b' };
	ck_assert_int_eq(co_parse(slash, sizeof(slash), &m), CO_OK);
	ck_assert(m.path_bad);
	/* 300 bytes of path overflow CO_PATH_MAX and are flagged, not cut. */
	uint8_t longp[4 + 3 * 102];
	memcpy(longp, "\x40\x01\0\1", 4);
	for (size_t i = 0; i < 102; i++)
		memcpy(longp + 4 + 3 * i, i == 0 ? "\xb2zz" : "\x02zz", 3);
	ck_assert_int_eq(co_parse(longp, sizeof(longp), &m), CO_OK);
	ck_assert(m.path_bad);

	/* Empty CON (a ping) is fine; with a token or a byte more it is not. */
	ck_assert_int_eq(co_parse((const uint8_t *)"\x40\0\0\1", 4, &m), CO_OK);
	ck_assert_uint_eq(m.code, 0);
	ck_assert_int_eq(co_parse((const uint8_t *)"\x41\0\0\1\7", 5, &m), CO_FORMAT);
	ck_assert_int_eq(co_parse((const uint8_t *)"\x40\0\0\1\xff", 5, &m), CO_FORMAT);
}
END_TEST

START_TEST(coap_decode_hostile)
{
	co_msg_t m;
	ck_assert_int_eq(co_parse((const uint8_t *)"\x44\x01\x12", 3, &m), CO_IGNORE);
	ck_assert_int_eq(co_parse((const uint8_t *)"\x84\x01\0\0", 4, &m), CO_IGNORE); /* v2 */
	ck_assert_int_eq(co_parse((const uint8_t *)"M-SEARCH", 8, &m), CO_FORMAT);    /* tkl 13 */
	ck_assert_uint_eq(m.type, CO_CON);
	ck_assert_int_eq(co_parse((const uint8_t *)"\x49\x01\0\1" "123456789", 13, &m), CO_FORMAT);
	ck_assert_int_eq(co_parse((const uint8_t *)"\x44\x01\0\1" "12", 6, &m), CO_FORMAT);
	static const struct { const char *p; size_t n; } bad[] = {
		{ "\x40\x01\0\1\xf1\0", 6 },          /* delta nibble 15 */
		{ "\x40\x01\0\1\xcf\0", 6 },          /* length nibble 15 */
		{ "\x40\x01\0\1\xde\x01", 6 },        /* extension bytes missing */
		{ "\x40\x01\0\1\xd0", 5 },            /* delta extension missing */
		{ "\x40\x01\0\1\xcd\xf0" "21.5", 10 },   /* length 253, 4 present */
		{ "\x40\x01\0\1\xce\xff\xff" "21.5", 11 },/* length 65804 */
		{ "\x40\x01\0\1\xb3" "ab", 7 },       /* length 3, 2 present */
		{ "\x40\x01\0\1\xff", 5 },            /* marker, no payload */
		{ "\x40\x01\0\1\xe0\xff\xff\xe0\xff\xff", 10 }, /* option number past 65535 */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t *p = malloc(bad[i].n);
		memcpy(p, bad[i].p, bad[i].n);
		ck_assert_msg(co_parse(p, bad[i].n, &m) == CO_FORMAT, "case %zu", i);
		free(p);
	}
	/* Every truncation of a valid request parses or fails, never reads past. */
	for (size_t n = 0; n <= sizeof(get_wkc); n++) {
		uint8_t *p = malloc(n ? n : 1);
		memcpy(p, get_wkc, n);
		co_rc_t rc = co_parse(p, n, &m);
		ck_assert(rc == CO_OK || rc == CO_FORMAT || (n < 4 && rc == CO_IGNORE));
		free(p);
	}
}
END_TEST

START_TEST(coap_encode)
{
	uint8_t buf[64];
	co_out_t o;
	co_out_init(&o, buf, sizeof(buf));
	co_out_header(&o, CO_ACK, CO_CODE(2, 5), 0xbeef, (const uint8_t *)"\1\2\3\4", 4);
	co_out_uint_option(&o, CO_OPT_CONTENT_FORMAT, 40);
	co_out_option(&o, 300, "v", 1);     /* delta 288: the two-byte form */
	co_out_payload(&o, "</x>", 4);
	size_t n = co_out_done(&o);
	static const uint8_t want[] = { 0x64, 0x45, 0xbe, 0xef, 1, 2, 3, 4, 0xc1, 40,
		                        0xe1, 0x00, 0x13, 'v', 0xff, '<', '/', 'x', '>' };
	ck_assert_uint_eq(n, sizeof(want));
	ck_assert_mem_eq(buf, want, sizeof(want));
	/* What the device sends, the harness's strict parser reads. */
	coap_msg_t hm;
	ck_assert_int_eq(coap_parse(buf, n, &hm), 0);
	ck_assert_int_eq(hm.content_format, 40);
	ck_assert_uint_eq(hm.payload_len, 4);

	/* Content-Format 0 is the empty value. */
	co_out_init(&o, buf, sizeof(buf));
	co_out_header(&o, CO_NON, CO_CODE(2, 5), 1, NULL, 0);
	co_out_uint_option(&o, CO_OPT_CONTENT_FORMAT, 0);
	ck_assert_uint_eq(co_out_done(&o), 5);
	ck_assert_uint_eq(buf[4], 0xc0);

	/* Out of order, too small, or a token over 8 bytes: nothing to send. */
	co_out_init(&o, buf, sizeof(buf));
	co_out_header(&o, CO_ACK, CO_CODE(2, 5), 1, NULL, 0);
	co_out_option(&o, 12, NULL, 0);
	co_out_option(&o, 11, NULL, 0);
	ck_assert_uint_eq(co_out_done(&o), 0);
	co_out_init(&o, buf, 6);
	co_out_header(&o, CO_ACK, CO_CODE(2, 5), 1, (const uint8_t *)"\1\2\3\4", 4);
	ck_assert_uint_eq(co_out_done(&o), 0);
	co_out_init(&o, buf, sizeof(buf));
	co_out_header(&o, CO_ACK, CO_CODE(2, 5), 1, (const uint8_t *)"123456789", 9);
	ck_assert_uint_eq(co_out_done(&o), 0);
}
END_TEST

static const char msearch[] = "M-SEARCH * HTTP/1.1\r\nHOST: 127.0.26.1:1900\r\n"
                              "MAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n"
                              "USER-AGENT: Linux/1 UPnP/1.1 iotcert/1\r\n\r\n";

static int
search(const char *text, ssdp_search_t *s)
{
	size_t n = strlen(text);
	unsigned char *p = malloc(n ? n : 1);
	memcpy(p, text, n);
	int rc = ssdp_parse_msearch(p, n, s);
	free(p);
	return rc;
}

START_TEST(ssdp_requests)
{
	ssdp_search_t s;
	ck_assert_int_eq(search(msearch, &s), 0);
	ck_assert_str_eq(s.st, "ssdp:all");
	ck_assert_int_eq(s.mx, 1);
	/* The request the harness builds is one this device answers. */
	char req[512];
	size_t n = ssdp_msearch_build(req, sizeof(req), "127.0.26.1:1900", "upnp:rootdevice", 1);
	ck_assert_uint_gt(n, 0);
	ck_assert_int_eq(ssdp_parse_msearch((const unsigned char *)req, n, &s), 0);
	ck_assert_str_eq(s.st, "upnp:rootdevice");
	ck_assert_int_eq(search("M-SEARCH * HTTP/1.1\nman:\t\"ssdp:discover\"  \nst: x", &s), 0);
	ck_assert_int_eq(s.mx, -1);

	ck_assert_int_eq(search("NOTIFY * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nST: a\r\n\r\n",
	    &s), -1);
	ck_assert_int_eq(search("M-SEARCH * HTTP/1.1\r\nMAN: ssdp:discover\r\nST: a\r\n\r\n",
	    &s), -1);
	ck_assert_int_eq(search("M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\n\r\n", &s), -1);
	ck_assert_int_eq(search("M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nST:\r\n\r\n",
	    &s), -1);
	ck_assert_int_eq(search("M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nST: a\r\n"
	                        "MX: 1x\r\n\r\n", &s), -1);
	ck_assert_int_eq(search("M-SEARCH * HTTP/1.1\r\nBad Name: 1\r\n\r\n", &s), -1);
	ck_assert_int_eq(search("M-SEARCH * HTTP/1.1\r\n: 1\r\n\r\n", &s), -1);
	ck_assert_int_eq(search("", &s), -1);
	unsigned char nul[] = "M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nST: a\0b\r\n\r\n";
	ck_assert_int_eq(ssdp_parse_msearch(nul, sizeof(nul) - 1, &s), -1);
	char many[2048] = "M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nST: a\r\n";
	for (int i = 0; i < SSDP_HEADERS_MAX; i++)
		strcat(many, "X: y\r\n");
	ck_assert_int_eq(search(many, &s), -1);
	char longst[600];
	snprintf(longst, sizeof(longst), "M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\n"
	    "ST: %0300d\r\n\r\n", 7);
	ck_assert_int_eq(search(longst, &s), -1);
}
END_TEST

START_TEST(ssdp_responses)
{
	char st[SSDP_TARGETS_MAX][SSDP_ST_MAX], usn[SSDP_TARGETS_MAX][SSDP_ST_MAX];
	ck_assert_uint_eq(ssdp_targets("ssdp:all", UPNP_UDN, UPNP_DEVICE_TYPE, st, usn), 3);
	ck_assert_str_eq(st[0], "upnp:rootdevice");
	ck_assert_str_eq(usn[0], UPNP_UDN "::upnp:rootdevice");
	ck_assert_str_eq(st[1], UPNP_UDN);
	ck_assert_str_eq(usn[1], UPNP_UDN);
	ck_assert_str_eq(st[2], UPNP_DEVICE_TYPE);
	ck_assert_str_eq(usn[2], UPNP_UDN "::" UPNP_DEVICE_TYPE);
	ck_assert_uint_eq(ssdp_targets(UPNP_UDN, UPNP_UDN, UPNP_DEVICE_TYPE, st, usn), 1);
	ck_assert_uint_eq(ssdp_targets("urn:schemas-upnp-org:device:MediaServer:1", UPNP_UDN,
	    UPNP_DEVICE_TYPE, st, usn), 0);

	char out[1024];
	size_t n = ssdp_response(out, sizeof(out), "http://127.0.26.1:49152/description.xml",
	    UPNP_SERVER, "upnp:rootdevice", UPNP_UDN "::upnp:rootdevice",
	    "Mon, 30 Nov 2026 10:00:00 GMT");
	ck_assert_uint_gt(n, 0);
	ssdp_resp_t r;
	ck_assert_int_eq(ssdp_parse_response((const uint8_t *)out, n, &r), 0);
	ck_assert_str_eq(r.location, "http://127.0.26.1:49152/description.xml");
	ck_assert_str_eq(r.st, "upnp:rootdevice");
	ck_assert_str_eq(r.server, UPNP_SERVER);
	/* Volatile, or the compiler proves the truncation and refuses to build. */
	volatile size_t small = 64;
	ck_assert_uint_eq(ssdp_response(out, small, "http://x/", UPNP_SERVER, "a", "b", "d"), 0);
}
END_TEST

START_TEST(upnp_documents)
{
	char err[256];
	upnp_desc_t d;
	char *doc = upnp_desc_doc(0, "http://127.0.26.1:1");
	ck_assert_ptr_null(strstr(doc, "<!DOCTYPE"));
	ck_assert_int_eq(upnp_parse(doc, strlen(doc), &d, err, sizeof(err)), UPNP_OK);
	ck_assert_str_eq(d.friendly_name, "RefDev Camera RD-100");
	ck_assert_str_eq(d.manufacturer, "RefDev");
	ck_assert_str_eq(d.model_name, "RD-100");
	ck_assert_str_eq(d.model_number, "RD-100-1");
	ck_assert_str_eq(d.serial, "RD100-000123");
	ck_assert_str_eq(d.udn, UPNP_UDN);
	ck_assert_str_eq(d.device_type, UPNP_DEVICE_TYPE);
	upnp_desc_clear(&d);
	free(doc);

	doc = upnp_desc_doc(UPNP_ENTITY_EXPANSION, "http://127.0.26.1:1");
	ck_assert_ptr_nonnull(strstr(doc, "<!DOCTYPE root [\n<!ENTITY lol \"lol\">\n"
	    "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"));
	ck_assert_ptr_nonnull(strstr(doc, "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;"
	    "&lol8;&lol8;&lol8;&lol8;&lol8;\">\n]>\n"));
	ck_assert_ptr_nonnull(strstr(doc, "<friendlyName>&lol9;</friendlyName>"));
	ck_assert_ptr_null(strstr(doc, "SYSTEM"));
	ck_assert_int_eq(upnp_parse(doc, strlen(doc), &d, err, sizeof(err)), UPNP_DOCTYPE);
	upnp_desc_clear(&d);
	free(doc);

	doc = upnp_desc_doc(UPNP_EXTERNAL_ENTITY, "http://[::1]:4242");
	ck_assert_ptr_nonnull(strstr(doc, "<!ENTITY xxefile SYSTEM \"file:///etc/passwd\">\n"));
	ck_assert_ptr_nonnull(strstr(doc, "<!ENTITY xxe SYSTEM \"http://[::1]:4242/xxe\">\n"));
	ck_assert_ptr_nonnull(strstr(doc, "<!ENTITY % xxedtd SYSTEM \"http://[::1]:4242/xxe?dtd\">"
	    "\n%xxedtd;\n]>"));
	ck_assert_ptr_nonnull(strstr(doc, "<friendlyName>&xxe;</friendlyName>"));
	ck_assert_ptr_nonnull(strstr(doc, "<modelDescription>&xxefile;</modelDescription>"));
	ck_assert_ptr_null(strstr(doc, "lol"));
	ck_assert_int_eq(upnp_parse(doc, strlen(doc), &d, err, sizeof(err)), UPNP_DOCTYPE);
	upnp_desc_clear(&d);
	free(doc);

	doc = upnp_desc_doc(UPNP_ENTITY_EXPANSION | UPNP_EXTERNAL_ENTITY, "http://a:1");
	ck_assert_ptr_nonnull(strstr(doc, "<friendlyName>&lol9;&xxe;</friendlyName>"));
	free(doc);
}
END_TEST

/* The 100 MiB description: the same bytes whatever the pieces, and well formed. */
START_TEST(upnp_huge_document)
{
	const size_t big = 65536, odd = 4093;
	unsigned char *a = malloc(big), *b = malloc(big);
	/* No callbacks: the parser checks well-formedness and builds no tree. */
	xmlSAXHandler sax;
	memset(&sax, 0, sizeof(sax));
	xmlParserCtxtPtr x = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, "huge.xml");
	ck_assert_ptr_nonnull(x);
	uint64_t off = 0;
	unsigned char head[8] = { 0 }, tail[32] = { 0 };
	while (off < UPNP_HUGE_LEN) {
		size_t k = upnp_huge_fill(NULL, off, a, big);
		ck_assert_uint_gt(k, 0);
		/* The same range in odd-sized pieces from odd offsets. */
		for (size_t got = 0; got < k;) {
			size_t want = k - got < odd ? k - got : odd;
			ck_assert_uint_eq(upnp_huge_fill(NULL, off + got, b + got, want), want);
			got += want;
		}
		ck_assert_mem_eq(a, b, k);
		if (off == 0)
			memcpy(head, a, sizeof(head));
		if (off + k == UPNP_HUGE_LEN)
			memcpy(tail, a + k - sizeof(tail), sizeof(tail));
		ck_assert_int_eq(xmlParseChunk(x, (const char *)a, (int)k, 0), 0);
		off += k;
	}
	ck_assert_int_eq(xmlParseChunk(x, NULL, 0, 1), 0);
	ck_assert(x->wellFormed);
	xmlFreeParserCtxt(x);
	ck_assert_uint_eq(off, 100u * 1024 * 1024);
	ck_assert_mem_eq(head, "<?xml ve", 8);
	ck_assert_mem_eq(tail + sizeof(tail) - 18, "</device>\n</root>\n", 18);
	ck_assert_uint_eq(upnp_huge_fill(NULL, UPNP_HUGE_LEN, a, big), 0);
	free(a);
	free(b);
}
END_TEST

START_TEST(random_datagrams_never_overrun)
{
	unsigned seed = 20261130;
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)(rand_r(&seed) % 80);
		uint8_t *p = malloc(n ? n : 1);
		for (size_t i = 0; i < n; i++)
			p[i] = (uint8_t)rand_r(&seed);
		if (round % 2 && n >= 4)
			p[0] = (uint8_t)(0x40 | (p[0] & 0x37)); /* version 1, tkl <= 7 */
		co_msg_t m;
		co_rc_t rc = co_parse(p, n, &m);
		ck_assert(rc == CO_OK || rc == CO_FORMAT || rc == CO_IGNORE);
		if (rc == CO_OK)
			ck_assert_uint_lt(strlen(m.path), CO_PATH_MAX);
		ssdp_search_t s;
		if (round % 3 == 0 && n >= 20)
			memcpy(p, "M-SEARCH * HTTP/1.1\n", 20);
		if (ssdp_parse_msearch(p, n, &s) == 0)
			ck_assert_uint_lt(strlen(s.st), SSDP_ST_MAX);
		free(p);
	}
}
END_TEST

static Suite *
refdev_codecs_suite(void)
{
	Suite *s = suite_create("refdev-codecs");
	TCase *tc = tcase_create("codecs");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, coap_decode);
	tcase_add_test(tc, coap_decode_hostile);
	tcase_add_test(tc, coap_encode);
	tcase_add_test(tc, ssdp_requests);
	tcase_add_test(tc, ssdp_responses);
	tcase_add_test(tc, upnp_documents);
	tcase_add_test(tc, upnp_huge_document);
	tcase_add_test(tc, random_datagrams_never_overrun);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(refdev_codecs_suite)
