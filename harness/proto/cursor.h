/*
 * The one bounds-checked reader for bytes from a device or a capture.  Every
 * get fails (returns -1 and latches `bad`) instead of reading past the end,
 * so a parser written as a straight sequence of gets cannot overrun even when
 * it forgets a check; test `bad` once at the end.
 */
#ifndef IOTCERT_CURSOR_H
#define IOTCERT_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct cursor {
	const uint8_t *p;
	size_t len;
	size_t off;
	bool bad;
} cursor_t;

static inline void
cur_init(cursor_t *c, const void *p, size_t len)
{
	c->p = p;
	c->len = len;
	c->off = 0;
	c->bad = false;
}

static inline size_t
cur_left(const cursor_t *c)
{
	return c->bad ? 0 : c->len - c->off;
}

static inline int
cur_u8(cursor_t *c, uint8_t *v)
{
	if (cur_left(c) < 1) {
		c->bad = true;
		*v = 0;
		return -1;
	}
	*v = c->p[c->off++];
	return 0;
}

static inline int
cur_be16(cursor_t *c, uint16_t *v)
{
	if (cur_left(c) < 2) {
		c->bad = true;
		*v = 0;
		return -1;
	}
	*v = (uint16_t)(c->p[c->off] << 8 | c->p[c->off + 1]);
	c->off += 2;
	return 0;
}

static inline int
cur_be24(cursor_t *c, uint32_t *v)
{
	if (cur_left(c) < 3) {
		c->bad = true;
		*v = 0;
		return -1;
	}
	*v = (uint32_t)c->p[c->off] << 16 | (uint32_t)c->p[c->off + 1] << 8 | c->p[c->off + 2];
	c->off += 3;
	return 0;
}

static inline int
cur_be32(cursor_t *c, uint32_t *v)
{
	if (cur_left(c) < 4) {
		c->bad = true;
		*v = 0;
		return -1;
	}
	*v = (uint32_t)c->p[c->off] << 24 | (uint32_t)c->p[c->off + 1] << 16 |
	    (uint32_t)c->p[c->off + 2] << 8 | c->p[c->off + 3];
	c->off += 4;
	return 0;
}

/* Points *out at the next n bytes (no copy). */
static inline int
cur_bytes(cursor_t *c, size_t n, const uint8_t **out)
{
	if (cur_left(c) < n) {
		c->bad = true;
		*out = NULL;
		return -1;
	}
	*out = c->p + c->off;
	c->off += n;
	return 0;
}

static inline int
cur_skip(cursor_t *c, size_t n)
{
	const uint8_t *dummy;
	return cur_bytes(c, n, &dummy);
}

/* A sub-cursor over the next n bytes; the parent skips them. */
static inline int
cur_sub(cursor_t *c, size_t n, cursor_t *sub)
{
	const uint8_t *p;
	if (cur_bytes(c, n, &p) < 0) {
		cur_init(sub, NULL, 0);
		sub->bad = true;
		return -1;
	}
	cur_init(sub, p, n);
	return 0;
}

#endif
