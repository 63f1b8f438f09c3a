/*
 * Building capture frames byte by byte for the capture-split tests: TCP and
 * UDP headers, IPv4 (options, fragments, lying lengths), IPv6 with extension
 * and fragment headers, ICMP errors quoting a packet, and the link layers
 * capture_split() reads (Ethernet with VLAN tags, Linux cooked v1 and v2,
 * BSD loopback in either byte order).  Header-only: each test file is its
 * own executable.
 */
#ifndef IOTCERT_TEST_CAPTURE_FRAMES_H
#define IOTCERT_TEST_CAPTURE_FRAMES_H

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef struct bytes {
	uint8_t b[768];
	size_t len;
} bytes_t;

static inline void
put(bytes_t *p, const void *d, size_t n)
{
	ck_assert_uint_le(p->len + n, sizeof(p->b));
	memcpy(p->b + p->len, d, n);
	p->len += n;
}

static inline void
put8(bytes_t *p, unsigned v)
{
	uint8_t b = (uint8_t)v;
	put(p, &b, 1);
}

static inline void
put16(bytes_t *p, unsigned v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	put(p, b, 2);
}

static inline void
put32(bytes_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p, v & 0xffff);
}

static inline void
put_zeros(bytes_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(p, 0);
}

static inline void
put_addr(bytes_t *p, int af, const char *s)
{
	uint8_t a[16];
	ck_assert_int_eq(inet_pton(af, s, a), 1);
	put(p, a, af == AF_INET ? 4 : 16);
}

static inline bytes_t
tcp(unsigned sport, unsigned dport, unsigned flags, const char *data)
{
	bytes_t p = { .len = 0 };
	put16(&p, sport);
	put16(&p, dport);
	put32(&p, 1000);	/* seq */
	put32(&p, 0);		/* ack */
	put8(&p, 5 << 4);	/* data offset */
	put8(&p, flags);
	put16(&p, 65535);	/* window */
	put32(&p, 0);		/* checksum, urgent */
	if (data)
		put(&p, data, strlen(data));
	return p;
}

static inline bytes_t
udp(unsigned sport, unsigned dport, const char *data)
{
	size_t n = data ? strlen(data) : 0;
	bytes_t p = { .len = 0 };
	put16(&p, sport);
	put16(&p, dport);
	put16(&p, (unsigned)(8 + n));
	put16(&p, 0);
	if (data)
		put(&p, data, n);
	return p;
}

/* IPv4 with `ihl` words of header and a total length (0: the real one). */
static inline bytes_t
ipv4x(const char *src, const char *dst, int proto, unsigned id, unsigned frag,
    unsigned ihl, unsigned total, const bytes_t *payload)
{
	bytes_t p = { .len = 0 };
	put8(&p, 0x40 | ihl);
	put8(&p, 0);
	put16(&p, total ? total : (unsigned)(ihl * 4 + payload->len));
	put16(&p, id);
	put16(&p, frag);
	put8(&p, 64);
	put8(&p, (unsigned)proto);
	put16(&p, 0);
	put_addr(&p, AF_INET, src);
	put_addr(&p, AF_INET, dst);
	if (ihl > 5)
		put_zeros(&p, (ihl - 5) * 4);	/* options: end-of-list */
	put(&p, payload->b, payload->len);
	return p;
}

static inline bytes_t
ipv4(const char *src, const char *dst, int proto, const bytes_t *payload)
{
	return ipv4x(src, dst, proto, 1, 0x4000 /* DF */, 5, 0, payload);
}

static inline bytes_t
ipv6(const char *src, const char *dst, int nh, const bytes_t *payload)
{
	bytes_t p = { .len = 0 };
	put32(&p, 0x60000000);
	put16(&p, (unsigned)payload->len);
	put8(&p, (unsigned)nh);
	put8(&p, 64);
	put_addr(&p, AF_INET6, src);
	put_addr(&p, AF_INET6, dst);
	put(&p, payload->b, payload->len);
	return p;
}

/* A hop-by-hop / routing / destination-options style header of len8 + 1 units. */
static inline bytes_t
ext6(int nh, unsigned len8, const bytes_t *inner)
{
	bytes_t p = { .len = 0 };
	put8(&p, (unsigned)nh);
	put8(&p, len8);
	put_zeros(&p, len8 * 8 + 6);
	put(&p, inner->b, inner->len);
	return p;
}

static inline bytes_t
frag6(int nh, unsigned offset8, bool more, uint32_t id, const bytes_t *inner)
{
	bytes_t p = { .len = 0 };
	put8(&p, (unsigned)nh);
	put8(&p, 0);
	put16(&p, offset8 << 3 | (more ? 1 : 0));
	put32(&p, id);
	put(&p, inner->b, inner->len);
	return p;
}

/* An ICMP error quoting the first `quote` bytes of a packet. */
static inline bytes_t
icmp_err(unsigned type, unsigned code, const bytes_t *orig, size_t quote)
{
	bytes_t p = { .len = 0 };
	put8(&p, type);
	put8(&p, code);
	put16(&p, 0);
	put32(&p, 0);
	put(&p, orig->b, quote < orig->len ? quote : orig->len);
	return p;
}

static inline bytes_t
eth(unsigned type, const bytes_t *l3)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
	bytes_t p = { .len = 0 };
	put(&p, macs, sizeof(macs));
	put16(&p, type);
	put(&p, l3->b, l3->len);
	return p;
}

static inline bytes_t
eth_vlan(unsigned ntags, unsigned type, const bytes_t *l3)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
	bytes_t p = { .len = 0 };
	put(&p, macs, sizeof(macs));
	for (unsigned i = 0; i < ntags; i++) {
		put16(&p, i + 1 < ntags ? 0x88a8 : 0x8100);
		put16(&p, 100 + i);	/* TCI: VLAN id */
	}
	put16(&p, type);
	put(&p, l3->b, l3->len);
	return p;
}

static inline bytes_t
sll(unsigned type, const bytes_t *l3)
{
	bytes_t p = { .len = 0 };
	put16(&p, 0);		/* to us */
	put16(&p, 1);		/* ARPHRD_ETHER */
	put16(&p, 6);
	put_zeros(&p, 8);
	put16(&p, type);
	put(&p, l3->b, l3->len);
	return p;
}

static inline bytes_t
sll2(unsigned type, const bytes_t *l3)
{
	bytes_t p = { .len = 0 };
	put16(&p, type);
	put16(&p, 0);
	put32(&p, 1);		/* ifindex */
	put16(&p, 1);		/* ARPHRD_ETHER */
	put8(&p, 0);
	put8(&p, 6);
	put_zeros(&p, 8);
	put(&p, l3->b, l3->len);
	return p;
}

static inline bytes_t
bsd_af(uint32_t af, bool big_endian, const bytes_t *l3)
{
	bytes_t p = { .len = 0 };
	if (big_endian) {
		put32(&p, af);
	} else {
		for (int i = 0; i < 4; i++)
			put8(&p, (af >> (8 * i)) & 0xff);
	}
	put(&p, l3->b, l3->len);
	return p;
}

static inline bytes_t
raw(const void *d, size_t n)
{
	bytes_t p = { .len = 0 };
	put(&p, d, n);
	return p;
}

#endif
