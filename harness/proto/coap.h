/*
 * CoAP messages over UDP (RFC 7252), pure: a confirmable GET with Uri-Path
 * options, an empty ACK, and a strict parser (version 1, token <= 8 bytes,
 * option deltas and lengths in bounds, reserved nibbles and an empty payload
 * after the marker rejected, at most COAP_MAX_OPTIONS options).
 */
#ifndef IOTCERT_COAP_H
#define IOTCERT_COAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { COAP_CON = 0, COAP_NON = 1, COAP_ACK = 2, COAP_RST = 3 };
#define COAP_CODE(cls, detail)	((uint8_t)((cls) << 5 | (detail)))
#define COAP_GET		COAP_CODE(0, 1)
#define COAP_CONTENT		COAP_CODE(2, 5)
#define COAP_OPT_URI_PATH	11
#define COAP_OPT_CONTENT_FORMAT	12
#define COAP_MAX_OPTIONS	64

/* Writes a CON GET for path ("/.well-known/core"); 0 if it does not fit. */
size_t coap_get_build(uint8_t *out, size_t cap, uint16_t msgid, const uint8_t *token,
    size_t tkl, const char *path);
/* Writes an empty ACK for msgid (to acknowledge a separate CON response). */
size_t coap_ack_build(uint8_t *out, size_t cap, uint16_t msgid);

typedef struct coap_msg {
	uint8_t type, code;
	uint16_t msgid;
	uint8_t token[8];
	size_t tkl;
	int content_format;	/* -1 when absent */
	const uint8_t *payload;	/* borrowed, into the datagram */
	size_t payload_len;
} coap_msg_t;

int coap_parse(const uint8_t *p, size_t n, coap_msg_t *m);
/* "2.05" style text of a code. */
void coap_code_str(uint8_t code, char out[8]);

#endif
