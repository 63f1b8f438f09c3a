/*
 * The DNS and SNMP parsers (harness/proto/dnsmsg, snmp): queries and
 * requests byte for byte, crafted answers to exact fields, and hostile
 * input - every truncation, wrong lengths, compression loops - rejected
 * without a crash.  The other UDP parsers: test_udp_proto.c.
 */
#include "check_main.h"
#include "pktbuild.h"
#include "udp_frames.h"
#include "proto/dnsmsg.h"
#include "proto/pstr.h"
#include "proto/snmp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- DNS ---- */

START_TEST(dns_query_bytes)
{
	uint8_t b[512];
	dns_question_t q = { "version.bind", DNS_T_TXT, DNS_C_CH };
	size_t n = dns_query_build(b, sizeof(b), 0xbeef, 0, &q, 1);
	static const uint8_t want[] = {
		0xbe, 0xef, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		7, 'v', 'e', 'r', 's', 'i', 'o', 'n', 4, 'b', 'i', 'n', 'd', 0,
		0, 16, 0, 3,
	};
	ck_assert_uint_eq(n, sizeof(want));
	ck_assert_mem_eq(b, want, n);
	/* Too small a buffer, an empty label, a label over 63: refused. */
	ck_assert_uint_eq(dns_query_build(b, 20, 1, 0, &q, 1), 0);
	dns_question_t bad = { "a..b", DNS_T_A, DNS_C_IN };
	ck_assert_uint_eq(dns_query_build(b, sizeof(b), 1, 0, &bad, 1), 0);
	char longlab[80];
	memset(longlab, 'x', 64);
	longlab[64] = '\0';
	dns_question_t lng = { longlab, DNS_T_A, DNS_C_IN };
	ck_assert_uint_eq(dns_query_build(b, sizeof(b), 1, 0, &lng, 1), 0);
}
END_TEST

START_TEST(dns_escapes_round_trip)
{
	/* An instance name with a dot, a space and a control byte in a label. */
	const char *name = "Lab\\.Cam 2\\009._http._tcp.local";
	uint8_t b[512];
	dns_question_t q = { name, DNS_T_SRV, DNS_C_IN };
	size_t n = dns_query_build(b, sizeof(b), 7, 0, &q, 1);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_eq(b[12], 10);	/* "Lab.Cam 2\t" is one 10-byte label */
	dns_msg_t *m = calloc(1, sizeof(*m));
	ck_assert_int_eq(dns_parse(b, n, m), 0);
	ck_assert_str_eq(m->qname, name);
	ck_assert_uint_eq(m->qtype, DNS_T_SRV);
	ck_assert(dns_name_eq(m->qname, "lab\\.cam 2\\009._HTTP._tcp.local."));
	free(m);
}
END_TEST

START_TEST(dns_answer_fields)
{
	pkt_t p;
	dns_version_answer(&p, 0x1234);
	dns_msg_t *m = calloc(1, sizeof(*m));
	ck_assert_int_eq(dns_parse(p.b, p.n, m), 0);
	ck_assert_uint_eq(m->id, 0x1234);
	ck_assert(m->flags & DNS_F_QR);
	ck_assert_str_eq(m->qname, "version.bind");
	ck_assert_uint_eq(m->n_rr, 1);
	char s[256];
	ck_assert_int_eq(dns_rr_name(m, &m->rr[0], s, sizeof(s)), 0);
	ck_assert_str_eq(s, "version.bind");
	ck_assert_uint_eq(m->rr[0].rclass, DNS_C_CH);
	ck_assert_int_eq(dns_rdata_txt(m, &m->rr[0], s, sizeof(s)), 0);
	ck_assert_str_eq(s, "dnsmasq-2.90");
	/* A TXT string claiming more than the record holds. */
	p.b[p.n - 13] = 40;
	ck_assert_int_eq(dns_parse(p.b, p.n, m), 0);	/* the record itself fits */
	ck_assert_int_eq(dns_rdata_txt(m, &m->rr[0], s, sizeof(s)), -1);
	free(m);
}
END_TEST

START_TEST(dns_truncated_everywhere)
{
	pkt_t p;
	dns_version_answer(&p, 0x1234);
	dns_msg_t *m = calloc(1, sizeof(*m));
	for (size_t k = 0; k < p.n; k++) {
		uint8_t *h = heap_copy(p.b, k);
		ck_assert_msg(dns_parse(h, k, m) == -1, "prefix of %zu accepted", k);
		free(h);
	}
	free(m);
}
END_TEST

/* A response whose answer name is only the given bytes (pointers). */
static int
parse_with_answer_name(const uint8_t *name, size_t nl)
{
	pkt_t p = { .n = 0 };
	put16(&p, 1);
	put16(&p, 0x8000);
	put16(&p, 0);
	put16(&p, 1);
	put16(&p, 0);
	put16(&p, 0);
	put(&p, name, nl);
	put16(&p, DNS_T_A);
	put16(&p, DNS_C_IN);
	put32(&p, 0);
	put16(&p, 4);
	put32(&p, 0x7f000001);
	dns_msg_t *m = calloc(1, sizeof(*m));
	int rc = dns_parse(p.b, p.n, m);
	free(m);
	return rc;
}

START_TEST(dns_compression_attacks)
{
	/* Pointer to itself (offset 12). */
	static const uint8_t self[] = { 0xc0, 12 };
	ck_assert_int_eq(parse_with_answer_name(self, sizeof(self)), -1);
	/* Label then pointer back to the label: a loop of one. */
	static const uint8_t loop[] = { 1, 'a', 0xc0, 12 };
	ck_assert_int_eq(parse_with_answer_name(loop, sizeof(loop)), -1);
	/* Forward pointer. */
	static const uint8_t fwd[] = { 0xc0, 20, 0, 0, 0, 0, 0, 0, 1, 'a', 0 };
	ck_assert_int_eq(parse_with_answer_name(fwd, sizeof(fwd)), -1);
	/* Pointer beyond the message. */
	static const uint8_t out[] = { 0xff, 0xff };
	ck_assert_int_eq(parse_with_answer_name(out, sizeof(out)), -1);
	/* Reserved label types 0x40 and 0x80. */
	static const uint8_t ext[] = { 0x41, 'a', 0 };
	ck_assert_int_eq(parse_with_answer_name(ext, sizeof(ext)), -1);
	static const uint8_t res[] = { 0x81, 'a', 0 };
	ck_assert_int_eq(parse_with_answer_name(res, sizeof(res)), -1);
	/* A name of 5 x 63-byte labels: over 255 octets. */
	uint8_t lng[5 * 64 + 1];
	for (int i = 0; i < 5; i++) {
		lng[i * 64] = 63;
		memset(lng + i * 64 + 1, 'x', 63);
	}
	lng[5 * 64] = 0;
	ck_assert_int_eq(parse_with_answer_name(lng, sizeof(lng)), -1);
	/* 3 labels of 63 and one of 61: 255 octets with the root, allowed. */
	lng[3 * 64] = 61;
	lng[3 * 64 + 62] = 0;
	ck_assert_int_eq(parse_with_answer_name(lng, 3 * 64 + 63), 0);
	lng[3 * 64] = 62;	/* one more: 256 */
	lng[3 * 64 + 63] = 0;
	ck_assert_int_eq(parse_with_answer_name(lng, 3 * 64 + 64), -1);
	/* A legitimate backward chain: question name, then c00c. */
	pkt_t p;
	dns_version_answer(&p, 1);
	dns_msg_t *m = calloc(1, sizeof(*m));
	ck_assert_int_eq(dns_parse(p.b, p.n, m), 0);
	free(m);
}
END_TEST

START_TEST(dns_counts_and_lengths)
{
	pkt_t p;
	dns_msg_t *m = calloc(1, sizeof(*m));
	dns_version_answer(&p, 1);
	p.b[5] = 17;		/* qdcount above DNS_MAX_QD */
	ck_assert_int_eq(dns_parse(p.b, p.n, m), -1);
	dns_version_answer(&p, 1);
	p.b[7] = 2;		/* ancount says two answers, one is there */
	ck_assert_int_eq(dns_parse(p.b, p.n, m), -1);
	dns_version_answer(&p, 1);
	p.b[p.n - 14] = 0xff;	/* rdlength far past the end */
	ck_assert_int_eq(dns_parse(p.b, p.n, m), -1);
	dns_version_answer(&p, 1);
	p.b[7] = 0xff;		/* 65535 answers in a short datagram */
	p.b[6] = 0xff;
	ck_assert_int_eq(dns_parse(p.b, p.n, m), -1);
	free(m);
}
END_TEST

START_TEST(dns_srv_ptr_addr)
{
	pkt_t p = { .n = 0 };
	put16(&p, 9);
	put16(&p, 0x8400);
	put16(&p, 0);
	put16(&p, 3);
	put16(&p, 0);
	put16(&p, 0);
	size_t inst = p.n;
	putname(&p, "cam._http._tcp.local");
	put16(&p, DNS_T_SRV);
	put16(&p, 0x8001);	/* cache-flush bit */
	put32(&p, 120);
	put16(&p, 12);		/* 6 + "\3cam" + a pointer */
	put16(&p, 0);
	put16(&p, 0);
	put16(&p, 8080);
	put8(&p, 3);
	put(&p, "cam", 3);
	put16(&p, 0xc000 | (unsigned)(inst + 4 + 6 + 5));	/* -> "local" */
	put16(&p, 0xc000 | (unsigned)(inst + 4));	/* _http._tcp.local PTR */
	put16(&p, DNS_T_PTR);
	put16(&p, DNS_C_IN);
	put32(&p, 120);
	put16(&p, 2);
	put16(&p, 0xc000 | (unsigned)inst);
	put8(&p, 3);
	put(&p, "cam", 3);
	put16(&p, 0xc000 | (unsigned)(inst + 4 + 6 + 5));
	put16(&p, DNS_T_A);
	put16(&p, DNS_C_IN);
	put32(&p, 120);
	put16(&p, 4);
	put32(&p, 0x7f003201);
	dns_msg_t *m = calloc(1, sizeof(*m));
	ck_assert_int_eq(dns_parse(p.b, p.n, m), 0);
	ck_assert_uint_eq(m->n_rr, 3);
	char s[256];
	uint16_t prio, w, port;
	ck_assert_uint_eq(m->rr[0].rclass, DNS_C_IN);
	ck_assert_int_eq(dns_rdata_srv(m, &m->rr[0], &prio, &w, &port, s, sizeof(s)), 0);
	ck_assert_uint_eq(port, 8080);
	ck_assert_str_eq(s, "cam.local");
	ck_assert_int_eq(dns_rr_name(m, &m->rr[1], s, sizeof(s)), 0);
	ck_assert_str_eq(s, "_http._tcp.local");
	ck_assert_int_eq(dns_rdata_name(m, &m->rr[1], s, sizeof(s)), 0);
	ck_assert_str_eq(s, "cam._http._tcp.local");
	ck_assert_int_eq(dns_rdata_addr(m, &m->rr[2], s, sizeof(s)), 0);
	ck_assert_str_eq(s, "127.0.50.1");
	ck_assert_int_eq(dns_rr_name(m, &m->rr[2], s, sizeof(s)), 0);
	ck_assert_str_eq(s, "cam.local");
	/* Wrong-type helpers refuse. */
	ck_assert_int_eq(dns_rdata_addr(m, &m->rr[0], s, sizeof(s)), -1);
	/* An output buffer too small for the name is an error, not a cut name. */
	ck_assert_int_eq(dns_rdata_name(m, &m->rr[1], s, 8), -1);
	free(m);
}
END_TEST

/* ---- SNMP ---- */

START_TEST(snmp_request_bytes)
{
	uint8_t b[256];
	const char *oids[] = { "1.3.6.1.2.1.1.1.0" };
	size_t n = snmp_get_build(b, sizeof(b), SNMP_V2C, "public", 0x1234, oids, 1);
	static const uint8_t want[] = {
		0x30, 0x27, 0x02, 0x01, 0x01, 0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c',
		0xa0, 0x1a, 0x02, 0x02, 0x12, 0x34, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
		0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01,
		0x01, 0x00, 0x05, 0x00,
	};
	ck_assert_uint_eq(n, sizeof(want));
	ck_assert_mem_eq(b, want, n);
	/* Our own request parses, as a GetRequest (so it can't pass as an answer). */
	snmp_msg_t m;
	ck_assert_int_eq(snmp_parse(b, n, &m), 0);
	ck_assert_uint_eq(m.pdu_type, SNMP_GET_REQUEST);
	ck_assert_int_eq(m.request_id, 0x1234);
	/* request id 0x80 needs a leading zero byte; negative ids stay minimal */
	n = snmp_get_build(b, sizeof(b), SNMP_V1, "public", 0x80, oids, 1);
	ck_assert_int_eq(snmp_parse(b, n, &m), 0);
	ck_assert_int_eq(m.request_id, 0x80);
	ck_assert_int_eq(m.version, SNMP_V1);
	n = snmp_get_build(b, sizeof(b), SNMP_V1, "public", -2, oids, 1);
	ck_assert_int_eq(snmp_parse(b, n, &m), 0);
	ck_assert_int_eq(m.request_id, -2);
	/* Malformed OIDs and oversize communities are refused. */
	const char *bad[] = { "1.3.x" };
	ck_assert_uint_eq(snmp_get_build(b, sizeof(b), 1, "public", 1, bad, 1), 0);
	char big[200];
	memset(big, 'c', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_uint_eq(snmp_get_build(b, sizeof(b), 1, big, 1, oids, 1), 0);
}
END_TEST

START_TEST(snmp_response_fields)
{
	pkt_t p;
	snmp_response(&p, SNMP_V2C, 0x7abcdef0, 0, "Linux refdev 6.1.0 armv7l", true);
	snmp_msg_t m;
	ck_assert_int_eq(snmp_parse(p.b, p.n, &m), 0);
	ck_assert_int_eq(m.version, SNMP_V2C);
	ck_assert_str_eq(m.community, "public");
	ck_assert_uint_eq(m.pdu_type, SNMP_GET_RESPONSE);
	ck_assert_int_eq(m.request_id, 0x7abcdef0);
	ck_assert_int_eq(m.error_status, 0);
	ck_assert_uint_eq(m.n_vars, 2);
	const snmp_var_t *d = snmp_find(&m, "1.3.6.1.2.1.1.1.0");
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->value, "Linux refdev 6.1.0 armv7l");
	ck_assert_str_eq(snmp_find(&m, "1.3.6.1.2.1.1.5.0")->value, "refdev");
	snmp_response(&p, SNMP_V1, 5, 2, "x", false);
	ck_assert_int_eq(snmp_parse(p.b, p.n, &m), 0);
	ck_assert_int_eq(m.error_status, 2);
	ck_assert_int_eq(m.error_index, 1);
}
END_TEST

START_TEST(snmp_value_types)
{
	pkt_t vbl = { .n = 0 };
	static const struct { unsigned tag; uint8_t v[9]; size_t n; const char *want; bool has; } cases[] = {
		{ 0x02, { 0xff, 0x38 }, 2, "-200", true },
		{ 0x40, { 127, 0, 50, 1 }, 4, "127.0.50.1", true },
		{ 0x43, { 0x00, 0xff, 0xff, 0xff, 0xff }, 5, "4294967295", true },
		{ 0x06, { 0x2b, 6, 1, 4, 1, 0x82, 0x37 }, 7, "1.3.6.1.4.1.311", true },
		{ 0x80, { 0 }, 0, "", false },
		{ 0x05, { 0 }, 0, "", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pkt_t vb = { .n = 0 };
		uint8_t o[] = { 0x2b, 6, 1, 2, 1, 1, (uint8_t)(i + 1), 0 };
		tlv_raw(&vb, 0x06, o, sizeof(o));
		tlv_raw(&vb, cases[i].tag, cases[i].v, cases[i].n);
		tlv(&vbl, 0x30, &vb);
	}
	pkt_t pdu = { .n = 0 }, msg = { .n = 0 }, out = { .n = 0 };
	tlv_raw(&pdu, 0x02, (uint8_t[]){ 1 }, 1);
	tlv_raw(&pdu, 0x02, (uint8_t[]){ 0 }, 1);
	tlv_raw(&pdu, 0x02, (uint8_t[]){ 0 }, 1);
	tlv(&pdu, 0x30, &vbl);
	tlv_raw(&msg, 0x02, (uint8_t[]){ 1 }, 1);
	tlv_raw(&msg, 0x04, "public", 6);
	tlv(&msg, 0xa2, &pdu);
	tlv(&out, 0x30, &msg);
	snmp_msg_t m;
	ck_assert_int_eq(snmp_parse(out.b, out.n, &m), 0);
	ck_assert_uint_eq(m.n_vars, sizeof(cases) / sizeof(cases[0]));
	for (size_t i = 0; i < m.n_vars; i++) {
		ck_assert_int_eq(m.vars[i].has_value, cases[i].has);
		ck_assert_str_eq(m.vars[i].value, cases[i].want);
	}
}
END_TEST

START_TEST(snmp_hostile)
{
	pkt_t p;
	snmp_msg_t m;
	snmp_response(&p, SNMP_V2C, 1, 0, "descr", false);
	for (size_t k = 0; k < p.n; k++) {
		uint8_t *h = heap_copy(p.b, k);
		ck_assert_msg(snmp_parse(h, k, &m) == -1, "prefix %zu accepted", k);
		free(h);
	}
	/* Trailing bytes after the message. */
	put8(&p, 0);
	ck_assert_int_eq(snmp_parse(p.b, p.n, &m), -1);
	/* Indefinite length, 4-byte length, a length past the end. */
	snmp_response(&p, SNMP_V2C, 1, 0, "descr", false);
	uint8_t save = p.b[1];
	p.b[1] = 0x80;
	ck_assert_int_eq(snmp_parse(p.b, p.n, &m), -1);
	p.b[1] = 0x84;
	ck_assert_int_eq(snmp_parse(p.b, p.n, &m), -1);
	p.b[1] = (uint8_t)(save + 1);
	ck_assert_int_eq(snmp_parse(p.b, p.n, &m), -1);
	p.b[1] = save;
	/* SNMPv3 and unknown versions. */
	p.b[4] = 3;
	ck_assert_int_eq(snmp_parse(p.b, p.n, &m), -1);
	p.b[4] = SNMP_V2C;
	/* Multi-byte tag in place of the PDU. */
	p.b[2 + 3 + 8] = 0xbf;
	ck_assert_int_eq(snmp_parse(p.b, p.n, &m), -1);
	/* Many bindings: all checked, SNMP_MAX_VARS kept. */
	pkt_t vbl = { .n = 0 };
	for (int i = 0; i < 40; i++) {
		pkt_t vb = { .n = 0 };
		tlv_raw(&vb, 0x06, oid_sysname, sizeof(oid_sysname));
		tlv_raw(&vb, 0x05, NULL, 0);
		tlv(&vbl, 0x30, &vb);
	}
	pkt_t pdu = { .n = 0 }, msg = { .n = 0 };
	tlv_raw(&pdu, 0x02, (uint8_t[]){ 1 }, 1);
	tlv_raw(&pdu, 0x02, (uint8_t[]){ 0 }, 1);
	tlv_raw(&pdu, 0x02, (uint8_t[]){ 0 }, 1);
	tlv(&pdu, 0x30, &vbl);
	tlv_raw(&msg, 0x02, (uint8_t[]){ 1 }, 1);
	tlv_raw(&msg, 0x04, "public", 6);
	tlv(&msg, 0xa2, &pdu);
	p.n = 0;
	tlv(&p, 0x30, &msg);
	ck_assert_int_eq(snmp_parse(p.b, p.n, &m), 0);
	ck_assert_uint_eq(m.n_vars, SNMP_MAX_VARS);
	p.b[p.n - 1] = 1;	/* the last NULL now claims a byte it lacks */
	ck_assert_int_eq(snmp_parse(p.b, p.n, &m), -1);
}
END_TEST

static Suite *
dns_snmp_suite(void)
{
	Suite *s = suite_create("dns-snmp");
	TCase *tc = tcase_create("dns");
	tcase_add_test(tc, dns_query_bytes);
	tcase_add_test(tc, dns_escapes_round_trip);
	tcase_add_test(tc, dns_answer_fields);
	tcase_add_test(tc, dns_truncated_everywhere);
	tcase_add_test(tc, dns_compression_attacks);
	tcase_add_test(tc, dns_counts_and_lengths);
	tcase_add_test(tc, dns_srv_ptr_addr);
	suite_add_tcase(s, tc);
	tc = tcase_create("snmp");
	tcase_add_test(tc, snmp_request_bytes);
	tcase_add_test(tc, snmp_response_fields);
	tcase_add_test(tc, snmp_value_types);
	tcase_add_test(tc, snmp_hostile);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(dns_snmp_suite)
