/*
 * NTP client request and server reply (RFC 5905), pure.  A reply counts as
 * an answer to us only when it echoes our transmit timestamp as its origin,
 * which the caller checks with the value it sent.
 */
#ifndef IOTCERT_NTP_H
#define IOTCERT_NTP_H

#include <stddef.h>
#include <stdint.h>

#define NTP_PACKET_LEN 48

/* Writes a version-4 client-mode packet carrying xmit as transmit timestamp. */
size_t ntp_request_build(uint8_t *out, size_t cap, uint64_t xmit);

typedef struct ntp_reply {
	int leap, version, mode, stratum;
	int poll, precision;
	char refid[40];		/* 4 letters (stratum 0/1) or a dotted address */
	uint64_t origin, receive, transmit;
} ntp_reply_t;

/* 0 when p holds a 48+ byte NTP header with version 1..4. */
int ntp_parse(const uint8_t *p, size_t n, ntp_reply_t *r);

#endif
