/*
 * The anonymous-resources probe over HTTP against in-process loopback
 * servers: a device with one open endpoint among protected, login-page,
 * redirecting and absent ones; a server that answers every path alike;
 * silent ones; and malformed parameters.  The judgement of one answer is
 * tested on its own in test_anonymous_judge.c.
 */
#include "check_main.h"
#include "core/probe.h"
#include "core/util.h"
#include "test_anonymous.h"
#include "test_http_srv.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A TCP socket listening on 127.0.0.1; *port gets its port. */
static int
listener(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(fd, 8), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &al), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static const char cfg_json[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n"
    "{\"ssid\":\"home\"}";
static const char realm[] =
    "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"cam\"\r\n"
    "Content-Length: 0\r\n\r\n";
static const char login_page[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    "<html><form action=/login><input type=password name=pw></form></html>";
static const char to_login[] =
    "HTTP/1.1 302 Found\r\nLocation: /login.html\r\nContent-Length: 0\r\n\r\n";

START_TEST(http_device)
{
	srv_t srv = { 0 };
	srv_route(&srv, "/api/config", cfg_json, 0, SRV_SEND);
	srv_route(&srv, "/admin", realm, 0, SRV_SEND);
	srv_route(&srv, "/config", login_page, 0, SRV_SEND);
	srv_route(&srv, "/setup.cgi", to_login, 0, SRV_SEND);
	ck_assert_int_eq(srv_start(&srv), 0);
	static const char *const paths[] = { "/api/config", "/admin", "/config", "/setup.cgi",
		"/missing" };
	params_t p = { .n = 0 };
	p_paths(&p, paths, ARRAY_LEN(paths));
	evidence_t *ev = evidence_new();
	char reason[512];
	ck_assert_int_eq(run_probe("http", "tcp", srv.port, &p, ev, reason, sizeof(reason)),
	    PROBE_OK);
	srv_stop(&srv);
	ck_assert(ev_get(ev, "anonymous")->b);
	ck_assert(!ev_get(ev, "catch_all")->b);
	ck_assert_int_eq(ev_get(ev, "checked")->i, 5);
	assert_list(ev, "resources", "/api/config");
	assert_list(ev, "protected", "/admin");
	assert_list(ev, "writable", "");
	assert_list(ev, "unexamined", "");
	const value_t *ans = ev_get(ev, "answers");
	ck_assert_uint_eq(ans->n_items, 6);
	ck_assert_msg(strncmp(ans->items[0], "/iotcert-", 9) == 0 &&
	    strstr(ans->items[0], " 404 made-up path"), "%s", ans->items[0]);
	ck_assert_str_eq(ans->items[1], "/api/config 200 open");
	ck_assert_str_eq(ans->items[2], "/admin 401 protected");
	ck_assert_str_eq(ans->items[3], "/config 200 login page");
	ck_assert_str_eq(ans->items[4], "/setup.cgi 302 redirect");
	ck_assert_str_eq(ans->items[5], "/missing 404 absent");
	ck_assert_uint_eq(ev->n_findings, 1);
	const finding_t *f = &ev->findings[0];
	ck_assert_str_eq(f->kind, "anonymous-access");
	ck_assert_str_eq(f->protocol, "http");
	ck_assert_int_eq(f->port, srv.port);
	ck_assert_str_eq(finding_get(f, "path"), "/api/config");
	ck_assert_str_eq(finding_get(f, "method"), "GET");
	ck_assert_str_eq(finding_get(f, "status"), "200");
	ck_assert_str_eq(finding_get(f, "content-type"), "application/json");
	ck_assert_str_eq(finding_get(f, "bytes"), "15");
	ck_assert_ptr_null(finding_get(f, "writable"));
	ck_assert_int_gt(ev->n_flows, 5);
	evidence_free(ev);
}
END_TEST

/*
 * A server that answers every path 200 with a page naming the path (as
 * single-page apps and cheap firmware do), except /api/config: data.
 */
typedef struct catchall {
	int fd, port;
	pthread_t th;
	atomic_bool stop;
} catchall_t;

static void *
catchall_thread(void *arg)
{
	catchall_t *s = arg;
	while (!atomic_load(&s->stop)) {
		struct pollfd pf = { .fd = s->fd, .events = POLLIN };
		int c = poll(&pf, 1, 50) > 0 ? accept(s->fd, NULL, NULL) : -1;
		if (c < 0)
			continue;
		char req[1024] = "", path[256] = "", out[1024];
		ssize_t r = recv(c, req, sizeof(req) - 1, 0);	/* one segment on loopback */
		if (r > 0 && sscanf(req, "GET %255s", path) == 1) {
			int n = strcmp(path, "/api/config") == 0 ? snprintf(out, sizeof(out), "%s", cfg_json)
			    : snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
			    "Connection: close\r\n\r\n<html><head><title>IPCam</title></head><body>"
			    "<div id=app data-route=\"%s\"></div></body></html>", path);
			send(c, out, (size_t)n, MSG_NOSIGNAL);
		}
		close(c);
	}
	return NULL;
}

START_TEST(http_catch_all)
{
	catchall_t s = { 0 };
	s.fd = listener(&s.port);
	ck_assert_int_eq(pthread_create(&s.th, NULL, catchall_thread, &s), 0);
	static const char *const paths[] = { "/config", "/admin", "/api/config" };
	params_t p = { .n = 0 };
	p_paths(&p, paths, ARRAY_LEN(paths));
	evidence_t *ev = evidence_new();
	char reason[512];
	ck_assert_int_eq(run_probe("http", "tcp", s.port, &p, ev, reason, sizeof(reason)),
	    PROBE_OK);
	atomic_store(&s.stop, true);
	pthread_join(s.th, NULL);
	close(s.fd);
	ck_assert(ev_get(ev, "catch_all")->b);
	assert_list(ev, "resources", "/api/config");
	const value_t *ans = ev_get(ev, "answers");
	ck_assert_uint_eq(ans->n_items, 4);
	ck_assert_str_eq(ans->items[1], "/config 200 same as a made-up path");
	ck_assert_str_eq(ans->items[2], "/admin 200 same as a made-up path");
	ck_assert_uint_eq(ev->n_findings, 1);
	evidence_free(ev);
}
END_TEST

START_TEST(http_inconclusive)
{
	/* Silent on every path: the made-up path decides at once. */
	int lport, lfd = listener(&lport);	/* accepts, never answers */
	params_t p = { .n = 0 };
	p_int(&p, "read-timeout", 300);
	evidence_t *ev = evidence_new();
	char reason[512];
	uint64_t t0 = mono_ms();
	ck_assert_int_eq(run_probe("http", "tcp", lport, &p, ev, reason, sizeof(reason)),
	    PROBE_INCONCLUSIVE);
	ck_assert_uint_lt(mono_ms() - t0, 2000);
	ck_assert_msg(strstr(reason, "no usable HTTP answer from tcp/") &&
	    strstr(reason, "nothing could be examined"), "%s", reason);
	ck_assert(!ev_get(ev, "anonymous")->b);
	ck_assert_uint_eq(ev->n_findings, 0);
	evidence_free(ev);
	close(lfd);

	/* One protected path, one that stays silent: absence unproven. */
	srv_t srv = { 0 };
	srv_route(&srv, "/admin", realm, 0, SRV_SEND);
	srv_route(&srv, "/hang", "", 0, SRV_SILENT);
	ck_assert_int_eq(srv_start(&srv), 0);
	static const char *const paths[] = { "/admin", "/hang" };
	p = (params_t){ .n = 0 };
	p_paths(&p, paths, ARRAY_LEN(paths));
	p_int(&p, "read-timeout", 300);
	ev = evidence_new();
	ck_assert_int_eq(run_probe("http", "tcp", srv.port, &p, ev, reason, sizeof(reason)),
	    PROBE_INCONCLUSIVE);
	ck_assert_msg(strstr(reason, "1 request(s) got no usable answer: GET /hang: "), "%s",
	    reason);
	assert_list(ev, "protected", "/admin");
	ck_assert_int_eq(ev_get(ev, "checked")->i, 1);
	evidence_free(ev);

	/* A malformed path is the case author's error. */
	static const char *const bad[] = { "/ok", "no-slash" };
	p = (params_t){ .n = 0 };
	p_paths(&p, bad, ARRAY_LEN(bad));
	ev = evidence_new();
	ck_assert_int_eq(run_probe("http", "tcp", srv.port, &p, ev, reason, sizeof(reason)),
	    PROBE_ERROR);
	ck_assert_str_eq(reason, "paths: \"no-slash\" is not an absolute path of printable "
	    "ASCII without blanks");
	evidence_free(ev);
	ev = evidence_new();
	ck_assert_int_eq(run_probe("mqtt", "tcp", srv.port, NULL, ev, reason, sizeof(reason)),
	    PROBE_ERROR);
	evidence_free(ev);
	srv_stop(&srv);
}
END_TEST

static Suite *
anonymous_http_suite(void)
{
	Suite *s = suite_create("anonymous-http");
	TCase *l = tcase_create("loopback");
	tcase_add_test(l, http_device);
	tcase_add_test(l, http_catch_all);
	tcase_add_test(l, http_inconclusive);
	suite_add_tcase(s, l);
	return s;
}

CHECK_MAIN(anonymous_http_suite)
