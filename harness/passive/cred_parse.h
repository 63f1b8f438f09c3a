/*
 * Small pure parsers shared by content classification (classify.c) and the
 * "cleartext" and "credentials" analyzers: base64, HTTP authorization
 * headers, the MQTT CONNECT packet, the head of an SNMP message, login
 * prompts, and the masking of secrets for reports.  No state, no
 * allocation; every read of captured bytes goes through proto/cursor.h.
 */
#ifndef IOTCERT_PV_CRED_PARSE_H
#define IOTCERT_PV_CRED_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "passive/analyzer.h"
#include "proto/cursor.h"

#define CRED_STR_MAX 128	/* user names and passwords kept, NUL included */

/*
 * Strict base64 (RFC 4648 alphabet, '=' padding only at the end; missing
 * padding accepted, as some clients omit it).  0 and *outlen set, or -1 for
 * anything else (a bad character, an impossible length, out too small).
 */
int cred_b64_decode(const char *in, size_t n, uint8_t *out, size_t cap, size_t *outlen);

/*
 * A secret as a report shows it.  reveal: a printable copy.  Otherwise the
 * first character then one '*' per further byte, so a reader can tell two
 * secrets apart and see their length without reading them; secrets of 3
 * bytes or fewer become "***" (showing one of three characters says too
 * much); an empty secret stays empty, because "the password was empty" is
 * itself the finding.
 */
void cred_mask(const char *secret, bool reveal, char *out, size_t cap);

/* An HTTP/RTSP request header line carrying credentials. */
typedef enum cred_http_kind {
	CRED_HTTP_NONE = 0,
	CRED_HTTP_BASIC,	/* Authorization: Basic, user and pass decoded */
	CRED_HTTP_PROXY_BASIC,	/* Proxy-Authorization: Basic */
	CRED_HTTP_DIGEST,	/* (Proxy-)Authorization: Digest, user only */
	CRED_HTTP_BEARER,	/* (Proxy-)Authorization: Bearer, the token in pass */
	CRED_HTTP_BAD,		/* Basic with undecodable base64 */
} cred_http_kind_t;

typedef struct cred_http {
	cred_http_kind_t kind;
	char user[CRED_STR_MAX], pass[CRED_STR_MAX];	/* printable copies */
	bool truncated;		/* user or pass longer than kept */
} cred_http_t;

/* One header line (no CR/LF) of a request; kind NONE for any other line. */
void cred_http_line(const char *line, size_t n, cred_http_t *out);

/*
 * Credentials in the query of a request line ("GET /cgi-bin/snapshot.cgi?
 * user=admin&pwd=123 HTTP/1.1"), as many camera CGIs take them: a password
 * parameter (password, passwd, pwd, pass, loginpas) and, when present, a
 * user parameter (user, username, usr, login, loginuse, account), both
 * percent-decoded.  1 when a password parameter is there, else 0.
 */
int cred_http_query(const char *line, size_t n, cred_http_t *out);

/* What an MQTT CONNECT carries. */
typedef struct cred_mqtt {
	int level;		/* 3 (3.1 "MQIsdp"), 4 (3.1.1), 5 */
	bool has_user, has_pass;
	char user[CRED_STR_MAX], pass[CRED_STR_MAX];	/* printable copies */
	char client_id[CRED_STR_MAX];
	bool pass_located;	/* the password's length was read: pass_off is set */
	size_t pass_off;	/* offset of the password's first byte in p */
	bool truncated;		/* a string ran past the bytes given or was cut */
} cred_mqtt_t;

/* The MQTT variable-length "remaining length" (1..4 bytes). */
int cred_mqtt_varint(cursor_t *c, uint32_t *v);

/*
 * A CONNECT packet at the start of p[0..n).  When `partial` the bytes may
 * stop before the packet's end (a capped buffer, a flow cut short): a user
 * name or password running past n is kept as far as it goes and flagged
 * truncated.  0, or -1 when it is not a CONNECT or lies about its shape.
 */
int cred_mqtt_connect(const uint8_t *p, size_t n, bool partial, cred_mqtt_t *m);

/* The head of an SNMP message (any version, any PDU). */
typedef struct cred_snmp {
	long version;		/* 0 v1, 1 v2c, 3 v3 */
	const uint8_t *community;	/* v1/v2c: into p */
	size_t community_len;
	uint8_t pdu;		/* v1/v2c: the PDU tag (0xa0..0xa8) */
	uint8_t v3_flags;	/* v3: msgFlags (1 auth, 2 priv, 4 reportable) */
	size_t msg_len;		/* bytes of the whole message */
} cred_snmp_t;

/* 0 when p starts with a plausible SNMP message whose outer length fits n. */
int cred_snmp_peek(const uint8_t *p, size_t n, cred_snmp_t *m);

/* Login prompts at the end of server text. */
typedef enum cred_prompt {
	CRED_PROMPT_NONE = 0,
	CRED_PROMPT_USER,	/* "login:", "Username:", "User Name:", "user:" */
	CRED_PROMPT_PASS,	/* "Password:", "passwd:", "Passcode:" */
} cred_prompt_t;

/* Whether the last line of p[0..n) (trailing blanks ignored) is a prompt. */
cred_prompt_t cred_prompt_at_end(const uint8_t *p, size_t n);

/* A printable copy (pstr_copy) that sets *trunc when p does not fit. */
void cred_copy(char *out, size_t cap, const uint8_t *p, size_t n, bool *trunc);

/*
 * The address of the flow's remote end as seen from the DUT, without a
 * port: the server when the DUT is the client, the client when the DUT is
 * the server (or both: the server).  A client's port is ephemeral, so
 * findings group by address and service port instead.  IPv6 without
 * brackets.
 */
void cred_remote_host(const pv_flow_t *f, char *out, size_t len);

#endif
