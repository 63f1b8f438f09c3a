/*
 * A thin layer over libxml2's xmlTextWriter shared by the XML writers: the
 * first error sticks (so writer code reads straight down without a check per
 * element), every text and attribute value passes through the report escaper,
 * and the file is written to "PATH.tmp" and renamed, so a failed or interrupted
 * write never leaves a half report under the real name.  Internal to report/.
 */
#ifndef IOTCERT_REPORT_XMLW_H
#define IOTCERT_REPORT_XMLW_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/xmlwriter.h>

typedef struct xmlw {
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
	bool failed;
} xmlw_t;

/* Starts an indented UTF-8 document in memory.  -1 with err set on failure. */
int xmlw_begin(xmlw_t *x, char *err, size_t errlen);
/* Ends the document and replaces `path` with it; frees x in every case. */
int xmlw_finish(xmlw_t *x, const char *path, char *err, size_t errlen);
void xmlw_discard(xmlw_t *x);		/* frees without writing */

void xmlw_start(xmlw_t *x, const char *name);
void xmlw_end(xmlw_t *x);
void xmlw_ns(xmlw_t *x, const char *uri);	/* default namespace on the open element */
/* Attribute and text values are escaped; NULL values write nothing. */
void xmlw_attr(xmlw_t *x, const char *name, const char *val);
void xmlw_attrf(xmlw_t *x, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void xmlw_attr_bool(xmlw_t *x, const char *name, bool b);
void xmlw_text(xmlw_t *x, const char *s);
/* For text already escaped (escape_capped output). */
void xmlw_text_escaped(xmlw_t *x, const char *s);
/* <name>text</name>, nothing when text is NULL. */
void xmlw_elem(xmlw_t *x, const char *name, const char *text);
/*
 * Escaped bytes capped at `max` bytes of escaped text as the content of the
 * element just opened, with truncated="N" (input bytes left out) when capped.
 * Call before any other content of that element.
 */
void xmlw_bytes(xmlw_t *x, const void *p, size_t n, size_t max);
/* <name [truncated="N"]>escaped bytes</name>; nothing when n is 0. */
void xmlw_elem_bytes(xmlw_t *x, const char *name, const void *p, size_t n,
    size_t max);

#endif
