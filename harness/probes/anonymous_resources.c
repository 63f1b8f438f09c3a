/*
 * anonymous-resources: looks for device functionality that answers a client
 * who never authenticated (EN 303 645 5.5-4, TS 103 701 5.5-4-2), and, when
 * allowed to, for configuration that such a client can change (5.5-5).
 * HTTP(S): a list of admin, configuration and control paths, each judged
 * against a made-up path first so a server that answers everything is not
 * taken for an open one.  CoAP: every resource /.well-known/core lists.
 * Only positive proof counts: content of its own, answered with success.
 * This file holds the probe table, the recording helpers and the dispatch;
 * the protocols live in anonymous_http.c and anonymous_coap.c.
 */
#include "probes/anonymous.h"

#include "core/util.h"
#include "net/sock.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const param_spec_t params[] = {
	{ "paths", VT_LIST, NULL, true, "HTTP(S): device-function paths to request (default: a list of admin, configuration and control endpoints seen on consumer devices)" },
	{ "read-timeout", VT_INT, "3000", true, "milliseconds allowed for each request" },
	{ "separate-wait", VT_INT, "10000", true, "CoAP over UDP: milliseconds to wait for a separate response once the server has acknowledged the request" },
	{ "try-write", VT_BOOL, "false", true, "CoAP: PUT each readable resource's own representation back (a 2.04 proves unauthenticated configuration, 5.5-5); off, the device's state is never touched" },
	{ NULL, 0, NULL, false, NULL },
};

static const field_spec_t fields[] = {
	{ "anonymous", VT_BOOL, "some device function answered without authentication" },
	{ "resources", VT_LIST, "the paths or CoAP resources that answered without authentication" },
	{ "writable", VT_LIST, "of those, the CoAP resources that accepted a write without authentication" },
	{ "protected", VT_LIST, "paths or resources that asked for authentication (HTTP 401/403/407, CoAP 4.01/4.03)" },
	{ "answers", VT_LIST, "every request and how it was judged, as \"/admin 401 protected\"" },
	{ "checked", VT_INT, "paths or resources that answered (the made-up path and /.well-known/core not counted)" },
	{ "catch_all", VT_BOOL, "HTTP: the server answers a made-up path with success" },
	{ "unexamined", VT_LIST, "paths or resources that got no usable answer, with the reason" },
	{ NULL, 0, NULL },
};

uint64_t
anon_deadline(const anon_t *a)
{
	return deadline_min(mono_ms() + a->read_ms, a->ctx->deadline_ms);
}

bool
anon_stop(anon_t *a)
{
	if ((a->ctx->cancel && *a->ctx->cancel) || mono_ms() >= a->ctx->deadline_ms)
		a->out_of_time = true;
	return a->out_of_time;
}

void
anon_random(uint8_t *out, size_t n)
{
	FILE *f = fopen("/dev/urandom", "rb");
	size_t got = f ? fread(out, 1, n, f) : 0;
	if (f)
		fclose(f);
	/* Without urandom the clock still makes a path no device has. */
	for (size_t i = got; i < n; i++)
		out[i] = (uint8_t)(mono_ms() >> (8 * (i % 8)) ^ (i * 151));
}

void
anon_answer(anon_t *a, const char *target, const char *status, const char *what)
{
	char *item = xasprintf("%s %s %s", target, status, what);
	ev_list_push(a->ctx->ev, "answers", item);
	free(item);
}

void
anon_protected(anon_t *a, const char *target)
{
	ev_list_push(a->ctx->ev, "protected", target);
}

void
anon_unexamined(anon_t *a, const char *fmt, ...)
{
	char why[512];	/* a reason, not a transcript: longer ones are cut */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	ev_list_push(a->ctx->ev, "unexamined", why);
}

void
anon_open(anon_t *a, const anon_hit_t *h)
{
	const service_t *s = a->ctx->svc;
	evidence_t *ev = a->ctx->ev;
	ev_set_bool(ev, "anonymous", true);
	ev_list_push(ev, "resources", h->target);
	finding_t *f;
	if (h->writable > 0) {
		ev_list_push(ev, "writable", h->target);
		f = ev_finding(ev, "anonymous-access", s->transport, s->protocol, s->port,
		    "%s on %s/%d lets anyone read %s (%s, %zu bytes) and write it (%s to a "
		    "PUT of its own value): configuration changes without authentication "
		    "(EN 303 645 5.5-5)", s->protocol, s->transport, s->port, h->target,
		    h->status, h->bytes, h->write_status);
	} else {
		f = ev_finding(ev, "anonymous-access", s->transport, s->protocol, s->port,
		    "%s on %s/%d answers %s %s with %s (%s, %zu bytes) without any "
		    "authentication", s->protocol, s->transport, s->port, h->method,
		    h->target, h->status, h->ctype && *h->ctype ? h->ctype : "no content type",
		    h->bytes);
	}
	finding_attr(f, h->attr, "%s", h->target);
	finding_attr(f, "method", "%s", h->writable > 0 ? "PUT" : h->method);
	finding_attr(f, "status", "%s", h->writable > 0 ? h->write_status : h->status);
	if (h->ctype && *h->ctype)
		finding_attr(f, "content-type", "%s", h->ctype);
	finding_attr(f, "bytes", "%zu", h->bytes);
	if (h->writable >= 0)
		finding_attr(f, "writable", "%s", h->writable ? "true" : "false");
}

static probe_status_t
run(probe_ctx_t *ctx)
{
	const service_t *s = ctx->svc;
	evidence_t *ev = ctx->ev;
	long long rt = step_int(ctx, "read-timeout");
	long long sw = step_int(ctx, "separate-wait");
	if (rt < 1 || rt > 600000 || sw < 1 || sw > 600000)
		return probe_fail(ctx, PROBE_ERROR, "read-timeout and separate-wait must be "
		    "1..600000 ms");
	anon_t a = { .ctx = ctx, .read_ms = (unsigned)rt };
	ev_set_bool(ev, "anonymous", false);
	ev_list_init(ev, "resources");
	ev_list_init(ev, "writable");
	ev_list_init(ev, "protected");
	ev_list_init(ev, "answers");
	ev_list_init(ev, "unexamined");
	ev_set_bool(ev, "catch_all", false);
	ev_set_int(ev, "checked", 0);

	probe_status_t st;
	if (strcmp(s->protocol, "http") == 0 || strcmp(s->protocol, "https") == 0)
		st = anonymous_http(&a);
	else if (strcmp(s->protocol, "coap") == 0)
		st = anonymous_coap(&a);
	else
		return probe_fail(ctx, PROBE_ERROR, "anonymous-resources examines http, https "
		    "and coap services, not %s", s->protocol);
	ev_set_int(ev, "checked", a.checked);
	if (st != PROBE_OK || ev_get(ev, "resources")->n_items > 0)
		return st;	/* an open resource decides, whatever else failed */
	/* Without one, anything left unexamined leaves absence unproven. */
	if (a.out_of_time)
		return probe_fail(ctx, PROBE_INCONCLUSIVE, "the step's time ran out after %lld "
		    "requests on %s/%d, before every resource was examined", a.checked,
		    s->transport, s->port);
	const value_t *un = ev_get(ev, "unexamined");
	if (un->n_items) {
		char *what = value_to_text(un);
		st = probe_fail(ctx, PROBE_INCONCLUSIVE, "%zu request(s) got no usable answer: %s",
		    un->n_items, what);
		free(what);
	}
	return st;
}

const probe_kind_t probe_anonymous_resources = {
	.name = "anonymous-resources",
	.summary = "look for HTTP(S) and CoAP device functions that answer without authentication",
	.scope = SCOPE_SERVICE,
	.params = params,
	.fields = fields,
	.run = run,
};
