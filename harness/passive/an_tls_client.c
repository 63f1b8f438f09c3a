/*
 * Passive analyzer "tls-client" (EN 303 645 5.5-1): what the DUT offers
 * when it is the TLS (or DTLS) client: the versions (legacy_version and
 * supported_versions), the cipher suites, SNI and ALPN of its
 * ClientHellos, and what the server chose in its ServerHello.  One finding
 * per (server endpoint, SNI); weak offers are judged by the suite table's
 * own flags (crypto/suites.h), since an analyzer has no crypto policy.
 */
#include "passive/analyzer.h"
#include "core/util.h"
#include "crypto/suites.h"
#include "passive/pd_tls.h"
#include "passive/pd_util.h"
#include "proto/dtls.h"
#include "proto/tls_client_hello.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENTRIES	1024	/* (server, SNI) pairs kept */
#define MAX_SUITES	256	/* distinct suites kept per entry */
#define MAX_NEG		4	/* distinct negotiated (version, suite) per entry */
#define SUITES_TEXT	1500	/* the `suites` attribute is cut here */
#define ISSUE_SUITES	8	/* weak suites named in `issue`; the rest counted */

/* Known versions, in the order they are listed (highest first). */
static const uint16_t versions[] = {
	TLSV_TLS13, TLSV_TLS12, TLSV_TLS11, TLSV_TLS10, TLSV_SSL3, 0xfefc, DTLSV_12, DTLSV_10,
};
/* Deprecated by RFC 8996 (DTLS 1.0 is TLS 1.1's counterpart). */
#define WEAK_VERSIONS	((1u << 2) | (1u << 3) | (1u << 4) | (1u << 7))
#define WEAK_SUITE	(TLS_SF_NULL_ENC | TLS_SF_EXPORT | TLS_SF_ANON | TLS_SF_RC4 | \
			 TLS_SF_3DES | TLS_SF_DES)

typedef struct neg {
	uint16_t version, suite;
} neg_t;

typedef struct ent {
	int family;
	uint8_t addr[16];
	uint16_t port;
	bool udp;
	char *sni;		/* lower case; "" when none */
	char app[16];
	uint32_t vmask;		/* bits over versions[] */
	uint16_t suites[MAX_SUITES];
	size_t n_suites;
	bool suites_cut;	/* more distinct suites than kept */
	char alpn[TLS_CH_ALPN_MAX];
	uint64_t frame, hellos;
	neg_t neg[MAX_NEG];
	size_t n_neg;
} ent_t;

typedef struct rstate {
	ent_t *e;
	size_t n, cap;
	pd_index_t ix;
	uint64_t hellos, dropped;
} rstate_t;

typedef struct fstate {
	pd_hs_t ch, sh;
	bool have_ch, have_sh, dead_ch, dead_sh, applied;
	neg_t sh_neg;		/* kept until the ClientHello's entry exists */
	uint32_t ent;		/* entry index + 1; 0 none */
} fstate_t;

const field_spec_t pv_tls_client_fields[] = {
	{ "servers", VT_LIST, "servers the DUT opened TLS to: \"host:port sni\"" },
	{ "offered_versions", VT_LIST, "TLS/DTLS versions the DUT offered, highest first" },
	{ "negotiated", VT_LIST, "what servers chose: \"host:port VERSION SUITE\"" },
	{ "old_negotiated", VT_LIST, "handshakes a server settled on TLS 1.1 or older: \"host:port VERSION\"" },
	{ "weak_offers", VT_LIST, "deprecated versions and weak suites (NULL, EXPORT, anon, RC4, DES, 3DES) the DUT offered" },
	{ "hellos", VT_INT, "ClientHellos of the DUT parsed" },
	{ NULL, 0, NULL },
};

static int
vbit(uint16_t v)
{
	for (size_t i = 0; i < ARRAY_LEN(versions); i++)
		if (versions[i] == v)
			return (int)i;
	return -1;
}

static const char *
vname(uint16_t v, char *tmp, size_t len)
{
	const char *n = v == 0xfefc ? "DTLS1.3" : tls_version_name(v);
	if (n)
		return n;
	snprintf(tmp, len, "0x%04x", v);
	return tmp;
}

static const char *
sname(uint16_t id, char *tmp, size_t len)
{
	const char *n = tls_suite_name(id);
	if (n)
		return n;
	snprintf(tmp, len, "0x%04x", id);
	return tmp;
}

static void
endpoint_text(const ent_t *e, char *out, size_t len)
{
	char a[PD_ADDR_MAX];
	pd_addr_text(e->family, e->addr, a, sizeof(a));
	snprintf(out, len, e->family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, e->port);
}

static void *
run_new(const pv_ctx_t *cx)
{
	rstate_t *rs = xcalloc(1, sizeof(*rs));
	pd_index_init(&rs->ix, MAX_ENTRIES);
	return rs;
}

static void
run_free(void *p)
{
	rstate_t *rs = p;
	if (rs == NULL)
		return;
	for (size_t i = 0; i < rs->n; i++)
		free(rs->e[i].sni);
	free(rs->e);
	pd_index_free(&rs->ix);
	free(rs);
}

typedef struct key {
	const rstate_t *rs;
	int family;
	const uint8_t *addr;
	uint16_t port;
	bool udp;
	const char *sni;
} ekey_t;

static bool
key_eq(const void *ctx, size_t i)
{
	const ekey_t *k = ctx;
	const ent_t *e = &k->rs->e[i];
	return e->family == k->family && e->port == k->port && e->udp == k->udp &&
	    memcmp(e->addr, k->addr, pd_addr_len(e->family)) == 0 && strcmp(e->sni, k->sni) == 0;
}

/* The entry for f's server and this SNI, created on first sight; NULL
 * over the cap. */
static ent_t *
entry(rstate_t *rs, const pv_flow_t *f, const char *sni, uint32_t *idx)
{
	char low[TLS_CH_SNI_MAX];
	pd_lower(low, sizeof(low), sni);
	ekey_t k = { rs, f->family, f->srv, f->sport, f->proto == IPPROTO_UDP, low };
	uint64_t h = pd_hash(PD_HASH_INIT, f->srv, pd_addr_len(f->family));
	h = pd_hash(h, &f->sport, sizeof(f->sport));
	h = pd_hash(h, low, strlen(low));
	size_t slot;
	long i = pd_index_find(&rs->ix, h, key_eq, &k, &slot);
	if (i < 0) {
		if (rs->n == MAX_ENTRIES) {
			rs->dropped++;
			return NULL;
		}
		rs->e = pd_append(rs->e, rs->n, &rs->cap, sizeof(*rs->e), 16);
		ent_t *e = &rs->e[rs->n];
		e->family = f->family;
		memcpy(e->addr, f->srv, pd_addr_len(f->family));
		e->port = f->sport;
		e->udp = k.udp;
		e->sni = xstrdup(low);
		snprintf(e->app, sizeof(e->app), "%s", f->app[0] ? f->app : k.udp ? "dtls" : "tls");
		pd_index_put(&rs->ix, slot, rs->n);
		i = (long)rs->n++;
	}
	*idx = (uint32_t)i + 1;
	return &rs->e[i];
}

static void
record_hello(rstate_t *rs, const pv_flow_t *f, fstate_t *fs, const tls_client_hello_info_t *ch,
    uint64_t frame)
{
	rs->hellos++;
	ent_t *e = entry(rs, f, ch->sni, &fs->ent);
	if (e == NULL)
		return;
	if (e->hellos++ == 0) {
		e->frame = frame;
		snprintf(e->alpn, sizeof(e->alpn), "%s", ch->alpn);
	}
	uint16_t v[TLS_CH_MAX_VERSIONS];
	size_t nv = tls_ch_offered_versions(ch, v, ARRAY_LEN(v));
	for (size_t i = 0; i < nv; i++)
		if (vbit(v[i]) >= 0)
			e->vmask |= 1u << vbit(v[i]);
	for (size_t i = 0; i < ch->n_suites; i++) {
		bool have = false;
		for (size_t j = 0; j < e->n_suites && !have; j++)
			have = e->suites[j] == ch->suites[i];
		if (have)
			continue;
		if (e->n_suites == MAX_SUITES)
			e->suites_cut = true;
		else
			e->suites[e->n_suites++] = ch->suites[i];
	}
	e->suites_cut |= ch->n_suites_total > ch->n_suites;
}

/* Once both the entry and the server's choice are known. */
static void
settle(rstate_t *rs, fstate_t *fs)
{
	if (fs->applied || !fs->have_sh || fs->ent == 0)
		return;
	fs->applied = true;
	ent_t *e = &rs->e[fs->ent - 1];
	for (size_t i = 0; i < e->n_neg; i++)
		if (e->neg[i].version == fs->sh_neg.version && e->neg[i].suite == fs->sh_neg.suite)
			return;
	if (e->n_neg < MAX_NEG)
		e->neg[e->n_neg++] = fs->sh_neg;
}

static void
client_bytes(rstate_t *rs, pv_flow_t *f, fstate_t *fs, const uint8_t *p, size_t n,
    uint64_t frame)
{
	uint8_t type;
	const uint8_t *body;
	size_t len, used;
	pd_hs_state_t st = pd_hs_feed(&fs->ch, p, n, &used, &type, &body, &len);
	if (st == PD_HS_MORE)
		return;
	if (st == PD_HS_DONE) {
		/* The parsed hello is large: on the heap, not in the per-flow
		 * state or on the stack. */
		tls_client_hello_info_t *ch = xcalloc(1, sizeof(*ch));
		if (type == TLS_HS_CLIENT_HELLO &&
		    tls_parse_client_hello(body, len, false, ch) == TLS_P_OK) {
			fs->have_ch = true;
			record_hello(rs, f, fs, ch, frame);
		}
		free(ch);
	}
	fs->dead_ch = !fs->have_ch;
	pd_hs_free(&fs->ch);
}

static void
server_bytes(fstate_t *fs, const uint8_t *p, size_t n)
{
	uint8_t type;
	const uint8_t *body;
	size_t len, used;
	/* A loop, since a HelloRetryRequest and the real ServerHello may
	 * come in one delivery. */
	while (!fs->have_sh && !fs->dead_sh) {
		pd_hs_state_t st = pd_hs_feed(&fs->sh, p, n, &used, &type, &body, &len);
		if (st == PD_HS_MORE)
			return;
		tls_server_hello_t sh;
		if (st == PD_HS_FAIL || type != TLS_HS_SERVER_HELLO ||
		    tls_parse_server_hello(body, len, &sh) != TLS_P_OK) {
			fs->dead_sh = true;
		} else if (sh.hrr) {
			pd_hs_restart(&fs->sh);	/* the real ServerHello follows */
			p += used;
			n -= used;
			continue;
		} else {
			fs->have_sh = true;
			fs->sh_neg = (neg_t){ sh.version, sh.suite };
		}
		pd_hs_free(&fs->sh);
	}
}

static void
tcp_data(rstate_t *rs, pv_flow_t *f, fstate_t *fs, pv_dir_t dir, const uint8_t *p, size_t n,
    uint64_t frame)
{
	if (dir == PV_C2S && !fs->have_ch && !fs->dead_ch)
		client_bytes(rs, f, fs, p, n, frame);
	else if (dir == PV_S2C)
		server_bytes(fs, p, n);
	settle(rs, fs);
}

static void
udp_data(rstate_t *rs, pv_flow_t *f, fstate_t *fs, pv_dir_t dir, const uint8_t *p, size_t n,
    uint64_t frame)
{
	uint8_t type;
	const uint8_t *body;
	size_t len;
	uint16_t rv;
	if (dir == PV_C2S && !fs->have_ch) {
		if (pd_dtls_first(p, n, &type, &body, &len, &rv) < 0 || type != TLS_HS_CLIENT_HELLO)
			return;
		tls_client_hello_info_t *ch = xcalloc(1, sizeof(*ch));
		if (tls_parse_client_hello(body, len, true, ch) == TLS_P_OK) {
			fs->have_ch = true;
			record_hello(rs, f, fs, ch, frame);
		}
		free(ch);
	} else if (dir == PV_S2C && !fs->have_sh) {
		dtls_reply_t r;
		if (dtls_parse(p, n, &r) < 0 || r.content_type != DTLS_CT_HANDSHAKE ||
		    r.hs_type != DTLS_HS_SERVER_HELLO)
			return;
		fs->have_sh = true;
		fs->sh_neg = (neg_t){ r.hs_version, r.cipher };
	}
	settle(rs, fs);
}

static void
data(const pv_ctx_t *cx, void *rsp, pv_flow_t *f, void *fsp, pv_dir_t dir, const uint8_t *p,
    size_t n, uint64_t frame)
{
	/* No state block (analyzer.h allows it): nothing to remember with. */
	if (fsp == NULL || (f->dut != PV_DUT_CLIENT && f->dut != PV_DUT_BOTH))
		return;
	bool udp = f->proto == IPPROTO_UDP;
	/* Undecided flows are fed too: the first bytes may come before the
	 * classifier has made up its mind, and non-TLS fails at once. */
	if (f->app[0] && strcmp(f->app, udp ? "dtls" : "tls") != 0)
		return;
	if (udp)
		udp_data(rsp, f, fsp, dir, p, n, frame);
	else if (f->proto == IPPROTO_TCP)
		tcp_data(rsp, f, fsp, dir, p, n, frame);
}

static void
flow_end(const pv_ctx_t *cx, void *rs, pv_flow_t *f, void *fsp)
{
	fstate_t *fs = fsp;
	if (fs == NULL)
		return;
	pd_hs_free(&fs->ch);
	pd_hs_free(&fs->sh);
}

/* The `issue` attribute: deprecated versions, weak suites, old choices. */
static void
issues(const ent_t *e, buf_t *b, strlist_t *weak)
{
	char tmp[16];
	for (size_t i = 0; i < ARRAY_LEN(versions); i++) {
		if (!(e->vmask & (1u << i) & WEAK_VERSIONS))
			continue;
		const char *n = vname(versions[i], tmp, sizeof(tmp));
		buf_printf(b, "%soffers %s", b->len ? "; " : "", n);
		if (!strlist_has(weak, n))
			strlist_push(weak, n);
	}
	size_t named = 0, more = 0;
	for (size_t i = 0; i < e->n_suites; i++) {
		const tls_suite_info_t *s = tls_suite_find(e->suites[i]);
		if (s == NULL || !(s->flags & WEAK_SUITE))
			continue;
		if (!strlist_has(weak, s->name))
			strlist_push(weak, s->name);
		if (named++ < ISSUE_SUITES)
			buf_printf(b, "%soffers %s", b->len ? "; " : "", s->name);
		else
			more++;
	}
	if (more)
		buf_printf(b, "; and %zu more weak suites", more);
	for (size_t i = 0; i < e->n_neg; i++) {
		int bit = vbit(e->neg[i].version);
		if (bit >= 0 && ((1u << bit) & WEAK_VERSIONS))
			buf_printf(b, "%snegotiated %s", b->len ? "; " : "",
			    vname(e->neg[i].version, tmp, sizeof(tmp)));
	}
}

static void
one_finding(const ent_t *e, evidence_t *ev, strlist_t *weak)
{
	char ep[PD_ADDR_MAX + 8], a[PD_ADDR_MAX], tmp[16];
	endpoint_text(e, ep, sizeof(ep));
	pd_addr_text(e->family, e->addr, a, sizeof(a));
	buf_t vers, suites, neg, iss;
	buf_init(&vers, 256);
	buf_init(&suites, SUITES_TEXT + 64);
	buf_init(&neg, 1024);
	buf_init(&iss, 2048);
	for (size_t i = 0; i < ARRAY_LEN(versions); i++)
		if (e->vmask & (1u << i))
			buf_printf(&vers, "%s%s", vers.len ? " " : "", vname(versions[i], tmp, sizeof(tmp)));
	for (size_t i = 0; i < e->n_suites; i++) {
		const char *n = sname(e->suites[i], tmp, sizeof(tmp));
		if (suites.len + strlen(n) + 1 > SUITES_TEXT) {
			buf_printf(&suites, " ...");
			break;
		}
		buf_printf(&suites, "%s%s", suites.len ? " " : "", n);
	}
	if (e->suites_cut && (suites.len < 4 || strcmp(suites.data + suites.len - 4, " ...") != 0))
		buf_printf(&suites, " ...");
	for (size_t i = 0; i < e->n_neg; i++) {
		char t2[16];
		buf_printf(&neg, "%s%s %s", neg.len ? "; " : "", vname(e->neg[i].version, tmp, sizeof(tmp)),
		    sname(e->neg[i].suite, t2, sizeof(t2)));
	}
	issues(e, &iss, weak);

	finding_t *fd = ev_finding(ev, "tls-client", e->udp ? "udp" : "tcp", e->app, e->port,
	    "The DUT offered %s (%zu suites) to %s%s%s", vers.len ? vers.data : "no known version",
	    e->n_suites, ep, e->sni[0] ? " for " : "", e->sni);
	finding_attr(fd, "host", "%s", a);
	if (e->sni[0])
		finding_attr(fd, "sni", "%s", e->sni);
	finding_attr(fd, "version", "%s", vers.len ? vers.data : "");
	finding_attr(fd, "suites", "%s", suites.len ? suites.data : "");
	finding_attr(fd, "suite-count", "%zu", e->n_suites);
	if (e->alpn[0])
		finding_attr(fd, "alpn", "%s", e->alpn);
	if (neg.len)
		finding_attr(fd, "negotiated", "%s", neg.data);
	if (iss.len)
		finding_attr(fd, "issue", "%s", iss.data);
	else	/* a record of what the device offers, not a failure */
		finding_attr(fd, "severity", "note");
	finding_attr(fd, "hellos", "%llu", (unsigned long long)e->hellos);
	finding_attr(fd, "frame", "%llu", (unsigned long long)e->frame);
	buf_free(&vers);
	buf_free(&suites);
	buf_free(&neg);
	buf_free(&iss);
}

static void
finish(const pv_ctx_t *cx, void *rsp, evidence_t *ev)
{
	rstate_t *rs = rsp;
	strlist_t weak = { 0 };
	uint32_t all = 0;
	char ep[PD_ADDR_MAX + 8], tmp[16], t2[16];
	ev_list_init(ev, "servers");
	ev_list_init(ev, "offered_versions");
	ev_list_init(ev, "negotiated");
	ev_list_init(ev, "old_negotiated");
	ev_list_init(ev, "weak_offers");
	for (size_t i = 0; i < rs->n; i++) {
		const ent_t *e = &rs->e[i];
		endpoint_text(e, ep, sizeof(ep));
		char *s = xasprintf("%s%s%s", ep, e->sni[0] ? " " : "", e->sni);
		ev_list_push(ev, "servers", s);
		free(s);
		all |= e->vmask;
		for (size_t j = 0; j < e->n_neg; j++) {
			const char *vn = vname(e->neg[j].version, tmp, sizeof(tmp));
			s = xasprintf("%s %s %s", ep, vn, sname(e->neg[j].suite, t2, sizeof(t2)));
			ev_list_push(ev, "negotiated", s);
			free(s);
			int bit = vbit(e->neg[j].version);
			if (bit >= 0 && ((1u << bit) & WEAK_VERSIONS)) {
				s = xasprintf("%s %s", ep, vn);
				ev_list_push(ev, "old_negotiated", s);
				free(s);
			}
		}
		one_finding(e, ev, &weak);
	}
	for (size_t i = 0; i < ARRAY_LEN(versions); i++)
		if (all & (1u << i))
			ev_list_push(ev, "offered_versions", vname(versions[i], tmp, sizeof(tmp)));
	for (size_t i = 0; i < weak.n; i++)
		ev_list_push(ev, "weak_offers", weak.v[i]);
	strlist_free(&weak);
	ev_set_int(ev, "hellos", (long long)rs->hellos);
}

const pv_analyzer_t pv_an_tls_client = {
	.name = "tls-client",
	.summary = "the DUT as a TLS client: offered versions, suites, SNI",
	.fields = pv_tls_client_fields,
	.flow_state = sizeof(fstate_t),
	.run_new = run_new,
	.run_free = run_free,
	.data = data,
	.flow_end = flow_end,
	.finish = finish,
};
