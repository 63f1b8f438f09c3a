/*
 * Base64 (RFC 4648, standard alphabet, '=' padding) for MANIFEST.sig.  The
 * decoder is strict on purpose: exactly one text decodes to each byte
 * string, so a changed signature file can never decode to the same
 * signature (a lenient decoder ignores the low bits of the last digit).
 */
#ifndef IOTCERT_CRYPTO_B64_H
#define IOTCERT_CRYPTO_B64_H

#include <stddef.h>

/* NUL-terminated, no line breaks.  Caller frees. */
char *b64_encode(const void *p, size_t n);
/*
 * Decodes in[0..n) into *out (caller frees, set to NULL on error); -1 when
 * the text is empty, not a multiple of 4 long, has a byte outside the
 * alphabet, padding anywhere but at the end, or non-zero unused bits.
 */
int b64_decode(const char *in, size_t n, unsigned char **out, size_t *outlen);

#endif
