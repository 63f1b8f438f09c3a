/*
 * ClientHello parsing; see tls_client_hello.h.  A hello is what a device
 * under test sent, so it is untrusted input: every length is checked
 * through the cursor and anything inconsistent is a rejection, never a
 * guess.
 */
#include "proto/tls_client_hello.h"
#include "crypto/suites.h"
#include "proto/cursor.h"

#include <string.h>

bool
tls_is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

const char *
tls_suite_name(uint16_t id)
{
	/* The signalling suites are not in the suite table (no cipher), but
	 * clients send them and a report should name them. */
	if (id == 0x00ff)
		return "TLS_EMPTY_RENEGOTIATION_INFO_SCSV";
	if (id == 0x5600)
		return "TLS_FALLBACK_SCSV";
	const tls_suite_info_t *s = tls_suite_find(id);
	return s ? s->name : NULL;
}

/* Copies a wire string, replacing what could confuse a report reader. */
static void
printable(char *out, size_t cap, const uint8_t *p, size_t n)
{
	size_t k = n < cap - 1 ? n : cap - 1;
	for (size_t i = 0; i < k; i++)
		out[i] = p[i] > 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	out[k] = '\0';
}

static int
ext_sni(cursor_t *x, tls_client_hello_info_t *ch)
{
	uint16_t list;
	cursor_t l;
	cur_be16(x, &list);
	if (x->bad || cur_sub(x, list, &l) < 0)
		return -1;
	while (cur_left(&l) > 0) {
		uint8_t type;
		uint16_t len;
		const uint8_t *name;
		cur_u8(&l, &type);
		cur_be16(&l, &len);
		if (l.bad || cur_bytes(&l, len, &name) < 0)
			return -1;
		if (type == 0 && ch->sni[0] == '\0' && len > 0)	/* host_name */
			printable(ch->sni, sizeof(ch->sni), name, len);
	}
	return 0;
}

static int
ext_alpn(cursor_t *x, tls_client_hello_info_t *ch)
{
	uint16_t list;
	cursor_t l;
	size_t used = 0;
	cur_be16(x, &list);
	if (x->bad || cur_sub(x, list, &l) < 0)
		return -1;
	while (cur_left(&l) > 0) {
		uint8_t len;
		const uint8_t *proto;
		cur_u8(&l, &len);
		if (l.bad || cur_bytes(&l, len, &proto) < 0)
			return -1;
		/* Truncated on a protocol boundary, so no half name is shown. */
		if (used + len + 2 > sizeof(ch->alpn))
			continue;
		if (used)
			ch->alpn[used++] = ',';
		printable(ch->alpn + used, sizeof(ch->alpn) - used, proto, len);
		used += len;
	}
	return 0;
}

static int
ext_versions(cursor_t *x, tls_client_hello_info_t *ch)
{
	uint8_t len;
	cursor_t l;
	cur_u8(x, &len);
	if (x->bad || (len & 1) || cur_sub(x, len, &l) < 0)
		return -1;
	ch->have_versions = true;
	while (cur_left(&l) > 0) {
		uint16_t v;
		cur_be16(&l, &v);
		if (!tls_is_grease(v) && ch->n_versions < TLS_CH_MAX_VERSIONS)
			ch->versions[ch->n_versions++] = v;
	}
	return 0;
}

static int
extensions(cursor_t *e, tls_client_hello_info_t *ch)
{
	while (cur_left(e) > 0) {
		uint16_t type, len;
		cursor_t x;
		cur_be16(e, &type);
		cur_be16(e, &len);
		if (e->bad || cur_sub(e, len, &x) < 0)
			return -1;
		int r = 0;
		if (type == 0)
			r = ext_sni(&x, ch);
		else if (type == 16)
			r = ext_alpn(&x, ch);
		else if (type == 43)
			r = ext_versions(&x, ch);
		if (r < 0 || x.bad)
			return -1;
	}
	return e->bad ? -1 : 0;
}

tls_perr_t
tls_parse_client_hello(const uint8_t *p, size_t n, bool dtls, tls_client_hello_info_t *ch)
{
	memset(ch, 0, sizeof(*ch));
	cursor_t c, s, e;
	uint8_t sidlen, cklen, complen;
	uint16_t slen, elen;
	cur_init(&c, p, n);
	cur_be16(&c, &ch->legacy_version);
	cur_skip(&c, 32);	/* random */
	cur_u8(&c, &sidlen);
	if (c.bad || sidlen > 32 || cur_skip(&c, sidlen) < 0)
		return TLS_P_BAD_HANDSHAKE;
	/* TLS: major 3; DTLS: its ones' complement form, 0xfe. */
	if ((ch->legacy_version >> 8) != (dtls ? 0xfe : 0x03))
		return TLS_P_BAD_HANDSHAKE;
	if (dtls) {
		cur_u8(&c, &cklen);
		if (c.bad || cur_skip(&c, cklen) < 0)
			return TLS_P_BAD_HANDSHAKE;
	}
	cur_be16(&c, &slen);
	if (c.bad || slen == 0 || (slen & 1) || cur_sub(&c, slen, &s) < 0)
		return TLS_P_BAD_HANDSHAKE;
	while (cur_left(&s) > 0) {
		uint16_t id;
		cur_be16(&s, &id);
		if (tls_is_grease(id))
			continue;
		ch->n_suites_total++;
		if (ch->n_suites < TLS_CH_MAX_SUITES)
			ch->suites[ch->n_suites++] = id;
	}
	cur_u8(&c, &complen);
	if (c.bad || complen == 0 || cur_skip(&c, complen) < 0)
		return TLS_P_BAD_HANDSHAKE;
	if (cur_left(&c) == 0)
		return TLS_P_OK;	/* no extensions: SSLv3-era hello */
	cur_be16(&c, &elen);
	if (c.bad || cur_sub(&c, elen, &e) < 0 || cur_left(&c) != 0)
		return TLS_P_BAD_HANDSHAKE;
	if (extensions(&e, ch) < 0)
		return TLS_P_BAD_HANDSHAKE;
	return TLS_P_OK;
}

/* Sorting key: TLS highest first, then DTLS highest first (DTLS versions
 * count down: 0xfeff is 1.0, 0xfefd 1.2, 0xfefc 1.3). */
static int
rank(uint16_t v)
{
	if ((v >> 8) == 0x03)
		return 0x1000 - (v & 0xff);
	if ((v >> 8) == 0xfe)
		return 0x2000 + (v & 0xff);
	return 0x3000 + (v >> 8);
}

size_t
tls_ch_offered_versions(const tls_client_hello_info_t *ch, uint16_t *out, size_t cap)
{
	size_t n = 0;
	const uint16_t *src = ch->have_versions ? ch->versions : &ch->legacy_version;
	size_t ns = ch->have_versions ? ch->n_versions : 1;
	for (size_t i = 0; i < ns && n < cap; i++) {
		bool dup = false;
		for (size_t j = 0; j < n; j++)
			dup |= out[j] == src[i];
		if (dup)
			continue;
		/* Insertion keeps the list sorted; it holds at most 16. */
		size_t k = n++;
		while (k > 0 && rank(out[k - 1]) > rank(src[i])) {
			out[k] = out[k - 1];
			k--;
		}
		out[k] = src[i];
	}
	return n;
}
