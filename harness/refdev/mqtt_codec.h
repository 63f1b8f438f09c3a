/*
 * MQTT 3.1 / 3.1.1 / 5 wire decoding used by the broker, kept free of I/O so
 * the unit tests can feed it hostile packets directly.  Every getter checks
 * the remaining length first and fails rather than read past the packet.
 */
#ifndef IOTCERT_REFDEV_MQTT_CODEC_H
#define IOTCERT_REFDEV_MQTT_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MQTT_PACKET_MAX 65536   /* remaining length accepted from a client */

/* A read cursor over one packet body. */
typedef struct mq_cur {
	const unsigned char *p;
	size_t len, off;
} mq_cur_t;

/* Bytes inside a packet (not NUL-terminated). */
typedef struct mq_span {
	const unsigned char *p;
	size_t n;
} mq_span_t;

size_t mq_left(const mq_cur_t *k);
int mq_u8(mq_cur_t *k, unsigned *v);           /* all: 0, or -1 when short */
int mq_u16(mq_cur_t *k, unsigned *v);
int mq_bin(mq_cur_t *k, mq_span_t *s);         /* 2-byte length + bytes */
int mq_str(mq_cur_t *k, mq_span_t *s);         /* mq_bin + valid UTF-8 */
int mq_varint(mq_cur_t *k, uint32_t *v);       /* at most 4 bytes */
int mq_skip_props(mq_cur_t *k, int level);     /* MQTT 5 only; else no-op */

bool mq_utf8_ok(const mq_span_t *s);           /* no NUL, no surrogates */
bool mq_span_is(const mq_span_t *s, const char *lit);
bool mq_span_secret_eq(const mq_span_t *s, const char *secret); /* constant time */
bool mq_filter_valid(const mq_span_t *f);
bool mq_filter_matches(const mq_span_t *f, const char *topic); /* f must be valid */

typedef struct mq_connect {
	int level;              /* 3 (MQIsdp), 4 or 5 */
	unsigned keepalive;
	bool has_user, has_pass;
	mq_span_t client_id, user, pass;
} mq_connect_t;

/* Parses a CONNECT body: 0, -1 if malformed, 1 for an unsupported MQTT level. */
int mq_parse_connect(const unsigned char *body, size_t len, mq_connect_t *ci);

#endif
