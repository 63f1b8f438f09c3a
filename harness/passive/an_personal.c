/*
 * Passive analyzer "personal-data" (EN 303 645 5.8-1, 5.8-2): personal
 * data crossing the network in cleartext: e-mail addresses, geographic
 * coordinates and phone numbers (patterns in pd_scan.c) in the payloads of
 * every flow of the DUT that is not TLS, DTLS or SSH.  TCP streams are
 * scanned in windows that overlap by more than the longest match, so a
 * value split across segments is found once; UDP datagrams one by one.
 * Values are masked in findings unless secrets are to be revealed.
 */
#include "passive/analyzer.h"
#include "core/util.h"
#include "passive/pd_scan.h"
#include "passive/pd_util.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIN		3072	/* scan window per direction: larger, fewer rescans of the tail */
#define TAIL		384	/* kept between windows: > PD_MATCH_MAX and look-ahead */
#define NMARKS		8	/* delivery frames remembered per window */
#define MAX_HITS	256	/* findings; further matches only counted */

typedef struct mark {
	uint16_t off;		/* window offset where a delivery begins */
	uint64_t frame;
} mark_t;

typedef struct win {
	uint8_t b[WIN];
	uint16_t len;
	uint16_t from;		/* the end of the last match reported */
	uint8_t prev;		/* the byte before b[0]; 0 (as zeroed) bounds every
				 * pattern just as the stream's start does */
	uint8_t nmarks;
	mark_t marks[NMARKS];
} win_t;

typedef struct fstate {
	win_t w[2];
} fstate_t;

typedef struct hit {
	pd_pattern_t pattern;
	char *value, *masked;
	uint64_t key;		/* dedup: pattern, value, peer, port, direction */
	char host[PD_ADDR_MAX];
	char app[16];
	uint16_t port;
	bool udp, sent;
	uint64_t frame;
	size_t seq;
} hit_t;

typedef struct rstate {
	hit_t hits[MAX_HITS];
	size_t n;
	uint64_t count, dropped;
	unsigned patterns;	/* bits over pd_pattern_t */
} rstate_t;

const field_spec_t pv_personal_fields[] = {
	{ "patterns", VT_LIST, "kinds of personal data seen in cleartext: email, coordinates, phone" },
	{ "count", VT_INT, "matches in all, repeats included" },
	{ NULL, 0, NULL },
};

static void *
run_new(const pv_ctx_t *cx)
{
	return xcalloc(1, sizeof(rstate_t));
}

static void
run_free(void *p)
{
	rstate_t *rs = p;
	if (rs == NULL)
		return;
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->hits[i].value);
		free(rs->hits[i].masked);
	}
	free(rs);
}

typedef struct scan_ctx {
	rstate_t *rs;
	const pv_flow_t *f;
	const win_t *w;		/* NULL for a datagram */
	uint64_t frame;		/* the datagram's */
	bool sent;
	size_t last_end;
} scan_ctx_t;

static uint64_t
frame_at(const scan_ctx_t *sc, size_t off)
{
	if (sc->w == NULL || sc->w->nmarks == 0)
		return sc->frame;
	uint64_t fr = sc->w->marks[0].frame;
	for (size_t i = 0; i < sc->w->nmarks && sc->w->marks[i].off <= off; i++)
		fr = sc->w->marks[i].frame;
	return fr;
}

static void
on_match(void *ctx, const pd_match_t *m)
{
	scan_ctx_t *sc = ctx;
	rstate_t *rs = sc->rs;
	const pv_flow_t *f = sc->f;
	if (m->end > sc->last_end)
		sc->last_end = m->end;
	rs->count++;
	rs->patterns |= 1u << m->pattern;
	int side = pd_remote_side(f);
	char host[PD_ADDR_MAX];
	pd_addr_text(f->family, pd_flow_addr(f, side), host, sizeof(host));
	uint64_t key = pd_hash(PD_HASH_INIT, m->value, strlen(m->value));
	key = pd_hash(key, host, strlen(host));
	key = pd_hash(key, &f->sport, sizeof(f->sport));
	uint8_t extra[2] = { (uint8_t)m->pattern, sc->sent };
	key = pd_hash(key, extra, sizeof(extra));
	for (size_t i = 0; i < rs->n; i++)
		if (rs->hits[i].key == key)
			return;
	if (rs->n == MAX_HITS) {
		rs->dropped++;
		return;
	}
	hit_t *h = &rs->hits[rs->n];
	h->pattern = m->pattern;
	h->value = xstrdup(m->value);
	h->masked = xstrdup(m->masked);
	h->key = key;
	snprintf(h->host, sizeof(h->host), "%s", host);
	snprintf(h->app, sizeof(h->app), "%s", f->app[0] ? f->app : "unknown");
	h->port = f->sport;
	h->udp = f->proto == IPPROTO_UDP;
	h->sent = sc->sent;
	h->frame = frame_at(sc, m->start);
	h->seq = rs->n++;
}

static bool
sent_by_dut(const pv_flow_t *f, pv_dir_t dir)
{
	if (f->dut == PV_DUT_BOTH)
		return true;
	return (dir == PV_C2S) == (f->dut == PV_DUT_CLIENT);
}

/* Scans the window: everything when final, else what starts before the
 * tail, which is then kept for the next round. */
static void
scan_window(rstate_t *rs, const pv_flow_t *f, win_t *w, bool sent, bool final)
{
	scan_ctx_t sc = { rs, f, w, 0, sent, 0 };
	size_t limit = final ? w->len : (size_t)w->len - TAIL;
	pd_scan(w->b, w->len, w->from, limit, w->prev, final, on_match, &sc);
	if (final) {
		w->len = 0;
		w->from = 0;
		w->nmarks = 0;
		w->prev = 0;
		return;
	}
	size_t cut = limit;
	w->prev = w->b[cut - 1];
	memmove(w->b, w->b + cut, TAIL);
	w->len = TAIL;
	w->from = (uint16_t)(sc.last_end > cut ? sc.last_end - cut : 0);
	/* The delivery covering the cut now starts at 0; earlier ones go. */
	size_t k = 0;
	for (size_t i = 0; i < w->nmarks; i++) {
		if (w->marks[i].off <= cut && i + 1 < w->nmarks && w->marks[i + 1].off <= cut)
			continue;
		w->marks[k].frame = w->marks[i].frame;
		w->marks[k].off = (uint16_t)(w->marks[i].off > cut ? w->marks[i].off - cut : 0);
		k++;
	}
	w->nmarks = (uint8_t)k;
}

static void
feed(rstate_t *rs, const pv_flow_t *f, win_t *w, bool sent, const uint8_t *p, size_t n,
    uint64_t frame)
{
	/* Out of marks: later bytes are credited to the last delivery
	 * remembered, an earlier frame of the same stream. */
	if (w->nmarks < NMARKS)
		w->marks[w->nmarks++] = (mark_t){ w->len, frame };
	while (n > 0) {
		size_t k = WIN - w->len;
		if (k > n)
			k = n;
		memcpy(w->b + w->len, p, k);
		w->len += (uint16_t)k;
		p += k;
		n -= k;
		if (w->len == WIN)
			scan_window(rs, f, w, sent, false);
	}
}

static bool
encrypted(const char *app)
{
	return strcmp(app, "tls") == 0 || strcmp(app, "dtls") == 0 || strcmp(app, "ssh") == 0;
}

static void
data(const pv_ctx_t *cx, void *rsp, pv_flow_t *f, void *fsp, pv_dir_t dir, const uint8_t *p,
    size_t n, uint64_t frame)
{
	rstate_t *rs = rsp;
	fstate_t *fs = fsp;
	if (f->dut == PV_DUT_NONE || encrypted(f->app))
		return;
	bool sent = sent_by_dut(f, dir);
	if (f->proto == IPPROTO_UDP) {
		scan_ctx_t sc = { rs, f, NULL, frame, sent, 0 };
		pd_scan(p, n, 0, n, 0, true, on_match, &sc);
		return;
	}
	if (fs != NULL)
		feed(rs, f, &fs->w[dir], sent, p, n, frame);
}

static void
flow_end(const pv_ctx_t *cx, void *rsp, pv_flow_t *f, void *fsp)
{
	fstate_t *fs = fsp;
	if (fs == NULL || f->dut == PV_DUT_NONE || f->proto != IPPROTO_TCP || encrypted(f->app))
		return;
	for (int d = 0; d < 2; d++)
		if (fs->w[d].len)
			scan_window(rsp, f, &fs->w[d], sent_by_dut(f, (pv_dir_t)d), true);
}

static int
by_frame(const void *a, const void *b)
{
	const hit_t *x = *(const hit_t *const *)a, *y = *(const hit_t *const *)b;
	if (x->frame != y->frame)
		return x->frame < y->frame ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const char *
what(pd_pattern_t p)
{
	switch (p) {
	case PD_EMAIL: return "An e-mail address";
	case PD_COORDS: return "Geographic coordinates";
	case PD_PHONE: return "A phone number";
	default: return "Personal data";
	}
}

static void
finish(const pv_ctx_t *cx, void *rsp, evidence_t *ev)
{
	rstate_t *rs = rsp;
	ev_list_init(ev, "patterns");
	for (int p = 0; p < PD_NPATTERNS; p++)
		if (rs->patterns & (1u << p))
			ev_list_push(ev, "patterns", pd_pattern_name((pd_pattern_t)p));
	ev_set_int(ev, "count", (long long)rs->count);
	const hit_t *order[MAX_HITS];
	for (size_t i = 0; i < rs->n; i++)
		order[i] = &rs->hits[i];
	qsort(order, rs->n, sizeof(order[0]), by_frame);
	for (size_t i = 0; i < rs->n; i++) {
		const hit_t *h = order[i];
		const char *v = cx->reveal_secrets ? h->value : h->masked;
		finding_t *fd = ev_finding(ev, "personal-data", h->udp ? "udp" : "tcp", h->app, h->port,
		    "%s (%s) %s the DUT in cleartext over %s, peer %s port %u", what(h->pattern), v,
		    h->sent ? "sent by" : "received by", h->app, h->host, h->port);
		finding_attr(fd, "pattern", "%s", pd_pattern_name(h->pattern));
		finding_attr(fd, "value", "%s", v);
		finding_attr(fd, "direction", "%s", h->sent ? "sent" : "received");
		finding_attr(fd, "host", "%s", h->host);
		finding_attr(fd, "frame", "%llu", (unsigned long long)h->frame);
	}
}

const pv_analyzer_t pv_an_personal = {
	.name = "personal-data",
	.summary = "personal data patterns in cleartext payloads",
	.fields = pv_personal_fields,
	.flow_state = sizeof(fstate_t),
	.run_new = run_new,
	.run_free = run_free,
	.data = data,
	.flow_end = flow_end,
	.finish = finish,
};
