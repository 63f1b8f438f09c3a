/*
 * cleartext-login: does a service offer a login or administration surface
 * without TLS?  Telnet and shells: the prompt after option negotiation.  HTTP:
 * a Basic/Digest challenge, or a page html_login_page() takes for a login (a
 * password input outside comments, or a title naming a login).  FTP: its
 * USER/PASS greeting.  MQTT: a broker that demands credentials over plain TCP.
 * EN 303 645 5.5-1 / 5.5-7: the credentials would travel in clear.
 */
#include "core/probe.h"
#include "core/util.h"
#include "net/http.h"
#include "net/sock.h"
#include "proto/html_login.h"
#include "proto/ident.h"
#include "proto/telnet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RESP_MAX (64 * 1024)

static const param_spec_t params[] = {
	{ "path", VT_STR, "/admin", true, "HTTP path tried besides / for a login" },
	{ "read-timeout", VT_INT, "3000", true, "milliseconds to wait for a prompt or answer" },
	{ NULL, 0, NULL, false, NULL },
};

static const field_spec_t fields[] = {
	{ "tls", VT_BOOL, "the service is wrapped in TLS" },
	{ "login_surface", VT_BOOL, "a login or admin surface was seen" },
	{ "cleartext_login", VT_BOOL, "a login surface is exposed without TLS" },
	{ "surface", VT_STR, "what was seen (\"telnet login prompt\", ...)" },
	{ "unauthenticated_shell", VT_BOOL, "a shell prompt was offered with no login" },
	{ NULL, 0, NULL },
};

static uint64_t
wait_deadline(probe_ctx_t *ctx)
{
	return deadline_min(mono_ms() + (uint64_t)step_int(ctx, "read-timeout"), ctx->deadline_ms);
}

/* Telnet or a raw shell: negotiate, then read text until a prompt shows. */
static probe_status_t
check_prompt(probe_ctx_t *ctx, const char **surface, bool *shell)
{
	const service_t *s = ctx->svc;
	conn_t c;
	uint64_t dl = wait_deadline(ctx);
	net_status_t st = conn_tcp(&c, s->addr, s->port, dl, ctx->cancel, ctx->ev);
	if (st != NET_OK)
		return probe_fail(ctx, PROBE_INCONCLUSIVE, "cannot connect to %s/%d: %s",
		    s->transport, s->port, net_status_str(st));
	telnet_state_t ts = { 0 };
	uint8_t in[2048], reply[256];
	uint8_t *text = xcalloc(RESP_MAX, 1);
	size_t tlen = 0;
	*surface = NULL;
	while (*surface == NULL) {
		size_t got, add, rl;
		st = conn_read(&c, in, sizeof(in), &got, dl);
		if (st != NET_OK)
			break;
		telnet_feed(&ts, in, got, text + tlen, RESP_MAX - tlen, &add, reply,
		    sizeof(reply), &rl);
		tlen += add;
		if (rl && conn_write(&c, reply, rl, dl) != NET_OK)
			break;
		if (mem_has_ci(text, tlen, "login:") || mem_has_ci(text, tlen, "username:") ||
		    mem_has_ci(text, tlen, "user name:"))
			*surface = "telnet login prompt";
		else if (mem_has_ci(text, tlen, "password:"))
			*surface = "password prompt";
		else if (ends_with_shell_prompt(text, tlen)) {
			*surface = "shell prompt without authentication";
			*shell = true;
		}
		if (tlen >= RESP_MAX)
			break;
	}
	conn_close(&c);
	free(text);
	if (*surface)
		return PROBE_OK;
	if (tlen >= RESP_MAX)
		return probe_fail(ctx, PROBE_INCONCLUSIVE,
		    "no login or shell prompt in the first %zu bytes of text (read no further)",
		    tlen);
	if (st == NET_TIMEOUT)
		return probe_fail(ctx, PROBE_INCONCLUSIVE,
		    "no login or shell prompt within %lld ms (%zu bytes of text)",
		    step_int(ctx, "read-timeout"), tlen);
	return probe_fail(ctx, PROBE_INCONCLUSIVE,
	    "no login or shell prompt before the connection ended: %s (%zu bytes of text)",
	    net_status_str(st), tlen);
}

/* Fetches one path; returns the response head+body (capped) in buf. */
static net_status_t
http_get(probe_ctx_t *ctx, const char *path, uint8_t *buf, size_t cap, size_t *len)
{
	const service_t *s = ctx->svc;
	conn_t c;
	uint64_t dl = wait_deadline(ctx);
	*len = 0;
	net_status_t st = conn_tcp(&c, s->addr, s->port, dl, ctx->cancel, ctx->ev);
	if (st != NET_OK)
		return st;
	char req[512];
	int rl = snprintf(req, sizeof(req),
	    "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: iotcert\r\nConnection: close\r\n\r\n",
	    path, s->addr->text);
	st = conn_write(&c, req, (size_t)rl, dl);
	while (st == NET_OK && *len < cap) {
		size_t got;
		st = conn_read(&c, buf + *len, cap - *len, &got, dl);
		*len += got;
	}
	conn_close(&c);
	if (*len > 0)
		return NET_OK;	/* closed, capped or slow: judge what arrived */
	return st == NET_OK ? NET_CLOSED : st;
}

static probe_status_t
check_http(probe_ctx_t *ctx, const char **surface, char *what, size_t wlen)
{
	const char *extra = step_str(ctx, "path");
	const char *paths[] = { "/", extra && strcmp(extra, "/") ? extra : NULL };
	uint8_t *buf = xcalloc(RESP_MAX, 1);
	size_t answered = 0;
	net_status_t last = NET_OK;
	*surface = NULL;
	for (size_t i = 0; i < 2 && *surface == NULL; i++) {
		if (paths[i] == NULL)
			continue;
		size_t len;
		last = http_get(ctx, paths[i], buf, RESP_MAX, &len);
		int code = last == NET_OK ? http_status(buf, len) : -1;
		if (code < 0)
			continue;
		answered++;
		/* Only the body is HTML: a head cut off by the cap leaves none. */
		size_t head = http_head_end(buf, len);
		if (head == 0)
			head = len;
		char hv[256];
		if (code == 401 && http_header(buf, len, "WWW-Authenticate", hv, sizeof(hv))) {
			snprintf(what, wlen, "HTTP %s challenge at %s", hv, paths[i]);
			*surface = what;
		} else if (code / 100 == 2 && html_login_page(buf + head, len - head)) {
			snprintf(what, wlen, "HTML password form at %s", paths[i]);
			*surface = what;
		}
	}
	free(buf);
	if (answered == 0)
		return probe_fail(ctx, PROBE_INCONCLUSIVE,
		    "no valid HTTP response from %s/%d: %s", ctx->svc->transport,
		    ctx->svc->port, last == NET_OK ? "not HTTP" : net_status_str(last));
	return PROBE_OK;
}

static probe_status_t
check_mqtt(probe_ctx_t *ctx, const char **surface)
{
	const service_t *s = ctx->svc;
	conn_t c;
	uint64_t dl = wait_deadline(ctx);
	*surface = NULL;
	net_status_t st = conn_tcp(&c, s->addr, s->port, dl, ctx->cancel, ctx->ev);
	if (st != NET_OK)
		return probe_fail(ctx, PROBE_INCONCLUSIVE, "cannot connect: %s", net_status_str(st));
	uint8_t pkt[128], ack[8];
	size_t n = mqtt_connect_build(pkt, sizeof(pkt), "iotcert-probe", NULL, NULL);
	size_t got = 0, len = 0;
	st = conn_write(&c, pkt, n, dl);
	while (st == NET_OK && len < 4) {
		st = conn_read(&c, ack + len, sizeof(ack) - len, &got, dl);
		len += got;
	}
	conn_close(&c);
	if (len < 4 || ack[0] != 0x20 || ack[1] != 2)
		return probe_fail(ctx, PROBE_INCONCLUSIVE,
		    "no valid MQTT CONNACK (%zu bytes, %s)", len, net_status_str(st));
	/* 4 bad user name or password, 5 not authorised: credentials are expected. */
	if (ack[3] == 4 || ack[3] == 5)
		*surface = "MQTT CONNECT with username/password over plain TCP";
	return PROBE_OK;
}

static probe_status_t
run(probe_ctx_t *ctx)
{
	const service_t *s = ctx->svc;
	ev_set_bool(ctx->ev, "tls", s->tls);
	ev_set_bool(ctx->ev, "unauthenticated_shell", false);
	ev_set_bool(ctx->ev, "login_surface", false);
	ev_set_bool(ctx->ev, "cleartext_login", false);
	ev_set_str(ctx->ev, "surface", "");
	if (s->tls)
		return PROBE_OK;	/* the channel is encrypted; its quality is another case */

	const char *surface = NULL;
	char what[384];
	bool shell = false;
	probe_status_t st = PROBE_OK;
	const char *p = s->protocol;
	if (strcmp(p, "telnet") == 0 || strcmp(p, "debug-shell") == 0)
		st = check_prompt(ctx, &surface, &shell);
	else if (strcmp(p, "http") == 0)
		st = check_http(ctx, &surface, what, sizeof(what));
	else if (strcmp(p, "ftp") == 0)
		surface = "FTP USER/PASS login";
	else if (strcmp(p, "mqtt") == 0)
		st = check_mqtt(ctx, &surface);
	else if (strcmp(p, "snmp") == 0)	/* discovery only finds it by a v1/v2c answer */
		surface = "SNMP v1/v2c: the community string (its password) in cleartext";
	if (st != PROBE_OK)
		return st;
	if (surface) {
		ev_set_bool(ctx->ev, "login_surface", true);
		ev_set_bool(ctx->ev, "cleartext_login", true);
		ev_set_bool(ctx->ev, "unauthenticated_shell", shell);
		ev_set_str(ctx->ev, "surface", surface);
		finding_t *f = ev_finding(ctx->ev, shell ? "unauthenticated-shell" : "cleartext-login",
		    s->transport, s->protocol, s->port, "%s on %s/%d without TLS", surface,
		    s->transport, s->port);
		finding_attr(f, "surface", "%s", surface);
	}
	return PROBE_OK;
}

const probe_kind_t probe_cleartext_login = {
	.name = "cleartext-login",
	.summary = "look for a login or admin surface offered without TLS",
	.scope = SCOPE_SERVICE,
	.params = params,
	.fields = fields,
	.run = run,
};
