/*
 * CoRE Link Format walking; see linkformat.h.  One linear pass with every
 * index checked against n: the payload is whatever a device sent.
 */
#include "proto/linkformat.h"

#include <string.h>

/* Index past the quoted string opening at p[i] ('"'), or 0 when unclosed. */
static size_t
skip_quoted(const uint8_t *p, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (p[i] == '\\')
			i++;	/* a quoted-pair: the next byte is taken as it is */
		else if (p[i] == '"')
			return i + 1;
	}
	return 0;
}

static bool
blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
linkfmt_walk(const uint8_t *p, size_t n, linkfmt_fn fn, void *arg)
{
	size_t i = 0;
	int links = 0;
	for (;;) {
		while (i < n && blank(p[i]))
			i++;
		if (i == n)
			return links;
		if (p[i] != '<')
			return -1;
		const uint8_t *gt = memchr(p + i + 1, '>', n - i - 1);
		if (gt == NULL)
			return -1;
		size_t start = i + 1, len = (size_t)(gt - p) - start;
		bool printable = true;
		for (size_t k = start; k < start + len; k++)
			if (p[k] < 0x21 || p[k] == 0x7f)
				printable = false;
		links++;
		if (printable && len < LINKFMT_TARGET_MAX) {
			char t[LINKFMT_TARGET_MAX];
			memcpy(t, p + start, len);
			t[len] = '\0';
			fn(arg, t);
		}
		/* Parameters up to the comma that ends this link. */
		for (i = (size_t)(gt - p) + 1; i < n && p[i] != ','; ) {
			if (p[i] == '"') {
				if ((i = skip_quoted(p, n, i)) == 0)
					return -1;
			} else {
				i++;
			}
		}
		if (i < n)
			i++;	/* the comma */
	}
}

bool
linkfmt_local_path(const char *t)
{
	static const char wk[] = "/.well-known/";
	if (t[0] != '/' || t[1] == '/')
		return false;	/* relative, or a network-path reference (//host/x) */
	if (strncmp(t, wk, sizeof(wk) - 1) == 0 || strcmp(t, "/.well-known") == 0)
		return false;
	return strpbrk(t, "?#%") == NULL;
}
