/*
 * Deciding what a channel carries (channel_facts.h).  The observed checks
 * are deliberately one request each: they only add provisions to a case
 * that is already judged, so a device that does not answer costs no more
 * than a few seconds and changes no verdict.
 */
#include "probes/channel_facts.h"
#include "core/util.h"
#include "net/http.h"
#include "net/sock.h"
#include "net/tls.h"
#include "proto/html_login.h"
#include "proto/ident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOOK_MS 3000	/* one observation */

static bool
http_login(probe_ctx_t *ctx, uint64_t dl, char *how, size_t len)
{
	const service_t *s = ctx->svc;
	http_client_t cl = { .addr = s->addr, .port = s->port, .tls = s->tls, .tls_ctx = ctx->tls,
	    .cancel = ctx->cancel, .ev = ctx->ev, .body_cap = 64 * 1024 };
	if (s->tls && ctx->tls == NULL)
		return false;
	http_resp_t r = { 0 };
	net_status_t net;
	char err[128];
	bool yes = false;
	if (http_request(&cl, "GET", "/", dl, &r, &net, err, sizeof(err)) == 0) {
		if (r.status == 401 && http_resp_header(&r, "WWW-Authenticate")) {
			snprintf(how, len, "observed: HTTP 401 challenge at /");
			yes = true;
		} else if (r.status / 100 == 2 && html_login_page(r.body, r.body_len)) {
			snprintf(how, len, "observed: login page at /");
			yes = true;
		}
	}
	http_resp_clear(&r);
	return yes;
}

/* A broker that refuses a CONNECT without credentials expects them here. */
static bool
mqtt_login(probe_ctx_t *ctx, uint64_t dl, char *how, size_t len)
{
	const service_t *s = ctx->svc;
	if (s->tls && ctx->tls == NULL)
		return false;
	conn_t c;
	if (conn_tcp(&c, s->addr, s->port, dl, ctx->cancel, ctx->ev) != NET_OK)
		return false;
	uint8_t pkt[128], ack[8];
	size_t n = mqtt_connect_build(pkt, sizeof(pkt), "iotcert-probe", NULL, NULL), got = 0;
	size_t have = 0;
	tls_conn_t tc = { 0 };
	char err[128];
	net_status_t st = NET_OK;
	if (s->tls)
		st = tls_connect(ctx->tls, &tc, &c, NULL, dl, err, sizeof(err));
	if (st == NET_OK)
		st = s->tls ? tls_write(&tc, pkt, n, dl) : conn_write(&c, pkt, n, dl);
	while (st == NET_OK && have < 4) {
		st = s->tls ? tls_read(&tc, ack + have, sizeof(ack) - have, &got, dl) :
		    conn_read(&c, ack + have, sizeof(ack) - have, &got, dl);
		have += got;
	}
	tls_close(&tc);
	conn_close(&c);
	/* CONNACK return code 4 (bad user name or password) or 5 (not authorised). */
	if (have >= 4 && ack[0] == 0x20 && ack[1] == 2 && (ack[3] == 4 || ack[3] == 5)) {
		snprintf(how, len, "observed: the broker refuses a CONNECT without credentials");
		return true;
	}
	return false;
}

static bool
has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

void
channel_facts(probe_ctx_t *ctx)
{
	const service_t *s = ctx->svc;
	const dut_commech_t *m = ctx->dut ? dut_commech_for(ctx->dut, s->transport, s->port) : NULL;
	const char *p = s->protocol ? s->protocol : "";
	char how[160] = "none";
	int yes = m ? m->logins : -1;
	if (yes >= 0) {
		snprintf(how, sizeof(how), "declared in the DUT profile (%s:%d)", m->pos.file,
		    m->pos.line);
	} else if (strcmp(p, "ssh") == 0 || strcmp(p, "ftps") == 0 || strcmp(p, "telnets") == 0) {
		yes = 1;
		snprintf(how, sizeof(how), "protocol: %s authenticates its users", p);
	} else {
		for (size_t i = 0; ctx->dut && i < ctx->dut->n_creds && yes < 0; i++)
			if (ctx->dut->creds[i].service && strcmp(ctx->dut->creds[i].service, p) == 0) {
				yes = 1;
				snprintf(how, sizeof(how), "the DUT profile gives credentials for %s", p);
			}
	}
	if (yes < 0) {
		uint64_t dl = deadline_min(ctx->deadline_ms, mono_ms() + LOOK_MS);
		if (has_prefix(p, "http"))
			yes = http_login(ctx, dl, how, sizeof(how));
		else if (has_prefix(p, "mqtt"))
			yes = mqtt_login(ctx, dl, how, sizeof(how));
		else
			yes = 0;
	}
	ev_set_bool(ctx->ev, "carries_logins", yes > 0);
	ev_set_str(ctx->ev, "logins_how", yes > 0 ? how : "none");
	ev_set_bool(ctx->ev, "personal_data", m && m->personal_data);
}

finding_t *
undeclared_crypto(probe_ctx_t *ctx, const char *what, const char *value, const strlist_t *declared)
{
	const service_t *s = ctx->svc;
	char item[200];
	snprintf(item, sizeof(item), "%s:%s", what, value);
	ev_list_push(ctx->ev, "undeclared", item);
	char *list = strlist_join(declared, " ");
	finding_t *f = ev_finding(ctx->ev, "undeclared-crypto", s->transport, s->protocol, s->port,
	    "%s on %s/%d accepts %s %s, which the DUT profile does not declare (it declares %s; "
	    "TS 103 701 5.5-1-2)", s->protocol, s->transport, s->port, what, value, list);
	finding_attr(f, what, "%s", value);
	finding_attr(f, "declared", "%s", list);
	free(list);
	return f;
}
