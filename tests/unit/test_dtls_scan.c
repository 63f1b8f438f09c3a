/*
 * The DTLS enumeration and the dtls-posture probe against real `openssl
 * s_server` processes over UDP on 127.0.96.1 (DTLS 1.2 with two suites,
 * DTLS 1.0 at security level 0, both versions, PSK only), each found set
 * compared with what `openssl ciphers` says that server has.  Stacks
 * OpenSSL cannot be, and hostile ones: test_dtls_fake.c; the datagrams
 * themselves: test_dtls_proto.c.
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
	tcase_add_test(t, probe_judges);
	tcase_add_test(t, probe_against_declaration);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(dtls_scan_suite)
