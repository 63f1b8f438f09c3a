/*
 * The device's CoAP server (RFC 7252 over UDP), off unless --port coap=PORT:
 * a resource directory at /.well-known/core in CoRE Link Format, a
 * temperature sensor and a configuration resource.  Weak mode lets anyone
 * read both and PUT a new configuration (the 5.5-4 / 5.5-5 failures the
 * harness's anonymous-resources probe looks for); hardened mode lists them
 * but answers 4.01 Unauthorized to everything else, as a device with no way
 * to authenticate a plain CoAP client must.  A confirmable request gets a
 * piggybacked ACK, a non-confirmable one a NON response; a CON that is not
 * a message at all is reset, and everything else unusable is ignored.
 *
 * coap-malformed and coap-bad-length replace the answer to every request
 * with datagrams a strict parser must reject, still carrying the request's
 * message id and token so the client takes them for its answer.
 */
#include "refdev.h"
#include "refdev/coap_codec.h"

#include <stdio.h>
#include <string.h>

#define REPLY_MAX 1024
#define WELL_KNOWN_CORE "</sensors/temp>;rt=\"temperature\";if=\"sensor\";ct=0," \
	"</config>;rt=\"config\";if=\"core.p\";ct=50"
#define TEMPERATURE "21.5"
#define DEFAULT_CONFIG "{\"interval\":60,\"unit\":\"C\",\"cloud\":\"cloud.refdev.invalid\"}"

static void
state_init(coap_state_t *st)
{
	if (st->ready)
		return;
	uint8_t r[2] = { 0x52, 0x44 };
	(void)tls_random(r, sizeof(r));
	st->next_mid = (uint16_t)(r[0] << 8 | r[1]);
	st->config_len = strlen(DEFAULT_CONFIG);
	memcpy(st->config, DEFAULT_CONFIG, st->config_len);
	st->config_cf = CO_CF_JSON;
	st->ready = true;
}

/* A response: piggybacked on the ACK of a CON, its own NON otherwise. */
static void
reply_header(coap_state_t *st, co_out_t *o, const co_msg_t *rq, uint8_t code)
{
	bool con = rq->type == CO_CON;
	co_out_header(o, con ? CO_ACK : CO_NON, code, con ? rq->mid : st->next_mid++, rq->token,
	    rq->tkl);
}

static void
send_out(const dgram_t *d, const co_out_t *o)
{
	size_t n = co_out_done(o);
	if (n)
		udp_reply(d, o->p, n);
}

static void
send_reset(const dgram_t *d, uint16_t mid)
{
	uint8_t r[4] = { 1u << 6 | CO_RST << 4, 0, (uint8_t)(mid >> 8), (uint8_t)mid };
	udp_reply(d, r, sizeof(r));
}

/* The reply's code, and for 2.05 its representation. */
typedef struct answer {
	uint8_t code;
	int cf;
	const void *body;
	size_t len;
} answer_t;

static answer_t
route(coap_state_t *st, bool hardened, const co_msg_t *rq)
{
	const answer_t not_allowed = { CO_CODE(4, 5), -1, NULL, 0 };
	const answer_t unauthorized = { CO_CODE(4, 1), -1, NULL, 0 };
	bool get = rq->code == CO_GET;
	if (rq->bad_option)
		return (answer_t){ CO_CODE(4, 2), -1, NULL, 0 };
	if (rq->path_bad)
		return (answer_t){ CO_CODE(4, 4), -1, NULL, 0 };
	if (strcmp(rq->path, "/.well-known/core") == 0) {
		if (!get)
			return not_allowed;
		return (answer_t){ CO_CODE(2, 5), CO_CF_LINK_FORMAT, WELL_KNOWN_CORE,
		                   strlen(WELL_KNOWN_CORE) };
	}
	if (strcmp(rq->path, "/sensors/temp") == 0) {
		if (!get)
			return not_allowed;
		if (hardened)
			return unauthorized;
		return (answer_t){ CO_CODE(2, 5), CO_CF_TEXT, TEMPERATURE, strlen(TEMPERATURE) };
	}
	if (strcmp(rq->path, "/config") == 0) {
		if (!get && rq->code != CO_PUT)
			return not_allowed;
		if (hardened)
			return unauthorized;
		if (get)
			return (answer_t){ CO_CODE(2, 5), st->config_cf, st->config,
			                   st->config_len };
		if (rq->payload_len > sizeof(st->config))
			return (answer_t){ CO_CODE(4, 13), -1, NULL, 0 };
		/* Deliberately weak: anyone may replace the configuration. */
		memcpy(st->config, rq->payload, rq->payload_len);
		st->config_len = rq->payload_len;
		st->config_cf = rq->content_format >= 0 ? rq->content_format : CO_CF_JSON;
		return (answer_t){ CO_CODE(2, 4), -1, NULL, 0 };
	}
	return (answer_t){ CO_CODE(4, 4), -1, NULL, 0 };
}

/*
 * coap-malformed: four answers, each invalid in its own way: a token length
 * of 15, an option delta nibble of 15, an option length nibble of 15, and an
 * option header cut off in the middle of its extension bytes.
 */
static void
send_malformed(const dgram_t *d, coap_state_t *st, const co_msg_t *rq)
{
	static const uint8_t pad[15] = { 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee,
		                         0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee };
	static const uint8_t delta15[] = { 0xf1, 0x00, 0xff, '2', '1', '.', '5' };
	static const uint8_t len15[] = { 0xcf, 0x00, 0x00 };
	static const uint8_t cut[] = { 0xde, 0x01 }; /* needs 3 extension bytes, has 1 */
	const struct { const uint8_t *p; size_t n; } tails[] = {
		{ delta15, sizeof(delta15) }, { len15, sizeof(len15) }, { cut, sizeof(cut) },
	};
	uint8_t buf[64];
	co_out_t o;
	co_out_init(&o, buf, sizeof(buf));
	reply_header(st, &o, rq, CO_CODE(2, 5));
	buf[0] = (uint8_t)(buf[0] | 0x0f); /* token length 15 */
	co_out_raw(&o, pad, 15 - rq->tkl);
	send_out(d, &o);
	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		co_out_init(&o, buf, sizeof(buf));
		reply_header(st, &o, rq, CO_CODE(2, 5));
		co_out_raw(&o, tails[i].p, tails[i].n);
		send_out(d, &o);
	}
	udp_log(d, "misbehave coap-malformed: 4 invalid answers");
}

/*
 * coap-bad-length: a Content-Format option whose length says 253 (one
 * extension byte) or 65804 (two) while four bytes follow.
 */
static void
send_bad_length(const dgram_t *d, coap_state_t *st, const co_msg_t *rq)
{
	static const uint8_t one[] = { 0xcd, 0xf0, '2', '1', '.', '5' };
	static const uint8_t two[] = { 0xce, 0xff, 0xff, '2', '1', '.', '5' };
	uint8_t buf[64];
	co_out_t o;
	co_out_init(&o, buf, sizeof(buf));
	reply_header(st, &o, rq, CO_CODE(2, 5));
	co_out_raw(&o, one, sizeof(one));
	send_out(d, &o);
	co_out_init(&o, buf, sizeof(buf));
	reply_header(st, &o, rq, CO_CODE(2, 5));
	co_out_raw(&o, two, sizeof(two));
	send_out(d, &o);
	udp_log(d, "misbehave coap-bad-length: option lengths past the datagram");
}

void
svc_coap_datagram(const dgram_t *d)
{
	coap_state_t *st = &d->rd->coap;
	state_init(st);
	co_msg_t rq;
	co_rc_t rc = co_parse(d->p, d->n, &rq);
	if (rc == CO_IGNORE)
		return;
	if (rc == CO_FORMAT) {
		/* A CON we cannot read is rejected (4.2); anything else dropped (4.3). */
		if (rq.type == CO_CON)
			send_reset(d, rq.mid);
		return;
	}
	if (rq.code == 0 || rq.code >> 5 != 0) {
		/* An Empty CON is a CoAP ping; a response sent to a server is rejected. */
		if (rq.type == CO_CON)
			send_reset(d, rq.mid);
		return;
	}
	if (rq.type != CO_CON && rq.type != CO_NON)
		return; /* a request cannot be an ACK or RST */
	unsigned flags = misbehave_flags(d->rd, SVC_COAP);
	if (flags & CF_COAP_MALFORMED) {
		send_malformed(d, st, &rq);
		return;
	}
	if (flags & CF_COAP_BAD_LENGTH) {
		send_bad_length(d, st, &rq);
		return;
	}
	answer_t a = route(st, d->rd->cfg.mode == MODE_HARDENED, &rq);
	if (a.code == CO_CODE(2, 5) && rq.accept >= 0 && rq.accept != a.cf)
		a = (answer_t){ CO_CODE(4, 6), -1, NULL, 0 };
	uint8_t buf[REPLY_MAX];
	co_out_t o;
	co_out_init(&o, buf, sizeof(buf));
	reply_header(st, &o, &rq, a.code);
	if (a.cf >= 0)
		co_out_uint_option(&o, CO_OPT_CONTENT_FORMAT, (unsigned)a.cf);
	co_out_payload(&o, a.body, a.len);
	send_out(d, &o);
	char path[96];
	udp_log(d, "%s %s %s -> %u.%02u", rq.type == CO_CON ? "CON" : "NON",
	    rq.code == CO_GET ? "GET" : rq.code == CO_PUT ? "PUT" : "request",
	    udp_printable(rq.path, path, sizeof(path)), a.code >> 5, a.code & 0x1f);
}
