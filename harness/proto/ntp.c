/*
 * NTP packets; see ntp.h.
 */
#include "proto/ntp.h"
#include "proto/cursor.h"
#include "proto/pstr.h"

#include <stdio.h>
#include <string.h>

size_t
ntp_request_build(uint8_t *out, size_t cap, uint64_t xmit)
{
	if (cap < NTP_PACKET_LEN)
		return 0;
	memset(out, 0, NTP_PACKET_LEN);
	out[0] = 0 << 6 | 4 << 3 | 3;	/* no leap warning, version 4, client */
	for (int i = 0; i < 8; i++)
		out[40 + i] = (uint8_t)(xmit >> (56 - 8 * i));
	return NTP_PACKET_LEN;
}

static uint64_t
ts(cursor_t *c)
{
	uint32_t hi, lo;
	cur_be32(c, &hi);
	cur_be32(c, &lo);
	return (uint64_t)hi << 32 | lo;
}

int
ntp_parse(const uint8_t *p, size_t n, ntp_reply_t *r)
{
	memset(r, 0, sizeof(*r));
	cursor_t c;
	cur_init(&c, p, n);
	uint8_t b0, stratum, poll, prec;
	const uint8_t *refid;
	cur_u8(&c, &b0);
	cur_u8(&c, &stratum);
	cur_u8(&c, &poll);
	cur_u8(&c, &prec);
	cur_skip(&c, 8);	/* root delay, root dispersion */
	cur_bytes(&c, 4, &refid);
	(void)ts(&c);		/* reference timestamp */
	r->origin = ts(&c);
	r->receive = ts(&c);
	r->transmit = ts(&c);
	if (c.bad)
		return -1;
	r->leap = b0 >> 6;
	r->version = b0 >> 3 & 7;
	r->mode = b0 & 7;
	r->stratum = stratum;
	r->poll = (int8_t)poll;
	r->precision = (int8_t)prec;
	if (r->version < 1 || r->version > 4)
		return -1;
	if (stratum <= 1) {
		size_t k = 0;
		while (k < 4 && refid[k])
			k++;
		pstr_copy(r->refid, sizeof(r->refid), refid, k);
	} else {
		snprintf(r->refid, sizeof(r->refid), "%u.%u.%u.%u", refid[0], refid[1],
		    refid[2], refid[3]);
	}
	return 0;
}
