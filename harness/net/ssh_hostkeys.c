/*
 * Host keys through libssh: see ssh_hostkeys.h.  libssh runs non-blocking
 * on a dup of a socket connected by conn_tcp (deadline, flow in the
 * evidence), every wait is a poll here against the caller's deadline and
 * cancel flag, and nothing is read from or written to known_hosts or
 * ~/.ssh.  The key's size is read from its wire blob by the cursor-based
 * parser in proto/ssh_kex.c, since libssh 0.10 does not export one.
 */
#include "net/ssh_hostkeys.h"

#include "core/util.h"
#include "net/sock.h"
#include "proto/ssh_kex.h"

#include <fcntl.h>
#include <libssh/libssh.h>
#include <openssl/evp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SLICE_MS	100	/* longest poll, so a cancel is seen quickly */
#define BLOB_MAX	4096	/* a 16384-bit RSA key fits */

/* Every exchange and cipher libssh knows: the host key is all we want. */
#define ALL_KEX "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256," \
	"ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group18-sha512," \
	"diffie-hellman-group16-sha512,diffie-hellman-group-exchange-sha256," \
	"diffie-hellman-group14-sha256,diffie-hellman-group14-sha1," \
	"diffie-hellman-group-exchange-sha1,diffie-hellman-group1-sha1"
#define ALL_CIPHERS "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com," \
	"aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr,aes256-cbc,aes192-cbc," \
	"aes128-cbc,3des-cbc"
#define ALL_MACS "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com," \
	"hmac-sha1-etm@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1"

/* libssh's own global state wants one ssh_init() when linked statically. */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void
init_libssh(void)
{
	(void)ssh_init();
}

static int
fail(ssh_hostkey_t *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
fail(ssh_hostkey_t *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out->why, sizeof(out->why), fmt, ap);
	va_end(ap);
	return -1;
}

static bool
set_options(ssh_session s, const target_addr_t *addr, int port, const char *alg, int fd)
{
	int zero = 0, quiet = SSH_LOG_NOLOG, rsa_min = 768;
	socket_t sfd = fd;
	char host[sizeof(addr->text)];
	/* The name only labels the session (the socket is ours); a scope may not resolve here. */
	snprintf(host, sizeof(host), "%.*s", (int)strcspn(addr->text, "%"), addr->text);
	ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &quiet);
	return ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &zero) == SSH_OK &&
	    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null") == SSH_OK &&
	    ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null") == SSH_OK &&
	    ssh_options_set(s, SSH_OPTIONS_HOST, host) == SSH_OK &&
	    ssh_options_set(s, SSH_OPTIONS_PORT, &port) == SSH_OK &&
	    ssh_options_set(s, SSH_OPTIONS_HOSTKEYS, alg) == SSH_OK &&
	    ssh_options_set(s, SSH_OPTIONS_KEY_EXCHANGE, ALL_KEX) == SSH_OK &&
	    ssh_options_set(s, SSH_OPTIONS_CIPHERS_C_S, ALL_CIPHERS) == SSH_OK &&
	    ssh_options_set(s, SSH_OPTIONS_CIPHERS_S_C, ALL_CIPHERS) == SSH_OK &&
	    ssh_options_set(s, SSH_OPTIONS_HMAC_C_S, ALL_MACS) == SSH_OK &&
	    ssh_options_set(s, SSH_OPTIONS_HMAC_S_C, ALL_MACS) == SSH_OK &&
	    ssh_options_set(s, SSH_OPTIONS_RSA_MIN_SIZE, &rsa_min) == SSH_OK &&
	    ssh_options_set(s, SSH_OPTIONS_FD, &sfd) == SSH_OK;
}

/* Drives ssh_connect to its end; SSH_AGAIN left means the deadline or a cancel. */
static int
drive(ssh_session s, int fd, uint64_t deadline, const volatile int *cancel)
{
	int rc;
	while ((rc = ssh_connect(s)) == SSH_AGAIN) {
		if ((cancel && *cancel) || !ssh_is_connected(s) ||
		    (ssh_get_status(s) & (SSH_CLOSED | SSH_CLOSED_ERROR)))
			return SSH_ERROR;
		uint64_t now = mono_ms();
		if (now >= deadline)
			return SSH_AGAIN;
		uint64_t left = deadline - now;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (ssh_get_poll_flags(s) & SSH_WRITE_PENDING)
			p.events |= POLLOUT;
		(void)poll(&p, 1, (int)(left < SLICE_MS ? left : SLICE_MS));
	}
	return rc;
}

static int
read_key(ssh_session s, ssh_hostkey_t *out)
{
	ssh_key key = NULL;
	char *b64 = NULL;
	if (ssh_get_server_publickey(s, &key) != SSH_OK)
		return fail(out, "libssh kept no server key");
	int rc = ssh_pki_export_pubkey_base64(key, &b64);
	ssh_key_free(key);
	if (rc != SSH_OK || b64 == NULL)
		return fail(out, "libssh cannot export the server key");
	size_t len = strlen(b64);
	uint8_t blob[BLOB_MAX];
	int n = len / 4 * 3 <= BLOB_MAX ? EVP_DecodeBlock(blob, (const unsigned char *)b64,
	    (int)len) : -1;
	ssh_string_free_char(b64);
	if (n < 0)
		return fail(out, "server key too large");
	if (ssh_pubkey_bits(blob, (size_t)n, out->type, sizeof(out->type), &out->bits) < 0)
		return fail(out, "unknown or malformed server key (%s)", out->type);
	return 0;
}

/* Closes libssh's dup unless libssh already did (same socket = still ours to close). */
static void
release_dup(int ours, int dupfd)
{
	struct stat a, b;
	if (dupfd >= 0 && fstat(ours, &a) == 0 && fstat(dupfd, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		close(dupfd);
}

int
ssh_hostkey_fetch(const target_addr_t *addr, int port, const char *alg, uint64_t deadline,
    const volatile int *cancel, evidence_t *ev, ssh_hostkey_t *out)
{
	memset(out, 0, sizeof(*out));
	pthread_once(&init_once, init_libssh);
	conn_t c;
	net_status_t st = conn_tcp(&c, addr, port, deadline, cancel, ev);
	if (st != NET_OK)
		return fail(out, "connect: %s", net_status_str(st));
	int rc = -1;
	int dupfd = fcntl(c.fd, F_DUPFD_CLOEXEC, 0);
	ssh_session s = dupfd >= 0 && dupfd <= 0xffff ? ssh_new() : NULL;
	if (s == NULL) {
		fail(out, "libssh: cannot start a session");
		if (dupfd >= 0)
			close(dupfd);
		dupfd = -1;
		goto done;
	}
	if (!set_options(s, addr, port, alg, dupfd)) {
		fail(out, "libssh does not take %s: %s", alg, ssh_get_error(s));
		goto done;
	}
	ssh_set_blocking(s, 0);
	int r = drive(s, c.fd, deadline, cancel);
	if (r == SSH_AGAIN)
		fail(out, "timed out in the key exchange");
	else if (r != SSH_OK)
		fail(out, "key exchange failed: %s", ssh_get_error(s));
	else
		rc = read_key(s, out);
done:
	if (s) {
		ssh_disconnect(s);
		ssh_free(s);
	}
	release_dup(c.fd, dupfd);
	conn_close(&c);
	return rc;
}
