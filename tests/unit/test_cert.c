/*
 * Certificate facts from real certificates made here with OpenSSL: key
 * types and sizes, signature hashes, dates, self-signed vs issued by a
 * test CA (trusted only with that CA's file), IP vs name matching, the
 * display strings, and the refusals of bad or oversized input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "check_main.h"
#include "core/hash.h"
#include "crypto/cert.h"

/* 2025-11-30T00:00:00Z and a year and a day later. */
#define T_NB 1764460800LL
#define T_NA (T_NB + 366 * 86400LL)
/* 2020-01-01T00:00:00Z to 2021-01-01T00:00:00Z */
#define T_OLD_NB 1577836800LL
#define T_OLD_NA 1609459200LL

typedef struct spec {
	EVP_PKEY *key;
	const char *cn;
	const char *san;	/* e.g. "IP:127.0.0.1", or NULL */
	int64_t nb, na;
	const EVP_MD *md;	/* NULL for EdDSA */
	X509 *issuer;		/* NULL: self-signed */
	EVP_PKEY *issuer_key;
	bool ca;
	long serial;
} spec_t;

static void
add_ext(X509 *x, X509 *issuer, int nid, const char *val)
{
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, val);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
}

static X509 *
make_cert(const spec_t *s)
{
	X509 *x = X509_new();
	ck_assert_int_eq(X509_set_version(x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(x), s->serial);
	ck_assert_ptr_nonnull(ASN1_TIME_set(X509_getm_notBefore(x), (time_t)s->nb));
	ck_assert_ptr_nonnull(ASN1_TIME_set(X509_getm_notAfter(x), (time_t)s->na));
	ck_assert_int_eq(X509_set_pubkey(x, s->key), 1);
	X509_NAME *nm = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(nm, "O", MBSTRING_ASC,
	    (const unsigned char *)"IoTcert Test", -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)s->cn,
	    -1, -1, 0);
	X509 *issuer = s->issuer ? s->issuer : x;
	ck_assert_int_eq(X509_set_issuer_name(x, X509_get_subject_name(issuer)), 1);
	add_ext(x, issuer, NID_basic_constraints, s->ca ? "critical,CA:TRUE" : "CA:FALSE");
	add_ext(x, issuer, NID_subject_key_identifier, "hash");
	if (s->issuer)
		add_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
	if (s->san)
		add_ext(x, issuer, NID_subject_alt_name, s->san);
	ck_assert_int_gt(X509_sign(x, s->issuer_key ? s->issuer_key : s->key, s->md), 0);
	return x;
}

typedef struct der {
	uint8_t *p;
	size_t len;
} der_t;

static der_t
to_der(X509 *x)
{
	unsigned char *p = NULL;
	int n = i2d_X509(x, &p);
	ck_assert_int_gt(n, 0);
	return (der_t){ p, (size_t)n };
}

/* The test CA (RSA 2048, self-signed), its key and its PEM file. */
typedef struct test_ca {
	EVP_PKEY *key;
	X509 *cert;
	char path[64];
} test_ca_t;

static void
ca_make(test_ca_t *ca)
{
	ca->key = EVP_RSA_gen(2048);
	ck_assert_ptr_nonnull(ca->key);
	spec_t s = { .key = ca->key, .cn = "IoTcert Test CA", .nb = T_NB, .na = T_NA,
		.md = EVP_sha256(), .ca = true, .serial = 1 };
	ca->cert = make_cert(&s);
	snprintf(ca->path, sizeof(ca->path), "/tmp/iotcert-ca-XXXXXX.pem");
	int fd = mkstemps(ca->path, 4);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	ck_assert_int_eq(PEM_write_X509(f, ca->cert), 1);
	fclose(f);
}

static void
ca_free(test_ca_t *ca)
{
	unlink(ca->path);
	X509_free(ca->cert);
	EVP_PKEY_free(ca->key);
}

/* Analyse a one-certificate chain; must succeed. */
static cert_info_t *
analyze1(X509 *x, const char *host, const char *ca_file, der_t *keep)
{
	der_t d = to_der(x);
	const uint8_t *v[1] = { d.p };
	size_t l[1] = { d.len };
	char err[256] = "";
	cert_info_t *ci = cert_analyze(v, l, 1, host, ca_file, err, sizeof(err));
	ck_assert_msg(ci != NULL, "cert_analyze: %s", err);
	if (keep)
		*keep = d;
	else
		OPENSSL_free(d.p);
	return ci;
}

START_TEST(rsa2048_issued_ip)
{
	test_ca_t ca;
	ca_make(&ca);
	EVP_PKEY *k = EVP_RSA_gen(2048);
	spec_t s = { .key = k, .cn = "leaf-rsa2048", .san = "IP:127.0.0.1", .nb = T_NB,
		.na = T_NA, .md = EVP_sha256(), .issuer = ca.cert, .issuer_key = ca.key,
		.serial = 0x1001 };
	X509 *x = make_cert(&s);
	der_t d;
	cert_info_t *ci = analyze1(x, "127.0.0.1", ca.path, &d);
	ck_assert_str_eq(ci->facts.key_type, "RSA");
	ck_assert_uint_eq(ci->facts.key_bits, 2048);
	ck_assert_str_eq(ci->facts.sig_hash, "SHA256");
	ck_assert_int_eq(ci->facts.not_before, T_NB);
	ck_assert_int_eq(ci->facts.not_after, T_NA);
	ck_assert(!ci->facts.self_signed);
	ck_assert(ci->facts.trusted);
	ck_assert(ci->facts.name_match);
	ck_assert_str_eq(ci->subject, "CN=leaf-rsa2048,O=IoTcert Test");
	ck_assert_str_eq(ci->issuer, "CN=IoTcert Test CA,O=IoTcert Test");
	ck_assert_str_eq(ci->serial, "1001");
	ck_assert_str_eq(ci->sig_alg, "sha256WithRSAEncryption");
	ck_assert_str_eq(ci->not_before, "2025-11-30T00:00:00Z");
	ck_assert_str_eq(ci->not_after, "2026-12-01T00:00:00Z");
	char hex[SHA256_HEX_LEN];
	sha256_buf(d.p, d.len, hex);
	ck_assert_str_eq(ci->sha256, hex);
	cert_info_free(ci);
	OPENSSL_free(d.p);

	/* Another address, a name, no host, and no CA file. */
	ci = analyze1(x, "192.0.2.1", ca.path, NULL);
	ck_assert(!ci->facts.name_match);
	ck_assert(ci->facts.trusted);
	cert_info_free(ci);
	ci = analyze1(x, "leaf-rsa2048", NULL, NULL);
	/* Only a DNS SAN hides the CN from X509_check_host, an IP SAN does not. */
	ck_assert(ci->facts.name_match);
	ck_assert(!ci->facts.trusted);
	cert_info_free(ci);
	ci = analyze1(x, NULL, NULL, NULL);
	ck_assert(!ci->facts.name_match);
	cert_info_free(ci);
	X509_free(x);
	EVP_PKEY_free(k);
	ca_free(&ca);
	cert_info_free(NULL);
}
END_TEST

START_TEST(rsa1024_sha1_self_signed_expired)
{
	test_ca_t ca;
	ca_make(&ca);
	EVP_PKEY *k = EVP_RSA_gen(1024);
	spec_t s = { .key = k, .cn = "dev.example", .san = "DNS:dev.example",
		.nb = T_OLD_NB, .na = T_OLD_NA, .md = EVP_sha1(), .serial = 7 };
	X509 *x = make_cert(&s);
	cert_info_t *ci = analyze1(x, "dev.example", ca.path, NULL);
	ck_assert_str_eq(ci->facts.key_type, "RSA");
	ck_assert_uint_eq(ci->facts.key_bits, 1024);
	ck_assert_str_eq(ci->facts.sig_hash, "SHA1");
	ck_assert_str_eq(ci->sig_alg, "sha1WithRSAEncryption");
	ck_assert_int_eq(ci->facts.not_before, T_OLD_NB);
	ck_assert_int_eq(ci->facts.not_after, T_OLD_NA);
	ck_assert_str_eq(ci->not_after, "2021-01-01T00:00:00Z");
	ck_assert(ci->facts.self_signed);
	ck_assert(!ci->facts.trusted);
	ck_assert(ci->facts.name_match);
	ck_assert_str_eq(ci->subject, ci->issuer);
	ck_assert_str_eq(ci->serial, "07");

	/* What the default policy makes of it on a local interface. */
	diags_t dg = { 0 };
	crypto_policy_t *p = crypto_policy_load("profiles/crypto/best-practice.yaml", &dg);
	ck_assert_msg(p != NULL, "%zu diagnostics, first: %s", dg.n, dg.n ? dg.v[0].msg : "");
	strlist_t fails = { 0 }, notes = { 0 };
	policy_cert(p, &ci->facts, T_NB, &fails, &notes);
	ck_assert_uint_eq(fails.n, 3);
	ck_assert_str_eq(fails.v[0], "the certificate's RSA key has 1024 bits, below the "
	    "2048 bits crypto policy best-practice requires");
	ck_assert_str_eq(fails.v[1], "the certificate is signed with SHA1, whose "
	    "collisions are practical");
	ck_assert_str_eq(fails.v[2], "the certificate expired on 2021-01-01T00:00:00Z");
	ck_assert_uint_eq(notes.n, 1);
	ck_assert_str_eq(notes.v[0], "the certificate is self-signed");
	strlist_free(&fails);
	strlist_free(&notes);
	crypto_policy_free(p);
	diags_free(&dg);
	cert_info_free(ci);

	ci = analyze1(x, "127.0.0.1", NULL, NULL);
	ck_assert(!ci->facts.name_match);
	cert_info_free(ci);
	ci = analyze1(x, "other.example", NULL, NULL);
	ck_assert(!ci->facts.name_match);
	cert_info_free(ci);
	X509_free(x);

	/* The same weak key and hash, issued by the CA: weakness does not stop
	 * a chain being trusted, the policy judges it, one finding each. */
	s.issuer = ca.cert;
	s.issuer_key = ca.key;
	x = make_cert(&s);
	ci = analyze1(x, "dev.example", ca.path, NULL);
	ck_assert(ci->facts.trusted);
	ck_assert(!ci->facts.self_signed);
	ck_assert_str_eq(ci->facts.sig_hash, "SHA1");
	ck_assert_str_eq(ci->issuer, "CN=IoTcert Test CA,O=IoTcert Test");
	cert_info_free(ci);
	X509_free(x);
	EVP_PKEY_free(k);
	ca_free(&ca);
}
END_TEST

START_TEST(ec_p256_sha384)
{
	test_ca_t ca;
	ca_make(&ca);
	EVP_PKEY *k = EVP_EC_gen("P-256");
	spec_t s = { .key = k, .cn = "ec", .san = "DNS:cam.local,IP:10.0.0.9", .nb = T_NB,
		.na = T_NA, .md = EVP_sha384(), .issuer = ca.cert, .issuer_key = ca.key,
		.serial = 0xABCDEF };
	X509 *x = make_cert(&s);
	/* The chain as a server sends it: leaf, then the CA. */
	der_t leaf = to_der(x), cad = to_der(ca.cert);
	const uint8_t *v[2] = { leaf.p, cad.p };
	size_t l[2] = { leaf.len, cad.len };
	char err[256] = "";
	cert_info_t *ci = cert_analyze(v, l, 2, "cam.local", ca.path, err, sizeof(err));
	ck_assert_msg(ci != NULL, "%s", err);
	ck_assert_str_eq(ci->facts.key_type, "EC");
	ck_assert_uint_eq(ci->facts.key_bits, 256);
	ck_assert_str_eq(ci->facts.sig_hash, "SHA384");
	ck_assert_str_eq(ci->sig_alg, "sha384WithRSAEncryption");
	ck_assert_str_eq(ci->serial, "ABCDEF");
	ck_assert(ci->facts.trusted);
	ck_assert(ci->facts.name_match);
	cert_info_free(ci);
	ci = cert_analyze(v, l, 2, "10.0.0.9", NULL, err, sizeof(err));
	ck_assert(ci->facts.name_match);
	ck_assert(!ci->facts.trusted);
	cert_info_free(ci);
	OPENSSL_free(leaf.p);
	OPENSSL_free(cad.p);
	X509_free(x);
	EVP_PKEY_free(k);
	ca_free(&ca);
}
END_TEST

START_TEST(ed25519_self_signed)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	ck_assert_ptr_nonnull(k);
	spec_t s = { .key = k, .cn = "ed", .san = "IP:::1", .nb = T_NB, .na = T_NA,
		.md = NULL, .serial = 3 };
	X509 *x = make_cert(&s);
	cert_info_t *ci = analyze1(x, "::1", NULL, NULL);
	ck_assert_str_eq(ci->facts.key_type, "Ed25519");
	ck_assert_uint_eq(ci->facts.key_bits, 256);
	ck_assert_str_eq(ci->facts.sig_hash, "");
	ck_assert_str_eq(ci->sig_alg, "ED25519");
	ck_assert(ci->facts.self_signed);
	ck_assert(ci->facts.name_match);
	cert_info_free(ci);
	/* A zone index is the harness's, not the certificate's. */
	ci = analyze1(x, "::1%lo", NULL, NULL);
	ck_assert(ci->facts.name_match);
	cert_info_free(ci);
	X509_free(x);
	EVP_PKEY_free(k);
}
END_TEST

static void
assert_refused(const uint8_t *const *v, const size_t *l, size_t n, const char *ca,
    const char *want)
{
	char err[256] = "";
	cert_info_t *ci = cert_analyze(v, l, n, "127.0.0.1", ca, err, sizeof(err));
	ck_assert_ptr_null(ci);
	ck_assert_str_eq(err, want);
}

START_TEST(bad_input_refused)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	spec_t s = { .key = k, .cn = "x", .nb = T_NB, .na = T_NA, .md = EVP_sha256(),
		.serial = 4 };
	X509 *x = make_cert(&s);
	der_t d = to_der(x);
	const uint8_t *v[CERT_MAX_CHAIN + 1];
	size_t l[CERT_MAX_CHAIN + 1];
	for (size_t i = 0; i <= CERT_MAX_CHAIN; i++) {
		v[i] = d.p;
		l[i] = d.len;
	}
	assert_refused(v, l, 0, NULL, "a chain of 0 certificates (1 to 10 expected)");
	assert_refused(v, l, CERT_MAX_CHAIN + 1, NULL,
	    "a chain of 11 certificates (1 to 10 expected)");
	/* CERT_MAX_CHAIN copies of one certificate are accepted. */
	char err[256];
	cert_info_t *ci = cert_analyze(v, l, CERT_MAX_CHAIN, NULL, NULL, err, sizeof(err));
	ck_assert_ptr_nonnull(ci);
	cert_info_free(ci);

	uint8_t *longer = malloc(d.len + 1);
	memcpy(longer, d.p, d.len);
	longer[d.len] = 0;
	const uint8_t *lv[2] = { d.p, longer };
	size_t ll[2] = { d.len, d.len + 1 };
	assert_refused(lv, ll, 2, NULL, "certificate 2 of 2 is not one DER certificate "
	    "of at most 65536 bytes");
	ll[1] = d.len - 1;
	assert_refused(lv, ll, 2, NULL, "certificate 2 of 2 is not one DER certificate "
	    "of at most 65536 bytes");
	ll[0] = CERT_MAX_DER + 1;
	assert_refused(lv, ll, 1, NULL, "certificate 1 of 1 is not one DER certificate "
	    "of at most 65536 bytes");
	const uint8_t junk[] = "not a certificate";
	const uint8_t *jv[1] = { junk };
	size_t jl[1] = { sizeof(junk) };
	assert_refused(jv, jl, 1, NULL, "certificate 1 of 1 is not one DER certificate "
	    "of at most 65536 bytes");
	assert_refused(v, l, 1, "/nonexistent/ca.pem",
	    "cannot use CA file /nonexistent/ca.pem");
	free(longer);
	OPENSSL_free(d.p);
	X509_free(x);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(time_strings)
{
	char t[24];
	cert_time_str(0, t, sizeof(t));
	ck_assert_str_eq(t, "1970-01-01T00:00:00Z");
	cert_time_str(T_OLD_NA - 1, t, sizeof(t));
	ck_assert_str_eq(t, "2020-12-31T23:59:59Z");
}
END_TEST

static Suite *
cert_suite(void)
{
	Suite *s = suite_create("cert");
	TCase *t = tcase_create("cert");
	tcase_set_timeout(t, 30);
	tcase_add_test(t, rsa2048_issued_ip);
	tcase_add_test(t, rsa1024_sha1_self_signed_expired);
	tcase_add_test(t, ec_p256_sha384);
	tcase_add_test(t, ed25519_self_signed);
	tcase_add_test(t, bad_input_refused);
	tcase_add_test(t, time_strings);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(cert_suite)
