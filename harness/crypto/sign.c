/*
 * Signing keys through OpenSSL 3 EVP.  A key file is read once into memory
 * (a regular file, capped) so a FIFO or a huge file cannot stall or exhaust
 * the harness, and a passphrase is never prompted for: a run must not stop
 * on a terminal prompt, and the key is loaded before anything else.
 */
#include "crypto/sign.h"
#include "core/hash.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_FILE_MAX (64 * 1024)	/* far more than any PEM key supported */

struct sign_key {
	EVP_PKEY *pkey;
	sign_alg_t alg;
	bool priv;
	char fpr[SHA256_HEX_LEN];
	char *pem;
};

static const char *const alg_names[] = {
	[SIGN_ALG_NONE] = "",
	[SIGN_ED25519] = "ed25519",
	[SIGN_ECDSA_P256] = "ecdsa-p256-sha256",
	[SIGN_ECDSA_P384] = "ecdsa-p384-sha384",
	[SIGN_ECDSA_P521] = "ecdsa-p521-sha512",
};

const char *
sign_alg_str(sign_alg_t a)
{
	return (unsigned)a < ARRAY_LEN(alg_names) ? alg_names[a] : "";
}

sign_alg_t
sign_alg_parse(const char *s)
{
	for (size_t i = 1; i < ARRAY_LEN(alg_names); i++)
		if (strcmp(s, alg_names[i]) == 0)
			return (sign_alg_t)i;
	return SIGN_ALG_NONE;
}

static const EVP_MD *
alg_md(sign_alg_t a)
{
	switch (a) {
	case SIGN_ECDSA_P256: return EVP_sha256();
	case SIGN_ECDSA_P384: return EVP_sha384();
	case SIGN_ECDSA_P521: return EVP_sha512();
	default: return NULL;	/* Ed25519 hashes internally */
	}
}

static sign_alg_t
alg_of(EVP_PKEY *k, char *err, size_t errlen)
{
	if (EVP_PKEY_is_a(k, "ED25519"))
		return SIGN_ED25519;
	if (EVP_PKEY_is_a(k, "EC")) {
		char g[80] = "";
		size_t gl = 0;
		int nid = NID_undef;
		if (EVP_PKEY_get_group_name(k, g, sizeof(g), &gl) == 1) {
			nid = OBJ_txt2nid(g);
			if (nid == NID_undef)
				nid = EC_curve_nist2nid(g);
		}
		if (nid == NID_X9_62_prime256v1)
			return SIGN_ECDSA_P256;
		if (nid == NID_secp384r1)
			return SIGN_ECDSA_P384;
		if (nid == NID_secp521r1)
			return SIGN_ECDSA_P521;
		snprintf(err, errlen, "ECDSA on curve %s is not supported: use P-256, P-384 or "
		    "P-521 (or Ed25519)", g[0] ? g : "(explicit parameters)");
		return SIGN_ALG_NONE;
	}
	const char *type = EVP_PKEY_get0_type_name(k);
	snprintf(err, errlen, "%s keys are not supported: use an Ed25519 or ECDSA "
	    "(P-256, P-384, P-521) key", type ? type : "this type of");
	return SIGN_ALG_NONE;
}

static bool
has_private(EVP_PKEY *k, sign_alg_t alg)
{
	if (alg == SIGN_ED25519) {
		size_t len = 0;
		return EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PRIV_KEY, NULL, 0,
		    &len) == 1 && len > 0;
	}
	BIGNUM *bn = NULL;
	bool yes = EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_PRIV_KEY, &bn) == 1;
	BN_clear_free(bn);
	return yes;
}

sign_key_t *
sign_key_from_pkey(EVP_PKEY *pkey, char *err, size_t errlen)
{
	sign_alg_t alg = alg_of(pkey, err, errlen);
	if (alg == SIGN_ALG_NONE)
		return NULL;
	unsigned char *der = NULL;
	int derlen = i2d_PUBKEY(pkey, &der);
	BIO *b = BIO_new(BIO_s_mem());
	char *mem = NULL;
	long memlen;
	if (derlen <= 0 || b == NULL || PEM_write_bio_PUBKEY(b, pkey) != 1 ||
	    (memlen = BIO_get_mem_data(b, &mem)) <= 0) {
		snprintf(err, errlen, "cannot encode the public key");
		OPENSSL_free(der);
		BIO_free(b);
		return NULL;
	}
	sign_key_t *k = xcalloc(1, sizeof(*k));
	EVP_PKEY_up_ref(pkey);
	k->pkey = pkey;
	k->alg = alg;
	k->priv = has_private(pkey, alg);
	sha256_buf(der, (size_t)derlen, k->fpr);
	k->pem = xstrndup(mem, (size_t)memlen);
	OPENSSL_free(der);
	BIO_free(b);
	ERR_clear_error();
	return k;
}

void
sign_key_free(sign_key_t *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k->pem);
	free(k);
}

sign_alg_t sign_key_alg(const sign_key_t *k) { return k->alg; }
bool sign_key_has_private(const sign_key_t *k) { return k->priv; }
const char *sign_key_fingerprint(const sign_key_t *k) { return k->fpr; }
const char *sign_key_public_pem(const sign_key_t *k) { return k->pem; }

/* Never supplies a passphrase; notes that one was wanted. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	*(bool *)u = true;
	return -1;
}

static EVP_PKEY *
pem_private(const char *text, size_t n, bool *encrypted)
{
	BIO *b = BIO_new_mem_buf(text, (int)n);
	EVP_PKEY *p = b ? PEM_read_bio_PrivateKey(b, NULL, no_passphrase, encrypted) : NULL;
	BIO_free(b);
	return p;
}

static EVP_PKEY *
pem_public(const char *text, size_t n)
{
	BIO *b = BIO_new_mem_buf(text, (int)n);
	EVP_PKEY *p = b ? PEM_read_bio_PUBKEY(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	return p;
}

/* The whole key file, if it is a regular file under the cap; else NULL
 * with a message.  O_NONBLOCK: a FIFO named as the key must not hang. */
static char *
read_key_file(const char *path, size_t *n, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "cannot read the key %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > KEY_FILE_MAX) {
		snprintf(err, errlen, "%s: not a PEM key (%s)", path, S_ISREG(st.st_mode) ?
		    "larger than 64 KiB" : "not a regular file");
		close(fd);
		return NULL;
	}
	char *text = xcalloc(KEY_FILE_MAX + 1, 1);
	size_t got = 0;
	ssize_t r;
	while (got < KEY_FILE_MAX && (r = read(fd, text + got, KEY_FILE_MAX - got)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "cannot read the key %s: %s", path, strerror(errno));
			OPENSSL_cleanse(text, got);
			free(text);
			close(fd);
			return NULL;
		}
		got += (size_t)r;
	}
	close(fd);
	*n = got;
	return text;
}

static sign_key_t *
wrap(EVP_PKEY *p, const char *path, char *err, size_t errlen)
{
	char why[256];
	sign_key_t *k = sign_key_from_pkey(p, why, sizeof(why));
	EVP_PKEY_free(p);
	if (k == NULL)
		snprintf(err, errlen, "%s: %s", path, why);
	return k;
}

sign_key_t *
sign_key_load_private(const char *path, char *err, size_t errlen)
{
	size_t n;
	char *text = read_key_file(path, &n, err, errlen);
	if (text == NULL)
		return NULL;
	bool encrypted = false;
	EVP_PKEY *p = pem_private(text, n, &encrypted);
	if (p == NULL) {
		EVP_PKEY *pub = encrypted ? NULL : pem_public(text, n);
		if (encrypted)
			snprintf(err, errlen, "%s is encrypted and iotcert never asks for a "
			    "passphrase: give it an unencrypted key, readable only by the "
			    "account that signs (e.g. mode 0600, owned by root)", path);
		else if (pub)
			snprintf(err, errlen, "%s holds a public key: signing needs the private "
			    "key", path);
		else
			snprintf(err, errlen, "%s: no PEM private key in it", path);
		EVP_PKEY_free(pub);
		OPENSSL_cleanse(text, n);
		free(text);
		ERR_clear_error();
		return NULL;
	}
	OPENSSL_cleanse(text, n);
	free(text);
	return wrap(p, path, err, errlen);
}

sign_key_t *
sign_key_load_public(const char *path, char *err, size_t errlen)
{
	size_t n;
	char *text = read_key_file(path, &n, err, errlen);
	if (text == NULL)
		return NULL;
	EVP_PKEY *p = pem_public(text, n);
	bool encrypted = false;
	if (p == NULL)
		p = pem_private(text, n, &encrypted);
	OPENSSL_cleanse(text, n);
	free(text);
	ERR_clear_error();
	if (p == NULL) {
		snprintf(err, errlen, "%s: no PEM public key in it%s", path,
		    encrypted ? " (an encrypted private key: give its public key, "
		    "openssl pkey -pubout)" : "");
		return NULL;
	}
	return wrap(p, path, err, errlen);
}

sign_key_t *
sign_key_from_pem(const char *pem, size_t len, char *err, size_t errlen)
{
	EVP_PKEY *p = pem_public(pem, len);
	ERR_clear_error();
	if (p == NULL) {
		snprintf(err, errlen, "not a PEM public key");
		return NULL;
	}
	sign_key_t *k = sign_key_from_pkey(p, err, errlen);
	EVP_PKEY_free(p);
	return k;
}

int
sign_data(const sign_key_t *k, const void *data, size_t n, unsigned char **sig,
    size_t *siglen, char *err, size_t errlen)
{
	*sig = NULL;
	*siglen = 0;
	if (!k->priv) {
		snprintf(err, errlen, "not a private key");
		return -1;
	}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t len = 0;
	unsigned char *s = NULL;
	int ok = ctx && EVP_DigestSignInit(ctx, NULL, alg_md(k->alg), NULL, k->pkey) == 1 &&
	    EVP_DigestSign(ctx, NULL, &len, data, n) == 1 && len > 0;
	if (ok) {
		s = xcalloc(len, 1);
		ok = EVP_DigestSign(ctx, s, &len, data, n) == 1;
	}
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		unsigned long e = ERR_get_error();
		snprintf(err, errlen, "signing failed: %s",
		    e ? ERR_reason_error_string(e) : "unknown OpenSSL error");
		ERR_clear_error();
		free(s);
		return -1;
	}
	*sig = s;
	*siglen = len;
	return 0;
}

int
sign_check(const sign_key_t *k, const void *data, size_t n, const unsigned char *sig,
    size_t siglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestVerifyInit(ctx, NULL, alg_md(k->alg), NULL, k->pkey) == 1 &&
	    EVP_DigestVerify(ctx, sig, siglen, data, n) == 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok ? 1 : 0;
}
