/*
 * Deadline-bound TCP connections.  poll() in slices of at most 100 ms so a
 * cancel request (SIGINT) is noticed quickly even during a long wait.
 */
#include "net/sock.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#define SLICE_MS 100

const char *
net_status_str(net_status_t s)
{
	switch (s) {
	case NET_OK: return "ok";
	case NET_TIMEOUT: return "timed out";
	case NET_REFUSED: return "connection refused";
	case NET_UNREACHABLE: return "unreachable";
	case NET_CLOSED: return "closed by the device";
	case NET_RESET: return "reset by the device";
	case NET_CANCELLED: return "cancelled";
	default: return "network error";
	}
}

void
sockaddr_with_port(const target_addr_t *a, int port, struct sockaddr_storage *out,
    socklen_t *len)
{
	memcpy(out, &a->ss, sizeof(*out));
	*len = a->len;
	if (out->ss_family == AF_INET)
		((struct sockaddr_in *)out)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)out)->sin6_port = htons((uint16_t)port);
}

int
flow_from_fd(int fd, int ipproto, flow_t *f)
{
	struct sockaddr_storage l, r;
	socklen_t ll = sizeof(l), rl = sizeof(r);
	if (getsockname(fd, (struct sockaddr *)&l, &ll) < 0 ||
	    getpeername(fd, (struct sockaddr *)&r, &rl) < 0)
		return -1;
	memset(f, 0, sizeof(*f));
	f->ipproto = ipproto;
	f->family = l.ss_family;
	if (l.ss_family == AF_INET) {
		const struct sockaddr_in *a = (void *)&l, *b = (void *)&r;
		memcpy(f->local, &a->sin_addr, 4);
		memcpy(f->remote, &b->sin_addr, 4);
		f->lport = ntohs(a->sin_port);
		f->rport = ntohs(b->sin_port);
	} else {
		const struct sockaddr_in6 *a = (void *)&l, *b = (void *)&r;
		memcpy(f->local, &a->sin6_addr, 16);
		memcpy(f->remote, &b->sin6_addr, 16);
		f->lport = ntohs(a->sin6_port);
		f->rport = ntohs(b->sin6_port);
	}
	return 0;
}

/* Waits for `events`; NET_OK when ready. */
static net_status_t
wait_fd(int fd, short events, uint64_t deadline, const volatile int *cancel)
{
	for (;;) {
		if (cancel && *cancel)
			return NET_CANCELLED;
		uint64_t now = mono_ms();
		if (now >= deadline)
			return NET_TIMEOUT;
		uint64_t left = deadline - now;
		struct pollfd p = { .fd = fd, .events = events };
		int n = poll(&p, 1, (int)(left < SLICE_MS ? left : SLICE_MS));
		if (n < 0 && errno != EINTR)
			return NET_ERROR;
		if (n > 0)
			return NET_OK;
	}
}

static net_status_t
errno_status(int e)
{
	switch (e) {
	case ECONNREFUSED: return NET_REFUSED;
	case EHOSTUNREACH: case ENETUNREACH: case EHOSTDOWN: return NET_UNREACHABLE;
	case ETIMEDOUT: return NET_TIMEOUT;
	case ECONNRESET: case EPIPE: return NET_RESET;
	default: return NET_ERROR;
	}
}

net_status_t
conn_tcp(conn_t *c, const target_addr_t *addr, int port, uint64_t deadline,
    const volatile int *cancel, evidence_t *ev)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->cancel = cancel;
	c->ev = ev;
	struct sockaddr_storage ss;
	socklen_t len;
	sockaddr_with_port(addr, port, &ss, &len);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		c->last_errno = errno;
		return NET_ERROR;
	}
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
		c->last_errno = errno;
		close(fd);
		return errno_status(c->last_errno);
	}
	net_status_t st = wait_fd(fd, POLLOUT, deadline, cancel);
	if (st != NET_OK) {
		close(fd);
		return st;
	}
	int soerr = 0;
	socklen_t sl = sizeof(soerr);
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
	if (soerr) {
		c->last_errno = soerr;
		close(fd);
		return errno_status(soerr);
	}
	c->fd = fd;
	flow_t f;
	if (ev && flow_from_fd(fd, IPPROTO_TCP, &f) == 0)
		ev_add_flow(ev, &f);
	return NET_OK;
}

void
conn_close(conn_t *c)
{
	if (c && c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
}

net_status_t
conn_read(conn_t *c, void *buf, size_t cap, size_t *got, uint64_t deadline)
{
	*got = 0;
	for (;;) {
		net_status_t st = wait_fd(c->fd, POLLIN, deadline, c->cancel);
		if (st != NET_OK)
			return st;
		ssize_t n = recv(c->fd, buf, cap, 0);
		if (n > 0) {
			*got = (size_t)n;
			if (c->ev)
				ev_transcript(c->ev, "<", buf, (size_t)n);
			return NET_OK;
		}
		if (n == 0)
			return NET_CLOSED;
		if (errno == EAGAIN || errno == EINTR)
			continue;
		c->last_errno = errno;
		return errno_status(errno);
	}
}

net_status_t
conn_read_until(conn_t *c, unsigned char *buf, size_t cap, size_t *len,
    uint64_t deadline, conn_until_fn stop, void *arg)
{
	*len = 0;
	while (*len < cap) {
		size_t got;
		net_status_t st = conn_read(c, buf + *len, cap - *len, &got, deadline);
		if (st != NET_OK)
			return st;
		*len += got;
		if (stop && stop(buf, *len, arg))
			return NET_OK;
	}
	return NET_OK;	/* cap reached: caller sees a full buffer */
}

net_status_t
conn_write(conn_t *c, const void *buf, size_t n, uint64_t deadline)
{
	const char *p = buf;
	size_t left = n;
	if (c->ev && n)
		ev_transcript(c->ev, ">", buf, n);
	while (left) {
		net_status_t st = wait_fd(c->fd, POLLOUT, deadline, c->cancel);
		if (st != NET_OK)
			return st;
		ssize_t w = send(c->fd, p, left, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			c->last_errno = errno;
			return errno_status(errno);
		}
		p += w;
		left -= (size_t)w;
	}
	return NET_OK;
}
