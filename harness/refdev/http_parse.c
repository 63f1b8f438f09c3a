/*
 * HTTP request parsing for the admin UI: request line, headers, Basic
 * credentials and form fields.  No I/O and no allocation beyond the copied
 * Authorization value; every loop is bounded by the capped head it is given.
 */
#include "refdev/http_parse.h"

#include "core/util.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
http_req_clear(http_req_t *rq)
{
	if (rq == NULL)
		return;
	free(rq->authorization);
	rq->authorization = NULL;
}

bool
http_head_byte_ok(unsigned char ch)
{
	return !((ch < 0x20 && ch != '\r' && ch != '\n' && ch != '\t') || ch == 0x7f);
}

static bool
is_tchar(int ch)
{
	return isalnum(ch) || (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Parses the request line into rq; returns 0 or the HTTP status to send. */
static int
parse_request_line(http_req_t *rq, char *line)
{
	char *sp1 = strchr(line, ' ');
	char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (sp1 == NULL || sp2 == NULL || strchr(sp2 + 1, ' '))
		return 400;
	*sp1 = *sp2 = '\0';
	const char *method = line, *target = sp1 + 1, *version = sp2 + 1;
	size_t mlen = strlen(method);
	if (mlen == 0 || mlen >= sizeof(rq->method))
		return mlen ? 501 : 400;
	for (const char *p = method; *p; p++)
		if (!is_tchar((unsigned char)*p))
			return 400;
	memcpy(rq->method, method, mlen + 1);
	rq->head = strcmp(method, "HEAD") == 0;

	if (strncmp(version, "HTTP/", 5) != 0 || !isdigit((unsigned char)version[5]) ||
	    version[6] != '.' || !isdigit((unsigned char)version[7]) || version[8] != '\0')
		return 400;
	if (version[5] != '1')
		return 505;

	/* Absolute form (proxies, some scanners): drop scheme and authority. */
	if (strncasecmp(target, "http://", 7) == 0 || strncasecmp(target, "https://", 8) == 0) {
		const char *slash = strchr(strstr(target, "//") + 2, '/');
		target = slash ? slash : "/";
	}
	size_t tlen = strcspn(target, "?#");
	if (target[0] != '/' || tlen > HTTP_TARGET_MAX)
		return target[0] == '/' ? 414 : 400;
	for (const char *p = target; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p == 0x7f)
			return 400;
	memcpy(rq->path, target, tlen);
	rq->path[tlen] = '\0';
	return 0;
}

static int
parse_length(const char *v, size_t *out)
{
	size_t n = 0;
	if (*v == '\0')
		return -1;
	for (; *v; v++) {
		if (!isdigit((unsigned char)*v) || n > (SIZE_MAX - 9) / 10)
			return -1;
		n = n * 10 + (size_t)(*v - '0');
	}
	*out = n;
	return 0;
}

/* Parses header lines in place; returns 0 or the HTTP status to send. */
static int
parse_headers(http_req_t *rq, char *p, char *end)
{
	int count = 0;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *line_end = nl ? nl : end;
		if (line_end > p && line_end[-1] == '\r')
			line_end--;
		*line_end = '\0';
		char *next = nl ? nl + 1 : end;
		if (*p == '\0')
			break;
		if (++count > HTTP_HEADERS_MAX)
			return 431;
		if (*p == ' ' || *p == '\t')
			return 400; /* obsolete line folding */
		char *colon = strchr(p, ':');
		if (colon == NULL || colon == p)
			return 400;
		for (char *q = p; q < colon; q++)
			if (!is_tchar((unsigned char)*q))
				return 400;
		*colon = '\0';
		char *v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		size_t vl = strlen(v);
		while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
			v[--vl] = '\0';
		for (char *q = v; *q; q++)
			if (((unsigned char)*q < 0x20 && *q != '\t') || *q == 0x7f)
				return 400;
		if (strcasecmp(p, "Content-Length") == 0) {
			size_t n;
			if (parse_length(v, &n) < 0 || (rq->has_length && n != rq->length))
				return 400;
			rq->has_length = true;
			rq->length = n;
		} else if (strcasecmp(p, "Transfer-Encoding") == 0) {
			rq->chunked = true;
		} else if (strcasecmp(p, "Authorization") == 0) {
			free(rq->authorization);
			rq->authorization = xstrdup(v);
		}
		p = next;
	}
	if (rq->chunked)
		return rq->has_length ? 400 : 501;
	if (rq->has_length && rq->length > HTTP_BODY_MAX)
		return 413;
	return 0;
}

/* Offset of the first byte after the blank line ending the head, or 0. */
size_t
http_head_end(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\n')
			continue;
		if (i + 1 < len && s[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && s[i + 1] == '\r' && s[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

static int
b64val(int ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

int
http_b64_decode(const char *in, char *out, size_t cap)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	const char *p = in;
	for (; *p && *p != '='; p++) {
		int v = b64val((unsigned char)*p);
		if (v < 0)
			return -1;
		acc = ((acc << 6) | (uint32_t)v) & 0xffffffu;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o + 1 >= cap)
				return -1;
			out[o++] = (char)((acc >> bits) & 0xffu);
		}
	}
	for (; *p == '='; p++)
		;
	if (*p)
		return -1;
	out[o] = '\0';
	return memchr(out, '\0', o) ? -1 : (int)o;
}

/* Percent-decodes one form field into out; false if it cannot be used. */
static bool
form_decode(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int ch = (unsigned char)s[i];
		if (ch == '+') {
			ch = ' ';
		} else if (ch == '%' && i + 2 < n && hexval((unsigned char)s[i + 1]) >= 0 &&
		           hexval((unsigned char)s[i + 2]) >= 0) {
			ch = hexval((unsigned char)s[i + 1]) * 16 + hexval((unsigned char)s[i + 2]);
			i += 2;
		}
		if (ch == 0 || o + 1 >= cap)
			return false;
		out[o++] = (char)ch;
	}
	out[o] = '\0';
	return true;
}

bool
http_form_get(const char *body, const char *name, char *out, size_t cap)
{
	for (const char *p = body; *p;) {
		size_t n = strcspn(p, "&");
		const char *eq = memchr(p, '=', n);
		if (eq) {
			size_t kl = (size_t)(eq - p);
			char key[HTTP_FIELD_MAX];
			if (form_decode(p, kl, key, sizeof(key)) && strcmp(key, name) == 0)
				return form_decode(eq + 1, n - kl - 1, out, cap);
		}
		p += n;
		if (*p == '&')
			p++;
	}
	return false;
}

int
http_parse_head(http_req_t *rq, char *head, size_t end)
{
	char *nl = memchr(head, '\n', end);
	if (nl == NULL)
		return 400;
	*nl = '\0';
	if (nl > head && nl[-1] == '\r')
		nl[-1] = '\0';
	int status = parse_request_line(rq, head);
	return status ? status : parse_headers(rq, nl + 1, head + end);
}

int
http_basic_split(const char *a, char *buf, size_t cap, const char **pass)
{
	if (a == NULL || strncasecmp(a, "Basic", 5) != 0 || (a[5] != ' ' && a[5] != '\t'))
		return -1;
	a += 5;
	while (*a == ' ' || *a == '\t')
		a++;
	if (strlen(a) > 4 * (cap / 3 + 1) || http_b64_decode(a, buf, cap) < 0)
		return -1;
	char *colon = strchr(buf, ':');
	if (colon == NULL)
		return -1;
	*colon = '\0';
	*pass = colon + 1;
	return 0;
}
