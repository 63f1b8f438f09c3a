/*
 * Strict base64: see b64.h for why strict.
 */
#include "crypto/b64.h"
#include "core/util.h"

#include <openssl/evp.h>
#include <stdlib.h>

char *
b64_encode(const void *p, size_t n)
{
	char *out = xcalloc(4 * ((n + 2) / 3) + 1, 1);
	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	return out;
}

static int
digit(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
b64_decode(const char *in, size_t n, unsigned char **out, size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	if (n == 0 || n % 4 != 0)
		return -1;
	size_t pad = in[n - 1] == '=' ? (in[n - 2] == '=' ? 2 : 1) : 0;
	unsigned char *o = xcalloc(n / 4 * 3, 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i += 4) {
		size_t data = i + 4 == n ? 4 - pad : 4;
		unsigned v = 0;
		for (size_t j = 0; j < 4; j++) {
			int d = j < data ? digit((unsigned char)in[i + j]) : 0;
			if (d < 0) {
				free(o);
				return -1;
			}
			v = v << 6 | (unsigned)d;
		}
		/* The bits a short last group leaves unused must be zero. */
		if ((pad == 1 && i + 4 == n && (v & 0xff) != 0) ||
		    (pad == 2 && i + 4 == n && (v & 0xffff) != 0)) {
			free(o);
			return -1;
		}
		o[k++] = (unsigned char)(v >> 16);
		if (data > 2)
			o[k++] = (unsigned char)(v >> 8);
		if (data > 3)
			o[k++] = (unsigned char)v;
	}
	*out = o;
	*outlen = k;
	return 0;
}
