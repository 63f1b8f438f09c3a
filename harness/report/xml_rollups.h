/*
 * The roll-up part of report.xml (xml_rollups.c): provisions per framework,
 * categories, and the verdict of each scheme, plus the framework files a
 * scheme included.  Shared with xml_writer.c only.
 */
#ifndef IOTCERT_XML_ROLLUPS_H
#define IOTCERT_XML_ROLLUPS_H

#include "core/run.h"
#include "xmlw.h"

/* <provisions>, <categories> and <schemes>, in the XSD's order. */
void xml_write_rollups(xmlw_t *x, const run_t *r);
/* One <framework> per included definition file, inside <scheme>. */
void xml_write_frameworks(xmlw_t *x, const scheme_t *s);
/* pass="" fail="" ... attributes (xml_writer.c). */
void xml_write_counts(xmlw_t *x, const size_t counts[V__COUNT]);

#endif
