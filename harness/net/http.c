/*
 * HTTP/1.1 client for probes: request building, the response head parser, the
 * incremental body decoder (Content-Length, chunked, until close) and the
 * deadline-bound fetch that ties them to a conn_t or tls_conn_t.  Devices
 * send all kinds of framing; the parser is lenient where leniency is harmless
 * (bare LF line ends, header lines without a colon are skipped) and strict
 * where it decides how many bytes to trust (lengths, chunk sizes).
 */
#include "net/http.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifndef IOTCERT_VERSION
#define IOTCERT_VERSION "0"
#endif

#define MAX_INTERIM 8		/* 1xx responses skipped before giving up */
#define READ_CHUNK 16384
#define CHUNK_HEX_MAX 15	/* significant hex digits: < 2^60 */

enum { BM_NONE, BM_LENGTH, BM_CHUNKED, BM_CLOSE };
enum { CS_SIZE, CS_EXT, CS_SIZE_WS, CS_DATA, CS_DATA_CR, CS_DATA_LF, CS_TRAILER, CS_DONE };

void
http_resp_clear(http_resp_t *r)
{
	if (r == NULL)
		return;
	free(r->reason);
	for (size_t i = 0; i < r->n_headers; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

const char *
http_resp_header(const http_resp_t *r, const char *name)
{
	for (size_t i = 0; r && i < r->n_headers; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

size_t
http_head_end(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '\n')
			continue;
		if (i + 1 < n && p[i + 1] == '\n')
			return i + 2;
		if (i + 2 < n && p[i + 1] == '\r' && p[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

static void
errf(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
}

static bool
is_tchar(uint8_t c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Status line: HTTP/1.x NNN[ reason]. */
static int
parse_status(const uint8_t *p, size_t n, http_resp_t *r)
{
	if (n < 12 || memcmp(p, "HTTP/1.", 7) != 0 || !isdigit(p[7]) || p[8] != ' ')
		return -1;
	for (int i = 9; i < 12; i++)
		if (!isdigit(p[i]))
			return -1;
	if (n > 12 && p[12] != ' ')
		return -1;
	r->minor = p[7] - '0';
	r->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	if (r->status < 100)
		return -1;
	size_t rs = n > 13 ? 13 : n;
	r->reason = xstrndup((const char *)p + rs, n - rs);
	return 0;
}

static void
add_header(http_resp_t *r, const uint8_t *name, size_t nl, const uint8_t *val, size_t vl)
{
	/* Framing headers are always kept: dropping one would misframe the body. */
	if (r->n_headers >= HTTP_MAX_HEADERS &&
	    !(nl == 14 && strncasecmp((const char *)name, "Content-Length", nl) == 0) &&
	    !(nl == 17 && strncasecmp((const char *)name, "Transfer-Encoding", nl) == 0))
		return;
	while (vl && (*val == ' ' || *val == '\t'))
		val++, vl--;
	while (vl && (val[vl - 1] == ' ' || val[vl - 1] == '\t'))
		vl--;
	/* A NUL would end the C string early; what follows it is dropped. */
	const uint8_t *nul = memchr(val, 0, vl);
	if (nul)
		vl = (size_t)(nul - val);
	r->headers = xrealloc(r->headers, r->n_headers + 1, sizeof(*r->headers));
	r->headers[r->n_headers].name = xstrndup((const char *)name, nl);
	r->headers[r->n_headers].value = xstrndup((const char *)val, vl);
	r->n_headers++;
}

/* Content-Length values must agree and be plain digits. */
static int
check_framing(const http_resp_t *r, char *err, size_t errlen)
{
	const char *first = NULL;
	for (size_t i = 0; i < r->n_headers; i++) {
		if (strcasecmp(r->headers[i].name, "Content-Length") != 0)
			continue;
		const char *v = r->headers[i].value;
		size_t len = strlen(v);
		if (len == 0 || len > 18 || strspn(v, "0123456789") != len) {
			errf(err, errlen, "malformed Content-Length");
			return -1;
		}
		if (first && strcmp(first, v) != 0) {
			errf(err, errlen, "conflicting Content-Length headers");
			return -1;
		}
		first = v;
	}
	return 0;
}

int
http_parse_head(const uint8_t *p, size_t n, http_resp_t *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	size_t off = 0;
	bool first = true;
	while (off < n) {
		const uint8_t *nl = memchr(p + off, '\n', n - off);
		size_t end = nl ? (size_t)(nl - p) : n;
		size_t len = end - off;
		if (len && p[off + len - 1] == '\r')
			len--;
		const uint8_t *line = p + off;
		off = end + 1;
		if (first) {
			first = false;
			if (parse_status(line, len, r) < 0) {
				errf(err, errlen, "not an HTTP/1.x status line");
				http_resp_clear(r);
				return -1;
			}
			continue;
		}
		if (len == 0)
			break;
		/* Folded continuation lines and lines without a name are skipped. */
		size_t k = 0;
		while (k < len && is_tchar(line[k]))
			k++;
		if (k == 0 || k == len || line[k] != ':')
			continue;
		add_header(r, line, k, line + k + 1, len - k - 1);
	}
	if (first) {
		errf(err, errlen, "empty response head");
		return -1;
	}
	if (check_framing(r, err, errlen) < 0) {
		http_resp_clear(r);
		return -1;
	}
	return 0;
}

/* Is the last transfer coding "chunked"?  (RFC 9112 6.1) */
static bool
last_coding_chunked(const char *te)
{
	const char *last = strrchr(te, ',');
	last = last ? last + 1 : te;
	while (*last == ' ' || *last == '\t')
		last++;
	size_t l = strlen(last);
	while (l && (last[l - 1] == ' ' || last[l - 1] == '\t'))
		l--;
	return l == 7 && strncasecmp(last, "chunked", 7) == 0;
}

void
http_body_init(http_body_t *b, const http_resp_t *r, bool head_request, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->cap = cap ? cap : HTTP_BODY_CAP;
	buf_init(&b->out, b->cap);
	const char *te = http_resp_header(r, "Transfer-Encoding");
	const char *cl = http_resp_header(r, "Content-Length");
	if (head_request || r->status < 200 || r->status == 204 || r->status == 304)
		b->mode = BM_NONE;
	else if (te)
		b->mode = last_coding_chunked(te) ? BM_CHUNKED : BM_CLOSE;
	else if (cl) {
		b->mode = BM_LENGTH;
		b->left = strtoull(cl, NULL, 10);	/* checked: <= 18 digits */
		if (b->left == 0)
			b->mode = BM_NONE;
	} else
		b->mode = BM_CLOSE;
	b->state = CS_SIZE;
}

/* Appends up to n decoded bytes; true once the cap is reached. */
static bool
emit(http_body_t *b, const uint8_t *p, size_t n)
{
	size_t room = b->cap - b->out.len;
	if (n > room) {
		buf_append(&b->out, p, room);
		b->out.truncated = true;
		return true;
	}
	buf_append(&b->out, p, n);
	return false;
}

static http_body_rc_t
bad(http_body_t *b, const char *msg)
{
	snprintf(b->err, sizeof(b->err), "%s", msg);
	return HTTP_BODY_BAD;
}

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (uint8_t)tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The end of a chunk-size line: on to the data, or to the trailers after 0. */
static http_body_rc_t
chunk_size_done(http_body_t *b)
{
	if (!b->seen_digit)
		return bad(b, "chunk-size without digits");
	b->state = b->left == 0 ? CS_TRAILER : CS_DATA;
	return HTTP_BODY_MORE;
}

/*
 * One byte of a chunk-size line or a trailer line.  line_cr remembers a CR
 * that must be followed by LF; line_len counts the line's other bytes.
 */
static http_body_rc_t
chunk_line_byte(http_body_t *b, uint8_t c)
{
	if (b->line_cr && c != '\n')
		return bad(b, "CR without LF in chunk framing");
	if (c == '\r') {
		b->line_cr = true;
		return HTTP_BODY_MORE;
	}
	if (c == '\n') {
		size_t len = b->line_len;
		b->line_cr = false;
		b->line_len = 0;
		if (b->state != CS_TRAILER)
			return chunk_size_done(b);
		if (len == 0) {
			b->state = CS_DONE;
			return HTTP_BODY_DONE;
		}
		return HTTP_BODY_MORE;
	}
	b->line_len++;
	if (b->state == CS_TRAILER) {
		if (++b->trailer_len > HTTP_HEAD_CAP)
			return bad(b, "trailer section too long");
		return HTTP_BODY_MORE;
	}
	if (b->line_len > HTTP_CHUNK_LINE_MAX)
		return bad(b, "chunk-size line too long");
	switch (b->state) {
	case CS_SIZE: {
		int h = hexval(c);
		if (h >= 0) {
			b->seen_digit = true;
			if (b->left == 0 && h == 0)
				return HTTP_BODY_MORE;	/* leading zero */
			if (++b->digits > CHUNK_HEX_MAX)
				return bad(b, "chunk size too large");
			b->left = b->left * 16 + (uint64_t)h;
			return HTTP_BODY_MORE;
		}
		if (!b->seen_digit)
			return bad(b, "chunk-size is not hexadecimal");
		if (c == ';')
			b->state = CS_EXT;
		else if (c == ' ' || c == '\t')
			b->state = CS_SIZE_WS;
		else
			return bad(b, "chunk-size is not hexadecimal");
		return HTTP_BODY_MORE;
	}
	case CS_SIZE_WS:
		if (c == ';')
			b->state = CS_EXT;
		else if (c != ' ' && c != '\t')
			return bad(b, "junk after chunk-size");
		return HTTP_BODY_MORE;
	case CS_EXT:
		if (c < 0x20 && c != '\t')
			return bad(b, "control byte in chunk extension");
		return HTTP_BODY_MORE;
	default:
		return bad(b, "internal chunk state");
	}
}

static http_body_rc_t
feed_chunked(http_body_t *b, const uint8_t *p, size_t n, size_t *used)
{
	size_t i = 0;
	http_body_rc_t rc = HTTP_BODY_MORE;
	while (i < n && rc == HTTP_BODY_MORE) {
		switch (b->state) {
		case CS_DATA: {
			size_t take = n - i;
			if ((uint64_t)take > b->left)
				take = (size_t)b->left;
			bool full = emit(b, p + i, take);
			i += take;
			b->left -= take;
			if (full)
				rc = HTTP_BODY_DONE;
			else if (b->left == 0)
				b->state = CS_DATA_CR;
			break;
		}
		case CS_DATA_CR:
			if (p[i] == '\r') {
				b->state = CS_DATA_LF;
				i++;
				break;
			}
			/* A bare LF after the data is tolerated. */
			__attribute__((fallthrough));
		case CS_DATA_LF:
			if (p[i++] != '\n')
				rc = bad(b, "chunk data not followed by CRLF");
			else {
				b->state = CS_SIZE;
				b->line_len = 0;
				b->seen_digit = false;
				b->digits = 0;
			}
			break;
		case CS_DONE:
			rc = HTTP_BODY_DONE;
			break;
		default:
			rc = chunk_line_byte(b, p[i++]);
			break;
		}
	}
	if (b->state == CS_DONE)
		rc = HTTP_BODY_DONE;
	*used = i;
	return rc;
}

http_body_rc_t
http_body_feed(http_body_t *b, const uint8_t *p, size_t n, size_t *used)
{
	*used = 0;
	switch (b->mode) {
	case BM_NONE:
		return HTTP_BODY_DONE;
	case BM_LENGTH: {
		size_t take = n;
		if ((uint64_t)take > b->left)
			take = (size_t)b->left;
		bool full = emit(b, p, take);
		b->left -= take;
		*used = take;
		return full || b->left == 0 ? HTTP_BODY_DONE : HTTP_BODY_MORE;
	}
	case BM_CHUNKED:
		return feed_chunked(b, p, n, used);
	default:
		*used = n;
		return emit(b, p, n) ? HTTP_BODY_DONE : HTTP_BODY_MORE;
	}
}

http_body_rc_t
http_body_eof(http_body_t *b)
{
	if (b->mode == BM_CLOSE || b->mode == BM_NONE)
		return HTTP_BODY_DONE;
	if (b->mode == BM_CHUNKED && b->state == CS_DONE)
		return HTTP_BODY_DONE;
	return bad(b, b->mode == BM_LENGTH ? "connection closed before Content-Length bytes"
	                                   : "connection closed inside chunked body");
}

void
http_body_finish(http_body_t *b, http_resp_t *r, bool complete)
{
	r->truncated = b->out.truncated;
	r->complete = complete && !b->out.truncated;
	r->body_len = b->out.len;
	r->body = b->out.data ? (uint8_t *)b->out.data : xcalloc(1, 1);
	b->out.data = NULL;
	http_body_free(b);
}

void
http_body_free(http_body_t *b)
{
	if (b)
		buf_free(&b->out);
}

int
http_parse_response(const uint8_t *p, size_t n, bool eof, bool head_request,
    size_t body_cap, http_resp_t *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	for (int interim = 0;; interim++) {
		size_t he = http_head_end(p, n);
		if (he == 0) {
			if (n >= HTTP_HEAD_CAP) {
				errf(err, errlen, "response head exceeds the cap");
				return -1;
			}
			if (eof) {
				errf(err, errlen, "connection closed inside the response head");
				return -1;
			}
			return 1;
		}
		if (he > HTTP_HEAD_CAP) {
			errf(err, errlen, "response head exceeds the cap");
			return -1;
		}
		if (http_parse_head(p, he, r, err, errlen) < 0)
			return -1;
		p += he;
		n -= he;
		if (r->status >= 200 || r->status == 101)
			break;
		http_resp_clear(r);
		if (interim + 1 >= MAX_INTERIM) {
			errf(err, errlen, "too many interim responses");
			return -1;
		}
	}
	http_body_t b;
	http_body_init(&b, r, head_request, body_cap);
	size_t used;
	http_body_rc_t rc = http_body_feed(&b, p, n, &used);
	if (rc == HTTP_BODY_MORE && eof)
		rc = http_body_eof(&b);
	if (rc == HTTP_BODY_MORE) {
		http_body_free(&b);
		http_resp_clear(r);
		return 1;
	}
	if (rc == HTTP_BODY_BAD) {
		errf(err, errlen, b.err);
		http_body_free(&b);
		http_resp_clear(r);
		return -1;
	}
	http_body_finish(&b, r, true);
	return 0;
}

/* ---- URLs ---- */

int
http_url_parse(const char *url, http_url_t *u)
{
	memset(u, 0, sizeof(*u));
	const char *p;
	if (strncasecmp(url, "http://", 7) == 0) {
		p = url + 7;
		u->port = 80;
	} else if (strncasecmp(url, "https://", 8) == 0) {
		p = url + 8;
		u->tls = true;
		u->port = 443;
	} else
		return -1;
	size_t alen = strcspn(p, "/?#");
	if (memchr(p, '@', alen))
		return -1;	/* userinfo: never sent anywhere */
	const char *hs = p, *he;
	const char *rest;
	if (*p == '[') {
		he = memchr(p, ']', alen);
		if (he == NULL)
			return -1;
		hs = p + 1;
		rest = he + 1;
	} else {
		he = p;
		while (he < p + alen && *he != ':')
			he++;
		rest = he;
	}
	size_t hl = (size_t)(he - hs);
	if (hl == 0 || hl >= sizeof(u->host))
		return -1;
	for (size_t i = 0; i < hl; i++)
		if (!isalnum((unsigned char)hs[i]) && !strchr(".-:%_", hs[i]))
			return -1;
	memcpy(u->host, hs, hl);
	if (rest < p + alen) {
		if (*rest != ':')
			return -1;
		rest++;
		size_t dl = (size_t)(p + alen - rest);
		if (dl == 0 || dl > 5)
			return -1;
		int port = 0;
		for (size_t i = 0; i < dl; i++) {
			if (!isdigit((unsigned char)rest[i]))
				return -1;
			port = port * 10 + (rest[i] - '0');
		}
		if (port < 1 || port > 65535)
			return -1;
		u->port = port;
	}
	const char *path = p + alen;
	size_t pl = strcspn(path, "#");
	if (pl + 2 > sizeof(u->path))
		return -1;
	size_t o = 0;
	if (pl == 0 || path[0] != '/')
		u->path[o++] = '/';
	for (size_t i = 0; i < pl; i++) {
		unsigned char c = (unsigned char)path[i];
		if (c <= 0x20 || c >= 0x7f)
			return -1;
		u->path[o++] = (char)c;
	}
	u->path[o] = '\0';
	return 0;
}

void
http_host_header(const char *host, int port, bool tls, char *out, size_t outlen)
{
	bool v6 = strchr(host, ':') != NULL;
	bool dflt = port == (tls ? 443 : 80);
	char hbuf[300];
	/* A zone id (%eth0) is local to this host and means nothing to the server. */
	size_t hl = strcspn(host, "%");
	snprintf(hbuf, sizeof(hbuf), v6 ? "[%.*s]" : "%.*s", (int)hl, host);
	if (dflt)
		snprintf(out, outlen, "%s", hbuf);
	else
		snprintf(out, outlen, "%s:%d", hbuf, port);
}

/* ---- the fetch ---- */

typedef struct stream {
	conn_t *c;
	tls_conn_t *tc;		/* NULL: plain */
} stream_t;

static net_status_t
s_read(stream_t *s, void *buf, size_t cap, size_t *got, uint64_t dl)
{
	return s->tc ? tls_read(s->tc, buf, cap, got, dl) : conn_read(s->c, buf, cap, got, dl);
}

static net_status_t
s_write(stream_t *s, const void *buf, size_t n, uint64_t dl)
{
	return s->tc ? tls_write(s->tc, buf, n, dl) : conn_write(s->c, buf, n, dl);
}

static bool
path_ok(const char *path)
{
	if (path == NULL || path[0] != '/' || strlen(path) > 2048)
		return false;
	for (const unsigned char *q = (const unsigned char *)path; *q; q++)
		if (*q <= 0x20 || *q >= 0x7f)
			return false;
	return true;
}

/* Reads the head (skipping 1xx).  Leftover body bytes stay at head[*he..*have). */
static int
read_head(stream_t *s, uint8_t *head, size_t *have, size_t *he, uint64_t dl,
    http_resp_t *r, net_status_t *net, char *err, size_t errlen)
{
	for (int interim = 0;;) {
		size_t end, scanned = 0;
		/* Rescan only the new bytes (and 2 before them), whatever the read sizes. */
		while ((end = http_head_end(head + scanned, *have - scanned)) == 0) {
			scanned = *have > 2 ? *have - 2 : 0;
			if (*have >= HTTP_HEAD_CAP) {
				errf(err, errlen, "response head exceeds 16 KiB");
				return -1;
			}
			size_t got;
			net_status_t st = s_read(s, head + *have, HTTP_HEAD_CAP - *have, &got, dl);
			if (st != NET_OK) {
				*net = st;
				snprintf(err, errlen, "%s before the end of the response head (%zu bytes)",
				    net_status_str(st), *have);
				return -1;
			}
			*have += got;
		}
		end += scanned;
		if (http_parse_head(head, end, r, err, errlen) < 0)
			return -1;
		if (r->status >= 200 || r->status == 101) {
			*he = end;
			return 0;
		}
		http_resp_clear(r);
		if (++interim >= MAX_INTERIM) {
			errf(err, errlen, "too many interim (1xx) responses");
			return -1;
		}
		memmove(head, head + end, *have - end);
		*have -= end;
	}
}

int
http_request(const http_client_t *cl, const char *method, const char *path,
    uint64_t deadline, http_resp_t *r, net_status_t *net, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	*net = NET_OK;
	errf(err, errlen, "");
	bool head_req = strcmp(method, "HEAD") == 0;
	if ((!head_req && strcmp(method, "GET") != 0) || !path_ok(path) ||
	    (cl->tls && cl->tls_ctx == NULL)) {
		*net = NET_ERROR;
		errf(err, errlen, "bad request parameters");
		return -1;
	}
	char host[320];
	if (cl->host)
		snprintf(host, sizeof(host), "%s", cl->host);
	else
		http_host_header(cl->addr->text, cl->port, cl->tls, host, sizeof(host));
	for (const char *q = host; *q; q++)
		if ((unsigned char)*q <= 0x20 || (unsigned char)*q >= 0x7f) {
			*net = NET_ERROR;
			errf(err, errlen, "bad Host header");
			return -1;
		}

	conn_t c;
	tls_conn_t tc;
	stream_t s = { &c, NULL };
	*net = conn_tcp(&c, cl->addr, cl->port, deadline, cl->cancel, cl->ev);
	if (*net != NET_OK) {
		snprintf(err, errlen, "connect: %s", net_status_str(*net));
		return -1;
	}
	int rc = -1;
	uint8_t *head = NULL;
	if (cl->tls) {
		char terr[200];
		*net = tls_connect(cl->tls_ctx, &tc, &c, NULL, deadline, terr, sizeof(terr));
		if (*net != NET_OK) {
			snprintf(err, errlen, "TLS handshake: %s", terr);
			tls_close(&tc);
			conn_close(&c);
			return -1;
		}
		s.tc = &tc;
	}
	char req[2600];
	int rl = snprintf(req, sizeof(req),
	    "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: iotcert/" IOTCERT_VERSION
	    "\r\nAccept: */*\r\nConnection: close\r\n\r\n", method, path, host);
	if (rl < 0 || (size_t)rl >= sizeof(req)) {
		errf(err, errlen, "request too long");
		*net = NET_ERROR;
		goto out;
	}
	*net = s_write(&s, req, (size_t)rl, deadline);
	if (*net != NET_OK) {
		snprintf(err, errlen, "sending the request: %s", net_status_str(*net));
		goto out;
	}
	head = xcalloc(HTTP_HEAD_CAP, 1);
	size_t have = 0, he = 0;
	if (read_head(&s, head, &have, &he, deadline, r, net, err, errlen) < 0) {
		http_resp_clear(r);
		goto out;
	}
	http_body_t b;
	size_t cap = cl->body_cap ? cl->body_cap : HTTP_BODY_CAP;
	http_body_init(&b, r, head_req, cap);
	/* Chunk framing may not cost more than the body itself, plus slack. */
	uint64_t wire_left = (uint64_t)cap * 2 + 65536;
	size_t used;
	http_body_rc_t brc = http_body_feed(&b, head + he, have - he, &used);
	uint8_t *tmp = head;	/* the head is parsed: reuse its buffer */
	while (brc == HTTP_BODY_MORE) {
		size_t got;
		net_status_t st = s_read(&s, tmp, HTTP_HEAD_CAP, &got, deadline);
		if (st == NET_CLOSED || st == NET_RESET) {
			brc = http_body_eof(&b);
			break;
		}
		if (st != NET_OK) {
			*net = st;
			snprintf(b.err, sizeof(b.err), "%s while reading the body", net_status_str(st));
			brc = HTTP_BODY_BAD;
			break;
		}
		if (got > wire_left) {
			b.out.truncated = true;
			brc = HTTP_BODY_DONE;
			break;
		}
		wire_left -= got;
		brc = http_body_feed(&b, tmp, got, &used);
	}
	if (brc == HTTP_BODY_BAD)
		errf(err, errlen, b.err);
	/* A bad or cut-short body still leaves a usable head: say so, keep it. */
	http_body_finish(&b, r, brc == HTTP_BODY_DONE);
	rc = 0;
out:
	free(head);
	if (s.tc)
		tls_close(&tc);
	conn_close(&c);
	return rc;
}
