/*
 * Fetching a published web page (a vulnerability disclosure policy, a
 * support-period statement, a device's /.well-known/security.txt) the way a
 * consumer's browser would, but under the harness's rules: libcurl, http and
 * https only, every redirect hop followed by hand and recorded (at most
 * FETCH_MAX_REDIRECTS), one hard deadline for the whole fetch, a capped body
 * and a capped response head, no cookies kept, and TLS verified.  When
 * verification fails the page is fetched once more without it, only to know
 * whether the content is there; the certificate problem is kept for the
 * report.  The caller must have called fetch_global_init() once (it is
 * idempotent and thread-safe).
 */
#ifndef IOTCERT_FETCH_H
#define IOTCERT_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

#define FETCH_MAX_REDIRECTS 5
#define FETCH_BODY_CAP_DEFAULT (1024u * 1024)
#define FETCH_HEAD_CAP (64u * 1024)
#define FETCH_USER_AGENT "iotcert/" IOTCERT_VERSION " (published-information check)"

typedef struct fetch_opts {
	uint64_t deadline_ms;		/* mono_ms() deadline of the whole fetch */
	size_t body_cap;		/* 0: FETCH_BODY_CAP_DEFAULT */
	const volatile int *cancel;	/* nonzero: abort; may be NULL */
	bool no_proxy;			/* never through a proxy (the device's own
					 * pages); otherwise libcurl's *_proxy
					 * environment applies, as for a browser */
} fetch_opts_t;

/* One response received: the status and where it said to go next. */
typedef struct fetch_hop {
	char *url;			/* owned: what was asked for */
	long status;			/* 0 when no response */
	char *location;			/* owned, absolute; NULL when none */
} fetch_hop_t;

typedef struct fetch_result {
	bool responded;		/* a final HTTP response arrived (any status) */
	long status;		/* of the final response */
	char *final_url;	/* owned: the URL of the final response */
	char *content_type;	/* owned, may be NULL */
	bool www_authenticate;	/* the final response asked for HTTP authentication */
	unsigned char *body;	/* owned, NUL-terminated beyond body_len; never NULL */
	size_t body_len;
	bool truncated;		/* the body went beyond the cap: cut there */
	fetch_hop_t hops[FETCH_MAX_REDIRECTS + 1];
	size_t n_hops;
	bool too_many_redirects;
	char error[256];	/* why there is no final response ("" when there is) */
	bool tls_problem;	/* certificate verification failed (content fetched without) */
	char tls_error[256];
	/* The last connection, so a capture can be cut to this fetch. */
	char local_ip[64], remote_ip[64];
	long local_port, remote_port;
} fetch_result_t;

/* Idempotent, thread-safe: initialises libcurl's global state once. */
void fetch_global_init(void);

/*
 * Fetches `url` (GET).  Returns a result the caller frees with
 * fetch_result_free, even on failure (then responded is false and error
 * says why).  Never NULL.
 */
fetch_result_t *fetch_url(const char *url, const fetch_opts_t *o);
void fetch_result_free(fetch_result_t *r);	/* NULL is fine */

/* Is `url` an absolute http:// or https:// URL with a host? */
bool fetch_url_ok(const char *url);

#endif
