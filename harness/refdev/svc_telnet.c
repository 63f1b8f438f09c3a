/*
 * Telnet on 2323, modelled on a BusyBox device: option negotiation, a login
 * that takes the universal defaults (weak mode) or only the per-device admin
 * password (hardened), BusyBox's one-second penalty and three-strikes close,
 * then the tiny root shell.
 */
#include "refdev.h"

#include "core/util.h"

#include <string.h>

#define LOGIN_FIELD_MAX 256
#define LOGIN_TRIES 3
#define LOGIN_MS 60000   /* BusyBox login gives up after 60 s too */
#define LOGIN_PROMPT "refdev login: "

static bool
credentials_ok(const conn_t *c, const char *user, const char *pass)
{
	if (c->rd->cfg.mode == MODE_HARDENED)
		return strcmp(user, "admin") == 0 && secret_eq(pass, c->rd->cfg.admin_password);
	return (strcmp(user, "admin") == 0 && strcmp(pass, "admin") == 0) ||
	       (strcmp(user, "root") == 0 && strcmp(pass, "12345") == 0);
}

void
svc_telnet_run(conn_t *c)
{
	term_t *t = term_new(c, true);
	char user[LOGIN_FIELD_MAX], pass[LOGIN_FIELD_MAX];
	uint64_t saved = conn_limit(c, LOGIN_MS);
	if (term_negotiate(t) < 0 || conn_puts(c, "\r\n" LOGIN_PROMPT) < 0 || conn_greeted(c))
		goto out;
	for (int failures = 0;;) {
		int n = term_readline(t, user, sizeof(user), true);
		if (n < 0)
			goto out;
		if (n == 0) {
			/* Like login(1): an empty name just asks again. */
			if (conn_puts(c, LOGIN_PROMPT) < 0)
				goto out;
			continue;
		}
		if (conn_puts(c, "Password: ") < 0 || term_readline(t, pass, sizeof(pass), false) < 0)
			goto out;
		if (credentials_ok(c, user, pass)) {
			conn_log(c, "login ok as %s", user);
			conn_unlimit(c, saved);
			if (conn_puts(c, "\r\n\r\nBusyBox v1.30.1 (2019-01-01 00:00:00 UTC) "
			                 "built-in shell (ash)\r\n\r\n# ") == 0)
				shell_run(c, t, true);
			goto out;
		}
		conn_log(c, "login failed for %s", user);
		if (conn_sleep(c, 1000) < 0 || conn_puts(c, "\r\nLogin incorrect\r\n") < 0)
			goto out;
		if (++failures >= LOGIN_TRIES)
			goto out;
		if (conn_puts(c, LOGIN_PROMPT) < 0)
			goto out;
	}
out:
	term_free(t);
}
