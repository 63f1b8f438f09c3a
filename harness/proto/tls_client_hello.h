/*
 * The ClientHello parsed, for the passive analysis of a device acting as
 * a TLS or DTLS client (tls_hello.h only builds hellos and reads the
 * server's side): offered versions (legacy_version and supported_versions),
 * cipher suites, server_name and ALPN.  GREASE values (RFC 8701) are
 * dropped, since they say nothing about what the client really supports.
 * Pure, no I/O; every byte read through proto/cursor.h.
 */
#ifndef IOTCERT_TLS_CLIENT_HELLO_H
#define IOTCERT_TLS_CLIENT_HELLO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/tls_hello.h"

#define TLS_HS_CLIENT_HELLO	1
#define TLS_CH_MAX_SUITES	512	/* kept; the rest only counted */
#define TLS_CH_MAX_VERSIONS	16
#define TLS_CH_SNI_MAX		256	/* a DNS name fits (255 octets) */
#define TLS_CH_ALPN_MAX		160

typedef struct tls_client_hello_info {
	uint16_t legacy_version;	/* client_version */
	bool have_versions;		/* the supported_versions extension was sent */
	uint16_t versions[TLS_CH_MAX_VERSIONS];	/* its list, GREASE dropped */
	size_t n_versions;
	uint16_t suites[TLS_CH_MAX_SUITES];	/* in the client's order, GREASE dropped */
	size_t n_suites;
	size_t n_suites_total;		/* all non-GREASE suites, kept or not */
	char sni[TLS_CH_SNI_MAX];	/* host_name, bytes outside 0x21-0x7e as '?'; "" none */
	char alpn[TLS_CH_ALPN_MAX];	/* protocols joined by ',', truncated; "" none */
} tls_client_hello_info_t;

/* True for the reserved GREASE values 0x0a0a, 0x1a1a ... 0xfafa. */
bool tls_is_grease(uint16_t v);

/*
 * Parses a ClientHello handshake body (after type and length).  `dtls`:
 * the DTLS form, with a cookie after the session id.  TLS_P_OK, or
 * TLS_P_BAD_HANDSHAKE when anything is out of bounds.
 */
tls_perr_t tls_parse_client_hello(const uint8_t *p, size_t n, bool dtls,
    tls_client_hello_info_t *ch);

/*
 * The versions the hello offers, highest first: the supported_versions
 * list when present (RFC 8446 4.2.1 makes it the only one that counts),
 * else legacy_version.  Returns how many were written to out (at most cap).
 */
size_t tls_ch_offered_versions(const tls_client_hello_info_t *ch, uint16_t *out, size_t cap);

/* The IANA name of a suite id, signalling values (SCSVs) included; NULL
 * when unknown. */
const char *tls_suite_name(uint16_t id);

#endif
