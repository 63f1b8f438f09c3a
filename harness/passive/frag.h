/*
 * Bounded reassembly of IPv4 and IPv6 fragments, private to decode.c.  A
 * datagram is keyed by (family, source, destination, protocol for IPv4,
 * identification); its bytes are kept in one buffer grown on demand, never
 * beyond the limits' `bytes`; at most `datagrams` are pending (the oldest is
 * dropped to make room), and one not complete `timeout_us` of capture time
 * after its first fragment is dropped.
 *
 * Overlap policy: a fragment that repeats exactly a range already held with
 * the same bytes is ignored (a retransmission); any other overlap drops the
 * whole datagram.  That is RFC 5722 for IPv6, applied to IPv4 too: receivers
 * resolve overlaps differently, so an analyzer must not be shown one of
 * several possible datagrams.
 */
#ifndef IOTCERT_PV_FRAG_H
#define IOTCERT_PV_FRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passive/decode.h"

typedef struct pv_frag_key {
	int family;
	uint8_t proto;		/* IPv4 only (IPv6's comes with offset 0) */
	uint32_t id;
	uint8_t src[16], dst[16];
} pv_frag_key_t;

typedef struct pv_frag pv_frag_t;

/* lim NULL or zero fields: decode.h's defaults.  Free with pv_frag_free. */
pv_frag_t *pv_frag_new(const pv_frag_limits_t *lim);
void pv_frag_free(pv_frag_t *fr);	/* NULL is fine */

/*
 * Adds `n` bytes at byte offset `off` of the datagram `k` (`more`: not the
 * last fragment; `next` the upper protocol when off is 0, for IPv6).
 * 1: the datagram is complete, out, outlen and next_out hold it until the next
 * call; 0: held; -1: this fragment or its datagram was dropped (counted in
 * st->frag_dropped, as datagrams).
 */
int pv_frag_add(pv_frag_t *fr, const pv_frag_key_t *k, size_t off, bool more, uint8_t next,
    const uint8_t *p, size_t n, int64_t now_us, pv_decode_stats_t *st,
    const uint8_t **out, size_t *outlen, uint8_t *next_out);

/* Drops datagrams older than the timeout at capture time now_us. */
void pv_frag_expire(pv_frag_t *fr, int64_t now_us, pv_decode_stats_t *st);

/* Bytes allocated now, and the most it can ever hold. */
size_t pv_frag_memory(const pv_frag_t *fr);
size_t pv_frag_worst(const pv_frag_limits_t *lim);

#endif
