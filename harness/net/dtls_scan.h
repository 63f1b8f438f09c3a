/*
 * DTLS posture of one UDP service (CoAP over DTLS on 5684, or DTLS found
 * elsewhere): which DTLS versions it accepts and which cipher suites per
 * version, found with hand-built ClientHellos (proto/dtls.h) so suites the
 * local OpenSSL cannot negotiate are found too, as net/tls_scan.c does for
 * TLS.  Each handshake goes as far as the ServerHello, with the
 * HelloVerifyRequest cookie exchange and retransmission, then is aborted
 * with an alert.  Judging what was found is the crypto policy's job.
 *
 * Handshakes run one at a time: DTLS servers commonly serve one peer at a
 * time (OpenSSL's s_server, constrained CoAP stacks with a handful of
 * handshake slots), so parallel hellos would only be dropped.
 * DTLS 1.3 (0xfefc) is not probed.
 */
#ifndef IOTCERT_DTLS_SCAN_H
#define IOTCERT_DTLS_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/evidence.h"
#include "core/target.h"

typedef struct dtls_scan_opts {
	const target_addr_t *addr;
	int port;			/* UDP */
	uint64_t deadline;		/* mono_ms() deadline of the whole scan */
	unsigned hs_timeout_ms;		/* one handshake, retransmissions included; 0: 3000 */
	unsigned tries;			/* sends of each flight, 1 + resends when
					 * unanswered; 0: 3, at most 9 */
	const volatile int *cancel;
	evidence_t *ev;			/* every handshake's flow; may be NULL */
} dtls_scan_opts_t;

typedef struct dtls_scan_version {
	uint16_t version;		/* DTLSV_10, DTLSV_12 */
	bool accepted;
	uint16_t *suites;		/* accepted suites, in the order found (owned) */
	size_t n_suites;
	bool complete;			/* every list offered ended in a refusal */
} dtls_scan_version_t;

#define DTLS_SCAN_NVERSIONS 2

typedef struct dtls_scan_result {
	dtls_scan_version_t versions[DTLS_SCAN_NVERSIONS];	/* DTLS 1.0, DTLS 1.2 */
	unsigned handshakes;		/* how many were started */
	unsigned undecided;		/* of which ended in network errors, garbage or
					 * silence that could not be read as a refusal */
	unsigned silent;		/* unanswered handshakes taken as refusals: a hello
					 * the server had answered before was answered
					 * again right after, so it drops what it does
					 * not take (and was not just busy) */
	unsigned cookies;		/* HelloVerifyRequests answered */
	char error[256];		/* the first undecided handshake's reason ("" when none) */
} dtls_scan_result_t;

/*
 * Scans o->addr:o->port over UDP.  Always returns a result, which the
 * caller frees with dtls_scan_free; a port that never answers DTLS gives
 * no version accepted, undecided > 0 and the reason in error.
 */
dtls_scan_result_t *dtls_scan(const dtls_scan_opts_t *o);
void dtls_scan_free(dtls_scan_result_t *r);	/* NULL is fine */

/* The entry of version v (DTLSV_10, DTLSV_12), or NULL. */
const dtls_scan_version_t *dtls_scan_version(const dtls_scan_result_t *r, uint16_t v);

#endif
