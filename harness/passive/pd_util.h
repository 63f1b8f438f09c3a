/*
 * Small helpers shared by the passive analyzers: address text and scope,
 * growing an analyzer's own array of run-wide entries, and an
 * open-addressing index over such an array (capped tables, so a capture
 * with many peers costs bounded memory and constant time per lookup).
 */
#ifndef IOTCERT_PD_UTIL_H
#define IOTCERT_PD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passive/analyzer.h"

#define PD_ADDR_MAX	48	/* an IPv6 address in text, NUL included */

/* The numeric text of an address (AF_INET: 4 bytes, AF_INET6: 16). */
void pd_addr_text(int family, const uint8_t *addr, char *out, size_t len);
/* Bytes of an address of the family: 4 or 16. */
size_t pd_addr_len(int family);
/* The address of f's endpoint `side` (0 client, 1 server). */
const uint8_t *pd_flow_addr(const pv_flow_t *f, int side);
/* The side of f that is not the DUT: the server unless only the server is
 * the DUT. */
int pd_remote_side(const pv_flow_t *f);

/* On the local network: RFC 1918, loopback, link-local, "this network"
 * (0/8), multicast and broadcast; IPv6 loopback, link-local, ULA, multicast
 * (and IPv4-mapped forms of the IPv4 ones).  CGNAT space (100.64/10) is
 * the ISP's, so it counts as internet. */
bool pd_addr_local(int family, const uint8_t *addr);

/* FNV-1a, continued from h (start with PD_HASH_INIT). */
#define PD_HASH_INIT	1469598103934665603ull
uint64_t pd_hash(uint64_t h, const void *p, size_t n);

/*
 * Indexes into the caller's array: slot values are entry index + 1.  The
 * table has twice as many slots as the caller's cap on entries, so it never
 * fills.
 */
typedef struct pd_index {
	uint32_t *slot;
	size_t n;		/* slots, a power of two */
} pd_index_t;

void pd_index_init(pd_index_t *ix, size_t max_entries);
void pd_index_free(pd_index_t *ix);
/*
 * Finds the entry with hash h for which eq(ctx, index) holds: its index,
 * or -1 with *slot set to where a new entry goes (pd_index_put).
 */
long pd_index_find(const pd_index_t *ix, uint64_t h, bool (*eq)(const void *ctx, size_t i),
    const void *ctx, size_t *slot);
void pd_index_put(pd_index_t *ix, size_t slot, size_t i);

/*
 * Room for entry n of a caller's growable array v of `size`-byte entries,
 * its capacity in *cap (doubled when full, `first` at the start): the
 * array, perhaps moved, with entry n zeroed.
 */
void *pd_append(void *v, size_t n, size_t *cap, size_t size, size_t first);

/* ASCII lower-case copy, truncated to fit. */
void pd_lower(char *out, size_t cap, const char *s);

#endif
