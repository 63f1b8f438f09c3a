/*
 * HTTP(S) side of anonymous-resources: GETs a made-up path first, then each
 * device-function path, without credentials and without following
 * redirects, and records every path whose answer anon_http_judge takes as
 * proof.  A public page is never a finding: only the listed function paths
 * are asked for, and "/" is not among them.
 */
#include "probes/anonymous.h"

#include "core/util.h"
#include "net/tls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Read-only configuration, status and control endpoints that public
 * advisories found answering without a login on consumer devices: generic
 * REST APIs of device firmware, the Cisco RV320/RV325 configuration export
 * (CVE-2019-1653), GoAhead "Wificam" cameras' system.ini (CVE-2017-8225),
 * the Hikvision configuration file (CVE-2017-7921), Foscam-style CGI
 * parameter dumps, ZyNOS/RomPager rom-0 backups, Dahua account files, Axis
 * VAPIX parameter lists, and the admin paths the default-credentials probe
 * also tries.  None names an action (reboot, reset, upgrade): a GET on a
 * device is not always harmless.
 */
static const char *const default_paths[] = {
	"/api/config", "/api/v1/device", "/api/settings", "/config", "/admin",
	"/management", "/setup.cgi", "/cgi-bin/config.cgi", "/cgi-bin/config.exp",
	"/system.ini", "/get_params.cgi", "/rom-0", "/System/configurationFile",
	"/current_config/Account1", "/axis-cgi/param.cgi?action=list", "/cgi-bin/luci",
};

#define ANON_BODY_CAP (64u * 1024)	/* enough to compare pages and to see a form */
#define ANON_GIVE_UP 3			/* unanswered requests in a row */

typedef struct walk {
	anon_t *a;
	http_client_t cl;
	char canary_path[48];
	http_resp_t canary;
} walk_t;

/* One GET; -1 (why filled) when no usable HTTP answer came. */
static int
get(walk_t *w, const char *path, http_resp_t *r, char *why, size_t wlen)
{
	net_status_t net;
	char err[200];
	if (http_request(&w->cl, "GET", path, anon_deadline(w->a), r, &net, err, sizeof(err)) < 0) {
		snprintf(why, wlen, "GET %s: %s", path, err);
		return -1;
	}
	if (!r->complete && !r->truncated) {
		snprintf(why, wlen, "GET %s: the answer (%d) was cut short", path, r->status);
		return -1;
	}
	return 0;
}

static bool
valid_path(const char *p)
{
	if (p[0] != '/' || strlen(p) > 1024)
		return false;
	for (; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return false;
	return true;
}

static void
judge(walk_t *w, const char *path, const http_resp_t *r)
{
	anon_t *a = w->a;
	anon_http_t v = anon_http_judge(r, path, &w->canary, w->canary_path);
	char status[16];
	snprintf(status, sizeof(status), "%d", r->status);
	anon_answer(a, path, status, anon_http_str(v));
	if (v == ANON_HTTP_PROTECTED)
		anon_protected(a, path);
	if (v != ANON_HTTP_OPEN)
		return;
	anon_open(a, &(anon_hit_t){ .attr = "path", .target = path, .method = "GET",
	    .status = status, .ctype = http_resp_header(r, "Content-Type"),
	    .bytes = r->body_len, .writable = -1 });
}

static probe_status_t
walk(walk_t *w, const value_t *list)
{
	anon_t *a = w->a;
	size_t n = list ? list->n_items : ARRAY_LEN(default_paths);
	for (size_t i = 0; i < n; i++) {
		const char *p = list ? list->items[i] : default_paths[i];
		if (!valid_path(p))
			return probe_fail(a->ctx, PROBE_ERROR, "paths: \"%s\" is not an absolute "
			    "path of printable ASCII without blanks", p);
	}
	uint8_t rnd[8];
	anon_random(rnd, sizeof(rnd));
	snprintf(w->canary_path, sizeof(w->canary_path), "/iotcert-%02x%02x%02x%02x%02x%02x%02x%02x",
	    rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	char why[320];
	/* No answer to a plain GET: the paths would fare no better, each costing a wait. */
	if (get(w, w->canary_path, &w->canary, why, sizeof(why)) < 0)
		return probe_fail(a->ctx, PROBE_INCONCLUSIVE, "no usable HTTP answer from %s/%d "
		    "(%s): nothing could be examined", a->ctx->svc->transport, a->ctx->svc->port, why);
	bool catch_all = w->canary.status >= 200 && w->canary.status < 300;
	ev_set_bool(a->ctx->ev, "catch_all", catch_all);
	char cs[16];
	snprintf(cs, sizeof(cs), "%d", w->canary.status);
	anon_answer(a, w->canary_path, cs, catch_all ? "made-up path answered" : "made-up path");
	int silent = 0;
	for (size_t i = 0; i < n && !anon_stop(a); i++) {
		const char *p = list ? list->items[i] : default_paths[i];
		http_resp_t r;
		int rc = get(w, p, &r, why, sizeof(why));
		if (rc == 0) {
			a->checked++;
			judge(w, p, &r);
		}
		http_resp_clear(&r);
		if (rc == 0) {
			silent = 0;
			continue;
		}
		anon_unexamined(a, "%s", why);
		if (++silent == ANON_GIVE_UP && i + 1 < n) {
			anon_unexamined(a, "%zu more paths not requested after %d unanswered "
			    "in a row", n - i - 1, ANON_GIVE_UP);
			break;
		}
	}
	return PROBE_OK;
}

probe_status_t
anonymous_http(anon_t *a)
{
	const service_t *s = a->ctx->svc;
	tls_ctx_t *tls = a->ctx->tls, *own = NULL;
	char err[200];
	if (s->tls && tls == NULL) {
		tls = own = tls_ctx_new(err, sizeof(err));
		if (tls == NULL)
			return probe_fail(a->ctx, PROBE_ERROR, "no TLS context: %s", err);
	}
	walk_t w = { .a = a, .cl = { .addr = s->addr, .port = s->port, .tls = s->tls,
	    .tls_ctx = tls, .cancel = a->ctx->cancel, .ev = a->ctx->ev,
	    .body_cap = ANON_BODY_CAP } };
	const value_t *list = step_param(a->ctx->step, "paths");
	probe_status_t st = walk(&w, list && list->type == VT_LIST ? list : NULL);
	http_resp_clear(&w.canary);
	tls_ctx_free(own);
	return st;
}
