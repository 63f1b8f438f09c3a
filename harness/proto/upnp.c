/*
 * UPnP device description parsing.  The document comes from a device, so the
 * parser runs with the options that keep libxml2 from reaching outside the
 * buffer or amplifying it: XML_PARSE_NONET, no XML_PARSE_NOENT /
 * DTDLOAD / DTDATTR / XINCLUDE / HUGE.  A DOCTYPE is refused three times over
 * (a byte scan, a SAX hook that stops the parser the moment the declaration
 * starts, and a check of the finished tree) because entity expansion attacks
 * all need one and a UPnP description never has one.
 */
#include "proto/upnp.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define IGD_TYPE "urn:schemas-upnp-org:device:InternetGatewayDevice:"

const char *
upnp_rc_str(upnp_rc_t rc)
{
	switch (rc) {
	case UPNP_OK: return "ok";
	case UPNP_TOO_BIG: return "description too large";
	case UPNP_DOCTYPE: return "DOCTYPE refused";
	case UPNP_MALFORMED: return "not well-formed XML";
	case UPNP_NOT_UPNP: return "not a UPnP device description";
	}
	return "?";
}

void
upnp_desc_clear(upnp_desc_t *d)
{
	if (d == NULL)
		return;
	char **s[] = { &d->device_type, &d->friendly_name, &d->manufacturer,
		&d->model_name, &d->model_number, &d->model_description, &d->serial,
		&d->udn, &d->firmware, &d->hardware, &d->presentation_url };
	for (size_t i = 0; i < ARRAY_LEN(s); i++)
		free(*s[i]);
	strlist_free(&d->device_types);
	strlist_free(&d->service_types);
	memset(d, 0, sizeof(*d));
}

/* Any "<!DOCTYPE" or "<!ENTITY" in the bytes (ASCII-compatible encodings). */
static bool
has_decl(const char *p, size_t n)
{
	for (size_t i = 0; i + 9 <= n; i++)
		if (p[i] == '<' && p[i + 1] == '!' &&
		    (strncasecmp(p + i + 2, "DOCTYPE", 7) == 0 ||
		     strncasecmp(p + i + 2, "ENTITY", 6) == 0))
			return true;
	return false;
}

/* Per-parse state reached through ctxt->_private. */
typedef struct parse_state {
	bool doctype;
	char first_error[160];
} parse_state_t;

static void
on_error(void *user, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = user;
	parse_state_t *ps = ctxt ? ctxt->_private : NULL;
	if (ps && e && e->message && ps->first_error[0] == '\0') {
		snprintf(ps->first_error, sizeof(ps->first_error), "line %d: %s", e->line,
		    e->message);
		size_t l = strlen(ps->first_error);
		while (l && (ps->first_error[l - 1] == '\n' || ps->first_error[l - 1] == ' '))
			ps->first_error[--l] = '\0';
	}
}

/* SAX internalSubset: called when <!DOCTYPE is seen, before any declaration. */
static void
on_doctype(void *user, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	xmlParserCtxtPtr ctxt = user;
	parse_state_t *ps = ctxt->_private;
	ps->doctype = true;
	xmlStopParser(ctxt);
}

/* Trimmed text of an element, control bytes dropped, capped; NULL if empty. */
static char *
text_of(xmlNodePtr n)
{
	xmlChar *c = xmlNodeGetContent(n);
	if (c == NULL)
		return NULL;
	char out[UPNP_FIELD_MAX];
	size_t o = 0;
	bool space = false;
	for (const unsigned char *p = c; *p && o + 1 < sizeof(out); p++) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			space = o > 0;
			continue;
		}
		if (*p < 0x20 || *p == 0x7f)
			continue;
		if (space) {
			if (o + 2 >= sizeof(out))
				break;
			out[o++] = ' ';
			space = false;
		}
		out[o++] = (char)*p;
	}
	out[o] = '\0';
	xmlFree(c);
	return o ? xstrdup(out) : NULL;
}

static bool
named(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->name &&
	    strcasecmp((const char *)n->name, name) == 0;
}

static xmlNodePtr
child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr c = parent->children; c; c = c->next)
		if (named(c, name))
			return c;
	return NULL;
}

static void
set_once(char **dst, xmlNodePtr n)
{
	if (*dst == NULL)
		*dst = text_of(n);
}

/* Vendor spellings of a firmware version seen in the field. */
static bool
firmware_name(const char *s)
{
	static const char *const names[] = { "softwareVersion", "firmwareVersion",
		"firmwareVer", "fwVersion", "swVersion", "softwareVer", "firmware",
		"X_firmwareVersion", "X_softwareVersion" };
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (strcasecmp(s, names[i]) == 0)
			return true;
	return false;
}

static void
root_fields(xmlNodePtr dev, upnp_desc_t *d)
{
	for (xmlNodePtr c = dev->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || c->name == NULL)
			continue;
		const char *nm = (const char *)c->name;
		if (named(c, "deviceType"))
			set_once(&d->device_type, c);
		else if (named(c, "friendlyName"))
			set_once(&d->friendly_name, c);
		else if (named(c, "manufacturer"))
			set_once(&d->manufacturer, c);
		else if (named(c, "modelName"))
			set_once(&d->model_name, c);
		else if (named(c, "modelNumber"))
			set_once(&d->model_number, c);
		else if (named(c, "modelDescription"))
			set_once(&d->model_description, c);
		else if (named(c, "serialNumber"))
			set_once(&d->serial, c);
		else if (named(c, "UDN"))
			set_once(&d->udn, c);
		else if (named(c, "presentationURL"))
			set_once(&d->presentation_url, c);
		else if (named(c, "hardwareVersion"))
			set_once(&d->hardware, c);
		else if (firmware_name(nm))
			set_once(&d->firmware, c);
	}
}

static void
note_device_type(const char *t, upnp_desc_t *d)
{
	if (t && strncmp(t, IGD_TYPE, strlen(IGD_TYPE)) == 0)
		d->igd = true;
}

static void
walk_device(xmlNodePtr dev, upnp_desc_t *d, int depth, bool root)
{
	d->n_devices++;
	xmlNodePtr dt = child(dev, "deviceType");
	char *type = dt ? text_of(dt) : NULL;
	note_device_type(type, d);
	if (!root && type && d->device_types.n < UPNP_MAX_SERVICES &&
	    !strlist_has(&d->device_types, type))
		strlist_push(&d->device_types, type);
	free(type);
	xmlNodePtr sl = child(dev, "serviceList");
	for (xmlNodePtr s = sl ? sl->children : NULL; s; s = s->next) {
		if (!named(s, "service"))
			continue;
		xmlNodePtr st = child(s, "serviceType");
		char *t = st ? text_of(st) : NULL;
		if (t == NULL)
			continue;
		if (strstr(t, ":service:WANIPConnection:") || strstr(t, ":service:WANPPPConnection:"))
			d->port_mapping = true;
		if (d->service_types.n < UPNP_MAX_SERVICES && !strlist_has(&d->service_types, t))
			strlist_push(&d->service_types, t);
		free(t);
	}
	if (depth >= UPNP_MAX_DEPTH)
		return;
	xmlNodePtr dl = child(dev, "deviceList");
	for (xmlNodePtr e = dl ? dl->children : NULL; e; e = e->next)
		if (named(e, "device"))
			walk_device(e, d, depth + 1, false);
}

upnp_rc_t
upnp_parse(const void *xml, size_t len, upnp_desc_t *d, char *err, size_t errlen)
{
	memset(d, 0, sizeof(*d));
	if (errlen)
		err[0] = '\0';
	if (len > UPNP_DESC_CAP) {
		snprintf(err, errlen, "%zu bytes, more than the %u allowed", len, UPNP_DESC_CAP);
		return UPNP_TOO_BIG;
	}
	if (has_decl(xml, len)) {
		snprintf(err, errlen, "the document has a DOCTYPE or ENTITY declaration");
		return UPNP_DOCTYPE;
	}
	xmlInitParser();	/* idempotent and locked: safe from a worker thread */
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		snprintf(err, errlen, "cannot create an XML parser context");
		return UPNP_MALFORMED;
	}
	parse_state_t ps = { 0 };
	ctxt->_private = &ps;
	/* The handler copy is the context's own, so this changes no global state. */
	ctxt->sax->serror = on_error;
	ctxt->sax->internalSubset = on_doctype;
	ctxt->sax->externalSubset = NULL;
	int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	    XML_PARSE_NOCDATA | XML_PARSE_NOBLANKS;
	xmlDocPtr doc = xmlCtxtReadMemory(ctxt, xml, (int)len, "upnp-description.xml", NULL, opts);
	upnp_rc_t rc = UPNP_OK;
	if (ps.doctype || (doc && (doc->intSubset || doc->extSubset))) {
		snprintf(err, errlen, "the document has a DOCTYPE");
		rc = UPNP_DOCTYPE;
	} else if (doc == NULL || !ctxt->wellFormed) {
		snprintf(err, errlen, "%s", ps.first_error[0] ? ps.first_error : "parse failed");
		rc = UPNP_MALFORMED;
	}
	xmlNodePtr root = rc == UPNP_OK ? xmlDocGetRootElement(doc) : NULL;
	xmlNodePtr dev = root && named(root, "root") ? child(root, "device") : NULL;
	if (rc == UPNP_OK && dev == NULL) {
		snprintf(err, errlen, "no <root><device> element");
		rc = UPNP_NOT_UPNP;
	}
	if (rc == UPNP_OK) {
		root_fields(dev, d);
		walk_device(dev, d, 0, true);
	}
	xmlFreeDoc(doc);
	ctxt->_private = NULL;
	xmlFreeParserCtxt(ctxt);
	return rc;
}
