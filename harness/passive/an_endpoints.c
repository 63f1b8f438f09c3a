/*
 * Passive analyzer "endpoints" (EN 303 645 5.10, 6-5): every remote
 * endpoint the DUT exchanges traffic with, by (address, service port,
 * transport, direction), with bytes and packets each way, first and last
 * frame, and the names it goes by: the SNI of TLS ClientHellos, the Host
 * header of HTTP requests, and the names DNS answers to the DUT mapped to
 * the address.  Nothing is excluded; local-network peers are marked
 * scope="local" so a reader can tell them from internet services.  All
 * tables are capped (pd_util.h).
 */
#include "passive/analyzer.h"
#include "core/util.h"
#include "passive/pd_tls.h"
#include "passive/pd_util.h"
#include "proto/dnsmsg.h"
#include "proto/tls_client_hello.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_ENDPOINTS	4096
#define MAX_ADDRS	4096	/* addresses DNS answers named */
#define MAX_QNAMES	1024	/* names the DUT queried */
#define MAX_NAMES	4	/* names kept per endpoint and per address */
#define HTTP_HEAD	1024	/* request head bytes kept to find Host */
#define NAMES_TEXT	1024	/* the `names` attribute is cut here */

typedef struct names {
	char *v[MAX_NAMES];
	size_t n;
} names_t;

typedef struct addr_ent {
	int family;
	uint8_t addr[16];
	names_t names;
} addr_ent_t;

typedef struct ep {
	int family;
	uint8_t addr[16];
	uint16_t port;
	bool udp, inbound;
	char app[16];
	uint64_t bytes_out, bytes_in, pk_out, pk_in, flows;
	uint64_t first, last;
	names_t names;		/* from SNI and Host */
} ep_t;

typedef struct rstate {
	ep_t *ep;
	size_t n_ep, cap_ep;
	pd_index_t ep_ix;
	addr_ent_t *ad;
	size_t n_ad, cap_ad;
	pd_index_t ad_ix;
	char **qn;
	size_t n_qn, cap_qn;
	pd_index_t qn_ix;
	uint64_t dropped;	/* endpoints over the cap */
} rstate_t;

typedef struct fstate {
	pd_hs_t ch;
	bool ch_over;		/* parsed or given up */
	bool http_over;
	char sni[TLS_CH_SNI_MAX];
	char host[256];
	uint16_t hlen;
	char http[HTTP_HEAD];
} fstate_t;

const field_spec_t pv_endpoints_fields[] = {
	{ "endpoints", VT_LIST, "remote endpoints: \"name(address):port/transport\", or \"address:port/transport\" without a name" },
	{ "names", VT_LIST, "DNS names the DUT queried" },
	{ "count", VT_INT, "remote endpoints found" },
	{ NULL, 0, NULL },
};

static void
names_add(names_t *n, const char *s)
{
	if (s[0] == '\0' || n->n == MAX_NAMES)
		return;
	for (size_t i = 0; i < n->n; i++)
		if (dns_name_eq(n->v[i], s))
			return;
	char low[256];
	pd_lower(low, sizeof(low), s);
	n->v[n->n++] = xstrdup(low);
}

static void
names_free(names_t *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->v[i]);
}

static void *
run_new(const pv_ctx_t *cx)
{
	rstate_t *rs = xcalloc(1, sizeof(*rs));
	pd_index_init(&rs->ep_ix, MAX_ENDPOINTS);
	pd_index_init(&rs->ad_ix, MAX_ADDRS);
	pd_index_init(&rs->qn_ix, MAX_QNAMES);
	return rs;
}

static void
run_free(void *p)
{
	rstate_t *rs = p;
	if (rs == NULL)
		return;
	for (size_t i = 0; i < rs->n_ep; i++)
		names_free(&rs->ep[i].names);
	for (size_t i = 0; i < rs->n_ad; i++)
		names_free(&rs->ad[i].names);
	for (size_t i = 0; i < rs->n_qn; i++)
		free(rs->qn[i]);
	free(rs->ep);
	free(rs->ad);
	free(rs->qn);
	pd_index_free(&rs->ep_ix);
	pd_index_free(&rs->ad_ix);
	pd_index_free(&rs->qn_ix);
	free(rs);
}

/* ---- the run-wide tables ---- */

typedef struct addr_key {
	const rstate_t *rs;
	int family;
	const uint8_t *addr;
} addr_key_t;

static bool
addr_eq(const void *ctx, size_t i)
{
	const addr_key_t *k = ctx;
	const addr_ent_t *a = &k->rs->ad[i];
	return a->family == k->family && memcmp(a->addr, k->addr, pd_addr_len(a->family)) == 0;
}

static addr_ent_t *
addr_find(rstate_t *rs, int family, const uint8_t *addr, bool create)
{
	addr_key_t k = { rs, family, addr };
	size_t slot;
	long i = pd_index_find(&rs->ad_ix, pd_hash(PD_HASH_INIT, addr, pd_addr_len(family)),
	    addr_eq, &k, &slot);
	if (i >= 0)
		return &rs->ad[i];
	if (!create || rs->n_ad == MAX_ADDRS)
		return NULL;
	rs->ad = pd_append(rs->ad, rs->n_ad, &rs->cap_ad, sizeof(*rs->ad), 64);
	addr_ent_t *a = &rs->ad[rs->n_ad];
	a->family = family;
	memcpy(a->addr, addr, pd_addr_len(family));
	pd_index_put(&rs->ad_ix, slot, rs->n_ad++);
	return a;
}

typedef struct qn_key {
	const rstate_t *rs;
	const char *name;
} qn_key_t;

static bool
qn_eq(const void *ctx, size_t i)
{
	const qn_key_t *k = ctx;
	return strcmp(k->rs->qn[i], k->name) == 0;
}

static void
qname_add(rstate_t *rs, const char *name)
{
	char low[DNS_NAME_MAX];
	pd_lower(low, sizeof(low), name);
	size_t l = strlen(low);
	if (l > 1 && low[l - 1] == '.')
		low[--l] = '\0';
	if (l == 0 || rs->n_qn == MAX_QNAMES)
		return;
	qn_key_t k = { rs, low };
	size_t slot;
	if (pd_index_find(&rs->qn_ix, pd_hash(PD_HASH_INIT, low, l), qn_eq, &k, &slot) >= 0)
		return;
	rs->qn = pd_append(rs->qn, rs->n_qn, &rs->cap_qn, sizeof(*rs->qn), 64);
	rs->qn[rs->n_qn] = xstrdup(low);
	pd_index_put(&rs->qn_ix, slot, rs->n_qn++);
}

typedef struct ep_key {
	const rstate_t *rs;
	int family;
	const uint8_t *addr;
	uint16_t port;
	bool udp, inbound;
} ep_key_t;

static bool
ep_eq(const void *ctx, size_t i)
{
	const ep_key_t *k = ctx;
	const ep_t *e = &k->rs->ep[i];
	return e->family == k->family && e->port == k->port && e->udp == k->udp &&
	    e->inbound == k->inbound && memcmp(e->addr, k->addr, pd_addr_len(e->family)) == 0;
}

/* ---- what the flows say ---- */

/* Whether the sender of this direction is the DUT. */
static bool
from_dut(const pv_flow_t *f, pv_dir_t dir)
{
	if (f->dut == PV_DUT_BOTH)
		return true;
	return (dir == PV_C2S) == (f->dut == PV_DUT_CLIENT);
}

static void
dns_datagram(rstate_t *rs, const pv_flow_t *f, pv_dir_t dir, const uint8_t *p, size_t n)
{
	/* dns_msg_t holds a 1 KiB name and 64 records: on the heap. */
	dns_msg_t *m = xcalloc(1, sizeof(*m));
	if (dns_parse(p, n, m) < 0)
		goto out;
	bool resp = (m->flags & DNS_F_QR) != 0;
	bool dut_sent = from_dut(f, dir);
	if (!resp && dut_sent)
		qname_add(rs, m->qname);
	if (!resp || (dut_sent && f->dut != PV_DUT_BOTH))
		goto out;
	/* A response to the DUT: it asked (the query may not be captured). */
	if (m->qdcount > 0)
		qname_add(rs, m->qname);
	if (DNS_RCODE(m->flags) != 0)
		goto out;
	/* The name it asked for (or, for mDNS announcements, the owner) now
	 * stands for each address answered. */
	for (size_t i = 0; i < m->n_rr; i++) {
		const dns_rr_t *rr = &m->rr[i];
		size_t alen = rr->type == DNS_T_A ? 4 : rr->type == DNS_T_AAAA ? 16 : 0;
		if (rr->section != 1 || rr->rclass != DNS_C_IN || alen == 0 || rr->rdlen != alen)
			continue;
		/* dns_parse checked every record's data is in bounds. */
		addr_ent_t *a = addr_find(rs, alen == 4 ? AF_INET : AF_INET6, m->msg + rr->rdoff, true);
		if (a == NULL)
			continue;
		char owner[DNS_NAME_MAX];
		if (m->qname[0])
			names_add(&a->names, m->qname);
		if (dns_rr_name(m, rr, owner, sizeof(owner)) == 0)
			names_add(&a->names, owner);
	}
out:
	free(m);
}

static void
tls_sni(fstate_t *fs, const uint8_t *p, size_t n, bool udp)
{
	uint8_t type;
	const uint8_t *body;
	size_t len;
	size_t used;
	uint16_t rv;
	int ok;
	if (udp) {
		ok = pd_dtls_first(p, n, &type, &body, &len, &rv) == 0 ? 1 : 0;
	} else {
		pd_hs_state_t st = pd_hs_feed(&fs->ch, p, n, &used, &type, &body, &len);
		if (st == PD_HS_MORE)
			return;
		ok = st == PD_HS_DONE;
	}
	if (ok && type == TLS_HS_CLIENT_HELLO) {
		tls_client_hello_info_t *ch = xcalloc(1, sizeof(*ch));
		if (tls_parse_client_hello(body, len, udp, ch) == TLS_P_OK)
			snprintf(fs->sni, sizeof(fs->sni), "%s", ch->sni);
		free(ch);
	}
	fs->ch_over = !udp || fs->sni[0];
	pd_hs_free(&fs->ch);
}

/* The Host header of the first request, once its head is buffered.  The
 * head must look like HTTP/1.x ("METHOD SP target SP HTTP/1."). */
static void
http_host(fstate_t *fs)
{
	fs->http_over = true;
	const char *h = fs->http, *end = h + fs->hlen;
	const char *eol = memchr(h, '\n', fs->hlen);
	const char *sp = memchr(h, ' ', fs->hlen);
	if (eol == NULL || sp == NULL || sp == h || sp > eol)
		return;
	for (const char *q = h; q < sp; q++)
		if (*q < 'A' || *q > 'Z')
			return;
	if (eol - h < 9 || memcmp(eol - 9, " HTTP/1.", 8) != 0)
		if (eol - h < 10 || memcmp(eol - 10, " HTTP/1.", 8) != 0)
			return;
	for (const char *l = eol + 1; l < end; ) {
		const char *e = memchr(l, '\n', (size_t)(end - l));
		if (e == NULL)
			return;
		if (e - l <= 1)
			return;	/* the blank line: no Host */
		if (e - l > 5 && strncasecmp(l, "host:", 5) == 0) {
			const char *v = l + 5;
			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			size_t k = 0;
			/* Up to the port or the line end; an IPv6 literal in
			 * brackets is no name and is left out. */
			while (v + k < e && v[k] != ':' && v[k] != '\r' && v[k] != ' ' &&
			    k + 1 < sizeof(fs->host))
				k++;
			if (k == 0 || v[0] == '[')
				return;
			char name[256];
			for (size_t i = 0; i < k; i++)
				name[i] = v[i] > 0x20 && v[i] < 0x7f ? v[i] : '?';
			name[k] = '\0';
			uint8_t tmp[16];
			if (inet_pton(AF_INET, name, tmp) == 1)
				return;	/* an address literal names nothing */
			snprintf(fs->host, sizeof(fs->host), "%s", name);
			return;
		}
		l = e + 1;
	}
}

static void
http_data(fstate_t *fs, const uint8_t *p, size_t n)
{
	size_t k = sizeof(fs->http) - fs->hlen;
	if (k > n)
		k = n;
	memcpy(fs->http + fs->hlen, p, k);
	fs->hlen += (uint16_t)k;
	/* Enough once the head ends or the buffer is full. */
	for (size_t i = 3; i < fs->hlen; i++)
		if (memcmp(fs->http + i - 3, "\r\n\r\n", 4) == 0) {
			fs->hlen = (uint16_t)(i + 1);
			http_host(fs);
			return;
		}
	if (fs->hlen == sizeof(fs->http))
		http_host(fs);
}

static void
data(const pv_ctx_t *cx, void *rsp, pv_flow_t *f, void *fsp, pv_dir_t dir, const uint8_t *p,
    size_t n, uint64_t frame)
{
	rstate_t *rs = rsp;
	fstate_t *fs = fsp;
	bool udp = f->proto == IPPROTO_UDP;
	const char *app = f->app;
	if (f->dut == PV_DUT_NONE)
		return;
	/* Undecided flows (app "") are looked at too: the first bytes may
	 * come before the classifier has decided; each parser rejects what
	 * is not its protocol. */
	if (udp && (strcmp(app, "dns") == 0 || strcmp(app, "mdns") == 0 ||
	    (app[0] == '\0' && (f->sport == 53 || f->sport == 5353 || f->cport == 53))))
		dns_datagram(rs, f, dir, p, n);
	if (dir != PV_C2S || fs == NULL)
		return;
	if (!fs->ch_over && (app[0] == '\0' || strcmp(app, udp ? "dtls" : "tls") == 0))
		tls_sni(fs, p, n, udp);
	if (!udp && !fs->http_over && (app[0] == '\0' || strcmp(app, "http") == 0))
		http_data(fs, p, n);
}

static void
flow_end(const pv_ctx_t *cx, void *rsp, pv_flow_t *f, void *fsp)
{
	rstate_t *rs = rsp;
	fstate_t *fs = fsp;
	if (fs != NULL) {
		pd_hs_free(&fs->ch);
		if (!fs->http_over && fs->hlen > 0)
			http_host(fs);	/* a head cut short by the end of the flow */
	}
	if (f->dut == PV_DUT_NONE)
		return;
	int side = pd_remote_side(f);
	bool inbound = f->dut == PV_DUT_SERVER;
	ep_key_t k = { rs, f->family, pd_flow_addr(f, side), f->sport, f->proto == IPPROTO_UDP,
		inbound };
	uint64_t h = pd_hash(PD_HASH_INIT, k.addr, pd_addr_len(f->family));
	h = pd_hash(h, &f->sport, sizeof(f->sport));
	size_t slot;
	long i = pd_index_find(&rs->ep_ix, h, ep_eq, &k, &slot);
	if (i < 0) {
		if (rs->n_ep == MAX_ENDPOINTS) {
			rs->dropped++;
			return;
		}
		rs->ep = pd_append(rs->ep, rs->n_ep, &rs->cap_ep, sizeof(*rs->ep), 64);
		ep_t *e = &rs->ep[rs->n_ep];
		e->family = f->family;
		memcpy(e->addr, k.addr, pd_addr_len(f->family));
		e->port = f->sport;
		e->udp = k.udp;
		e->inbound = inbound;
		e->first = f->first_frame;
		pd_index_put(&rs->ep_ix, slot, rs->n_ep);
		i = (long)rs->n_ep++;
	}
	ep_t *e = &rs->ep[i];
	int out = inbound ? PV_S2C : PV_C2S;
	e->bytes_out += f->bytes[out];
	e->bytes_in += f->bytes[!out];
	e->pk_out += f->packets[out];
	e->pk_in += f->packets[!out];
	e->flows++;
	if (f->first_frame < e->first)
		e->first = f->first_frame;
	if (f->last_frame > e->last)
		e->last = f->last_frame;
	if (e->app[0] == '\0' && f->app[0] && strcmp(f->app, "unknown") != 0)
		snprintf(e->app, sizeof(e->app), "%s", f->app);
	if (fs != NULL) {
		names_add(&e->names, fs->sni);
		names_add(&e->names, fs->host);
	}
}

/* ---- the report ---- */

static int
by_first(const void *a, const void *b)
{
	const ep_t *x = *(const ep_t *const *)a, *y = *(const ep_t *const *)b;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return x->port < y->port ? -1 : x->port > y->port;
}

static void
one_finding(rstate_t *rs, const ep_t *e, evidence_t *ev)
{
	char a[PD_ADDR_MAX];
	pd_addr_text(e->family, e->addr, a, sizeof(a));
	/* Names of the flows first (they name this very service), then
	 * what DNS said about the address. */
	names_t all = { 0 };
	for (size_t i = 0; i < e->names.n; i++)
		names_add(&all, e->names.v[i]);
	const addr_ent_t *ad = addr_find(rs, e->family, e->addr, false);
	for (size_t i = 0; ad && i < ad->names.n; i++)
		names_add(&all, ad->names.v[i]);
	const char *best = all.n ? all.v[0] : a;
	const char *tr = e->udp ? "udp" : "tcp";
	const char *proto = e->app[0] ? e->app : "unknown";
	bool local = pd_addr_local(e->family, e->addr);

	char *item = all.n ? xasprintf("%s(%s):%u/%s", best, a, e->port, tr) :
	    e->family == AF_INET6 ? xasprintf("[%s]:%u/%s", a, e->port, tr) :
	    xasprintf("%s:%u/%s", a, e->port, tr);
	ev_list_push(ev, "endpoints", item);
	free(item);

	char who[PD_ADDR_MAX + 300];
	if (all.n)
		snprintf(who, sizeof(who), "%s (%s)", best, a);
	else
		snprintf(who, sizeof(who), "%s", a);
	finding_t *fd = ev_finding(ev, "endpoint", tr, proto, e->port,
	    "The DUT %s %s %s on %s port %u: %llu bytes out, %llu in",
	    e->inbound ? "is reached by" : "talks to", local ? "local" : "internet", who, tr,
	    e->port, (unsigned long long)e->bytes_out, (unsigned long long)e->bytes_in);
	/* Endpoints are recorded for the assessor, not judged here. */
	finding_attr(fd, "severity", "note");
	finding_attr(fd, "host", "%s", best);
	finding_attr(fd, "address", "%s", a);
	finding_attr(fd, "direction", "%s", e->inbound ? "inbound" : "outbound");
	finding_attr(fd, "scope", "%s", local ? "local" : "internet");
	finding_attr(fd, "bytes-out", "%llu", (unsigned long long)e->bytes_out);
	finding_attr(fd, "bytes-in", "%llu", (unsigned long long)e->bytes_in);
	finding_attr(fd, "packets-out", "%llu", (unsigned long long)e->pk_out);
	finding_attr(fd, "packets-in", "%llu", (unsigned long long)e->pk_in);
	finding_attr(fd, "flows", "%llu", (unsigned long long)e->flows);
	finding_attr(fd, "frame", "%llu", (unsigned long long)e->first);
	finding_attr(fd, "last-frame", "%llu", (unsigned long long)e->last);
	if (all.n) {
		buf_t b;
		buf_init(&b, NAMES_TEXT);
		for (size_t i = 0; i < all.n; i++)
			buf_printf(&b, "%s%s", i ? " " : "", all.v[i]);
		finding_attr(fd, "names", "%s", b.data);
		buf_free(&b);
	}
	names_free(&all);
}

static void
finish(const pv_ctx_t *cx, void *rsp, evidence_t *ev)
{
	rstate_t *rs = rsp;
	ev_list_init(ev, "endpoints");
	ev_list_init(ev, "names");
	const ep_t **order = xcalloc(rs->n_ep ? rs->n_ep : 1, sizeof(*order));
	for (size_t i = 0; i < rs->n_ep; i++)
		order[i] = &rs->ep[i];
	qsort(order, rs->n_ep, sizeof(*order), by_first);
	for (size_t i = 0; i < rs->n_ep; i++)
		one_finding(rs, order[i], ev);
	free(order);
	for (size_t i = 0; i < rs->n_qn; i++)
		ev_list_push(ev, "names", rs->qn[i]);
	ev_set_int(ev, "count", (long long)rs->n_ep);
}

const pv_analyzer_t pv_an_endpoints = {
	.name = "endpoints",
	.summary = "remote endpoints the DUT talks to",
	.fields = pv_endpoints_fields,
	.flow_state = sizeof(fstate_t),
	.run_new = run_new,
	.run_free = run_free,
	.data = data,
	.flow_end = flow_end,
	.finish = finish,
};
