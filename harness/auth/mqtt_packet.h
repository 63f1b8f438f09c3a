/*
 * The two MQTT packets a login needs, pure: the CONNECT we send (3.1.1 or
 * 5, any credential length the protocol allows) and the CONNACK we judge,
 * parsed strictly so a malformed answer is never read as a verdict.
 */
#ifndef IOTCERT_AUTH_MQTT_PACKET_H
#define IOTCERT_AUTH_MQTT_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MQTT_V311 4
#define MQTT_V5 5
#define MQTT_CONNACK_MAX 4096	/* a v5 CONNACK with every property fits */

/*
 * CONNECT with clean session, keep-alive 30 s, the client id, and the user
 * name and password when user is not NULL (pass NULL: user name only).
 * Returns the length, or 0 when it does not fit in cap or a string is over
 * 65535 bytes.
 */
size_t mqtt_connect_packet(uint8_t *out, size_t cap, int level, const char *client_id,
    const char *user, const char *pass);

typedef struct mqtt_connack {
	bool session_present;
	uint8_t code;		/* 3.1.1 return code or v5 reason code */
} mqtt_connack_t;

/*
 * One CONNACK at the start of p[0..n) for the protocol `level` we sent:
 * 0 (*used set), 1 need more bytes, -1 malformed (why says how).
 */
int mqtt_connack_parse(const uint8_t *p, size_t n, int level, mqtt_connack_t *ack,
    size_t *used, char *why, size_t whylen);

/* The fixed DISCONNECT (both levels: v5 reason 0 may be omitted). */
extern const uint8_t mqtt_disconnect[2];

#endif
