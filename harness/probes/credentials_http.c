/*
 * Where to try HTTP credentials: the resources that answer 401 with a
 * WWW-Authenticate challenge.  A login page at "/" is not a realm; an
 * unprotected "/" says nothing about authentication either way.
 */
#include "probes/credentials.h"
#include "net/http.h"

#include <stdio.h>
#include <string.h>

static const char *const candidates[] = {
	"/", "/admin", "/admin/", "/login", "/cgi-bin/", "/setup.cgi", "/config",
	"/management", "/api/", "/ISAPI/Security/userCheck",
};

/* Whether the path's answer could be read at all; err gets the first reason
 * one could not. */
static bool
try_path(probe_ctx_t *ctx, const char *path, strlist_t *realms, strlist_t *seen,
    char *err, size_t errlen)
{
	const service_t *s = ctx->svc;
	http_client_t cl = {
		.addr = s->addr, .port = s->port, .tls = s->tls, .tls_ctx = ctx->tls,
		.cancel = ctx->cancel, .ev = ctx->ev,
	};
	http_resp_t r;
	net_status_t net;
	char why[256];
	uint64_t dl = deadline_min(mono_ms() + 4000, ctx->deadline_ms);
	bool read = http_request(&cl, "GET", path, dl, &r, &net, why, sizeof(why)) == 0;
	if (read && r.status == 401) {
		const char *chal = http_resp_header(&r, "WWW-Authenticate");
		if (chal && !strlist_has(seen, chal)) {
			strlist_push(seen, chal);	/* one path per realm is enough */
			strlist_push(realms, path);
		}
	} else if (!read && err[0] == '\0') {
		snprintf(err, errlen, "GET %s: %s", path, why);
	}
	http_resp_clear(&r);
	return read;
}

size_t
cred_http_realms(probe_ctx_t *ctx, strlist_t *paths, size_t *tried, char *err, size_t errlen)
{
	strlist_t seen = { 0 };
	size_t unread = 0, n = 0;
	err[0] = '\0';
	const char *extra = step_str(ctx, "path");
	if (extra && *extra) {
		n++;
		unread += !try_path(ctx, extra, paths, &seen, err, errlen);
	}
	for (size_t i = 0; i < ARRAY_LEN(candidates) && mono_ms() < ctx->deadline_ms; i++) {
		n++;
		unread += !try_path(ctx, candidates[i], paths, &seen, err, errlen);
	}
	strlist_free(&seen);
	*tried = n;
	return unread;
}
