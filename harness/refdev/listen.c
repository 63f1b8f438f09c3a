/*
 * Listening sockets and the accept loop.  Each accepted connection gets its own
 * detached thread, up to REFDEV_MAX_CONNS at once; beyond that new connections
 * are closed straight away so that a flood cannot exhaust threads or memory.
 * UDP services are answered from this loop itself (udp.c): a datagram gets
 * its reply at once, so no thread is worth its cost.  The loop ends when the
 * signalfd reports SIGINT or SIGTERM.
 */
#include "refdev.h"

#include "core/util.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BACKLOG 128
#define ACCEPTS_PER_WAKE 64
#define THREAD_STACK (1024 * 1024)

static void
fmt_addr(const char *host, int port, char *out, size_t len)
{
	bool v6 = strchr(host, ':') != NULL;
	/* Numeric addresses fit easily; the precision only bounds a long --addr. */
	snprintf(out, len, "%s%.64s%s:%d", v6 ? "[" : "", host, v6 ? "]" : "", port);
}

static int
open_one(refdev_t *rd, enum svc s, int want)
{
	const char *name = svc_get(s)->name;
	bool udp = svc_get(s)->datagram != NULL;
	const char *addr = rd->cfg.addr;
	char port[16], where[160];
	snprintf(port, sizeof(port), "%d", want == PORT_AUTO ? 0 : want);
	fmt_addr(addr, want == PORT_AUTO ? 0 : want, where, sizeof(where));

	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
	                          .ai_family = AF_UNSPEC,
	                          .ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM };
	struct addrinfo *ai = NULL;
	int g = getaddrinfo(addr, port, &hints, &ai);
	if (g != 0) {
		fprintf(stderr, REFDEV_PROG ": cannot listen on %s (%s): %s\n", where, name,
		    gai_strerror(g));
		return -1;
	}
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1, err = 0;
	if (fd < 0) {
		err = errno;
	} else {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (ai->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || (!udp && listen(fd, BACKLOG) < 0))
			err = errno;
	}
	freeaddrinfo(ai);
	if (err) {
		fprintf(stderr, REFDEV_PROG ": cannot listen on %s (%s): %s\n", where, name,
		    strerror(err));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int actual = want;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		actual = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
		                                        : ((struct sockaddr_in *)&ss)->sin_port);
	rd->lis[rd->nlis++] = (listener_t){ .svc = s, .fd = fd, .port = actual };
	rd->bound_port[s] = actual;
	return 0;
}

int
listeners_open(refdev_t *rd)
{
	for (int s = 0; s < SVC_COUNT; s++) {
		int want = rd->cfg.port[s];
		if (want == 0)
			continue;
		if (open_one(rd, (enum svc)s, want) < 0) {
			listeners_close(rd);
			return -1;
		}
	}
	return 0;
}

void
listeners_close(refdev_t *rd)
{
	for (size_t i = 0; i < rd->nlis; i++)
		if (rd->lis[i].fd >= 0)
			close(rd->lis[i].fd);
	rd->nlis = 0;
}

static void *
conn_main(void *arg)
{
	conn_t *c = arg;
	refdev_t *rd = c->rd;
	const svc_info_t *si = svc_get(c->svc);
	conn_log(c, "connected");
	if (!misbehave_apply(c)) {
		if (si->tls && conn_tls_accept(c) < 0)
			conn_log(c, "TLS handshake failed");
		else
			si->run(c);
	}
	conn_finish(c);
	conn_log(c, "closed");
	conn_free(c);
	pthread_mutex_lock(&rd->lock);
	if (--rd->active == 0)
		pthread_cond_broadcast(&rd->drained);
	pthread_mutex_unlock(&rd->lock);
	return NULL;
}

static void
peer_name(const struct sockaddr_storage *ss, socklen_t sl, char *out, size_t len)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	if (getnameinfo((const struct sockaddr *)ss, sl, host, sizeof(host), serv, sizeof(serv),
	        NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(out, len, "?");
		return;
	}
	fmt_addr(host, atoi(serv), out, len);
}

static void
accept_some(refdev_t *rd, const listener_t *l, pthread_attr_t *attr)
{
	for (int i = 0; i < ACCEPTS_PER_WAKE; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int fd = accept4(l->fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			/* Out of descriptors: back off instead of spinning on poll(). */
			if (errno == EMFILE || errno == ENFILE)
				nanosleep(&(struct timespec){ .tv_nsec = 50000000L }, NULL);
			return; /* EAGAIN, or a client that went away before we got to it */
		}
		char peer[80];
		peer_name(&ss, sl, peer, sizeof(peer));
		pthread_mutex_lock(&rd->lock);
		bool full = rd->active >= REFDEV_MAX_CONNS;
		if (!full)
			rd->active++;
		pthread_mutex_unlock(&rd->lock);
		if (full) {
			if (!rd->cfg.quiet)
				fprintf(stderr, "refdev: %s %s: too many connections, closed\n",
				    svc_get(l->svc)->name, peer);
			close(fd);
			continue;
		}
		conn_t *c = conn_new(rd, l->svc, fd, peer);
		pthread_t tid;
		if (pthread_create(&tid, attr, conn_main, c) != 0) {
			conn_free(c);
			pthread_mutex_lock(&rd->lock);
			rd->active--;
			pthread_mutex_unlock(&rd->lock);
		}
	}
}

void
serve(refdev_t *rd)
{
	struct pollfd p[SVC_COUNT + 1];
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	for (;;) {
		size_t n = 0;
		for (size_t i = 0; i < rd->nlis; i++)
			p[n++] = (struct pollfd){ .fd = rd->lis[i].fd, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = rd->sig_fd, .events = POLLIN };
		if (poll(p, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[n - 1].revents) {
			struct signalfd_siginfo si;
			if (read(rd->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si) && !rd->cfg.quiet)
				fprintf(stderr, "refdev: signal %u, stopping\n", si.ssi_signo);
			break;
		}
		for (size_t i = 0; i < rd->nlis; i++) {
			if (!p[i].revents)
				continue;
			if (svc_get(rd->lis[i].svc)->datagram)
				udp_readable(rd, &rd->lis[i]);
			else
				accept_some(rd, &rd->lis[i], &attr);
		}
	}
	pthread_attr_destroy(&attr);
}

bool
refdev_wait_drained(refdev_t *rd, int max_ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += max_ms / 1000;
	ts.tv_nsec += (long)(max_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&rd->lock);
	while (rd->active > 0)
		if (pthread_cond_timedwait(&rd->drained, &rd->lock, &ts) != 0)
			break;
	bool done = rd->active == 0;
	pthread_mutex_unlock(&rd->lock);
	return done;
}

int
refdev_port(const refdev_t *rd, enum svc s)
{
	return rd->bound_port[s];
}

char *
refdev_base_url(const refdev_t *rd, enum svc s)
{
	char where[160];
	fmt_addr(rd->cfg.addr, refdev_port(rd, s), where, sizeof(where));
	return xasprintf("http://%s", where);
}
