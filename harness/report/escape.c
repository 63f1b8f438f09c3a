/*
 * The report escaper (see escape.h for the mapping).  Decoding is strict
 * UTF-8 (RFC 3629): a sequence is kept only when complete, shortest-form, not
 * a surrogate and at most U+10FFFF; otherwise only its first byte is escaped
 * and decoding resumes at the next byte, so a stray lead byte cannot swallow
 * the valid text after it.
 */
#include "escape.h"
#include "core/util.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the sequence at p if it is a character we copy as is, else 0. */
static size_t
keep_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	if (c < 0x80)
		return (c >= 0x20 && c != 0x7f && c != '\\') ||
		    c == '\t' || c == '\n' || c == '\r';
	size_t len;
	uint32_t cp;
	if (c >= 0xc2 && c <= 0xdf) {		/* 0xc0, 0xc1: always overlong */
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
		return 0;			/* overlong */
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	/* Allowed by XML 1.0 but invisible or "not a character": show them. */
	if (cp <= 0x9f || cp == 0xfffe || cp == 0xffff)
		return 0;
	return len;
}

/* Escapes input from *pos into b until done or `max` output bytes. */
static void
escape_into(buf_t *b, const unsigned char *p, size_t n, size_t *pos, size_t max)
{
	size_t i = *pos;
	while (i < n) {
		char hex[5];
		const void *out;
		size_t olen, adv;
		size_t k = keep_len(p + i, n - i);
		if (k > 0) {
			out = p + i;
			olen = adv = k;
		} else if (p[i] == '\\') {
			out = "\\\\";
			olen = 2;
			adv = 1;
		} else {
			snprintf(hex, sizeof(hex), "\\x%02x", p[i]);
			out = hex;
			olen = 4;
			adv = 1;
		}
		if (olen > max - b->len)
			break;
		buf_append(b, out, olen);
		i += adv;
	}
	*pos = i;
}

char *
escape_bytes(const void *p, size_t n)
{
	buf_t b;
	buf_init(&b, SIZE_MAX);
	size_t pos = 0;
	escape_into(&b, p, n, &pos, SIZE_MAX);
	return buf_steal(&b);
}

char *
escape_str(const char *s)
{
	return s ? escape_bytes(s, strlen(s)) : NULL;
}

char *
escape_capped(const void *p, size_t n, size_t max, size_t *dropped)
{
	buf_t b;
	buf_init(&b, SIZE_MAX);
	size_t pos = 0;
	escape_into(&b, p, n, &pos, max);
	if (pos < n)
		buf_printf(&b, ESCAPE_TRUNC_MARK "%zu bytes]", n - pos);
	if (dropped)
		*dropped = n - pos;
	return buf_steal(&b);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
unescape(const char *s, char **out, size_t *outlen)
{
	size_t n = strlen(s);
	char *o = xcalloc(n + 1, 1);
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\') {
			o[w++] = s[i];
			continue;
		}
		if (s[i + 1] == '\\') {
			o[w++] = '\\';
			i++;
			continue;
		}
		int hi, lo;
		if (s[i + 1] != 'x' || (hi = hexval(s[i + 2])) < 0 ||
		    (lo = hexval(s[i + 3])) < 0) {
			free(o);
			*out = NULL;
			*outlen = 0;
			return -1;
		}
		o[w++] = (char)(hi << 4 | lo);
		i += 3;
	}
	o[w] = '\0';
	*out = o;
	*outlen = w;
	return 0;
}
