/*
 * The DTLS enumeration against servers.  Real `openssl s_server` processes
 * over UDP on 127.0.96.1 (DTLS 1.2 with two suites, DTLS 1.0 at security
 * level 0, both versions, PSK only), each found set compared with what
 * `openssl ciphers` says that server has; and UDP servers written here: a
 * DTLS 1.0 stack OpenSSL cannot be (DES and 3DES, its own order, a lost
 * first hello, the ServerHello in fragments out of order), one that answers
 * garbage, one that never answers, and a closed port.  Nothing may crash or
 * outlive its deadline.  The datagrams themselves: test_dtls_proto.c.
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

#define LAB_ADDR "127.0.96.1"

/* ---- openssl s_server over UDP ---- */

enum { S_DTLS12, S_DTLS10, S_BOTH, S_PSK, S_N };

typedef struct lab {
	char dir[64];
	char cert[96], key[96];
	bool ok;
	pid_t pid[S_N];
	int port[S_N];
} lab_t;

static lab_t L;	/* the fixture: set up in the parent, read by the forked tests */

/* A UDP socket bound on the lab address and an ephemeral port; -1 on failure. */
static int
udp_bound(int *port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	inet_pton(AF_INET, LAB_ADDR, &a.sin_addr);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

static int
free_udp_port(void)
{
	int port = -1, fd = udp_bound(&port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* Whether something has bound the lab address's UDP port: then the
 * kernel queues what is sent to it.  (Asking with a DTLS hello instead
 * leaves s_server slow to answer the next peer's first hello.) */
static bool
udp_bound_by_other(int port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	inet_pton(AF_INET, LAB_ADDR, &a.sin_addr);
	bool taken = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 &&
	    errno == EADDRINUSE;
	if (fd >= 0)
		close(fd);
	return taken;
}

static bool
start_server(int i, const char *const extra[])
{
	char accept[64], log[128];
	L.port[i] = free_udp_port();
	snprintf(accept, sizeof(accept), "%s:%d", LAB_ADDR, L.port[i]);
	snprintf(log, sizeof(log), "%s/s_server-%d.log", L.dir, i);
	const char *argv[32] = { "openssl", "s_server", "-listen", "-accept", accept, "-quiet" };
	size_t k = 6;
	for (size_t j = 0; extra[j] && k + 1 < ARRAY_LEN(argv); j++)
		argv[k++] = extra[j];
	argv[k] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY), out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(in, 0);
		dup2(out, 1);
		dup2(out, 2);
		execvp("openssl", (char *const *)argv);
		_exit(127);
	}
	L.pid[i] = pid;
	for (uint64_t until = mono_ms() + 10000; mono_ms() < until; usleep(20 * 1000))
		if (udp_bound_by_other(L.port[i]))
			return true;
	printf("SKIP: openssl s_server on udp %s did not start (see %s)\n", accept, log);
	return false;
}

static void
lab_up(void)
{
	memset(&L, 0, sizeof(L));
	snprintf(L.dir, sizeof(L.dir), "/tmp/iotcert-dtls-XXXXXX");
	if (mkdtemp(L.dir) == NULL)
		return;
	snprintf(L.cert, sizeof(L.cert), "%s/cert.pem", L.dir);
	snprintf(L.key, sizeof(L.key), "%s/key.pem", L.dir);
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "openssl req -x509 -newkey rsa:2048 -nodes -keyout %s "
	    "-out %s -days 2 -subj /CN=dtls-scan-test >/dev/null 2>&1", L.key, L.cert);
	if (system(cmd) != 0) {
		printf("SKIP: openssl req failed\n");
		return;
	}
	const char *const dtls12[] = { "-dtls1_2", "-cert", L.cert, "-key", L.key, "-cipher",
		"ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA", NULL };
	const char *const dtls10[] = { "-dtls1", "-cert", L.cert, "-key", L.key, "-cipher",
		"ALL:@SECLEVEL=0", NULL };
	const char *const both[] = { "-dtls", "-cert", L.cert, "-key", L.key, "-cipher",
		"ALL:@SECLEVEL=0", NULL };
	/* What a CoAP device with a pre-shared key is: no certificate at all. */
	static const char *const psk[] = { "-dtls1_2", "-nocert", "-psk", "1a2b3c",
		"-psk_identity", "client", "-cipher", "PSK", NULL };
	L.ok = start_server(S_DTLS12, dtls12) && start_server(S_DTLS10, dtls10) &&
	    start_server(S_BOTH, both) && start_server(S_PSK, psk);
}

static void
lab_down(void)
{
	for (int i = 0; i < S_N; i++) {
		if (L.pid[i] > 0) {
			kill(L.pid[i], SIGTERM);
			waitpid(L.pid[i], NULL, 0);
		}
	}
	if (L.dir[0]) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", L.dir);
		(void)!system(cmd);
	}
}

static dtls_scan_result_t *
scan_opts(int port, evidence_t *ev, unsigned tmo, unsigned tries, uint64_t budget,
    const volatile int *cancel, uint64_t *took)
{
	char err[128];
	target_t *t = target_new(LAB_ADDR, err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	dtls_scan_opts_t o = {
		.addr = &t->addrs[0], .port = port, .deadline = mono_ms() + budget, .ev = ev,
		.hs_timeout_ms = tmo, .tries = tries, .cancel = cancel,
	};
	uint64_t t0 = mono_ms();
	dtls_scan_result_t *r = dtls_scan(&o);
	if (took)
		*took = mono_ms() - t0;
	target_free(t);
	return r;
}

static dtls_scan_result_t *
scan_port(int port, evidence_t *ev)
{
	return scan_opts(port, ev, 0, 0, 20000, NULL, NULL);
}

static int
cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* "0x002f 0x0035" for the suites of version v, sorted when asked. */
static char *
suites_of(const dtls_scan_result_t *r, uint16_t v, bool sorted)
{
	const dtls_scan_version_t *sv = dtls_scan_version(r, v);
	uint16_t *s = xcalloc(sv->n_suites + 1, sizeof(*s));
	if (sv->n_suites)
		memcpy(s, sv->suites, sv->n_suites * sizeof(*s));
	if (sorted)
		qsort(s, sv->n_suites, sizeof(*s), cmp_u16);
	buf_t b;
	buf_init(&b, 8192);
	for (size_t i = 0; i < sv->n_suites; i++)
		buf_printf(&b, "%s0x%04x", i ? " " : "", s[i]);
	buf_append(&b, "", 0);
	free(s);
	return buf_steal(&b);
}

/*
 * The suites `openssl ciphers -V -s -tls1_2 SPEC` lists (-tls1 for DTLS
 * 1.0, which has TLS 1.1's suites), minus the lines matching the extended
 * regex `drop` (what the server's key cannot do), sorted like suites_of.
 */
static char *
openssl_suites(const char *vflag, const char *spec, const char *drop)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "openssl ciphers -V -s %s -psk '%s' | grep -v -E '%s|TLSv1.3' "
	    "| awk '{print $1}' | sed 's/0x\\(..\\),0x\\(..\\)/0x\\1\\2/' | tr 'A-F' 'a-f' | sort "
	    "| tr '\\n' ' ' | sed 's/ $//'", vflag, spec, drop);
	FILE *f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	char buf[8192] = "";
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	pclose(f);
	return xstrdup(buf);
}

#define ASSERT_STR_FREE(got, want) do {                                  \
		char *g_ = (got), *w_ = (want);                          \
		ck_assert_msg(strcmp(g_, w_) == 0, "got '%s', want '%s'", g_, w_); \
		free(g_);                                                \
		free(w_);                                                \
	} while (0)

static void
assert_versions(const dtls_scan_result_t *r, const char *want)
{
	buf_t b;
	buf_init(&b, 256);
	for (int i = 0; i < DTLS_SCAN_NVERSIONS; i++)
		if (r->versions[i].accepted)
			buf_printf(&b, "%s%s", b.len ? " " : "",
			    tls_version_name(r->versions[i].version));
	buf_append(&b, "", 0);
	ASSERT_STR_FREE(buf_steal(&b), xstrdup(want));
}

static dtls_scan_result_t *
scan_lab(int i, evidence_t *ev, const char *versions)
{
	uint64_t t0 = mono_ms();
	dtls_scan_result_t *r = scan_port(L.port[i], ev);
	printf("dtls_scan: lab server %d: %u handshakes in %llu ms\n", i, r->handshakes,
	    (unsigned long long)(mono_ms() - t0));
	ck_assert_str_eq(r->error, "");
	ck_assert_uint_eq(r->undecided, 0);
	ck_assert_uint_eq(r->silent, 0);
	/* s_server -listen always asks for a cookie first. */
	ck_assert_uint_eq(r->cookies, r->handshakes);
	assert_versions(r, versions);
	for (int k = 0; k < DTLS_SCAN_NVERSIONS; k++)
		ck_assert(r->versions[k].complete == r->versions[k].accepted);
	return r;
}

/* Suites an RSA certificate cannot serve, and those needing a PSK or SRP. */
#define NOT_RSA_CERT "Kx=(RSAPSK|DHEPSK|ECDHEPSK|PSK|SRP)|Au=(DSS|ECDSA)"

START_TEST(dtls12_two_suites)
{
	if (!L.ok)
		return;
	evidence_t *ev = evidence_new();
	dtls_scan_result_t *r = scan_lab(S_DTLS12, ev, "DTLS1.2");
	/* In the order found: the client's, ECDHE ranked first. */
	ASSERT_STR_FREE(suites_of(r, DTLSV_12, false), xstrdup("0xc02f 0x0035"));
	/* Every handshake's UDP flow is in the evidence. */
	ck_assert_uint_gt(r->handshakes, 3);
	ck_assert_uint_eq(ev->n_flows, r->handshakes);
	for (size_t i = 0; i < ev->n_flows; i++) {
		ck_assert_int_eq(ev->flows[i].ipproto, IPPROTO_UDP);
		ck_assert_uint_eq(ev->flows[i].rport, (unsigned)L.port[S_DTLS12]);
	}
	ck_assert_ptr_null(dtls_scan_version(r, 0xfefc));
	dtls_scan_free(r);
	evidence_free(ev);
	dtls_scan_free(NULL);
}
END_TEST

START_TEST(dtls10_seclevel0)
{
	if (!L.ok)
		return;
	dtls_scan_result_t *r = scan_lab(S_DTLS10, NULL, "DTLS1.0");
	ASSERT_STR_FREE(suites_of(r, DTLSV_10, true),
	    openssl_suites("-tls1", "ALL:@SECLEVEL=0", NOT_RSA_CERT));
	/* Anonymous suites among them (ADH-AES128-SHA). */
	char *got = suites_of(r, DTLSV_10, true);
	ck_assert(strstr(got, "0x0034") != NULL);
	free(got);
	dtls_scan_free(r);
}
END_TEST

START_TEST(both_versions)
{
	if (!L.ok)
		return;
	dtls_scan_result_t *r = scan_lab(S_BOTH, NULL, "DTLS1.0 DTLS1.2");
	ASSERT_STR_FREE(suites_of(r, DTLSV_10, true),
	    openssl_suites("-tls1", "ALL:@SECLEVEL=0", NOT_RSA_CERT));
	/* More than one list of 100: found across the lists. */
	ASSERT_STR_FREE(suites_of(r, DTLSV_12, true),
	    openssl_suites("-tls1_2", "ALL:@SECLEVEL=0", NOT_RSA_CERT));
	ck_assert_uint_gt(dtls_scan_version(r, DTLSV_12)->n_suites, 40);
	dtls_scan_free(r);
}
END_TEST

START_TEST(psk_only)
{
	if (!L.ok)
		return;
	dtls_scan_result_t *r = scan_lab(S_PSK, NULL, "DTLS1.2");
	/* Every PSK suite OpenSSL has but those needing an RSA certificate. */
	ASSERT_STR_FREE(suites_of(r, DTLSV_12, true), openssl_suites("-tls1_2", "PSK", "Au=RSA"));
	const dtls_scan_version_t *v = dtls_scan_version(r, DTLSV_12);
	bool ccm8 = false;
	for (size_t i = 0; i < v->n_suites; i++) {
		ck_assert(tls_suite_find(v->suites[i])->flags & TLS_SF_PSK);
		ccm8 |= v->suites[i] == 0xc0a8;	/* TLS_PSK_WITH_AES_128_CCM_8, CoAP's */
	}
	ck_assert(ccm8);
	dtls_scan_free(r);
}
END_TEST

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

/* ---- the probe ---- */

typedef struct shot {
	probe_status_t st;
	char reason[512];
	evidence_t *ev;
} shot_t;

static shot_t
shoot_dut(const char *transport, int port, const crypto_policy_t *policy, long long tmo,
    const dut_t *dut)
{
	shot_t s = { .ev = evidence_new() };
	char err[128];
	target_t *t = target_new(LAB_ADDR, err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	service_t *svc = target_add_service(t, transport, port, &t->addrs[0]);
	free(svc->protocol);
	svc->protocol = xstrdup(port == 5684 ? "coaps" : "tls");
	param_t p[1] = { { .name = (char *)"handshake-timeout" } };
	value_set_int(&p[0].val, tmo);
	step_t step = { .probe = (char *)"dtls-posture", .params = p, .n_params = 1 };
	const probe_kind_t *k = probe_find("dtls-posture");
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(k->scope, SCOPE_SERVICE);
	int cancel = 0;
	probe_ctx_t ctx = { .target = t, .svc = svc, .step = &step, .ev = s.ev,
	    .deadline_ms = mono_ms() + 20000, .cancel = &cancel, .policy = policy, .dut = dut };
	s.st = k->run(&ctx);
	snprintf(s.reason, sizeof(s.reason), "%s", ctx.reason);
	value_clear(&p[0].val);
	target_free(t);
	return s;
}

static shot_t
shoot(const char *transport, int port, const crypto_policy_t *policy, long long tmo)
{
	return shoot_dut(transport, port, policy, tmo, NULL);
}

static char *
list_text(const evidence_t *ev, const char *name)
{
	const value_t *v = ev_get(ev, name);
	ck_assert_msg(v && v->type == VT_LIST, "%s is not a list", name);
	return value_to_text(v);
}

static const finding_t *
finding_of(const evidence_t *ev, const char *kind, const char *key, const char *val)
{
	for (size_t i = 0; i < ev->n_findings; i++) {
		const finding_t *f = &ev->findings[i];
		const char *a = finding_get(f, key);
		if (strcmp(f->kind, kind) == 0 && a && strcmp(a, val) == 0)
			return f;
	}
	return NULL;
}

START_TEST(probe_judges)
{
	if (!L.ok)
		return;
	diags_t d = { 0 };
	crypto_policy_t *p = crypto_policy_load("profiles/crypto/best-practice.yaml", &d);
	ck_assert_msg(p != NULL, "best-practice policy does not load");

	/* DTLS 1.0 with anonymous suites: a finding each, named as tls-posture's. */
	shot_t s = shoot("udp", L.port[S_DTLS10], p, 3000);
	ck_assert_msg(s.st == PROBE_OK, "%s", s.reason);
	ASSERT_STR_FREE(list_text(s.ev, "versions"), xstrdup("DTLS1.0"));
	const finding_t *f = finding_of(s.ev, "tls-version", "version", "DTLS1.0");
	ck_assert_ptr_nonnull(f);
	ck_assert_msg(strstr(f->summary, "(DTLS1.0 is based on TLS1.1)") != NULL, "%s", f->summary);
	ck_assert_str_eq(f->transport, "udp");
	f = finding_of(s.ev, "tls-cipher", "suite", "TLS_DH_anon_WITH_AES_128_CBC_SHA");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(finding_get(f, "version"), "DTLS1.0");
	/* One version finding and the six anonymous suites, nothing else. */
	ck_assert_uint_eq(s.ev->n_findings, 7);
	ck_assert_uint_eq(ev_get(s.ev, "violations")->n_items, 7);
	ck_assert_str_eq(ev_get(s.ev, "policy")->s, "best-practice");
	ck_assert_int_gt(ev_get(s.ev, "handshakes")->i, 16);
	ck_assert_uint_eq(s.ev->n_flows, (size_t)ev_get(s.ev, "handshakes")->i);
	evidence_free(s.ev);

	/* PSK only: nothing refused, the missing forward secrecy noted. */
	s = shoot("udp", L.port[S_PSK], p, 3000);
	ck_assert_msg(s.st == PROBE_OK, "%s", s.reason);
	ck_assert_uint_eq(s.ev->n_findings, 0);
	char *notes = list_text(s.ev, "notes");
	ck_assert_msg(strstr(notes, "forward secrecy") != NULL, "%s", notes);
	free(notes);
	char *suites = list_text(s.ev, "suites");
	ck_assert_msg(strstr(suites, "DTLS1.2:TLS_PSK_WITH_AES_128_CCM_8") != NULL, "%s", suites);
	free(suites);
	evidence_free(s.ev);

	/* A TCP service named tls has no DTLS: nothing to judge, said so. */
	s = shoot("tcp", 4433, p, 3000);
	ck_assert_int_eq(s.st, PROBE_OK);
	ck_assert_uint_eq(s.ev->n_flows, 0);
	notes = list_text(s.ev, "notes");
	ck_assert_msg(strstr(notes, "tcp/4433 is not UDP") != NULL, "%s", notes);
	free(notes);
	evidence_free(s.ev);

	/* Nothing listening: INCONCLUSIVE with the reason. */
	s = shoot("udp", free_udp_port(), p, 500);
	ck_assert_int_eq(s.st, PROBE_INCONCLUSIVE);
	ck_assert_msg(strstr(s.reason, "no DTLS handshake completed: DTLS1.2: reading the "
	    "answer: port unreachable") != NULL, "%s", s.reason);
	evidence_free(s.ev);

	/* Without a policy the harness cannot judge: ERROR. */
	s = shoot("udp", L.port[S_PSK], NULL, 3000);
	ck_assert_int_eq(s.st, PROBE_ERROR);
	evidence_free(s.ev);
	crypto_policy_free(p);
	diags_free(&d);

	/* A policy naming only TLS versions still refuses DTLS 1.0, as TLS 1.1. */
	char path[128], cmd[512];
	snprintf(path, sizeof(path), "%s/tls-only.yaml", L.dir);
	snprintf(cmd, sizeof(cmd), "sed 's/TLS1.1, DTLS1.0]/TLS1.1]/' "
	    "profiles/crypto/best-practice.yaml > %s", path);
	ck_assert_int_eq(system(cmd), 0);
	diags_t d2 = { 0 };
	p = crypto_policy_load(path, &d2);
	ck_assert_msg(p != NULL, "the TLS-only policy does not load");
	s = shoot("udp", L.port[S_DTLS10], p, 3000);
	f = finding_of(s.ev, "tls-version", "version", "DTLS1.0");
	ck_assert_ptr_nonnull(f);
	ck_assert_msg(strstr(f->summary, "DTLS1.0 is based on TLS1.1: TLS 1.1 is deprecated") != NULL,
	    "%s", f->summary);
	evidence_free(s.ev);
	crypto_policy_free(p);
	diags_free(&d2);
}
END_TEST

/*
 * TS 103 701 5.5-1-2 over DTLS: declared exactly as found, nothing; one
 * suite left out of the declaration, one undeclared-crypto finding.
 */
START_TEST(probe_against_declaration)
{
	if (!L.ok)
		return;
	diags_t d = { 0 };
	crypto_policy_t *p = crypto_policy_load("profiles/crypto/best-practice.yaml", &d);
	ck_assert_ptr_nonnull(p);
	shot_t s = shoot("udp", L.port[S_PSK], p, 3000);
	ck_assert_msg(s.st == PROBE_OK, "%s", s.reason);
	dut_commech_t m = { .transport = (char *)"udp", .port = L.port[S_PSK], .logins = -1 };
	const value_t *v = ev_get(s.ev, "suites");
	for (size_t i = 0; i < v->n_items; i++) {
		const char *name = strchr(v->items[i], ':') + 1;
		if (!strlist_has(&m.suites, name))
			strlist_push(&m.suites, name);
	}
	v = ev_get(s.ev, "versions");
	for (size_t i = 0; i < v->n_items; i++)
		strlist_push(&m.versions, v->items[i]);
	ck_assert(strlist_has(&m.suites, "TLS_PSK_WITH_AES_128_CCM_8"));
	evidence_free(s.ev);
	dut_t dut = { .commech = &m, .n_commech = 1 };
	s = shoot_dut("udp", L.port[S_PSK], p, 3000, &dut);
	ck_assert_msg(s.st == PROBE_OK, "%s", s.reason);
	ck_assert_uint_eq(ev_get(s.ev, "undeclared")->n_items, 0);
	ck_assert_uint_eq(s.ev->n_findings, 0);
	evidence_free(s.ev);

	strlist_t all = m.suites;
	memset(&m.suites, 0, sizeof(m.suites));
	for (size_t i = 0; i < all.n; i++)
		if (strcmp(all.v[i], "TLS_PSK_WITH_AES_128_CCM_8") != 0)
			strlist_push(&m.suites, all.v[i]);
	s = shoot_dut("udp", L.port[S_PSK], p, 3000, &dut);
	ck_assert_msg(s.st == PROBE_OK, "%s", s.reason);
	ASSERT_STR_FREE(list_text(s.ev, "undeclared"), xstrdup("suite:TLS_PSK_WITH_AES_128_CCM_8"));
	ck_assert_uint_eq(s.ev->n_findings, 1);
	ck_assert_str_eq(s.ev->findings[0].kind, "undeclared-crypto");
	ck_assert_str_eq(finding_get(&s.ev->findings[0], "suite"), "TLS_PSK_WITH_AES_128_CCM_8");
	ck_assert_str_eq(finding_get(&s.ev->findings[0], "version"), "DTLS1.2");
	evidence_free(s.ev);
	strlist_free(&all);
	strlist_free(&m.suites);
	strlist_free(&m.versions);
	crypto_policy_free(p);
	diags_free(&d);
}
END_TEST

static Suite *
dtls_scan_suite(void)
{
	Suite *s = suite_create("dtls_scan");
	TCase *t = tcase_create("scan");
	tcase_add_unchecked_fixture(t, lab_up, lab_down);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, dtls12_two_suites);
	tcase_add_test(t, dtls10_seclevel0);
	tcase_add_test(t, both_versions);
	tcase_add_test(t, psk_only);
	tcase_add_test(t, legacy_stack);
	tcase_add_test(t, silent_refusals);
	tcase_add_test(t, garbage_server);
	tcase_add_test(t, silent_server);
	tcase_add_test(t, closed_port);
	tcase_add_test(t, probe_judges);
	tcase_add_test(t, probe_against_declaration);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(dtls_scan_suite)
