/*
 * Signing keys and signatures over bytes, for sealing a report directory
 * (report/seal.h).  Only Ed25519 and ECDSA on P-256, P-384 and P-521 are
 * accepted: each has one unambiguous way to sign (Ed25519 hashes
 * internally; ECDSA takes the SHA-2 matching its curve), so the algorithm
 * named in a manifest follows from the key and cannot be chosen by whoever
 * wrote the manifest.
 */
#ifndef IOTCERT_CRYPTO_SIGN_H
#define IOTCERT_CRYPTO_SIGN_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/types.h>

typedef enum sign_alg {
	SIGN_ALG_NONE = 0,
	SIGN_ED25519,
	SIGN_ECDSA_P256,	/* with SHA-256 */
	SIGN_ECDSA_P384,	/* with SHA-384 */
	SIGN_ECDSA_P521,	/* with SHA-512 */
} sign_alg_t;

/* "ed25519", "ecdsa-p256-sha256", ...; "" for SIGN_ALG_NONE. */
const char *sign_alg_str(sign_alg_t a);
sign_alg_t sign_alg_parse(const char *s);	/* SIGN_ALG_NONE if unknown */

/* A key of a supported type, with its public half in the forms a manifest
 * records.  Opaque; free with sign_key_free. */
typedef struct sign_key sign_key_t;

/*
 * Loads a PEM private key (PKCS#8, or the traditional EC form) from `path`.
 * NULL with a message naming the file when it cannot be read, holds no
 * private key (a public key says so), is encrypted (no passphrase is ever
 * asked for), or is of an unsupported type.  Caller frees.
 */
sign_key_t *sign_key_load_private(const char *path, char *err, size_t errlen);
/* The same for verifying: a PEM public key, or a private key whose public
 * half is then used.  Caller frees. */
sign_key_t *sign_key_load_public(const char *path, char *err, size_t errlen);
/* A PEM public key held in memory (as a manifest embeds it).  Caller frees. */
sign_key_t *sign_key_from_pem(const char *pem, size_t len, char *err, size_t errlen);
/* Wraps `pkey` (takes a reference of its own; the caller keeps theirs).
 * NULL with a message when the type is not supported.  Caller frees. */
sign_key_t *sign_key_from_pkey(EVP_PKEY *pkey, char *err, size_t errlen);
void sign_key_free(sign_key_t *k);	/* NULL is fine */

sign_alg_t sign_key_alg(const sign_key_t *k);
bool sign_key_has_private(const sign_key_t *k);
/* SHA-256 of the DER SubjectPublicKeyInfo, lowercase hex (what
 * `openssl pkey -pubout -outform DER | sha256sum` prints).  Borrowed. */
const char *sign_key_fingerprint(const sign_key_t *k);
/* The public key as PEM ("-----BEGIN PUBLIC KEY-----\n...\n"). Borrowed. */
const char *sign_key_public_pem(const sign_key_t *k);

/*
 * Signs data[0..n) with a private key: *sig (caller frees) holds the raw
 * signature as OpenSSL produces it (64 bytes for Ed25519, a DER
 * ECDSA-Sig-Value for ECDSA).  0, or -1 with a message.
 */
int sign_data(const sign_key_t *k, const void *data, size_t n, unsigned char **sig,
    size_t *siglen, char *err, size_t errlen);
/* 1 when sig is a valid signature of data[0..n) under k, else 0. */
int sign_check(const sign_key_t *k, const void *data, size_t n, const unsigned char *sig,
    size_t siglen);

#endif
