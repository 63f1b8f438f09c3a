/*
 * Bodies far larger than memory allows (a 10 GB Content-Length, an endless
 * chunked body, a 100 MiB description), generated a buffer at a time and
 * written through the connection's deadlines.  A client that stops reading
 * stalls the writes until the idle limit ends the connection, and the rate
 * and time caps keep a client that reads everything from turning the
 * device into a traffic generator.
 */
#include "refdev.h"

#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STREAM_BUF (64 * 1024)
#define TICKS_PER_S 20

size_t
stream_fill_text(const void *arg, uint64_t off, unsigned char *buf, size_t cap)
{
	static const char line[] = "refdev misbehave: a body that does not end in time. "
	                           "0123456789abcdef\n";
	const size_t n = sizeof(line) - 1;
	for (size_t i = 0; i < cap; i++)
		buf[i] = (unsigned char)line[(off + i) % n];
	return cap;
}

/* One piece of the body, framed as a chunk when chunked. */
static int
send_piece(conn_t *c, const stream_t *s, const unsigned char *p, size_t n)
{
	if (s->chunked) {
		char size[24];
		int k = snprintf(size, sizeof(size), "%zx\r\n", n);
		if (conn_write(c, size, (size_t)k) < 0 || conn_write(c, p, n) < 0)
			return -1;
		return conn_write(c, "\r\n", 2);
	}
	return conn_write(c, p, n);
}

int
stream_send(conn_t *c, const stream_t *s)
{
	unsigned char *buf = xcalloc(STREAM_BUF, 1);
	uint64_t start = mono_ms(), off = 0, tick = 0, budget = 0;
	int rc = -1;
	while (off < s->len) {
		uint64_t now = mono_ms();
		if (s->max_ms > 0 && now - start >= (uint64_t)s->max_ms)
			break;
		if (s->rate) {
			/* A tick's worth at a time holds the rate without bursting a second. */
			if (budget == 0) {
				uint64_t due = start + tick * 1000 / TICKS_PER_S;
				if (due > now && conn_sleep(c, (int)(due - now)) < 0)
					break;
				tick++;
				budget = s->rate / TICKS_PER_S;
			}
		}
		size_t want = STREAM_BUF;
		if (s->len - off < want)
			want = (size_t)(s->len - off);
		if (s->rate && budget < want)
			want = (size_t)budget;
		size_t got = s->fill(s->arg, off, buf, want);
		if (got == 0 || got > want || send_piece(c, s, buf, got) < 0)
			break;
		off += got;
		if (s->rate)
			budget -= got;
	}
	if (off == s->len) {
		rc = 0;
		if (s->chunked && conn_write(c, "0\r\n\r\n", 5) < 0)
			rc = -1;
	}
	if (rc < 0)
		conn_log(c, "stream stopped after %llu bytes", (unsigned long long)off);
	free(buf);
	return rc;
}
