/*
 * The passive analyzer "tls-client" called directly, as the flow table
 * would call it: real ClientHello and ServerHello bytes (captured from
 * OpenSSL 3.0 s_client against s_server, default settings and -tls1),
 * hellos built with tls_hello's builder to offer weak suites, a hello
 * spanning two records, a HelloRetryRequest, DTLS, and every delivery both
 * whole and one byte at a time; then hostile bytes that must end in no
 * finding and no crash.  Also the ClientHello parser itself.
 */
#include "check_main.h"
#include "core/evidence.h"
#include "crypto/suites.h"
#include "passive/analyzer.h"
#include "passive/pd_tls.h"
#include "pktbuild.h"
#include "pv_feed.h"
#include "proto/dtls.h"
#include "proto/tls_client_hello.h"
#include "proto/tls_hello.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const pv_analyzer_t pv_an_tls_client;

#define GARBAGE_ROUNDS 2000

/* openssl s_client -servername device.example.com -alpn h2,http/1.1 (TLS
 * 1.3, offering 1.3 down to 1.0), and the ServerHello of s_server. */
static const uint8_t def_clienthello[] = {
	0x16, 0x03, 0x01, 0x01, 0x51, 0x01, 0x00, 0x01, 0x4d, 0x03, 0x03, 0x3f, 0x6b,
	0x64, 0xd7, 0x97, 0x6b, 0x00, 0xf5, 0x71, 0x53, 0x9a, 0x08, 0x91, 0x09, 0xcb,
	0x0f, 0x6b, 0x53, 0x3a, 0x79, 0xee, 0xe3, 0xbe, 0xe6, 0x75, 0x6d, 0x69, 0x2f,
	0x55, 0xe6, 0x62, 0xb8, 0x20, 0x96, 0xc2, 0x14, 0x49, 0x7e, 0x1a, 0x8f, 0x60,
	0x51, 0x11, 0xc0, 0xfd, 0x8c, 0x42, 0x6d, 0x97, 0x47, 0x1d, 0x39, 0xe8, 0xa1,
	0x2d, 0x76, 0x34, 0xff, 0xa6, 0xc4, 0xa8, 0xdc, 0x4b, 0x24, 0x5f, 0x00, 0x3e,
	0x13, 0x02, 0x13, 0x03, 0x13, 0x01, 0xc0, 0x2c, 0xc0, 0x30, 0x00, 0x9f, 0xcc,
	0xa9, 0xcc, 0xa8, 0xcc, 0xaa, 0xc0, 0x2b, 0xc0, 0x2f, 0x00, 0x9e, 0xc0, 0x24,
	0xc0, 0x28, 0x00, 0x6b, 0xc0, 0x23, 0xc0, 0x27, 0x00, 0x67, 0xc0, 0x0a, 0xc0,
	0x14, 0x00, 0x39, 0xc0, 0x09, 0xc0, 0x13, 0x00, 0x33, 0x00, 0x9d, 0x00, 0x9c,
	0x00, 0x3d, 0x00, 0x3c, 0x00, 0x35, 0x00, 0x2f, 0x00, 0xff, 0x01, 0x00, 0x00,
	0xc6, 0x00, 0x00, 0x00, 0x17, 0x00, 0x15, 0x00, 0x00, 0x12, 0x64, 0x65, 0x76,
	0x69, 0x63, 0x65, 0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x63,
	0x6f, 0x6d, 0x00, 0x0b, 0x00, 0x04, 0x03, 0x00, 0x01, 0x02, 0x00, 0x0a, 0x00,
	0x16, 0x00, 0x14, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x1e, 0x00, 0x19, 0x00, 0x18,
	0x01, 0x00, 0x01, 0x01, 0x01, 0x02, 0x01, 0x03, 0x01, 0x04, 0x00, 0x23, 0x00,
	0x00, 0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c, 0x02, 0x68, 0x32, 0x08, 0x68, 0x74,
	0x74, 0x70, 0x2f, 0x31, 0x2e, 0x31, 0x00, 0x16, 0x00, 0x00, 0x00, 0x17, 0x00,
	0x00, 0x00, 0x0d, 0x00, 0x2a, 0x00, 0x28, 0x04, 0x03, 0x05, 0x03, 0x06, 0x03,
	0x08, 0x07, 0x08, 0x08, 0x08, 0x09, 0x08, 0x0a, 0x08, 0x0b, 0x08, 0x04, 0x08,
	0x05, 0x08, 0x06, 0x04, 0x01, 0x05, 0x01, 0x06, 0x01, 0x03, 0x03, 0x03, 0x01,
	0x03, 0x02, 0x04, 0x02, 0x05, 0x02, 0x06, 0x02, 0x00, 0x2b, 0x00, 0x09, 0x08,
	0x03, 0x04, 0x03, 0x03, 0x03, 0x02, 0x03, 0x01, 0x00, 0x2d, 0x00, 0x02, 0x01,
	0x01, 0x00, 0x33, 0x00, 0x26, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20, 0xf5, 0xc5,
	0x72, 0x25, 0x1b, 0xf9, 0xf5, 0x79, 0x8f, 0x6b, 0x12, 0x22, 0x89, 0x87, 0x9e,
	0x66, 0x13, 0xc8, 0x09, 0xb9, 0x0c, 0x22, 0xae, 0x64, 0x0b, 0xc8, 0x8f, 0x09,
	0xdb, 0xb4, 0xdb, 0x53,
};
static const uint8_t def_serverhello[] = {
	0x16, 0x03, 0x03, 0x00, 0x7a, 0x02, 0x00, 0x00, 0x76, 0x03, 0x03, 0x59, 0x52,
	0xdc, 0x8a, 0x5e, 0x37, 0xca, 0xbd, 0xa9, 0xe4, 0x07, 0x71, 0x73, 0x6d, 0x2d,
	0x24, 0x19, 0x75, 0x74, 0xb2, 0xbd, 0x1a, 0xa5, 0x03, 0xe7, 0x39, 0x60, 0xd7,
	0xa6, 0xc8, 0x18, 0xdb, 0x20, 0x96, 0xc2, 0x14, 0x49, 0x7e, 0x1a, 0x8f, 0x60,
	0x51, 0x11, 0xc0, 0xfd, 0x8c, 0x42, 0x6d, 0x97, 0x47, 0x1d, 0x39, 0xe8, 0xa1,
	0x2d, 0x76, 0x34, 0xff, 0xa6, 0xc4, 0xa8, 0xdc, 0x4b, 0x24, 0x5f, 0x13, 0x02,
	0x00, 0x00, 0x2e, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x24,
	0x00, 0x1d, 0x00, 0x20, 0x07, 0x40, 0x12, 0x8b, 0x8a, 0xba, 0x47, 0xc3, 0x10,
	0x8e, 0x34, 0x62, 0x1a, 0x02, 0xe1, 0xf5, 0xd1, 0x7b, 0x5b, 0xa9, 0x10, 0xc5,
	0xfd, 0xde, 0xe7, 0xfa, 0xb7, 0xb1, 0xb9, 0x6c, 0x23, 0x69,
};

/* openssl s_client -tls1 -cipher 'ALL:@SECLEVEL=0' -servername old.example.com. */
static const uint8_t tls10_clienthello[] = {
	0x16, 0x03, 0x01, 0x00, 0x97, 0x01, 0x00, 0x00, 0x93, 0x03, 0x01, 0x35, 0x58,
	0xb5, 0x15, 0x7d, 0x71, 0x61, 0x0a, 0xe8, 0x62, 0x93, 0x8e, 0x37, 0x8b, 0x7c,
	0x3b, 0xda, 0xfc, 0xae, 0x80, 0x8c, 0xc8, 0xe9, 0xce, 0x7c, 0xdc, 0xd3, 0x80,
	0x6a, 0x9f, 0x46, 0xc3, 0x00, 0x00, 0x2e, 0xc0, 0x0a, 0xc0, 0x14, 0x00, 0x39,
	0x00, 0x38, 0x00, 0x88, 0x00, 0x87, 0xc0, 0x19, 0x00, 0x3a, 0x00, 0x89, 0xc0,
	0x09, 0xc0, 0x13, 0x00, 0x33, 0x00, 0x32, 0x00, 0x45, 0x00, 0x44, 0xc0, 0x18,
	0x00, 0x34, 0x00, 0x46, 0x00, 0x35, 0x00, 0x84, 0x00, 0x2f, 0x00, 0x41, 0x00,
	0xff, 0x01, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x00, 0x14, 0x00, 0x12, 0x00, 0x00,
	0x0f, 0x6f, 0x6c, 0x64, 0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e,
	0x63, 0x6f, 0x6d, 0x00, 0x0b, 0x00, 0x04, 0x03, 0x00, 0x01, 0x02, 0x00, 0x0a,
	0x00, 0x0c, 0x00, 0x0a, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x1e, 0x00, 0x19, 0x00,
	0x18, 0x00, 0x23, 0x00, 0x00, 0x00, 0x16, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00,
};
static const uint8_t tls10_serverhello[] = {
	0x16, 0x03, 0x01, 0x00, 0x45, 0x02, 0x00, 0x00, 0x41, 0x03, 0x01, 0x89, 0x5a,
	0xb7, 0xd0, 0x72, 0x0d, 0x1d, 0xf1, 0x45, 0x67, 0xdd, 0xd0, 0xd0, 0x02, 0x8b,
	0x4f, 0xa2, 0xd0, 0xdb, 0x6d, 0xb0, 0xf3, 0x4c, 0x0a, 0x44, 0x4f, 0x57, 0x4e,
	0x47, 0x52, 0x44, 0x00, 0x00, 0xc0, 0x14, 0x00, 0x00, 0x19, 0xff, 0x01, 0x00,
	0x01, 0x00, 0x00, 0x0b, 0x00, 0x04, 0x03, 0x00, 0x01, 0x02, 0x00, 0x23, 0x00,
	0x00, 0x00, 0x16, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00,
};

/* ---- a rig standing in for the flow table ---- */

static const pv_analyzer_t *const A = &pv_an_tls_client;

static pv_flow_t
flow(const char *srv, uint16_t sport, uint8_t proto, const char *app, pv_dut_side_t dut)
{
	return pv_flow_make(proto, "192.168.1.50", 50000, srv, sport, dut, app);
}

static void
deliver(pv_rig_t *r, pv_flow_t *f, void *fs, pv_dir_t dir, const uint8_t *p, size_t n,
    uint64_t frame, size_t chunk)
{
	pv_rig_data(r, f, fs, dir, p, n, chunk, frame, 0);
}

/* One connection: the client bytes, then the server's. */
static void
connection(pv_rig_t *r, pv_flow_t *f, const uint8_t *ch, size_t chn, const uint8_t *sh, size_t shn,
    size_t chunk)
{
	void *fs = pv_rig_fstate(r);
	deliver(r, f, fs, PV_C2S, ch, chn, 4, chunk);
	if (sh)
		deliver(r, f, fs, PV_S2C, sh, shn, 6, chunk);
	pv_rig_end(r, f, fs);
}

/* ---- real OpenSSL hellos ---- */

static void
check_default(const evidence_t *ev)
{
	ck_assert_int_eq(ev_get(ev, "hellos")->i, 1);
	ck_assert_uint_eq(pv_list_n(ev, "servers"), 1);
	ck_assert_str_eq(pv_item(ev, "servers", 0), "93.184.216.34:443 device.example.com");
	ck_assert_uint_eq(pv_list_n(ev, "offered_versions"), 4);
	ck_assert_str_eq(pv_item(ev, "offered_versions", 0), "TLS1.3");
	ck_assert_str_eq(pv_item(ev, "offered_versions", 1), "TLS1.2");
	ck_assert_str_eq(pv_item(ev, "offered_versions", 2), "TLS1.1");
	ck_assert_str_eq(pv_item(ev, "offered_versions", 3), "TLS1.0");
	ck_assert_uint_eq(pv_list_n(ev, "negotiated"), 1);
	ck_assert_str_eq(pv_item(ev, "negotiated", 0), "93.184.216.34:443 TLS1.3 TLS_AES_256_GCM_SHA384");
	ck_assert_uint_eq(pv_list_n(ev, "old_negotiated"), 0);
	ck_assert_uint_eq(pv_list_n(ev, "weak_offers"), 2);
	ck_assert_str_eq(pv_item(ev, "weak_offers", 0), "TLS1.1");
	ck_assert_str_eq(pv_item(ev, "weak_offers", 1), "TLS1.0");

	ck_assert_uint_eq(ev->n_findings, 1);
	const finding_t *f = &ev->findings[0];
	ck_assert_str_eq(f->kind, "tls-client");
	ck_assert_str_eq(f->protocol, "tls");
	ck_assert_str_eq(f->transport, "tcp");
	ck_assert_int_eq(f->port, 443);
	ck_assert_str_eq(pv_attr(f, "host"), "93.184.216.34");
	ck_assert_int_eq(f->port, 443);
	ck_assert_str_eq(pv_attr(f, "sni"), "device.example.com");
	ck_assert_str_eq(pv_attr(f, "version"), "TLS1.3 TLS1.2 TLS1.1 TLS1.0");
	ck_assert_str_eq(pv_attr(f, "suite-count"), "31");
	ck_assert_str_eq(pv_attr(f, "alpn"), "h2,http/1.1");
	ck_assert_str_eq(pv_attr(f, "negotiated"), "TLS1.3 TLS_AES_256_GCM_SHA384");
	ck_assert_str_eq(pv_attr(f, "issue"), "offers TLS1.1; offers TLS1.0");
	ck_assert_str_eq(pv_attr(f, "frame"), "4");
	ck_assert_str_eq(pv_attr(f, "hellos"), "1");
	const char *s = pv_attr(f, "suites");
	ck_assert_msg(strncmp(s, "TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256 "
	    "TLS_AES_128_GCM_SHA256 TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 ", 113) == 0, "%s", s);
	static const char tail[] = "TLS_RSA_WITH_AES_128_CBC_SHA TLS_EMPTY_RENEGOTIATION_INFO_SCSV";
	ck_assert_uint_gt(strlen(s), sizeof(tail));
	ck_assert_str_eq(s + strlen(s) - (sizeof(tail) - 1), tail);
	ck_assert_str_eq(f->summary, "The DUT offered TLS1.3 TLS1.2 TLS1.1 TLS1.0 (31 suites) to "
	    "93.184.216.34:443 for device.example.com");
}

START_TEST(openssl_default)
{
	/* Whole, then one byte at a time, then in 7-byte pieces. */
	static const size_t chunks[] = { 0, 1, 7 };
	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		pv_rig_t r;
		pv_rig_init(&r, A, false);
		pv_flow_t f = flow("93.184.216.34", 443, IPPROTO_TCP, "tls", PV_DUT_CLIENT);
		connection(&r, &f, def_clienthello, sizeof(def_clienthello), def_serverhello,
		    sizeof(def_serverhello), chunks[i]);
		pv_rig_finish(&r);
		check_default(r.ev);
		pv_rig_free(&r);
	}
}
END_TEST

START_TEST(openssl_tls10)
{
	for (size_t chunk = 0; chunk <= 1; chunk++) {
		pv_rig_t r;
		pv_rig_init(&r, A, false);
		pv_flow_t f = flow("93.184.216.34", 443, IPPROTO_TCP, "tls", PV_DUT_CLIENT);
		connection(&r, &f, tls10_clienthello, sizeof(tls10_clienthello), tls10_serverhello,
		    sizeof(tls10_serverhello), chunk);
		pv_rig_finish(&r);
		const evidence_t *ev = r.ev;
		ck_assert_str_eq(pv_item(ev, "servers", 0), "93.184.216.34:443 old.example.com");
		ck_assert_uint_eq(pv_list_n(ev, "offered_versions"), 1);
		ck_assert_str_eq(pv_item(ev, "offered_versions", 0), "TLS1.0");
		ck_assert_str_eq(pv_item(ev, "negotiated", 0),
		    "93.184.216.34:443 TLS1.0 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA");
		ck_assert_uint_eq(pv_list_n(ev, "old_negotiated"), 1);
		ck_assert_str_eq(pv_item(ev, "old_negotiated", 0), "93.184.216.34:443 TLS1.0");
		/* ALL at security level 0 offers six anonymous suites. */
		static const char *const weak[] = {
			"TLS1.0", "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", "TLS_DH_anon_WITH_AES_256_CBC_SHA",
			"TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA", "TLS_ECDH_anon_WITH_AES_128_CBC_SHA",
			"TLS_DH_anon_WITH_AES_128_CBC_SHA", "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA",
		};
		ck_assert_uint_eq(pv_list_n(ev, "weak_offers"), 7);
		for (size_t i = 0; i < 7; i++)
			ck_assert_str_eq(pv_item(ev, "weak_offers", i), weak[i]);
		ck_assert_uint_eq(ev->n_findings, 1);
		const finding_t *fd = &ev->findings[0];
		ck_assert_str_eq(pv_attr(fd, "version"), "TLS1.0");
		ck_assert_str_eq(pv_attr(fd, "suite-count"), "23");
		ck_assert_str_eq(pv_attr(fd, "alpn"), "(none)");
		ck_assert_str_eq(pv_attr(fd, "negotiated"), "TLS1.0 TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA");
		ck_assert_str_eq(pv_attr(fd, "issue"), "offers TLS1.0; offers TLS_ECDH_anon_WITH_AES_256_CBC_SHA; "
		    "offers TLS_DH_anon_WITH_AES_256_CBC_SHA; offers TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA; "
		    "offers TLS_ECDH_anon_WITH_AES_128_CBC_SHA; offers TLS_DH_anon_WITH_AES_128_CBC_SHA; "
		    "offers TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA; negotiated TLS1.0");
		pv_rig_free(&r);
	}
}
END_TEST

/* ---- built hellos ---- */

/* Re-frames one handshake record as two records split at `at` bytes of
 * the handshake data: a ClientHello spanning records. */
static size_t
split_record(const uint8_t *rec, size_t n, size_t at, uint8_t *out)
{
	size_t body = n - 5;
	ck_assert_uint_lt(at, body);
	memcpy(out, rec, 3);
	out[3] = (uint8_t)(at >> 8);
	out[4] = (uint8_t)at;
	memcpy(out + 5, rec + 5, at);
	memcpy(out + 5 + at, rec, 3);
	out[5 + at + 3] = (uint8_t)((body - at) >> 8);
	out[5 + at + 4] = (uint8_t)(body - at);
	memcpy(out + 10 + at, rec + 5 + at, body - at);
	return n + 5;
}

START_TEST(weak_suites_split_records)
{
	static const uint16_t suites[] = { 0x0a0a, 0xc02f, 0x000a, 0x0005, 0x0003, 0x0001, 0xfafa };
	static const uint16_t groups[] = { 29, 23 };
	tls_hello_opts_t o = { 0 };
	o.version = TLSV_TLS12;
	o.suites = suites;
	o.n_suites = 7;
	o.groups = groups;
	o.n_groups = 2;
	o.sni = "Cloud.Example.NET";
	uint8_t rec[1024], two[1100];
	size_t n = tls_client_hello(rec, sizeof(rec), &o);
	ck_assert_uint_gt(n, 0);
	size_t n2 = split_record(rec, n, 30, two);
	for (size_t chunk = 0; chunk <= 3; chunk += 3) {
		pv_rig_t r;
		pv_rig_init(&r, A, false);
		pv_flow_t f = flow("203.0.113.9", 8883, IPPROTO_TCP, "", PV_DUT_CLIENT);
		connection(&r, &f, two, n2, NULL, 0, chunk);
		pv_rig_finish(&r);
		const evidence_t *ev = r.ev;
		ck_assert_str_eq(pv_item(ev, "servers", 0), "203.0.113.9:8883 cloud.example.net");
		ck_assert_uint_eq(pv_list_n(ev, "negotiated"), 0);
		ck_assert_uint_eq(pv_list_n(ev, "weak_offers"), 4);
		ck_assert_str_eq(pv_item(ev, "weak_offers", 0), "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
		ck_assert_str_eq(pv_item(ev, "weak_offers", 1), "TLS_RSA_WITH_RC4_128_SHA");
		ck_assert_str_eq(pv_item(ev, "weak_offers", 2), "TLS_RSA_EXPORT_WITH_RC4_40_MD5");
		ck_assert_str_eq(pv_item(ev, "weak_offers", 3), "TLS_RSA_WITH_NULL_MD5");
		const finding_t *fd = &ev->findings[0];
		ck_assert_str_eq(fd->protocol, "tls");
		ck_assert_str_eq(pv_attr(fd, "version"), "TLS1.2");
		ck_assert_str_eq(pv_attr(fd, "suite-count"), "5");	/* GREASE left out */
		ck_assert_str_eq(pv_attr(fd, "suites"), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 "
		    "TLS_RSA_WITH_3DES_EDE_CBC_SHA TLS_RSA_WITH_RC4_128_SHA TLS_RSA_EXPORT_WITH_RC4_40_MD5 "
		    "TLS_RSA_WITH_NULL_MD5");
		ck_assert_str_eq(pv_attr(fd, "negotiated"), "(none)");
		ck_assert_str_eq(pv_attr(fd, "sni"), "cloud.example.net");
		pv_rig_free(&r);
	}
}
END_TEST

/* A ServerHello record: version 1.2 on the wire, 1.3 in supported_versions. */
static size_t
server_hello13(uint8_t *out, bool hrr, uint16_t suite)
{
	static const uint8_t hrr_random[32] = {
		0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02,
		0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
		0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
	};
	pkt_t p = { .n = 0 };
	put8(&p, 22);
	put16(&p, 0x0303);
	put16(&p, 4 + 2 + 32 + 1 + 2 + 1 + 2 + 6);
	put8(&p, 2);
	put8(&p, 0);
	put16(&p, 2 + 32 + 1 + 2 + 1 + 2 + 6);
	put16(&p, 0x0303);
	if (hrr) {
		put(&p, hrr_random, 32);
	} else {
		uint8_t rnd[32];
		memset(rnd, 0x5a, sizeof(rnd));
		put(&p, rnd, 32);
	}
	put8(&p, 0);
	put16(&p, suite);
	put8(&p, 0);
	put16(&p, 6);
	put16(&p, 43);
	put16(&p, 2);
	put16(&p, 0x0304);
	memcpy(out, p.b, p.n);
	return p.n;
}

START_TEST(hello_retry_request)
{
	uint8_t s[512];
	size_t n = server_hello13(s, true, 0x1301);
	memcpy(s + n, "\x14\x03\x03\x00\x01\x01", 6);	/* middlebox CCS */
	n += 6;
	n += server_hello13(s + n, false, 0x1303);
	for (size_t chunk = 0; chunk <= 1; chunk++) {
		pv_rig_t r;
		pv_rig_init(&r, A, false);
		pv_flow_t f = flow("93.184.216.34", 443, IPPROTO_TCP, "tls", PV_DUT_CLIENT);
		connection(&r, &f, def_clienthello, sizeof(def_clienthello), s, n, chunk);
		pv_rig_finish(&r);
		ck_assert_uint_eq(pv_list_n(r.ev, "negotiated"), 1);
		ck_assert_str_eq(pv_item(r.ev, "negotiated", 0),
		    "93.184.216.34:443 TLS1.3 TLS_CHACHA20_POLY1305_SHA256");
		pv_rig_free(&r);
	}
}
END_TEST

START_TEST(same_server_and_other_sni)
{
	pv_rig_t r;
	pv_rig_init(&r, A, false);
	pv_flow_t f = flow("93.184.216.34", 443, IPPROTO_TCP, "tls", PV_DUT_CLIENT);
	connection(&r, &f, def_clienthello, sizeof(def_clienthello), def_serverhello,
	    sizeof(def_serverhello), 0);
	f.cport = 50001;
	connection(&r, &f, tls10_clienthello, sizeof(tls10_clienthello), tls10_serverhello,
	    sizeof(tls10_serverhello), 0);
	f.cport = 50002;
	connection(&r, &f, def_clienthello, sizeof(def_clienthello), NULL, 0, 0);
	pv_rig_finish(&r);
	ck_assert_int_eq(ev_get(r.ev, "hellos")->i, 3);
	ck_assert_uint_eq(r.ev->n_findings, 2);
	ck_assert_str_eq(pv_attr(&r.ev->findings[0], "sni"), "device.example.com");
	ck_assert_str_eq(pv_attr(&r.ev->findings[0], "hellos"), "2");
	ck_assert_str_eq(pv_attr(&r.ev->findings[1], "sni"), "old.example.com");
	ck_assert_uint_eq(pv_list_n(r.ev, "servers"), 2);
	ck_assert_uint_eq(pv_list_n(r.ev, "negotiated"), 2);
	ck_assert_uint_eq(pv_list_n(r.ev, "offered_versions"), 4);
	pv_rig_free(&r);
}
END_TEST

START_TEST(not_the_client_or_not_tls)
{
	pv_rig_t r;
	pv_rig_init(&r, A, false);
	/* The DUT is the server: its clients' hellos are not its offers. */
	pv_flow_t f = flow("93.184.216.34", 443, IPPROTO_TCP, "tls", PV_DUT_SERVER);
	connection(&r, &f, def_clienthello, sizeof(def_clienthello), def_serverhello,
	    sizeof(def_serverhello), 0);
	/* Classified as something else. */
	f = flow("93.184.216.34", 80, IPPROTO_TCP, "http", PV_DUT_CLIENT);
	connection(&r, &f, def_clienthello, sizeof(def_clienthello), NULL, 0, 0);
	/* Undecided, but HTTP bytes: not TLS at the first header. */
	static const char get[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	f = flow("93.184.216.34", 8080, IPPROTO_TCP, "", PV_DUT_CLIENT);
	connection(&r, &f, (const uint8_t *)get, sizeof(get) - 1, NULL, 0, 0);
	pv_rig_finish(&r);
	ck_assert_uint_eq(r.ev->n_findings, 0);
	ck_assert_int_eq(ev_get(r.ev, "hellos")->i, 0);
	ck_assert_uint_eq(pv_list_n(r.ev, "servers"), 0);
	ck_assert_uint_eq(pv_list_n(r.ev, "weak_offers"), 0);
	pv_rig_free(&r);
}
END_TEST

START_TEST(dtls_client)
{
	static const uint16_t suites[] = { 0xc0ae, 0xc0a8, 0x00ae };
	dtls_hello_opts_t o = { 0 };
	o.version = DTLSV_12;
	o.suites = suites;
	o.n_suites = 3;
	uint8_t dg[512];
	size_t n = dtls_client_hello(dg, sizeof(dg), &o);
	ck_assert_uint_gt(n, 0);
	/* The server's ServerHello datagram, by hand: record header (epoch 0,
	 * sequence 1), handshake header (whole, unfragmented), body. */
	pkt_t s = { .n = 0 };
	put(&s, "\x16\xfe\xfd\x00\x00\x00\x00\x00\x00\x00\x01\x00\x32", 13);
	put(&s, "\x02\x00\x00\x26\x00\x00\x00\x00\x00\x00\x00\x26\xfe\xfd", 14);
	for (int i = 0; i < 32; i++)
		put8(&s, i);
	put(&s, "\x00\xc0\xa8\x00", 4);
	pv_rig_t r;
	pv_rig_init(&r, A, false);
	pv_flow_t f = flow("198.51.100.7", 5684, IPPROTO_UDP, "dtls", PV_DUT_CLIENT);
	void *fs = pv_rig_fstate(&r);
	A->data(&r.cx, r.rs, &f, fs, PV_C2S, dg, n, 10);
	A->data(&r.cx, r.rs, &f, fs, PV_S2C, s.b, s.n, 11);
	pv_rig_end(&r, &f, fs);
	pv_rig_finish(&r);
	ck_assert_uint_eq(r.ev->n_findings, 1);
	const finding_t *fd = &r.ev->findings[0];
	ck_assert_str_eq(fd->transport, "udp");
	ck_assert_str_eq(fd->protocol, "dtls");
	ck_assert_int_eq(fd->port, 5684);
	ck_assert_str_eq(pv_attr(fd, "version"), "DTLS1.2");
	ck_assert_str_eq(pv_attr(fd, "suite-count"), "3");
	ck_assert_str_eq(pv_attr(fd, "negotiated"), "DTLS1.2 TLS_PSK_WITH_AES_128_CCM_8");
	ck_assert_str_eq(pv_attr(fd, "frame"), "10");
	ck_assert_str_eq(pv_attr(fd, "issue"), "(none)");
	ck_assert_str_eq(pv_item(r.ev, "servers", 0), "198.51.100.7:5684");
	pv_rig_free(&r);
}
END_TEST

/* ---- the parser and the reassembler on their own ---- */

START_TEST(parser_rejects_truncations)
{
	/* Every strict prefix of the real hello's body fails, none crashes. */
	const uint8_t *body = def_clienthello + 9;
	size_t n = sizeof(def_clienthello) - 9;
	tls_client_hello_info_t *ch = malloc(sizeof(*ch));
	ck_assert_int_eq(tls_parse_client_hello(body, n, false, ch), TLS_P_OK);
	ck_assert_uint_eq(ch->n_suites, 31);
	ck_assert_uint_eq(ch->n_versions, 4);
	ck_assert(ch->have_versions);
	ck_assert_str_eq(ch->sni, "device.example.com");
	/* DTLS form of a TLS body: the version byte does not fit. */
	ck_assert_int_eq(tls_parse_client_hello(body, n, true, ch), TLS_P_BAD_HANDSHAKE);
	for (size_t k = 0; k < n; k++) {
		uint8_t *h = heap_copy(body, k);
		tls_perr_t e = tls_parse_client_hello(h, k, false, ch);
		free(h);
		/* Cutting exactly before the extensions leaves a valid
		 * extension-less hello. */
		if (k == 35 + 32 + 2 + 62 + 2)
			ck_assert_int_eq(e, TLS_P_OK);
		else
			ck_assert_msg(e == TLS_P_BAD_HANDSHAKE, "prefix %zu", k);
	}
	free(ch);
	ck_assert(tls_is_grease(0x0a0a) && tls_is_grease(0xfafa) && !tls_is_grease(0x0a1a));
}
END_TEST

START_TEST(reassembler_caps)
{
	/* A declared ClientHello of 20000 bytes fails at its header. */
	static const uint8_t big[] = { 22, 3, 1, 0x40, 0x00, 1, 0x00, 0x4e, 0x20 };
	pd_hs_t h;
	memset(&h, 0, sizeof(h));
	uint8_t t;
	const uint8_t *b;
	size_t l;
	size_t u;
	ck_assert_int_eq(pd_hs_feed(&h, big, sizeof(big), &u, &t, &b, &l), PD_HS_FAIL);
	pd_hs_free(&h);
	/* An alert before any handshake: not a hello. */
	memset(&h, 0, sizeof(h));
	ck_assert_int_eq(pd_hs_feed(&h, (const uint8_t *)"\x15\x03\x03\x00\x02\x02\x28", 7, &u, &t,
	    &b, &l), PD_HS_FAIL);
	pd_hs_free(&h);
	/* A record header in five pieces, then the message. */
	memset(&h, 0, sizeof(h));
	for (size_t i = 0; i < 5; i++)
		ck_assert_int_eq(pd_hs_feed(&h, def_clienthello + i, 1, &u, &t, &b, &l), PD_HS_MORE);
	/* With a byte of something else after it: not read. */
	uint8_t more[sizeof(def_clienthello)];
	memcpy(more, def_clienthello + 5, sizeof(def_clienthello) - 5);
	more[sizeof(def_clienthello) - 5] = 0x17;
	ck_assert_int_eq(pd_hs_feed(&h, more, sizeof(def_clienthello) - 4, &u, &t, &b, &l),
	    PD_HS_DONE);
	ck_assert_uint_eq(u, sizeof(def_clienthello) - 5);
	ck_assert_uint_eq(t, 1);
	ck_assert_uint_eq(l, sizeof(def_clienthello) - 9);
	pd_hs_free(&h);
}
END_TEST

/* ---- hostile bytes ---- */

START_TEST(garbage_never_crashes)
{
	uint64_t seed = 0x7e57c11e;
	pv_rig_t r;
	pv_rig_init(&r, A, false);
	for (int round = 0; round < GARBAGE_ROUNDS; round++) {
		uint8_t buf[600];
		size_t n = (size_t)(xorshift(&seed) % sizeof(buf));
		/* Half the rounds: a real hello with a few bytes changed, so
		 * the parsers get past the first header. */
		if (round & 1) {
			const uint8_t *src = round & 2 ? def_clienthello : tls10_clienthello;
			size_t sn = round & 2 ? sizeof(def_clienthello) : sizeof(tls10_clienthello);
			n = sn;
			memcpy(buf, src, n);
			for (int k = 0; k < 4; k++)
				buf[5 + xorshift(&seed) % (n - 5)] = (uint8_t)xorshift(&seed);
		} else {
			random_bytes(&seed, buf, n);
		}
		bool udp = (round % 5) == 0;
		pv_flow_t f = flow("10.0.0.1", (uint16_t)(round % 7 + 1), udp ? IPPROTO_UDP : IPPROTO_TCP,
		    udp ? "dtls" : round % 3 ? "tls" : "", PV_DUT_CLIENT);
		void *fs = pv_rig_fstate(&r);
		size_t chunk = 1 + xorshift(&seed) % 64;
		deliver(&r, &f, fs, PV_C2S, buf, n, 1, chunk);
		random_bytes(&seed, buf, n);
		deliver(&r, &f, fs, PV_S2C, buf, n, 2, chunk);
		pv_rig_end(&r, &f, fs);
	}
	pv_rig_finish(&r);
	/* Changed bytes make new SNIs: many entries, all within the cap. */
	ck_assert_uint_le(r.ev->n_findings, GARBAGE_ROUNDS / 2);
	pv_rig_free(&r);
}
END_TEST

static Suite *
pv_tls_client_suite(void)
{
	Suite *s = suite_create("pv_tls_client");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, openssl_default);
	tcase_add_test(tc, openssl_tls10);
	tcase_add_test(tc, weak_suites_split_records);
	tcase_add_test(tc, hello_retry_request);
	tcase_add_test(tc, same_server_and_other_sni);
	tcase_add_test(tc, not_the_client_or_not_tls);
	tcase_add_test(tc, dtls_client);
	tcase_add_test(tc, parser_rejects_truncations);
	tcase_add_test(tc, reassembler_caps);
	tcase_add_test(tc, garbage_never_crashes);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(pv_tls_client_suite)
