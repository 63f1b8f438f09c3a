/*
 * Non-blocking OpenSSL client driven by poll() with deadlines.
 */
#include "net/tls.h"
#include "core/util.h"

#include <errno.h>
#include <openssl/err.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

struct tls_ctx {
	SSL_CTX *ctx;
};

tls_ctx_t *
tls_ctx_new(char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL) {
		snprintf(err, errlen, "cannot create TLS context");
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
	SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT);
	tls_ctx_t *t = xcalloc(1, sizeof(*t));
	t->ctx = ctx;
	return t;
}

void
tls_ctx_free(tls_ctx_t *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	free(t);
}

/* One poll slice for what OpenSSL asked for. */
static net_status_t
wait_want(tls_conn_t *tc, int ret, uint64_t deadline)
{
	int e = SSL_get_error(tc->ssl, ret);
	short ev;
	if (e == SSL_ERROR_WANT_READ)
		ev = POLLIN;
	else if (e == SSL_ERROR_WANT_WRITE)
		ev = POLLOUT;
	else if (e == SSL_ERROR_ZERO_RETURN)
		return NET_CLOSED;
	else if (e == SSL_ERROR_SYSCALL)
		return errno == ECONNRESET ? NET_RESET : NET_CLOSED;
	else
		return NET_ERROR;
	if (tc->conn->cancel && *tc->conn->cancel)
		return NET_CANCELLED;
	uint64_t now = mono_ms();
	if (now >= deadline)
		return NET_TIMEOUT;
	uint64_t left = deadline - now;
	struct pollfd p = { .fd = tc->conn->fd, .events = ev };
	if (poll(&p, 1, (int)(left < 100 ? left : 100)) < 0 && errno != EINTR)
		return NET_ERROR;
	return NET_OK;	/* retry */
}

net_status_t
tls_connect(tls_ctx_t *t, tls_conn_t *tc, conn_t *c, const char *sni,
    uint64_t deadline, char *err, size_t errlen)
{
	memset(tc, 0, sizeof(*tc));
	tc->conn = c;
	tc->ssl = SSL_new(t->ctx);
	if (tc->ssl == NULL) {
		snprintf(err, errlen, "SSL_new failed");
		return NET_ERROR;
	}
	SSL_set_fd(tc->ssl, c->fd);
	if (sni)
		SSL_set_tlsext_host_name(tc->ssl, sni);
	ERR_clear_error();
	for (;;) {
		int r = SSL_connect(tc->ssl);
		if (r == 1)
			break;
		net_status_t st = wait_want(tc, r, deadline);
		if (st != NET_OK) {
			unsigned long e = ERR_peek_last_error();
			if (e)
				ERR_error_string_n(e, err, errlen);
			else
				snprintf(err, errlen, "TLS handshake: %s", net_status_str(st));
			ERR_clear_error();
			return st == NET_CLOSED ? NET_ERROR : st;
		}
	}
	snprintf(tc->version, sizeof(tc->version), "%s", SSL_get_version(tc->ssl));
	snprintf(tc->cipher, sizeof(tc->cipher), "%s", SSL_get_cipher_name(tc->ssl));
	return NET_OK;
}

net_status_t
tls_read(tls_conn_t *tc, void *buf, size_t cap, size_t *got, uint64_t deadline)
{
	*got = 0;
	for (;;) {
		size_t n = 0;
		int r = SSL_read_ex(tc->ssl, buf, cap, &n);
		if (r == 1) {
			*got = n;
			if (tc->conn->ev)
				ev_transcript(tc->conn->ev, "<tls", buf, n);
			return NET_OK;
		}
		net_status_t st = wait_want(tc, r, deadline);
		if (st != NET_OK) {
			ERR_clear_error();
			return st;
		}
	}
}

net_status_t
tls_write(tls_conn_t *tc, const void *buf, size_t n, uint64_t deadline)
{
	if (tc->conn->ev)
		ev_transcript(tc->conn->ev, ">tls", buf, n);
	for (;;) {
		size_t w = 0;
		int r = SSL_write_ex(tc->ssl, buf, n, &w);
		if (r == 1)
			return NET_OK;
		net_status_t st = wait_want(tc, r, deadline);
		if (st != NET_OK) {
			ERR_clear_error();
			return st;
		}
	}
}

void
tls_close(tls_conn_t *tc)
{
	if (tc && tc->ssl) {
		SSL_free(tc->ssl);
		tc->ssl = NULL;
	}
}

const char *
tls_lib_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}
