/*
 * One HTTP/1.1 or RTSP/1.0 request and its response over a fresh connection
 * to the service (plain or TLS), for what net/http's GET/HEAD client cannot
 * send: Authorization headers, form POSTs, RTSP methods with CSeq.  Sending
 * is ours; the response is parsed with net/http's pure functions, under the
 * same caps (head HTTP_HEAD_CAP, body `body_cap`).
 */
#ifndef IOTCERT_AUTH_EXCHANGE_H
#define IOTCERT_AUTH_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "net/http.h"

typedef struct auth_request {
	const char *method;	/* "GET", "POST", "DESCRIBE" ... */
	const char *target;	/* request-target: "/admin", "rtsp://h:554/s" */
	bool rtsp;		/* RTSP/1.0: no Host header; only the head is read */
	const char *headers;	/* extra header lines, each ending in CR LF; may be NULL */
	const char *body;	/* sent with Content-Length when not NULL */
	size_t body_len;
	size_t body_cap;	/* 0: HTTP_BODY_CAP */
} auth_request_t;

/*
 * 0: *r holds the response (the body possibly cut short by the deadline:
 * !r->complete); -1: no usable response, *net says why at the network level
 * (NET_OK when the bytes were not HTTP/RTSP) and err in words; -2: the
 * harness's own failure (bad request, no TLS context), err says which.  The
 * caller clears *r either way.
 */
int auth_exchange(const auth_target_t *t, const auth_request_t *rq, uint64_t deadline,
    http_resp_t *r, net_status_t *net, char *err, size_t errlen);

/* The status line and headers as "Name: value" lines, for marker matching. */
void auth_head_text(const http_resp_t *r, buf_t *out);

/* Every challenge in the response's WWW-Authenticate headers.  -1 (err
 * filled) when one of them is malformed. */
struct http_challenge;
int auth_challenges(const http_resp_t *r, struct http_challenge *out, size_t max, size_t *n,
    char *err, size_t errlen);

/*
 * The challenge to answer in a 401 (HTTP or RTSP): the first Digest we can
 * compute, else Basic.  0 with *chosen pointing into ch; -1 with out
 * decided INCONCLUSIVE (malformed, absent, or only schemes we cannot answer).
 */
int auth_http_choose(const http_resp_t *r, struct http_challenge *ch, size_t max,
    const struct http_challenge **chosen, auth_outcome_t *out);

#endif
