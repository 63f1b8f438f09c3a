/*
 * Parsing of the HTTP requests the admin UI receives, kept free of I/O so the
 * unit tests can feed it hostile input directly.  Everything works in place on
 * a head the caller already capped at HTTP_HEAD_MAX bytes.
 */
#ifndef IOTCERT_REFDEV_HTTP_PARSE_H
#define IOTCERT_REFDEV_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_HEAD_MAX 16384
#define HTTP_BODY_MAX 8192
#define HTTP_HEADERS_MAX 100
#define HTTP_TARGET_MAX 2048
#define HTTP_FIELD_MAX 256

typedef struct http_req {
	char method[16];
	char path[HTTP_TARGET_MAX + 1];  /* target without query or fragment */
	bool head;
	char *authorization;             /* owned; NULL when absent */
	bool has_length;
	size_t length;
	bool chunked;
	char body[HTTP_BODY_MAX + 1];
	size_t body_len;
} http_req_t;

void http_req_clear(http_req_t *rq);  /* frees what rq owns; NULL is fine */

/* False for a byte no request head may contain (controls other than CR LF HT). */
bool http_head_byte_ok(unsigned char ch);

/* Offset just past the blank line ending the head in s[0..len), or 0. */
size_t http_head_end(const char *s, size_t len);

/*
 * Parses the request line and headers of head[0..end) in place (end as from
 * http_head_end).  Returns 0, or the HTTP status to answer with.
 */
int http_parse_head(http_req_t *rq, char *head, size_t end);

/* Decodes base64 into out, NUL-terminated; -1 if invalid, too long or has NUL. */
int http_b64_decode(const char *in, char *out, size_t cap);

/*
 * Splits "Basic <base64 user:pass>" into buf (cap bytes): user at buf, and
 * *pass pointing into buf.  -1 when it is not a well-formed Basic credential.
 */
int http_basic_split(const char *authorization, char *buf, size_t cap, const char **pass);

/*
 * Finds field `name` in an application/x-www-form-urlencoded body and
 * percent-decodes it into out.  False when absent, undecodable or too long.
 */
bool http_form_get(const char *body, const char *name, char *out, size_t cap);

#endif
