/*
 * A tiny HTTP server on 127.0.0.1 for unit tests of the HTTP client and the
 * disclosure probe: a thread that answers each connection with the canned
 * bytes routed by request path, counting the requests per route so a test
 * can prove a path was (or was never) fetched.  Routes can also stay silent
 * or send without end, to exercise deadlines and caps.  Header-only: each
 * test executable includes it once.
 */
#ifndef IOTCERT_TEST_HTTP_SRV_H
#define IOTCERT_TEST_HTTP_SRV_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SRV_MAX_ROUTES 16

typedef enum { SRV_SEND, SRV_SILENT, SRV_ENDLESS } srv_mode_t;

typedef struct srv_route {
	const char *path;		/* exact request path */
	const char *resp;		/* bytes sent (whole response) */
	size_t len;			/* 0: strlen(resp) */
	srv_mode_t mode;
	atomic_int hits;
} srv_route_t;

typedef struct srv {
	int fd;
	int port;
	pthread_t th;
	atomic_bool stop;
	srv_route_t routes[SRV_MAX_ROUTES];
	size_t n_routes;
	atomic_int requests;
	char last_request[2048];	/* written by the thread; read after srv_stop */
} srv_t;

static inline void
srv_route(srv_t *s, const char *path, const char *resp, size_t len, srv_mode_t mode)
{
	srv_route_t *r = &s->routes[s->n_routes++];
	r->path = path;
	r->resp = resp;
	r->len = len ? len : (resp ? strlen(resp) : 0);
	r->mode = mode;
	atomic_init(&r->hits, 0);
}

static inline int
srv_hits(srv_t *s, const char *path)
{
	for (size_t i = 0; i < s->n_routes; i++)
		if (strcmp(s->routes[i].path, path) == 0)
			return atomic_load(&s->routes[i].hits);
	return -1;
}

static void
srv_serve(srv_t *s, int c)
{
	char req[2048];
	size_t n = 0;
	while (n < sizeof(req) - 1) {
		struct pollfd p = { .fd = c, .events = POLLIN };
		if (poll(&p, 1, 2000) <= 0)
			return;
		ssize_t r = recv(c, req + n, sizeof(req) - 1 - n, 0);
		if (r <= 0)
			return;
		n += (size_t)r;
		req[n] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	atomic_fetch_add(&s->requests, 1);
	memcpy(s->last_request, req, n + 1);
	char path[1024] = "";
	sscanf(req, "%*s %1023s", path);
	const srv_route_t *rt = NULL;
	for (size_t i = 0; i < s->n_routes; i++)
		if (strcmp(s->routes[i].path, path) == 0) {
			rt = &s->routes[i];
			atomic_fetch_add(&s->routes[i].hits, 1);
		}
	if (rt == NULL) {
		static const char nf[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
		send(c, nf, sizeof(nf) - 1, MSG_NOSIGNAL);
		return;
	}
	if (rt->mode == SRV_SILENT) {
		while (!atomic_load(&s->stop)) {
			struct pollfd p = { .fd = c, .events = POLLIN };
			if (poll(&p, 1, 50) > 0) {
				char b[64];
				if (recv(c, b, sizeof(b), 0) <= 0)
					return;
			}
		}
		return;
	}
	if (send(c, rt->resp, rt->len, MSG_NOSIGNAL) < 0)
		return;
	if (rt->mode == SRV_ENDLESS) {
		char fill[4096];
		memset(fill, 'A', sizeof(fill));
		while (!atomic_load(&s->stop) && send(c, fill, sizeof(fill), MSG_NOSIGNAL) > 0)
			;
	}
}

static void *
srv_thread(void *arg)
{
	srv_t *s = arg;
	while (!atomic_load(&s->stop)) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		if (poll(&p, 1, 50) <= 0)
			continue;
		int c = accept(s->fd, NULL, NULL);
		if (c < 0)
			continue;
		srv_serve(s, c);
		shutdown(c, SHUT_RDWR);
		close(c);
	}
	return NULL;
}

/* Starts serving (routes added before); returns 0 and sets s->port. */
static inline int
srv_start(srv_t *s)
{
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (s->fd < 0)
		return -1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	if (bind(s->fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s->fd, 16) < 0 ||
	    getsockname(s->fd, (struct sockaddr *)&a, &al) < 0) {
		close(s->fd);
		return -1;
	}
	s->port = ntohs(a.sin_port);
	atomic_init(&s->stop, false);
	atomic_init(&s->requests, 0);
	return pthread_create(&s->th, NULL, srv_thread, s) == 0 ? 0 : -1;
}

static inline void
srv_stop(srv_t *s)
{
	atomic_store(&s->stop, true);
	pthread_join(s->th, NULL);
	close(s->fd);
}

#endif
