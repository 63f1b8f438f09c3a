/*
 * DTLS ClientHellos and the parsing of what a server answers; see dtls.h.
 * Everything a device sent is read through proto/cursor.h.
 */
#include "proto/dtls.h"
#include "crypto/suites.h"
#include "proto/cursor.h"
#include "proto/tls_hello.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const uint16_t suites[] = {
	0xc0a8,	/* TLS_PSK_WITH_AES_128_CCM_8: CoAP's mandatory PSK suite */
	0xc0ae,	/* TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8: CoAP's certificate suite */
	0xc0a4, /* TLS_PSK_WITH_AES_128_CCM */
	0x00a8, /* TLS_PSK_WITH_AES_128_GCM_SHA256 */
	0x00ae, /* TLS_PSK_WITH_AES_128_CBC_SHA256 */
	0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc009, 0xc013,
	0x009c, 0x002f, 0x0035,
};

/* supported_groups (x25519, secp256r1, secp384r1), ec_point_formats,
 * signature_algorithms. */
static const uint8_t extensions[] = {
	0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18,
	0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,
	0x00, 0x0d, 0x00, 0x0c, 0x00, 0x0a, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01,
	0x05, 0x03, 0x02, 0x01,
};

static void
put24(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

size_t
dtls_client_hello_build(uint8_t *out, size_t cap, const uint8_t random[32],
    const uint8_t *cookie, size_t cookie_len, uint16_t message_seq)
{
	uint8_t body[512];
	size_t o = 0;
	if (cookie_len > 255 || (cookie_len && cookie == NULL))
		return 0;
	body[o++] = 0xfe;	/* client_version DTLS 1.2 */
	body[o++] = 0xfd;
	memcpy(body + o, random, 32);
	o += 32;
	body[o++] = 0;		/* session id */
	body[o++] = (uint8_t)cookie_len;
	if (cookie_len)
		memcpy(body + o, cookie, cookie_len);
	o += cookie_len;
	body[o++] = 0;
	body[o++] = (uint8_t)sizeof(suites);
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		body[o++] = (uint8_t)(suites[i] >> 8);
		body[o++] = (uint8_t)suites[i];
	}
	body[o++] = 1;		/* compression: null */
	body[o++] = 0;
	body[o++] = 0;
	body[o++] = sizeof(extensions);
	memcpy(body + o, extensions, sizeof(extensions));
	o += sizeof(extensions);

	size_t total = 13 + 12 + o;
	if (total > cap)
		return 0;
	out[0] = DTLS_CT_HANDSHAKE;
	out[1] = 0xfe;		/* record version: DTLS 1.0 for the first flight */
	out[2] = 0xff;
	memset(out + 3, 0, 8);	/* epoch 0, sequence number */
	out[10] = message_seq & 0xff;	/* a new record sequence for the retry */
	out[11] = (uint8_t)((12 + o) >> 8);
	out[12] = (uint8_t)(12 + o);
	out[13] = 1;		/* client_hello */
	put24(out + 14, o);
	out[17] = (uint8_t)(message_seq >> 8);
	out[18] = (uint8_t)message_seq;
	put24(out + 19, 0);	/* fragment offset */
	put24(out + 22, o);	/* fragment length */
	memcpy(out + 25, body, o);
	return total;
}

const char *
dtls_version_str(uint16_t v)
{
	switch (v) {
	case 0xfeff: return "1.0";
	case 0xfefd: return "1.2";
	case 0xfefc: return "1.3";
	default: return NULL;
	}
}

int
dtls_parse(const uint8_t *p, size_t n, dtls_reply_t *r)
{
	memset(r, 0, sizeof(*r));
	cursor_t c, frag;
	cur_init(&c, p, n);
	uint16_t len;
	cur_u8(&c, &r->content_type);
	cur_be16(&c, &r->record_version);
	cur_skip(&c, 8);	/* epoch, sequence number */
	cur_be16(&c, &len);
	if (c.bad || dtls_version_str(r->record_version) == NULL ||
	    cur_sub(&c, len, &frag) < 0)
		return -1;
	if (r->content_type == DTLS_CT_ALERT) {
		cur_u8(&frag, &r->alert_level);
		cur_u8(&frag, &r->alert_desc);
		/* Epoch 0 alerts are plaintext: exactly level and description. */
		return !frag.bad && cur_left(&frag) == 0 &&
		    (r->alert_level == 1 || r->alert_level == 2) ? 0 : -1;
	}
	if (r->content_type != DTLS_CT_HANDSHAKE)
		return -1;
	uint32_t hlen, foff, flen;
	uint16_t mseq;
	cursor_t body;
	cur_u8(&frag, &r->hs_type);
	cur_be24(&frag, &hlen);
	cur_be16(&frag, &mseq);
	cur_be24(&frag, &foff);
	cur_be24(&frag, &flen);
	if (frag.bad || foff != 0 || flen > hlen || cur_sub(&frag, flen, &body) < 0)
		return -1;
	cur_be16(&body, &r->hs_version);
	if (body.bad || dtls_version_str(r->hs_version) == NULL)
		return -1;
	if (r->hs_type == DTLS_HS_HELLO_VERIFY) {
		uint8_t cl;
		const uint8_t *ck;
		cur_u8(&body, &cl);
		if (cur_bytes(&body, cl, &ck) < 0)
			return -1;
		memcpy(r->cookie, ck, cl);
		r->cookie_len = cl;
		return cur_left(&body) == 0 ? 0 : -1;
	}
	if (r->hs_type == DTLS_HS_SERVER_HELLO) {
		uint8_t sl, comp;
		cur_skip(&body, 32);	/* random */
		cur_u8(&body, &sl);
		if (sl > 32)
			return -1;
		cur_skip(&body, sl);
		cur_be16(&body, &r->cipher);
		cur_u8(&body, &comp);
		/* The fragment may stop early; what we read must be in it. */
		return body.bad ? -1 : 0;
	}
	return -1;
}

/* ---- the enumeration's ClientHello ---- */

static void
put48(uint8_t *p, uint64_t v)
{
	for (int i = 5; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

size_t
dtls_client_hello(uint8_t *out, size_t cap, const dtls_hello_opts_t *o)
{
	if ((o->version != 0xfeff && o->version != 0xfefd) || o->cookie_len > 255 ||
	    (o->cookie_len && o->cookie == NULL) || o->n_suites == 0)
		return 0;
	/*
	 * The TLS 1.2 hello of proto/tls_hello.c has the same body as DTLS's
	 * except for the cookie after the session id, so it is built there (one
	 * place for the extensions) and re-framed here.
	 */
	uint8_t tls[4096];
	tls_hello_opts_t to = {
		.version = TLSV_TLS12,
		.suites = o->suites,
		.n_suites = o->n_suites,
		.groups = o->groups,
		.n_groups = o->n_groups,
		.reneg_info = o->reneg_info,
	};
	memcpy(to.random, o->random, 32);
	size_t tn = tls_client_hello(tls, sizeof(tls), &to);
	/* record header 5, handshake header 4, version 2, random 32, sid 1 (empty) */
	const size_t pre = 5 + 4 + 2 + 32 + 1;
	if (tn < pre || tls[pre - 1] != 0)
		return 0;
	size_t body = tn - 9 + 1 + o->cookie_len;	/* the DTLS hello body */
	size_t total = DTLS_HDR + DTLS_HS_HDR + body;
	if (total > cap || body > 0xffff - DTLS_HS_HDR)
		return 0;
	out[0] = DTLS_CT_HANDSHAKE;
	/* Record version 1.0 in the first flight: RFC 6347 4.1 lets a client
	 * not yet knowing the server's version use it, and 1.0-only stacks
	 * drop anything else. */
	out[1] = 0xfe;
	out[2] = 0xff;
	out[3] = out[4] = 0;	/* epoch 0 */
	put48(out + 5, o->record_seq);
	out[11] = (uint8_t)((DTLS_HS_HDR + body) >> 8);
	out[12] = (uint8_t)(DTLS_HS_HDR + body);
	uint8_t *h = out + DTLS_HDR;
	h[0] = 1;	/* client_hello */
	put24(h + 1, body);
	h[4] = (uint8_t)(o->message_seq >> 8);
	h[5] = (uint8_t)o->message_seq;
	put24(h + 6, 0);	/* one fragment: offset 0, the whole length */
	put24(h + 9, body);
	uint8_t *b = h + DTLS_HS_HDR;
	b[0] = (uint8_t)(o->version >> 8);
	b[1] = (uint8_t)o->version;
	memcpy(b + 2, tls + 11, 32 + 1);	/* random, empty session id */
	b[35] = (uint8_t)o->cookie_len;
	if (o->cookie_len)
		memcpy(b + 36, o->cookie, o->cookie_len);
	memcpy(b + 36 + o->cookie_len, tls + pre, tn - pre);	/* suites onwards */
	return total;
}

size_t
dtls_alert(uint8_t *out, size_t cap, uint16_t version, uint64_t record_seq, uint8_t level,
    uint8_t desc)
{
	if (cap < DTLS_HDR + 2)
		return 0;
	out[0] = DTLS_CT_ALERT;
	out[1] = (uint8_t)(version >> 8);
	out[2] = (uint8_t)version;
	out[3] = out[4] = 0;
	put48(out + 5, record_seq);
	out[11] = 0;
	out[12] = 2;
	out[13] = level;
	out[14] = desc;
	return DTLS_HDR + 2;
}

/* ---- the enumeration's reader ---- */

void
dtls_answer_init(dtls_answer_t *a)
{
	memset(a, 0, sizeof(*a));
}

static int answer_err(dtls_answer_t *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
answer_err(dtls_answer_t *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->err, sizeof(a->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* The ServerHello body, once whole: read through tls_parse_server_hello,
 * the same bounds-checked parser as TLS's, with the DTLS version mapped to
 * the TLS one it derives from (1.0 from 1.1, 1.2 from 1.2) and back. */
static int
server_hello(dtls_answer_t *a)
{
	uint8_t b[DTLS_SH_MAX];
	memcpy(b, a->sh, a->sh_len);
	uint16_t v = a->sh_len >= 2 ? (uint16_t)(b[0] << 8 | b[1]) : 0;
	if (v != 0xfeff && v != 0xfefd)
		return answer_err(a, "ServerHello with version 0x%04x, not DTLS 1.0 or 1.2", v);
	b[0] = 0x03;
	b[1] = v == 0xfeff ? 0x02 : 0x03;
	tls_server_hello_t sh;
	if (tls_parse_server_hello(b, a->sh_len, &sh) != TLS_P_OK)
		return answer_err(a, "ServerHello of %u bytes does not parse", (unsigned)a->sh_len);
	if (sh.version != sh.legacy_version)
		/* supported_versions: DTLS 1.3, which this reader does not take */
		return answer_err(a, "ServerHello selects version 0x%04x in supported_versions",
		    sh.version);
	a->have_hello = true;
	a->version = v;
	a->suite = sh.suite;
	a->compression = sh.compression;
	a->reneg_info = sh.reneg_info;
	return 1;
}

/* One ServerHello fragment: copied into place, done when every byte is in. */
static int
sh_fragment(dtls_answer_t *a, uint32_t len, uint32_t off, const uint8_t *p, uint32_t n)
{
	if (len > DTLS_SH_MAX)
		return answer_err(a, "ServerHello of %u bytes, over the cap", (unsigned)len);
	if (a->sh_len && a->sh_len != len)
		return answer_err(a, "ServerHello fragments disagree on its length (%u)", (unsigned)len);
	a->sh_len = len;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t k = off + i;
		if (a->sh_have[k / 8] & (1u << (k % 8)))
			continue;	/* a retransmission overlapping what we have */
		a->sh_have[k / 8] |= (uint8_t)(1u << (k % 8));
		a->sh[k] = p[i];
		a->sh_got++;
	}
	return a->sh_got == a->sh_len ? server_hello(a) : 0;
}

static int
handshake_record(dtls_answer_t *a, cursor_t *frag)
{
	while (cur_left(frag) > 0) {
		uint8_t type;
		uint16_t mseq;
		uint32_t len, off, flen;
		const uint8_t *body;
		cur_u8(frag, &type);
		cur_be24(frag, &len);
		cur_be16(frag, &mseq);
		cur_be24(frag, &off);
		cur_be24(frag, &flen);
		if (frag->bad)
			return answer_err(a, "handshake header cut short");
		if (off > len || flen > len - off)
			return answer_err(a, "handshake fragment beyond its message (type %u)", type);
		if (cur_bytes(frag, flen, &body) < 0)
			return answer_err(a, "handshake fragment longer than its record (type %u)",
			    type);
		if (type == DTLS_HS_HELLO_VERIFY) {
			/* Small, never fragmented in practice: take it whole only. */
			cursor_t c;
			uint16_t v;
			uint8_t cl;
			const uint8_t *ck;
			if (off != 0 || flen != len)
				return answer_err(a, "fragmented HelloVerifyRequest");
			cur_init(&c, body, flen);
			cur_be16(&c, &v);
			cur_u8(&c, &cl);
			if (cur_bytes(&c, cl, &ck) < 0 || cur_left(&c) != 0)
				return answer_err(a, "HelloVerifyRequest of %u bytes does not parse",
				    (unsigned)flen);
			memcpy(a->cookie, ck, cl);
			a->cookie_len = cl;
			a->have_hvr = true;
			return 1;
		}
		if (type == DTLS_HS_SERVER_HELLO) {
			int r = sh_fragment(a, len, off, body, flen);
			if (r != 0)
				return r;
		}
		/* Certificate, ServerKeyExchange ... after the hello: not needed. */
	}
	return 0;
}

int
dtls_answer_feed(dtls_answer_t *a, const uint8_t *p, size_t n)
{
	cursor_t c;
	cur_init(&c, p, n);
	a->err[0] = '\0';
	for (unsigned i = 0; cur_left(&c) > 0; i++) {
		uint8_t type;
		uint16_t version, epoch, len;
		cursor_t frag;
		cur_u8(&c, &type);
		cur_be16(&c, &version);
		cur_be16(&c, &epoch);
		cur_skip(&c, 6);
		cur_be16(&c, &len);
		if (c.bad)
			return answer_err(a, "record %u: header cut short", i);
		if ((version >> 8) != 0xfe || type < 20 || type > 25)
			return i ? answer_err(a, "record %u: not a DTLS record", i)
			    : answer_err(a, "the answer is not DTLS");
		if (cur_sub(&c, len, &frag) < 0)
			return answer_err(a, "record %u: longer than the datagram", i);
		if (epoch != 0)
			continue;	/* encrypted: after the hello, nothing for us */
		a->record_version = version;
		if (type == DTLS_CT_ALERT) {
			cur_u8(&frag, &a->alert_level);
			cur_u8(&frag, &a->alert_desc);
			if (frag.bad || cur_left(&frag) != 0)
				return answer_err(a, "record %u: malformed alert", i);
			a->have_alert = true;
			return 1;
		}
		if (type != DTLS_CT_HANDSHAKE)
			continue;	/* ChangeCipherSpec, heartbeat: not about the hello */
		int r = handshake_record(a, &frag);
		if (r < 0) {
			char e[sizeof(a->err)];
			snprintf(e, sizeof(e), "%s", a->err);
			snprintf(a->err, sizeof(a->err), "record %u: %.140s", i, e);
			return -1;
		}
		if (r > 0)
			return 1;
	}
	return 0;
}
