/*
 * anonymous-resources: device functionality reachable without any
 * authentication (EN 303 645 5.5-4; 5.5-5 when it also takes configuration).
 * anonymous_resources.c holds the probe table, the recording helpers and the
 * dispatch; anonymous_http.c and anonymous_coap.c walk one protocol each;
 * anonymous_judge.c is the pure judgement of one HTTP answer.  Internal to
 * probes/.
 */
#ifndef IOTCERT_PROBES_ANONYMOUS_H
#define IOTCERT_PROBES_ANONYMOUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/probe.h"
#include "net/http.h"

/* ---- the judgement of an HTTP answer (anonymous_judge.c, pure) ---- */

typedef enum anon_http {
	ANON_HTTP_OPEN,		/* 2xx with content of its own: anonymous access */
	ANON_HTTP_PROTECTED,	/* 401, 403 or 407: it asks for authentication */
	ANON_HTTP_REDIRECT,	/* 3xx, or a small 2xx page that only redirects */
	ANON_HTTP_LOGIN_PAGE,	/* 2xx login page */
	ANON_HTTP_EMPTY,	/* 2xx with nothing but blanks */
	ANON_HTTP_CATCH_ALL,	/* 2xx, the page a made-up path gets too */
	ANON_HTTP_ABSENT,	/* any other status: 404, 405, 500, ... */
} anon_http_t;

const char *anon_http_str(anon_http_t v);	/* "open", "protected", ... */

/*
 * Judges the answer r to GET path.  canary is the answer to GET canary_path,
 * a random path no device has: a server that answers it 2xx answers
 * everything, and a page equal to the canary's proves nothing.  Only
 * ANON_HTTP_OPEN is proof of anonymous access.
 */
anon_http_t anon_http_judge(const http_resp_t *r, const char *path,
    const http_resp_t *canary, const char *canary_path);

/*
 * Whether body a (served for path ap) is the same page as body b (served
 * for bp): equal bytes; equal once each echoed request path is removed ("No
 * page /x here"); or HTML pages with the same non-empty title whose lengths,
 * the paths left out, differ by at most a tenth (a time or token inside).
 */
bool anon_same_page(const uint8_t *a, size_t an, const char *ap,
    const uint8_t *b, size_t bn, const char *bp);

/* ---- the running probe (anonymous_resources.c) ---- */

typedef struct anon {
	probe_ctx_t *ctx;
	unsigned read_ms;	/* per request */
	bool out_of_time;
	long long checked;
} anon_t;

/* One resource that answered without authentication. */
typedef struct anon_hit {
	const char *attr;	/* "path" (HTTP) or "resource" (CoAP) */
	const char *target;	/* "/api/config" */
	const char *method;	/* what proved it: "GET", or "PUT" when written */
	const char *status;	/* "200", "2.05", "2.04" */
	const char *ctype;	/* content type of the representation, may be NULL */
	size_t bytes;		/* its size as received */
	int writable;		/* 1 / 0 when a write was tried, -1 when not */
	const char *write_status; /* the answer to the write, NULL if none */
} anon_hit_t;

void anon_open(anon_t *a, const anon_hit_t *h);
void anon_protected(anon_t *a, const char *target);
/* One "answers" item: "/admin 401 protected". */
void anon_answer(anon_t *a, const char *target, const char *status, const char *what);
void anon_unexamined(anon_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Deadline for one request: read_ms from now, within the step's. */
uint64_t anon_deadline(const anon_t *a);
/* True (latched) once the step's time is up or the run is cancelled. */
bool anon_stop(anon_t *a);
/* Random bytes for canary paths and CoAP ids (urandom; the clock without it). */
void anon_random(uint8_t *out, size_t n);

/* ---- per protocol; PROBE_OK or INCONCLUSIVE/ERROR with ctx->reason ---- */

probe_status_t anonymous_http(anon_t *a);
probe_status_t anonymous_coap(anon_t *a);

#endif
