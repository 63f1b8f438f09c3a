/*
 * Printable copies of device text; see pstr.h.
 */
#include "proto/pstr.h"

void
pstr_append(char *out, size_t outlen, size_t *len, const uint8_t *p, size_t n)
{
	if (outlen == 0)
		return;
	size_t o = *len < outlen ? *len : outlen - 1;
	for (size_t i = 0; i < n && o + 1 < outlen; i++)
		out[o++] = (p[i] < 0x20 || p[i] == 0x7f) ? '?' : (char)p[i];
	out[o] = '\0';
	*len = o;
}

size_t
pstr_copy(char *out, size_t outlen, const uint8_t *p, size_t n)
{
	size_t len = 0;
	if (outlen)
		out[0] = '\0';
	pstr_append(out, outlen, &len, p, n);
	return len;
}
