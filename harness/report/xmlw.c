/*
 * xmlTextWriter with a sticky error, escaped values and atomic replacement of
 * the output file (see xmlw.h).  The document is built in memory because
 * xmlFreeTextWriter cannot report a failed final flush or close; writing the
 * bytes ourselves lets every write error reach the caller.
 */
#include "xmlw.h"
#include "escape.h"
#include "core/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
xmlw_begin(xmlw_t *x, char *err, size_t errlen)
{
	memset(x, 0, sizeof(*x));
	xmlInitParser();
	x->buf = xmlBufferCreate();
	if (x->buf != NULL)
		x->w = xmlNewTextWriterMemory(x->buf, 0);
	if (x->w == NULL) {
		snprintf(err, errlen, "cannot create an XML writer");
		xmlw_discard(x);
		return -1;
	}
	if (xmlTextWriterSetIndent(x->w, 1) < 0 ||
	    xmlTextWriterSetIndentString(x->w, BAD_CAST "  ") < 0 ||
	    xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0) {
		snprintf(err, errlen, "cannot start an XML document");
		xmlw_discard(x);
		return -1;
	}
	return 0;
}

void
xmlw_discard(xmlw_t *x)
{
	if (x->w)
		xmlFreeTextWriter(x->w);
	if (x->buf)
		xmlBufferFree(x->buf);
	x->w = NULL;
	x->buf = NULL;
}

static int
write_file(const char *path, const void *p, size_t n, char *err, size_t errlen)
{
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	bool ok = fwrite(p, 1, n, f) == n;
	int e = errno;
	if (fclose(f) != 0 && ok) {
		ok = false;
		e = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		e = errno;
	}
	if (!ok) {
		snprintf(err, errlen, "writing %s: %s", path, strerror(e));
		unlink(tmp);
	}
	free(tmp);
	return ok ? 0 : -1;
}

int
xmlw_finish(xmlw_t *x, const char *path, char *err, size_t errlen)
{
	int rc = -1;
	if (x->w == NULL)
		snprintf(err, errlen, "%s: no document", path);
	else if (x->failed || xmlTextWriterEndDocument(x->w) < 0 ||
	    xmlTextWriterFlush(x->w) < 0)
		snprintf(err, errlen, "%s: building the XML document failed", path);
	else
		rc = write_file(path, xmlBufferContent(x->buf),
		    (size_t)xmlBufferLength(x->buf), err, errlen);
	xmlw_discard(x);
	return rc;
}

static void
check(xmlw_t *x, int rc)
{
	if (rc < 0)
		x->failed = true;
}

void
xmlw_start(xmlw_t *x, const char *name)
{
	if (!x->failed)
		check(x, xmlTextWriterStartElement(x->w, BAD_CAST name));
}

void
xmlw_end(xmlw_t *x)
{
	if (!x->failed)
		check(x, xmlTextWriterEndElement(x->w));
}

void
xmlw_ns(xmlw_t *x, const char *uri)
{
	if (!x->failed)
		check(x, xmlTextWriterWriteAttribute(x->w, BAD_CAST "xmlns",
		    BAD_CAST uri));
}

void
xmlw_attr(xmlw_t *x, const char *name, const char *val)
{
	if (x->failed || val == NULL)
		return;
	char *e = escape_str(val);
	check(x, xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST e));
	free(e);
}

void
xmlw_attrf(xmlw_t *x, const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	xmlw_attr(x, name, s);
	free(s);
}

void
xmlw_attr_bool(xmlw_t *x, const char *name, bool b)
{
	xmlw_attr(x, name, b ? "true" : "false");
}

void
xmlw_text_escaped(xmlw_t *x, const char *s)
{
	if (!x->failed && s != NULL)
		check(x, xmlTextWriterWriteString(x->w, BAD_CAST s));
}

void
xmlw_text(xmlw_t *x, const char *s)
{
	if (x->failed || s == NULL)
		return;
	char *e = escape_str(s);
	xmlw_text_escaped(x, e);
	free(e);
}

void
xmlw_elem(xmlw_t *x, const char *name, const char *text)
{
	if (text == NULL)
		return;
	xmlw_start(x, name);
	xmlw_text(x, text);
	xmlw_end(x);
}

void
xmlw_bytes(xmlw_t *x, const void *p, size_t n, size_t max)
{
	if (x->failed || p == NULL || n == 0)
		return;
	size_t dropped;
	char *e = escape_capped(p, n, max, &dropped);
	if (dropped > 0)
		xmlw_attrf(x, "truncated", "%zu", dropped);
	xmlw_text_escaped(x, e);
	free(e);
}

void
xmlw_elem_bytes(xmlw_t *x, const char *name, const void *p, size_t n,
    size_t max)
{
	if (p == NULL || n == 0)
		return;
	xmlw_start(x, name);
	xmlw_bytes(x, p, n, max);
	xmlw_end(x);
}
