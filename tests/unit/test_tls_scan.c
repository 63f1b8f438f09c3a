/*
 * The TLS enumeration against real servers on loopback: `openssl s_server`
 * processes with known configurations (TLS 1.2 with two suites, TLS 1.3
 * only with chosen suites and groups, TLS 1.0 at security level 0 with
 * server preference), plus two servers written here for what OpenSSL no
 * longer does: one that answers HTTP to everything and one that negotiates
 * heartbeats and leaks on a lying heartbeat request (Heartbleed).  Every
 * assertion is the exact set found.
 */
#include "check_main.h"
#include "core/evidence.h"
#include "core/target.h"
#include "core/util.h"
#include "crypto/suites.h"
#include "net/tls_scan.h"
#include "pktbuild.h"
#include "proto/cursor.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum { S_TLS12, S_TLS13, S_TLS10, S_N };

typedef struct lab {
	char dir[64];
	char cert[96], key[96];
	bool ok;
	pid_t pid[S_N];
	int port[S_N];
	int closed_port;
} lab_t;

static lab_t L;	/* the fixture: set up in the parent, read by the forked tests */

/* A listening socket on 127.0.0.1 and an ephemeral port; -1 on failure. */
static int
loopback_listener(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

/* A port nothing listens on (for a moment: the s_server takes it next). */
static int
free_port(void)
{
	int port = -1, fd = loopback_listener(&port);
	if (fd >= 0)
		close(fd);
	return port;
}

static bool
connects(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool
start_server(int i, const char *const extra[])
{
	char accept[32];
	L.port[i] = free_port();
	snprintf(accept, sizeof(accept), "127.0.0.1:%d", L.port[i]);
	const char *argv[32] = { "openssl", "s_server", "-accept", accept, "-cert", L.cert,
		"-key", L.key, "-www", "-quiet" };
	size_t k = 10;
	for (size_t j = 0; extra[j] && k + 1 < ARRAY_LEN(argv); j++)
		argv[k++] = extra[j];
	argv[k] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp("openssl", (char *const *)argv);
		_exit(127);
	}
	L.pid[i] = pid;
	for (uint64_t until = mono_ms() + 10000; mono_ms() < until; usleep(20 * 1000))
		if (connects(L.port[i]))
			return true;
	printf("SKIP: openssl s_server on %s did not start\n", accept);
	return false;
}

static void
lab_up(void)
{
	memset(&L, 0, sizeof(L));
	snprintf(L.dir, sizeof(L.dir), "/tmp/iotcert-tls-XXXXXX");
	if (mkdtemp(L.dir) == NULL)
		return;
	snprintf(L.cert, sizeof(L.cert), "%s/cert.pem", L.dir);
	snprintf(L.key, sizeof(L.key), "%s/key.pem", L.dir);
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "openssl req -x509 -newkey rsa:2048 -nodes -keyout %s "
	    "-out %s -days 2 -subj /CN=tls-scan-test >/dev/null 2>&1", L.key, L.cert);
	if (system(cmd) != 0) {
		printf("SKIP: openssl req failed\n");
		return;
	}
	static const char *const tls12[] = { "-tls1_2", "-cipher",
		"ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA", NULL };
	static const char *const tls13[] = { "-tls1_3", "-ciphersuites",
		"TLS_AES_256_GCM_SHA384:TLS_AES_128_CCM_SHA256", "-groups", "P-384:ffdhe3072",
		"-serverpref", NULL };
	static const char *const tls10[] = { "-tls1", "-cipher", "ALL:@SECLEVEL=0",
		"-serverpref", NULL };
	L.ok = start_server(S_TLS12, tls12) && start_server(S_TLS13, tls13) &&
	    start_server(S_TLS10, tls10);
	L.closed_port = free_port();
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
		unlink(L.cert);
		unlink(L.key);
		rmdir(L.dir);
	}
}

static tls_scan_result_t *
scan_port(int port, evidence_t *ev)
{
	char err[128];
	target_t *t = target_new("127.0.0.1", err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	tls_scan_opts_t o = {
		.addr = &t->addrs[0], .port = port, .deadline = mono_ms() + 20000, .ev = ev,
	};
	tls_scan_result_t *r = tls_scan(&o);
	target_free(t);
	return r;
}

/* "0xc02f 0x0035" for the suites of version v. */
static char *
suites_of(const tls_scan_result_t *r, uint16_t v)
{
	const tls_scan_version_t *sv = tls_scan_version(r, v);
	buf_t b;
	buf_init(&b, 8192);
	for (size_t i = 0; i < sv->n_suites; i++)
		buf_printf(&b, "%s0x%04x", i ? " " : "", sv->suites[i]);
	buf_append(&b, "", 0);
	return buf_steal(&b);
}

static char *
groups_of(const tls_scan_result_t *r)
{
	buf_t b;
	buf_init(&b, 1024);
	for (size_t i = 0; i < r->n_groups; i++)
		buf_printf(&b, "%s%u", i ? " " : "", r->groups[i]);
	buf_append(&b, "", 0);
	return buf_steal(&b);
}

#define ASSERT_STR_FREE(got, want) do {                                  \
		char *g_ = (got);                                        \
		ck_assert_msg(strcmp(g_, want) == 0, "got '%s', want '%s'", g_, want); \
		free(g_);                                                \
	} while (0)

static void
assert_versions(const tls_scan_result_t *r, const char *want)
{
	buf_t b;
	buf_init(&b, 256);
	for (int i = 0; i < TLS_SCAN_NVERSIONS; i++)
		if (r->versions[i].accepted)
			buf_printf(&b, "%s%s", b.len ? " " : "",
			    tls_version_name(r->versions[i].version));
	buf_append(&b, "", 0);
	ASSERT_STR_FREE(buf_steal(&b), want);
}

/* Scans lab server i, which must answer without error and accept exactly
 * `versions` (space-separated names). */
static tls_scan_result_t *
scan_lab(int i, evidence_t *ev, const char *versions)
{
	tls_scan_result_t *r = scan_port(L.port[i], ev);
	ck_assert_str_eq(r->error, "");
	ck_assert_uint_eq(r->undecided, 0);
	assert_versions(r, versions);
	return r;
}

/* The suites found for v (all lists decided), their order, the groups. */
static void
assert_suites(const tls_scan_result_t *r, uint16_t v, const char *suites, tls_tri_t order,
    const char *groups)
{
	ASSERT_STR_FREE(suites_of(r, v), suites);
	ck_assert(tls_scan_version(r, v)->complete);
	ck_assert_int_eq(tls_scan_version(r, v)->server_order, order);
	ASSERT_STR_FREE(groups_of(r), groups);
}

static bool
der_of_cert_file(const char *path, uint8_t **der, size_t *len)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return false;
	X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (x == NULL)
		return false;
	*der = NULL;
	int n = i2d_X509(x, der);
	X509_free(x);
	*len = n > 0 ? (size_t)n : 0;
	return n > 0;
}

START_TEST(tls12_two_suites)
{
	if (!L.ok)
		return;
	evidence_t *ev = evidence_new();
	tls_scan_result_t *r = scan_lab(S_TLS12, ev, "TLS1.2");
	assert_suites(r, TLSV_TLS12, "0xc02f 0x0035", TLS_NO, "29 23 24 25 30");
	ck_assert_int_eq(r->secure_reneg, TLS_YES);
	ck_assert_int_eq(r->compression, TLS_NO);
	ck_assert_int_eq(r->heartbeat, TLS_NO);
	ck_assert_int_eq(r->heartbleed, TLS_NO);
	ck_assert_uint_eq(r->dhe_bits, 0);
	/* The chain is the certificate the server was given, byte for byte. */
	uint8_t *der;
	size_t len;
	ck_assert(der_of_cert_file(L.cert, &der, &len));
	ck_assert_uint_eq(r->certs.n, 1);
	ck_assert(!r->certs_tls13);
	ck_assert_uint_eq(r->certs.len[0], len);
	ck_assert(memcmp(r->certs.der[0], der, len) == 0);
	OPENSSL_free(der);
	/* Every handshake's connection is in the evidence. */
	ck_assert_uint_gt(r->handshakes, 10);
	ck_assert_uint_eq(ev->n_flows, r->handshakes);
	tls_scan_free(r);
	evidence_free(ev);
	tls_scan_free(NULL);
}
END_TEST

START_TEST(tls13_only)
{
	if (!L.ok)
		return;
	tls_scan_result_t *r = scan_lab(S_TLS13, NULL, "TLS1.3");
	/* TLS_AES_128_CCM_SHA256 is off in OpenSSL by default: found anyway. */
	assert_suites(r, TLSV_TLS13, "0x1302 0x1304", TLS_YES, "24 257");
	ck_assert(tls_scan_has_group(r, 257));
	ck_assert(!tls_scan_has_group(r, 29));
	ck_assert_int_eq(r->secure_reneg, TLS_UNKNOWN);
	ck_assert_int_eq(r->compression, TLS_NO);
	ck_assert_int_eq(r->heartbleed, TLS_NO);
	/* Encrypted in TLS 1.3: one OpenSSL handshake read it, byte for byte. */
	uint8_t *der;
	size_t len;
	ck_assert(der_of_cert_file(L.cert, &der, &len));
	ck_assert(r->certs_tls13);
	ck_assert_uint_eq(r->certs.n, 1);
	ck_assert_uint_eq(r->certs.len[0], len);
	ck_assert(memcmp(r->certs.der[0], der, len) == 0);
	OPENSSL_free(der);
	ck_assert_ptr_null(tls_scan_version(r, 0x0305));
	tls_scan_free(r);
}
END_TEST

START_TEST(tls10_seclevel0)
{
	if (!L.ok)
		return;
	tls_scan_result_t *r = scan_lab(S_TLS10, NULL, "TLS1.0");
	/* With server preference the order found is the server's. */
	assert_suites(r, TLSV_TLS10,
	    "0xc014 0x0039 0x0088 0xc019 0x003a 0x0089 0xc013 0x0033 0x0045 0xc018 "
	    "0x0034 0x0046 0x0035 0x0084 0x002f 0x0041", TLS_YES, "29 23 24 25 30");
	ck_assert_uint_eq(r->dhe_bits, 2048);
	ck_assert_int_eq(r->secure_reneg, TLS_YES);
	ck_assert_int_eq(r->compression, TLS_NO);
	ck_assert_uint_eq(r->certs.n, 1);
	/* Anonymous suites are among them: the flags say so. */
	ck_assert(tls_suite_find(0x003a)->flags & TLS_SF_ANON);
	tls_scan_free(r);
}
END_TEST

START_TEST(nothing_listening)
{
	if (!L.ok)
		return;
	tls_scan_result_t *r = scan_port(L.closed_port, NULL);
	assert_versions(r, "");
	ck_assert_uint_eq(r->handshakes, 5);
	ck_assert_uint_eq(r->undecided, 5);
	ck_assert_msg(strstr(r->error, ": connect: connection refused") != NULL, "%s", r->error);
	ck_assert_int_eq(r->secure_reneg, TLS_UNKNOWN);
	ck_assert_int_eq(r->compression, TLS_UNKNOWN);
	tls_scan_free(r);
}
END_TEST

/* ---- servers written here ---- */

typedef enum fake_mode {
	F_HTTP,		/* answers HTTP to anything */
	F_SILENT,	/* listens, never accepts: the kernel completes the connect */
	F_CLOSE,	/* accepts and hangs up at once */
	F_LEGACY,	/* one old version, a few suites, its own order */
} fake_mode_t;

typedef struct fake {
	fake_mode_t mode;
	uint16_t version;
	const uint16_t *suites;	/* in the server's order of preference */
	size_t n_suites;
	bool heartbeat;		/* negotiates heartbeats and leaks (Heartbleed) */
	int lfd;
	int port;
	pthread_t th;
} fake_t;

/* Reads one whole record (the ClientHello or the heartbeat) into b. */
static size_t
read_record(int fd, uint8_t *b, size_t cap)
{
	size_t n = 0;
	while (n < cap) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 3000) <= 0)
			break;
		ssize_t k = read(fd, b + n, cap - n);
		if (k <= 0)
			break;
		n += (size_t)k;
		if (n >= 5 && n >= 5 + (size_t)(b[3] << 8 | b[4]))
			break;
	}
	return n;
}

/* The client's version, and the first of the server's suites it offers
 * (0 when none). */
static uint16_t
pick_suite(const fake_t *f, const uint8_t *b, size_t n, uint16_t *version)
{
	cursor_t c;
	uint8_t sl;
	uint16_t sn;
	const uint8_t *list;
	cur_init(&c, b, n);
	cur_skip(&c, 9);
	cur_be16(&c, version);
	cur_skip(&c, 32);
	cur_u8(&c, &sl);
	cur_skip(&c, sl);
	cur_be16(&c, &sn);
	if (c.bad || cur_bytes(&c, sn, &list) < 0)
		return 0;
	for (size_t i = 0; i < f->n_suites; i++)
		for (size_t k = 0; k + 1 < sn; k += 2)
			if ((list[k] << 8 | list[k + 1]) == f->suites[i])
				return f->suites[i];
	return 0;
}

static void
put_rec(pkt_t *p, const fake_t *f, uint8_t ct, const pkt_t *body)
{
	put8(p, ct);
	put16(p, f->version);
	put16(p, (unsigned)body->n);
	put(p, body->b, body->n);
}

/* ServerHello (with heartbeat or no extensions at all, as SSLv3 servers
 * send it), Certificate, ServerHelloDone; then leaks on a heartbeat. */
static void
serve_legacy(const fake_t *f, int fd)
{
	uint8_t b[4096];
	uint16_t v = 0;
	size_t n = read_record(fd, b, sizeof(b));
	uint16_t suite = pick_suite(f, b, n, &v);
	if (v < f->version || suite == 0) {
		uint8_t alert[7] = { 21, 3, 0, 0, 2, 2, v < f->version ? 70 : 40 };
		(void)!write(fd, alert, sizeof(alert));
		return;
	}
	pkt_t m = { .n = 0 }, body = { .n = 0 }, out = { .n = 0 };
	put16(&body, f->version);
	for (int i = 0; i < 32; i++)
		put8(&body, 0x42);
	put8(&body, 0);
	put16(&body, suite);
	put8(&body, 0);
	if (f->heartbeat)
		put(&body, "\x00\x05\x00\x0f\x00\x01\x01", 7);
	put8(&m, 2);
	put8(&m, 0);
	put16(&m, (unsigned)body.n);
	put(&m, body.b, body.n);
	put(&m, "\x0b\x00\x00\x0b\x00\x00\x08\x00\x00\x05\x30\x03\x02\x01\x07", 15);
	put(&m, "\x0e\x00\x00\x00", 4);
	put_rec(&out, f, 22, &m);
	if (write(fd, out.b, out.n) != (ssize_t)out.n)
		return;
	n = read_record(fd, b, sizeof(b));
	if (f->heartbeat && n >= 8 && b[0] == 24) {
		size_t len = 3 + (size_t)(b[6] << 8 | b[7]) + 16;
		if (len > 0x4000 + 19)
			len = 0x4000 + 19;	/* one record's worth */
		uint8_t *leak = calloc(5 + len, 1);
		leak[0] = 24;
		leak[1] = (uint8_t)(f->version >> 8);
		leak[2] = (uint8_t)f->version;
		leak[3] = (uint8_t)(len >> 8);
		leak[4] = (uint8_t)len;
		leak[5] = 2;
		(void)!write(fd, leak, 5 + len);
		free(leak);
	}
}

static void *
fake_main(void *arg)
{
	fake_t *f = arg;
	for (;;) {
		int fd = accept(f->lfd, NULL, NULL);
		if (fd < 0)
			return NULL;
		if (f->mode == F_LEGACY) {
			serve_legacy(f, fd);
		} else if (f->mode == F_HTTP) {
			uint8_t b[4096];
			read_record(fd, b, sizeof(b));
			static const char http[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
			(void)!write(fd, http, sizeof(http) - 1);
		}
		close(fd);
	}
}

static void
fake_start(fake_t *f)
{
	f->lfd = loopback_listener(&f->port);
	ck_assert_int_ge(f->lfd, 0);
	if (f->mode != F_SILENT)
		ck_assert_int_eq(pthread_create(&f->th, NULL, fake_main, f), 0);
}

static void
fake_stop(fake_t *f)
{
	shutdown(f->lfd, SHUT_RDWR);
	close(f->lfd);
	if (f->mode != F_SILENT)
		pthread_join(f->th, NULL);
}

static tls_scan_result_t *
scan_fake(fake_t *f)
{
	fake_start(f);
	tls_scan_result_t *r = scan_port(f->port, NULL);
	fake_stop(f);
	return r;
}

START_TEST(not_tls)
{
	fake_t f = { .mode = F_HTTP };
	tls_scan_result_t *r = scan_fake(&f);
	assert_versions(r, "");
	ck_assert_uint_eq(r->undecided, r->handshakes);
	ck_assert_uint_eq(r->handshakes, 5);
	ck_assert_msg(strstr(r->error, ": record 0: an HTTP response, not TLS") != NULL, "%s",
	    r->error);
	tls_scan_free(r);

	/* Hanging up on everything decides each version (refused), but says so. */
	f = (fake_t){ .mode = F_CLOSE };
	r = scan_fake(&f);
	assert_versions(r, "");
	ck_assert_uint_eq(r->undecided, 0);
	ck_assert_str_eq(r->error,
	    "every version was refused by closing the connection, never an alert");
	ck_assert_int_eq(r->secure_reneg, TLS_UNKNOWN);
	tls_scan_free(r);
}
END_TEST

/* Servers OpenSSL can no longer be: SSLv3 with 3DES and RC4 in its own
 * order, and TLS 1.1 with heartbeats that leaks (Heartbleed).  The
 * certificate is the 5-byte stand-in serve_legacy sends. */
START_TEST(legacy_servers)
{
	static const uint16_t ssl3_suites[] = { 0x000a, 0x0005 }, tls11_suites[] = { 0x002f };
	static const struct {
		fake_t f;
		const char *version, *suites;
		tls_tri_t order, heartbeat, heartbleed;
	} cases[] = {
		{ { .mode = F_LEGACY, .version = TLSV_SSL3, .suites = ssl3_suites, .n_suites = 2 },
		  "SSLv3", "0x000a 0x0005", TLS_YES, TLS_NO, TLS_NO },
		{ { .mode = F_LEGACY, .version = TLSV_TLS11, .suites = tls11_suites, .n_suites = 1,
		    .heartbeat = true },
		  "TLS1.1", "0x002f", TLS_UNKNOWN, TLS_YES, TLS_YES },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		fake_t f = cases[i].f;
		uint16_t v = f.version;
		tls_scan_result_t *r = scan_fake(&f);
		ck_assert_str_eq(r->error, "");
		assert_versions(r, cases[i].version);
		assert_suites(r, v, cases[i].suites, cases[i].order, "");
		ck_assert_int_eq(r->heartbeat, cases[i].heartbeat);
		ck_assert_int_eq(r->heartbleed, cases[i].heartbleed);
		ck_assert_int_eq(r->secure_reneg, TLS_NO);
		ck_assert_int_eq(r->compression, TLS_NO);
		ck_assert_uint_eq(r->certs.n, 1);
		ck_assert_uint_eq(r->certs.len[0], 5);
		ck_assert(memcmp(r->certs.der[0], "\x30\x03\x02\x01\x07", 5) == 0);
		tls_scan_free(r);
	}
}
END_TEST

/* A port that connects and then says nothing costs one handshake timeout
 * per version, all at once, not one after the other. */
START_TEST(silent_server)
{
	fake_t f = { .mode = F_SILENT };
	fake_start(&f);
	char err[128];
	target_t *t = target_new("127.0.0.1", err, sizeof(err));
	tls_scan_opts_t o = { .addr = &t->addrs[0], .port = f.port,
		.deadline = mono_ms() + 20000, .hs_timeout_ms = 300 };
	uint64_t t0 = mono_ms();
	tls_scan_result_t *r = tls_scan(&o);
	uint64_t took = mono_ms() - t0;
	assert_versions(r, "");
	ck_assert_uint_ge(took, 300);
	ck_assert_uint_lt(took, 1500);
	ck_assert_uint_eq(r->handshakes, 5);
	ck_assert_uint_eq(r->undecided, 5);
	ck_assert_msg(strstr(r->error, ": reading the answer: timed out") != NULL, "%s", r->error);
	tls_scan_free(r);

	/* The scan's own deadline bounds it too. */
	o.hs_timeout_ms = 0;
	o.deadline = mono_ms() + 200;
	t0 = mono_ms();
	r = tls_scan(&o);
	ck_assert_uint_lt(mono_ms() - t0, 1500);
	ck_assert_uint_eq(r->undecided, 5);
	tls_scan_free(r);

	/* Cancelled before it starts: no connection at all. */
	volatile int cancel = 1;
	o.cancel = &cancel;
	o.deadline = mono_ms() + 20000;
	r = tls_scan(&o);
	ck_assert_uint_eq(r->handshakes, 0);
	ck_assert_uint_eq(r->undecided, 5);
	ck_assert_msg(strstr(r->error, ": scan cancelled") != NULL, "%s", r->error);
	tls_scan_free(r);
	target_free(t);
	fake_stop(&f);
}
END_TEST

static Suite *
tls_scan_suite(void)
{
	Suite *s = suite_create("tls_scan");
	TCase *t = tcase_create("tls_scan");
	tcase_add_unchecked_fixture(t, lab_up, lab_down);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, tls12_two_suites);
	tcase_add_test(t, tls13_only);
	tcase_add_test(t, tls10_seclevel0);
	tcase_add_test(t, nothing_listening);
	tcase_add_test(t, not_tls);
	tcase_add_test(t, legacy_servers);
	tcase_add_test(t, silent_server);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(tls_scan_suite)
