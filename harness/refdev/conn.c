/*
 * One accepted connection and its I/O.  Sockets are non-blocking and every wait
 * goes through poll() with the idle limit, the connection's hard lifetime and
 * the process stop pipe, so no thread can block forever on a silent, slow or
 * vanished client, and all of them notice shutdown at once.  The slow and
 * giant-banner switches live here because they change how bytes leave, not
 * what a service says.
 */
#include "refdev.h"

#include "core/util.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>

conn_t *
conn_new(refdev_t *rd, enum svc svc, int fd, const char *peer)
{
	conn_t *c = xcalloc(1, sizeof(*c));
	c->rd = rd;
	c->svc = svc;
	c->fd = fd;
	snprintf(c->peer, sizeof(c->peer), "%s", peer ? peer : "?");
	c->idle_ms = rd->cfg.idle_ms;
	c->end_ms = mono_ms() + REFDEV_CONN_LIFETIME_MS;
	return c;
}

void
conn_free(conn_t *c)
{
	if (c == NULL)
		return;
	SSL_free(c->ssl);
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

void
conn_log(conn_t *c, const char *fmt, ...)
{
	if (c->rd->cfg.quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "refdev: %s %s: %s\n", svc_get(c->svc)->name, c->peer, msg);
	free(msg);
}

void
conn_set_idle(conn_t *c, int ms)
{
	c->idle_ms = ms;
}

uint64_t
conn_limit(conn_t *c, int ms)
{
	uint64_t saved = c->end_ms, until = mono_ms() + (uint64_t)ms;
	if (until < c->end_ms)
		c->end_ms = until;
	return saved;
}

void
conn_unlimit(conn_t *c, uint64_t saved)
{
	c->end_ms = saved;
}

/* Waits for events on the socket: 1 ready, 0 timeout, -1 stopping or past the lifetime. */
static int
conn_wait(conn_t *c, short events, int timeout_ms)
{
	uint64_t now = mono_ms();
	if (now >= c->end_ms)
		return -1;
	uint64_t left = c->end_ms - now;
	if (timeout_ms < 0 || (uint64_t)timeout_ms > left)
		timeout_ms = (int)left;
	struct pollfd p[2] = {
		{ .fd = c->fd, .events = events },
		{ .fd = c->rd->stop_rd, .events = POLLIN },
	};
	int n = c->fd >= 0 ? 2 : 1;
	struct pollfd *pp = c->fd >= 0 ? p : p + 1;
	for (;;) {
		int r = poll(pp, (nfds_t)n, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (p[1].revents)
			return -1;
		if (r == 0)
			return 0;
		return 1;
	}
}

int
conn_sleep(conn_t *c, int ms)
{
	int fd = c->fd;
	c->fd = -1; /* wait on the stop pipe alone */
	int r = conn_wait(c, 0, ms);
	c->fd = fd;
	return r < 0 ? -1 : 0;
}

/* Maps an OpenSSL would-block result to the poll event to wait for. */
static int
tls_want(conn_t *c, int ret)
{
	switch (SSL_get_error(c->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		return POLLIN;
	case SSL_ERROR_WANT_WRITE:
		return POLLOUT;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	default:
		ERR_clear_error();
		return -1;
	}
}

/* One read from the wire into buf: >0, 0 at EOF, -1 on error or timeout. */
static int
wire_read(conn_t *c, void *buf, size_t n)
{
	if (c->dead)
		return -1;
	for (;;) {
		short ev = POLLIN;
		if (c->ssl) {
			size_t got = 0;
			int r = SSL_read_ex(c->ssl, buf, n, &got);
			if (r == 1)
				return (int)got;
			int w = tls_want(c, r);
			if (w == 0)
				return 0;
			if (w < 0)
				goto fail;
			ev = (short)w;
		} else {
			ssize_t r = recv(c->fd, buf, n, 0);
			if (r >= 0)
				return (int)r;
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				goto fail;
		}
		if (conn_wait(c, ev, c->idle_ms) <= 0)
			goto fail;
	}
fail:
	c->dead = true;
	return -1;
}

int
conn_read(conn_t *c, void *buf, size_t n)
{
	if (n == 0)
		return 0;
	if (c->rx_off < c->rx_len) {
		size_t k = c->rx_len - c->rx_off;
		if (k > n)
			k = n;
		memcpy(buf, c->rx + c->rx_off, k);
		c->rx_off += k;
		return (int)k;
	}
	if (n >= sizeof(c->rx))
		return wire_read(c, buf, n > INT32_MAX ? INT32_MAX : n);
	int r = wire_read(c, c->rx, sizeof(c->rx));
	if (r <= 0)
		return r;
	c->rx_off = 0;
	c->rx_len = (size_t)r;
	return conn_read(c, buf, n);
}

int
conn_read_exact(conn_t *c, void *buf, size_t n)
{
	unsigned char *p = buf;
	while (n > 0) {
		int r = conn_read(c, p, n);
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int
conn_write_raw(conn_t *c, const void *p, size_t n)
{
	const unsigned char *s = p;
	if (c->dead)
		return -1;
	while (n > 0) {
		short ev = POLLOUT;
		if (c->ssl) {
			size_t put = 0;
			int r = SSL_write_ex(c->ssl, s, n, &put);
			if (r == 1) {
				s += put;
				n -= put;
				continue;
			}
			int w = tls_want(c, r);
			if (w <= 0)
				goto fail;
			ev = (short)w;
		} else {
			ssize_t r = send(c->fd, s, n, MSG_NOSIGNAL);
			if (r >= 0) {
				s += r;
				n -= (size_t)r;
				continue;
			}
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				goto fail;
		}
		if (conn_wait(c, ev, c->idle_ms) <= 0)
			goto fail;
	}
	return 0;
fail:
	c->dead = true;
	return -1;
}

/* The giant banner: a long run of printable text with no line break. */
static int
send_banner(conn_t *c)
{
	static const char unit[] = "refdev-giant-banner-";
	char chunk[16384];
	for (size_t i = 0; i < sizeof(chunk); i++)
		chunk[i] = unit[i % (sizeof(unit) - 1)];
	while (c->banner_pending > 0) {
		size_t k = c->banner_pending < sizeof(chunk) ? c->banner_pending : sizeof(chunk);
		if (conn_write_raw(c, chunk, k) < 0)
			return -1;
		c->banner_pending -= k;
	}
	return 0;
}

int
conn_write(conn_t *c, const void *p, size_t n)
{
	if (c->banner_pending && send_banner(c) < 0)
		return -1;
	if (!(c->flags & CF_SLOW))
		return conn_write_raw(c, p, n);
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++) {
		if (conn_write_raw(c, s + i, 1) < 0)
			return -1;
		if (i + 1 < n && conn_sleep(c, 1000) < 0) {
			c->dead = true;
			return -1;
		}
	}
	/* The pause also follows the last byte so consecutive writes stay 1/s. */
	if (n > 0 && conn_sleep(c, 1000) < 0) {
		c->dead = true;
		return -1;
	}
	return 0;
}

int
conn_puts(conn_t *c, const char *s)
{
	return conn_write(c, s, strlen(s));
}

int
conn_tls_accept(conn_t *c)
{
	c->ssl = SSL_new(c->rd->tls);
	if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1) {
		ERR_clear_error();
		return -1;
	}
	uint64_t until = mono_ms() + REFDEV_HANDSHAKE_MS;
	for (;;) {
		int r = SSL_accept(c->ssl);
		if (r == 1)
			return 0;
		int w = tls_want(c, r);
		uint64_t now = mono_ms();
		if (w <= 0 || now >= until)
			break;
		if (conn_wait(c, (short)w, (int)(until - now)) <= 0)
			break;
	}
	/* No close_notify after a failed handshake: just drop the socket. */
	SSL_free(c->ssl);
	c->ssl = NULL;
	c->dead = true;
	return -1;
}

void
conn_drain(conn_t *c, int max_ms)
{
	char buf[4096];
	uint64_t until = mono_ms() + (uint64_t)max_ms;
	for (;;) {
		uint64_t now = mono_ms();
		if (now >= until)
			break;
		ssize_t r = recv(c->fd, buf, sizeof(buf), 0);
		if (r == 0)
			break;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			break;
		if (r < 0 && conn_wait(c, POLLIN, (int)(until - now)) <= 0)
			break;
	}
}

bool
conn_greeted(conn_t *c)
{
	if (!(c->flags & CF_HALF_CLOSE))
		return false;
	conn_log(c, "half-close after greeting");
	shutdown(c->fd, SHUT_WR);
	conn_drain(c, c->idle_ms);
	c->dead = true;
	return true;
}

void
conn_finish(conn_t *c)
{
	if (c->fd < 0)
		return;
	if (c->ssl && !c->dead) {
		/* One non-blocking attempt: a close_notify is a courtesy here. */
		if (SSL_shutdown(c->ssl) < 0)
			ERR_clear_error();
	}
	/*
	 * Half-close and briefly drain before close(): closing with unread input
	 * makes the kernel send RST, which can destroy a response still in flight.
	 */
	shutdown(c->fd, SHUT_WR);
	conn_drain(c, 1000);
	close(c->fd);
	c->fd = -1;
}

void
conn_reset(conn_t *c)
{
	if (c->fd < 0)
		return;
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(c->fd);
	c->fd = -1;
}
