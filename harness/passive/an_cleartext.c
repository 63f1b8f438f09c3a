/*
 * Passive analyzer "cleartext" (EN 303 645 5.5-1, TS 103 701 5.5-1-x): every
 * application protocol the DUT speaks in cleartext, as client or server,
 * with one finding per (protocol, role, remote endpoint, service port).
 *
 * Cleartext: the classified protocols whose payload anyone on the path can
 * read — http, mqtt, coap, telnet, ftp, snmp (v1/v2c, and v3 without
 * privacy), rtsp — plus "unknown-text": a flow no classifier recognised
 * whose first bytes are almost all printable ASCII (a line protocol such as
 * SMTP or a vendor command channel, or JSON over a bare socket).  Unknown
 * binary flows are not reported: they may well be encrypted, and claiming
 * otherwise would be a guess.  tls, dtls and ssh are not cleartext.
 *
 * dns, mdns, ssdp, ntp and dhcp are infrastructure: every networked device
 * needs them and on most networks there is no encrypted alternative it could
 * be expected to use (DoT/DoH, NTS and secure discovery are not yet baseline
 * practice), so reporting them as plain failures would make every device
 * fail 5.5-1 for its network stack rather than its design.  They are still
 * recorded, in the separate field `infrastructure`, and as findings with
 * severity="note", so a lab can see them and judge.
 */
#include "passive/analyzer.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "passive/cred_parse.h"
#include "passive/pd_util.h"

#define CT_MAX_FINDINGS 1000	/* distinct endpoints reported; the rest counted */
#define CT_SAMPLE 512		/* bytes per direction judged for "unknown-text" */
#define CT_SNMP_LOOK 16		/* datagrams of a flow checked for SNMPv3 privacy */

const field_spec_t pv_cleartext_fields[] = {
	{ "protocols", VT_LIST, "cleartext application protocols the DUT speaks, as "
	    "\"protocol/role\" (role: client or server), infrastructure left out" },
	{ "flows", VT_INT, "DUT flows carrying those protocols" },
	{ "infrastructure", VT_LIST, "cleartext infrastructure protocols (dns, mdns, ssdp, "
	    "ntp, dhcp) as \"protocol/role\"; reported as notes" },
	{ "infrastructure_flows", VT_INT, "DUT flows carrying infrastructure protocols" },
	{ "unreported", VT_INT, "cleartext endpoints beyond the finding cap, counted only" },
	{ NULL, 0, NULL },
};

static const char *const cleartext_apps[] = {
	"http", "mqtt", "coap", "telnet", "ftp", "snmp", "rtsp",
};
static const char *const infra_apps[] = {
	"dns", "mdns", "ssdp", "ntp", "dhcp",
};

typedef struct ct_flow {
	uint32_t seen, printable;	/* of the first CT_SAMPLE bytes per direction */
	uint16_t sampled[2];
	uint8_t snmp_looked;
	bool snmp_clear;	/* a v1/v2c or v3-without-privacy message */
	bool snmp_priv;		/* a v3 message with privacy */
} ct_flow_t;

typedef struct ct_ent {
	char proto[16];
	bool infra, server;	/* server: the DUT is the server of these flows */
	char host[64];
	uint16_t port;
	uint8_t ipproto;
	uint64_t frame, packets, bytes, flows;
} ct_ent_t;

typedef struct ct_run {
	ct_ent_t *v;
	size_t n, cap;
	uint64_t flows, infra_flows, unreported;
} ct_run_t;

static void *
ct_new(const pv_ctx_t *cx)
{
	(void)cx;
	return xcalloc(1, sizeof(ct_run_t));
}

static void
ct_free(void *rs)
{
	ct_run_t *r = rs;
	if (r == NULL)
		return;
	free(r->v);
	free(r);
}

static bool
in_list(const char *s, const char *const *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, l[i]) == 0)
			return true;
	return false;
}

static bool
is_text(uint8_t b)
{
	return (b >= 0x20 && b < 0x7f) || b == '\r' || b == '\n' || b == '\t';
}

static void
ct_data(const pv_ctx_t *cx, void *rs, pv_flow_t *f, void *fs, pv_dir_t dir,
    const uint8_t *p, size_t n, uint64_t frame)
{
	ct_flow_t *st = fs;
	(void)cx;
	(void)rs;
	(void)frame;
	for (size_t i = 0; i < n && st->sampled[dir] < CT_SAMPLE; i++, st->sampled[dir]++) {
		st->seen++;
		st->printable += is_text(p[i]);
	}
	/* SNMPv3 with privacy encrypts its PDUs: that flow is not cleartext. */
	cred_snmp_t sm;
	if (f->proto == IPPROTO_UDP && st->snmp_looked < CT_SNMP_LOOK) {
		st->snmp_looked++;
		if (cred_snmp_peek(p, n, &sm) == 0) {
			if (sm.version == 3 && (sm.v3_flags & 2))
				st->snmp_priv = true;
			else
				st->snmp_clear = true;
		}
	}
}

/* The protocol a finished flow counts as, or NULL when not cleartext. */
static const char *
flow_protocol(const pv_flow_t *f, const ct_flow_t *st, bool *infra)
{
	*infra = false;
	if (in_list(f->app, infra_apps, sizeof(infra_apps) / sizeof(infra_apps[0]))) {
		*infra = true;
		return f->app;
	}
	if (strcmp(f->app, "snmp") == 0 && st->snmp_priv && !st->snmp_clear)
		return NULL;
	if (in_list(f->app, cleartext_apps, sizeof(cleartext_apps) / sizeof(cleartext_apps[0])))
		return f->app;
	/* 95 % printable over at least 16 bytes: text, allowing a few stray
	 * bytes (a BOM, a Latin-1 name) but not compressed or encrypted data. */
	if ((f->app[0] == '\0' || strcmp(f->app, "unknown") == 0) && st->seen >= 16 &&
	    (uint64_t)st->printable * 100 >= (uint64_t)st->seen * 95)
		return "unknown-text";
	return NULL;
}

static void
record(ct_run_t *r, const pv_flow_t *f, const char *proto, bool infra, bool server)
{
	char host[64];
	/* The remote end: the server when the DUT is the client, and back (a
	 * DUT talking to itself: its own address either way). */
	pv_flow_t g = *f;
	g.dut = server ? PV_DUT_SERVER : PV_DUT_CLIENT;
	cred_remote_host(&g, host, sizeof(host));
	for (size_t i = 0; i < r->n; i++) {
		ct_ent_t *e = &r->v[i];
		if (e->port == f->sport && e->ipproto == f->proto && e->server == server &&
		    strcmp(e->proto, proto) == 0 && strcmp(e->host, host) == 0) {
			e->flows++;
			e->packets += f->packets[0] + f->packets[1];
			e->bytes += f->bytes[0] + f->bytes[1];
			if (f->first_frame < e->frame)
				e->frame = f->first_frame;
			return;
		}
	}
	if (r->n == CT_MAX_FINDINGS) {
		r->unreported++;
		return;
	}
	r->v = pd_append(r->v, r->n, &r->cap, sizeof(*r->v), 16);
	ct_ent_t *e = &r->v[r->n++];
	snprintf(e->proto, sizeof(e->proto), "%s", proto);
	snprintf(e->host, sizeof(e->host), "%s", host);
	e->infra = infra;
	e->server = server;
	e->port = f->sport;
	e->ipproto = f->proto;
	e->frame = f->first_frame;
	e->flows = 1;
	e->packets = f->packets[0] + f->packets[1];
	e->bytes = f->bytes[0] + f->bytes[1];
}

static void
ct_flow_end(const pv_ctx_t *cx, void *rs, pv_flow_t *f, void *fs)
{
	ct_run_t *r = rs;
	(void)cx;
	if (r == NULL || f->dut == PV_DUT_NONE)
		return;
	bool infra;
	const char *proto = flow_protocol(f, fs, &infra);
	if (proto == NULL)
		return;
	if (infra)
		r->infra_flows++;
	else
		r->flows++;
	/* A DUT talking to itself is both client and server of the flow. */
	if (f->dut == PV_DUT_CLIENT || f->dut == PV_DUT_BOTH)
		record(r, f, proto, infra, false);
	if (f->dut == PV_DUT_SERVER || f->dut == PV_DUT_BOTH)
		record(r, f, proto, infra, true);
}

/* Pushes "proto/role" to list `name` unless an earlier entry did. */
static void
push_role(evidence_t *ev, const ct_run_t *r, size_t i, const char *name)
{
	const ct_ent_t *e = &r->v[i];
	for (size_t j = 0; j < i; j++)
		if (r->v[j].infra == e->infra && r->v[j].server == e->server &&
		    strcmp(r->v[j].proto, e->proto) == 0)
			return;
	char item[40];
	snprintf(item, sizeof(item), "%s/%s", e->proto, e->server ? "server" : "client");
	ev_list_push(ev, name, item);
}

static void
ct_finish(const pv_ctx_t *cx, void *rs, evidence_t *ev)
{
	const ct_run_t *r = rs;
	(void)cx;
	ev_list_init(ev, "protocols");
	ev_list_init(ev, "infrastructure");
	ev_set_int(ev, "flows", r ? (long long)r->flows : 0);
	ev_set_int(ev, "infrastructure_flows", r ? (long long)r->infra_flows : 0);
	ev_set_int(ev, "unreported", r ? (long long)r->unreported : 0);
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++) {
		const ct_ent_t *e = &r->v[i];
		const char *tr = e->ipproto == IPPROTO_UDP ? "udp" : "tcp";
		push_role(ev, r, i, e->infra ? "infrastructure" : "protocols");
		finding_t *fd = e->server ?
		    ev_finding(ev, "cleartext-protocol", tr, e->proto, e->port,
			"the DUT serves %s in cleartext on %s/%u to %s%s", e->proto, tr, e->port,
			e->host, e->infra ? " (infrastructure protocol, noted)" : "") :
		    ev_finding(ev, "cleartext-protocol", tr, e->proto, e->port,
			"the DUT speaks %s in cleartext to %s on %s/%u%s", e->proto, e->host, tr,
			e->port, e->infra ? " (infrastructure protocol, noted)" : "");
		finding_attr(fd, "role", "%s", e->server ? "server" : "client");
		finding_attr(fd, "host", "%s", e->host);
		finding_attr(fd, "frame", "%llu", (unsigned long long)e->frame);
		finding_attr(fd, "flows", "%llu", (unsigned long long)e->flows);
		finding_attr(fd, "packets", "%llu", (unsigned long long)e->packets);
		finding_attr(fd, "bytes", "%llu", (unsigned long long)e->bytes);
		if (e->infra)
			finding_attr(fd, "severity", "note");
	}
}

const pv_analyzer_t pv_an_cleartext = {
	.name = "cleartext",
	.summary = "cleartext application protocols the DUT speaks (EN 303 645 5.5-1)",
	.fields = pv_cleartext_fields,
	.flow_state = sizeof(ct_flow_t),
	.run_new = ct_new,
	.run_free = ct_free,
	.data = ct_data,
	.flow_end = ct_flow_end,
	.finish = ct_finish,
};
