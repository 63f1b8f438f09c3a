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

static void
try_path(probe_ctx_t *ctx, const char *path, strlist_t *realms, strlist_t *seen)
{
	const service_t *s = ctx->svc;
	http_client_t cl = {
		.addr = s->addr, .port = s->port, .tls = s->tls, .tls_ctx = ctx->tls,
		.cancel = ctx->cancel, .ev = ctx->ev,
	};
	http_resp_t r;
	net_status_t net;
	char err[256];
	uint64_t dl = deadline_min(mono_ms() + 4000, ctx->deadline_ms);
	if (http_request(&cl, "GET", path, dl, &r, &net, err, sizeof(err)) == 0 &&
	    r.status == 401) {
		const char *chal = http_resp_header(&r, "WWW-Authenticate");
		if (chal && !strlist_has(seen, chal)) {
			strlist_push(seen, chal);	/* one path per realm is enough */
			strlist_push(realms, path);
		}
	}
	http_resp_clear(&r);
}

void
cred_http_realms(probe_ctx_t *ctx, strlist_t *paths)
{
	strlist_t seen = { 0 };
	const char *extra = step_str(ctx, "path");
	if (extra && *extra)
		try_path(ctx, extra, paths, &seen);
	for (size_t i = 0; i < ARRAY_LEN(candidates) && mono_ms() < ctx->deadline_ms; i++)
		try_path(ctx, candidates[i], paths, &seen);
	strlist_free(&seen);
}
