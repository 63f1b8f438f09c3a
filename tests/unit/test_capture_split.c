/*
 * Tests of capture_split(): hand-built pcaps of every supported link type,
 * with well-formed packets of the flows, packets of near-miss flows, and
 * truncated, malformed and garbage packets, each asserting exactly which
 * packets land in the case's file.  Fixtures are generated here rather than
 * committed so every byte's purpose is visible next to its assertion.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/capture.h"
#include "check_main.h"
#include "core/util.h"

/* ---- scratch directory ---- */

typedef struct scratch {
	char dir[64];
} scratch_t;

static scratch_t
scratch_new(void)
{
	scratch_t s;
	snprintf(s.dir, sizeof(s.dir), "/tmp/iotcert-capture-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(s.dir));
	return s;
}

static char *
scratch_path(const scratch_t *s, const char *name)
{
	return xasprintf("%s/%s", s->dir, name);
}

static void
scratch_free(scratch_t *s)
{
	DIR *d = opendir(s->dir);
	if (d == NULL)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *p = scratch_path(s, e->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(s->dir);
}

/* ---- packet building ---- */

typedef struct bytes {
	uint8_t b[768];
	size_t len;
} bytes_t;

static void
put(bytes_t *p, const void *d, size_t n)
{
	ck_assert_uint_le(p->len + n, sizeof(p->b));
	memcpy(p->b + p->len, d, n);
	p->len += n;
}

static void
put8(bytes_t *p, unsigned v)
{
	uint8_t b = (uint8_t)v;
	put(p, &b, 1);
}

static void
put16(bytes_t *p, unsigned v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	put(p, b, 2);
}

static void
put32(bytes_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p, v & 0xffff);
}

static void
put_zeros(bytes_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(p, 0);
}

static void
put_addr(bytes_t *p, int af, const char *s)
{
	uint8_t a[16];
	ck_assert_int_eq(inet_pton(af, s, a), 1);
	put(p, a, af == AF_INET ? 4 : 16);
}

static bytes_t
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

static bytes_t
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
static bytes_t
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

static bytes_t
ipv4(const char *src, const char *dst, int proto, const bytes_t *payload)
{
	return ipv4x(src, dst, proto, 1, 0x4000 /* DF */, 5, 0, payload);
}

static bytes_t
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
static bytes_t
ext6(int nh, unsigned len8, const bytes_t *inner)
{
	bytes_t p = { .len = 0 };
	put8(&p, (unsigned)nh);
	put8(&p, len8);
	put_zeros(&p, len8 * 8 + 6);
	put(&p, inner->b, inner->len);
	return p;
}

static bytes_t
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
static bytes_t
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

static bytes_t
eth(unsigned type, const bytes_t *l3)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
	bytes_t p = { .len = 0 };
	put(&p, macs, sizeof(macs));
	put16(&p, type);
	put(&p, l3->b, l3->len);
	return p;
}

static bytes_t
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

static bytes_t
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

static bytes_t
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

static bytes_t
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

static bytes_t
raw(const void *d, size_t n)
{
	bytes_t p = { .len = 0 };
	put(&p, d, n);
	return p;
}

/* ---- fixtures ---- */

#define TS_BASE 1700000000
#define MAX_FX  48

typedef struct fx {
	bytes_t f;
	size_t caplen;
	bool keep;
	const char *what;
} fx_t;

typedef struct fixture {
	fx_t v[MAX_FX];
	size_t n;
} fixture_t;

static void
add_cut(fixture_t *fx, const bytes_t *frame, size_t caplen, bool keep,
    const char *what)
{
	ck_assert_uint_lt(fx->n, MAX_FX);
	fx_t *e = &fx->v[fx->n++];
	e->f = *frame;
	e->caplen = caplen < frame->len ? caplen : frame->len;
	e->keep = keep;
	e->what = what;
}

static void
add(fixture_t *fx, const bytes_t *frame, bool keep, const char *what)
{
	add_cut(fx, frame, SIZE_MAX, keep, what);
}

/* Each packet's time stamp is its index, so output packets name themselves. */
static void
write_fixture(const fixture_t *fx, int dlt, int snaplen, int prec,
    const char *path)
{
	pcap_t *dead = pcap_open_dead_with_tstamp_precision(dlt, snaplen, prec);
	ck_assert_ptr_nonnull(dead);
	pcap_dumper_t *d = pcap_dump_open(dead, path);
	ck_assert_msg(d != NULL, "%s", pcap_geterr(dead));
	for (size_t i = 0; i < fx->n; i++) {
		struct pcap_pkthdr h = {
			.ts = { .tv_sec = TS_BASE + (time_t)i, .tv_usec = 123 },
			.caplen = (bpf_u_int32)fx->v[i].caplen,
			.len = (bpf_u_int32)fx->v[i].f.len,
		};
		pcap_dump((u_char *)d, &h, fx->v[i].f.b);
	}
	pcap_dump_close(d);
	pcap_close(dead);
}

/* "a, b, c": the names of the kept packets, expected or found. */
static char *
expected_names(const fixture_t *fx)
{
	strlist_t l = { 0 };
	for (size_t i = 0; i < fx->n; i++)
		if (fx->v[i].keep)
			strlist_push(&l, fx->v[i].what);
	char *s = strlist_join(&l, ", ");
	strlist_free(&l);
	return s;
}

/* Checks link type and snaplen, that every packet is an unaltered fixture
 * packet, and returns the names of those present. */
static char *
found_names(const fixture_t *fx, const char *path, int dlt, int snaplen)
{
	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, eb);
	ck_assert_msg(p != NULL, "%s", eb);
	ck_assert_int_eq(pcap_datalink(p), dlt);
	ck_assert_int_eq(pcap_snapshot(p), snaplen);
	strlist_t l = { 0 };
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		long i = (long)h->ts.tv_sec - TS_BASE;
		ck_assert(i >= 0 && (size_t)i < fx->n);
		ck_assert_uint_eq(h->caplen, fx->v[i].caplen);
		ck_assert_uint_eq(h->len, fx->v[i].f.len);
		ck_assert_int_eq(h->ts.tv_usec, 123);
		ck_assert(memcmp(data, fx->v[i].f.b, h->caplen) == 0);
		strlist_push(&l, fx->v[i].what);
	}
	ck_assert_int_eq(rc, PCAP_ERROR_BREAK);
	pcap_close(p);
	char *s = strlist_join(&l, ", ");
	strlist_free(&l);
	return s;
}

static flow_t
flow(int proto, int af, const char *local, unsigned lport, const char *remote,
    unsigned rport)
{
	flow_t f;
	memset(&f, 0, sizeof(f));
	f.ipproto = proto;
	f.family = af;
	ck_assert_int_eq(inet_pton(af, local, f.local), 1);
	ck_assert_int_eq(inet_pton(af, remote, f.remote), 1);
	f.lport = (uint16_t)lport;
	f.rport = (uint16_t)rport;
	return f;
}

/* The flows the fixtures are cut by: A is TCP/IPv4, B UDP/IPv6, C UDP/IPv4. */
#define H1 "10.0.0.1"
#define H2 "10.0.0.2"
#define H3 "10.0.0.3"
#define V1 "fd00::1"
#define V2 "fd00::2"

static void
standard_flows(flow_t f[3])
{
	f[0] = flow(IPPROTO_TCP, AF_INET, H1, 40000, H2, 80);
	f[1] = flow(IPPROTO_UDP, AF_INET6, V1, 5353, V2, 53);
	f[2] = flow(IPPROTO_UDP, AF_INET, H1, 41000, H2, 161);
}

/* Splits `fx` written with `dlt` by `flows` and checks exactly which packets
 * were kept. */
static void
check_split(const fixture_t *fx, int dlt, int snaplen, const flow_t *flows,
    size_t nflows)
{
	scratch_t s = scratch_new();
	char *in = scratch_path(&s, "run.pcap");
	char *out = scratch_path(&s, "case.pcap");
	write_fixture(fx, dlt, snaplen, PCAP_TSTAMP_PRECISION_MICRO, in);

	char err[256] = "";
	size_t kept = 999;
	ck_assert_msg(capture_split(in, flows, nflows, out, &kept, err,
	    sizeof(err)) == 0, "%s", err);
	char *want = expected_names(fx);
	char *got = found_names(fx, out, dlt, snaplen);
	ck_assert_str_eq(got, want);
	size_t nwant = 0;
	for (size_t i = 0; i < fx->n; i++)
		nwant += fx->v[i].keep;
	ck_assert_uint_eq(kept, nwant);
	free(want);
	free(got);
	free(in);
	free(out);
	scratch_free(&s);
}

/* The Ethernet capture: every parsing path and every way to be malformed. */
static void
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

/* For the other link types: a few packets each way, plus junk. */
typedef bytes_t (*framer_t)(unsigned type_or_af, const bytes_t *l3);

static bytes_t
fr_sll(unsigned v, const bytes_t *l3)
{
	return sll(v, l3);
}

static bytes_t
fr_sll2(unsigned v, const bytes_t *l3)
{
	return sll2(v, l3);
}

static bytes_t
fr_null_le(unsigned v, const bytes_t *l3)
{
	return bsd_af(v, false, l3);
}

static bytes_t
fr_null_be(unsigned v, const bytes_t *l3)
{
	return bsd_af(v, true, l3);
}

static bytes_t
fr_raw(unsigned v, const bytes_t *l3)
{
	return *l3;
}

static void
small_fixture(fixture_t *fx, framer_t fr, unsigned v4, unsigned v6,
    unsigned other)
{
	memset(fx, 0, sizeof(*fx));
	bytes_t t, u, l3, f;
	t = tcp(40000, 80, 0x02, NULL);
	l3 = ipv4(H1, H2, IPPROTO_TCP, &t);
	f = fr(v4, &l3);
	add(fx, &f, true, "A syn");
	u = udp(53, 5353, "answer");
	l3 = ipv6(V2, V1, IPPROTO_UDP, &u);
	f = fr(v6, &l3);
	add(fx, &f, true, "B answer");
	t = tcp(40001, 80, 0x02, NULL);
	l3 = ipv4(H1, H2, IPPROTO_TCP, &t);
	f = fr(v4, &l3);
	add(fx, &f, false, "other port");
	t = tcp(40000, 80, 0x10, "data");
	l3 = ipv4(H1, H2, IPPROTO_TCP, &t);
	f = fr(v4, &l3);
	add_cut(fx, &f, 3, false, "cut in link header");
	add_cut(fx, &f, f.len - l3.len + 12, false, "cut in IP header");
	f = fr(other, &l3);
	add(fx, &f, false, "not IP");
	f = fr(v6, &l3);
	add(fx, &f, false, "IPv4 labelled IPv6");
}

START_TEST(test_split_ethernet)
{
	fixture_t fx;
	ethernet_fixture(&fx);
	flow_t f[3];
	standard_flows(f);
	check_split(&fx, DLT_EN10MB, 65535, f, 3);
}
END_TEST

START_TEST(test_split_link_types)
{
	static const struct {
		int dlt;
		framer_t fr;
		unsigned v4, v6, other;
		int snaplen;
	} cases[] = {
		{ DLT_LINUX_SLL, fr_sll, 0x0800, 0x86dd, 0x0806, 65535 },
		{ DLT_LINUX_SLL2, fr_sll2, 0x0800, 0x86dd, 0x0806, 1234 },
		{ DLT_NULL, fr_null_le, 2, 10, 17, 65535 },	/* Linux order */
		{ DLT_NULL, fr_null_be, 2, 30, 17, 65535 },	/* big-endian host */
		{ DLT_NULL, fr_null_le, 2, 28, 17, 65535 },	/* FreeBSD */
		{ DLT_LOOP, fr_null_be, 2, 24, 17, 65535 },	/* OpenBSD */
		{ DLT_RAW, fr_raw, 0, 0, 0, 262144 },
	};
	flow_t f[3];
	standard_flows(f);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		fixture_t fx;
		small_fixture(&fx, cases[i].fr, cases[i].v4, cases[i].v6,
		    cases[i].other);
		if (cases[i].dlt == DLT_RAW) {
			/* Raw IP has no label to contradict: drop those cases. */
			fx.n = 5;
			uint8_t v5[24] = { 0x50 };
			bytes_t junk = raw(v5, sizeof(v5));
			add(&fx, &junk, false, "IP version 5");
		}
		check_split(&fx, cases[i].dlt, cases[i].snaplen, f, 3);
	}
}
END_TEST

/* Flow forms other than a plain 5-tuple. */
START_TEST(test_split_flow_forms)
{
	fixture_t fx;
	ethernet_fixture(&fx);
	flow_t f[1];

	/* An AF_INET6 socket talking to an IPv4 device records mapped addresses. */
	f[0] = flow(IPPROTO_TCP, AF_INET6, "::ffff:" H1, 40000, "::ffff:" H2, 80);
	for (size_t i = 0; i < fx.n; i++)
		fx.v[i].keep = fx.v[i].keep && strncmp(fx.v[i].what, "A ", 2) == 0;
	check_split(&fx, DLT_EN10MB, 65535, f, 1);

	/* Local port 0: the probe did not learn it; every local port matches. */
	ethernet_fixture(&fx);
	f[0] = flow(IPPROTO_TCP, AF_INET, H1, 0, H2, 80);
	for (size_t i = 0; i < fx.n; i++)
		fx.v[i].keep = (fx.v[i].keep && strncmp(fx.v[i].what, "A ", 2) == 0) ||
		    strcmp(fx.v[i].what, "other local port") == 0;
	check_split(&fx, DLT_EN10MB, 65535, f, 1);
}
END_TEST

START_TEST(test_split_nothing_matches)
{
	fixture_t fx;
	ethernet_fixture(&fx);
	for (size_t i = 0; i < fx.n; i++)
		fx.v[i].keep = false;
	flow_t f = flow(IPPROTO_TCP, AF_INET, "192.0.2.1", 1, "192.0.2.2", 2);
	check_split(&fx, DLT_EN10MB, 65535, &f, 1);
	check_split(&fx, DLT_EN10MB, 65535, NULL, 0);
	/* ICMP is no flow kind: it matches nothing rather than everything. */
	f = flow(IPPROTO_ICMP, AF_INET, H1, 0, H2, 0);
	check_split(&fx, DLT_EN10MB, 65535, &f, 1);
}
END_TEST

/* Damaged copies of every fixture packet, read as every link type: the split
 * must neither crash (the sanitizer build watches) nor fail. */
START_TEST(test_split_survives_damage)
{
	static const int dlts[] = {
		DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP, DLT_RAW,
	};
	scratch_t s = scratch_new();
	char *in = scratch_path(&s, "run.pcap");
	char *out = scratch_path(&s, "case.pcap");
	fixture_t base;
	ethernet_fixture(&base);
	flow_t f[3];
	standard_flows(f);
	uint32_t rng = 12345;	/* fixed seed: failures reproduce */
	for (size_t d = 0; d < ARRAY_LEN(dlts); d++) {
		pcap_t *dead = pcap_open_dead(dlts[d], 65535);
		pcap_dumper_t *dump = pcap_dump_open(dead, in);
		ck_assert_ptr_nonnull(dump);
		for (int i = 0; i < 3000; i++) {
			rng = rng * 1103515245u + 12345u;
			bytes_t pk = base.v[(rng >> 8) % base.n].f;
			int flips = 1 + (int)((rng >> 4) % 4);
			for (int k = 0; k < flips; k++) {
				rng = rng * 1103515245u + 12345u;
				size_t at = (rng >> 8) % 80;
				if (at < pk.len)
					pk.b[at] ^= (uint8_t)(rng >> 16 | 1);
			}
			rng = rng * 1103515245u + 12345u;
			size_t cut = (rng >> 8) % (pk.len + 1);
			struct pcap_pkthdr h = {
				.caplen = (bpf_u_int32)(i % 3 ? pk.len : cut),
				.len = (bpf_u_int32)pk.len,
			};
			pcap_dump((u_char *)dump, &h, pk.b);
		}
		pcap_dump_close(dump);
		pcap_close(dead);
		char err[256] = "";
		size_t kept = 0;
		ck_assert_msg(capture_split(in, f, 3, out, &kept, err,
		    sizeof(err)) == 0, "%s", err);
		ck_assert_uint_le(kept, 3000);
	}
	free(in);
	free(out);
	scratch_free(&s);
}
END_TEST

START_TEST(test_split_keeps_nanoseconds)
{
	scratch_t s = scratch_new();
	char *in = scratch_path(&s, "run.pcap");
	char *out = scratch_path(&s, "case.pcap");
	fixture_t fx;
	ethernet_fixture(&fx);
	write_fixture(&fx, DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_NANO, in);
	flow_t f[3];
	standard_flows(f);
	char err[256] = "";
	size_t kept = 0;
	ck_assert_msg(capture_split(in, f, 3, out, &kept, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_uint_gt(kept, 0);

	char eb[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline_with_tstamp_precision(out,
	    PCAP_TSTAMP_PRECISION_NANO, eb);
	ck_assert_ptr_nonnull(p);
	struct pcap_pkthdr *h;
	const u_char *data;
	ck_assert_int_eq(pcap_next_ex(p, &h, &data), 1);
	ck_assert_int_eq(h->ts.tv_usec, 123);	/* nanoseconds, not rounded */
	pcap_close(p);
	FILE *fp = fopen(out, "rb");
	uint32_t magic = 0;
	ck_assert_uint_eq(fread(&magic, 1, 4, fp), 4);
	fclose(fp);
	ck_assert_uint_eq(magic, 0xa1b23c4d);
	free(in);
	free(out);
	scratch_free(&s);
}
END_TEST

START_TEST(test_split_errors)
{
	scratch_t s = scratch_new();
	char *in = scratch_path(&s, "run.pcap");
	char *out = scratch_path(&s, "case.pcap");
	char err[256] = "";
	size_t kept = 7;
	flow_t f[3];
	standard_flows(f);

	ck_assert_int_eq(capture_split(in, f, 3, out, &kept, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, in));
	ck_assert_uint_eq(kept, 0);
	ck_assert_int_ne(access(out, F_OK), 0);

	fixture_t fx;
	ethernet_fixture(&fx);
	write_fixture(&fx, DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_MICRO, in);
	ck_assert_int_eq(capture_split(in, f, 3, in, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "overwrite"));
	ck_assert_int_eq(capture_split(in, NULL, 1, out, NULL, err, sizeof(err)), -1);

	write_fixture(&fx, DLT_IEEE802_11, 65535, PCAP_TSTAMP_PRECISION_MICRO, in);
	ck_assert_int_eq(capture_split(in, f, 3, out, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not supported"));
	ck_assert_int_ne(access(out, F_OK), 0);

	/* A record cut short by a crash is an error, not a silent half split. */
	write_fixture(&fx, DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_MICRO, in);
	struct stat st;
	ck_assert_int_eq(stat(in, &st), 0);
	ck_assert_int_eq(truncate(in, st.st_size - 3), 0);
	ck_assert_int_eq(capture_split(in, f, 3, out, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "reading"));
	ck_assert_int_ne(access(out, F_OK), 0);

	/* Not a pcap at all; and no err buffer is fine.  A case file left
	 * from an earlier run does not survive the failure. */
	FILE *fp = fopen(in, "w");
	fputs("not a capture\n", fp);
	fclose(fp);
	fp = fopen(out, "w");
	fclose(fp);
	ck_assert_int_eq(capture_split(in, f, 3, out, NULL, NULL, 0), -1);
	ck_assert_int_ne(access(out, F_OK), 0);
	ck_assert_int_eq(access(in, F_OK), 0);
	free(in);
	free(out);
	scratch_free(&s);
}
END_TEST

static Suite *
capture_split_suite(void)
{
	Suite *s = suite_create("capture-split");
	TCase *tc = tcase_create("split");
	tcase_add_test(tc, test_split_ethernet);
	tcase_add_test(tc, test_split_link_types);
	tcase_add_test(tc, test_split_flow_forms);
	tcase_add_test(tc, test_split_nothing_matches);
	tcase_add_test(tc, test_split_survives_damage);
	tcase_add_test(tc, test_split_keeps_nanoseconds);
	tcase_add_test(tc, test_split_errors);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(capture_split_suite)
