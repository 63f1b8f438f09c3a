/*
 * DTLS ClientHello and first-record parsing; see dtls.h.
 */
#include "proto/dtls.h"
#include "proto/cursor.h"

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
