/*
 * First-handshake-message reassembly for the passive analyzers; see
 * pd_tls.h.  Record headers are checked as tls_flight.c checks them, so a
 * stream that is not TLS fails at its first header instead of filling the
 * buffer with guesses.
 */
#include "passive/pd_tls.h"
#include "core/util.h"
#include "proto/cursor.h"
#include "proto/tls_hello.h"

#include <stdlib.h>
#include <string.h>

void
pd_hs_free(pd_hs_t *h)
{
	free(h->msg);
	h->msg = NULL;
	h->mlen = h->mcap = 0;
}

void
pd_hs_restart(pd_hs_t *h)
{
	pd_hs_free(h);
	if (h->state == PD_HS_DONE)
		h->state = PD_HS_MORE;
}

static pd_hs_state_t
failed(pd_hs_t *h)
{
	pd_hs_free(h);
	h->state = PD_HS_FAIL;
	return PD_HS_FAIL;
}

/* Appends handshake bytes, growing the buffer up to the cap. */
static int
append(pd_hs_t *h, const uint8_t *p, size_t n)
{
	if (n > PD_HS_MAX - h->mlen)
		return -1;
	if (h->mlen + n > h->mcap) {
		size_t cap = h->mcap ? h->mcap : 512;
		while (cap < h->mlen + n)
			cap *= 2;
		if (cap > PD_HS_MAX)
			cap = PD_HS_MAX;
		h->msg = xrealloc(h->msg, cap, 1);
		h->mcap = cap;
	}
	memcpy(h->msg + h->mlen, p, n);
	h->mlen += n;
	return 0;
}

/* The message, once its 4-byte header and whole body are buffered. */
static bool
complete(pd_hs_t *h, uint8_t *type, const uint8_t **body, size_t *len)
{
	cursor_t c;
	uint8_t t;
	uint32_t l;
	cur_init(&c, h->msg, h->mlen);
	cur_u8(&c, &t);
	cur_be24(&c, &l);
	if (c.bad || cur_left(&c) < l)
		return false;
	*type = t;
	*body = h->msg + 4;
	*len = l;
	return true;
}

pd_hs_state_t
pd_hs_feed(pd_hs_t *h, const uint8_t *p, size_t n, size_t *used, uint8_t *type,
    const uint8_t **body, size_t *len)
{
	size_t n0 = n;
	*used = 0;
	if (h->state == PD_HS_DONE && complete(h, type, body, len))
		return PD_HS_DONE;
	if (h->state != PD_HS_MORE)
		return failed(h);
	while (n > 0) {
		if (h->rec_left == 0) {
			/* A record header, possibly in pieces. */
			size_t k = sizeof(h->hdr) - h->hlen;
			if (k > n)
				k = n;
			memcpy(h->hdr + h->hlen, p, k);
			h->hlen += (uint8_t)k;
			p += k;
			n -= k;
			if (h->hlen < sizeof(h->hdr))
				break;
			h->hlen = 0;
			uint8_t t = h->hdr[0];
			size_t rl = (size_t)h->hdr[3] << 8 | h->hdr[4];
			/* Before the message only handshake and CCS records may come. */
			if (h->hdr[1] != 3 || h->hdr[2] > 4 || rl == 0 || rl > TLS_RECORD_MAX ||
			    (t != TLS_CT_HANDSHAKE && t != TLS_CT_CCS))
				return failed(h);
			h->rec_type = t;
			h->rec_left = (uint32_t)rl;
			continue;
		}
		size_t k = h->rec_left < n ? h->rec_left : n;
		bool take = h->rec_type == TLS_CT_HANDSHAKE;
		if (take && h->mlen >= 4) {
			/* Only up to the message's end: what follows in the
			 * record is another message, left unread. */
			size_t want = 4 + ((size_t)h->msg[1] << 16 | (size_t)h->msg[2] << 8 | h->msg[3]);
			if (k > want - h->mlen)
				k = want - h->mlen;
		} else if (take && k > 4 - h->mlen) {
			k = 4 - h->mlen;	/* the header first, to learn the length */
		}
		if (take && append(h, p, k) < 0)
			return failed(h);
		h->rec_left -= (uint32_t)k;
		p += k;
		n -= k;
		if (take && h->mlen >= 4) {
			/* A declared length over the cap fails now, not at the cap. */
			size_t want = (size_t)h->msg[1] << 16 | (size_t)h->msg[2] << 8 | h->msg[3];
			if (want > PD_HS_MAX - 4)
				return failed(h);
			if (complete(h, type, body, len)) {
				h->state = PD_HS_DONE;
				*used = n0 - n;
				return PD_HS_DONE;
			}
		}
	}
	*used = n0 - n;
	return PD_HS_MORE;
}

int
pd_dtls_first(const uint8_t *p, size_t n, uint8_t *type, const uint8_t **body, size_t *len,
    uint16_t *version)
{
	cursor_t c, r;
	uint8_t ct, t;
	uint16_t v, rl, seq;
	uint32_t ml, off, fl;
	const uint8_t *b;
	cur_init(&c, p, n);
	cur_u8(&c, &ct);
	cur_be16(&c, &v);
	cur_skip(&c, 8);	/* epoch, sequence number */
	cur_be16(&c, &rl);
	if (c.bad || ct != TLS_CT_HANDSHAKE || (v >> 8) != 0xfe || cur_sub(&c, rl, &r) < 0)
		return -1;
	cur_u8(&r, &t);
	cur_be24(&r, &ml);
	cur_be16(&r, &seq);
	cur_be24(&r, &off);
	cur_be24(&r, &fl);
	if (r.bad || off != 0 || fl != ml || cur_bytes(&r, ml, &b) < 0)
		return -1;
	*type = t;
	*body = b;
	*len = ml;
	*version = v;
	return 0;
}
