/*
 * DTLS (RFC 6347) first flight, pure: a hand-built DTLS 1.2 ClientHello with
 * the suites CoAP devices use (PSK and ECDHE-ECDSA with CCM_8, plus common
 * GCM ones), and a parser for the first record a server sends back.
 */
#ifndef IOTCERT_DTLS_H
#define IOTCERT_DTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DTLS_CT_ALERT		21
#define DTLS_CT_HANDSHAKE	22
#define DTLS_HS_SERVER_HELLO	2
#define DTLS_HS_HELLO_VERIFY	3

/*
 * Writes a ClientHello record.  cookie (may be NULL) is the one a
 * HelloVerifyRequest gave; message_seq is 0 for the first hello, 1 after.
 */
size_t dtls_client_hello_build(uint8_t *out, size_t cap, const uint8_t random[32],
    const uint8_t *cookie, size_t cookie_len, uint16_t message_seq);

typedef struct dtls_reply {
	uint8_t content_type;	/* DTLS_CT_ALERT or DTLS_CT_HANDSHAKE */
	uint16_t record_version;	/* 0xfeff 1.0, 0xfefd 1.2 */
	uint8_t hs_type;	/* HELLO_VERIFY or SERVER_HELLO */
	uint16_t hs_version;	/* server_version in the handshake body */
	uint8_t cookie[255];
	size_t cookie_len;
	uint16_t cipher;	/* SERVER_HELLO */
	uint8_t alert_level, alert_desc;
} dtls_reply_t;

/*
 * 0 when the datagram starts with a DTLS record (version 1.0/1.2/1.3 bytes)
 * that is an alert, a HelloVerifyRequest or a ServerHello, all in bounds.
 */
int dtls_parse(const uint8_t *p, size_t n, dtls_reply_t *r);
/* "1.0", "1.2", "1.3" or NULL. */
const char *dtls_version_str(uint16_t v);

#endif
