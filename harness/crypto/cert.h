/*
 * What a server's certificate chain says about it, for the crypto policy
 * (cert_facts_t) and for findings (display strings).  Input is the chain as
 * DER buffers, leaf first, as a TLS scan receives it; the device's bytes are
 * parsed by OpenSSL under hard caps on chain length and certificate size.
 */
#ifndef IOTCERT_CRYPTO_CERT_H
#define IOTCERT_CRYPTO_CERT_H

#include <stddef.h>
#include <stdint.h>

#include "core/hash.h"
#include "crypto/policy.h"

#define CERT_MAX_CHAIN 10
#define CERT_MAX_DER (64 * 1024)

typedef struct cert_info {
	cert_facts_t facts;	/* key_type and sig_hash point into this struct or
				 * at string literals */
	char *subject;		/* RFC 2253, e.g. "CN=device.local,O=RefDev" */
	char *issuer;
	char *serial;		/* upper-case hex, no separators */
	char sha256[SHA256_HEX_LEN]; /* fingerprint of the leaf's DER, lower-case hex */
	char *sig_alg;		/* OpenSSL long name: "sha256WithRSAEncryption" */
	char not_before[24], not_after[24]; /* ISO 8601 UTC: 2026-11-30T06:00:00Z */
	char sig_hash_buf[16];
} cert_info_t;

/*
 * Analyse chain der[0..n) (leaf first).  `host` (may be NULL: no match) is
 * the address or name the device was reached at; `ca_file` (may be NULL:
 * nothing is trusted) a PEM bundle for `trusted`.  Validity dates do not
 * affect `trusted`: the policy judges them separately.  NULL with a
 * sentence in `err` when the chain is empty, too long, too large or does
 * not parse, or the CA file cannot be read.  Caller frees.
 */
cert_info_t *cert_analyze(const uint8_t *const *der, const size_t *len, size_t n,
    const char *host, const char *ca_file, char *err, size_t errlen);
void cert_info_free(cert_info_t *ci);	/* NULL is fine */

/* Unix seconds as "2026-11-30T06:00:00Z" (at least 21 bytes). */
void cert_time_str(int64_t t, char *out, size_t len);

#endif
