/*
 * The pure half of HTTP (and RTSP) authentication: the WWW-Authenticate
 * challenge parser, Basic and Digest (RFC 7617, RFC 7616 / 2617) credentials,
 * form URL-encoding and the form verdict from success/failure markers.  No
 * sockets here, so every piece is tested on literal bytes.
 */
#ifndef IOTCERT_AUTH_HTTP_AUTH_H
#define IOTCERT_AUTH_HTTP_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/auth.h"
#include "core/util.h"

#define HA_SCHEME_MAX 32
#define HA_VALUE_MAX 512	/* longest realm/nonce/opaque we accept */
#define HA_CHALLENGES_MAX 8

typedef enum ha_algo {
	HA_MD5, HA_MD5_SESS, HA_SHA256, HA_SHA256_SESS, HA_UNSUPPORTED,
} ha_algo_t;

typedef enum ha_qop {
	HA_QOP_NONE,		/* RFC 2069 style: no qop offered */
	HA_QOP_AUTH,
	HA_QOP_AUTH_INT,	/* only auth-int offered (computed over an empty body) */
	HA_QOP_UNSUPPORTED,
} ha_qop_t;

typedef struct http_challenge {
	char scheme[HA_SCHEME_MAX];	/* as sent: "Basic", "Digest", "Bearer" ... */
	char realm[HA_VALUE_MAX];
	char nonce[HA_VALUE_MAX];
	char opaque[HA_VALUE_MAX];
	char algorithm[HA_SCHEME_MAX];	/* as sent, "" when absent */
	char qop[HA_VALUE_MAX];		/* the raw qop list, "" when absent */
	bool has_realm, has_nonce, has_opaque, has_qop;
	bool stale;
	bool userhash;
} http_challenge_t;

/*
 * Parses one WWW-Authenticate (or RTSP) header value, appending its
 * challenges to out[*n..max).  Strict and bounded: an unterminated quoted
 * string, a value over HA_VALUE_MAX, a parameter given twice in one
 * challenge, a bad byte or more than `max` challenges is an error (-1, err
 * filled, *n unchanged).  0 on success.
 */
int http_challenges_parse(const char *value, http_challenge_t *out, size_t max, size_t *n,
    char *err, size_t errlen);

bool http_scheme_is(const http_challenge_t *c, const char *scheme);
ha_algo_t http_digest_algo(const http_challenge_t *c);
ha_qop_t http_digest_qop(const http_challenge_t *c);
/* A Digest challenge we can answer: nonce present, known algorithm and qop. */
bool http_digest_usable(const http_challenge_t *c);

/* "Basic <base64(user:pass)>" into out; -1 if it does not fit or the user
 * holds ':' (RFC 7617 cannot carry it). */
int http_basic_credentials(const char *user, const char *pass, char *out, size_t cap);

/*
 * The Digest Authorization value for `method` and `uri` (the request-target
 * exactly as sent), with the given cnonce and nonce count.  *response gets
 * the hex response alone (may be NULL).  -1 (err filled) on an unusable
 * challenge, a credential with control bytes, or no room.
 */
int http_digest_credentials(const http_challenge_t *c, const char *method, const char *uri,
    const char *user, const char *pass, const char *cnonce, unsigned nc,
    char *out, size_t cap, char *response, size_t rcap, char *err, size_t errlen);

/* application/x-www-form-urlencoded (WHATWG): alnum and *-._ kept, space
 * '+', every other byte %XX.  Appends to b; -1 when b is capped. */
int http_form_encode(buf_t *b, const char *s);

/*
 * A form login's verdict from the response: `head` is the status line and
 * headers as "Name: value" lines, `body` the (capped) body.  Markers are
 * matched case-insensitively in either.  ACCEPTED when only the success
 * marker matches, REJECTED when only the failure marker does, INCONCLUSIVE
 * when both or neither do (never a guess); why says which.
 */
auth_result_t http_form_verdict(const char *head, size_t head_len, const void *body,
    size_t body_len, const char *success, const char *failure, char *why, size_t whylen);

#endif
