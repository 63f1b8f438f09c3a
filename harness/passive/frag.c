/*
 * IP fragment reassembly for the passive decoder (frag.h has the policy).
 * Pending datagrams are few (64 by default), so they live in a small array
 * in arrival order: lookup is a scan, the oldest is always element 0.
 */
#include "passive/frag.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define DEF_DATAGRAMS 64
#define DEF_BYTES     65535
#define DEF_TIMEOUT   (30 * (int64_t)1000000)
#define MAX_PIECES    256	/* fragments of one datagram; more is an attack */

typedef struct piece {
	uint32_t off, len;
} piece_t;

typedef struct dgram {
	pv_frag_key_t k;
	int64_t first_us;
	uint8_t *buf;
	size_t cap;		/* of buf */
	size_t have;		/* bytes received (pieces never overlap) */
	size_t total;		/* known once the last fragment came */
	bool total_known, next_known;
	uint8_t next;
	size_t npieces;
	piece_t piece[MAX_PIECES];
} dgram_t;

struct pv_frag {
	size_t max_dg, max_bytes;
	int64_t timeout;
	dgram_t **dg;		/* max_dg slots, ndg used, oldest first */
	size_t ndg;
	uint8_t *done;		/* the last completed datagram, handed out */
	size_t done_cap;
	size_t mem;
};

static void
limits(const pv_frag_limits_t *lim, size_t *dg, size_t *bytes, int64_t *timeout)
{
	*dg = lim && lim->datagrams ? lim->datagrams : DEF_DATAGRAMS;
	*bytes = lim && lim->bytes ? lim->bytes : DEF_BYTES;
	*timeout = lim && lim->timeout_us > 0 ? lim->timeout_us : DEF_TIMEOUT;
}

size_t
pv_frag_worst(const pv_frag_limits_t *lim)
{
	size_t dg, bytes;
	int64_t t;
	limits(lim, &dg, &bytes, &t);
	return sizeof(pv_frag_t) + dg * (sizeof(dgram_t *) + sizeof(dgram_t) + bytes) + bytes;
}

pv_frag_t *
pv_frag_new(const pv_frag_limits_t *lim)
{
	pv_frag_t *fr = xcalloc(1, sizeof(*fr));
	limits(lim, &fr->max_dg, &fr->max_bytes, &fr->timeout);
	fr->dg = xcalloc(fr->max_dg, sizeof(*fr->dg));
	fr->mem = sizeof(*fr) + fr->max_dg * sizeof(*fr->dg);
	return fr;
}

static void
release_done(pv_frag_t *fr)
{
	free(fr->done);
	fr->mem -= fr->done_cap;
	fr->done = NULL;
	fr->done_cap = 0;
}

/* Removes slot i, keeping the others in arrival order; frees its buffer
 * unless `keep_buf`. */
static void
remove_dg(pv_frag_t *fr, size_t i, bool keep_buf)
{
	dgram_t *d = fr->dg[i];
	if (!keep_buf) {
		free(d->buf);
		fr->mem -= d->cap;
	}
	fr->mem -= sizeof(*d);
	free(d);
	memmove(&fr->dg[i], &fr->dg[i + 1], (fr->ndg - i - 1) * sizeof(fr->dg[0]));
	fr->ndg--;
}

static int
drop(pv_frag_t *fr, size_t i, pv_decode_stats_t *st)
{
	remove_dg(fr, i, false);
	st->frag_dropped++;
	return -1;
}

void
pv_frag_free(pv_frag_t *fr)
{
	if (fr == NULL)
		return;
	while (fr->ndg > 0)
		remove_dg(fr, fr->ndg - 1, false);
	free(fr->done);
	free(fr->dg);
	free(fr);
}

void
pv_frag_expire(pv_frag_t *fr, int64_t now_us, pv_decode_stats_t *st)
{
	if (fr->done != NULL)
		release_done(fr);
	/* Oldest first: stop at the first one still in time.  Capture time
	 * can step backwards; such a datagram just waits a little longer. */
	while (fr->ndg > 0 && now_us - fr->dg[0]->first_us > fr->timeout)
		drop(fr, 0, st);
}

size_t
pv_frag_memory(const pv_frag_t *fr)
{
	return fr ? fr->mem : 0;
}

static bool
same_key(const pv_frag_key_t *a, const pv_frag_key_t *b)
{
	return a->family == b->family && a->id == b->id && a->proto == b->proto &&
	    memcmp(a->src, b->src, 16) == 0 && memcmp(a->dst, b->dst, 16) == 0;
}

static dgram_t *
find_or_add(pv_frag_t *fr, const pv_frag_key_t *k, int64_t now_us, pv_decode_stats_t *st,
    size_t *idx)
{
	for (size_t i = 0; i < fr->ndg; i++) {
		if (same_key(&fr->dg[i]->k, k)) {
			*idx = i;
			return fr->dg[i];
		}
	}
	if (fr->ndg == fr->max_dg)
		drop(fr, 0, st);	/* the oldest makes room */
	dgram_t *d = xcalloc(1, sizeof(*d));
	d->k = *k;
	d->first_us = now_us;
	fr->mem += sizeof(*d);
	*idx = fr->ndg;
	fr->dg[fr->ndg++] = d;
	return d;
}

int
pv_frag_add(pv_frag_t *fr, const pv_frag_key_t *k, size_t off, bool more, uint8_t next,
    const uint8_t *p, size_t n, int64_t now_us, pv_decode_stats_t *st,
    const uint8_t **out, size_t *outlen, uint8_t *next_out)
{
	pv_frag_expire(fr, now_us, st);
	size_t i;
	dgram_t *d = find_or_add(fr, k, now_us, st, &i);
	size_t end = off + n;
	if (n == 0 || end > fr->max_bytes)
		return drop(fr, i, st);
	if (!more) {
		if (d->total_known && d->total != end)
			return drop(fr, i, st);	/* two different last fragments */
		for (size_t j = 0; j < d->npieces; j++)
			if (d->piece[j].off + d->piece[j].len > end)
				return drop(fr, i, st);
		d->total = end;
		d->total_known = true;
	} else if (d->total_known && end > d->total) {
		return drop(fr, i, st);
	}
	for (size_t j = 0; j < d->npieces; j++) {
		const piece_t *q = &d->piece[j];
		if (off >= q->off + q->len || q->off >= end)
			continue;
		if (q->off == off && q->len == n && memcmp(d->buf + off, p, n) == 0)
			return 0;	/* an exact repeat */
		return drop(fr, i, st);
	}
	if (d->npieces == MAX_PIECES)
		return drop(fr, i, st);
	if (end > d->cap) {
		size_t cap = d->cap * 2 > end ? d->cap * 2 : end;
		if (cap > fr->max_bytes)
			cap = fr->max_bytes;
		d->buf = xrealloc(d->buf, cap, 1);
		fr->mem += cap - d->cap;
		d->cap = cap;
	}
	memcpy(d->buf + off, p, n);
	d->piece[d->npieces++] = (piece_t){ (uint32_t)off, (uint32_t)n };
	d->have += n;
	if (off == 0) {
		d->next = next;
		d->next_known = true;
	}
	if (!d->total_known || d->have != d->total)
		return 0;
	/* Complete: no overlaps and have == total mean [0, total) is covered. */
	fr->done = d->buf;
	fr->done_cap = d->cap;
	*out = d->buf;
	*outlen = d->total;
	*next_out = d->next;
	remove_dg(fr, i, true);
	st->reassembled++;
	return 1;
}
