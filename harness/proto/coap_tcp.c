/*
 * RFC 8323 section 3.2 framing; see coap_tcp.h.  Lengths are read through
 * the cursor and checked against the caps before anything is copied.
 */
#include "proto/coap_tcp.h"
#include "proto/cursor.h"

#include <string.h>

size_t
coap_tcp_from_udp(const uint8_t *udp, size_t n, uint8_t *out, size_t cap)
{
	if (n < 4)
		return 0;
	size_t tkl = udp[0] & 0x0f;
	if (tkl > 8 || n < 4 + tkl)
		return 0;
	size_t rest = n - 4 - tkl;	/* options and payload */
	uint8_t hdr[6];
	size_t h = 1;
	if (rest < 13) {
		hdr[0] = (uint8_t)(rest << 4 | tkl);
	} else if (rest < 269) {
		hdr[0] = (uint8_t)(13 << 4 | tkl);
		hdr[h++] = (uint8_t)(rest - 13);
	} else if (rest < 65805) {
		hdr[0] = (uint8_t)(14 << 4 | tkl);
		hdr[h++] = (uint8_t)((rest - 269) >> 8);
		hdr[h++] = (uint8_t)(rest - 269);
	} else {
		return 0;	/* never needed for a probe's requests */
	}
	hdr[h++] = udp[1];	/* code */
	if (h + tkl + rest > cap)
		return 0;
	memcpy(out, hdr, h);
	memcpy(out + h, udp + 4, tkl + rest);
	return h + tkl + rest;
}

int
coap_tcp_to_udp(const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *used,
    size_t *outlen)
{
	cursor_t c;
	uint8_t b0, code, e8;
	uint16_t e16;
	uint32_t e32;
	uint64_t rest;
	cur_init(&c, p, n);
	if (cur_u8(&c, &b0) < 0)
		return 0;
	switch (b0 >> 4) {
	case 13: cur_u8(&c, &e8); rest = 13u + e8; break;
	case 14: cur_be16(&c, &e16); rest = 269u + e16; break;
	case 15: cur_be32(&c, &e32); rest = 65805u + (uint64_t)e32; break;
	default: rest = b0 >> 4; break;
	}
	size_t tkl = b0 & 0x0f;
	if (tkl > 8 || rest > COAP_TCP_FRAME_MAX)
		return -1;
	if (cur_u8(&c, &code) < 0 || cur_left(&c) < tkl + rest)
		return 0;
	if (4 + tkl + rest > cap)
		return -1;
	out[0] = (uint8_t)(1 << 6 | 2 << 4 | tkl);	/* version 1, ACK */
	out[1] = code;
	out[2] = out[3] = 0;
	memcpy(out + 4, p + c.off, tkl + (size_t)rest);
	*used = c.off + tkl + (size_t)rest;
	*outlen = 4 + tkl + (size_t)rest;
	return 1;
}
