/*
 * Shared by the passive analyzers "tls-client" and "endpoints": the first
 * handshake message of one direction of a TLS stream (the ClientHello or
 * the ServerHello), reassembled from in-order bytes however they were
 * delivered (records split across deliveries, a message across records),
 * under a hard cap; and the same for a DTLS datagram.  Per-flow state stays
 * small: the message buffer is allocated only while a message is being
 * reassembled and freed when it is complete or the flow ends.
 */
#ifndef IOTCERT_PD_TLS_H
#define IOTCERT_PD_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PD_HS_MAX	(16 * 1024)	/* the largest first message reassembled */

typedef enum pd_hs_state { PD_HS_MORE = 0, PD_HS_DONE, PD_HS_FAIL } pd_hs_state_t;

typedef struct pd_hs {
	uint8_t state;		/* pd_hs_state_t */
	uint8_t hdr[5];		/* a record header split across deliveries */
	uint8_t hlen;
	uint8_t rec_type;
	uint32_t rec_left;	/* body bytes of the current record still to come */
	uint8_t *msg;		/* handshake bytes (heap, up to PD_HS_MAX) */
	size_t mlen, mcap;
} pd_hs_t;

/*
 * Feeds stream bytes.  PD_HS_DONE once the first handshake message is
 * complete: its type, body and body length in *type, *body, *len (valid
 * until pd_hs_restart or pd_hs_free), and in *used the bytes of p read up
 * to its end (the rest is the caller's to feed after pd_hs_restart, or to
 * drop); PD_HS_FAIL when the bytes are no TLS handshake (or over the cap),
 * for good; PD_HS_MORE when all of p was read and more is needed.
 * ChangeCipherSpec records before the message are skipped (TLS 1.3
 * middlebox compatibility).
 */
pd_hs_state_t pd_hs_feed(pd_hs_t *h, const uint8_t *p, size_t n, size_t *used, uint8_t *type,
    const uint8_t **body, size_t *len);
/* Frees the message and starts over for the next handshake message (a
 * ServerHello after a HelloRetryRequest) at the record position reached. */
void pd_hs_restart(pd_hs_t *h);
/* Frees the message buffer; the state is kept. */
void pd_hs_free(pd_hs_t *h);

/*
 * The handshake message of the first DTLS record of a datagram, when it
 * is whole in that record (no fragmentation).  0 with *type, *body, *len
 * (pointing into p) and *version (the record's), else -1.
 */
int pd_dtls_first(const uint8_t *p, size_t n, uint8_t *type, const uint8_t **body, size_t *len,
    uint16_t *version);

#endif
