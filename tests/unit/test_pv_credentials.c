/*
 * The "credentials" passive analyzer (passive/an_credentials.c), called
 * directly with hand-made flows (its parsers, passive/cred_parse.c, are
 * tested in test_pv_classify.c, which shares them):
 * HTTP Basic and Digest, FTP, telnet logins (IAC negotiation, one byte per
 * packet, echo, backspace), MQTT 3.1/3.1.1/5 CONNECT, SNMP communities;
 * every protocol also delivered one byte at a time and split inside its
 * header, before and after the flow table classified the flow; passwords
 * masked and revealed; lying lengths and base64 garbage; seeded random
 * rounds that must never crash (run under ASan for "no overread" too).
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

/* ---- a small driver ---- */

typedef struct drv {
	pv_rig_t r;
	pv_flow_t f;
	_Alignas(16) uint8_t fs[PV_STATE_MAX];
} drv_t;

static void
drv_init(drv_t *d, uint8_t proto, pv_dut_side_t dut, uint16_t sport, const char *app,
    bool reveal)
{
	memset(d, 0, sizeof(*d));
	pv_rig_init(&d->r, pv_analyzer_find("credentials"), reveal);
	/* The DUT is 192.168.1.50; the other end 10.0.0.1. */
	const char *me = "192.168.1.50", *peer = "10.0.0.1";
	bool srv = dut == PV_DUT_SERVER;
	d->f = pv_flow_make(proto, srv ? peer : me, 40000, srv ? me : peer, sport, dut, app);
}

/* A new flow of the same run (fresh per-flow state). */
static void
drv_next_flow(drv_t *d, uint16_t cport)
{
	memset(d->fs, 0, sizeof(d->fs));
	d->f.cport = cport;
}

static void
feed(drv_t *d, pv_dir_t dir, const void *p, size_t n, uint64_t frame)
{
	pv_rig_data(&d->r, &d->f, d->fs, dir, p, n, 0, frame, 0);
}

/* n bytes, one per call and frame: frames frame0, frame0+1, ... */
static void
feed_bytes(drv_t *d, pv_dir_t dir, const void *p, size_t n, uint64_t frame0)
{
	pv_rig_data(&d->r, &d->f, d->fs, dir, p, n, 1, frame0, 1);
}

static void
feed_str(drv_t *d, pv_dir_t dir, const char *s, uint64_t frame)
{
	feed(d, dir, s, strlen(s), frame);
}

static evidence_t *
drv_finish(drv_t *d)
{
	d->r.a->flow_end(&d->r.cx, d->r.rs, &d->f, d->fs);
	evidence_t *ev = pv_rig_finish(&d->r);
	d->r.a->run_free(d->r.rs);	/* the evidence stays, the caller's */
	d->r.rs = NULL;
	return ev;
}

/* One request from a client on a fresh run; its evidence. */
static evidence_t *
one_request(pv_dut_side_t dut, uint16_t port, const char *app, bool reveal, const char *c2s)
{
	drv_t d;
	drv_init(&d, IPPROTO_TCP, dut, port, app, reveal);
	feed_str(&d, PV_C2S, c2s, 4);
	return drv_finish(&d);
}

static const finding_t *
only_finding(const evidence_t *ev, const char *kind)
{
	ck_assert_uint_eq(ev->n_findings, 1);
	ck_assert_str_eq(ev->findings[0].kind, kind);
	return &ev->findings[0];
}

static void
ck_list(const evidence_t *ev, const char *name, const char *item0, size_t n)
{
	const value_t *v = ev_get(ev, name);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->type, VT_LIST);
	ck_assert_uint_eq(v->n_items, n);
	if (n)
		ck_assert_str_eq(v->items[0], item0);
}

/* ---- HTTP ---- */

static const char *basic_req =
    "GET /cgi-bin/status HTTP/1.1\r\nHost: 10.0.0.1\r\nUser-Agent: curl/7.88.1\r\n"
    "Authorization: Basic YWRtaW46c2VjcmV0MTIz\r\nAccept: */*\r\n\r\n";

static void
ck_basic(const evidence_t *ev, const char *password, uint64_t frame)
{
	const finding_t *f = only_finding(ev, "cleartext-credential");
	ck_assert_str_eq(f->protocol, "http");
	ck_assert_str_eq(f->transport, "tcp");
	ck_assert_int_eq(f->port, 80);
	ck_assert_str_eq(finding_get(f, "username"), "admin");
	ck_assert_str_eq(finding_get(f, "password"), password);
	ck_assert_str_eq(finding_get(f, "method"), "basic");
	ck_assert_str_eq(finding_get(f, "role"), "client");
	ck_assert_str_eq(finding_get(f, "host"), "10.0.0.1");
	char fr[24];
	snprintf(fr, sizeof(fr), "%llu", (unsigned long long)frame);
	ck_assert_str_eq(finding_get(f, "frame"), fr);
	ck_assert_ptr_null(finding_get(f, "truncated"));
	ck_list(ev, "credentials", "http:admin@10.0.0.1:80", 1);
	ck_list(ev, "digest_users", NULL, 0);
	ck_assert_int_eq(ev_get(ev, "count")->i, 1);
	ck_assert_int_eq(ev_get(ev, "unreported")->i, 0);
}

START_TEST(http_basic_whole_and_split)
{
	drv_t d;
	size_t at = (size_t)(strstr(basic_req, "Authorization") - basic_req);

	drv_init(&d, IPPROTO_TCP, PV_DUT_CLIENT, 80, "http", false);
	feed_str(&d, PV_C2S, basic_req, 12);
	feed_str(&d, PV_S2C, "HTTP/1.1 200 OK\r\n\r\n", 13);
	ck_basic(drv_finish(&d), "s********", 12);
	evidence_free(d.r.ev);

	drv_init(&d, IPPROTO_TCP, PV_DUT_CLIENT, 80, "http", true);
	feed_bytes(&d, PV_C2S, basic_req, strlen(basic_req), 100);
	ck_basic(drv_finish(&d), "secret123", 100 + at);
	evidence_free(d.r.ev);

	/* Split inside the header, before and after classification: the first
	 * part arrives while the flow is unclassified. */
	drv_init(&d, IPPROTO_TCP, PV_DUT_CLIENT, 80, "", false);
	feed(&d, PV_C2S, basic_req, at + 20, 5);
	snprintf(d.f.app, sizeof(d.f.app), "http");
	feed_str(&d, PV_C2S, basic_req + at + 20, 6);
	ck_basic(drv_finish(&d), "s********", 5);
	evidence_free(d.r.ev);

	/* The same credential on every request of two flows: one finding. */
	drv_init(&d, IPPROTO_TCP, PV_DUT_CLIENT, 80, "http", false);
	feed_str(&d, PV_C2S, basic_req, 1);
	feed_str(&d, PV_C2S, basic_req, 2);
	d.r.a->flow_end(&d.r.cx, d.r.rs, &d.f, d.fs);
	drv_next_flow(&d, 40001);
	feed_str(&d, PV_C2S, basic_req, 3);
	evidence_t *ev = drv_finish(&d);
	ck_basic(ev, "s********", 1);
	ck_assert_str_eq(finding_get(&ev->findings[0], "seen"), "3");
	evidence_free(ev);
}
END_TEST

START_TEST(http_proxy_digest_garbage)
{
	evidence_t *ev = one_request(PV_DUT_CLIENT, 3128, "http", false,
	    "GET http://example.com/ HTTP/1.1\r\n"
	    "Proxy-Authorization: Basic cHJveHk6cHcxMjM0NQ==\r\n\r\n");
	const finding_t *f = only_finding(ev, "cleartext-credential");
	ck_assert_str_eq(finding_get(f, "method"), "proxy-basic");
	ck_assert_str_eq(finding_get(f, "username"), "proxy");
	ck_assert_str_eq(finding_get(f, "password"), "p******");
	evidence_free(ev);

	ev = one_request(PV_DUT_SERVER, 80, "http", false,
	    "GET / HTTP/1.1\r\nAuthorization: Digest username=\"admin\", "
	    "realm=\"IPCam\", nonce=\"5e1f\", uri=\"/\", response=\"6629fae49393a05397450978507c4ef1\"\r\n"
	    "Authorization: Basic !!!!garbage!!!!\r\n"
	    "Authorization: Basic\r\n\r\n");
	f = only_finding(ev, "cleartext-username");
	ck_assert_str_eq(f->protocol, "http");
	ck_assert_str_eq(finding_get(f, "username"), "admin");
	ck_assert_str_eq(finding_get(f, "severity"), "note");
	ck_assert_str_eq(finding_get(f, "method"), "digest");
	ck_assert_str_eq(finding_get(f, "role"), "server");
	ck_assert_ptr_null(finding_get(f, "password"));
	ck_list(ev, "digest_users", "http:admin@10.0.0.1:80", 1);
	ck_list(ev, "credentials", NULL, 0);
	ck_assert_int_eq(ev_get(ev, "count")->i, 0);
	evidence_free(ev);

	/* RTSP Basic: the protocol is the flow's. */
	ev = one_request(PV_DUT_SERVER, 554, "rtsp", false,
	    "DESCRIBE rtsp://192.168.1.50/live RTSP/1.0\r\nCSeq: 3\r\n"
	    "Authorization: Basic YWRtaW46\r\n\r\n");
	f = only_finding(ev, "cleartext-credential");
	ck_assert_str_eq(f->protocol, "rtsp");
	ck_assert_str_eq(finding_get(f, "password"), "");	/* empty stays empty */
	ck_list(ev, "credentials", "rtsp:admin@10.0.0.1:554", 1);
	evidence_free(ev);

	/* A camera CGI taking its login in the query (Foscam style), and a
	 * request line whose query has no password. */
	ev = one_request(PV_DUT_SERVER, 88, "http", true,
	    "GET /cgi-bin/CGIProxy.fcgi?cmd=snapPicture2&usr=admin&pwd=p%40ss+1 "
	    "HTTP/1.1\r\n\r\nGET /index.html?lang=en HTTP/1.1\r\n\r\n");
	f = only_finding(ev, "cleartext-credential");
	ck_assert_str_eq(finding_get(f, "method"), "url-query");
	ck_assert_str_eq(finding_get(f, "username"), "admin");
	ck_assert_str_eq(finding_get(f, "password"), "p@ss 1");
	evidence_free(ev);

	/* A Bearer token: all secret. */
	ev = one_request(PV_DUT_CLIENT, 8080, "http", false,
	    "GET /api/v1/state HTTP/1.1\r\n"
	    "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc\r\n\r\n");
	f = only_finding(ev, "cleartext-credential");
	ck_assert_str_eq(finding_get(f, "method"), "bearer");
	ck_assert_str_eq(finding_get(f, "username"), "");
	ck_assert_str_eq(finding_get(f, "password"), "e***************************");
	evidence_free(ev);

	/* A JWT longer than a kept line: reported from its start, truncated. */
	char big[1400];
	size_t o = (size_t)snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nAuthorization: Bearer ");
	memset(big + o, 'J', 1000);
	snprintf(big + o + 1000, sizeof(big) - o - 1000, "\r\nHost: x\r\n\r\n");
	ev = one_request(PV_DUT_CLIENT, 8080, "http", true, big);
	f = only_finding(ev, "cleartext-credential");
	ck_assert_str_eq(finding_get(f, "truncated"), "true");
	ck_assert_uint_eq(strlen(finding_get(f, "password")), CRED_STR_MAX - 1);
	evidence_free(ev);
}
END_TEST

/* ---- FTP ---- */

START_TEST(ftp)
{
	drv_t d;
	for (int split = 0; split < 2; split++) {
		drv_init(&d, IPPROTO_TCP, PV_DUT_SERVER, 21, split ? "" : "ftp", split);
		feed_str(&d, PV_S2C, "220 (vsFTPd 3.0.3)\r\n", 2);
		if (split)
			snprintf(d.f.app, sizeof(d.f.app), "ftp");
		const char *u = "USER ftpuser\r\n", *pw = "PASS hunter2\r\n";
		if (split) {
			feed_bytes(&d, PV_C2S, u, strlen(u), 4);
			feed_str(&d, PV_S2C, "331 Please specify the password.\r\n", 30);
			feed_bytes(&d, PV_C2S, pw, strlen(pw), 40);
		} else {
			feed_str(&d, PV_C2S, u, 4);
			feed_str(&d, PV_S2C, "331 Please specify the password.\r\n", 5);
			feed_str(&d, PV_C2S, pw, 6);
		}
		evidence_t *ev = drv_finish(&d);
		const finding_t *f = only_finding(ev, "cleartext-credential");
		ck_assert_str_eq(f->protocol, "ftp");
		ck_assert_int_eq(f->port, 21);
		ck_assert_str_eq(finding_get(f, "username"), "ftpuser");
		ck_assert_str_eq(finding_get(f, "password"), split ? "hunter2" : "h******");
		ck_assert_str_eq(finding_get(f, "frame"), split ? "40" : "6");
		ck_assert_str_eq(finding_get(f, "role"), "server");
		ck_assert_str_eq(finding_get(f, "host"), "10.0.0.1");
		ck_list(ev, "credentials", "ftp:ftpuser@10.0.0.1:21", 1);
		evidence_free(ev);
	}
}
END_TEST

/* ---- telnet ---- */

/* BusyBox telnetd and a Linux telnet client. */
static const uint8_t tn_srv_neg[] = { 0xff, 0xfd, 0x01, 0xff, 0xfd, 0x1f, 0xff, 0xfb, 0x01,
	0xff, 0xfb, 0x03 };
static const uint8_t tn_cli_neg[] = { 0xff, 0xfc, 0x01, 0xff, 0xfb, 0x1f, 0xff, 0xfa, 0x1f,
	0x00, 0x50, 0x00, 0x18, 0xff, 0xf0, 0xff, 0xfd, 0x01, 0xff, 0xfd, 0x03 };

static void
telnet_login(drv_t *d, const char *user, const char *pass, uint64_t frame0)
{
	/* The client types one byte per packet; the server echoes the name. */
	feed_str(d, PV_S2C, "\r\n\r\nrefdev login: ", frame0);
	for (size_t i = 0; user[i]; i++) {
		feed(d, PV_C2S, user + i, 1, frame0 + 1 + 2 * i);
		feed(d, PV_S2C, user + i, 1, frame0 + 2 + 2 * i);
	}
	feed(d, PV_C2S, "\r\0", 2, frame0 + 100);
	feed_str(d, PV_S2C, "\r\n", frame0 + 101);
	feed_str(d, PV_S2C, "Password: ", frame0 + 102);
	feed_bytes(d, PV_C2S, pass, strlen(pass), frame0 + 200);
	feed(d, PV_C2S, "\r\n", 2, frame0 + 300);
}

START_TEST(telnet)
{
	drv_t d;
	drv_init(&d, IPPROTO_TCP, PV_DUT_SERVER, 23, "telnet", false);
	/* The negotiation split in the middle of a command. */
	feed(&d, PV_S2C, tn_srv_neg, 4, 1);
	feed(&d, PV_S2C, tn_srv_neg + 4, sizeof(tn_srv_neg) - 4, 2);
	feed_bytes(&d, PV_C2S, tn_cli_neg, sizeof(tn_cli_neg), 3);
	telnet_login(&d, "root", "xyzzy", 1000);
	feed_str(&d, PV_S2C, "\r\nLogin incorrect\r\n", 1400);
	/* The second try: a typo corrected with DEL. */
	telnet_login(&d, "adminx\x7f", "admin", 2000);
	feed_str(&d, PV_S2C, "\r\n~ # ", 2400);
	/* Shell commands after the login are not passwords. */
	feed_str(&d, PV_C2S, "cat /etc/passwd\r\n", 2401);
	feed(&d, PV_S2C, tn_srv_neg, 3, 2402);
	feed_str(&d, PV_C2S, "reboot\r\n", 2403);
	evidence_t *ev = drv_finish(&d);
	ck_assert_uint_eq(ev->n_findings, 2);
	const finding_t *f = &ev->findings[0];
	ck_assert_str_eq(f->kind, "cleartext-credential");
	ck_assert_str_eq(f->protocol, "telnet");
	ck_assert_int_eq(f->port, 23);
	ck_assert_str_eq(finding_get(f, "username"), "root");
	ck_assert_str_eq(finding_get(f, "password"), "x****");
	ck_assert_str_eq(finding_get(f, "method"), "login");
	ck_assert_str_eq(finding_get(f, "frame"), "1200");
	ck_assert_str_eq(finding_get(&ev->findings[1], "username"), "admin");
	ck_assert_str_eq(finding_get(&ev->findings[1], "password"), "a****");
	ck_assert_str_eq(finding_get(&ev->findings[1], "frame"), "2200");
	const value_t *v = ev_get(ev, "credentials");
	ck_assert_uint_eq(v->n_items, 2);
	ck_assert_str_eq(v->items[0], "telnet:root@10.0.0.1:23");
	ck_assert_str_eq(v->items[1], "telnet:admin@10.0.0.1:23");
	ck_assert_int_eq(ev_get(ev, "count")->i, 2);
	evidence_free(ev);
}
END_TEST

START_TEST(telnet_password_only_and_cut)
{
	drv_t d;
	/* A device that asks only for a password, no negotiation at all, and
	 * is classified only once its prompt is in. */
	drv_init(&d, IPPROTO_TCP, PV_DUT_SERVER, 2323, "", true);
	feed_str(&d, PV_S2C, "\r\nPass", 1);
	snprintf(d.f.app, sizeof(d.f.app), "telnet");
	feed_str(&d, PV_S2C, "word: ", 2);
	feed_str(&d, PV_C2S, "1234\n", 3);
	/* Then a login prompt whose password the capture cut short. */
	feed_str(&d, PV_S2C, "\r\nlogin: ", 4);
	feed_str(&d, PV_C2S, "guest\r\n", 5);
	feed_str(&d, PV_S2C, "Password: ", 6);
	feed_str(&d, PV_C2S, "gue", 7);
	evidence_t *ev = drv_finish(&d);
	ck_assert_uint_eq(ev->n_findings, 2);
	ck_assert_str_eq(finding_get(&ev->findings[0], "username"), "");
	ck_assert_str_eq(finding_get(&ev->findings[0], "password"), "1234");
	ck_assert_ptr_null(finding_get(&ev->findings[0], "truncated"));
	ck_assert_str_eq(finding_get(&ev->findings[1], "username"), "guest");
	ck_assert_str_eq(finding_get(&ev->findings[1], "password"), "gue");
	ck_assert_str_eq(finding_get(&ev->findings[1], "truncated"), "true");
	ck_list(ev, "credentials", "telnet:@10.0.0.1:2323", 2);
	evidence_free(ev);
}
END_TEST

/* ---- MQTT ---- */

/* mosquitto_pub -V 5 -i cid -u user -P s3cret --will-topic t --will-payload w:
 * session expiry property, will with an empty property block. */
static const uint8_t mqtt5[] = {
	0x10, 0x2a, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0xc6, 0x00, 0x3c,
	0x05, 0x11, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x03, 'c', 'i', 'd',
	0x00, 0x00, 0x01, 't', 0x00, 0x01, 'w',
	0x00, 0x04, 'u', 's', 'e', 'r',
	0x00, 0x06, 's', '3', 'c', 'r', 'e', 't',
};

/* MQTT 3.1 (MQIsdp), user name only. */
static const uint8_t mqtt31[] = {
	0x10, 0x17, 0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p', 0x03, 0x82, 0x00, 0x3c,
	0x00, 0x02, 'i', 'd', 0x00, 0x05, 'a', 'd', 'm', 'i', 'n',
};

static evidence_t *
mqtt_run(const uint8_t *p, size_t n, bool bytewise, bool reveal)
{
	drv_t d;
	drv_init(&d, IPPROTO_TCP, PV_DUT_CLIENT, 1883, bytewise ? "" : "mqtt", reveal);
	if (bytewise) {
		/* Unclassified for the first 5 bytes (the table needs the name). */
		feed_bytes(&d, PV_C2S, p, 5, 50);
		snprintf(d.f.app, sizeof(d.f.app), "mqtt");
		feed_bytes(&d, PV_C2S, p + 5, n - 5, 55);
	} else {
		feed(&d, PV_C2S, p, n, 50);
	}
	feed(&d, PV_S2C, "\x20\x02\x00\x00", 4, 500);
	return drv_finish(&d);
}

START_TEST(mqtt_versions)
{
	for (int bytewise = 0; bytewise < 2; bytewise++) {
		evidence_t *ev = mqtt_run(pv_mqtt311, sizeof(pv_mqtt311), bytewise, false);
		const finding_t *f = only_finding(ev, "cleartext-credential");
		ck_assert_str_eq(f->protocol, "mqtt");
		ck_assert_int_eq(f->port, 1883);
		ck_assert_str_eq(finding_get(f, "username"), "user");
		ck_assert_str_eq(finding_get(f, "password"), "p***");
		ck_assert_str_eq(finding_get(f, "method"), "connect");
		/* bytewise: frame 50 + the password's offset (25) */
		ck_assert_str_eq(finding_get(f, "frame"), bytewise ? "75" : "50");
		ck_list(ev, "credentials", "mqtt:user@10.0.0.1:1883", 1);
		evidence_free(ev);

		ev = mqtt_run(mqtt5, sizeof(mqtt5), bytewise, true);
		f = only_finding(ev, "cleartext-credential");
		ck_assert_str_eq(finding_get(f, "username"), "user");
		ck_assert_str_eq(finding_get(f, "password"), "s3cret");
		ck_assert_str_eq(finding_get(f, "frame"), bytewise ? "88" : "50");
		evidence_free(ev);

		ev = mqtt_run(mqtt31, sizeof(mqtt31), bytewise, false);
		f = only_finding(ev, "cleartext-credential");
		ck_assert_str_eq(finding_get(f, "username"), "admin");
		ck_assert_str_eq(finding_get(f, "password"), "");
		evidence_free(ev);
	}
	/* No credentials in the CONNECT: nothing. */
	uint8_t anon[sizeof(pv_mqtt311)];
	memcpy(anon, pv_mqtt311, sizeof(anon));
	anon[1] = 0x0f;
	anon[9] = 0x02;
	evidence_t *ev = mqtt_run(anon, 0x11, false, false);
	ck_assert_uint_eq(ev->n_findings, 0);
	ck_assert_int_eq(ev_get(ev, "count")->i, 0);
	evidence_free(ev);
}
END_TEST

START_TEST(mqtt_lying_lengths)
{
	cred_mqtt_t m;
	uint8_t b[sizeof(pv_mqtt311)];
	/* The user name claims 0xffff bytes inside a 27-byte packet. */
	memcpy(b, pv_mqtt311, sizeof(b));
	b[17] = 0xff;
	b[18] = 0xff;
	ck_assert_int_eq(cred_mqtt_connect(b, sizeof(b), false, &m), -1);
	evidence_t *ev = mqtt_run(b, sizeof(b), false, false);
	ck_assert_uint_eq(ev->n_findings, 0);	/* a malformed packet is no evidence */
	evidence_free(ev);
	/* Remaining length shorter than the fields. */
	memcpy(b, pv_mqtt311, sizeof(b));
	b[1] = 0x10;
	ck_assert_int_eq(cred_mqtt_connect(b, sizeof(b), false, &m), -1);
	/* A five-byte remaining length. */
	const uint8_t five[] = { 0x10, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00 };
	ck_assert_int_eq(cred_mqtt_connect(five, sizeof(five), true, &m), -1);
	ev = mqtt_run(five, sizeof(five), false, false);
	ck_assert_uint_eq(ev->n_findings, 0);
	evidence_free(ev);
	/* Remaining length 100, but the flow ends after the user name and two
	 * password bytes: reported as far as it went, flagged truncated. */
	memcpy(b, pv_mqtt311, sizeof(b));
	b[1] = 100;
	drv_t d;
	drv_init(&d, IPPROTO_TCP, PV_DUT_CLIENT, 1883, "mqtt", true);
	feed(&d, PV_C2S, b, 27, 8);
	ev = drv_finish(&d);
	const finding_t *f = only_finding(ev, "cleartext-credential");
	ck_assert_str_eq(finding_get(f, "username"), "user");
	ck_assert_str_eq(finding_get(f, "password"), "pa");
	ck_assert_str_eq(finding_get(f, "truncated"), "true");
	evidence_free(ev);
	/* Not MQTT at all on an "mqtt" flow. */
	ev = mqtt_run((const uint8_t *)"GET / HTTP/1.1\r\n\r\n", 18, false, false);
	ck_assert_uint_eq(ev->n_findings, 0);
	evidence_free(ev);
}
END_TEST

START_TEST(mqtt_long_password)
{
	/* A 3000-byte password: more than the buffer keeps. */
	static uint8_t b[3100];
	size_t n = 0, plen = 3000;
	size_t rl = 10 + 2 + 1 + 2 + 1 + 2 + plen;
	b[n++] = 0x10;
	b[n++] = (uint8_t)(0x80 | (rl & 0x7f));
	b[n++] = (uint8_t)(rl >> 7);
	const uint8_t vh[] = { 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0xc2, 0x00, 0x3c,
		0x00, 0x01, 'c', 0x00, 0x01, 'u' };
	memcpy(b + n, vh, sizeof(vh));
	n += sizeof(vh);
	b[n++] = (uint8_t)(plen >> 8);
	b[n++] = (uint8_t)plen;
	memset(b + n, 'Z', plen);
	n += plen;
	evidence_t *ev = mqtt_run(b, n, false, false);
	const finding_t *f = only_finding(ev, "cleartext-credential");
	ck_assert_str_eq(finding_get(f, "username"), "u");
	ck_assert_str_eq(finding_get(f, "truncated"), "true");
	ck_assert_uint_eq(strlen(finding_get(f, "password")), CRED_STR_MAX - 1);
	evidence_free(ev);
}
END_TEST

/* ---- SNMP ---- */

START_TEST(snmp)
{
	drv_t d;
	drv_init(&d, IPPROTO_UDP, PV_DUT_SERVER, 161, "snmp", false);
	feed(&d, PV_C2S, pv_snmp_get, sizeof(pv_snmp_get), 77);
	/* The agent's response carries the same community. */
	uint8_t resp[sizeof(pv_snmp_get)];
	memcpy(resp, pv_snmp_get, sizeof(resp));
	resp[13] = 0xa2;
	feed(&d, PV_S2C, resp, sizeof(resp), 78);
	/* A v1 trap-shaped PDU with another community, and garbage. */
	uint8_t v1[sizeof(pv_snmp_get)];
	memcpy(v1, pv_snmp_get, sizeof(v1));
	v1[4] = 0x00;
	memcpy(v1 + 7, "privat", 6);
	feed(&d, PV_C2S, v1, sizeof(v1), 79);
	feed(&d, PV_C2S, pv_snmp_get, sizeof(pv_snmp_get) - 3, 80);
	evidence_t *ev = drv_finish(&d);
	ck_assert_uint_eq(ev->n_findings, 2);
	const finding_t *f = &ev->findings[0];
	ck_assert_str_eq(f->protocol, "snmp");
	ck_assert_str_eq(f->transport, "udp");
	ck_assert_int_eq(f->port, 161);
	ck_assert_str_eq(finding_get(f, "username"), "");
	ck_assert_str_eq(finding_get(f, "password"), "p*****");
	ck_assert_str_eq(finding_get(f, "method"), "community-v2c");
	ck_assert_str_eq(finding_get(f, "frame"), "77");
	ck_assert_str_eq(finding_get(f, "seen"), "2");
	ck_assert_str_eq(finding_get(&ev->findings[1], "method"), "community-v1");
	ck_list(ev, "credentials", "snmp:@10.0.0.1:161", 1);	/* once: no passwords */
	ck_assert_int_eq(ev_get(ev, "count")->i, 2);
	evidence_free(ev);
}
END_TEST

START_TEST(finding_cap)
{
	drv_t d;
	drv_init(&d, IPPROTO_UDP, PV_DUT_SERVER, 161, "snmp", false);
	uint8_t m[sizeof(pv_snmp_get)];
	memcpy(m, pv_snmp_get, sizeof(m));
	for (unsigned i = 0; i < 1005; i++) {
		char c[8];
		snprintf(c, sizeof(c), "c%05u", i);
		memcpy(m + 7, c, 6);
		feed(&d, PV_C2S, m, sizeof(m), i + 1);
	}
	evidence_t *ev = drv_finish(&d);
	ck_assert_uint_eq(ev->n_findings, 1000);
	ck_assert_int_eq(ev_get(ev, "count")->i, 1005);
	ck_assert_int_eq(ev_get(ev, "unreported")->i, 5);
	evidence_free(ev);
}
END_TEST

/* ---- hostile input ---- */

START_TEST(random_rounds)
{
	static const char *const apps[] = { "http", "ftp", "telnet", "mqtt", "rtsp", "", "tls" };
	const uint8_t *seeds[] = { (const uint8_t *)basic_req, pv_mqtt311, mqtt5, pv_snmp_get,
		tn_srv_neg };
	const size_t seed_len[] = { strlen(basic_req), sizeof(pv_mqtt311), sizeof(mqtt5),
		sizeof(pv_snmp_get), sizeof(tn_srv_neg) };
	uint32_t s = 4242;
	static uint8_t buf[6000];
	for (int round = 0; round < 3000; round++) {
		drv_t *d = calloc(1, sizeof(*d));
		bool udp = round % 5 == 4;
		drv_init(d, udp ? IPPROTO_UDP : IPPROTO_TCP,
		    (pv_dut_side_t)(1 + pv_lcg(&s) % 3), (uint16_t)pv_lcg(&s),
		    udp ? "snmp" : apps[pv_lcg(&s) % 7], round % 2);
		int chunks = 1 + (int)(pv_lcg(&s) % 40);
		for (int c = 0; c < chunks; c++) {
			size_t n = pv_lcg(&s) % (c % 7 == 0 ? sizeof(buf) : 64);
			if (pv_lcg(&s) % 2) {
				/* a real message, mutated */
				size_t k = pv_lcg(&s) % 5;
				n = seed_len[k] < sizeof(buf) ? seed_len[k] : sizeof(buf);
				memcpy(buf, seeds[k], n);
				for (int flips = pv_lcg(&s) % 4; flips > 0; flips--)
					buf[pv_lcg(&s) % n] = (uint8_t)pv_lcg(&s);
				n = pv_lcg(&s) % (n + 1);
			} else {
				for (size_t i = 0; i < n; i++)
					buf[i] = pv_lcg(&s) % 3 ? (uint8_t)pv_lcg(&s) : (uint8_t)"\r\n\xff:"[pv_lcg(&s) % 4];
			}
			if (d->f.app[0] == '\0' && pv_lcg(&s) % 4 == 0)
				snprintf(d->f.app, sizeof(d->f.app), "%s", apps[pv_lcg(&s) % 5]);
			feed(d, (pv_dir_t)(pv_lcg(&s) % 2), buf, n, (uint64_t)c);
		}
		evidence_t *ev = drv_finish(d);
		const value_t *v = ev_get(ev, "count");
		ck_assert_ptr_nonnull(v);
		ck_assert_int_ge(v->i, 0);
		for (size_t i = 0; i < ev->n_findings; i++)
			ck_assert_ptr_nonnull(finding_get(&ev->findings[i], "frame"));
		evidence_free(ev);
		free(d);
	}
}
END_TEST

static Suite *
pv_credentials_suite(void)
{
	Suite *s = suite_create("pv_credentials");
	TCase *t = tcase_create("credentials");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, http_basic_whole_and_split);
	tcase_add_test(t, http_proxy_digest_garbage);
	tcase_add_test(t, ftp);
	tcase_add_test(t, telnet);
	tcase_add_test(t, telnet_password_only_and_cut);
	tcase_add_test(t, mqtt_versions);
	tcase_add_test(t, mqtt_lying_lengths);
	tcase_add_test(t, mqtt_long_password);
	tcase_add_test(t, snmp);
	tcase_add_test(t, finding_cap);
	tcase_add_test(t, random_rounds);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(pv_credentials_suite)
