/*
 * The authenticators over real sockets against the reference device, each
 * instance on a loopback address of its own (127.0.90.0/24, which no other
 * suite uses): weak mode (universal defaults on telnet, HTTP Basic and form,
 * an open MQTT broker, a debug shell), hardened mode (HTTPS and MQTTS that
 * want the per-device password) and a misbehaving device (garbage, silence,
 * a malformed CONNACK, TLS garbage, one byte a second).  Without the refdev
 * binary every test prints SKIP.
 */
#include "check_main.h"
#include "test_daemons.h"

#include "auth/auth.h"
#include "core/target.h"
#include "core/util.h"
#include "net/tls.h"

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define WEAK_ADDR "127.0.90.1"
#define HARD_ADDR "127.0.90.2"
#define BAD_ADDR "127.0.90.3"
#define HARD_PW "Refdev-7f3c-Secret"
#define TRY_MS 8000

typedef struct refdevs {
	char dir[64];
	pid_t pid[3];
	bool up[3];
	bool have_binary;
} refdevs_t;

static refdevs_t R;	/* the fixture: set up in the parent, read by the forked tests */

/* build/tests/test_auth_live -> build/iotcert-refdev (also for build-asan). */
static bool
refdev_path(char *out, size_t cap)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	char *dir = dirname(dirname(exe));
	snprintf(out, cap, "%s/iotcert-refdev", dir);
	return access(out, X_OK) == 0;
}

static bool
start(int i, const char *addr, char *const extra[])
{
	char bin[PATH_MAX], ready[128], log[128];
	if (!refdev_path(bin, sizeof(bin)))
		return false;
	snprintf(ready, sizeof(ready), "%s/ready%d", R.dir, i);
	snprintf(log, sizeof(log), "%s/refdev%d.log", R.dir, i);
	char *argv[24] = { bin, "--addr", (char *)addr, "--ready-file", ready, "--quiet" };
	size_t k = 6;
	for (size_t j = 0; extra[j] && k + 1 < sizeof(argv) / sizeof(argv[0]); j++)
		argv[k++] = extra[j];
	argv[k] = NULL;
	char *line;
	pid_t pid = spawn_until_ready(argv, ready, log, &line);
	if (pid < 0)
		return false;
	free(line);
	R.pid[i] = pid;
	return true;
}

static void
refdevs_up(void)
{
	memset(&R, 0, sizeof(R));
	char bin[PATH_MAX];
	R.have_binary = refdev_path(bin, sizeof(bin));
	if (!R.have_binary) {
		printf("SKIP: no iotcert-refdev next to the tests (make all first)\n");
		return;
	}
	snprintf(R.dir, sizeof(R.dir), "/tmp/iotcert-auth-XXXXXX");
	if (mkdtemp(R.dir) == NULL)
		return;
	R.up[0] = start(0, WEAK_ADDR, (char *[]){ "--mode", "weak", NULL });
	R.up[1] = start(1, HARD_ADDR, (char *[]){ "--mode", "hardened", "--admin-password",
	    HARD_PW, "--port", "mqtts=8883", NULL });
	R.up[2] = start(2, BAD_ADDR, (char *[]){ "--mode", "weak", "--misbehave",
	    "telnet:slow,debug:garbage,http:silence,mqtt:mqtt-bad-connack,https:tls-garbage",
	    NULL });
}

static void
refdevs_down(void)
{
	td_stop_all(R.pid, 3);
	td_remove_dir(R.dir);
	memset(&R, 0, sizeof(R));
}

static bool
ready(int i)
{
	if (!R.up[i]) {
		printf("SKIP: reference device %d is not running\n", i);
		return false;
	}
	return true;
}

/* What a credential probe would pass, for one service of one device. */
typedef struct tgt {
	target_t *t;
	service_t svc;
	auth_target_t at;
	tls_ctx_t *tls;
	evidence_t *ev;
	int cancel;
} tgt_t;

static tgt_t *
tgt(const char *addr, const char *protocol, int port, bool tls)
{
	tgt_t *g = xcalloc(1, sizeof(*g));
	char err[200];
	g->t = target_new(addr, err, sizeof(err));
	ck_assert_ptr_nonnull(g->t);
	snprintf(g->svc.transport, sizeof(g->svc.transport), "tcp");
	g->svc.port = port;
	g->svc.protocol = xstrdup(protocol);
	g->svc.tls = tls;
	g->svc.addr = &g->t->addrs[0];
	if (tls) {
		g->tls = tls_ctx_new(err, sizeof(err));
		ck_assert_ptr_nonnull(g->tls);
	}
	g->ev = evidence_new();
	g->at.svc = &g->svc;
	g->at.tls = (struct tls_ctx *)g->tls;
	g->at.ev = g->ev;
	g->at.cancel = &g->cancel;
	return g;
}

static void
tgt_free(tgt_t *g)
{
	free(g->svc.protocol);
	tls_ctx_free(g->tls);
	evidence_free(g->ev);
	target_free(g->t);
	free(g);
}

static auth_outcome_t
try_pair(tgt_t *g, const char *user, const char *pass, unsigned ms)
{
	const authenticator_t *a = auth_find(g->svc.protocol);
	ck_assert_ptr_nonnull(a);
	auth_outcome_t o;
	memset(&o, 0xa5, sizeof(o));	/* every field must be set by the call */
	uint64_t t0 = mono_ms();
	a->try_login(&g->at, user, pass, t0 + ms, &o);
	uint64_t took = mono_ms() - t0;
	printf("  %s/%d %s %s/%s -> %s [%s] %ums: %s\n", g->svc.protocol, g->svc.port,
	    g->svc.addr->text, user ? user : "(anonymous)", pass ? pass : "-",
	    auth_result_str(o.result), o.method, o.delay_ms, o.reason);
	/* Never past the deadline (plus scheduling slack). */
	fflush(stdout);
	ck_assert_uint_le(took, ms + 500);
	ck_assert(memchr(o.reason, 0, sizeof(o.reason)) && memchr(o.method, 0, sizeof(o.method)));
	return o;
}

START_TEST(weak_telnet)
{
	if (!ready(0))
		return;
	tgt_t *g = tgt(WEAK_ADDR, "telnet", 2323, false);
	auth_outcome_t o = try_pair(g, "admin", "admin", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_ACCEPTED);
	ck_assert_str_eq(o.method, "telnet-login");
	ck_assert_ptr_nonnull(strstr(o.reason, "marker"));
	ck_assert(g->ev->n_flows >= 1);
	ck_assert(g->ev->transcript_len > 0);
	o = try_pair(g, "root", "12345", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_ACCEPTED);
	o = try_pair(g, "admin", "wrong", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_REJECTED);
	ck_assert_ptr_nonnull(strstr(o.reason, "Login incorrect"));
	ck_assert_uint_ge(o.delay_ms, 900);	/* BusyBox-style failure delay */
	o = try_pair(g, "root", "", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_REJECTED);
	o = try_pair(g, NULL, "admin", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_REJECTED);
	tgt_free(g);
}
END_TEST

START_TEST(weak_debug_shell)
{
	if (!ready(0))
		return;
	tgt_t *g = tgt(WEAK_ADDR, "debug-shell", 9999, false);
	auth_outcome_t o = try_pair(g, "admin", "admin", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_NOT_REQUIRED);
	ck_assert_str_eq(o.method, "debug-shell");
	o = try_pair(g, NULL, NULL, TRY_MS);
	ck_assert_int_eq(o.result, AUTH_NOT_REQUIRED);
	tgt_free(g);
}
END_TEST

START_TEST(weak_http_basic)
{
	if (!ready(0))
		return;
	tgt_t *g = tgt(WEAK_ADDR, "http", 8080, false);
	g->at.path = "/admin";
	auth_outcome_t o = try_pair(g, "admin", "admin", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_ACCEPTED);
	ck_assert_str_eq(o.method, "http-basic");
	o = try_pair(g, "admin", "wrong", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_REJECTED);
	o = try_pair(g, NULL, NULL, TRY_MS);
	ck_assert_int_eq(o.result, AUTH_REJECTED);
	/* The weak device's /status.json has no login at all. */
	g->at.path = "/status.json";
	o = try_pair(g, "admin", "admin", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_NOT_REQUIRED);
	ck_assert_ptr_nonnull(strstr(o.reason, "no 401"));
	/* No such resource: nothing to decide. */
	g->at.path = "/nope";
	o = try_pair(g, "admin", "admin", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_INCONCLUSIVE);
	/* The same over TLS, through the https alias. */
	tgt_t *s = tgt(WEAK_ADDR, "https", 8443, true);
	s->at.path = "/admin";
	o = try_pair(s, "admin", "admin", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_ACCEPTED);
	tgt_free(s);
	tgt_free(g);
}
END_TEST

START_TEST(weak_http_form)
{
	if (!ready(0))
		return;
	tgt_t *g = tgt(WEAK_ADDR, "http", 8080, false);
	g->at.form_action = "/login";
	g->at.form_user_field = "username";
	g->at.form_pass_field = "password";
	g->at.form_success = "Set-Cookie: session";
	g->at.form_failure = "Invalid username or password";
	auth_outcome_t o = try_pair(g, "admin", "admin", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_ACCEPTED);
	ck_assert_str_eq(o.method, "http-form");
	o = try_pair(g, "admin", "wrong", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_REJECTED);
	/* Characters that need encoding reach the device intact (and fail). */
	o = try_pair(g, "ad min&x=", "a+b%c", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_REJECTED);
	/* Markers that match nothing: never a guess. */
	g->at.form_success = "Welcome back";
	g->at.form_failure = "Bad login";
	o = try_pair(g, "admin", "admin", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_INCONCLUSIVE);
	o = try_pair(g, "admin", "wrong", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_INCONCLUSIVE);
	tgt_free(g);
}
END_TEST

START_TEST(weak_mqtt)
{
	if (!ready(0))
		return;
	tgt_t *g = tgt(WEAK_ADDR, "mqtt", 1883, false);
	auth_outcome_t o = try_pair(g, NULL, NULL, TRY_MS);
	ck_assert_int_eq(o.result, AUTH_NOT_REQUIRED);
	ck_assert_str_eq(o.method, "mqtt-3.1.1");
	o = try_pair(g, "admin", "admin", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_ACCEPTED);
	tgt_free(g);
}
END_TEST

START_TEST(hardened_mqtts)
{
	if (!ready(1))
		return;
	tgt_t *g = tgt(HARD_ADDR, "mqtts", 8883, true);
	auth_outcome_t o = try_pair(g, NULL, NULL, TRY_MS);
	ck_assert_int_eq(o.result, AUTH_REJECTED);
	ck_assert_ptr_nonnull(strstr(o.reason, "0x05"));
	o = try_pair(g, "admin", "admin", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_REJECTED);
	ck_assert_ptr_nonnull(strstr(o.reason, "0x04"));
	o = try_pair(g, "device", HARD_PW, TRY_MS);
	ck_assert_int_eq(o.result, AUTH_ACCEPTED);
	/* A TLS service without a TLS context is the harness's mistake. */
	g->at.tls = NULL;
	o = try_pair(g, "admin", "admin", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_ERROR);
	tgt_free(g);
}
END_TEST

START_TEST(hardened_https)
{
	if (!ready(1))
		return;
	tgt_t *g = tgt(HARD_ADDR, "https", 8443, true);
	g->at.path = "/admin";
	auth_outcome_t o = try_pair(g, "admin", "admin", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_REJECTED);
	ck_assert_uint_ge(o.delay_ms, 900);	/* the hardened failure delay */
	o = try_pair(g, "admin", HARD_PW, TRY_MS);
	ck_assert_int_eq(o.result, AUTH_ACCEPTED);
	g->at.form_action = "/login";
	g->at.form_success = "Set-Cookie: session";
	g->at.form_failure = "Invalid username or password";
	o = try_pair(g, "admin", "admin", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_REJECTED);
	tgt_free(g);
}
END_TEST

START_TEST(misbehaving)
{
	if (!ready(2))
		return;
	/* One byte a second: the deadline ends it, undecided. */
	tgt_t *g = tgt(BAD_ADDR, "telnet", 2323, false);
	auth_outcome_t o = try_pair(g, "admin", "admin", 2500);
	ck_assert_int_eq(o.result, AUTH_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(o.reason, "deadline"));
	tgt_free(g);
	g = tgt(BAD_ADDR, "debug-shell", 9999, false);
	o = try_pair(g, "admin", "admin", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_INCONCLUSIVE);
	tgt_free(g);
	g = tgt(BAD_ADDR, "http", 8080, false);
	g->at.path = "/admin";
	o = try_pair(g, "admin", "admin", 2000);
	ck_assert_int_eq(o.result, AUTH_INCONCLUSIVE);
	tgt_free(g);
	g = tgt(BAD_ADDR, "mqtt", 1883, false);
	o = try_pair(g, "admin", "admin", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(o.reason, "malformed CONNACK"));
	tgt_free(g);
	g = tgt(BAD_ADDR, "https", 8443, true);
	g->at.path = "/admin";
	o = try_pair(g, "admin", "admin", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_INCONCLUSIVE);
	tgt_free(g);
	/* A closed port. */
	g = tgt(BAD_ADDR, "ftp", 2121, false);
	o = try_pair(g, "admin", "admin", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(o.reason, "refused"));
	tgt_free(g);
}
END_TEST

START_TEST(cancelled)
{
	if (!ready(2))
		return;
	tgt_t *g = tgt(BAD_ADDR, "telnet", 2323, false);
	g->cancel = 1;
	auth_outcome_t o = try_pair(g, "admin", "admin", TRY_MS);
	ck_assert_int_eq(o.result, AUTH_INCONCLUSIVE);
	tgt_free(g);
}
END_TEST

static Suite *
auth_live_suite(void)
{
	Suite *s = suite_create("auth_live");
	TCase *tc = tcase_create("refdev");
	tcase_set_timeout(tc, 90);
	/* Unchecked: runs in the parent, so the devices stop even if a test fails. */
	tcase_add_unchecked_fixture(tc, refdevs_up, refdevs_down);
	tcase_add_test(tc, weak_telnet);
	tcase_add_test(tc, weak_debug_shell);
	tcase_add_test(tc, weak_http_basic);
	tcase_add_test(tc, weak_http_form);
	tcase_add_test(tc, weak_mqtt);
	tcase_add_test(tc, hardened_mqtts);
	tcase_add_test(tc, hardened_https);
	tcase_add_test(tc, misbehaving);
	tcase_add_test(tc, cancelled);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(auth_live_suite)
