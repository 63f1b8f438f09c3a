/*
 * The reference device's published pages (published.h).  The behaving
 * pages carry exactly what the harness's published-info probe looks for, in
 * the words a manufacturer would use; each variant removes or spoils one
 * thing, so every FAIL reason of the 5.2-1 and 5.3-13 cases can be shown.
 */
#include "refdev/published.h"

#include "core/util.h"

#include <stdio.h>
#include <string.h>

#define HTML_HEAD "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head>\n<body>\n"
#define HTML_TAIL "</body></html>\n"

static char *
policy(unsigned v)
{
	const char *times = (v & PUB_POLICY_INCOMPLETE) ?
	    "<p>We look into every report and fix the issues we can reproduce.</p>\n" :
	    "<p>We acknowledge every report within 7 days of receiving it.</p>\n"
	    "<p>We send you status updates at least every 30 days until the issue is "
	    "resolved.</p>\n";
	return xasprintf(HTML_HEAD
	    "<h1>RefDev vulnerability disclosure policy</h1>\n"
	    "<p>If you find a security issue in a RefDev product, report it to "
	    "<a href=\"mailto:security@refdev.example\">security@refdev.example</a>.</p>\n"
	    "%s"
	    "<p>Reporting is free of charge and needs no account.</p>\n" HTML_TAIL,
	    "RefDev vulnerability disclosure policy", times);
}

static char *
support(unsigned v, time_t now)
{
	struct tm tm;
	gmtime_r(&now, &tm);
	if (v & PUB_SUPPORT_EXPIRED)
		return xasprintf(HTML_HEAD "<h1>RD-100 support</h1>\n"
		    "<p>Security updates for the RD-100 ended on 31 March 2020.</p>\n" HTML_TAIL,
		    "RD-100 support");
	return xasprintf(HTML_HEAD "<h1>RD-100 support</h1>\n"
	    "<p>The RD-100 camera receives security updates until 31 December %d.</p>\n"
	    HTML_TAIL, "RD-100 support", tm.tm_year + 1900 + PUB_SUPPORT_YEARS);
}

static char *
sectxt(unsigned v, const char *base, time_t now)
{
	char exp[32];
	time_t t = (v & PUB_SECTXT_EXPIRED) ? (time_t)1577836800 /* 2020-01-01 */ :
	    now + 180 * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(exp, sizeof(exp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xasprintf("# RefDev security contact (RFC 9116)\r\n"
	                 "Contact: mailto:security@refdev.example\r\n"
	                 "Expires: %s\r\n"
	                 "Policy: %s" PUB_POLICY_PATH "\r\n"
	                 "Preferred-Languages: en\r\n", exp, base);
}

bool
pub_is_page(const char *path)
{
	return strcmp(path, PUB_POLICY_PATH) == 0 || strcmp(path, PUB_SUPPORT_PATH) == 0 ||
	    strcmp(path, PUB_SECTXT_PATH) == 0;
}

char *
pub_page(const char *path, unsigned variants, const char *base, time_t now, const char **ctype)
{
	*ctype = "text/html; charset=utf-8";
	if (strcmp(path, PUB_POLICY_PATH) == 0)
		return policy(variants);
	if (strcmp(path, PUB_SUPPORT_PATH) == 0)
		return support(variants, now);
	if (strcmp(path, PUB_SECTXT_PATH) == 0) {
		*ctype = "text/plain; charset=utf-8";
		return sectxt(variants, base, now);
	}
	return NULL;
}

size_t
pub_garbage_fill(const void *arg, uint64_t off, unsigned char *buf, size_t cap)
{
	for (size_t i = 0; i < cap; i++) {
		uint64_t o = off + i;
		unsigned char c;
		if (o < 16)
			c = (unsigned char)"\xff\xfe\x00garbage\x00\x01\x02\x03\xff\x00"[o];
		else if (o < 16 + PUB_GARBAGE_LINE)
			c = (unsigned char)('A' + o % 26);	/* one line, no break */
		else if (o == 16 + PUB_GARBAGE_LINE)
			c = '\n';
		else
			c = (unsigned char)((o * 131u + 7u) & 0xff);
		buf[i] = c == '\n' && o != 16 + PUB_GARBAGE_LINE ? 0 : c;
	}
	return cap;
}
