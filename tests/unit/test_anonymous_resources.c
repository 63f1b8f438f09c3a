/*
 * The anonymous-resources probe: its pure parts (CoRE Link Format targets,
 * login-page and soft-redirect recognition, the canary comparison and the
 * judgement of one HTTP answer, CoAP PUT, Block2 and TCP framing), then the
 * probe itself against in-process loopback servers: an HTTP device with one
 * open endpoint among protected and absent ones, a server that answers
 * every path, silent ones, and a fake CoAP device (piggybacked and separate
 * responses, a protected resource, a writable one, garbage, a missing
 * directory).
 */
#include "check_main.h"
#include "core/probe.h"
#include "core/util.h"
#include "net/http.h"
#include "probes/anonymous.h"
#include "proto/coap.h"
#include "proto/coap_put.h"
#include "proto/coap_tcp.h"
#include "proto/html_login.h"
#include "proto/linkformat.h"
#include "test_http_srv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- CoRE Link Format ---- */

static void
collect(void *arg, const char *target)
{
	strlist_push(arg, target);
}

static char *
targets(const char *text, int *links)
{
	strlist_t l = { 0 };
	*links = linkfmt_walk((const uint8_t *)text, strlen(text), collect, &l);
	char *s = strlist_join(&l, " ");
	strlist_free(&l);
	return s;
}

START_TEST(linkformat_targets)
{
	int n;
	/* What libcoap's coap-server lists. */
	char *s = targets("</>;title=\"General Info\";ct=0,</time>;if=\"clock\";rt=\"ticks\";"
	    "title=\"Internal Clock\";ct=0;obs,</async>;ct=0,</example_data>;"
	    "title=\"Example Data\";ct=0;obs", &n);
	ck_assert_int_eq(n, 4);
	ck_assert_str_eq(s, "/ /time /async /example_data");
	free(s);
	/* Commas, semicolons and '>' inside quoted titles start no link. */
	s = targets("</a>;title=\"x, </no>;y\\\"z>\";ct=0, \r\n </b/c>", &n);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(s, "/a /b/c");
	free(s);
	s = targets("", &n);
	ck_assert_int_eq(n, 0);
	ck_assert_str_eq(s, "");
	free(s);
	/* A control byte in a target: counted, not passed on. */
	s = targets("</a\x01>,</b>", &n);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(s, "/b");
	free(s);
}
END_TEST

START_TEST(linkformat_garbage)
{
	int n;
	char *s = targets("hello, world", &n);
	ck_assert_int_eq(n, -1);
	free(s);
	s = targets("</a>,</b", &n);		/* unclosed '<' */
	ck_assert_int_eq(n, -1);
	ck_assert_str_eq(s, "/a");
	free(s);
	s = targets("</a>;title=\"open", &n);	/* unclosed quote */
	ck_assert_int_eq(n, -1);
	free(s);
	s = targets("</a>;t=\"", &n);
	ck_assert_int_eq(n, -1);
	free(s);
}
END_TEST

START_TEST(linkformat_selection)
{
	ck_assert(linkfmt_local_path("/"));
	ck_assert(linkfmt_local_path("/sensors/temp"));
	ck_assert(!linkfmt_local_path("/.well-known/core"));
	ck_assert(!linkfmt_local_path("/.well-known"));
	ck_assert(!linkfmt_local_path("coap://192.0.2.1/x"));
	ck_assert(!linkfmt_local_path("//192.0.2.1/x"));
	ck_assert(!linkfmt_local_path("sensors"));
	ck_assert(!linkfmt_local_path("/q?x=1"));
	ck_assert(!linkfmt_local_path("/a%20b"));
	ck_assert(!linkfmt_local_path("/a#frag"));
}
END_TEST

/* ---- login pages and redirects ---- */

static bool
login(const char *html)
{
	return html_login_page((const uint8_t *)html, strlen(html));
}

static bool
soft(const char *html)
{
	return html_soft_redirect((const uint8_t *)html, strlen(html));
}

START_TEST(login_forms)
{
	ck_assert(login("<form><input name=u><input type=\"password\" name=p></form>"));
	ck_assert(login("<FORM><INPUT NAME=p TYPE='Password'></FORM>"));
	ck_assert(login("<input\ttype = password>"));
	ck_assert(login("<html><head><title>Sign In - Cam</title></head><body>x</body></html>"));
	ck_assert(login("<title>Router Login</title>"));
	ck_assert(!login("<input name=\"type\" value=\"password\">"));
	ck_assert(!login("<input data-type=\"password\">"));
	ck_assert(!login("<input type=\"passwords\">"));
	ck_assert(!login("<!-- <input type=password> --><p>settings</p>"));
	ck_assert(!login("<title>Device settings</title><input type=text name=ssid>"));
	ck_assert(!login("{\"password\":\"x\",\"type\":\"password\"}"));
	ck_assert(!login("<input type=pass"));
}
END_TEST

START_TEST(soft_redirects)
{
	ck_assert(soft("<meta http-equiv=\"refresh\" content=\"0; url=/login.html\">"));
	ck_assert(soft("<META HTTP-EQUIV=Refresh CONTENT='0;URL=/'>"));
	ck_assert(soft("<script>window.location.href = '/login.asp';</script>"));
	ck_assert(soft("<script>top.location.replace(\"/index.htm\")</script>"));
	ck_assert(!soft("<meta name=\"viewport\" content=\"width=device-width\"><p>x</p>"));
	ck_assert(!soft("<p>settings</p>"));
	/* A full page that scripts a navigation somewhere is content. */
	char *big = xcalloc(HTML_REDIRECT_MAX + 64, 1);
	memset(big, 'x', HTML_REDIRECT_MAX + 1);
	memcpy(big, "<script>location.href='/a'</script>", 35);
	ck_assert(!soft(big));
	free(big);
}
END_TEST

/* ---- the canary and the judgement ---- */

static bool
same(const char *a, const char *ap, const char *b, const char *bp)
{
	return anon_same_page((const uint8_t *)a, strlen(a), ap, (const uint8_t *)b,
	    strlen(b), bp);
}

START_TEST(canary_equality)
{
	static const char idx[] = "<html><head><title>IPCam</title></head><body>app</body></html>";
	ck_assert(same(idx, "/config", idx, "/iotcert-1"));
	/* Error pages that echo the request path. */
	ck_assert(same("<p>No page /config here</p>", "/config",
	    "<p>No page /iotcert-0011 here</p>", "/iotcert-0011"));
	/* The same page with a token or a time in it. */
	ck_assert(same("<title>IPCam</title><p>token=8f3a1c</p><p>12:00:01</p>", "/a",
	    "<title>IPCam</title><p>token=77b0e2</p><p>12:00:02</p>", "/b"));
	ck_assert(!same("<title>IPCam</title><p>x</p>", "/a",
	    "<title>IPCam</title><p>a much longer page with the settings in it</p>", "/b"));
	ck_assert(!same("<title>Settings</title><p>token=8f3a1c</p>", "/a",
	    "<title>IPCam</title><p>token=77b0e2</p>", "/b"));
	ck_assert(!same("{\"ssid\":\"home\"}", "/api/config", idx, "/iotcert-1"));
	ck_assert(!same("{\"ssid\":\"home\"}", "/a", "{\"ssid\":\"work\"}", "/b"));
}
END_TEST

static void
resp(const char *raw, http_resp_t *r)
{
	char err[128];
	ck_assert_int_eq(http_parse_response((const uint8_t *)raw, strlen(raw), true, false, 0,
	    r, err, sizeof(err)), 0);
}

static anon_http_t
judge(const char *raw, const char *canary_raw)
{
	http_resp_t r, c;
	resp(raw, &r);
	resp(canary_raw, &c);
	anon_http_t v = anon_http_judge(&r, "/config", &c, "/iotcert-00");
	http_resp_clear(&r);
	http_resp_clear(&c);
	return v;
}

#define H200 "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
#define J200 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n"
#define N404 "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"

START_TEST(judgement)
{
	ck_assert_int_eq(judge(J200 "{\"ssid\":\"home\"}", N404), ANON_HTTP_OPEN);
	ck_assert_int_eq(judge("HTTP/1.1 200 OK\r\n\r\n[general]\nuser=admin\n", N404),
	    ANON_HTTP_OPEN);
	ck_assert_int_eq(judge(H200 "<title>Settings</title><p>ssid home</p>", N404),
	    ANON_HTTP_OPEN);
	ck_assert_int_eq(judge("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic "
	    "realm=x\r\n\r\n", N404), ANON_HTTP_PROTECTED);
	ck_assert_int_eq(judge("HTTP/1.1 403 Forbidden\r\n\r\nno", N404), ANON_HTTP_PROTECTED);
	ck_assert_int_eq(judge("HTTP/1.1 302 Found\r\nLocation: /login\r\n\r\n", N404),
	    ANON_HTTP_REDIRECT);
	ck_assert_int_eq(judge(H200 "<meta http-equiv=refresh content='0;url=/login'>", N404),
	    ANON_HTTP_REDIRECT);
	ck_assert_int_eq(judge(H200 "<form><input type=password name=p></form>", N404),
	    ANON_HTTP_LOGIN_PAGE);
	ck_assert_int_eq(judge(J200 " \r\n", N404), ANON_HTTP_EMPTY);
	ck_assert_int_eq(judge("HTTP/1.1 204 No Content\r\n\r\n", N404), ANON_HTTP_EMPTY);
	ck_assert_int_eq(judge(N404, N404), ANON_HTTP_ABSENT);
	ck_assert_int_eq(judge("HTTP/1.1 500 Oops\r\n\r\nerr", N404), ANON_HTTP_ABSENT);
	/* A server that answers everything with its index page. */
	ck_assert_int_eq(judge(H200 "<title>Cam</title>app", H200 "<title>Cam</title>app"),
	    ANON_HTTP_CATCH_ALL);
	ck_assert_int_eq(judge(J200 "{\"ssid\":\"home\"}", H200 "<title>Cam</title>app"),
	    ANON_HTTP_OPEN);
	/* JSON mentioning a password is data, not a login form. */
	ck_assert_int_eq(judge(J200 "{\"type\":\"password\",\"html\":\"<input type=password>\"}",
	    N404), ANON_HTTP_OPEN);
	ck_assert_str_eq(anon_http_str(ANON_HTTP_CATCH_ALL), "same as a made-up path");
}
END_TEST

/* ---- CoAP building blocks ---- */

START_TEST(coap_put_and_block2)
{
	static const uint8_t tok[4] = { 1, 2, 3, 4 };
	uint8_t out[64];
	size_t n = coap_put_build(out, sizeof(out), 0x1234, tok, 4, "/cfg/led", 50,
	    (const uint8_t *)"on", 2);
	static const uint8_t want[] = { 0x44, 0x03, 0x12, 0x34, 1, 2, 3, 4,
		0xb3, 'c', 'f', 'g', 0x03, 'l', 'e', 'd', 0x11, 50, 0xff, 'o', 'n' };
	ck_assert_uint_eq(n, sizeof(want));
	ck_assert_mem_eq(out, want, n);
	coap_msg_t m;
	ck_assert_int_eq(coap_parse(out, n, &m), 0);
	ck_assert_int_eq(m.code, COAP_PUT);
	ck_assert_int_eq(m.content_format, 50);
	/* No path: Content-Format opens the options; text/plain is zero-length. */
	n = coap_put_build(out, sizeof(out), 1, tok, 4, "/", 0, (const uint8_t *)"x", 1);
	static const uint8_t want2[] = { 0x44, 0x03, 0, 1, 1, 2, 3, 4, 0xc0, 0xff, 'x' };
	ck_assert_uint_eq(n, sizeof(want2));
	ck_assert_mem_eq(out, want2, n);
	ck_assert_uint_eq(coap_put_build(out, 12, 1, tok, 4, "/cfg/led", 50,
	    (const uint8_t *)"on", 2), 0);

	/* libcoap's first block of /example_data: ETag, Block2 0/M/1024, Size2 1500. */
	static const uint8_t blk[] = { 0x64, 0x45, 0xbd, 0x9b, 1, 2, 3, 4,
		0x41, 0x01, 0xd1, 0x06, 0x0e, 0x52, 0x05, 0xdc, 0xff, 'a' };
	ck_assert_int_eq(coap_parse(blk, sizeof(blk), &m), 0);
	coap_block_t b;
	ck_assert_int_eq(coap_block2(blk, sizeof(blk), &b), 1);
	ck_assert_uint_eq(b.num, 0);
	ck_assert(b.more);
	ck_assert_uint_eq(b.szx, 6);
	static const uint8_t last[] = { 0x64, 0x45, 0, 1, 1, 2, 3, 4, 0xd1, 0x0a, 0x16 };
	ck_assert_int_eq(coap_block2(last, sizeof(last), &b), 1);
	ck_assert_uint_eq(b.num, 1);
	ck_assert(!b.more);
	static const uint8_t none[] = { 0x64, 0x45, 0, 1, 1, 2, 3, 4, 0xc1, 0x32, 0xff, 'x' };
	ck_assert_int_eq(coap_block2(none, sizeof(none), &b), 0);
	static const uint8_t bert[] = { 0x60, 0x45, 0, 1, 0xd1, 0x0a, 0x0f };
	ck_assert_int_eq(coap_block2(bert, sizeof(bert), &b), -1);
	static const uint8_t cut[] = { 0x60, 0x45, 0, 1, 0xd3, 0x0a, 0x0f };
	ck_assert_int_eq(coap_block2(cut, sizeof(cut), &b), -1);
}
END_TEST

START_TEST(coap_tcp_framing)
{
	static const uint8_t tok[4] = { 9, 8, 7, 6 };
	uint8_t udp[64], tcp[64], back[64];
	size_t n = coap_get_build(udp, sizeof(udp), 0x4242, tok, 4, "/.well-known/core");
	size_t fl = coap_tcp_from_udp(udp, n, tcp, sizeof(tcp));
	/* Options are 17 bytes: Len 13 with a one-byte extension of 4. */
	static const uint8_t head[] = { 0xd4, 0x04, 0x01, 9, 8, 7, 6, 0xbb };
	ck_assert_uint_eq(fl, n - 4 + 3);
	ck_assert_mem_eq(tcp, head, sizeof(head));
	size_t used, bl;
	ck_assert_int_eq(coap_tcp_to_udp(tcp, fl - 1, back, sizeof(back), &used, &bl), 0);
	ck_assert_int_eq(coap_tcp_to_udp(tcp, fl, back, sizeof(back), &used, &bl), 1);
	ck_assert_uint_eq(used, fl);
	ck_assert_uint_eq(bl, n);
	ck_assert_mem_eq(back + 4, udp + 4, n - 4);	/* all but type and message id */
	coap_msg_t m;
	ck_assert_int_eq(coap_parse(back, bl, &m), 0);
	ck_assert_int_eq(m.code, COAP_GET);
	/* A CSM followed by more bytes: one frame taken. */
	static const uint8_t csm[] = { 0x00, 0xe1, 0x50 };
	ck_assert_int_eq(coap_tcp_to_udp(csm, sizeof(csm), back, sizeof(back), &used, &bl), 1);
	ck_assert_uint_eq(used, 2);
	ck_assert_int_eq(back[1], COAP_CODE_CSM);
	static const uint8_t longtok[] = { 0x09, 0x45 };
	ck_assert_int_eq(coap_tcp_to_udp(longtok, 2, back, sizeof(back), &used, &bl), -1);
	static const uint8_t huge[] = { 0xf0, 0x7f, 0xff, 0xff, 0xff, 0x45 };
	ck_assert_int_eq(coap_tcp_to_udp(huge, sizeof(huge), back, sizeof(back), &used, &bl), -1);
	static const uint8_t toobig[] = { 0xd0, 0x60, 0x45 };	/* 109 bytes into 64 */
	uint8_t big[200] = { 0 };
	memcpy(big, toobig, 3);
	ck_assert_int_eq(coap_tcp_to_udp(big, sizeof(big), back, sizeof(back), &used, &bl), -1);
}
END_TEST

/* ---- running the probe ---- */

typedef struct params {
	param_t v[3];
	size_t n;
} params_t;

static void
p_paths(params_t *p, const char *const *paths, size_t n)
{
	param_t *x = &p->v[p->n++];
	x->name = (char *)"paths";
	for (size_t i = 0; i < n; i++)
		value_list_push(&x->val, paths[i]);
}

static void
p_int(params_t *p, const char *name, long long i)
{
	param_t *x = &p->v[p->n++];
	x->name = (char *)name;
	value_set_int(&x->val, i);
}

static void
p_bool(params_t *p, const char *name, bool b)
{
	param_t *x = &p->v[p->n++];
	x->name = (char *)name;
	value_set_bool(&x->val, b);
}

static probe_status_t
run_probe(const char *proto, const char *transport, int port, params_t *p, evidence_t *ev,
    char *reason, size_t rlen)
{
	char err[128];
	target_t *t = target_new("127.0.0.1", err, sizeof(err));
	ck_assert_ptr_nonnull(t);
	service_t *s = target_add_service(t, transport, port, &t->addrs[0]);
	free(s->protocol);
	s->protocol = xstrdup(proto);
	step_t step = { .probe = (char *)"anonymous-resources", .params = p ? p->v : NULL,
	    .n_params = p ? p->n : 0 };
	int cancel = 0;
	const probe_kind_t *k = probe_find("anonymous-resources");
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(k->scope, SCOPE_SERVICE);
	probe_ctx_t ctx = { .target = t, .svc = s, .step = &step, .ev = ev,
	    .deadline_ms = mono_ms() + 20000, .cancel = &cancel };
	probe_status_t st = k->run(&ctx);
	snprintf(reason, rlen, "%s", ctx.reason);
	target_free(t);
	for (size_t i = 0; p && i < p->n; i++)
		value_clear(&p->v[i].val);
	return st;
}

/* An evidence list, its items joined with ", ". */
static void
assert_list(const evidence_t *ev, const char *name, const char *want)
{
	const value_t *v = ev_get(ev, name);
	ck_assert_msg(v && v->type == VT_LIST, "%s is not a list", name);
	char *got = value_to_text(v);
	ck_assert_msg(strcmp(got, want) == 0, "%s: '%s', not '%s'", name, got, want);
	free(got);
}


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

/* ---- a fake CoAP device on loopback UDP ---- */

enum { FAKE_PIGGYBACK, FAKE_SEPARATE, FAKE_GARBAGE, FAKE_SILENT, FAKE_NO_DIRECTORY };

typedef struct fake_res {
	const char *path;
	uint8_t code;
	int cf;
	const char *body;
	uint8_t put_code;	/* 0: 4.05 */
} fake_res_t;

#define FAKE_WKC "</sensors/temp>;rt=\"temperature\";title=\"Temp, C\",</config>;ct=50," \
	"</secret>,</.well-known/core>,<coap://192.0.2.9/x>,</q?x=1>"

static const fake_res_t fake_res[] = {
	{ "/.well-known/core", COAP_CONTENT, 40, FAKE_WKC, 0 },
	{ "/sensors/temp", COAP_CONTENT, 0, "21.5", 0 },
	{ "/config", COAP_CONTENT, 50, "{\"led\":true}", COAP_CHANGED },
	{ "/secret", COAP_CODE(4, 1), -1, "", 0 },
};

typedef struct fake {
	int fd, port, mode;
	pthread_t th;
	atomic_bool stop;
	atomic_int acks;	/* empty ACKs to our separate responses */
	char put[128];		/* "path cf payload" of the last PUT */
} fake_t;

/* A response: the PUT builder's bytes with the type and code set. */
static size_t
fake_answer(uint8_t *out, size_t cap, int type, uint8_t code, uint16_t mid,
    const coap_msg_t *rq, const fake_res_t *r)
{
	size_t n = coap_put_build(out, cap, mid, rq->token, rq->tkl, "/", r->cf,
	    (const uint8_t *)r->body, strlen(r->body));
	out[0] = (uint8_t)((out[0] & 0xcf) | type << 4);
	out[1] = code;
	return n;
}

/* Which resource a request names: rebuild it for each path and compare. */
static const fake_res_t *
fake_lookup(const uint8_t *p, size_t n, const coap_msg_t *m)
{
	for (size_t i = 0; i < ARRAY_LEN(fake_res); i++) {
		uint8_t b[256];
		size_t k = m->code == COAP_GET
		    ? coap_get_build(b, sizeof(b), m->msgid, m->token, m->tkl, fake_res[i].path)
		    : coap_put_build(b, sizeof(b), m->msgid, m->token, m->tkl, fake_res[i].path,
		        m->content_format, m->payload, m->payload_len);
		if (k == n && memcmp(b, p, n) == 0)
			return &fake_res[i];
	}
	return NULL;
}

static void
fake_handle(fake_t *f, const uint8_t *p, size_t n, struct sockaddr *from, socklen_t fl)
{
	uint8_t out[512];
	size_t k = 0;
	coap_msg_t m;
	if (f->mode == FAKE_SILENT)
		return;
	if (f->mode == FAKE_GARBAGE) {
		sendto(f->fd, "hello", 5, 0, from, fl);
		return;
	}
	if (coap_parse(p, n, &m) < 0)
		return;
	if (m.type == COAP_ACK && m.code == 0) {
		atomic_fetch_add(&f->acks, 1);
		return;
	}
	const fake_res_t *r = fake_lookup(p, n, &m);
	static const fake_res_t none = { "", COAP_CODE(4, 4), -1, "", 0 };
	if (r == NULL || (f->mode == FAKE_NO_DIRECTORY && r == &fake_res[0]))
		r = &none;
	if (m.code == COAP_PUT) {
		snprintf(f->put, sizeof(f->put), "%s %d %.*s", r->path, m.content_format,
		    (int)m.payload_len, (const char *)m.payload);
		fake_res_t w = { r->path, r->put_code ? r->put_code : COAP_CODE(4, 5), -1, "", 0 };
		k = fake_answer(out, sizeof(out), COAP_ACK, w.code, m.msgid, &m, &w);
	} else if (f->mode == FAKE_SEPARATE && r->code == COAP_CONTENT && r != &fake_res[0]) {
		k = coap_ack_build(out, sizeof(out), m.msgid);
		sendto(f->fd, out, k, 0, from, fl);
		k = fake_answer(out, sizeof(out), COAP_CON, r->code, (uint16_t)(m.msgid ^ 0x5555),
		    &m, r);
	} else {
		k = fake_answer(out, sizeof(out), COAP_ACK, r->code, m.msgid, &m, r);
	}
	sendto(f->fd, out, k, 0, from, fl);
}

static void *
fake_thread(void *arg)
{
	fake_t *f = arg;
	while (!atomic_load(&f->stop)) {
		struct pollfd pf = { .fd = f->fd, .events = POLLIN };
		if (poll(&pf, 1, 50) <= 0)
			continue;
		uint8_t b[2048];
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(f->fd, b, sizeof(b), 0, (struct sockaddr *)&from, &fl);
		if (n > 0)
			fake_handle(f, b, (size_t)n, (struct sockaddr *)&from, fl);
	}
	return NULL;
}

static void
fake_start(fake_t *f, int mode)
{
	memset(f, 0, sizeof(*f));
	f->mode = mode;
	f->fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	ck_assert_int_eq(bind(f->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	getsockname(f->fd, (struct sockaddr *)&a, &al);
	f->port = ntohs(a.sin_port);
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_thread, f), 0);
}

static void
fake_stop(fake_t *f)
{
	atomic_store(&f->stop, true);
	pthread_join(f->th, NULL);
	close(f->fd);
}

static probe_status_t
coap_run(fake_t *f, bool try_write, long long read_ms, evidence_t *ev, char *reason,
    size_t rlen)
{
	params_t p = { .n = 0 };
	p_int(&p, "read-timeout", read_ms);
	if (try_write)
		p_bool(&p, "try-write", true);
	return run_probe("coap", "udp", f->port, &p, ev, reason, rlen);
}

static const finding_t *
coap_finding(const evidence_t *ev, const char *resource)
{
	for (size_t i = 0; i < ev->n_findings; i++)
		if (finding_get(&ev->findings[i], "resource") &&
		    strcmp(finding_get(&ev->findings[i], "resource"), resource) == 0)
			return &ev->findings[i];
	return NULL;
}

static void
assert_coap_device(const evidence_t *ev)
{
	ck_assert(ev_get(ev, "anonymous")->b);
	ck_assert_int_eq(ev_get(ev, "checked")->i, 3);
	assert_list(ev, "resources", "/sensors/temp, /config");
	assert_list(ev, "protected", "/secret");
	assert_list(ev, "unexamined", "</q?x=1> not requested: a query, percent-escape or "
	    "relative reference");
	ck_assert_uint_eq(ev->n_findings, 2);
	const finding_t *f = coap_finding(ev, "/sensors/temp");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->kind, "anonymous-access");
	ck_assert_str_eq(f->transport, "udp");
	ck_assert_str_eq(f->protocol, "coap");
	ck_assert_str_eq(finding_get(f, "content-type"), "text/plain");
	ck_assert_str_eq(finding_get(f, "bytes"), "4");
}

START_TEST(coap_read_only)
{
	fake_t f;
	fake_start(&f, FAKE_PIGGYBACK);
	evidence_t *ev = evidence_new();
	char reason[512];
	ck_assert_int_eq(coap_run(&f, false, 1000, ev, reason, sizeof(reason)), PROBE_OK);
	fake_stop(&f);
	assert_coap_device(ev);
	assert_list(ev, "writable", "");
	ck_assert_str_eq(f.put, "");	/* nothing written without try-write */
	const finding_t *c = coap_finding(ev, "/config");
	ck_assert_str_eq(finding_get(c, "method"), "GET");
	ck_assert_str_eq(finding_get(c, "status"), "2.05");
	ck_assert_str_eq(finding_get(c, "content-type"), "application/json");
	ck_assert_ptr_null(finding_get(c, "writable"));
	const value_t *ans = ev_get(ev, "answers");
	ck_assert_str_eq(ans->items[0], "/.well-known/core 2.05 directory");
	ck_assert_str_eq(ans->items[1], "/sensors/temp 2.05 open");
	ck_assert_str_eq(ans->items[3], "/secret 4.01 protected");
	ck_assert_str_eq(ans->items[4], "/.well-known/core - links to other servers left out");
	evidence_free(ev);
}
END_TEST

START_TEST(coap_write_back)
{
	fake_t f;
	fake_start(&f, FAKE_SEPARATE);
	evidence_t *ev = evidence_new();
	char reason[512];
	ck_assert_int_eq(coap_run(&f, true, 1000, ev, reason, sizeof(reason)), PROBE_OK);
	fake_stop(&f);
	assert_coap_device(ev);
	assert_list(ev, "writable", "/config");
	ck_assert_str_eq(f.put, "/config 50 {\"led\":true}");	/* its own value back */
	ck_assert_int_eq(atomic_load(&f.acks), 2);	/* each separate response acknowledged */
	const finding_t *c = coap_finding(ev, "/config");
	ck_assert_str_eq(finding_get(c, "method"), "PUT");
	ck_assert_str_eq(finding_get(c, "status"), "2.04");
	ck_assert_str_eq(finding_get(c, "writable"), "true");
	ck_assert_msg(strstr(c->summary, "5.5-5") != NULL, "%s", c->summary);
	const finding_t *t = coap_finding(ev, "/sensors/temp");
	ck_assert_str_eq(finding_get(t, "method"), "GET");
	ck_assert_str_eq(finding_get(t, "writable"), "false");
	evidence_free(ev);
}
END_TEST

START_TEST(coap_inconclusive)
{
	fake_t f;
	evidence_t *ev;
	char reason[512], want[160];
	fake_start(&f, FAKE_SILENT);
	ev = evidence_new();
	uint64_t t0 = mono_ms();
	ck_assert_int_eq(coap_run(&f, false, 300, ev, reason, sizeof(reason)), PROBE_INCONCLUSIVE);
	ck_assert_uint_lt(mono_ms() - t0, 1500);
	snprintf(want, sizeof(want), "no CoAP answer to GET /.well-known/core from udp/%d: "
	    "no answer within ", f.port);
	ck_assert_msg(strncmp(reason, want, strlen(want)) == 0, "%s", reason);
	fake_stop(&f);
	evidence_free(ev);

	fake_start(&f, FAKE_GARBAGE);
	ev = evidence_new();
	ck_assert_int_eq(coap_run(&f, false, 300, ev, reason, sizeof(reason)), PROBE_INCONCLUSIVE);
	ck_assert_msg(strstr(reason, ": only 2 unrelated or malformed datagrams in "), "%s",
	    reason);
	fake_stop(&f);
	evidence_free(ev);

	fake_start(&f, FAKE_NO_DIRECTORY);
	ev = evidence_new();
	ck_assert_int_eq(coap_run(&f, false, 300, ev, reason, sizeof(reason)), PROBE_INCONCLUSIVE);
	snprintf(want, sizeof(want), "GET /.well-known/core on udp/%d answered 4.04: the "
	    "resources are not listed, so none could be examined", f.port);
	ck_assert_str_eq(reason, want);
	fake_stop(&f);
	evidence_free(ev);

	/* Nothing listening: ICMP port unreachable, said so at once. */
	int port = f.port;
	ev = evidence_new();
	ck_assert_int_eq(run_probe("coap", "udp", port, NULL, ev, reason, sizeof(reason)),
	    PROBE_INCONCLUSIVE);
	ck_assert_msg(strstr(reason, "ICMP port unreachable"), "%s", reason);
	evidence_free(ev);
}
END_TEST

static Suite *
anonymous_suite(void)
{
	Suite *s = suite_create("anonymous-resources");
	TCase *p = tcase_create("pure");
	tcase_add_test(p, linkformat_targets);
	tcase_add_test(p, linkformat_garbage);
	tcase_add_test(p, linkformat_selection);
	tcase_add_test(p, login_forms);
	tcase_add_test(p, soft_redirects);
	tcase_add_test(p, canary_equality);
	tcase_add_test(p, judgement);
	tcase_add_test(p, coap_put_and_block2);
	tcase_add_test(p, coap_tcp_framing);
	suite_add_tcase(s, p);
	TCase *l = tcase_create("loopback");
	tcase_add_test(l, http_device);
	tcase_add_test(l, http_catch_all);
	tcase_add_test(l, http_inconclusive);
	tcase_add_test(l, coap_read_only);
	tcase_add_test(l, coap_write_back);
	tcase_add_test(l, coap_inconclusive);
	suite_add_tcase(s, l);
	return s;
}

CHECK_MAIN(anonymous_suite)
