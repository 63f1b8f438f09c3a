/*
 * report.xml back into memory for `run --resume` (see report_read.h).  The
 * document is parsed by libxml2 from a capped buffer, without network access,
 * entity expansion or a DOCTYPE; elements are matched by name in the report
 * namespace, so anything else in the file is ignored rather than misread.
 */
#include "report_read.h"
#include "escape.h"
#include "writer.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

static bool
is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	    strcmp((const char *)n->ns->href, REPORT_NS) == 0 &&
	    strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *
child(const xmlNode *n, const char *name)
{
	for (const xmlNode *k = n ? n->children : NULL; k; k = k->next)
		if (is(k, name))
			return k;
	return NULL;
}

/* Escaped report text -> the bytes it stands for; text left as it was when
 * it is not a valid escape (a hand-edited report), never NULL for non-NULL. */
static char *
unescaped(const char *s, size_t *len)
{
	char *out = NULL;
	size_t n = 0;
	if (unescape(s, &out, &n) < 0) {
		out = xstrdup(s);
		n = strlen(s);
	}
	if (len)
		*len = n;
	return out;
}

/* Attribute `name`, unescaped; NULL when absent.  Caller frees. */
static char *
prop(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	if (v == NULL)
		return NULL;
	char *s = unescaped((const char *)v, NULL);
	xmlFree(v);
	return s;
}

static char *
text(const xmlNode *n, size_t *len)
{
	xmlChar *v = xmlNodeGetContent(n);
	char *s = unescaped(v ? (const char *)v : "", len);
	xmlFree(v);
	return s;
}

static size_t
prop_count(const xmlNode *n, const char *name)
{
	char *s = prop(n, name);
	size_t v = s ? strtoull(s, NULL, 10) : 0;
	free(s);
	return v;
}

static int64_t
prop_time(const xmlNode *n, const char *name)
{
	char *s = prop(n, name);
	int64_t ms = 0;
	if (s == NULL || report_parse_time(s, &ms) < 0)
		ms = 0;
	free(s);
	return ms;
}

static bool
prop_true(const xmlNode *n, const char *name)
{
	char *s = prop(n, name);
	bool b = s && (strcmp(s, "true") == 0 || strcmp(s, "1") == 0);
	free(s);
	return b;
}

int
report_parse_time(const char *s, int64_t *ms)
{
	int Y, M, D, h, m, sec, milli, used = 0;
	if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ%n", &Y, &M, &D, &h, &m,
	    &sec, &milli, &used) != 7 || used != 24 || s[used] != '\0')
		return -1;
	if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60 ||
	    Y < 1970 || milli < 0 || h < 0 || m < 0 || sec < 0)
		return -1;
	struct tm tm = { .tm_year = Y - 1900, .tm_mon = M - 1, .tm_mday = D,
	    .tm_hour = h, .tm_min = m, .tm_sec = sec };
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*ms = (int64_t)t * 1000 + milli;
	return 0;
}

static void
read_evref(const xmlNode *n, evref_t **v, size_t *cnt)
{
	char *file = prop(n, "file"), *sha = prop(n, "sha256"), *kind = prop(n, "kind");
	if (file && sha && kind) {
		evref_t *e = evrefs_add(v, cnt, file, sha, kind);
		e->packets = prop_count(n, "packets");
	}
	free(file);
	free(sha);
	free(kind);
}

static void
read_field(const xmlNode *n, evidence_t *ev)
{
	char *name = prop(n, "name"), *type = prop(n, "type");
	if (name == NULL || type == NULL)
		goto out;
	if (strcmp(type, "list") == 0) {
		ev_list_init(ev, name);
		for (const xmlNode *k = n->children; k; k = k->next) {
			if (!is(k, "item"))
				continue;
			char *item = text(k, NULL);
			ev_list_push(ev, name, item);
			free(item);
		}
		goto out;
	}
	size_t len = 0;
	char *v = text(n, &len);
	if (strcmp(type, "bool") == 0)
		ev_set_bool(ev, name, strcmp(v, "true") == 0);
	else if (strcmp(type, "int") == 0)
		ev_set_int(ev, name, strtoll(v, NULL, 10));
	else if (strcmp(type, "string") == 0)
		ev_set_bytes(ev, name, v, len);
	free(v);
out:
	free(name);
	free(type);
}

static void
read_finding(const xmlNode *n, evidence_t *ev)
{
	char *kind = prop(n, "kind"), *proto = prop(n, "protocol");
	char *transport = prop(n, "transport"), *summary = text(n, NULL);
	int port = (int)prop_count(n, "port");
	finding_t *f = ev_finding(ev, kind ? kind : "finding", transport, proto, port,
	    "%s", summary);
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		const char *k = (const char *)a->name;
		if (strcmp(k, "kind") == 0 || strcmp(k, "protocol") == 0 ||
		    strcmp(k, "transport") == 0 || strcmp(k, "port") == 0)
			continue;
		char *v = prop(n, k);
		if (v)
			finding_attr(f, k, "%s", v);
		free(v);
	}
	free(kind);
	free(proto);
	free(transport);
	free(summary);
}

static char *
serialise(xmlDoc *doc, xmlNode *n)
{
	xmlBufferPtr b = xmlBufferCreate();
	if (b == NULL)
		return NULL;
	char *s = NULL;
	if (xmlNodeDump(b, doc, n, 0, 0) >= 0)
		s = xstrdup((const char *)xmlBufferContent(b));
	xmlBufferFree(b);
	return s;
}

static int
read_case(xmlDoc *doc, xmlNode *n, report_case_t *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->ev = evidence_new();
	c->id = prop(n, "id");
	c->case_id = prop(n, "case");
	char *v = prop(n, "verdict");
	if (c->id == NULL || c->case_id == NULL || v == NULL ||
	    verdict_parse(v, &c->verdict) < 0) {
		snprintf(err, errlen, "a testcase without id, case or a known verdict (line %d)",
		    n->line);
		free(v);
		return -1;
	}
	free(v);
	c->interrupted = prop_true(n, "interrupted");
	c->start_ms = prop_time(n, "start");
	c->end_ms = prop_time(n, "end");
	for (const xmlNode *k = n->children; k; k = k->next) {
		if (is(k, "reason")) {
			free(c->reason);
			c->reason = text(k, NULL);
		} else if (is(k, "fields")) {
			for (const xmlNode *f = k->children; f; f = f->next)
				if (is(f, "field"))
					read_field(f, c->ev);
		} else if (is(k, "finding")) {
			read_finding(k, c->ev);
		} else if (is(k, "evidence")) {
			read_evref(k, &c->evrefs, &c->n_evrefs);
		}
	}
	c->xml = serialise(doc, n);
	if (c->xml == NULL) {
		snprintf(err, errlen, "cannot serialise testcase %s", c->id);
		return -1;
	}
	return 0;
}

static void
read_run(const xmlNode *run, report_doc_t *d)
{
	d->start_ms = prop_time(run, "start");
	d->end_ms = prop_time(run, "end");
	for (const xmlNode *k = run->children; k; k = k->next) {
		if (is(k, "command-line")) {
			free(d->command_line);
			d->command_line = text(k, NULL);
		} else if (is(k, "invocation")) {
			d->has_invocation = true;
			free(d->cwd);
			d->cwd = prop(k, "cwd");
			for (const xmlNode *a = k->children; a; a = a->next)
				if (is(a, "argument"))
					strlist_push_owned(&d->args, text(a, NULL));
		} else if (is(k, "interrupted")) {
			free(d->interrupted);
			free(d->stop_cause);
			free(d->stop_phase);
			d->interrupted = text(k, NULL);
			d->stop_cause = prop(k, "cause");
			d->stop_phase = prop(k, "phase");
			d->stop_ms = prop_time(k, "at");
		} else if (is(k, "resumed")) {
			d->resumes = xrealloc(d->resumes, d->n_resumes + 1, sizeof(*d->resumes));
			run_resume_t *u = &d->resumes[d->n_resumes++];
			memset(u, 0, sizeof(*u));
			u->start_ms = prop_time(k, "start");
			u->end_ms = prop_time(k, "end");
			u->after_ms = prop_time(k, "after");
			u->cause = prop(k, "cause");
			u->kept = prop_count(k, "kept");
			u->rerun = prop_count(k, "rerun");
			u->evidence = prop(k, "evidence");
		} else if (is(k, "file")) {
			char *path = prop(k, "path"), *role = prop(k, "role");
			char *sha = prop(k, "sha256");
			if (path && role && sha) {
				d->files = xrealloc(d->files, d->n_files + 1, sizeof(*d->files));
				d->files[d->n_files++] = (file_used_t){ path, sha, role };
			} else {
				free(path);
				free(role);
				free(sha);
			}
		}
	}
}

static void
read_environment(const xmlNode *env, report_doc_t *d)
{
	capture_info_t *ci = &d->capture;
	const xmlNode *cap = child(env, "capture");
	if (cap) {
		ci->enabled = prop_true(cap, "enabled");
		ci->interface = prop(cap, "interface");
		ci->filter = prop(cap, "filter");
		ci->received = prop_count(cap, "received");
		ci->dropped = prop_count(cap, "dropped");
		ci->if_dropped = prop_count(cap, "if-dropped");
		ci->captured = prop_count(cap, "captured");
		const xmlNode *note = child(cap, "note");
		if (note)
			ci->note = text(note, NULL);
	}
	for (const xmlNode *k = env->children; k; k = k->next)
		if (is(k, "evidence"))
			read_evref(k, &d->evrefs, &d->n_evrefs);
}

static void
read_inventory(const xmlNode *inv, report_doc_t *d)
{
	d->has_inventory = true;
	for (const xmlNode *k = inv->children; k; k = k->next) {
		if (!is(k, "service"))
			continue;
		d->svcs = xrealloc(d->svcs, d->n_svcs + 1, sizeof(*d->svcs));
		report_svc_t *s = &d->svcs[d->n_svcs++];
		s->transport = prop(k, "transport");
		s->protocol = prop(k, "protocol");
		s->address = prop(k, "address");
		s->port = (int)prop_count(k, "port");
		if (s->transport == NULL)
			s->transport = xstrdup("?");
		if (s->protocol == NULL)
			s->protocol = xstrdup("unknown");
	}
}

static report_doc_t *
from_doc(xmlDoc *doc, const char *name, char *err, size_t errlen)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	if (root == NULL || !is(root, "report")) {
		snprintf(err, errlen, "%s: not an iotcert report (root is not report in %s)",
		    name, REPORT_NS);
		return NULL;
	}
	const xmlNode *run = child(root, "run");
	if (run == NULL) {
		snprintf(err, errlen, "%s: the report has no run element", name);
		return NULL;
	}
	report_doc_t *d = xcalloc(1, sizeof(*d));
	read_run(run, d);
	const xmlNode *env = child(root, "environment");
	if (env)
		read_environment(env, d);
	const xmlNode *inv = child(root, "inventory");
	if (inv)
		read_inventory(inv, d);
	const xmlNode *tcs = child(root, "testcases");
	for (xmlNode *k = tcs ? tcs->children : NULL; k; k = k->next) {
		if (!is(k, "testcase"))
			continue;
		d->cases = xrealloc(d->cases, d->n_cases + 1, sizeof(*d->cases));
		char e[256];
		if (read_case(doc, k, &d->cases[d->n_cases++], e, sizeof(e)) < 0) {
			snprintf(err, errlen, "%s: %s", name, e);
			report_doc_free(d);
			return NULL;
		}
	}
	return d;
}

report_doc_t *
report_read_mem(const char *xml, size_t len, const char *name, char *err,
    size_t errlen)
{
	if (len > REPORT_READ_MAX || len > (size_t)INT32_MAX) {
		snprintf(err, errlen, "%s: larger than %u bytes", name, REPORT_READ_MAX);
		return NULL;
	}
	xmlInitParser();
	xmlDoc *doc = xmlReadMemory(xml, (int)len, name, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE);
	if (doc == NULL) {
		const xmlError *e = xmlGetLastError();
		snprintf(err, errlen, "%s: not well-formed XML%s%.200s", name,
		    e && e->message ? ": " : "", e && e->message ? e->message : "");
		err[strcspn(err, "\n")] = '\0';
		return NULL;
	}
	report_doc_t *d = NULL;
	if (doc->intSubset != NULL)	/* never ours; keeps entity tricks out */
		snprintf(err, errlen, "%s: a DOCTYPE is not allowed in a report", name);
	else
		d = from_doc(doc, name, err, errlen);
	xmlFreeDoc(doc);
	return d;
}

report_doc_t *
report_read(const char *path, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	if (read_file_capped(path, REPORT_READ_MAX, &buf, &len) < 0) {
		snprintf(err, errlen, "%s: cannot read it (missing, unreadable or larger "
		    "than %u bytes)", path, REPORT_READ_MAX);
		return NULL;
	}
	report_doc_t *d = report_read_mem(buf, len, path, err, errlen);
	free(buf);
	return d;
}

const report_case_t *
report_doc_case(const report_doc_t *d, const char *id)
{
	for (size_t i = 0; d && i < d->n_cases; i++)
		if (strcmp(d->cases[i].id, id) == 0)
			return &d->cases[i];
	return NULL;
}

static void
evrefs_release(evref_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].file);
		free(v[i].sha256);
		free(v[i].kind);
	}
	free(v);
}

void
report_doc_free(report_doc_t *d)
{
	if (d == NULL)
		return;
	free(d->command_line);
	strlist_free(&d->args);
	free(d->cwd);
	free(d->interrupted);
	free(d->stop_cause);
	free(d->stop_phase);
	for (size_t i = 0; i < d->n_resumes; i++) {
		free(d->resumes[i].cause);
		free(d->resumes[i].evidence);
	}
	free(d->resumes);
	for (size_t i = 0; i < d->n_files; i++) {
		free(d->files[i].path);
		free(d->files[i].sha256);
		free(d->files[i].role);
	}
	free(d->files);
	free(d->capture.interface);
	free(d->capture.filter);
	free(d->capture.note);
	evrefs_release(d->evrefs, d->n_evrefs);
	for (size_t i = 0; i < d->n_svcs; i++) {
		free(d->svcs[i].transport);
		free(d->svcs[i].protocol);
		free(d->svcs[i].address);
	}
	free(d->svcs);
	for (size_t i = 0; i < d->n_cases; i++) {
		report_case_t *c = &d->cases[i];
		free(c->id);
		free(c->case_id);
		free(c->reason);
		evidence_free(c->ev);
		evrefs_release(c->evrefs, c->n_evrefs);
		free(c->xml);
	}
	free(d->cases);
	free(d);
}
