/*
 * XML Schema validation through libxml2's xmlSchema API.  Both documents are
 * parsed by us with XML_PARSE_NONET and without XML_PARSE_NOENT/DTDLOAD, so
 * neither can reach the network or expand entities; libxml2's messages are
 * collected per call (never printed) and the first one is kept, which is the
 * one that explains the rest.
 */
#include "validate.h"

#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlversion.h>

#define PARSE_OPTS XML_PARSE_NONET

/* libxml2 2.12 made the structured error argument const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *xml_err_t;
#else
typedef xmlErrorPtr xml_err_t;
#endif

typedef struct errs {
	char *buf;
	size_t len;
	size_t count;
} errs_t;

static void
collect(void *ctx, xml_err_t e)
{
	errs_t *es = ctx;
	if (e == NULL || e->level == XML_ERR_WARNING)
		return;
	if (es->count++ > 0 || es->len == 0)
		return;
	char msg[512];
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "error");
	msg[strcspn(msg, "\n")] = '\0';
	if (e->file)
		snprintf(es->buf, es->len, "%s:%d: %s", e->file, e->line, msg);
	else
		snprintf(es->buf, es->len, "%s", msg);
}

/* Parser errors go to the SAX handler's serror with the context as data. */
static void
collect_parser(void *ctx, xml_err_t e)
{
	xmlParserCtxtPtr pc = ctx;
	collect(pc->_private, e);
}

static xmlDocPtr
read_doc(const char *path, errs_t *es)
{
	xmlParserCtxtPtr pc = xmlNewParserCtxt();
	if (pc == NULL) {
		snprintf(es->buf, es->len, "out of memory");
		es->count++;
		return NULL;
	}
	pc->_private = es;
	pc->sax->serror = collect_parser;
	xmlDocPtr doc = xmlCtxtReadFile(pc, path, NULL, PARSE_OPTS);
	if (doc == NULL && es->count == 0) {
		snprintf(es->buf, es->len, "%s: cannot read", path);
		es->count++;
	}
	xmlFreeParserCtxt(pc);
	return doc;
}

int
report_validate(const char *xml_path, const char *xsd_path, char *err,
    size_t errlen)
{
	errs_t es = { .buf = err, .len = errlen };
	xmlSchemaParserCtxtPtr spc = NULL;
	xmlSchemaPtr schema = NULL;
	xmlSchemaValidCtxtPtr vc = NULL;
	xmlDocPtr doc = NULL;
	int rc = -1;

	if (errlen > 0)
		err[0] = '\0';
	xmlInitParser();
	xmlDocPtr xsd = read_doc(xsd_path, &es);
	if (xsd == NULL)
		goto out;
	spc = xmlSchemaNewDocParserCtxt(xsd);
	if (spc == NULL)
		goto out;
	xmlSchemaSetParserStructuredErrors(spc, collect, &es);
	schema = xmlSchemaParse(spc);
	if (schema == NULL) {
		if (es.count == 0)
			snprintf(err, errlen, "%s: not a usable schema", xsd_path);
		goto out;
	}
	doc = read_doc(xml_path, &es);
	if (doc == NULL)
		goto out;
	/* A report never has one; refusing it keeps entity tricks out entirely. */
	if (doc->intSubset != NULL) {
		snprintf(err, errlen, "%s: a DOCTYPE is not allowed in a report",
		    xml_path);
		es.count++;
		goto out;
	}
	vc = xmlSchemaNewValidCtxt(schema);
	if (vc == NULL)
		goto out;
	xmlSchemaSetValidStructuredErrors(vc, collect, &es);
	int v = xmlSchemaValidateDoc(vc, doc);
	if (v == 0 && es.count == 0)
		rc = 0;
	else if (es.count == 0)
		snprintf(err, errlen, "%s: validation failed (%d)", xml_path, v);
out:
	if (rc != 0 && es.count > 1) {
		size_t used = strlen(err);
		if (used < errlen)
			snprintf(err + used, errlen - used, " (and %zu more)",
			    es.count - 1);
	}
	if (rc != 0 && errlen > 0 && err[0] == '\0')
		snprintf(err, errlen, "validation failed");
	xmlSchemaFreeValidCtxt(vc);
	xmlFreeDoc(doc);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(spc);
	xmlFreeDoc(xsd);
	return rc;
}
