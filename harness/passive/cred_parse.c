/*
 * Pure parsers for the passive analyzers; see cred_parse.h.  Written as
 * straight sequences of cursor gets so a lying length can only make a parse
 * fail, never read past the bytes given.
 */
#include "passive/cred_parse.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "proto/pstr.h"

static int
b64_val(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

int
cred_b64_decode(const char *in, size_t n, uint8_t *out, size_t cap, size_t *outlen)
{
	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\t'))
		n--;
	size_t pad = 0;
	while (n > 0 && in[n - 1] == '=' && pad < 2) {
		n--;
		pad++;
	}
	/* With padding the total must be a multiple of 4; a lone sextet never
	 * encodes a byte. */
	if ((pad > 0 && (n + pad) % 4 != 0) || n % 4 == 1)
		return -1;
	uint32_t acc = 0;
	size_t bits = 0, o = 0;
	for (size_t i = 0; i < n; i++) {
		int v = b64_val((unsigned char)in[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	*outlen = o;
	return 0;
}

void
cred_mask(const char *secret, bool reveal, char *out, size_t cap)
{
	if (cap == 0)
		return;
	size_t n = strlen(secret);
	if (reveal || n == 0) {
		pstr_copy(out, cap, (const uint8_t *)secret, n);
		return;
	}
	if (n <= 3) {
		snprintf(out, cap, "***");
		return;
	}
	size_t o = 0;
	unsigned char c0 = (unsigned char)secret[0];
	/* Only a printable ASCII first byte is shown: half a UTF-8 sequence
	 * would make the attribute unreadable. */
	out[o++] = c0 >= 0x20 && c0 < 0x7f ? (char)c0 : '*';
	for (size_t i = 1; i < n && o + 1 < cap; i++)
		out[o++] = '*';
	out[o < cap ? o : cap - 1] = '\0';
}

/* Case-insensitive "name:" at the start of line; returns the value offset. */
static size_t
header_value(const char *line, size_t n, const char *name)
{
	size_t k = strlen(name);
	if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return 0;
	size_t i = k + 1;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i;
}

/* The username parameter of a Digest header value, quoted or a token. */
static void
digest_user(const char *v, size_t n, cred_http_t *out)
{
	for (size_t i = 0; i + 8 <= n; i++) {
		if (strncasecmp(v + i, "username", 8) != 0)
			continue;
		if (i > 0 && v[i - 1] != ' ' && v[i - 1] != ',' && v[i - 1] != '\t')
			continue;	/* "xusername=" is another parameter */
		size_t j = i + 8;
		while (j < n && (v[j] == ' ' || v[j] == '\t'))
			j++;
		if (j >= n || v[j] != '=')
			continue;
		j++;
		while (j < n && (v[j] == ' ' || v[j] == '\t'))
			j++;
		char tmp[CRED_STR_MAX];
		size_t o = 0;
		bool quoted = j < n && v[j] == '"';
		for (j += quoted; j < n; j++) {
			char ch = v[j];
			if (quoted && ch == '"')
				break;
			if (!quoted && (ch == ',' || ch == ' ' || ch == '\t'))
				break;
			if (quoted && ch == '\\' && j + 1 < n)
				ch = v[++j];
			if (o + 1 < sizeof(tmp))
				tmp[o++] = ch;
			else
				out->truncated = true;
		}
		pstr_copy(out->user, sizeof(out->user), (const uint8_t *)tmp, o);
		return;
	}
}

void
cred_http_line(const char *line, size_t n, cred_http_t *out)
{
	memset(out, 0, sizeof(*out));
	bool proxy = false;
	size_t v = header_value(line, n, "authorization");
	if (v == 0) {
		v = header_value(line, n, "proxy-authorization");
		proxy = v != 0;
	}
	if (v == 0)
		return;
	const char *val = line + v;
	size_t vn = n - v;
	if (vn > 6 && strncasecmp(val, "basic", 5) == 0 && (val[5] == ' ' || val[5] == '\t')) {
		size_t i = 5;
		while (i < vn && (val[i] == ' ' || val[i] == '\t'))
			i++;
		/* 3/4 of the encoded length, plus room to tell "too long". */
		uint8_t dec[2 * CRED_STR_MAX + 8];
		size_t dl;
		if (cred_b64_decode(val + i, vn - i, dec, sizeof(dec), &dl) < 0) {
			out->kind = CRED_HTTP_BAD;
			return;
		}
		out->kind = proxy ? CRED_HTTP_PROXY_BASIC : CRED_HTTP_BASIC;
		const uint8_t *colon = memchr(dec, ':', dl);
		/* RFC 7617 requires the colon; a token without one ("Basic
		 * <api key>") is all secret, so it goes to pass. */
		size_t ul = colon ? (size_t)(colon - dec) : 0;
		const uint8_t *pp = colon ? colon + 1 : dec;
		size_t pl = colon ? dl - ul - 1 : dl;
		out->truncated = ul >= CRED_STR_MAX || pl >= CRED_STR_MAX;
		pstr_copy(out->user, sizeof(out->user), dec, ul);
		pstr_copy(out->pass, sizeof(out->pass), pp, pl);
		return;
	}
	if (vn > 7 && strncasecmp(val, "bearer", 6) == 0 && (val[6] == ' ' || val[6] == '\t')) {
		/* An API token is as good as a password to whoever reads it. */
		size_t i = 7;
		while (i < vn && (val[i] == ' ' || val[i] == '\t'))
			i++;
		if (i == vn)
			return;
		out->kind = CRED_HTTP_BEARER;
		cred_copy(out->pass, sizeof(out->pass), (const uint8_t *)val + i, vn - i,
		    &out->truncated);
		return;
	}
	if (vn > 7 && strncasecmp(val, "digest", 6) == 0 && (val[6] == ' ' || val[6] == '\t')) {
		out->kind = CRED_HTTP_DIGEST;
		digest_user(val + 7, vn - 7, out);
	}
}

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Percent-decodes v[0..n) ('+' is a space) into a printable copy. */
static void
query_value(const char *v, size_t n, char *out, size_t cap, bool *trunc)
{
	uint8_t tmp[CRED_STR_MAX] = { 0 };
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = (uint8_t)v[i];
		if (ch == '+') {
			ch = ' ';
		} else if (ch == '%' && i + 2 < n && hexval(v[i + 1]) >= 0 &&
		    hexval(v[i + 2]) >= 0) {
			ch = (uint8_t)(hexval(v[i + 1]) << 4 | hexval(v[i + 2]));
			i += 2;
		}
		if (o < sizeof(tmp))
			tmp[o++] = ch;
		else
			*trunc = true;
	}
	cred_copy(out, cap, tmp, o, trunc);
}

static bool
key_in(const char *k, size_t kn, const char *const *set)
{
	for (size_t i = 0; set[i]; i++)
		if (strlen(set[i]) == kn && strncasecmp(k, set[i], kn) == 0)
			return true;
	return false;
}

int
cred_http_query(const char *line, size_t n, cred_http_t *out)
{
	static const char *const pass_keys[] = { "password", "passwd", "pwd", "pass", "loginpas",
		NULL };
	static const char *const user_keys[] = { "user", "username", "usr", "login", "loginuse",
		"account", NULL };
	memset(out, 0, sizeof(*out));
	/* The target: between the first and the second space. */
	const char *sp = memchr(line, ' ', n);
	if (sp == NULL)
		return 0;
	const char *t = sp + 1, *end = line + n;
	const char *sp2 = memchr(t, ' ', (size_t)(end - t));
	if (sp2 != NULL)
		end = sp2;
	const char *q = memchr(t, '?', (size_t)(end - t));
	if (q == NULL)
		return 0;
	bool found = false;
	for (const char *p = q + 1; p < end;) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *pe = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(pe - p));
		if (eq != NULL) {
			size_t kn = (size_t)(eq - p);
			if (key_in(p, kn, pass_keys) && !found) {
				query_value(eq + 1, (size_t)(pe - eq - 1), out->pass, sizeof(out->pass),
				    &out->truncated);
				found = true;
			} else if (key_in(p, kn, user_keys) && out->user[0] == '\0') {
				query_value(eq + 1, (size_t)(pe - eq - 1), out->user, sizeof(out->user),
				    &out->truncated);
			}
		}
		p = pe + 1;
	}
	return found ? 1 : 0;
}

int
cred_mqtt_varint(cursor_t *c, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		uint8_t b;
		if (cur_u8(c, &b) < 0)
			return -1;
		*v |= (uint32_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			return 0;
	}
	c->bad = true;	/* a fifth length byte is malformed */
	return -1;
}

/*
 * A length-prefixed MQTT string.  Strict: the whole string must be there.
 * Lenient (partial): what is there is kept and *trunc set.  -1 when not even
 * the length could be read (strict), or in strict mode a short string.
 */
static int
mqtt_str(cursor_t *c, bool partial, char *out, size_t cap, bool *trunc, size_t *off)
{
	uint16_t len;
	if (out && cap)
		out[0] = '\0';
	if (cur_be16(c, &len) < 0)
		return -1;
	size_t avail = cur_left(c) < len ? cur_left(c) : len;
	if (avail < len && !partial) {
		c->bad = true;
		return -1;
	}
	if (off)
		*off = c->off;
	const uint8_t *s;
	cur_bytes(c, avail, &s);
	if (out && cap)
		pstr_copy(out, cap, s, avail);
	if (avail < len || (out && len >= cap))
		*trunc = true;
	return 0;
}

int
cred_mqtt_connect(const uint8_t *p, size_t n, bool partial, cred_mqtt_t *m)
{
	memset(m, 0, sizeof(*m));
	cursor_t all, c;
	uint8_t type, level, flags;
	uint32_t rl;
	cur_init(&all, p, n);
	if (cur_u8(&all, &type) < 0 || type != 0x10 || cred_mqtt_varint(&all, &rl) < 0)
		return -1;
	size_t body = rl;
	if (body > cur_left(&all)) {
		if (!partial)
			return -1;
		body = cur_left(&all);
		m->truncated = true;
	}
	cur_sub(&all, body, &c);
	uint16_t nl;
	const uint8_t *name;
	cur_be16(&c, &nl);
	if (c.bad || (nl != 4 && nl != 6) || cur_bytes(&c, nl, &name) < 0)
		return -1;
	cur_u8(&c, &level);
	cur_u8(&c, &flags);
	cur_skip(&c, 2);	/* keep-alive */
	if (c.bad)
		return -1;
	level &= 0x7f;		/* bit 7: the bridge flag of some brokers */
	if (nl == 4 && memcmp(name, "MQTT", 4) == 0 && (level == 4 || level == 5))
		m->level = level;
	else if (nl == 6 && memcmp(name, "MQIsdp", 6) == 0 && level == 3)
		m->level = 3;
	else
		return -1;
	if ((flags & 0x01) || (flags & 0x18) == 0x18)
		return -1;	/* reserved bit, or will QoS 3 */
	m->has_user = flags & 0x80;
	m->has_pass = flags & 0x40;
	bool trunc = false;
	uint32_t plen;
	if (m->level == 5 && (cred_mqtt_varint(&c, &plen) < 0 || cur_skip(&c, plen) < 0))
		goto cut;
	if (mqtt_str(&c, false, m->client_id, sizeof(m->client_id), &trunc, NULL) < 0)
		goto cut;
	trunc = false;		/* a long client id is no concern here */
	if (flags & 0x04) {
		if (m->level == 5 && (cred_mqtt_varint(&c, &plen) < 0 || cur_skip(&c, plen) < 0))
			goto cut;
		if (mqtt_str(&c, false, NULL, 0, &trunc, NULL) < 0 ||
		    mqtt_str(&c, false, NULL, 0, &trunc, NULL) < 0)
			goto cut;
	}
	if (m->has_user && mqtt_str(&c, partial, m->user, sizeof(m->user), &trunc, NULL) < 0)
		goto cut;
	if (m->has_pass &&
	    mqtt_str(&c, partial, m->pass, sizeof(m->pass), &trunc, &m->pass_off) < 0)
		goto cut;
	if (m->has_pass) {
		m->pass_off += (size_t)(c.p - p);
		m->pass_located = true;
	}
	m->truncated |= trunc;
	if (!partial && cur_left(&c) != 0)
		return -1;	/* bytes the flags do not account for */
	return 0;
cut:
	/* The flags promise fields the bytes do not hold. */
	if (!partial)
		return -1;
	m->truncated = true;
	return 0;
}

/* A BER length (short form, or long form of 1 or 2 bytes). */
static int
ber_len(cursor_t *c, size_t *len)
{
	uint8_t b, b2;
	*len = 0;
	if (cur_u8(c, &b) < 0)
		return -1;
	if (b < 0x80) {
		*len = b;
		return 0;
	}
	if (b == 0x81 && cur_u8(c, &b2) == 0) {
		*len = b2;
		return 0;
	}
	uint16_t v;
	if (b == 0x82 && cur_be16(c, &v) == 0) {
		*len = v;
		return 0;
	}
	c->bad = true;
	return -1;
}

/* A TLV of tag `tag` as a sub-cursor over its value. */
static int
ber_tlv(cursor_t *c, uint8_t tag, cursor_t *val)
{
	uint8_t t;
	size_t len;
	if (cur_u8(c, &t) < 0 || t != tag || ber_len(c, &len) < 0)
		return -1;
	return cur_sub(c, len, val);
}

/* A small non-negative INTEGER (1 to 4 value bytes). */
static int
ber_uint(cursor_t *c, long *v)
{
	cursor_t iv;
	*v = 0;
	if (ber_tlv(c, 0x02, &iv) < 0 || iv.len == 0 || iv.len > 4)
		return -1;
	for (size_t i = 0; i < iv.len; i++) {
		uint8_t b;
		cur_u8(&iv, &b);
		if (i == 0 && (b & 0x80))
			return -1;
		*v = *v << 8 | b;
	}
	return 0;
}

int
cred_snmp_peek(const uint8_t *p, size_t n, cred_snmp_t *m)
{
	memset(m, 0, sizeof(*m));
	cursor_t all, msg, v;
	cur_init(&all, p, n);
	if (ber_tlv(&all, 0x30, &msg) < 0)
		return -1;
	m->msg_len = all.off;
	if (ber_uint(&msg, &m->version) < 0)
		return -1;
	if (m->version == 0 || m->version == 1) {
		if (ber_tlv(&msg, 0x04, &v) < 0)
			return -1;
		m->community = v.p;
		m->community_len = v.len;
		uint8_t tag;
		size_t len;
		if (cur_u8(&msg, &tag) < 0 || tag < 0xa0 || tag > 0xa8 ||
		    ber_len(&msg, &len) < 0 || len != cur_left(&msg))
			return -1;
		m->pdu = tag;
		return 0;
	}
	if (m->version != 3)
		return -1;
	/* msgGlobalData: msgID, msgMaxSize, msgFlags (one byte), model. */
	cursor_t hd, fl;
	long id, max, model;
	uint8_t flags;
	if (ber_tlv(&msg, 0x30, &hd) < 0 || ber_uint(&hd, &id) < 0 || ber_uint(&hd, &max) < 0 ||
	    ber_tlv(&hd, 0x04, &fl) < 0 || fl.len != 1 || cur_u8(&fl, &flags) < 0 ||
	    ber_uint(&hd, &model) < 0 || cur_left(&hd) != 0 || max < 484)
		return -1;
	m->v3_flags = flags;
	return 0;
}

static bool
ends_with_ci(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);
	return n >= k && strncasecmp(s + n - k, suf, k) == 0;
}

cred_prompt_t
cred_prompt_at_end(const uint8_t *p, size_t n)
{
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\0'))
		n--;
	size_t s = n;
	while (s > 0 && p[s - 1] != '\n' && p[s - 1] != '\r')
		s--;
	/* A prompt is short; a long line ending in "user:" is prose. */
	if (n - s == 0 || n - s > 80)
		return CRED_PROMPT_NONE;
	const char *l = (const char *)p + s;
	size_t ln = n - s;
	static const char *const user[] = { "login:", "username:", "user name:", "user:" };
	static const char *const pass[] = { "password:", "passwd:", "passcode:" };
	for (size_t i = 0; i < sizeof(user) / sizeof(user[0]); i++)
		if (ends_with_ci(l, ln, user[i]))
			return CRED_PROMPT_USER;
	for (size_t i = 0; i < sizeof(pass) / sizeof(pass[0]); i++)
		if (ends_with_ci(l, ln, pass[i]))
			return CRED_PROMPT_PASS;
	return CRED_PROMPT_NONE;
}

void
cred_remote_host(const pv_flow_t *f, char *out, size_t len)
{
	char t[80];
	if (len == 0)
		return;
	pv_addr_text(f, f->dut == PV_DUT_SERVER ? 0 : 1, t, sizeof(t));
	/* pv_addr_text writes "a.b.c.d:port" or "[v6]:port". */
	char *end = strrchr(t, ':');
	char *s = t;
	if (t[0] == '[') {
		s = t + 1;
		end = strchr(s, ']');
	}
	if (end != NULL)
		*end = '\0';
	snprintf(out, len, "%s", s);
}

void
cred_copy(char *out, size_t cap, const uint8_t *p, size_t n, bool *trunc)
{
	pstr_copy(out, cap, p, n);
	if (n >= cap)
		*trunc = true;
}
