/*
 * The DTLS enumeration against UDP servers written here: a DTLS 1.0 stack
 * OpenSSL cannot be (DES and 3DES, its own order, a lost first hello, the
 * ServerHello in fragments out of order), one that refuses by silence, one
 * that answers garbage, one that never answers, and a closed port.  Nothing
 * may crash or outlive its deadline.
 */
#include "check_main.h"
#include "core/diag.h"
#include "core/evidence.h"
#include "core/probe.h"
#include "core/target.h"
#include "core/util.h"
#include "crypto/policy.h"
#include "crypto/suites.h"
#include "net/dtls_scan.h"
#include "dtls_frames.h"
#include "dtls_lab.h"
#include "pktbuild.h"
#include "proto/cursor.h"
#include "proto/dtls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- UDP servers written here ---- */

typedef enum fake_mode {
	F_GARBAGE,	/* answers every datagram with an HTTP error */
	F_SILENT,	/* reads, never answers */
	F_LEGACY,	/* a DTLS 1.0 stack: cookie, lost hellos, fragments */
} fake_mode_t;

typedef struct fake {
	fake_mode_t mode;
	const uint16_t *suites;	/* F_LEGACY, in the server's order */
	size_t n_suites;
	bool drop_refusals;	/* F_LEGACY: no alert for no shared suite, silence */
	int fd, port;
	volatile int stop;
	pthread_t th;
	unsigned dgrams;	/* datagrams received */
	unsigned hellos;	/* ClientHellos received */
	unsigned dropped;	/* of which ignored on purpose */
	unsigned aborts;	/* alerts the client sent after a ServerHello */
} fake_t;

static const uint8_t fake_cookie[8] = { 'c', 'o', 'o', 'k', 'i', 'e', '4', '2' };

/* The client's hello: its message_seq, cookie and the first of the
 * server's suites it offers (0 when none). */
static bool
read_hello(const fake_t *f, const uint8_t *b, size_t n, uint16_t *mseq, bool *cookie_ok,
    uint16_t *suite)
{
	cursor_t c;
	uint8_t type, sl, cl;
	uint16_t v, sn;
	const uint8_t *ck, *list;
	cur_init(&c, b, n);
	cur_u8(&c, &type);
	cur_skip(&c, 12);
	cur_skip(&c, 4);
	cur_be16(&c, mseq);
	cur_skip(&c, 6);
	cur_be16(&c, &v);
	cur_skip(&c, 32);
	cur_u8(&c, &sl);
	cur_skip(&c, sl);
	cur_u8(&c, &cl);
	cur_bytes(&c, cl, &ck);
	cur_be16(&c, &sn);
	if (c.bad || type != 22 || cur_bytes(&c, sn, &list) < 0)
		return false;
	*cookie_ok = cl == sizeof(fake_cookie) && memcmp(ck, fake_cookie, cl) == 0;
	*suite = 0;
	for (size_t i = 0; i < f->n_suites && *suite == 0; i++)
		for (size_t k = 0; k + 1 < sn; k += 2)
			if ((list[k] << 8 | list[k + 1]) == f->suites[i])
				*suite = f->suites[i];
	return true;
}

static void
legacy_answer(fake_t *f, const uint8_t *b, size_t n, const struct sockaddr_in *peer,
    struct sockaddr_in *last)
{
	if (n >= 1 && b[0] == DTLS_CT_ALERT) {
		f->aborts++;
		return;
	}
	uint16_t mseq, suite;
	bool cookie_ok;
	if (!read_hello(f, b, n, &mseq, &cookie_ok, &suite))
		return;
	f->hellos++;
	socklen_t pl = sizeof(*peer);
	/* The first hello of every new peer is lost: the client must resend. */
	if (peer->sin_port != last->sin_port) {
		*last = *peer;
		f->dropped++;
		return;
	}
	pkt_t p = { .n = 0 };
	if (!cookie_ok) {
		pkt_t body = { .n = 0 }, fr = { .n = 0 };
		put16(&body, 0xfeff);
		put8(&body, sizeof(fake_cookie));
		put(&body, fake_cookie, sizeof(fake_cookie));
		hs_frag(&fr, DTLS_HS_HELLO_VERIFY, body.n, 0, 0, body.b, body.n);
		record(&p, DTLS_CT_HANDSHAKE, 0xfeff, 0, &fr);
		sendto(f->fd, p.b, p.n, 0, (const struct sockaddr *)peer, pl);
		return;
	}
	if (mseq != 1)
		return;		/* RFC 6347 4.2.2: the hello with the cookie is message 1 */
	if (suite == 0 && f->drop_refusals)
		return;
	if (suite == 0) {
		pkt_t al = { .n = 0 };
		put8(&al, 2);
		put8(&al, 40);
		record(&p, DTLS_CT_ALERT, 0xfeff, 0, &al);
		sendto(f->fd, p.b, p.n, 0, (const struct sockaddr *)peer, pl);
		return;
	}
	/* The ServerHello in two fragments, the second sent first. */
	pkt_t body = { .n = 0 }, f1 = { .n = 0 }, f2 = { .n = 0 }, d1 = { .n = 0 }, d2 = { .n = 0 };
	sh_body(&body, 0xfeff, suite);
	hs_frag(&f1, DTLS_HS_SERVER_HELLO, body.n, 1, 0, body.b, 20);
	hs_frag(&f2, DTLS_HS_SERVER_HELLO, body.n, 1, 20, body.b + 20, body.n - 20);
	record(&d1, DTLS_CT_HANDSHAKE, 0xfeff, 0, &f1);
	record(&d2, DTLS_CT_HANDSHAKE, 0xfeff, 0, &f2);
	sendto(f->fd, d2.b, d2.n, 0, (const struct sockaddr *)peer, pl);
	sendto(f->fd, d1.b, d1.n, 0, (const struct sockaddr *)peer, pl);
}

static void *
fake_main(void *arg)
{
	fake_t *f = arg;
	struct sockaddr_in last = { 0 };
	while (!f->stop) {
		struct pollfd p = { .fd = f->fd, .events = POLLIN };
		if (poll(&p, 1, 50) <= 0)
			continue;
		uint8_t b[4096];
		struct sockaddr_in peer;
		socklen_t pl = sizeof(peer);
		ssize_t n = recvfrom(f->fd, b, sizeof(b), 0, (struct sockaddr *)&peer, &pl);
		if (n < 0)
			continue;
		f->dgrams++;
		if (f->mode == F_GARBAGE) {
			static const char http[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
			sendto(f->fd, http, sizeof(http) - 1, 0, (struct sockaddr *)&peer, pl);
		} else if (f->mode == F_LEGACY) {
			legacy_answer(f, b, (size_t)n, &peer, &last);
		}
	}
	return NULL;
}

static void
fake_start(fake_t *f)
{
	f->fd = udp_bound(&f->port);
	ck_assert_int_ge(f->fd, 0);
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_main, f), 0);
}

static void
fake_stop(fake_t *f)
{
	f->stop = 1;
	pthread_join(f->th, NULL);
	close(f->fd);
}

/* DES and 3DES in the server's own order, which no OpenSSL serves any more:
 * found through a lost hello each time, the cookie and fragments. */
START_TEST(legacy_stack)
{
	static const uint16_t suites[] = { 0x0009, 0x000a, 0x0041 };
	fake_t f = { .mode = F_LEGACY, .suites = suites, .n_suites = 3 };
	fake_start(&f);
	evidence_t *ev = evidence_new();
	/* 700 ms per handshake: the lost hello is resent after 100 ms. */
	dtls_scan_result_t *r = scan_opts(f.port, ev, 700, 0, 30000, NULL, NULL);
	fake_stop(&f);
	ck_assert_str_eq(r->error, "");
	ck_assert_uint_eq(r->undecided, 0);
	assert_versions(r, "DTLS1.0");
	ASSERT_STR_FREE(suites_of(r, DTLSV_10, false), xstrdup("0x0009 0x000a 0x0041"));
	ck_assert(dtls_scan_version(r, DTLSV_10)->complete);
	/* The DTLS 1.2 hellos were answered with 1.0: not 1.2. */
	ck_assert(!dtls_scan_version(r, DTLSV_12)->accepted);
	ck_assert_uint_eq(f.dropped, r->handshakes);
	ck_assert_uint_eq(r->cookies, r->handshakes);
	/* Every ServerHello was followed by the client's abort. */
	ck_assert_uint_ge(f.aborts, 4);
	ck_assert_uint_eq(ev->n_flows, r->handshakes);
	dtls_scan_free(r);
	evidence_free(ev);
}
END_TEST

/* A stack that refuses by silence: the silence is judged by asking again
 * with a hello it answered, and taken as a refusal. */
START_TEST(silent_refusals)
{
	static const uint16_t suites[] = { 0x000a, 0x0041 };
	fake_t f = { .mode = F_LEGACY, .suites = suites, .n_suites = 2, .drop_refusals = true };
	fake_start(&f);
	uint64_t took;
	dtls_scan_result_t *r = scan_opts(f.port, NULL, 400, 0, 30000, NULL, &took);
	fake_stop(&f);
	ck_assert_str_eq(r->error, "");
	ck_assert_uint_eq(r->undecided, 0);
	ck_assert_uint_gt(r->silent, 0);
	assert_versions(r, "DTLS1.0");
	ASSERT_STR_FREE(suites_of(r, DTLSV_10, true), xstrdup("0x000a 0x0041"));
	ck_assert(dtls_scan_version(r, DTLSV_10)->complete);
	printf("dtls_scan: silent refusals: %u handshakes, %u silent, %llu ms\n", r->handshakes,
	    r->silent, (unsigned long long)took);
	dtls_scan_free(r);
}
END_TEST

START_TEST(garbage_server)
{
	fake_t f = { .mode = F_GARBAGE };
	fake_start(&f);
	uint64_t took;
	dtls_scan_result_t *r = scan_opts(f.port, NULL, 500, 0, 20000, NULL, &took);
	fake_stop(&f);
	assert_versions(r, "");
	ck_assert_uint_gt(r->handshakes, 0);
	ck_assert_uint_eq(r->undecided, r->handshakes);
	ck_assert_msg(strstr(r->error, ": the answer is not DTLS") != NULL, "%s", r->error);
	ck_assert_uint_lt(took, 1000);	/* garbage decides at once */
	dtls_scan_free(r);
}
END_TEST

/* A port that takes datagrams and never answers costs three handshake
 * timeouts, then the scan gives up; the scan's own deadline and cancel
 * bound it too. */
START_TEST(silent_server)
{
	fake_t f = { .mode = F_SILENT };
	fake_start(&f);
	uint64_t took;
	/* Two tries: sent at 0 and 100 ms, given up at 300. */
	dtls_scan_result_t *r = scan_opts(f.port, NULL, 300, 2, 20000, NULL, &took);
	assert_versions(r, "");
	ck_assert_uint_eq(r->handshakes, 3);
	ck_assert_uint_eq(r->undecided, 3);
	ck_assert_uint_eq(r->silent, 0);
	ck_assert_uint_ge(took, 900);
	ck_assert_uint_lt(took, 1500);
	ck_assert_str_eq(r->error, "DTLS1.2: no answer to 2 ClientHellos within 300 ms");
	dtls_scan_free(r);

	r = scan_opts(f.port, NULL, 0, 1, 250, NULL, &took);
	ck_assert_uint_lt(took, 600);
	ck_assert_uint_gt(r->undecided, 0);
	dtls_scan_free(r);

	volatile int cancel = 1;
	r = scan_opts(f.port, NULL, 0, 0, 20000, &cancel, &took);
	ck_assert_uint_lt(took, 300);
	ck_assert_uint_eq(r->handshakes, 0);
	ck_assert_msg(strstr(r->error, ": scan cancelled") != NULL, "%s", r->error);
	dtls_scan_free(r);
	fake_stop(&f);
	ck_assert_uint_ge(f.dgrams, 6);	/* three hellos, each sent twice */
}
END_TEST

START_TEST(closed_port)
{
	int port = free_udp_port();
	uint64_t took;
	dtls_scan_result_t *r = scan_opts(port, NULL, 1000, 0, 20000, NULL, &took);
	assert_versions(r, "");
	ck_assert_uint_gt(r->undecided, 0);
	ck_assert_msg(strstr(r->error, "port unreachable") != NULL, "%s", r->error);
	ck_assert_uint_lt(took, 1000);	/* ICMP says so at once */
	dtls_scan_free(r);
}
END_TEST

static Suite *
dtls_fake_suite(void)
{
	Suite *s = suite_create("dtls_fake");
	TCase *t = tcase_create("fake");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, legacy_stack);
	tcase_add_test(t, silent_refusals);
	tcase_add_test(t, garbage_server);
	tcase_add_test(t, silent_server);
	tcase_add_test(t, closed_port);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(dtls_fake_suite)
