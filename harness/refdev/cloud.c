/*
 * --cloud ADDR:PORT: the reference device phones home, as real devices do
 * during normal use, so the capture analysis of a live run has the
 * device's own traffic to judge (the harness's probes are left out of it).
 * The "cloud" is simulated in this process: a sink listening on ADDR:PORT.
 * Every --cloud-interval the device connects to it FROM its own address
 * and posts telemetry with its cloud credentials and its owner's e-mail
 * and location: in weak mode in cleartext HTTP with Basic authentication
 * (5.5-1, 5.5-7, 5.8-1 findings), in hardened mode over TLS 1.2 or newer
 * with SNI (nothing to find but the endpoint).  Each post is followed by an
 * update check to the device's update server (same sink, its own name), in
 * cleartext or TLS likewise, for the update-channel case.
 */
#include "refdev.h"

#include "core/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <openssl/err.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CLOUD_NAME "cloud.refdev.test"
#define UPDATE_NAME "updates.refdev.test"	/* its firmware update server */
#define CLOUD_IO_MS 3000
/* Base64 of "RD100-000123:cl0udS3cret", the device's cloud account. */
#define CLOUD_BASIC "UkQxMDAtMDAwMTIzOmNsMHVkUzNjcmV0"
#define TELEMETRY "{\"device\":\"RD-100\",\"serial\":\"RD100-000123\"," \
	"\"owner\":\"jane.doe@example.com\",\"lat\":51.50740,\"lon\":-0.12780,\"temp\":21.5}"

/* ADDR:PORT or [ADDR]:PORT into a numeric sockaddr; -1 when it is not one. */
int
cloud_parse(const char *spec, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[80];
	const char *colon = strrchr(spec, ':');
	if (colon == NULL || colon == spec || (size_t)(colon - spec) >= sizeof(host))
		return -1;
	size_t hl = (size_t)(colon - spec);
	memcpy(host, spec, hl);
	host[hl] = '\0';
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		memmove(host, host + 1, hl - 2);
		host[hl - 2] = '\0';
	}
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
	                          .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai = NULL;
	if (getaddrinfo(host, colon + 1, &hints, &ai) != 0)
		return -1;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

static int
wait_fd(int fd, short ev, int ms)
{
	struct pollfd p = { .fd = fd, .events = ev };
	return poll(&p, 1, ms) == 1 ? 0 : -1;
}

/* The sink: answers every request with 204, in TLS when the device is hardened. */
static void *
sink_main(void *arg)
{
	refdev_t *rd = arg;
	for (;;) {
		struct pollfd p[2] = { { .fd = rd->cloud_fd, .events = POLLIN },
		                       { .fd = rd->stop_rd, .events = POLLIN } };
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		int fd = accept4(rd->cloud_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		struct timeval tv = { .tv_sec = CLOUD_IO_MS / 1000 };
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		SSL *ssl = NULL;
		if (rd->cfg.mode == MODE_HARDENED && rd->tls) {
			ssl = SSL_new(rd->tls);
			if (ssl && (SSL_set_fd(ssl, fd) != 1 || SSL_accept(ssl) != 1)) {
				SSL_free(ssl);
				ssl = NULL;
				close(fd);
				ERR_clear_error();
				continue;
			}
		}
		char buf[2048];
		int n = ssl ? SSL_read(ssl, buf, sizeof(buf)) : (int)recv(fd, buf, sizeof(buf), 0);
		static const char ok[] = "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
		if (n > 0) {
			if (ssl)
				SSL_write(ssl, ok, (int)sizeof(ok) - 1);
			else if (send(fd, ok, sizeof(ok) - 1, MSG_NOSIGNAL) < 0)
				ERR_clear_error();	/* the device has gone: nothing to tell */
		}
		if (ssl) {
			SSL_shutdown(ssl);
			SSL_free(ssl);
		}
		ERR_clear_error();
		close(fd);
	}
	return NULL;
}

/* One request to the cloud from the device's own address, for `name`. */
static void
request_once(refdev_t *rd, SSL_CTX *cli, const char *name, const char *req, int rl)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST, .ai_socktype = SOCK_STREAM,
	                          .ai_family = rd->cloud_addr.ss_family };
	struct addrinfo *src = NULL;
	int fd = socket(rd->cloud_addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	struct timeval tv = { .tv_sec = CLOUD_IO_MS / 1000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	/* From the device's address, so the capture shows the device talking. */
	if (getaddrinfo(rd->cfg.addr, NULL, &hints, &src) == 0) {
		if (bind(fd, src->ai_addr, src->ai_addrlen) < 0 && !rd->cfg.quiet)
			fprintf(stderr, "refdev: cloud: cannot send from %s: %s\n", rd->cfg.addr,
			    strerror(errno));
		freeaddrinfo(src);
	}
	if (connect(fd, (struct sockaddr *)&rd->cloud_addr, rd->cloud_len) < 0) {
		close(fd);
		return;
	}
	char ans[512];
	if (cli) {
		SSL *ssl = SSL_new(cli);
		if (ssl && SSL_set_fd(ssl, fd) == 1 &&
		    SSL_set_tlsext_host_name(ssl, name) == 1 && SSL_connect(ssl) == 1 &&
		    SSL_write(ssl, req, rl) > 0)
			(void)SSL_read(ssl, ans, sizeof(ans));
		if (ssl) {
			SSL_shutdown(ssl);
			SSL_free(ssl);
		}
		ERR_clear_error();
	} else if (send(fd, req, (size_t)rl, MSG_NOSIGNAL) == rl &&
	    wait_fd(fd, POLLIN, CLOUD_IO_MS) == 0) {
		(void)recv(fd, ans, sizeof(ans), 0);
	}
	close(fd);
}

/* A telemetry post, then an update check to the update server's name. */
static void
phone_home(refdev_t *rd, SSL_CTX *cli)
{
	char req[1024];
	int rl = snprintf(req, sizeof(req), "POST /v1/telemetry HTTP/1.1\r\nHost: %s\r\n"
	    "Authorization: Basic %s\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", CLOUD_NAME, CLOUD_BASIC,
	    strlen(TELEMETRY), TELEMETRY);
	request_once(rd, cli, CLOUD_NAME, req, rl);
	rl = snprintf(req, sizeof(req), "GET /v1/firmware/RD-100/latest HTTP/1.1\r\n"
	    "Host: %s\r\nConnection: close\r\n\r\n", UPDATE_NAME);
	request_once(rd, cli, UPDATE_NAME, req, rl);
}

static void *
telemetry_main(void *arg)
{
	refdev_t *rd = arg;
	SSL_CTX *cli = NULL;
	if (rd->cfg.mode == MODE_HARDENED) {
		/* Verification would need a CA the lab does not have; what the
		 * capture judges is what the device offers, which this sets. */
		cli = SSL_CTX_new(TLS_client_method());
		if (cli)
			SSL_CTX_set_min_proto_version(cli, TLS1_2_VERSION);
	}
	do
		phone_home(rd, cli);
	while (wait_fd(rd->stop_rd, POLLIN, rd->cfg.cloud_interval_ms) < 0);
	SSL_CTX_free(cli);
	return NULL;
}

int
cloud_start(refdev_t *rd)
{
	if (rd->cfg.cloud == NULL)
		return 0;
	if (cloud_parse(rd->cfg.cloud, &rd->cloud_addr, &rd->cloud_len) < 0) {
		fprintf(stderr, REFDEV_PROG ": --cloud wants ADDR:PORT, not '%s'\n", rd->cfg.cloud);
		return -1;
	}
	int one = 1;
	rd->cloud_fd = socket(rd->cloud_addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (rd->cloud_fd < 0 ||
	    setsockopt(rd->cloud_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(rd->cloud_fd, (struct sockaddr *)&rd->cloud_addr, rd->cloud_len) < 0 ||
	    listen(rd->cloud_fd, 16) < 0) {
		fprintf(stderr, REFDEV_PROG ": cannot listen on the cloud %s: %s\n", rd->cfg.cloud,
		    strerror(errno));
		return -1;
	}
	if (pthread_create(&rd->cloud_sink, NULL, sink_main, rd) != 0)
		return -1;
	rd->cloud_threads = 1;
	if (pthread_create(&rd->cloud_tele, NULL, telemetry_main, rd) != 0)
		return -1;
	rd->cloud_threads = 2;
	return 0;
}

void
cloud_stop(refdev_t *rd)
{
	/* Both threads watch stop_rd, which main has made readable by now. */
	if (rd->cloud_threads > 1)
		pthread_join(rd->cloud_tele, NULL);
	if (rd->cloud_threads > 0)
		pthread_join(rd->cloud_sink, NULL);
	rd->cloud_threads = 0;
	if (rd->cloud_fd >= 0)
		close(rd->cloud_fd);
	rd->cloud_fd = -1;
}
