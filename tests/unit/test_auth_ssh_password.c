/*
 * The SSH authenticator's "password" method against Dropbear (see
 * test_auth_ssh.h for the lab): the right password, a wrong one, an unknown
 * user and the empty password; a blank-password account let in through
 * "none"; a second factor demanded; no password method offered; attempts on
 * several threads at once; and no user name at all.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "test_auth_ssh.h"

START_TEST(password_accepted)
{
	NEED_LAB();
	shot_t s = shoot(L.db, L.user, L.pass, 8000);
	ck_assert_int_eq(s.o.result, AUTH_ACCEPTED);
	ck_assert_str_eq(s.o.method, "ssh-password");
	ck_assert_ptr_nonnull(strstr(s.o.reason, "SSH_MSG_USERAUTH_SUCCESS"));
	ck_assert_ptr_nonnull(strstr(s.o.reason, "shell echoed marker"));
	ck_assert_uint_lt(s.o.delay_ms, 5000);
	/* The one connection is in the evidence, for the capture split. */
	ck_assert_uint_eq(s.ev->n_flows, 1);
	ck_assert_uint_eq(s.ev->flows[0].rport, (unsigned)L.db);
	ck_assert(transcript_has(&s, "SSH-2.0-dropbear"));
	ck_assert(transcript_has(&s, "banner: iotcert lab device, model LAB-1"));
	ck_assert(transcript_has(&s, "methods: password"));
	shot_free(&s);
}
END_TEST

START_TEST(password_rejected)
{
	NEED_LAB();
	shot_t s = shoot(L.db, L.user, "not-the-password", 8000);
	ck_assert_int_eq(s.o.result, AUTH_REJECTED);
	ck_assert_str_eq(s.o.method, "ssh-password");
	ck_assert_str_eq(s.o.reason, "SSH_MSG_USERAUTH_FAILURE");
	/* Dropbear delays every failure by 250-350 ms: the delay is the answer's. */
	ck_assert_uint_ge(s.o.delay_ms, 200);
	ck_assert_uint_lt(s.o.delay_ms, 5000);
	shot_free(&s);

	/* A user the device does not have is a plain no, as for a wrong password. */
	s = shoot(L.db, "iotcert-no-such-user", "admin", 8000);
	ck_assert_int_eq(s.o.result, AUTH_REJECTED);
	shot_free(&s);

	/* The empty password is tried as such, not as "none". */
	s = shoot(L.db, L.user, "", 8000);
	ck_assert_int_eq(s.o.result, AUTH_REJECTED);
	ck_assert_str_eq(s.o.method, "ssh-password");
	shot_free(&s);
}
END_TEST

/* Dropbear -B lets a blank-password account in through "none". */
START_TEST(blank_password_not_required)
{
	NEED_LAB();
	shot_t s = shoot(L.db, L.blank, "whatever", 8000);
	ck_assert_int_eq(s.o.result, AUTH_NOT_REQUIRED);
	ck_assert_str_eq(s.o.method, "ssh-none");
	ck_assert(!transcript_has(&s, "userauth password"));
	shot_free(&s);
}
END_TEST

/* Dropbear -t wants the password and a key: the password alone is partial. */
START_TEST(second_factor_partial)
{
	NEED_LAB();
	shot_t s = shoot(L.db_2fa, L.user, L.pass, 8000);
	ck_assert_int_eq(s.o.result, AUTH_REJECTED);
	ck_assert_str_eq(s.o.method, "ssh-password");
	ck_assert(strncmp(s.o.reason, "partial (needs another factor)", 30) == 0);
	ck_assert_ptr_nonnull(strstr(s.o.reason, "publickey"));
	shot_free(&s);
}
END_TEST

/* Dropbear -s offers keys only: no password can work. */
START_TEST(no_password_method)
{
	NEED_LAB();
	shot_t s = shoot(L.db_nopw, L.user, L.pass, 8000);
	ck_assert_int_eq(s.o.result, AUTH_REJECTED);
	ck_assert_ptr_nonnull(strstr(s.o.reason, "no password method offered"));
	ck_assert_ptr_nonnull(strstr(s.o.reason, "publickey"));
	shot_free(&s);
}
END_TEST

typedef struct worker {
	int id;
	bool bad;		/* an outcome other than the expected one */
} worker_t;

static void *
worker_run(void *arg)
{
	worker_t *w = arg;
	for (int i = 0; i < 3; i++) {
		bool right = (w->id + i) % 2 == 0;
		shot_t s = shoot(L.db, L.user, right ? L.pass : "wrong-one", 15000);
		if (s.o.result != (right ? AUTH_ACCEPTED : AUTH_REJECTED) || s.ev->n_flows != 1)
			w->bad = true;
		shot_free(&s);
	}
	return NULL;
}

/*
 * Attempts on several threads at once, as the credential probe runs them.
 * Four, because Dropbear drops a sixth unauthenticated connection per
 * address.
 */
START_TEST(parallel_attempts)
{
	NEED_LAB();
	pthread_t th[4];
	worker_t w[4];
	for (int i = 0; i < 4; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].id = i;
		ck_assert_int_eq(pthread_create(&th[i], NULL, worker_run, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ck_assert_msg(!w[i].bad, "thread %d saw a wrong outcome", i);
	}
}
END_TEST

START_TEST(no_user)
{
	NEED_LAB();
	shot_t s = shoot(L.db, NULL, "x", 3000);
	ck_assert_int_eq(s.o.result, AUTH_ERROR);
	ck_assert_ptr_nonnull(strstr(s.o.reason, "user name"));
	ck_assert_uint_eq(s.ev->n_flows, 0);	/* nothing was sent */
	shot_free(&s);
	s = shoot(L.db, "", "x", 3000);
	ck_assert_int_eq(s.o.result, AUTH_ERROR);
	ck_assert_ptr_nonnull(strstr(s.o.reason, "empty user name"));
	ck_assert_uint_eq(s.ev->n_flows, 0);
	shot_free(&s);
}
END_TEST

static void
up(void)
{
	lab_up(LAB_DROPBEAR);
}

static Suite *
auth_ssh_password_suite(void)
{
	Suite *s = suite_create("auth-ssh-password");
	TCase *tc = tcase_create("servers");
	tcase_set_timeout(tc, 30);
	/* Unchecked: runs in the parent, so servers and accounts go even if a test fails. */
	tcase_add_unchecked_fixture(tc, up, lab_down);
	tcase_add_test(tc, password_accepted);
	tcase_add_test(tc, password_rejected);
	tcase_add_test(tc, blank_password_not_required);
	tcase_add_test(tc, second_factor_partial);
	tcase_add_test(tc, no_password_method);
	tcase_add_test(tc, parallel_attempts);
	tcase_add_test(tc, no_user);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(auth_ssh_password_suite)
