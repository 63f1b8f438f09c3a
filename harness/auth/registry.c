/*
 * The one table of authenticators, and the service tokens that share one:
 * a TLS-wrapped service logs in like its cleartext twin, and a raw debug
 * shell like telnet (the telnet code refuses options and strips IAC, which a
 * raw shell never sends).  A new protocol is a file in auth/ and one line
 * here.  auth_all() hands out this array itself, so an authenticator that
 * another file defines as a const authenticator_t joins through a one-line
 * forwarding function of its try_login (a struct is no constant
 * initializer in C).
 */
#include "auth/auth.h"
#include "auth/logins.h"

#include <string.h>

extern const authenticator_t auth_ssh;	/* auth/ssh.c, through libssh */

static void
ssh_login(const auth_target_t *t, const char *user, const char *pass,
    uint64_t deadline, auth_outcome_t *out)
{
	auth_ssh.try_login(t, user, pass, deadline, out);
}

static const authenticator_t table[] = {
	{ "telnet", "telnet login prompt, proven by a shell echoing a marker",
	  auth_telnet_login },
	{ "http", "HTTP Basic/Digest behind a 401, or an HTML form login",
	  auth_http_login },
	{ "rtsp", "RTSP DESCRIBE behind a Basic/Digest 401", auth_rtsp_login },
	{ "ftp", "FTP USER/PASS (anonymous when no user)", auth_ftp_login },
	{ "mqtt", "MQTT CONNECT (3.1.1, then 5 when the broker asks)", auth_mqtt_login },
	{ "ssh", "SSH password and keyboard-interactive (libssh)", ssh_login },
};

static const struct alias {
	const char *protocol, *as;
} aliases[] = {
	{ "https", "http" },
	{ "rtsps", "rtsp" },
	{ "mqtts", "mqtt" },
	{ "ftps", "ftp" },
	{ "debug-shell", "telnet" },
};

const char *
auth_result_str(auth_result_t r)
{
	switch (r) {
	case AUTH_ACCEPTED: return "ACCEPTED";
	case AUTH_REJECTED: return "REJECTED";
	case AUTH_NOT_REQUIRED: return "NOT_REQUIRED";
	case AUTH_LOCKED: return "LOCKED";
	case AUTH_INCONCLUSIVE: return "INCONCLUSIVE";
	case AUTH_ERROR: return "ERROR";
	}
	return "?";
}

const authenticator_t *
auth_find(const char *protocol)
{
	if (protocol == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(aliases[i].protocol, protocol) == 0) {
			protocol = aliases[i].as;
			break;
		}
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].protocol, protocol) == 0)
			return &table[i];
	return NULL;
}

const authenticator_t *
auth_all(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}
