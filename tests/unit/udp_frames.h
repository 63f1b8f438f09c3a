/*
 * Building DNS and SNMP answers byte by byte (dnsmasq's version.bind
 * answer, net-snmp's GetResponse) for the UDP parser tests and their
 * mutation rounds.  Header-only: every unit-test file is its own executable.
 */
#ifndef IOTCERT_TEST_UDP_FRAMES_H
#define IOTCERT_TEST_UDP_FRAMES_H

#include <stdbool.h>
#include <string.h>

#include "pktbuild.h"
#include "proto/dnsmsg.h"

/* dnsmasq's answer to version.bind CH TXT, with a compressed owner name. */
static inline void
dns_version_answer(pkt_t *p, uint16_t id)
{
	p->n = 0;
	put16(p, id);
	put16(p, 0x8400);	/* QR AA */
	put16(p, 1);
	put16(p, 1);
	put16(p, 0);
	put16(p, 0);
	putname(p, "version.bind");
	put16(p, DNS_T_TXT);
	put16(p, DNS_C_CH);
	put16(p, 0xc00c);
	put16(p, DNS_T_TXT);
	put16(p, DNS_C_CH);
	put32(p, 0);
	put16(p, 13);
	put8(p, 12);
	put(p, "dnsmasq-2.90", 12);
}

static inline void
tlv(pkt_t *p, unsigned tag, const pkt_t *inner)
{
	put8(p, tag);
	if (inner->n < 128) {
		put8(p, (unsigned)inner->n);
	} else {
		put8(p, 0x82);
		put16(p, (unsigned)inner->n);
	}
	put(p, inner->b, inner->n);
}

static inline void
tlv_raw(pkt_t *p, unsigned tag, const void *d, size_t n)
{
	pkt_t in = { .n = 0 };
	put(&in, d, n);
	tlv(p, tag, &in);
}

static const uint8_t oid_sysdescr[] = { 0x2b, 6, 1, 2, 1, 1, 1, 0 };
static const uint8_t oid_sysname[] = { 0x2b, 6, 1, 2, 1, 1, 5, 0 };

/* A GetResponse as net-snmp sends it (long-form outer length included). */
static inline void
snmp_response(pkt_t *out, int version, uint32_t reqid, unsigned err, const char *descr,
    bool long_form)
{
	pkt_t vbl = { .n = 0 }, vb = { .n = 0 }, pdu = { .n = 0 }, msg = { .n = 0 };
	tlv_raw(&vb, 0x06, oid_sysdescr, sizeof(oid_sysdescr));
	tlv_raw(&vb, 0x04, descr, strlen(descr));
	tlv(&vbl, 0x30, &vb);
	vb.n = 0;
	tlv_raw(&vb, 0x06, oid_sysname, sizeof(oid_sysname));
	tlv_raw(&vb, 0x04, "refdev", 6);
	tlv(&vbl, 0x30, &vb);
	uint8_t rid[5] = { 0, (uint8_t)(reqid >> 24), (uint8_t)(reqid >> 16),
		(uint8_t)(reqid >> 8), (uint8_t)reqid };
	tlv_raw(&pdu, 0x02, rid + 1, 4);
	uint8_t e = (uint8_t)err, zero = 0;
	tlv_raw(&pdu, 0x02, &e, 1);
	tlv_raw(&pdu, 0x02, err ? (uint8_t[]){ 1 } : &zero, 1);
	tlv(&pdu, 0x30, &vbl);
	uint8_t v = (uint8_t)version;
	tlv_raw(&msg, 0x02, &v, 1);
	tlv_raw(&msg, 0x04, "public", 6);
	tlv(&msg, 0xa2, &pdu);
	out->n = 0;
	if (long_form) {
		put8(out, 0x30);
		put8(out, 0x81);
		put8(out, (unsigned)msg.n);
		put(out, msg.b, msg.n);
	} else {
		tlv(out, 0x30, &msg);
	}
}

#endif
