/*
 * TLS handshake records built and parsed by hand, no I/O: the ClientHello
 * an enumeration needs (any version from SSLv3 to TLS 1.3, any list of
 * suite ids, including ones no local library would send), and the server's
 * first flight read back through a reassembler that copes with records
 * split across reads and messages split across records, under hard caps.
 * Also the Heartbleed probe (CVE-2014-0160) and its classifier.
 */
#ifndef IOTCERT_TLS_HELLO_H
#define IOTCERT_TLS_HELLO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TLS_CT_CCS		20
#define TLS_CT_ALERT		21
#define TLS_CT_HANDSHAKE	22
#define TLS_CT_APPDATA		23
#define TLS_CT_HEARTBEAT	24

#define TLS_HS_SERVER_HELLO	2
#define TLS_HS_CERTIFICATE	11
#define TLS_HS_SERVER_KX	12
#define TLS_HS_SERVER_DONE	14

#define TLS_EXT_HEARTBEAT	15
#define TLS_EXT_RENEG_INFO	0xff01

#define TLS_GROUP_X25519	29

#define TLS_RECORD_MAX		(16384 + 2048)	/* largest TLSCiphertext fragment */
#define TLS_HS_BUF_MAX		(64 * 1024)	/* the whole first flight, reassembled */
#define TLS_CERTS_MAX		10
#define TLS_HELLO_MAX_SUITES	1024

typedef struct tls_hello_opts {
	uint16_t version;		/* TLSV_SSL3 .. TLSV_TLS13 */
	const uint16_t *suites;
	size_t n_suites;
	const uint16_t *groups;		/* supported_groups; none: left out */
	size_t n_groups;
	const uint16_t *sigalgs;	/* NULL: a broad default list */
	size_t n_sigalgs;
	const char *sni;		/* NULL or "": no server_name (IP targets) */
	const uint8_t *compression;	/* NULL: only null (0) */
	size_t n_compression;
	bool reneg_info;		/* empty renegotiation_info extension */
	bool heartbeat;			/* heartbeat, peer_allowed_to_send */
	uint8_t random[32];
	/* TLS 1.3: an x25519 key_share with this public value when x25519 is
	 * among the groups; otherwise an empty key_share, which makes a server
	 * that takes one of the groups answer with a HelloRetryRequest. */
	uint8_t x25519_pub[32];
} tls_hello_opts_t;

/* Writes the ClientHello record; its length, or 0 when it does not fit in
 * cap or the options are impossible (no suites, too many, bad version). */
size_t tls_client_hello(uint8_t *out, size_t cap, const tls_hello_opts_t *o);

/* Parse outcomes; tls_perr_str gives the text. */
typedef enum tls_perr {
	TLS_P_OK = 0,
	TLS_P_NOT_TLS,		/* the bytes are no TLS record (HTTP, SSLv2, banner) */
	TLS_P_OVERSIZE,		/* a record or the flight beyond its cap */
	TLS_P_BAD_RECORD,	/* a record inconsistent with its type */
	TLS_P_BAD_HANDSHAKE,	/* a handshake message that does not parse */
	TLS_P_UNEXPECTED,	/* a message out of order */
} tls_perr_t;

const char *tls_perr_str(tls_perr_t e);

typedef struct tls_server_hello {
	uint16_t legacy_version;	/* the server_version field */
	uint16_t version;		/* supported_versions when present, else legacy */
	uint8_t random[32];
	bool hrr;			/* a HelloRetryRequest (RFC 8446 4.1.3) */
	uint16_t suite;
	uint8_t compression;
	bool reneg_info;		/* renegotiation_info present (secure renegotiation) */
	bool heartbeat;			/* heartbeat extension present */
	uint8_t heartbeat_mode;
	uint16_t group;			/* key_share group (ServerHello) or selected group (HRR) */
	bool ems;			/* extended_master_secret */
	uint16_t ext[32];		/* extension types in order (first 32) */
	size_t n_ext;
} tls_server_hello_t;

/* Parses a ServerHello handshake body (after type and length). */
tls_perr_t tls_parse_server_hello(const uint8_t *p, size_t n, tls_server_hello_t *sh);

typedef struct tls_certs {
	uint8_t *der[TLS_CERTS_MAX];	/* owned */
	size_t len[TLS_CERTS_MAX];
	size_t n;
	bool truncated;			/* more certificates than TLS_CERTS_MAX */
} tls_certs_t;

/* Parses a TLS <= 1.2 Certificate body; clears *c first. */
tls_perr_t tls_parse_certificate(const uint8_t *p, size_t n, tls_certs_t *c);
void tls_certs_clear(tls_certs_t *c);

/* What the server's first flight said. */
typedef struct tls_flight {
	bool have_hello;
	tls_server_hello_t hello;
	bool have_alert;
	uint8_t alert_level, alert_desc;
	bool have_certs;
	tls_certs_t certs;
	uint16_t ske_group;		/* ECDHE ServerKeyExchange: the named curve */
	unsigned ske_dh_bits;		/* DHE ServerKeyExchange: bits of the prime */
	bool hello_done;		/* ServerHelloDone seen (TLS <= 1.2) */
	bool encrypted;			/* TLS 1.3: what follows the hello is encrypted */
	size_t heartbeat_len;		/* length of the first heartbeat record, 0 if none */
} tls_flight_t;

typedef enum tls_feed {
	TLS_FEED_MORE,			/* the flight is not complete */
	TLS_FEED_DONE,			/* enough to decide: hello done, HRR, 1.3 hello, alert */
	TLS_FEED_ERROR,			/* see tls_stream_err */
} tls_feed_t;

typedef struct tls_stream tls_stream_t;

tls_stream_t *tls_stream_new(bool want_certs);	/* caller frees */
void tls_stream_free(tls_stream_t *s);		/* NULL is fine */
/* Feeds bytes as they arrive; complete records are consumed at once. */
tls_feed_t tls_stream_feed(tls_stream_t *s, const uint8_t *p, size_t n);
const tls_flight_t *tls_stream_flight(const tls_stream_t *s);
tls_flight_t *tls_stream_flight_mut(tls_stream_t *s);	/* to move the certificates out */
tls_perr_t tls_stream_err(const tls_stream_t *s);
/* A sentence for the error: what was wrong and where, e.g. "record 2:
 * length 40000 over the cap". */
const char *tls_stream_errmsg(const tls_stream_t *s);

/* Heartbleed: a heartbeat request of `version` announcing `claimed` bytes of
 * payload while sending none.  Returns the record length (8), 0 if cap < 8. */
size_t tls_heartbleed_probe(uint8_t *out, size_t cap, uint16_t version, uint16_t claimed);

typedef enum tls_hb_verdict {
	TLS_HB_NO_REPLY,	/* silence, close or an alert: not vulnerable */
	TLS_HB_VULNERABLE,	/* a heartbeat response longer than what was sent */
	TLS_HB_REPLY_OK,	/* a response no longer than the request */
	TLS_HB_GARBAGE,		/* the bytes are not TLS records */
} tls_hb_verdict_t;

/* Classifies the bytes received after the probe: the first record that is
 * a heartbeat decides; `sent` is the payload length actually sent. */
tls_hb_verdict_t tls_heartbleed_classify(const uint8_t *p, size_t n, size_t sent);
const char *tls_hb_verdict_str(tls_hb_verdict_t v);

#endif
