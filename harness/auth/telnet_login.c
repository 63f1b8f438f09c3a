/*
 * Telnet login state machine (see telnet_login.h).  Prompts are judged on the
 * last line only (the device is waiting there), failure and lock words on
 * whole lines, and always on text that arrived after our last line, so a
 * prompt or a message is never acted on twice.
 */
#include "auth/telnet_login.h"

#include "auth/outcome.h"
#include "proto/cursor.h"
#include "proto/ident.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define PROMPT_LINE_MAX 80	/* a shell prompt longer than this is text, not a prompt */
#define QUOTE_MAX 80

typedef struct span {
	const uint8_t *p;
	size_t n;
} span_t;

static bool
blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static bool
eol(uint8_t c)
{
	return c == '\r' || c == '\n';
}

/* The last line: after the last CR or LF, trailing blanks trimmed. */
static span_t
last_line(const uint8_t *p, size_t n)
{
	size_t end = n;
	while (end && blank(p[end - 1]))
		end--;
	size_t start = end;
	while (start && !eol(p[start - 1]))
		start--;
	return (span_t){ p + start, end - start };
}

static bool
ends_ci(span_t s, const char *suffix)
{
	size_t k = strlen(suffix);
	return s.n >= k && strncasecmp((const char *)s.p + s.n - k, suffix, k) == 0;
}

bool
tl_login_prompt(const uint8_t *p, size_t n)
{
	span_t l = last_line(p, n);
	return ends_ci(l, "login:") || ends_ci(l, "username:") || ends_ci(l, "user name:");
}

bool
tl_password_prompt(const uint8_t *p, size_t n)
{
	return ends_ci(last_line(p, n), "password:");
}

/*
 * '#' and '$' end shell prompts; '>' and '%' end CLI prompts too, but also
 * banner text ("Connected to <cam>"), so before any credential they count
 * only with the blank a prompt leaves for typing.
 */
static bool
shell_prompt(const uint8_t *p, size_t n, bool strict)
{
	size_t end = n;
	while (end && blank(p[end - 1]))
		end--;
	span_t l = last_line(p, n);
	if (l.n == 0 || l.n > PROMPT_LINE_MAX)
		return false;
	uint8_t c = l.p[l.n - 1];
	if (c == '#' || c == '$')
		return true;
	return (c == '>' || c == '%') && (!strict || end < n);
}

bool
tl_shell_prompt(const uint8_t *p, size_t n)
{
	return shell_prompt(p, n, false);
}

/*
 * Walks the lines of p[0..n) with the cursor; calls match on each and
 * returns the first line it accepts (n == 0 span when none does).
 */
static span_t
find_line(const uint8_t *p, size_t n, bool (*match)(span_t, const void *), const void *arg)
{
	cursor_t c;
	cur_init(&c, p, n);
	while (cur_left(&c)) {
		size_t start = c.off;
		uint8_t b = 0;
		while (cur_left(&c) && cur_u8(&c, &b) == 0 && !eol(b))
			;
		size_t end = eol(b) ? c.off - 1 : c.off;
		span_t line = { p + start, end - start };
		if (line.n && match(line, arg))
			return line;
	}
	return (span_t){ NULL, 0 };
}

static bool
has_ci(span_t s, const char *needle)
{
	return mem_has_ci(s.p, s.n, needle);
}

static bool
lock_line(span_t s, const void *arg)
{
	(void)arg;
	return has_ci(s, "too many") || has_ci(s, "locked");
}

static bool
failure_line(span_t s, const void *arg)
{
	(void)arg;
	/* "Last failed login: ..." and "There were 3 failed login attempts since
	 * the last successful login" are MOTD lines of a SUCCESSFUL login. */
	if (has_ci(s, "last"))
		return false;
	return has_ci(s, "incorrect") || has_ci(s, "failed") || has_ci(s, "denied");
}

/* A line that is exactly the marker, blanks around it aside. */
static bool
marker_line(span_t s, const void *arg)
{
	const char *m = arg;
	size_t k = strlen(m);
	while (s.n && blank(s.p[0]))
		s.p++, s.n--;
	while (s.n && blank(s.p[s.n - 1]))
		s.n--;
	return s.n == k && memcmp(s.p, m, k) == 0;
}

static bool
contains_line(span_t s, const void *arg)
{
	return has_ci(s, arg);
}

static void
quote(span_t s, char *out, size_t cap)
{
	while (s.n && blank(s.p[0]))
		s.p++, s.n--;
	auth_printable(s.p, s.n < QUOTE_MAX ? s.n : QUOTE_MAX, out, cap);
}

static tl_action_t decide(telnet_login_t *l, auth_result_t r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static tl_action_t
decide(telnet_login_t *l, auth_result_t r, const char *fmt, ...)
{
	va_list ap;
	l->phase = TL_DONE;
	l->result = r;
	va_start(ap, fmt);
	vsnprintf(l->reason, sizeof(l->reason), fmt, ap);
	va_end(ap);
	return TL_DECIDED;
}

static tl_action_t
send_line(telnet_login_t *l, tl_phase_t next, const char *line, char *out, size_t cap,
    size_t *out_len)
{
	int k = snprintf(out, cap, "%s\r\n", line);
	if (k < 0 || (size_t)k >= cap)
		return decide(l, AUTH_ERROR, "line to send does not fit");
	*out_len = (size_t)k;
	snprintf(l->sent, sizeof(l->sent), "%s", line);
	l->phase = next;
	return TL_SEND;
}

void
telnet_login_init(telnet_login_t *l, const char *user, const char *pass, const char *marker)
{
	memset(l, 0, sizeof(*l));
	l->user = user;
	l->pass = pass ? pass : "";
	l->phase = TL_BANNER;
	l->result = AUTH_INCONCLUSIVE;
	snprintf(l->marker, sizeof(l->marker), "%s", marker);
	if (auth_has_line_break(user) || auth_has_line_break(l->pass))
		decide(l, AUTH_ERROR, "the credential holds a line break: it cannot be typed");
	else if ((user && strlen(user) + 1 >= TL_LINE_MAX) || strlen(l->pass) + 1 >= TL_LINE_MAX)
		decide(l, AUTH_ERROR, "the credential is too long to type");
	else if (strlen(marker) == 0 || strlen(marker) + 1 >= TL_MARKER_MAX ||
	    strpbrk(marker, " \t\r\n") != NULL)
		decide(l, AUTH_ERROR, "bad marker");
}

/*
 * Skips the device's echo of the line we sent (and the line breaks around
 * it), so the echo of a user name like "denied" is never read as a verdict.
 * *partial: the text so far is only a beginning of that echo.
 */
static span_t
after_echo(const telnet_login_t *l, const uint8_t *p, size_t n, bool *partial)
{
	*partial = false;
	size_t i = 0;
	while (i < n && (eol(p[i]) || blank(p[i])))
		i++;
	size_t k = strlen(l->sent);
	if (k == 0 || l->phase == TL_BANNER)
		return (span_t){ p + i, n - i };
	if (n - i <= k) {
		*partial = n > i && memcmp(p + i, l->sent, n - i) == 0;
		return (span_t){ p + i, n - i };
	}
	/* An echo ends with our line break; "Password:" is no echo of "Pass". */
	if (memcmp(p + i, l->sent, k) == 0 && eol(p[i + k]))
		i += k;
	return (span_t){ p + i, n - i };
}

/* After "echo <marker>": proof, a prompt without proof, or more to come. */
static tl_action_t
probe_step(telnet_login_t *l, span_t t)
{
	span_t m = find_line(t.p, t.n, marker_line, l->marker);
	if (m.n) {
		const uint8_t *rest = m.p + m.n;
		size_t rn = (size_t)(t.p + t.n - rest);
		if (!tl_shell_prompt(rest, rn))
			return TL_WAIT;
		if (l->no_login)
			return decide(l, AUTH_NOT_REQUIRED,
			    "shell offered without any login: it echoed our marker and "
			    "prompted again");
		return decide(l, AUTH_ACCEPTED, l->password_only ?
		    "password-only login: the shell echoed our marker and prompted again" :
		    "logged in: the shell echoed our marker and prompted again");
	}
	if (tl_login_prompt(t.p, t.n) || tl_password_prompt(t.p, t.n))
		return decide(l, AUTH_INCONCLUSIVE,
		    "our echo command met a login prompt: what looked like a shell prompt "
		    "was not one");
	/* Only once the shell has visibly taken our command does a prompt with
	 * no marker mean "no echo here" rather than "not read yet". */
	char cmd[TL_MARKER_MAX + 8];
	snprintf(cmd, sizeof(cmd), "echo %s", l->marker);
	span_t c = find_line(t.p, t.n, contains_line, cmd);
	if (c.n) {
		const uint8_t *rest = c.p + c.n;
		size_t rn = (size_t)(t.p + t.n - rest);
		if (memchr(rest, '\n', rn) && tl_shell_prompt(rest, rn))
			return decide(l, AUTH_INCONCLUSIVE,
			    "a prompt came back but the marker was not echoed: not a shell "
			    "that proves the login");
	}
	return TL_WAIT;
}

tl_action_t
telnet_login_step(telnet_login_t *l, const uint8_t *text, size_t n, char *out, size_t cap,
    size_t *out_len)
{
	*out_len = 0;
	if (l->phase == TL_DONE)
		return TL_DECIDED;
	if (l->phase == TL_PROBE_SENT)	/* the echo of our command is part of the proof */
		return probe_step(l, (span_t){ text, n });
	bool partial;
	span_t t = after_echo(l, text, n, &partial);
	if (partial || t.n == 0)
		return TL_WAIT;
	char q[QUOTE_MAX + 1];
	char probe[TL_MARKER_MAX + 8];
	snprintf(probe, sizeof(probe), "echo %s", l->marker);

	span_t s = find_line(t.p, t.n, lock_line, NULL);
	if (s.n) {
		quote(s, q, sizeof(q));
		return decide(l, AUTH_LOCKED, "the device says it is locked: \"%s\"", q);
	}
	if (l->phase != TL_BANNER) {
		/* A login banner may well say "access denied"; after a credential
		 * these words are the verdict. */
		s = find_line(t.p, t.n, failure_line, NULL);
		if (s.n) {
			quote(s, q, sizeof(q));
			return decide(l, AUTH_REJECTED, "the device answered \"%s\"", q);
		}
	}
	bool login = tl_login_prompt(t.p, t.n), password = tl_password_prompt(t.p, t.n);
	bool shell = !login && !password && shell_prompt(t.p, t.n, l->phase == TL_BANNER);

	switch (l->phase) {
	case TL_BANNER:
		if (login) {
			if (l->user == NULL)
				return decide(l, AUTH_REJECTED,
				    "the device asks for a user name and none was given");
			return send_line(l, TL_USER_SENT, l->user, out, cap, out_len);
		}
		if (password) {
			l->password_only = true;
			return send_line(l, TL_PASS_SENT, l->pass, out, cap, out_len);
		}
		if (shell) {
			l->no_login = true;
			return send_line(l, TL_PROBE_SENT, probe, out, cap, out_len);
		}
		return TL_WAIT;
	case TL_USER_SENT:
		if (password)
			return send_line(l, TL_PASS_SENT, l->pass, out, cap, out_len);
		if (login)
			return decide(l, AUTH_REJECTED,
			    "the device asked for the user name again instead of a password");
		if (shell)	/* an account without a password: prove the shell */
			return send_line(l, TL_PROBE_SENT, probe, out, cap, out_len);
		return TL_WAIT;
	case TL_PASS_SENT:
		if (login)
			return decide(l, AUTH_REJECTED,
			    "the device showed a fresh login prompt after the password");
		if (password)
			return decide(l, AUTH_REJECTED,
			    "the device asked for the password again");
		if (shell)
			return send_line(l, TL_PROBE_SENT, probe, out, cap, out_len);
		return TL_WAIT;
	default:
		return TL_WAIT;
	}
}

void
telnet_login_end(telnet_login_t *l, bool closed, const uint8_t *text, size_t n)
{
	if (l->phase == TL_DONE)
		return;
	const char *when = closed ? "the connection ended" : "the deadline";
	const char *where;
	switch (l->phase) {
	case TL_BANNER:
		where = "no login, password or shell prompt";
		break;
	case TL_USER_SENT:
		where = "no password prompt after the user name";
		break;
	case TL_PASS_SENT:
		where = "no verdict after the password";
		break;
	default:
		where = "the shell did not echo our marker";
		break;
	}
	char tail[48];
	size_t k = n > 40 ? 40 : n;
	auth_printable(text + n - k, k, tail, sizeof(tail));
	l->phase = TL_DONE;
	l->result = AUTH_INCONCLUSIVE;
	snprintf(l->reason, sizeof(l->reason), "%s before %s (last text: \"%s\")", where, when,
	    tail);
}
