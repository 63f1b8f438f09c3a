/*
 * HTTP logins.  Basic/Digest: the resource is fetched without credentials
 * first (net/http's client); only a 401 with a challenge we can answer leads
 * to a second request with credentials, and only a 2xx/3xx behind it proves
 * the pair.  Forms: one urlencoded POST to the declared action, judged by
 * the declared markers alone.  A 429 (or a 403 where a challenge stood a
 * moment before) is the service refusing us, not the pair.
 */
#include "auth/logins.h"

#include "auth/exchange.h"
#include "auth/http_auth.h"
#include "auth/outcome.h"
#include "core/util.h"
#include "net/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROBE_BODY_CAP (16u * 1024)	/* Basic/Digest decide on the status alone */
#define CRED_MAX 4096

static const char *
path_of(const auth_target_t *t)
{
	return t->path && *t->path ? t->path : "/";
}

/* rc -2 is our own failure; anything else is the device or the network. */
static void
decide_transport(auth_outcome_t *out, int rc, net_status_t net, const char *what,
    const char *err)
{
	if (rc == -2)
		auth_decide(out, AUTH_ERROR, "%s: %s", what, err);
	else if (net == NET_OK)
		auth_decide(out, AUTH_INCONCLUSIVE, "%s: not a usable HTTP response (%s)", what, err);
	else
		auth_decide(out, AUTH_INCONCLUSIVE, "%s: %s", what, err);
}

/* What net/http would refuse to send: the test case's mistake, said first. */
static bool
path_ok(const char *p)
{
	if (p[0] != '/' || strlen(p) > 2048)
		return false;
	for (const unsigned char *q = (const unsigned char *)p; *q; q++)
		if (*q <= 0x20 || *q >= 0x7f)
			return false;
	return true;
}

/* Authorization header line for the chosen challenge; -1 with out decided. */
static int
credentials(const http_challenge_t *c, const char *method, const char *uri, const char *user,
    const char *pass, char *line, size_t cap, auth_outcome_t *out)
{
	char val[CRED_MAX], err[200];
	if (http_scheme_is(c, "Basic")) {
		if (http_basic_credentials(user, pass, val, sizeof(val)) < 0) {
			auth_decide(out, AUTH_ERROR, "Basic cannot carry this user name or password "
			    "(a ':' in the user, control bytes, or too long)");
			return -1;
		}
	} else {
		char cnonce[33];
		if (auth_random_hex(cnonce, sizeof(cnonce), 16) < 0) {
			auth_decide(out, AUTH_ERROR, "no random bytes for the Digest cnonce");
			return -1;
		}
		if (http_digest_credentials(c, method, uri, user, pass, cnonce, 1, val, sizeof(val),
		    NULL, 0, err, sizeof(err)) < 0) {
			auth_decide(out, AUTH_ERROR, "%s", err);
			return -1;
		}
	}
	snprintf(line, cap, "Authorization: %s\r\n", val);
	return 0;
}

static void
basic_or_digest(const auth_target_t *t, const char *user, const char *pass,
    uint64_t deadline, auth_outcome_t *out)
{
	const service_t *s = t->svc;
	const char *path = path_of(t);
	http_client_t cl = {
		.addr = s->addr, .port = s->port, .tls = s->tls, .tls_ctx = t->tls,
		.cancel = t->cancel, .ev = t->ev, .body_cap = PROBE_BODY_CAP,
	};
	http_resp_t r;
	net_status_t net;
	char err[200], what[64];
	snprintf(what, sizeof(what), "GET %.40s", path);
	if (s->tls && t->tls == NULL) {
		auth_decide(out, AUTH_ERROR, "the service is TLS but no TLS context was given");
		return;
	}
	if (!path_ok(path)) {
		auth_decide(out, AUTH_ERROR, "the path must be printable ASCII starting with '/'");
		return;
	}
	int rc = http_request(&cl, "GET", path, deadline, &r, &net, err, sizeof(err));
	if (rc < 0) {
		decide_transport(out, rc, net, what, err);
		http_resp_clear(&r);
		return;
	}
	http_challenge_t *ch = xcalloc(HA_CHALLENGES_MAX, sizeof(*ch));
	const http_challenge_t *c = NULL;
	int status = r.status;
	if (status == 429)
		auth_decide(out, AUTH_LOCKED, "%s answered 429 Too Many Requests before any "
		    "credentials", what);
	else if (status == 403 && http_resp_header(&r, "Retry-After"))
		auth_decide(out, AUTH_LOCKED, "%s answered 403 with Retry-After before any "
		    "credentials", what);
	else if (status / 100 == 2)
		auth_decide(out, AUTH_NOT_REQUIRED, "%s answered %d without credentials: no "
		    "authentication on this resource (no 401)", what, status);
	else if (status != 401)
		auth_decide(out, AUTH_INCONCLUSIVE, "%s answered %d, not 401: no challenge to "
		    "answer%s", what, status, status / 100 == 3 ? " (a redirect, perhaps to a "
		    "form login: declare form_action)" : "");
	else if (user == NULL)
		auth_decide(out, AUTH_REJECTED, "%s demands credentials (401) and none were "
		    "given", what);
	else if (auth_http_choose(&r, ch, HA_CHALLENGES_MAX, &c, out) == 0) {
		/* The challenge is copied out of ch, which is reused for a stale nonce. */
		http_challenge_t cur = *c;
		snprintf(out->method, sizeof(out->method), "%s",
		    http_scheme_is(&cur, "Basic") ? "http-basic" : "http-digest");
		for (int round = 0; round < 2; round++) {
			char line[CRED_MAX + 32];
			if (credentials(&cur, "GET", path, user, pass, line, sizeof(line), out) < 0)
				break;
			http_resp_clear(&r);
			auth_request_t rq = { .method = "GET", .target = path, .headers = line,
				.body_cap = PROBE_BODY_CAP };
			uint64_t t0 = mono_ms();
			rc = auth_exchange(t, &rq, deadline, &r, &net, err, sizeof(err));
			out->delay_ms = (unsigned)(mono_ms() - t0);
			if (rc < 0) {
				decide_transport(out, rc, net, "the request with credentials", err);
				break;
			}
			status = r.status;
			if (status / 100 == 2 || status / 100 == 3) {
				auth_decide(out, AUTH_ACCEPTED, "%s answered %d with %s credentials "
				    "after a 401 without", what, status, out->method + 5);
				break;
			}
			if (status == 429 || status == 403) {
				auth_decide(out, AUTH_LOCKED, "%s answered %d to credentials after "
				    "challenging: the service refuses us", what, status);
				break;
			}
			if (status != 401) {
				auth_decide(out, AUTH_INCONCLUSIVE, "%s answered %d to credentials",
				    what, status);
				break;
			}
			/* stale=true: the digest was right but the nonce had expired (RFC
			 * 7616 3.3); one more try with the fresh nonce decides. */
			const http_challenge_t *again = NULL;
			auth_outcome_t tmp;
			auth_outcome_init(&tmp, "");
			bool stale = !http_scheme_is(&cur, "Basic") &&
			    auth_http_choose(&r, ch, HA_CHALLENGES_MAX, &again, &tmp) == 0 &&
			    again->stale && !http_scheme_is(again, "Basic");
			if (stale && round == 0) {
				cur = *again;
				continue;
			}
			if (stale)
				auth_decide(out, AUTH_INCONCLUSIVE, "%s: the nonce was stale twice", what);
			else
				auth_decide(out, AUTH_REJECTED, "%s answered 401 again to the credentials",
				    what);
			break;
		}
	}
	free(ch);
	http_resp_clear(&r);
}

static void
form_login(const auth_target_t *t, const char *user, const char *pass, uint64_t deadline,
    auth_outcome_t *out)
{
	const char *action = t->form_action;
	if (user == NULL) {
		auth_decide(out, AUTH_ERROR, "a form login needs a user name");
		return;
	}
	if (!path_ok(action)) {
		auth_decide(out, AUTH_ERROR, "form_action must be a path on the service, not \"%.60s\"",
		    action);
		return;
	}
	buf_t body;
	buf_init(&body, 16 * 1024);
	http_form_encode(&body, t->form_user_field ? t->form_user_field : "username");
	buf_append(&body, "=", 1);
	http_form_encode(&body, user);
	buf_append(&body, "&", 1);
	http_form_encode(&body, t->form_pass_field ? t->form_pass_field : "password");
	buf_append(&body, "=", 1);
	http_form_encode(&body, pass ? pass : "");
	if (body.truncated) {
		buf_free(&body);
		auth_decide(out, AUTH_ERROR, "the form body is too long");
		return;
	}
	auth_request_t rq = {
		.method = "POST", .target = action, .body = body.data ? body.data : "",
		.body_len = body.len,
		.headers = "Content-Type: application/x-www-form-urlencoded\r\n",
	};
	http_resp_t r;
	net_status_t net;
	char err[200], why[200], what[80];
	snprintf(what, sizeof(what), "POST %.60s", action);
	uint64_t t0 = mono_ms();
	int rc = auth_exchange(t, &rq, deadline, &r, &net, err, sizeof(err));
	out->delay_ms = (unsigned)(mono_ms() - t0);
	buf_free(&body);
	if (rc < 0) {
		decide_transport(out, rc, net, what, err);
		http_resp_clear(&r);
		return;
	}
	buf_t head;
	buf_init(&head, 2 * HTTP_HEAD_CAP);
	auth_head_text(&r, &head);
	auth_result_t v = http_form_verdict(head.data, head.len, r.body, r.body_len,
	    t->form_success, t->form_failure, why, sizeof(why));
	if (r.status == 429 && v == AUTH_INCONCLUSIVE)
		auth_decide(out, AUTH_LOCKED, "%s answered 429 Too Many Requests", what);
	else if (v == AUTH_INCONCLUSIVE)
		auth_decide(out, v, "%s answered %d%s: %s", what, r.status,
		    r.complete ? "" : " (body cut short)", why);
	else
		auth_decide(out, v, "%s answered %d: %s", what, r.status, why);
	buf_free(&head);
	http_resp_clear(&r);
}

void
auth_http_login(const auth_target_t *t, const char *user, const char *pass,
    uint64_t deadline, auth_outcome_t *out)
{
	if (t->form_action && *t->form_action) {
		auth_outcome_init(out, "http-form");
		form_login(t, user, pass, deadline, out);
	} else {
		auth_outcome_init(out, "http");
		basic_or_digest(t, user, pass, deadline, out);
	}
}
