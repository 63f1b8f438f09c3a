/*
 * The SSH authenticator against OpenSSH's sshd (see test_auth_ssh.h for the
 * lab): keyboard-interactive through PAM with the right password, a wrong
 * one, and an expired one whose change is never answered; MaxAuthTries 1,
 * which ends in LOCKED; and an old-firmware algorithm set none of which is
 * in libssh's defaults.  Without openssh-server the tests print SKIP.
 */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "test_auth_ssh.h"

START_TEST(kbdint_accepted)
{
	NEED_LAB();
	NEED_SSHD(L.kbd);
	shot_t s = shoot(L.kbd, L.user, L.pass, 10000);
	ck_assert_int_eq(s.o.result, AUTH_ACCEPTED);
	ck_assert_str_eq(s.o.method, "ssh-keyboard-interactive");
	ck_assert_ptr_nonnull(strstr(s.o.reason, "SSH_MSG_USERAUTH_SUCCESS"));
	ck_assert(transcript_has(&s, "(hidden)"));
	ck_assert(!transcript_has(&s, "userauth password"));
	shot_free(&s);
}
END_TEST

START_TEST(kbdint_rejected)
{
	NEED_LAB();
	NEED_SSHD(L.kbd);
	shot_t s = shoot(L.kbd, L.user, "not-the-password", 10000);
	ck_assert_int_eq(s.o.result, AUTH_REJECTED);
	ck_assert_str_eq(s.o.method, "ssh-keyboard-interactive");
	ck_assert_uint_lt(s.o.delay_ms, 10000);
	shot_free(&s);
}
END_TEST

/* An expired password: PAM asks for a new one, which is never given. */
START_TEST(kbdint_password_change_not_answered)
{
	NEED_LAB();
	NEED_SSHD(L.kbd);
	shot_t s = shoot(L.kbd, L.expired, L.pass, 10000);
	ck_assert_int_eq(s.o.result, AUTH_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(s.o.reason, "server demands a new password"));
	ck_assert_ptr_nonnull(strstr(s.o.reason, "after the password"));
	ck_assert(transcript_has(&s, "prompt 'New password: '\n"));	/* no answer noted */
	shot_free(&s);
}
END_TEST

/* MaxAuthTries 1: the one failure ends in "Too many authentication failures". */
START_TEST(too_many_failures_locked)
{
	NEED_LAB();
	NEED_SSHD(L.kbd_once);
	shot_t s = shoot(L.kbd_once, L.user, "not-the-password", 10000);
	ck_assert_int_eq(s.o.result, AUTH_LOCKED);
	ck_assert_ptr_nonnull(strstr(s.o.reason, "Too many authentication failures"));
	shot_free(&s);
}
END_TEST

START_TEST(old_firmware_algorithms)
{
	NEED_LAB();
	NEED_SSHD(L.legacy);
	shot_t s = shoot(L.legacy, L.user, L.pass, 10000);
	ck_assert_int_eq(s.o.result, AUTH_ACCEPTED);
	ck_assert_str_eq(s.o.method, "ssh-password");
	shot_free(&s);
}
END_TEST

static void
up(void)
{
	lab_up(LAB_SSHD);
}

static Suite *
auth_ssh_kbdint_suite(void)
{
	Suite *s = suite_create("auth-ssh-kbdint");
	TCase *tc = tcase_create("servers");
	tcase_set_timeout(tc, 30);
	/* Unchecked: runs in the parent, so servers and accounts go even if a test fails. */
	tcase_add_unchecked_fixture(tc, up, lab_down);
	tcase_add_test(tc, kbdint_accepted);
	tcase_add_test(tc, kbdint_rejected);
	tcase_add_test(tc, kbdint_password_change_not_answered);
	tcase_add_test(tc, too_many_failures_locked);
	tcase_add_test(tc, old_firmware_algorithms);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(auth_ssh_kbdint_suite)
