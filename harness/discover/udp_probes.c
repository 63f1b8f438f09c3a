/*
 * The registry of UDP probes: one row per probe, with the request it sends
 * and the strict check of what comes back.  A reply counts only when it is
 * the protocol's answer to *this* request (our id, token, nonce or timestamp
 * echoed) and not our request reflected, so an echo service or a chatty
 * neighbour is never taken for SNMP or CoAP.  The bytes are judged by the pure
 * parsers in harness/proto; this file turns their result into a service.
 */
#include "discover/udp.h"
#include "core/util.h"
#include "proto/coap.h"
#include "proto/dnsmsg.h"
#include "proto/dtls.h"
#include "proto/ntp.h"
#include "proto/snmp.h"
#include "proto/ssdp.h"
#include "proto/tftp.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WKC_MAX (16 * 1024)

static uint16_t
rnd16(const udp_exch_t *x, size_t i)
{
	return (uint16_t)(x->rnd[i] << 8 | x->rnd[i + 1]);
}

static uint32_t
rnd32(const udp_exch_t *x, size_t i)
{
	return (uint32_t)rnd16(x, i) << 16 | rnd16(x, i + 2);
}

/* ---- exchange bookkeeping ---- */

void
udp_exch_init(udp_exch_t *x, const udp_probe_t *p, int port, bool mcast,
    const uint8_t rnd[UDP_RND_LEN])
{
	memset(x, 0, sizeof(*x));
	x->probe = p;
	x->port = port;
	x->default_port = port == p->port;
	x->mcast = mcast;
	memcpy(x->rnd, rnd, UDP_RND_LEN);
	snprintf(x->svc.transport, sizeof(x->svc.transport), "udp");
	x->svc.port = port;
}

void
udp_exch_clear(udp_exch_t *x)
{
	if (x == NULL)
		return;
	service_clear(&x->svc);
	free(x->priv);
	x->priv = NULL;
}

void
udp_identify(udp_exch_t *x, const char *how)
{
	x->valid = true;
	if (x->svc.protocol == NULL)
		x->svc.protocol = xstrdup(x->probe->protocol);
	if (x->svc.how == NULL)
		x->svc.how = xstrdup(how);
}

void
udp_info(udp_exch_t *x, const char *key, const char *val)
{
	if (val == NULL || val[0] == '\0' || x->svc.n_info >= UDP_INFO_MAX)
		return;
	for (size_t i = 0; i < x->svc.n_info; i++)
		if (strcmp(x->svc.info[i].key, key) == 0 && strcmp(x->svc.info[i].val, val) == 0)
			return;
	service_info_add(&x->svc, key, val, strlen(val));
}

void
udp_info_set(udp_exch_t *x, const char *key, const char *val)
{
	for (size_t i = 0; i < x->svc.n_info; i++)
		if (strcmp(x->svc.info[i].key, key) == 0) {
			free(x->svc.info[i].val);
			x->svc.info[i].val = xstrdup(val);
			return;
		}
	udp_info(x, key, val);
}

static void
set_product(udp_exch_t *x, const char *product, const char *version)
{
	if (product && *product && x->svc.product == NULL)
		x->svc.product = xstrdup(product);
	if (version && *version && x->svc.version == NULL)
		x->svc.version = xstrdup(version);
}

/* ---- SSDP ---- */

static size_t
ssdp_build(udp_exch_t *x, uint8_t *out, size_t cap)
{
	if (x->built)
		return 0;
	char host[96];
	const target_addr_t *a = x->svc.addr;
	bool v6 = a && a->ss.ss_family == AF_INET6;
	if (x->mcast)
		snprintf(host, sizeof(host), v6 ? "[FF02::C]:1900" : "239.255.255.250:1900");
	else if (a)
		snprintf(host, sizeof(host), v6 ? "[%s]:%d" : "%s:%d", a->text, x->port);
	else
		snprintf(host, sizeof(host), "239.255.255.250:1900");
	return ssdp_msearch_build((char *)out, cap, host, "ssdp:all", 1);
}

static udp_verdict_t
ssdp_parse(udp_exch_t *x, const uint8_t *p, size_t n)
{
	ssdp_resp_t r;
	if (ssdp_parse_response(p, n, &r) < 0)
		return UDP_REJECT;
	udp_identify(x, x->mcast ? "SSDP 200 OK to a multicast M-SEARCH"
	    : "SSDP 200 OK to a unicast M-SEARCH");
	udp_info(x, "location", r.location);
	udp_info(x, "server", r.server);
	udp_info(x, "st", r.st);
	udp_info(x, "usn", r.usn);
	char prod[128], ver[64];
	ssdp_server_product(r.server, prod, sizeof(prod), ver, sizeof(ver));
	set_product(x, prod, ver);
	return UDP_MORE;	/* one answer per device, service and embedded device */
}

/* ---- DNS ---- */

#define DNS_ANSWERED_VB	1u
#define DNS_ANSWERED_LH	2u

static uint16_t
dns_id(const udp_exch_t *x, int which)
{
	uint16_t a = rnd16(x, 0), b = rnd16(x, 2);
	if (b == a)
		b ^= 0x5a5a;
	return which ? b : a;
}

static size_t
dns_build(udp_exch_t *x, uint8_t *out, size_t cap)
{
	if (x->built == 0) {
		dns_question_t q = { "version.bind", DNS_T_TXT, DNS_C_CH };
		return dns_query_build(out, cap, dns_id(x, 0), 0, &q, 1);
	}
	if (x->built == 1) {
		dns_question_t q = { "localhost", DNS_T_A, DNS_C_IN };
		return dns_query_build(out, cap, dns_id(x, 1), DNS_F_RD, &q, 1);
	}
	return 0;
}

/* "dnsmasq-2.90" → dnsmasq, 2.90; a bare "9.18.24" is a version only. */
static void
dns_version_product(udp_exch_t *x, const char *s)
{
	const char *dash = strchr(s, '-');
	if (isalpha((unsigned char)s[0]) && dash && isdigit((unsigned char)dash[1])) {
		char prod[64];
		snprintf(prod, sizeof(prod), "%.*s", (int)(dash - s), s);
		set_product(x, prod, dash + 1);
	} else if (isdigit((unsigned char)s[0])) {
		set_product(x, NULL, s);
	}
}

static udp_verdict_t
dns_parse_answer(udp_exch_t *x, const uint8_t *p, size_t n)
{
	dns_msg_t *m = xcalloc(1, sizeof(*m));
	udp_verdict_t v = UDP_REJECT;
	int which = -1;
	if (dns_parse(p, n, m) < 0 || !(m->flags & DNS_F_QR) || DNS_OPCODE(m->flags) != 0)
		goto out;
	if (m->id == dns_id(x, 0) && x->built > 0)
		which = 0;
	else if (m->id == dns_id(x, 1) && x->built > 1)
		which = 1;
	if (which < 0)
		goto out;
	/* The question, when repeated, must be ours; only errors may omit it. */
	const char *qn = which ? "localhost" : "version.bind";
	if (m->qdcount == 0 ? DNS_RCODE(m->flags) == 0
	    : (!dns_name_eq(m->qname, qn) || m->qtype != (which ? DNS_T_A : DNS_T_TXT)))
		goto out;
	udp_identify(x, "DNS response to our query (id and question echoed)");
	x->state |= which ? DNS_ANSWERED_LH : DNS_ANSWERED_VB;
	if (which == 0) {
		for (size_t i = 0; i < m->n_rr; i++) {
			char txt[512];
			const dns_rr_t *rr = &m->rr[i];
			if (rr->section == 1 && rr->type == DNS_T_TXT &&
			    dns_rdata_txt(m, rr, txt, sizeof(txt)) == 0 && txt[0]) {
				udp_info(x, "version.bind", txt);
				dns_version_product(x, txt);
				break;
			}
		}
	} else {
		udp_info(x, "recursion-available", (m->flags & 0x0080) ? "yes" : "no");
	}
	v = (x->state & (DNS_ANSWERED_VB | DNS_ANSWERED_LH)) ==
	    (DNS_ANSWERED_VB | DNS_ANSWERED_LH) ? UDP_DONE : UDP_MORE;
out:
	free(m);
	return v;
}

/* ---- TFTP ---- */

static size_t
tftp_build(udp_exch_t *x, uint8_t *out, size_t cap)
{
	if (x->built)
		return 0;
	char file[48];
	snprintf(file, sizeof(file), "iotcert-%08x%08x.bin", rnd32(x, 0), rnd32(x, 4));
	return tftp_rrq_build(out, cap, file, "octet");
}

static udp_verdict_t
tftp_parse_answer(udp_exch_t *x, const uint8_t *p, size_t n)
{
	tftp_reply_t r;
	if (tftp_parse(p, n, &r) < 0)
		return UDP_REJECT;
	if (r.opcode == TFTP_ERROR) {
		udp_identify(x, "TFTP ERROR answering a read request");
		char text[300];
		if (r.errmsg[0])
			snprintf(text, sizeof(text), "%s", r.errmsg);
		else
			snprintf(text, sizeof(text), "error code %d", r.errcode);
		udp_info(x, "tftp-error", text);
		return UDP_DONE;
	}
	if (r.opcode == TFTP_DATA && r.block == 1) {
		udp_identify(x, "TFTP DATA answering a read request");
		char text[96];
		snprintf(text, sizeof(text), "served %zu bytes for a random file name", r.data_len);
		udp_info(x, "tftp-data", text);
		return UDP_DONE;
	}
	return UDP_REJECT;
}

/* ---- NTP ---- */

static uint64_t
ntp_nonce(const udp_exch_t *x)
{
	/* A random transmit timestamp: the reply must echo it as its origin. */
	return (uint64_t)(rnd32(x, 0) | 0x80000000u) << 32 | rnd32(x, 4);
}

static size_t
ntp_build(udp_exch_t *x, uint8_t *out, size_t cap)
{
	return x->built ? 0 : ntp_request_build(out, cap, ntp_nonce(x));
}

static udp_verdict_t
ntp_parse_answer(udp_exch_t *x, const uint8_t *p, size_t n)
{
	ntp_reply_t r;
	if (ntp_parse(p, n, &r) < 0 || r.mode != 4 || r.origin != ntp_nonce(x))
		return UDP_REJECT;
	udp_identify(x, "NTP server reply echoing our transmit timestamp");
	char v[32];
	snprintf(v, sizeof(v), "%d", r.stratum);
	udp_info(x, "stratum", v);
	snprintf(v, sizeof(v), "%d", r.version);
	udp_info(x, "ntp-version", v);
	udp_info(x, "refid", r.refid);
	return UDP_DONE;
}

/* ---- SNMP ---- */

#define OID_SYSDESCR	"1.3.6.1.2.1.1.1.0"
#define OID_SYSNAME	"1.3.6.1.2.1.1.5.0"

static int32_t
snmp_reqid(const udp_exch_t *x)
{
	return (int32_t)(rnd32(x, 0) & 0x7fffffff);
}

static size_t
snmp_build_v(udp_exch_t *x, uint8_t *out, size_t cap, int version)
{
	static const char *const oids[] = { OID_SYSDESCR, OID_SYSNAME };
	if (x->built)
		return 0;
	return snmp_get_build(out, cap, version, "public", snmp_reqid(x), oids, 2);
}

static size_t
snmp_build_v2c(udp_exch_t *x, uint8_t *out, size_t cap)
{
	return snmp_build_v(x, out, cap, SNMP_V2C);
}

static size_t
snmp_build_v1(udp_exch_t *x, uint8_t *out, size_t cap)
{
	return snmp_build_v(x, out, cap, SNMP_V1);
}

static const char *
snmp_error_name(long e)
{
	static const char *const names[] = {
		"noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr",
		"noAccess", "wrongType", "wrongLength", "wrongEncoding", "wrongValue",
		"noCreation", "inconsistentValue", "resourceUnavailable", "commitFailed",
		"undoFailed", "authorizationError", "notWritable", "inconsistentName",
	};
	return e >= 0 && (size_t)e < ARRAY_LEN(names) ? names[e] : "unknown";
}

static udp_verdict_t
snmp_parse_v(udp_exch_t *x, const uint8_t *p, size_t n, int version)
{
	snmp_msg_t *m = xcalloc(1, sizeof(*m));
	udp_verdict_t v = UDP_REJECT;
	if (snmp_parse(p, n, m) < 0 || m->pdu_type != SNMP_GET_RESPONSE ||
	    m->request_id != snmp_reqid(x) || m->version != version)
		goto out;
	udp_identify(x, version == SNMP_V2C ? "SNMPv2c GetResponse to community public"
	    : "SNMPv1 GetResponse to community public");
	udp_info(x, "community", "public");
	udp_info(x, "snmp-version", version == SNMP_V2C ? "v2c" : "v1");
	if (m->error_status) {
		char e[64];
		snprintf(e, sizeof(e), "%s (%ld)", snmp_error_name(m->error_status),
		    m->error_status);
		udp_info(x, "snmp-error", e);
	}
	const snmp_var_t *d = snmp_find(m, OID_SYSDESCR), *s = snmp_find(m, OID_SYSNAME);
	if (d && d->has_value && d->type == 0x04)
		udp_info(x, "sysDescr", d->value);
	if (s && s->has_value && s->type == 0x04)
		udp_info(x, "sysName", s->value);
	v = UDP_DONE;
out:
	free(m);
	return v;
}

static udp_verdict_t
snmp_parse_v2c(udp_exch_t *x, const uint8_t *p, size_t n)
{
	return snmp_parse_v(x, p, n, SNMP_V2C);
}

static udp_verdict_t
snmp_parse_v1(udp_exch_t *x, const uint8_t *p, size_t n)
{
	return snmp_parse_v(x, p, n, SNMP_V1);
}

/* ---- CoAP ---- */

#define COAP_ACK_PENDING 0x80000000u	/* state: low 16 bits are the msgid to ACK */

static size_t
coap_build(udp_exch_t *x, uint8_t *out, size_t cap)
{
	if (x->built == 0)
		return coap_get_build(out, cap, rnd16(x, 0), x->rnd + 2, 4, "/.well-known/core");
	if (x->state & COAP_ACK_PENDING) {
		x->state &= ~COAP_ACK_PENDING;
		return coap_ack_build(out, cap, (uint16_t)x->state);
	}
	return 0;
}

static void
coap_response(udp_exch_t *x, const coap_msg_t *m)
{
	udp_identify(x, "CoAP response to GET /.well-known/core");
	if (m->code == COAP_CONTENT && m->payload_len) {
		char *wkc = xcalloc(1, WKC_MAX + 1);
		size_t k = m->payload_len < WKC_MAX ? m->payload_len : WKC_MAX;
		/* Link-format is text: keep it as sent, control bytes made '?' */
		for (size_t i = 0; i < k; i++)
			wkc[i] = m->payload[i] < 0x20 || m->payload[i] == 0x7f ? '?'
			    : (char)m->payload[i];
		udp_info(x, "well-known-core", wkc);
		free(wkc);
	}
}

static udp_verdict_t
coap_parse_answer(udp_exch_t *x, const uint8_t *p, size_t n)
{
	coap_msg_t m;
	if (coap_parse(p, n, &m) < 0)
		return UDP_REJECT;
	unsigned cls = m.code >> 5;
	bool is_response = cls == 2 || cls == 4 || cls == 5;
	bool our_token = m.tkl == 4 && memcmp(m.token, x->rnd + 2, 4) == 0;
	bool our_mid = m.msgid == rnd16(x, 0);
	if ((m.type == COAP_ACK || m.type == COAP_RST) && our_mid) {
		if (m.type == COAP_RST) {
			if (m.code != 0)
				return UDP_REJECT;
			udp_identify(x, "CoAP reset answering a confirmable GET");
			return UDP_DONE;
		}
		if (m.code == 0) {	/* empty ACK: a separate response follows */
			udp_identify(x, "CoAP empty ACK answering a confirmable GET");
			return UDP_MORE;
		}
		if (!is_response || !our_token)
			return UDP_REJECT;
		coap_response(x, &m);
		return UDP_DONE;
	}
	if ((m.type == COAP_CON || m.type == COAP_NON) && is_response && our_token) {
		coap_response(x, &m);
		if (m.type == COAP_CON)
			x->state = COAP_ACK_PENDING | m.msgid;
		return UDP_DONE;
	}
	return UDP_REJECT;
}

/* ---- DTLS ---- */

typedef struct dtls_state {
	uint8_t cookie[255];
	size_t cookie_len;
	bool cookie_pending;
	unsigned hellos;
	uint16_t abort_version;	/* after a ServerHello: send a fatal alert in it */
} dtls_state_t;

static size_t
dtls_build(udp_exch_t *x, uint8_t *out, size_t cap)
{
	uint8_t random[32];
	for (size_t i = 0; i < sizeof(random); i++)
		random[i] = (uint8_t)(x->rnd[i % UDP_RND_LEN] ^ (i * 37));
	if (x->built == 0)
		return dtls_client_hello_build(out, cap, random, NULL, 0, 0);
	dtls_state_t *s = x->priv;
	if (s && s->abort_version) {
		/* Abandoning the handshake after the ServerHello would leave a
		 * one-peer server (s_server, small stacks) deaf to everyone
		 * else until it times out: abort it (user_canceled). */
		uint16_t v = s->abort_version;
		s->abort_version = 0;
		return dtls_alert(out, cap, v, 2, 2, 90);
	}
	if (s == NULL || !s->cookie_pending)
		return 0;
	s->cookie_pending = false;
	return dtls_client_hello_build(out, cap, random, s->cookie, s->cookie_len, 1);
}

static const char *
dtls_alert_name(uint8_t d)
{
	switch (d) {
	case 10: return "unexpected_message";
	case 40: return "handshake_failure";
	case 47: return "illegal_parameter";
	case 50: return "decode_error";
	case 70: return "protocol_version";
	case 71: return "insufficient_security";
	case 80: return "internal_error";
	case 115: return "unknown_psk_identity";
	default: return "alert";
	}
}

static udp_verdict_t
dtls_parse_answer(udp_exch_t *x, const uint8_t *p, size_t n)
{
	dtls_reply_t r;
	if (dtls_parse(p, n, &r) < 0)
		return UDP_REJECT;
	if (x->svc.protocol == NULL) {
		/* coaps is CoAP's own port; elsewhere DTLS says nothing of the application */
		x->svc.protocol = xstrdup(x->port == 5684 ? "coaps" : "tls");
		x->svc.tls = true;
	}
	if (r.content_type == DTLS_CT_ALERT) {
		udp_identify(x, "DTLS alert answering a ClientHello");
		char a[64];
		snprintf(a, sizeof(a), "%s (%u)", dtls_alert_name(r.alert_desc), r.alert_desc);
		udp_info(x, "dtls-alert", a);
		if (service_info_get(&x->svc, "dtls-version") == NULL)
			udp_info(x, "dtls-version", dtls_version_str(r.record_version));
		return UDP_DONE;
	}
	if (r.hs_type == DTLS_HS_SERVER_HELLO) {
		/* The most telling answer names the exchange, even after a cookie. */
		free(x->svc.how);
		x->svc.how = NULL;
		udp_identify(x, "DTLS ServerHello answering a ClientHello");
		udp_info_set(x, "dtls-version", dtls_version_str(r.hs_version));
		char c[16];
		snprintf(c, sizeof(c), "0x%04X", r.cipher);
		udp_info(x, "dtls-cipher", c);
		dtls_state_t *s = x->priv;
		if (s == NULL)
			s = x->priv = xcalloc(1, sizeof(*s));
		s->abort_version = r.record_version;
		return UDP_DONE;
	}
	/* HelloVerifyRequest: answer with the cookie once to see the ServerHello. */
	udp_identify(x, "DTLS HelloVerifyRequest answering a ClientHello");
	if (service_info_get(&x->svc, "dtls-version") == NULL)
		udp_info(x, "dtls-version", dtls_version_str(r.record_version));
	dtls_state_t *s = x->priv;
	if (s == NULL)
		s = x->priv = xcalloc(1, sizeof(*s));
	if (s->hellos++ >= 1)
		return UDP_DONE;
	memcpy(s->cookie, r.cookie, r.cookie_len);
	s->cookie_len = r.cookie_len;
	s->cookie_pending = true;
	return UDP_MORE;
}

/* ---- the table ---- */

static const udp_probe_t probes[] = {
	{ "snmp-v2c", 161, "snmp", false, snmp_build_v2c, snmp_parse_v2c },
	{ "snmp-v1", 161, "snmp", false, snmp_build_v1, snmp_parse_v1 },
	{ "coap", 5683, "coap", false, coap_build, coap_parse_answer },
	{ "dtls", 5684, "coaps", false, dtls_build, dtls_parse_answer },
	{ "ntp", 123, "ntp", false, ntp_build, ntp_parse_answer },
	{ "ssdp", 1900, "upnp", false, ssdp_build, ssdp_parse },
	{ "mdns", 5353, "mdns", false, udp_mdns_build, udp_mdns_parse },
	{ "dns", 53, "dns", false, dns_build, dns_parse_answer },
	{ "tftp", 69, "tftp", true, tftp_build, tftp_parse_answer },
};

const udp_probe_t *
udp_probes(size_t *n)
{
	*n = ARRAY_LEN(probes);
	return probes;
}

const udp_probe_t *
udp_probe_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(probes); i++)
		if (strcmp(probes[i].name, name) == 0)
			return &probes[i];
	return NULL;
}
