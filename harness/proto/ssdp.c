/*
 * SSDP search request and response; see ssdp.h.
 */
#include "proto/ssdp.h"
#include "proto/cursor.h"
#include "proto/pstr.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_HEADERS 64

size_t
ssdp_msearch_build(char *out, size_t cap, const char *host, const char *st, int mx)
{
	int n = snprintf(out, cap,
	    "M-SEARCH * HTTP/1.1\r\n"
	    "HOST: %s\r\n"
	    "MAN: \"ssdp:discover\"\r\n"
	    "MX: %d\r\n"
	    "ST: %s\r\n"
	    "USER-AGENT: Linux/1 UPnP/1.1 iotcert/1\r\n"
	    "\r\n", host, mx, st);
	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

/* Takes the next line (without its CR LF) from c; -1 at the end. */
static int
next_line(cursor_t *c, const uint8_t **line, size_t *len)
{
	size_t left = cur_left(c);
	if (left == 0)
		return -1;
	const uint8_t *nl = memchr(c->p + c->off, '\n', left);
	size_t k = nl ? (size_t)(nl - (c->p + c->off)) + 1 : left;
	cur_bytes(c, k, line);
	*len = nl ? k - 1 : k;
	if (*len && (*line)[*len - 1] == '\r')
		(*len)--;
	return 0;
}

static bool
is_token_char(uint8_t b)
{
	return b > 0x20 && b < 0x7f && b != ':';
}

int
ssdp_parse_response(const uint8_t *p, size_t n, ssdp_resp_t *r)
{
	memset(r, 0, sizeof(*r));
	cursor_t c;
	cur_init(&c, p, n);
	const uint8_t *l;
	size_t len;
	if (next_line(&c, &l, &len) < 0 || len < 12 ||
	    (memcmp(l, "HTTP/1.1 200", 12) != 0 && memcmp(l, "HTTP/1.0 200", 12) != 0) ||
	    (len > 12 && l[12] != ' '))
		return -1;
	bool st = false, usn = false;
	for (unsigned h = 0; next_line(&c, &l, &len) == 0; h++) {
		if (len == 0)
			break;	/* end of the header block */
		if (h == MAX_HEADERS || memchr(l, '\0', len))
			return -1;
		size_t k = 0;
		while (k < len && is_token_char(l[k]))
			k++;
		if (k == 0 || k == len || l[k] != ':')
			return -1;
		size_t v = k + 1, e = len;
		while (v < e && (l[v] == ' ' || l[v] == '\t'))
			v++;
		while (e > v && (l[e - 1] == ' ' || l[e - 1] == '\t'))
			e--;
		char *dst = NULL;
		size_t dlen = 0;
		if (k == 2 && strncasecmp((const char *)l, "ST", 2) == 0) {
			dst = r->st, dlen = sizeof(r->st), st = true;
		} else if (k == 3 && strncasecmp((const char *)l, "USN", 3) == 0) {
			dst = r->usn, dlen = sizeof(r->usn), usn = true;
		} else if (k == 8 && strncasecmp((const char *)l, "LOCATION", 8) == 0) {
			dst = r->location, dlen = sizeof(r->location);
		} else if (k == 6 && strncasecmp((const char *)l, "SERVER", 6) == 0) {
			dst = r->server, dlen = sizeof(r->server);
		}
		if (dst)
			pstr_copy(dst, dlen, l + v, e - v);
	}
	return st && usn && r->usn[0] ? 0 : -1;
}

static void
split_token(const char *tok, size_t n, char *product, size_t plen, char *version,
    size_t vlen)
{
	while (n && *tok == ' ')
		tok++, n--;
	while (n && tok[n - 1] == ' ')
		n--;
	const char *slash = memchr(tok, '/', n);
	size_t pn = slash ? (size_t)(slash - tok) : n;
	snprintf(product, plen, "%.*s", (int)pn, tok);
	if (slash)
		snprintf(version, vlen, "%.*s", (int)(n - pn - 1), slash + 1);
	else if (vlen)
		version[0] = '\0';
}

void
ssdp_server_product(const char *server, char *product, size_t plen, char *version,
    size_t vlen)
{
	if (plen)
		product[0] = '\0';
	if (vlen)
		version[0] = '\0';
	/* "OS/v, UPnP/1.0, Portable SDK for UPnP devices/1.6" uses commas. */
	char sep = strchr(server, ',') ? ',' : ' ';
	const char *best = NULL;
	size_t best_n = 0;
	unsigned idx = 0;
	for (const char *s = server; *s; idx++) {
		const char *e = strchr(s, sep);
		size_t n = e ? (size_t)(e - s) : strlen(s);
		const char *t = s;
		size_t tn = n;
		while (tn && *t == ' ')
			t++, tn--;
		bool upnp = tn >= 5 && strncasecmp(t, "UPnP/", 5) == 0;
		if (idx > 0 && tn && !upnp) {
			best = t;
			best_n = tn;
		}
		s = e ? e + 1 : s + n;
	}
	if (best)
		split_token(best, best_n, product, plen, version, vlen);
}
