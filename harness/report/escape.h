/*
 * Device bytes -> text that is always valid UTF-8 and valid XML 1.0 character
 * data, reversibly.  Banners, headers and transcripts are whatever the device
 * sent (NULs, control bytes, broken UTF-8); every text and attribute value in
 * the reports goes through here so one rule covers them all:
 *
 *   - a well-formed UTF-8 sequence of a character we keep is copied;
 *   - "\" becomes "\\";
 *   - every other byte becomes "\xNN" (two lowercase hex digits): C0 controls
 *     except TAB LF CR, DEL, the C1 controls U+0080..U+009F, U+FFFE, U+FFFF,
 *     and each byte of an invalid, truncated, overlong or surrogate sequence.
 *
 * So unescape(escape(b)) == b for any bytes b.  All results are NUL-terminated
 * strings the caller frees.
 */
#ifndef IOTCERT_ESCAPE_H
#define IOTCERT_ESCAPE_H

#include <stddef.h>

/* The marker the capped variant appends, followed by "N bytes]". */
#define ESCAPE_TRUNC_MARK "\xe2\x80\xa6[truncated "

char *escape_bytes(const void *p, size_t n);
char *escape_str(const char *s);		/* NULL in, NULL out */

/*
 * As escape_bytes, but at most `max` bytes of escaped text (an escape or a
 * UTF-8 sequence is never split), then "…[truncated N bytes]" where N is the
 * number of input bytes left out.  *dropped (may be NULL) receives N, 0 when
 * everything fit.  The marker is not part of the reversible mapping.
 */
char *escape_capped(const void *p, size_t n, size_t max, size_t *dropped);

/*
 * The inverse of escape_bytes: *out (caller frees, NUL-terminated, may hold
 * NULs) and *outlen.  -1 on a backslash not followed by "\" or "xNN";
 * *out is then NULL.
 */
int unescape(const char *s, char **out, size_t *outlen);

#endif
