/*
 * MQTT(S) disclosures: a broker that accepts an anonymous CONNECT is asked
 * for $SYS/# (never '#': other clients' messages are not ours to read), and
 * what it publishes in a short window is recorded - broker version and build
 * above all.  Packets are framed by a bounded reader: at most MSG_CAP bytes
 * of a packet are kept, longer ones are skipped without being buffered.
 */
#include "probes/disclosure.h"

#include "core/util.h"
#include "net/sock.h"
#include "net/tls.h"
#include "proto/cursor.h"
#include "proto/ident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MESSAGES 64
#define MSG_CAP 4096		/* bytes of one packet kept (topic + payload) */
#define TOPIC_MAX 256
#define SYS_FILTER "$SYS/#"

typedef struct mq {
	conn_t c;
	tls_conn_t tc;
	bool tls;
	uint8_t in[8192];	/* unparsed bytes */
	size_t len;
	uint64_t skip;		/* bytes of an oversized packet still to drop */
} mq_t;

static net_status_t
mq_read(mq_t *m, uint64_t dl)
{
	size_t got;
	net_status_t st = m->tls ? tls_read(&m->tc, m->in + m->len, sizeof(m->in) - m->len, &got, dl)
	                         : conn_read(&m->c, m->in + m->len, sizeof(m->in) - m->len, &got, dl);
	if (st == NET_OK)
		m->len += got;
	return st;
}

static net_status_t
mq_write(mq_t *m, const void *p, size_t n, uint64_t dl)
{
	return m->tls ? tls_write(&m->tc, p, n, dl) : conn_write(&m->c, p, n, dl);
}

static void
consume(mq_t *m, size_t n)
{
	memmove(m->in, m->in + n, m->len - n);
	m->len -= n;
}

/*
 * The next packet: 1 with *type and body (at most MSG_CAP bytes, *trunc when
 * longer), 0 when more bytes are needed, -1 on a malformed length.
 */
static int
next_packet(mq_t *m, uint8_t *type, uint8_t *flags, uint8_t *body, size_t *blen, bool *trunc)
{
	if (m->skip) {
		size_t n = m->len < m->skip ? m->len : (size_t)m->skip;
		consume(m, n);
		m->skip -= n;
		if (m->skip)
			return 0;
	}
	cursor_t c;
	cur_init(&c, m->in, m->len);
	uint8_t b1, b;
	if (cur_u8(&c, &b1) < 0)
		return 0;
	uint32_t rem = 0;
	for (int i = 0;; i++) {
		if (i == 4)
			return -1;
		if (cur_u8(&c, &b) < 0)
			return 0;
		rem |= (uint32_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			break;
	}
	size_t hdr = c.off;
	*type = b1 >> 4;
	*flags = b1 & 0x0f;
	*trunc = rem > MSG_CAP;
	size_t keep = *trunc ? MSG_CAP : rem;
	if (m->len - hdr < keep)
		return 0;	/* MSG_CAP + 5 fits in m->in, so this always completes */
	memcpy(body, m->in + hdr, keep);
	*blen = keep;
	size_t have = m->len - hdr;
	if (have >= rem) {
		consume(m, hdr + rem);
	} else {
		m->skip = rem - have;
		m->len = 0;
	}
	return 1;
}

/* Reads until one whole packet is available or the deadline. */
static int
read_packet(mq_t *m, uint64_t dl, uint8_t *type, uint8_t *flags, uint8_t *body,
    size_t *blen, bool *trunc, net_status_t *st)
{
	for (;;) {
		int r = next_packet(m, type, flags, body, blen, trunc);
		if (r != 0)
			return r;
		if (m->len == sizeof(m->in))
			return -1;
		*st = mq_read(m, dl);
		if (*st != NET_OK)
			return 0;
	}
}

static const char *
topic_field(const char *topic)
{
	if (strstr(topic, "version"))
		return "broker-version";
	/* Mosquitto's build timestamp identifies the release as well as a version. */
	if (strcmp(topic, "$SYS/broker/timestamp") == 0 || strstr(topic, "/build"))
		return "broker-version";
	return "broker-info";
}

static void
on_publish(disc_t *d, const service_t *s, uint8_t flags, const uint8_t *body, size_t n)
{
	cursor_t c;
	cur_init(&c, body, n);
	uint16_t tl, id;
	const uint8_t *tp;
	if (cur_be16(&c, &tl) < 0 || cur_bytes(&c, tl, &tp) < 0)
		return;
	if (((flags >> 1) & 3) && cur_be16(&c, &id) < 0)
		return;
	char topic[TOPIC_MAX];
	snprintf(topic, sizeof(topic), "%.*s", (int)(tl < TOPIC_MAX - 1 ? tl : TOPIC_MAX - 1),
	    (const char *)tp);
	const uint8_t *pl;
	size_t pn = cur_left(&c);
	cur_bytes(&c, pn, &pl);
	char *val = xstrndup((const char *)pl, pn);
	char src[TOPIC_MAX + 16];
	snprintf(src, sizeof(src), "%s %s", disc_proto(s), topic);
	disc_add(d, s, &(disc_item_t){ .field = topic_field(topic), .value = val,
	    .source = src, .sr = -1 });
	free(val);
}

/* The SUBSCRIBE for $SYS/# at QoS 0, packet id 1. */
static size_t
subscribe_build(uint8_t *out)
{
	size_t fl = strlen(SYS_FILTER), o = 0;
	out[o++] = 0x82;
	out[o++] = (uint8_t)(2 + 2 + fl + 1);
	out[o++] = 0;
	out[o++] = 1;
	out[o++] = 0;
	out[o++] = (uint8_t)fl;
	memcpy(out + o, SYS_FILTER, fl);
	o += fl;
	out[o++] = 0;
	return o;
}

static void
session(disc_t *d, const service_t *s, mq_t *m)
{
	uint8_t pkt[128];
	size_t n = mqtt_connect_build(pkt, sizeof(pkt), "iotcert-disclosure", NULL, NULL);
	uint64_t dl = disc_deadline(d);
	net_status_t st = mq_write(m, pkt, n, dl);
	if (st != NET_OK) {
		disc_unexamined(d, s, "sending CONNECT: %s", net_status_str(st));
		return;
	}
	uint8_t *body = xcalloc(MSG_CAP, 1);
	uint8_t type = 0, flags = 0;
	size_t blen = 0;
	bool trunc = false;
	st = NET_OK;
	int r = read_packet(m, dl, &type, &flags, body, &blen, &trunc, &st);
	if (r <= 0 || type != 2 || blen < 2) {
		disc_unexamined(d, s, "no valid CONNACK to an anonymous CONNECT (%s)",
		    r < 0 ? "malformed packet" : r == 0 ? net_status_str(st) : "another packet");
		goto out;
	}
	if (body[1] != 0)
		goto out;	/* anonymous clients refused: nothing more is shown */
	n = subscribe_build(pkt);
	if (mq_write(m, pkt, n, dl) != NET_OK)
		goto out;
	/* The window is for messages to arrive, not for each read. */
	uint64_t until = deadline_min(mono_ms() + d->mqtt_ms, d->ctx->deadline_ms);
	for (int msgs = 0; msgs < MAX_MESSAGES;) {
		r = read_packet(m, until, &type, &flags, body, &blen, &trunc, &st);
		if (r <= 0)
			break;
		if (type == 3) {
			on_publish(d, s, flags, body, blen);
			msgs++;
		}
	}
	static const uint8_t disconnect[] = { 0xe0, 0x00 };
	mq_write(m, disconnect, sizeof(disconnect), disc_deadline(d));
out:
	free(body);
}

void
disclosure_mqtt(disc_t *d, const service_t *s)
{
	char err[200];
	mq_t *m = xcalloc(1, sizeof(*m));
	m->tls = s->tls;
	d->sources++;
	tls_ctx_t *tls = s->tls ? disc_tls(d, err, sizeof(err)) : NULL;
	if (s->tls && tls == NULL) {
		disc_unexamined(d, s, "no TLS context: %s", err);
		free(m);
		return;
	}
	uint64_t dl = disc_deadline(d);
	net_status_t st = conn_tcp(&m->c, s->addr, s->port, dl, d->ctx->cancel, d->ctx->ev);
	if (st != NET_OK) {
		disc_unexamined(d, s, "connect: %s", net_status_str(st));
		free(m);
		return;
	}
	if (s->tls) {
		st = tls_connect(tls, &m->tc, &m->c, NULL, dl, err, sizeof(err));
		if (st != NET_OK)
			disc_unexamined(d, s, "TLS handshake: %s", err);
	}
	if (st == NET_OK)
		session(d, s, m);
	if (s->tls)
		tls_close(&m->tc);
	conn_close(&m->c);
	free(m);
}
