/*
 * The reference device's CoAP and SSDP services and its UPnP description
 * over real sockets, each instance on a loopback address of its own in
 * 127.0.26.0/24 (which no other suite uses): weak with CoAP, SSDP and UPnP,
 * hardened with CoAP, and two with coap-malformed and coap-bad-length.
 * Replies are checked byte for byte, then by the harness's own parsers and
 * by its UDP discovery: the normal answers must be identified as CoAP and
 * UPnP, the malformed ones refused.  Without the refdev binary next to the
 * tests every test prints SKIP.
 */
#include "test_refdev_live.h"

#include "core/evidence.h"
#include "core/target.h"
#include "discover/udp.h"
#include "proto/coap.h"
#include "proto/ssdp.h"
#include "proto/upnp.h"

#define UDN "uuid:52443130-3000-4000-8000-524431303031"
#define WKC "</sensors/temp>;rt=\"temperature\";if=\"sensor\";ct=0," \
	"</config>;rt=\"config\";if=\"core.p\";ct=50"

enum { D_WEAK, D_HARD, D_MALFORMED, D_BAD_LENGTH };

static void
fixture_up(void)
{
	if (!fixture_open())
		return;
	start(D_WEAK, "127.0.26.1", (char *[]){ "--port", "coap=auto", "--port", "ssdp=auto",
	    NULL });
	start(D_HARD, "127.0.26.2", (char *[]){ "--mode", "hardened", "--port", "mqtts=off",
	    "--port", "coap=auto", NULL });
	start(D_MALFORMED, "127.0.26.3", (char *[]){ "--port", "coap=auto", "--misbehave",
	    "coap-malformed", NULL });
	start(D_BAD_LENGTH, "127.0.26.4", (char *[]){ "--port", "coap=auto", "--misbehave",
	    "coap-bad-length", NULL });
}

/* CON or NON GET of path with token 01 02 03 04 and message id 0x1234. */
static size_t
coap_req(uint8_t *out, bool con, uint8_t code, const char *path, const char *payload)
{
	size_t n = coap_get_build(out, 512, 0x1234, (const uint8_t *)"\1\2\3\4", 4, path);
	ck_assert_uint_gt(n, 0);
	if (!con)
		out[0] = (uint8_t)(out[0] | 0x10);
	out[1] = code;
	if (payload) {
		out[n++] = 0xff;
		memcpy(out + n, payload, strlen(payload));
		n += strlen(payload);
	}
	return n;
}

/* The one reply to a request: its code, and the harness's parse of it. */
static uint8_t
coap_code(int i, bool con, uint8_t code, const char *path, const char *payload,
    coap_msg_t *m, dgrams_t *d)
{
	uint8_t req[512];
	size_t n = coap_req(req, con, code, path, payload);
	ask_udp(i, port(i, "coap"), req, n, d, 500);
	ck_assert_uint_eq(d->n, 1);
	ck_assert_int_eq(coap_parse(d->p[0], d->len[0], m), 0);
	ck_assert_uint_eq(m->type, con ? COAP_ACK : COAP_NON);
	ck_assert_uint_eq(m->tkl, 4);
	ck_assert_mem_eq(m->token, "\1\2\3\4", 4);
	if (con)
		ck_assert_uint_eq(m->msgid, 0x1234);
	return m->code;
}

START_TEST(coap_weak)
{
	if (!up(D_WEAK))
		return;
	coap_msg_t m;
	dgrams_t d;
	ck_assert_uint_eq(coap_code(D_WEAK, true, COAP_GET, "/.well-known/core", NULL, &m, &d),
	    COAP_CONTENT);
	/* ACK, token length 4, 2.05, id echoed, Content-Format 40 (one byte). */
	ck_assert_mem_eq(d.p[0], "\x64\x45\x12\x34\1\2\3\4\xc1\x28\xff", 11);
	ck_assert_uint_eq(d.len[0], 11 + strlen(WKC));
	ck_assert_mem_eq(d.p[0] + 11, WKC, strlen(WKC));
	ck_assert_int_eq(m.content_format, 40);

	ck_assert_uint_eq(coap_code(D_WEAK, false, COAP_GET, "/sensors/temp", NULL, &m, &d),
	    COAP_CONTENT);
	ck_assert_uint_eq(d.p[0][0], 0x54); /* NON, token length 4 */
	ck_assert_uint_eq(d.p[0][8], 0xc0); /* Content-Format 0: the empty value */
	ck_assert_uint_eq(m.payload_len, 4);
	ck_assert_mem_eq(m.payload, "21.5", 4);

	ck_assert_uint_eq(coap_code(D_WEAK, true, COAP_CODE(0, 3), "/config", "{\"interval\":5}",
	    &m, &d), COAP_CODE(2, 4));
	ck_assert_uint_eq(d.len[0], 8);
	ck_assert_uint_eq(coap_code(D_WEAK, true, COAP_GET, "/config", NULL, &m, &d),
	    COAP_CONTENT);
	ck_assert_int_eq(m.content_format, 50);
	ck_assert_uint_eq(m.payload_len, 14);
	ck_assert_mem_eq(m.payload, "{\"interval\":5}", 14);

	ck_assert_uint_eq(coap_code(D_WEAK, true, COAP_GET, "/nothing", NULL, &m, &d),
	    COAP_CODE(4, 4));
	ck_assert_uint_eq(coap_code(D_WEAK, true, COAP_CODE(0, 2), "/config", NULL, &m, &d),
	    COAP_CODE(4, 5));

	/* Not a message: a CON is reset, anything else, or another version, ignored. */
	uint8_t bad[] = { 0x49, 0x01, 0xab, 0xcd, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	ask_udp(D_WEAK, port(D_WEAK, "coap"), bad, sizeof(bad), &d, 300);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_uint_eq(d.len[0], 4);
	ck_assert_mem_eq(d.p[0], "\x70\x00\xab\xcd", 4);
	bad[0] = 0x59;
	ask_udp(D_WEAK, port(D_WEAK, "coap"), bad, sizeof(bad), &d, 300);
	ck_assert_uint_eq(d.n, 0);
	ask_udp(D_WEAK, port(D_WEAK, "coap"), "\x30\x0c\x02\x01", 4, &d, 300);
	ck_assert_uint_eq(d.n, 0);
	ask_udp(D_WEAK, port(D_WEAK, "coap"), "\x40\x00\x77\x77", 4, &d, 300); /* ping */
	ck_assert_uint_eq(d.n, 1);
	ck_assert_mem_eq(d.p[0], "\x70\x00\x77\x77", 4);
}
END_TEST

START_TEST(coap_hardened)
{
	if (!up(D_HARD))
		return;
	coap_msg_t m;
	dgrams_t d;
	ck_assert_uint_eq(coap_code(D_HARD, true, COAP_GET, "/.well-known/core", NULL, &m, &d),
	    COAP_CONTENT);
	ck_assert_uint_eq(coap_code(D_HARD, true, COAP_GET, "/sensors/temp", NULL, &m, &d),
	    COAP_CODE(4, 1));
	ck_assert_uint_eq(coap_code(D_HARD, true, COAP_GET, "/config", NULL, &m, &d),
	    COAP_CODE(4, 1));
	ck_assert_uint_eq(coap_code(D_HARD, true, COAP_CODE(0, 3), "/config", "{}", &m, &d),
	    COAP_CODE(4, 1));
	ck_assert_uint_eq(d.len[0], 8);
	ck_assert_uint_eq(d.p[0][1], 0x81);
}
END_TEST

/* The harness's UDP discovery on given ports of instance i (no multicast). */
static target_t *
discover(int i, const int *ports, size_t n)
{
	char err[256];
	target_t *t = target_new(F.addr[i], err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	evidence_t *ev = evidence_new();
	udp_opts_t o;
	udp_opts_init(&o);
	o.ports = ports;
	o.n_ports = n;
	o.wait_ms = 400;
	o.listen_ms = 0;
	ck_assert_int_eq(discover_udp(t, &t->addrs[0], &o, ev, err, sizeof(err)), 0);
	evidence_free(ev);
	return t;
}

static const char *
info(const service_t *s, const char *key)
{
	const char *v = service_info_get(s, key);
	return v ? v : "";
}

START_TEST(discovery_identifies_coap_and_ssdp)
{
	if (!up(D_WEAK) || !up(D_MALFORMED))
		return;
	/* Ports without probes of their own: every probe is tried on each. */
	int ports[] = { port(D_WEAK, "coap"), port(D_WEAK, "ssdp") };
	target_t *t = discover(D_WEAK, ports, 2);
	const service_t *c = target_find(t, "udp", ports[0]);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->protocol, "coap");
	ck_assert_str_eq(info(c, "well-known-core"), WKC);
	const service_t *s = target_find(t, "udp", ports[1]);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->protocol, "upnp");
	ck_assert_str_eq(s->product, "RefDev");
	ck_assert_str_eq(s->version, "1.0.3");
	char loc[128];
	snprintf(loc, sizeof(loc), "http://%s:%d/description.xml", F.addr[D_WEAK],
	    port(D_WEAK, "upnp"));
	ck_assert_str_eq(info(s, "location"), loc);
	target_free(t);

	/* coap-malformed: nothing the harness accepts, so no CoAP service; but
	 * the port answered, so it is open and unidentified, not silent. */
	int bad[] = { port(D_MALFORMED, "coap") };
	t = discover(D_MALFORMED, bad, 1);
	c = target_find(t, "udp", bad[0]);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->protocol, "unknown");
	ck_assert_msg(strncmp(c->how, "answered, but the coap probe refused all ", 41) == 0,
	    "how: %s", c->how);
	ck_assert_uint_gt(c->banner_len, 4);
	ck_assert_uint_eq(t->udp_silent, 0);
	target_free(t);
}
END_TEST

START_TEST(coap_malformed)
{
	if (!up(D_MALFORMED))
		return;
	uint8_t req[512];
	size_t n = coap_req(req, true, COAP_GET, "/.well-known/core", NULL);
	dgrams_t d;
	ask_udp(D_MALFORMED, port(D_MALFORMED, "coap"), req, n, &d, 500);
	ck_assert_uint_eq(d.n, 4);
	/* Token length 15: the 4-byte token, then 11 filler bytes, nothing else. */
	ck_assert_uint_eq(d.len[0], 19);
	ck_assert_mem_eq(d.p[0], "\x6f\x45\x12\x34\1\2\3\4\xee\xee\xee\xee\xee\xee\xee\xee"
	    "\xee\xee\xee", 19);
	static const struct { const char *p; size_t n; } want[] = {
		{ "\x64\x45\x12\x34\1\2\3\4\xf1\x00\xff" "21.5", 15 }, /* delta nibble 15 */
		{ "\x64\x45\x12\x34\1\2\3\4\xcf\x00\x00", 11 },        /* length nibble 15 */
		{ "\x64\x45\x12\x34\1\2\3\4\xde\x01", 10 },            /* extension cut */
	};
	for (size_t i = 0; i < 3; i++) {
		ck_assert_uint_eq(d.len[i + 1], want[i].n);
		ck_assert_mem_eq(d.p[i + 1], want[i].p, want[i].n);
	}
	for (size_t i = 0; i < d.n; i++) {
		coap_msg_t m;
		ck_assert_int_eq(coap_parse(d.p[i], d.len[i], &m), -1);
	}
}
END_TEST

START_TEST(coap_bad_length)
{
	if (!up(D_BAD_LENGTH))
		return;
	uint8_t req[512];
	size_t n = coap_req(req, false, COAP_GET, "/sensors/temp", NULL);
	dgrams_t d;
	ask_udp(D_BAD_LENGTH, port(D_BAD_LENGTH, "coap"), req, n, &d, 500);
	ck_assert_uint_eq(d.n, 2);
	/* NON answers to a NON: their own message ids, our token. */
	ck_assert_uint_eq(d.len[0], 14);
	ck_assert_mem_eq(d.p[0], "\x54\x45", 2);
	ck_assert_mem_eq(d.p[0] + 4, "\1\2\3\4\xcd\xf0" "21.5", 10); /* claims 253 bytes */
	ck_assert_uint_eq(d.len[1], 15);
	ck_assert_mem_eq(d.p[1], "\x54\x45", 2);
	ck_assert_mem_eq(d.p[1] + 4, "\1\2\3\4\xce\xff\xff" "21.5", 11); /* claims 65804 */
	for (size_t i = 0; i < d.n; i++) {
		coap_msg_t m;
		ck_assert_int_eq(coap_parse(d.p[i], d.len[i], &m), -1);
	}
}
END_TEST

START_TEST(ssdp_search)
{
	if (!up(D_WEAK))
		return;
	char req[512], loc[128];
	snprintf(loc, sizeof(loc), "http://%s:%d/description.xml", F.addr[D_WEAK],
	    port(D_WEAK, "upnp"));
	size_t n = ssdp_msearch_build(req, sizeof(req), "127.0.26.1:1900", "ssdp:all", 1);
	dgrams_t d;
	ask_udp(D_WEAK, port(D_WEAK, "ssdp"), req, n, &d, 500);
	ck_assert_uint_eq(d.n, 3);
	const char *st[] = { "upnp:rootdevice", UDN, "urn:schemas-upnp-org:device:Basic:1" };
	const char *usn[] = { UDN "::upnp:rootdevice", UDN,
		              UDN "::urn:schemas-upnp-org:device:Basic:1" };
	for (size_t i = 0; i < 3; i++) {
		ssdp_resp_t r;
		ck_assert_mem_eq(d.p[i], "HTTP/1.1 200 OK\r\n", 17);
		ck_assert_int_eq(ssdp_parse_response(d.p[i], d.len[i], &r), 0);
		ck_assert_str_eq(r.location, loc);
		ck_assert_str_eq(r.st, st[i]);
		ck_assert_str_eq(r.usn, usn[i]);
		ck_assert_str_eq(r.server, "Linux/5.10 UPnP/1.1 RefDev/1.0.3");
	}
	n = ssdp_msearch_build(req, sizeof(req), "127.0.26.1:1900", "upnp:rootdevice", 1);
	ask_udp(D_WEAK, port(D_WEAK, "ssdp"), req, n, &d, 300);
	ck_assert_uint_eq(d.n, 1);
	n = ssdp_msearch_build(req, sizeof(req), "127.0.26.1:1900",
	    "urn:schemas-upnp-org:device:MediaRenderer:1", 1);
	ask_udp(D_WEAK, port(D_WEAK, "ssdp"), req, n, &d, 300);
	ck_assert_uint_eq(d.n, 0);
	static const char noman[] = "M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n";
	ask_udp(D_WEAK, port(D_WEAK, "ssdp"), noman, sizeof(noman) - 1, &d, 300);
	ck_assert_uint_eq(d.n, 0);
}
END_TEST

START_TEST(upnp_description)
{
	if (!up(D_WEAK))
		return;
	size_t len;
	char *r = http_get(D_WEAK, port(D_WEAK, "upnp"), "GET", "/description.xml", 65536, &len);
	ck_assert_msg(strncmp(r, "HTTP/1.1 200 OK\r\n", 17) == 0, "%.80s", r);
	ck_assert_ptr_nonnull(strstr(r, "\r\nContent-Type: text/xml; charset=\"utf-8\"\r\n"));
	ck_assert_ptr_nonnull(strstr(r, "\r\nServer: Linux/5.10 UPnP/1.1 RefDev/1.0.3\r\n"));
	const char *body = body_of(r);
	upnp_desc_t u;
	char err[256];
	ck_assert_int_eq(upnp_parse(body, strlen(body), &u, err, sizeof(err)), UPNP_OK);
	ck_assert_str_eq(u.friendly_name, "RefDev Camera RD-100");
	ck_assert_str_eq(u.manufacturer, "RefDev");
	ck_assert_str_eq(u.model_name, "RD-100");
	ck_assert_str_eq(u.model_number, "RD-100-1");
	ck_assert_str_eq(u.serial, "RD100-000123");
	ck_assert_str_eq(u.udn, UDN);
	upnp_desc_clear(&u);
	free(r);
	r = http_get(D_WEAK, port(D_WEAK, "upnp"), "GET", "/", 65536, &len);
	ck_assert_msg(strncmp(r, "HTTP/1.1 404 ", 13) == 0, "%.80s", r);
	free(r);
	r = http_get(D_WEAK, port(D_WEAK, "upnp"), "DELETE", "/description.xml", 65536, &len);
	ck_assert_msg(strncmp(r, "HTTP/1.1 405 ", 13) == 0, "%.80s", r);
	free(r);
}
END_TEST

static Suite *
refdev_udp_suite(void)
{
	Suite *s = suite_create("refdev-udp");
	TCase *tc = tcase_create("live");
	tcase_add_unchecked_fixture(tc, fixture_up, fixture_down);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, coap_weak);
	tcase_add_test(tc, coap_hardened);
	tcase_add_test(tc, discovery_identifies_coap_and_ssdp);
	tcase_add_test(tc, coap_malformed);
	tcase_add_test(tc, coap_bad_length);
	tcase_add_test(tc, ssdp_search);
	tcase_add_test(tc, upnp_description);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(refdev_udp_suite)
