/*
 * Published-page fetching over libcurl (see fetch.h for the rules).  One
 * easy handle per hop, nothing shared between fetches, so any number of
 * worker threads may fetch at once.  Redirects are followed here, not by
 * libcurl, so each hop is recorded and checked against the http/https rule
 * before it is taken.
 */
#include "net/fetch.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * libcurl 7.84+ built thread-safe makes curl_global_init itself safe to
 * call from any thread; pthread_once keeps it to one call whatever the
 * build.  The once-flag guards libcurl's global state, not ours (as
 * auth/ssh.c does for libssh).
 */
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void
curl_init_once(void)
{
	(void)curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
fetch_global_init(void)
{
	pthread_once(&curl_once, curl_init_once);
}

bool
fetch_url_ok(const char *url)
{
	if (url == NULL)
		return false;
	const char *rest;
	if (strncasecmp(url, "http://", 7) == 0)
		rest = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		rest = url + 8;
	else
		return false;
	if (*rest == '\0' || *rest == '/' || *rest == '?' || *rest == '#')
		return false;
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= 0x20 || *p == 0x7f)
			return false;
	return strlen(url) < 2048;
}

/* Where one transfer's bytes go, with the caps applied as they arrive. */
typedef struct sink {
	buf_t body;
	size_t cap;
	bool truncated;
	size_t head_bytes;
	bool head_over;
	bool www_auth;
	uint64_t deadline_ms;
	const volatile int *cancel;
	bool cancelled;
} sink_t;

static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	sink_t *s = arg;
	size_t n = size * nmemb;
	size_t room = s->cap - s->body.len;
	if (n > room) {
		buf_append(&s->body, p, room);
		s->truncated = true;
		return 0;	/* stop the transfer: the cap is reached */
	}
	buf_append(&s->body, p, n);
	return n;
}

static size_t
on_header(char *p, size_t size, size_t nmemb, void *arg)
{
	sink_t *s = arg;
	size_t n = size * nmemb;
	s->head_bytes += n;
	if (s->head_bytes > FETCH_HEAD_CAP) {
		s->head_over = true;
		return 0;
	}
	/* A new response (after 100 Continue, say) starts a new head. */
	if (n >= 5 && strncmp(p, "HTTP/", 5) == 0)
		s->www_auth = false;
	if (n > 17 && strncasecmp(p, "WWW-Authenticate:", 17) == 0)
		s->www_auth = true;
	return n;
}

static int
on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	sink_t *s = arg;
	if ((s->cancel && *s->cancel) || mono_ms() >= s->deadline_ms) {
		s->cancelled = true;
		return 1;
	}
	return 0;
}

static char *
info_str(CURL *h, CURLINFO what)
{
	char *v = NULL;
	if (curl_easy_getinfo(h, what, &v) != CURLE_OK || v == NULL)
		return NULL;
	return xstrdup(v);
}

static void
copy_conn(CURL *h, fetch_result_t *r)
{
	char *v = NULL;
	if (curl_easy_getinfo(h, CURLINFO_LOCAL_IP, &v) == CURLE_OK && v)
		snprintf(r->local_ip, sizeof(r->local_ip), "%s", v);
	v = NULL;
	if (curl_easy_getinfo(h, CURLINFO_PRIMARY_IP, &v) == CURLE_OK && v)
		snprintf(r->remote_ip, sizeof(r->remote_ip), "%s", v);
	(void)curl_easy_getinfo(h, CURLINFO_LOCAL_PORT, &r->local_port);
	(void)curl_easy_getinfo(h, CURLINFO_PRIMARY_PORT, &r->remote_port);
}

/*
 * One GET of `url` without following redirects.  Fills hop and, when the
 * response is the last one, the body fields of r.  Returns the curl code.
 */
static CURLcode
one_hop(const char *url, const fetch_opts_t *o, bool verify, sink_t *s, fetch_hop_t *hop,
    fetch_result_t *r, char *err, size_t errlen)
{
	CURL *h = curl_easy_init();
	if (h == NULL) {
		snprintf(err, errlen, "libcurl could not create a handle");
		return CURLE_FAILED_INIT;
	}
	char ebuf[CURL_ERROR_SIZE] = "";
	uint64_t now = mono_ms();
	long left = o->deadline_ms > now ? (long)(o->deadline_ms - now) : 1;
	buf_free(&s->body);
	buf_init(&s->body, s->cap + 1);
	s->truncated = s->head_over = s->www_auth = s->cancelled = false;
	s->head_bytes = 0;

	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);	/* worker threads: no SIGALRM */
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, left);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, left);
	curl_easy_setopt(h, CURLOPT_USERAGENT, FETCH_USER_AGENT);
	if (o->no_proxy)
		curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, s);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, s);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	/* No decompression: a small compressed body must not become a huge one. */
	curl_easy_setopt(h, CURLOPT_HTTP_CONTENT_DECODING, 0L);
	/* No cookie engine is ever enabled (no COOKIEFILE/COOKIEJAR): none kept. */

	CURLcode rc = curl_easy_perform(h);
	if (rc == CURLE_WRITE_ERROR && s->truncated)
		rc = CURLE_OK;	/* our own cap stopped it: the response is there */
	long status = 0;
	(void)curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	hop->url = xstrdup(url);
	hop->status = status;
	copy_conn(h, r);
	if (rc == CURLE_OK) {
		hop->location = info_str(h, CURLINFO_REDIRECT_URL);
		free(r->content_type);
		r->content_type = info_str(h, CURLINFO_CONTENT_TYPE);
	} else if (s->head_over) {
		snprintf(err, errlen, "response head exceeds %u KiB", FETCH_HEAD_CAP / 1024);
	} else if (s->cancelled || rc == CURLE_OPERATION_TIMEDOUT) {
		snprintf(err, errlen, "%s", s->cancel && *s->cancel ? "cancelled" :
		    "no complete response before the deadline");
	} else {
		snprintf(err, errlen, "%s", ebuf[0] ? ebuf : curl_easy_strerror(rc));
	}
	curl_easy_cleanup(h);
	return rc;
}

static bool
tls_verify_error(CURLcode rc)
{
	return rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
	    rc == CURLE_SSL_ISSUER_ERROR || rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH;
}

fetch_result_t *
fetch_url(const char *url, const fetch_opts_t *o)
{
	fetch_result_t *r = xcalloc(1, sizeof(*r));
	sink_t s = { .cap = o->body_cap ? o->body_cap : FETCH_BODY_CAP_DEFAULT,
	             .deadline_ms = o->deadline_ms, .cancel = o->cancel };
	buf_init(&s.body, 1);
	char *cur = xstrdup(url);
	bool verify = true;
	while (true) {
		if (!fetch_url_ok(cur)) {
			snprintf(r->error, sizeof(r->error), "not an http:// or https:// URL: %.200s",
			    cur);
			break;
		}
		if (r->n_hops > FETCH_MAX_REDIRECTS) {
			r->too_many_redirects = true;
			snprintf(r->error, sizeof(r->error), "more than %d redirects",
			    FETCH_MAX_REDIRECTS);
			break;
		}
		fetch_hop_t *hop = &r->hops[r->n_hops];
		char err[256] = "";
		CURLcode rc = one_hop(cur, o, verify, &s, hop, r, err, sizeof(err));
		if (verify && tls_verify_error(rc)) {
			/* Once per fetch: record why, then look without verification. */
			r->tls_problem = true;
			snprintf(r->tls_error, sizeof(r->tls_error), "%s: %s", cur, err);
			free(hop->url);
			free(hop->location);
			*hop = (fetch_hop_t){ 0 };
			verify = false;
			continue;
		}
		r->n_hops++;
		if (rc != CURLE_OK) {
			snprintf(r->error, sizeof(r->error), "%s", err);
			break;
		}
		if (hop->status >= 300 && hop->status < 400 && hop->location) {
			free(cur);
			cur = xstrdup(hop->location);
			continue;
		}
		r->responded = true;
		r->status = hop->status;
		r->final_url = xstrdup(cur);
		r->truncated = s.truncated;
		r->www_authenticate = s.www_auth;
		break;
	}
	free(cur);
	r->body_len = r->responded ? s.body.len : 0;
	r->body = xcalloc(1, r->body_len + 1);
	if (r->body_len)
		memcpy(r->body, s.body.data, r->body_len);
	buf_free(&s.body);
	return r;
}

void
fetch_result_free(fetch_result_t *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n_hops; i++) {
		free(r->hops[i].url);
		free(r->hops[i].location);
	}
	free(r->final_url);
	free(r->content_type);
	free(r->body);
	free(r);
}
