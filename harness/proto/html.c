/*
 * <title> extraction from device web pages.  A linear scan with every index
 * checked against n: the input is whatever a device sent.
 */
#include "proto/html.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static bool
starts_ci(const uint8_t *p, size_t n, size_t i, const char *s)
{
	size_t k = strlen(s);
	return i + k <= n && strncasecmp((const char *)p + i, s, k) == 0;
}

/* Index just past the first "needle" at or after i (case-insensitive), or n. */
static size_t
skip_past(const uint8_t *p, size_t n, size_t i, const char *needle)
{
	for (; i < n; i++)
		if (starts_ci(p, n, i, needle))
			return i + strlen(needle);
	return n;
}

/* Decodes the entity at p[i] ('&'); returns the byte and sets *len, or 0. */
static int
entity(const uint8_t *p, size_t n, size_t i, size_t *len)
{
	static const struct { const char *name; char c; } named[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&apos;", '\'' }, { "&nbsp;", ' ' },
	};
	for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++)
		if (starts_ci(p, n, i, named[k].name)) {
			*len = strlen(named[k].name);
			return named[k].c;
		}
	if (i + 3 < n && p[i + 1] == '#') {
		size_t j = i + 2;
		bool hex = p[j] == 'x' || p[j] == 'X';
		j += hex;
		unsigned v = 0;
		size_t digits = 0;
		while (j < n && digits < 6 && (hex ? isxdigit(p[j]) : isdigit(p[j]))) {
			v = v * (hex ? 16 : 10) +
			    (unsigned)(isdigit(p[j]) ? p[j] - '0' : tolower(p[j]) - 'a' + 10);
			j++, digits++;
		}
		if (digits && j < n && p[j] == ';' && v >= 0x20 && v < 0x7f) {
			*len = j + 1 - i;
			return (int)v;
		}
	}
	return 0;
}

bool
html_title(const uint8_t *p, size_t n, char *out, size_t outlen)
{
	if (outlen == 0)
		return false;
	out[0] = '\0';
	size_t i = 0, start = n;
	while (i < n) {
		if (starts_ci(p, n, i, "<!--")) {
			i = skip_past(p, n, i + 4, "-->");
			continue;
		}
		if (starts_ci(p, n, i, "<title") && i + 6 < n &&
		    (p[i + 6] == '>' || isspace(p[i + 6]))) {
			const uint8_t *gt = memchr(p + i + 6, '>', n - i - 6);
			if (gt == NULL)
				return false;
			start = (size_t)(gt - p) + 1;
			break;
		}
		i++;
	}
	if (start >= n)
		return false;
	size_t o = 0;
	bool space = false;
	for (i = start; i < n && o + 1 < outlen; i++) {
		if (p[i] == '<' && starts_ci(p, n, i, "</title"))
			break;
		int c = p[i], e;
		size_t elen = 0;
		if (c == '&' && (e = entity(p, n, i, &elen)) != 0) {
			c = e;
			i += elen - 1;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = o > 0;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			continue;
		if (space) {
			if (o + 2 >= outlen)
				break;	/* no room for what follows the blank */
			out[o++] = ' ';
			space = false;
		}
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return o > 0;
}
