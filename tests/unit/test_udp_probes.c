/*
 * The UDP probe registry without sockets: each probe's request is answered
 * by a crafted reply built from the request itself (so ids, tokens and nonces
 * are the probe's own), and the service fields it fills are checked exactly.
 * Wrong ids, our own requests reflected back, and garbage are rejected; the
 * mDNS probe walks a simulated responder through its follow-up questions.
 */
#include "check_main.h"
#include "pktbuild.h"
#include "core/protocols.h"
#include "core/util.h"
#include "discover/udp.h"
#include "proto/dnsmsg.h"
#include "proto/ntp.h"
#include "proto/snmp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t RND[UDP_RND_LEN] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
	1, 2, 3, 4, 5, 6, 7, 8 };

/* An exchange with the fixed random bytes, on the probe's own port. */
static udp_exch_t
exch(const char *probe, int port)
{
	const udp_probe_t *p = udp_probe_find(probe);
	ck_assert_ptr_nonnull(p);
	udp_exch_t x;
	udp_exch_init(&x, p, port ? port : p->port, false, RND);
	return x;
}

/* Builds the next request into r (x->built advanced as the engine does). */
static size_t
build(udp_exch_t *x, pkt_t *r)
{
	r->n = x->probe->build(x, r->b, sizeof(r->b));
	if (r->n)
		x->built++;
	return r->n;
}

static const char *
info(const udp_exch_t *x, const char *key)
{
	return service_info_get(&x->svc, key);
}

static size_t
info_count(const udp_exch_t *x, const char *key)
{
	size_t n = 0;
	for (size_t i = 0; i < x->svc.n_info; i++)
		n += strcmp(x->svc.info[i].key, key) == 0;
	return n;
}

/* ---- the table ---- */

START_TEST(table_sane)
{
	size_t n, nd;
	const udp_probe_t *t = udp_probes(&n);
	const int *d = udp_default_ports(&nd);
	static const int want[] = { 53, 69, 123, 161, 1900, 5353, 5683, 5684 };
	ck_assert_uint_eq(nd, sizeof(want) / sizeof(want[0]));
	ck_assert_mem_eq(d, want, sizeof(want));
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(protocol_find(t[i].protocol) != NULL, "%s", t[i].protocol);
		ck_assert_ptr_eq(udp_probe_find(t[i].name), &t[i]);
	}
	for (size_t k = 0; k < nd; k++) {
		bool has = false;
		for (size_t i = 0; i < n; i++)
			has |= t[i].port == d[k];
		ck_assert_msg(has, "no probe for port %d", d[k]);
	}
	ck_assert_ptr_null(udp_probe_find("nope"));
}
END_TEST

/* Every probe's requests, reflected to every probe, are rejected. */
START_TEST(reflections_rejected)
{
	size_t n;
	const udp_probe_t *t = udp_probes(&n);
	for (size_t i = 0; i < n; i++) {
		udp_exch_t src;
		udp_exch_init(&src, &t[i], t[i].port, false, RND);
		pkt_t req;
		while (build(&src, &req)) {
			for (size_t k = 0; k < n; k++) {
				udp_exch_t x;
				udp_exch_init(&x, &t[k], t[k].port, false, RND);
				pkt_t mine;
				build(&x, &mine);
				build(&x, &mine);	/* DNS sends two */
				ck_assert_msg(t[k].parse(&x, req.b, req.n) == UDP_REJECT,
				    "%s accepted %s's request", t[k].name, t[i].name);
				ck_assert(!x.valid);
				udp_exch_clear(&x);
			}
		}
		udp_exch_clear(&src);
	}
}
END_TEST

START_TEST(garbage_rejected)
{
	size_t n;
	const udp_probe_t *t = udp_probes(&n);
	uint64_t s = 0x2545f4914f6cdd1dULL;
	uint8_t buf[700];
	for (int round = 0; round < 3000; round++) {
		size_t len = (size_t)(s % sizeof(buf));
		for (size_t i = 0; i < len; i++) {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			buf[i] = (uint8_t)s;
		}
		uint8_t *h = malloc(len ? len : 1);
		memcpy(h, buf, len);
		for (size_t k = 0; k < n; k++) {
			udp_exch_t x;
			udp_exch_init(&x, &t[k], t[k].port, round % 2, RND);
			pkt_t r;
			build(&x, &r);
			build(&x, &r);
			ck_assert_msg(t[k].parse(&x, h, len) == UDP_REJECT, "%s round %d",
			    t[k].name, round);
			udp_exch_clear(&x);
		}
		free(h);
	}
}
END_TEST

/* ---- SNMP ---- */

static void
tlv(pkt_t *p, unsigned tag, const void *d, size_t n)
{
	put8(p, tag);
	put8(p, (unsigned)n);
	put(p, d, n);
}

static void
snmp_answer(pkt_t *out, int version, int32_t reqid, unsigned err, bool values)
{
	static const uint8_t descr_oid[] = { 0x2b, 6, 1, 2, 1, 1, 1, 0 };
	static const uint8_t name_oid[] = { 0x2b, 6, 1, 2, 1, 1, 5, 0 };
	pkt_t vb1 = { .n = 0 }, vb2 = { .n = 0 }, vbl = { .n = 0 }, pdu = { .n = 0 },
	    msg = { .n = 0 };
	tlv(&vb1, 0x06, descr_oid, sizeof(descr_oid));
	if (values)
		tlv(&vb1, 0x04, "Linux refdev 6.1", 16);
	else
		tlv(&vb1, 0x05, NULL, 0);
	tlv(&vb2, 0x06, name_oid, sizeof(name_oid));
	if (values)
		tlv(&vb2, 0x04, "cam-01", 6);
	else
		tlv(&vb2, 0x80, NULL, 0);
	tlv(&vbl, 0x30, vb1.b, vb1.n);
	tlv(&vbl, 0x30, vb2.b, vb2.n);
	uint8_t rid[4] = { (uint8_t)((uint32_t)reqid >> 24), (uint8_t)(reqid >> 16),
		(uint8_t)(reqid >> 8), (uint8_t)reqid };
	tlv(&pdu, 0x02, rid, 4);
	tlv(&pdu, 0x02, (uint8_t[]){ (uint8_t)err }, 1);
	tlv(&pdu, 0x02, (uint8_t[]){ err ? 1 : 0 }, 1);
	tlv(&pdu, 0x30, vbl.b, vbl.n);
	tlv(&msg, 0x02, (uint8_t[]){ (uint8_t)version }, 1);
	tlv(&msg, 0x04, "public", 6);
	tlv(&msg, 0xa2, pdu.b, pdu.n);
	out->n = 0;
	tlv(out, 0x30, msg.b, msg.n);
}

START_TEST(snmp_probe)
{
	udp_exch_t x = exch("snmp-v2c", 0);
	pkt_t req, ans;
	ck_assert_uint_gt(build(&x, &req), 0);
	ck_assert_uint_eq(build(&x, &req), 0);	/* one request */
	x.built = 1;
	snmp_msg_t m;
	pkt_t r0;
	udp_exch_t y = exch("snmp-v2c", 0);
	build(&y, &r0);
	ck_assert_int_eq(snmp_parse(r0.b, r0.n, &m), 0);
	ck_assert_int_eq(m.version, SNMP_V2C);
	ck_assert_uint_eq(m.n_vars, 2);
	int32_t id = m.request_id;

	snmp_answer(&ans, SNMP_V2C, id + 1, 0, true);
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_REJECT);
	snmp_answer(&ans, SNMP_V1, id, 0, true);	/* v1 answer to a v2c request */
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_REJECT);
	snmp_answer(&ans, SNMP_V2C, id, 0, true);
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_DONE);
	ck_assert_str_eq(x.svc.protocol, "snmp");
	ck_assert_str_eq(x.svc.how, "SNMPv2c GetResponse to community public");
	ck_assert_str_eq(info(&x, "community"), "public");
	ck_assert_str_eq(info(&x, "snmp-version"), "v2c");
	ck_assert_str_eq(info(&x, "sysDescr"), "Linux refdev 6.1");
	ck_assert_str_eq(info(&x, "sysName"), "cam-01");
	ck_assert_ptr_null(info(&x, "snmp-error"));
	udp_exch_clear(&x);
	udp_exch_clear(&y);

	/* v1 agent refusing the names: still SNMP, with the error told. */
	x = exch("snmp-v1", 0);
	build(&x, &req);
	ck_assert_int_eq(snmp_parse(req.b, req.n, &m), 0);
	ck_assert_int_eq(m.version, SNMP_V1);
	snmp_answer(&ans, SNMP_V1, m.request_id, 2, false);
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_DONE);
	ck_assert_str_eq(info(&x, "snmp-version"), "v1");
	ck_assert_str_eq(info(&x, "snmp-error"), "noSuchName (2)");
	ck_assert_ptr_null(info(&x, "sysDescr"));
	udp_exch_clear(&x);
}
END_TEST

/* ---- DNS ---- */

static void
dns_answer(pkt_t *p, uint16_t id, uint16_t flags, const char *qname, unsigned qtype,
    unsigned qclass, const char *txt)
{
	p->n = 0;
	put16(p, id);
	put16(p, flags);
	put16(p, 1);
	put16(p, txt ? 1 : 0);
	put16(p, 0);
	put16(p, 0);
	putname(p, qname);
	put16(p, qtype);
	put16(p, qclass);
	if (txt) {
		put16(p, 0xc00c);
		put16(p, qtype);
		put16(p, qclass);
		put32(p, 0);
		put16(p, (unsigned)strlen(txt) + 1);
		put8(p, (unsigned)strlen(txt));
		put(p, txt, strlen(txt));
	}
}

START_TEST(dns_probe)
{
	udp_exch_t x = exch("dns", 0);
	pkt_t q1, q2, ans;
	build(&x, &q1);
	build(&x, &q2);
	ck_assert_uint_eq(build(&x, &ans), 0);
	dns_msg_t *m = calloc(1, sizeof(*m));
	ck_assert_int_eq(dns_parse(q1.b, q1.n, m), 0);
	uint16_t id1 = m->id;
	ck_assert_str_eq(m->qname, "version.bind");
	ck_assert_uint_eq(m->qclass, DNS_C_CH);
	ck_assert_int_eq(dns_parse(q2.b, q2.n, m), 0);
	uint16_t id2 = m->id;
	ck_assert_str_eq(m->qname, "localhost");
	ck_assert_uint_ne(id1, id2);

	dns_answer(&ans, id1 + 1, 0x8400, "version.bind", DNS_T_TXT, DNS_C_CH, "x");
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_REJECT);	/* id */
	dns_answer(&ans, id1, 0x0400, "version.bind", DNS_T_TXT, DNS_C_CH, "x");
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_REJECT);	/* not QR */
	dns_answer(&ans, id1, 0x8400, "example.com", DNS_T_TXT, DNS_C_CH, "x");
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_REJECT);	/* question */
	dns_answer(&ans, id1, 0x8400, "version.bind", DNS_T_TXT, DNS_C_CH, "dnsmasq-2.90");
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_MORE);
	ck_assert_str_eq(x.svc.protocol, "dns");
	ck_assert_str_eq(info(&x, "version.bind"), "dnsmasq-2.90");
	ck_assert_str_eq(x.svc.product, "dnsmasq");
	ck_assert_str_eq(x.svc.version, "2.90");
	dns_answer(&ans, id2, 0x8185, "localhost", DNS_T_A, DNS_C_IN, NULL);	/* REFUSED */
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_DONE);
	ck_assert_str_eq(info(&x, "recursion-available"), "yes");
	udp_exch_clear(&x);

	/* A FORMERR without the question still names DNS; a success without it does not. */
	x = exch("dns", 0);
	build(&x, &q1);
	ans.n = 0;
	put16(&ans, id1);
	put16(&ans, 0x8001);
	for (int i = 0; i < 4; i++)
		put16(&ans, 0);
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_MORE);
	udp_exch_clear(&x);
	x = exch("dns", 0);
	build(&x, &q1);
	ans.b[3] = 0x00;
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_REJECT);
	/* An answer to the second question before it was sent: not ours yet. */
	dns_answer(&ans, id2, 0x8180, "localhost", DNS_T_A, DNS_C_IN, NULL);
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_REJECT);
	udp_exch_clear(&x);
	free(m);
}
END_TEST

/* ---- NTP ---- */

START_TEST(ntp_probe)
{
	udp_exch_t x = exch("ntp", 0);
	pkt_t req, ans;
	build(&x, &req);
	ck_assert_uint_eq(req.n, 48);
	ans = req;
	ans.b[0] = 0x24;	/* v4 server */
	ans.b[1] = 3;
	memcpy(ans.b + 12, (uint8_t[]){ 127, 0, 50, 9 }, 4);
	memcpy(ans.b + 24, req.b + 40, 8);	/* origin = our transmit */
	memset(ans.b + 40, 0x11, 8);
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_DONE);
	ck_assert_str_eq(x.svc.protocol, "ntp");
	ck_assert_str_eq(info(&x, "stratum"), "3");
	ck_assert_str_eq(info(&x, "ntp-version"), "4");
	ck_assert_str_eq(info(&x, "refid"), "127.0.50.9");
	udp_exch_clear(&x);
	x = exch("ntp", 0);
	build(&x, &req);
	ans.b[24] ^= 1;		/* origin not ours */
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_REJECT);
	ans.b[24] ^= 1;
	ans.b[0] = 0x25;	/* mode 5 broadcast */
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_REJECT);
	udp_exch_clear(&x);
}
END_TEST

/* ---- TFTP ---- */

START_TEST(tftp_probe)
{
	udp_exch_t x = exch("tftp", 0);
	ck_assert(x.probe->any_source_port);
	pkt_t req;
	build(&x, &req);
	ck_assert_uint_eq(req.b[1], 1);
	ck_assert(memcmp(req.b + 2, "iotcert-", 8) == 0);
	ck_assert_str_eq((const char *)req.b + req.n - 6, "octet");
	static const uint8_t err[] = { 0, 5, 0, 1, 'F', 'i', 'l', 'e', ' ', 'n', 'o', 't',
		' ', 'f', 'o', 'u', 'n', 'd', 0 };
	ck_assert_int_eq(x.probe->parse(&x, err, sizeof(err)), UDP_DONE);
	ck_assert_str_eq(x.svc.protocol, "tftp");
	ck_assert_str_eq(info(&x, "tftp-error"), "File not found");
	udp_exch_clear(&x);
	x = exch("tftp", 0);
	build(&x, &req);
	static const uint8_t data2[] = { 0, 3, 0, 2, 'x' };
	ck_assert_int_eq(x.probe->parse(&x, data2, sizeof(data2)), UDP_REJECT);
	static const uint8_t data1[] = { 0, 3, 0, 1, 'x' };
	ck_assert_int_eq(x.probe->parse(&x, data1, sizeof(data1)), UDP_DONE);
	ck_assert_str_eq(info(&x, "tftp-data"), "served 1 bytes for a random file name");
	udp_exch_clear(&x);
}
END_TEST

/* ---- CoAP ---- */

START_TEST(coap_probe)
{
	udp_exch_t x = exch("coap", 0);
	pkt_t req, ans;
	build(&x, &req);
	ck_assert_uint_eq(req.b[0], 0x44);
	const char *wkc = "</>;title=\"General Info\";ct=0,</time>;if=\"clock\";rt=\"ticks\"";
	/* Piggybacked 2.05 with our message id and token. */
	ans.n = 0;
	put8(&ans, 0x64);
	put8(&ans, 0x45);
	put(&ans, req.b + 2, 2);
	put(&ans, req.b + 4, 4);
	put8(&ans, 0xc1);
	put8(&ans, 40);
	put8(&ans, 0xff);
	put(&ans, wkc, strlen(wkc));
	pkt_t bad = ans;
	bad.b[3] ^= 1;		/* message id */
	ck_assert_int_eq(x.probe->parse(&x, bad.b, bad.n), UDP_REJECT);
	bad = ans;
	bad.b[5] ^= 1;		/* token */
	ck_assert_int_eq(x.probe->parse(&x, bad.b, bad.n), UDP_REJECT);
	bad = ans;
	bad.b[1] = 0x01;	/* a GET, not a response */
	ck_assert_int_eq(x.probe->parse(&x, bad.b, bad.n), UDP_REJECT);
	ck_assert(!x.valid);
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_DONE);
	ck_assert_str_eq(x.svc.protocol, "coap");
	ck_assert_str_eq(info(&x, "well-known-core"), wkc);
	ck_assert_uint_eq(build(&x, &req), 0);	/* nothing to acknowledge */
	udp_exch_clear(&x);

	/* Separate response: empty ACK, then a CON 2.05 we acknowledge. */
	x = exch("coap", 0);
	build(&x, &req);
	uint8_t eack[4] = { 0x60, 0, req.b[2], req.b[3] };
	ck_assert_int_eq(x.probe->parse(&x, eack, 4), UDP_MORE);
	ck_assert(x.valid);
	ans.b[0] = 0x44;	/* CON, tkl 4 */
	ans.b[2] = 0x77;
	ans.b[3] = 0x66;
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_DONE);
	ck_assert_str_eq(info(&x, "well-known-core"), wkc);
	ck_assert_uint_eq(build(&x, &req), 4);
	static const uint8_t want_ack[] = { 0x60, 0, 0x77, 0x66 };
	ck_assert_mem_eq(req.b, want_ack, 4);
	ck_assert_uint_eq(build(&x, &req), 0);
	udp_exch_clear(&x);

	/* RST: CoAP, without resources. */
	x = exch("coap", 0);
	build(&x, &req);
	uint8_t rst[4] = { 0x70, 0, req.b[2], req.b[3] };
	ck_assert_int_eq(x.probe->parse(&x, rst, 4), UDP_DONE);
	ck_assert_str_eq(x.svc.protocol, "coap");
	ck_assert_ptr_null(info(&x, "well-known-core"));
	udp_exch_clear(&x);
}
END_TEST

/* ---- DTLS ---- */

static void
dtls_hs(pkt_t *p, unsigned rec_version, unsigned type, const pkt_t *body)
{
	p->n = 0;
	put8(p, 22);
	put16(p, rec_version);
	put16(p, 0);
	put16(p, 0);
	put32(p, 0);
	put16(p, (unsigned)body->n + 12);
	put8(p, type);
	put8(p, 0);
	put16(p, (unsigned)body->n);
	put16(p, 0);
	put8(p, 0);
	put16(p, 0);
	put8(p, 0);
	put16(p, (unsigned)body->n);
	put(p, body->b, body->n);
}

START_TEST(dtls_probe)
{
	udp_exch_t x = exch("dtls", 0);
	pkt_t req, ans, body = { .n = 0 };
	build(&x, &req);
	ck_assert_uint_eq(build(&x, &ans), 0);
	put16(&body, 0xfeff);
	put8(&body, 4);
	put32(&body, 0xc00c1e00);
	dtls_hs(&ans, 0xfeff, 3, &body);
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_MORE);
	ck_assert_str_eq(x.svc.protocol, "coaps");
	ck_assert(x.svc.tls);
	ck_assert_str_eq(info(&x, "dtls-version"), "1.0");
	pkt_t again;
	ck_assert_uint_eq(build(&x, &again), req.n + 4);	/* the hello with the cookie */
	ck_assert_uint_eq(again.b[18], 1);
	ck_assert_uint_eq(build(&x, &again), 0);
	body.n = 0;
	put16(&body, 0xfefd);
	for (int i = 0; i < 32; i++)
		put8(&body, 1);
	put8(&body, 0);
	put16(&body, 0xc0a8);
	put8(&body, 0);
	dtls_hs(&ans, 0xfefd, 2, &body);
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_DONE);
	ck_assert_str_eq(info(&x, "dtls-version"), "1.2");
	ck_assert_uint_eq(info_count(&x, "dtls-version"), 1);
	ck_assert_str_eq(info(&x, "dtls-cipher"), "0xC0A8");
	udp_exch_clear(&x);

	/* On another port DTLS is named as such, not as CoAP. */
	x = exch("dtls", 4433);
	build(&x, &req);
	pkt_t al = { .n = 0 };
	put8(&al, 21);
	put16(&al, 0xfefd);
	put16(&al, 0);
	put16(&al, 0);
	put32(&al, 0);
	put16(&al, 2);
	put8(&al, 2);
	put8(&al, 40);
	ck_assert_int_eq(x.probe->parse(&x, al.b, al.n), UDP_DONE);
	ck_assert_str_eq(x.svc.protocol, "tls");
	ck_assert_str_eq(info(&x, "dtls-alert"), "handshake_failure (40)");
	ck_assert_str_eq(info(&x, "dtls-version"), "1.2");
	udp_exch_clear(&x);
}
END_TEST

/* ---- SSDP ---- */

static void
ssdp_answer(pkt_t *p, const char *st)
{
	p->n = 0;
	char b[512];
	int n = snprintf(b, sizeof(b), "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\n"
	    "ST: %s\r\nUSN: uuid:abc::%s\r\nSERVER: Linux/4.9 UPnP/1.0 MiniUPnPd/2.1\r\n"
	    "LOCATION: http://127.0.50.1:5000/rootDesc.xml\r\nEXT:\r\n\r\n", st, st);
	put(p, b, (size_t)n);
}

START_TEST(ssdp_probe)
{
	udp_exch_t x = exch("ssdp", 0);
	target_addr_t a = { .text = "127.0.50.1" };
	a.ss.ss_family = AF_INET;
	x.svc.addr = &a;
	pkt_t req, ans;
	build(&x, &req);
	req.b[req.n] = '\0';
	ck_assert_ptr_nonnull(strstr((char *)req.b, "HOST: 127.0.50.1:1900\r\n"));
	ck_assert_ptr_nonnull(strstr((char *)req.b, "ST: ssdp:all\r\n"));
	ssdp_answer(&ans, "upnp:rootdevice");
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_MORE);
	ssdp_answer(&ans, "urn:schemas-upnp-org:device:InternetGatewayDevice:1");
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_MORE);
	ck_assert_int_eq(x.probe->parse(&x, ans.b, ans.n), UDP_MORE);	/* repeated */
	ck_assert_str_eq(x.svc.protocol, "upnp");
	ck_assert_str_eq(x.svc.product, "MiniUPnPd");
	ck_assert_str_eq(x.svc.version, "2.1");
	ck_assert_uint_eq(info_count(&x, "st"), 2);
	ck_assert_uint_eq(info_count(&x, "usn"), 2);
	ck_assert_uint_eq(info_count(&x, "location"), 1);
	ck_assert_str_eq(info(&x, "server"), "Linux/4.9 UPnP/1.0 MiniUPnPd/2.1");
	/* A flood of distinct answers stops at UDP_INFO_MAX fields. */
	for (int i = 0; i < 300; i++) {
		char st[64];
		snprintf(st, sizeof(st), "urn:x:service:S%d:1", i);
		ssdp_answer(&ans, st);
		x.probe->parse(&x, ans.b, ans.n);
	}
	ck_assert_uint_eq(x.svc.n_info, UDP_INFO_MAX);
	udp_exch_clear(&x);
}
END_TEST

/* ---- mDNS: a simulated responder ---- */

typedef struct zone {
	size_t n_types, per_type;
	bool volunteer;		/* put SRV/TXT in the additional section */
} zone_t;

static void
rr_head(pkt_t *p, const char *name, unsigned type, size_t rdlen)
{
	putname(p, name);
	put16(p, type);
	put16(p, 0x8001);
	put32(p, 120);
	put16(p, (unsigned)rdlen);
}

static void
rr_ptr(pkt_t *p, const char *owner, const char *target)
{
	pkt_t t = { .n = 0 };
	putname(&t, target);
	rr_head(p, owner, DNS_T_PTR, t.n);
	put(p, t.b, t.n);
}

static void
rr_srv_txt(pkt_t *p, const char *inst, const char *host, const char *txt, unsigned *count)
{
	pkt_t t = { .n = 0 };
	put16(&t, 0);
	put16(&t, 0);
	put16(&t, 80);
	putname(&t, host);
	rr_head(p, inst, DNS_T_SRV, t.n);
	put(p, t.b, t.n);
	t.n = 0;
	const char *s = txt;
	while (*s) {
		size_t k = strcspn(s, "|");
		put8(&t, (unsigned)k);
		put(&t, s, k);
		s += k + (s[k] == '|');
	}
	rr_head(p, inst, DNS_T_TXT, t.n);
	put(p, t.b, t.n);
	*count += 2;
}

/* Answers one legacy-unicast query from the zone; returns 0 when silent. */
static size_t
respond(const zone_t *z, const pkt_t *q, pkt_t *out)
{
	dns_msg_t *m = calloc(1, sizeof(*m));
	ck_assert_int_eq(dns_parse(q->b, q->n, m), 0);
	out->n = 0;
	put16(out, m->id);
	put16(out, 0x8400);
	put16(out, 1);
	size_t counts = out->n;
	put16(out, 0);
	put16(out, 0);
	put16(out, 0);
	putname(out, m->qname);
	put16(out, m->qtype);
	put16(out, m->qclass);
	unsigned an = 0, ar = 0;
	char name[DNS_NAME_MAX + 32];
	if (dns_name_eq(m->qname, "_services._dns-sd._udp.local")) {
		for (size_t i = 0; i < z->n_types; i++) {
			snprintf(name, sizeof(name), "_t%zu._tcp.local", i);
			rr_ptr(out, m->qname, name);
			an++;
		}
	} else if (strncmp(m->qname, "_t", 2) == 0) {
		for (size_t i = 0; i < z->per_type; i++) {
			snprintf(name, sizeof(name), "Dev %zu.%s", i, m->qname);
			rr_ptr(out, m->qname, name);
			an++;
		}
		if (z->volunteer)
			for (size_t i = 0; i < z->per_type; i++) {
				snprintf(name, sizeof(name), "Dev %zu.%s", i, m->qname);
				rr_srv_txt(out, name, "refdev.local", "model=RD-100|fw=1.2", &ar);
			}
	} else if (m->qtype == DNS_T_SRV) {
		rr_srv_txt(out, m->qname, "refdev.local", "model=RD-100|fw=1.2", &an);
	}
	out->b[counts + 1] = (uint8_t)an;
	out->b[counts + 5] = (uint8_t)ar;
	free(m);
	return out->n;
}

/* Runs the probe against the zone until it has nothing more to ask. */
static unsigned
mdns_walk(udp_exch_t *x, const zone_t *z)
{
	pkt_t q, a;
	unsigned queries = 0;
	for (int guard = 0; guard < 200 && build(x, &q); guard++) {
		queries++;
		if (respond(z, &q, &a))
			x->probe->parse(x, a.b, a.n);
	}
	return queries;
}

START_TEST(mdns_probe_walk)
{
	udp_exch_t x = exch("mdns", 0);
	zone_t z = { .n_types = 2, .per_type = 1 };
	/* 1 for the types, 2 for their instances, 2 for SRV/TXT. */
	ck_assert_uint_eq(mdns_walk(&x, &z), 5);
	ck_assert_str_eq(x.svc.protocol, "mdns");
	ck_assert_str_eq(x.svc.how, "mDNS legacy unicast answer to a DNS-SD query");
	ck_assert_uint_eq(info_count(&x, "service"), 2);
	ck_assert_str_eq(info(&x, "service"), "Dev 0._t0._tcp.local");
	ck_assert_str_eq(info(&x, "hostname"), "refdev.local");
	ck_assert_uint_eq(info_count(&x, "txt"), 2);
	ck_assert_str_eq(info(&x, "txt"), "Dev 0._t0._tcp.local: model=RD-100; fw=1.2");
	udp_exch_clear(&x);

	/* Volunteered SRV/TXT save the per-instance questions. */
	x = exch("mdns", 0);
	z.volunteer = true;
	ck_assert_uint_eq(mdns_walk(&x, &z), 3);
	ck_assert_uint_eq(info_count(&x, "txt"), 2);
	udp_exch_clear(&x);

	/* Bounds: 40 types x 5 instances -> 16 types and 32 instances asked. */
	x = exch("mdns", 0);
	z = (zone_t){ .n_types = 40, .per_type = 5 };
	ck_assert_uint_eq(mdns_walk(&x, &z), 1 + 16 + 32);
	ck_assert_uint_eq(info_count(&x, "service"), 32);
	udp_exch_clear(&x);
}
END_TEST

START_TEST(mdns_probe_checks)
{
	udp_exch_t x = exch("mdns", 0);
	pkt_t q, a;
	zone_t z = { .n_types = 0 };
	build(&x, &q);
	respond(&z, &q, &a);	/* an empty answer: fine on 5353 */
	ck_assert_int_eq(x.probe->parse(&x, a.b, a.n), UDP_DONE);
	udp_exch_clear(&x);
	x = exch("mdns", 53);	/* ... but not elsewhere: any DNS server says that */
	build(&x, &q);
	ck_assert_int_eq(x.probe->parse(&x, a.b, a.n), UDP_REJECT);
	udp_exch_clear(&x);
	x = exch("mdns", 0);
	build(&x, &q);
	a.b[1] ^= 0x40;		/* another id */
	ck_assert_int_eq(x.probe->parse(&x, a.b, a.n), UDP_REJECT);
	udp_exch_clear(&x);

	/* Multicast: any id, but only answers with records. */
	const udp_probe_t *p = udp_probe_find("mdns");
	udp_exch_init(&x, p, 5353, true, RND);
	build(&x, &q);
	ck_assert_uint_eq(q.b[0] | q.b[1], 0);	/* id 0 on the group */
	ck_assert_uint_eq(build(&x, &q), 0);	/* no follow-ups on the group */
	z.n_types = 1;
	pkt_t q2 = q;
	q2.n = 0;
	put16(&q2, 0x4242);
	put16(&q2, 0);
	put16(&q2, 1);
	for (int i = 0; i < 3; i++)
		put16(&q2, 0);
	putname(&q2, "_services._dns-sd._udp.local");
	put16(&q2, DNS_T_PTR);
	put16(&q2, DNS_C_IN);
	respond(&z, &q2, &a);
	ck_assert_int_eq(x.probe->parse(&x, a.b, a.n), UDP_MORE);
	ck_assert_str_eq(x.svc.how, "mDNS answer or announcement on the multicast group");
	z.n_types = 0;
	respond(&z, &q2, &a);
	udp_exch_t y;
	udp_exch_init(&y, p, 5353, true, RND);
	ck_assert_int_eq(y.probe->parse(&y, a.b, a.n), UDP_REJECT);
	udp_exch_clear(&x);
	udp_exch_clear(&y);
}
END_TEST

static Suite *
udp_probes_suite(void)
{
	Suite *s = suite_create("udp-probes");
	TCase *tc = tcase_create("registry");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, table_sane);
	tcase_add_test(tc, reflections_rejected);
	tcase_add_test(tc, garbage_rejected);
	suite_add_tcase(s, tc);
	tc = tcase_create("probes");
	tcase_add_test(tc, snmp_probe);
	tcase_add_test(tc, dns_probe);
	tcase_add_test(tc, ntp_probe);
	tcase_add_test(tc, tftp_probe);
	tcase_add_test(tc, coap_probe);
	tcase_add_test(tc, dtls_probe);
	tcase_add_test(tc, ssdp_probe);
	tcase_add_test(tc, mdns_probe_walk);
	tcase_add_test(tc, mdns_probe_checks);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(udp_probes_suite)
