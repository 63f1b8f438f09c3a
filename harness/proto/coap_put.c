/*
 * CoAP PUT building and Block2 reading; see coap_put.h.  The PUT reuses the
 * GET builder for the header and Uri-Path options and appends the rest, so
 * both requests encode a path the same way.
 */
#include "proto/coap_put.h"
#include "proto/cursor.h"

#include <string.h>

size_t
coap_put_build(uint8_t *out, size_t cap, uint16_t msgid, const uint8_t *token,
    size_t tkl, const char *path, int cf, const uint8_t *payload, size_t n)
{
	size_t o = coap_get_build(out, cap, msgid, token, tkl, path);
	if (o == 0 || cf > 0xffff)
		return 0;
	out[1] = COAP_PUT;
	if (cf >= 0) {
		/* Content-Format (12) follows Uri-Path (11), or opens the options. */
		const char *s = path + strspn(path, "/");
		unsigned delta = COAP_OPT_CONTENT_FORMAT - (*s ? COAP_OPT_URI_PATH : 0);
		size_t len = cf == 0 ? 0 : cf < 0x100 ? 1 : 2;
		if (o + 1 + len > cap)
			return 0;
		out[o++] = (uint8_t)(delta << 4 | len);
		if (len == 2)
			out[o++] = (uint8_t)(cf >> 8);
		if (len)
			out[o++] = (uint8_t)cf;
	}
	if (n) {
		if (o + 1 + n > cap)
			return 0;
		out[o++] = 0xff;
		memcpy(out + o, payload, n);
		o += n;
	}
	return o;
}

/* An option delta or length: the nibble, or its one- or two-byte extension. */
static unsigned
ext_value(cursor_t *c, unsigned nib)
{
	uint8_t b;
	uint16_t w;
	switch (nib) {
	case 13: return cur_u8(c, &b) < 0 ? 0 : 13u + b;
	case 14: return cur_be16(c, &w) < 0 ? 0 : 269u + w;
	case 15: c->bad = true; return 0;
	default: return nib;
	}
}

int
coap_block2(const uint8_t *p, size_t n, coap_block_t *b)
{
	memset(b, 0, sizeof(*b));
	cursor_t c;
	uint8_t h;
	cur_init(&c, p, n);
	cur_u8(&c, &h);
	if (c.bad || cur_skip(&c, 3 + (size_t)(h & 0x0f)) < 0)
		return -1;
	unsigned number = 0;
	while (cur_left(&c) && cur_u8(&c, &h) == 0 && h != 0xff) {
		number += ext_value(&c, h >> 4);
		unsigned len = ext_value(&c, h & 0x0f);
		const uint8_t *v;
		if (c.bad || cur_bytes(&c, len, &v) < 0)
			return -1;
		if (number < COAP_OPT_BLOCK2)
			continue;
		if (number > COAP_OPT_BLOCK2)
			return 0;	/* options come in order: it is not there */
		if (len > 3)
			return -1;
		uint32_t x = 0;
		for (unsigned i = 0; i < len; i++)
			x = x << 8 | v[i];
		if ((x & 7) == 7)
			return -1;	/* szx 7 is reserved for BERT (TCP only) */
		b->num = x >> 4;
		b->more = x >> 3 & 1;
		b->szx = x & 7;
		return 1;
	}
	return c.bad ? -1 : 0;
}
