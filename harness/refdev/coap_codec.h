/*
 * CoAP (RFC 7252) message decoding and encoding for the refdev's CoAP
 * service, kept free of I/O so the unit tests can feed it hostile datagrams
 * directly.  The decoder checks every length against the datagram before it
 * reads; the encoder never writes past its buffer and reports overflow.
 */
#ifndef IOTCERT_REFDEV_COAP_CODEC_H
#define IOTCERT_REFDEV_COAP_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { CO_CON = 0, CO_NON = 1, CO_ACK = 2, CO_RST = 3 };
#define CO_CODE(cls, detail) ((uint8_t)((cls) << 5 | (detail)))
#define CO_GET CO_CODE(0, 1)
#define CO_PUT CO_CODE(0, 3)

enum {
	CO_OPT_URI_HOST = 3,
	CO_OPT_URI_PORT = 7,
	CO_OPT_URI_PATH = 11,
	CO_OPT_CONTENT_FORMAT = 12,
	CO_OPT_URI_QUERY = 15,
	CO_OPT_ACCEPT = 17,
	CO_OPT_BLOCK2 = 23,
};

#define CO_CF_TEXT 0
#define CO_CF_LINK_FORMAT 40
#define CO_CF_JSON 50

#define CO_PATH_MAX 256

typedef struct co_msg {
	unsigned type;
	uint8_t code;
	uint16_t mid;
	size_t tkl;
	uint8_t token[8];
	char path[CO_PATH_MAX];    /* "/a/b" from the Uri-Path options, "/" without */
	bool path_bad;             /* too long, or a segment with '/' or a control byte */
	int content_format;        /* -1 when absent */
	int accept;                /* -1 when absent */
	unsigned bad_option;       /* an unsupported critical option, 0 when none */
	const uint8_t *payload;    /* into the datagram */
	size_t payload_len;
} co_msg_t;

typedef enum co_rc {
	CO_OK,
	CO_IGNORE,   /* shorter than a header or not version 1: silently ignored */
	CO_FORMAT,   /* a message format error: a CON is rejected with RST */
} co_rc_t;

co_rc_t co_parse(const uint8_t *p, size_t n, co_msg_t *m);

/* An output buffer; options must be added in increasing number order. */
typedef struct co_out {
	uint8_t *p;
	size_t cap, len;
	unsigned last_opt;
	bool bad;    /* overflowed or out of order: the message is not to be sent */
} co_out_t;

void co_out_init(co_out_t *o, uint8_t *buf, size_t cap);
void co_out_header(co_out_t *o, unsigned type, uint8_t code, uint16_t mid,
    const uint8_t *token, size_t tkl);
void co_out_option(co_out_t *o, unsigned num, const void *val, size_t len);
void co_out_uint_option(co_out_t *o, unsigned num, unsigned val);
void co_out_payload(co_out_t *o, const void *p, size_t n);
void co_out_raw(co_out_t *o, const void *p, size_t n); /* for deliberate malformation */
size_t co_out_done(const co_out_t *o);                 /* length, 0 when bad */

#endif
