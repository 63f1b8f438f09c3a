/*
 * Decoding one captured frame down to its transport payload, for the
 * passive analyzers: link layer (Ethernet with VLAN tags, Linux cooked v1
 * and v2, raw IP, BSD loopback), IPv4 and IPv6 (extension headers walked),
 * bounded reassembly of IP fragments, then TCP or UDP.  Every byte is read
 * through proto/cursor.h; a frame that does not parse is counted and
 * skipped, never guessed at.
 */
#ifndef IOTCERT_PV_DECODE_H
#define IOTCERT_PV_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One decoded frame.  Pointers are into the frame or the decoder's
 * reassembly buffer, valid until the next pv_decode call. */
typedef struct pv_frame {
	uint64_t no;		/* 1-based frame number in the file, as Wireshark counts */
	int64_t ts_us;		/* capture time, microseconds since the epoch */
	const uint8_t *src_mac, *dst_mac;	/* NULL unless the link carries them */
	int family;		/* AF_INET or AF_INET6 */
	uint8_t src[16], dst[16];	/* network order; IPv4 in the first 4 bytes */
	uint8_t proto;		/* IPPROTO_TCP, IPPROTO_UDP, or another IP protocol */
	uint16_t sport, dport;	/* TCP and UDP only */
	uint8_t tcp_flags;	/* TH_SYN, TH_ACK, TH_FIN, TH_RST ... */
	uint32_t seq, ack;	/* TCP */
	const uint8_t *payload;	/* transport payload as captured */
	size_t len;		/* its captured length */
	size_t wire_len;	/* its length on the wire (len < wire_len: snapped) */
	bool reassembled;	/* an IP datagram rebuilt from fragments */
} pv_frame_t;

typedef struct pv_decode_stats {
	uint64_t frames, ip, tcp, udp, other_ip, not_ip, malformed;
	uint64_t fragments, reassembled, frag_dropped;	/* dropped: over a cap or timed out */
} pv_decode_stats_t;

/* Caps of the fragment reassembly (0: the default in brackets). */
typedef struct pv_frag_limits {
	size_t datagrams;	/* pending datagrams at once [64] */
	size_t bytes;		/* one datagram's size [65535] */
	int64_t timeout_us;	/* a datagram not complete after this is dropped [30 s] */
} pv_frag_limits_t;

typedef struct pv_decoder pv_decoder_t;

/* For libpcap link type `dlt` (DLT_EN10MB, ...); NULL when not supported. */
pv_decoder_t *pv_decoder_new(int dlt, const pv_frag_limits_t *lim);
void pv_decoder_free(pv_decoder_t *d);	/* NULL is fine */
bool pv_link_supported(int dlt);

/*
 * Decodes frame `no` of `caplen` captured bytes (`wirelen` on the wire).
 * 1: *out holds an IP packet (or a datagram just completed by this
 * fragment); 0: nothing to analyse (not IP, or a fragment kept for
 * reassembly); -1: malformed (counted).
 */
int pv_decode(pv_decoder_t *d, const uint8_t *p, size_t caplen, size_t wirelen, uint64_t no,
    int64_t ts_us, pv_frame_t *out);
const pv_decode_stats_t *pv_decode_stats(const pv_decoder_t *d);
/* Bytes held by the decoder now (fragments), for the memory figure. */
size_t pv_decoder_memory(const pv_decoder_t *d);

#endif
