/*
 * Building DTLS server datagrams byte by byte (records, handshake
 * fragments, ServerHello bodies) for the DTLS tests: the parser's crafted
 * inputs and the fake servers' answers.  Header-only: every unit-test file
 * is its own executable.
 */
#ifndef IOTCERT_TEST_DTLS_FRAMES_H
#define IOTCERT_TEST_DTLS_FRAMES_H

#include "pktbuild.h"
#include "proto/dtls.h"


static inline void
record(pkt_t *p, unsigned type, unsigned version, unsigned epoch, const pkt_t *frag)
{
	put8(p, type);
	put16(p, version);
	put16(p, epoch);
	put16(p, 0);
	put32(p, 0);
	put16(p, (unsigned)frag->n);
	put(p, frag->b, frag->n);
}

/* One handshake fragment header and its bytes. */
static inline void
hs_frag(pkt_t *f, unsigned type, size_t len, unsigned seq, size_t off, const uint8_t *b,
    size_t n)
{
	put8(f, type);
	put8(f, (unsigned)(len >> 16));
	put16(f, (unsigned)len);
	put16(f, seq);
	put8(f, (unsigned)(off >> 16));
	put16(f, (unsigned)off);
	put8(f, (unsigned)(n >> 16));
	put16(f, (unsigned)n);
	put(f, b, n);
}

/* A ServerHello body: version, random, empty session id, suite, null
 * compression, renegotiation_info. */
static inline void
sh_body(pkt_t *b, unsigned version, unsigned suite)
{
	put16(b, version);
	for (int i = 0; i < 32; i++)
		put8(b, 0x5a);
	put8(b, 0);
	put16(b, suite);
	put8(b, 0);
	put16(b, 5);
	put(b, "\xff\x01\x00\x01\x00", 5);
}

static inline void
hvr_dgram(pkt_t *p, size_t cookie_len)
{
	pkt_t body = { .n = 0 }, f = { .n = 0 };
	put16(&body, 0xfeff);
	put8(&body, (unsigned)cookie_len);
	for (size_t i = 0; i < cookie_len; i++)
		put8(&body, (unsigned)(0xc0 + i));
	hs_frag(&f, DTLS_HS_HELLO_VERIFY, body.n, 0, 0, body.b, body.n);
	p->n = 0;
	record(p, DTLS_CT_HANDSHAKE, 0xfeff, 0, &f);
}

static inline void
sh_dgram(pkt_t *p, unsigned version, unsigned suite)
{
	pkt_t body = { .n = 0 }, f = { .n = 0 };
	sh_body(&body, version, suite);
	hs_frag(&f, DTLS_HS_SERVER_HELLO, body.n, 1, 0, body.b, body.n);
	/* The Certificate follows in the same record, as OpenSSL sends it. */
	hs_frag(&f, 11, 3, 2, 0, (const uint8_t *)"\0\0\0", 3);
	p->n = 0;
	record(p, DTLS_CT_HANDSHAKE, version, 0, &f);
}


#endif
