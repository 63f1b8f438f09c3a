/*
 * One authenticator attempt described by the environment, for
 * tests/integration/t_auth.sh, which runs it in the lab's harness namespace
 * against real daemons (BusyBox login, lighttpd mod_auth, mosquitto):
 *   IOTCERT_AUTH_PROTO   service token: telnet, http, https, mqtt, mqtts ...
 *   IOTCERT_AUTH_ADDR    device address        IOTCERT_AUTH_PORT  port
 *   IOTCERT_AUTH_USER    user ("-" or unset: anonymous / none)
 *   IOTCERT_AUTH_PASS    password              IOTCERT_AUTH_PATH  HTTP/RTSP path
 *   IOTCERT_AUTH_EXPECT  the result the attempt must have (ACCEPTED, ...)
 * TLS is used for the *s tokens.  Without IOTCERT_AUTH_PROTO (a plain
 * `make unit`) it prints SKIP and passes.
 */
#include "check_main.h"

#include "auth/auth.h"
#include "core/target.h"
#include "core/util.h"
#include "net/tls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRY_MS 15000	/* BusyBox login waits about 3 s after a failure */

START_TEST(lab_attempt)
{
	const char *proto = getenv("IOTCERT_AUTH_PROTO");
	if (proto == NULL) {
		printf("SKIP: IOTCERT_AUTH_PROTO not set (driven by tests/integration/t_auth.sh)\n");
		return;
	}
	const char *addr = getenv("IOTCERT_AUTH_ADDR"), *port = getenv("IOTCERT_AUTH_PORT");
	const char *user = getenv("IOTCERT_AUTH_USER"), *pass = getenv("IOTCERT_AUTH_PASS");
	const char *expect = getenv("IOTCERT_AUTH_EXPECT");
	ck_assert_msg(addr && port && expect, "IOTCERT_AUTH_ADDR, _PORT and _EXPECT are needed");
	if (user && strcmp(user, "-") == 0)
		user = NULL;
	char err[200];
	target_t *t = target_new(addr, err, sizeof(err));
	ck_assert_msg(t != NULL, "%s", err);
	size_t pl = strlen(proto);
	bool tls = pl > 1 && proto[pl - 1] == 's' && strcmp(proto, "debug-shell") != 0;
	service_t s = { .transport = "tcp", .port = atoi(port), .protocol = (char *)proto,
		.tls = tls, .addr = &t->addrs[0] };
	tls_ctx_t *ctx = tls ? tls_ctx_new(err, sizeof(err)) : NULL;
	auth_target_t at = { .svc = &s, .tls = (struct tls_ctx *)ctx,
		.path = getenv("IOTCERT_AUTH_PATH") };
	const authenticator_t *a = auth_find(proto);
	ck_assert_msg(a != NULL, "no authenticator for %s", proto);
	auth_outcome_t o;
	uint64_t t0 = mono_ms();
	a->try_login(&at, user, pass, t0 + TRY_MS, &o);
	printf("%s %s/%s %s %s/%s -> %s [%s] delay %u ms, %llu ms: %s\n", proto, addr, port,
	    at.path ? at.path : "", user ? user : "(none)", pass ? pass : "-",
	    auth_result_str(o.result), o.method, o.delay_ms,
	    (unsigned long long)(mono_ms() - t0), o.reason);
	fflush(stdout);
	ck_assert_str_eq(auth_result_str(o.result), expect);
	tls_ctx_free(ctx);
	target_free(t);
}
END_TEST

static Suite *
auth_lab_suite(void)
{
	Suite *s = suite_create("auth_lab");
	TCase *tc = tcase_create("attempt");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, lab_attempt);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(auth_lab_suite)
