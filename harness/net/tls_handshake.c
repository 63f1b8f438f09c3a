/*
 * One hand-built handshake over a socket; see tls_handshake.h.
 */
#include "net/tls_handshake.h"
#include "core/util.h"
#include "crypto/suites.h"

#include <netinet/in.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

/* Heartbleed probe: what the request claims, and how long to wait for an
 * answer (a patched server stays silent, so this wait is the common cost). */
#define HB_CLAIMED 0x4000
#define HB_WAIT_MS 1500

const char *
tls_hs_outcome_str(tls_hs_outcome_t o)
{
	switch (o) {
	case TLS_HS_HELLO: return "hello";
	case TLS_HS_ALERT: return "alert";
	case TLS_HS_CLOSED: return "closed";
	case TLS_HS_NETWORK: return "network";
	case TLS_HS_GARBAGE: return "garbage";
	}
	return "?";
}

void
tls_hs_clear(tls_hs_t *h)
{
	tls_certs_clear(&h->fl.certs);
}

static void
note_flow(const tls_hs_req_t *rq, int fd)
{
	flow_t f;
	if (rq->ev == NULL || flow_from_fd(fd, IPPROTO_TCP, &f) < 0)
		return;
	if (rq->ev_lock)
		pthread_mutex_lock(rq->ev_lock);
	ev_add_flow(rq->ev, &f);
	if (rq->ev_lock)
		pthread_mutex_unlock(rq->ev_lock);
}

static void
heartbleed(conn_t *c, uint16_t version, const tls_hs_req_t *rq, tls_hs_t *out)
{
	uint8_t probe[8], buf[64];
	size_t n = tls_heartbleed_probe(probe, sizeof(probe), version, HB_CLAIMED), len = 0;
	uint64_t dl = deadline_min(rq->deadline, mono_ms() + HB_WAIT_MS);
	if (conn_write(c, probe, n, dl) != NET_OK)
		return;
	out->hb_tested = true;
	/* Five bytes are a record header, which is all the verdict needs. */
	while (len < 5) {
		size_t got;
		if (conn_read(c, buf + len, sizeof(buf) - len, &got, dl) != NET_OK)
			break;
		len += got;
	}
	out->hb = tls_heartbleed_classify(buf, len, 0);
}

static void
read_flight(conn_t *c, tls_stream_t *s, const tls_hs_req_t *rq, tls_hs_t *out)
{
	uint8_t buf[4096];
	for (;;) {
		size_t got;
		net_status_t st = conn_read(c, buf, sizeof(buf), &got, rq->deadline);
		if (st != NET_OK) {
			const tls_flight_t *f = tls_stream_flight(s);
			out->net = st;
			if (f->have_hello) {
				out->out = TLS_HS_HELLO;	/* the hello decides; the rest is extra */
				snprintf(out->err, sizeof(out->err), "flight cut short: %s",
				    net_status_str(st));
			} else if (st == NET_CLOSED || st == NET_RESET) {
				out->out = TLS_HS_CLOSED;
			} else {
				out->out = TLS_HS_NETWORK;
				snprintf(out->err, sizeof(out->err), "reading the answer: %s",
				    net_status_str(st));
			}
			return;
		}
		tls_feed_t r = tls_stream_feed(s, buf, got);
		if (r == TLS_FEED_MORE)
			continue;
		const tls_flight_t *f = tls_stream_flight(s);
		if (r == TLS_FEED_ERROR) {
			out->out = f->have_hello ? TLS_HS_HELLO : TLS_HS_GARBAGE;
			snprintf(out->err, sizeof(out->err), "%s", tls_stream_errmsg(s));
		} else {
			out->out = f->have_hello ? TLS_HS_HELLO : TLS_HS_ALERT;
		}
		return;
	}
}

void
tls_handshake(const tls_hs_req_t *rq, const tls_hello_opts_t *ho, tls_hs_t *out)
{
	memset(out, 0, sizeof(*out));
	tls_hello_opts_t o = *ho;
	uint8_t hello[8192];
	if (RAND_bytes(o.random, 32) != 1 || RAND_bytes(o.x25519_pub, 32) != 1) {
		out->out = TLS_HS_NETWORK;
		out->net = NET_ERROR;
		snprintf(out->err, sizeof(out->err), "no randomness for the ClientHello");
		return;
	}
	size_t n = tls_client_hello(hello, sizeof(hello), &o);
	if (n == 0) {
		out->out = TLS_HS_NETWORK;
		out->net = NET_ERROR;
		snprintf(out->err, sizeof(out->err), "ClientHello of %zu suites does not fit",
		    o.n_suites);
		return;
	}
	conn_t c;
	net_status_t st = conn_tcp(&c, rq->addr, rq->port, rq->deadline, rq->cancel, NULL);
	if (st != NET_OK) {
		out->out = TLS_HS_NETWORK;
		out->net = st;
		snprintf(out->err, sizeof(out->err), "connect: %s", net_status_str(st));
		return;
	}
	note_flow(rq, c.fd);
	st = conn_write(&c, hello, n, rq->deadline);
	if (st != NET_OK) {
		out->net = st;
		out->out = st == NET_RESET ? TLS_HS_CLOSED : TLS_HS_NETWORK;
		snprintf(out->err, sizeof(out->err), "sending the ClientHello: %s",
		    net_status_str(st));
		conn_close(&c);
		return;
	}
	tls_stream_t *s = tls_stream_new(rq->want_certs);
	read_flight(&c, s, rq, out);
	tls_flight_t *f = tls_stream_flight_mut(s);
	if (rq->heartbleed && out->out == TLS_HS_HELLO && f->hello_done && f->hello.heartbeat)
		heartbleed(&c, f->hello.version, rq, out);
	out->fl = *f;
	memset(&f->certs, 0, sizeof(f->certs));	/* moved to out */
	tls_stream_free(s);
	conn_close(&c);
}
