/*
 * TFTP (RFC 1350) read request and the first reply, pure.  Servers answer
 * from a fresh port, so matching reply to request is the caller's job (by
 * source address); here we only judge the bytes.
 */
#ifndef IOTCERT_TFTP_H
#define IOTCERT_TFTP_H

#include <stddef.h>
#include <stdint.h>

enum { TFTP_RRQ = 1, TFTP_WRQ, TFTP_DATA, TFTP_ACK, TFTP_ERROR, TFTP_OACK };

/* Writes an RRQ for file in mode ("octet"); 0 if it does not fit. */
size_t tftp_rrq_build(uint8_t *out, size_t cap, const char *file, const char *mode);
/* Writes an ERROR packet (to end a transfer we do not want). */
size_t tftp_error_build(uint8_t *out, size_t cap, uint16_t code, const char *msg);

typedef struct tftp_reply {
	int opcode;
	int errcode;		/* ERROR */
	char errmsg[256];	/* ERROR, printable copy */
	int block;		/* DATA */
	size_t data_len;	/* DATA */
} tftp_reply_t;

/*
 * 0 when p is an ERROR (code 0..8, printable message, NUL-terminated or
 * ending the datagram) or a DATA packet (block >= 1, at most 512 bytes).
 */
int tftp_parse(const uint8_t *p, size_t n, tftp_reply_t *r);

#endif
