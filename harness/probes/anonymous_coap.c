/*
 * CoAP side of anonymous-resources: reads the resource directory
 * (/.well-known/core), then GETs each resource it lists (at most
 * ANON_COAP_MAX, /.well-known/ itself left out) and takes every 2.05 Content
 * as anonymous access.  With try-write, a resource read whole is PUT back
 * with its own value and Content-Format, an idempotent write whose 2.04
 * proves configuration without authentication; a representation that came
 * in blocks is never written back (one block would truncate it).
 *
 * Over UDP each request is confirmable, sent again once halfway through the
 * wait, and a separate response (empty ACK first) is waited for and
 * acknowledged.  CoAP over TCP (RFC 8323) opens with a CSM and frames the
 * same messages (proto/coap_tcp.h).
 */
#include "probes/anonymous.h"

#include "core/util.h"
#include "discover/udp.h"
#include "net/sock.h"
#include "proto/coap.h"
#include "proto/coap_put.h"
#include "proto/coap_tcp.h"
#include "proto/ident.h"
#include "proto/linkformat.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ANON_COAP_MAX 16		/* resources requested at most */
#define COAP_MSG_MAX (COAP_TCP_FRAME_MAX + 16)	/* one message, any transport */
#define COAP_GIVE_UP 3			/* unanswered requests in a row */

/* The connection to the service: a connected UDP socket or a TCP stream. */
typedef struct chan {
	anon_t *a;
	bool tcp;
	int fd;			/* UDP */
	conn_t c;		/* TCP */
	bool dead;		/* TCP: the stream cannot be read on (closed, bad frame) */
	uint16_t msgid;
	uint8_t *rx;		/* UDP: the datagram; TCP: unread stream bytes */
	size_t rx_len;
	uint8_t *msg;		/* TCP: the last frame in UDP layout (msg_len bytes) */
	size_t msg_len;
	const uint8_t *ans;	/* the answer, in rx (UDP) or msg (TCP) */
	size_t ans_len;
	bool cut;		/* the datagram was longer than the buffer */
} chan_t;

/* An answer to one request; m.payload points into the channel. */
typedef struct reply {
	coap_msg_t m;
	bool reset;		/* RST: the server refused to process it */
	bool partial;		/* one block of several, or cut: not the whole value */
} reply_t;

static const char *
cf_name(int cf)
{
	static const struct { int cf; const char *name; } t[] = {
		{ 0, "text/plain" }, { 40, "application/link-format" },
		{ 41, "application/xml" }, { 42, "application/octet-stream" },
		{ 47, "application/exi" }, { 50, "application/json" },
		{ 60, "application/cbor" }, { 110, "application/senml+json" },
		{ 112, "application/senml+cbor" },
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++)
		if (t[i].cf == cf)
			return t[i].name;
	return NULL;
}

static bool
our_token(const coap_msg_t *m, const uint8_t tok[4])
{
	return m->tkl == 4 && memcmp(m->token, tok, 4) == 0;
}

static bool
is_response(uint8_t code)
{
	unsigned cls = code >> 5;
	return cls == 2 || cls == 4 || cls == 5;
}

/* Sends a datagram; false once the kernel has seen an ICMP port unreachable. */
static bool
udp_send(chan_t *ch, const uint8_t *p, size_t n)
{
	ev_transcript(ch->a->ctx->ev, ">", p, n);
	return send(ch->fd, p, n, MSG_NOSIGNAL) >= 0 || errno != ECONNREFUSED;
}

typedef enum dgram {
	DG_OTHER,	/* not about our request, or malformed */
	DG_EMPTY_ACK,	/* our request is acknowledged; a separate response follows */
	DG_RESET,	/* the server would not process it */
	DG_ANSWER,	/* the response (an ACK has been sent if it was confirmable) */
} dgram_t;

static dgram_t
classify(chan_t *ch, const coap_msg_t *m, uint16_t mid, const uint8_t tok[4])
{
	bool ours = m->msgid == mid;
	if (m->type == COAP_RST)
		return ours && m->code == 0 ? DG_RESET : DG_OTHER;
	if (m->type == COAP_ACK && m->code == 0)
		return ours ? DG_EMPTY_ACK : DG_OTHER;
	if (!is_response(m->code) || !our_token(m, tok))
		return DG_OTHER;
	if (m->type == COAP_ACK)
		return ours ? DG_ANSWER : DG_OTHER;
	if (m->type == COAP_CON) {	/* a separate response wants its own ACK */
		uint8_t ack[4];
		udp_send(ch, ack, coap_ack_build(ack, sizeof(ack), m->msgid));
	}
	return DG_ANSWER;
}

static void
udp_timeout(char *why, size_t wlen, bool acked, int junk, uint64_t ms)
{
	if (acked)
		snprintf(why, wlen, "an empty ACK, then no response within %llu ms",
		    (unsigned long long)ms);
	else if (junk)
		snprintf(why, wlen, "only %d unrelated or malformed datagrams in %llu ms", junk,
		    (unsigned long long)ms);
	else
		snprintf(why, wlen, "no answer within %llu ms", (unsigned long long)ms);
}

/* One confirmable exchange over UDP; 0 with *rep, or -1 with why. */
static int
udp_exchange(chan_t *ch, const uint8_t *req, size_t n, uint16_t mid, const uint8_t tok[4],
    reply_t *rep, char *why, size_t wlen)
{
	anon_t *a = ch->a;
	uint64_t t0 = mono_ms(), dl = anon_deadline(a), resend = t0 + a->read_ms / 2;
	uint64_t sep = (uint64_t)step_int(a->ctx, "separate-wait");
	bool acked = false, sent = udp_send(ch, req, n);
	int junk = 0;
	memset(rep, 0, sizeof(*rep));
	while (sent) {
		uint64_t now = mono_ms();
		if (now >= dl || anon_stop(a)) {
			udp_timeout(why, wlen, acked, junk, now - t0);
			return -1;
		}
		if (!acked && resend && now >= resend) {
			sent = udp_send(ch, req, n);	/* CoAP's own retransmission, once */
			resend = 0;
			continue;
		}
		uint64_t until = !acked && resend ? resend : dl;
		struct pollfd p = { .fd = ch->fd, .events = POLLIN };
		/* Short slices, so a cancelled run is noticed soon. */
		if (poll(&p, 1, (int)(until - now < 100 ? until - now : 100)) <= 0)
			continue;
		ssize_t got = recv(ch->fd, ch->rx, COAP_MSG_MAX, MSG_TRUNC);
		if (got < 0 && errno == ECONNREFUSED)
			break;
		if (got <= 0)
			continue;
		size_t k = (size_t)got < COAP_MSG_MAX ? (size_t)got : COAP_MSG_MAX;
		ev_transcript(a->ctx->ev, "<", ch->rx, k);
		coap_msg_t m;
		switch (coap_parse(ch->rx, k, &m) < 0 ? DG_OTHER : classify(ch, &m, mid, tok)) {
		case DG_OTHER:
			junk++;
			break;
		case DG_EMPTY_ACK:
			if (!acked)	/* the server is on it: give it separate-wait */
				dl = deadline_min(mono_ms() + sep, a->ctx->deadline_ms);
			acked = true;
			break;
		case DG_RESET:
			rep->reset = true;
			return 0;
		case DG_ANSWER:
			rep->m = m;
			ch->ans = ch->rx;
			ch->ans_len = k;
			ch->cut = (size_t)got > k;
			return 0;
		}
	}
	snprintf(why, wlen, "ICMP port unreachable: nothing listens there any more");
	return -1;
}

/* Takes one whole frame off the TCP stream buffer: 1, 0 (need more), -1. */
static int
tcp_take(chan_t *ch, char *why, size_t wlen)
{
	size_t used, ml;
	int rc = coap_tcp_to_udp(ch->rx, ch->rx_len, ch->msg, COAP_MSG_MAX, &used, &ml);
	if (rc < 0) {
		snprintf(why, wlen, "a CoAP-over-TCP frame that is malformed or over %u bytes",
		    COAP_TCP_FRAME_MAX);
		return -1;
	}
	if (rc == 0)
		return 0;
	ch->msg_len = ml;
	memmove(ch->rx, ch->rx + used, ch->rx_len - used);
	ch->rx_len -= used;
	return 1;
}

static int
tcp_exchange(chan_t *ch, const uint8_t *req, size_t n, const uint8_t tok[4], reply_t *rep,
    char *why, size_t wlen)
{
	anon_t *a = ch->a;
	uint64_t dl = anon_deadline(a);
	uint8_t *frame = xcalloc(n + 8, 1);
	size_t fl = coap_tcp_from_udp(req, n, frame, n + 8);
	net_status_t st = fl ? conn_write(&ch->c, frame, fl, dl) : NET_ERROR;
	free(frame);
	while (st == NET_OK) {
		int rc = tcp_take(ch, why, wlen);
		if (rc < 0)
			break;
		if (rc == 0 && ch->rx_len == COAP_MSG_MAX) {
			snprintf(why, wlen, "a CoAP-over-TCP frame larger than the buffer");
			break;	/* cannot happen while frames are capped below it */
		}
		if (rc == 0) {
			size_t got;
			st = conn_read(&ch->c, ch->rx + ch->rx_len, COAP_MSG_MAX - ch->rx_len, &got, dl);
			ch->rx_len += got;
			continue;
		}
		uint8_t code = ch->msg[1];
		if (code == 0 || code >> 5 == 7) {
			if (code == COAP_CODE(7, 5)) {
				snprintf(why, wlen, "the server aborted the session (7.05 Abort)");
				break;
			}
			continue;	/* CSM, Ping, Pong: signalling, not our answer */
		}
		coap_msg_t m;
		if (coap_parse(ch->msg, ch->msg_len, &m) < 0) {
			snprintf(why, wlen, "a malformed CoAP message");
			break;
		}
		if (is_response(m.code) && our_token(&m, tok)) {
			memset(rep, 0, sizeof(*rep));
			rep->m = m;
			ch->ans = ch->msg;
			ch->ans_len = ch->msg_len;
			return 0;
		}
	}
	if (st == NET_TIMEOUT) {
		/* Still in step: a late answer is a whole frame, skipped by its token. */
		snprintf(why, wlen, "no answer within %u ms", a->read_ms);
		return -1;
	}
	if (st != NET_OK)
		snprintf(why, wlen, "%s", net_status_str(st));
	ch->dead = true;	/* closed, or a stream out of step: nothing more to read */
	return -1;
}

/* Sends one request (GET, or PUT with payload) and waits for its answer. */
static int
exchange(chan_t *ch, uint8_t code, const char *path, int cf, const uint8_t *payload,
    size_t plen, reply_t *rep, char *why, size_t wlen)
{
	uint8_t tok[4];
	anon_random(tok, sizeof(tok));
	uint16_t mid = ch->msgid++;
	size_t cap = plen + 512;
	uint8_t *req = xcalloc(cap, 1);
	size_t n = code == COAP_GET ? coap_get_build(req, cap, mid, tok, sizeof(tok), path)
	    : coap_put_build(req, cap, mid, tok, sizeof(tok), path, cf, payload, plen);
	int rc = -1;
	ch->cut = false;
	if (n == 0)
		snprintf(why, wlen, "the request does not fit a CoAP message");
	else if (ch->dead)
		snprintf(why, wlen, "the TCP session ended earlier");
	else
		rc = ch->tcp ? tcp_exchange(ch, req, n, tok, rep, why, wlen)
		    : udp_exchange(ch, req, n, mid, tok, rep, why, wlen);
	free(req);
	if (rc == 0 && !rep->reset) {
		coap_block_t b;
		int blk = coap_block2(ch->ans, ch->ans_len, &b);
		/* More blocks to come, or a Block2 we cannot read: not the whole value. */
		rep->partial = ch->cut || blk < 0 || (blk == 1 && b.more);
	}
	return rc;
}

/* ---- the walk ---- */

typedef struct dir {
	strlist_t paths;	/* resources to request, in directory order */
	strlist_t odd;		/* this server's, but not requestable by path */
	size_t elsewhere;	/* links to other servers */
} dir_t;

static void
on_link(void *arg, const char *target)
{
	dir_t *d = arg;
	if (linkfmt_local_path(target)) {
		if (!strlist_has(&d->paths, target))
			strlist_push(&d->paths, target);
	} else if (strstr(target, "://") || strncmp(target, "//", 2) == 0) {
		d->elsewhere++;
	} else if (strncmp(target, "/.well-known", 12) != 0 && !strlist_has(&d->odd, target)) {
		strlist_push(&d->odd, target);	/* a query, an escape, a relative path */
	}
}

/* With try-write: PUTs the value just read back; 1 written, 0 refused, -1 unknown. */
static int
write_back(chan_t *ch, const char *path, const reply_t *got, char *status, size_t slen)
{
	anon_t *a = ch->a;
	if (got->partial || got->m.payload_len == 0) {
		anon_answer(a, path, "-", got->partial ? "not written back: read in blocks"
		    : "not written back: empty representation");
		return -1;
	}
	/* The payload points into the channel's buffer, which the PUT reuses. */
	uint8_t *val = xcalloc(got->m.payload_len, 1);
	memcpy(val, got->m.payload, got->m.payload_len);
	reply_t r;
	char why[200], code[8];
	int rc = exchange(ch, COAP_PUT, path, got->m.content_format, val, got->m.payload_len,
	    &r, why, sizeof(why));
	free(val);
	if (rc < 0) {
		anon_unexamined(a, "PUT %s: %s", path, why);
		return -1;
	}
	if (r.reset) {
		anon_answer(a, path, "RST", "write refused");
		return 0;
	}
	coap_code_str(r.m.code, code);
	snprintf(status, slen, "%s", code);
	bool ok = r.m.code == COAP_CHANGED || r.m.code == COAP_CREATED;
	anon_answer(a, path, code, ok ? "written without authentication" : "write refused");
	if (r.m.code == COAP_CODE(4, 1) || r.m.code == COAP_CODE(4, 3))
		anon_protected(a, path);
	return ok;
}

static void
examine(chan_t *ch, const char *path, bool try_write, int *silent)
{
	anon_t *a = ch->a;
	reply_t r;
	char why[200], code[8];
	if (exchange(ch, COAP_GET, path, -1, NULL, 0, &r, why, sizeof(why)) < 0) {
		anon_unexamined(a, "GET %s: %s", path, why);
		(*silent)++;
		return;
	}
	*silent = 0;
	a->checked++;
	if (r.reset) {
		anon_answer(a, path, "RST", "reset");
		return;
	}
	coap_code_str(r.m.code, code);
	bool open = r.m.code == COAP_CONTENT;
	bool prot = r.m.code == COAP_CODE(4, 1) || r.m.code == COAP_CODE(4, 3);
	anon_answer(a, path, code, open ? "open" : prot ? "protected" : "not readable");
	if (prot)
		anon_protected(a, path);
	if (!open)
		return;
	char ct[32];
	const char *name = cf_name(r.m.content_format);
	if (name == NULL && r.m.content_format >= 0)
		snprintf(ct, sizeof(ct), "content-format %d", r.m.content_format);
	anon_hit_t h = { .attr = "resource", .target = path, .method = "GET", .status = code,
	    .ctype = name ? name : r.m.content_format >= 0 ? ct : NULL,
	    .bytes = r.m.payload_len, .writable = -1 };
	char wstatus[8] = "";
	if (try_write)
		h.writable = write_back(ch, path, &r, wstatus, sizeof(wstatus));
	h.write_status = wstatus;
	anon_open(a, &h);
}

static int
chan_open(chan_t *ch, char *why, size_t wlen)
{
	anon_t *a = ch->a;
	const service_t *s = a->ctx->svc;
	ch->rx = xcalloc(COAP_MSG_MAX, 1);
	ch->msg = xcalloc(COAP_MSG_MAX, 1);
	uint8_t r[2];
	anon_random(r, sizeof(r));
	ch->msgid = (uint16_t)(r[0] << 8 | r[1]);
	ch->fd = -1;
	ch->c.fd = -1;
	if (!ch->tcp) {
		ch->fd = udp_sock_connected(s->addr, s->port, a->ctx->ev);
		if (ch->fd < 0)
			snprintf(why, wlen, "no UDP socket: %s", strerror(errno));
		return ch->fd < 0 ? -1 : 0;
	}
	net_status_t st = conn_tcp(&ch->c, s->addr, s->port, anon_deadline(a), a->ctx->cancel,
	    a->ctx->ev);
	if (st == NET_OK) {
		uint8_t csm[8];	/* RFC 8323: each side's first message is its CSM */
		st = conn_write(&ch->c, csm, coap_tcp_csm_build(csm, sizeof(csm)), anon_deadline(a));
	}
	if (st != NET_OK)
		snprintf(why, wlen, "TCP: %s", net_status_str(st));
	return st == NET_OK ? 0 : -1;
}

static void
chan_close(chan_t *ch)
{
	if (ch->fd >= 0)
		close(ch->fd);
	if (ch->c.fd >= 0)
		conn_close(&ch->c);
	free(ch->rx);
	free(ch->msg);
}

/* Reads the directory into d; PROBE_OK to go on, else the probe's verdict. */
static probe_status_t
directory(chan_t *ch, dir_t *d, bool *stop)
{
	anon_t *a = ch->a;
	const service_t *s = a->ctx->svc;
	static const char wkc[] = "/.well-known/core";
	reply_t r;
	char why[200], code[8];
	*stop = true;
	if (exchange(ch, COAP_GET, wkc, -1, NULL, 0, &r, why, sizeof(why)) < 0)
		return probe_fail(a->ctx, PROBE_INCONCLUSIVE, "no CoAP answer to GET %s from %s/%d: "
		    "%s", wkc, s->transport, s->port, why);
	if (r.reset)
		return probe_fail(a->ctx, PROBE_INCONCLUSIVE, "%s/%d reset GET %s: its resources "
		    "are not listed, so none could be examined", s->transport, s->port, wkc);
	coap_code_str(r.m.code, code);
	if (r.m.code == COAP_CODE(4, 1) || r.m.code == COAP_CODE(4, 3)) {
		anon_answer(a, wkc, code, "protected");
		anon_protected(a, wkc);
		return PROBE_OK;	/* even the directory wants authentication */
	}
	if (r.m.code != COAP_CONTENT)
		return probe_fail(a->ctx, PROBE_INCONCLUSIVE, "GET %s on %s/%d answered %s: the "
		    "resources are not listed, so none could be examined", wkc, s->transport,
		    s->port, code);
	anon_answer(a, wkc, code, "directory");
	size_t n = r.m.payload_len;
	if (r.partial) {
		/* Only the first block: its last link may be cut, so it is dropped. */
		while (n > 0 && r.m.payload[n - 1] != ',')
			n--;
		anon_unexamined(a, "%s continues in further blocks: only the links of its "
		    "first %zu bytes were read", wkc, r.m.payload_len);
	}
	if (linkfmt_walk(r.m.payload, n, on_link, d) < 0)
		return probe_fail(a->ctx, PROBE_INCONCLUSIVE, "the answer to GET %s on %s/%d is "
		    "not CoRE Link Format: the resources cannot be told", wkc, s->transport, s->port);
	*stop = false;
	return PROBE_OK;
}

probe_status_t
anonymous_coap(anon_t *a)
{
	chan_t ch = { .a = a, .tcp = strcmp(a->ctx->svc->transport, "tcp") == 0 };
	dir_t d = { 0 };
	char why[200];
	probe_status_t st = PROBE_OK;
	bool stop = true;
	if (chan_open(&ch, why, sizeof(why)) < 0)
		st = probe_fail(a->ctx, PROBE_INCONCLUSIVE, "cannot reach %s/%d: %s",
		    a->ctx->svc->transport, a->ctx->svc->port, why);
	else
		st = directory(&ch, &d, &stop);
	if (!stop) {
		bool try_write = step_bool(a->ctx, "try-write");
		size_t todo = d.paths.n < ANON_COAP_MAX ? d.paths.n : ANON_COAP_MAX, done = 0;
		int silent = 0;
		while (done < todo && !anon_stop(a) && silent < COAP_GIVE_UP && !ch.dead)
			examine(&ch, d.paths.v[done++], try_write, &silent);
		if (done < todo && !a->out_of_time)
			anon_unexamined(a, "%zu more resources not requested: the service stopped "
			    "answering", todo - done);
		if (d.paths.n > todo)
			anon_unexamined(a, "%zu resources listed beyond the first %d not requested",
			    d.paths.n - todo, ANON_COAP_MAX);
		for (size_t i = 0; i < d.odd.n; i++)
			anon_unexamined(a, "<%s> not requested: a query, percent-escape or relative "
			    "reference", d.odd.v[i]);
		if (d.elsewhere)
			anon_answer(a, "/.well-known/core", "-", "links to other servers left out");
	}
	strlist_free(&d.paths);
	strlist_free(&d.odd);
	chan_close(&ch);
	return st;
}
