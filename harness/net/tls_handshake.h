/*
 * One hand-built TLS handshake over a plain socket, as far as the server's
 * first flight: connect, send a ClientHello from tls_hello_opts_t, read
 * until the flight decides (ServerHello ... ServerHelloDone, a
 * HelloRetryRequest, a TLS 1.3 ServerHello, an alert) or the deadline.
 * The enumeration in tls_scan.c is many of these; the outcome says whether
 * the server answered, refused, or failed in a way that decides nothing.
 */
#ifndef IOTCERT_TLS_HANDSHAKE_H
#define IOTCERT_TLS_HANDSHAKE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/evidence.h"
#include "core/target.h"
#include "net/sock.h"
#include "proto/tls_hello.h"

typedef enum tls_hs_outcome {
	TLS_HS_HELLO,		/* a ServerHello or HelloRetryRequest came back */
	TLS_HS_ALERT,		/* refused with an alert */
	TLS_HS_CLOSED,		/* closed or reset with no answer: a refusal on old stacks */
	TLS_HS_NETWORK,		/* connect failed, timeout, cancel: decides nothing */
	TLS_HS_GARBAGE,		/* the answer is not TLS or is malformed: decides nothing */
} tls_hs_outcome_t;

const char *tls_hs_outcome_str(tls_hs_outcome_t o);

typedef struct tls_hs_req {
	const target_addr_t *addr;
	int port;
	uint64_t deadline;		/* mono_ms() deadline of this handshake */
	const volatile int *cancel;
	evidence_t *ev;			/* flows; may be NULL */
	pthread_mutex_t *ev_lock;	/* held around ev, which threads share */
	bool want_certs;		/* keep the Certificate message */
	bool heartbleed;		/* after ServerHelloDone, send the probe */
} tls_hs_req_t;

typedef struct tls_hs {
	tls_hs_outcome_t out;
	net_status_t net;		/* of the failing network operation */
	tls_flight_t fl;		/* certificates owned: tls_hs_clear */
	bool hb_tested;			/* the Heartbleed probe was sent */
	tls_hb_verdict_t hb;
	char err[192];			/* why, for NETWORK and GARBAGE (and late garbage) */
} tls_hs_t;

/* Runs the handshake; random and key share values are drawn here. */
void tls_handshake(const tls_hs_req_t *rq, const tls_hello_opts_t *ho, tls_hs_t *out);
void tls_hs_clear(tls_hs_t *h);

#endif
