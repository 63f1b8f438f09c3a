/*
 * TLS protocol versions and the table of cipher suites (IANA registry):
 * what each suite is made of, so policies judge suites by property (NULL,
 * EXPORT, anonymous, RC4, 3DES, CBC with SHA-1, no forward secrecy) rather
 * than by lists of names.  The table covers suites OpenSSL cannot
 * negotiate, since a device may still accept them; the enumeration in
 * net/tls_scan.c offers them in hand-built ClientHellos.
 */
#ifndef IOTCERT_CRYPTO_SUITES_H
#define IOTCERT_CRYPTO_SUITES_H

#include <stddef.h>
#include <stdint.h>

enum {
	TLSV_SSL3 = 0x0300,
	TLSV_TLS10 = 0x0301,
	TLSV_TLS11 = 0x0302,
	TLSV_TLS12 = 0x0303,
	TLSV_TLS13 = 0x0304,
	DTLSV_10 = 0xfeff,
	DTLSV_12 = 0xfefd,
};

/* "SSLv3", "TLS1.0" ... "TLS1.3", "DTLS1.0", "DTLS1.2"; NULL when unknown. */
const char *tls_version_name(uint16_t v);

/* Suite properties (flags). */
enum {
	TLS_SF_NULL_ENC = 1u << 0,	/* no encryption */
	TLS_SF_EXPORT = 1u << 1,	/* export grade (40/56-bit) */
	TLS_SF_ANON = 1u << 2,		/* no server authentication */
	TLS_SF_RC4 = 1u << 3,
	TLS_SF_3DES = 1u << 4,
	TLS_SF_DES = 1u << 5,		/* single DES */
	TLS_SF_CBC = 1u << 6,		/* a CBC-mode cipher */
	TLS_SF_SHA1_MAC = 1u << 7,	/* HMAC-SHA1 record MAC */
	TLS_SF_MD5_MAC = 1u << 8,	/* HMAC-MD5 record MAC */
	TLS_SF_NO_PFS = 1u << 9,	/* static RSA/DH/ECDH key exchange */
	TLS_SF_AEAD = 1u << 10,		/* GCM, CCM, ChaCha20-Poly1305 */
	TLS_SF_TLS13 = 1u << 11,	/* a TLS 1.3 suite (version-independent kex) */
	TLS_SF_PSK = 1u << 12,		/* pre-shared key */
	TLS_SF_IDEA = 1u << 13,
	TLS_SF_SEED_ARIA_CAMELLIA = 1u << 14,
};

typedef struct tls_suite_info {
	uint16_t id;
	const char *name;	/* IANA name, e.g. "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" */
	const char *kex;	/* "RSA", "DHE", "ECDHE", "DH", "ECDH", "PSK", "ECDHE_PSK", "TLS13", ... */
	const char *auth;	/* "RSA", "DSS", "ECDSA", "anon", "PSK", "TLS13" */
	const char *enc;	/* "AES_128_GCM", "3DES_EDE_CBC", "RC4_128", "NULL", ... */
	const char *mac;	/* "SHA256", "SHA", "MD5", "AEAD" */
	unsigned bits;		/* symmetric key strength in bits (0 for NULL) */
	unsigned flags;		/* TLS_SF_* */
} tls_suite_info_t;

/* The entry for a suite id, or NULL for ids not in the table. */
const tls_suite_info_t *tls_suite_find(uint16_t id);
/* The whole table, in id order. */
const tls_suite_info_t *tls_suite_all(size_t *n);

#endif
