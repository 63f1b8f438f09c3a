/*
 * The SSH authenticator: tries one username/password against an SSH service
 * through libssh, with the "password" method where the server offers it,
 * else "keyboard-interactive".  ACCEPTED only on SSH_MSG_USERAUTH_SUCCESS;
 * a bounded `echo` through an exec channel then adds the shell's word to the
 * reason.  The harness trusts nothing here: any host key is taken, nothing is
 * read from or written to known_hosts, ~/.ssh/config, an agent or key files.
 *
 * libssh runs non-blocking on a socket this file connects itself (conn_tcp:
 * scoped IPv6, the flow in the evidence, the deadline on connect), so every
 * wait is a poll() here, in slices, against the caller's deadline and cancel
 * flag rather than libssh's own per-call timeouts.
 */
#include "auth/auth.h"
#include "core/util.h"
#include "net/sock.h"

#include <errno.h>
#include <fcntl.h>
#include <libssh/libssh.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SLICE_MS	100	/* longest poll, so a cancel is seen quickly */
#define KBDINT_ROUNDS	4	/* info requests answered before giving up */
#define ECHO_BUDGET_MS	2000	/* the marker is extra evidence: worth no more */

/*
 * The marker command prints a word that is not in the command itself (the
 * shell joins the quoted halves), so a server that merely echoes what it is
 * sent cannot fake it.
 */
#define MARKER_CMD	"echo iotcert-\"ssh\"-marker"
#define MARKER_OUT	"iotcert-ssh-marker"

/*
 * Algorithms: modern first, then the legacy ones old device firmware still
 * ships (SHA-1 key exchange, ssh-rsa host keys, CBC ciphers).  The harness is
 * testing passwords, not the crypto (other cases do that): refusing to talk
 * to an old Dropbear would turn a default password into INCONCLUSIVE.
 * libssh drops names it was built without.
 */
#define ALGO_KEX "curve25519-sha256,curve25519-sha256@libssh.org," \
	"ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521," \
	"diffie-hellman-group18-sha512,diffie-hellman-group16-sha512," \
	"diffie-hellman-group-exchange-sha256,diffie-hellman-group14-sha256," \
	"diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1," \
	"diffie-hellman-group1-sha1"
#define ALGO_HOSTKEY "ssh-ed25519,ecdsa-sha2-nistp521,ecdsa-sha2-nistp384," \
	"ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256,ssh-rsa,ssh-dss"
#define ALGO_CIPHER "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com," \
	"aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr," \
	"aes256-cbc,aes192-cbc,aes128-cbc,3des-cbc"
#define ALGO_HMAC "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com," \
	"hmac-sha1-etm@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1"

/* Disconnect texts that mean "stop trying", compared case-insensitively. */
static const char *const lock_words[] = {
	"too many authentication failures", "too many auth", "max auth tries",
	"maximum authentication", "too many login", "too many failed",
	"too many attempts", "locked", "try again later", "banned", "rate limit",
};

typedef struct attempt {
	const auth_target_t *t;
	const char *user, *pass;
	uint64_t deadline;
	ssh_session s;
	int fd;			/* ours, closed by conn_close() */
	int sshfd;		/* the dup libssh works on, or -1 */
	auth_outcome_t *out;
} attempt_t;

typedef enum step { STEP_DONE, STEP_TIMEOUT, STEP_CANCELLED, STEP_CLOSED } step_t;

/*
 * libssh 0.10 initialises itself from a library constructor when it is a
 * shared object, but documents ssh_init() as needed when linked statically
 * (Debian ships libssh.a too).  ssh_init() takes libssh's own mutex and counts
 * calls; pthread_once keeps that count at one extra reference, which the
 * library destructor drops whatever the count.  The once-flag guards
 * libssh's global state, not ours.
 */
static pthread_once_t ssh_once = PTHREAD_ONCE_INIT;

static void
ssh_init_once(void)
{
	(void)ssh_init();
}

static void
note(const attempt_t *a, const char *dir, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A line of the evidence transcript: what the exchange meant, since the bytes are encrypted. */
static void
note(const attempt_t *a, const char *dir, const char *fmt, ...)
{
	if (a->t->ev == NULL)
		return;
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	ev_transcript(a->t->ev, dir, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static void
set_result(attempt_t *a, auth_result_t r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_result(attempt_t *a, auth_result_t r, const char *fmt, ...)
{
	a->out->result = r;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->out->reason, sizeof(a->out->reason), fmt, ap);
	va_end(ap);
}

static void
set_method(attempt_t *a, const char *m)
{
	snprintf(a->out->method, sizeof(a->out->method), "%s", m);
}

static bool
has_lock_words(const char *text)
{
	if (text == NULL)
		return false;
	for (size_t i = 0; i < ARRAY_LEN(lock_words); i++)
		if (strcasestr(text, lock_words[i]))
			return true;
	return false;
}

/*
 * Waits until the socket has something for libssh, it can write what libssh
 * has queued, or a slice has passed; the next libssh call does the work.
 * STEP_CLOSED once libssh has seen the connection end: a pending call then
 * answers "again" forever (libssh 0.10 after a server's DISCONNECT), and
 * our descriptor, still open, would poll readable at once: a busy loop.
 */
static step_t
wait_io(const attempt_t *a, uint64_t deadline)
{
	const volatile int *cancel = a->t->cancel;
	if (cancel && *cancel)
		return STEP_CANCELLED;
	if (!ssh_is_connected(a->s) || (ssh_get_status(a->s) & (SSH_CLOSED | SSH_CLOSED_ERROR)))
		return STEP_CLOSED;
	uint64_t now = mono_ms();
	if (now >= deadline)
		return STEP_TIMEOUT;
	uint64_t left = deadline - now;
	struct pollfd p = { .fd = a->fd, .events = POLLIN };
	if (ssh_get_poll_flags(a->s) & SSH_WRITE_PENDING)
		p.events |= POLLOUT;
	/* EINTR or an error: the next libssh call reports the latter. */
	(void)poll(&p, 1, (int)(left < SLICE_MS ? left : SLICE_MS));
	if (cancel && *cancel)
		return STEP_CANCELLED;
	return STEP_DONE;
}

/* Ends the attempt after a libssh error: LOCKED when the server said so. */
static void
fail_ssh(attempt_t *a, const char *during)
{
	/* Copied first: ssh_get_disconnect_message() overwrites libssh's error text. */
	char err[200];
	const char *e = ssh_get_error(a->s);
	snprintf(err, sizeof(err), "%s", e && e[0] ? e : "unknown libssh error");
	const char *bye = ssh_get_disconnect_message(a->s);
	note(a, "<ssh", "error %s: %s", during, err);
	if (has_lock_words(bye) || (strstr(err, "SSH_MSG_DISCONNECT") && has_lock_words(err)))
		set_result(a, AUTH_LOCKED, "server closed %s: %.160s", during, bye ? bye : err);
	else
		set_result(a, AUTH_INCONCLUSIVE, "%s: %s", during, err);
}

/* Ends the attempt when the deadline passed or the run was cancelled. */
static void
fail_wait(attempt_t *a, step_t st, const char *waiting_for)
{
	if (st == STEP_CANCELLED)
		set_result(a, AUTH_INCONCLUSIVE, "cancelled while waiting for %s", waiting_for);
	else
		set_result(a, AUTH_INCONCLUSIVE, "timed out waiting for %s", waiting_for);
	note(a, "<ssh", "%s", a->out->reason);
}

static const char *
methods_text(int m, char *buf, size_t n)
{
	static const struct { int bit; const char *name; } names[] = {
		{ SSH_AUTH_METHOD_PASSWORD, "password" },
		{ SSH_AUTH_METHOD_INTERACTIVE, "keyboard-interactive" },
		{ SSH_AUTH_METHOD_PUBLICKEY, "publickey" },
		{ SSH_AUTH_METHOD_HOSTBASED, "hostbased" },
		{ SSH_AUTH_METHOD_GSSAPI_MIC, "gssapi-with-mic" },
	};
	buf[0] = '\0';
	size_t len = 0;
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		if (!(m & names[i].bit))
			continue;
		int w = snprintf(buf + len, n - len, "%s%s", len ? "," : "", names[i].name);
		if (w < 0 || (size_t)w >= n - len)
			break;
		len += (size_t)w;
	}
	if (!buf[0])
		snprintf(buf, n, "none");
	return buf;
}

static bool
open_session(attempt_t *a)
{
	const service_t *svc = a->t->svc;
	a->s = ssh_new();
	if (a->s == NULL) {
		set_result(a, AUTH_ERROR, "libssh: cannot create a session");
		return false;
	}
	ssh_session s = a->s;
	int zero = 0, verbosity = SSH_LOG_NOLOG, port = svc->port, rsa_min = 768;
	/* Silence first, so nothing below can print. */
	ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
	if (ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &zero) != SSH_OK ||
	    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null") != SSH_OK ||
	    ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null") != SSH_OK ||
	    ssh_options_set(s, SSH_OPTIONS_PUBKEY_AUTH, &zero) != SSH_OK ||
	    ssh_options_set(s, SSH_OPTIONS_GSSAPI_AUTH, &zero) != SSH_OK ||
	    ssh_options_set(s, SSH_OPTIONS_PORT, &port) != SSH_OK ||
	    ssh_options_set(s, SSH_OPTIONS_USER, a->user) != SSH_OK) {
		set_result(a, AUTH_ERROR, "libssh options: %s", ssh_get_error(s));
		return false;
	}
	/*
	 * The host name only labels the session (the socket is ours), but
	 * libssh 0.10 refuses a scope it cannot resolve in this network
	 * namespace: then the bare address will do.
	 */
	const char *host = svc->addr->text;
	if (ssh_options_set(s, SSH_OPTIONS_HOST, host) != SSH_OK) {
		char bare[sizeof(svc->addr->text)];
		snprintf(bare, sizeof(bare), "%.*s", (int)strcspn(host, "%"), host);
		if (ssh_options_set(s, SSH_OPTIONS_HOST, bare) != SSH_OK) {
			set_result(a, AUTH_ERROR, "libssh refuses host %s: %s", host,
			    ssh_get_error(s));
			return false;
		}
	}
	/* Wider algorithm lists are best effort: libssh's defaults still work. */
	ssh_options_set(s, SSH_OPTIONS_KEY_EXCHANGE, ALGO_KEX);
	ssh_options_set(s, SSH_OPTIONS_HOSTKEYS, ALGO_HOSTKEY);
	ssh_options_set(s, SSH_OPTIONS_CIPHERS_C_S, ALGO_CIPHER);
	ssh_options_set(s, SSH_OPTIONS_CIPHERS_S_C, ALGO_CIPHER);
	ssh_options_set(s, SSH_OPTIONS_HMAC_C_S, ALGO_HMAC);
	ssh_options_set(s, SSH_OPTIONS_HMAC_S_C, ALGO_HMAC);
	ssh_options_set(s, SSH_OPTIONS_RSA_MIN_SIZE, &rsa_min);
	/*
	 * Non-blocking calls never wait on these, but a libssh path that does
	 * block internally is then still bounded by the caller's deadline.
	 */
	uint64_t now = mono_ms();
	uint64_t left = a->deadline > now ? a->deadline - now : 1;
	long sec = (long)(left / 1000), usec = (long)(left % 1000) * 1000;
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &sec);
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT_USEC, &usec);

	/*
	 * Who closes the descriptor differs between libssh versions and paths
	 * (0.10 leaves it open on ssh_disconnect but closes it on some handshake
	 * errors), so libssh gets a dup and we tell afterwards whether it is
	 * still open: see release_dup().  libssh keeps only 16 bits of it.
	 */
	int dupfd = fcntl(a->fd, F_DUPFD_CLOEXEC, 0);
	if (dupfd < 0 || dupfd > 0xffff) {
		if (dupfd >= 0)
			close(dupfd);
		set_result(a, AUTH_ERROR, "dup: %s", dupfd < 0 ? strerror(errno)
		    : "descriptor number too high for libssh");
		return false;
	}
	socket_t sfd = dupfd;
	if (ssh_options_set(s, SSH_OPTIONS_FD, &sfd) != SSH_OK) {
		close(dupfd);
		set_result(a, AUTH_ERROR, "libssh options: %s", ssh_get_error(s));
		return false;
	}
	a->sshfd = dupfd;
	ssh_set_blocking(s, 0);
	return true;
}

static bool
handshake(attempt_t *a)
{
	int rc;
	while ((rc = ssh_connect(a->s)) == SSH_AGAIN) {
		step_t st = wait_io(a, a->deadline);
		if (st == STEP_CLOSED) {
			rc = SSH_ERROR;
			break;
		}
		if (st != STEP_DONE) {
			fail_wait(a, st, ssh_get_serverbanner(a->s) ? "the SSH key exchange"
			    : "the SSH banner");
			return false;
		}
	}
	const char *banner = ssh_get_serverbanner(a->s);
	if (banner)
		note(a, "<ssh", "%s", banner);
	if (rc != SSH_OK) {
		fail_ssh(a, "during the SSH handshake");
		return false;
	}
	return true;
}

/* Runs one non-blocking userauth call to its end, or WAIT_ENDED. */
typedef int (*auth_call)(attempt_t *a);
#define WAIT_ENDED (-100)	/* apart from every SSH_AUTH_* value */

static int
call_none(attempt_t *a)
{
	return ssh_userauth_none(a->s, NULL);
}

static int
call_password(attempt_t *a)
{
	return ssh_userauth_password(a->s, NULL, a->pass);
}

static int
call_kbdint(attempt_t *a)
{
	return ssh_userauth_kbdint(a->s, NULL, NULL);
}

static int
run_auth(attempt_t *a, auth_call fn, const char *waiting_for)
{
	int rc;
	while ((rc = fn(a)) == SSH_AUTH_AGAIN) {
		step_t st = wait_io(a, a->deadline);
		if (st == STEP_CLOSED)
			return SSH_AUTH_ERROR;
		if (st != STEP_DONE) {
			fail_wait(a, st, waiting_for);
			return WAIT_ENDED;
		}
	}
	return rc;
}

static unsigned
ms_since(uint64_t t0)
{
	uint64_t d = mono_ms() - t0;
	return d > UINT32_MAX ? UINT32_MAX : (unsigned)d;
}

/* The methods the server lists after a failure, as text. */
static const char *
remaining(attempt_t *a, char *buf, size_t n)
{
	return methods_text(ssh_userauth_list(a->s, NULL), buf, n);
}

/* Maps a final userauth answer (not AGAIN, not INFO) onto the outcome. */
static void
judge(attempt_t *a, int rc, const char *during)
{
	char m[96];
	switch (rc) {
	case SSH_AUTH_SUCCESS:
		note(a, "<ssh", "userauth success");
		set_result(a, AUTH_ACCEPTED, "SSH_MSG_USERAUTH_SUCCESS");
		break;
	case SSH_AUTH_DENIED:
		note(a, "<ssh", "userauth failure; methods: %s", remaining(a, m, sizeof(m)));
		set_result(a, AUTH_REJECTED, "SSH_MSG_USERAUTH_FAILURE");
		break;
	case SSH_AUTH_PARTIAL:
		remaining(a, m, sizeof(m));
		note(a, "<ssh", "userauth partial success; methods: %s", m);
		set_result(a, AUTH_REJECTED, "partial (needs another factor): then %s", m);
		break;
	default:
		fail_ssh(a, during);
		break;
	}
}

static void
try_password(attempt_t *a)
{
	set_method(a, "ssh-password");
	note(a, ">ssh", "userauth password user='%s' password='%s'", a->user, a->pass);
	uint64_t t0 = mono_ms();
	int rc = run_auth(a, call_password, "the answer to the password");
	a->out->delay_ms = ms_since(t0);
	if (rc != WAIT_ENDED)
		judge(a, rc, "after the password");
}

/* A keyboard-interactive prompt that asks for something other than the password. */
static bool
asks_user(const char *prompt)
{
	return strcasestr(prompt, "user") || strcasestr(prompt, "login") ||
	    strcasestr(prompt, "name");
}

static bool
asks_password(const char *prompt, bool echo)
{
	return !echo || strcasestr(prompt, "pass");
}

/*
 * Answers the server's info requests: password-like or hidden prompts get
 * the password, user-name prompts the user, anything else "".  A request for
 * a new password (an expired one) is not answered: the harness must never
 * change a device's password.
 */
static void
try_kbdint(attempt_t *a)
{
	set_method(a, "ssh-keyboard-interactive");
	note(a, ">ssh", "userauth keyboard-interactive user='%s'", a->user);
	uint64_t t0 = mono_ms();
	bool sent_password = false;
	int rc = run_auth(a, call_kbdint, "the keyboard-interactive prompts");
	for (int round = 0; rc == SSH_AUTH_INFO; round++) {
		if (round == KBDINT_ROUNDS) {
			set_result(a, AUTH_INCONCLUSIVE,
			    "keyboard-interactive: still prompting after %d rounds", KBDINT_ROUNDS);
			note(a, "<ssh", "%s", a->out->reason);
			return;
		}
		int n = ssh_userauth_kbdint_getnprompts(a->s);
		const char *name = ssh_userauth_kbdint_getname(a->s);
		const char *instr = ssh_userauth_kbdint_getinstruction(a->s);
		note(a, "<ssh", "info request name='%s' instruction='%s' prompts=%d",
		    name ? name : "", instr ? instr : "", n);
		bool has_password = false;
		for (int i = 0; i < n; i++) {
			char echo = 0;
			const char *p = ssh_userauth_kbdint_getprompt(a->s, (unsigned)i, &echo);
			if (p == NULL)
				p = "";
			const char *ans = "";
			if (strcasestr(p, "new") && strcasestr(p, "pass")) {
				note(a, "<ssh", "prompt '%s'", p);
				set_result(a, AUTH_INCONCLUSIVE, "server demands a new password "
				    "('%.64s')%s: not answered, the harness never changes one", p,
				    sent_password || has_password ? " after the password" : "");
				return;
			}
			if (asks_password(p, echo != 0)) {
				ans = a->pass;
				has_password = true;
			} else if (asks_user(p)) {
				ans = a->user;
			}
			note(a, ">ssh", "prompt '%s'%s -> '%s'", p, echo ? "" : " (hidden)", ans);
			if (ssh_userauth_kbdint_setanswer(a->s, (unsigned)i, ans) < 0) {
				fail_ssh(a, "answering keyboard-interactive");
				return;
			}
		}
		/* The delay is timed from the answer carrying the password. */
		uint64_t sent = mono_ms();
		rc = run_auth(a, call_kbdint, "the answer to the password");
		if (has_password) {
			sent_password = true;
			t0 = sent;
		}
	}
	a->out->delay_ms = ms_since(t0);
	if (rc == WAIT_ENDED)
		return;
	if (rc == SSH_AUTH_SUCCESS && !sent_password) {
		/* In without being asked for a password: no credential protects it. */
		note(a, "<ssh", "userauth success without a password prompt");
		set_result(a, AUTH_NOT_REQUIRED, "keyboard-interactive succeeded without "
		    "asking for a password");
		return;
	}
	judge(a, rc, "after keyboard-interactive");
}

/* Why a channel step did not finish: the wait's verdict, or libssh's refusal. */
static const char *
channel_why(step_t st, const char *refused)
{
	switch (st) {
	case STEP_CLOSED: return "connection closed";
	case STEP_CANCELLED: return "cancelled";
	case STEP_TIMEOUT: return "no answer in time";
	default: return refused;
	}
}

/*
 * After USERAUTH_SUCCESS: runs the marker command and says in the reason
 * whether the shell answered.  The login is proven either way (a device's
 * CLI may refuse exec); this only strengthens the evidence.
 */
static void
echo_marker(attempt_t *a)
{
	uint64_t deadline = deadline_min(a->deadline, mono_ms() + ECHO_BUDGET_MS);
	const char *how = "no shell check";
	char got[256];
	size_t len = 0;
	int rc;
	step_t st = STEP_DONE;
	ssh_channel ch = ssh_channel_new(a->s);
	if (ch == NULL)
		goto out;
	while ((rc = ssh_channel_open_session(ch)) == SSH_AGAIN &&
	    (st = wait_io(a, deadline)) == STEP_DONE)
		;
	if (rc != SSH_OK) {
		how = channel_why(st, "session channel refused");
		goto out;
	}
	note(a, ">ssh", "exec %s", MARKER_CMD);
	while ((rc = ssh_channel_request_exec(ch, MARKER_CMD)) == SSH_AGAIN &&
	    (st = wait_io(a, deadline)) == STEP_DONE)
		;
	if (rc != SSH_OK) {
		how = channel_why(st, "exec refused");
		goto out;
	}
	for (;;) {
		int n = ssh_channel_read_nonblocking(ch, got + len,
		    (uint32_t)(sizeof(got) - 1 - len), 0);
		if (n > 0)
			len += (size_t)n;
		got[len] = '\0';
		if (strstr(got, MARKER_OUT)) {
			how = "shell echoed marker";
			break;
		}
		if (n < 0 || ssh_channel_is_eof(ch) || len == sizeof(got) - 1) {
			how = "exec output lacks the marker";
			break;
		}
		if (n == 0 && (st = wait_io(a, deadline)) != STEP_DONE) {
			how = channel_why(st, "");
			break;
		}
	}
	if (len)
		note(a, "<ssh", "%.*s", (int)len, got);
out:
	note(a, "<ssh", "marker: %s", how);
	size_t used = strlen(a->out->reason);
	snprintf(a->out->reason + used, sizeof(a->out->reason) - used, "; %s", how);
	if (ch) {
		ssh_channel_close(ch);
		ssh_channel_free(ch);
	}
}

/*
 * Closes libssh's dup unless libssh already did.  While our descriptor is
 * open the socket lives, so a number that still names the same socket
 * cannot have been closed and reused by another thread: closing it then is
 * never a double close.
 */
static void
release_dup(const attempt_t *a)
{
	struct stat ours, dup;
	if (a->sshfd >= 0 && fstat(a->fd, &ours) == 0 && fstat(a->sshfd, &dup) == 0 &&
	    ours.st_dev == dup.st_dev && ours.st_ino == dup.st_ino)
		close(a->sshfd);
}

static void
connect_failed(attempt_t *a, net_status_t st, int err)
{
	/* Out of descriptors or memory is this side's problem, not the device's. */
	if (st == NET_ERROR && (err == EMFILE || err == ENFILE || err == ENOMEM ||
	    err == ENOBUFS)) {
		set_result(a, AUTH_ERROR, "connect: %s", strerror(err));
		return;
	}
	if (err && st != NET_TIMEOUT && st != NET_CANCELLED)
		set_result(a, AUTH_INCONCLUSIVE, "connect: %s (%s)", net_status_str(st),
		    strerror(err));
	else
		set_result(a, AUTH_INCONCLUSIVE, "connect: %s", net_status_str(st));
}

static void
try_login(const auth_target_t *t, const char *user, const char *pass, uint64_t deadline,
    auth_outcome_t *out)
{
	memset(out, 0, sizeof(*out));
	attempt_t a = { .t = t, .user = user, .pass = pass ? pass : "",
		.deadline = deadline, .fd = -1, .sshfd = -1, .out = out };
	set_method(&a, "ssh");
	/* AUTH_ACCEPTED is 0: a path that forgot to decide must not read as success. */
	set_result(&a, AUTH_ERROR, "no decision reached");
	if (user == NULL) {
		set_result(&a, AUTH_ERROR, "ssh has no anonymous login: a user name is needed");
		return;
	}
	if (user[0] == '\0') {
		/* Legal in the protocol, but libssh refuses to send it. */
		set_result(&a, AUTH_ERROR, "libssh cannot send an empty user name");
		return;
	}
	pthread_once(&ssh_once, ssh_init_once);

	conn_t c;
	net_status_t st = conn_tcp(&c, t->svc->addr, t->svc->port, deadline, t->cancel, t->ev);
	if (st != NET_OK) {
		connect_failed(&a, st, c.last_errno);
		return;
	}
	a.fd = c.fd;
	if (!open_session(&a) || !handshake(&a))
		goto done;

	/* "none" first: it lists the methods, and a server may let us in. */
	set_method(&a, "ssh-none");
	note(&a, ">ssh", "userauth none user='%s'", user);
	uint64_t t0 = mono_ms();
	int rc = run_auth(&a, call_none, "the answer to userauth none");
	out->delay_ms = ms_since(t0);
	if (rc == WAIT_ENDED)
		goto done;
	/* A pre-login banner often names the product: worth keeping. */
	char *issue = ssh_get_issue_banner(a.s);
	if (issue) {
		note(&a, "<ssh", "banner: %s", issue);
		ssh_string_free_char(issue);
	}
	if (rc == SSH_AUTH_SUCCESS) {
		note(&a, "<ssh", "userauth success without credentials");
		set_result(&a, AUTH_NOT_REQUIRED,
		    "SSH_MSG_USERAUTH_SUCCESS to the \"none\" method: no password asked");
		goto done;
	}
	if (rc != SSH_AUTH_DENIED && rc != SSH_AUTH_PARTIAL) {
		fail_ssh(&a, "after userauth none");
		goto done;
	}
	int methods = ssh_userauth_list(a.s, NULL);
	char mt[96];
	note(&a, "<ssh", "methods: %s", methods_text(methods, mt, sizeof(mt)));
	/*
	 * One method per attempt, so one attempt costs the device one failure:
	 * "password" where offered, else keyboard-interactive.
	 */
	if (methods & SSH_AUTH_METHOD_PASSWORD)
		try_password(&a);
	else if (methods & SSH_AUTH_METHOD_INTERACTIVE)
		try_kbdint(&a);
	else
		set_result(&a, AUTH_REJECTED, "no password method offered (server offers %s)",
		    mt);
	if (out->result == AUTH_ACCEPTED)
		echo_marker(&a);
done:
	if (a.s) {
		ssh_disconnect(a.s);
		ssh_free(a.s);
	}
	release_dup(&a);
	conn_close(&c);
}

const authenticator_t auth_ssh = {
	"ssh",
	"SSH password and keyboard-interactive login (libssh); accepted only on "
	"USERAUTH_SUCCESS, then an exec'd echo marker",
	try_login,
};
