/*
 * HTTP(S) disclosures: what a web server tells anyone who asks.  Fetches /
 * and a short table of status endpoints that IoT firmware commonly leaves
 * open, without credentials, and records the Server and X-Powered-By
 * headers, authentication realms, the title of /, and identifying keys in
 * status bodies (JSON or text; HTML pages are not key-scanned, their form
 * fields would only give noise).
 */
#include "probes/disclosure.h"

#include "core/util.h"
#include "net/http.h"
#include "proto/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Unauthenticated status endpoints seen on consumer devices. */
static const char *const status_paths[] = {
	"/status.json", "/status", "/api/status", "/api/system/info", "/cgi-bin/status",
	"/info", "/version", "/device.json",
};

typedef struct scan_arg {
	disc_t *d;
	const service_t *s;
	const char *source;
	const char *path;
} scan_arg_t;

static void
on_key(void *arg, const char *field, const char *key, const char *value)
{
	scan_arg_t *a = arg;
	disc_add(a->d, a->s, &(disc_item_t){ .field = field, .value = value,
	    .source = a->source, .path = a->path, .sr = -1 });
}

static bool
scannable(const http_resp_t *r)
{
	const char *ct = http_resp_header(r, "Content-Type");
	if (ct && strcasestr(ct, "html"))
		return false;
	/* Without a type, a body that starts like markup is a page, not data. */
	size_t i = 0;
	while (i < r->body_len && (r->body[i] == ' ' || r->body[i] == '\r' ||
	    r->body[i] == '\n' || r->body[i] == '\t'))
		i++;
	return !(ct == NULL && i < r->body_len && r->body[i] == '<');
}

static void
headers(disc_t *d, const service_t *s, const http_resp_t *r, const char *path)
{
	char src[128];
	static const char *const names[] = { "Server", "X-Powered-By", "X-AspNet-Version",
		"X-Generator" };
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		const char *v = http_resp_header(r, names[i]);
		if (v == NULL)
			continue;
		snprintf(src, sizeof(src), "%s %s %s", disc_proto(s), path, names[i]);
		disc_add(d, s, &(disc_item_t){
		    .field = disclosure_versioned(v) ? "product-version" : "product",
		    .value = v, .source = src, .path = path, .sr = -1 });
	}
	const char *wa = http_resp_header(r, "WWW-Authenticate");
	char realm[DISC_VALUE_MAX];
	if (wa && disclosure_realm(wa, realm, sizeof(realm))) {
		snprintf(src, sizeof(src), "%s %s WWW-Authenticate", disc_proto(s), path);
		disc_add(d, s, &(disc_item_t){ .field = "realm", .value = realm,
		    .source = src, .path = path, .sr = -1 });
	}
}

/* One GET; false when the service gave no HTTP answer at all. */
static bool
fetch(disc_t *d, const service_t *s, const char *path, bool root, char *why, size_t wlen)
{
	http_client_t cl = {
		.addr = s->addr, .port = s->port, .tls = s->tls, .tls_ctx = d->tls,
		.cancel = d->ctx->cancel, .ev = d->ctx->ev,
	};
	http_resp_t r;
	net_status_t net;
	char err[200];
	d->sources++;
	if (http_request(&cl, "GET", path, disc_deadline(d), &r, &net, err, sizeof(err)) < 0) {
		snprintf(why, wlen, "GET %s: %s", path, err);
		http_resp_clear(&r);
		return false;
	}
	char src[128];
	snprintf(src, sizeof(src), "%s %s", disc_proto(s), path);
	headers(d, s, &r, path);
	bool ok2xx = r.status >= 200 && r.status < 300;
	char title[DISC_VALUE_MAX];
	if (root && ok2xx && html_title(r.body, r.body_len, title, sizeof(title)))
		disc_add(d, s, &(disc_item_t){ .field = "title", .value = title,
		    .source = src, .path = path, .sr = -1 });
	if (!root && ok2xx && scannable(&r)) {
		scan_arg_t a = { d, s, src, path };
		disclosure_scan_keys(r.body, r.body_len, on_key, &a);
	}
	http_resp_clear(&r);
	return true;
}

void
disclosure_http(disc_t *d, const service_t *s)
{
	char why[320] = "", err[200];
	if (s->tls && disc_tls(d, err, sizeof(err)) == NULL) {
		disc_unexamined(d, s, "no TLS context: %s", err);
		return;
	}
	/*
	 * No HTTP answer to / (refused, silent, slow, not HTTP): the status paths
	 * would fare no better, and trying each would cost a read-timeout apiece.
	 */
	if (!fetch(d, s, "/", true, why, sizeof(why))) {
		disc_unexamined(d, s, "%s", why);
		return;
	}
	for (size_t i = 0; i < ARRAY_LEN(status_paths) && !disc_stop(d); i++) {
		char w[320];
		/* A path that hangs or resets may be hiding exactly what is looked for. */
		if (!fetch(d, s, status_paths[i], false, w, sizeof(w)))
			disc_unexamined(d, s, "%s", w);
	}
}
