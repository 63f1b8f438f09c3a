/*
 * The personal-data patterns (passive/pd_scan.c) and the analyzer
 * "personal-data" called as the flow table would call it: positives with
 * their exact normalised and masked values, negatives that look close
 * (versions, addresses, timestamps, UUIDs, number lists, image names, URL
 * userinfo, dates), values split across deliveries at every position and
 * across the analyzer's window boundary, frames, masking, encrypted flows
 * left alone, and random input: windowed scanning must find exactly what
 * one scan of the whole stream finds, and never crash.
 */
#include "check_main.h"
#include "core/evidence.h"
#include "passive/analyzer.h"
#include "passive/pd_scan.h"
#include "pktbuild.h"
#include "pv_feed.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const pv_analyzer_t pv_an_personal;

static const pv_analyzer_t *const A = &pv_an_personal;

#define RANDOM_ROUNDS 300

/* ---- the scanner alone ---- */

typedef struct got {
	pd_match_t m[64];
	size_t n;
} got_t;

static void
collect(void *ctx, const pd_match_t *m)
{
	got_t *g = ctx;
	if (g->n < 64)
		g->m[g->n++] = *m;
}

static got_t
scan(const char *s)
{
	got_t g;
	g.n = 0;
	size_t n = strlen(s);
	uint8_t *h = heap_copy((const uint8_t *)s, n);
	pd_scan(h, n, 0, n, 0, true, collect, &g);
	free(h);
	return g;
}

static const struct {
	const char *text;
	pd_pattern_t pattern;
	const char *value, *masked;
} positives[] = {
	{ "contact: John.Doe+iot@Example.COM, thanks", PD_EMAIL, "John.Doe+iot@example.com",
	  "J***@example.com" },
	{ "mailto:jane@mail.example.org.", PD_EMAIL, "jane@mail.example.org", "j***@mail.example.org" },
	{ "{\"owner\":\"a_b-c@sub.domain.co.uk\"}", PD_EMAIL, "a_b-c@sub.domain.co.uk",
	  "a***@sub.domain.co.uk" },
	{ "pos=52.520008,13.404954&t=1", PD_COORDS, "52.520008,13.404954", "52.5,13.4" },
	{ "[-33.8688, 151.2093]", PD_COORDS, "-33.8688,151.2093", "-33.9,151.2" },
	{ "gps 40.7128 ,-74.0060 end", PD_COORDS, "40.7128,-74.0060", "40.7,-74.0" },
	{ "{\"lat\": 48.8584, \"lon\": 2.2945}", PD_COORDS, "48.8584,2.2945", "48.9,2.3" },
	{ "{\"lng\":-122.4194,\"acc\":5,\"Latitude\":\"37.7749\"}", PD_COORDS, "37.7749,-122.4194",
	  "37.8,-122.4" },
	{ "<lat>51.50</lat><lon>-0.12</lon>", PD_COORDS, "51.50,-0.12", "51.5,-0.1" },
	{ "lat=59.33&long=18.06", PD_COORDS, "59.33,18.06", "59.3,18.1" },
	{ "tel: +49 30 1234567\n", PD_PHONE, "+49301234567", "+49*******67" },
	{ "\"phone\":\"+1-555-123-4567\"", PD_PHONE, "+15551234567", "+15*******67" },
	{ "(+447911123456)", PD_PHONE, "+447911123456", "+44********56" },
};

START_TEST(scanner_positives)
{
	size_t i = (size_t)_i;
	got_t g = scan(positives[i].text);
	ck_assert_msg(g.n == 1, "%s: %zu matches", positives[i].text, g.n);
	ck_assert_int_eq(g.m[0].pattern, positives[i].pattern);
	ck_assert_str_eq(g.m[0].value, positives[i].value);
	ck_assert_str_eq(g.m[0].masked, positives[i].masked);
}
END_TEST

static const char *const negatives[] = {
	"version 1.2.3.4 build 10.20.30.40",
	"192.168.100.200,10.0.0.1",
	"ts=2026-11-30T07:24:00.123456Z",
	"1700000000.123456,1700000001.654321",
	"t=1732950000.1234",
	"id 550e8400-e29b-41d4-a716-446655440000",
	"{\"v\":[0.1234,0.5678,0.9012]}",
	"1.5000,52.5200,13.4050",
	"52.5200,13.4050,7.1234",
	"12.3456,200.1234",
	"-91.0000,10.0000",
	"0.1234,0.5678",
	"52.520,13.405",
	"v52.5200,13.4050",
	"52.5200,13.4050kg",
	"1.2345.6789",
	"<img src=\"icon@2x.png\">",
	"user@localhost",
	"root@10.0.0.1",
	"http://admin:secret@cam.example.com/",
	"mqtt://dev@broker.example.com:1883",
	"a..b@example.com",
	".a@example.com",
	"x@example.c0m",
	"x@-bad.example.com",
	"1e+123456789",
	"+0100",
	"+2026-11-30",
	"a+491234567890",
	"x&+491234567890",
	"+1 2 3 4 5 6 7 8 9",
	"+11111111111",
	"+49 30 12",
	"+4930123456789012",
	"+49301234567.5",
	"latency: 12.34 long: 5",
	"lat: 52.52",
	"\"lat\": 52.52, \"lat\": 13.40",
	"flat: 52.52, slon: 13.40",
	"lat: 95.00, lon: 13.40",
};

START_TEST(scanner_negatives)
{
	const char *t = negatives[_i];
	got_t g = scan(t);
	ck_assert_msg(g.n == 0, "\"%s\": matched %s \"%s\"", t, g.n ? pd_pattern_name(g.m[0].pattern) : "",
	    g.n ? g.m[0].value : "");
}
END_TEST

START_TEST(scanner_window_rules)
{
	static const char s[] = "x john@example.com y";
	size_t n = sizeof(s) - 1;
	got_t g = { .n = 0 };
	/* Not final and the value touching the end: it may go on. */
	pd_scan((const uint8_t *)s, 18, 0, 18, 0, false, collect, &g);
	ck_assert_uint_eq(g.n, 0);
	/* Starts at or after the limit: left for the next window. */
	pd_scan((const uint8_t *)s, n, 0, 2, 0, false, collect, &g);
	ck_assert_uint_eq(g.n, 0);
	pd_scan((const uint8_t *)s, n, 0, 3, 0, true, collect, &g);
	ck_assert_uint_eq(g.n, 1);
	/* A local-part byte before the buffer: the tail of a longer token. */
	g.n = 0;
	pd_scan((const uint8_t *)s + 3, n - 3, 0, n - 3, 'j', true, collect, &g);
	ck_assert_uint_eq(g.n, 0);
	/* `from` past the start of a match skips it. */
	pd_scan((const uint8_t *)s, n, 3, n, 0, true, collect, &g);
	ck_assert_uint_eq(g.n, 0);
	ck_assert_str_eq(pd_pattern_name(PD_COORDS), "coordinates");
}
END_TEST

/* ---- the analyzer ---- */

static pv_flow_t
flow(uint8_t proto, const char *app, uint16_t sport)
{
	return pv_flow_make(proto, "192.168.1.50", 41000, "203.0.113.80", sport, PV_DUT_CLIENT,
	    app);
}

/* One TCP stream from the DUT, delivered in `chunk`-byte pieces (frames
 * 100, 101, ...). */
static void
stream(pv_rig_t *r, pv_flow_t *f, const char *s, size_t n, size_t chunk)
{
	void *fs = pv_rig_fstate(r);
	pv_rig_data(r, f, fs, PV_C2S, s, n, chunk, 100, 1);
	pv_rig_end(r, f, fs);
}

START_TEST(split_at_every_position)
{
	static const char s[] = "POST /u HTTP/1.1\r\n\r\n{\"mail\":\"alice.smith@example.net\","
	    "\"loc\":\"52.520008,13.404954\",\"tel\":\"+44 20 7946 0958\"}";
	size_t n = sizeof(s) - 1;
	for (size_t cut = 0; cut <= n; cut++) {
		pv_rig_t r;
		pv_rig_init(&r, A, false);
		pv_flow_t f = flow(IPPROTO_TCP, "http", 80);
		void *fs = pv_rig_fstate(&r);
		A->data(&r.cx, r.rs, &f, fs, PV_C2S, (const uint8_t *)s, cut, 7);
		A->data(&r.cx, r.rs, &f, fs, PV_C2S, (const uint8_t *)s + cut, n - cut, 8);
		pv_rig_end(&r, &f, fs);
		pv_rig_finish(&r);
		ck_assert_msg(r.ev->n_findings == 3, "cut %zu: %zu findings", cut, r.ev->n_findings);
		ck_assert_int_eq(ev_get(r.ev, "count")->i, 3);
		ck_assert_str_eq(pv_attr(&r.ev->findings[0], "value"), "a***@example.net");
		ck_assert_str_eq(pv_attr(&r.ev->findings[1], "value"), "52.5,13.4");
		ck_assert_str_eq(pv_attr(&r.ev->findings[2], "value"), "+44********58");
		pv_rig_free(&r);
	}
}
END_TEST

START_TEST(findings_fields_and_frames)
{
	pv_rig_t r;
	pv_rig_init(&r, A, false);
	pv_flow_t f = flow(IPPROTO_TCP, "mqtt", 1883);
	/* frames 100.. in 10-byte deliveries: the e-mail starts the second. */
	static const char s[] = "topic/a x bob@example.com ... bob@example.com";
	stream(&r, &f, s, sizeof(s) - 1, 10);
	/* Encrypted flows are not looked at. */
	pv_flow_t t = flow(IPPROTO_TCP, "tls", 443);
	stream(&r, &t, "carol@example.com ", 18, 18);
	pv_flow_t h = flow(IPPROTO_TCP, "ssh", 22);
	stream(&r, &h, "carol@example.com ", 18, 18);
	/* A datagram the DUT received. */
	pv_flow_t u = flow(IPPROTO_UDP, "coap", 5683);
	void *fs = pv_rig_fstate(&r);
	static const char dg[] = "{\"lat\":45.4642,\"lon\":9.1900}";
	A->data(&r.cx, r.rs, &u, fs, PV_S2C, (const uint8_t *)dg, sizeof(dg) - 1, 300);
	pv_rig_end(&r, &u, fs);
	pv_rig_finish(&r);

	ck_assert_int_eq(ev_get(r.ev, "count")->i, 3);	/* the repeat counts, once reported */
	const value_t *p = ev_get(r.ev, "patterns");
	ck_assert_uint_eq(p->n_items, 2);
	ck_assert_str_eq(p->items[0], "email");
	ck_assert_str_eq(p->items[1], "coordinates");
	ck_assert_uint_eq(r.ev->n_findings, 2);
	const finding_t *a = &r.ev->findings[0];
	ck_assert_str_eq(a->kind, "personal-data");
	ck_assert_str_eq(a->protocol, "mqtt");
	ck_assert_str_eq(a->transport, "tcp");
	ck_assert_int_eq(a->port, 1883);
	ck_assert_str_eq(pv_attr(a, "pattern"), "email");
	ck_assert_str_eq(pv_attr(a, "value"), "b***@example.com");
	ck_assert_str_eq(pv_attr(a, "direction"), "sent");
	ck_assert_str_eq(a->protocol, "mqtt");
	ck_assert_str_eq(pv_attr(a, "host"), "203.0.113.80");
	ck_assert_int_eq(a->port, 1883);
	ck_assert_str_eq(pv_attr(a, "frame"), "101");
	ck_assert_str_eq(a->summary, "An e-mail address (b***@example.com) sent by the DUT in "
	    "cleartext over mqtt, peer 203.0.113.80 port 1883");
	const finding_t *c = &r.ev->findings[1];
	ck_assert_str_eq(c->transport, "udp");
	ck_assert_str_eq(pv_attr(c, "pattern"), "coordinates");
	ck_assert_str_eq(pv_attr(c, "value"), "45.5,9.2");
	ck_assert_str_eq(pv_attr(c, "direction"), "received");
	ck_assert_str_eq(pv_attr(c, "frame"), "300");
	pv_rig_free(&r);
}
END_TEST

START_TEST(frames_past_the_window)
{
	/* 3000 bytes of padding, then values: the window has moved on
	 * twice and the marks must follow.  1-byte deliveries exhaust the
	 * marks; 500-byte ones do not. */
	char s[4096];
	memset(s, ' ', 3000);
	strcpy(s + 3000, "dave@example.com +33 1 23 45 67 89 ");
	size_t n = strlen(s);
	pv_rig_t r;
	pv_rig_init(&r, A, true);
	pv_flow_t f = flow(IPPROTO_TCP, "http", 80);
	stream(&r, &f, s, n, 500);
	pv_rig_finish(&r);
	ck_assert_uint_eq(r.ev->n_findings, 2);
	ck_assert_str_eq(pv_attr(&r.ev->findings[0], "value"), "dave@example.com");	/* revealed */
	ck_assert_str_eq(pv_attr(&r.ev->findings[0], "frame"), "106");
	ck_assert_str_eq(pv_attr(&r.ev->findings[1], "value"), "+33123456789");
	ck_assert_str_eq(pv_attr(&r.ev->findings[1], "frame"), "106");
	pv_rig_free(&r);

	pv_rig_init(&r, A, false);
	stream(&r, &f, s, n, 1);
	pv_rig_finish(&r);
	ck_assert_uint_eq(r.ev->n_findings, 2);
	ck_assert_str_eq(pv_attr(&r.ev->findings[0], "value"), "d***@example.com");
	ck_assert_str_eq(pv_attr(&r.ev->findings[1], "value"), "+33*******89");
	pv_rig_free(&r);
}
END_TEST

/* ---- random input ---- */

typedef struct tally {
	size_t n;
	char values[256][PD_VALUE_MAX];
	size_t nv;
} tally_t;

static void
tally(void *ctx, const pd_match_t *m)
{
	tally_t *t = ctx;
	t->n++;
	for (size_t i = 0; i < t->nv; i++)
		if (strcmp(t->values[i], m->value) == 0)
			return;
	if (t->nv < 256)
		snprintf(t->values[t->nv++], PD_VALUE_MAX, "%s", m->value);
}

START_TEST(windowed_equals_whole)
{
	/* Text from an alphabet the patterns care about, with real values
	 * sprinkled in: chunked delivery must find what one whole scan
	 * finds, no more, no less. */
	static const char alpha[] = "0123456789..,,--++@@ab \"\":=latong";
	static const char *const seeds[] = {
		"x@example.com", "52.520008,13.404954", "\"lat\":1.25,\"lon\":2.50", "+4930123456",
		"lat=10.1234 lon=20.5678", "someone.long.name@very.long.sub.domain.example.org",
	};
	uint64_t seed = 0x5eed;
	tally_t *whole = malloc(sizeof(*whole));
	for (int round = 0; round < RANDOM_ROUNDS; round++) {
		size_t n = 200 + (size_t)(xorshift(&seed) % 3000);
		char *s = malloc(n + 1);
		for (size_t i = 0; i < n; i++)
			s[i] = alpha[xorshift(&seed) % (sizeof(alpha) - 1)];
		for (int k = 0; k < 6; k++) {
			const char *v = seeds[xorshift(&seed) % 6];
			size_t at = (size_t)(xorshift(&seed) % n);
			if (at + strlen(v) + 2 < n) {
				s[at] = ' ';
				memcpy(s + at + 1, v, strlen(v));
				s[at + 1 + strlen(v)] = ' ';
			}
		}
		s[n] = '\0';
		memset(whole, 0, sizeof(*whole));
		pd_scan((const uint8_t *)s, n, 0, n, 0, true, tally, whole);

		pv_rig_t r;
		pv_rig_init(&r, A, true);
		pv_flow_t f = flow(IPPROTO_TCP, "http", 80);
		stream(&r, &f, s, n, 1 + (size_t)(xorshift(&seed) % 1500));
		pv_rig_finish(&r);
		ck_assert_int_eq(ev_get(r.ev, "count")->i, (long long)whole->n);
		ck_assert_uint_eq(r.ev->n_findings, whole->nv);
		for (size_t i = 0; i < r.ev->n_findings; i++) {
			bool seen = false;
			for (size_t j = 0; j < whole->nv && !seen; j++)
				seen = strcmp(pv_attr(&r.ev->findings[i], "value"), whole->values[j]) == 0;
			ck_assert_msg(seen, "round %d: %s", round, pv_attr(&r.ev->findings[i], "value"));
		}
		pv_rig_free(&r);
		free(s);
	}
	free(whole);
}
END_TEST

START_TEST(random_bytes_never_crash)
{
	uint64_t seed = 0xbadc0de;
	for (int round = 0; round < RANDOM_ROUNDS * 4; round++) {
		uint8_t b[2048];
		size_t n = (size_t)(xorshift(&seed) % sizeof(b));
		random_bytes(&seed, b, n);
		uint8_t *h = heap_copy(b, n);
		got_t g = { .n = 0 };
		size_t limit = n ? (size_t)(xorshift(&seed) % (n + 1)) : 0;
		size_t from = limit ? (size_t)(xorshift(&seed) % limit) : 0;
		pd_scan(h, n, from, limit, (int)(xorshift(&seed) % 256), round & 1, collect, &g);
		free(h);
	}
	pv_rig_t r;
	pv_rig_init(&r, A, false);
	for (int round = 0; round < 200; round++) {
		uint8_t b[3000];
		size_t n = (size_t)(xorshift(&seed) % sizeof(b));
		random_bytes(&seed, b, n);
		pv_flow_t f = flow(round & 1 ? IPPROTO_UDP : IPPROTO_TCP, "", (uint16_t)round);
		stream(&r, &f, (const char *)b, n, 1 + (size_t)(xorshift(&seed) % 700));
	}
	pv_rig_finish(&r);
	ck_assert_uint_le(r.ev->n_findings, 256);
	pv_rig_free(&r);
}
END_TEST

static Suite *
pv_personal_suite(void)
{
	Suite *s = suite_create("pv_personal");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, scanner_positives, 0, (int)(sizeof(positives) / sizeof(positives[0])));
	tcase_add_loop_test(tc, scanner_negatives, 0, (int)(sizeof(negatives) / sizeof(negatives[0])));
	tcase_add_test(tc, scanner_window_rules);
	tcase_add_test(tc, split_at_every_position);
	tcase_add_test(tc, findings_fields_and_frames);
	tcase_add_test(tc, frames_past_the_window);
	tcase_add_test(tc, windowed_equals_whole);
	tcase_add_test(tc, random_bytes_never_crash);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(pv_personal_suite)
