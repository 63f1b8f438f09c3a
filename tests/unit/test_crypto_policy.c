/*
 * Crypto policies: the shipped ones load, broken ones are refused at the
 * right line:col, and every judge gives the verdict and the sentence a lab
 * will read in its report, on made-up observations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "core/hash.h"
#include "crypto/groups.h"
#include "crypto/policy.h"
#include "load/ydoc.h"

#define BEST "profiles/crypto/best-practice.yaml"
#define STRICT "profiles/crypto/strict.yaml"
#define BAD "tests/data/load/bad/"
/* 2025-12-01T00:00:00Z */
#define NOW 1764547200LL
#define DAY 86400LL

/* Every diagnostic as diags_print writes it, for failure messages. */
static char *
diags_text(const diags_t *d)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	diags_print(d, f);
	fclose(f);
	return text;
}

static void
assert_diag(const diags_t *d, int line, int col, const char *msg)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].level == DIAG_ERROR && d->v[i].line == line &&
		    d->v[i].col == col && strcmp(d->v[i].msg, msg) == 0)
			return;
	char *all = diags_text(d);
	ck_abort_msg("no error at %d:%d \"%s\"; got:%s", line, col, msg, all);
	free(all);
}

static crypto_policy_t *
load_ok(const char *path)
{
	diags_t d = { 0 };
	crypto_policy_t *p = crypto_policy_load(path, &d);
	char *all = diags_text(&d);
	ck_assert_msg(d.n == 0 && p != NULL, "%s:%s", path, all);
	free(all);
	diags_free(&d);
	return p;
}

/* A policy written for the test: TLS 1.2 refused, compression allowed,
 * SHA-512 signatures refused, self-signed allowed. */
static const char custom_yaml[] =
    "crypto-policy: custom\n"
    "title: Custom\n"
    "version: \"0\"\n"
    "source: this test\n"
    "tls:\n"
    "  versions: {fail: [TLS1.2]}\n"
    "  suites: {fail-if: []}\n"
    "  groups: {min-ec-bits: 384, min-dh-bits: 2048}\n"
    "  compression: allow\n"
    "  insecure-renegotiation: allow\n"
    "certificate:\n"
    "  min-rsa-bits: 2048\n"
    "  min-ec-bits: 256\n"
    "  fail-signature-hashes: [SHA512]\n"
    "  expired: report\n"
    "  not-yet-valid: allow\n"
    "  self-signed: allow\n"
    "  untrusted: fail\n"
    "  name-mismatch: allow\n"
    "ssh:\n"
    "  kex: {fail: []}\n"
    "  host-key: {fail: []}\n"
    "  cipher: {fail: []}\n"
    "  mac: {fail: []}\n"
    "  compression: {fail: [zlib]}\n";

static crypto_policy_t *
load_custom(void)
{
	char path[] = "/tmp/iotcert-policy-XXXXXX.yaml";
	int fd = mkstemps(path, 5);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, custom_yaml, sizeof(custom_yaml) - 1),
	    (ssize_t)sizeof(custom_yaml) - 1);
	close(fd);
	crypto_policy_t *p = load_ok(path);
	char hex[SHA256_HEX_LEN];
	sha256_buf(custom_yaml, sizeof(custom_yaml) - 1, hex);
	ck_assert_str_eq(crypto_policy_sha256(p), hex);
	unlink(path);
	return p;
}

START_TEST(shipped_policies_load)
{
	crypto_policy_t *b = load_ok(BEST), *s = load_ok(STRICT);
	ck_assert_str_eq(crypto_policy_name(b), "best-practice");
	ck_assert_str_eq(crypto_policy_name(s), "strict");
	ck_assert_ptr_nonnull(strstr(crypto_policy_source(b), "RFC 8996"));
	ck_assert_ptr_nonnull(strstr(crypto_policy_source(s), "BSI TR-02102-2"));
	char hex[SHA256_HEX_LEN];
	ck_assert_int_eq(sha256_file(BEST, hex), 0);
	ck_assert_str_eq(crypto_policy_sha256(b), hex);
	crypto_policy_free(b);
	crypto_policy_free(s);
	crypto_policy_free(NULL);
}
END_TEST

START_TEST(bad_names_refused)
{
	diags_t d = { 0 };
	ck_assert_ptr_null(crypto_policy_load(BAD "crypto-unknown-names.yaml", &d));
	assert_diag(&d, 6, 28, "unknown TLS version 'TLS1.4' (did you mean 'TLS1.0'?)");
	assert_diag(&d, 7, 22, "unknown suite property 'rc5' (did you mean 'rc4'?)");
	assert_diag(&d, 7, 35, "duplicate suite property 'export' (first at line 7, "
	    "column 27)");
	assert_diag(&d, 8, 19, "unknown group 'secp256r2' (did you mean 'secp256r1'?)");
	assert_diag(&d, 8, 30, "group pattern 'foo*' matches no known group");
	assert_diag(&d, 9, 16, "'compression': expected fail or allow, got 'report'");
	assert_diag(&d, 14, 20, "unknown key type 'RSA-PSS' (known: RSA, EC, Ed25519, "
	    "Ed448, DSA)");
	assert_diag(&d, 15, 27, "unknown hash 'SHA-1' (did you mean 'SHA1'?)");
	assert_diag(&d, 18, 16, "'self-signed': expected fail, report or allow, got 'warn'");
	assert_diag(&d, 23, 21, "ssh.host-key: 'ssh dss' is not an algorithm name or "
	    "pattern");
	ck_assert_uint_eq(d.errors, 10);
	diags_free(&d);
}
END_TEST

START_TEST(bad_keys_refused)
{
	diags_t d = { 0 };
	ck_assert_ptr_null(crypto_policy_load(BAD "crypto-unknown-key.yaml", &d));
	assert_diag(&d, 1, 16, "crypto-policy 'Bad Name' must match [a-z0-9._-]+");
	assert_diag(&d, 2, 1, "unknown key 'titel' in crypto policy (did you mean "
	    "'title'?)");
	assert_diag(&d, 1, 1, "crypto policy: missing required key 'title'");
	assert_diag(&d, 3, 10, "'version': expected a string, got int 1 (quote it to "
	    "make it a string)");
	assert_diag(&d, 8, 43, "'min-dh-bits': 99999 is out of range (0 to 16384)");
	assert_diag(&d, 11, 3, "unknown key 'heartbeat' in tls (allowed: versions, "
	    "suites, groups, compression, insecure-renegotiation)");
	assert_diag(&d, 23, 3, "unknown key 'hostkey' in ssh (did you mean 'host-key'?)");
	assert_diag(&d, 22, 3, "ssh: missing required key 'host-key'");
	ck_assert_uint_eq(d.errors, 8);
	diags_free(&d);
}
END_TEST

/* Another kind of profile is named as such, not as a heap of unknown keys. */
START_TEST(other_kind_refused)
{
	diags_t d = { 0 };
	ck_assert_ptr_null(crypto_policy_load("profiles/en303645-baseline.yaml", &d));
	assert_diag(&d, 5, 1, "this is a scheme profile, not a crypto policy");
	ck_assert_uint_eq(d.errors, 1);
	diags_free(&d);
}
END_TEST

/* A judge's answer: allowed when `want` is NULL, else refused with `want`. */
static void
assert_verdict(bool ok, const char *why, const char *want, const char *what)
{
	if (want == NULL) {
		ck_assert_msg(ok, "%s refused: %s", what, why);
		return;
	}
	ck_assert_msg(!ok, "%s allowed", what);
	ck_assert_str_eq(why, want);
}

static void
assert_version(const crypto_policy_t *p, uint16_t v, const char *why)
{
	char buf[256] = "", what[16];
	snprintf(what, sizeof(what), "0x%04x", v);
	assert_verdict(policy_tls_version(p, v, buf, sizeof(buf)), buf, why, what);
}

START_TEST(tls_versions)
{
	crypto_policy_t *b = load_ok(BEST), *c = load_custom();
	assert_version(b, 0x0002, "SSLv2 is prohibited (RFC 6176)");
	assert_version(b, TLSV_SSL3, "SSLv3 is deprecated (RFC 7568)");
	assert_version(b, TLSV_TLS10, "TLS 1.0 is deprecated (RFC 8996)");
	assert_version(b, TLSV_TLS11, "TLS 1.1 is deprecated (RFC 8996)");
	assert_version(b, DTLSV_10, "DTLS 1.0 is deprecated (RFC 8996)");
	assert_version(b, TLSV_TLS12, NULL);
	assert_version(b, TLSV_TLS13, NULL);
	assert_version(b, DTLSV_12, NULL);
	assert_version(b, 0x7f1c, NULL);
	assert_version(c, TLSV_TLS12, "TLS1.2 is refused by crypto policy custom");
	assert_version(c, TLSV_TLS10, NULL);
	crypto_policy_free(b);
	crypto_policy_free(c);
}
END_TEST

static const tls_suite_info_t
    s_rc4 = { 0x0005, "TLS_RSA_WITH_RC4_128_SHA", "RSA", "RSA", "RC4_128", "SHA", 128,
	TLS_SF_RC4 | TLS_SF_SHA1_MAC | TLS_SF_NO_PFS },
    s_null = { 0x0001, "TLS_RSA_WITH_NULL_MD5", "RSA", "RSA", "NULL", "MD5", 0,
	TLS_SF_NULL_ENC | TLS_SF_MD5_MAC | TLS_SF_NO_PFS },
    s_anon = { 0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", "DH", "anon", "AES_128_CBC",
	"SHA", 128, TLS_SF_ANON | TLS_SF_CBC | TLS_SF_SHA1_MAC },
    s_export = { 0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", "RSA", "RSA", "RC4_40", "MD5",
	40, TLS_SF_EXPORT | TLS_SF_RC4 | TLS_SF_MD5_MAC | TLS_SF_NO_PFS },
    s_3des = { 0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "RSA", "RSA", "3DES_EDE_CBC",
	"SHA", 112, TLS_SF_3DES | TLS_SF_CBC | TLS_SF_SHA1_MAC | TLS_SF_NO_PFS },
    s_des = { 0x0009, "TLS_RSA_WITH_DES_CBC_SHA", "RSA", "RSA", "DES_CBC", "SHA", 56,
	TLS_SF_DES | TLS_SF_CBC | TLS_SF_SHA1_MAC | TLS_SF_NO_PFS },
    s_gcm = { 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE", "RSA",
	"AES_128_GCM", "AEAD", 128, TLS_SF_AEAD },
    s_cbc_sha1 = { 0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE", "RSA",
	"AES_128_CBC", "SHA", 128, TLS_SF_CBC | TLS_SF_SHA1_MAC },
    s_cbc_sha256 = { 0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE", "RSA",
	"AES_128_CBC", "SHA256", 128, TLS_SF_CBC },
    s_static_gcm = { 0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", "RSA", "RSA",
	"AES_128_GCM", "AEAD", 128, TLS_SF_NO_PFS | TLS_SF_AEAD },
    s_tls13 = { 0x1301, "TLS_AES_128_GCM_SHA256", "TLS13", "TLS13", "AES_128_GCM", "AEAD",
	128, TLS_SF_AEAD | TLS_SF_TLS13 },
    s_noname = { 0xff3c, NULL, "RSA", "RSA", "RC4_128", "SHA", 128, TLS_SF_RC4 };

/* `fail`: expected refusal (NULL: allowed); `note`: expected report. */
static void
assert_suite(const crypto_policy_t *p, const tls_suite_info_t *s, const char *fail,
    const char *note)
{
	char buf[256] = "", what[16];
	snprintf(what, sizeof(what), "0x%04x", s->id);
	assert_verdict(policy_tls_suite(p, s, buf, sizeof(buf)), buf, fail, what);
	buf[0] = '\0';
	bool rep = policy_tls_suite_report(p, s, buf, sizeof(buf));
	if (note) {
		ck_assert_msg(rep, "0x%04x not reported", s->id);
		ck_assert_str_eq(buf, note);
	} else {
		ck_assert_msg(!rep, "0x%04x reported: %s", s->id, buf);
	}
}

START_TEST(tls_suites)
{
	crypto_policy_t *b = load_ok(BEST), *s = load_ok(STRICT);
	assert_suite(b, &s_rc4, "TLS_RSA_WITH_RC4_128_SHA uses RC4 (prohibited by RFC 7465)",
	    "TLS_RSA_WITH_RC4_128_SHA has no forward secrecy (static key exchange)");
	assert_suite(b, &s_null, "TLS_RSA_WITH_NULL_MD5 does not encrypt",
	    "TLS_RSA_WITH_NULL_MD5 has no forward secrecy (static key exchange)");
	assert_suite(b, &s_anon, "TLS_DH_anon_WITH_AES_128_CBC_SHA does not authenticate "
	    "the server", "TLS_DH_anon_WITH_AES_128_CBC_SHA uses CBC mode with an "
	    "HMAC-SHA1 record MAC");
	assert_suite(b, &s_export, "TLS_RSA_EXPORT_WITH_RC4_40_MD5 is export grade "
	    "(40/56-bit keys)", "TLS_RSA_EXPORT_WITH_RC4_40_MD5 has no forward secrecy "
	    "(static key exchange)");
	assert_suite(b, &s_3des, "TLS_RSA_WITH_3DES_EDE_CBC_SHA uses 3DES (64-bit blocks, "
	    "Sweet32)", "TLS_RSA_WITH_3DES_EDE_CBC_SHA has no forward secrecy (static key "
	    "exchange)");
	assert_suite(b, &s_des, "TLS_RSA_WITH_DES_CBC_SHA uses single DES (56-bit key)",
	    "TLS_RSA_WITH_DES_CBC_SHA has no forward secrecy (static key exchange)");
	assert_suite(b, &s_gcm, NULL, NULL);
	assert_suite(b, &s_cbc_sha1, NULL, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA uses CBC "
	    "mode with an HMAC-SHA1 record MAC");
	assert_suite(b, &s_cbc_sha256, NULL, NULL);
	assert_suite(b, &s_static_gcm, NULL, "TLS_RSA_WITH_AES_128_GCM_SHA256 has no "
	    "forward secrecy (static key exchange)");
	assert_suite(b, &s_tls13, NULL, NULL);
	assert_suite(b, &s_noname, "suite 0xff3c uses RC4 (prohibited by RFC 7465)", NULL);
	/* strict: AEAD with forward secrecy only, and nothing merely reported */
	assert_suite(s, &s_static_gcm, "TLS_RSA_WITH_AES_128_GCM_SHA256 has no forward "
	    "secrecy (static key exchange)", NULL);
	assert_suite(s, &s_cbc_sha256, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 is not an "
	    "AEAD suite", NULL);
	assert_suite(s, &s_cbc_sha1, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA is not an AEAD "
	    "suite", NULL);
	assert_suite(s, &s_gcm, NULL, NULL);
	assert_suite(s, &s_tls13, NULL, NULL);
	crypto_policy_free(b);
	crypto_policy_free(s);
}
END_TEST

static void
assert_group(const crypto_policy_t *p, uint16_t g, unsigned dh, const char *why)
{
	char buf[256] = "", what[32];
	snprintf(what, sizeof(what), "group %u/%u", g, dh);
	assert_verdict(policy_tls_group(p, g, dh, buf, sizeof(buf)), buf, why, what);
}

START_TEST(tls_groups)
{
	crypto_policy_t *b = load_ok(BEST), *s = load_ok(STRICT), *c = load_custom();
	assert_group(b, 29, 0, NULL);
	assert_group(b, 23, 0, NULL);
	assert_group(b, 30, 0, NULL);
	assert_group(b, 0x11ec, 0, NULL);
	assert_group(b, 22, 0, NULL);
	assert_group(b, 256, 0, NULL);
	assert_group(b, 19, 0, "group secp192r1 is refused by crypto policy best-practice");
	assert_group(b, 21, 0, "group secp224r1 is refused by crypto policy best-practice");
	assert_group(b, 1, 0, "group sect163k1 is refused by crypto policy best-practice");
	assert_group(b, 0, 1024, "custom DH parameters of 1024 bits are below the 2048 "
	    "bits crypto policy best-practice requires");
	assert_group(b, 0, 2048, NULL);
	assert_group(b, 0, 0, NULL);
	assert_group(b, 0x9999, 0, NULL);
	assert_group(s, 22, 0, "group secp256k1 is refused by crypto policy strict");
	assert_group(s, 256, 0, "group ffdhe2048 (2048 bits) is below the 3072 bits crypto "
	    "policy strict requires");
	assert_group(s, 257, 0, NULL);
	assert_group(c, 23, 0, "group secp256r1 (256 bits) is below the 384 bits crypto "
	    "policy custom requires");
	assert_group(c, 24, 0, NULL);
	assert_group(c, 19, 0, "group secp192r1 (192 bits) is below the 384 bits crypto "
	    "policy custom requires");
	crypto_policy_free(b);
	crypto_policy_free(s);
	crypto_policy_free(c);
}
END_TEST

START_TEST(group_table)
{
	ck_assert_str_eq(tls_group_find(29)->name, "x25519");
	ck_assert_str_eq(tls_group_find(23)->name, "secp256r1");
	ck_assert_uint_eq(tls_group_find(25)->bits, 521);
	ck_assert_uint_eq(tls_group_by_name("ffdhe3072")->id, 257);
	ck_assert_int_eq(tls_group_by_name("ffdhe3072")->kind, TLS_GK_FFDH);
	ck_assert_ptr_null(tls_group_find(0));
	ck_assert_ptr_null(tls_group_by_name("X25519"));
	size_t n;
	const tls_group_info_t *all = tls_group_all(&n);
	ck_assert_uint_eq(n, 43);
	for (size_t i = 1; i < n; i++)
		ck_assert_uint_lt(all[i - 1].id, all[i].id);
}
END_TEST

START_TEST(tls_compression_and_renegotiation)
{
	crypto_policy_t *b = load_ok(BEST), *c = load_custom();
	char buf[128] = "";
	ck_assert(!policy_tls_compression(b, true, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "TLS compression is enabled (CRIME, RFC 7457)");
	ck_assert(policy_tls_compression(b, false, buf, sizeof(buf)));
	ck_assert(policy_tls_compression(c, true, buf, sizeof(buf)));
	buf[0] = '\0';
	ck_assert(!policy_tls_renegotiation(b, false, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "secure renegotiation (RFC 5746) is not supported");
	ck_assert(policy_tls_renegotiation(b, true, buf, sizeof(buf)));
	ck_assert(policy_tls_renegotiation(c, false, buf, sizeof(buf)));
	crypto_policy_free(b);
	crypto_policy_free(c);
}
END_TEST

static const cert_facts_t good_cert = {
	.key_type = "RSA", .key_bits = 2048, .sig_hash = "SHA256",
	.not_before = NOW - DAY, .not_after = NOW + 365 * DAY,
	.self_signed = false, .trusted = true, .name_match = true,
};

static void
assert_list(const strlist_t *l, const char *const *want, size_t n)
{
	char *all = strlist_join(l, " | ");
	ck_assert_msg(l->n == n, "%zu entries, want %zu: %s", l->n, n, all);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(l->v[i], want[i]);
	free(all);
}

static void
assert_cert(const crypto_policy_t *p, const cert_facts_t *c, const char *const *fails,
    size_t nf, const char *const *notes, size_t nn)
{
	strlist_t f = { 0 }, n = { 0 };
	policy_cert(p, c, NOW, &f, &n);
	assert_list(&f, fails, nf);
	assert_list(&n, notes, nn);
	strlist_free(&f);
	strlist_free(&n);
}

START_TEST(certificates)
{
	crypto_policy_t *b = load_ok(BEST), *s = load_ok(STRICT), *c = load_custom();
	assert_cert(b, &good_cert, NULL, 0, NULL, 0);

	cert_facts_t weak = {
		.key_type = "RSA", .key_bits = 1024, .sig_hash = "SHA1",
		.not_before = NOW - 400 * DAY, .not_after = NOW - 35 * DAY,
		.self_signed = true, .trusted = false, .name_match = false,
	};
	const char *weak_fails[] = {
		("the certificate's RSA key has 1024 bits, below the 2048 bits crypto "
		"policy best-practice requires"),
		"the certificate is signed with SHA1, whose collisions are practical",
		"the certificate expired on 2025-10-27T00:00:00Z",
	};
	const char *weak_notes[] = {
		"the certificate is self-signed",
		"the certificate does not name the address or host name tested",
	};
	assert_cert(b, &weak, weak_fails, 3, weak_notes, 2);

	/* A self-signed certificate, otherwise sound, on a local interface. */
	cert_facts_t local = good_cert;
	local.self_signed = true;
	local.trusted = false;
	const char *local_notes[] = { "the certificate is self-signed" };
	assert_cert(b, &local, NULL, 0, local_notes, 1);
	const char *strict_fails[] = {
		("the certificate's RSA key has 2048 bits, below the 3072 bits crypto "
		"policy strict requires"),
		"the certificate is self-signed",
	};
	assert_cert(s, &local, strict_fails, 2, NULL, 0);
	assert_cert(c, &local, NULL, 0, NULL, 0);

	cert_facts_t untrusted = good_cert;
	untrusted.trusted = false;
	const char *untrusted_msg[] = { "the certificate does not chain to a trusted CA" };
	assert_cert(b, &untrusted, NULL, 0, untrusted_msg, 1);
	assert_cert(c, &untrusted, untrusted_msg, 1, NULL, 0);

	cert_facts_t ec = good_cert;
	ec.key_type = "EC";
	ec.key_bits = 224;
	const char *ec_fails[] = { "the certificate's EC key has 224 bits, below the 256 "
	    "bits crypto policy best-practice requires" };
	assert_cert(b, &ec, ec_fails, 1, NULL, 0);
	ec.key_bits = 256;
	assert_cert(b, &ec, NULL, 0, NULL, 0);

	cert_facts_t ed = good_cert;
	ed.key_type = "Ed25519";
	ed.key_bits = 253;
	ed.sig_hash = "";
	assert_cert(s, &ed, NULL, 0, NULL, 0);

	cert_facts_t dsa = good_cert;
	dsa.key_type = "DSA";
	dsa.key_bits = 3072;
	dsa.sig_hash = "MD5";
	const char *dsa_fails[] = {
		"the certificate's DSA key is refused by crypto policy best-practice",
		"the certificate is signed with MD5, whose collisions are practical",
	};
	assert_cert(b, &dsa, dsa_fails, 2, NULL, 0);

	cert_facts_t early = good_cert;
	early.not_before = NOW + 2 * DAY;
	const char *early_fails[] = { "the certificate is not valid before "
	    "2025-12-03T00:00:00Z" };
	assert_cert(b, &early, early_fails, 1, NULL, 0);
	early.sig_hash = "SHA512";
	assert_cert(c, &early, (const char *const[]){ "the certificate is signed with "
	    "SHA512, which crypto policy custom refuses" }, 1, NULL, 0);

	/* Expiry exactly now is still valid; one second later it is not. */
	cert_facts_t edge = good_cert;
	edge.not_after = NOW;
	assert_cert(b, &edge, NULL, 0, NULL, 0);
	edge.not_after = NOW - 1;
	const char *edge_notes[] = { "the certificate expired on 2025-11-30T23:59:59Z" };
	assert_cert(b, &edge, edge_notes, 1, NULL, 0);
	cert_facts_t exp_custom = edge;
	exp_custom.sig_hash = "SHA384";
	assert_cert(c, &exp_custom, NULL, 0, edge_notes, 1);

	/* Facts a probe could not fill in are judged on what is known. */
	cert_facts_t unknown = good_cert;
	unknown.key_type = NULL;
	unknown.sig_hash = NULL;
	unknown.key_bits = 0;
	assert_cert(b, &unknown, NULL, 0, NULL, 0);

	cert_facts_t rsa3k = good_cert;
	const char *rsa_strict[] = { "the certificate's RSA key has 2048 bits, below the "
	    "3072 bits crypto policy strict requires" };
	assert_cert(s, &rsa3k, rsa_strict, 1, NULL, 0);
	crypto_policy_free(b);
	crypto_policy_free(s);
	crypto_policy_free(c);
}
END_TEST

/* Which policy (best-practice, strict, custom), what, and the refusal
 * expected (NULL: allowed). */
static const struct ssh_case {
	int policy;
	ssh_alg_kind_t kind;
	const char *name, *why;
} ssh_cases[] = {
	{ 0, SSH_ALG_KEX, "diffie-hellman-group1-sha1",
	    "kex diffie-hellman-group1-sha1"
	    " is refused by crypto policy best-practice (matches *-sha1)" },
	{ 0, SSH_ALG_KEX, "diffie-hellman-group-exchange-sha1",
	    "kex diffie-hellman-group-exchange-sha1"
	    " is refused by crypto policy best-practice (matches *-sha1)" },
	{ 0, SSH_ALG_KEX, "gss-group14-sha1-toWM5Slw5Ew8Mqkay+al2g==",
	    "kex gss-group14-sha1-toWM5Slw5Ew8Mqkay+al2g=="
	    " is refused by crypto policy best-practice (matches *-sha1-*)" },
	{ 0, SSH_ALG_KEX, "curve25519-sha256",
	    NULL },
	{ 0, SSH_ALG_KEX, "diffie-hellman-group14-sha256",
	    NULL },
	{ 0, SSH_ALG_KEX, "sntrup761x25519-sha512@openssh.com",
	    NULL },
	{ 0, SSH_ALG_HOSTKEY, "ssh-dss",
	    "host-key ssh-dss is refused by crypto policy best-practice" },
	{ 0, SSH_ALG_HOSTKEY, "ssh-rsa",
	    NULL },
	{ 1, SSH_ALG_HOSTKEY, "ssh-rsa",
	    "host-key ssh-rsa is refused by crypto policy strict" },
	{ 0, SSH_ALG_HOSTKEY, "ssh-ed25519",
	    NULL },
	{ 0, SSH_ALG_CIPHER, "aes128-cbc",
	    "cipher aes128-cbc"
	    " is refused by crypto policy best-practice (matches *-cbc)" },
	{ 0, SSH_ALG_CIPHER, "rijndael-cbc@lysator.liu.se",
	    "cipher rijndael-cbc@lysator.liu.se"
	    " is refused by crypto policy best-practice (matches *-cbc@*)" },
	{ 0, SSH_ALG_CIPHER, "arcfour256",
	    "cipher arcfour256"
	    " is refused by crypto policy best-practice (matches arcfour*)" },
	{ 0, SSH_ALG_CIPHER, "3des-cbc",
	    "cipher 3des-cbc is refused by crypto policy best-practice (matches *-cbc)" },
	{ 0, SSH_ALG_CIPHER, "none",
	    "cipher none is refused by crypto policy best-practice" },
	{ 0, SSH_ALG_CIPHER, "aes128-ctr",
	    NULL },
	{ 0, SSH_ALG_CIPHER, "chacha20-poly1305@openssh.com",
	    NULL },
	{ 0, SSH_ALG_MAC, "hmac-sha1-96",
	    "mac hmac-sha1-96 is refused by crypto policy best-practice (matches *-96)" },
	{ 0, SSH_ALG_MAC, "hmac-md5-etm@openssh.com",
	    "mac hmac-md5-etm@openssh.com"
	    " is refused by crypto policy best-practice (matches hmac-md5*)" },
	{ 0, SSH_ALG_MAC, "hmac-sha1",
	    NULL },
	{ 1, SSH_ALG_MAC, "hmac-sha1",
	    "mac hmac-sha1 is refused by crypto policy strict (matches hmac-sha1*)" },
	{ 0, SSH_ALG_MAC, "hmac-sha2-256-etm@openssh.com",
	    NULL },
	{ 0, SSH_ALG_COMPRESSION, "zlib",
	    NULL },
	{ 2, SSH_ALG_COMPRESSION, "zlib",
	    "compression zlib is refused by crypto policy custom" },
	{ 0, (ssh_alg_kind_t)9, "ssh-dss",
	    NULL },
};

START_TEST(ssh_algorithms)
{
	crypto_policy_t *p[3] = { load_ok(BEST), load_ok(STRICT), load_custom() };
	for (size_t i = 0; i < ARRAY_LEN(ssh_cases); i++) {
		const struct ssh_case *c = &ssh_cases[i];
		char buf[256] = "";
		assert_verdict(policy_ssh_alg(p[c->policy], c->kind, c->name, buf,
		    sizeof(buf)), buf, c->why, c->name);
	}
	ck_assert_str_eq(ssh_alg_kind_str(SSH_ALG_KEX), "kex");
	ck_assert_str_eq(ssh_alg_kind_str(SSH_ALG_HOSTKEY), "host-key");
	ck_assert_str_eq(ssh_alg_kind_str(SSH_ALG_CIPHER), "cipher");
	ck_assert_str_eq(ssh_alg_kind_str(SSH_ALG_MAC), "mac");
	ck_assert_str_eq(ssh_alg_kind_str(SSH_ALG_COMPRESSION), "compression");
	for (size_t i = 0; i < ARRAY_LEN(p); i++)
		crypto_policy_free(p[i]);
}
END_TEST

static void
assert_path(const char *scheme, const char *value, const char *want)
{
	char *out = NULL;
	ck_assert_int_eq(scheme_crypto_policy_path(scheme, value, &out), 0);
	ck_assert_str_eq(out, want);
	free(out);
}

START_TEST(scheme_policy_paths)
{
	assert_path("profiles/en303645-baseline.yaml", "best-practice",
	    "profiles/crypto/best-practice.yaml");
	assert_path("scheme.yaml", "strict", "./crypto/strict.yaml");
	assert_path("/etc/lab/s.yaml", "mine.yaml", "/etc/lab/mine.yaml");
	assert_path("/etc/lab/s.yaml", "policies/p.yaml", "/etc/lab/policies/p.yaml");
	assert_path("/s.yaml", "strict", "/crypto/strict.yaml");
	assert_path("lab/s.yaml", "/opt/p.yaml", "/opt/p.yaml");
	char *out = (char *)"x";
	ck_assert_int_eq(scheme_crypto_policy_path("lab/s.yaml", "", &out), -1);
	ck_assert_ptr_null(out);
	/* The shipped scheme's directory resolves to the shipped policy. */
	char *p = NULL;
	scheme_crypto_policy_path("profiles/en303645-baseline.yaml", "strict", &p);
	crypto_policy_free(load_ok(p));
	free(p);
}
END_TEST

/* The example under "Crypto policy" in testcases/README.md must load, so the
 * documentation cannot drift from the loader. */
START_TEST(readme_example_loads)
{
	char *text;
	size_t len;
	ck_assert_int_eq(read_file_capped("testcases/README.md", 1 << 20, &text, &len), 0);
	char *start = strstr(text, "**Crypto policy**");
	ck_assert_ptr_nonnull(start);
	start = strstr(start, "```yaml\n");
	ck_assert_ptr_nonnull(start);
	start += strlen("```yaml\n");
	char *end = strstr(start, "```\n");
	ck_assert_ptr_nonnull(end);
	diags_t d = { 0 };
	ydoc_t *doc = ydoc_parse("README.md", start, (size_t)(end - start), &d);
	ck_assert_ptr_nonnull(doc);
	crypto_policy_t *p = crypto_policy_from_doc(doc, &d);
	char *all = diags_text(&d);
	ck_assert_msg(p != NULL && d.n == 0, "README example:%s", all);
	free(all);
	ck_assert_str_eq(crypto_policy_name(p), "best-practice");
	char why[128];
	ck_assert(!policy_tls_version(p, TLSV_TLS11, why, sizeof(why)));
	crypto_policy_free(p);
	ydoc_free(doc);
	diags_free(&d);
	free(text);
}
END_TEST

static Suite *
crypto_policy_suite(void)
{
	Suite *s = suite_create("crypto_policy");
	TCase *t = tcase_create("policy");
	tcase_add_test(t, shipped_policies_load);
	tcase_add_test(t, bad_names_refused);
	tcase_add_test(t, bad_keys_refused);
	tcase_add_test(t, other_kind_refused);
	tcase_add_test(t, tls_versions);
	tcase_add_test(t, tls_suites);
	tcase_add_test(t, tls_groups);
	tcase_add_test(t, group_table);
	tcase_add_test(t, tls_compression_and_renegotiation);
	tcase_add_test(t, certificates);
	tcase_add_test(t, ssh_algorithms);
	tcase_add_test(t, scheme_policy_paths);
	tcase_add_test(t, readme_example_loads);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(crypto_policy_suite)
