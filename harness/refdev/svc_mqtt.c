/*
 * A small MQTT 3.1.1 / 5 broker on 1883 (cleartext) and 8883 (TLS): enough for
 * a scanner to log in, subscribe, read $SYS/broker/version, publish and ping.
 * Weak mode lets anyone in; hardened mode wants the configured user and
 * password.  It keeps no subscriptions and routes no messages: the only
 * message it ever publishes is its own version.  Packets are capped at 64 KiB
 * and decoded by mqtt_codec.c; anything malformed closes the connection, as
 * the specification asks.
 */
#include "refdev.h"
#include "refdev/mqtt_codec.h"

#include "core/util.h"

#include <stdlib.h>
#include <string.h>

#define KEEPALIVE_CAP_MS 600000
#define SYS_VERSION_TOPIC "$SYS/broker/version"
#define SYS_VERSION "refdev-mqtt 1.0"

enum {
	P_CONNECT = 1, P_CONNACK, P_PUBLISH, P_PUBACK, P_PUBREC, P_PUBREL, P_PUBCOMP,
	P_SUBSCRIBE, P_SUBACK, P_UNSUBSCRIBE, P_UNSUBACK, P_PINGREQ, P_PINGRESP,
	P_DISCONNECT, P_AUTH
};

typedef struct session {
	conn_t *c;
	int level;               /* 3, 4 or 5 */
	unsigned char *body;     /* MQTT_PACKET_MAX bytes */
} session_t;

static int
send_packet(session_t *s, unsigned b1, const unsigned char *body, size_t n)
{
	unsigned char hdr[5];
	size_t h = 0;
	hdr[h++] = (unsigned char)b1;
	size_t x = n;
	do {
		unsigned char b = x & 0x7f;
		x >>= 7;
		hdr[h++] = (unsigned char)(b | (x ? 0x80 : 0));
	} while (x && h < sizeof(hdr));
	buf_t out;
	buf_init(&out, sizeof(hdr) + MQTT_PACKET_MAX + 64);
	buf_append(&out, hdr, h);
	buf_append(&out, body, n);
	int r = conn_write(s->c, out.data, out.len);
	buf_free(&out);
	return r;
}

/* Reads one packet: 0 with type/flags/len set, -1 on EOF, error or bad size. */
static int
read_packet(session_t *s, unsigned *type, unsigned *flags, size_t *len)
{
	unsigned char b1, b;
	if (conn_read_exact(s->c, &b1, 1) < 0)
		return -1;
	size_t n = 0;
	for (int i = 0;; i++) {
		if (i == 4 || conn_read_exact(s->c, &b, 1) < 0)
			return -1;
		n |= (size_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			break;
	}
	if (n > MQTT_PACKET_MAX)
		return -1;
	if (conn_read_exact(s->c, s->body, n) < 0)
		return -1;
	*type = b1 >> 4;
	*flags = b1 & 0x0f;
	*len = n;
	return 0;
}

static int
send_ack(session_t *s, unsigned b1, unsigned id)
{
	unsigned char body[2] = { (unsigned char)(id >> 8), (unsigned char)id };
	return send_packet(s, b1, body, sizeof(body));
}

static int
send_connack(session_t *s, unsigned code)
{
	unsigned char body[3] = { 0, (unsigned char)code, 0 };
	return send_packet(s, 0x20, body, s->level == 5 ? 3 : 2);
}

/* The CONNACK code for these credentials (0: accepted). */
static unsigned
auth_code(const session_t *s, const mq_connect_t *ci)
{
	const refdev_cfg_t *cfg = &s->c->rd->cfg;
	bool v5 = s->level == 5;
	if (cfg->mode == MODE_WEAK)
		return 0;
	if (!ci->has_user)
		return v5 ? 0x87 : 0x05;
	/* Under the lockout even the right password is refused, with the same
	 * code as a wrong one: a silent lockout, as many brokers do it. */
	if (refdev_lockout_left(s->c->rd) > 0)
		return v5 ? 0x86 : 0x04;
	bool ok = ci->has_pass && mq_span_secret_eq(&ci->user, cfg->mqtt_user) &&
	    mq_span_secret_eq(&ci->pass, cfg->mqtt_password);
	refdev_login_result(s->c->rd, ok);
	return ok ? 0 : v5 ? 0x86 : 0x04;
}

static int
publish_version(session_t *s)
{
	unsigned char body[64];
	size_t n = 0, tl = strlen(SYS_VERSION_TOPIC);
	body[n++] = (unsigned char)(tl >> 8);
	body[n++] = (unsigned char)tl;
	memcpy(body + n, SYS_VERSION_TOPIC, tl);
	n += tl;
	if (s->level == 5)
		body[n++] = 0; /* no properties */
	memcpy(body + n, SYS_VERSION, strlen(SYS_VERSION));
	n += strlen(SYS_VERSION);
	return send_packet(s, 0x31, body, n); /* QoS 0, retained like real $SYS */
}

static int
on_subscribe(session_t *s, unsigned flags, size_t len, bool unsubscribe)
{
	mq_cur_t k = { s->body, len, 0 };
	unsigned id;
	if (flags != 2 || mq_u16(&k, &id) < 0 || id == 0 || mq_skip_props(&k, s->level) < 0)
		return -1;
	buf_t ack;
	buf_init(&ack, MQTT_PACKET_MAX);
	unsigned char hdr[3] = { (unsigned char)(id >> 8), (unsigned char)id, 0 };
	buf_append(&ack, hdr, s->level == 5 ? 3 : 2);
	bool version = false;
	int rc = -1;
	size_t count = 0;
	while (mq_left(&k) > 0) {
		mq_span_t f;
		unsigned opts = 0;
		if (mq_str(&k, &f) < 0)
			goto out;
		if (!unsubscribe && (mq_u8(&k, &opts) < 0 || (opts & 3) == 3 ||
		                        (opts & (s->level == 5 ? 0xc0 : 0xfc))))
			goto out;
		count++;
		unsigned char code = 0x00;
		if (!mq_filter_valid(&f))
			code = s->level == 5 ? 0x8f : 0x80;
		else if (!unsubscribe && mq_filter_matches(&f, SYS_VERSION_TOPIC))
			version = true;
		if (!unsubscribe || s->level == 5)
			buf_append(&ack, &code, 1);
	}
	if (count == 0)
		goto out;
	conn_log(s->c, "%s %zu filter(s)", unsubscribe ? "unsubscribe" : "subscribe", count);
	rc = send_packet(s, unsubscribe ? 0xb0 : 0x90, (unsigned char *)ack.data, ack.len);
	if (rc == 0 && version)
		rc = publish_version(s);
out:
	buf_free(&ack);
	return rc;
}

static int
on_publish(session_t *s, unsigned flags, size_t len)
{
	mq_cur_t k = { s->body, len, 0 };
	unsigned qos = (flags >> 1) & 3, id = 0;
	mq_span_t topic;
	if (qos == 3 || mq_str(&k, &topic) < 0 || topic.n == 0 ||
	    memchr(topic.p, '+', topic.n) || memchr(topic.p, '#', topic.n))
		return -1;
	if (qos && (mq_u16(&k, &id) < 0 || id == 0))
		return -1;
	if (mq_skip_props(&k, s->level) < 0)
		return -1;
	/* The payload is whatever is left; nobody is subscribed to receive it. */
	if (qos == 1)
		return send_ack(s, 0x40, id);
	if (qos == 2)
		return send_ack(s, 0x50, id);
	return 0;
}

static int
on_pubrel(session_t *s, unsigned flags, size_t len)
{
	mq_cur_t k = { s->body, len, 0 };
	unsigned id;
	if (flags != 2 || mq_u16(&k, &id) < 0)
		return -1;
	return send_ack(s, 0x70, id);
}

/* Serves packets after a successful CONNECT until DISCONNECT or an error. */
static void
serve_session(session_t *s)
{
	for (;;) {
		unsigned type, flags;
		size_t len;
		if (read_packet(s, &type, &flags, &len) < 0)
			return;
		int r;
		switch (type) {
		case P_PUBLISH:
			r = on_publish(s, flags, len);
			break;
		case P_PUBACK:
		case P_PUBREC:
		case P_PUBCOMP:
			r = flags == 0 && len >= 2 ? 0 : -1; /* we never send QoS>0 */
			break;
		case P_PUBREL:
			r = on_pubrel(s, flags, len);
			break;
		case P_SUBSCRIBE:
			r = on_subscribe(s, flags, len, false);
			break;
		case P_UNSUBSCRIBE:
			r = on_subscribe(s, flags, len, true);
			break;
		case P_PINGREQ:
			r = flags == 0 && len == 0 ? send_packet(s, 0xd0, NULL, 0) : -1;
			break;
		case P_DISCONNECT:
			conn_log(s->c, "disconnect");
			return;
		default:
			r = -1; /* a second CONNECT, AUTH, or a server-only packet */
			break;
		}
		if (r < 0) {
			conn_log(s->c, "protocol error on packet type %u, closing", type);
			return;
		}
	}
}

void
svc_mqtt_run(conn_t *c)
{
	session_t s = { .c = c, .level = 4, .body = xcalloc(MQTT_PACKET_MAX, 1) };
	unsigned type, flags;
	size_t len;
	mq_connect_t ci = { 0 };
	if (read_packet(&s, &type, &flags, &len) < 0)
		goto out;
	if (type != P_CONNECT || flags != 0) {
		conn_log(c, "first packet is not CONNECT, closing");
		goto out;
	}
	int p = mq_parse_connect(s.body, len, &ci);
	if (p == 0)
		s.level = ci.level;
	if (p < 0) {
		conn_log(c, "malformed CONNECT, closing");
		goto out;
	}
	if (p > 0) {
		s.level = 4;
		send_connack(&s, 0x01); /* unacceptable protocol version */
		goto out;
	}
	if (c->flags & CF_MQTT_BAD_LENGTH) {
		/*
		 * A five-byte Remaining Length (MQTT allows four) which, read
		 * leniently, claims 268435456 bytes; then the two bytes of a real
		 * CONNACK body and nothing more, however long the client waits.
		 */
		static const unsigned char bad[] = { 0x20, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00, 0x00 };
		conn_log(c, "sending CONNACK with a bad remaining length");
		if (conn_write(c, bad, sizeof(bad)) == 0)
			conn_drain(c, c->idle_ms);
		goto out;
	}
	if (c->flags & CF_BAD_CONNACK) {
		static const unsigned char bad[] = { 0x20, 0x7f, 0x00 };
		conn_log(c, "sending malformed CONNACK");
		if (conn_write(c, bad, sizeof(bad)) == 0)
			conn_drain(c, c->idle_ms);
		goto out;
	}
	unsigned code = auth_code(&s, &ci);
	conn_log(c, "CONNECT MQTT %s client '%.*s' user %s -> %s",
	    s.level == 5 ? "5" : s.level == 4 ? "3.1.1" : "3.1",
	    (int)(ci.client_id.n > 64 ? 64 : ci.client_id.n), (const char *)ci.client_id.p,
	    ci.has_user ? "given" : "none", code ? "refused" : "accepted");
	if (send_connack(&s, code) < 0 || code != 0)
		goto out;
	if (conn_greeted(c))
		goto out;
	/* Allow one and a half keep-alive periods of silence, as MQTT says. */
	uint64_t idle = (uint64_t)ci.keepalive * 1500u;
	if (idle < (uint64_t)c->idle_ms)
		idle = (uint64_t)c->idle_ms;
	conn_set_idle(c, idle > KEEPALIVE_CAP_MS ? KEEPALIVE_CAP_MS : (int)idle);
	serve_session(&s);
out:
	free(s.body);
}
