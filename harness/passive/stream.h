/*
 * TCP stream reassembly for the flow table (internal to passive/: only
 * flows.c uses it).  One pv_stream_t per direction of a TCP flow delivers
 * each stream byte at most once, in order: out-of-order bytes are held up
 * to a window, and holes it cannot wait for are skipped (and counted).
 * What the stream needs from its owner (delivery to the analyzers, the
 * table's memory accounting, where gaps are counted) comes through
 * pv_stream_io_t, so the stream knows nothing of flows or analyzers.
 */
#ifndef IOTCERT_PV_STREAM_H
#define IOTCERT_PV_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PV_TCP_FIN 0x01
#define PV_TCP_SYN 0x02
#define PV_TCP_RST 0x04
#define PV_TCP_ACK 0x10

typedef struct pv_seg pv_seg_t;

/* One direction of a TCP stream; all zero before its first segment. */
typedef struct pv_stream {
	uint32_t next;		/* the next stream byte to deliver */
	uint32_t fin_seq;	/* the FIN's sequence number */
	bool started, fin;
	pv_seg_t *held;		/* out of order, sorted, never overlapping */
	size_t held_bytes, held_segs;
} pv_stream_t;

/* The owner's side of a stream, passed to every call that may deliver,
 * hold or free bytes. */
typedef struct pv_stream_io {
	void *ctx;
	size_t window;		/* out-of-order bytes held at most */
	/* In-order bytes, `frame` the frame that carried the first. */
	void (*deliver)(void *ctx, const uint8_t *p, size_t n, uint64_t frame);
	/* Reserves and accounts n bytes about to be allocated (the owner
	 * may free others' to make room); false: no room. */
	bool (*reserve)(void *ctx, size_t n);
	/* n bytes were freed. */
	void (*release)(void *ctx, size_t n);
	/* n stream bytes were given up as never seen. */
	void (*gap)(void *ctx, uint32_t n);
} pv_stream_io_t;

/*
 * One segment of this direction: its flags (PV_TCP_SYN and PV_TCP_FIN
 * matter here), sequence number, `n` captured payload bytes of `wire` on
 * the wire (n < wire: snapped; the rest is skipped as a gap).
 */
void pv_stream_segment(pv_stream_t *s, const pv_stream_io_t *io, uint8_t flags, uint32_t seq,
    const uint8_t *p, size_t n, size_t wire, uint64_t frame);

/* Delivers what is held, skipping the holes, and up to the FIN. */
void pv_stream_flush(pv_stream_t *s, const pv_stream_io_t *io);

/* Frees what is held without delivering it. */
void pv_stream_clear(pv_stream_t *s, const pv_stream_io_t *io);

/* The FIN was seen and every byte before it delivered or skipped. */
bool pv_stream_done(const pv_stream_t *s);

#endif
