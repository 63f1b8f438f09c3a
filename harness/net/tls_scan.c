/*
 * The TLS enumeration; see tls_scan.h.  Three phases, each a batch of
 * independent handshakes run by a bounded pool of threads:
 *   1. versions: one hello per version with a broad suite list (lists
 *      longer than CHUNK_MAX go in several hellos, as small stacks choke on
 *      big hellos);
 *   2. suites by elimination per accepted version and list, the TLS 1.3
 *      suites one by one, compression, Heartbleed;
 *   3. groups one at a time, DHE prime size, server order.
 * Every task writes only its own slot; the lock guards the counters, the
 * first error and the evidence.
 */
#include "net/tls_scan.h"
#include "core/util.h"
#include "crypto/suites.h"
#include "net/tls_chain.h"
#include "net/tls_handshake.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define CHUNK_MAX 128
#define NCHUNK_MAX 8
#define HS_TIMEOUT_MS 5000
#define PARALLEL 8
#define PARALLEL_MAX 32

static const uint16_t versions[TLS_SCAN_NVERSIONS] = {
	TLSV_SSL3, TLSV_TLS10, TLSV_TLS11, TLSV_TLS12, TLSV_TLS13,
};
#define VI_TLS13 4

/* Offered in every hello that is not about groups, so a suite is never
 * refused for want of a curve. */
static const uint16_t broad_groups[] = {
	29, 23, 24, 25, 30, 256, 257, 258, 259, 260, 26, 27, 28, 22, 21, 19,
};
/* Probed one at a time: x25519, the NIST curves, x448, FFDHE, the weak
 * secp192r1/secp224r1, and the brainpool curves of TLS <= 1.2. */
static const uint16_t probe_groups[] = {
	29, 23, 24, 25, 30, 256, 257, 258, 259, 260, 19, 21, 26, 27, 28,
};

typedef struct list {
	uint16_t *v;	/* owned */
	size_t n;
} list_t;

typedef enum task_kind {
	T_VERSION, T_ELIMINATE, T_SUITE13, T_GROUP, T_DHE, T_COMPRESSION, T_HEARTBLEED, T_ORDER,
} task_kind_t;

typedef struct task {
	task_kind_t kind;
	int vi;			/* index into versions[] */
	size_t chunk;		/* T_ELIMINATE; T_VERSION: the list that was answered */
	uint16_t arg;		/* the suite (T_SUITE13) or group (T_GROUP) */
	bool reverse;		/* T_ORDER */
	tls_hs_t hs;		/* T_VERSION: the answered handshake */
	bool yes;
	bool decided;
	uint16_t chosen;
	unsigned bits;
	tls_hb_verdict_t hb;
	list_t found;
} task_t;

typedef struct tasks {
	task_t *v;
	size_t n, cap;
} tasks_t;

typedef struct scan {
	const tls_scan_opts_t *o;
	tls_scan_result_t *r;
	pthread_mutex_t lock;
	const tasks_t *batch;
	size_t next;
	list_t chunks[TLS_SCAN_NVERSIONS][NCHUNK_MAX];
	size_t n_chunks[TLS_SCAN_NVERSIONS];
	list_t ecdhe[TLS_SCAN_NVERSIONS], dhe[TLS_SCAN_NVERSIONS];	/* accepted, by kex */
	const task_t *hit[TLS_SCAN_NVERSIONS];	/* the version task that was answered */
} scan_t;

const char *
tls_tri_str(tls_tri_t t)
{
	return t == TLS_YES ? "yes" : t == TLS_NO ? "no" : "unknown";
}

static void
list_push(list_t *l, uint16_t v)
{
	l->v = xrealloc(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = v;
}

static task_t *
task_add(tasks_t *t, task_kind_t kind, int vi)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->v = xrealloc(t->v, t->cap, sizeof(*t->v));
	}
	task_t *k = &t->v[t->n++];
	memset(k, 0, sizeof(*k));
	k->kind = kind;
	k->vi = vi;
	return k;
}

static void
tasks_free(tasks_t *t)
{
	for (size_t i = 0; i < t->n; i++) {
		tls_hs_clear(&t->v[i].hs);
		free(t->v[i].found.v);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* ---- candidate lists ---- */

static bool
negotiable(const tls_suite_info_t *s, uint16_t v)
{
	if (s->flags & TLS_SF_TLS13)
		return v == TLSV_TLS13;
	if (v == TLSV_TLS13)
		return false;
	/* AEAD and SHA-2 MACs came with TLS 1.2; offering them lower only
	 * costs elimination rounds. */
	bool needs12 = (s->flags & TLS_SF_AEAD) || strcmp(s->mac, "SHA256") == 0 ||
	    strcmp(s->mac, "SHA384") == 0;
	return v == TLSV_TLS12 || !needs12;
}

/* Lower first: the first list of a version holds what servers commonly
 * take, so one hello usually tells whether the version is accepted. */
static int
rank(const tls_suite_info_t *s)
{
	unsigned f = s->flags;
	if (strcmp(s->kex, "DH") == 0 || strcmp(s->kex, "ECDH") == 0)
		return 6;
	if ((f & TLS_SF_PSK) || strcmp(s->kex, "SRP") == 0)
		return 5;
	if (f & TLS_SF_ANON)
		return 4;
	if (f & (TLS_SF_SEED_ARIA_CAMELLIA | TLS_SF_IDEA))
		return 3;
	if (f & (TLS_SF_NULL_ENC | TLS_SF_EXPORT | TLS_SF_RC4 | TLS_SF_3DES | TLS_SF_DES))
		return 2;
	return strcmp(s->kex, "RSA") == 0 ? 1 : 0;
}

static int
cmp_rank(const void *a, const void *b)
{
	const tls_suite_info_t *x = *(const tls_suite_info_t *const *)a;
	const tls_suite_info_t *y = *(const tls_suite_info_t *const *)b;
	int d = rank(x) - rank(y);
	return d ? d : (int)x->id - (int)y->id;
}

static void
build_chunks(scan_t *sc)
{
	size_t nall;
	const tls_suite_info_t *all = tls_suite_all(&nall);
	const tls_suite_info_t **pick = xcalloc(nall, sizeof(*pick));
	for (int vi = 0; vi < TLS_SCAN_NVERSIONS; vi++) {
		size_t n = 0;
		for (size_t i = 0; i < nall; i++)
			if (negotiable(&all[i], versions[vi]))
				pick[n++] = &all[i];
		if (vi != VI_TLS13)
			qsort(pick, n, sizeof(*pick), cmp_rank);
		size_t k = (n + CHUNK_MAX - 1) / CHUNK_MAX;
		if (k > NCHUNK_MAX)
			k = NCHUNK_MAX;
		size_t per = k ? (n + k - 1) / k : 0;
		for (size_t i = 0; i < n && i / per < k; i++)
			list_push(&sc->chunks[vi][i / per], pick[i]->id);
		sc->n_chunks[vi] = k;
	}
	free(pick);
}

/* ---- one handshake ---- */

typedef struct offer {
	int vi;
	const uint16_t *suites;
	size_t n;
	const uint16_t *groups;		/* NULL: broad_groups */
	size_t n_groups;
	bool deflate, certs, heartbleed;
} offer_t;

static tls_hs_outcome_t
shake(scan_t *sc, const offer_t *of, tls_hs_t *hs)
{
	static const uint8_t deflate[] = { 1, 0 };
	const tls_scan_opts_t *o = sc->o;
	uint16_t v = versions[of->vi];
	tls_hello_opts_t ho = {
		.version = v,
		.suites = of->suites,
		.n_suites = of->n,
		.groups = of->groups ? of->groups : broad_groups,
		.n_groups = of->groups ? of->n_groups : ARRAY_LEN(broad_groups),
		.sni = o->sni,
		.compression = of->deflate ? deflate : NULL,
		.n_compression = of->deflate ? sizeof(deflate) : 0,
		.reneg_info = v < TLSV_TLS13,
		.heartbeat = v < TLSV_TLS13,
	};
	uint64_t now = mono_ms();
	bool made = false;
	if (o->cancel && *o->cancel) {
		memset(hs, 0, sizeof(*hs));
		hs->out = TLS_HS_NETWORK;
		hs->net = NET_CANCELLED;
		snprintf(hs->err, sizeof(hs->err), "scan cancelled");
	} else if (now >= o->deadline) {
		memset(hs, 0, sizeof(*hs));
		hs->out = TLS_HS_NETWORK;
		hs->net = NET_TIMEOUT;
		snprintf(hs->err, sizeof(hs->err), "scan deadline passed");
	} else {
		unsigned tmo = o->hs_timeout_ms ? o->hs_timeout_ms : HS_TIMEOUT_MS;
		tls_hs_req_t rq = {
			.addr = o->addr,
			.port = o->port,
			.deadline = deadline_min(o->deadline, now + tmo),
			.cancel = o->cancel,
			.ev = o->ev,
			.ev_lock = &sc->lock,
			.want_certs = of->certs,
			.heartbleed = of->heartbleed,
		};
		tls_handshake(&rq, &ho, hs);
		made = true;
	}
	pthread_mutex_lock(&sc->lock);
	sc->r->handshakes += made;
	if (hs->out == TLS_HS_NETWORK || hs->out == TLS_HS_GARBAGE)
		sc->r->undecided++;
	if (hs->err[0] && sc->r->error[0] == '\0')
		snprintf(sc->r->error, sizeof(sc->r->error), "%s: %s", tls_version_name(v),
		    hs->err);
	pthread_mutex_unlock(&sc->lock);
	return hs->out;
}

static bool
answered(const tls_hs_t *hs, int vi)
{
	return hs->out == TLS_HS_HELLO && hs->fl.hello.version == versions[vi];
}

static bool
refused(const tls_hs_t *hs)
{
	return hs->out == TLS_HS_ALERT || hs->out == TLS_HS_CLOSED;
}

static void
scan_error(scan_t *sc, int vi, const char *what, unsigned a)
{
	pthread_mutex_lock(&sc->lock);
	if (sc->r->error[0] == '\0') {
		char msg[128];
		snprintf(msg, sizeof(msg), what, a);
		snprintf(sc->r->error, sizeof(sc->r->error), "%s: %s",
		    tls_version_name(versions[vi]), msg);
	}
	pthread_mutex_unlock(&sc->lock);
}

/* ---- the tasks ---- */

static void
t_version(scan_t *sc, task_t *t)
{
	for (size_t c = 0; c < sc->n_chunks[t->vi]; c++) {
		const list_t *l = &sc->chunks[t->vi][c];
		offer_t of = { .vi = t->vi, .suites = l->v, .n = l->n, .certs = t->vi != VI_TLS13 };
		tls_hs_clear(&t->hs);
		shake(sc, &of, &t->hs);
		if (refused(&t->hs))
			continue;	/* maybe no suite of this list: try the next */
		if (answered(&t->hs, t->vi)) {
			t->yes = true;
			t->chunk = c;
			t->chosen = t->hs.fl.hello.suite;
		}
		return;
	}
}

static ssize_t
index_of(const uint16_t *v, size_t n, uint16_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return (ssize_t)i;
	return -1;
}

/* Offers the list, drops what the server picks, repeats until it refuses. */
static void
t_eliminate(scan_t *sc, task_t *t)
{
	const list_t *l = &sc->chunks[t->vi][t->chunk];
	uint16_t *left = xcalloc(l->n, sizeof(*left));
	size_t n = l->n;
	memcpy(left, l->v, n * sizeof(*left));
	const task_t *hit = sc->hit[t->vi];
	for (size_t round = 0; n > 0 && round <= l->n; round++) {
		uint16_t s;
		if (round == 0 && hit && hit->chunk == t->chunk) {
			s = hit->chosen;	/* phase 1 already asked this list */
		} else {
			tls_hs_t hs;
			offer_t of = { .vi = t->vi, .suites = left, .n = n };
			shake(sc, &of, &hs);
			s = hs.fl.hello.suite;
			bool ok = answered(&hs, t->vi), no = refused(&hs);
			tls_hs_clear(&hs);
			if (no)
				break;
			if (!ok) {
				free(left);
				return;		/* undecided: not complete */
			}
		}
		ssize_t i = index_of(left, n, s);
		if (i < 0) {
			scan_error(sc, t->vi, "the server chose suite 0x%04x, which was not offered", s);
			free(left);
			return;
		}
		list_push(&t->found, s);
		memmove(left + i, left + i + 1, (n - (size_t)i - 1) * sizeof(*left));
		n--;
	}
	t->decided = true;
	free(left);
}

static void
t_suite13(scan_t *sc, task_t *t)
{
	tls_hs_t hs;
	offer_t of = { .vi = VI_TLS13, .suites = &t->arg, .n = 1 };
	shake(sc, &of, &hs);
	t->yes = answered(&hs, VI_TLS13) && hs.fl.hello.suite == t->arg;
	t->decided = t->yes || refused(&hs);
	tls_hs_clear(&hs);
}

static void
t_group(scan_t *sc, task_t *t)
{
	tls_hs_t hs;
	offer_t of = { .vi = t->vi, .groups = &t->arg, .n_groups = 1 };
	if (t->vi == VI_TLS13) {
		of.suites = sc->r->versions[VI_TLS13].suites;
		of.n = sc->r->versions[VI_TLS13].n_suites;
	} else {
		of.suites = sc->ecdhe[t->vi].v;
		of.n = sc->ecdhe[t->vi].n;
	}
	shake(sc, &of, &hs);
	/* TLS 1.3 names the group in key_share (HRR or ServerHello); before,
	 * the ServerKeyExchange does. */
	uint16_t g = t->vi == VI_TLS13 ? hs.fl.hello.group : hs.fl.ske_group;
	t->yes = answered(&hs, t->vi) && g == t->arg;
	t->decided = answered(&hs, t->vi) || refused(&hs);
	tls_hs_clear(&hs);
}

static void
t_dhe(scan_t *sc, task_t *t)
{
	tls_hs_t hs;
	offer_t of = { .vi = t->vi, .suites = sc->dhe[t->vi].v, .n = sc->dhe[t->vi].n };
	shake(sc, &of, &hs);
	if (answered(&hs, t->vi))
		t->bits = hs.fl.ske_dh_bits;
	tls_hs_clear(&hs);
}

/* The list phase 1 got an answer to: a hello the server takes. */
static offer_t
answered_offer(const scan_t *sc, int vi)
{
	const list_t *l = &sc->chunks[vi][sc->hit[vi]->chunk];
	return (offer_t){ .vi = vi, .suites = l->v, .n = l->n };
}

/* Compression and Heartbleed: the answered hello again, with DEFLATE
 * offered, or with the probe sent after ServerHelloDone. */
static void
t_again(scan_t *sc, task_t *t)
{
	tls_hs_t hs;
	offer_t of = answered_offer(sc, t->vi);
	of.deflate = t->kind == T_COMPRESSION;
	of.heartbleed = t->kind == T_HEARTBLEED;
	shake(sc, &of, &hs);
	if (t->kind == T_COMPRESSION) {
		t->decided = answered(&hs, t->vi) || refused(&hs);
		t->yes = answered(&hs, t->vi) && hs.fl.hello.compression != 0;
	} else {
		t->decided = hs.hb_tested && hs.hb != TLS_HB_GARBAGE;
		t->yes = hs.hb_tested && hs.hb == TLS_HB_VULNERABLE;
	}
	tls_hs_clear(&hs);
}

static void
t_order(scan_t *sc, task_t *t)
{
	const tls_scan_version_t *sv = &sc->r->versions[t->vi];
	uint16_t *v = xcalloc(sv->n_suites, sizeof(*v));
	for (size_t i = 0; i < sv->n_suites; i++)
		v[i] = sv->suites[t->reverse ? sv->n_suites - 1 - i : i];
	tls_hs_t hs;
	offer_t of = { .vi = t->vi, .suites = v, .n = sv->n_suites };
	shake(sc, &of, &hs);
	if (answered(&hs, t->vi)) {
		t->decided = true;
		t->chosen = hs.fl.hello.suite;
	}
	tls_hs_clear(&hs);
	free(v);
}

static void
run_task(scan_t *sc, task_t *t)
{
	switch (t->kind) {
	case T_VERSION: t_version(sc, t); break;
	case T_ELIMINATE: t_eliminate(sc, t); break;
	case T_SUITE13: t_suite13(sc, t); break;
	case T_GROUP: t_group(sc, t); break;
	case T_DHE: t_dhe(sc, t); break;
	case T_COMPRESSION:
	case T_HEARTBLEED: t_again(sc, t); break;
	case T_ORDER: t_order(sc, t); break;
	}
}

static void *
worker(void *arg)
{
	scan_t *sc = arg;
	for (;;) {
		pthread_mutex_lock(&sc->lock);
		size_t i = sc->next++;
		pthread_mutex_unlock(&sc->lock);
		if (i >= sc->batch->n)
			return NULL;
		run_task(sc, &sc->batch->v[i]);
	}
}

static void
run_batch(scan_t *sc, const tasks_t *b)
{
	pthread_t th[PARALLEL_MAX];
	size_t want = sc->o->parallel ? sc->o->parallel : PARALLEL, started = 0;
	if (want > PARALLEL_MAX)
		want = PARALLEL_MAX;
	if (want > b->n)
		want = b->n;
	sc->batch = b;
	sc->next = 0;
	for (size_t i = 0; i < want; i++)
		if (pthread_create(&th[started], NULL, worker, sc) == 0)
			started++;
	if (started == 0)
		worker(sc);	/* no threads to be had: one at a time */
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
}

/* ---- the phases ---- */

static void
phase_versions(scan_t *sc, tasks_t *b)
{
	tls_scan_result_t *r = sc->r;
	for (int vi = 0; vi < TLS_SCAN_NVERSIONS; vi++)
		task_add(b, T_VERSION, vi);
	run_batch(sc, b);
	bool old = false, reneg = false, hb = false;
	int best = -1, closed = 0;
	for (int vi = 0; vi < TLS_SCAN_NVERSIONS; vi++) {
		task_t *t = &b->v[vi];
		r->versions[vi].accepted = t->yes;
		closed += t->hs.out == TLS_HS_CLOSED;
		if (!t->yes)
			continue;
		sc->hit[vi] = t;
		if (vi == VI_TLS13)
			continue;
		old = true;
		reneg |= t->hs.fl.hello.reneg_info;
		hb |= t->hs.fl.hello.heartbeat;
		if (t->hs.fl.have_certs)
			best = vi;
	}
	/* Refusing every version by hanging up, not one alert: most likely no
	 * TLS at all (a wrapper, or a server that wants the client to speak
	 * something else), which the report should say. */
	if (closed == TLS_SCAN_NVERSIONS && r->error[0] == '\0')
		snprintf(r->error, sizeof(r->error),
		    "every version was refused by closing the connection, never an alert");
	if (old) {
		r->secure_reneg = reneg ? TLS_YES : TLS_NO;
		r->heartbeat = hb ? TLS_YES : TLS_NO;
	}
	if (best >= 0) {
		r->certs = b->v[best].hs.fl.certs;
		memset(&b->v[best].hs.fl.certs, 0, sizeof(r->certs));	/* moved */
	}
}

/* A TLS 1.3-only server encrypts its Certificate: one OpenSSL handshake reads it. */
static void
chain13(scan_t *sc)
{
	const tls_scan_opts_t *o = sc->o;
	tls_scan_result_t *r = sc->r;
	char err[200];
	uint64_t dl = deadline_min(o->deadline, mono_ms() + (o->hs_timeout_ms ? o->hs_timeout_ms : 5000));
	r->handshakes++;
	if (tls_fetch_chain(o->addr, o->port, o->sni, dl, o->cancel, o->ev, &r->certs, err,
	    sizeof(err)) == 0) {
		r->certs_tls13 = true;
		return;
	}
	r->undecided++;
	if (r->error[0] == '\0')
		snprintf(r->error, sizeof(r->error), "TLS 1.3 handshake for the certificate: %s", err);
}

static int
highest_old(const scan_t *sc)
{
	for (int vi = VI_TLS13 - 1; vi >= 0; vi--)
		if (sc->hit[vi])
			return vi;
	return -1;
}

static void
phase_suites(scan_t *sc, tasks_t *b)
{
	tls_scan_result_t *r = sc->r;
	for (int vi = 0; vi < VI_TLS13; vi++) {
		for (size_t c = 0; sc->hit[vi] && c < sc->n_chunks[vi]; c++)
			task_add(b, T_ELIMINATE, vi)->chunk = c;
	}
	for (size_t i = 0; sc->hit[VI_TLS13] && i < sc->chunks[VI_TLS13][0].n; i++)
		task_add(b, T_SUITE13, VI_TLS13)->arg = sc->chunks[VI_TLS13][0].v[i];
	int top = highest_old(sc);
	if (top >= 0)
		task_add(b, T_COMPRESSION, top);
	if (top >= 0 && r->heartbeat == TLS_YES)
		task_add(b, T_HEARTBLEED, top);
	run_batch(sc, b);

	for (int vi = 0; vi < TLS_SCAN_NVERSIONS; vi++)
		r->versions[vi].complete = sc->hit[vi] != NULL;
	if (sc->hit[VI_TLS13] || top >= 0) {
		/* TLS 1.3 has neither compression nor heartbeats. */
		r->compression = TLS_NO;
		r->heartbleed = TLS_NO;
	}
	for (size_t i = 0; i < b->n; i++) {
		task_t *t = &b->v[i];
		tls_scan_version_t *sv = &r->versions[t->vi];
		if (t->kind == T_ELIMINATE || t->kind == T_SUITE13) {
			const uint16_t *add = t->kind == T_ELIMINATE ? t->found.v : &t->arg;
			size_t n = t->kind == T_ELIMINATE ? t->found.n : (size_t)t->yes;
			sv->suites = xrealloc(sv->suites, sv->n_suites + n + 1, sizeof(uint16_t));
			if (n)	/* a chunk with nothing found has no array */
				memcpy(sv->suites + sv->n_suites, add, n * sizeof(uint16_t));
			sv->n_suites += n;
			sv->complete &= t->decided;
		} else if (t->kind == T_COMPRESSION && t->decided) {
			r->compression = t->yes ? TLS_YES : TLS_NO;
		} else if (t->kind == T_COMPRESSION) {
			r->compression = TLS_UNKNOWN;
		} else if (t->kind == T_HEARTBLEED) {
			r->heartbleed = !t->decided ? TLS_UNKNOWN : t->yes ? TLS_YES : TLS_NO;
		}
	}
}

static void
phase_details(scan_t *sc, tasks_t *b)
{
	tls_scan_result_t *r = sc->r;
	for (int vi = 0; vi < TLS_SCAN_NVERSIONS; vi++) {
		const tls_scan_version_t *sv = &r->versions[vi];
		for (size_t i = 0; i < sv->n_suites; i++) {
			const tls_suite_info_t *s = tls_suite_find(sv->suites[i]);
			if (s && strcmp(s->kex, "ECDHE") == 0)
				list_push(&sc->ecdhe[vi], s->id);
			if (s && strcmp(s->kex, "DHE") == 0)
				list_push(&sc->dhe[vi], s->id);
		}
		if (sv->n_suites >= 2) {
			task_add(b, T_ORDER, vi);
			task_add(b, T_ORDER, vi)->reverse = true;
		}
	}
	/* Groups over TLS 1.3 when it is there, and over the highest older
	 * version with ECDHE (FFDHE groups only show in TLS 1.3). */
	if (r->versions[VI_TLS13].n_suites)
		for (size_t i = 0; i < ARRAY_LEN(probe_groups); i++)
			task_add(b, T_GROUP, VI_TLS13)->arg = probe_groups[i];
	for (int vi = VI_TLS13 - 1; vi >= 0; vi--) {
		if (sc->ecdhe[vi].n == 0)
			continue;
		for (size_t i = 0; i < ARRAY_LEN(probe_groups); i++)
			if (probe_groups[i] < 256)
				task_add(b, T_GROUP, vi)->arg = probe_groups[i];
		break;
	}
	for (int vi = VI_TLS13 - 1; vi >= 0; vi--) {
		if (sc->dhe[vi].n) {
			task_add(b, T_DHE, vi);
			break;
		}
	}
	run_batch(sc, b);
	for (size_t i = 0; i < b->n; i++) {
		task_t *t = &b->v[i];
		if (t->kind == T_GROUP && t->yes && !tls_scan_has_group(r, t->arg)) {
			r->groups = xrealloc(r->groups, r->n_groups + 1, sizeof(*r->groups));
			r->groups[r->n_groups++] = t->arg;
		} else if (t->kind == T_DHE) {
			r->dhe_bits = t->bits;
		} else if (t->kind == T_ORDER && !t->reverse) {
			const task_t *u = t + 1;	/* its reverse, added right after */
			tls_scan_version_t *sv = &r->versions[t->vi];
			if (!t->decided || !u->decided)
				sv->server_order = TLS_UNKNOWN;
			else if (t->chosen == u->chosen)
				sv->server_order = TLS_YES;
			else if (t->chosen == sv->suites[0] && u->chosen == sv->suites[sv->n_suites - 1])
				sv->server_order = TLS_NO;
		}
	}
}

tls_scan_result_t *
tls_scan(const tls_scan_opts_t *o)
{
	tls_scan_result_t *r = xcalloc(1, sizeof(*r));
	for (int vi = 0; vi < TLS_SCAN_NVERSIONS; vi++) {
		r->versions[vi].version = versions[vi];
		r->versions[vi].server_order = TLS_UNKNOWN;
	}
	r->secure_reneg = r->compression = r->heartbeat = r->heartbleed = TLS_UNKNOWN;
	scan_t sc = { .o = o, .r = r };
	pthread_mutex_init(&sc.lock, NULL);
	build_chunks(&sc);
	tasks_t b1 = { 0 }, b2 = { 0 }, b3 = { 0 };
	phase_versions(&sc, &b1);
	if (r->certs.n == 0 && r->versions[VI_TLS13].accepted)
		chain13(&sc);
	phase_suites(&sc, &b2);
	phase_details(&sc, &b3);
	tasks_free(&b1);
	tasks_free(&b2);
	tasks_free(&b3);
	for (int vi = 0; vi < TLS_SCAN_NVERSIONS; vi++) {
		for (size_t c = 0; c < sc.n_chunks[vi]; c++)
			free(sc.chunks[vi][c].v);
		free(sc.ecdhe[vi].v);
		free(sc.dhe[vi].v);
	}
	pthread_mutex_destroy(&sc.lock);
	return r;
}

void
tls_scan_free(tls_scan_result_t *r)
{
	if (r == NULL)
		return;
	for (int vi = 0; vi < TLS_SCAN_NVERSIONS; vi++)
		free(r->versions[vi].suites);
	free(r->groups);
	tls_certs_clear(&r->certs);
	free(r);
}

const tls_scan_version_t *
tls_scan_version(const tls_scan_result_t *r, uint16_t v)
{
	for (int vi = 0; vi < TLS_SCAN_NVERSIONS; vi++)
		if (r->versions[vi].version == v)
			return &r->versions[vi];
	return NULL;
}

bool
tls_scan_has_group(const tls_scan_result_t *r, uint16_t g)
{
	for (size_t i = 0; i < r->n_groups; i++)
		if (r->groups[i] == g)
			return true;
	return false;
}
