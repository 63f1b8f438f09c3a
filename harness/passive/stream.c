/*
 * TCP stream reassembly (stream.h), one direction at a time: each stream
 * byte is delivered at most once, in order; out-of-order bytes are held up
 * to the window (and MAX_HELD segments); when the window is full, or the
 * flow ends, the holes are skipped.  Where held segments overlap, the bytes
 * held first win; bytes already delivered are never delivered again,
 * whatever a retransmission says.  Every byte held is reserved and
 * accounted through the owner's pv_stream_io_t first.
 */
#include "passive/stream.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define MAX_HELD    1024	/* held segments per direction (scan cost) */

struct pv_seg {
	struct pv_seg *next;
	uint32_t seq, len;
	uint64_t frame;
	uint8_t data[];
};

static bool
serial_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static bool
serial_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

static void
free_seg(pv_stream_t *h, const pv_stream_io_t *io, pv_seg_t *s)
{
	h->held_bytes -= s->len;
	h->held_segs--;
	io->release(io->ctx, sizeof(*s) + s->len);
	free(s);
}

/* Delivers held segments that the stream has reached. */
static void
drain(pv_stream_t *h, const pv_stream_io_t *io)
{
	while (h->held != NULL && serial_le(h->held->seq, h->next)) {
		pv_seg_t *s = h->held;
		h->held = s->next;
		uint32_t skip = h->next - s->seq;
		if (skip < s->len) {
			io->deliver(io->ctx, s->data + skip, s->len - skip, s->frame);
			h->next = s->seq + s->len;
		}
		free_seg(h, io, s);
	}
}

/* Gives up waiting for the bytes before `to`. */
static void
skip_to(pv_stream_t *h, const pv_stream_io_t *io, uint32_t to)
{
	if (serial_lt(h->next, to)) {
		io->gap(io->ctx, to - h->next);
		h->next = to;
	}
	drain(h, io);
}

/* Holds [seq, seq+n) except what is held already (the first bytes win). */
static void
hold(pv_stream_t *h, const pv_stream_io_t *io, uint32_t seq, const uint8_t *p, size_t n,
    uint64_t frame)
{
	uint32_t s = seq, end = seq + (uint32_t)n;
	pv_seg_t **pp = &h->held;
	while (serial_lt(s, end)) {
		pv_seg_t *q = *pp;
		if (q != NULL && serial_le(q->seq + q->len, s)) {
			pp = &q->next;
			continue;
		}
		uint32_t stop = q == NULL || serial_le(end, q->seq) ? end :
		    serial_lt(s, q->seq) ? q->seq : s;
		if (serial_lt(s, stop)) {
			size_t len = stop - s;
			if (io->reserve(io->ctx, sizeof(pv_seg_t) + len)) {
				pv_seg_t *nw = xcalloc(1, sizeof(*nw) + len);
				nw->seq = s;
				nw->len = (uint32_t)len;
				nw->frame = frame;
				memcpy(nw->data, p + (s - seq), len);
				h->held_bytes += len;
				h->held_segs++;
				nw->next = q;
				*pp = nw;
				pp = &nw->next;
			}	/* else lost: a hole skipped later */
			s = stop;
		}
		if (q == NULL || !serial_lt(s, end))
			break;
		s = q->seq + q->len;
		pp = &q->next;
	}
}

/* n captured bytes of a segment of `wire` bytes at seq. */
static void
payload(pv_stream_t *h, const pv_stream_io_t *io, uint32_t seq, const uint8_t *p, size_t n,
    size_t wire, uint64_t frame)
{
	for (;;) {
		if (serial_le(seq, h->next))
			break;
		if (h->held_bytes + n <= io->window && h->held_segs < MAX_HELD) {
			hold(h, io, seq, p, n, frame);
			return;
		}
		/* The window is full: stop waiting for the first hole. */
		skip_to(h, io, h->held && serial_lt(h->held->seq, seq) ? h->held->seq : seq);
	}
	uint32_t old = h->next - seq;	/* bytes already delivered */
	if (old >= wire)
		return;			/* a retransmission */
	if (old < n) {
		io->deliver(io->ctx, p + old, n - old, frame);
		h->next = seq + (uint32_t)n;
	}
	if (wire > n)			/* snapped: the rest was never captured */
		skip_to(h, io, seq + (uint32_t)wire);
	drain(h, io);
}

void
pv_stream_segment(pv_stream_t *h, const pv_stream_io_t *io, uint8_t flags, uint32_t seq,
    const uint8_t *p, size_t n, size_t wire, uint64_t frame)
{
	if (flags & PV_TCP_SYN) {
		if (!h->started) {
			h->started = true;
			h->next = seq + 1;
		}
		seq++;		/* the SYN takes one sequence number */
	}
	if (!h->started) {	/* joined mid-stream: start where we came in */
		h->started = true;
		h->next = seq;
	}
	if (wire > 0)
		payload(h, io, seq, p, n, wire, frame);
	if (flags & PV_TCP_FIN) {
		h->fin = true;
		h->fin_seq = seq + (uint32_t)wire;
	}
}

void
pv_stream_flush(pv_stream_t *h, const pv_stream_io_t *io)
{
	while (h->held != NULL)
		skip_to(h, io, h->held->seq);
	if (h->fin && serial_lt(h->next, h->fin_seq))
		skip_to(h, io, h->fin_seq);
}

void
pv_stream_clear(pv_stream_t *h, const pv_stream_io_t *io)
{
	while (h->held != NULL) {
		pv_seg_t *s = h->held;
		h->held = s->next;
		free_seg(h, io, s);
	}
}

bool
pv_stream_done(const pv_stream_t *h)
{
	return h->fin && h->held == NULL && !serial_lt(h->next, h->fin_seq);
}
