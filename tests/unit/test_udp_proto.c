/*
 * The pure UDP protocol parsers (harness/proto: coap, ntp, tftp, dtls,
 * ssdp; DNS and SNMP in test_dns_snmp.c): requests byte for byte, crafted
 * answers to exact fields, and hostile input - every truncation, wrong
 * lengths, random garbage and bit flips, over every UDP parser - rejected
 * without a crash (run under ASan to make "without a crash" mean no
 * out-of-bounds read either).
 */
#include "check_main.h"
#include "pktbuild.h"
#include "udp_frames.h"
#include "proto/coap.h"
#include "proto/dnsmsg.h"
#include "proto/dtls.h"
#include "proto/ntp.h"
#include "proto/pstr.h"
#include "proto/snmp.h"
#include "proto/ssdp.h"
#include "proto/tftp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GARBAGE_ROUNDS 4000

/* ---- CoAP ---- */

START_TEST(coap_request_bytes)
{
	uint8_t b[128];
	const uint8_t tok[4] = { 1, 2, 3, 4 };
	size_t n = coap_get_build(b, sizeof(b), 0xabcd, tok, 4, "/.well-known/core");
	static const uint8_t want[] = {
		0x44, 0x01, 0xab, 0xcd, 1, 2, 3, 4,
		0xbb, '.', 'w', 'e', 'l', 'l', '-', 'k', 'n', 'o', 'w', 'n',
		0x04, 'c', 'o', 'r', 'e',
	};
	ck_assert_uint_eq(n, sizeof(want));
	ck_assert_mem_eq(b, want, n);
	coap_msg_t m;
	ck_assert_int_eq(coap_parse(b, n, &m), 0);	/* well formed, but a request */
	ck_assert_uint_eq(m.code, COAP_GET);
	n = coap_ack_build(b, sizeof(b), 0x0102);
	static const uint8_t ack[] = { 0x60, 0x00, 0x01, 0x02 };
	ck_assert_uint_eq(n, 4);
	ck_assert_mem_eq(b, ack, 4);
}
END_TEST

static void
coap_content(pkt_t *p, uint16_t mid, const uint8_t tok[4], const char *payload)
{
	p->n = 0;
	put8(p, 0x64);		/* ver 1, ACK, tkl 4 */
	put8(p, COAP_CONTENT);
	put16(p, mid);
	put(p, tok, 4);
	put8(p, 0xc1);		/* Content-Format (12), 1 byte */
	put8(p, 40);		/* application/link-format */
	put8(p, 0xd1);		/* delta 13+1 = Max-Age (14) */
	put8(p, 1);
	put8(p, 60);
	put8(p, 0xff);
	put(p, payload, strlen(payload));
}

START_TEST(coap_response_fields)
{
	pkt_t p;
	const uint8_t tok[4] = { 9, 8, 7, 6 };
	coap_content(&p, 0x1111, tok, "</sensors/temp>;rt=\"temperature\"");
	coap_msg_t m;
	ck_assert_int_eq(coap_parse(p.b, p.n, &m), 0);
	ck_assert_uint_eq(m.type, COAP_ACK);
	ck_assert_uint_eq(m.code, COAP_CONTENT);
	ck_assert_uint_eq(m.msgid, 0x1111);
	ck_assert_uint_eq(m.tkl, 4);
	ck_assert_mem_eq(m.token, tok, 4);
	ck_assert_int_eq(m.content_format, 40);
	ck_assert_uint_eq(m.payload_len, strlen("</sensors/temp>;rt=\"temperature\""));
	ck_assert_mem_eq(m.payload, "</sensors/temp>", 15);
	char code[8];
	coap_code_str(m.code, code);
	ck_assert_str_eq(code, "2.05");
	/* Empty ACK and RST. */
	static const uint8_t rst[] = { 0x70, 0, 0x11, 0x11 };
	ck_assert_int_eq(coap_parse(rst, 4, &m), 0);
	ck_assert_uint_eq(m.type, COAP_RST);
}
END_TEST

START_TEST(coap_hostile)
{
	coap_msg_t m;
	static const uint8_t v2[] = { 0x84, 0x45, 0, 1, 1, 2, 3, 4 };
	ck_assert_int_eq(coap_parse(v2, sizeof(v2), &m), -1);	/* version 2 */
	static const uint8_t tkl9[] = { 0x49, 0x45, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	ck_assert_int_eq(coap_parse(tkl9, sizeof(tkl9), &m), -1);
	static const uint8_t nib15[] = { 0x60, 0x45, 0, 1, 0xf1, 0 };
	ck_assert_int_eq(coap_parse(nib15, sizeof(nib15), &m), -1);
	static const uint8_t len15[] = { 0x60, 0x45, 0, 1, 0x1f, 0 };
	ck_assert_int_eq(coap_parse(len15, sizeof(len15), &m), -1);
	static const uint8_t marker_only[] = { 0x60, 0x45, 0, 1, 0xff };
	ck_assert_int_eq(coap_parse(marker_only, sizeof(marker_only), &m), -1);
	static const uint8_t optlen[] = { 0x60, 0x45, 0, 1, 0xbd, 200, 'x' };
	ck_assert_int_eq(coap_parse(optlen, sizeof(optlen), &m), -1);
	static const uint8_t ext2[] = { 0x60, 0x45, 0, 1, 0xe0, 0xff };	/* 2-byte delta cut */
	ck_assert_int_eq(coap_parse(ext2, sizeof(ext2), &m), -1);
	static const uint8_t empty_tok[] = { 0x61, 0x00, 0, 1, 7 };	/* empty with token */
	ck_assert_int_eq(coap_parse(empty_tok, sizeof(empty_tok), &m), -1);
	static const uint8_t empty_extra[] = { 0x60, 0x00, 0, 1, 0xff, 1 };
	ck_assert_int_eq(coap_parse(empty_extra, sizeof(empty_extra), &m), -1);
	/* Option numbers past 65535 (deltas 14-form twice). */
	static const uint8_t big[] = { 0x60, 0x45, 0, 1, 0xe0, 0xff, 0x00, 0xe0, 0xff, 0x00 };
	ck_assert_int_eq(coap_parse(big, sizeof(big), &m), -1);
	/* More than COAP_MAX_OPTIONS options. */
	pkt_t p = { .n = 0 };
	put8(&p, 0x60);
	put8(&p, 0x45);
	put16(&p, 1);
	for (int i = 0; i < COAP_MAX_OPTIONS + 1; i++)
		put8(&p, 0x00);
	ck_assert_int_eq(coap_parse(p.b, p.n, &m), -1);
	/* Prefixes: never a crash; cut inside header, token or options rejected. */
	const uint8_t tok[4] = { 1, 2, 3, 4 };
	coap_content(&p, 2, tok, "</x>");
	for (size_t k = 0; k < p.n; k++) {
		/* Whole options end at 8, 10 and 13; a payload needs a byte. */
		bool whole = k == 8 || k == 10 || k == 13 || k >= 15;
		uint8_t *h = heap_copy(p.b, k);
		ck_assert_msg((coap_parse(h, k, &m) == 0) == whole, "prefix %zu", k);
		free(h);
	}
}
END_TEST

/* ---- NTP ---- */

static void
ntp_reply(pkt_t *p, unsigned b0, unsigned stratum, const uint8_t refid[4], uint64_t origin)
{
	p->n = 0;
	put8(p, b0);
	put8(p, stratum);
	put8(p, 6);
	put8(p, 0xe9);
	put32(p, 0);
	put32(p, 0x10);
	put(p, refid, 4);
	put32(p, 1);
	put32(p, 2);
	put32(p, (uint32_t)(origin >> 32));
	put32(p, (uint32_t)origin);
	put32(p, 3);
	put32(p, 4);
	put32(p, 5);
	put32(p, 6);
}

START_TEST(ntp_fields)
{
	uint8_t b[64];
	ck_assert_uint_eq(ntp_request_build(b, sizeof(b), 0x0102030405060708ULL), 48);
	ck_assert_uint_eq(b[0], 0x23);
	ck_assert_uint_eq(b[40], 1);
	ck_assert_uint_eq(b[47], 8);
	ck_assert_uint_eq(ntp_request_build(b, 47, 1), 0);
	ntp_reply_t r;
	ck_assert_int_eq(ntp_parse(b, 48, &r), 0);	/* our request: mode 3 */
	ck_assert_int_eq(r.mode, 3);

	pkt_t p;
	ntp_reply(&p, 0x24, 2, (const uint8_t[]){ 127, 0, 0, 1 }, 0xdeadbeefcafef00dULL);
	ck_assert_int_eq(ntp_parse(p.b, p.n, &r), 0);
	ck_assert_int_eq(r.mode, 4);
	ck_assert_int_eq(r.version, 4);
	ck_assert_int_eq(r.stratum, 2);
	ck_assert_str_eq(r.refid, "127.0.0.1");
	ck_assert(r.origin == 0xdeadbeefcafef00dULL);
	ntp_reply(&p, 0x1c, 1, (const uint8_t[]){ 'G', 'P', 'S', 0 }, 1);
	ck_assert_int_eq(ntp_parse(p.b, p.n, &r), 0);
	ck_assert_int_eq(r.version, 3);
	ck_assert_str_eq(r.refid, "GPS");
	ntp_reply(&p, 0x24, 0, (const uint8_t[]){ 'R', 'A', 'T', 'E' }, 1);
	ck_assert_int_eq(ntp_parse(p.b, p.n, &r), 0);
	ck_assert_str_eq(r.refid, "RATE");	/* kiss-o'-death still names NTP */
	ntp_reply(&p, 0x04, 2, (const uint8_t[]){ 1, 2, 3, 4 }, 1);	/* version 0 */
	ck_assert_int_eq(ntp_parse(p.b, p.n, &r), -1);
	ntp_reply(&p, 0x2c, 2, (const uint8_t[]){ 1, 2, 3, 4 }, 1);	/* version 5 */
	ck_assert_int_eq(ntp_parse(p.b, p.n, &r), -1);
	ntp_reply(&p, 0x24, 2, (const uint8_t[]){ 1, 2, 3, 4 }, 1);
	for (size_t k = 0; k < 48; k++) {
		uint8_t *h = heap_copy(p.b, k);
		ck_assert_int_eq(ntp_parse(h, k, &r), -1);
		free(h);
	}
}
END_TEST

/* ---- TFTP ---- */

START_TEST(tftp_fields)
{
	uint8_t b[128];
	size_t n = tftp_rrq_build(b, sizeof(b), "x.bin", "octet");
	static const uint8_t want[] = { 0, 1, 'x', '.', 'b', 'i', 'n', 0,
		'o', 'c', 't', 'e', 't', 0 };
	ck_assert_uint_eq(n, sizeof(want));
	ck_assert_mem_eq(b, want, n);
	tftp_reply_t r;
	ck_assert_int_eq(tftp_parse(b, n, &r), -1);	/* an RRQ is not an answer */
	ck_assert_uint_eq(tftp_rrq_build(b, 8, "x.bin", "octet"), 0);

	static const uint8_t err[] = { 0, 5, 0, 1, 'F', 'i', 'l', 'e', ' ', 'n', 'o', 't', 0 };
	ck_assert_int_eq(tftp_parse(err, sizeof(err), &r), 0);
	ck_assert_int_eq(r.opcode, TFTP_ERROR);
	ck_assert_int_eq(r.errcode, 1);
	ck_assert_str_eq(r.errmsg, "File not");
	ck_assert_int_eq(tftp_parse(err, sizeof(err) - 1, &r), 0);	/* no NUL: tolerated */
	static const uint8_t padded[] = { 0, 5, 0, 2, 'x', 0, 0, 0 };
	ck_assert_int_eq(tftp_parse(padded, sizeof(padded), &r), 0);
	static const uint8_t junk[] = { 0, 5, 0, 2, 'x', 0, 'y' };
	ck_assert_int_eq(tftp_parse(junk, sizeof(junk), &r), -1);
	static const uint8_t ctl[] = { 0, 5, 0, 2, 'x', 1, 0 };
	ck_assert_int_eq(tftp_parse(ctl, sizeof(ctl), &r), -1);
	static const uint8_t code9[] = { 0, 5, 0, 9, 'x', 0 };
	ck_assert_int_eq(tftp_parse(code9, sizeof(code9), &r), -1);
	static const uint8_t data[] = { 0, 3, 0, 1, 'a', 'b' };
	ck_assert_int_eq(tftp_parse(data, sizeof(data), &r), 0);
	ck_assert_int_eq(r.block, 1);
	ck_assert_uint_eq(r.data_len, 2);
	static const uint8_t data0[] = { 0, 3, 0, 0 };
	ck_assert_int_eq(tftp_parse(data0, sizeof(data0), &r), -1);
	uint8_t big[4 + 513] = { 0, 3, 0, 1 };
	ck_assert_int_eq(tftp_parse(big, sizeof(big), &r), -1);
	for (size_t k = 0; k < 4; k++)
		ck_assert_int_eq(tftp_parse(err, k, &r), -1);
}
END_TEST

/* ---- DTLS ---- */

static void
dtls_record(pkt_t *p, unsigned type, unsigned version, const pkt_t *frag)
{
	p->n = 0;
	put8(p, type);
	put16(p, version);
	put16(p, 0);
	put16(p, 0);
	put32(p, 0);
	put16(p, (unsigned)frag->n);
	put(p, frag->b, frag->n);
}

static void
dtls_handshake(pkt_t *p, unsigned version, unsigned hs_type, const pkt_t *body)
{
	pkt_t f = { .n = 0 };
	put8(&f, hs_type);
	put8(&f, 0);
	put16(&f, (unsigned)body->n);
	put16(&f, 0);
	put8(&f, 0);
	put16(&f, 0);
	put8(&f, 0);
	put16(&f, (unsigned)body->n);
	put(&f, body->b, body->n);
	dtls_record(p, DTLS_CT_HANDSHAKE, version, &f);
}

static void
dtls_hvr(pkt_t *p, size_t cookie_len)
{
	pkt_t body = { .n = 0 };
	put16(&body, 0xfeff);
	put8(&body, (unsigned)cookie_len);
	for (size_t i = 0; i < cookie_len; i++)
		put8(&body, (unsigned)i);
	dtls_handshake(p, 0xfeff, DTLS_HS_HELLO_VERIFY, &body);
}

START_TEST(dtls_fields)
{
	uint8_t b[512], rnd[32] = { 0 };
	size_t n = dtls_client_hello_build(b, sizeof(b), rnd, NULL, 0, 0);
	ck_assert_uint_gt(n, 25);
	ck_assert_uint_eq(b[0], 22);
	ck_assert_uint_eq(b[1] << 8 | b[2], 0xfeff);
	ck_assert_uint_eq((size_t)(b[11] << 8 | b[12]), n - 13);
	ck_assert_uint_eq(b[13], 1);
	ck_assert_uint_eq((size_t)(b[15] << 8 | b[16]), n - 25);
	ck_assert_uint_eq(b[25] << 8 | b[26], 0xfefd);
	dtls_reply_t r;
	ck_assert_int_eq(dtls_parse(b, n, &r), -1);	/* a ClientHello is no answer */
	const uint8_t ck[3] = { 7, 7, 7 };
	size_t n2 = dtls_client_hello_build(b, sizeof(b), rnd, ck, 3, 1);
	ck_assert_uint_eq(n2, n + 3);
	ck_assert_uint_eq(b[18], 1);	/* message_seq */
	ck_assert_uint_eq(b[25 + 2 + 32 + 1], 3);	/* cookie length */

	pkt_t p;
	dtls_hvr(&p, 20);
	ck_assert_int_eq(dtls_parse(p.b, p.n, &r), 0);
	ck_assert_uint_eq(r.hs_type, DTLS_HS_HELLO_VERIFY);
	ck_assert_uint_eq(r.cookie_len, 20);
	ck_assert_uint_eq(r.cookie[19], 19);
	ck_assert_str_eq(dtls_version_str(r.record_version), "1.0");

	pkt_t body = { .n = 0 };
	put16(&body, 0xfefd);
	for (int i = 0; i < 32; i++)
		put8(&body, 0xaa);
	put8(&body, 0);
	put16(&body, 0xc0a8);
	put8(&body, 0);
	dtls_handshake(&p, 0xfefd, DTLS_HS_SERVER_HELLO, &body);
	ck_assert_int_eq(dtls_parse(p.b, p.n, &r), 0);
	ck_assert_uint_eq(r.cipher, 0xc0a8);
	ck_assert_str_eq(dtls_version_str(r.hs_version), "1.2");

	pkt_t al = { .n = 0 };
	put8(&al, 2);
	put8(&al, 40);
	dtls_record(&p, DTLS_CT_ALERT, 0xfefd, &al);
	ck_assert_int_eq(dtls_parse(p.b, p.n, &r), 0);
	ck_assert_uint_eq(r.alert_desc, 40);
	al.b[0] = 3;	/* no such alert level */
	dtls_record(&p, DTLS_CT_ALERT, 0xfefd, &al);
	ck_assert_int_eq(dtls_parse(p.b, p.n, &r), -1);
	dtls_record(&p, DTLS_CT_ALERT, 0x0303, &(pkt_t){ .b = { 2, 40 }, .n = 2 });
	ck_assert_int_eq(dtls_parse(p.b, p.n, &r), -1);	/* TLS, not DTLS */
	dtls_record(&p, 23, 0xfefd, &al);
	ck_assert_int_eq(dtls_parse(p.b, p.n, &r), -1);	/* application data */

	dtls_hvr(&p, 20);
	p.b[13 + 6] = 1;	/* fragment offset != 0 */
	ck_assert_int_eq(dtls_parse(p.b, p.n, &r), -1);
	dtls_hvr(&p, 20);
	p.b[13 + 12 + 2] = 200;	/* cookie longer than the body */
	ck_assert_int_eq(dtls_parse(p.b, p.n, &r), -1);
	dtls_hvr(&p, 20);
	p.b[12] = (uint8_t)(p.b[12] + 1);	/* record longer than the datagram */
	ck_assert_int_eq(dtls_parse(p.b, p.n, &r), -1);
	dtls_hvr(&p, 20);
	for (size_t k = 0; k < p.n; k++) {
		uint8_t *h = heap_copy(p.b, k);
		ck_assert_int_eq(dtls_parse(h, k, &r), -1);
		free(h);
	}
}
END_TEST

/* ---- SSDP ---- */

static const char miniupnpd[] =
	"HTTP/1.1 200 OK\r\n"
	"CACHE-CONTROL: max-age=120\r\n"
	"ST: upnp:rootdevice\r\n"
	"USN: uuid:12345678-1234-1234-1234-123456789abc::upnp:rootdevice\r\n"
	"EXT:\r\n"
	"SERVER: OpenWRT/23.05 UPnP/1.1 MiniUPnPd/2.3.3\r\n"
	"LOCATION: http://127.0.50.1:5000/rootDesc.xml\r\n"
	"OPT: \"http://schemas.upnp.org/upnp/1/0/\"; ns=01\r\n"
	"\r\n";

START_TEST(ssdp_fields)
{
	char b[512];
	size_t n = ssdp_msearch_build(b, sizeof(b), "127.0.50.1:1900", "ssdp:all", 1);
	ck_assert_str_eq(b, "M-SEARCH * HTTP/1.1\r\nHOST: 127.0.50.1:1900\r\n"
	    "MAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n"
	    "USER-AGENT: Linux/1 UPnP/1.1 iotcert/1\r\n\r\n");
	ck_assert_uint_eq(n, strlen(b));
	ck_assert_uint_eq(ssdp_msearch_build(b, 20, "h", "ssdp:all", 1), 0);
	ssdp_resp_t r;
	ck_assert_int_eq(ssdp_parse_response((const uint8_t *)b, n, &r), -1);

	ck_assert_int_eq(ssdp_parse_response((const uint8_t *)miniupnpd, strlen(miniupnpd), &r), 0);
	ck_assert_str_eq(r.st, "upnp:rootdevice");
	ck_assert_str_eq(r.usn, "uuid:12345678-1234-1234-1234-123456789abc::upnp:rootdevice");
	ck_assert_str_eq(r.location, "http://127.0.50.1:5000/rootDesc.xml");
	ck_assert_str_eq(r.server, "OpenWRT/23.05 UPnP/1.1 MiniUPnPd/2.3.3");
	char prod[64], ver[64];
	ssdp_server_product(r.server, prod, sizeof(prod), ver, sizeof(ver));
	ck_assert_str_eq(prod, "MiniUPnPd");
	ck_assert_str_eq(ver, "2.3.3");
	ssdp_server_product("Linux, UPnP/1.0, Portable SDK for UPnP devices/1.6.22",
	    prod, sizeof(prod), ver, sizeof(ver));
	ck_assert_str_eq(prod, "Portable SDK for UPnP devices");
	ck_assert_str_eq(ver, "1.6.22");
	ssdp_server_product("Linux/5.4 UPnP/1.0", prod, sizeof(prod), ver, sizeof(ver));
	ck_assert_str_eq(prod, "");
	/* LF-only line ends and lower-case names are tolerated. */
	const char *lf = "HTTP/1.1 200 OK\nst: a\nusn: b\n\n";
	ck_assert_int_eq(ssdp_parse_response((const uint8_t *)lf, strlen(lf), &r), 0);
	ck_assert_str_eq(r.usn, "b");
}
END_TEST

START_TEST(ssdp_hostile)
{
	ssdp_resp_t r;
	static const char *const bad[] = {
		"HTTP/1.1 404 Not Found\r\nST: a\r\nUSN: b\r\n\r\n",
		"HTTP/1.1 2000 OK\r\nST: a\r\nUSN: b\r\n\r\n",
		"NOTIFY * HTTP/1.1\r\nNT: a\r\nUSN: b\r\n\r\n",
		"HTTP/1.1 200 OK\r\nST: a\r\n\r\n",
		"HTTP/1.1 200 OK\r\nUSN: b\r\n\r\n",
		"HTTP/1.1 200 OK\r\nST: a\r\nno colon here\r\nUSN: b\r\n\r\n",
		"HTTP/1.1 200 OK\r\nST: a\r\nUSN:\r\n\r\n",
		"HTTP/1.1 200 OK\r\n: x\r\nST: a\r\nUSN: b\r\n\r\n",
		"",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(ssdp_parse_response((const uint8_t *)bad[i], strlen(bad[i]), &r) == -1,
		    "accepted: %s", bad[i]);
	static const uint8_t nul[] = "HTTP/1.1 200 OK\r\nST: a\0b\r\nUSN: b\r\n\r\n";
	ck_assert_int_eq(ssdp_parse_response(nul, sizeof(nul) - 1, &r), -1);
	/* 65 headers. */
	char many[4096] = "HTTP/1.1 200 OK\r\nST: a\r\nUSN: b\r\n";
	for (int i = 0; i < 63; i++)
		strcat(many, "X: y\r\n");
	strcat(many, "\r\n");
	ck_assert_int_eq(ssdp_parse_response((const uint8_t *)many, strlen(many), &r), -1);
	/* Every prefix: no crash; until the USN value starts, rejected (later,
	 * a header line cut before its colon is rejected too). */
	size_t n = strlen(miniupnpd);
	size_t usn_value = (size_t)(strstr(miniupnpd, "USN: ") + 5 - miniupnpd);
	for (size_t k = 0; k < n; k++) {
		uint8_t *h = heap_copy((const uint8_t *)miniupnpd, k);
		int rc = ssdp_parse_response(h, k, &r);
		if (k <= usn_value)
			ck_assert_msg(rc == -1, "prefix %zu", k);
		free(h);
	}
	/* Long values are cut to their fields, never overflow them. */
	char lng[3000] = "HTTP/1.1 200 OK\r\nST: a\r\nUSN: ";
	size_t l = strlen(lng);
	memset(lng + l, 'u', 2000);
	strcpy(lng + l + 2000, "\r\n\r\n");
	ck_assert_int_eq(ssdp_parse_response((const uint8_t *)lng, strlen(lng), &r), 0);
	ck_assert_uint_eq(strlen(r.usn), sizeof(r.usn) - 1);
}
END_TEST

/* ---- every parser, random and mutated input ---- */

static void
feed_all(const uint8_t *p, size_t n)
{
	dns_msg_t *dm = malloc(sizeof(*dm));
	snmp_msg_t *sm = malloc(sizeof(*sm));
	coap_msg_t cm;
	ntp_reply_t nr;
	tftp_reply_t tr;
	dtls_reply_t dr;
	ssdp_resp_t sr;
	char s[DNS_NAME_MAX];
	if (dns_parse(p, n, dm) == 0) {
		for (size_t i = 0; i < dm->n_rr; i++) {
			uint16_t a, b, c;
			dns_rr_name(dm, &dm->rr[i], s, sizeof(s));
			dns_rdata_name(dm, &dm->rr[i], s, sizeof(s));
			dns_rdata_srv(dm, &dm->rr[i], &a, &b, &c, s, sizeof(s));
			dns_rdata_txt(dm, &dm->rr[i], s, sizeof(s));
			dns_rdata_addr(dm, &dm->rr[i], s, sizeof(s));
		}
	}
	snmp_parse(p, n, sm);
	coap_parse(p, n, &cm);
	ntp_parse(p, n, &nr);
	tftp_parse(p, n, &tr);
	dtls_parse(p, n, &dr);
	ssdp_parse_response(p, n, &sr);
	free(dm);
	free(sm);
}

START_TEST(garbage_and_mutations)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	for (int i = 0; i < GARBAGE_ROUNDS; i++) {
		size_t n = (size_t)(xorshift(&seed) % 600);
		uint8_t *b = malloc(n ? n : 1);
		random_bytes(&seed, b, n);
		feed_all(b, n);
		free(b);
	}
	/* Valid messages with a few random bytes changed. */
	pkt_t seeds[6];
	dns_version_answer(&seeds[0], 1);
	snmp_response(&seeds[1], SNMP_V2C, 1, 0, "descr", true);
	coap_content(&seeds[2], 1, (const uint8_t[]){ 1, 2, 3, 4 }, "</a>;ct=40");
	ntp_reply(&seeds[3], 0x24, 2, (const uint8_t[]){ 1, 2, 3, 4 }, 5);
	dtls_hvr(&seeds[4], 32);
	seeds[5].n = 0;
	put(&seeds[5], miniupnpd, strlen(miniupnpd));
	for (int i = 0; i < GARBAGE_ROUNDS; i++) {
		pkt_t *sp = &seeds[xorshift(&seed) % 6];
		uint8_t *b = heap_copy(sp->b, sp->n);
		int flips = 1 + (int)(xorshift(&seed) % 4);
		for (int f = 0; f < flips; f++)
			b[xorshift(&seed) % sp->n] = (uint8_t)xorshift(&seed);
		size_t n = sp->n - (size_t)(xorshift(&seed) % 3 == 0 ? xorshift(&seed) % sp->n : 0);
		feed_all(b, n);
		free(b);
	}
}
END_TEST

START_TEST(pstr_bounds)
{
	char out[6];
	const uint8_t in[] = { 'a', 0, 'b', 0x1b, 0xc3, 0xa9, 'z', 'z' };
	ck_assert_uint_eq(pstr_copy(out, sizeof(out), in, sizeof(in)), 5);
	ck_assert_mem_eq(out, "a?b?\xc3", 6);
	size_t len = 5;
	pstr_append(out, sizeof(out), &len, in, 1);	/* already full */
	ck_assert_uint_eq(len, 5);
	ck_assert_uint_eq(pstr_copy(out, 1, in, 3), 0);
	ck_assert_str_eq(out, "");
}
END_TEST

static Suite *
udp_proto_suite(void)
{
	Suite *s = suite_create("udp-proto");
	TCase *tc = tcase_create("coap");
	tcase_add_test(tc, coap_request_bytes);
	tcase_add_test(tc, coap_response_fields);
	tcase_add_test(tc, coap_hostile);
	suite_add_tcase(s, tc);
	tc = tcase_create("ntp-tftp-dtls");
	tcase_add_test(tc, ntp_fields);
	tcase_add_test(tc, tftp_fields);
	tcase_add_test(tc, dtls_fields);
	suite_add_tcase(s, tc);
	tc = tcase_create("ssdp");
	tcase_add_test(tc, ssdp_fields);
	tcase_add_test(tc, ssdp_hostile);
	suite_add_tcase(s, tc);
	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, garbage_and_mutations);
	tcase_add_test(tc, pstr_bounds);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(udp_proto_suite)
