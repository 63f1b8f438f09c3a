/*
 * The authenticators against scripted servers on 127.0.0.1: HTTP Digest
 * (MD5, MD5-sess, SHA-256, a stale nonce) checked by an independent digest
 * computation here, HTTP lockouts and odd answers, RTSP with CSeq, FTP
 * (multi-line replies, anonymous, TLS-required, 421), an MQTT broker that
 * only speaks 5, and telnet IAC escaping.  The refdev has none of these, so
 * each server plays exactly the behaviour a real device shows.
 */
#include "check_main.h"

#include "auth/auth.h"
#include "core/target.h"
#include "core/util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define TRY_MS 4000
#define PASSWORD "s3cret"

/* ---- a scripted TCP server: one handler call per connection ---- */

typedef struct fake fake_t;
typedef void (*handler_fn)(fake_t *f, int fd);

struct fake {
	int fd, port;
	pthread_t th;
	atomic_bool stop;
	handler_fn handler;
	int mode;		/* what the handler plays */
	atomic_int conns;
	atomic_bool saw_disconnect;
	char last[4096];	/* the last request or bytes received */
	size_t last_len;
};

/* Reads until `end` is in the buffer (or the peer goes / 2 s pass). */
static size_t
recv_until(int fd, char *buf, size_t cap, const char *end)
{
	size_t n = 0;
	while (n + 1 < cap) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 2000) <= 0)
			break;
		ssize_t r = recv(fd, buf + n, cap - 1 - n, 0);
		if (r <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
		if (end && memmem(buf, n, end, strlen(end)))
			break;
	}
	buf[n] = '\0';
	return n;
}

/* One read: what the client sent in one go (a CONNECT, a DISCONNECT). */
static size_t
recv_some(int fd, void *buf, size_t cap)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	if (poll(&p, 1, 2000) <= 0)
		return 0;
	ssize_t r = recv(fd, buf, cap, 0);
	return r > 0 ? (size_t)r : 0;
}

static void
say(int fd, const char *s)
{
	(void)send(fd, s, strlen(s), MSG_NOSIGNAL);
}

static void *
fake_thread(void *arg)
{
	fake_t *f = arg;
	while (!atomic_load(&f->stop)) {
		struct pollfd p = { .fd = f->fd, .events = POLLIN };
		if (poll(&p, 1, 50) <= 0)
			continue;
		int c = accept(f->fd, NULL, NULL);
		if (c < 0)
			continue;
		atomic_fetch_add(&f->conns, 1);
		f->handler(f, c);
		shutdown(c, SHUT_RDWR);
		close(c);
	}
	return NULL;
}

static fake_t *
fake_start(handler_fn h, int mode)
{
	fake_t *f = xcalloc(1, sizeof(*f));
	f->handler = h;
	f->mode = mode;
	f->fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	ck_assert_int_eq(bind(f->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(f->fd, 8), 0);
	ck_assert_int_eq(getsockname(f->fd, (struct sockaddr *)&a, &al), 0);
	f->port = ntohs(a.sin_port);
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_thread, f), 0);
	return f;
}

static void
fake_stop(fake_t *f)
{
	atomic_store(&f->stop, true);
	pthread_join(f->th, NULL);
	close(f->fd);
	free(f);
}

/* ---- the client side ---- */

static auth_outcome_t
try_at(const fake_t *f, const char *protocol, const char *path, const char *user,
    const char *pass)
{
	char err[128];
	target_t *t = target_new("127.0.0.1", err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	service_t s = { .transport = "tcp", .port = f->port, .protocol = (char *)protocol,
		.addr = &t->addrs[0] };
	auth_target_t at = { .svc = &s, .path = path };
	auth_outcome_t o;
	uint64_t t0 = mono_ms();
	auth_find(protocol)->try_login(&at, user, pass, t0 + TRY_MS, &o);
	ck_assert_uint_le(mono_ms() - t0, TRY_MS + 500);
	printf("  %s %s %s/%s -> %s [%s]: %s\n", protocol, path ? path : "", user ? user : "(anon)",
	    pass ? pass : "-", auth_result_str(o.result), o.method, o.reason);
	fflush(stdout);
	target_free(t);
	return o;
}

/* ---- an independent Digest check (not the code under test) ---- */

/* The value of name= in an Authorization header, quoted or not. */
static bool
param(const char *h, const char *name, char *out, size_t cap)
{
	char key[40];
	snprintf(key, sizeof(key), "%s=", name);
	for (const char *p = h; (p = strcasestr(p, key)) != NULL; p++) {
		if (p != h && p[-1] != ' ' && p[-1] != ',')
			continue;
		p += strlen(key);
		size_t n = *p == '"' ? strcspn(++p, "\"") : strcspn(p, ", \r\n");
		snprintf(out, cap, "%.*s", (int)n, p);
		return true;
	}
	return false;
}

static void
hexdigest(const char *alg, const char *s, char out[65])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned dl;
	EVP_Digest(s, strlen(s), d, &dl, strncasecmp(alg, "SHA-256", 7) == 0 ? EVP_sha256() :
	    EVP_md5(), NULL);
	for (unsigned i = 0; i < dl; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Does the request's Digest Authorization prove PASSWORD for user admin? */
static bool
digest_ok(const char *req, const char *method, const char *want_nonce)
{
	const char *h = strcasestr(req, "\nAuthorization: Digest ");
	if (h == NULL)
		return false;
	char user[64], realm[64], nonce[64], uri[256], resp[80], qop[16], nc[16], cnonce[80];
	char alg[32] = "MD5";
	param(h, "algorithm", alg, sizeof(alg));
	if (!param(h, "username", user, sizeof(user)) || !param(h, "realm", realm, sizeof(realm)) ||
	    !param(h, "nonce", nonce, sizeof(nonce)) || !param(h, "uri", uri, sizeof(uri)) ||
	    !param(h, "response", resp, sizeof(resp)) || !param(h, "qop", qop, sizeof(qop)) ||
	    !param(h, "nc", nc, sizeof(nc)) || !param(h, "cnonce", cnonce, sizeof(cnonce)))
		return false;
	if (strcmp(user, "admin") != 0 || strcmp(nonce, want_nonce) != 0)
		return false;
	char a1[256], ha1[65], a2[300], ha2[65], all[512], expect[65];
	snprintf(a1, sizeof(a1), "%s:%s:%s", user, realm, PASSWORD);
	hexdigest(alg, a1, ha1);
	if (strcasestr(alg, "-sess")) {
		snprintf(a1, sizeof(a1), "%s:%s:%s", ha1, nonce, cnonce);
		hexdigest(alg, a1, ha1);
	}
	snprintf(a2, sizeof(a2), "%s:%s", method, uri);
	hexdigest(alg, a2, ha2);
	snprintf(all, sizeof(all), "%s:%s:%s:%s:%s:%s", ha1, nonce, nc, cnonce, qop, ha2);
	hexdigest(alg, all, expect);
	return strcmp(expect, resp) == 0;
}

/* ---- HTTP ---- */

enum { H_DIGEST_MD5, H_DIGEST_SESS, H_DIGEST_SHA256, H_STALE, H_STALE_ALWAYS, H_429_AFTER, H_403_AFTER,
       H_429_FIRST, H_REDIRECT, H_BEARER, H_BAD_CHALLENGE, H_BOTH_SCHEMES, H_FORM_403 };

static void
http_handler(fake_t *f, int fd)
{
	char req[4096];
	size_t n = recv_until(fd, req, sizeof(req), "\r\n\r\n");
	memcpy(f->last, req, n + 1);
	bool authz = strcasestr(req, "\nAuthorization:") != NULL;
	const char *ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
	const char *deny_md5 = "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest "
	    "realm=\"cam\", qop=\"auth\", nonce=\"n1\", opaque=\"op\"\r\nContent-Length: 0\r\n\r\n";
	switch (f->mode) {
	case H_DIGEST_MD5:
		say(fd, authz && digest_ok(req, "GET", "n1") ? ok : deny_md5);
		break;
	case H_DIGEST_SESS:
		say(fd, authz && digest_ok(req, "GET", "n1") ? ok : "HTTP/1.1 401 No\r\n"
		    "WWW-Authenticate: Digest realm=\"cam\", qop=\"auth\", nonce=\"n1\", "
		    "algorithm=MD5-sess\r\nContent-Length: 0\r\n\r\n");
		break;
	case H_DIGEST_SHA256:
		/* Offers SHA-256 first, then MD5 (RFC 7616 3.7): we take the first. */
		say(fd, authz && digest_ok(req, "GET", "n1") && strstr(req, "algorithm=SHA-256") ? ok :
		    "HTTP/1.1 401 No\r\nWWW-Authenticate: Digest realm=\"cam\", qop=\"auth\", "
		    "nonce=\"n1\", algorithm=SHA-256\r\nWWW-Authenticate: Digest realm=\"cam\", "
		    "qop=\"auth\", nonce=\"n1\", algorithm=MD5\r\nContent-Length: 0\r\n\r\n");
		break;
	case H_STALE:
		if (authz && digest_ok(req, "GET", "fresh"))
			say(fd, ok);
		else if (authz && digest_ok(req, "GET", "old"))
			say(fd, "HTTP/1.1 401 No\r\nWWW-Authenticate: Digest realm=\"cam\", "
			    "qop=\"auth\", nonce=\"fresh\", stale=true\r\nContent-Length: 0\r\n\r\n");
		else
			say(fd, "HTTP/1.1 401 No\r\nWWW-Authenticate: Digest realm=\"cam\", "
			    "qop=\"auth\", nonce=\"old\"\r\nContent-Length: 0\r\n\r\n");
		break;
	case H_STALE_ALWAYS:
		say(fd, "HTTP/1.1 401 No\r\nWWW-Authenticate: Digest realm=\"cam\", qop=\"auth\", "
		    "nonce=\"n1\", stale=true\r\nContent-Length: 0\r\n\r\n");
		break;
	case H_429_AFTER:
	case H_403_AFTER:
		say(fd, !authz ? "HTTP/1.1 401 No\r\nWWW-Authenticate: Basic realm=\"x\"\r\n"
		    "Content-Length: 0\r\n\r\n" : f->mode == H_429_AFTER ?
		    "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 60\r\nContent-Length: 0\r\n\r\n" :
		    "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
		break;
	case H_429_FIRST:
		say(fd, "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n");
		break;
	case H_REDIRECT:
		say(fd, "HTTP/1.1 302 Found\r\nLocation: /login.html\r\nContent-Length: 0\r\n\r\n");
		break;
	case H_BEARER:
		say(fd, "HTTP/1.1 401 No\r\nWWW-Authenticate: Bearer realm=\"api\"\r\n"
		    "WWW-Authenticate: Digest realm=\"x\", nonce=\"n\", algorithm=SHA-512-256\r\n"
		    "Content-Length: 0\r\n\r\n");
		break;
	case H_BAD_CHALLENGE:
		say(fd, "HTTP/1.1 401 No\r\nWWW-Authenticate: Digest realm=\"unterminated, "
		    "nonce=\"n\r\nContent-Length: 0\r\n\r\n");
		break;
	case H_BOTH_SCHEMES:
		/* Basic first, Digest second: Digest is taken; Basic would be refused. */
		say(fd, authz && digest_ok(req, "GET", "n1") ? ok : "HTTP/1.1 401 No\r\n"
		    "WWW-Authenticate: Basic realm=\"cam\", Digest realm=\"cam\", qop=\"auth\", "
		    "nonce=\"n1\"\r\nContent-Length: 0\r\n\r\n");
		break;
	case H_FORM_403:
		say(fd, "HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\n\r\nforbidden");
		break;
	}
}

START_TEST(http_digest_variants)
{
	int modes[] = { H_DIGEST_MD5, H_DIGEST_SESS, H_DIGEST_SHA256, H_STALE, H_BOTH_SCHEMES };
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		fake_t *f = fake_start(http_handler, modes[i]);
		auth_outcome_t o = try_at(f, "http", "/cgi-bin/admin?x=1", "admin", PASSWORD);
		ck_assert_int_eq(o.result, AUTH_ACCEPTED);
		ck_assert_str_eq(o.method, "http-digest");
		ck_assert_ptr_nonnull(strstr(f->last, "uri=\"/cgi-bin/admin?x=1\""));
		o = try_at(f, "http", "/cgi-bin/admin?x=1", "admin", "wrong");
		ck_assert_int_eq(o.result, AUTH_REJECTED);
		fake_stop(f);
	}
	/* The stale nonce cost exactly one more request. */
	fake_t *st = fake_start(http_handler, H_STALE);
	ck_assert_int_eq(try_at(st, "http", "/", "admin", PASSWORD).result, AUTH_ACCEPTED);
	ck_assert_int_eq(atomic_load(&st->conns), 3);
	fake_stop(st);
	st = fake_start(http_handler, H_STALE_ALWAYS);
	auth_outcome_t so = try_at(st, "http", "/", "admin", PASSWORD);
	ck_assert_int_eq(so.result, AUTH_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(so.reason, "stale twice"));
	fake_stop(st);
	/* The opaque is echoed back. */
	fake_t *f = fake_start(http_handler, H_DIGEST_MD5);
	try_at(f, "http", "/", "admin", PASSWORD);
	ck_assert_ptr_nonnull(strstr(f->last, "opaque=\"op\""));
	fake_stop(f);
}
END_TEST

START_TEST(http_odd_answers)
{
	static const struct {
		int mode;
		auth_result_t want;
		const char *why;
	} cases[] = {
		{ H_429_AFTER, AUTH_LOCKED, "429" },
		{ H_403_AFTER, AUTH_LOCKED, "403" },
		{ H_429_FIRST, AUTH_LOCKED, "429" },
		{ H_REDIRECT, AUTH_INCONCLUSIVE, "redirect" },
		{ H_BEARER, AUTH_INCONCLUSIVE, "Bearer" },
		{ H_BAD_CHALLENGE, AUTH_INCONCLUSIVE, "malformed" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fake_t *f = fake_start(http_handler, cases[i].mode);
		auth_outcome_t o = try_at(f, "http", "/", "admin", "admin");
		ck_assert_int_eq(o.result, cases[i].want);
		ck_assert_ptr_nonnull(strstr(o.reason, cases[i].why));
		fake_stop(f);
	}
	/* A 403 to a form POST says nothing about the pair: no marker, no verdict. */
	fake_t *f = fake_start(http_handler, H_FORM_403);
	char err[128];
	target_t *t = target_new("127.0.0.1", err, sizeof(err));
	service_t s = { .transport = "tcp", .port = f->port, .protocol = "http",
		.addr = &t->addrs[0] };
	auth_target_t at = { .svc = &s, .form_action = "/login", .form_success = "Set-Cookie",
		.form_failure = "Invalid" };
	auth_outcome_t o;
	auth_find("http")->try_login(&at, "ad min", "p&w=", mono_ms() + TRY_MS, &o);
	ck_assert_int_eq(o.result, AUTH_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(f->last, "POST /login HTTP/1.1\r\n"));
	ck_assert_ptr_nonnull(strstr(f->last, "Content-Type: application/x-www-form-urlencoded"));
	ck_assert_ptr_nonnull(strstr(f->last, "Content-Length: 33\r\n"));
	ck_assert_ptr_nonnull(strstr(f->last, "\r\n\r\nusername=ad+min&password=p%26w%3D"));
	/* A bad form action is the test case's mistake. */
	at.form_action = "http://elsewhere/login";
	auth_find("http")->try_login(&at, "a", "b", mono_ms() + TRY_MS, &o);
	ck_assert_int_eq(o.result, AUTH_ERROR);
	target_free(t);
	fake_stop(f);
}
END_TEST

/* ---- RTSP ---- */

enum { R_DIGEST, R_BASIC, R_OPEN, R_BAD_CSEQ, R_NO_DESCRIBE };

static void
rtsp_handler(fake_t *f, int fd)
{
	char req[4096], out[1024];
	size_t n = recv_until(fd, req, sizeof(req), "\r\n\r\n");
	memcpy(f->last, req, n + 1);
	char cseq[16] = "0";
	const char *c = strcasestr(req, "\nCSeq:");
	if (c)
		snprintf(cseq, sizeof(cseq), "%.*s", (int)strcspn(c + 7, "\r\n"), c + 7);
	bool describe = strncmp(req, "DESCRIBE ", 9) == 0;
	const char *status = "200 OK";
	const char *extra = "";
	bool authz = strcasestr(req, "\nAuthorization:") != NULL;
	switch (f->mode) {
	case R_DIGEST:
		if (!(authz && digest_ok(req, "DESCRIBE", "rn"))) {
			status = "401 Unauthorized";
			extra = "WWW-Authenticate: Digest realm=\"IP Camera\", nonce=\"rn\", qop=\"auth\"\r\n";
		}
		break;
	case R_BASIC:
		if (!strstr(req, "Authorization: Basic YWRtaW46czNjcmV0\r\n")) {
			status = "401 Unauthorized";
			extra = "WWW-Authenticate: Basic realm=\"cam\"\r\n";
		}
		break;
	case R_BAD_CSEQ:
		snprintf(cseq, sizeof(cseq), "99");
		break;
	case R_NO_DESCRIBE:
		if (describe)
			status = "405 Method Not Allowed";
		break;
	default:
		break;
	}
	snprintf(out, sizeof(out), "RTSP/1.0 %s\r\nCSeq: %s\r\n%sContent-Length: 0\r\n\r\n", status,
	    cseq, extra);
	say(fd, out);
	/* RTSP keeps the connection: linger like a camera until the client goes. */
	recv_until(fd, req, sizeof(req), NULL);
}

START_TEST(rtsp_cases)
{
	fake_t *f = fake_start(rtsp_handler, R_DIGEST);
	auth_outcome_t o = try_at(f, "rtsp", "/Streaming/Channels/101", "admin", PASSWORD);
	ck_assert_int_eq(o.result, AUTH_ACCEPTED);
	ck_assert_str_eq(o.method, "rtsp-digest");
	char want[128];
	snprintf(want, sizeof(want), "DESCRIBE rtsp://127.0.0.1:%d/Streaming/Channels/101 RTSP/1.0\r\n",
	    f->port);
	ck_assert(strncmp(f->last, want, strlen(want)) == 0);
	ck_assert_ptr_nonnull(strstr(f->last, "\r\nCSeq: 2\r\n"));
	ck_assert_ptr_nonnull(strstr(f->last, "uri=\"rtsp://127.0.0.1:"));
	o = try_at(f, "rtsp", "/Streaming/Channels/101", "admin", "wrong");
	ck_assert_int_eq(o.result, AUTH_REJECTED);
	o = try_at(f, "rtsp", "/", NULL, NULL);
	ck_assert_int_eq(o.result, AUTH_REJECTED);
	fake_stop(f);

	f = fake_start(rtsp_handler, R_BASIC);
	o = try_at(f, "rtsp", "/live", "admin", PASSWORD);
	ck_assert_int_eq(o.result, AUTH_ACCEPTED);
	ck_assert_str_eq(o.method, "rtsp-basic");
	o = try_at(f, "rtsp", "/live", "admin", "x");
	ck_assert_int_eq(o.result, AUTH_REJECTED);
	fake_stop(f);

	f = fake_start(rtsp_handler, R_OPEN);
	o = try_at(f, "rtsp", "/live", "admin", "admin");
	ck_assert_int_eq(o.result, AUTH_NOT_REQUIRED);
	fake_stop(f);

	f = fake_start(rtsp_handler, R_BAD_CSEQ);
	o = try_at(f, "rtsp", "/live", "admin", "admin");
	ck_assert_int_eq(o.result, AUTH_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(o.reason, "CSeq"));
	fake_stop(f);

	f = fake_start(rtsp_handler, R_NO_DESCRIBE);
	o = try_at(f, "rtsp", "/live", "admin", "admin");
	ck_assert_int_eq(o.result, AUTH_NOT_REQUIRED);
	ck_assert(strncmp(f->last, "OPTIONS ", 8) == 0);
	fake_stop(f);
}
END_TEST

/* ---- FTP ---- */

enum { F_NORMAL, F_ANON_OK, F_LOCKED, F_WANTS_TLS, F_NO_PASSWORD, F_GARBAGE };

static void
ftp_handler(fake_t *f, int fd)
{
	char line[1024];
	switch (f->mode) {
	case F_LOCKED:
		say(fd, "421 Too many connections from your address\r\n");
		return;
	case F_GARBAGE:
		say(fd, "\x16\x03\x01 not ftp at all\r\n");
		return;
	default:
		break;
	}
	say(fd, "220-Welcome to the camera FTP\r\n220-  it stores snapshots\r\n220 ready\r\n");
	recv_until(fd, line, sizeof(line), "\r\n");
	bool anon = strcmp(line, "USER anonymous\r\n") == 0;
	bool admin = strcmp(line, "USER admin\r\n") == 0;
	if (f->mode == F_WANTS_TLS && !anon) {
		say(fd, "530 Non-anonymous sessions must use encryption.\r\n");
		return;
	}
	if (f->mode == F_NO_PASSWORD && admin) {
		say(fd, "230 Logged in without password\r\n");
		recv_until(fd, line, sizeof(line), "\r\n");
		say(fd, "221 Goodbye.\r\n");
		return;
	}
	say(fd, "331 Please specify the password.\r\n");
	recv_until(fd, line, sizeof(line), "\r\n");
	memcpy(f->last, line, strlen(line) + 1);
	bool ok = (admin && strcmp(line, "PASS " PASSWORD "\r\n") == 0) ||
	    (anon && f->mode == F_ANON_OK);
	say(fd, ok ? "230-Welcome\r\n230 Login successful.\r\n" : "530 Login incorrect.\r\n");
	recv_until(fd, line, sizeof(line), "\r\n");
	if (strcmp(line, "QUIT\r\n") == 0)
		say(fd, "221 Goodbye.\r\n");
}

START_TEST(ftp_cases)
{
	fake_t *f = fake_start(ftp_handler, F_NORMAL);
	auth_outcome_t o = try_at(f, "ftp", NULL, "admin", PASSWORD);
	ck_assert_int_eq(o.result, AUTH_ACCEPTED);
	o = try_at(f, "ftp", NULL, "admin", "wrong");
	ck_assert_int_eq(o.result, AUTH_REJECTED);
	ck_assert_ptr_nonnull(strstr(o.reason, "530"));
	o = try_at(f, "ftp", NULL, NULL, NULL);
	ck_assert_int_eq(o.result, AUTH_REJECTED);
	ck_assert_str_eq(f->last, "PASS iotcert@\r\n");
	ck_assert_str_eq(o.method, "ftp-anonymous");
	fake_stop(f);

	f = fake_start(ftp_handler, F_ANON_OK);
	o = try_at(f, "ftp", NULL, NULL, NULL);
	ck_assert_int_eq(o.result, AUTH_NOT_REQUIRED);
	fake_stop(f);

	f = fake_start(ftp_handler, F_LOCKED);
	o = try_at(f, "ftp", NULL, "admin", PASSWORD);
	ck_assert_int_eq(o.result, AUTH_LOCKED);
	fake_stop(f);

	f = fake_start(ftp_handler, F_WANTS_TLS);
	o = try_at(f, "ftp", NULL, "admin", PASSWORD);
	ck_assert_int_eq(o.result, AUTH_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(o.reason, "TLS"));
	fake_stop(f);

	f = fake_start(ftp_handler, F_NO_PASSWORD);
	o = try_at(f, "ftp", NULL, "admin", "anything");
	ck_assert_int_eq(o.result, AUTH_ACCEPTED);
	ck_assert_ptr_nonnull(strstr(o.reason, "no password"));
	fake_stop(f);

	f = fake_start(ftp_handler, F_GARBAGE);
	o = try_at(f, "ftp", NULL, "admin", PASSWORD);
	ck_assert_int_eq(o.result, AUTH_INCONCLUSIVE);
	fake_stop(f);

	f = fake_start(ftp_handler, F_NORMAL);
	o = try_at(f, "ftp", NULL, "admin", "pw\r\nDELE x");
	ck_assert_int_eq(o.result, AUTH_ERROR);
	fake_stop(f);
}
END_TEST

/* ---- MQTT ---- */

enum { M_V5_ONLY, M_V5_ONLY_84, M_RATE };

static void
mqtt_handler(fake_t *f, int fd)
{
	uint8_t pkt[1024];
	size_t n = recv_some(fd, pkt, sizeof(pkt));
	/* The level byte is at 2 + 6 when the remaining length is one byte. */
	if (n < 9 || pkt[0] != 0x10)
		return;
	memcpy(f->last, pkt, n);
	f->last_len = n;
	int level = pkt[8];
	if (level != 5) {
		if (f->mode != M_V5_ONLY_84)
			send(fd, "\x20\x02\x00\x01", 4, MSG_NOSIGNAL);
		else
			send(fd, "\x20\x03\x00\x84\x00", 5, MSG_NOSIGNAL);
		return;
	}
	if (f->mode == M_RATE) {
		send(fd, "\x20\x03\x00\x9f\x00", 5, MSG_NOSIGNAL);
		return;
	}
	bool ok = memmem(pkt, n, "\x00\x05" "admin\x00\x06" PASSWORD, 15) != NULL;
	send(fd, ok ? "\x20\x03\x00\x00\x00" : "\x20\x03\x00\x86\x00", 5, MSG_NOSIGNAL);
	if (ok) {
		uint8_t d[8];
		size_t dn = recv_some(fd, d, sizeof(d));
		if (dn >= 2 && d[0] == 0xe0)
			atomic_store(&f->saw_disconnect, true);
	}
}

START_TEST(mqtt_v5_fallback)
{
	int modes[] = { M_V5_ONLY, M_V5_ONLY_84 };
	for (size_t i = 0; i < 2; i++) {
		fake_t *f = fake_start(mqtt_handler, modes[i]);
		auth_outcome_t o = try_at(f, "mqtt", NULL, "admin", PASSWORD);
		ck_assert_int_eq(o.result, AUTH_ACCEPTED);
		ck_assert_str_eq(o.method, "mqtt-5");
		ck_assert_int_eq(atomic_load(&f->conns), 2);
		/* The server thread reads the DISCONNECT after our call returns. */
		for (int k = 0; k < 100 && !atomic_load(&f->saw_disconnect); k++)
			usleep(10 * 1000);
		ck_assert(atomic_load(&f->saw_disconnect));
		o = try_at(f, "mqtt", NULL, "admin", "nope");
		ck_assert_int_eq(o.result, AUTH_REJECTED);
		ck_assert_ptr_nonnull(strstr(o.reason, "0x86"));
		fake_stop(f);
	}
	fake_t *f = fake_start(mqtt_handler, M_RATE);
	auth_outcome_t o = try_at(f, "mqtt", NULL, "admin", PASSWORD);
	ck_assert_int_eq(o.result, AUTH_LOCKED);	/* v5 "connection rate exceeded" */
	ck_assert_ptr_nonnull(strstr(o.reason, "rate"));
	fake_stop(f);
}
END_TEST

/* ---- telnet ---- */

static void
telnet_handler(fake_t *f, int fd)
{
	char buf[256];
	/* IAC WILL ECHO, IAC DO NAWS, then a password-only prompt. */
	send(fd, "\xff\xfb\x01\xff\xfd\x1fPassword: ", 16, MSG_NOSIGNAL);
	size_t n = recv_until(fd, buf, sizeof(buf), "\r\n");
	memcpy(f->last, buf, n + 1);
	f->last_len = n;
	say(fd, "\r\nAccess denied\r\n");
}

START_TEST(telnet_iac)
{
	fake_t *f = fake_start(telnet_handler, 0);
	auth_outcome_t o = try_at(f, "telnet", NULL, "admin", "p\xffw");
	ck_assert_int_eq(o.result, AUTH_REJECTED);
	/* Our refusals (DO ECHO, WONT NAWS), then the password with 0xFF doubled. */
	static const char want[] = "\xff\xfd\x01\xff\xfc\x1fp\xff\xffw\r\n";
	ck_assert_uint_eq(f->last_len, sizeof(want) - 1);
	ck_assert_int_eq(memcmp(f->last, want, sizeof(want) - 1), 0);
	fake_stop(f);
}
END_TEST

static Suite *
auth_fake_suite(void)
{
	Suite *s = suite_create("auth_fake");
	TCase *tc = tcase_create("scripted");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, http_digest_variants);
	tcase_add_test(tc, http_odd_answers);
	tcase_add_test(tc, rtsp_cases);
	tcase_add_test(tc, ftp_cases);
	tcase_add_test(tc, mqtt_v5_fallback);
	tcase_add_test(tc, telnet_iac);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(auth_fake_suite)
