/*
 * MQTT CONNECT building and CONNACK parsing (OASIS MQTT 3.1.1 section 3.1-3.2,
 * MQTT 5.0 section 3.1-3.2).  The CONNACK is walked with the cursor.
 */
#include "auth/mqtt_packet.h"

#include "proto/cursor.h"

#include <stdio.h>
#include <string.h>

const uint8_t mqtt_disconnect[2] = { 0xe0, 0x00 };

static size_t
put_str(uint8_t *b, size_t cap, size_t o, const char *s, bool *bad)
{
	size_t n = strlen(s);
	if (n > 65535 || o + 2 + n > cap) {
		*bad = true;
		return o;
	}
	b[o++] = (uint8_t)(n >> 8);
	b[o++] = (uint8_t)n;
	memcpy(b + o, s, n);
	return o + n;
}

size_t
mqtt_connect_packet(uint8_t *out, size_t cap, int level, const char *client_id,
    const char *user, const char *pass)
{
	/* The variable header and payload go after room for the largest fixed
	 * header (1 + 4 length bytes), then move down once the length is known. */
	bool bad = cap < 5;
	size_t o = 5;
	o = put_str(out, cap, o, "MQTT", &bad);
	if (bad || o + 4 > cap)
		return 0;
	out[o++] = (uint8_t)level;
	uint8_t flags = 0x02;	/* clean session / clean start */
	if (user)
		flags |= 0x80;
	if (user && pass)
		flags |= 0x40;	/* 3.1.1 forbids a password without a user name */
	out[o++] = flags;
	out[o++] = 0;
	out[o++] = 30;
	if (level == MQTT_V5) {
		if (o + 1 > cap)
			return 0;
		out[o++] = 0;	/* no properties */
	}
	o = put_str(out, cap, o, client_id, &bad);
	if (user)
		o = put_str(out, cap, o, user, &bad);
	if (user && pass)
		o = put_str(out, cap, o, pass, &bad);
	if (bad)
		return 0;
	size_t rem = o - 5;
	if (rem > 268435455u)
		return 0;
	uint8_t len[4];
	size_t ll = 0;
	do {
		uint8_t b = rem & 0x7f;
		rem >>= 7;
		len[ll++] = (uint8_t)(b | (rem ? 0x80 : 0));
	} while (rem);
	size_t start = 5 - 1 - ll;
	out[start] = 0x10;
	memcpy(out + start + 1, len, ll);
	memmove(out, out + start, o - start);
	return o - start;
}

/* Variable byte integer: at most 4 bytes.  -1 malformed, 1 need more. */
static int
varint(cursor_t *c, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		uint8_t b;
		if (cur_u8(c, &b) < 0)
			return 1;
		*v |= (uint32_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			return 0;
	}
	return -1;
}

static int
bad(char *why, size_t whylen, const char *msg)
{
	snprintf(why, whylen, "%s", msg);
	return -1;
}

int
mqtt_connack_parse(const uint8_t *p, size_t n, int level, mqtt_connack_t *ack,
    size_t *used, char *why, size_t whylen)
{
	cursor_t c;
	cur_init(&c, p, n);
	uint8_t type;
	uint32_t rem;
	if (cur_u8(&c, &type) < 0)
		return 1;
	if (type != 0x20)
		return bad(why, whylen, type >> 4 == 2 ? "CONNACK with reserved flags set" :
		    "the first packet is not a CONNACK");
	int r = varint(&c, &rem);
	if (r)
		return r < 0 ? bad(why, whylen, "bad remaining length") : 1;
	if (level != MQTT_V5 && rem != 2)
		return bad(why, whylen, "3.1.1 CONNACK with a remaining length other than 2");
	if (level == MQTT_V5 && (rem < 2 || rem > MQTT_CONNACK_MAX))
		return bad(why, whylen, "v5 CONNACK with a bad remaining length");
	if (cur_left(&c) < rem)
		return 1;
	cursor_t body;
	cur_sub(&c, rem, &body);
	uint8_t flags, code;
	cur_u8(&body, &flags);
	cur_u8(&body, &code);
	if (flags & 0xfe)
		return bad(why, whylen, "CONNACK acknowledge flags with reserved bits set");
	if (level == MQTT_V5 && cur_left(&body) > 0) {
		uint32_t plen;
		if (varint(&body, &plen) != 0 || plen != cur_left(&body))
			return bad(why, whylen, "v5 CONNACK properties do not fill the packet");
	}
	if (body.bad)
		return bad(why, whylen, "CONNACK cut short");
	ack->session_present = flags & 1;
	ack->code = code;
	*used = c.off;
	return 0;
}
