/*
 * Request/response over auth_stream for HTTP and RTSP logins.  RTSP/1.0
 * messages have HTTP/1.x syntax (RFC 2326 section 6-7); its status line is
 * rewritten to "HTTP/1.0" in our copy so net/http's parser reads the head,
 * and its body is never read (no RTSP decision needs it, and without
 * Content-Length an RTSP body is empty, not "until close").  Also here: which
 * challenge of a 401 to answer, shared by HTTP and RTSP.
 */
#include "auth/exchange.h"

#include "auth/http_auth.h"
#include "auth/outcome.h"
#include "auth/stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifndef IOTCERT_VERSION
#define IOTCERT_VERSION "0"
#endif

#define MAX_INTERIM 8

static bool
target_ok(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > 2048)
		return false;
	for (const unsigned char *q = (const unsigned char *)s; *q; q++)
		if (*q <= 0x20 || *q >= 0x7f)
			return false;
	return true;
}

static int
build(const auth_target_t *t, const auth_request_t *rq, buf_t *b)
{
	const service_t *s = t->svc;
	buf_printf(b, "%s %s %s\r\n", rq->method, rq->target, rq->rtsp ? "RTSP/1.0" : "HTTP/1.1");
	if (!rq->rtsp) {
		char host[320];
		http_host_header(s->addr->text, s->port, s->tls, host, sizeof(host));
		buf_printf(b, "Host: %s\r\n", host);
	}
	buf_printf(b, "User-Agent: iotcert/" IOTCERT_VERSION "\r\n");
	if (!rq->rtsp)
		buf_printf(b, "Accept: */*\r\nConnection: close\r\n");
	if (rq->headers)
		buf_printf(b, "%s", rq->headers);
	if (rq->body)
		buf_printf(b, "Content-Length: %zu\r\n", rq->body_len);
	buf_append(b, "\r\n", 2);
	if (rq->body)
		buf_append(b, rq->body, rq->body_len);
	return b->truncated ? -1 : 0;
}

/* Reads and parses the head (1xx skipped); leftover body bytes stay at
 * head[*he..*have). */
static int
read_head(auth_stream_t *s, bool rtsp, uint8_t *head, size_t *have, size_t *he,
    uint64_t dl, http_resp_t *r, net_status_t *net, char *err, size_t errlen)
{
	for (int interim = 0;;) {
		size_t end;
		while ((end = http_head_end(head, *have)) == 0) {
			if (*have >= HTTP_HEAD_CAP) {
				snprintf(err, errlen, "response head exceeds %u bytes", HTTP_HEAD_CAP);
				return -1;
			}
			size_t got;
			net_status_t st = auth_stream_read(s, head + *have, HTTP_HEAD_CAP - *have,
			    &got, dl);
			if (st != NET_OK) {
				*net = st;
				snprintf(err, errlen, "%s before the end of the response head (%zu bytes)",
				    net_status_str(st), *have);
				return -1;
			}
			*have += got;
		}
		if (rtsp) {
			if (end < 8 || memcmp(head, "RTSP/1.0", 8) != 0) {
				snprintf(err, errlen, "not an RTSP/1.0 status line");
				return -1;
			}
			memcpy(head, "HTTP/1.0", 8);
		}
		if (http_parse_head(head, end, r, err, errlen) < 0)
			return -1;
		if (r->status >= 200) {
			*he = end;
			return 0;
		}
		http_resp_clear(r);
		if (++interim >= MAX_INTERIM) {
			snprintf(err, errlen, "too many interim (1xx) responses");
			return -1;
		}
		memmove(head, head + end, *have - end);
		*have -= end;
	}
}

int
auth_exchange(const auth_target_t *t, const auth_request_t *rq, uint64_t deadline,
    http_resp_t *r, net_status_t *net, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	*net = NET_OK;
	if (!target_ok(rq->target) || !target_ok(rq->method)) {
		*net = NET_ERROR;
		snprintf(err, errlen, "bad request target or method");
		return -2;
	}
	buf_t req;
	buf_init(&req, 64 * 1024);
	if (build(t, rq, &req) < 0) {
		buf_free(&req);
		*net = NET_ERROR;
		snprintf(err, errlen, "request too long");
		return -2;
	}
	auth_stream_t s;
	*net = auth_stream_open(&s, t, deadline, err, errlen);
	if (*net != NET_OK) {
		buf_free(&req);
		return s.harness_fault ? -2 : -1;
	}
	int rc = -1;
	uint8_t *head = xcalloc(HTTP_HEAD_CAP, 1);
	*net = auth_stream_write(&s, req.data, req.len, deadline);
	if (*net != NET_OK) {
		snprintf(err, errlen, "sending the request: %s", net_status_str(*net));
		goto out;
	}
	size_t have = 0, he = 0;
	if (read_head(&s, rq->rtsp, head, &have, &he, deadline, r, net, err, errlen) < 0) {
		http_resp_clear(r);
		goto out;
	}
	rc = 0;
	if (rq->rtsp) {
		r->body = xcalloc(1, 1);
		r->complete = true;
		goto out;
	}
	http_body_t b;
	size_t cap = rq->body_cap ? rq->body_cap : HTTP_BODY_CAP;
	http_body_init(&b, r, strcmp(rq->method, "HEAD") == 0, cap);
	uint64_t wire_left = (uint64_t)cap * 2 + 65536;	/* chunk framing may not cost more */
	size_t used;
	http_body_rc_t brc = http_body_feed(&b, head + he, have - he, &used);
	while (brc == HTTP_BODY_MORE) {
		size_t got;
		net_status_t st = auth_stream_read(&s, head, HTTP_HEAD_CAP, &got, deadline);
		if (st == NET_CLOSED || st == NET_RESET) {
			brc = http_body_eof(&b);
			break;
		}
		if (st != NET_OK) {
			brc = HTTP_BODY_BAD;	/* deadline: judge the head and what came */
			break;
		}
		if (got > wire_left) {
			b.out.truncated = true;
			break;
		}
		wire_left -= got;
		brc = http_body_feed(&b, head, got, &used);
	}
	http_body_finish(&b, r, brc == HTTP_BODY_DONE);
out:
	free(head);
	buf_free(&req);
	auth_stream_close(&s);
	return rc;
}

void
auth_head_text(const http_resp_t *r, buf_t *out)
{
	buf_printf(out, "HTTP/1.%d %d %s\r\n", r->minor, r->status, r->reason ? r->reason : "");
	for (size_t i = 0; i < r->n_headers; i++)
		buf_printf(out, "%s: %s\r\n", r->headers[i].name, r->headers[i].value);
}

int
auth_challenges(const http_resp_t *r, http_challenge_t *out, size_t max, size_t *n,
    char *err, size_t errlen)
{
	*n = 0;
	for (size_t i = 0; i < r->n_headers; i++)
		if (strcasecmp(r->headers[i].name, "WWW-Authenticate") == 0 &&
		    http_challenges_parse(r->headers[i].value, out, max, n, err, errlen) < 0)
			return -1;
	return 0;
}

/* The first Digest we can answer, else Basic, else NULL. */
static const http_challenge_t *
pick(const http_challenge_t *ch, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (http_digest_usable(&ch[i]))
			return &ch[i];
	for (size_t i = 0; i < n; i++)
		if (http_scheme_is(&ch[i], "Basic"))
			return &ch[i];
	return NULL;
}

static void
schemes(const http_challenge_t *ch, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && o < cap; i++) {
		int k = snprintf(out + o, cap - o, "%s%s%s%s%s", i ? ", " : "", ch[i].scheme,
		    ch[i].algorithm[0] ? " (" : "", ch[i].algorithm, ch[i].algorithm[0] ? ")" : "");
		if (k < 0)
			break;
		o += (size_t)k;
	}
}

int
auth_http_choose(const http_resp_t *r, http_challenge_t *ch, size_t max,
    const http_challenge_t **chosen, auth_outcome_t *out)
{
	size_t n = 0;
	char err[160];
	if (auth_challenges(r, ch, max, &n, err, sizeof(err)) < 0) {
		auth_decide(out, AUTH_INCONCLUSIVE, "malformed WWW-Authenticate: %s", err);
		return -1;
	}
	if (n == 0) {
		auth_decide(out, AUTH_INCONCLUSIVE, "401 without a WWW-Authenticate challenge");
		return -1;
	}
	*chosen = pick(ch, n);
	if (*chosen == NULL) {
		char list[200];
		schemes(ch, n, list, sizeof(list));
		auth_decide(out, AUTH_INCONCLUSIVE, "no challenge we can answer: %s", list);
		return -1;
	}
	return 0;
}

