/*
 * Running reference devices for the refdev unit tests that talk to them
 * over loopback: a fixture (a scratch directory, instances started on
 * addresses of 127.0.26.0/24 with every default service off, their ready
 * lines and logs) and small blocking clients (UDP exchange, TCP reads with
 * a silence limit, one HTTP request) whose sockets are bound in that net
 * too.  Header-only, shared by test_refdev_udp.c and test_refdev_hostile.c.
 */
#ifndef IOTCERT_TEST_REFDEV_LIVE_H
#define IOTCERT_TEST_REFDEV_LIVE_H

#include "check_main.h"
#include "test_daemons.h"

#include "core/util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define CLIENT_ADDR "127.0.26.250"
#define RD_MAX 4

typedef struct rd_fixture {
	char dir[64];
	char bin[PATH_MAX];
	const char *addr[RD_MAX];
	pid_t pid[RD_MAX];
	char ready[RD_MAX][256];
} rd_fixture_t;

static rd_fixture_t F; /* set up in the parent, read by the forked tests */

/* build-rd/tests/test_refdev_hostile -> build-rd/iotcert-refdev. */
static inline bool
sibling(const char *name, char *out, size_t cap)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	snprintf(out, cap, "%s/%s", dirname(dirname(exe)), name);
	return access(out, X_OK) == 0;
}

static inline void
log_path(int i, char *out, size_t cap)
{
	snprintf(out, cap, "%s/refdev%d.log", F.dir, i);
}

/* Starts instance i on addr, every default service off, plus extra. */
static inline void
start(int i, const char *addr, char *const extra[])
{
	char ready[128], log[128];
	snprintf(ready, sizeof(ready), "%s/ready%d", F.dir, i);
	log_path(i, log, sizeof(log));
	F.addr[i] = addr;
	char *argv[40] = { F.bin, "--addr", (char *)addr, "--ready-file", ready, "--quiet",
		           "--port", "telnet=off", "--port", "http=off", "--port", "mqtt=off",
		           "--port", "https=off", "--port", "debug=off" };
	size_t k = 16;
	for (size_t j = 0; extra[j] && k + 1 < sizeof(argv) / sizeof(argv[0]); j++)
		argv[k++] = extra[j];
	argv[k] = NULL;
	char *line;
	pid_t pid = spawn_until_ready(argv, ready, log, &line);
	if (pid < 0)
		return;
	snprintf(F.ready[i], sizeof(F.ready[i]), "%s", line);
	free(line);
	F.pid[i] = pid;
}

/* Finds the binary and makes the scratch directory; false: SKIP everything. */
static inline bool
fixture_open(void)
{
	memset(&F, 0, sizeof(F));
	if (!sibling("iotcert-refdev", F.bin, sizeof(F.bin))) {
		printf("SKIP: no iotcert-refdev next to the tests (make all first)\n");
		return false;
	}
	snprintf(F.dir, sizeof(F.dir), "/tmp/iotcert-refdev-live-XXXXXX");
	return mkdtemp(F.dir) != NULL;
}

static inline void
fixture_down(void)
{
	td_stop_all(F.pid, RD_MAX);
	td_remove_dir(F.dir);
	memset(&F, 0, sizeof(F));
}

static inline bool
up(int i)
{
	if (F.pid[i] <= 0)
		printf("SKIP: reference device on %s is not running\n", F.addr[i]);
	return F.pid[i] > 0;
}

/* The port of service name in instance i's ready line. */
static inline int
port(int i, const char *name)
{
	char key[32];
	snprintf(key, sizeof(key), " %s=", name);
	const char *p = strstr(F.ready[i], key);
	ck_assert_msg(p != NULL, "%s not in '%s'", name, F.ready[i]);
	return atoi(p + strlen(key));
}

static inline struct sockaddr_in
sin_of(const char *addr, int p)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)p) };
	ck_assert_int_eq(inet_pton(AF_INET, addr, &a.sin_addr), 1);
	return a;
}

/* A socket bound to the test net, so every packet stays in 127.0.26.0/24. */
static inline int
client_sock(int type)
{
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in me = sin_of(CLIENT_ADDR, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&me, sizeof(me)), 0);
	return fd;
}

typedef struct dgrams {
	size_t n;
	size_t len[8];
	uint8_t p[8][2048];
} dgrams_t;

/* Sends one datagram, then collects replies until quiet_ms pass without one. */
static inline void
ask_udp(int i, int p, const void *req, size_t n, dgrams_t *out, int quiet_ms)
{
	int fd = client_sock(SOCK_DGRAM);
	struct sockaddr_in to = sin_of(F.addr[i], p);
	ck_assert_int_eq(sendto(fd, req, n, 0, (struct sockaddr *)&to, sizeof(to)), (ssize_t)n);
	memset(out, 0, sizeof(*out));
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	while (out->n < 8 && poll(&pf, 1, quiet_ms) == 1) {
		ssize_t k = recv(fd, out->p[out->n], sizeof(out->p[0]), 0);
		ck_assert_int_gt(k, 0);
		out->len[out->n++] = (size_t)k;
	}
	close(fd);
}

static inline int
tcp_open(int i, int p)
{
	int fd = client_sock(SOCK_STREAM);
	struct sockaddr_in to = sin_of(F.addr[i], p);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&to, sizeof(to)), 0);
	return fd;
}

/* Reads until cap bytes, EOF or ms of silence; *eof tells which. */
static inline size_t
read_some(int fd, uint8_t *buf, size_t cap, int ms, bool *eof)
{
	size_t got = 0;
	*eof = false;
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	while (got < cap && poll(&pf, 1, ms) == 1) {
		ssize_t k = recv(fd, buf + got, cap - got, 0);
		if (k <= 0) {
			*eof = true;
			break;
		}
		got += (size_t)k;
	}
	return got;
}

/* Sends an HTTP request and returns up to cap bytes of the answer (NUL-ended). */
static inline char *
http_get(int i, int p, const char *method, const char *path, size_t cap, size_t *len)
{
	int fd = tcp_open(i, p);
	char req[256];
	int n = snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: %s\r\n\r\n", method, path,
	    F.addr[i]);
	ck_assert_int_eq(send(fd, req, (size_t)n, MSG_NOSIGNAL), n);
	char *buf = xcalloc(cap + 1, 1);
	bool eof;
	*len = read_some(fd, (uint8_t *)buf, cap, 3000, &eof);
	close(fd);
	return buf;
}

static inline const char *
body_of(const char *resp)
{
	const char *b = strstr(resp, "\r\n\r\n");
	ck_assert_ptr_nonnull(b);
	return b + 4;
}

static inline bool
log_has(int i, const char *needle)
{
	char path[128], *text = NULL;
	size_t len = 0;
	log_path(i, path, sizeof(path));
	if (read_file_capped(path, 1 << 20, &text, &len) < 0)
		return false;
	bool has = strstr(text, needle) != NULL;
	free(text);
	return has;
}

#endif
