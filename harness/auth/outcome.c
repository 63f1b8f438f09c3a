/*
 * Outcome helpers and random tokens for the authenticators.  Reasons are
 * what a lab reads in the report, so network failures are said in words.
 */
#include "auth/outcome.h"

#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
auth_outcome_init(auth_outcome_t *o, const char *method)
{
	memset(o, 0, sizeof(*o));
	o->result = AUTH_ERROR;
	snprintf(o->method, sizeof(o->method), "%s", method);
	snprintf(o->reason, sizeof(o->reason), "no decision reached");
}

void
auth_decide(auth_outcome_t *o, auth_result_t r, const char *fmt, ...)
{
	va_list ap;
	o->result = r;
	va_start(ap, fmt);
	vsnprintf(o->reason, sizeof(o->reason), fmt, ap);
	va_end(ap);
}

void
auth_net_failure(auth_outcome_t *o, net_status_t st, const char *when)
{
	/* Mid-exchange, whatever failed (the device, the network, a TLS record
	 * the device mangled) leaves the pair undecided. */
	auth_decide(o, AUTH_INCONCLUSIVE, "%s: %s", when, net_status_str(st));
}

int
auth_random_hex(char *out, size_t cap, size_t n)
{
	unsigned char b[64];
	if (n > sizeof(b) || cap < 2 * n + 1 || RAND_bytes(b, (int)n) != 1)
		return -1;
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 0;
}

int
auth_has_line_break(const char *s)
{
	return s && strpbrk(s, "\r\n") != NULL;
}

void
auth_printable(const void *p, size_t n, char *out, size_t cap)
{
	const unsigned char *q = p;
	size_t o = 0;
	if (cap == 0)
		return;
	for (size_t i = 0; i < n && o + 1 < cap; i++)
		out[o++] = q[i] >= 0x20 && q[i] < 0x7f ? (char)q[i] : '.';
	out[o] = '\0';
}
