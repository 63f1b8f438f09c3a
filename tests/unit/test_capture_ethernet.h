/*
 * The Ethernet capture the capture-split tests cut: packets of the three
 * standard flows (A TCP/IPv4, B UDP/IPv6, C UDP/IPv4) through every parsing
 * path (VLAN tags, IP options, IPv6 extension headers, fragments, ICMP
 * errors), near misses, and every way a frame can be truncated or
 * malformed, each marked with whether the split must keep it.  Header-only.
 */
#ifndef IOTCERT_TEST_CAPTURE_ETHERNET_H
#define IOTCERT_TEST_CAPTURE_ETHERNET_H

#include "test_capture_fixture.h"

/* The Ethernet capture: every parsing path and every way to be malformed. */
static inline void
ethernet_fixture(fixture_t *fx)
{
	memset(fx, 0, sizeof(*fx));
	bytes_t t, u, l3, f, q, e1, e2;

	t = tcp(40000, 80, 0x02, NULL);
	l3 = ipv4(H1, H2, IPPROTO_TCP, &t);
	f = eth(0x0800, &l3);
	add(fx, &f, true, "A syn");
	t = tcp(80, 40000, 0x12, NULL);
	l3 = ipv4(H2, H1, IPPROTO_TCP, &t);
	f = eth(0x0800, &l3);
	add(fx, &f, true, "A syn-ack");
	t = tcp(40001, 80, 0x02, NULL);
	l3 = ipv4(H1, H2, IPPROTO_TCP, &t);
	f = eth(0x0800, &l3);
	add(fx, &f, false, "other local port");
	t = tcp(40000, 80, 0x02, NULL);
	l3 = ipv4(H1, H3, IPPROTO_TCP, &t);
	f = eth(0x0800, &l3);
	add(fx, &f, false, "other remote host");
	u = udp(40000, 80, "x");
	l3 = ipv4(H1, H2, IPPROTO_UDP, &u);
	f = eth(0x0800, &l3);
	add(fx, &f, false, "A ports over UDP");

	u = udp(5353, 53, "query");
	l3 = ipv6(V1, V2, IPPROTO_UDP, &u);
	f = eth(0x86dd, &l3);
	add(fx, &f, true, "B query");
	u = udp(53, 5353, "answer");
	e2 = ext6(IPPROTO_UDP, 1, &u);
	e1 = ext6(IPPROTO_DSTOPTS, 0, &e2);
	l3 = ipv6(V2, V1, IPPROTO_HOPOPTS, &e1);
	f = eth(0x86dd, &l3);
	add(fx, &f, true, "B answer after ext headers");

	t = tcp(40000, 80, 0x10, "GET /");
	l3 = ipv4(H1, H2, IPPROTO_TCP, &t);
	f = eth_vlan(1, 0x0800, &l3);
	add(fx, &f, true, "A in VLAN");
	f = eth_vlan(2, 0x0800, &l3);
	add(fx, &f, true, "A in QinQ");
	f = eth_vlan(5, 0x0800, &l3);
	add(fx, &f, false, "A under too many tags");
	t = tcp(40000, 80, 0x10, "opts");
	l3 = ipv4x(H1, H2, IPPROTO_TCP, 7, 0x4000, 6, 0, &t);
	f = eth(0x0800, &l3);
	add(fx, &f, true, "A with IP options");

	/* Truncated and malformed. */
	t = tcp(40000, 80, 0x10, "data");
	l3 = ipv4(H1, H2, IPPROTO_TCP, &t);
	f = eth(0x0800, &l3);
	add_cut(fx, &f, 5, false, "cut in ethernet");
	add_cut(fx, &f, 14 + 10, false, "cut in IP header");
	add_cut(fx, &f, 14 + 20 + 2, false, "cut in ports");
	add_cut(fx, &f, 14 + 20 + 4, true, "A cut after ports");
	add_cut(fx, &f, 0, false, "empty");
	l3 = ipv4x(H1, H2, IPPROTO_TCP, 1, 0, 15, 0, &t);
	l3.len = 20 + 10;	/* claims 60 header bytes, has 30 */
	f = eth(0x0800, &l3);
	add(fx, &f, false, "IHL past the end");
	l3 = ipv4x(H1, H2, IPPROTO_TCP, 1, 0, 5, 10, &t);
	f = eth(0x0800, &l3);
	add(fx, &f, false, "total length under header");
	l3 = ipv4x(H1, H2, IPPROTO_TCP, 1, 0, 4, 0, &t);
	f = eth(0x0800, &l3);
	add(fx, &f, false, "IHL under 5");
	/* Ethernet pads short frames: the IP lengths, not the frame, bound
	 * the packet, so ports beyond them are padding. */
	l3 = ipv4x(H1, H2, IPPROTO_TCP, 1, 0, 5, 22, &t);
	f = eth(0x0800, &l3);
	add(fx, &f, false, "ports past IPv4 total length");
	u = udp(5353, 53, "x");
	l3 = ipv6(V1, V2, IPPROTO_UDP, &u);
	l3.b[4] = 0;
	l3.b[5] = 2;
	f = eth(0x86dd, &l3);
	add(fx, &f, false, "ports past IPv6 payload length");
	uint8_t junk[60];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 37 + 11);
	junk[12] = 0x08;
	junk[13] = 0x00;
	f = raw(junk, sizeof(junk));
	add(fx, &f, false, "garbage claiming IPv4");
	junk[12] = 0x86;
	junk[13] = 0xdd;
	f = raw(junk, sizeof(junk));
	add(fx, &f, false, "garbage claiming IPv6");
	u = udp(53, 5353, "x");
	l3 = ipv6(V2, V1, IPPROTO_UDP, &u);
	f = eth(0x0800, &l3);
	add(fx, &f, false, "IPv6 under the IPv4 type");
	q = raw("\x00\x01\x08\x00\x06\x04\x00\x01", 8);
	f = eth(0x0806, &q);
	add(fx, &f, false, "ARP");

	u = udp(5353, 53, "x");
	bytes_t chain = u;
	for (int i = 0; i < 9; i++)
		chain = ext6(i ? IPPROTO_DSTOPTS : IPPROTO_UDP, 0, &chain);
	l3 = ipv6(V1, V2, IPPROTO_DSTOPTS, &chain);
	f = eth(0x86dd, &l3);
	add(fx, &f, false, "B under 9 ext headers");
	e1 = raw("\x11\xc8\0\0\0\0\0\0", 8);	/* UDP next, 1608 bytes */
	put(&e1, u.b, u.len);
	l3 = ipv6(V1, V2, IPPROTO_HOPOPTS, &e1);
	f = eth(0x86dd, &l3);
	add(fx, &f, false, "ext header past the end");

	/* IPv4 fragments: later ones follow a kept first fragment by IP id. */
	t = tcp(40000, 80, 0x18, "first part");
	l3 = ipv4x(H1, H2, IPPROTO_TCP, 0x1234, 0x2000, 5, 0, &t);
	f = eth(0x0800, &l3);
	add(fx, &f, true, "A first fragment");
	q = raw("second part.....", 16);
	l3 = ipv4x(H1, H2, IPPROTO_TCP, 0x1234, 4, 5, 0, &q);
	f = eth(0x0800, &l3);
	add(fx, &f, true, "A later fragment");
	l3 = ipv4x(H1, H2, IPPROTO_TCP, 0x9999, 4, 5, 0, &q);
	f = eth(0x0800, &l3);
	add(fx, &f, false, "unknown later fragment");
	l3 = ipv4x(H1, H2, IPPROTO_TCP, 0x4321, 4, 5, 0, &q);
	f = eth(0x0800, &l3);
	add(fx, &f, false, "later fragment before its first");
	l3 = ipv4x(H1, H2, IPPROTO_TCP, 0x4321, 0x2000, 5, 0, &t);
	f = eth(0x0800, &l3);
	add(fx, &f, true, "A first fragment, late");

	/* IPv6 fragments. */
	u = udp(5353, 53, "first");
	e1 = frag6(IPPROTO_UDP, 0, true, 77, &u);
	l3 = ipv6(V1, V2, IPPROTO_FRAGMENT, &e1);
	f = eth(0x86dd, &l3);
	add(fx, &f, true, "B first fragment");
	q = raw("rest....", 8);
	e1 = frag6(IPPROTO_UDP, 2, false, 77, &q);
	l3 = ipv6(V1, V2, IPPROTO_FRAGMENT, &e1);
	f = eth(0x86dd, &l3);
	add(fx, &f, true, "B later fragment");
	e1 = frag6(IPPROTO_UDP, 2, false, 78, &q);
	l3 = ipv6(V1, V2, IPPROTO_FRAGMENT, &e1);
	f = eth(0x86dd, &l3);
	add(fx, &f, false, "unknown IPv6 fragment");

	/* ICMP errors count for the flow they quote. */
	u = udp(41000, 161, "get");
	bytes_t orig = ipv4(H1, H2, IPPROTO_UDP, &u);
	q = icmp_err(3, 3, &orig, 28);
	l3 = ipv4(H2, H1, IPPROTO_ICMP, &q);
	f = eth(0x0800, &l3);
	add(fx, &f, true, "C port unreachable");
	q = icmp_err(3, 3, &orig, 22);
	l3 = ipv4(H2, H1, IPPROTO_ICMP, &q);
	f = eth(0x0800, &l3);
	add(fx, &f, false, "unreachable quoting no ports");
	q = raw("\x08\x00\x00\x00\x00\x01\x00\x01", 8);
	l3 = ipv4(H1, H2, IPPROTO_ICMP, &q);
	f = eth(0x0800, &l3);
	add(fx, &f, false, "echo request");
	u = udp(5353, 53, "query");
	orig = ipv6(V1, V2, IPPROTO_UDP, &u);
	q = icmp_err(1, 4, &orig, orig.len);
	l3 = ipv6(V2, V1, IPPROTO_ICMPV6, &q);
	f = eth(0x86dd, &l3);
	add(fx, &f, true, "B port unreachable");
}

#endif
