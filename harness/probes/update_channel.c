/*
 * update-channel (EN 303 645 5.3-2, 5.3-10; TS 103 701 5.3-2-2): the
 * servers the DUT profile says the device fetches updates from (IXIT
 * 7-UpdMech, `update:`) looked up among the endpoints the device itself
 * talked to during the capture, and the protocol each was reached over
 * held to the stated one.  "There is no indication that the device
 * differs from its IXIT" is the TS's functional pass: a stated server
 * reached over another protocol FAILs, and so does update traffic in
 * cleartext when nothing is stated to verify the image, since then nothing
 * protects it.  Endpoints named like update services that the IXIT does
 * not list are recorded for the assessor (completeness), not judged: a
 * name is a hint, not proof.  Sends nothing.
 */
#include "probes/update_channel.h"

#include "core/util.h"
#include "passive/passive.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const field_spec_t update_channel_fields[] = {
	{ "servers", VT_LIST, "update servers the DUT profile states for network delivery" },
	{ "observed", VT_LIST, "stated servers the device reached: \"name(address):port/transport protocol\"" },
	{ "not_observed", VT_LIST, "stated servers the capture does not show the device reaching" },
	{ "differs", VT_LIST, "stated servers reached over another protocol than the IXIT states" },
	{ "unprotected", VT_LIST, "update traffic in cleartext with no image verification stated" },
	{ "suspects", VT_LIST, "endpoints named like update services the IXIT does not list" },
	{ NULL, 0, NULL },
};

/* The application protocol the passive classifier reports for a stated one;
 * NULL: any. */
static const char *
expected_app(const char *protocol)
{
	static const struct { const char *stated, *app; } map[] = {
		{ "https", "tls" }, { "http", "http" }, { "mqtts", "tls" }, { "mqtt", "mqtt" },
		{ "coaps", "dtls" }, { "coap", "coap" },
	};
	for (size_t i = 0; protocol && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(protocol, map[i].stated) == 0)
			return map[i].app;
	return NULL;
}

static bool
cleartext_app(const char *app)
{
	return app && (strcmp(app, "http") == 0 || strcmp(app, "mqtt") == 0 ||
	    strcmp(app, "coap") == 0);
}

/* Whether name `want` is among the space-separated `names` (DNS names compare
 * without case and a trailing dot). */
static bool
names_have(const char *names, const char *want)
{
	size_t wl = strlen(want);
	if (wl && want[wl - 1] == '.')
		wl--;
	for (const char *p = names; p && *p;) {
		size_t l = strcspn(p, " ");
		size_t nl = l && p[l - 1] == '.' ? l - 1 : l;
		if (nl == wl && strncasecmp(p, want, wl) == 0)
			return true;
		p += l;
		p += strspn(p, " ");
	}
	return false;
}

static bool
endpoint_is(const finding_t *f, const char *server)
{
	const char *addr = finding_get(f, "address");
	return (addr && strcasecmp(addr, server) == 0) ||
	    names_have(finding_get(f, "names"), server);
}

static bool
outbound_endpoint(const finding_t *f)
{
	const char *dir = finding_get(f, "direction");
	return strcmp(f->kind, "endpoint") == 0 && dir && strcmp(dir, "outbound") == 0;
}

/* "name(address):port/transport" as the endpoints analyzer writes it, by
 * `name` (the stated server it matched) or else the endpoint's own. */
static char *
endpoint_text(const finding_t *f, const char *name)
{
	const char *addr = finding_get(f, "address");
	const char *host = name ? name : finding_get(f, "host");
	const char *tr = f->transport ? f->transport : "?";
	if (host && addr && strcasecmp(host, addr) != 0)
		return xasprintf("%s(%s):%d/%s", host, addr, f->port, tr);
	return xasprintf("%s:%d/%s", addr ? addr : "?", f->port, tr);
}

static bool
stated_anywhere(const dut_t *d, const finding_t *f)
{
	for (size_t i = 0; i < d->n_updmech; i++)
		for (size_t k = 0; k < d->updmech[i].servers.n; k++)
			if (endpoint_is(f, d->updmech[i].servers.v[k]))
				return true;
	return false;
}

/* Named like an update service: a label (between dots, dashes or spaces)
 * that is one of these words. */
static bool
update_like(const char *names)
{
	static const char *const words[] = { "update", "updates", "firmware", "fw", "ota",
		"fota", "upgrade", "upgrades" };
	for (const char *p = names; p && *p;) {
		size_t l = strcspn(p, ".- ");
		for (size_t i = 0; l && i < sizeof(words) / sizeof(words[0]); i++)
			if (strlen(words[i]) == l && strncasecmp(p, words[i], l) == 0)
				return true;
		p += l;
		p += strspn(p, ".- ");
	}
	return false;
}

/* One stated server of mechanism u against every outbound endpoint. */
static bool
judge_server(const dut_updmech_t *u, const char *server, const evidence_t *eps,
    evidence_t *out)
{
	bool seen = false;
	const char *want = expected_app(u->protocol);
	bool verified = u->authenticity && strcmp(u->authenticity, "signature") == 0;
	for (size_t i = 0; eps && i < eps->n_findings; i++) {
		const finding_t *f = &eps->findings[i];
		if (!outbound_endpoint(f) || !endpoint_is(f, server))
			continue;
		seen = true;
		const char *app = f->protocol && strcmp(f->protocol, "unknown") != 0 ? f->protocol : NULL;
		char *ep = endpoint_text(f, server);
		char *item = xasprintf("%s %s", ep, app ? app : "unknown");
		ev_list_push(out, "observed", item);
		bool differs = want && (app == NULL || strcmp(app, want) != 0);
		bool bare = cleartext_app(app) && !verified;
		finding_t *fd = ev_finding(out, "update-channel", f->transport, app, f->port,
		    "%s: the device reached its update server %s over %s%s%s%s", u->id, ep,
		    app ? app : "an unrecognised protocol",
		    differs ? ", not the " : "", differs ? u->protocol : "",
		    differs ? " its IXIT states" : "");
		finding_attr(fd, "severity", "%s", differs || bare ? "high" : "note");
		finding_attr(fd, "ixit", "%s", u->id);
		finding_attr(fd, "server", "%s", server);
		if (u->protocol)
			finding_attr(fd, "stated-protocol", "%s", u->protocol);
		const char *frame = finding_get(f, "frame");
		if (frame)
			finding_attr(fd, "frame", "%s", frame);
		if (differs) {
			char *d = xasprintf("%s over %s (%s states %s)", ep, app ? app : "unknown",
			    u->id, u->protocol);
			ev_list_push(out, "differs", d);
			free(d);
		}
		if (bare) {
			char *b = xasprintf("%s over %s, no image verification stated (%s)", ep,
			    app, u->id);
			ev_list_push(out, "unprotected", b);
			free(b);
		}
		free(item);
		free(ep);
	}
	return seen;
}

probe_status_t
update_channel_judge(const dut_t *d, const evidence_t *eps, evidence_t *out, char *reason,
    size_t reason_len)
{
	static const char *const lists[] = { "servers", "observed", "not_observed", "differs",
		"unprotected", "suspects" };
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		ev_list_init(out, lists[i]);
	if (d == NULL) {
		snprintf(reason, reason_len, "no DUT profile: the update servers are stated in "
		    "its `update:` section (IXIT 7-UpdMech)");
		return PROBE_INCONCLUSIVE;
	}
	size_t stated = 0, seen = 0, network = 0;
	for (size_t i = 0; i < d->n_updmech; i++) {
		const dut_updmech_t *u = &d->updmech[i];
		if (u->delivery == NULL || strcmp(u->delivery, "network") != 0)
			continue;
		network++;
		for (size_t k = 0; k < u->servers.n; k++) {
			stated++;
			ev_list_push(out, "servers", u->servers.v[k]);
			if (judge_server(u, u->servers.v[k], eps, out))
				seen++;
			else
				ev_list_push(out, "not_observed", u->servers.v[k]);
		}
	}
	for (size_t i = 0; eps && i < eps->n_findings; i++) {
		const finding_t *f = &eps->findings[i];
		if (!outbound_endpoint(f) || !update_like(finding_get(f, "names")) ||
		    stated_anywhere(d, f))
			continue;
		char *ep = endpoint_text(f, NULL);
		ev_list_push(out, "suspects", ep);
		finding_t *fd = ev_finding(out, "undeclared-update-endpoint", f->transport,
		    f->protocol, f->port, "The device reached %s, named like an update service, "
		    "which the IXIT's update section does not list", ep);
		finding_attr(fd, "severity", "note");
		free(ep);
	}
	if (d->n_updmech == 0)
		snprintf(reason, reason_len, "the DUT profile states no update mechanism "
		    "(`update:`, IXIT 7-UpdMech): nothing to compare the traffic with");
	else if (network == 0)
		snprintf(reason, reason_len, "the DUT profile states no network update "
		    "mechanism: local delivery is for an assessor to examine");
	else if (stated == 0)
		snprintf(reason, reason_len, "the network update mechanism states no servers: "
		    "nothing to look for in the capture");
	else if (seen == 0)
		snprintf(reason, reason_len, "none of the %zu stated update server%s appears in "
		    "the capture: let the device check for updates while capturing (--observe)",
		    stated, stated == 1 ? "" : "s");
	else
		return PROBE_OK;
	return PROBE_INCONCLUSIVE;
}

static probe_status_t
run(probe_ctx_t *ctx)
{
	if (ctx->passive == NULL)
		return probe_fail(ctx, PROBE_INCONCLUSIVE, "%s", ctx->passive_note ?
		    ctx->passive_note : "there is no capture to analyse");
	const evidence_t *eps = pv_run_evidence(ctx->passive, "endpoints");
	if (eps == NULL)
		return probe_fail(ctx, PROBE_ERROR, "no passive analyzer 'endpoints'");
	char why[512] = "";
	probe_status_t st = update_channel_judge(ctx->dut, eps, ctx->ev, why, sizeof(why));
	return st == PROBE_OK ? st : probe_fail(ctx, st, "%s", why);
}

const probe_kind_t probe_update_channel = {
	.name = "update-channel",
	.summary = "the update servers the IXIT states, found in the capture, reached over the stated protocol",
	.scope = SCOPE_CAPTURE,
	.params = (const param_spec_t[]){ { NULL, 0, NULL, false, NULL } },
	.fields = update_channel_fields,
	.run = run,
};
