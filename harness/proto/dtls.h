/*
 * DTLS (RFC 6347) first flight, pure, no I/O.  Two users:
 *  - discovery: a fixed DTLS 1.2 ClientHello with the suites CoAP devices
 *    use (PSK and ECDHE-ECDSA with CCM_8, plus common GCM ones), and a
 *    parser for the first record a server sends back (dtls_parse);
 *  - the enumeration (net/dtls_scan.c): a ClientHello of any DTLS version
 *    and any suite list (dtls_client_hello), and a reader that takes the
 *    server's datagrams one by one (several records each, handshake
 *    messages fragmented across records and datagrams) until it has an
 *    alert, a HelloVerifyRequest or the whole ServerHello (dtls_answer_*).
 */
#ifndef IOTCERT_DTLS_H
#define IOTCERT_DTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DTLS_CT_ALERT		21
#define DTLS_CT_HANDSHAKE	22
#define DTLS_HS_SERVER_HELLO	2
#define DTLS_HS_HELLO_VERIFY	3

#define DTLS_HDR		13	/* record header: type, version, epoch, seq(6), length */
#define DTLS_HS_HDR		12	/* handshake header: type, length, message_seq, offset, frag length */
/* Largest ServerHello kept while reassembling; real ones are < 200 bytes. */
#define DTLS_SH_MAX		2048

/*
 * Writes a ClientHello record.  cookie (may be NULL) is the one a
 * HelloVerifyRequest gave; message_seq is 0 for the first hello, 1 after.
 */
size_t dtls_client_hello_build(uint8_t *out, size_t cap, const uint8_t random[32],
    const uint8_t *cookie, size_t cookie_len, uint16_t message_seq);

typedef struct dtls_reply {
	uint8_t content_type;	/* DTLS_CT_ALERT or DTLS_CT_HANDSHAKE */
	uint16_t record_version;	/* 0xfeff 1.0, 0xfefd 1.2 */
	uint8_t hs_type;	/* HELLO_VERIFY or SERVER_HELLO */
	uint16_t hs_version;	/* server_version in the handshake body */
	uint8_t cookie[255];
	size_t cookie_len;
	uint16_t cipher;	/* SERVER_HELLO */
	uint8_t alert_level, alert_desc;
} dtls_reply_t;

/*
 * 0 when the datagram starts with a DTLS record (version 1.0/1.2/1.3 bytes)
 * that is an alert, a HelloVerifyRequest or a ServerHello, all in bounds.
 */
int dtls_parse(const uint8_t *p, size_t n, dtls_reply_t *r);
/* "1.0", "1.2", "1.3" or NULL. */
const char *dtls_version_str(uint16_t v);

/* ---- the enumeration's ClientHello ---- */

typedef struct dtls_hello_opts {
	uint16_t version;		/* client_version: 0xfeff (1.0) or 0xfefd (1.2) */
	const uint16_t *suites;		/* any ids, also ones no library would send */
	size_t n_suites;
	const uint16_t *groups;		/* supported_groups (+ ec_point_formats); none: left out */
	size_t n_groups;
	bool reneg_info;		/* empty renegotiation_info (RFC 5746) */
	const uint8_t *cookie;		/* from a HelloVerifyRequest, or NULL */
	size_t cookie_len;
	uint16_t message_seq;		/* 0, then 1 for the hello with the cookie */
	uint64_t record_seq;		/* 48 bits; every datagram sent takes a new one */
	uint8_t random[32];		/* the same in the hello with the cookie (RFC 6347 4.2.1) */
} dtls_hello_opts_t;

/*
 * Writes the ClientHello as one record (one datagram); its length, or 0
 * when it does not fit in cap or the options are impossible (no suites,
 * not a DTLS 1.0/1.2 version, cookie > 255 bytes).  The extensions are
 * tls_client_hello's for TLS 1.2 (supported_groups, ec_point_formats,
 * signature_algorithms, renegotiation_info), which is what a DTLS 1.2
 * server needs to pick ECDHE and ECDSA suites.
 */
size_t dtls_client_hello(uint8_t *out, size_t cap, const dtls_hello_opts_t *o);

/* A fatal alert record (epoch 0, plaintext): sent after the ServerHello so
 * the server drops the half-open handshake at once instead of keeping a
 * slot and resending its flight for seconds (OpenSSL's s_server hears no
 * other peer for about ten). */
size_t dtls_alert(uint8_t *out, size_t cap, uint16_t version, uint64_t record_seq,
    uint8_t level, uint8_t desc);

/* ---- the enumeration's reader ---- */

typedef struct dtls_answer {
	/* what decided, first of: */
	bool have_alert;
	uint8_t alert_level, alert_desc;
	bool have_hvr;			/* a HelloVerifyRequest: send the hello again with its cookie */
	uint8_t cookie[255];
	size_t cookie_len;
	bool have_hello;		/* the whole ServerHello arrived and parsed */
	uint16_t version;		/* its server_version (0xfeff, 0xfefd) */
	uint16_t suite;
	uint8_t compression;
	bool reneg_info;		/* renegotiation_info in the ServerHello */
	uint16_t record_version;	/* of the record that decided */
	/* ServerHello reassembly (it may come in fragments, in any order) */
	uint8_t sh[DTLS_SH_MAX];
	uint8_t sh_have[DTLS_SH_MAX / 8];	/* bitmap of the bytes received */
	size_t sh_len;			/* its length (0: no fragment seen yet) */
	size_t sh_got;			/* bytes received so far */
	char err[160];			/* why dtls_answer_feed returned -1 */
} dtls_answer_t;

void dtls_answer_init(dtls_answer_t *a);
/*
 * Reads one datagram from the server.  1 when something decides (have_alert,
 * have_hvr or have_hello is set; the caller clears have_hvr before the next
 * flight), 0 when more is needed (a ServerHello fragment, or only records
 * that say nothing: encrypted ones, a Certificate), -1 when the
 * bytes are no DTLS or a record or message is malformed (a sentence in err).
 * Records after the deciding one are not looked at.
 */
int dtls_answer_feed(dtls_answer_t *a, const uint8_t *p, size_t n);

#endif
