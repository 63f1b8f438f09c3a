/*
 * Tests of the passive decoder (passive/decode.h): crafted frames of every
 * supported link type, VLAN stacks, IPv4 options and padding, IPv6
 * extension headers, fragment reassembly (order, overlaps, caps, timeout),
 * and thousands of truncated and random frames that must be counted as
 * malformed, never crash.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <string.h>

#include "check_main.h"
#include "passive/decode.h"
#include "pktbuild.h"

/* ---- builders ---- */

static const uint8_t MAC_DST[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t MAC_SRC[6] = { 2, 0, 0, 0, 0, 1 };

static void
putaddr(pkt_t *p, int af, const char *s)
{
	uint8_t a[16];
	ck_assert_int_eq(inet_pton(af, s, a), 1);
	put(p, a, af == AF_INET ? 4 : 16);
}

static pkt_t
tcp(unsigned sport, unsigned dport, uint32_t seq, unsigned flags, const char *data)
{
	pkt_t p = { .n = 0 };
	put16(&p, sport);
	put16(&p, dport);
	put32(&p, seq);
	put32(&p, 77);		/* ack */
	put8(&p, 6 << 4);	/* data offset: one option word */
	put8(&p, flags);
	put16(&p, 65535);
	put32(&p, 0);		/* checksum, urgent */
	put32(&p, 0x01010101);	/* NOPs */
	if (data)
		put(&p, data, strlen(data));
	return p;
}

static pkt_t
udp(unsigned sport, unsigned dport, const void *data, size_t n)
{
	pkt_t p = { .n = 0 };
	put16(&p, sport);
	put16(&p, dport);
	put16(&p, (unsigned)(8 + n));
	put16(&p, 0);
	put(&p, data, n);
	return p;
}

static pkt_t
ip4x(int proto, unsigned id, unsigned frag, unsigned ihl, const void *pl, size_t n)
{
	pkt_t p = { .n = 0 };
	put8(&p, 0x40 | ihl);
	put8(&p, 0);
	put16(&p, (unsigned)(ihl * 4 + n));
	put16(&p, id);
	put16(&p, frag);
	put8(&p, 64);
	put8(&p, (unsigned)proto);
	put16(&p, 0xdead);	/* a wrong checksum: not checked */
	putaddr(&p, AF_INET, "10.0.0.1");
	putaddr(&p, AF_INET, "10.0.0.2");
	for (unsigned i = 5; i < ihl; i++)
		put32(&p, 0x01010100);	/* NOP NOP NOP EOL */
	put(&p, pl, n);
	return p;
}

static pkt_t
ip4(int proto, const pkt_t *pl)
{
	return ip4x(proto, 1, 0x4000, 5, pl->b, pl->n);
}

static pkt_t
ip6(int nh, const pkt_t *pl)
{
	pkt_t p = { .n = 0 };
	put32(&p, 0x60000000);
	put16(&p, (unsigned)pl->n);
	put8(&p, (unsigned)nh);
	put8(&p, 64);
	putaddr(&p, AF_INET6, "fd00::1");
	putaddr(&p, AF_INET6, "fd00::2");
	put(&p, pl->b, pl->n);
	return p;
}

static pkt_t
ext6(int nh, unsigned len8, const pkt_t *inner)
{
	pkt_t p = { .n = 0 };
	put8(&p, (unsigned)nh);
	put8(&p, len8);
	for (unsigned i = 0; i < len8 * 8 + 6; i++)
		put8(&p, i == 0 ? 1 : 0);	/* PadN */
	put(&p, inner->b, inner->n);
	return p;
}

static pkt_t
frag6(int nh, size_t off, bool more, uint32_t id, const void *d, size_t n)
{
	pkt_t p = { .n = 0 };
	put8(&p, (unsigned)nh);
	put8(&p, 0);
	put16(&p, (unsigned)((off / 8) << 3 | (more ? 1 : 0)));
	put32(&p, id);
	put(&p, d, n);
	return p;
}

static pkt_t
eth(unsigned ntags, unsigned tag, unsigned type, const pkt_t *l3)
{
	pkt_t p = { .n = 0 };
	put(&p, MAC_DST, 6);
	put(&p, MAC_SRC, 6);
	for (unsigned i = 0; i < ntags; i++) {
		put16(&p, tag);
		put16(&p, 100 + i);
	}
	put16(&p, type);
	put(&p, l3->b, l3->n);
	return p;
}

static pkt_t
sll(unsigned type, unsigned halen, const pkt_t *l3)
{
	pkt_t p = { .n = 0 };
	put16(&p, 4);		/* outgoing */
	put16(&p, 1);		/* ARPHRD_ETHER */
	put16(&p, halen);
	put(&p, MAC_SRC, 6);
	put16(&p, 0);
	put16(&p, type);
	put(&p, l3->b, l3->n);
	return p;
}

static pkt_t
sll2(unsigned type, const pkt_t *l3)
{
	pkt_t p = { .n = 0 };
	put16(&p, type);
	put16(&p, 0);
	put32(&p, 3);		/* ifindex */
	put16(&p, 1);
	put8(&p, 0);
	put8(&p, 6);
	put(&p, MAC_SRC, 6);
	put16(&p, 0);
	put(&p, l3->b, l3->n);
	return p;
}

static pkt_t
bsd(uint32_t af, bool be, const pkt_t *l3)
{
	pkt_t p = { .n = 0 };
	for (int i = 0; i < 4; i++)
		put8(&p, be ? af >> (24 - 8 * i) : af >> (8 * i));
	put(&p, l3->b, l3->n);
	return p;
}

static int
dec(pv_decoder_t *d, const pkt_t *p, int64_t ts, pv_frame_t *fr)
{
	return pv_decode(d, p->b, p->n, p->n, 1, ts, fr);
}

static void
assert_tcp4(const pv_frame_t *fr, const char *data)
{
	ck_assert_int_eq(fr->family, AF_INET);
	ck_assert_int_eq(fr->proto, IPPROTO_TCP);
	ck_assert_uint_eq(fr->sport, 40000);
	ck_assert_uint_eq(fr->dport, 80);
	ck_assert_uint_eq(fr->seq, 1000);
	ck_assert_uint_eq(fr->ack, 77);
	ck_assert_uint_eq(fr->tcp_flags, 0x18);
	ck_assert_uint_eq(fr->len, strlen(data));
	ck_assert_uint_eq(fr->wire_len, strlen(data));
	ck_assert(memcmp(fr->payload, data, fr->len) == 0);
	ck_assert(memcmp(fr->src, "\x0a\x00\x00\x01", 4) == 0);
	ck_assert(memcmp(fr->dst, "\x0a\x00\x00\x02", 4) == 0);
}

/* ---- link layers ---- */

START_TEST(every_link_type)
{
	pkt_t t = tcp(40000, 80, 1000, 0x18, "GET / HTTP/1.0\r\n\r\n");
	pkt_t v4 = ip4(IPPROTO_TCP, &t);
	struct { int dlt; pkt_t f; bool macs, src_only; } c[] = {
		{ DLT_EN10MB, eth(0, 0, 0x0800, &v4), true, false },
		{ DLT_LINUX_SLL, sll(0x0800, 6, &v4), true, true },
		{ DLT_LINUX_SLL, sll(0x0800, 4, &v4), false, false },
		{ DLT_LINUX_SLL2, sll2(0x0800, &v4), true, true },
		{ DLT_RAW, v4, false, false },
		{ 101, v4, false, false },
		{ DLT_IPV4, v4, false, false },
		{ DLT_NULL, bsd(2, false, &v4), false, false },
		{ DLT_NULL, bsd(2, true, &v4), false, false },
		{ DLT_LOOP, bsd(2, true, &v4), false, false },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		ck_assert(pv_link_supported(c[i].dlt));
		pv_decoder_t *d = pv_decoder_new(c[i].dlt, NULL);
		pv_frame_t fr;
		ck_assert_int_eq(pv_decode(d, c[i].f.b, c[i].f.n, c[i].f.n, 7, 5, &fr), 1);
		ck_assert_uint_eq(fr.no, 7);
		ck_assert_int_eq(fr.ts_us, 5);
		assert_tcp4(&fr, "GET / HTTP/1.0\r\n\r\n");
		if (c[i].macs) {
			ck_assert(fr.src_mac && memcmp(fr.src_mac, MAC_SRC, 6) == 0);
			if (c[i].src_only)
				ck_assert_ptr_null(fr.dst_mac);
			else
				ck_assert(fr.dst_mac && memcmp(fr.dst_mac, MAC_DST, 6) == 0);
		} else {
			ck_assert_ptr_null(fr.src_mac);
			ck_assert_ptr_null(fr.dst_mac);
		}
		ck_assert_uint_eq(pv_decode_stats(d)->tcp, 1);
		pv_decoder_free(d);
	}
	ck_assert(!pv_link_supported(DLT_IEEE802_11));
	ck_assert_ptr_null(pv_decoder_new(DLT_IEEE802_11, NULL));
	pv_decoder_free(NULL);
}
END_TEST

START_TEST(ipv6_links_and_bsd_af)
{
	pkt_t u = udp(5353, 5353, "q", 1);
	pkt_t v6 = ip6(IPPROTO_UDP, &u);
	pkt_t t = tcp(40000, 80, 1000, 0x18, "x");
	pkt_t v4 = ip4(IPPROTO_TCP, &t);
	struct { int dlt; pkt_t f; int rc; } c[] = {
		{ DLT_IPV6, v6, 1 }, { DLT_IPV6, v4, -1 }, { DLT_IPV4, v6, -1 },
		{ DLT_EN10MB, eth(0, 0, 0x86dd, &v6), 1 },
		{ DLT_LINUX_SLL2, sll2(0x86dd, &v6), 1 },
		{ DLT_NULL, bsd(10, false, &v6), 1 }, { DLT_NULL, bsd(24, false, &v6), 1 },
		{ DLT_NULL, bsd(28, true, &v6), 1 }, { DLT_LOOP, bsd(30, true, &v6), 1 },
		{ DLT_NULL, bsd(99, false, &v6), 0 },	/* not IP */
		{ DLT_EN10MB, eth(0, 0, 0x0806, &v4), 0 },	/* ARP */
		{ DLT_EN10MB, eth(0, 0, 0x0060, &v4), 0 },	/* 802.3 length */
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		pv_decoder_t *d = pv_decoder_new(c[i].dlt, NULL);
		pv_frame_t fr;
		ck_assert_msg(dec(d, &c[i].f, 0, &fr) == c[i].rc, "case %zu", i);
		if (c[i].rc == 1 && fr.family == AF_INET6) {
			ck_assert_int_eq(fr.proto, IPPROTO_UDP);
			ck_assert_uint_eq(fr.sport, 5353);
			ck_assert_uint_eq(fr.len, 1);
			ck_assert_int_eq(fr.payload[0], 'q');
		}
		const pv_decode_stats_t *s = pv_decode_stats(d);
		ck_assert_uint_eq(s->frames, 1);
		ck_assert_uint_eq(c[i].rc == 0 ? s->not_ip : c[i].rc < 0 ? s->malformed : s->ip, 1);
		pv_decoder_free(d);
	}
}
END_TEST

START_TEST(vlan_stacks)
{
	pkt_t t = tcp(40000, 80, 1000, 0x18, "hello");
	pkt_t v4 = ip4(IPPROTO_TCP, &t);
	unsigned tags[] = { 0x8100, 0x88a8, 0x9100 };
	for (size_t k = 0; k < 3; k++) {
		for (unsigned n = 0; n <= 5; n++) {
			pv_decoder_t *d = pv_decoder_new(DLT_EN10MB, NULL);
			pkt_t f = eth(n, tags[k], 0x0800, &v4);
			pv_frame_t fr;
			int rc = dec(d, &f, 0, &fr);
			if (n <= 4) {
				ck_assert_int_eq(rc, 1);
				assert_tcp4(&fr, "hello");
			} else {
				ck_assert_int_eq(rc, -1);
				ck_assert_uint_eq(pv_decode_stats(d)->malformed, 1);
			}
			pv_decoder_free(d);
		}
	}
}
END_TEST

/* ---- IP ---- */

START_TEST(ipv4_options_padding_and_snaplen)
{
	pv_decoder_t *d = pv_decoder_new(DLT_RAW, NULL);
	pv_frame_t fr;
	pkt_t t = tcp(40000, 80, 1000, 0x18, "opts");
	pkt_t v4 = ip4x(IPPROTO_TCP, 9, 0, 8, t.b, t.n);	/* 12 bytes of options */
	ck_assert_int_eq(dec(d, &v4, 0, &fr), 1);
	assert_tcp4(&fr, "opts");

	/* Ethernet padding after a short UDP datagram is not payload. */
	pkt_t u = udp(1, 2, "ab", 2);
	pkt_t u4 = ip4(IPPROTO_UDP, &u);
	pkt_t pad = u4;
	for (int i = 0; i < 12; i++)
		put8(&pad, 0);
	ck_assert_int_eq(dec(d, &pad, 0, &fr), 1);
	ck_assert_uint_eq(fr.len, 2);
	ck_assert_uint_eq(fr.wire_len, 2);

	/* Snapped: the capture holds 3 of the 10 payload bytes. */
	pkt_t big = tcp(40000, 80, 1000, 0x18, "0123456789");
	pkt_t b4 = ip4(IPPROTO_TCP, &big);
	ck_assert_int_eq(pv_decode(d, b4.b, b4.n - 7, b4.n, 1, 0, &fr), 1);
	ck_assert_uint_eq(fr.len, 3);
	ck_assert_uint_eq(fr.wire_len, 10);

	/* Bad header lengths, bad version, total shorter than the header,
	 * a UDP length beyond the IP datagram, a TCP offset under 5. */
	pkt_t bad[5];
	bad[0] = ip4x(IPPROTO_TCP, 1, 0, 4, t.b, t.n);
	bad[1] = v4;
	bad[1].b[0] = 0x55;
	bad[2] = v4;
	bad[2].b[2] = 0;
	bad[2].b[3] = 19;
	bad[3] = u4;
	bad[3].b[20 + 5] = 200;
	bad[4] = ip4(IPPROTO_TCP, &t);
	bad[4].b[20 + 12] = 4 << 4;
	for (int i = 0; i < 5; i++)
		ck_assert_msg(dec(d, &bad[i], 0, &fr) == -1, "bad %d", i);
	ck_assert_uint_eq(pv_decode_stats(d)->malformed, 5);

	/* Another IP protocol: IP, but no ports. */
	pkt_t icmp = { .n = 0 };
	put32(&icmp, 0x08000000);
	pkt_t i4 = ip4(IPPROTO_ICMP, &icmp);
	ck_assert_int_eq(dec(d, &i4, 0, &fr), 1);
	ck_assert_int_eq(fr.proto, IPPROTO_ICMP);
	ck_assert_uint_eq(pv_decode_stats(d)->other_ip, 1);
	pv_decoder_free(d);
}
END_TEST

START_TEST(ipv6_extension_headers)
{
	pv_decoder_t *d = pv_decoder_new(DLT_RAW, NULL);
	pv_frame_t fr;
	pkt_t t = tcp(40000, 80, 1000, 0x18, "v6");
	pkt_t dst = ext6(IPPROTO_TCP, 1, &t);
	pkt_t rt = ext6(IPPROTO_DSTOPTS, 0, &dst);
	pkt_t hbh = ext6(IPPROTO_ROUTING, 2, &rt);
	pkt_t v6 = ip6(IPPROTO_HOPOPTS, &hbh);
	ck_assert_int_eq(dec(d, &v6, 0, &fr), 1);
	ck_assert_int_eq(fr.proto, IPPROTO_TCP);
	ck_assert_uint_eq(fr.dport, 80);
	ck_assert_uint_eq(fr.len, 2);
	ck_assert(memcmp(fr.payload, "v6", 2) == 0);

	/* An atomic fragment is just the packet. */
	pkt_t af = frag6(IPPROTO_TCP, 0, false, 5, t.b, t.n);
	pkt_t v6a = ip6(IPPROTO_FRAGMENT, &af);
	ck_assert_int_eq(dec(d, &v6a, 0, &fr), 1);
	ck_assert_uint_eq(fr.len, 2);

	/* Eight extension headers pass, nine are too many. */
	for (int n = 8; n <= 9; n++) {
		pkt_t cur = t;
		int nh = IPPROTO_TCP;
		for (int i = 0; i < n; i++) {
			cur = ext6(nh, 0, &cur);
			nh = IPPROTO_DSTOPTS;
		}
		pkt_t p = ip6(nh, &cur);
		ck_assert_int_eq(dec(d, &p, 0, &fr), n == 8 ? 1 : -1);
	}
	/* An extension header running past the payload. */
	pkt_t cut = ip6(IPPROTO_HOPOPTS, &hbh);
	cut.b[4] = 0;
	cut.b[5] = 12;
	ck_assert_int_eq(dec(d, &cut, 0, &fr), -1);
	pv_decoder_free(d);
}
END_TEST

/* ---- fragments ---- */

/* A UDP datagram of n bytes (pattern) split into IPv4 fragments of `step`. */
static pkt_t
udp_big(size_t n)
{
	uint8_t data[3000];
	for (size_t i = 0; i < n; i++)
		data[i] = (uint8_t)(i * 7 + 3);
	return udp(1234, 53, data, n);
}

static pkt_t
frag4(const pkt_t *dg, unsigned id, size_t off, size_t n, bool more)
{
	unsigned field = (unsigned)(off / 8) | (more ? 0x2000 : 0);
	return ip4x(IPPROTO_UDP, id, field, 5, dg->b + off, n);
}

static void
assert_big(const pv_frame_t *fr, size_t n)
{
	pkt_t want = udp_big(n);
	ck_assert(fr->reassembled);
	ck_assert_int_eq(fr->proto, IPPROTO_UDP);
	ck_assert_uint_eq(fr->sport, 1234);
	ck_assert_uint_eq(fr->len, n);
	ck_assert(memcmp(fr->payload, want.b + 8, n) == 0);
}

START_TEST(ipv4_fragments_any_order)
{
	pkt_t dg = udp_big(2000);	/* 2008 bytes: 3 x 800 */
	size_t orders[][3] = { { 0, 1, 2 }, { 2, 1, 0 }, { 1, 2, 0 }, { 2, 0, 1 } };
	for (size_t o = 0; o < 4; o++) {
		pv_decoder_t *d = pv_decoder_new(DLT_RAW, NULL);
		pv_frame_t fr;
		for (size_t i = 0; i < 3; i++) {
			size_t k = orders[o][i], off = k * 800;
			size_t n = k == 2 ? dg.n - 1600 : 800;
			pkt_t f = frag4(&dg, 42, off, n, k != 2);
			int rc = dec(d, &f, (int64_t)i, &fr);
			ck_assert_int_eq(rc, i == 2 ? 1 : 0);
		}
		assert_big(&fr, 2000);
		const pv_decode_stats_t *s = pv_decode_stats(d);
		ck_assert_uint_eq(s->fragments, 3);
		ck_assert_uint_eq(s->reassembled, 1);
		ck_assert_uint_eq(s->udp, 1);
		ck_assert_uint_gt(pv_decoder_memory(d), 0);
		pkt_t t = tcp(1, 2, 3, 0x10, NULL);
		pkt_t next = ip4(IPPROTO_TCP, &t);
		ck_assert_int_eq(dec(d, &next, 4, &fr), 1);	/* frees the datagram */
		ck_assert_uint_lt(pv_decoder_memory(d), 64 * 1024);
		pv_decoder_free(d);
	}
}
END_TEST

START_TEST(ipv6_fragments_any_order)
{
	pkt_t dg = udp_big(1500);	/* 1508 bytes: 1000 + 508 */
	for (int rev = 0; rev < 2; rev++) {
		pv_decoder_t *d = pv_decoder_new(DLT_EN10MB, NULL);
		pv_frame_t fr;
		pkt_t a = frag6(IPPROTO_UDP, 0, true, 0x1234, dg.b, 1000);
		pkt_t b = frag6(IPPROTO_UDP, 1000, false, 0x1234, dg.b + 1000, dg.n - 1000);
		pkt_t hb = ext6(IPPROTO_FRAGMENT, 0, &b);	/* unfragmentable part */
		pkt_t pa = ip6(IPPROTO_FRAGMENT, &a), pb = ip6(IPPROTO_HOPOPTS, &hb);
		pkt_t ea = eth(1, 0x8100, 0x86dd, &pa), eb = eth(0, 0, 0x86dd, &pb);
		ck_assert_int_eq(dec(d, rev ? &eb : &ea, 0, &fr), 0);
		ck_assert_int_eq(dec(d, rev ? &ea : &eb, 0, &fr), 1);
		ck_assert_int_eq(fr.family, AF_INET6);
		assert_big(&fr, 1500);
		pv_decoder_free(d);
	}
}
END_TEST

START_TEST(fragment_overlaps_and_repeats)
{
	pkt_t dg = udp_big(1600);
	pv_decoder_t *d = pv_decoder_new(DLT_RAW, NULL);
	pv_frame_t fr;
	/* An exact repeat is ignored; the datagram completes. */
	pkt_t a = frag4(&dg, 1, 0, 800, true), b = frag4(&dg, 1, 800, dg.n - 800, false);
	ck_assert_int_eq(dec(d, &a, 0, &fr), 0);
	ck_assert_int_eq(dec(d, &a, 0, &fr), 0);
	ck_assert_int_eq(dec(d, &b, 0, &fr), 1);
	assert_big(&fr, 1600);
	/* An overlap with other bytes drops the datagram. */
	pkt_t c = frag4(&dg, 2, 0, 800, true);
	pkt_t e = frag4(&dg, 2, 400, 800, true);
	e.b[20] ^= 0xff;
	pkt_t g = frag4(&dg, 2, 800, dg.n - 800, false);
	ck_assert_int_eq(dec(d, &c, 0, &fr), 0);
	ck_assert_int_eq(dec(d, &e, 0, &fr), 0);
	ck_assert_int_eq(dec(d, &g, 0, &fr), 0);	/* starts a new, incomplete one */
	ck_assert_uint_eq(pv_decode_stats(d)->frag_dropped, 1);
	ck_assert_uint_eq(pv_decode_stats(d)->reassembled, 1);
	/* Two different last fragments. */
	pkt_t l1 = frag4(&dg, 3, 800, 808, false), l2 = frag4(&dg, 3, 800, 800, false);
	ck_assert_int_eq(dec(d, &l1, 0, &fr), 0);
	ck_assert_int_eq(dec(d, &l2, 0, &fr), 0);
	ck_assert_uint_eq(pv_decode_stats(d)->frag_dropped, 2);
	/* A non-last fragment not a multiple of 8 is not kept. */
	pkt_t odd = frag4(&dg, 4, 0, 801, true);
	ck_assert_int_eq(dec(d, &odd, 0, &fr), 0);
	ck_assert_uint_eq(pv_decode_stats(d)->frag_dropped, 3);
	pv_decoder_free(d);
}
END_TEST

START_TEST(fragment_caps_and_timeout)
{
	pkt_t dg = udp_big(1600);
	pv_frag_limits_t lim = { .datagrams = 2, .bytes = 1200, .timeout_us = 1000000 };
	pv_decoder_t *d = pv_decoder_new(DLT_RAW, &lim);
	pv_frame_t fr;
	/* Too big for the byte cap. */
	pkt_t big = frag4(&dg, 9, 800, 800, true);
	ck_assert_int_eq(dec(d, &big, 0, &fr), 0);
	ck_assert_uint_eq(pv_decode_stats(d)->frag_dropped, 1);
	/* Too many pending: the third pushes out the oldest. */
	pkt_t small = udp_big(900);
	for (unsigned id = 1; id <= 3; id++) {
		pkt_t f = frag4(&small, id, 0, 400, true);
		ck_assert_int_eq(dec(d, &f, id, &fr), 0);
	}
	ck_assert_uint_eq(pv_decode_stats(d)->frag_dropped, 2);
	pkt_t tail1 = frag4(&small, 1, 400, small.n - 400, false);
	ck_assert_int_eq(dec(d, &tail1, 10, &fr), 0);	/* id 1 is gone */
	pkt_t tail3 = frag4(&small, 3, 400, small.n - 400, false);
	ck_assert_int_eq(dec(d, &tail3, 11, &fr), 1);
	assert_big(&fr, 900);
	/* Timeout by capture time: id 2 and id 1's tail expire. */
	pkt_t tail2 = frag4(&small, 2, 400, small.n - 400, false);
	ck_assert_int_eq(dec(d, &tail2, 2000000, &fr), 0);
	ck_assert_uint_eq(pv_decode_stats(d)->frag_dropped, 4);
	pkt_t t = tcp(1, 2, 3, 0x10, NULL);
	pkt_t p = ip4(IPPROTO_TCP, &t);
	ck_assert_int_eq(dec(d, &p, 9000000, &fr), 1);
	ck_assert_uint_eq(pv_decode_stats(d)->frag_dropped, 5);
	ck_assert_uint_le(pv_decoder_memory(d), 1024);	/* only the fixed part */
	/* Many fragments of one datagram stay within the worst case. */
	for (unsigned i = 0; i < 400; i++) {
		pkt_t f = frag4(&small, 77, (i * 8) % 1192, 8, true);
		dec(d, &f, 9000001, &fr);
		ck_assert_uint_le(pv_decoder_memory(d), 2 * (1200 + 4096) + 1024);
	}
	pv_decoder_free(d);
}
END_TEST

/* ---- garbage ---- */

START_TEST(truncated_and_random_frames)
{
	int dlts[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4,
	    DLT_IPV6, DLT_NULL, DLT_LOOP };
	pkt_t t = tcp(40000, 80, 1000, 0x18, "payload");
	pkt_t v4 = ip4(IPPROTO_TCP, &t);
	pkt_t f = eth(2, 0x8100, 0x0800, &v4);
	/* Every prefix that cuts a header is malformed; none reads past it. */
	pv_decoder_t *d = pv_decoder_new(DLT_EN10MB, NULL);
	size_t headers = 14 + 8 + 20 + 24;
	for (size_t n = 0; n <= f.n; n++) {
		uint8_t *h = heap_copy(f.b, n);
		pv_frame_t fr;
		int rc = pv_decode(d, h, n, f.n, n + 1, 0, &fr);
		ck_assert_int_eq(rc, n < headers ? -1 : 1);
		if (rc == 1)
			ck_assert_uint_eq(fr.len, n - headers);
		free(h);
	}
	ck_assert_uint_eq(pv_decode_stats(d)->malformed, headers);
	pv_decoder_free(d);

	uint64_t seed = 0x5eed1234abcdull;
	for (size_t k = 0; k < sizeof(dlts) / sizeof(dlts[0]); k++) {
		d = pv_decoder_new(dlts[k], &(pv_frag_limits_t){ .datagrams = 4 });
		uint64_t ok = 0, zero = 0, bad = 0;
		for (int i = 0; i < 4000; i++) {
			uint8_t buf[256];
			size_t n = xorshift(&seed) % sizeof(buf);
			random_bytes(&seed, buf, n);
			if (i % 2 && n > 0)	/* make the version nibble plausible */
				buf[xorshift(&seed) % n] = (i % 4 == 1) ? 0x45 : 0x60;
			uint8_t *h = heap_copy(buf, n);
			pv_frame_t fr;
			int rc = pv_decode(d, h, n, n, (uint64_t)i + 1, i, &fr);
			ck_assert(rc >= -1 && rc <= 1);
			if (rc == 1)
				ck_assert(fr.len <= n && (fr.len == 0 || (fr.payload >= h &&
				    fr.payload + fr.len <= h + n) || fr.reassembled));
			ok += rc == 1;
			zero += rc == 0;
			bad += rc == -1;
			free(h);
		}
		const pv_decode_stats_t *s = pv_decode_stats(d);
		ck_assert_uint_eq(s->frames, 4000);
		ck_assert_uint_eq(s->malformed, bad);
		ck_assert_uint_eq(s->tcp + s->udp + s->other_ip, ok);
		if (dlts[k] == DLT_RAW)
			ck_assert_uint_gt(bad, 1000);
		ck_assert_uint_eq(ok + zero + bad, 4000);
		pv_decoder_free(d);
	}
}
END_TEST

static Suite *
pv_decode_suite(void)
{
	Suite *s = suite_create("pv_decode");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, every_link_type);
	tcase_add_test(tc, ipv6_links_and_bsd_af);
	tcase_add_test(tc, vlan_stacks);
	tcase_add_test(tc, ipv4_options_padding_and_snaplen);
	tcase_add_test(tc, ipv6_extension_headers);
	tcase_add_test(tc, ipv4_fragments_any_order);
	tcase_add_test(tc, ipv6_fragments_any_order);
	tcase_add_test(tc, fragment_overlaps_and_repeats);
	tcase_add_test(tc, fragment_caps_and_timeout);
	tcase_add_test(tc, truncated_and_random_frames);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(pv_decode_suite)
