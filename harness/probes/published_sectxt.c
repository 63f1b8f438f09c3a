/*
 * Reading an RFC 9116 security.txt (published_judge.h): whatever keeps a
 * file from conforming becomes one sentence in the result, not an error, so
 * the report can say everything that is wrong with it at once.  An OpenPGP
 * cleartext signature is recognised and unwrapped, not verified.
 */
#include "probes/published_judge.h"
#include "probes/published_judge_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LIST_MAX 16

static int64_t
days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* RFC 3339 date-time (as RFC 9116 requires for Expires) to epoch seconds. */
static bool
rfc3339(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec, n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10 ||
	    (s[10] != 'T' && s[10] != 't'))
		return false;
	int n2 = 0;
	if (sscanf(s + 11, "%2d:%2d:%2d%n", &h, &mi, &sec, &n2) != 3 || n2 != 8)
		return false;
	const char *p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	int off = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om, n3 = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n3) != 2 || n3 != 5 || oh > 23 || om > 59)
			return false;
		off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return false;
	}
	if (*p != '\0' || y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > (y >= 1990 && y <= 2199 ? pj_days_in(y, mo) : 31) || h > 23 || mi > 59 || sec > 60)
		return false;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
	return true;
}

static void
problem(pj_sectxt_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
problem(pj_sectxt_t *s, const char *fmt, ...)
{
	if (s->problems.n >= LIST_MAX)
		return;
	va_list ap;
	va_start(ap, fmt);
	strlist_push_owned(&s->problems, xvasprintf(fmt, ap));
	va_end(ap);
}

/* One field line (already without its line end); lineno for messages. */
static void
sectxt_field(pj_sectxt_t *s, const char *l, size_t n, size_t lineno, bool *bad_line,
    size_t *expires_line, int64_t now)
{
	size_t i = 0;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	if (i == n || l[i] == '#')
		return;
	const char *colon = memchr(l + i, ':', n - i);
	size_t nl = colon ? (size_t)(colon - (l + i)) : 0;
	bool name_ok = colon && nl > 0 && nl < 64;
	for (size_t k = 0; name_ok && k < nl; k++)
		name_ok = isalnum((unsigned char)l[i + k]) || l[i + k] == '-';
	if (!name_ok) {
		if (!*bad_line)
			problem(s, "line %zu is not a field, a comment or blank", lineno);
		*bad_line = true;
		return;
	}
	const char *v = colon + 1;
	size_t vn = n - (size_t)(v - l);
	while (vn && (*v == ' ' || *v == '\t'))
		v++, vn--;
	while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
		vn--;
	char *val = xstrndup(v, vn);
	if (nl == 7 && strncasecmp(l + i, "Contact", 7) == 0) {
		if (s->contacts.n < LIST_MAX && vn)
			strlist_push(&s->contacts, val);
	} else if (nl == 6 && strncasecmp(l + i, "Policy", 6) == 0) {
		if (s->policies.n < LIST_MAX && vn)
			strlist_push(&s->policies, val);
	} else if (nl == 7 && strncasecmp(l + i, "Expires", 7) == 0) {
		if (s->expires) {
			problem(s, "Expires appears more than once (lines %zu and %zu)",
			    *expires_line, lineno);
		} else {
			s->expires = xstrdup(val);
			*expires_line = lineno;
			int64_t t;
			if (!rfc3339(val, &t)) {
				problem(s, "Expires \"%.64s\" is not an RFC 3339 date and time", val);
			} else {
				s->expires_s = t;
				if (t <= now)
					problem(s, "expired on %.64s", val);
			}
		}
	}
	free(val);
}

void
pj_sectxt_parse(const unsigned char *p, size_t n, int64_t now, pj_sectxt_t *out)
{
	memset(out, 0, sizeof(*out));
	if (memchr(p, '\0', n))
		problem(out, "contains NUL bytes: not a text file");
	bool long_line = false, bad_line = false, in_sig_head = false, sig_block = false;
	size_t expires_line = 0, lineno = 0;
	for (size_t i = 0; i < n;) {
		if (++lineno > PJ_SECTXT_LINES_MAX) {
			problem(out, "more than %d lines: the rest was not read", PJ_SECTXT_LINES_MAX);
			break;
		}
		const unsigned char *nlp = memchr(p + i, '\n', n - i);
		size_t e = nlp ? (size_t)(nlp - p) : n;
		size_t len = e - i;
		if (len && p[i + len - 1] == '\r')
			len--;
		const char *l = (const char *)p + i;
		i = nlp ? e + 1 : n;
		if (len > PJ_SECTXT_LINE_MAX) {
			if (!long_line)
				problem(out, "line %zu is longer than %d bytes", lineno, PJ_SECTXT_LINE_MAX);
			long_line = true;
			continue;
		}
		if (memchr(l, '\0', len))
			continue;	/* already reported; a NUL ends no C string here */
		if (lineno == 1 && len >= 34 && strncmp(l, "-----BEGIN PGP SIGNED MESSAGE-----", 34) == 0) {
			out->signed_pgp = true;
			in_sig_head = true;
			continue;
		}
		if (in_sig_head) {	/* "Hash: ..." armour headers up to a blank line */
			if (len == 0)
				in_sig_head = false;
			continue;
		}
		if (out->signed_pgp && len >= 29 && strncmp(l, "-----BEGIN PGP SIGNATURE-----", 29) == 0) {
			sig_block = true;
			break;
		}
		if (out->signed_pgp && len >= 2 && l[0] == '-' && l[1] == ' ')
			l += 2, len -= 2;	/* dash-escaped (RFC 4880 7.1) */
		sectxt_field(out, l, len, lineno, &bad_line, &expires_line, now);
	}
	if (out->signed_pgp && !sig_block)
		problem(out, "a signed message without its signature block");
	if (out->contacts.n == 0)
		problem(out, "no Contact field");
	if (out->expires == NULL)
		problem(out, "no Expires field");
}

void
pj_sectxt_clear(pj_sectxt_t *s)
{
	if (s == NULL)
		return;
	strlist_free(&s->contacts);
	strlist_free(&s->policies);
	strlist_free(&s->problems);
	free(s->expires);
	memset(s, 0, sizeof(*s));
}
