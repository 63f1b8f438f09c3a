/*
 * CoAP message decoding and encoding; see coap_codec.h.  The option
 * numbers a server must understand are the critical (odd) ones; those this
 * device does not act on are reported so it can answer 4.02 Bad Option, as
 * RFC 7252 5.4.1 requires, instead of serving a request it misread.
 */
#include "refdev/coap_codec.h"

#include <string.h>

/* Critical options understood (their values may still be ignored). */
static bool
known_critical(unsigned num)
{
	return num == CO_OPT_URI_HOST || num == CO_OPT_URI_PORT || num == CO_OPT_URI_PATH ||
	       num == CO_OPT_URI_QUERY || num == CO_OPT_ACCEPT || num == CO_OPT_BLOCK2;
}

/* Reads a delta or length nibble's extension at *o; -1 when reserved or short. */
static int
nibble_value(const uint8_t *p, size_t n, size_t *o, unsigned nib, unsigned *v)
{
	if (nib < 13) {
		*v = nib;
		return 0;
	}
	if (nib == 13) {
		if (n - *o < 1)
			return -1;
		*v = 13u + p[(*o)++];
		return 0;
	}
	if (nib == 14) {
		if (n - *o < 2)
			return -1;
		*v = 269u + (unsigned)(p[*o] << 8 | p[*o + 1]);
		*o += 2;
		return 0;
	}
	return -1; /* 15 is reserved outside the payload marker */
}

static unsigned
uint_value(const uint8_t *v, size_t len)
{
	unsigned x = 0;
	for (size_t i = 0; i < len; i++)
		x = x << 8 | v[i];
	return x;
}

static void
add_segment(co_msg_t *m, const uint8_t *v, size_t len)
{
	size_t have = strlen(m->path);
	if (have + 1 + len >= sizeof(m->path)) {
		m->path_bad = true;
		return;
	}
	for (size_t i = 0; i < len; i++)
		if (v[i] == '/' || v[i] < 0x20 || v[i] == 0x7f)
			m->path_bad = true;
	m->path[have] = '/';
	memcpy(m->path + have + 1, v, len);
	m->path[have + 1 + len] = '\0';
}

static void
take_option(co_msg_t *m, unsigned num, const uint8_t *v, size_t len)
{
	switch (num) {
	case CO_OPT_URI_PATH:
		add_segment(m, v, len);
		return;
	case CO_OPT_CONTENT_FORMAT:
		/* Elective: a value of the wrong length is ignored (5.4.3). */
		if (len <= 2 && m->content_format < 0)
			m->content_format = (int)uint_value(v, len);
		return;
	case CO_OPT_ACCEPT:
		if (len > 2) {
			if (m->bad_option == 0)
				m->bad_option = num;
		} else if (m->accept < 0) {
			m->accept = (int)uint_value(v, len);
		}
		return;
	default:
		if ((num & 1) && !known_critical(num) && m->bad_option == 0)
			m->bad_option = num;
		return;
	}
}

/* Options fully read: a request without Uri-Path is for "/". */
static co_rc_t
parsed(co_msg_t *m)
{
	if (m->path[0] == '\0')
		strcpy(m->path, "/");
	return CO_OK;
}

co_rc_t
co_parse(const uint8_t *p, size_t n, co_msg_t *m)
{
	memset(m, 0, sizeof(*m));
	m->content_format = -1;
	m->accept = -1;
	if (n < 4 || p[0] >> 6 != 1)
		return CO_IGNORE;
	m->type = p[0] >> 4 & 3;
	m->tkl = p[0] & 0x0f;
	m->code = p[1];
	m->mid = (uint16_t)(p[2] << 8 | p[3]);
	if (m->tkl > 8 || n - 4 < m->tkl)
		return CO_FORMAT;
	memcpy(m->token, p + 4, m->tkl);
	size_t o = 4 + m->tkl;
	if (m->code == 0) /* an Empty message is the bare header */
		return m->tkl == 0 && n == 4 ? parsed(m) : CO_FORMAT;
	unsigned num = 0;
	while (o < n) {
		uint8_t h = p[o++];
		if (h == 0xff) {
			if (o == n)
				return CO_FORMAT; /* a marker with nothing after it */
			m->payload = p + o;
			m->payload_len = n - o;
			return parsed(m);
		}
		unsigned delta, len;
		if (nibble_value(p, n, &o, h >> 4, &delta) < 0 ||
		    nibble_value(p, n, &o, h & 0x0f, &len) < 0 || len > n - o)
			return CO_FORMAT;
		num += delta;
		if (num > 0xffff)
			return CO_FORMAT;
		take_option(m, num, p + o, len);
		o += len;
	}
	return parsed(m);
}

void
co_out_init(co_out_t *o, uint8_t *buf, size_t cap)
{
	memset(o, 0, sizeof(*o));
	o->p = buf;
	o->cap = cap;
}

void
co_out_raw(co_out_t *o, const void *p, size_t n)
{
	if (o->bad || n > o->cap - o->len) {
		o->bad = true;
		return;
	}
	if (n)
		memcpy(o->p + o->len, p, n);
	o->len += n;
}

void
co_out_header(co_out_t *o, unsigned type, uint8_t code, uint16_t mid, const uint8_t *token,
    size_t tkl)
{
	if (tkl > 8) {
		o->bad = true;
		return;
	}
	uint8_t h[4] = { (uint8_t)(1u << 6 | (type & 3) << 4 | tkl), code, (uint8_t)(mid >> 8),
		         (uint8_t)mid };
	co_out_raw(o, h, sizeof(h));
	co_out_raw(o, token, tkl);
}

/* The nibble for v and its extension bytes (0, 1 or 2 of them). */
static unsigned
nibble_for(unsigned v, uint8_t ext[2], size_t *ne)
{
	if (v < 13)
		return v;
	if (v < 269) {
		ext[(*ne)++] = (uint8_t)(v - 13);
		return 13;
	}
	ext[(*ne)++] = (uint8_t)((v - 269) >> 8);
	ext[(*ne)++] = (uint8_t)(v - 269);
	return 14;
}

void
co_out_option(co_out_t *o, unsigned num, const void *val, size_t len)
{
	if (num < o->last_opt || num - o->last_opt > 0xffff + 269u || len > 0xffff + 269u) {
		o->bad = true;
		return;
	}
	uint8_t h[5];
	size_t ne = 0;
	uint8_t ext[4];
	unsigned dn = nibble_for(num - o->last_opt, ext, &ne);
	unsigned ln = nibble_for((unsigned)len, ext, &ne);
	h[0] = (uint8_t)(dn << 4 | ln);
	memcpy(h + 1, ext, ne);
	co_out_raw(o, h, 1 + ne);
	co_out_raw(o, val, len);
	o->last_opt = num;
}

void
co_out_uint_option(co_out_t *o, unsigned num, unsigned val)
{
	/* Minimal big-endian: 0 is the empty value (RFC 7252 3.2). */
	uint8_t b[4];
	size_t len = 0;
	for (int shift = 24; shift >= 0; shift -= 8)
		if (len || (val >> shift & 0xff))
			b[len++] = (uint8_t)(val >> shift);
	co_out_option(o, num, b, len);
}

void
co_out_payload(co_out_t *o, const void *p, size_t n)
{
	if (n == 0)
		return; /* no marker without a payload (3.) */
	static const uint8_t marker = 0xff;
	co_out_raw(o, &marker, 1);
	co_out_raw(o, p, n);
}

size_t
co_out_done(const co_out_t *o)
{
	return o->bad ? 0 : o->len;
}
