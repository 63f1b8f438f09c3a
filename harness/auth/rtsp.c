/*
 * RTSP logins (cameras): DESCRIBE the stream without credentials; a 401 with
 * a Basic or Digest challenge (the same parser and digest as HTTP, the
 * request-target being the rtsp:// URL) leads to one DESCRIBE with
 * credentials, and only its 200 proves the pair.  A server that refuses the
 * DESCRIBE method itself is asked with OPTIONS instead.  Every answer must
 * carry our CSeq: an RTSP server never answers another request's.
 */
#include "auth/logins.h"

#include "auth/exchange.h"
#include "auth/http_auth.h"
#include "auth/outcome.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CRED_MAX 4096

typedef enum { STEP_DONE, STEP_OTHER_METHOD } step_t;

static int
send_rtsp(const auth_target_t *t, const char *method, const char *url, int cseq,
    const char *auth, uint64_t deadline, http_resp_t *r, auth_outcome_t *out)
{
	char headers[CRED_MAX + 128], err[200];
	snprintf(headers, sizeof(headers), "CSeq: %d\r\n%s%s", cseq,
	    strcmp(method, "DESCRIBE") == 0 ? "Accept: application/sdp\r\n" : "", auth ? auth : "");
	auth_request_t rq = { .method = method, .target = url, .rtsp = true, .headers = headers };
	net_status_t net;
	int rc = auth_exchange(t, &rq, deadline, r, &net, err, sizeof(err));
	if (rc < 0) {
		if (rc == -2)
			auth_decide(out, AUTH_ERROR, "%s: %s", method, err);
		else if (net == NET_OK)
			auth_decide(out, AUTH_INCONCLUSIVE, "%s: not a usable RTSP response (%s)",
			    method, err);
		else
			auth_decide(out, AUTH_INCONCLUSIVE, "%s: %s", method, err);
		return -1;
	}
	const char *got = http_resp_header(r, "CSeq");
	char want[16];
	snprintf(want, sizeof(want), "%d", cseq);
	if (got == NULL || strcmp(got, want) != 0) {
		auth_decide(out, AUTH_INCONCLUSIVE, "%s: the answer carries CSeq \"%.20s\", not %d",
		    method, got ? got : "(none)", cseq);
		return -1;
	}
	return 0;
}

static bool
method_refused(int status)
{
	return status == 405 || status == 455 || status == 501;
}

static step_t
attempt(const auth_target_t *t, const char *method, const char *url, const char *user,
    const char *pass, uint64_t deadline, auth_outcome_t *out)
{
	http_resp_t r;
	step_t step = STEP_DONE;
	if (send_rtsp(t, method, url, 1, NULL, deadline, &r, out) < 0)
		goto out;
	int status = r.status;
	if (status == 200) {
		auth_decide(out, AUTH_NOT_REQUIRED, "%s answered 200 without credentials: no "
		    "authentication on this stream (no 401)", method);
		goto out;
	}
	if (method_refused(status) && strcmp(method, "DESCRIBE") == 0) {
		step = STEP_OTHER_METHOD;
		goto out;
	}
	if (status == 429 || status == 453) {
		auth_decide(out, AUTH_LOCKED, "%s answered %d before any credentials", method, status);
		goto out;
	}
	if (status != 401) {
		auth_decide(out, AUTH_INCONCLUSIVE, "%s answered %d, not 401: no challenge to "
		    "answer%s", method, status, status == 404 ? " (no stream at this path)" : "");
		goto out;
	}
	if (user == NULL) {
		auth_decide(out, AUTH_REJECTED, "%s demands credentials (401) and none were given",
		    method);
		goto out;
	}
	http_challenge_t *ch = xcalloc(HA_CHALLENGES_MAX, sizeof(*ch));
	const http_challenge_t *c;
	char val[CRED_MAX], line[CRED_MAX + 32], err[200], cnonce[33];
	if (auth_http_choose(&r, ch, HA_CHALLENGES_MAX, &c, out) < 0)
		goto free_ch;
	bool basic = http_scheme_is(c, "Basic");
	snprintf(out->method, sizeof(out->method), "%s", basic ? "rtsp-basic" : "rtsp-digest");
	if (basic ? http_basic_credentials(user, pass, val, sizeof(val)) < 0 :
	    auth_random_hex(cnonce, sizeof(cnonce), 16) < 0 ||
	    http_digest_credentials(c, method, url, user, pass, cnonce, 1, val, sizeof(val), NULL,
	        0, err, sizeof(err)) < 0) {
		auth_decide(out, AUTH_ERROR, "cannot build %s credentials for this pair",
		    basic ? "Basic" : "Digest");
		goto free_ch;
	}
	snprintf(line, sizeof(line), "Authorization: %s\r\n", val);
	http_resp_clear(&r);
	uint64_t t0 = mono_ms();
	int rc = send_rtsp(t, method, url, 2, line, deadline, &r, out);
	out->delay_ms = (unsigned)(mono_ms() - t0);
	if (rc < 0)
		goto free_ch;
	status = r.status;
	if (status == 200)
		auth_decide(out, AUTH_ACCEPTED, "%s answered 200 with %s credentials after a 401 "
		    "without", method, basic ? "Basic" : "Digest");
	else if (status == 401)
		auth_decide(out, AUTH_REJECTED, "%s answered 401 again to the credentials", method);
	else if (status == 403 || status == 429 || status == 453)
		auth_decide(out, AUTH_LOCKED, "%s answered %d to credentials after challenging: "
		    "the service refuses us", method, status);
	else
		auth_decide(out, AUTH_INCONCLUSIVE, "%s answered %d to credentials", method, status);
free_ch:
	free(ch);
out:
	http_resp_clear(&r);
	return step;
}

void
auth_rtsp_login(const auth_target_t *t, const char *user, const char *pass,
    uint64_t deadline, auth_outcome_t *out)
{
	auth_outcome_init(out, "rtsp");
	const service_t *s = t->svc;
	const char *path = t->path && *t->path ? t->path : "/";
	if (path[0] != '/') {
		auth_decide(out, AUTH_ERROR, "the RTSP path must start with '/'");
		return;
	}
	char host[96], url[2400];
	size_t hl = strcspn(s->addr->text, "%");	/* a zone id means nothing to the server */
	snprintf(host, sizeof(host), strchr(s->addr->text, ':') ? "[%.*s]" : "%.*s", (int)hl,
	    s->addr->text);
	snprintf(url, sizeof(url), "rtsp%s://%s:%d%.2048s", s->tls ? "s" : "", host, s->port, path);
	if (attempt(t, "DESCRIBE", url, user, pass, deadline, out) == STEP_OTHER_METHOD)
		attempt(t, "OPTIONS", url, user, pass, deadline, out);
}
