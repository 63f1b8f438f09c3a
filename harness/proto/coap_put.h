/*
 * Writing a CoAP resource back safely, pure: a confirmable PUT carrying a
 * representation with its Content-Format, and the Block2 option of a
 * response, which says whether a representation came whole or as the first
 * block of several (writing back one block would truncate the resource).
 */
#ifndef IOTCERT_COAP_PUT_H
#define IOTCERT_COAP_PUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/coap.h"

#define COAP_PUT		COAP_CODE(0, 3)
#define COAP_CREATED		COAP_CODE(2, 1)
#define COAP_CHANGED		COAP_CODE(2, 4)
#define COAP_OPT_BLOCK2		23

/*
 * Writes a CON PUT of payload[0..n) to path, with Content-Format cf when
 * cf >= 0 (0..65535); 0 if it does not fit in cap.
 */
size_t coap_put_build(uint8_t *out, size_t cap, uint16_t msgid, const uint8_t *token,
    size_t tkl, const char *path, int cf, const uint8_t *payload, size_t n);

/* A Block2 option (RFC 7959): block number, more flag, size 16 << szx. */
typedef struct coap_block {
	uint32_t num;
	bool more;
	unsigned szx;
} coap_block_t;

/*
 * Finds the Block2 option in a message that coap_parse accepted.  1: found
 * (*b filled), 0: absent, -1: malformed (longer than 3 bytes, szx 7).
 */
int coap_block2(const uint8_t *p, size_t n, coap_block_t *b);

#endif
