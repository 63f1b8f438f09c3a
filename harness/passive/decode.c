/*
 * One captured frame down to its transport payload (decode.h).  The link
 * layer says which IP version follows, IP says where the transport header
 * is (after options or extension headers, or in a reassembled datagram),
 * and TCP/UDP give ports and payload.  All reads go through cursor_t, so a
 * frame cut anywhere stops cleanly; what does not parse is counted as
 * malformed and never guessed at.  Capture bytes are untrusted.
 */
#include "passive/decode.h"

#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/util.h"
#include "passive/frag.h"
#include "proto/cursor.h"

#define MAX_VLAN_TAGS 4
#define MAX_IPV6_EXT  8		/* more is an evasion attempt or garbage */

#define ETH_IPV4      0x0800
#define ETH_IPV6      0x86dd
#define ETH_VLAN      0x8100
#define ETH_QINQ      0x88a8
#define ETH_QINQ_OLD  0x9100

#define LINKTYPE_RAW  101	/* what the file says; libpcap maps it to DLT_RAW */

#define TCP_FIN 0x01
#define TCP_SYN 0x02

struct pv_decoder {
	int dlt;
	pv_decode_stats_t st;
	pv_frag_t *frag;
};

enum l3 { L3_BAD = -1, L3_NONE = 0, L3_V4, L3_V6 };

bool
pv_link_supported(int dlt)
{
	return dlt == DLT_EN10MB || dlt == DLT_LINUX_SLL || dlt == DLT_LINUX_SLL2 ||
	    dlt == DLT_NULL || dlt == DLT_LOOP || dlt == DLT_RAW || dlt == LINKTYPE_RAW ||
	    dlt == DLT_IPV4 || dlt == DLT_IPV6;
}

pv_decoder_t *
pv_decoder_new(int dlt, const pv_frag_limits_t *lim)
{
	if (!pv_link_supported(dlt))
		return NULL;
	pv_decoder_t *d = xcalloc(1, sizeof(*d));
	d->dlt = dlt;
	d->frag = pv_frag_new(lim);
	return d;
}

void
pv_decoder_free(pv_decoder_t *d)
{
	if (d == NULL)
		return;
	pv_frag_free(d->frag);
	free(d);
}

const pv_decode_stats_t *
pv_decode_stats(const pv_decoder_t *d)
{
	return &d->st;
}

size_t
pv_decoder_memory(const pv_decoder_t *d)
{
	return d ? pv_frag_memory(d->frag) : 0;
}

/* ---- link layer ---- */

static enum l3
l3_of_ethertype(uint16_t type)
{
	return type == ETH_IPV4 ? L3_V4 : type == ETH_IPV6 ? L3_V6 : L3_NONE;
}

static enum l3
after_vlans(cursor_t *c, uint16_t type)
{
	for (int i = 0; type == ETH_VLAN || type == ETH_QINQ || type == ETH_QINQ_OLD; i++) {
		if (i == MAX_VLAN_TAGS)
			return L3_BAD;
		cur_skip(c, 2);		/* TCI */
		cur_be16(c, &type);
	}
	return c->bad ? L3_BAD : l3_of_ethertype(type);
}

/* BSD loopback headers hold the sender's AF_ value: 2 everywhere for IPv4,
 * and 10 (Linux), 24 (Net/OpenBSD), 28 (FreeBSD) or 30 (Darwin) for IPv6. */
static enum l3
l3_of_bsd_af(uint32_t af)
{
	if (af == 2)
		return L3_V4;
	if (af == 10 || af == 24 || af == 28 || af == 30)
		return L3_V6;
	return L3_NONE;
}

static enum l3
l3_of_version(const cursor_t *c)
{
	if (cur_left(c) < 1)
		return L3_BAD;
	uint8_t v = c->p[c->off] >> 4;
	return v == 4 ? L3_V4 : v == 6 ? L3_V6 : L3_BAD;
}

/* SLL's address (8 bytes, halen used) is the sender's: a MAC when 6. */
static void
sll_addr(cursor_t *c, unsigned halen, pv_frame_t *out)
{
	const uint8_t *addr;
	if (cur_bytes(c, 8, &addr) == 0 && halen == 6)
		out->src_mac = addr;
}

static uint32_t
le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static enum l3
link_layer(int dlt, cursor_t *c, pv_frame_t *out)
{
	uint16_t type, halen16;
	uint8_t halen;
	const uint8_t *b;
	switch (dlt) {
	case DLT_EN10MB:
		cur_bytes(c, 6, &out->dst_mac);
		cur_bytes(c, 6, &out->src_mac);
		cur_be16(c, &type);
		return c->bad ? L3_BAD : after_vlans(c, type);
	case DLT_LINUX_SLL:	/* pkttype, hatype, halen, addr[8], protocol */
		cur_skip(c, 4);
		cur_be16(c, &halen16);
		sll_addr(c, halen16, out);
		cur_be16(c, &type);
		return c->bad ? L3_BAD : after_vlans(c, type);
	case DLT_LINUX_SLL2:	/* protocol, reserved, ifindex, hatype, pkttype, halen, addr[8] */
		cur_be16(c, &type);
		cur_skip(c, 9);
		cur_u8(c, &halen);
		sll_addr(c, halen, out);
		return c->bad ? L3_BAD : after_vlans(c, type);
	case DLT_NULL:		/* the AF_ value in the capturing host's byte order */
		if (cur_bytes(c, 4, &b) < 0)
			return L3_BAD;
		if (l3_of_bsd_af(le32(b)) != L3_NONE)
			return l3_of_bsd_af(le32(b));
		return l3_of_bsd_af((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		    (uint32_t)b[2] << 8 | b[3]);
	case DLT_LOOP: {	/* the AF_ value in network byte order */
		uint32_t af;
		if (cur_be32(c, &af) < 0)
			return L3_BAD;
		return l3_of_bsd_af(af);
	}
	case DLT_IPV4:
		return l3_of_version(c) == L3_V4 ? L3_V4 : L3_BAD;
	case DLT_IPV6:
		return l3_of_version(c) == L3_V6 ? L3_V6 : L3_BAD;
	default:		/* DLT_RAW, LINKTYPE_RAW */
		return l3_of_version(c);
	}
}

/* ---- transport ---- */

/* c: the IP payload as captured; wire: its length on the wire. */
static int
transport(pv_decoder_t *d, cursor_t *c, size_t wire, pv_frame_t *out)
{
	if (out->proto == IPPROTO_TCP) {
		uint8_t offx, flags;
		uint16_t win, sum, urg;
		cur_be16(c, &out->sport);
		cur_be16(c, &out->dport);
		cur_be32(c, &out->seq);
		cur_be32(c, &out->ack);
		cur_u8(c, &offx);
		cur_u8(c, &flags);
		cur_be16(c, &win);
		cur_be16(c, &sum);
		cur_be16(c, &urg);
		size_t hlen = (size_t)(offx >> 4) * 4;
		if (c->bad || hlen < 20 || hlen > wire || cur_skip(c, hlen - 20) < 0)
			return -1;
		out->tcp_flags = flags;
		out->wire_len = wire - hlen;
		d->st.tcp++;
	} else if (out->proto == IPPROTO_UDP) {
		uint16_t ulen, sum;
		cur_be16(c, &out->sport);
		cur_be16(c, &out->dport);
		cur_be16(c, &ulen);
		cur_be16(c, &sum);
		if (c->bad || ulen < 8 || ulen > wire)
			return -1;
		out->wire_len = (size_t)ulen - 8;
		if (cur_left(c) > out->wire_len)	/* IP padding after the datagram */
			c->len = c->off + out->wire_len;
		d->st.udp++;
	} else {
		out->wire_len = wire;
		d->st.other_ip++;
	}
	out->len = cur_left(c);
	if (out->len > out->wire_len)
		out->len = out->wire_len;
	out->payload = c->p + c->off;
	return 1;
}

/* A completed datagram: the transport header is at its start. */
static int
reassembled(pv_decoder_t *d, const uint8_t *p, size_t n, pv_frame_t *out)
{
	cursor_t c;
	cur_init(&c, p, n);
	out->reassembled = true;
	return transport(d, &c, n, out);
}

/* ---- IPv4 ---- */

static int
ipv4(pv_decoder_t *d, cursor_t *c, pv_frame_t *out)
{
	uint8_t vihl, tos, ttl, proto;
	uint16_t total, id, frag, sum;
	const uint8_t *src, *dst;
	cur_u8(c, &vihl);
	cur_u8(c, &tos);
	cur_be16(c, &total);
	cur_be16(c, &id);
	cur_be16(c, &frag);
	cur_u8(c, &ttl);
	cur_u8(c, &proto);
	cur_be16(c, &sum);
	cur_bytes(c, 4, &src);
	cur_bytes(c, 4, &dst);
	size_t hlen = (size_t)(vihl & 15) * 4;
	if (c->bad || vihl >> 4 != 4 || hlen < 20 || total < hlen ||
	    cur_skip(c, hlen - 20) < 0)	/* options: nothing here reads them */
		return -1;
	d->st.ip++;
	out->family = AF_INET;
	memcpy(out->src, src, 4);
	memcpy(out->dst, dst, 4);
	out->proto = proto;
	size_t wire = (size_t)total - hlen;
	if (cur_left(c) > wire)	/* Ethernet padding */
		c->len = c->off + wire;

	size_t off = (size_t)(frag & 0x1fff) * 8;
	bool more = (frag & 0x2000) != 0;
	if (off == 0 && !more)
		return transport(d, c, wire, out);
	d->st.fragments++;
	if (cur_left(c) < wire || (more && wire % 8 != 0)) {
		d->st.frag_dropped++;	/* snapped: its bytes cannot be rebuilt */
		return 0;
	}
	pv_frag_key_t k = { .family = AF_INET, .proto = proto, .id = id };
	memcpy(k.src, src, 4);
	memcpy(k.dst, dst, 4);
	const uint8_t *dg;
	size_t n;
	uint8_t next;
	if (pv_frag_add(d->frag, &k, off, more, proto, c->p + c->off, wire, out->ts_us,
	    &d->st, &dg, &n, &next) != 1)
		return 0;
	return reassembled(d, dg, n, out);
}

/* ---- IPv6 ---- */

/*
 * Walks extension headers from `next` (counting into *hdrs) to the upper
 * layer.  A fragment header hands the rest to reassembly: *frag_at is then
 * set to the cursor offset of the fragmentable part.
 */
static int
ipv6_ext(cursor_t *c, uint8_t *next, int *hdrs, size_t *frag_at, uint16_t *offflags,
    uint32_t *frag_id)
{
	for (;;) {
		uint8_t nh, len;
		switch (*next) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
		case 135:		/* mobility */
		case 139:		/* HIP */
		case 140:		/* shim6 */
			cur_u8(c, &nh);
			cur_u8(c, &len);
			cur_skip(c, (size_t)len * 8 + 6);
			break;
		case IPPROTO_AH:	/* length in 4-octet units, minus 2 */
			cur_u8(c, &nh);
			cur_u8(c, &len);
			cur_skip(c, (size_t)len * 4 + 6);
			break;
		case IPPROTO_FRAGMENT:
			cur_u8(c, &nh);
			cur_u8(c, &len);	/* reserved */
			cur_be16(c, offflags);
			cur_be32(c, frag_id);
			if (c->bad || ++*hdrs > MAX_IPV6_EXT)
				return -1;
			*next = nh;
			*frag_at = c->off;
			return 0;
		default:
			return 0;	/* upper layer, ESP or no-next-header */
		}
		if (c->bad || ++*hdrs > MAX_IPV6_EXT)
			return -1;
		*next = nh;
	}
}

static int
ipv6(pv_decoder_t *d, cursor_t *c, pv_frame_t *out)
{
	uint32_t vtcfl;
	uint16_t plen;
	uint8_t next, hops;
	const uint8_t *src, *dst;
	cur_be32(c, &vtcfl);
	cur_be16(c, &plen);
	cur_u8(c, &next);
	cur_u8(c, &hops);
	cur_bytes(c, 16, &src);
	cur_bytes(c, 16, &dst);
	if (c->bad || vtcfl >> 28 != 6)
		return -1;
	d->st.ip++;
	out->family = AF_INET6;
	memcpy(out->src, src, 16);
	memcpy(out->dst, dst, 16);
	/* plen 0 is a jumbogram: only the capture bounds it. */
	size_t wire = plen ? plen : cur_left(c);
	if (cur_left(c) > wire)
		c->len = c->off + wire;
	size_t start = c->off;

	int hdrs = 0;
	size_t frag_at = 0;
	uint16_t offflags = 0;
	uint32_t id = 0;
	if (ipv6_ext(c, &next, &hdrs, &frag_at, &offflags, &id) < 0)
		return -1;
	if (frag_at == 0) {
		out->proto = next;
		return transport(d, c, wire - (c->off - start), out);
	}
	size_t fwire = wire - (frag_at - start);	/* the fragmentable part */
	size_t off = (size_t)(offflags >> 3) * 8;
	bool more = (offflags & 1) != 0;
	if (off == 0 && !more) {	/* an atomic fragment (RFC 6946) */
		frag_at = 0;
		if (ipv6_ext(c, &next, &hdrs, &frag_at, &offflags, &id) < 0 ||
		    frag_at != 0)
			return -1;	/* a second fragment header */
		out->proto = next;
		return transport(d, c, wire - (c->off - start), out);
	}
	d->st.fragments++;
	if (cur_left(c) < fwire || (more && fwire % 8 != 0)) {
		d->st.frag_dropped++;
		return 0;
	}
	pv_frag_key_t k = { .family = AF_INET6, .id = id };
	memcpy(k.src, src, 16);
	memcpy(k.dst, dst, 16);
	const uint8_t *dg;
	size_t n;
	if (pv_frag_add(d->frag, &k, off, more, next, c->p + c->off, fwire, out->ts_us,
	    &d->st, &dg, &n, &next) != 1)
		return 0;
	/* The fragmentable part may start with more extension headers. */
	cursor_t r;
	cur_init(&r, dg, n);
	frag_at = 0;
	if (ipv6_ext(&r, &next, &hdrs, &frag_at, &offflags, &id) < 0 || frag_at != 0)
		return -1;
	out->proto = next;
	out->reassembled = true;
	return transport(d, &r, n - r.off, out);
}

int
pv_decode(pv_decoder_t *d, const uint8_t *p, size_t caplen, size_t wirelen, uint64_t no,
    int64_t ts_us, pv_frame_t *out)
{
	(void)wirelen;		/* IP's own lengths say what was snapped */
	memset(out, 0, sizeof(*out));
	out->no = no;
	out->ts_us = ts_us;
	d->st.frames++;
	pv_frag_expire(d->frag, ts_us, &d->st);

	cursor_t c;
	cur_init(&c, p, caplen);
	int rc;
	switch (link_layer(d->dlt, &c, out)) {
	case L3_V4:
		rc = ipv4(d, &c, out);
		break;
	case L3_V6:
		rc = ipv6(d, &c, out);
		break;
	case L3_NONE:
		d->st.not_ip++;
		return 0;
	default:
		rc = -1;
		break;
	}
	if (rc < 0)
		d->st.malformed++;
	return rc;
}
