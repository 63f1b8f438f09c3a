/*
 * CoAP over TCP (RFC 8323) framing, pure.  A TCP message is a UDP message
 * without type and message id, its length in the first byte's high nibble
 * (with 1, 2 or 4 extension bytes).  Requests are built as UDP datagrams
 * (coap.h, coap_put.h) and reframed; a received frame is turned back into
 * UDP layout (type ACK, message id 0) so coap_parse judges it.
 */
#ifndef IOTCERT_COAP_TCP_H
#define IOTCERT_COAP_TCP_H

#include <stddef.h>
#include <stdint.h>

#define COAP_TCP_FRAME_MAX (64u * 1024)	/* larger frames are refused */
#define COAP_CODE_CSM 0xe1		/* 7.01 Capabilities and Settings */

/* Reframes the datagram udp[0..n) for TCP; 0 if malformed or cap is short. */
size_t coap_tcp_from_udp(const uint8_t *udp, size_t n, uint8_t *out, size_t cap);

/*
 * Takes the first frame of the stream bytes p[0..n) into out in UDP layout:
 * 1 (*used: the frame's bytes in p, *outlen: the datagram's), 0: more bytes
 * needed, -1: malformed (token over 8 bytes) or over COAP_TCP_FRAME_MAX or
 * cap.
 */
int coap_tcp_to_udp(const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *used,
    size_t *outlen);

#endif
