/*
 * MQTT wire decoding for the broker: a bounds-checked cursor, UTF-8 and topic
 * filter rules, and CONNECT.  No I/O, so the unit tests feed it directly.
 */
#include "refdev/mqtt_codec.h"

#include <string.h>

#include <openssl/crypto.h>

#define MAX_LEVELS 128

size_t
mq_left(const mq_cur_t *k)
{
	return k->len - k->off;
}

int
mq_u8(mq_cur_t *k, unsigned *v)
{
	if (mq_left(k) < 1)
		return -1;
	*v = k->p[k->off++];
	return 0;
}

int
mq_u16(mq_cur_t *k, unsigned *v)
{
	if (mq_left(k) < 2)
		return -1;
	*v = (unsigned)k->p[k->off] << 8 | k->p[k->off + 1];
	k->off += 2;
	return 0;
}

int
mq_bin(mq_cur_t *k, mq_span_t *s)
{
	unsigned n;
	if (mq_u16(k, &n) < 0 || mq_left(k) < n)
		return -1;
	s->p = k->p + k->off;
	s->n = n;
	k->off += n;
	return 0;
}

int
mq_varint(mq_cur_t *k, uint32_t *v)
{
	uint32_t val = 0;
	for (int i = 0; i < 4; i++) {
		unsigned b;
		if (mq_u8(k, &b) < 0)
			return -1;
		val |= (uint32_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*v = val;
			return 0;
		}
	}
	return -1;
}

/* MQTT 5 properties: only skipped, but their length must fit. */
int
mq_skip_props(mq_cur_t *k, int level)
{
	if (level != 5)
		return 0;
	uint32_t n;
	if (mq_varint(k, &n) < 0 || mq_left(k) < n)
		return -1;
	k->off += n;
	return 0;
}

/* Well-formed UTF-8 without U+0000 or surrogates, as MQTT strings must be. */
bool
mq_utf8_ok(const mq_span_t *s)
{
	const unsigned char *p = s->p;
	size_t n = s->n, i = 0;
	while (i < n) {
		unsigned c = p[i];
		size_t len;
		uint32_t cp, min;
		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			len = 2, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

int
mq_str(mq_cur_t *k, mq_span_t *s)
{
	return mq_bin(k, s) < 0 || !mq_utf8_ok(s) ? -1 : 0;
}

bool
mq_span_is(const mq_span_t *s, const char *lit)
{
	size_t n = strlen(lit);
	return s->n == n && memcmp(s->p, lit, n) == 0;
}

bool
mq_span_secret_eq(const mq_span_t *s, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;
	return secret && s->n == n && CRYPTO_memcmp(s->p, secret, n) == 0;
}

/* Splits a topic or filter into levels; -1 when there are too many. */
static int
levels(const unsigned char *p, size_t n, mq_span_t *out, size_t max)
{
	size_t count = 0, start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && p[i] != '/')
			continue;
		if (count == max)
			return -1;
		out[count].p = p + start;
		out[count].n = i - start;
		count++;
		start = i + 1;
	}
	return (int)count;
}

bool
mq_filter_valid(const mq_span_t *f)
{
	mq_span_t lv[MAX_LEVELS];
	int n = f->n ? levels(f->p, f->n, lv, MAX_LEVELS) : -1;
	if (n < 0)
		return false;
	for (int i = 0; i < n; i++) {
		bool hash = memchr(lv[i].p, '#', lv[i].n) != NULL;
		bool plus = memchr(lv[i].p, '+', lv[i].n) != NULL;
		if ((hash && (lv[i].n != 1 || i != n - 1)) || (plus && lv[i].n != 1))
			return false;
	}
	return true;
}

bool
mq_filter_matches(const mq_span_t *f, const char *topic)
{
	mq_span_t fl[MAX_LEVELS], tl[MAX_LEVELS];
	int nf = levels(f->p, f->n, fl, MAX_LEVELS);
	int nt = levels((const unsigned char *)topic, strlen(topic), tl, MAX_LEVELS);
	if (nf <= 0 || nt <= 0)
		return false;
	/* Wildcards at the first level never match topics starting with '$'. */
	if (topic[0] == '$' && fl[0].n == 1 && (fl[0].p[0] == '#' || fl[0].p[0] == '+'))
		return false;
	for (int i = 0; i < nf; i++) {
		if (fl[i].n == 1 && fl[i].p[0] == '#')
			return true;
		if (i >= nt)
			return false;
		if (fl[i].n == 1 && fl[i].p[0] == '+')
			continue;
		if (fl[i].n != tl[i].n || memcmp(fl[i].p, tl[i].p, fl[i].n) != 0)
			return false;
	}
	return nf == nt;
}

int
mq_parse_connect(const unsigned char *body, size_t len, mq_connect_t *ci)
{
	mq_cur_t k = { body, len, 0 };
	mq_span_t proto, will_topic, will_msg;
	unsigned level, flags;
	if (mq_str(&k, &proto) < 0 || mq_u8(&k, &level) < 0)
		return -1;
	if (mq_span_is(&proto, "MQIsdp") && level == 3)
		ci->level = 3;
	else if (mq_span_is(&proto, "MQTT") && (level == 4 || level == 5))
		ci->level = (int)level;
	else if (mq_span_is(&proto, "MQTT"))
		return 1;
	else
		return -1;
	if (mq_u8(&k, &flags) < 0 || (flags & 0x01) || mq_u16(&k, &ci->keepalive) < 0)
		return -1;
	bool will = flags & 0x04;
	unsigned will_qos = (flags >> 3) & 3;
	if (will_qos == 3 || (!will && (will_qos || (flags & 0x20))))
		return -1;
	ci->has_user = flags & 0x80;
	ci->has_pass = flags & 0x40;
	if (ci->level != 5 && ci->has_pass && !ci->has_user)
		return -1;
	if (mq_skip_props(&k, ci->level) < 0 || mq_str(&k, &ci->client_id) < 0)
		return -1;
	if (will && (mq_skip_props(&k, ci->level) < 0 || mq_str(&k, &will_topic) < 0 ||
	                mq_bin(&k, &will_msg) < 0))
		return -1;
	if (ci->has_user && mq_str(&k, &ci->user) < 0)
		return -1;
	if (ci->has_pass && mq_bin(&k, &ci->pass) < 0)
		return -1;
	return mq_left(&k) == 0 ? 0 : -1;
}

