/*
 * The anonymous-resources probe's judgement of one HTTP answer, pure: login
 * pages and soft redirects (which answer 200 while giving nothing away),
 * the canary comparison with a made-up path (servers that answer every
 * path alike), and the verdict on one response.  The probe on the wire is
 * in test_anonymous_http.c.
 */
#include "check_main.h"
#include "core/util.h"
#include "net/http.h"
#include "probes/anonymous.h"
#include "proto/html_login.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

static Suite *
anonymous_judge_suite(void)
{
	Suite *s = suite_create("anonymous-judge");
	TCase *p = tcase_create("pure");
	tcase_add_test(p, login_forms);
	tcase_add_test(p, soft_redirects);
	tcase_add_test(p, canary_equality);
	tcase_add_test(p, judgement);
	suite_add_tcase(s, p);
	return s;
}

CHECK_MAIN(anonymous_judge_suite)
