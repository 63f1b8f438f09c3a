/*
 * Content classification of captured flows (passive/classify.c) on real
 * protocol bytes — a curl request, mosquitto CONNECTs, an snmpget request,
 * BusyBox telnetd negotiation, a dig query, ... — with the ties
 * ports break, prefixes that must wait for more bytes, and random input that
 * must never be claimed (nor crash).  Then the "cleartext" analyzer over
 * hand-made flows: one finding per protocol/role/endpoint/port,
 * infrastructure protocols as notes, SNMPv3 with privacy and TLS left out.
 * Also the small parsers classification shares with the credentials
 * analyzer (passive/cred_parse.c): base64, masking, prompts, HTTP headers.
 */
#include "check_main.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "passive/analyzer.h"
#include "passive/cred_parse.h"
#include "pv_feed.h"

/* ---- helpers ---- */

static pv_flow_t
flow(uint8_t proto, const char *cli, uint16_t cport, const char *srv, uint16_t sport)
{
	return pv_flow_make(proto, cli, cport, srv, sport, PV_DUT_CLIENT, "");
}

static const char *
cls(const pv_flow_t *f, pv_dir_t dir, const void *p, size_t n)
{
	return pv_classify(f, dir, p, n);
}

#define CLS_STR(f, dir, s) cls((f), (dir), (s), strlen(s))

static void
ck_cls(const char *got, const char *want)
{
	if (want == NULL)
		ck_assert_msg(got == NULL, "classified as %s, expected undecided", got);
	else
		ck_assert_msg(got != NULL && strcmp(got, want) == 0, "classified as %s, expected %s",
		    got ? got : "NULL", want);
}

/* ---- TCP protocols ---- */

START_TEST(http_and_rtsp)
{
	pv_flow_t f = flow(IPPROTO_TCP, "192.168.1.50", 40112, "93.184.216.34", 8080);
	const char *curl = "GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/7.88.1\r\n"
	    "Accept: */*\r\n\r\n";
	ck_cls(CLS_STR(&f, PV_C2S, curl), "http");
	/* Every prefix of the request line waits; none is claimed early. */
	for (size_t i = 1; i < 14; i++)
		ck_cls(cls(&f, PV_C2S, curl, i), NULL);
	ck_cls(CLS_STR(&f, PV_S2C, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic\r\n"),
	    "http");
	ck_cls(CLS_STR(&f, PV_S2C, "HTTP/1.1 4"), NULL);
	ck_cls(CLS_STR(&f, PV_C2S, "POST /api/v1/telemetry HTTP/1.0\r\n"), "http");
	ck_cls(CLS_STR(&f, PV_C2S, "GET /index.html\r\n"), "http");	/* HTTP/0.9 */
	ck_cls(CLS_STR(&f, PV_C2S, "GET / FOO/1.0\r\n"), NULL);
	ck_cls(CLS_STR(&f, PV_C2S, "GETTER / HTTP/1.1\r\n"), NULL);

	/* VLC's first RTSP request: OPTIONS is HTTP's too, the version decides. */
	const char *vlc = "OPTIONS rtsp://192.168.1.10:554/stream1 RTSP/1.0\r\nCSeq: 2\r\n"
	    "User-Agent: LibVLC/3.0.18 (LIVE555 Streaming Media v2016.11.28)\r\n\r\n";
	ck_cls(CLS_STR(&f, PV_C2S, vlc), "rtsp");
	ck_cls(cls(&f, PV_C2S, vlc, 40), NULL);	/* the line has not ended */
	ck_cls(CLS_STR(&f, PV_C2S, "OPTIONS * HTTP/1.1\r\n"), "http");
	ck_cls(CLS_STR(&f, PV_C2S, "DESCRIBE rtsp://cam/live RTSP/1.0\r\nCSeq: 3\r\n"), "rtsp");
	ck_cls(CLS_STR(&f, PV_S2C, "RTSP/1.0 200 OK\r\nCSeq: 2\r\n"), "rtsp");
}
END_TEST

START_TEST(tls_ssh)
{
	pv_flow_t f = flow(IPPROTO_TCP, "192.168.1.50", 40113, "52.1.2.3", 8883);
	/* openssl s_client: ClientHello in a TLS 1.0 record; a ServerHello. */
	const uint8_t ch[] = { 0x16, 0x03, 0x01, 0x01, 0x2c, 0x01, 0x00, 0x01, 0x28, 0x03, 0x03 };
	const uint8_t sh[] = { 0x16, 0x03, 0x03, 0x00, 0x7a, 0x02, 0x00, 0x00, 0x76, 0x03, 0x03 };
	const uint8_t app[] = { 0x17, 0x03, 0x03, 0x00, 0x35, 0xa1 };
	ck_cls(cls(&f, PV_C2S, ch, sizeof(ch)), "tls");
	ck_cls(cls(&f, PV_S2C, sh, sizeof(sh)), "tls");
	ck_cls(cls(&f, PV_C2S, app, sizeof(app)), "tls");	/* joined after the handshake */
	ck_cls(cls(&f, PV_C2S, ch, 2), NULL);
	const uint8_t bad[] = { 0x16, 0x03, 0x07, 0x00, 0x10, 0x01 };
	ck_cls(cls(&f, PV_C2S, bad, sizeof(bad)), NULL);
	ck_cls(CLS_STR(&f, PV_S2C, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"), "ssh");
	ck_cls(CLS_STR(&f, PV_S2C, "SSH"), NULL);
	/* TLS bytes in a UDP datagram are not TLS. */
	pv_flow_t u = flow(IPPROTO_UDP, "192.168.1.50", 40113, "52.1.2.3", 443);
	ck_cls(cls(&u, PV_C2S, ch, sizeof(ch)), NULL);
}
END_TEST

START_TEST(mqtt)
{
	pv_flow_t f = flow(IPPROTO_TCP, "192.168.1.50", 40114, "10.0.0.1", 11883);
	ck_cls(cls(&f, PV_C2S, pv_mqtt311, sizeof(pv_mqtt311)), "mqtt");
	for (size_t i = 1; i < 9; i++)
		ck_cls(cls(&f, PV_C2S, pv_mqtt311, i), NULL);
	const uint8_t v31[] = { 0x10, 0x12, 0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p', 0x03, 0x02,
		0x00, 0x3c, 0x00, 0x04, 't', 'e', 's', 't' };
	ck_cls(cls(&f, PV_C2S, v31, sizeof(v31)), "mqtt");
	const uint8_t wrong[] = { 0x10, 0x12, 0x00, 0x04, 'M', 'Q', 'X', 'X', 0x04, 0x02 };
	ck_cls(cls(&f, PV_C2S, wrong, sizeof(wrong)), NULL);
	const uint8_t connack[] = { 0x20, 0x02, 0x00, 0x00 };
	ck_cls(cls(&f, PV_S2C, connack, sizeof(connack)), "mqtt");
	ck_cls(cls(&f, PV_C2S, connack, sizeof(connack)), NULL);	/* only from the server */
	const uint8_t connack_junk[] = { 0x20, 0x02, 0x00, 0x00, 0x00, 0x00 };
	ck_cls(cls(&f, PV_S2C, connack_junk, sizeof(connack_junk)), NULL);
	const uint8_t connack_pub[] = { 0x20, 0x02, 0x00, 0x00, 0x30, 0x05 };
	ck_cls(cls(&f, PV_S2C, connack_pub, sizeof(connack_pub)), "mqtt");
}
END_TEST

START_TEST(ftp_telnet)
{
	pv_flow_t f = flow(IPPROTO_TCP, "10.0.0.9", 51000, "192.168.1.50", 2121);
	ck_cls(CLS_STR(&f, PV_S2C, "220 (vsFTPd 3.0.3)\r\n"), "ftp");
	ck_cls(CLS_STR(&f, PV_S2C, "220-Welcome\r\n220 ready\r\n"), "ftp");
	ck_cls(CLS_STR(&f, PV_S2C, "220 (vsFTPd"), NULL);
	ck_cls(CLS_STR(&f, PV_S2C, "220 mail.example.com ESMTP Postfix\r\n"), NULL);
	ck_cls(CLS_STR(&f, PV_C2S, "USER anonymous\r\n"), "ftp");
	pv_flow_t pop = flow(IPPROTO_TCP, "10.0.0.9", 51000, "192.168.1.50", 110);
	ck_cls(CLS_STR(&pop, PV_C2S, "USER anonymous\r\n"), NULL);

	/* BusyBox telnetd opens with DO ECHO, DO NAWS, WILL ECHO, WILL SGA. */
	pv_flow_t t = flow(IPPROTO_TCP, "10.0.0.9", 51001, "192.168.1.50", 2323);
	const uint8_t bb[] = { 0xff, 0xfd, 0x01, 0xff, 0xfd, 0x1f, 0xff, 0xfb, 0x01, 0xff,
		0xfb, 0x03 };
	ck_cls(cls(&t, PV_S2C, bb, sizeof(bb)), "telnet");
	ck_cls(cls(&t, PV_S2C, bb, 1), NULL);
	ck_cls(cls(&t, PV_S2C, bb, 2), NULL);
	const uint8_t client[] = { 0xff, 0xfc, 0x01, 0xff, 0xfb, 0x1f };
	ck_cls(cls(&t, PV_C2S, client, sizeof(client)), "telnet");
	/* A shell with no negotiation: its login prompt. */
	ck_cls(CLS_STR(&t, PV_S2C, "\r\nrefdev login: "), "telnet");
	ck_cls(CLS_STR(&t, PV_S2C, "Welcome\r\nUsername:"), "telnet");
	ck_cls(CLS_STR(&t, PV_C2S, "\r\nrefdev login: "), NULL);
	ck_cls(CLS_STR(&t, PV_S2C, "hello there\r\n"), NULL);
	const uint8_t iac_bad[] = { 0xff, 0x01, 0x02 };
	ck_cls(cls(&t, PV_S2C, iac_bad, sizeof(iac_bad)), NULL);
}
END_TEST

/* ---- UDP protocols ---- */

/* snmpget -v3 engine discovery (noAuthNoPriv, reportable). */
static const uint8_t snmp_v3[] = {
	0x30, 0x3b, 0x02, 0x01, 0x03,
	0x30, 0x10, 0x02, 0x03, 0x00, 0xc5, 0x1a, 0x02, 0x03, 0x00, 0xff, 0xe3,
	0x04, 0x01, 0x04, 0x02, 0x01, 0x03,
	0x04, 0x10, 0x30, 0x0e, 0x04, 0x00, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x04, 0x00,
	0x04, 0x00, 0x04, 0x00,
	0x30, 0x12, 0x04, 0x00, 0x04, 0x00, 0xa0, 0x0c, 0x02, 0x02, 0x2f, 0x6e, 0x02, 0x01,
	0x00, 0x02, 0x01, 0x00, 0x30, 0x00,
};

/* dig example.com A (with an EDNS OPT record). */
static const uint8_t dns_q[] = {
	0x12, 0x34, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0x00, 0x01, 0x00, 0x01,
	0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

START_TEST(udp_protocols)
{
	pv_flow_t f = flow(IPPROTO_UDP, "192.168.1.50", 40000, "10.0.0.1", 161);
	ck_cls(cls(&f, PV_C2S, pv_snmp_get, sizeof(pv_snmp_get)), "snmp");
	ck_cls(cls(&f, PV_C2S, snmp_v3, sizeof(snmp_v3)), "snmp");
	ck_cls(cls(&f, PV_C2S, pv_snmp_get, sizeof(pv_snmp_get) - 1), NULL);	/* cut */

	pv_flow_t d = flow(IPPROTO_UDP, "192.168.1.50", 40001, "8.8.8.8", 53);
	ck_cls(cls(&d, PV_C2S, dns_q, sizeof(dns_q)), "dns");
	ck_cls(cls(&d, PV_C2S, dns_q, sizeof(dns_q) - 1), NULL);
	uint8_t longer[sizeof(dns_q) + 1];
	memcpy(longer, dns_q, sizeof(dns_q));
	longer[sizeof(dns_q)] = 0;
	ck_cls(cls(&d, PV_C2S, longer, sizeof(longer)), NULL);	/* trailing byte */
	pv_flow_t m = flow(IPPROTO_UDP, "192.168.1.50", 5353, "224.0.0.251", 5353);
	ck_cls(cls(&m, PV_C2S, dns_q, sizeof(dns_q)), "mdns");
	pv_flow_t m2 = flow(IPPROTO_UDP, "192.168.1.50", 40002, "224.0.0.251", 40001);
	ck_cls(cls(&m2, PV_C2S, dns_q, sizeof(dns_q)), "mdns");	/* by the group */
	/* DNS over TCP: the length prefix. */
	pv_flow_t dt = flow(IPPROTO_TCP, "192.168.1.50", 40003, "8.8.8.8", 53);
	uint8_t tq[2 + sizeof(dns_q)] = { 0, sizeof(dns_q) };
	memcpy(tq + 2, dns_q, sizeof(dns_q));
	ck_cls(cls(&dt, PV_C2S, tq, sizeof(tq)), "dns");

	pv_flow_t s = flow(IPPROTO_UDP, "192.168.1.50", 51234, "239.255.255.250", 1900);
	ck_cls(CLS_STR(&s, PV_C2S, "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
	    "MAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n"), "ssdp");
	ck_cls(CLS_STR(&s, PV_S2C, "HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\n\r\n"), "ssdp");
	ck_cls(CLS_STR(&s, PV_C2S, "NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\r\n\r\n"), "ssdp");

	/* sntp's request: LI 3, v4, client, poll 6, precision -20. */
	uint8_t ntp[48] = { 0xe3, 0x00, 0x06, 0xec };
	pv_flow_t n = flow(IPPROTO_UDP, "192.168.1.50", 123, "162.159.200.1", 123);
	ck_cls(cls(&n, PV_C2S, ntp, sizeof(ntp)), "ntp");
	pv_flow_t n2 = flow(IPPROTO_UDP, "192.168.1.50", 40010, "162.159.200.1", 4123);
	ck_cls(cls(&n2, PV_C2S, ntp, sizeof(ntp)), "ntp");
	ck_cls(cls(&n2, PV_C2S, ntp, 47), NULL);
	uint8_t ntp_odd[48] = { 0x23, 0x00, 0x06, 0x20 };	/* precision +32: not off port */
	ck_cls(cls(&n2, PV_C2S, ntp_odd, sizeof(ntp_odd)), NULL);
	ck_cls(cls(&n, PV_C2S, ntp_odd, sizeof(ntp_odd)), "ntp");

	/* A DHCPDISCOVER: op 1, Ethernet, the magic cookie, option 53. */
	uint8_t dhcp[300] = { 1, 1, 6, 0 };
	dhcp[236] = 0x63, dhcp[237] = 0x82, dhcp[238] = 0x53, dhcp[239] = 0x63;
	dhcp[240] = 53, dhcp[241] = 1, dhcp[242] = 1, dhcp[243] = 255;
	pv_flow_t dh = flow(IPPROTO_UDP, "0.0.0.0", 68, "255.255.255.255", 67);
	ck_cls(cls(&dh, PV_C2S, dhcp, sizeof(dhcp)), "dhcp");
	dhcp[239] = 0x64;
	ck_cls(cls(&dh, PV_C2S, dhcp, sizeof(dhcp)), NULL);

	/* coap-client -m get coap://[...]/.well-known/core */
	const uint8_t coap[] = { 0x40, 0x01, 0x9a, 0x3c, 0xbb, '.', 'w', 'e', 'l', 'l', '-', 'k',
		'n', 'o', 'w', 'n', 0x04, 'c', 'o', 'r', 'e' };
	pv_flow_t c = flow(IPPROTO_UDP, "192.168.1.50", 40020, "10.0.0.1", 15683);
	ck_cls(cls(&c, PV_C2S, coap, sizeof(coap)), "coap");
	const uint8_t empty_ack[] = { 0x60, 0x00, 0x9a, 0x3c };
	ck_cls(cls(&c, PV_S2C, empty_ack, sizeof(empty_ack)), NULL);	/* four bytes, no port */
	pv_flow_t c2 = flow(IPPROTO_UDP, "192.168.1.50", 40020, "10.0.0.1", 5683);
	ck_cls(cls(&c2, PV_S2C, empty_ack, sizeof(empty_ack)), "coap");
	const uint8_t coap_bad_code[] = { 0x40, 0x7f, 0x9a, 0x3c };
	ck_cls(cls(&c2, PV_C2S, coap_bad_code, sizeof(coap_bad_code)), NULL);

	/* DTLS 1.2 ClientHello (first flight, record version DTLS 1.0). */
	const uint8_t dtls[] = { 0x16, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x9a, 0x01, 0x00 };
	ck_cls(cls(&c2, PV_C2S, dtls, sizeof(dtls)), "dtls");
}
END_TEST

/* ---- the parsers shared with the credentials analyzer ---- */

START_TEST(shared_parsers)
{
	uint8_t out[64];
	size_t n;
	ck_assert_int_eq(cred_b64_decode("YWRtaW46c2VjcmV0MTIz", 20, out, sizeof(out), &n), 0);
	ck_assert_uint_eq(n, 15);
	ck_assert(memcmp(out, "admin:secret123", 15) == 0);
	ck_assert_int_eq(cred_b64_decode("YWRtaW4", 7, out, sizeof(out), &n), 0);	/* unpadded */
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(cred_b64_decode("YWRtaW4=", 8, out, sizeof(out), &n), 0);
	ck_assert_int_eq(cred_b64_decode("YWRtaW4==", 9, out, sizeof(out), &n), -1);
	ck_assert_int_eq(cred_b64_decode("Y", 1, out, sizeof(out), &n), -1);
	ck_assert_int_eq(cred_b64_decode("!!!!", 4, out, sizeof(out), &n), -1);
	ck_assert_int_eq(cred_b64_decode("YW=t", 4, out, sizeof(out), &n), -1);
	ck_assert_int_eq(cred_b64_decode("YWRtaW46c2VjcmV0MTIz", 20, out, 4, &n), -1);

	char m[32];
	cred_mask("secret123", false, m, sizeof(m));
	ck_assert_str_eq(m, "s********");
	cred_mask("secret123", true, m, sizeof(m));
	ck_assert_str_eq(m, "secret123");
	cred_mask("abc", false, m, sizeof(m));
	ck_assert_str_eq(m, "***");
	cred_mask("abcd", false, m, sizeof(m));
	ck_assert_str_eq(m, "a***");
	cred_mask("", false, m, sizeof(m));
	ck_assert_str_eq(m, "");
	cred_mask("\xc3\xa9tait", false, m, sizeof(m));	/* 6 bytes */
	ck_assert_str_eq(m, "******");
	cred_mask("averyveryverylongpassword-over-32", false, m, 8);
	ck_assert_str_eq(m, "a******");

	const char *p = "\r\nBusyBox v1.36.1 (2023-11-07) built-in shell\r\n\r\nrefdev login: ";
	ck_assert_int_eq(cred_prompt_at_end((const uint8_t *)p, strlen(p)), CRED_PROMPT_USER);
	p = "Password: ";
	ck_assert_int_eq(cred_prompt_at_end((const uint8_t *)p, strlen(p)), CRED_PROMPT_PASS);
	p = "login: admin";
	ck_assert_int_eq(cred_prompt_at_end((const uint8_t *)p, strlen(p)), CRED_PROMPT_NONE);
	ck_assert_int_eq(cred_prompt_at_end((const uint8_t *)"", 0), CRED_PROMPT_NONE);

	cred_http_t h;
	const char *l = "authorization:   basic YWRtaW46";
	cred_http_line(l, strlen(l), &h);
	ck_assert_int_eq(h.kind, CRED_HTTP_BASIC);
	ck_assert_str_eq(h.user, "admin");
	ck_assert_str_eq(h.pass, "");
	l = "Authorization: Digest realm=\"r\", username=\"a\\\"b\", nonce=\"x\"";
	cred_http_line(l, strlen(l), &h);
	ck_assert_int_eq(h.kind, CRED_HTTP_DIGEST);
	ck_assert_str_eq(h.user, "a\"b");
	l = "X-Authorization: Basic YWRtaW46";
	cred_http_line(l, strlen(l), &h);
	ck_assert_int_eq(h.kind, CRED_HTTP_NONE);
	l = "GET /snap.cgi?loginuse=admin&loginpas=&x=%4 HTTP/1.1";
	ck_assert_int_eq(cred_http_query(l, strlen(l), &h), 1);
	ck_assert_str_eq(h.user, "admin");
	ck_assert_str_eq(h.pass, "");
	l = "GET /a?passwordx=1&user=u HTTP/1.1";
	ck_assert_int_eq(cred_http_query(l, strlen(l), &h), 0);
	l = "GET /a?pass=%zz%4";
	ck_assert_int_eq(cred_http_query(l, strlen(l), &h), 1);
	ck_assert_str_eq(h.pass, "%zz%4");
	ck_assert_int_eq(cred_http_query("GET", 3, &h), 0);
	l = "Authorization: Basic %%%%";
	cred_http_line(l, strlen(l), &h);
	ck_assert_int_eq(h.kind, CRED_HTTP_BAD);
}
END_TEST

/* ---- hostile input ---- */

START_TEST(random_bytes)
{
	static const char *const ok[] = { "http", "tls", "dtls", "mqtt", "coap", "dns", "mdns",
		"ssdp", "telnet", "ftp", "ntp", "dhcp", "snmp", "rtsp", "ssh", "unknown" };
	uint32_t seed = 20261130;
	size_t claimed = 0;
	uint8_t buf[2100];
	for (int round = 0; round < 20000; round++) {
		size_t n = pv_lcg(&seed) % 300;
		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)pv_lcg(&seed);
		pv_flow_t f = flow(round % 2 ? IPPROTO_UDP : IPPROTO_TCP, "192.168.1.50",
		    (uint16_t)pv_lcg(&seed), "10.0.0.1", (uint16_t)pv_lcg(&seed));
		const char *r = cls(&f, (pv_dir_t)(round % 4 / 2), buf, n);
		if (r == NULL)
			continue;
		bool known = false;
		for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
			known |= strcmp(r, ok[i]) == 0;
		ck_assert_msg(known, "token %s", r);
		claimed++;
	}
	/* Random bytes are almost never anything (telnet's IAC verbs and the
	 * TLS/DTLS application-data headers are the likeliest accidents). */
	ck_assert_uint_le(claimed, 10);	/* 3 with this seed */
	/* The shared parsers on mutated prefixes of real messages. */
	const uint8_t *seeds[] = { pv_mqtt311, pv_snmp_get, snmp_v3, dns_q,
		(const uint8_t *)"Authorization: Basic YWRtaW46c2VjcmV0MTIz" };
	const size_t seed_len[] = { sizeof(pv_mqtt311), sizeof(pv_snmp_get), sizeof(snmp_v3),
		sizeof(dns_q), 41 };
	for (int round = 0; round < 20000; round++) {
		size_t k = pv_lcg(&seed) % 5, n = seed_len[k];
		memcpy(buf, seeds[k], n);
		buf[pv_lcg(&seed) % n] = (uint8_t)pv_lcg(&seed);
		n = pv_lcg(&seed) % (n + 1);
		cred_mqtt_t m;
		cred_snmp_t sn;
		cred_http_t h;
		(void)cred_mqtt_connect(buf, n, round % 2, &m);
		(void)cred_snmp_peek(buf, n, &sn);
		cred_http_line((const char *)buf, n, &h);
		(void)cred_http_query((const char *)buf, n, &h);
		(void)cred_prompt_at_end(buf, n);
		pv_flow_t f = flow(round % 2 ? IPPROTO_UDP : IPPROTO_TCP, "192.168.1.50", 5353,
		    "10.0.0.1", 1883);
		(void)cls(&f, (pv_dir_t)(round % 4 / 2), buf, n);
	}
	/* A full window of noise is "unknown", never a guess. */
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(pv_lcg(&seed) | 0x80);
	buf[0] = 0x00;
	pv_flow_t f = flow(IPPROTO_TCP, "192.168.1.50", 1, "10.0.0.1", 2);
	ck_cls(cls(&f, PV_C2S, buf, 2048), "unknown");
	ck_cls(cls(&f, PV_C2S, buf, 64), NULL);
	ck_cls(cls(&f, PV_C2S, buf, 0), NULL);
}
END_TEST

/* ---- the "cleartext" analyzer ---- */

static void
run_flow(pv_rig_t *r, pv_flow_t *f, const char *app, const void *c2s, size_t nc,
    const void *s2c, size_t ns)
{
	_Alignas(16) uint8_t fs[PV_STATE_MAX] = { 0 };
	ck_assert_uint_le(r->a->flow_state, sizeof(fs));
	snprintf(f->app, sizeof(f->app), "%s", app);
	f->packets[0] = nc ? 1 : 0;
	f->packets[1] = ns ? 1 : 0;
	f->bytes[0] = nc;
	f->bytes[1] = ns;
	pv_rig_data(r, f, fs, PV_C2S, c2s, nc, 0, f->first_frame, 0);
	pv_rig_data(r, f, fs, PV_S2C, s2c, ns, 0, f->first_frame + 1, 0);
	r->a->flow_end(&r->cx, r->rs, f, fs);
}

static const finding_t *
finding_for(const evidence_t *ev, const char *proto, const char *role)
{
	for (size_t i = 0; i < ev->n_findings; i++)
		if (strcmp(ev->findings[i].protocol, proto) == 0 &&
		    strcmp(finding_get(&ev->findings[i], "role"), role) == 0)
			return &ev->findings[i];
	return NULL;
}

START_TEST(cleartext_analyzer)
{
	pv_rig_t r;
	pv_rig_init(&r, pv_analyzer_find("cleartext"), false);
	const char *get = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";
	const char *ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	/* Two HTTP connections to one server: one finding, two flows. */
	pv_flow_t h1 = flow(IPPROTO_TCP, "192.168.1.50", 40001, "93.184.216.34", 80);
	h1.first_frame = 7;
	run_flow(&r, &h1, "http", get, strlen(get), ok, strlen(ok));
	pv_flow_t h2 = flow(IPPROTO_TCP, "192.168.1.50", 40002, "93.184.216.34", 80);
	h2.first_frame = 30;
	run_flow(&r, &h2, "http", get, strlen(get), ok, strlen(ok));
	/* The DUT as a telnet server. */
	pv_flow_t t = flow(IPPROTO_TCP, "10.0.0.9", 51000, "192.168.1.50", 23);
	t.dut = PV_DUT_SERVER;
	t.first_frame = 40;
	run_flow(&r, &t, "telnet", "x", 1, "login: ", 7);
	/* DNS: infrastructure. */
	pv_flow_t d = flow(IPPROTO_UDP, "192.168.1.50", 40100, "8.8.8.8", 53);
	d.first_frame = 3;
	run_flow(&r, &d, "dns", dns_q, sizeof(dns_q), NULL, 0);
	/* Not cleartext: TLS, binary unknown, SNMPv3 with privacy, a flow
	 * not the DUT's. */
	pv_flow_t s = flow(IPPROTO_TCP, "192.168.1.50", 40003, "52.1.2.3", 443);
	run_flow(&r, &s, "tls", "\x16\x03\x01", 3, NULL, 0);
	uint8_t bin[64];
	for (size_t i = 0; i < sizeof(bin); i++)
		bin[i] = (uint8_t)(i * 37 + 128);
	pv_flow_t u = flow(IPPROTO_TCP, "192.168.1.50", 40004, "52.1.2.4", 9000);
	run_flow(&r, &u, "unknown", bin, sizeof(bin), NULL, 0);
	uint8_t v3p[sizeof(snmp_v3)];
	memcpy(v3p, snmp_v3, sizeof(v3p));
	v3p[19] = 0x07;	/* msgFlags: auth, priv, reportable */
	pv_flow_t sv = flow(IPPROTO_UDP, "192.168.1.50", 40005, "10.0.0.1", 161);
	run_flow(&r, &sv, "snmp", v3p, sizeof(v3p), NULL, 0);
	pv_flow_t other = flow(IPPROTO_TCP, "10.0.0.7", 40006, "10.0.0.8", 80);
	other.dut = PV_DUT_NONE;
	run_flow(&r, &other, "http", get, strlen(get), NULL, 0);
	/* Text no classifier knows: a vendor line protocol. */
	pv_flow_t txt = flow(IPPROTO_TCP, "192.168.1.50", 40007, "52.1.2.5", 7000);
	txt.first_frame = 55;
	const char *hello = "HELLO device=rd100 fw=1.2.3\nSTATUS ok\n";
	run_flow(&r, &txt, "unknown", hello, strlen(hello), NULL, 0);
	/* SNMPv2c: cleartext. */
	pv_flow_t sn = flow(IPPROTO_UDP, "10.0.0.1", 40008, "192.168.1.50", 161);
	sn.dut = PV_DUT_SERVER;
	run_flow(&r, &sn, "snmp", pv_snmp_get, sizeof(pv_snmp_get), NULL, 0);

	evidence_t *ev = pv_rig_finish(&r);
	const value_t *v = ev_get(ev, "protocols");
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->type, VT_LIST);
	ck_assert_uint_eq(v->n_items, 4);
	ck_assert_str_eq(v->items[0], "http/client");
	ck_assert_str_eq(v->items[1], "telnet/server");
	ck_assert_str_eq(v->items[2], "unknown-text/client");
	ck_assert_str_eq(v->items[3], "snmp/server");
	v = ev_get(ev, "infrastructure");
	ck_assert_uint_eq(v->n_items, 1);
	ck_assert_str_eq(v->items[0], "dns/client");
	ck_assert_int_eq(ev_get(ev, "flows")->i, 5);
	ck_assert_int_eq(ev_get(ev, "infrastructure_flows")->i, 1);
	ck_assert_int_eq(ev_get(ev, "unreported")->i, 0);
	ck_assert_uint_eq(ev->n_findings, 5);

	const finding_t *fh = finding_for(ev, "http", "client");
	ck_assert_ptr_nonnull(fh);
	ck_assert_str_eq(fh->kind, "cleartext-protocol");
	ck_assert_str_eq(fh->transport, "tcp");
	ck_assert_int_eq(fh->port, 80);
	ck_assert_str_eq(finding_get(fh, "host"), "93.184.216.34");
	ck_assert_str_eq(finding_get(fh, "frame"), "7");
	ck_assert_str_eq(finding_get(fh, "flows"), "2");
	ck_assert_str_eq(finding_get(fh, "packets"), "4");
	char want[16];
	snprintf(want, sizeof(want), "%zu", 2 * (strlen(get) + strlen(ok)));
	ck_assert_str_eq(finding_get(fh, "bytes"), want);
	ck_assert_ptr_null(finding_get(fh, "severity"));
	const finding_t *ft = finding_for(ev, "telnet", "server");
	ck_assert_str_eq(finding_get(ft, "host"), "10.0.0.9");
	ck_assert_int_eq(ft->port, 23);
	const finding_t *fd = finding_for(ev, "dns", "client");
	ck_assert_str_eq(finding_get(fd, "severity"), "note");
	ck_assert_str_eq(fd->transport, "udp");
	ck_assert_str_eq(finding_get(fd, "host"), "8.8.8.8");
	ck_assert_str_eq(finding_get(finding_for(ev, "unknown-text", "client"), "frame"), "55");
	pv_rig_free(&r);
}
END_TEST

START_TEST(cleartext_ipv6_and_cap)
{
	pv_rig_t r;
	pv_rig_init(&r, pv_analyzer_find("cleartext"), false);
	pv_flow_t f = flow(IPPROTO_TCP, "192.168.1.50", 40001, "10.0.0.1", 1883);
	f.family = AF_INET6;
	inet_pton(AF_INET6, "fe80::1", f.cli);
	inet_pton(AF_INET6, "2001:db8::5", f.srv);
	run_flow(&r, &f, "mqtt", pv_mqtt311, sizeof(pv_mqtt311), NULL, 0);
	/* With the MQTT server above, 1005 distinct endpoints: 1000 findings,
	 * the other 5 only counted. */
	for (unsigned i = 0; i < 1004; i++) {
		char a[32];
		snprintf(a, sizeof(a), "10.1.%u.%u", i / 256, i % 256);
		pv_flow_t g = flow(IPPROTO_TCP, "192.168.1.50", 40001, a, 80);
		run_flow(&r, &g, "http", "GET / HTTP/1.1\r\n\r\n", 18, NULL, 0);
	}
	evidence_t *ev = pv_rig_finish(&r);
	ck_assert_uint_eq(ev->n_findings, 1000);
	ck_assert_str_eq(finding_get(&ev->findings[0], "host"), "2001:db8::5");
	ck_assert_int_eq(ev_get(ev, "unreported")->i, 5);
	ck_assert_int_eq(ev_get(ev, "flows")->i, 1005);
	ck_assert_uint_eq(ev_get(ev, "protocols")->n_items, 2);
	pv_rig_free(&r);
}
END_TEST

static Suite *
pv_classify_suite(void)
{
	Suite *s = suite_create("pv_classify");
	TCase *t = tcase_create("classify");
	tcase_add_test(t, http_and_rtsp);
	tcase_add_test(t, tls_ssh);
	tcase_add_test(t, mqtt);
	tcase_add_test(t, ftp_telnet);
	tcase_add_test(t, udp_protocols);
	tcase_add_test(t, shared_parsers);
	tcase_add_test(t, random_bytes);
	tcase_add_test(t, cleartext_analyzer);
	tcase_add_test(t, cleartext_ipv6_and_cap);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(pv_classify_suite)
