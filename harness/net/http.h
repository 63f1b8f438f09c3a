/*
 * A small HTTP/1.1 client for probes: one request per connection
 * (Connection: close), GET or HEAD, plain or over TLS, every read under the
 * caller's deadline.  What a device sends is held in capped buffers: the
 * response head at HTTP_HEAD_CAP, the decoded body at a configurable cap
 * (default HTTP_BODY_CAP); anything beyond is dropped and flagged, never
 * waited for.  Redirects are not followed: a probe decides whether a Location
 * is somewhere it may go.
 *
 * The parsing half (status line and headers, Content-Length and chunked body
 * decoding, URLs) is pure and usable on a buffer, which is how it is tested.
 */
#ifndef IOTCERT_HTTP_H
#define IOTCERT_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util.h"
#include "net/sock.h"
#include "net/tls.h"

#define HTTP_HEAD_CAP (16u * 1024)
#define HTTP_BODY_CAP (256u * 1024)
#define HTTP_MAX_HEADERS 128	/* further header lines are not kept, except framing */

typedef struct http_header {
	char *name;		/* owned, as sent */
	char *value;		/* owned, surrounding blanks trimmed; may hold any byte but NUL */
} http_header_t;

/* A parsed response.  Everything is owned; http_resp_clear frees it. */
typedef struct http_resp {
	int status;		/* 100-999 */
	int minor;		/* HTTP/1.<minor> */
	char *reason;		/* reason phrase, owned */
	http_header_t *headers;
	size_t n_headers;
	uint8_t *body;		/* decoded body, NUL-terminated, may hold NULs; owned */
	size_t body_len;
	bool truncated;		/* the body was longer than the cap (rest dropped) */
	bool complete;		/* the message ended as framed (length, last chunk or close) */
} http_resp_t;

void http_resp_clear(http_resp_t *r);	/* frees contents; NULL is fine */
/* First value of header `name` (case-insensitive), or NULL; owned by r. */
const char *http_resp_header(const http_resp_t *r, const char *name);

/*
 * Pure parsing.  http_head_end returns the length of the head including its
 * blank line (CRLF CRLF, or LF LF from sloppy devices), 0 if not yet seen.
 * http_parse_head parses head[0..n) (as found by http_head_end) into r's
 * status, reason and headers; -1 (err filled) on a malformed status line or
 * conflicting framing headers.
 */
size_t http_head_end(const uint8_t *p, size_t n);
int http_parse_head(const uint8_t *p, size_t n, http_resp_t *r, char *err, size_t errlen);

/*
 * Incremental body decoder.  http_body_init reads the framing from r's
 * headers (and whether the request was HEAD); http_body_feed decodes wire
 * bytes into r->body (capped), stopping at the end of the message.
 * Chunk-size lines are parsed strictly: hex digits (at most 15 significant),
 * optional chunk extensions, the whole line at most HTTP_CHUNK_LINE_MAX bytes;
 * trailers at most HTTP_HEAD_CAP.
 */
#define HTTP_CHUNK_LINE_MAX 1024

typedef enum http_body_rc {
	HTTP_BODY_MORE,		/* feed more bytes (or http_body_eof) */
	HTTP_BODY_DONE,		/* message complete, or body cap reached */
	HTTP_BODY_BAD,		/* malformed framing (err says how) */
} http_body_rc_t;

typedef struct http_body {
	int mode;		/* internal: none, length, chunked, until close */
	int state;		/* internal chunk state */
	uint64_t left;		/* bytes left in the body or current chunk */
	size_t cap;		/* decoded body cap */
	size_t line_len;	/* bytes of the current chunk-size / trailer line */
	bool line_cr;		/* the line so far ended in CR */
	bool seen_digit;	/* the chunk-size line has a digit */
	int digits;		/* significant hex digits of the chunk size */
	size_t trailer_len;
	buf_t out;		/* decoded body */
	char err[128];
} http_body_t;

void http_body_init(http_body_t *b, const http_resp_t *r, bool head_request, size_t cap);
/* Consumes bytes from p[0..n); *used says how many (the rest belong to no one). */
http_body_rc_t http_body_feed(http_body_t *b, const uint8_t *p, size_t n, size_t *used);
/* The peer closed: DONE if the framing allowed that, else BAD (cut short). */
http_body_rc_t http_body_eof(http_body_t *b);
/* Moves the decoded body into r (body, body_len, truncated); frees b. */
void http_body_finish(http_body_t *b, http_resp_t *r, bool complete);
void http_body_free(http_body_t *b);

/*
 * The whole response in one buffer (for tests and captured bytes): head,
 * then body.  `eof` says the buffer ends where the connection closed.  1xx
 * interim responses are skipped.  0: r holds the response; 1: more bytes are
 * needed; -1: malformed (err filled).
 */
int http_parse_response(const uint8_t *p, size_t n, bool eof, bool head_request,
    size_t body_cap, http_resp_t *r, char *err, size_t errlen);

/* An http:// or https:// URL, as UPnP LOCATION headers carry them. */
typedef struct http_url {
	bool tls;		/* https */
	char host[256];		/* without brackets for IPv6 literals */
	int port;		/* explicit, or 80 / 443 */
	char path[1024];	/* starts with '/'; "/" when absent; query kept */
} http_url_t;

/* 0, or -1 for anything else (other schemes, userinfo, bad port, too long). */
int http_url_parse(const char *url, http_url_t *u);
/* "host" / "host:port" / "[v6]:port" as a Host header wants it. */
void http_host_header(const char *host, int port, bool tls, char *out, size_t outlen);

/* Where to send a request. */
typedef struct http_client {
	const target_addr_t *addr;	/* connect here (borrowed) */
	int port;
	bool tls;
	tls_ctx_t *tls_ctx;		/* required when tls */
	const char *host;		/* Host header; NULL: from addr and port */
	const volatile int *cancel;
	evidence_t *ev;			/* flows and transcript, may be NULL */
	size_t body_cap;		/* 0: HTTP_BODY_CAP */
} http_client_t;

/*
 * Sends `method` ("GET" or "HEAD") for `path` and reads the response by
 * `deadline`.  0: *r holds a response (possibly truncated, or cut short by
 * the deadline once the head had arrived: then !r->complete); -1: no usable
 * response, *net says why at the network level (NET_OK when the bytes were
 * not HTTP) and err in words.  The path must be printable ASCII without
 * spaces.  The caller clears *r in both cases.
 */
int http_request(const http_client_t *cl, const char *method, const char *path,
    uint64_t deadline, http_resp_t *r, net_status_t *net, char *err, size_t errlen);

#endif
