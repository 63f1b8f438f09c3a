/*
 * The pure TLS pieces: the suite table (every flag recomputed from what
 * the suite is made of), ClientHello records byte for byte, ServerHello /
 * HelloRetryRequest / Certificate / alert parsing, the flight reassembler
 * fed whole, byte by byte and split across records, and hostile input
 * (truncations, oversize lengths, non-TLS answers, random garbage) ending
 * in a precise error without a crash.
 */
#include "check_main.h"
#include "core/util.h"
#include "crypto/suites.h"
#include "pktbuild.h"
#include "proto/tls_hello.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GARBAGE_ROUNDS 3000

/* ---- the suite table ---- */

static unsigned
expected_flags(const tls_suite_info_t *s)
{
	unsigned f = 0;
	if (strcmp(s->enc, "NULL") == 0)
		f |= TLS_SF_NULL_ENC;
	if (strstr(s->name, "_EXPORT_"))
		f |= TLS_SF_EXPORT;
	if (strcmp(s->auth, "anon") == 0)
		f |= TLS_SF_ANON;
	if (strncmp(s->enc, "RC4", 3) == 0)
		f |= TLS_SF_RC4;
	if (strncmp(s->enc, "3DES", 4) == 0)
		f |= TLS_SF_3DES;
	if (strncmp(s->enc, "DES", 3) == 0)
		f |= TLS_SF_DES;
	if (strstr(s->enc, "CBC"))
		f |= TLS_SF_CBC;
	if (strcmp(s->mac, "SHA") == 0)
		f |= TLS_SF_SHA1_MAC;
	if (strcmp(s->mac, "MD5") == 0)
		f |= TLS_SF_MD5_MAC;
	static const char *const static_kex[] = { "RSA", "DH", "ECDH", "PSK", "RSA_PSK" };
	for (size_t i = 0; i < ARRAY_LEN(static_kex); i++)
		if (strcmp(s->kex, static_kex[i]) == 0)
			f |= TLS_SF_NO_PFS;
	if (strcmp(s->mac, "AEAD") == 0)
		f |= TLS_SF_AEAD;
	if (strcmp(s->kex, "TLS13") == 0)
		f |= TLS_SF_TLS13;
	if (strstr(s->kex, "PSK"))
		f |= TLS_SF_PSK;
	if (strncmp(s->enc, "IDEA", 4) == 0)
		f |= TLS_SF_IDEA;
	if (strncmp(s->enc, "SEED", 4) == 0 || strncmp(s->enc, "ARIA", 4) == 0 ||
	    strncmp(s->enc, "CAMELLIA", 8) == 0)
		f |= TLS_SF_SEED_ARIA_CAMELLIA;
	return f;
}

START_TEST(suite_table)
{
	size_t n;
	const tls_suite_info_t *all = tls_suite_all(&n);
	ck_assert_uint_eq(n, 318);
	size_t n13 = 0;
	for (size_t i = 0; i < n; i++) {
		const tls_suite_info_t *s = &all[i];
		if (i)
			ck_assert_uint_gt(s->id, all[i - 1].id);
		ck_assert_ptr_eq(tls_suite_find(s->id), s);
		ck_assert_msg(s->flags == expected_flags(s), "%s: flags 0x%x, expected 0x%x",
		    s->name, s->flags, expected_flags(s));
		/* The name holds the cipher: the fields come from it. */
		ck_assert_msg(strstr(s->name, s->enc) != NULL, "%s: enc %s", s->name, s->enc);
		ck_assert_msg(strncmp(s->name, "TLS_", 4) == 0, "%s", s->name);
		ck_assert(s->bits == 0 || strcmp(s->enc, "NULL") != 0);
		n13 += (s->flags & TLS_SF_TLS13) != 0;
	}
	ck_assert_uint_eq(n13, 5);
	ck_assert_ptr_null(tls_suite_find(0x0000));
	ck_assert_ptr_null(tls_suite_find(0x00ff));	/* the SCSV is no suite */
	ck_assert_ptr_null(tls_suite_find(0xffff));
}
END_TEST

START_TEST(suite_entries)
{
	const tls_suite_info_t *s = tls_suite_find(0xc02f);
	ck_assert_str_eq(s->name, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	ck_assert_str_eq(s->kex, "ECDHE");
	ck_assert_str_eq(s->auth, "RSA");
	ck_assert_str_eq(s->enc, "AES_128_GCM");
	ck_assert_str_eq(s->mac, "AEAD");
	ck_assert_uint_eq(s->bits, 128);
	ck_assert_uint_eq(s->flags, TLS_SF_AEAD);

	s = tls_suite_find(0x000a);
	ck_assert_str_eq(s->name, "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
	ck_assert_uint_eq(s->bits, 112);
	ck_assert_uint_eq(s->flags, TLS_SF_3DES | TLS_SF_CBC | TLS_SF_SHA1_MAC | TLS_SF_NO_PFS);

	s = tls_suite_find(0x0003);
	ck_assert_str_eq(s->name, "TLS_RSA_EXPORT_WITH_RC4_40_MD5");
	ck_assert_uint_eq(s->bits, 40);
	ck_assert_uint_eq(s->flags, TLS_SF_EXPORT | TLS_SF_RC4 | TLS_SF_MD5_MAC | TLS_SF_NO_PFS);

	s = tls_suite_find(0x0034);
	ck_assert_str_eq(s->kex, "DHE");
	ck_assert_str_eq(s->auth, "anon");
	ck_assert_uint_eq(s->flags, TLS_SF_ANON | TLS_SF_CBC | TLS_SF_SHA1_MAC);

	s = tls_suite_find(0x1303);
	ck_assert_str_eq(s->name, "TLS_CHACHA20_POLY1305_SHA256");
	ck_assert_str_eq(s->kex, "TLS13");
	ck_assert_uint_eq(s->bits, 256);
	ck_assert_uint_eq(s->flags, TLS_SF_AEAD | TLS_SF_TLS13);

	s = tls_suite_find(0xc0a8);
	ck_assert_str_eq(s->name, "TLS_PSK_WITH_AES_128_CCM_8");
	ck_assert_str_eq(s->enc, "AES_128_CCM_8");
	ck_assert_uint_eq(s->flags, TLS_SF_AEAD | TLS_SF_PSK | TLS_SF_NO_PFS);

	s = tls_suite_find(0x0001);
	ck_assert_uint_eq(s->bits, 0);
	ck_assert_uint_eq(s->flags, TLS_SF_NULL_ENC | TLS_SF_MD5_MAC | TLS_SF_NO_PFS);

	ck_assert_str_eq(tls_suite_find(0x0007)->enc, "IDEA_CBC");
	ck_assert_str_eq(tls_suite_find(0xc0ab)->kex, "DHE_PSK");
	ck_assert_str_eq(tls_suite_find(0xc01e)->auth, "RSA");
	ck_assert_str_eq(tls_suite_find(0xccaa)->name, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

	static const struct {
		uint16_t v;
		const char *name;
	} names[] = {
		{ TLSV_SSL3, "SSLv3" }, { TLSV_TLS10, "TLS1.0" }, { TLSV_TLS11, "TLS1.1" },
		{ TLSV_TLS12, "TLS1.2" }, { TLSV_TLS13, "TLS1.3" }, { DTLSV_10, "DTLS1.0" },
		{ DTLSV_12, "DTLS1.2" }, { 0x0200, NULL }, { 0x0305, NULL },
	};
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		const char *got = tls_version_name(names[i].v);
		ck_assert_msg(names[i].name ? got && strcmp(got, names[i].name) == 0 : got == NULL,
		    "0x%04x: %s", names[i].v, got ? got : "NULL");
	}
}
END_TEST

/* ---- ClientHello ---- */

#define ASSERT_BYTES(got, gn, want) do {                                 \
		ck_assert_uint_eq((gn), sizeof(want) - 1);                \
		ck_assert_msg(memcmp((got), (want), (gn)) == 0,            \
		    "bytes differ from " #want);                          \
	} while (0)

START_TEST(hello_tls12_exact)
{
	static const uint16_t suites[] = { 0xc02f };
	static const uint16_t sig[] = { 0x0401 };
	tls_hello_opts_t o = {
		.version = TLSV_TLS12, .suites = suites, .n_suites = 1,
		.sigalgs = sig, .n_sigalgs = 1,
	};
	memset(o.random, 0x11, 32);
	uint8_t out[512];
	size_t n = tls_client_hello(out, sizeof(out), &o);
	ASSERT_BYTES(out, n,
	    "\x16\x03\x01\x00\x37"	/* record: handshake, 1.0, 55 bytes */
	    "\x01\x00\x00\x33"		/* client_hello, 51 bytes */
	    "\x03\x03"
	    "\x11\x11\x11\x11\x11\x11\x11\x11\x11\x11\x11\x11\x11\x11\x11\x11"
	    "\x11\x11\x11\x11\x11\x11\x11\x11\x11\x11\x11\x11\x11\x11\x11\x11"
	    "\x00"			/* session id */
	    "\x00\x02\xc0\x2f"		/* suites */
	    "\x01\x00"			/* compression: null */
	    "\x00\x08\x00\x0d\x00\x04\x00\x02\x04\x01");	/* signature_algorithms */

	/* The same cut to size: one byte short does not fit. */
	ck_assert_uint_eq(tls_client_hello(out, n - 1, &o), 0);
	ck_assert_uint_eq(tls_client_hello(out, n, &o), n);
}
END_TEST

START_TEST(hello_tls13_exact)
{
	static const uint16_t suites[] = { 0x1301 };
	static const uint16_t groups[] = { 29 };
	static const uint16_t sig[] = { 0x0804 };
	tls_hello_opts_t o = {
		.version = TLSV_TLS13, .suites = suites, .n_suites = 1,
		.groups = groups, .n_groups = 1, .sigalgs = sig, .n_sigalgs = 1, .sni = "a",
	};
	memset(o.random, 0, 32);
	memset(o.x25519_pub, 0x55, 32);
	uint8_t out[512];
	size_t n = tls_client_hello(out, sizeof(out), &o);
	ASSERT_BYTES(out, n,
	    "\x16\x03\x01\x00\x80"
	    "\x01\x00\x00\x7c"
	    "\x03\x03"			/* legacy_version 1.2 */
	    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	    "\x00"
	    "\x00\x02\x13\x01"
	    "\x01\x00"
	    "\x00\x51"			/* extensions: 81 bytes */
	    "\x00\x00\x00\x06\x00\x04\x00\x00\x01\x61"	/* server_name "a" */
	    "\x00\x0a\x00\x04\x00\x02\x00\x1d"		/* supported_groups */
	    "\x00\x0b\x00\x02\x01\x00"			/* ec_point_formats */
	    "\x00\x0d\x00\x04\x00\x02\x08\x04"		/* signature_algorithms */
	    "\x00\x2b\x00\x03\x02\x03\x04"		/* supported_versions: 1.3 */
	    "\x00\x33\x00\x26\x00\x24\x00\x1d\x00\x20"	/* key_share x25519 */
	    "\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55"
	    "\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55");

	/* Without x25519 among the groups the key_share is empty, which asks
	 * for a HelloRetryRequest. */
	static const uint16_t p256[] = { 23 };
	o.groups = p256;
	o.sni = NULL;
	n = tls_client_hello(out, sizeof(out), &o);
	ck_assert_uint_eq(n, 5 + 4 + 2 + 32 + 1 + 4 + 2 + 2 + 8 + 6 + 8 + 7 + 6);
	ck_assert(memcmp(out + n - 6, "\x00\x33\x00\x02\x00\x00", 6) == 0);
}
END_TEST

START_TEST(hello_old_versions)
{
	static const uint16_t suites[] = { 0x000a, 0x0005 };
	static const uint8_t comp[] = { 1, 0 };
	static const uint16_t sig[] = { 0x0201 };
	tls_hello_opts_t o = {
		.version = TLSV_SSL3, .suites = suites, .n_suites = 2,
		.sigalgs = sig, .n_sigalgs = 1, .compression = comp, .n_compression = 2,
		.reneg_info = true, .heartbeat = true,
	};
	uint8_t out[512];
	size_t n = tls_client_hello(out, sizeof(out), &o);
	ck_assert_uint_eq(n, 5 + 4 + 2 + 32 + 1 + 6 + 3 + 2 + 8 + 5 + 5);
	ck_assert(memcmp(out, "\x16\x03\x00", 3) == 0);		/* SSLv3 record */
	ck_assert(memcmp(out + 9, "\x03\x00", 2) == 0);		/* client_version */
	ck_assert(memcmp(out + 44, "\x00\x04\x00\x0a\x00\x05\x02\x01\x00", 9) == 0);
	ck_assert(memcmp(out + n - 10, "\x00\x0f\x00\x01\x01\xff\x01\x00\x01\x00", 10) == 0);

	o.version = TLSV_TLS10;
	n = tls_client_hello(out, sizeof(out), &o);
	ck_assert(memcmp(out, "\x16\x03\x01", 3) == 0);
	ck_assert(memcmp(out + 9, "\x03\x01", 2) == 0);

	/* Impossible requests give 0, not a short record. */
	o.version = 0x0200;
	ck_assert_uint_eq(tls_client_hello(out, sizeof(out), &o), 0);
	o.version = 0x0305;
	ck_assert_uint_eq(tls_client_hello(out, sizeof(out), &o), 0);
	o.version = TLSV_TLS12;
	o.n_suites = 0;
	ck_assert_uint_eq(tls_client_hello(out, sizeof(out), &o), 0);
	o.n_suites = TLS_HELLO_MAX_SUITES + 1;
	ck_assert_uint_eq(tls_client_hello(out, sizeof(out), &o), 0);
	o.n_suites = 2;
	ck_assert_uint_eq(tls_client_hello(out, 20, &o), 0);
	ck_assert_uint_eq(tls_client_hello(out, 0, &o), 0);
}
END_TEST

START_TEST(hello_many_suites)
{
	uint16_t suites[TLS_HELLO_MAX_SUITES];
	for (size_t i = 0; i < ARRAY_LEN(suites); i++)
		suites[i] = (uint16_t)(i + 1);
	tls_hello_opts_t o = { .version = TLSV_TLS12, .suites = suites, .n_suites = 1024 };
	uint8_t out[8192];
	size_t n = tls_client_hello(out, sizeof(out), &o);
	ck_assert_uint_gt(n, 2048);
	ck_assert_uint_eq((size_t)(out[3] << 8 | out[4]), n - 5);
	ck_assert_uint_eq((size_t)(out[6] << 16 | out[7] << 8 | out[8]), n - 9);
	ck_assert(memcmp(out + 44, "\x08\x00\x00\x01\x00\x02", 6) == 0);
}
END_TEST

/* ---- server records ---- */

static void
hs_msg(pkt_t *p, uint8_t type, const pkt_t *body)
{
	put8(p, type);
	put8(p, body->n >> 16);
	put16(p, body->n & 0xffff);
	put(p, body->b, body->n);
}

static void
rec(pkt_t *p, uint8_t ct, const uint8_t *d, size_t n)
{
	put8(p, ct);
	put16(p, 0x0303);
	put16(p, (unsigned)n);
	put(p, d, n);
}

/* A TLS 1.2 ServerHello body: suite 0xc02f, 32-byte session id, with
 * renegotiation_info, extended_master_secret, heartbeat, ec_point_formats. */
static void
sh12(pkt_t *b)
{
	uint8_t r[32];
	memset(r, 0x22, 32);
	b->n = 0;
	put16(b, 0x0303);
	put(b, r, 32);
	put8(b, 32);
	memset(r, 0x33, 32);
	put(b, r, 32);
	put16(b, 0xc02f);
	put8(b, 0);
	put16(b, 5 + 4 + 5 + 6);
	put(b, "\xff\x01\x00\x01\x00", 5);
	put(b, "\x00\x17\x00\x00", 4);
	put(b, "\x00\x0f\x00\x01\x01", 5);
	put(b, "\x00\x0b\x00\x02\x01\x00", 6);
}

static void
sh13(pkt_t *b, bool hrr)
{
	static const uint8_t hrr_random[32] = {
		0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02,
		0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
		0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
	};
	uint8_t r[32];
	memset(r, 0x44, 32);
	b->n = 0;
	put16(b, 0x0303);
	put(b, hrr ? hrr_random : r, 32);
	put8(b, 0);
	put16(b, 0x1302);
	put8(b, 0);
	if (hrr) {
		put16(b, 6 + 6);
		put(b, "\x00\x2b\x00\x02\x03\x04", 6);
		put(b, "\x00\x33\x00\x02\x00\x17", 6);	/* selected group secp256r1 */
	} else {
		put16(b, 6 + 40);
		put(b, "\x00\x2b\x00\x02\x03\x04", 6);
		put(b, "\x00\x33\x00\x24\x00\x1d\x00\x20", 8);
		put(b, r, 32);
	}
}

/* Parses b, which must succeed with these values; returns the hello. */
static tls_server_hello_t
parse_ok(const pkt_t *b, uint16_t version, uint16_t suite, uint16_t group, bool hrr)
{
	tls_server_hello_t sh;
	ck_assert_int_eq(tls_parse_server_hello(b->b, b->n, &sh), TLS_P_OK);
	ck_assert_uint_eq(sh.legacy_version, 0x0303);
	ck_assert_uint_eq(sh.version, version);
	ck_assert_uint_eq(sh.suite, suite);
	ck_assert_uint_eq(sh.group, group);
	ck_assert(sh.hrr == hrr);
	return sh;
}

START_TEST(parse_server_hello)
{
	pkt_t b;
	tls_server_hello_t sh;
	sh12(&b);
	sh = parse_ok(&b, 0x0303, 0xc02f, 0, false);
	ck_assert_uint_eq(sh.compression, 0);
	ck_assert(sh.reneg_info);
	ck_assert(sh.ems);
	ck_assert(sh.heartbeat);
	ck_assert_uint_eq(sh.heartbeat_mode, 1);
	ck_assert_uint_eq(sh.group, 0);
	ck_assert_uint_eq(sh.n_ext, 4);
	ck_assert_uint_eq(sh.ext[0], 0xff01);
	ck_assert_uint_eq(sh.ext[3], 11);
	ck_assert_uint_eq(sh.random[0], 0x22);

	/* Every truncation fails, except the cut right before the extensions
	 * (an SSLv3-style hello has none). */
	for (size_t k = 0; k < b.n; k++) {
		uint8_t *h = heap_copy(b.b, k);
		tls_perr_t e = tls_parse_server_hello(h, k, &sh);
		free(h);
		if (k == 2 + 32 + 1 + 32 + 3)
			ck_assert_int_eq(e, TLS_P_OK);
		else
			ck_assert_msg(e == TLS_P_BAD_HANDSHAKE, "cut at %zu: %d", k, e);
	}
	/* Trailing bytes, a session id over 32, an SSLv2 version. */
	put8(&b, 0);
	ck_assert_int_eq(tls_parse_server_hello(b.b, b.n, &sh), TLS_P_BAD_HANDSHAKE);
	sh12(&b);
	b.b[34] = 33;
	ck_assert_int_eq(tls_parse_server_hello(b.b, b.n, &sh), TLS_P_BAD_HANDSHAKE);
	sh12(&b);
	b.b[0] = 2;
	ck_assert_int_eq(tls_parse_server_hello(b.b, b.n, &sh), TLS_P_BAD_HANDSHAKE);
	/* An extension overrunning the block. */
	sh12(&b);
	b.b[2 + 32 + 1 + 32 + 3 + 2 + 3] = 9;
	ck_assert_int_eq(tls_parse_server_hello(b.b, b.n, &sh), TLS_P_BAD_HANDSHAKE);
}
END_TEST

START_TEST(parse_tls13_and_hrr)
{
	pkt_t b;
	tls_server_hello_t sh;
	sh13(&b, false);
	sh = parse_ok(&b, 0x0304, 0x1302, 29, false);
	ck_assert(!sh.reneg_info);
	sh13(&b, true);
	parse_ok(&b, 0x0304, 0x1302, 23, true);

	/* supported_versions naming a version that does not exist. */
	sh13(&b, false);
	b.b[2 + 32 + 1 + 3 + 2 + 5] = 0x09;
	ck_assert_int_eq(tls_parse_server_hello(b.b, b.n, &sh), TLS_P_BAD_HANDSHAKE);
}
END_TEST

START_TEST(parse_certificate)
{
	pkt_t b = { .n = 0 };
	put8(&b, 0);
	put16(&b, 3 + 5 + 3 + 3);
	put(&b, "\x00\x00\x05\x30\x03\x02\x01\x05", 8);
	put(&b, "\x00\x00\x03\x30\x01\x00", 6);
	tls_certs_t c;
	ck_assert_int_eq(tls_parse_certificate(b.b, b.n, &c), TLS_P_OK);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_uint_eq(c.len[0], 5);
	ck_assert(memcmp(c.der[0], "\x30\x03\x02\x01\x05", 5) == 0);
	ck_assert_uint_eq(c.len[1], 3);
	ck_assert(!c.truncated);
	tls_certs_clear(&c);
	ck_assert_uint_eq(c.n, 0);

	for (size_t k = 0; k < b.n; k++) {
		uint8_t *h = heap_copy(b.b, k);
		ck_assert_int_eq(tls_parse_certificate(h, k, &c), TLS_P_BAD_HANDSHAKE);
		ck_assert_uint_eq(c.n, 0);
		free(h);
	}
	/* A zero-length certificate, and a list length that lies. */
	static const uint8_t empty[] = { 0, 0, 3, 0, 0, 0 };
	ck_assert_int_eq(tls_parse_certificate(empty, sizeof(empty), &c), TLS_P_BAD_HANDSHAKE);
	b.b[2] = 13;
	ck_assert_int_eq(tls_parse_certificate(b.b, b.n, &c), TLS_P_BAD_HANDSHAKE);

	/* More certificates than kept: the first TLS_CERTS_MAX, flagged. */
	b.n = 0;
	put8(&b, 0);
	put16(&b, 12 * 4);
	for (int i = 0; i < 12; i++) {
		put(&b, "\x00\x00\x01", 3);
		put8(&b, (unsigned)i);
	}
	ck_assert_int_eq(tls_parse_certificate(b.b, b.n, &c), TLS_P_OK);
	ck_assert_uint_eq(c.n, TLS_CERTS_MAX);
	ck_assert(c.truncated);
	ck_assert_uint_eq(c.der[9][0], 9);
	tls_certs_clear(&c);
}
END_TEST

/* A whole TLS 1.2 first flight: ServerHello, Certificate, ECDHE
 * ServerKeyExchange on x25519, ServerHelloDone, as handshake messages. */
static void
flight12_msgs(pkt_t *m, size_t *cut)
{
	pkt_t b;
	m->n = 0;
	sh12(&b);
	hs_msg(m, TLS_HS_SERVER_HELLO, &b);
	*cut = m->n;
	b.n = 0;
	put8(&b, 0);
	put16(&b, 8);
	put(&b, "\x00\x00\x05\x30\x03\x02\x01\x05", 8);
	hs_msg(m, TLS_HS_CERTIFICATE, &b);
	b.n = 0;
	put(&b, "\x03\x00\x1d\x20", 4);
	for (int i = 0; i < 32; i++)
		put8(&b, 7);
	put(&b, "\x04\x01\x00\x02\xab\xcd", 6);
	hs_msg(m, TLS_HS_SERVER_KX, &b);
	b.n = 0;
	hs_msg(m, TLS_HS_SERVER_DONE, &b);
}

static void
check_flight12(const tls_flight_t *f)
{
	ck_assert(f->have_hello);
	ck_assert_uint_eq(f->hello.suite, 0xc02f);
	ck_assert(f->have_certs);
	ck_assert_uint_eq(f->certs.n, 1);
	ck_assert_uint_eq(f->certs.len[0], 5);
	ck_assert_uint_eq(f->ske_group, 29);
	ck_assert(f->hello_done);
	ck_assert(!f->have_alert);
	ck_assert(!f->encrypted);
}

START_TEST(stream_whole_and_bytewise)
{
	pkt_t m, r = { .n = 0 };
	size_t cut;
	flight12_msgs(&m, &cut);
	rec(&r, TLS_CT_HANDSHAKE, m.b, m.n);

	tls_stream_t *s = tls_stream_new(true);
	ck_assert_int_eq(tls_stream_feed(s, r.b, r.n), TLS_FEED_DONE);
	check_flight12(tls_stream_flight(s));
	ck_assert_int_eq(tls_stream_err(s), TLS_P_OK);
	ck_assert_str_eq(tls_stream_errmsg(s), "");
	tls_stream_free(s);

	s = tls_stream_new(true);
	for (size_t i = 0; i + 1 < r.n; i++)
		ck_assert_int_eq(tls_stream_feed(s, r.b + i, 1), TLS_FEED_MORE);
	ck_assert_int_eq(tls_stream_feed(s, r.b + r.n - 1, 1), TLS_FEED_DONE);
	check_flight12(tls_stream_flight(s));
	tls_stream_free(s);

	/* Without want_certs the chain is not kept. */
	s = tls_stream_new(false);
	ck_assert_int_eq(tls_stream_feed(s, r.b, r.n), TLS_FEED_DONE);
	ck_assert(!tls_stream_flight(s)->have_certs);
	tls_stream_free(s);
	tls_stream_free(NULL);
}
END_TEST

START_TEST(stream_split_across_records)
{
	pkt_t m, r = { .n = 0 };
	size_t cut;
	flight12_msgs(&m, &cut);
	/* The ServerHello alone, then the rest cut in the middle of the
	 * Certificate message, in three records. */
	rec(&r, TLS_CT_HANDSHAKE, m.b, cut);
	rec(&r, TLS_CT_HANDSHAKE, m.b + cut, 6);
	rec(&r, TLS_CT_HANDSHAKE, m.b + cut + 6, m.n - cut - 6);
	tls_stream_t *s = tls_stream_new(true);
	ck_assert_int_eq(tls_stream_feed(s, r.b, r.n), TLS_FEED_DONE);
	check_flight12(tls_stream_flight(s));
	tls_stream_free(s);
}
END_TEST

START_TEST(stream_alert_hrr_tls13)
{
	pkt_t r = { .n = 0 }, b, m = { .n = 0 };
	rec(&r, TLS_CT_ALERT, (const uint8_t *)"\x02\x28", 2);
	tls_stream_t *s = tls_stream_new(true);
	ck_assert_int_eq(tls_stream_feed(s, r.b, r.n), TLS_FEED_DONE);
	const tls_flight_t *f = tls_stream_flight(s);
	ck_assert(f->have_alert);
	ck_assert_uint_eq(f->alert_level, 2);
	ck_assert_uint_eq(f->alert_desc, 40);
	ck_assert(!f->have_hello);
	tls_stream_free(s);

	sh13(&b, true);
	hs_msg(&m, TLS_HS_SERVER_HELLO, &b);
	r.n = 0;
	rec(&r, TLS_CT_HANDSHAKE, m.b, m.n);
	s = tls_stream_new(true);
	ck_assert_int_eq(tls_stream_feed(s, r.b, r.n), TLS_FEED_DONE);
	ck_assert(tls_stream_flight(s)->hello.hrr);
	ck_assert_uint_eq(tls_stream_flight(s)->hello.group, 23);
	tls_stream_free(s);

	/* A 1.3 ServerHello ends the readable part: what follows is encrypted. */
	sh13(&b, false);
	m.n = 0;
	hs_msg(&m, TLS_HS_SERVER_HELLO, &b);
	r.n = 0;
	rec(&r, TLS_CT_HANDSHAKE, m.b, m.n);
	rec(&r, TLS_CT_CCS, (const uint8_t *)"\x01", 1);
	s = tls_stream_new(true);
	ck_assert_int_eq(tls_stream_feed(s, r.b, r.n), TLS_FEED_DONE);
	ck_assert(tls_stream_flight(s)->encrypted);
	ck_assert_uint_eq(tls_stream_flight(s)->hello.version, 0x0304);
	tls_stream_free(s);
}
END_TEST

static tls_perr_t
feed_err(const uint8_t *p, size_t n, char *msg, size_t len)
{
	tls_stream_t *s = tls_stream_new(true);
	tls_feed_t r = tls_stream_feed(s, p, n);
	tls_perr_t e = tls_stream_err(s);
	snprintf(msg, len, "%s", tls_stream_errmsg(s));
	ck_assert_int_eq(r, e ? TLS_FEED_ERROR : r);
	tls_stream_free(s);
	return e;
}

START_TEST(stream_hostile)
{
	char msg[128];
	ck_assert_int_eq(feed_err((const uint8_t *)"HTTP/1.1 400 Bad Request\r\n", 26, msg,
	    sizeof(msg)), TLS_P_NOT_TLS);
	ck_assert_str_eq(msg, "record 0: an HTTP response, not TLS");
	ck_assert_int_eq(feed_err((const uint8_t *)"SSH-2.0-dropbear\r\n", 18, msg, sizeof(msg)),
	    TLS_P_NOT_TLS);
	ck_assert_str_eq(msg, "record 0: header 53 53... is no TLS record");
	ck_assert_int_eq(feed_err((const uint8_t *)"\x80\x2e\x04\x00\x01", 5, msg, sizeof(msg)),
	    TLS_P_NOT_TLS);
	ck_assert_str_eq(msg, "record 0: an SSLv2-style record (first byte 0x80)");
	ck_assert_int_eq(feed_err((const uint8_t *)"\x16\x03\x03\x50\x00", 5, msg, sizeof(msg)),
	    TLS_P_OVERSIZE);
	ck_assert_str_eq(msg, "record 0: record length 20480 over the cap of 18432");
	ck_assert_int_eq(feed_err((const uint8_t *)"\x15\x03\x03\x00\x03\x02\x28\x00", 8, msg,
	    sizeof(msg)), TLS_P_BAD_RECORD);
	ck_assert_str_eq(msg, "record 1: alert record of 3 bytes");
	/* Certificate before any ServerHello. */
	ck_assert_int_eq(feed_err((const uint8_t *)"\x16\x03\x03\x00\x04\x0b\x00\x00\x00", 9, msg,
	    sizeof(msg)), TLS_P_UNEXPECTED);
	ck_assert_str_eq(msg, "record 1: handshake type 11 before ServerHello");
	/* Application data before any ServerHello. */
	ck_assert_int_eq(feed_err((const uint8_t *)"\x17\x03\x03\x00\x01\x00", 6, msg,
	    sizeof(msg)), TLS_P_UNEXPECTED);
	/* A ServerHello that does not parse. */
	ck_assert_int_eq(feed_err((const uint8_t *)"\x16\x03\x03\x00\x06\x02\x00\x00\x02\x03\x03",
	    11, msg, sizeof(msg)), TLS_P_BAD_HANDSHAKE);
	ck_assert_str_eq(msg, "record 1: ServerHello of 2 bytes does not parse");
	/* A handshake message announcing 16 MiB. */
	ck_assert_int_eq(feed_err((const uint8_t *)"\x16\x03\x03\x00\x04\x0b\xff\xff\xff", 9, msg,
	    sizeof(msg)), TLS_P_OVERSIZE);
	ck_assert_str_eq(msg, "record 1: handshake message of 16777215 bytes");
}
END_TEST

/* A Certificate message announcing 1 MiB is refused on its first record;
 * a 40 KB one spread over three records is reassembled. */
START_TEST(stream_flight_cap)
{
	pkt_t m, hm = { .n = 0 }, r = { .n = 0 };
	sh12(&m);
	hs_msg(&hm, TLS_HS_SERVER_HELLO, &m);
	rec(&r, TLS_CT_HANDSHAKE, hm.b, hm.n);
	tls_stream_t *s = tls_stream_new(true);
	ck_assert_int_eq(tls_stream_feed(s, r.b, r.n), TLS_FEED_MORE);
	uint8_t big[5 + 16384] = { 0 };
	memcpy(big, "\x16\x03\x03\x40\x00\x0b\x0f\xff\xff", 9);
	ck_assert_int_eq(tls_stream_feed(s, big, sizeof(big)), TLS_FEED_ERROR);
	ck_assert_int_eq(tls_stream_err(s), TLS_P_OVERSIZE);
	ck_assert_str_eq(tls_stream_errmsg(s), "record 2: handshake message of 1048575 bytes");
	tls_stream_free(s);

	/* Certificate: list of one 39993-byte DER, then ServerHelloDone. */
	size_t der = 39993, body = 3 + 3 + der, total = 4 + body + 4;
	uint8_t *msgs = calloc(total, 1);
	uint8_t hdr[10] = { 0x0b, body >> 16, (body >> 8) & 0xff, body & 0xff,
		(3 + der) >> 16, ((3 + der) >> 8) & 0xff, (3 + der) & 0xff,
		der >> 16, (der >> 8) & 0xff, der & 0xff };
	memcpy(msgs, hdr, 10);
	msgs[10] = 0x30;
	memcpy(msgs + total - 4, "\x0e\x00\x00\x00", 4);
	s = tls_stream_new(true);
	ck_assert_int_eq(tls_stream_feed(s, r.b, r.n), TLS_FEED_MORE);
	for (size_t off = 0; off < total; off += 16384) {
		size_t k = total - off < 16384 ? total - off : 16384;
		uint8_t h[5] = { 22, 3, 3, k >> 8, k & 0xff };
		tls_feed_t f = tls_stream_feed(s, h, 5);
		ck_assert_int_eq(f, TLS_FEED_MORE);
		f = tls_stream_feed(s, msgs + off, k);
		ck_assert_int_eq(f, off + k == total ? TLS_FEED_DONE : TLS_FEED_MORE);
	}
	const tls_flight_t *f = tls_stream_flight(s);
	ck_assert_uint_eq(f->certs.n, 1);
	ck_assert_uint_eq(f->certs.len[0], der);
	ck_assert_uint_eq(f->certs.der[0][0], 0x30);
	ck_assert(f->hello_done);
	tls_stream_free(s);
	free(msgs);
}
END_TEST

START_TEST(stream_garbage)
{
	uint64_t seed = 0x5eed7151;
	uint8_t b[600];
	pkt_t m, r;
	size_t cut;
	flight12_msgs(&m, &cut);
	for (int i = 0; i < GARBAGE_ROUNDS; i++) {
		size_t n = xorshift(&seed) % sizeof(b);
		if (i % 2) {
			/* A valid flight with a few bytes flipped. */
			r.n = 0;
			rec(&r, TLS_CT_HANDSHAKE, m.b, m.n);
			memcpy(b, r.b, r.n);
			n = r.n;
			for (int k = 0; k < 3; k++)
				b[xorshift(&seed) % n] ^= (uint8_t)(1 + xorshift(&seed) % 255);
		} else {
			random_bytes(&seed, b, n);
			if (n > 5 && i % 4 == 0) {
				b[0] = TLS_CT_HANDSHAKE;	/* get past the header check */
				b[1] = 3;
				b[2] = 3;
			}
		}
		tls_stream_t *s = tls_stream_new(true);
		size_t off = 0;
		while (off < n) {
			size_t k = 1 + xorshift(&seed) % 64;
			if (k > n - off)
				k = n - off;
			uint8_t *h = heap_copy(b + off, k);
			tls_feed_t f = tls_stream_feed(s, h, k);
			free(h);
			off += k;
			if (f != TLS_FEED_MORE)
				break;
		}
		tls_stream_free(s);
		ck_assert_int_lt(tls_heartbleed_classify(b, n, 0), 4);
	}
}
END_TEST

/* ---- Heartbleed ---- */

START_TEST(heartbleed)
{
	uint8_t p[16];
	ck_assert_uint_eq(tls_heartbleed_probe(p, sizeof(p), 0x0302, 0x4000), 8);
	ck_assert(memcmp(p, "\x18\x03\x02\x00\x03\x01\x40\x00", 8) == 0);
	ck_assert_uint_eq(tls_heartbleed_probe(p, 7, 0x0302, 0x4000), 0);

	/* A vulnerable server answers with 3 + 16384 + 16 bytes. */
	ck_assert_int_eq(tls_heartbleed_classify((const uint8_t *)"\x18\x03\x02\x40\x13", 5, 0),
	    TLS_HB_VULNERABLE);
	/* Exactly type, length, 16 bytes of padding: no leak. */
	ck_assert_int_eq(tls_heartbleed_classify((const uint8_t *)"\x18\x03\x02\x00\x13", 5, 0),
	    TLS_HB_REPLY_OK);
	ck_assert_int_eq(tls_heartbleed_classify((const uint8_t *)"\x18\x03\x02\x00\x14", 5, 0),
	    TLS_HB_VULNERABLE);
	ck_assert_int_eq(tls_heartbleed_classify((const uint8_t *)"\x15\x03\x02\x00\x02\x02\x0a", 7,
	    0), TLS_HB_NO_REPLY);
	/* A record before the heartbeat is skipped. */
	ck_assert_int_eq(tls_heartbleed_classify(
	    (const uint8_t *)"\x16\x03\x02\x00\x01\x00\x18\x03\x02\x40\x13", 11, 0),
	    TLS_HB_VULNERABLE);
	ck_assert_int_eq(tls_heartbleed_classify(NULL, 0, 0), TLS_HB_NO_REPLY);
	ck_assert_int_eq(tls_heartbleed_classify((const uint8_t *)"\x18\x03", 2, 0), TLS_HB_NO_REPLY);
	ck_assert_int_eq(tls_heartbleed_classify((const uint8_t *)"HTTP/1.0 400", 12, 0),
	    TLS_HB_GARBAGE);
	ck_assert_str_eq(tls_hb_verdict_str(TLS_HB_VULNERABLE),
	    "heartbeat reply longer than the request (Heartbleed)");
}
END_TEST

static Suite *
tls_hello_suite(void)
{
	Suite *s = suite_create("tls_hello");
	TCase *t = tcase_create("tls_hello");
	tcase_add_test(t, suite_table);
	tcase_add_test(t, suite_entries);
	tcase_add_test(t, hello_tls12_exact);
	tcase_add_test(t, hello_tls13_exact);
	tcase_add_test(t, hello_old_versions);
	tcase_add_test(t, hello_many_suites);
	tcase_add_test(t, parse_server_hello);
	tcase_add_test(t, parse_tls13_and_hrr);
	tcase_add_test(t, parse_certificate);
	tcase_add_test(t, stream_whole_and_bytewise);
	tcase_add_test(t, stream_split_across_records);
	tcase_add_test(t, stream_alert_hrr_tls13);
	tcase_add_test(t, stream_hostile);
	tcase_add_test(t, stream_flight_cap);
	tcase_add_test(t, stream_garbage);
	tcase_add_test(t, heartbleed);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(tls_hello_suite)
