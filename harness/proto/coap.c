/*
 * CoAP message building and parsing; see coap.h.
 */
#include "proto/coap.h"
#include "proto/cursor.h"

#include <stdio.h>
#include <string.h>

/* Appends one option (delta/length nibbles with their extensions). */
static size_t
put_opt(uint8_t *out, size_t cap, size_t o, unsigned delta, const void *val, size_t len)
{
	uint8_t ext[4];
	size_t ne = 0;
	unsigned dn, ln;
	if (delta >= 13 + 256 || len >= 13 + 256)
		return 0;	/* the two-byte forms are never needed here */
	if (delta >= 13) {
		dn = 13;
		ext[ne++] = (uint8_t)(delta - 13);
	} else {
		dn = delta;
	}
	if (len >= 13) {
		ln = 13;
		ext[ne++] = (uint8_t)(len - 13);
	} else {
		ln = (unsigned)len;
	}
	if (o == 0 || o + 1 + ne + len > cap)
		return 0;
	out[o++] = (uint8_t)(dn << 4 | ln);
	memcpy(out + o, ext, ne);
	o += ne;
	memcpy(out + o, val, len);
	return o + len;
}

size_t
coap_get_build(uint8_t *out, size_t cap, uint16_t msgid, const uint8_t *token,
    size_t tkl, const char *path)
{
	if (tkl > 8 || cap < 4 + tkl)
		return 0;
	out[0] = (uint8_t)(1 << 6 | COAP_CON << 4 | tkl);
	out[1] = COAP_GET;
	out[2] = (uint8_t)(msgid >> 8);
	out[3] = (uint8_t)msgid;
	memcpy(out + 4, token, tkl);
	size_t o = 4 + tkl;
	unsigned last = 0;
	const char *s = path;
	while (*s == '/')
		s++;
	while (*s && o) {
		size_t k = strcspn(s, "/");
		o = put_opt(out, cap, o, COAP_OPT_URI_PATH - last, s, k);
		last = COAP_OPT_URI_PATH;
		s += k;
		while (*s == '/')
			s++;
	}
	return o;
}

size_t
coap_ack_build(uint8_t *out, size_t cap, uint16_t msgid)
{
	if (cap < 4)
		return 0;
	out[0] = 1 << 6 | COAP_ACK << 4;
	out[1] = 0;
	out[2] = (uint8_t)(msgid >> 8);
	out[3] = (uint8_t)msgid;
	return 4;
}

/* Reads a delta or length nibble's extension. */
static int
opt_ext(cursor_t *c, unsigned nib, unsigned *v)
{
	if (nib < 13) {
		*v = nib;
		return 0;
	}
	if (nib == 13) {
		uint8_t b;
		if (cur_u8(c, &b) < 0)
			return -1;
		*v = 13u + b;
		return 0;
	}
	if (nib == 14) {
		uint16_t w;
		if (cur_be16(c, &w) < 0)
			return -1;
		*v = 269u + w;
		return 0;
	}
	return -1;	/* 15 is reserved outside the payload marker */
}

int
coap_parse(const uint8_t *p, size_t n, coap_msg_t *m)
{
	memset(m, 0, sizeof(*m));
	m->content_format = -1;
	cursor_t c;
	cur_init(&c, p, n);
	uint8_t b0;
	const uint8_t *tok;
	cur_u8(&c, &b0);
	cur_u8(&c, &m->code);
	cur_be16(&c, &m->msgid);
	if (c.bad || b0 >> 6 != 1 || (b0 & 0x0f) > 8)
		return -1;
	m->type = b0 >> 4 & 3;
	m->tkl = b0 & 0x0f;
	if (cur_bytes(&c, m->tkl, &tok) < 0)
		return -1;
	memcpy(m->token, tok, m->tkl);
	if (m->code == 0)	/* an empty message is exactly the 4-byte header */
		return m->tkl == 0 && cur_left(&c) == 0 ? 0 : -1;
	unsigned number = 0;
	for (unsigned i = 0; cur_left(&c); i++) {
		uint8_t h;
		cur_u8(&c, &h);
		if (h == 0xff) {
			m->payload_len = cur_left(&c);
			if (m->payload_len == 0)
				return -1;	/* a marker with no payload is a format error */
			cur_bytes(&c, m->payload_len, &m->payload);
			break;
		}
		unsigned delta, len;
		const uint8_t *val;
		if (i == COAP_MAX_OPTIONS || opt_ext(&c, h >> 4, &delta) < 0 ||
		    opt_ext(&c, h & 0x0f, &len) < 0 || cur_bytes(&c, len, &val) < 0)
			return -1;
		number += delta;
		if (number > 0xffff)
			return -1;
		if (number == COAP_OPT_CONTENT_FORMAT) {
			if (len > 2)
				return -1;
			m->content_format = len == 0 ? 0 : len == 1 ? val[0] : val[0] << 8 | val[1];
		}
	}
	return c.bad ? -1 : 0;
}

void
coap_code_str(uint8_t code, char out[8])
{
	snprintf(out, 8, "%u.%02u", code >> 5, code & 0x1f);
}
