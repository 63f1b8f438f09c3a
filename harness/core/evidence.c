/*
 * Evidence records: fields, findings, flows and a capped transcript.
 */
#include "evidence.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define TRANSCRIPT_MAX (64 * 1024)

evidence_t *
evidence_new(void)
{
	return xcalloc(1, sizeof(evidence_t));
}

void
evidence_free(evidence_t *e)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < e->n_fields; i++) {
		free(e->fields[i].name);
		value_clear(&e->fields[i].val);
	}
	free(e->fields);
	for (size_t i = 0; i < e->n_findings; i++) {
		finding_t *f = &e->findings[i];
		free(f->kind);
		free(f->protocol);
		free(f->transport);
		free(f->summary);
		for (size_t j = 0; j < f->n_attrs; j++) {
			free(f->attrs[j].key);
			free(f->attrs[j].val);
		}
		free(f->attrs);
	}
	free(e->findings);
	free(e->flows);
	free(e->transcript);
	free(e);
}

static value_t *
slot(evidence_t *e, const char *name)
{
	for (size_t i = 0; i < e->n_fields; i++)
		if (strcmp(e->fields[i].name, name) == 0)
			return &e->fields[i].val;
	if (e->n_fields == e->cap_fields) {
		e->cap_fields = e->cap_fields ? e->cap_fields * 2 : 8;
		e->fields = xrealloc(e->fields, e->cap_fields, sizeof(*e->fields));
	}
	field_t *f = &e->fields[e->n_fields++];
	memset(f, 0, sizeof(*f));
	f->name = xstrdup(name);
	return &f->val;
}

void ev_set_bool(evidence_t *e, const char *n, bool b) { value_set_bool(slot(e, n), b); }
void ev_set_int(evidence_t *e, const char *n, long long i) { value_set_int(slot(e, n), i); }
void ev_set_str(evidence_t *e, const char *n, const char *s) { value_set_str(slot(e, n), s); }
void ev_set_bytes(evidence_t *e, const char *n, const void *p, size_t len) { value_set_bytes(slot(e, n), p, len); }

void
ev_list_init(evidence_t *e, const char *name)
{
	value_t *v = slot(e, name);
	if (v->type != VT_LIST) {
		value_clear(v);
		v->type = VT_LIST;
	}
}

void
ev_list_push(evidence_t *e, const char *name, const char *item)
{
	value_list_push(slot(e, name), item);
}

const value_t *
ev_get(const evidence_t *e, const char *name)
{
	for (size_t i = 0; i < e->n_fields; i++)
		if (strcmp(e->fields[i].name, name) == 0)
			return &e->fields[i].val;
	return NULL;
}

finding_t *
ev_finding(evidence_t *e, const char *kind, const char *transport,
    const char *protocol, int port, const char *fmt, ...)
{
	if (e->n_findings == e->cap_findings) {
		e->cap_findings = e->cap_findings ? e->cap_findings * 2 : 4;
		e->findings = xrealloc(e->findings, e->cap_findings, sizeof(*e->findings));
	}
	finding_t *f = &e->findings[e->n_findings++];
	memset(f, 0, sizeof(*f));
	f->kind = xstrdup(kind);
	f->transport = xstrdup(transport);
	f->protocol = xstrdup(protocol);
	f->port = port;
	va_list ap;
	va_start(ap, fmt);
	f->summary = xvasprintf(fmt, ap);
	va_end(ap);
	return f;
}

void
finding_attr(finding_t *f, const char *key, const char *fmt, ...)
{
	f->attrs = xrealloc(f->attrs, f->n_attrs + 1, sizeof(*f->attrs));
	va_list ap;
	va_start(ap, fmt);
	f->attrs[f->n_attrs].key = xstrdup(key);
	f->attrs[f->n_attrs].val = xvasprintf(fmt, ap);
	va_end(ap);
	f->n_attrs++;
}

void
ev_add_flow(evidence_t *e, const flow_t *f)
{
	if (e->n_flows == e->cap_flows) {
		e->cap_flows = e->cap_flows ? e->cap_flows * 2 : 4;
		e->flows = xrealloc(e->flows, e->cap_flows, sizeof(*e->flows));
	}
	e->flows[e->n_flows++] = *f;
}

void
ev_transcript(evidence_t *e, const char *dir, const void *p, size_t n)
{
	size_t hdr = strlen(dir) + 2;
	if (e->transcript_len + hdr >= TRANSCRIPT_MAX)
		return;
	size_t room = TRANSCRIPT_MAX - e->transcript_len - hdr - 1;
	if (n > room)
		n = room;
	e->transcript = xrealloc(e->transcript, e->transcript_len + hdr + n + 2, 1);
	char *w = e->transcript + e->transcript_len;
	memcpy(w, dir, hdr - 2);
	w[hdr - 2] = ' ';
	w[hdr - 1] = ' ';
	memcpy(w + hdr, p, n);
	w[hdr + n] = '\n';
	e->transcript_len += hdr + n + 1;
	e->transcript[e->transcript_len] = '\0';
}

const char *
finding_get(const finding_t *f, const char *key)
{
	for (size_t i = 0; i < f->n_attrs; i++)
		if (strcmp(f->attrs[i].key, key) == 0)
			return f->attrs[i].val;
	return NULL;
}

void
ev_merge(evidence_t *dst, const evidence_t *src)
{
	for (size_t i = 0; src && i < src->n_fields; i++)
		value_copy(slot(dst, src->fields[i].name), &src->fields[i].val);
	for (size_t i = 0; src && i < src->n_findings; i++) {
		const finding_t *f = &src->findings[i];
		finding_t *g = ev_finding(dst, f->kind, f->transport, f->protocol, f->port, "%s",
		    f->summary ? f->summary : "");
		for (size_t k = 0; k < f->n_attrs; k++)
			finding_attr(g, f->attrs[k].key, "%s", f->attrs[k].val);
	}
}
