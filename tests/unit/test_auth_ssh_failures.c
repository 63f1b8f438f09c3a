/*
 * The SSH authenticator when the other end is not a willing SSH server (see
 * test_auth_ssh.h for the lab): a closed port, HTTP and binary garbage,
 * silence before the banner and after it (the deadline holds), a prompt
 * cancel; and on every path, Dropbear's included, no descriptor left
 * behind and nothing written on stderr.  In-process listeners play the
 * closed, garbage and silent servers.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "test_auth_ssh.h"

typedef enum lmode { L_SILENT, L_HTTP, L_BINARY, L_BANNER_ONLY } lmode_t;

typedef struct listener {
	int fd;
	int port;
	lmode_t mode;
	pthread_t th;
} listener_t;

static void *
listener_run(void *arg)
{
	listener_t *l = arg;
	for (;;) {
		int c = accept(l->fd, NULL, NULL);
		if (c < 0)
			return NULL;
		if (l->mode == L_HTTP) {
			static const char r[] = "HTTP/1.0 400 Bad Request\r\nServer: lab\r\n\r\n"
			    "<html>no</html>\r\n";
			(void)!write(c, r, sizeof(r) - 1);
			close(c);
		} else if (l->mode == L_BINARY) {
			unsigned char junk[600];
			for (size_t i = 0; i < sizeof(junk); i++)
				junk[i] = (unsigned char)(i * 151 + 7);
			(void)!write(c, junk, sizeof(junk));
			usleep(200 * 1000);
			close(c);
		} else {
			static const char b[] = "SSH-2.0-stalls_after_banner\r\n";
			(void)!write(c, b, sizeof(b) - 1);
			/* Mute until the client gives up. */
			char sink[512];
			while (read(c, sink, sizeof(sink)) > 0)
				;
			close(c);
		}
	}
}

/* A listener on LAB_ADDR; L_SILENT never accepts (the kernel completes the handshake). */
static listener_t *
listener_start(lmode_t mode)
{
	listener_t *l = xcalloc(1, sizeof(*l));
	l->mode = mode;
	l->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(l->fd, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	inet_pton(AF_INET, LAB_ADDR, &sa.sin_addr);
	socklen_t len = sizeof(sa);
	ck_assert_int_eq(bind(l->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(l->fd, 8), 0);
	ck_assert_int_eq(getsockname(l->fd, (struct sockaddr *)&sa, &len), 0);
	l->port = ntohs(sa.sin_port);
	if (mode != L_SILENT)
		ck_assert_int_eq(pthread_create(&l->th, NULL, listener_run, l), 0);
	return l;
}

/* Wakes the accept() with shutdown, so the thread ends and nothing stays open. */
static void
listener_stop(listener_t *l)
{
	shutdown(l->fd, SHUT_RDWR);
	if (l->mode != L_SILENT)
		pthread_join(l->th, NULL);
	close(l->fd);
	free(l);
}

START_TEST(closed_port)
{
	NEED_LAB();
	int port = td_free_port(LAB_ADDR);
	shot_t s = shoot(port, L.user, L.pass, 3000);
	ck_assert_int_eq(s.o.result, AUTH_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(s.o.reason, "refused"));
	ck_assert_uint_lt(s.ms, 1000);
	shot_free(&s);
}
END_TEST

START_TEST(garbage)
{
	NEED_LAB();
	listener_t *http = listener_start(L_HTTP), *bin = listener_start(L_BINARY);
	shot_t s = shoot(http->port, L.user, L.pass, 3000);
	ck_assert_int_eq(s.o.result, AUTH_INCONCLUSIVE);
	ck_assert(strncmp(s.o.reason, "during the SSH handshake: ", 26) == 0);
	ck_assert_uint_gt(strlen(s.o.reason), 26);	/* libssh's own words follow */
	ck_assert_uint_eq(s.ev->n_flows, 1);
	shot_free(&s);
	s = shoot(bin->port, L.user, L.pass, 3000);
	ck_assert_int_eq(s.o.result, AUTH_INCONCLUSIVE);
	ck_assert(strncmp(s.o.reason, "during the SSH handshake: ", 26) == 0);
	ck_assert_uint_lt(s.ms, 2500);
	shot_free(&s);
	listener_stop(http);
	listener_stop(bin);
}
END_TEST

START_TEST(silence_keeps_the_deadline)
{
	NEED_LAB();
	listener_t *mute = listener_start(L_SILENT), *stall = listener_start(L_BANNER_ONLY);
	shot_t s = shoot(mute->port, L.user, L.pass, 1500);
	ck_assert_int_eq(s.o.result, AUTH_INCONCLUSIVE);
	ck_assert_str_eq(s.o.reason, "timed out waiting for the SSH banner");
	ck_assert_uint_ge(s.ms, 1400);
	ck_assert_uint_le(s.ms, 2000);
	shot_free(&s);
	s = shoot(stall->port, L.user, L.pass, 1500);
	ck_assert_int_eq(s.o.result, AUTH_INCONCLUSIVE);
	ck_assert_str_eq(s.o.reason, "timed out waiting for the SSH key exchange");
	ck_assert_uint_le(s.ms, 2000);
	shot_free(&s);
	listener_stop(mute);
	listener_stop(stall);
}
END_TEST

typedef struct canceller {
	volatile int flag;
	unsigned after_ms;
} canceller_t;

static void *
cancel_later(void *arg)
{
	canceller_t *c = arg;
	usleep(c->after_ms * 1000);
	c->flag = 1;
	return NULL;
}

START_TEST(cancel_is_prompt)
{
	NEED_LAB();
	listener_t *mute = listener_start(L_SILENT);
	canceller_t c = { .flag = 0, .after_ms = 300 };
	pthread_t th;
	ck_assert_int_eq(pthread_create(&th, NULL, cancel_later, &c), 0);
	shot_t s = shoot_c(mute->port, L.user, L.pass, 10000, &c.flag);
	pthread_join(th, NULL);
	ck_assert_int_eq(s.o.result, AUTH_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(s.o.reason, "cancelled"));
	ck_assert_uint_lt(s.ms, 1000);
	shot_free(&s);
	listener_stop(mute);
}
END_TEST

static int
open_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	for (struct dirent *e; d && (e = readdir(d)) != NULL;)
		n++;
	if (d)
		closedir(d);
	return n;
}

/*
 * Every path leaves no descriptor behind (libssh gets a dup: a leak or a
 * double close would show here) and writes nothing on stderr.
 */
START_TEST(quiet_and_tidy)
{
	NEED_LAB();
	char errpath[128];
	snprintf(errpath, sizeof(errpath), "%s/stderr-%d.txt", L.d.dir, (int)getpid());
	fflush(stderr);
	int saved = dup(2);
	int ef = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(ef, 0);
	dup2(ef, 2);
	close(ef);
	int before = open_fds();
	listener_t *http = listener_start(L_HTTP), *stall = listener_start(L_BANNER_ONLY);
	struct { int port; const char *pass; unsigned budget; } runs[] = {
		{ L.db, L.pass, 8000 }, { L.db, "wrong", 8000 },
		{ td_free_port(LAB_ADDR), "x", 2000 }, { http->port, "x", 2000 },
		{ stall->port, "x", 600 }, { L.db_2fa, L.pass, 8000 },
	};
	for (size_t i = 0; i < ARRAY_LEN(runs); i++) {
		shot_t s = shoot(runs[i].port, L.user, runs[i].pass, runs[i].budget);
		shot_free(&s);
	}
	listener_stop(http);
	listener_stop(stall);
	int after = open_fds();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	ck_assert_int_eq(after, before);
	struct stat st;
	ck_assert_int_eq(stat(errpath, &st), 0);
	ck_assert_msg(st.st_size == 0, "libssh wrote %lld bytes on stderr", (long long)st.st_size);
}
END_TEST

static void
up(void)
{
	lab_up(LAB_DROPBEAR);
}

static Suite *
auth_ssh_failures_suite(void)
{
	Suite *s = suite_create("auth-ssh-failures");
	TCase *tc = tcase_create("servers");
	tcase_set_timeout(tc, 30);
	/* Unchecked: runs in the parent, so servers and accounts go even if a test fails. */
	tcase_add_unchecked_fixture(tc, up, lab_down);
	tcase_add_test(tc, closed_port);
	tcase_add_test(tc, garbage);
	tcase_add_test(tc, silence_keeps_the_deadline);
	tcase_add_test(tc, cancel_is_prompt);
	tcase_add_test(tc, quiet_and_tidy);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(auth_ssh_failures_suite)
