/*
 * Whether one HTTP answer proves anonymous access; see anonymous.h.  Pure:
 * the responses come in parsed, so every rule is unit-tested without a
 * socket.  The rules lean to "not proven": a lab must never report a public
 * page, a login page or a catch-all index as an open device function.
 */
#include "probes/anonymous.h"

#include "core/util.h"
#include "proto/html.h"
#include "proto/html_login.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *
anon_http_str(anon_http_t v)
{
	switch (v) {
	case ANON_HTTP_OPEN: return "open";
	case ANON_HTTP_PROTECTED: return "protected";
	case ANON_HTTP_REDIRECT: return "redirect";
	case ANON_HTTP_LOGIN_PAGE: return "login page";
	case ANON_HTTP_EMPTY: return "empty";
	case ANON_HTTP_CATCH_ALL: return "same as a made-up path";
	case ANON_HTTP_ABSENT: return "absent";
	}
	return "?";
}

/* p[0..n) with every occurrence of path cut out (a fresh copy in *out). */
static size_t
cut_path(const uint8_t *p, size_t n, const char *path, uint8_t **out)
{
	size_t k = strlen(path), o = 0;
	*out = xcalloc(n + 1, 1);
	for (size_t i = 0; i < n; ) {
		if (k > 1 && i + k <= n && memcmp(p + i, path, k) == 0) {
			i += k;
			continue;
		}
		(*out)[o++] = p[i++];
	}
	return o;
}

bool
anon_same_page(const uint8_t *a, size_t an, const char *ap,
    const uint8_t *b, size_t bn, const char *bp)
{
	if (an == bn && memcmp(a, b, an) == 0)
		return true;
	uint8_t *ca, *cb;
	size_t cn = cut_path(a, an, ap, &ca), dn = cut_path(b, bn, bp, &cb);
	bool same = cn == dn && memcmp(ca, cb, cn) == 0;
	char ta[256], tb[256];
	if (!same && html_title(ca, cn, ta, sizeof(ta)) && html_title(cb, dn, tb, sizeof(tb)) &&
	    strcmp(ta, tb) == 0) {
		size_t lo = cn < dn ? cn : dn, hi = cn < dn ? dn : cn;
		same = (hi - lo) * 10 <= hi;
	}
	free(ca);
	free(cb);
	return same;
}

static bool
blank_body(const http_resp_t *r)
{
	for (size_t i = 0; i < r->body_len; i++)
		if (!isspace(r->body[i]))
			return false;
	return true;
}

/* Declared HTML, or undeclared markup that is not an XML document. */
static bool
html_like(const http_resp_t *r)
{
	const char *ct = http_resp_header(r, "Content-Type");
	if (ct)
		return strcasestr(ct, "html") != NULL;
	size_t i = 0;
	while (i < r->body_len && isspace(r->body[i]))
		i++;
	return i + 1 < r->body_len && r->body[i] == '<' && r->body[i + 1] != '?';
}

static bool
ok2xx(const http_resp_t *r)
{
	return r->status >= 200 && r->status < 300;
}

anon_http_t
anon_http_judge(const http_resp_t *r, const char *path, const http_resp_t *canary,
    const char *canary_path)
{
	if (r->status == 401 || r->status == 403 || r->status == 407)
		return ANON_HTTP_PROTECTED;
	if (r->status >= 300 && r->status < 400)
		return ANON_HTTP_REDIRECT;
	if (!ok2xx(r))
		return ANON_HTTP_ABSENT;
	if (blank_body(r))
		return ANON_HTTP_EMPTY;
	if (html_like(r)) {
		if (html_login_page(r->body, r->body_len))
			return ANON_HTTP_LOGIN_PAGE;
		if (html_soft_redirect(r->body, r->body_len))
			return ANON_HTTP_REDIRECT;
	}
	if (canary && ok2xx(canary) && anon_same_page(r->body, r->body_len, path,
	    canary->body, canary->body_len, canary_path))
		return ANON_HTTP_CATCH_ALL;
	return ANON_HTTP_OPEN;
}
