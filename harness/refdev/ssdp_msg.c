/*
 * SSDP search requests and responses; see ssdp_msg.h.  The parser works on
 * the datagram in place with explicit lengths, since nothing guarantees a
 * NUL anywhere in it.
 */
#include "refdev/ssdp_msg.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The next line of p[*o..n) without its CR LF (or bare LF); -1 at the end. */
static int
next_line(const unsigned char *p, size_t n, size_t *o, const unsigned char **l, size_t *len)
{
	if (*o >= n)
		return -1;
	const unsigned char *s = p + *o;
	const unsigned char *nl = memchr(s, '\n', n - *o);
	size_t k = nl ? (size_t)(nl - s) : n - *o;
	*l = s;
	*len = k;
	*o += nl ? k + 1 : k;
	if (*len && s[*len - 1] == '\r')
		(*len)--;
	return 0;
}

static bool
is_name(const unsigned char *s, size_t k, const char *name)
{
	return strlen(name) == k && strncasecmp((const char *)s, name, k) == 0;
}

int
ssdp_parse_msearch(const unsigned char *p, size_t n, ssdp_search_t *s)
{
	static const char request[] = "M-SEARCH * HTTP/1.1";
	memset(s, 0, sizeof(*s));
	s->mx = -1;
	if (memchr(p, '\0', n))
		return -1;
	size_t o = 0, len;
	const unsigned char *l;
	if (next_line(p, n, &o, &l, &len) < 0 || len != sizeof(request) - 1 ||
	    memcmp(l, request, len) != 0)
		return -1;
	bool man = false, st = false;
	/* The blank line may be missing when the datagram ends with the headers. */
	for (unsigned h = 0; next_line(p, n, &o, &l, &len) == 0; h++) {
		if (len == 0)
			break;
		if (h == SSDP_HEADERS_MAX)
			return -1;
		const unsigned char *colon = memchr(l, ':', len);
		if (colon == NULL || colon == l)
			return -1;
		size_t k = (size_t)(colon - l), v = k + 1, e = len;
		for (size_t i = 0; i < k; i++)
			if (l[i] <= 0x20 || l[i] >= 0x7f)
				return -1;
		while (v < e && (l[v] == ' ' || l[v] == '\t'))
			v++;
		while (e > v && (l[e - 1] == ' ' || l[e - 1] == '\t'))
			e--;
		const unsigned char *val = l + v;
		size_t vl = e - v;
		if (is_name(l, k, "MAN")) {
			man = vl == 15 && memcmp(val, "\"ssdp:discover\"", 15) == 0;
		} else if (is_name(l, k, "ST")) {
			if (vl == 0 || vl >= sizeof(s->st))
				return -1;
			memcpy(s->st, val, vl);
			s->st[vl] = '\0';
			st = true;
		} else if (is_name(l, k, "MX")) {
			int mx = 0;
			for (size_t i = 0; i < vl; i++) {
				if (val[i] < '0' || val[i] > '9' || mx > 1000)
					return -1;
				mx = mx * 10 + (val[i] - '0');
			}
			s->mx = vl ? mx : -1;
		}
	}
	return man && st ? 0 : -1;
}

size_t
ssdp_targets(const char *st, const char *udn, const char *device_type,
    char st_out[][SSDP_ST_MAX], char usn_out[][SSDP_ST_MAX])
{
	size_t k = 0;
	bool all = strcmp(st, "ssdp:all") == 0;
	if (all || strcmp(st, "upnp:rootdevice") == 0) {
		snprintf(st_out[k], SSDP_ST_MAX, "upnp:rootdevice");
		snprintf(usn_out[k++], SSDP_ST_MAX, "%s::upnp:rootdevice", udn);
	}
	if (all || strcmp(st, udn) == 0) {
		snprintf(st_out[k], SSDP_ST_MAX, "%s", udn);
		snprintf(usn_out[k++], SSDP_ST_MAX, "%s", udn);
	}
	if (all || strcmp(st, device_type) == 0) {
		snprintf(st_out[k], SSDP_ST_MAX, "%s", device_type);
		snprintf(usn_out[k++], SSDP_ST_MAX, "%s::%s", udn, device_type);
	}
	return k;
}

size_t
ssdp_response(char *out, size_t cap, const char *location, const char *server,
    const char *st, const char *usn, const char *date)
{
	int n = snprintf(out, cap,
	    "HTTP/1.1 200 OK\r\n"
	    "CACHE-CONTROL: max-age=1800\r\n"
	    "DATE: %s\r\n"
	    "EXT:\r\n"
	    "LOCATION: %s\r\n"
	    "SERVER: %s\r\n"
	    "ST: %s\r\n"
	    "USN: %s\r\n"
	    "BOOTID.UPNP.ORG: 1\r\n"
	    "CONFIGID.UPNP.ORG: 1\r\n"
	    "\r\n", date, location, server, st, usn);
	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}
