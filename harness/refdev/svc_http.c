/*
 * The camera's web admin UI, served on http (8080) and behind TLS on https
 * (8443).  One request per connection, always Connection: close.  Weak mode
 * takes admin/admin, leaks device details from /status.json and hands its
 * configuration to anyone at /api/config, no login asked; hardened mode
 * wants the per-device password, hides /status.json, has no /api/config,
 * slows down failed logins and sends the usual security headers.  Every byte
 * of the request goes through a hard cap before it is looked at.  The same
 * server answers on the upnp port, where it serves only the UPnP description
 * (upnp_desc.c) and notes any fetch of the external-entity bait.
 */
#include "refdev.h"
#include "refdev/http_parse.h"
#include "refdev/published.h"
#include "refdev/upnp_desc.h"

#include "core/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define RESPONSE_MAX (4u * 1024 * 1024)
#define HUGE_HEADER_LINES 10000
#define HUGE_BODY_LEN (10ull * 1024 * 1024 * 1024)
#define HUGE_BODY_RATE (16u * 1024 * 1024) /* bytes per second */
#define HUGE_BODY_MS 60000
#define FAIL_DELAY_MS 1000
#define REQUEST_MS 30000

#define TITLE "RefDev Camera Admin"
#define STATUS_JSON "{\"model\":\"RD-100\",\"firmware\":\"1.0.3\",\"serial\":\"RD100-000123\"}"
#define REALM "RefDev Admin"
/* The camera app's settings endpoint, which the weak firmware never guards. */
#define CONFIG_JSON "{\"wifi\":{\"ssid\":\"RefDev-Home\",\"security\":\"wpa2-psk\"}," \
	"\"stream\":{\"resolution\":\"1080p\",\"rtsp\":false},\"motion_alerts\":true," \
	"\"cloud\":\"cloud.refdev.invalid\",\"telnet\":true}"

typedef struct resp {
	int code;
	const char *ctype;
	strlist_t headers;   /* "Name: value", no line end */
	char *body;
	bool streamed;       /* the body is `stream`, not `body` */
	stream_t stream;
} resp_t;

static const char *
reason(int code)
{
	switch (code) {
	case 200: return "OK";
	case 302: return "Found";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 429: return "Too Many Requests";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}

static bool
hardened(const conn_t *c)
{
	return c->rd->cfg.mode == MODE_HARDENED;
}

static void
resp_set(resp_t *r, int code, const char *ctype, char *body)
{
	r->code = code;
	r->ctype = ctype;
	free(r->body);
	r->body = body;
}

static void
resp_error(resp_t *r, int code)
{
	resp_set(r, code, "text/html; charset=utf-8",
	    xasprintf("<!DOCTYPE html>\n<html><head><title>%d %s</title></head>"
	              "<body><h1>%d %s</h1></body></html>\n",
	        code, reason(code), code, reason(code)));
}

static int
send_response(conn_t *c, const http_req_t *rq, resp_t *r)
{
	const char *eol = (c->flags & CF_HTTP_NO_CRLF) ? "\n" : "\r\n";
	bool chunked = (c->flags & CF_HTTP_BAD_CHUNKED) != 0 && !r->streamed;
	size_t blen = r->body ? strlen(r->body) : 0;
	buf_t b;
	buf_init(&b, RESPONSE_MAX);
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);

	buf_printf(&b, "HTTP/1.1 %d %s%s", r->code, reason(r->code), eol);
	buf_printf(&b, "Server: %s%sDate: %s%s",
	    c->svc == SVC_UPNP ? UPNP_SERVER : "refdev-httpd/1.0", eol, date, eol);
	if (r->ctype)
		buf_printf(&b, "Content-Type: %s%s", r->ctype, eol);
	for (size_t i = 0; i < r->headers.n; i++)
		buf_printf(&b, "%s%s", r->headers.v[i], eol);
	if (hardened(c)) {
		if (c->ssl)
			buf_printf(&b, "Strict-Transport-Security: max-age=31536000%s", eol);
		buf_printf(&b, "X-Content-Type-Options: nosniff%sX-Frame-Options: DENY%s"
		               "Content-Security-Policy: default-src 'self'%sCache-Control: no-store%s",
		    eol, eol, eol, eol);
	}
	if (c->flags & CF_HTTP_HUGE_HEADERS)
		for (int i = 0; i < HUGE_HEADER_LINES; i++)
			buf_printf(&b, "X-Refdev-Filler-%05d: %040d%s", i, i, eol);
	if (chunked || (r->streamed && r->stream.chunked))
		buf_printf(&b, "Transfer-Encoding: chunked%s", eol);
	else if (r->streamed)
		buf_printf(&b, "Content-Length: %llu%s", (unsigned long long)r->stream.len, eol);
	else
		buf_printf(&b, "Content-Length: %zu%s", blen, eol);
	buf_printf(&b, "Connection: close%s%s", eol, eol);
	if (chunked) {
		/* A chunk size no 64-bit parser can hold, a little data, then EOF. */
		buf_printf(&b, "ffffffffffffffffffffffff%s", eol);
		if (!rq->head && blen)
			buf_append(&b, r->body, blen < 64 ? blen : 64);
	} else if (!rq->head && blen && !r->streamed) {
		buf_append(&b, r->body, blen);
	}
	int rc = conn_write(c, b.data, b.len);
	buf_free(&b);
	if (rc == 0 && r->streamed && !rq->head)
		rc = stream_send(c, &r->stream);
	return rc;
}

/*
 * Reads and parses one request.  Returns 0 when rq is ready, an HTTP status
 * for a bad request, or -1 when the client sent nothing usable (just close).
 */
static int
read_request(conn_t *c, http_req_t *rq)
{
	buf_t h;
	/* Room for a full head plus the body bytes that may share its last read. */
	buf_init(&h, HTTP_HEAD_MAX + sizeof(((http_req_t *)0)->body));
	size_t end = 0;
	int status = -1;
	while (end == 0) {
		char tmp[2048];
		int r = conn_read(c, tmp, sizeof(tmp));
		if (r <= 0) {
			status = h.len == 0 || r < 0 ? -1 : 400;
			goto out;
		}
		size_t old = h.len, from = old > 3 ? old - 3 : 0;
		buf_append(&h, tmp, (size_t)r);
		end = http_head_end(h.data + from, h.len - from);
		if (end)
			end += from;
		/*
		 * Bytes no HTTP head can hold (a TLS ClientHello, a binary probe)
		 * get their 400 at once, as real servers do, not after the timeout.
		 */
		for (size_t i = old; i < (end ? end : h.len); i++) {
			if (!http_head_byte_ok((unsigned char)h.data[i])) {
				status = 400;
				goto out;
			}
		}
		if ((end ? end : h.len) > HTTP_HEAD_MAX) {
			status = 431;
			goto out;
		}
	}
	status = http_parse_head(rq, h.data, end);
	if (status != 0)
		goto out;
	if (rq->has_length) {
		size_t have = h.len - end;
		if (have > rq->length)
			have = rq->length; /* pipelined extra bytes are ignored */
		memcpy(rq->body, h.data + end, have);
		if (conn_read_exact(c, rq->body + have, rq->length - have) < 0) {
			status = -1;
			goto out;
		}
		rq->body_len = rq->length;
		rq->body[rq->body_len] = '\0';
	}
	status = 0;
out:
	buf_free(&h);
	return status;
}

static bool
check_password(const conn_t *c, const char *user, const char *pass)
{
	if (hardened(c))
		return strcmp(user, "admin") == 0 && secret_eq(pass, c->rd->cfg.admin_password);
	return strcmp(user, "admin") == 0 && strcmp(pass, "admin") == 0;
}

/* 1: valid Basic credentials, 0: none given, -1: wrong or malformed. */
static int
basic_auth(const conn_t *c, const http_req_t *rq)
{
	if (rq->authorization == NULL)
		return 0;
	char buf[2 * HTTP_FIELD_MAX];
	const char *pass;
	if (http_basic_split(rq->authorization, buf, sizeof(buf), &pass) < 0)
		return -1;
	return check_password(c, buf, pass) ? 1 : -1;
}

static char *
login_page(const char *error)
{
	return xasprintf("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	                 "<title>" TITLE "</title></head>\n<body>\n<h1>" TITLE "</h1>\n%s"
	                 "<form method=\"post\" action=\"/login\"><input name=\"username\">"
	                 "<input type=\"password\" name=\"password\"></form>\n"
	                 "<p>Type your user name and password, then press Enter.</p>\n"
	                 "</body></html>\n",
	    error ? error : "");
}

static void
unauthorized(resp_t *r)
{
	resp_error(r, 401);
	strlist_push(&r->headers, "WWW-Authenticate: Basic realm=\"" REALM "\"");
}

/* While the login lockout holds, every login is refused, right or wrong. */
static bool
locked_out(conn_t *c, resp_t *r)
{
	uint64_t left = refdev_lockout_left(c->rd);
	if (left == 0)
		return false;
	conn_log(c, "login refused: locked out for %llu ms", (unsigned long long)left);
	resp_error(r, 429);
	strlist_push_owned(&r->headers, xasprintf("Retry-After: %llu",
	    (unsigned long long)(left + 999) / 1000));
	return true;
}

static void
route_login(conn_t *c, const http_req_t *rq, resp_t *r)
{
	char user[HTTP_FIELD_MAX], pass[HTTP_FIELD_MAX];
	if (locked_out(c, r))
		return;
	bool ok = http_form_get(rq->body, "username", user, sizeof(user)) &&
	    http_form_get(rq->body, "password", pass, sizeof(pass)) &&
	    check_password(c, user, pass);
	refdev_login_result(c->rd, ok);
	if (ok) {
		unsigned char sid[16];
		char hex[sizeof(sid) * 2 + 1];
		if (tls_random(sid, sizeof(sid)) < 0) {
			resp_error(r, 500);
			return;
		}
		for (size_t i = 0; i < sizeof(sid); i++)
			snprintf(hex + 2 * i, 3, "%02x", sid[i]);
		conn_log(c, "web login ok as %s", user);
		resp_set(r, 302, "text/html; charset=utf-8",
		    xstrdup("<!DOCTYPE html>\n<html><body><a href=\"/admin\">/admin</a></body></html>\n"));
		strlist_push(&r->headers, "Location: /admin");
		strlist_push_owned(&r->headers,
		    xasprintf("Set-Cookie: session=%s; Path=/%s", hex,
		        hardened(c) ? "; HttpOnly; Secure; SameSite=Strict" : ""));
		return;
	}
	conn_log(c, "web login failed");
	if (hardened(c))
		conn_sleep(c, FAIL_DELAY_MS);
	resp_set(r, 200, "text/html; charset=utf-8",
	    login_page("<p class=\"error\">Invalid username or password</p>\n"));
}

static bool
authorized(conn_t *c, const http_req_t *rq, resp_t *r)
{
	if (rq->authorization && locked_out(c, r))
		return false;
	int a = basic_auth(c, rq);
	if (a != 0)
		refdev_login_result(c->rd, a > 0);
	if (a > 0)
		return true;
	if (a < 0 && hardened(c))
		conn_sleep(c, FAIL_DELAY_MS);
	unauthorized(r);
	return false;
}

/* The upnp port: the description SSDP points at, and the XXE bait. */
static void
route_upnp(conn_t *c, const http_req_t *rq, resp_t *r)
{
	bool get = strcmp(rq->method, "GET") == 0 || rq->head;
	if (strcmp(rq->path, UPNP_XXE_PATH) == 0) {
		if (get)
			resp_set(r, 200, "text/plain", xstrdup(UPNP_XXE_BODY));
	} else if (strcmp(rq->path, UPNP_DESC_PATH) == 0) {
		if (get && (c->flags & CF_UPNP_HUGE)) {
			resp_set(r, 200, "text/xml; charset=\"utf-8\"", NULL);
			r->streamed = true;
			r->stream = (stream_t){ .len = UPNP_HUGE_LEN, .fill = upnp_huge_fill };
		} else if (get) {
			unsigned hostile = 0;
			if (c->flags & CF_UPNP_ENTITY_EXPANSION)
				hostile |= UPNP_ENTITY_EXPANSION;
			if (c->flags & CF_UPNP_EXTERNAL_ENTITY)
				hostile |= UPNP_EXTERNAL_ENTITY;
			char *base = refdev_base_url(c->rd, SVC_UPNP);
			resp_set(r, 200, "text/xml; charset=\"utf-8\"",
			    upnp_desc_doc(hostile, base));
			free(base);
		}
	} else {
		resp_error(r, 404);
		return;
	}
	if (r->code == 0) {
		resp_error(r, 405);
		strlist_push(&r->headers, "Allow: GET, HEAD");
	}
}

/* http-huge-body, http-endless-chunked: whatever the answer, its body outlasts the client. */
static void
huge_body(conn_t *c, resp_t *r)
{
	if (!(c->flags & (CF_HTTP_HUGE_BODY | CF_HTTP_ENDLESS_CHUNKED)))
		return;
	bool chunked = !(c->flags & CF_HTTP_HUGE_BODY);
	conn_log(c, "misbehave %s", chunked ? "http-endless-chunked" : "http-huge-body");
	r->ctype = "application/octet-stream";
	r->streamed = true;
	r->stream = (stream_t){ .len = chunked ? STREAM_ENDLESS : HUGE_BODY_LEN,
	                        .chunked = chunked, .fill = stream_fill_text,
	                        .rate = HUGE_BODY_RATE, .max_ms = HUGE_BODY_MS };
}

/* The manufacturer's published pages (published.c), in both modes. */
static void
route_published(conn_t *c, const http_req_t *rq, resp_t *r)
{
	if (strcmp(rq->method, "GET") != 0 && !rq->head)
		return;		/* 405 from the caller */
	if (strcmp(rq->path, PUB_POLICY_PATH) == 0 && (c->flags & CF_POLICY_LOGIN) &&
	    !authorized(c, rq, r))
		return;
	if (strcmp(rq->path, PUB_SECTXT_PATH) == 0 && (c->flags & CF_SECTXT_GARBAGE)) {
		conn_log(c, "misbehave securitytxt-garbage");
		resp_set(r, 200, "text/plain", NULL);
		r->streamed = true;
		r->stream = (stream_t){ .len = PUB_GARBAGE_LEN, .fill = pub_garbage_fill };
		return;
	}
	unsigned v = ((c->flags & CF_POLICY_INCOMPLETE) ? PUB_POLICY_INCOMPLETE : 0) |
	    ((c->flags & CF_SUPPORT_EXPIRED) ? PUB_SUPPORT_EXPIRED : 0) |
	    ((c->flags & CF_SECTXT_EXPIRED) ? PUB_SECTXT_EXPIRED : 0);
	char *base = refdev_base_url(c->rd, c->svc);
	if (svc_get(c->svc)->tls) {	/* refdev_base_url always says http:// */
		char *s = xasprintf("https%s", base + 4);
		free(base);
		base = s;
	}
	const char *ctype;
	char *body = pub_page(rq->path, v, base, time(NULL), &ctype);
	free(base);
	resp_set(r, 200, ctype, body);
}

static void
route(conn_t *c, const http_req_t *rq, resp_t *r)
{
	bool get = strcmp(rq->method, "GET") == 0 || rq->head;
	const char *p = rq->path;
	if (c->svc == SVC_UPNP) {
		route_upnp(c, rq, r);
		return;
	}
	if (strcmp(p, "/") == 0 || strcmp(p, "/index.html") == 0) {
		if (get)
			resp_set(r, 200, "text/html; charset=utf-8", login_page(NULL));
	} else if (strcmp(p, "/login") == 0) {
		if (strcmp(rq->method, "POST") == 0)
			route_login(c, rq, r);
	} else if (strcmp(p, "/admin") == 0) {
		if (get && authorized(c, rq, r))
			resp_set(r, 200, "text/html; charset=utf-8",
			    xstrdup("<!DOCTYPE html>\n<html><head><title>" TITLE "</title></head>\n"
			            "<body><h1>Device settings</h1>\n"
			            "<p>Model RD-100, firmware 1.0.3, serial RD100-000123</p>\n"
			            "</body></html>\n"));
	} else if (pub_is_page(p)) {
		route_published(c, rq, r);
	} else if (strcmp(p, PUB_REDIRECT_PATH) == 0) {
		/* Where a manufacturer's short link points: one redirect hop. */
		if (get) {
			resp_set(r, 302, "text/html; charset=utf-8", xstrdup("<!DOCTYPE html>\n"
			    "<html><body><a href=\"" PUB_POLICY_PATH "\">moved</a></body></html>\n"));
			strlist_push(&r->headers, "Location: " PUB_POLICY_PATH);
		}
	} else if (strcmp(p, "/status.json") == 0) {
		/* Weak: deliberate unauthenticated disclosure.  Hardened: login first. */
		if (get && (!hardened(c) || authorized(c, rq, r)))
			resp_set(r, 200, "application/json", xstrdup(STATUS_JSON));
	} else if (strcmp(p, "/api/config") == 0 && !hardened(c)) {
		/* Weak: deliberate anonymous access (5.5-4).  Hardened: no such endpoint. */
		if (get)
			resp_set(r, 200, "application/json", xstrdup(CONFIG_JSON));
	} else {
		resp_error(r, 404);
		return;
	}
	if (r->code == 0) {
		resp_error(r, 405);
		strlist_push(&r->headers,
		    strcmp(p, "/login") == 0 ? "Allow: POST" : "Allow: GET, HEAD");
	}
}

void
svc_http_run(conn_t *c)
{
	http_req_t *rq = xcalloc(1, sizeof(*rq));
	resp_t r = { 0 };
	/* However slowly it trickles in, a request gets this long (slowloris). */
	uint64_t saved = conn_limit(c, REQUEST_MS);
	int status = read_request(c, rq);
	conn_unlimit(c, saved);
	if (status < 0)
		goto out;
	if (status > 0) {
		conn_log(c, "bad request (%d)", status);
		strcpy(rq->method, "GET");
		resp_error(&r, status);
	} else {
		/* Loud even with --quiet: tests assert that no client ever gets here. */
		if (strcmp(rq->path, UPNP_XXE_PATH) == 0)
			fprintf(stderr, "refdev: XXE FETCHED: %s %s asked for %s\n",
			    svc_get(c->svc)->name, c->peer, rq->path);
		route(c, rq, &r);
		conn_log(c, "%s %s -> %d", rq->method, rq->path, r.code);
	}
	huge_body(c, &r);
	if (send_response(c, rq, &r) == 0)
		(void)conn_greeted(c);
out:
	http_req_clear(rq);
	free(rq);
	free(r.body);
	strlist_free(&r.headers);
}
