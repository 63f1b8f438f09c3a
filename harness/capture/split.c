/*
 * Cutting the run's capture into one pcap per test case: a case's evidence is
 * the packets of the connections its probe made (flow_t), in both directions.
 *
 * The packet bytes come from the device, so they are untrusted: every read
 * goes through cursor_t, which cannot read past the captured length, and
 * anything that does not parse is skipped rather than guessed at.
 */
#include "capture/capture.h"
#include "capture/errmsg.h"

#include <errno.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

#define MAX_VLAN_TAGS   4	/* QinQ and then some */
#define MAX_IPV6_EXT    8	/* more is an evasion attempt or garbage */
#define FRAG_SLOTS      256	/* first fragments remembered, oldest replaced */

#define ETH_IPV4        0x0800
#define ETH_IPV6        0x86dd
#define ETH_VLAN        0x8100
#define ETH_QINQ        0x88a8
#define ETH_QINQ_OLD    0x9100

/* ---- bounds-checked reading ---- */

typedef struct cursor {
	const uint8_t *p;
	size_t left;
} cursor_t;

static bool
cur_skip(cursor_t *c, size_t n)
{
	if (c->left < n)
		return false;
	c->p += n;
	c->left -= n;
	return true;
}

static bool
cur_bytes(cursor_t *c, void *out, size_t n)
{
	if (c->left < n)
		return false;
	memcpy(out, c->p, n);
	return cur_skip(c, n);
}

static bool
cur_u8(cursor_t *c, uint8_t *v)
{
	return cur_bytes(c, v, 1);
}

static bool
cur_be16(cursor_t *c, uint16_t *v)
{
	uint8_t b[2];
	if (!cur_bytes(c, b, 2))
		return false;
	*v = (uint16_t)(b[0] << 8 | b[1]);
	return true;
}

static bool
cur_be32(cursor_t *c, uint32_t *v)
{
	uint8_t b[4];
	if (!cur_bytes(c, b, 4))
		return false;
	*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return true;
}

static bool
cur_peek_u8(const cursor_t *c, uint8_t *v)
{
	if (c->left < 1)
		return false;
	*v = c->p[0];
	return true;
}

/* Narrows the cursor to what a length field claims, when the capture holds
 * at least that much (a snaplen-truncated packet keeps what it has). */
static void
cur_limit(cursor_t *c, size_t n)
{
	if (n < c->left)
		c->left = n;
}

/* ---- what a packet is ---- */

typedef struct pkt_key {
	int family;		/* AF_INET / AF_INET6, 0 when not IP */
	int proto;		/* upper-layer protocol */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	bool has_ports;		/* a TCP/UDP header (or one quoted by ICMP) */
	/* Fragmentation, from the outermost IP header. */
	bool frag_first;	/* offset 0, more to come */
	bool frag_later;	/* offset > 0 */
	uint32_t frag_id;
	int frag_proto;
	uint8_t frag_src[16], frag_dst[16];
} pkt_key_t;

enum l3 { L3_NONE, L3_V4, L3_V6 };

static enum l3
l3_of_ethertype(uint16_t type)
{
	return type == ETH_IPV4 ? L3_V4 : type == ETH_IPV6 ? L3_V6 : L3_NONE;
}

static enum l3
ethertype_after_vlans(cursor_t *c, uint16_t type)
{
	for (int i = 0; i < MAX_VLAN_TAGS; i++) {
		if (type != ETH_VLAN && type != ETH_QINQ && type != ETH_QINQ_OLD)
			break;
		if (!cur_skip(c, 2) || !cur_be16(c, &type))	/* TCI, type */
			return L3_NONE;
	}
	return l3_of_ethertype(type);
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
	uint8_t b;
	if (!cur_peek_u8(c, &b))
		return L3_NONE;
	return b >> 4 == 4 ? L3_V4 : b >> 4 == 6 ? L3_V6 : L3_NONE;
}

/* Moves past the link-layer header; says which IP version follows. */
static enum l3
skip_link(int dlt, cursor_t *c)
{
	uint16_t type;
	uint32_t af;
	switch (dlt) {
	case DLT_EN10MB:
		if (!cur_skip(c, 12) || !cur_be16(c, &type))
			return L3_NONE;
		return ethertype_after_vlans(c, type);
	case DLT_LINUX_SLL:	/* pkttype, hatype, halen, addr[8], protocol */
		if (!cur_skip(c, 14) || !cur_be16(c, &type))
			return L3_NONE;
		return ethertype_after_vlans(c, type);
	case DLT_LINUX_SLL2:	/* protocol, reserved, ifindex, hatype, ..., addr[8] */
		if (!cur_be16(c, &type) || !cur_skip(c, 18))
			return L3_NONE;
		return ethertype_after_vlans(c, type);
	case DLT_NULL: {	/* AF_ value in the capturing host's byte order */
		uint8_t b[4];
		if (!cur_bytes(c, b, 4))
			return L3_NONE;
		enum l3 le = l3_of_bsd_af((uint32_t)b[0] | (uint32_t)b[1] << 8 |
		    (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24);
		enum l3 be = l3_of_bsd_af((uint32_t)b[0] << 24 |
		    (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]);
		return le != L3_NONE ? le : be;
	}
	case DLT_LOOP:		/* AF_ value in network byte order */
		if (!cur_be32(c, &af))
			return L3_NONE;
		return l3_of_bsd_af(af);
	case DLT_RAW:
		return l3_of_version(c);
	case DLT_IPV4:
		return l3_of_version(c) == L3_V4 ? L3_V4 : L3_NONE;
	case DLT_IPV6:
		return l3_of_version(c) == L3_V6 ? L3_V6 : L3_NONE;
	default:
		return L3_NONE;
	}
}

static bool
link_supported(int dlt)
{
	return dlt == DLT_EN10MB || dlt == DLT_LINUX_SLL || dlt == DLT_LINUX_SLL2 ||
	    dlt == DLT_NULL || dlt == DLT_LOOP || dlt == DLT_RAW ||
	    dlt == DLT_IPV4 || dlt == DLT_IPV6;
}

static bool parse_ip(cursor_t c, enum l3 l3, pkt_key_t *k, bool quoted);

static bool
icmp_is_error(enum l3 l3, uint8_t type)
{
	if (l3 == L3_V4)	/* unreachable, source quench, time exceeded, parameter */
		return type == 3 || type == 4 || type == 11 || type == 12;
	return type >= 1 && type <= 4;	/* ICMPv6 error messages */
}

/*
 * The transport header: ports for TCP and UDP; for an ICMP error, the packet
 * it quotes (which belongs to the flow that caused it).  Only the ports are
 * needed, so a header cut short after them still counts.
 */
static bool
parse_transport(cursor_t c, enum l3 l3, pkt_key_t *k, bool quoted)
{
	if (k->proto == IPPROTO_TCP || k->proto == IPPROTO_UDP) {
		if (!cur_be16(&c, &k->sport) || !cur_be16(&c, &k->dport))
			return false;
		k->has_ports = true;
		return true;
	}
	bool icmp = (l3 == L3_V4 && k->proto == IPPROTO_ICMP) ||
	    (l3 == L3_V6 && k->proto == IPPROTO_ICMPV6);
	uint8_t type;
	if (!icmp || quoted || !cur_u8(&c, &type) || !icmp_is_error(l3, type))
		return true;	/* IP, but nothing a flow can claim */
	if (!cur_skip(&c, 7))	/* code, checksum, unused/MTU/pointer */
		return false;
	pkt_key_t inner;
	memset(&inner, 0, sizeof(inner));
	if (!parse_ip(c, l3, &inner, true) || !inner.has_ports)
		return true;
	k->proto = inner.proto;
	memcpy(k->src, inner.src, sizeof(k->src));
	memcpy(k->dst, inner.dst, sizeof(k->dst));
	k->sport = inner.sport;
	k->dport = inner.dport;
	k->has_ports = true;
	return true;
}

static bool
parse_ipv4(cursor_t c, pkt_key_t *k, bool quoted)
{
	uint8_t vihl, tos, ttl, proto;
	uint16_t total, id, frag, sum;
	if (!cur_u8(&c, &vihl) || !cur_u8(&c, &tos) || !cur_be16(&c, &total) ||
	    !cur_be16(&c, &id) || !cur_be16(&c, &frag) || !cur_u8(&c, &ttl) ||
	    !cur_u8(&c, &proto) || !cur_be16(&c, &sum) ||
	    !cur_bytes(&c, k->src, 4) || !cur_bytes(&c, k->dst, 4))
		return false;
	size_t hlen = (size_t)(vihl & 15) * 4;
	if (vihl >> 4 != 4 || hlen < 20 || total < hlen || !cur_skip(&c, hlen - 20))
		return false;
	cur_limit(&c, total - hlen);
	k->family = AF_INET;
	k->proto = proto;
	uint16_t offset = frag & 0x1fff;
	bool more = (frag & 0x2000) != 0;
	if (!quoted && (offset != 0 || more)) {
		k->frag_first = offset == 0;
		k->frag_later = offset != 0;
		k->frag_id = id;
		k->frag_proto = proto;
		memcpy(k->frag_src, k->src, 4);
		memcpy(k->frag_dst, k->dst, 4);
	}
	if (offset != 0)
		return true;	/* no transport header in this fragment */
	return parse_transport(c, L3_V4, k, quoted);
}

static bool
parse_ipv6(cursor_t c, pkt_key_t *k, bool quoted)
{
	uint32_t vtcfl;
	uint16_t plen;
	uint8_t next, hops;
	if (!cur_be32(&c, &vtcfl) || !cur_be16(&c, &plen) || !cur_u8(&c, &next) ||
	    !cur_u8(&c, &hops) || !cur_bytes(&c, k->src, 16) ||
	    !cur_bytes(&c, k->dst, 16))
		return false;
	if (vtcfl >> 28 != 6)
		return false;
	if (plen != 0)		/* 0: a jumbogram; the capture bounds it */
		cur_limit(&c, plen);
	k->family = AF_INET6;

	for (int i = 0;; i++) {
		uint8_t nh, len;
		switch (next) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
		case 135:		/* mobility */
		case 139:		/* HIP */
		case 140:		/* shim6 */
			if (i >= MAX_IPV6_EXT || !cur_u8(&c, &nh) ||
			    !cur_u8(&c, &len) || !cur_skip(&c, (size_t)len * 8 + 6))
				return false;
			next = nh;
			continue;
		case IPPROTO_AH:	/* length in 4-octet units, minus 2 */
			if (i >= MAX_IPV6_EXT || !cur_u8(&c, &nh) ||
			    !cur_u8(&c, &len) || !cur_skip(&c, (size_t)len * 4 + 6))
				return false;
			next = nh;
			continue;
		case IPPROTO_FRAGMENT: {
			uint8_t reserved;
			uint16_t offflags;
			uint32_t id;
			if (i >= MAX_IPV6_EXT || !cur_u8(&c, &nh) ||
			    !cur_u8(&c, &reserved) || !cur_be16(&c, &offflags) ||
			    !cur_be32(&c, &id))
				return false;
			next = nh;
			uint16_t offset = offflags >> 3;
			bool more = (offflags & 1) != 0;
			if (!quoted && (offset != 0 || more)) {
				k->frag_first = offset == 0;
				k->frag_later = offset != 0;
				k->frag_id = id;
				k->frag_proto = nh;
				memcpy(k->frag_src, k->src, 16);
				memcpy(k->frag_dst, k->dst, 16);
			}
			if (offset != 0) {
				k->proto = nh;
				return true;
			}
			continue;
		}
		default:
			/* Upper layer, or ESP / no-next-header: nothing to read. */
			k->proto = next;
			return parse_transport(c, L3_V6, k, quoted);
		}
	}
}

static bool
parse_ip(cursor_t c, enum l3 l3, pkt_key_t *k, bool quoted)
{
	if (l3 == L3_V4)
		return parse_ipv4(c, k, quoted);
	if (l3 == L3_V6)
		return parse_ipv6(c, k, quoted);
	return false;
}

/* ---- flows ---- */

/* A flow as it appears on the wire (IPv4-mapped IPv6 flows are IPv4). */
typedef struct wire_flow {
	int family, proto;
	uint8_t a[16], b[16];
	uint16_t pa, pb;
} wire_flow_t;

static bool
v4mapped(const uint8_t a[16])
{
	static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };
	return memcmp(a, prefix, 12) == 0;
}

static bool
wire_flow_of(const flow_t *f, wire_flow_t *w)
{
	memset(w, 0, sizeof(*w));
	if (f->ipproto != IPPROTO_TCP && f->ipproto != IPPROTO_UDP)
		return false;
	w->proto = f->ipproto;
	w->pa = f->lport;
	w->pb = f->rport;
	if (f->family == AF_INET6 && v4mapped(f->local) && v4mapped(f->remote)) {
		w->family = AF_INET;
		memcpy(w->a, f->local + 12, 4);
		memcpy(w->b, f->remote + 12, 4);
	} else if (f->family == AF_INET || f->family == AF_INET6) {
		w->family = f->family;
		size_t n = f->family == AF_INET ? 4 : 16;
		memcpy(w->a, f->local, n);
		memcpy(w->b, f->remote, n);
	} else {
		return false;
	}
	return true;
}

static bool
port_ok(uint16_t want, uint16_t got)
{
	return want == 0 || want == got;
}

static bool
flow_matches(const wire_flow_t *f, const pkt_key_t *k)
{
	if (!k->has_ports || f->family != k->family || f->proto != k->proto)
		return false;
	size_t n = f->family == AF_INET ? 4 : 16;
	if (memcmp(f->a, k->src, n) == 0 && memcmp(f->b, k->dst, n) == 0 &&
	    port_ok(f->pa, k->sport) && port_ok(f->pb, k->dport))
		return true;
	return memcmp(f->b, k->src, n) == 0 && memcmp(f->a, k->dst, n) == 0 &&
	    port_ok(f->pb, k->sport) && port_ok(f->pa, k->dport);
}

/*
 * Fragments after the first carry no ports.  They are kept when a first
 * fragment with the same (family, protocol, source, destination, IP id) was
 * kept earlier; ones that arrive before their first fragment are dropped.
 * The table is a ring, so a long capture only remembers recent datagrams.
 */
typedef struct frag_slot {
	bool used;
	int family, proto;
	uint32_t id;
	uint8_t src[16], dst[16];
} frag_slot_t;

typedef struct frag_table {
	frag_slot_t slot[FRAG_SLOTS];
	size_t next;
} frag_table_t;

static bool
frag_same(const frag_slot_t *s, const pkt_key_t *k)
{
	return s->used && s->family == k->family && s->proto == k->frag_proto &&
	    s->id == k->frag_id && memcmp(s->src, k->frag_src, 16) == 0 &&
	    memcmp(s->dst, k->frag_dst, 16) == 0;
}

static void
frag_remember(frag_table_t *t, const pkt_key_t *k)
{
	for (size_t i = 0; i < FRAG_SLOTS; i++)
		if (frag_same(&t->slot[i], k))
			return;
	frag_slot_t *s = &t->slot[t->next];
	t->next = (t->next + 1) % FRAG_SLOTS;
	s->used = true;
	s->family = k->family;
	s->proto = k->frag_proto;
	s->id = k->frag_id;
	memcpy(s->src, k->frag_src, 16);
	memcpy(s->dst, k->frag_dst, 16);
}

static bool
frag_known(const frag_table_t *t, const pkt_key_t *k)
{
	for (size_t i = 0; i < FRAG_SLOTS; i++)
		if (frag_same(&t->slot[i], k))
			return true;
	return false;
}

static bool
keep_packet(int dlt, const uint8_t *data, size_t caplen, const wire_flow_t *flows,
    size_t nflows, frag_table_t *frags)
{
	cursor_t c = { data, caplen };
	pkt_key_t k;
	memset(&k, 0, sizeof(k));
	enum l3 l3 = skip_link(dlt, &c);
	if (l3 == L3_NONE || !parse_ip(c, l3, &k, false))
		return false;
	if (k.frag_later)
		return frag_known(frags, &k);
	for (size_t i = 0; i < nflows; i++) {
		if (flow_matches(&flows[i], &k)) {
			if (k.frag_first)
				frag_remember(frags, &k);
			return true;
		}
	}
	return false;
}

/* ---- files ---- */

/* pcap_open_offline() would quietly turn nanosecond time stamps into
 * microseconds; the file's magic says which precision to keep. */
static int
file_precision(FILE *f)
{
	uint8_t m[4];
	int prec = PCAP_TSTAMP_PRECISION_MICRO;
	if (fread(m, 1, 4, f) == 4) {
		uint32_t le = (uint32_t)m[0] | (uint32_t)m[1] << 8 |
		    (uint32_t)m[2] << 16 | (uint32_t)m[3] << 24;
		if (le == 0xa1b23c4du || le == 0x4d3cb2a1u)
			prec = PCAP_TSTAMP_PRECISION_NANO;
	}
	rewind(f);
	return prec;
}

static bool
same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	if (strcmp(a, b) == 0)
		return true;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	    sa.st_ino == sb.st_ino;
}

int
capture_split(const char *run_pcap, const flow_t *flows, size_t nflows,
    const char *out_pcap, size_t *packets, char *err, size_t errlen)
{
	if (packets != NULL)
		*packets = 0;
	if (run_pcap == NULL || out_pcap == NULL || (flows == NULL && nflows > 0))
		return cap_err(err, errlen, "capture_split: missing argument");
	if (same_file(run_pcap, out_pcap))
		return cap_err(err, errlen, "%s: split would overwrite its input",
		    out_pcap);

	/* From here on a failure removes out_pcap, so a stale file from an
	 * earlier run can never pass for this case's evidence. */
	FILE *f = fopen(run_pcap, "rb");
	if (f == NULL) {
		cap_err(err, errlen, "cannot read %s: %s", run_pcap,
		    strerror(errno));
		unlink(out_pcap);
		return -1;
	}
	int prec = file_precision(f);
	char eb[PCAP_ERRBUF_SIZE] = "";
	pcap_t *in = pcap_fopen_offline_with_tstamp_precision(f, prec, eb);
	if (in == NULL) {
		fclose(f);
		cap_err(err, errlen, "cannot read %s: %s", run_pcap, eb);
		unlink(out_pcap);
		return -1;
	}
	int dlt = pcap_datalink(in);
	if (!link_supported(dlt)) {
		const char *name = pcap_datalink_val_to_name(dlt);
		cap_err(err, errlen, "%s: link type %s (%d) is not supported",
		    run_pcap, name ? name : "?", dlt);
		pcap_close(in);
		unlink(out_pcap);
		return -1;
	}

	wire_flow_t *wf = xcalloc(nflows ? nflows : 1, sizeof(*wf));
	size_t nwf = 0;
	for (size_t i = 0; i < nflows; i++)
		if (wire_flow_of(&flows[i], &wf[nwf]))
			nwf++;
	frag_table_t *frags = xcalloc(1, sizeof(*frags));

	int rc = -1;
	size_t kept = 0;
	pcap_t *dead = pcap_open_dead_with_tstamp_precision(dlt,
	    pcap_snapshot(in), prec);
	pcap_dumper_t *out = dead ? pcap_dump_open(dead, out_pcap) : NULL;
	if (out == NULL) {
		cap_err(err, errlen, "cannot create %s: %s", out_pcap,
		    dead ? pcap_geterr(dead) : "out of memory");
		goto done;
	}
	for (;;) {
		struct pcap_pkthdr *h;
		const u_char *data;
		int n = pcap_next_ex(in, &h, &data);
		if (n == PCAP_ERROR_BREAK)	/* end of file */
			break;
		if (n != 1) {
			cap_err(err, errlen, "reading %s: %s", run_pcap,
			    pcap_geterr(in));
			goto done;
		}
		if (keep_packet(dlt, data, h->caplen, wf, nwf, frags)) {
			pcap_dump((u_char *)out, h, data);
			kept++;
		}
	}
	errno = 0;
	if (pcap_dump_flush(out) != 0 || ferror(pcap_dump_file(out))) {
		cap_err(err, errlen, "writing %s: %s", out_pcap,
		    strerror(errno ? errno : EIO));
		goto done;
	}
	rc = 0;
done:
	if (out != NULL)
		pcap_dump_close(out);
	if (rc != 0)
		unlink(out_pcap);
	if (dead != NULL)
		pcap_close(dead);
	pcap_close(in);
	free(frags);
	free(wf);
	if (rc == 0 && packets != NULL)
		*packets = kept;
	return rc;
}
