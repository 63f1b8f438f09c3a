/*
 * The telnet (and raw debug shell) login attempt as a pure state machine over
 * the text a device sends, so recorded BusyBox, router and camera sessions
 * can be replayed in unit tests without a socket.  The driver (auth/telnet.c)
 * strips IAC sequences, hands over the text received since our last line, and
 * sends what the step asks for.  Success needs positive proof: after the
 * login, a shell must print our random marker on a line of its own and show
 * a prompt again.  Every prompt is answered at most once.
 */
#ifndef IOTCERT_AUTH_TELNET_LOGIN_H
#define IOTCERT_AUTH_TELNET_LOGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"

typedef enum tl_phase {
	TL_BANNER,		/* nothing sent yet: waiting for a prompt */
	TL_USER_SENT,		/* user name sent: waiting for "Password:" */
	TL_PASS_SENT,		/* password sent: waiting for a verdict */
	TL_PROBE_SENT,		/* "echo <marker>" sent: waiting for proof */
	TL_DONE,
} tl_phase_t;

typedef enum tl_action {
	TL_WAIT,		/* need more text */
	TL_SEND,		/* send `out`, then restart the text from empty */
	TL_DECIDED,		/* result and reason are final */
} tl_action_t;

#define TL_MARKER_MAX 48
#define TL_LINE_MAX 600

typedef struct telnet_login {
	const char *user;	/* borrowed; NULL: no user name to give */
	const char *pass;	/* borrowed; never NULL after init */
	char marker[TL_MARKER_MAX];
	tl_phase_t phase;
	bool password_only;	/* the device asked for a password first */
	bool no_login;		/* a shell came before any credential */
	char sent[TL_LINE_MAX];	/* the last line we sent, to skip its echo */
	auth_result_t result;
	char reason[200];
} telnet_login_t;

/* marker: printable, no blanks, at most TL_MARKER_MAX-1 bytes. */
void telnet_login_init(telnet_login_t *l, const char *user, const char *pass,
    const char *marker);

/*
 * Looks at text[0..n): everything the device sent since our last line, IAC
 * stripped.  TL_SEND fills out (with its CR LF) and *out_len; the caller
 * sends it and starts the text afresh.  TL_DECIDED sets result and reason.
 */
tl_action_t telnet_login_step(telnet_login_t *l, const uint8_t *text, size_t n,
    char *out, size_t cap, size_t *out_len);

/* The connection ended (`closed`) or the deadline passed with no decision:
 * sets an INCONCLUSIVE result saying where the attempt stood. */
void telnet_login_end(telnet_login_t *l, bool closed, const uint8_t *text, size_t n);

/* Prompt classification of the last line of text, exposed for tests.  The
 * shell test is the lenient one used after a credential ('>' and '%' need no
 * trailing blank); before any credential the step is stricter. */
bool tl_login_prompt(const uint8_t *p, size_t n);
bool tl_password_prompt(const uint8_t *p, size_t n);
bool tl_shell_prompt(const uint8_t *p, size_t n);

#endif
