/*
 * TLS posture of one service, enumerated the way sslscan and testssl.sh do
 * it but with hand-built handshakes only (net/tls_handshake.c), so suites
 * and versions the local OpenSSL refuses are still found: the versions
 * accepted, the suites per version (by elimination), whether the server
 * orders them, the key-exchange groups, secure renegotiation, compression,
 * Heartbleed and the certificate chain.  Handshakes run in parallel, a
 * bounded number at once, each under its own deadline.  Judging what was
 * found is the crypto policy's job, not this file's.
 */
#ifndef IOTCERT_TLS_SCAN_H
#define IOTCERT_TLS_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/evidence.h"
#include "core/target.h"
#include "proto/tls_hello.h"

typedef struct tls_scan_opts {
	const target_addr_t *addr;
	int port;
	const char *sni;		/* server_name to send; NULL for an IP target */
	uint64_t deadline;		/* mono_ms() deadline of the whole scan */
	unsigned hs_timeout_ms;		/* one handshake; 0: 5000 */
	unsigned parallel;		/* handshakes at once; 0: 8 */
	const volatile int *cancel;
	evidence_t *ev;			/* every connection's flow; may be NULL */
} tls_scan_opts_t;

typedef enum tls_tri {
	TLS_UNKNOWN = -1,		/* not decided (not applicable, or no answer) */
	TLS_NO = 0,
	TLS_YES = 1,
} tls_tri_t;

const char *tls_tri_str(tls_tri_t t);	/* "yes", "no", "unknown" */

typedef struct tls_scan_version {
	uint16_t version;		/* TLSV_SSL3 .. TLSV_TLS13 */
	bool accepted;
	uint16_t *suites;		/* accepted suites, in the order found (owned) */
	size_t n_suites;
	bool complete;			/* every list offered ended in a refusal */
	tls_tri_t server_order;		/* YES: the server picks; NO: it takes the
					 * client's first; UNKNOWN with < 2 suites */
} tls_scan_version_t;

#define TLS_SCAN_NVERSIONS 5

typedef struct tls_scan_result {
	tls_scan_version_t versions[TLS_SCAN_NVERSIONS];	/* SSLv3 .. TLS 1.3 */
	uint16_t *groups;		/* accepted named groups, in probe order (owned) */
	size_t n_groups;
	unsigned dhe_bits;		/* prime size of the server's DHE parameters, 0 unknown */
	tls_tri_t secure_reneg;		/* renegotiation_info in a TLS <= 1.2 ServerHello */
	tls_tri_t compression;		/* DEFLATE taken when offered */
	tls_tri_t heartbeat;		/* heartbeat extension negotiated */
	tls_tri_t heartbleed;		/* answered a lying heartbeat with more bytes */
	tls_certs_t certs;		/* chain DER from a TLS <= 1.2 handshake, or
					 * from OpenSSL's TLS 1.3 one (certs_tls13) */
	bool certs_tls13;		/* a TLS 1.3-only server: read through OpenSSL */
	unsigned handshakes;		/* how many were made */
	unsigned undecided;		/* of which ended in network errors or garbage */
	char error[256];		/* the first such error ("" when none) */
} tls_scan_result_t;

/*
 * Scans o->addr:o->port.  Always returns a result (caller frees with
 * tls_scan_free); a server that never answers TLS gives no version
 * accepted, undecided > 0 and the reason in error.
 */
tls_scan_result_t *tls_scan(const tls_scan_opts_t *o);
void tls_scan_free(tls_scan_result_t *r);	/* NULL is fine */

/* The entry of version v, or NULL for versions outside SSLv3..TLS 1.3. */
const tls_scan_version_t *tls_scan_version(const tls_scan_result_t *r, uint16_t v);
/* Whether group g was accepted. */
bool tls_scan_has_group(const tls_scan_result_t *r, uint16_t g);

#endif
