/*
 * Crypto policies: what counts as best-practice cryptography (EN 303 645
 * 5.5-1, 5.1-3), as data in profiles/crypto/NAME.yaml, each stating its
 * source.  A scheme names its policy; probes ask the policy about each
 * version, suite, group, certificate and SSH algorithm they observe and
 * turn every refusal into a finding.  Loading checks the YAML strictly
 * (file:line:col), like every other profile; the format is documented in
 * testcases/README.md ("Related files").
 */
#ifndef IOTCERT_CRYPTO_POLICY_H
#define IOTCERT_CRYPTO_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/util.h"
#include "crypto/suites.h"

typedef struct crypto_policy crypto_policy_t;

/* Loads a policy file; NULL with diagnostics in d.  Caller frees. */
crypto_policy_t *crypto_policy_load(const char *path, diags_t *d);
/* The same over an already-parsed file (`iotcert check`); NULL when the
 * document had any error, its parser's included. */
struct ydoc;
crypto_policy_t *crypto_policy_from_doc(const struct ydoc *doc, diags_t *d);
/*
 * The file a scheme's `crypto-policy: VALUE` means: a name ([a-z0-9._-],
 * no ".yaml") is crypto/NAME.yaml in the scheme file's directory; anything
 * else is a path, relative to that directory unless absolute.  0 with *out
 * (caller frees), or -1 when VALUE is empty.
 */
int scheme_crypto_policy_path(const char *scheme_file, const char *value, char **out);
void crypto_policy_free(crypto_policy_t *p);	/* NULL is fine */
const char *crypto_policy_name(const crypto_policy_t *p);	/* its `crypto-policy:` token */
const char *crypto_policy_source(const crypto_policy_t *p);
const char *crypto_policy_sha256(const crypto_policy_t *p);	/* of the file, for the report */

/*
 * Each judge returns true when the policy allows what was observed, and
 * false with one sentence in `why` (e.g. "TLS 1.0 is deprecated (RFC 8996)")
 * when it does not.
 */
bool policy_tls_version(const crypto_policy_t *p, uint16_t version, char *why, size_t len);
bool policy_tls_suite(const crypto_policy_t *p, const tls_suite_info_t *s, char *why, size_t len);
/* A suite the policy allows but wants reported (its `report-if`): true with
 * the sentence in `why`. */
bool policy_tls_suite_report(const crypto_policy_t *p, const tls_suite_info_t *s, char *why,
    size_t len);
/* Named groups by IANA id (x25519 = 29, secp256r1 = 23, ffdhe2048 = 256 ...);
 * `dh_bits` is the size of custom DHE parameters (group 0), else 0. */
bool policy_tls_group(const crypto_policy_t *p, uint16_t group, unsigned dh_bits, char *why,
    size_t len);
bool policy_tls_compression(const crypto_policy_t *p, bool offered, char *why, size_t len);
bool policy_tls_renegotiation(const crypto_policy_t *p, bool secure_reneg, char *why, size_t len);

/* What the certificate analysis found out about the leaf certificate. */
typedef struct cert_facts {
	const char *key_type;	/* "RSA", "EC", "Ed25519", "Ed448", "DSA" */
	unsigned key_bits;
	const char *sig_hash;	/* the signature's hash: "MD5", "SHA1", "SHA256", ... or "" (EdDSA) */
	int64_t not_before, not_after;	/* Unix seconds */
	bool self_signed;
	bool trusted;		/* chains to the CA file given; false without one */
	bool name_match;	/* the target's address or name is in SAN/CN */
} cert_facts_t;

/*
 * Judges a certificate at time `now` (Unix seconds).  Appends one sentence
 * per violation the policy makes a FAIL to *fails, and one per observation
 * it only reports (self-signed on a local interface, unless the policy
 * makes that a FAIL) to *notes.  A self-signed certificate is not also
 * reported as untrusted.
 */
void policy_cert(const crypto_policy_t *p, const cert_facts_t *c, int64_t now,
    strlist_t *fails, strlist_t *notes);

typedef enum ssh_alg_kind {
	SSH_ALG_KEX,
	SSH_ALG_HOSTKEY,
	SSH_ALG_CIPHER,
	SSH_ALG_MAC,
	SSH_ALG_COMPRESSION,
} ssh_alg_kind_t;

const char *ssh_alg_kind_str(ssh_alg_kind_t k);	/* "kex", "host-key", "cipher", "mac", "compression" */
bool policy_ssh_alg(const crypto_policy_t *p, ssh_alg_kind_t kind, const char *name, char *why,
    size_t len);

#endif
