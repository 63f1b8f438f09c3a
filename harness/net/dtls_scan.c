/*
 * The DTLS enumeration; see dtls_scan.h.  Two phases, one handshake at a
 * time:
 *   1. versions: per version, the suite lists (chunks of at most CHUNK_MAX,
 *      so a hello stays well inside one datagram) one after the other until
 *      the server answers one with a ServerHello of that version;
 *   2. suites by elimination per accepted version and list: offer the list,
 *      drop what the server picks, repeat until it refuses.
 * One handshake is: ClientHello, HelloVerifyRequest, ClientHello with the
 * cookie (RFC 6347 4.2.1), ServerHello, then a fatal alert so the server
 * frees the handshake at once.  An unanswered flight is sent again with a
 * doubling timer inside the handshake's timeout.  Silence that outlasts
 * it is a refusal only when a hello the server answered before is
 * answered again right after (see deliberate()); before anything was
 * answered, the versions it ended are asked again once something has.
 */
#include "net/dtls_scan.h"
#include "core/util.h"
#include "crypto/suites.h"
#include "net/sock.h"
#include "proto/dtls.h"

#include <errno.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* 100 suites make a hello of about 400 bytes plus the cookie: far below
 * the 1200-1400 bytes a datagram can carry unfragmented on any path. */
#define CHUNK_MAX 100
#define NCHUNK_MAX 4
#define HS_TIMEOUT_MS 3000
#define TRIES 3
#define TRIES_MAX 9
#define RTO_MIN_MS 100
#define COOKIE_ROUNDS 3		/* HelloVerifyRequests answered in one handshake */
#define HELLO_MAX 1400		/* a hello that does not fit is not sent */
#define RX_MAX 65536		/* the largest UDP datagram */
#define SILENT_GIVE_UP 3	/* unanswered hellos before a mute port is given up */
#define SLICE_MS 100		/* poll slice, so cancel is seen quickly */
#define ALERT_USER_CANCELED 90
#define ALERT_PROTOCOL_VERSION 70

/* Probed newest first: a server that takes 1.2 is most likely to answer. */
static const uint16_t versions[DTLS_SCAN_NVERSIONS] = { DTLSV_10, DTLSV_12 };
static const int probe_order[DTLS_SCAN_NVERSIONS] = { 1, 0 };

/* Offered in every hello, so a suite is never refused for want of a curve:
 * x25519, the NIST curves, x448, brainpool, FFDHE. */
static const uint16_t broad_groups[] = {
	29, 23, 24, 25, 30, 26, 27, 28, 256, 257, 258, 22, 21, 19,
};

typedef struct list {
	uint16_t *v;	/* owned */
	size_t n;
} list_t;

typedef enum hs_out {
	HS_HELLO,	/* a whole ServerHello */
	HS_ALERT,	/* refused with an alert */
	HS_SILENT,	/* nothing within the timeout, retransmissions included */
	HS_NETWORK,	/* socket error, ICMP unreachable, cancel, deadline */
	HS_GARBAGE,	/* an answer that is no DTLS or does not parse */
} hs_out_t;

typedef struct hs {
	hs_out_t out;
	uint16_t version, suite;
	uint8_t alert;
	bool dropped;	/* HS_SILENT judged a deliberate refusal */
	char err[200];
} hs_t;

typedef struct scan {
	const dtls_scan_opts_t *o;
	dtls_scan_result_t *r;
	uint8_t *rx;			/* RX_MAX bytes, one datagram */
	list_t chunks[DTLS_SCAN_NVERSIONS][NCHUNK_MAX];
	size_t n_chunks[DTLS_SCAN_NVERSIONS];
	int good_vi;			/* a version that answered, -1 before */
	const list_t *good;		/* the list it answered: asked again to judge silence */
	unsigned pending;		/* unanswered handshakes before anything was answered */
	char pending_err[256];		/* the first one's reason */
} scan_t;

static void
list_push(list_t *l, uint16_t v)
{
	l->v = xrealloc(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = v;
}

/* ---- candidate lists ---- */

static bool
negotiable(const tls_suite_info_t *s, uint16_t v)
{
	/* DTLS has no stream ciphers (RFC 6347 4.1.2.2) and no TLS 1.3 suites
	 * before DTLS 1.3. */
	if (s->flags & (TLS_SF_TLS13 | TLS_SF_RC4))
		return false;
	/* DTLS 1.0 is TLS 1.1's record layer: AEAD and SHA-2 MACs came with
	 * DTLS 1.2; offering them lower only costs elimination rounds. */
	bool needs12 = (s->flags & TLS_SF_AEAD) || strcmp(s->mac, "SHA256") == 0 ||
	    strcmp(s->mac, "SHA384") == 0;
	return v == DTLSV_12 || !needs12;
}

/* Lower first: the first list of a version holds what devices commonly
 * take (CoAP's CCM_8 and PSK suites with the usual ECDHE/RSA ones), so one
 * hello usually tells whether the version is accepted. */
static int
rank(const tls_suite_info_t *s)
{
	unsigned f = s->flags;
	if (strcmp(s->kex, "DH") == 0 || strcmp(s->kex, "ECDH") == 0)
		return 6;
	if (strcmp(s->kex, "SRP") == 0)
		return 5;
	if (f & TLS_SF_ANON)
		return 4;
	if (f & (TLS_SF_SEED_ARIA_CAMELLIA | TLS_SF_IDEA))
		return 3;
	if (f & (TLS_SF_NULL_ENC | TLS_SF_EXPORT | TLS_SF_3DES | TLS_SF_DES))
		return 2;
	if (strstr(s->enc, "CCM_8") || (f & TLS_SF_PSK))
		return 0;
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
	for (int vi = 0; vi < DTLS_SCAN_NVERSIONS; vi++) {
		size_t n = 0;
		for (size_t i = 0; i < nall; i++)
			if (negotiable(&all[i], versions[vi]))
				pick[n++] = &all[i];
		qsort(pick, n, sizeof(*pick), cmp_rank);
		size_t k = (n + CHUNK_MAX - 1) / CHUNK_MAX;
		if (k > NCHUNK_MAX)
			k = NCHUNK_MAX;
		size_t per = k ? (n + k - 1) / k : 0;	/* even chunks */
		for (size_t i = 0; i < n && i / per < k; i++)
			list_push(&sc->chunks[vi][i / per], pick[i]->id);
		sc->n_chunks[vi] = k;
	}
	free(pick);
}

/* ---- one handshake ---- */

static void
hs_fail(hs_t *h, hs_out_t out, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
hs_fail(hs_t *h, hs_out_t out, const char *fmt, ...)
{
	va_list ap;
	h->out = out;
	va_start(ap, fmt);
	vsnprintf(h->err, sizeof(h->err), fmt, ap);
	va_end(ap);
}

static void
note_flow(const scan_t *sc, int fd)
{
	flow_t f;
	if (sc->o->ev && flow_from_fd(fd, IPPROTO_UDP, &f) == 0)
		ev_add_flow(sc->o->ev, &f);
}

static const char *
errno_text(int e)
{
	switch (e) {
	case ECONNREFUSED: return "port unreachable (ICMP)";
	case EHOSTUNREACH: case ENETUNREACH: case EHOSTDOWN: return "unreachable";
	default: return "network error";
	}
}

/* One datagram, or the deadline.  0 with *n, 1 on timeout, -1 on error or
 * cancel (h filled). */
static int
receive(const scan_t *sc, int fd, uint64_t until, size_t *n, hs_t *h)
{
	for (;;) {
		if (sc->o->cancel && *sc->o->cancel) {
			hs_fail(h, HS_NETWORK, "scan cancelled");
			return -1;
		}
		uint64_t now = mono_ms();
		if (now >= until)
			return 1;
		uint64_t left = until - now;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int k = poll(&p, 1, (int)(left < SLICE_MS ? left : SLICE_MS));
		if (k < 0 && errno != EINTR) {
			hs_fail(h, HS_NETWORK, "poll: %s", strerror(errno));
			return -1;
		}
		if (k <= 0)
			continue;
		ssize_t got = recv(fd, sc->rx, RX_MAX, 0);
		if (got >= 0) {
			*n = (size_t)got;
			return 0;
		}
		if (errno == EAGAIN || errno == EINTR)
			continue;
		hs_fail(h, HS_NETWORK, "reading the answer: %s", errno_text(errno));
		return -1;
	}
}

static bool
send_dgram(int fd, const uint8_t *p, size_t n, hs_t *h)
{
	if (send(fd, p, n, MSG_NOSIGNAL) == (ssize_t)n)
		return true;
	hs_fail(h, HS_NETWORK, "sending the ClientHello: %s", errno_text(errno));
	return false;
}

/* Runs the exchange on a connected socket; fills h.  cookie is ho's
 * cookie buffer (255 bytes), refilled by each HelloVerifyRequest. */
static void
exchange(scan_t *sc, int fd, dtls_hello_opts_t *ho, uint8_t *cookie, uint64_t deadline,
    unsigned tmo, hs_t *h)
{
	const dtls_scan_opts_t *o = sc->o;
	unsigned retries = (o->tries ? o->tries : TRIES) - 1;
	if (retries > TRIES_MAX - 1)
		retries = TRIES_MAX - 1;
	/* Timer doubling per resend (RFC 6347 4.2.4), scaled so the last wait
	 * ends with the handshake's timeout: t + 2t + ... + 2^retries t = tmo. */
	unsigned rto0 = tmo / ((1u << (retries + 1)) - 1);
	if (rto0 < RTO_MIN_MS)
		rto0 = RTO_MIN_MS;
	uint8_t hello[HELLO_MAX];
	unsigned sent = 0, cookies = 0;
	for (;;) {
		/* (Re)send the current flight: a new record sequence number each
		 * time, the same message_seq (RFC 6347 4.2.4). */
		size_t n = dtls_client_hello(hello, sizeof(hello), ho);
		if (n == 0) {
			hs_fail(h, HS_NETWORK, "ClientHello of %zu suites does not fit in %d bytes",
			    ho->n_suites, HELLO_MAX);
			return;
		}
		ho->record_seq++;
		if (!send_dgram(fd, hello, n, h))
			return;
		unsigned rto = rto0 << (sent < 16 ? sent : 16);
		uint64_t until = deadline_min(deadline, mono_ms() + rto);
		sent++;
		dtls_answer_t *a = xcalloc(1, sizeof(*a));
		bool resend = false;
		while (!resend) {
			size_t got;
			int k = receive(sc, fd, until, &got, h);
			if (k < 0)
				goto out;
			if (k > 0) {	/* the timer ran out */
				if (sent > retries || mono_ms() >= deadline) {
					hs_fail(h, HS_SILENT, "no answer to %u ClientHello%s%s within %u ms",
					    sent, sent == 1 ? "" : "s", cookies ? " with the cookie" : "",
					    tmo);
					goto out;
				}
				resend = true;
				break;
			}
			int r = dtls_answer_feed(a, sc->rx, got);
			if (r < 0) {
				hs_fail(h, HS_GARBAGE, "%s", a->err);
				goto out;
			}
			if (r == 0)
				continue;	/* a fragment: wait for the rest */
			if (a->have_alert) {
				h->out = HS_ALERT;
				h->alert = a->alert_desc;
				goto out;
			}
			if (a->have_hello) {
				h->out = HS_HELLO;
				h->version = a->version;
				h->suite = a->suite;
				/* Abort: without it the server keeps the handshake and
				 * resends its flight, and a one-peer server (s_server,
				 * small stacks) would ignore the next hello meanwhile. */
				uint8_t al[DTLS_HDR + 2];
				size_t an = dtls_alert(al, sizeof(al), a->record_version,
				    ho->record_seq++, 2, ALERT_USER_CANCELED);
				(void)!send(fd, al, an, MSG_NOSIGNAL);
				goto out;
			}
			/* HelloVerifyRequest.  The same cookie again is the answer
			 * to a resent hello: ignore it. */
			a->have_hvr = false;
			if (ho->cookie_len == a->cookie_len && ho->cookie &&
			    memcmp(ho->cookie, a->cookie, a->cookie_len) == 0)
				continue;
			if (cookies++ >= COOKIE_ROUNDS) {
				hs_fail(h, HS_GARBAGE, "HelloVerifyRequest after %u cookies", COOKIE_ROUNDS);
				goto out;
			}
			sc->r->cookies++;
			memcpy(cookie, a->cookie, a->cookie_len);	/* outlives a */
			ho->cookie_len = a->cookie_len;
			ho->message_seq++;
			sent = 0;	/* a new flight: its own retransmissions */
			resend = true;
		}
		free(a);
		continue;
out:
		free(a);
		return;
	}
}

static void
handshake(scan_t *sc, int vi, const uint16_t *suites, size_t n, hs_t *h)
{
	const dtls_scan_opts_t *o = sc->o;
	memset(h, 0, sizeof(*h));
	uint64_t now = mono_ms();
	if (o->cancel && *o->cancel) {
		hs_fail(h, HS_NETWORK, "scan cancelled");
		return;
	}
	if (now >= o->deadline) {
		hs_fail(h, HS_NETWORK, "scan deadline passed");
		return;
	}
	unsigned tmo = o->hs_timeout_ms ? o->hs_timeout_ms : HS_TIMEOUT_MS;
	uint64_t deadline = deadline_min(o->deadline, now + tmo);
	uint8_t cookie[255];
	dtls_hello_opts_t ho = {
		.version = versions[vi],
		.suites = suites,
		.n_suites = n,
		.groups = broad_groups,
		.n_groups = ARRAY_LEN(broad_groups),
		.reneg_info = true,
		.cookie = cookie,
	};
	if (RAND_bytes(ho.random, sizeof(ho.random)) != 1) {
		hs_fail(h, HS_NETWORK, "no randomness for the ClientHello");
		return;
	}
	struct sockaddr_storage ss;
	socklen_t len;
	sockaddr_with_port(o->addr, o->port, &ss, &len);
	int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	/* Connected: the kernel drops datagrams from anyone else and reports
	 * ICMP port unreachable as ECONNREFUSED. */
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len) < 0) {
		hs_fail(h, HS_NETWORK, "socket: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	sc->r->handshakes++;
	note_flow(sc, fd);
	exchange(sc, fd, &ho, cookie, deadline, tmo, h);
	close(fd);
}

static void
note_error(scan_t *sc, int vi, const char *err)
{
	dtls_scan_result_t *r = sc->r;
	r->undecided++;
	if (r->error[0] == '\0')
		snprintf(r->error, sizeof(r->error), "%s: %s", tls_version_name(versions[vi]), err);
}

static bool
answered(const hs_t *h, int vi)
{
	return h->out == HS_HELLO && h->version == versions[vi];
}

/*
 * Whether the silence that just ended a handshake was the server dropping
 * an offer it does not take (some stacks refuse that way) rather than a
 * server that could not listen (busy with another peer's handshake: a
 * one-peer server such as s_server is deaf for seconds after a client
 * left a handshake half-way): a hello it answered before is offered again,
 * and answered now, the silence was deliberate.
 */
static bool
deliberate(scan_t *sc)
{
	if (sc->good_vi < 0)
		return false;
	hs_t h;
	handshake(sc, sc->good_vi, sc->good->v, sc->good->n, &h);
	return answered(&h, sc->good_vi);
}

/*
 * One counted handshake.  Silence becomes a refusal (h->dropped) when
 * deliberate; before anything was answered it cannot be told, so it is
 * left pending (sc->pending, settled by dtls_scan); otherwise it is
 * undecided, as are network errors and garbage.
 */
static void
shake(scan_t *sc, int vi, const uint16_t *suites, size_t n, hs_t *h)
{
	handshake(sc, vi, suites, n, h);
	if (h->out == HS_SILENT) {
		if (sc->good_vi < 0) {
			if (sc->pending++ == 0)
				snprintf(sc->pending_err, sizeof(sc->pending_err), "%s: %s",
				    tls_version_name(versions[vi]), h->err);
		} else if (deliberate(sc)) {
			h->dropped = true;
			sc->r->silent++;
		} else {
			note_error(sc, vi, h->err);
		}
	} else if (h->out == HS_NETWORK || h->out == HS_GARBAGE) {
		note_error(sc, vi, h->err);
	}
}

/* An alert, or silence judged deliberate: the offer is refused. */
static bool
refused(const hs_t *h)
{
	return h->out == HS_ALERT || h->dropped;
}

static ssize_t
index_of(const uint16_t *v, size_t n, uint16_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return (ssize_t)i;
	return -1;
}

/* Offers the list minus what is found, until the server refuses; `first`
 * is the suite it already chose from the whole list when have_first.
 * Whether every round was decided. */
static bool
eliminate(scan_t *sc, int vi, const list_t *l, uint16_t first, bool have_first, list_t *found)
{
	uint16_t *left = xcalloc(l->n, sizeof(*left));
	size_t n = l->n;
	memcpy(left, l->v, n * sizeof(*left));
	bool decided = false;
	for (size_t round = 0; round <= l->n; round++) {
		if (n == 0) {
			decided = true;
			break;
		}
		uint16_t s = first;
		if (round > 0 || !have_first) {
			hs_t h;
			shake(sc, vi, left, n, &h);
			if (refused(&h)) {
				decided = true;
				break;
			}
			if (!answered(&h, vi))
				break;
			s = h.suite;
		}
		ssize_t i = index_of(left, n, s);
		if (i < 0) {
			char e[96];
			snprintf(e, sizeof(e), "the server chose suite 0x%04x, which was not offered", s);
			note_error(sc, vi, e);
			break;
		}
		list_push(found, s);
		memmove(left + i, left + i + 1, (n - (size_t)i - 1) * sizeof(*left));
		n--;
	}
	free(left);
	return decided;
}

/* What the version phase learnt of one list. */
typedef enum chunk_state {
	C_REFUSED,	/* an alert, or deliberate silence: nothing in it */
	C_ANSWERED,	/* a ServerHello of the version */
	C_OPEN,		/* not asked, or no usable answer: eliminate from scratch */
} chunk_state_t;

/* The versions phase for one version, then elimination over every list
 * not refused whole.  False when it stopped on silence that could not be
 * judged yet (nothing answered so far): dtls_scan asks again later. */
static bool
scan_version(scan_t *sc, int vi)
{
	dtls_scan_version_t *sv = &sc->r->versions[vi];
	chunk_state_t st[NCHUNK_MAX];
	size_t hit = 0;
	uint16_t chosen = 0;
	for (size_t c = 0; c < sc->n_chunks[vi]; c++)
		st[c] = C_OPEN;
	for (size_t c = 0; c < sc->n_chunks[vi]; c++) {
		/* A port that has never answered and let three hellos go
		 * unanswered is not speaking DTLS to us: stop paying timeouts. */
		if (sc->good_vi < 0 && sc->pending >= SILENT_GIVE_UP)
			return false;
		const list_t *l = &sc->chunks[vi][c];
		hs_t h;
		unsigned before = sc->pending;
		shake(sc, vi, l->v, l->n, &h);
		if (h.out == HS_ALERT && h.alert == ALERT_PROTOCOL_VERSION)
			return true;	/* the version itself is refused, whatever the suites */
		if (refused(&h)) {
			st[c] = C_REFUSED;	/* maybe no suite of this list: try the next */
			continue;
		}
		if (sc->pending > before)
			continue;	/* silence, not yet judged: the next list may tell */
		if (!answered(&h, vi))
			return true;	/* undecided, or another version: not this one */
		st[c] = C_ANSWERED;
		hit = c;
		chosen = h.suite;
		if (sc->good_vi < 0) {
			sc->good_vi = vi;
			sc->good = l;
		}
		break;
	}
	if (st[hit] != C_ANSWERED)
		return sc->pending == 0 || sc->good_vi >= 0;
	sv->accepted = true;
	sv->complete = true;
	list_t found = { 0 };
	for (size_t c = 0; c < sc->n_chunks[vi]; c++)
		if (st[c] != C_REFUSED)
			sv->complete &= eliminate(sc, vi, &sc->chunks[vi][c], chosen, c == hit, &found);
	sv->suites = found.v;
	sv->n_suites = found.n;
	return true;
}

dtls_scan_result_t *
dtls_scan(const dtls_scan_opts_t *o)
{
	dtls_scan_result_t *r = xcalloc(1, sizeof(*r));
	for (int vi = 0; vi < DTLS_SCAN_NVERSIONS; vi++)
		r->versions[vi].version = versions[vi];
	scan_t sc = { .o = o, .r = r, .rx = xcalloc(RX_MAX, 1), .good_vi = -1 };
	build_chunks(&sc);
	bool again[DTLS_SCAN_NVERSIONS] = { false };
	for (int i = 0; i < DTLS_SCAN_NVERSIONS; i++)
		again[probe_order[i]] = !scan_version(&sc, probe_order[i]);
	/* Silence before anything was answered: if something was answered
	 * since, those versions are asked again, now that silence can be
	 * judged; if nothing ever was, the port is mute to us. */
	if (sc.good_vi >= 0) {
		sc.pending = 0;
		for (int i = 0; i < DTLS_SCAN_NVERSIONS; i++)
			if (again[probe_order[i]])
				scan_version(&sc, probe_order[i]);
	}
	if (sc.pending) {
		r->undecided += sc.pending;
		if (r->error[0] == '\0')
			snprintf(r->error, sizeof(r->error), "%s", sc.pending_err);
	}
	for (int vi = 0; vi < DTLS_SCAN_NVERSIONS; vi++)
		for (size_t c = 0; c < sc.n_chunks[vi]; c++)
			free(sc.chunks[vi][c].v);
	free(sc.rx);
	return r;
}

void
dtls_scan_free(dtls_scan_result_t *r)
{
	if (r == NULL)
		return;
	for (int vi = 0; vi < DTLS_SCAN_NVERSIONS; vi++)
		free(r->versions[vi].suites);
	free(r);
}

const dtls_scan_version_t *
dtls_scan_version(const dtls_scan_result_t *r, uint16_t v)
{
	for (int vi = 0; vi < DTLS_SCAN_NVERSIONS; vi++)
		if (r->versions[vi].version == v)
			return &r->versions[vi];
	return NULL;
}
