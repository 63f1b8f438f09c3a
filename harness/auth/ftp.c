/*
 * FTP logins: the 220 greeting, USER, PASS, judged by reply codes alone
 * (RFC 959): 230 after PASS proves the pair (after USER: an account with no
 * password), 530 rejects it, 421 is the server refusing us.  No user means
 * the anonymous convention ("anonymous", an e-mail-like password); a server
 * that lets that in grants access without credentials.  A 530 to USER that
 * asks for TLS rejects the channel, not the pair, so it decides nothing.
 */
#include "auth/logins.h"

#include "auth/ftp_reply.h"
#include "auth/outcome.h"
#include "auth/stream.h"
#include "core/util.h"
#include "proto/ident.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUIT_MS 1000
#define GREETING_REPLIES_MAX 4	/* 120 "ready in n minutes" lines before the 220 */
#define TEXT_MAX 96

typedef struct ftp {
	auth_stream_t s;
	uint8_t *buf;		/* FTP_REPLY_MAX bytes */
	size_t len;
	int code;
	char text[TEXT_MAX];
	net_status_t st;
} ftp_t;

/* The next reply: 0 (code, text set), -1 malformed, -2 network (st set). */
static int
reply(ftp_t *f, uint64_t dl)
{
	for (;;) {
		size_t used;
		int rc = ftp_reply_parse(f->buf, f->len, &f->code, &used, f->text, sizeof(f->text));
		if (rc == 0) {
			memmove(f->buf, f->buf + used, f->len - used);
			f->len -= used;
			return 0;
		}
		if (rc < 0)
			return -1;
		size_t got;
		f->st = auth_stream_read(&f->s, f->buf + f->len, FTP_REPLY_MAX - f->len, &got, dl);
		if (f->st != NET_OK)
			return -2;
		f->len += got;
	}
}

static int
command(ftp_t *f, const char *verb, const char *arg, uint64_t dl)
{
	char *line = arg ? xasprintf("%s %s\r\n", verb, arg) : xasprintf("%s\r\n", verb);
	size_t n = strlen(line);
	f->st = auth_stream_write(&f->s, line, n, dl);
	OPENSSL_cleanse(line, n);	/* it may hold the password */
	free(line);
	return f->st == NET_OK ? 0 : -2;
}

static void
not_a_reply(ftp_t *f, int rc, const char *when, auth_outcome_t *out)
{
	if (rc == -1)
		auth_decide(out, AUTH_INCONCLUSIVE, "%s: not an FTP reply", when);
	else
		auth_net_failure(out, f->st, when);
}

/* 530 to USER naming TLS: vsftpd's "Non-anonymous sessions must use encryption". */
static bool
wants_tls(const char *text)
{
	const uint8_t *p = (const uint8_t *)text;
	size_t n = strlen(text);
	return mem_has_ci(p, n, "tls") || mem_has_ci(p, n, "ssl") || mem_has_ci(p, n, "encrypt");
}

static void
logged_in(auth_outcome_t *out, bool anonymous, const char *after, const char *text)
{
	if (anonymous)
		auth_decide(out, AUTH_NOT_REQUIRED, "anonymous login accepted: 230 after %s "
		    "(\"%s\")", after, text);
	else
		auth_decide(out, AUTH_ACCEPTED, "230 after %s (\"%s\")", after, text);
}

static void
session(ftp_t *f, const char *user, const char *pass, bool anonymous, uint64_t dl,
    auth_outcome_t *out)
{
	int rc;
	for (int i = 0;; i++) {
		if ((rc = reply(f, dl)) < 0) {
			not_a_reply(f, rc, "greeting", out);
			return;
		}
		if (f->code != 120 || i + 1 >= GREETING_REPLIES_MAX)
			break;
	}
	if (f->code == 421) {
		auth_decide(out, AUTH_LOCKED, "greeting 421: \"%s\"", f->text);
		return;
	}
	if (f->code != 220) {
		auth_decide(out, AUTH_INCONCLUSIVE, "greeting %d, not 220: \"%s\"", f->code,
		    f->text);
		return;
	}

	uint64_t t0 = mono_ms();
	if ((rc = command(f, "USER", user, dl)) < 0 || (rc = reply(f, dl)) < 0) {
		not_a_reply(f, rc, "USER", out);
		return;
	}
	switch (f->code) {
	case 230:
		out->delay_ms = (unsigned)(mono_ms() - t0);
		logged_in(out, anonymous, "USER with no password asked", f->text);
		return;
	case 331:
		break;
	case 421:
		auth_decide(out, AUTH_LOCKED, "421 to USER: \"%s\"", f->text);
		return;
	case 530:
		out->delay_ms = (unsigned)(mono_ms() - t0);
		if (wants_tls(f->text)) {
			auth_decide(out, AUTH_INCONCLUSIVE, "the server wants TLS (AUTH TLS) "
			    "before a login: \"%s\"", f->text);
			return;
		}
		auth_decide(out, AUTH_REJECTED, "530 to USER: \"%s\"", f->text);
		return;
	default:
		auth_decide(out, AUTH_INCONCLUSIVE, "%d to USER: \"%s\"", f->code, f->text);
		return;
	}

	t0 = mono_ms();
	if ((rc = command(f, "PASS", pass, dl)) < 0 || (rc = reply(f, dl)) < 0) {
		not_a_reply(f, rc, "PASS", out);
		return;
	}
	out->delay_ms = (unsigned)(mono_ms() - t0);
	switch (f->code) {
	case 230:
		logged_in(out, anonymous, "PASS", f->text);
		return;
	case 530:
		auth_decide(out, AUTH_REJECTED, "530 to PASS: \"%s\"", f->text);
		return;
	case 421:
		auth_decide(out, AUTH_LOCKED, "421 to PASS: \"%s\"", f->text);
		return;
	default:
		auth_decide(out, AUTH_INCONCLUSIVE, "%d to PASS: \"%s\"", f->code, f->text);
		return;
	}
}

void
auth_ftp_login(const auth_target_t *t, const char *user, const char *pass,
    uint64_t deadline, auth_outcome_t *out)
{
	bool anonymous = user == NULL;
	auth_outcome_init(out, anonymous ? "ftp-anonymous" : "ftp");
	if (anonymous) {
		user = "anonymous";
		pass = "iotcert@";
	}
	pass = pass ? pass : "";
	if (auth_has_line_break(user) || auth_has_line_break(pass)) {
		auth_decide(out, AUTH_ERROR, "the credential holds a line break");
		return;
	}
	ftp_t f = { .len = 0 };
	char err[200];
	net_status_t st = auth_stream_open(&f.s, t, deadline, err, sizeof(err));
	if (st != NET_OK) {
		auth_decide(out, f.s.harness_fault ? AUTH_ERROR : AUTH_INCONCLUSIVE, "%s", err);
		return;
	}
	f.buf = xcalloc(FTP_REPLY_MAX, 1);
	session(&f, user, pass, anonymous, deadline, out);
	/* Polite end; its answer changes nothing. */
	uint64_t qdl = deadline_min(deadline, mono_ms() + QUIT_MS);
	if (f.st == NET_OK && command(&f, "QUIT", NULL, qdl) == 0)
		(void)reply(&f, qdl);
	auth_stream_close(&f.s);
	free(f.buf);
}
