/*
 * The little HTML a disclosure probe needs, pure and bounded: the page
 * title.  No DOM, no libxml2 HTML parser: device pages are often broken and
 * all we want is one short string.
 */
#ifndef IOTCERT_HTML_H
#define IOTCERT_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Finds the first <title> element (tag names case-insensitive, attributes
 * allowed, comments skipped) in p[0..n) and copies its text into out:
 * whitespace runs collapsed to one space and trimmed, the entities &amp;
 * &lt; &gt; &quot; &apos; &#39; and numeric references below 128 decoded
 * (others kept as written), control bytes dropped, at most outlen-1 bytes.
 * False when there is no title or it is empty.
 */
bool html_title(const uint8_t *p, size_t n, char *out, size_t outlen);

#endif
