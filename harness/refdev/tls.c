/*
 * TLS for https and mqtts: a self-signed certificate made in memory at start-up
 * (nothing touches the disk, so no key ever leaks into a lab's file system) and
 * the SSL_CTX both services share.  The weak profile is what cheap devices
 * ship: a 1024-bit RSA key, a SHA-1 signature and every protocol version and
 * cipher the library still has.  The hardened profile is what EN 303 645
 * provision 5.5 expects: P-256, SHA-256, TLS 1.2 or later, AEAD suites only.
 */
#include "refdev.h"

#include "core/util.h"

#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define CERT_CN "refdev.local"

static void
set_err(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_get_error();
	char detail[256] = "";
	if (e)
		ERR_error_string_n(e, detail, sizeof(detail));
	snprintf(err, errlen, "%s%s%s", what, e ? ": " : "", detail);
	ERR_clear_error();
}

int
tls_random(void *buf, size_t n)
{
	return n > INT32_MAX || RAND_bytes(buf, (int)n) != 1 ? -1 : 0;
}

char *
random_password(size_t len)
{
	static const char set[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
	const size_t nset = sizeof(set) - 1;
	/* Rejection sampling keeps every character equally likely. */
	const unsigned limit = 256u - 256u % nset;
	char *p = xcalloc(len + 1, 1);
	size_t i = 0;
	while (i < len) {
		unsigned char r[32];
		if (tls_random(r, sizeof(r)) < 0) {
			free(p);
			return NULL;
		}
		for (size_t k = 0; k < sizeof(r) && i < len; k++)
			if (r[k] < limit)
				p[i++] = set[r[k] % nset];
	}
	return p;
}

static int
add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX v3;
	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	if (ext == NULL)
		return -1;
	int ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : -1;
}

static X509 *
make_cert(EVP_PKEY *key, bool hardened)
{
	X509 *x = X509_new();
	BIGNUM *bn = BN_new();
	if (x == NULL || bn == NULL)
		goto fail;
	if (X509_set_version(x, 2) != 1)
		goto fail;
	/* A positive 63-bit random serial, as CAs must and devices rarely do. */
	if (BN_rand(bn, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		goto fail;
	long days = hardened ? 397 : 3650;
	if (X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), (int)days, 0, NULL) == NULL)
		goto fail;
	if (X509_set_pubkey(x, key) != 1)
		goto fail;
	X509_NAME *name = X509_get_subject_name(x);
	if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
	        (const unsigned char *)"RefDev", -1, -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	        (const unsigned char *)CERT_CN, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, name) != 1)
		goto fail;
	if (hardened) {
		if (add_ext(x, NID_basic_constraints, "critical,CA:FALSE") < 0 ||
		    add_ext(x, NID_key_usage, "critical,digitalSignature") < 0 ||
		    add_ext(x, NID_ext_key_usage, "serverAuth") < 0 ||
		    add_ext(x, NID_subject_key_identifier, "hash") < 0 ||
		    add_ext(x, NID_subject_alt_name,
		        "DNS:" CERT_CN ",DNS:localhost,IP:127.0.0.1,IP:::1") < 0)
			goto fail;
	}
	if (X509_sign(x, key, hardened ? EVP_sha256() : EVP_sha1()) <= 0)
		goto fail;
	BN_free(bn);
	return x;
fail:
	BN_free(bn);
	X509_free(x);
	return NULL;
}

static void
print_fingerprint(X509 *x)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (X509_digest(x, EVP_sha256(), md, &n) != 1)
		return;
	char hex[EVP_MAX_MD_SIZE * 3 + 1];
	for (unsigned i = 0; i < n; i++)
		snprintf(hex + 3 * i, 4, "%02X%s", md[i], i + 1 < n ? ":" : "");
	fprintf(stderr, "refdev: certificate CN=%s sha256 %s\n", CERT_CN, hex);
}

static int
configure_weak(SSL_CTX *ctx)
{
	SSL_CTX_set_security_level(ctx, 0);
	/* Client-initiated renegotiation is a classic weakness; allow it. */
	SSL_CTX_set_options(ctx, SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
	SSL_CTX_set_dh_auto(ctx, 1);
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, 0) != 1)
		return -1;
	/*
	 * Everything but eNULL (CBC, SHA-1 MACs, anonymous DH...), with static RSA
	 * key exchange preferred as on old embedded stacks: no forward secrecy, and
	 * no handshake signature, so even a default OpenSSL 3 client (security
	 * level 1, which refuses TLS 1.0's MD5+SHA-1 signatures) completes a TLS 1.0
	 * handshake and shows what the device accepts.
	 */
	SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
	if (SSL_CTX_set_cipher_list(ctx, "kRSA:ALL:@SECLEVEL=0") != 1)
		return -1;
	return 0;
}

static int
configure_hardened(SSL_CTX *ctx)
{
	SSL_CTX_set_security_level(ctx, 2);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
	    SSL_OP_NO_COMPRESSION);
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, 0) != 1)
		return -1;
	if (SSL_CTX_set_cipher_list(ctx,
	        "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
	        "ECDHE-ECDSA-AES128-GCM-SHA256") != 1)
		return -1;
	if (SSL_CTX_set_ciphersuites(ctx,
	        "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256") != 1)
		return -1;
	if (SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384") != 1)
		return -1;
	return 0;
}

SSL_CTX *
tls_ctx_new(enum refdev_mode mode, bool quiet, char *err, size_t errlen)
{
	bool hardened = mode == MODE_HARDENED;
	EVP_PKEY *key = hardened ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")
	                         : EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	X509 *cert = NULL;
	SSL_CTX *ctx = NULL;
	if (key == NULL) {
		set_err(err, errlen, "cannot generate the TLS key");
		goto fail;
	}
	cert = make_cert(key, hardened);
	if (cert == NULL) {
		set_err(err, errlen, "cannot make the self-signed certificate");
		goto fail;
	}
	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL) {
		set_err(err, errlen, "cannot create the TLS context");
		goto fail;
	}
	/* A client that just drops the TCP connection is an EOF, not an error. */
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if ((hardened ? configure_hardened(ctx) : configure_weak(ctx)) < 0) {
		set_err(err, errlen, "cannot configure the TLS context");
		goto fail;
	}
	if (SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		set_err(err, errlen, "cannot load the certificate into the TLS context");
		goto fail;
	}
	static const unsigned char sid[] = "iotcert-refdev";
	SSL_CTX_set_session_id_context(ctx, sid, sizeof(sid) - 1);
	if (!quiet)
		print_fingerprint(cert);
	X509_free(cert);
	EVP_PKEY_free(key);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	X509_free(cert);
	EVP_PKEY_free(key);
	return NULL;
}

void
tls_ctx_free(SSL_CTX *ctx)
{
	SSL_CTX_free(ctx);
}

bool
secret_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return false;
	size_t n = strlen(a);
	return n == strlen(b) && CRYPTO_memcmp(a, b, n) == 0;
}
