/*
 * net/fetch.c against the real reference device on loopback (127.0.66.40
 * and .41, this suite's own addresses): a page, a redirect hop recorded,
 * a 404, a self-signed https service (verification fails, recorded, the
 * content fetched anyway), a closed port, a 10 GiB body cut at the cap, a
 * silent https service stopped by the deadline, and URLs refused before
 * any connection.
 */
#include "check_main.h"
#include "test_daemons.h"

#include "net/fetch.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GOOD "127.0.66.40"
#define BAD "127.0.66.41"

static char dir[64];
static pid_t pids[2];

/* build-x/tests/test_fetch_live -> build-x/iotcert-refdev. */
static bool
refdev_bin(char *out, size_t cap)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	snprintf(out, cap, "%s/iotcert-refdev", dirname(dirname(exe)));
	return access(out, X_OK) == 0;
}

static void
start_dev(int i, const char *addr, const char *misbehave)
{
	char bin[PATH_MAX], ready[128], log[128];
	if (!refdev_bin(bin, sizeof(bin)) || dir[0] == '\0') {
		printf("SKIP: no iotcert-refdev beside the test\n");
		pids[i] = -1;
		return;
	}
	snprintf(ready, sizeof(ready), "%s/ready%d", dir, i);
	snprintf(log, sizeof(log), "%s/log%d", dir, i);
	char *argv[] = { bin, "--addr", (char *)addr, "--ready-file", ready, "--quiet",
		"--port", "telnet=off", "--port", "mqtt=off", "--port", "debug=off",
		"--port", "http=18080", "--port", "https=18443",
		misbehave ? "--misbehave" : NULL, (char *)misbehave, NULL };
	char *line;
	pids[i] = spawn_until_ready(argv, ready, log, &line);
	free(line);
}

static void
up(void)
{
	snprintf(dir, sizeof(dir), "/tmp/iotcert-fetch-XXXXXX");
	if (mkdtemp(dir) == NULL)
		dir[0] = '\0';
	fetch_global_init();
	start_dev(0, GOOD, NULL);
	start_dev(1, BAD, "http:http-huge-body,https:silence");
}

static void
down(void)
{
	td_stop_all(pids, 2);
	td_remove_dir(dir);
}

static fetch_result_t *
get(const char *url, unsigned ms, size_t cap)
{
	fetch_opts_t o = { .deadline_ms = mono_ms() + ms, .body_cap = cap, .no_proxy = true };
	return fetch_url(url, &o);
}

START_TEST(page_and_redirect)
{
	if (pids[0] <= 0)
		return;
	fetch_result_t *r = get("http://" GOOD ":18080/security-policy", 5000, 0);
	ck_assert(r->responded);
	ck_assert_int_eq(r->status, 200);
	ck_assert_ptr_nonnull(strstr((char *)r->body, "within 7 days"));
	ck_assert_uint_eq(r->n_hops, 1);
	ck_assert(!r->tls_problem && !r->truncated);
	ck_assert_str_eq(r->remote_ip, GOOD);
	ck_assert_int_eq(r->remote_port, 18080);
	ck_assert_ptr_nonnull(strstr(r->content_type, "text/html"));
	fetch_result_free(r);

	r = get("http://" GOOD ":18080/security", 5000, 0);
	ck_assert(r->responded);
	ck_assert_int_eq(r->status, 200);
	ck_assert_uint_eq(r->n_hops, 2);
	ck_assert_int_eq(r->hops[0].status, 302);
	ck_assert_str_eq(r->hops[0].location, "http://" GOOD ":18080/security-policy");
	ck_assert_str_eq(r->final_url, "http://" GOOD ":18080/security-policy");
	fetch_result_free(r);

	r = get("http://" GOOD ":18080/no-such-page", 5000, 0);
	ck_assert(r->responded);
	ck_assert_int_eq(r->status, 404);
	fetch_result_free(r);
}
END_TEST

START_TEST(tls_problem_recorded)
{
	if (pids[0] <= 0)
		return;
	fetch_result_t *r = get("https://" GOOD ":18443/.well-known/security.txt", 5000, 0);
	ck_assert(r->responded);
	ck_assert_int_eq(r->status, 200);
	ck_assert(r->tls_problem);
	ck_assert_ptr_nonnull(strstr(r->tls_error, "https://" GOOD ":18443/"));
	ck_assert_ptr_nonnull(strstr((char *)r->body, "Contact: mailto:security@refdev.example"));
	fetch_result_free(r);
}
END_TEST

START_TEST(failures)
{
	fetch_result_t *r = get("http://" GOOD ":1/", 3000, 0);
	ck_assert(!r->responded);
	ck_assert(r->error[0] != '\0');
	ck_assert_uint_eq(r->body_len, 0);
	ck_assert_ptr_nonnull(r->body);
	fetch_result_free(r);

	const char *refused[] = { "ftp://" GOOD "/", "file:///etc/passwd", "gopher://x/", "http://",
		"dict://" GOOD ":18080/" };
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		r = get(refused[i], 3000, 0);
		ck_assert(!r->responded);
		ck_assert_uint_eq(r->n_hops, 0);
		ck_assert_ptr_nonnull(strstr(r->error, "not an http:// or https:// URL"));
		fetch_result_free(r);
	}
	fetch_result_free(NULL);
}
END_TEST

START_TEST(hostile_device)
{
	if (pids[1] <= 0)
		return;
	uint64_t t0 = mono_ms();
	fetch_result_t *r = get("http://" BAD ":18080/security-policy", 10000, 65536);
	ck_assert(r->responded);
	ck_assert(r->truncated);
	ck_assert_uint_eq(r->body_len, 65536);
	fetch_result_free(r);
	ck_assert_uint_lt(mono_ms() - t0, 5000);

	t0 = mono_ms();
	r = get("https://" BAD ":18443/security-policy", 1500, 0);
	ck_assert(!r->responded);
	ck_assert_str_eq(r->error, "no complete response before the deadline");
	fetch_result_free(r);
	ck_assert_uint_lt(mono_ms() - t0, 3000);
}
END_TEST

static Suite *
fetch_suite(void)
{
	Suite *s = suite_create("fetch-live");
	TCase *tc = tcase_create("refdev");
	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, up, down);
	tcase_add_test(tc, page_and_redirect);
	tcase_add_test(tc, tls_problem_recorded);
	tcase_add_test(tc, failures);
	tcase_add_test(tc, hostile_device);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(fetch_suite)
