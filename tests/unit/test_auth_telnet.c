/*
 * The telnet login state machine replayed on recorded device output: BusyBox
 * login (success, "Login incorrect" and re-prompt, the third-strike close),
 * password-only consoles, shells with no login, router CLIs that have no
 * echo, lock messages, MOTDs that mention failed logins, prompts that arrive
 * a byte at a time and garbage.  Each replay checks what we sent, so a
 * prompt answered twice fails the test.
 */
#include "check_main.h"

#include "auth/telnet_login.h"
#include "core/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MARK "iotc0123456789abcdef01234"
#define SENT_MAX 8

typedef struct replay {
	telnet_login_t l;
	int sends;
	char sent[SENT_MAX][TL_LINE_MAX + 8];
	tl_action_t last;
} replay_t;

/* Feeds the chunks in order (each an exact-size heap copy); "@" in a chunk
 * stands for the marker.  Stops at a decision. */
static tl_action_t
replay(replay_t *r, const char *user, const char *pass, const char *const *chunks)
{
	memset(r, 0, sizeof(*r));
	telnet_login_init(&r->l, user, pass, MARK);
	if (r->l.phase == TL_DONE)
		return r->last = TL_DECIDED;
	buf_t text;
	buf_init(&text, 1 << 20);
	r->last = TL_WAIT;
	for (size_t i = 0; chunks[i]; i++) {
		for (const char *c = chunks[i]; *c; c++) {
			if (*c == '@')
				buf_append(&text, MARK, strlen(MARK));
			else
				buf_append(&text, c, 1);
		}
		uint8_t *copy = xcalloc(text.len ? text.len : 1, 1);
		if (text.len)
			memcpy(copy, text.data, text.len);
		char out[TL_LINE_MAX + 8];
		size_t ol;
		r->last = telnet_login_step(&r->l, copy, text.len, out, sizeof(out), &ol);
		free(copy);
		if (r->last == TL_SEND) {
			ck_assert_int_lt(r->sends, SENT_MAX);
			ck_assert_uint_eq(strlen(out), ol);
			snprintf(r->sent[r->sends++], sizeof(r->sent[0]), "%s", out);
			buf_reset(&text);
		} else if (r->last == TL_DECIDED)
			break;
	}
	buf_free(&text);
	return r->last;
}

#define CHUNKS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void
assert_sent(const replay_t *r, int n, ...)
{
	ck_assert_int_eq(r->sends, n);
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		ck_assert_str_eq(r->sent[i], va_arg(ap, const char *));
	va_end(ap);
}

START_TEST(busybox_accepted)
{
	replay_t *r = xcalloc(1, sizeof(*r));
	ck_assert_int_eq(replay(r, "admin", "admin", CHUNKS("\r\nrefdev login: ",
	    "admin\r\n", "Password: ",
	    "\r\n\r\nBusyBox v1.30.1 (2019-01-01 00:00:00 UTC) built-in shell (ash)\r\n\r\n# ",
	    "echo @\r\n", "@\r\n", "# ")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_ACCEPTED);
	assert_sent(r, 3, "admin\r\n", "admin\r\n", "echo " MARK "\r\n");
	ck_assert_ptr_nonnull(strstr(r->l.reason, "marker"));
	free(r);
}
END_TEST

START_TEST(busybox_login_incorrect)
{
	replay_t *r = xcalloc(1, sizeof(*r));
	ck_assert_int_eq(replay(r, "admin", "wrong", CHUNKS("\r\nrefdev login: ",
	    "admin\r\nPassword: ", "\r\nLogin incorrect\r\nrefdev login: ")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_REJECTED);
	ck_assert_ptr_nonnull(strstr(r->l.reason, "Login incorrect"));
	assert_sent(r, 2, "admin\r\n", "wrong\r\n");	/* the new prompt is not answered */

	/* The verdict split across reads, before the re-prompt arrives. */
	ck_assert_int_eq(replay(r, "admin", "wrong", CHUNKS("login: ", "Password: ",
	    "\r\nLogin inc", "orrect\r\n")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_REJECTED);

	/* Only a fresh prompt, no message. */
	ck_assert_int_eq(replay(r, "admin", "wrong", CHUNKS("login: ", "Password: ",
	    "\r\n\r\nlogin: ")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_REJECTED);
	ck_assert_ptr_nonnull(strstr(r->l.reason, "fresh login prompt"));

	/* Other wordings, and the password asked again. */
	ck_assert_int_eq(replay(r, "admin", "x", CHUNKS("Username: ", "Password: ",
	    "\r\n% Authentication failed\r\n")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_REJECTED);
	ck_assert_int_eq(replay(r, "admin", "x", CHUNKS("Username: ", "Password: ",
	    "\r\nAccess denied\r\n")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_REJECTED);
	ck_assert_int_eq(replay(r, "admin", "x", CHUNKS("login: ", "Password: ",
	    "\r\nPassword: ")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_REJECTED);
	assert_sent(r, 2, "admin\r\n", "x\r\n");

	/* The user name refused at once. */
	ck_assert_int_eq(replay(r, "nobody", "x", CHUNKS("login: ", "nobody\r\nlogin: ")),
	    TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_REJECTED);
	assert_sent(r, 1, "nobody\r\n");
	free(r);
}
END_TEST

START_TEST(third_strike_close)
{
	replay_t *r = xcalloc(1, sizeof(*r));
	/* BusyBox closes after the third failure: no message at all in this
	 * recording, only the close -> undecided, never ACCEPTED. */
	ck_assert_int_eq(replay(r, "admin", "x", CHUNKS("login: ", "Password: ")), TL_SEND);
	telnet_login_end(&r->l, true, (const uint8_t *)"", 0);
	ck_assert_int_eq(r->l.result, AUTH_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(r->l.reason, "no verdict after the password"));
	ck_assert_ptr_nonnull(strstr(r->l.reason, "connection ended"));
	free(r);
}
END_TEST

START_TEST(password_only)
{
	replay_t *r = xcalloc(1, sizeof(*r));
	ck_assert_int_eq(replay(r, "admin", "1234", CHUNKS("\r\nEnter password: ",
	    "\r\n\r\n# ", "echo @\r\n@\r\n# ")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_ACCEPTED);
	ck_assert(r->l.password_only);
	ck_assert_ptr_nonnull(strstr(r->l.reason, "password-only"));
	assert_sent(r, 2, "1234\r\n", "echo " MARK "\r\n");
	/* No user at all is fine for a password-only console. */
	ck_assert_int_eq(replay(r, NULL, "1234", CHUNKS("Password:", "\r\nWrong password!\r\n"
	    "Password:")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_REJECTED);
	assert_sent(r, 1, "1234\r\n");
	free(r);
}
END_TEST

START_TEST(shell_without_login)
{
	replay_t *r = xcalloc(1, sizeof(*r));
	/* refdev's debug console: no echo of our line, the output, the prompt. */
	ck_assert_int_eq(replay(r, "admin", "admin", CHUNKS("refdev debug console\r\n# ",
	    "@\r\n# ")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_NOT_REQUIRED);
	assert_sent(r, 1, "echo " MARK "\r\n");
	/* A "$" prompt with echo, the marker arriving in pieces. */
	ck_assert_int_eq(replay(r, NULL, "", CHUNKS("~ $ ", "echo @\r\n", "iotc0123", "456789abcdef01234",
	    "\r\n", "~ $ ")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_NOT_REQUIRED);
	free(r);
}
END_TEST

START_TEST(no_proof_no_accept)
{
	replay_t *r = xcalloc(1, sizeof(*r));
	/* A router CLI: logged in, but echo is not a command: never ACCEPTED. */
	ck_assert_int_eq(replay(r, "admin", "admin", CHUNKS("User Access Verification\r\n\r\n"
	    "Username: ", "admin\r\n", "Password: ", "\r\nrouter>",
	    "echo @\r\n% Invalid input detected at '^' marker.\r\n\r\nrouter>")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(r->l.reason, "marker was not echoed"));
	/* The echo of our command alone is not proof. */
	ck_assert_int_eq(replay(r, "admin", "admin", CHUNKS("login: ", "Password: ", "\r\n# ",
	    "echo @\r\n")), TL_WAIT);
	telnet_login_end(&r->l, false, (const uint8_t *)"echo x", 6);
	ck_assert_int_eq(r->l.result, AUTH_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(r->l.reason, "deadline"));
	/* The marker inside a longer line is not the echo's output. */
	ck_assert_int_eq(replay(r, "admin", "admin", CHUNKS("login: ", "Password: ", "# ",
	    "x@y\r\n# ")), TL_WAIT);
	/* The marker but no prompt after it yet: wait. */
	ck_assert_int_eq(replay(r, "admin", "admin", CHUNKS("login: ", "Password: ", "# ",
	    "@\r\n")), TL_WAIT);
	/* What looked like a prompt was not: our echo line met a login prompt. */
	ck_assert_int_eq(replay(r, "admin", "admin", CHUNKS("login: ", "Password: ",
	    "\r\nWelcome>", "\r\nlogin: ")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_INCONCLUSIVE);
	free(r);
}
END_TEST

START_TEST(locks)
{
	replay_t *r = xcalloc(1, sizeof(*r));
	ck_assert_int_eq(replay(r, "admin", "x", CHUNKS("login: ", "Password: ",
	    "\r\nToo many failed login attempts. Try again in 5 minutes.\r\n")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_LOCKED);
	ck_assert_ptr_nonnull(strstr(r->l.reason, "Too many failed"));
	ck_assert_int_eq(replay(r, "admin", "x", CHUNKS("login: ", "Password: ",
	    "\r\nAccount locked\r\nlogin: ")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_LOCKED);
	ck_assert_int_eq(replay(r, "admin", "x", CHUNKS("Too many connections, bye\r\n")),
	    TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_LOCKED);
	assert_sent(r, 0);
	free(r);
}
END_TEST

START_TEST(banners_and_motd)
{
	replay_t *r = xcalloc(1, sizeof(*r));
	/* Legal banners say "denied" before any credential: not a verdict. */
	ck_assert_int_eq(replay(r, "admin", "admin", CHUNKS("Unauthorized access denied!\r\n"
	    "All access is logged.\r\nlogin: ")), TL_SEND);
	assert_sent(r, 1, "admin\r\n");
	/* A MOTD mentioning failed logins on a successful login. */
	ck_assert_int_eq(replay(r, "root", "12345", CHUNKS("login: ", "Password: ",
	    "\r\nLast failed login: Tue Nov 24 on ttyp0\r\nThere were 2 failed login attempts "
	    "since the last successful login.\r\n# ", "echo @\r\n@\r\n# ")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_ACCEPTED);
	/* Our echoed user name is not read as a verdict. */
	ck_assert_int_eq(replay(r, "denied", "p", CHUNKS("login: ", "denied\r\nPassword: ")),
	    TL_SEND);
	assert_sent(r, 2, "denied\r\n", "p\r\n");
	/* A user name that begins the prompt's text is no echo of it. */
	ck_assert_int_eq(replay(r, "Pass", "p", CHUNKS("login: ", "Password: ")), TL_SEND);
	assert_sent(r, 2, "Pass\r\n", "p\r\n");
	/* Banner text ending in '>' before any prompt is not a shell. */
	ck_assert_int_eq(replay(r, "admin", "admin", CHUNKS("Connected to <RD-100>")), TL_WAIT);
	ck_assert_int_eq(replay(r, "admin", "admin", CHUNKS("Connected to <RD-100>",
	    "\r\nlogin: ")), TL_SEND);
	assert_sent(r, 1, "admin\r\n");
	ck_assert_int_eq(replay(r, NULL, NULL, CHUNKS("CLI> ")), TL_SEND);
	assert_sent(r, 1, "echo " MARK "\r\n");
	/* An echo that has only begun is waited for. */
	ck_assert_int_eq(replay(r, "failed", "p", CHUNKS("login: ", "fail")), TL_WAIT);
	free(r);
}
END_TEST

START_TEST(byte_at_a_time)
{
	replay_t *r = xcalloc(1, sizeof(*r));
	ck_assert_int_eq(replay(r, "admin", "admin", CHUNKS("\r", "\n", "r", "d", " ", "l", "o",
	    "g", "i", "n", ":", " ", "a", "d", "m", "i", "n", "\r", "\n", "P", "a", "s", "s",
	    "w", "o", "r", "d", ":", " ", "\r", "\n", "#", " ", "e", "c", "h", "o", " ", "@",
	    "\r", "\n", "@", "\r", "\n", "#", " ")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_ACCEPTED);
	assert_sent(r, 3, "admin\r\n", "admin\r\n", "echo " MARK "\r\n");
	free(r);
}
END_TEST

START_TEST(user_without_password)
{
	replay_t *r = xcalloc(1, sizeof(*r));
	ck_assert_int_eq(replay(r, "root", "", CHUNKS("login: ", "root\r\n\r\n# ",
	    "echo @\r\n@\r\n# ")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_ACCEPTED);
	assert_sent(r, 2, "root\r\n", "echo " MARK "\r\n");
	free(r);
}
END_TEST

START_TEST(garbage_and_bad_input)
{
	replay_t *r = xcalloc(1, sizeof(*r));
	unsigned seed = 7;
	char junk[4][300];
	for (int k = 0; k < 4; k++) {
		for (int i = 0; i < 299; i++) {
			char c = (char)(1 + rand_r(&seed) % 255);
			junk[k][i] = c == '@' ? 'x' : c;
		}
		junk[k][299] = '\0';
	}
	tl_action_t a = replay(r, "admin", "admin", CHUNKS(junk[0], junk[1], junk[2], junk[3]));
	if (a == TL_DECIDED)
		ck_assert_int_ne(r->l.result, AUTH_ACCEPTED);
	ck_assert_int_ne(r->l.result, AUTH_NOT_REQUIRED);

	/* No user to give at a login prompt: the service wants one. */
	ck_assert_int_eq(replay(r, NULL, "x", CHUNKS("login: ")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_REJECTED);
	assert_sent(r, 0);
	/* Credentials that cannot be typed are a harness error, before any I/O. */
	ck_assert_int_eq(replay(r, "ad\nmin", "x", CHUNKS("login: ")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_ERROR);
	ck_assert_int_eq(replay(r, "admin", "x\ry", CHUNKS("login: ")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_ERROR);
	char *longpw = xcalloc(TL_LINE_MAX + 10, 1);
	memset(longpw, 'p', TL_LINE_MAX + 5);
	ck_assert_int_eq(replay(r, "admin", longpw, CHUNKS("login: ")), TL_DECIDED);
	ck_assert_int_eq(r->l.result, AUTH_ERROR);
	free(longpw);
	/* Silence: undecided at the deadline, saying so. */
	ck_assert_int_eq(replay(r, "admin", "x", CHUNKS("")), TL_WAIT);
	telnet_login_end(&r->l, false, (const uint8_t *)"", 0);
	ck_assert_int_eq(r->l.result, AUTH_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(r->l.reason, "no login, password or shell prompt"));
	free(r);
}
END_TEST

START_TEST(prompt_classes)
{
#define P(s) (const uint8_t *)(s), strlen(s)
	ck_assert(tl_login_prompt(P("refdev login: ")));
	ck_assert(tl_login_prompt(P("\r\nLOGIN:")));
	ck_assert(tl_login_prompt(P("User Name:\t")));
	ck_assert(tl_login_prompt(P("Username:")));
	ck_assert(!tl_login_prompt(P("login: \r\n")));		/* not waiting there */
	ck_assert(!tl_login_prompt(P("Please login: now")));
	ck_assert(tl_password_prompt(P("Password: ")));
	ck_assert(!tl_password_prompt(P("Password: x")));
	ck_assert(tl_shell_prompt(P("\r\n# ")));
	ck_assert(tl_shell_prompt(P("root@cam:~$ ")));
	ck_assert(tl_shell_prompt(P("router>")));
	ck_assert(tl_shell_prompt(P("% ")));
	ck_assert(!tl_shell_prompt(P("# \r\n")));
	ck_assert(!tl_shell_prompt(P("")));
	char longline[200];
	memset(longline, 'a', sizeof(longline));
	longline[198] = '>';
	longline[199] = '\0';
	ck_assert(!tl_shell_prompt(P(longline)));		/* HTML, not a prompt */
#undef P
}
END_TEST

static Suite *
auth_telnet_suite(void)
{
	Suite *s = suite_create("auth_telnet");
	TCase *tc = tcase_create("replay");
	tcase_add_test(tc, busybox_accepted);
	tcase_add_test(tc, busybox_login_incorrect);
	tcase_add_test(tc, third_strike_close);
	tcase_add_test(tc, password_only);
	tcase_add_test(tc, shell_without_login);
	tcase_add_test(tc, no_proof_no_accept);
	tcase_add_test(tc, locks);
	tcase_add_test(tc, banners_and_motd);
	tcase_add_test(tc, byte_at_a_time);
	tcase_add_test(tc, user_without_password);
	tcase_add_test(tc, garbage_and_bad_input);
	tcase_add_test(tc, prompt_classes);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(auth_telnet_suite)
