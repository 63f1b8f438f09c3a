/*
 * The passive flow table (flows.h): a chained hash on the canonical 5-tuple
 * (the lower endpoint first, so both directions meet), an LRU list (second
 * chance) for eviction, classification of each flow's first bytes, and
 * delivery to the analyzers.  Each TCP direction is reassembled by
 * stream.c; only flows with an end at the DUT are reassembled and shown to
 * analyzers, the others are only counted.
 *
 * Memory: every allocation first reserves its bytes (reserve()), evicting
 * least recently used flows when the cap would be passed, so the total
 * stays within max_memory however long the capture.
 */
#include "passive/flows.h"
#include "passive/stream.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define DEF_MEMORY  ((size_t)256 << 20)
#define DEF_FLOWS   200000
#define DEF_WINDOW  ((size_t)64 << 10)
#define CLS_MAX     2048	/* first bytes kept per direction to classify */
#define BUCKETS0    1024
#define CLS_SPARE   256		/* freed classification buffers kept for reuse */

typedef struct half {
	pv_stream_t s;		/* TCP reassembly */
	uint8_t *cls;		/* first bytes, while unclassified (TCP) */
	size_t cls_n;
} half_t;

typedef struct fkey {
	uint8_t a[16], b[16];
	uint16_t pa, pb;
	uint8_t family, proto, pad[2];
} fkey_t;

/* What a lookup reads (key, hash, chain) shares the first cache line. */
typedef struct entry {
	fkey_t key;
	uint32_t hash;
	bool deliver, ended;
	bool ref;		/* used since it last reached the LRU tail */
	struct entry *hnext, *lprev, *lnext;
	pv_flow_t f;
	half_t h[2];
	uint8_t *state;		/* the analyzers' blocks, at t->off[i] */
} entry_t;

struct pv_table {
	pv_table_cfg_t cfg;
	uint8_t mac[6];
	size_t off[PV_MAX_ANALYZERS], state_size;
	entry_t **bucket;
	size_t nbucket, nflows;
	entry_t *lru_head, *lru_tail;	/* head: most recently used */
	size_t mem, ext;
	bool ending;		/* inside end_flow: no eviction from there */
	/* Spare classification buffers (accounted): a flow's 2 KiB come and
	 * go often, and malloc is slow at that size in a fragmented heap. */
	void *spare[CLS_SPARE];
	size_t nspare;
	pv_table_stats_t st;
};

/* ---- memory ---- */

static void
note_peak(pv_table_t *t)
{
	t->st.memory = t->mem + t->ext;
	if (t->st.memory > t->st.peak_memory)
		t->st.peak_memory = t->st.memory;
}

static void account(pv_table_t *t, size_t n) { t->mem += n; note_peak(t); }
static void unaccount(pv_table_t *t, size_t n) { t->mem -= n; t->st.memory = t->mem + t->ext; }

static void evict(pv_table_t *t, entry_t *e);
static entry_t *victim(pv_table_t *t, const entry_t *cur);

/* Room for `need` more bytes: spare buffers go first, then LRU flows
 * other than `cur`. */
static bool
reserve(pv_table_t *t, size_t need, const entry_t *cur)
{
	while (t->mem + t->ext + need > t->cfg.max_memory && t->nspare > 0) {
		free(t->spare[--t->nspare]);
		unaccount(t, CLS_MAX);
	}
	while (t->mem + t->ext + need > t->cfg.max_memory && !t->ending) {
		entry_t *v = victim(t, cur);
		if (v == NULL)
			return false;
		evict(t, v);
	}
	return t->mem + t->ext + need <= t->cfg.max_memory;
}

/* reserve(), and the bytes accounted: the caller allocates them now. */
static bool
claim(pv_table_t *t, size_t need, const entry_t *cur)
{
	if (!reserve(t, need, cur))
		return false;
	account(t, need);
	return true;
}

/* ---- delivery and classification ---- */

static uint8_t *
cls_get(pv_table_t *t, const entry_t *e)
{
	if (t->nspare > 0)
		return t->spare[--t->nspare];
	if (!claim(t, CLS_MAX, e))
		return NULL;
	return xrealloc(NULL, CLS_MAX, 1);	/* no need to zero */
}

static void
cls_put(pv_table_t *t, half_t *h)
{
	if (h->cls == NULL)
		return;
	if (t->nspare < CLS_SPARE) {
		t->spare[t->nspare++] = h->cls;
	} else {
		free(h->cls);
		unaccount(t, CLS_MAX);
	}
	h->cls = NULL;
}

static void
set_app(pv_table_t *t, entry_t *e, const char *tok)
{
	snprintf(e->f.app, sizeof(e->f.app), "%s", tok);
	cls_put(t, &e->h[0]);
	cls_put(t, &e->h[1]);
}

/*
 * TCP: the classifier sees up to 2 KiB of the direction's first bytes,
 * copied only when the first delivery does not decide.  UDP: each datagram
 * on its own (a message each), until 2 KiB went by undecided.
 */
static void
classify(pv_table_t *t, entry_t *e, pv_dir_t dir, const uint8_t *p, size_t n)
{
	half_t *h = &e->h[dir];
	size_t k = n < CLS_MAX ? n : CLS_MAX;
	const char *tok;
	if (e->f.proto == IPPROTO_UDP || h->cls == NULL) {
		tok = pv_classify(&e->f, dir, p, k);
		h->cls_n += k;
		if (tok == NULL && h->cls_n >= CLS_MAX)
			tok = "unknown";
		if (tok == NULL && e->f.proto == IPPROTO_TCP) {
			if ((h->cls = cls_get(t, e)) == NULL)
				tok = "unknown";
			else
				memcpy(h->cls, p, k);
		}
	} else {
		if (k > CLS_MAX - h->cls_n)
			k = CLS_MAX - h->cls_n;
		memcpy(h->cls + h->cls_n, p, k);
		h->cls_n += k;
		tok = pv_classify(&e->f, dir, h->cls, h->cls_n);
		if (tok == NULL && h->cls_n >= CLS_MAX)
			tok = "unknown";
	}
	if (tok != NULL)
		set_app(t, e, tok);
}

static void
deliver(pv_table_t *t, entry_t *e, pv_dir_t dir, const uint8_t *p, size_t n, uint64_t frame)
{
	if (n == 0)
		return;
	if (e->f.app[0] == '\0')
		classify(t, e, dir, p, n);
	for (size_t i = 0; i < t->cfg.n_an; i++) {
		const pv_analyzer_t *a = t->cfg.an[i];
		if (a->data != NULL)
			a->data(t->cfg.cx, t->cfg.rs[i], &e->f, e->state ? e->state + t->off[i] : NULL,
			    dir, p, n, frame);
	}
}

/* ---- the streams' side (stream.h) ---- */

/* What the stream of e in direction dir needs from the table. */
typedef struct sink {
	pv_stream_io_t io;	/* io.ctx: this sink */
	pv_table_t *t;
	entry_t *e;
	pv_dir_t dir;
} sink_t;

static void
sink_deliver(void *ctx, const uint8_t *p, size_t n, uint64_t frame)
{
	sink_t *k = ctx;
	deliver(k->t, k->e, k->dir, p, n, frame);
}

static bool
sink_reserve(void *ctx, size_t n)
{
	sink_t *k = ctx;
	return claim(k->t, n, k->e);
}

static void
sink_release(void *ctx, size_t n)
{
	unaccount(((sink_t *)ctx)->t, n);
}

static void
sink_gap(void *ctx, uint32_t n)
{
	sink_t *k = ctx;
	k->e->f.gap[k->dir] = true;
	k->t->st.stream_gaps += n;
}

static const pv_stream_io_t *
sink(sink_t *k, pv_table_t *t, entry_t *e, pv_dir_t dir)
{
	*k = (sink_t){ .t = t, .e = e, .dir = dir };
	k->io = (pv_stream_io_t){ k, t->cfg.stream_window, sink_deliver, sink_reserve,
		sink_release, sink_gap };
	return &k->io;
}

/* ---- flows ---- */

static void
release(pv_table_t *t, entry_t *e)
{
	for (int d = 0; d < 2; d++) {
		sink_t k;
		pv_stream_clear(&e->h[d].s, sink(&k, t, e, (pv_dir_t)d));
		cls_put(t, &e->h[d]);
	}
	if (e->state != NULL) {
		free(e->state);
		e->state = NULL;
		unaccount(t, t->state_size);
	}
}

/* Flushes, lets the analyzers end the flow, and keeps only the entry (so
 * the last ACKs do not start a new flow). */
static void
end_flow(pv_table_t *t, entry_t *e)
{
	if (e->ended)
		return;
	e->ended = true;
	if (e->deliver) {
		bool was = t->ending;
		t->ending = true;
		for (int d = 0; d < 2; d++) {
			sink_t k;
			pv_stream_flush(&e->h[d].s, sink(&k, t, e, (pv_dir_t)d));
		}
		if (e->f.app[0] == '\0')
			set_app(t, e, "unknown");
		for (size_t i = 0; i < t->cfg.n_an; i++) {
			const pv_analyzer_t *a = t->cfg.an[i];
			if (a->flow_end != NULL)
				a->flow_end(t->cfg.cx, t->cfg.rs[i], &e->f,
				    e->state ? e->state + t->off[i] : NULL);
		}
		t->ending = was;
	}
	release(t, e);
}

static void
lru_unlink(pv_table_t *t, entry_t *e)
{
	if (e->lprev)
		e->lprev->lnext = e->lnext;
	else
		t->lru_head = e->lnext;
	if (e->lnext)
		e->lnext->lprev = e->lprev;
	else
		t->lru_tail = e->lprev;
	e->lprev = e->lnext = NULL;
}

static void
lru_front(pv_table_t *t, entry_t *e)
{
	e->lnext = t->lru_head;
	if (t->lru_head)
		t->lru_head->lprev = e;
	t->lru_head = e;
	if (t->lru_tail == NULL)
		t->lru_tail = e;
}

/*
 * The flow to evict: least recently used, approximately (second chance:
 * a packet only sets `ref`, so the list is not relinked per packet, which
 * costs cache misses on neighbours; a referenced tail moves to the front).
 */
static entry_t *
victim(pv_table_t *t, const entry_t *cur)
{
	for (size_t n = 0; t->lru_tail != NULL; n++) {
		entry_t *v = t->lru_tail;
		if (v != cur && (!v->ref || n > t->nflows))
			return v;
		if (v == cur && t->nflows == 1)
			return NULL;
		v->ref = false;
		lru_unlink(t, v);
		lru_front(t, v);
	}
	return NULL;
}

static void
remove_entry(pv_table_t *t, entry_t *e)
{
	entry_t **pp = &t->bucket[e->hash & (t->nbucket - 1)];
	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(t, e);
	release(t, e);
	t->nflows--;
	unaccount(t, sizeof(*e));
	free(e);
}

static void
evict(pv_table_t *t, entry_t *e)
{
	if (!e->ended)
		t->st.evicted++;
	end_flow(t, e);
	remove_entry(t, e);
}

static uint32_t
hash_key(const fkey_t *k)
{
	uint64_t w[5], h = 0x9e3779b97f4a7c15u;
	_Static_assert(sizeof(fkey_t) == sizeof(w), "fkey_t is five words");
	memcpy(w, k, sizeof(w));
	for (int i = 0; i < 5; i++) {
		h = (h ^ w[i]) * 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	return (uint32_t)h;
}

static void
grow_buckets(pv_table_t *t)
{
	size_t n = t->nbucket * 2;
	if (!claim(t, n * sizeof(entry_t *), NULL))
		return;		/* longer chains rather than more memory */
	entry_t **b = xcalloc(n, sizeof(*b));
	for (size_t i = 0; i < t->nbucket; i++) {
		for (entry_t *e = t->bucket[i], *nx; e != NULL; e = nx) {
			nx = e->hnext;
			e->hnext = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	}
	free(t->bucket);
	unaccount(t, t->nbucket * sizeof(*b));
	t->bucket = b;
	t->nbucket = n;
}

static int
dut_bits(const pv_table_t *t, int family, const uint8_t *addr, const uint8_t *mac)
{
	const pv_ctx_t *cx = t->cfg.cx;
	if (cx && cx->is_dut && cx->is_dut(cx, family, addr))
		return 1;
	return t->cfg.dut_mac && mac && memcmp(mac, t->mac, 6) == 0;
}

static entry_t *
flow_new(pv_table_t *t, const pv_frame_t *fr, const fkey_t *k, uint32_t hash)
{
	entry_t *v;
	while (t->nflows >= t->cfg.max_flows && (v = victim(t, NULL)) != NULL)
		evict(t, v);
	if (t->nflows + 1 > t->nbucket)
		grow_buckets(t);
	bool src_cli;
	uint8_t fl = fr->tcp_flags;
	bool syn = fr->proto == IPPROTO_TCP && (fl & PV_TCP_SYN);
	if (syn)		/* a SYN/ACK is sent to the client */
		src_cli = !(fl & PV_TCP_ACK);
	else
		src_cli = fr->sport >= fr->dport;	/* ties: the first sender */
	int src_dut = dut_bits(t, fr->family, fr->src, fr->src_mac);
	int dst_dut = dut_bits(t, fr->family, fr->dst, fr->dst_mac);
	int cli_dut = src_cli ? src_dut : dst_dut, srv_dut = src_cli ? dst_dut : src_dut;
	pv_dut_side_t side = (pv_dut_side_t)(cli_dut | srv_dut << 1);
	if (side != PV_DUT_NONE && t->cfg.skip_client &&
	    t->cfg.skip_client(t->cfg.cx, fr->family, src_cli ? fr->src : fr->dst))
		side = PV_DUT_NONE;	/* the harness's own connection */
	size_t need = sizeof(entry_t) + (side != PV_DUT_NONE ? t->state_size : 0);
	if (!reserve(t, need, NULL))
		return NULL;
	entry_t *e = xcalloc(1, sizeof(*e));
	account(t, sizeof(*e));
	e->key = *k;
	e->hash = hash;
	pv_flow_t *f = &e->f;
	size_t alen = fr->family == AF_INET ? 4 : 16;
	f->family = fr->family;
	f->proto = fr->proto;
	memcpy(f->cli, src_cli ? fr->src : fr->dst, alen);
	memcpy(f->srv, src_cli ? fr->dst : fr->src, alen);
	f->cport = src_cli ? fr->sport : fr->dport;
	f->sport = src_cli ? fr->dport : fr->sport;
	f->dut = side;
	f->first_frame = fr->no;
	f->first_us = fr->ts_us;
	e->deliver = side != PV_DUT_NONE;
	if (e->deliver && t->state_size > 0) {
		e->state = xcalloc(1, t->state_size);
		account(t, t->state_size);
	}
	entry_t **b = &t->bucket[hash & (t->nbucket - 1)];
	e->hnext = *b;
	*b = e;
	t->nflows++;
	lru_front(t, e);
	t->st.flows++;
	if (e->deliver)
		t->st.dut_flows++;
	return e;
}

static void
tcp_packet(pv_table_t *t, entry_t *e, pv_dir_t dir, const pv_frame_t *fr)
{
	if (fr->tcp_flags & PV_TCP_SYN)
		e->f.syn_seen = true;
	sink_t k;
	pv_stream_segment(&e->h[dir].s, sink(&k, t, e, dir), fr->tcp_flags, fr->seq, fr->payload,
	    fr->len, fr->wire_len, fr->no);
	if (fr->tcp_flags & PV_TCP_RST) {
		end_flow(t, e);
		return;
	}
	if (pv_stream_done(&e->h[0].s) && pv_stream_done(&e->h[1].s))
		end_flow(t, e);
}

void
pv_table_packet(pv_table_t *t, const pv_frame_t *fr)
{
	if ((fr->proto != IPPROTO_TCP && fr->proto != IPPROTO_UDP) ||
	    (fr->family != AF_INET && fr->family != AF_INET6))
		return;
	size_t alen = fr->family == AF_INET ? 4 : 16;
	fkey_t k;
	memset(&k, 0, sizeof(k));
	int c = memcmp(fr->src, fr->dst, alen);
	bool src_first = c < 0 || (c == 0 && fr->sport <= fr->dport);
	memcpy(k.a, src_first ? fr->src : fr->dst, alen);
	memcpy(k.b, src_first ? fr->dst : fr->src, alen);
	k.pa = src_first ? fr->sport : fr->dport;
	k.pb = src_first ? fr->dport : fr->sport;
	k.family = (uint8_t)fr->family;
	k.proto = fr->proto;
	uint32_t hash = hash_key(&k);

	entry_t *e = t->bucket[hash & (t->nbucket - 1)];
	while (e != NULL && (e->hash != hash || memcmp(&e->key, &k, sizeof(k)) != 0))
		e = e->hnext;
	if (e != NULL && e->ended && fr->proto == IPPROTO_TCP &&
	    (fr->tcp_flags & (PV_TCP_SYN | PV_TCP_ACK)) == PV_TCP_SYN) {
		remove_entry(t, e);	/* the same ports, a new connection */
		e = NULL;
	}
	if (e == NULL && (e = flow_new(t, fr, &k, hash)) == NULL)
		return;
	e->ref = true;

	pv_flow_t *f = &e->f;
	pv_dir_t dir = memcmp(fr->src, f->cli, alen) == 0 && fr->sport == f->cport ?
	    PV_C2S : PV_S2C;
	f->last_frame = fr->no;
	f->last_us = fr->ts_us;
	f->packets[dir]++;
	f->bytes[dir] += fr->wire_len;
	if (e->ended || !e->deliver)
		return;
	if (fr->proto == IPPROTO_UDP)
		deliver(t, e, dir, fr->payload, fr->len, fr->no);
	else
		tcp_packet(t, e, dir, fr);
}

void
pv_table_end_all(pv_table_t *t)
{
	for (entry_t *e = t->lru_tail; e != NULL; e = e->lprev)
		end_flow(t, e);
}

void
pv_table_set_extern(pv_table_t *t, size_t bytes)
{
	t->ext = bytes;
	note_peak(t);
	reserve(t, 0, NULL);
}

const pv_table_stats_t *
pv_table_stats(const pv_table_t *t)
{
	return &t->st;
}

pv_table_t *
pv_table_new(const pv_table_cfg_t *cfg)
{
	pv_table_t *t = xcalloc(1, sizeof(*t));
	t->cfg = *cfg;
	if (t->cfg.n_an > PV_MAX_ANALYZERS)
		t->cfg.n_an = PV_MAX_ANALYZERS;
	if (cfg->dut_mac != NULL)
		memcpy(t->mac, cfg->dut_mac, 6);
	if (t->cfg.max_memory == 0)
		t->cfg.max_memory = DEF_MEMORY;
	if (t->cfg.max_flows == 0)
		t->cfg.max_flows = DEF_FLOWS;
	if (t->cfg.stream_window == 0)
		t->cfg.stream_window = DEF_WINDOW;
	for (size_t i = 0; i < t->cfg.n_an; i++) {
		size_t n = t->cfg.an[i]->flow_state;
		if (n > PV_STATE_MAX)
			n = PV_STATE_MAX;
		t->off[i] = t->state_size;
		t->state_size += (n + 15) & ~(size_t)15;	/* keeps blocks aligned */
	}
	t->nbucket = BUCKETS0;
	t->bucket = xcalloc(t->nbucket, sizeof(*t->bucket));
	account(t, sizeof(*t) + t->nbucket * sizeof(*t->bucket));
	return t;
}

void
pv_table_free(pv_table_t *t)
{
	if (t == NULL)
		return;
	while (t->lru_head != NULL)
		remove_entry(t, t->lru_head);
	while (t->nspare > 0)
		free(t->spare[--t->nspare]);
	free(t->bucket);
	free(t);
}
