/*
 * Certificate facts through OpenSSL 3: key, signature hash, validity,
 * self-signature, trust against an optional CA file and name/address
 * match, plus the strings findings show.  Every OpenSSL object made here
 * is freed here; the caller sees only plain strings.
 */
#include "cert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/hash.h"
#include "core/util.h"

void
cert_time_str(int64_t t, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) == NULL || strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, len, "%lld", (long long)t);
}

/* Trailing bytes after the certificate mean the buffer is not one DER cert. */
static X509 *
parse_der(const uint8_t *der, size_t len)
{
	if (der == NULL || len == 0 || len > CERT_MAX_DER)
		return NULL;
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	if (x && p != der + len) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static const char *
key_type(const EVP_PKEY *k)
{
	switch (k ? EVP_PKEY_get_base_id(k) : EVP_PKEY_NONE) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS: return "RSA";
	case EVP_PKEY_EC: return "EC";
	case EVP_PKEY_ED25519: return "Ed25519";
	case EVP_PKEY_ED448: return "Ed448";
	case EVP_PKEY_DSA: return "DSA";
	default: return "unknown";
	}
}

static char *
name_str(const X509_NAME *nm)
{
	BIO *b = BIO_new(BIO_s_mem());
	if (b == NULL)
		return xstrdup("");
	X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253);
	char *data = NULL;
	long n = BIO_get_mem_data(b, &data);
	char *s = xstrndup(data ? data : "", n > 0 ? (size_t)n : 0);
	BIO_free(b);
	return s;
}

static char *
serial_str(const X509 *x)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *h = bn ? BN_bn2hex(bn) : NULL;
	char *s = xstrdup(h ? h : "");
	OPENSSL_free(h);
	BN_free(bn);
	return s;
}

static int64_t
asn1_time(const ASN1_TIME *t)
{
	struct tm tm;
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return (int64_t)timegm(&tm);
}

static void
sig_hash(X509 *x, cert_info_t *ci)
{
	int md = NID_undef, pk = NID_undef;
	/* signature_info knows RSA-PSS's hash; the sigid table is the fallback. */
	if (X509_get_signature_info(x, &md, &pk, NULL, NULL) != 1)
		OBJ_find_sigid_algs(X509_get_signature_nid(x), &md, &pk);
	const char *sn = md != NID_undef ? OBJ_nid2sn(md) : NULL;
	snprintf(ci->sig_hash_buf, sizeof(ci->sig_hash_buf), "%s", sn ? sn : "");
	ci->facts.sig_hash = ci->sig_hash_buf;
	const char *ln = OBJ_nid2ln(X509_get_signature_nid(x));
	ci->sig_alg = xstrdup(ln ? ln : "unknown");
}

static bool
name_matches(X509 *x, const char *host)
{
	if (host == NULL || host[0] == '\0')
		return false;
	/* An IPv6 zone (fe80::1%eth0) is local to the harness, never in a SAN. */
	char *h = xstrndup(host, strcspn(host, "%"));
	int r = X509_check_ip_asc(x, h, 0);
	if (r == -2)	/* not an address: a host name */
		r = X509_check_host(x, h, strlen(h), 0, NULL);
	free(h);
	return r == 1;
}

/* -1 when the CA file cannot be used. */
static int
chain_trusted(X509 *leaf, STACK_OF(X509) *rest, const char *ca_file)
{
	X509_STORE *st = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int rc = -1;
	if (st == NULL || ctx == NULL || X509_STORE_load_file(st, ca_file) != 1 ||
	    X509_STORE_CTX_init(ctx, st, leaf, rest) != 1)
		goto out;
	X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
	/* Dates, key sizes and hashes are the policy's to judge, one finding
	 * each; here only "does it chain to the lab's CA". */
	X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_NO_CHECK_TIME);
	X509_VERIFY_PARAM_set_auth_level(vp, 0);
	rc = X509_verify_cert(ctx) == 1;
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	return rc;
}

static void
fill(cert_info_t *ci, X509 *leaf, const uint8_t *der, size_t len, const char *host)
{
	EVP_PKEY *k = X509_get0_pubkey(leaf);
	ci->facts.key_type = key_type(k);
	ci->facts.key_bits = k ? (unsigned)EVP_PKEY_get_bits(k) : 0;
	sig_hash(leaf, ci);
	ci->facts.not_before = asn1_time(X509_get0_notBefore(leaf));
	ci->facts.not_after = asn1_time(X509_get0_notAfter(leaf));
	cert_time_str(ci->facts.not_before, ci->not_before, sizeof(ci->not_before));
	cert_time_str(ci->facts.not_after, ci->not_after, sizeof(ci->not_after));
	ci->facts.self_signed = X509_self_signed(leaf, 1) == 1;
	ci->facts.name_match = name_matches(leaf, host);
	ci->subject = name_str(X509_get_subject_name(leaf));
	ci->issuer = name_str(X509_get_issuer_name(leaf));
	ci->serial = serial_str(leaf);
	sha256_buf(der, len, ci->sha256);
}

cert_info_t *
cert_analyze(const uint8_t *const *der, const size_t *len, size_t n,
    const char *host, const char *ca_file, char *err, size_t errlen)
{
	if (n == 0 || n > CERT_MAX_CHAIN) {
		snprintf(err, errlen, "a chain of %zu certificates (1 to %d expected)", n,
		    CERT_MAX_CHAIN);
		return NULL;
	}
	X509 *leaf = NULL;
	STACK_OF(X509) *rest = sk_X509_new_null();
	cert_info_t *ci = NULL;
	for (size_t i = 0; i < n; i++) {
		X509 *x = parse_der(der[i], len[i]);
		if (x == NULL) {
			snprintf(err, errlen, "certificate %zu of %zu is not one DER "
			    "certificate of at most %d bytes", i + 1, n, CERT_MAX_DER);
			goto out;
		}
		if (i == 0)
			leaf = x;
		else if (rest == NULL || !sk_X509_push(rest, x)) {
			X509_free(x);
			snprintf(err, errlen, "out of memory");
			goto out;
		}
	}
	ci = xcalloc(1, sizeof(*ci));
	fill(ci, leaf, der[0], len[0], host);
	if (ca_file) {
		int t = chain_trusted(leaf, rest, ca_file);
		if (t < 0) {
			snprintf(err, errlen, "cannot use CA file %s", ca_file);
			cert_info_free(ci);
			ci = NULL;
			goto out;
		}
		ci->facts.trusted = t == 1;
	}
out:
	X509_free(leaf);
	sk_X509_pop_free(rest, X509_free);
	return ci;
}

void
cert_info_free(cert_info_t *ci)
{
	if (ci == NULL)
		return;
	free(ci->subject);
	free(ci->issuer);
	free(ci->serial);
	free(ci->sig_alg);
	free(ci);
}
