/*
 * HTML form logins: the urlencoded body we POST and the verdict from the
 * markers the test case gives.  A form answers 200 to right and wrong
 * passwords alike, so nothing but a declared marker decides.
 */
#include "auth/http_auth.h"

#include "proto/ident.h"

#include <stdio.h>
#include <string.h>

int
http_form_encode(buf_t *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
		unsigned char c = *q;
		char enc[3];
		size_t n = 1;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '*' || c == '-' || c == '.' || c == '_')
			enc[0] = (char)c;
		else if (c == ' ')
			enc[0] = '+';
		else {
			enc[0] = '%';
			enc[1] = hex[c >> 4];
			enc[2] = hex[c & 15];
			n = 3;
		}
		if (buf_append(b, enc, n) < 0)
			return -1;
	}
	return 0;
}

static bool
marker_in(const char *m, const char *head, size_t hl, const void *body, size_t bl)
{
	return m && *m && (mem_has_ci((const uint8_t *)head, hl, m) || mem_has_ci(body, bl, m));
}

auth_result_t
http_form_verdict(const char *head, size_t head_len, const void *body, size_t body_len,
    const char *success, const char *failure, char *why, size_t whylen)
{
	bool ok = marker_in(success, head, head_len, body, body_len);
	bool no = marker_in(failure, head, head_len, body, body_len);
	if (ok && no) {
		snprintf(why, whylen, "both the success marker \"%s\" and the failure marker "
		    "\"%s\" matched", success, failure);
		return AUTH_INCONCLUSIVE;
	}
	if (ok) {
		snprintf(why, whylen, "the response carries the success marker \"%s\"", success);
		return AUTH_ACCEPTED;
	}
	if (no) {
		snprintf(why, whylen, "the response carries the failure marker \"%s\"", failure);
		return AUTH_REJECTED;
	}
	if ((success == NULL || !*success) && (failure == NULL || !*failure))
		snprintf(why, whylen, "no success or failure marker was declared for the form");
	else
		snprintf(why, whylen, "neither the success marker \"%s\" nor the failure marker "
		    "\"%s\" matched", success ? success : "", failure ? failure : "");
	return AUTH_INCONCLUSIVE;
}
