/*
 * MQTT logins: CONNECT 3.1.1 with the pair (none for anonymous), judged by
 * the CONNACK alone.  A broker that only speaks 5 says "unacceptable
 * protocol version" (3.1.1 code 1, or a v5 CONNACK 0x84), and then the same
 * pair is tried once with a version 5 CONNECT.  An accepted session is ended
 * with DISCONNECT so the broker does not publish a will or keep state.
 */
#include "auth/logins.h"

#include "auth/mqtt_packet.h"
#include "auth/outcome.h"
#include "auth/stream.h"
#include "core/util.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACK_BUF (MQTT_CONNACK_MAX + 8)

typedef struct attempt {
	mqtt_connack_t ack;
	uint8_t raw[ACK_BUF];	/* what came back, for a second reading */
	size_t raw_len;
	char why[160];
	net_status_t st;
	unsigned delay_ms;
} attempt_t;

/* 0 CONNACK parsed; -1 malformed (why); -2 network (st, why); -3 harness. */
static int
connect_once(const auth_target_t *t, int level, const char *user, const char *pass,
    uint64_t deadline, attempt_t *a)
{
	/* At most 23 letters and digits: what every broker MUST accept (3.1.1
	 * section 3.1.3.1). */
	char id[24] = "iotcert";
	if (auth_random_hex(id + 7, sizeof(id) - 7, 7) < 0) {
		snprintf(a->why, sizeof(a->why), "no random bytes for the client id");
		return -3;
	}
	size_t cap = 64 + strlen(id) + (user ? strlen(user) : 0) + (pass ? strlen(pass) : 0);
	uint8_t *pkt = xcalloc(cap, 1);
	size_t n = mqtt_connect_packet(pkt, cap, level, id, user, pass);
	if (n == 0) {
		free(pkt);
		snprintf(a->why, sizeof(a->why), "the user name or password is over 65535 bytes");
		return -3;
	}
	auth_stream_t s;
	a->st = auth_stream_open(&s, t, deadline, a->why, sizeof(a->why));
	if (a->st != NET_OK) {
		OPENSSL_cleanse(pkt, cap);
		free(pkt);
		return s.harness_fault ? -3 : -2;
	}
	uint64_t t0 = mono_ms();
	a->st = auth_stream_write(&s, pkt, n, deadline);
	OPENSSL_cleanse(pkt, cap);
	free(pkt);
	int rc = -2;
	a->raw_len = 0;
	while (a->st == NET_OK) {
		size_t used;
		rc = mqtt_connack_parse(a->raw, a->raw_len, level, &a->ack, &used, a->why,
		    sizeof(a->why));
		if (rc != 1)
			break;
		rc = -2;
		if (a->raw_len == sizeof(a->raw)) {
			rc = -1;
			snprintf(a->why, sizeof(a->why), "CONNACK longer than %u bytes", MQTT_CONNACK_MAX);
			break;
		}
		size_t got;
		a->st = auth_stream_read(&s, a->raw + a->raw_len, sizeof(a->raw) - a->raw_len, &got,
		    deadline);
		a->raw_len += got;
	}
	a->delay_ms = (unsigned)(mono_ms() - t0);
	if (rc == -2)
		snprintf(a->why, sizeof(a->why), "%s before a complete CONNACK (%zu bytes)",
		    net_status_str(a->st), a->raw_len);
	if (rc == 0 && a->ack.code == 0)
		(void)auth_stream_write(&s, mqtt_disconnect, sizeof(mqtt_disconnect), deadline);
	auth_stream_close(&s);
	return rc;
}

/* Did a 3.1.1 CONNECT get the "unacceptable protocol version" answer? */
static bool
wants_v5(int rc, const attempt_t *a)
{
	if (rc == 0)
		return a->ack.code == 1;
	if (rc != -1)
		return false;
	/* A 5-only broker may answer in its own CONNACK format (MQTT 5 3.1.2.2). */
	mqtt_connack_t ack;
	size_t used;
	char why[64];
	return mqtt_connack_parse(a->raw, a->raw_len, MQTT_V5, &ack, &used, why, sizeof(why)) == 0 &&
	    ack.code == 0x84;
}

static void
judge(auth_outcome_t *out, int level, bool anonymous, uint8_t code)
{
	bool v5 = level == MQTT_V5;
	const char *who = anonymous ? "an anonymous CONNECT" : "the CONNECT";
	if (code == 0) {
		if (anonymous)
			auth_decide(out, AUTH_NOT_REQUIRED, "CONNACK 0: the broker accepts clients "
			    "without a user name");
		else
			auth_decide(out, AUTH_ACCEPTED, "CONNACK 0 to the user name and password");
	} else if ((!v5 && (code == 4 || code == 5)) ||
	    (v5 && (code == 0x86 || code == 0x87 || code == 0x8c)))
		auth_decide(out, AUTH_REJECTED, "CONNACK %s0x%02x to %s (%s)", v5 ? "reason " : "",
		    code, who, code == 4 || code == 0x86 ? "bad user name or password" :
		    code == 0x8c ? "bad authentication method" : "not authorized");
	else if (v5 && (code == 0x8a || code == 0x97 || code == 0x9f))
		auth_decide(out, AUTH_LOCKED, "CONNACK reason 0x%02x (%s)", code,
		    code == 0x8a ? "banned" : code == 0x97 ? "quota exceeded" :
		    "connection rate exceeded");
	else
		auth_decide(out, AUTH_INCONCLUSIVE, "CONNACK %s0x%02x to %s decides nothing about "
		    "the credentials", v5 ? "reason " : "", code, who);
}

void
auth_mqtt_login(const auth_target_t *t, const char *user, const char *pass,
    uint64_t deadline, auth_outcome_t *out)
{
	auth_outcome_init(out, "mqtt-3.1.1");
	attempt_t *a = xcalloc(1, sizeof(*a));
	int level = MQTT_V311;
	int rc = connect_once(t, level, user, pass, deadline, a);
	if (wants_v5(rc, a)) {
		level = MQTT_V5;
		snprintf(out->method, sizeof(out->method), "mqtt-5");
		memset(a, 0, sizeof(*a));
		rc = connect_once(t, level, user, pass, deadline, a);
	}
	out->delay_ms = a->delay_ms;
	if (rc == 0)
		judge(out, level, user == NULL, a->ack.code);
	else if (rc == -1)
		auth_decide(out, AUTH_INCONCLUSIVE, "malformed CONNACK: %s", a->why);
	else if (rc == -2)
		auth_decide(out, AUTH_INCONCLUSIVE, "%s", a->why);
	else
		auth_decide(out, AUTH_ERROR, "%s", a->why);
	free(a);
}
