/*
 * Building test packets byte by byte, and seeded random input for the
 * garbage rounds.  Header-only: every unit-test file is its own executable.
 */
#ifndef IOTCERT_TEST_PKTBUILD_H
#define IOTCERT_TEST_PKTBUILD_H

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct pkt {
	uint8_t b[4096];
	size_t n;
} pkt_t;

static inline void
put(pkt_t *p, const void *d, size_t n)
{
	ck_assert_uint_le(p->n + n, sizeof(p->b));
	if (n)
		memcpy(p->b + p->n, d, n);
	p->n += n;
}

static inline void
put8(pkt_t *p, unsigned v)
{
	uint8_t b = (uint8_t)v;
	put(p, &b, 1);
}

static inline void
put16(pkt_t *p, unsigned v)
{
	put8(p, v >> 8);
	put8(p, v);
}

static inline void
put32(pkt_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p, v & 0xffff);
}

/* Wire-format name from dotted text (no escapes, test names only). */
static inline void
putname(pkt_t *p, const char *name)
{
	while (*name) {
		size_t k = strcspn(name, ".");
		put8(p, (unsigned)k);
		put(p, name, k);
		name += k;
		if (*name == '.')
			name++;
	}
	put8(p, 0);
}

static inline uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static inline void
random_bytes(uint64_t *s, uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)xorshift(s);
}

/* Copies a prefix to the heap so ASan sees reads past it. */
static inline uint8_t *
heap_copy(const uint8_t *p, size_t n)
{
	uint8_t *h = malloc(n ? n : 1);
	memcpy(h, p, n);
	return h;
}

#endif
