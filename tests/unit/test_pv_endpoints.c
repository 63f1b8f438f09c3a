/*
 * The passive analyzer "endpoints" called directly, as the flow table
 * would call it: DNS answers (a CNAME chain to A and AAAA records) name
 * the addresses the DUT then connects to, TLS ClientHellos and HTTP Host
 * headers name the flows themselves (delivered whole and one byte at a
 * time), inbound and local peers are told apart, the table is capped, and
 * random bytes end in no crash.
 */
#include "check_main.h"
#include "core/evidence.h"
#include "crypto/suites.h"
#include "passive/analyzer.h"
#include "pktbuild.h"
#include "pv_feed.h"
#include "proto/dnsmsg.h"
#include "proto/tls_hello.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const pv_analyzer_t pv_an_endpoints;

static const pv_analyzer_t *const A = &pv_an_endpoints;

#define GARBAGE_ROUNDS 2000

/* A flow with the DUT at 192.168.1.50 (or 2001:db8::50) on `dut`'s side. */
static pv_flow_t
flow(const char *peer, uint16_t sport, uint8_t proto, const char *app, pv_dut_side_t dut)
{
	const char *me = strchr(peer, ':') != NULL ? "2001:db8::50" : "192.168.1.50";
	return dut == PV_DUT_SERVER ? pv_flow_make(proto, peer, 40000, me, sport, dut, app) :
	    pv_flow_make(proto, me, 40000, peer, sport, dut, app);
}

static void
deliver(pv_rig_t *r, pv_flow_t *f, void *fs, pv_dir_t dir, const void *p, size_t n, size_t chunk)
{
	pv_rig_data(r, f, fs, dir, p, n, chunk, 1, 0);
}

/* Ends a flow that carried `out` and `in` payload bytes. */
static void
end(pv_rig_t *r, pv_flow_t *f, void *fs, uint64_t first, uint64_t last, uint64_t c2s, uint64_t s2c)
{
	f->first_frame = first;
	f->last_frame = last;
	f->bytes[PV_C2S] = c2s;
	f->bytes[PV_S2C] = s2c;
	f->packets[PV_C2S] = c2s / 100 + 1;
	f->packets[PV_S2C] = s2c / 100 + 1;
	pv_rig_end(r, f, fs);
}

/* ---- DNS messages by hand ---- */

/* A response to "A? qname": qname CNAME cname, cname A a4, cname AAAA a6
 * (cname's records point back at the CNAME's data). */
static size_t
dns_answer(uint8_t *out, const char *qname, const char *cname, const char *a4, const char *a6,
    unsigned rcode)
{
	pkt_t p = { .n = 0 };
	put16(&p, 0x1234);
	put16(&p, 0x8180 | rcode);
	put16(&p, 1);
	put16(&p, rcode ? 0 : 3);
	put16(&p, 0);
	put16(&p, 0);
	putname(&p, qname);
	put16(&p, DNS_T_A);
	put16(&p, DNS_C_IN);
	if (rcode == 0) {
		put16(&p, 0xc00c);
		put16(&p, 5);
		put16(&p, DNS_C_IN);
		put16(&p, 0);
		put16(&p, 300);
		size_t lenat = p.n;
		put16(&p, 0);
		size_t cn = p.n;
		putname(&p, cname);
		p.b[lenat] = (uint8_t)((p.n - cn) >> 8);
		p.b[lenat + 1] = (uint8_t)(p.n - cn);
		uint8_t a[16];
		put16(&p, 0xc000 | (unsigned)cn);
		put16(&p, DNS_T_A);
		put16(&p, DNS_C_IN);
		put16(&p, 0);
		put16(&p, 60);
		put16(&p, 4);
		inet_pton(AF_INET, a4, a);
		put(&p, a, 4);
		put16(&p, 0xc000 | (unsigned)cn);
		put16(&p, DNS_T_AAAA);
		put16(&p, DNS_C_IN);
		put16(&p, 0);
		put16(&p, 60);
		put16(&p, 16);
		inet_pton(AF_INET6, a6, a);
		put(&p, a, 16);
	}
	memcpy(out, p.b, p.n);
	return p.n;
}

static size_t
dns_question(uint8_t *out, const char *qname)
{
	dns_question_t q = { qname, DNS_T_A, DNS_C_IN };
	size_t n = dns_query_build(out, 512, 0x1234, DNS_F_RD, &q, 1);
	ck_assert_uint_gt(n, 0);
	return n;
}

static size_t
client_hello(uint8_t *out, size_t cap, const char *sni)
{
	static const uint16_t suites[] = { 0x1301, 0xc02f };
	tls_hello_opts_t o = { 0 };
	o.version = TLSV_TLS13;
	o.suites = suites;
	o.n_suites = 2;
	o.sni = sni;
	size_t n = tls_client_hello(out, cap, &o);
	ck_assert_uint_gt(n, 0);
	return n;
}

/* ---- a small capture's worth of flows ---- */

static void
scenario(pv_rig_t *r, size_t chunk)
{
	uint8_t b[1024];
	size_t n;
	/* 1: the DUT asks its router for api.vendor.com. */
	pv_flow_t f = flow("192.168.1.1", 53, IPPROTO_UDP, "dns", PV_DUT_CLIENT);
	void *fs = pv_rig_fstate(r);
	n = dns_question(b, "api.vendor.com");
	deliver(r, &f, fs, PV_C2S, b, n, 0);
	n = dns_answer(b, "api.vendor.com", "edge.cdn.net", "93.184.216.34", "2001:db8::10", 0);
	deliver(r, &f, fs, PV_S2C, b, n, 0);
	/* A failed lookup names nothing but was still asked. */
	n = dns_answer(b, "gone.vendor.com", "x.y", "1.2.3.4", "::1", 3);
	deliver(r, &f, fs, PV_S2C, b, n, 0);
	end(r, &f, fs, 1, 4, 64, 300);

	/* 2: TLS to the address, SNI in mixed case. */
	f = flow("93.184.216.34", 443, IPPROTO_TCP, "tls", PV_DUT_CLIENT);
	fs = pv_rig_fstate(r);
	n = client_hello(b, sizeof(b), "API.Vendor.com");
	deliver(r, &f, fs, PV_C2S, b, n, chunk);
	end(r, &f, fs, 5, 40, 1000, 5000);
	/* a second connection to the same service adds up */
	f.cport = 40001;
	fs = pv_rig_fstate(r);
	deliver(r, &f, fs, PV_C2S, b, n, chunk);
	end(r, &f, fs, 41, 50, 500, 700);

	/* 3: plain HTTP with a Host header and a port. */
	static const char req[] = "GET /fw/latest.bin HTTP/1.1\r\nUser-Agent: dev/1.0\r\n"
	    "host:  Firmware.Vendor.com:8080\r\nAccept: */*\r\n\r\n";
	f = flow("198.51.100.20", 8080, IPPROTO_TCP, "http", PV_DUT_CLIENT);
	fs = pv_rig_fstate(r);
	deliver(r, &f, fs, PV_C2S, req, sizeof(req) - 1, chunk);
	end(r, &f, fs, 60, 70, sizeof(req) - 1, 2000);

	/* 4: MQTT to a bare address. */
	f = flow("203.0.113.5", 8883, IPPROTO_TCP, "mqtt", PV_DUT_CLIENT);
	end(r, &f, pv_rig_fstate(r), 80, 90, 200, 100);

	/* 5: a phone on the LAN opens the DUT's web page. */
	f = flow("192.168.1.20", 80, IPPROTO_TCP, "http", PV_DUT_SERVER);
	end(r, &f, pv_rig_fstate(r), 100, 110, 300, 9000);

	/* 6: QUIC-ish UDP to the AAAA address, unclassified. */
	f = flow("2001:db8::10", 443, IPPROTO_UDP, "unknown", PV_DUT_CLIENT);
	end(r, &f, pv_rig_fstate(r), 120, 130, 1200, 1200);

	/* 7: NTP to an unnamed IPv6 server, and mDNS to the link. */
	f = flow("2001:db8::99", 123, IPPROTO_UDP, "ntp", PV_DUT_CLIENT);
	end(r, &f, pv_rig_fstate(r), 140, 141, 48, 48);
	f = flow("ff02::fb", 5353, IPPROTO_UDP, "mdns", PV_DUT_CLIENT);
	end(r, &f, pv_rig_fstate(r), 150, 150, 40, 0);

	/* 8: a flow without the DUT is not reported. */
	f = flow("192.168.1.77", 80, IPPROTO_TCP, "http", PV_DUT_NONE);
	end(r, &f, pv_rig_fstate(r), 160, 170, 10, 10);
}

static void
check_scenario(const evidence_t *ev)
{
	static const char *const items[] = {
		"192.168.1.1:53/udp",
		"api.vendor.com(93.184.216.34):443/tcp",
		"firmware.vendor.com(198.51.100.20):8080/tcp",
		"203.0.113.5:8883/tcp",
		"192.168.1.20:80/tcp",
		"api.vendor.com(2001:db8::10):443/udp",
		"[2001:db8::99]:123/udp",
		"[ff02::fb]:5353/udp",
	};
	ck_assert_int_eq(ev_get(ev, "count")->i, 8);
	ck_assert_uint_eq(pv_list_n(ev, "endpoints"), 8);
	for (size_t i = 0; i < 8; i++)
		ck_assert_str_eq(pv_item(ev, "endpoints", i), items[i]);
	ck_assert_uint_eq(pv_list_n(ev, "names"), 2);
	ck_assert_str_eq(pv_item(ev, "names", 0), "api.vendor.com");
	ck_assert_str_eq(pv_item(ev, "names", 1), "gone.vendor.com");
	ck_assert_uint_eq(ev->n_findings, 8);

	const finding_t *f = &ev->findings[0];
	ck_assert_str_eq(f->kind, "endpoint");
	ck_assert_str_eq(f->protocol, "dns");
	ck_assert_str_eq(f->transport, "udp");
	ck_assert_int_eq(f->port, 53);
	ck_assert_str_eq(pv_attr(f, "host"), "192.168.1.1");
	ck_assert_str_eq(pv_attr(f, "scope"), "local");
	ck_assert_str_eq(pv_attr(f, "names"), "(none)");

	f = &ev->findings[1];
	ck_assert_str_eq(f->protocol, "tls");
	ck_assert_str_eq(pv_attr(f, "host"), "api.vendor.com");
	ck_assert_str_eq(pv_attr(f, "address"), "93.184.216.34");
	ck_assert_int_eq(f->port, 443);
	ck_assert_str_eq(f->transport, "tcp");
	ck_assert_str_eq(f->protocol, "tls");
	ck_assert_str_eq(pv_attr(f, "direction"), "outbound");
	ck_assert_str_eq(pv_attr(f, "scope"), "internet");
	ck_assert_str_eq(pv_attr(f, "bytes-out"), "1500");
	ck_assert_str_eq(pv_attr(f, "bytes-in"), "5700");
	ck_assert_str_eq(pv_attr(f, "packets-out"), "17");
	ck_assert_str_eq(pv_attr(f, "packets-in"), "59");
	ck_assert_str_eq(pv_attr(f, "flows"), "2");
	ck_assert_str_eq(pv_attr(f, "frame"), "5");
	ck_assert_str_eq(pv_attr(f, "last-frame"), "50");
	ck_assert_str_eq(pv_attr(f, "names"), "api.vendor.com edge.cdn.net");
	ck_assert_str_eq(f->summary, "The DUT talks to internet api.vendor.com (93.184.216.34) "
	    "on tcp port 443: 1500 bytes out, 5700 in");

	f = &ev->findings[2];
	ck_assert_str_eq(pv_attr(f, "host"), "firmware.vendor.com");
	ck_assert_str_eq(pv_attr(f, "names"), "firmware.vendor.com");

	f = &ev->findings[3];
	ck_assert_str_eq(pv_attr(f, "host"), "203.0.113.5");
	ck_assert_str_eq(f->protocol, "mqtt");

	f = &ev->findings[4];
	ck_assert_str_eq(pv_attr(f, "direction"), "inbound");
	ck_assert_str_eq(pv_attr(f, "scope"), "local");
	ck_assert_str_eq(pv_attr(f, "address"), "192.168.1.20");
	ck_assert_int_eq(f->port, 80);
	ck_assert_str_eq(pv_attr(f, "bytes-out"), "9000");	/* the DUT answered */
	ck_assert_str_eq(pv_attr(f, "bytes-in"), "300");

	f = &ev->findings[5];
	ck_assert_str_eq(f->protocol, "unknown");
	ck_assert_str_eq(pv_attr(f, "host"), "api.vendor.com");
	ck_assert_str_eq(pv_attr(f, "scope"), "internet");

	ck_assert_str_eq(pv_attr(&ev->findings[6], "scope"), "internet");
	ck_assert_str_eq(pv_attr(&ev->findings[7], "scope"), "local");
}

START_TEST(names_from_dns_sni_and_host)
{
	for (size_t chunk = 0; chunk <= 1; chunk++) {
		pv_rig_t r;
		pv_rig_init(&r, A, false);
		scenario(&r, chunk);
		pv_rig_finish(&r);
		check_scenario(r.ev);
		pv_rig_free(&r);
	}
}
END_TEST

START_TEST(undecided_flows_and_not_http)
{
	pv_rig_t r;
	pv_rig_init(&r, A, false);
	uint8_t b[1024];
	/* The classifier has not decided yet when the hello comes. */
	pv_flow_t f = flow("198.51.100.1", 443, IPPROTO_TCP, "", PV_DUT_CLIENT);
	void *fs = pv_rig_fstate(&r);
	size_t n = client_hello(b, sizeof(b), "early.example.org");
	deliver(&r, &f, fs, PV_C2S, b, n, 0);
	snprintf(f.app, sizeof(f.app), "tls");
	end(&r, &f, fs, 1, 2, 1, 1);
	/* Host headers that name nothing: an address literal, a text that
	 * is not an HTTP request, a request without Host. */
	static const char *const reqs[] = {
		"GET / HTTP/1.1\r\nHost: 10.1.2.3:80\r\n\r\n",
		"HELLO there\r\nHost: fake.example.com\r\n\r\n",
		"POST /x HTTP/1.0\r\nContent-Length: 0\r\n\r\nHost: late.example.com\r\n",
		"GET / HTTP/1.1\r\nHost: [2001:db8::1]:8080\r\n\r\n",
	};
	for (size_t i = 0; i < 4; i++) {
		f = flow("198.51.100.2", (uint16_t)(8000 + i), IPPROTO_TCP, "http", PV_DUT_CLIENT);
		fs = pv_rig_fstate(&r);
		deliver(&r, &f, fs, PV_C2S, reqs[i], strlen(reqs[i]), 0);
		end(&r, &f, fs, 10 + i, 10 + i, 1, 1);
	}
	/* A head cut short by the flow's end still names it. */
	static const char cut[] = "GET / HTTP/1.1\r\nHost: short.example.com\r\n";
	f = flow("198.51.100.3", 80, IPPROTO_TCP, "http", PV_DUT_CLIENT);
	fs = pv_rig_fstate(&r);
	deliver(&r, &f, fs, PV_C2S, cut, sizeof(cut) - 1, 0);
	end(&r, &f, fs, 20, 20, 1, 1);
	/* DNS answers sent BY the DUT (it runs a resolver) are not its own. */
	f = flow("192.168.1.30", 53, IPPROTO_UDP, "dns", PV_DUT_SERVER);
	fs = pv_rig_fstate(&r);
	n = dns_answer(b, "other.example", "c.example", "198.51.100.9", "::2", 0);
	deliver(&r, &f, fs, PV_S2C, b, n, 0);
	end(&r, &f, fs, 30, 30, 1, 1);
	f = flow("198.51.100.9", 443, IPPROTO_TCP, "tls", PV_DUT_CLIENT);
	end(&r, &f, pv_rig_fstate(&r), 31, 31, 1, 1);
	pv_rig_finish(&r);

	ck_assert_uint_eq(r.ev->n_findings, 8);
	ck_assert_str_eq(pv_attr(&r.ev->findings[0], "host"), "early.example.org");
	for (size_t i = 1; i <= 4; i++)
		ck_assert_str_eq(pv_attr(&r.ev->findings[i], "host"), "198.51.100.2");
	ck_assert_str_eq(pv_attr(&r.ev->findings[5], "host"), "short.example.com");
	ck_assert_str_eq(pv_attr(&r.ev->findings[6], "direction"), "inbound");
	ck_assert_str_eq(pv_attr(&r.ev->findings[7], "host"), "198.51.100.9");
	ck_assert_uint_eq(pv_list_n(r.ev, "names"), 0);
	pv_rig_free(&r);
}
END_TEST

START_TEST(endpoint_cap)
{
	pv_rig_t r;
	pv_rig_init(&r, A, false);
	for (unsigned i = 0; i < 5000; i++) {
		char a[32];
		snprintf(a, sizeof(a), "100.%u.%u.1", i / 256, i % 256);
		pv_flow_t f = flow(a, 443, IPPROTO_TCP, "tls", PV_DUT_CLIENT);
		end(&r, &f, pv_rig_fstate(&r), i + 1, i + 1, 1, 1);
	}
	pv_rig_finish(&r);
	ck_assert_int_eq(ev_get(r.ev, "count")->i, 4096);
	ck_assert_uint_eq(r.ev->n_findings, 4096);
	ck_assert_str_eq(pv_item(r.ev, "endpoints", 4095), "100.15.255.1:443/tcp");
	pv_rig_free(&r);
}
END_TEST

START_TEST(garbage_never_crashes)
{
	uint64_t seed = 0xe9d90175;
	pv_rig_t r;
	pv_rig_init(&r, A, false);
	uint8_t good[512];
	size_t gn = dns_answer(good, "api.vendor.com", "edge.cdn.net", "93.184.216.34", "::3", 0);
	for (int round = 0; round < GARBAGE_ROUNDS; round++) {
		uint8_t b[700];
		size_t n;
		if (round & 1) {
			n = gn;
			memcpy(b, good, n);
			for (int k = 0; k < 3; k++)
				b[xorshift(&seed) % n] = (uint8_t)xorshift(&seed);
		} else {
			n = (size_t)(xorshift(&seed) % sizeof(b));
			random_bytes(&seed, b, n);
		}
		static const char *const apps[] = { "dns", "", "tls", "http", "dtls" };
		bool udp = round % 3 == 0;
		pv_flow_t f = flow("10.9.8.7", udp ? 53 : 443, udp ? IPPROTO_UDP : IPPROTO_TCP,
		    apps[round % 5], PV_DUT_CLIENT);
		void *fs = pv_rig_fstate(&r);
		deliver(&r, &f, fs, PV_S2C, b, n, 0);
		deliver(&r, &f, fs, PV_C2S, b, n, 1 + xorshift(&seed) % 50);
		end(&r, &f, fs, (uint64_t)round, (uint64_t)round, n, n);
	}
	pv_rig_finish(&r);
	ck_assert_uint_le(r.ev->n_findings, 2);
	pv_rig_free(&r);
}
END_TEST

static Suite *
pv_endpoints_suite(void)
{
	Suite *s = suite_create("pv_endpoints");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, names_from_dns_sni_and_host);
	tcase_add_test(tc, undecided_flows_and_not_http);
	tcase_add_test(tc, endpoint_cap);
	tcase_add_test(tc, garbage_never_crashes);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(pv_endpoints_suite)
