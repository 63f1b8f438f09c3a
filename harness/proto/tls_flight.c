/*
 * The server's first flight, parsed: records reassembled across reads,
 * handshake messages across records, ServerHello (and HelloRetryRequest),
 * Certificate and alerts; see tls_hello.h.  Device bytes are read only
 * through the cursor, and both buffers have hard caps, so a server sending
 * endless or malformed data ends in a precise error, not a crash.
 */
#include "proto/tls_hello.h"
#include "core/util.h"
#include "crypto/suites.h"
#include "proto/cursor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SHA-256("HelloRetryRequest"): the random that marks an HRR. */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02,
	0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

struct tls_stream {
	bool want_certs;
	bool done;
	tls_flight_t fl;
	tls_perr_t err;
	char msg[128];
	unsigned nrec;			/* records seen, for messages */
	size_t rlen, hlen;
	uint8_t rec[5 + TLS_RECORD_MAX];
	uint8_t hs[TLS_HS_BUF_MAX];
};

const char *
tls_perr_str(tls_perr_t e)
{
	switch (e) {
	case TLS_P_OK: return "ok";
	case TLS_P_NOT_TLS: return "not TLS";
	case TLS_P_OVERSIZE: return "over the size cap";
	case TLS_P_BAD_RECORD: return "malformed record";
	case TLS_P_BAD_HANDSHAKE: return "malformed handshake message";
	case TLS_P_UNEXPECTED: return "unexpected message";
	}
	return "?";
}

static tls_perr_t
parse_ext(cursor_t *e, tls_server_hello_t *sh)
{
	while (cur_left(e) > 0) {
		uint16_t type, len, v;
		uint8_t b;
		cursor_t x;
		cur_be16(e, &type);
		cur_be16(e, &len);
		if (cur_sub(e, len, &x) < 0)
			return TLS_P_BAD_HANDSHAKE;
		if (sh->n_ext < sizeof(sh->ext) / sizeof(sh->ext[0]))
			sh->ext[sh->n_ext++] = type;
		switch (type) {
		case 43:	/* supported_versions: the selected one */
			cur_be16(&x, &v);
			sh->version = v;
			break;
		case 51:	/* key_share: group first, in HRR and ServerHello */
			cur_be16(&x, &sh->group);
			break;
		case TLS_EXT_RENEG_INFO:
			cur_u8(&x, &b);
			cur_skip(&x, b);
			sh->reneg_info = true;
			break;
		case TLS_EXT_HEARTBEAT:
			cur_u8(&x, &sh->heartbeat_mode);
			sh->heartbeat = true;
			break;
		case 23:
			sh->ems = true;
			break;
		default:
			cur_skip(&x, len);
			break;
		}
		if (x.bad)
			return TLS_P_BAD_HANDSHAKE;
	}
	return e->bad ? TLS_P_BAD_HANDSHAKE : TLS_P_OK;
}

tls_perr_t
tls_parse_server_hello(const uint8_t *p, size_t n, tls_server_hello_t *sh)
{
	memset(sh, 0, sizeof(*sh));
	cursor_t c, e;
	const uint8_t *rnd;
	uint8_t sl;
	cur_init(&c, p, n);
	cur_be16(&c, &sh->legacy_version);
	cur_bytes(&c, 32, &rnd);
	cur_u8(&c, &sl);
	if (c.bad || sl > 32 || sh->legacy_version < TLSV_SSL3 || sh->legacy_version > TLSV_TLS12)
		return TLS_P_BAD_HANDSHAKE;
	memcpy(sh->random, rnd, 32);
	sh->hrr = memcmp(rnd, hrr_random, 32) == 0;
	sh->version = sh->legacy_version;
	cur_skip(&c, sl);
	cur_be16(&c, &sh->suite);
	cur_u8(&c, &sh->compression);
	if (c.bad)
		return TLS_P_BAD_HANDSHAKE;
	if (cur_left(&c) == 0)
		return TLS_P_OK;	/* SSLv3-era hello without extensions */
	uint16_t el;
	cur_be16(&c, &el);
	/* A failed get latches `bad` and yields 0: test it before trusting el. */
	if (c.bad || cur_sub(&c, el, &e) < 0 || cur_left(&c) != 0)
		return TLS_P_BAD_HANDSHAKE;
	tls_perr_t r = parse_ext(&e, sh);
	if (r == TLS_P_OK && (sh->version < TLSV_SSL3 || sh->version > TLSV_TLS13))
		return TLS_P_BAD_HANDSHAKE;
	return r;
}

void
tls_certs_clear(tls_certs_t *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->der[i]);
	memset(c, 0, sizeof(*c));
}

tls_perr_t
tls_parse_certificate(const uint8_t *p, size_t n, tls_certs_t *c)
{
	memset(c, 0, sizeof(*c));
	cursor_t cur, list;
	uint32_t total;
	cur_init(&cur, p, n);
	cur_be24(&cur, &total);
	if (cur.bad || cur_sub(&cur, total, &list) < 0 || cur_left(&cur) != 0)
		return TLS_P_BAD_HANDSHAKE;
	while (cur_left(&list) > 0) {
		uint32_t len;
		const uint8_t *der;
		cur_be24(&list, &len);
		if (len == 0 || cur_bytes(&list, len, &der) < 0) {
			tls_certs_clear(c);
			return TLS_P_BAD_HANDSHAKE;
		}
		if (c->n == TLS_CERTS_MAX) {
			c->truncated = true;
			continue;
		}
		c->der[c->n] = xcalloc(len, 1);
		memcpy(c->der[c->n], der, len);
		c->len[c->n++] = len;
	}
	return TLS_P_OK;
}

tls_stream_t *
tls_stream_new(bool want_certs)
{
	tls_stream_t *s = xcalloc(1, sizeof(*s));
	s->want_certs = want_certs;
	return s;
}

void
tls_stream_free(tls_stream_t *s)
{
	if (s == NULL)
		return;
	tls_certs_clear(&s->fl.certs);
	free(s);
}

const tls_flight_t *
tls_stream_flight(const tls_stream_t *s)
{
	return &s->fl;
}

tls_flight_t *
tls_stream_flight_mut(tls_stream_t *s)
{
	return &s->fl;
}

tls_perr_t
tls_stream_err(const tls_stream_t *s)
{
	return s->err;
}

const char *
tls_stream_errmsg(const tls_stream_t *s)
{
	return s->err ? s->msg : "";
}

static tls_feed_t
fail(tls_stream_t *s, tls_perr_t e, const char *fmt, unsigned a, unsigned b)
{
	s->err = e;
	char what[96];
	snprintf(what, sizeof(what), fmt, a, b);
	snprintf(s->msg, sizeof(s->msg), "record %u: %s", s->nrec, what);
	return TLS_FEED_ERROR;
}

static tls_feed_t
finish(tls_stream_t *s)
{
	s->done = true;
	return TLS_FEED_DONE;
}

/* The group or prime size a ServerKeyExchange names, by the chosen suite's
 * key exchange; other exchanges (PSK hints, SRP) are left alone. */
static void
server_kx(tls_flight_t *f, const uint8_t *body, size_t len)
{
	const tls_suite_info_t *s = tls_suite_find(f->hello.suite);
	cursor_t c;
	cur_init(&c, body, len);
	if (s == NULL)
		return;
	if (strcmp(s->kex, "ECDHE") == 0) {
		uint8_t type;
		uint16_t g;
		cur_u8(&c, &type);
		cur_be16(&c, &g);
		if (!c.bad && type == 3)	/* named_curve */
			f->ske_group = g;
	} else if (strcmp(s->kex, "DHE") == 0) {
		uint16_t plen;
		const uint8_t *prime;
		cur_be16(&c, &plen);
		if (cur_bytes(&c, plen, &prime) < 0)
			return;
		size_t i = 0;
		while (i < plen && prime[i] == 0)
			i++;
		if (i == plen)
			return;
		unsigned bits = (unsigned)(plen - i) * 8;
		for (uint8_t top = prime[i]; !(top & 0x80); top <<= 1)
			bits--;
		f->ske_dh_bits = bits;
	}
}

static tls_feed_t
handshake_msg(tls_stream_t *s, uint8_t type, const uint8_t *body, size_t len)
{
	tls_flight_t *f = &s->fl;
	if (type == TLS_HS_SERVER_HELLO) {
		if (f->have_hello)
			return fail(s, TLS_P_UNEXPECTED, "a second ServerHello", 0, 0);
		if (tls_parse_server_hello(body, len, &f->hello) != TLS_P_OK)
			return fail(s, TLS_P_BAD_HANDSHAKE, "ServerHello of %u bytes does not parse",
			    (unsigned)len, 0);
		f->have_hello = true;
		if (f->hello.hrr)
			return finish(s);
		if (f->hello.version == TLSV_TLS13) {
			f->encrypted = true;
			return finish(s);
		}
		return TLS_FEED_MORE;
	}
	if (type == 0)
		return TLS_FEED_MORE;	/* HelloRequest: meaningless here */
	if (!f->have_hello)
		return fail(s, TLS_P_UNEXPECTED, "handshake type %u before ServerHello", type, 0);
	if (type == TLS_HS_CERTIFICATE && s->want_certs && !f->have_certs) {
		if (tls_parse_certificate(body, len, &f->certs) != TLS_P_OK)
			return fail(s, TLS_P_BAD_HANDSHAKE, "Certificate of %u bytes does not parse",
			    (unsigned)len, 0);
		f->have_certs = true;
	}
	if (type == TLS_HS_SERVER_KX)
		server_kx(f, body, len);
	if (type == TLS_HS_SERVER_DONE) {
		f->hello_done = true;
		return finish(s);
	}
	return TLS_FEED_MORE;
}

/* Appends a handshake record and consumes every complete message. */
static tls_feed_t
handshake_record(tls_stream_t *s, const uint8_t *p, size_t n)
{
	if (n > sizeof(s->hs) - s->hlen)
		return fail(s, TLS_P_OVERSIZE, "handshake data beyond %u bytes",
		    (unsigned)sizeof(s->hs), 0);
	memcpy(s->hs + s->hlen, p, n);
	s->hlen += n;
	size_t off = 0;
	tls_feed_t r = TLS_FEED_MORE;
	while (r == TLS_FEED_MORE && s->hlen - off >= 4) {
		cursor_t c;
		uint8_t type;
		uint32_t len;
		const uint8_t *body;
		cur_init(&c, s->hs + off, s->hlen - off);
		cur_u8(&c, &type);
		cur_be24(&c, &len);
		if (len > sizeof(s->hs) - 4)
			return fail(s, TLS_P_OVERSIZE, "handshake message of %u bytes", len, 0);
		if (cur_bytes(&c, len, &body) < 0)
			break;	/* the rest comes in a later record */
		off += 4 + len;
		r = handshake_msg(s, type, body, len);
	}
	memmove(s->hs, s->hs + off, s->hlen - off);
	s->hlen -= off;
	return r;
}

static tls_feed_t
record(tls_stream_t *s, uint8_t type, const uint8_t *p, size_t n)
{
	tls_flight_t *f = &s->fl;
	s->nrec++;
	switch (type) {
	case TLS_CT_HANDSHAKE:
		return handshake_record(s, p, n);
	case TLS_CT_ALERT:
		if (n != 2)
			return fail(s, TLS_P_BAD_RECORD, "alert record of %u bytes", (unsigned)n, 0);
		f->have_alert = true;
		f->alert_level = p[0];
		f->alert_desc = p[1];
		return finish(s);
	case TLS_CT_HEARTBEAT:
		if (f->heartbeat_len == 0)
			f->heartbeat_len = n;
		return TLS_FEED_MORE;
	default:	/* CCS or application data */
		if (!f->have_hello)
			return fail(s, TLS_P_UNEXPECTED, "content type %u before ServerHello",
			    type, 0);
		f->encrypted = true;	/* a resumption or 1.3: nothing more to read */
		return finish(s);
	}
}

static tls_feed_t
not_tls(tls_stream_t *s)
{
	if (s->rec[0] & 0x80)
		return fail(s, TLS_P_NOT_TLS, "an SSLv2-style record (first byte 0x%02x)",
		    s->rec[0], 0);
	if (memcmp(s->rec, "HTTP/", 5) == 0)
		return fail(s, TLS_P_NOT_TLS, "an HTTP response, not TLS", 0, 0);
	return fail(s, TLS_P_NOT_TLS, "header %02x %02x... is no TLS record", s->rec[0], s->rec[1]);
}

tls_feed_t
tls_stream_feed(tls_stream_t *s, const uint8_t *p, size_t n)
{
	if (s->err)
		return TLS_FEED_ERROR;
	while (!s->done && n > 0) {
		size_t k = sizeof(s->rec) - s->rlen;
		if (k > n)
			k = n;
		memcpy(s->rec + s->rlen, p, k);
		s->rlen += k;
		p += k;
		n -= k;
		size_t off = 0;
		while (!s->done && s->rlen - off >= 5) {
			const uint8_t *h = s->rec + off;
			size_t len = (size_t)h[3] << 8 | h[4];
			if (h[1] != 3 || h[2] > 4 || h[0] < TLS_CT_CCS || h[0] > TLS_CT_HEARTBEAT) {
				if (off)
					memmove(s->rec, h, s->rlen - off);
				return not_tls(s);
			}
			if (len > TLS_RECORD_MAX)
				return fail(s, TLS_P_OVERSIZE, "record length %u over the cap of %u",
				    (unsigned)len, TLS_RECORD_MAX);
			if (s->rlen - off < 5 + len)
				break;
			tls_feed_t r = record(s, h[0], h + 5, len);
			off += 5 + len;
			if (r == TLS_FEED_ERROR)
				return r;
		}
		memmove(s->rec, s->rec + off, s->rlen - off);
		s->rlen -= off;
	}
	return s->done ? TLS_FEED_DONE : TLS_FEED_MORE;
}
