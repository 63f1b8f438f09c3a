/*
 * The ClientHello builder and the Heartbleed probe; see tls_hello.h.  The
 * hello is written through a writer that latches overflow, so a list that
 * does not fit yields 0 rather than a short record.
 */
#include "proto/tls_hello.h"
#include "crypto/suites.h"
#include "proto/cursor.h"

#include <string.h>

typedef struct wr {
	uint8_t *p;
	size_t cap, n;
	bool bad;
} wr_t;

static void
w8(wr_t *w, unsigned v)
{
	if (w->n >= w->cap) {
		w->bad = true;
		return;
	}
	w->p[w->n++] = (uint8_t)v;
}

static void
w16(wr_t *w, unsigned v)
{
	w8(w, v >> 8);
	w8(w, v);
}

static void
wbytes(wr_t *w, const void *p, size_t n)
{
	if (n > w->cap - w->n) {
		w->bad = true;
		return;
	}
	memcpy(w->p + w->n, p, n);
	w->n += n;
}

/* Reserves a length field of `width` bytes; wclose fills it in. */
static size_t
wopen(wr_t *w, int width)
{
	size_t at = w->n;
	for (int i = 0; i < width; i++)
		w8(w, 0);
	return at;
}

static void
wclose(wr_t *w, size_t at, int width)
{
	if (w->bad)
		return;
	size_t len = w->n - at - (size_t)width;
	if (width < 3 && len > 0xffff) {
		w->bad = true;
		return;
	}
	for (int i = width - 1; i >= 0; i--, len >>= 8)
		w->p[at + (size_t)i] = (uint8_t)len;
}

static void
wlist16(wr_t *w, const uint16_t *v, size_t n)
{
	size_t at = wopen(w, 2);
	for (size_t i = 0; i < n; i++)
		w16(w, v[i]);
	wclose(w, at, 2);
}

/* Broad on purpose: a server must find its certificate's algorithm here or
 * it refuses the suite, and old devices sign with SHA-1 or DSA. */
static const uint16_t default_sigalgs[] = {
	0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806,
	0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601, 0x0303, 0x0301,
	0x0302, 0x0402, 0x0502, 0x0602, 0x0203, 0x0201, 0x0202,
};

static void
extensions(wr_t *w, const tls_hello_opts_t *o)
{
	size_t all = wopen(w, 2), at;
	if (o->sni && *o->sni) {
		size_t sl = strlen(o->sni);
		w16(w, 0);
		at = wopen(w, 2);
		w16(w, sl + 3);
		w8(w, 0);	/* host_name */
		w16(w, sl);
		wbytes(w, o->sni, sl);
		wclose(w, at, 2);
	}
	if (o->n_groups) {
		w16(w, 10);
		at = wopen(w, 2);
		wlist16(w, o->groups, o->n_groups);
		wclose(w, at, 2);
		/* ec_point_formats: uncompressed only */
		wbytes(w, "\x00\x0b\x00\x02\x01\x00", 6);
	}
	w16(w, 13);
	at = wopen(w, 2);
	if (o->sigalgs)
		wlist16(w, o->sigalgs, o->n_sigalgs);
	else
		wlist16(w, default_sigalgs, sizeof(default_sigalgs) / sizeof(default_sigalgs[0]));
	wclose(w, at, 2);
	if (o->heartbeat)
		wbytes(w, "\x00\x0f\x00\x01\x01", 5);
	if (o->reneg_info)
		wbytes(w, "\xff\x01\x00\x01\x00", 5);
	if (o->version == TLSV_TLS13) {
		wbytes(w, "\x00\x2b\x00\x03\x02\x03\x04", 7);
		w16(w, 51);
		at = wopen(w, 2);
		size_t shares = wopen(w, 2);
		for (size_t i = 0; i < o->n_groups; i++) {
			if (o->groups[i] != TLS_GROUP_X25519)
				continue;
			w16(w, TLS_GROUP_X25519);
			w16(w, 32);
			wbytes(w, o->x25519_pub, 32);
			break;
		}
		wclose(w, shares, 2);
		wclose(w, at, 2);
	}
	wclose(w, all, 2);
}

size_t
tls_client_hello(uint8_t *out, size_t cap, const tls_hello_opts_t *o)
{
	if (o->version < TLSV_SSL3 || o->version > TLSV_TLS13 || o->n_suites == 0 ||
	    o->n_suites > TLS_HELLO_MAX_SUITES || o->n_compression > 255 ||
	    (o->n_compression && o->compression == NULL))
		return 0;
	wr_t w = { out, cap, 0, false };
	w8(&w, TLS_CT_HANDSHAKE);
	/* Record version 1.0 for every TLS hello: some old stacks refuse a
	 * higher one in the first record. */
	w16(&w, o->version == TLSV_SSL3 ? TLSV_SSL3 : TLSV_TLS10);
	size_t rec = wopen(&w, 2);
	w8(&w, 1);	/* client_hello */
	size_t hs = wopen(&w, 3);
	w16(&w, o->version == TLSV_TLS13 ? TLSV_TLS12 : o->version);
	wbytes(&w, o->random, 32);
	w8(&w, 0);	/* no session id: nothing to resume */
	wlist16(&w, o->suites, o->n_suites);
	if (o->compression) {
		w8(&w, o->n_compression);
		wbytes(&w, o->compression, o->n_compression);
	} else {
		w8(&w, 1);
		w8(&w, 0);
	}
	extensions(&w, o);
	wclose(&w, hs, 3);
	wclose(&w, rec, 2);
	if (w.bad || w.n - 5 > 16384)
		return 0;
	return w.n;
}

size_t
tls_heartbleed_probe(uint8_t *out, size_t cap, uint16_t version, uint16_t claimed)
{
	if (cap < 8)
		return 0;
	out[0] = TLS_CT_HEARTBEAT;
	out[1] = (uint8_t)(version >> 8);
	out[2] = (uint8_t)version;
	out[3] = 0;
	out[4] = 3;
	out[5] = 1;	/* heartbeat_request */
	out[6] = (uint8_t)(claimed >> 8);
	out[7] = (uint8_t)claimed;
	return 8;
}

tls_hb_verdict_t
tls_heartbleed_classify(const uint8_t *p, size_t n, size_t sent)
{
	cursor_t c;
	cur_init(&c, p, n);
	while (cur_left(&c) >= 5) {
		uint8_t type, maj, min;
		uint16_t len;
		cur_u8(&c, &type);
		cur_u8(&c, &maj);
		cur_u8(&c, &min);
		cur_be16(&c, &len);
		if (maj != 3 || type < TLS_CT_CCS || type > TLS_CT_HEARTBEAT)
			return TLS_HB_GARBAGE;
		if (type == TLS_CT_HEARTBEAT)
			/* RFC 6520: type, length, payload, at least 16 bytes of
			 * padding; the header alone says how much came back. */
			return len > 3 + sent + 16 ? TLS_HB_VULNERABLE : TLS_HB_REPLY_OK;
		if (type == TLS_CT_ALERT)
			return TLS_HB_NO_REPLY;
		if (cur_skip(&c, len) < 0)
			break;
	}
	return TLS_HB_NO_REPLY;
}

const char *
tls_hb_verdict_str(tls_hb_verdict_t v)
{
	switch (v) {
	case TLS_HB_NO_REPLY: return "no heartbeat reply";
	case TLS_HB_VULNERABLE: return "heartbeat reply longer than the request (Heartbleed)";
	case TLS_HB_REPLY_OK: return "heartbeat reply within the request";
	case TLS_HB_GARBAGE: return "reply is not TLS";
	}
	return "?";
}
