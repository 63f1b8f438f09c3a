/*
 * report.xml: the lab report, described by reports/iotcert-report.xsd.
 * Element and attribute names here are a contract other tools read (see the
 * XSD's header); add, never rename.  Device bytes are capped so one chatty
 * device cannot bloat the report, and a cap is always marked.
 */
#include "writer.h"
#include "escape.h"
#include "xmlw.h"
#include "xml_rollups.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BANNER_MAX	(4 * 1024)
#define TRANSCRIPT_MAX	(16 * 1024)
#define FIELD_MAX	(4 * 1024)

/* The count attributes, in the order the XSD lists them. */
void
xml_write_counts(xmlw_t *x, const size_t counts[V__COUNT])
{
	static const struct {
		verdict_t v;
		const char *attr;
	} count_attrs[] = {
		{ V_PASS, "pass" },
		{ V_FAIL, "fail" },
		{ V_INCONCLUSIVE, "inconclusive" },
		{ V_ERROR, "error" },
		{ V_NOT_APPLICABLE, "not-applicable" },
		{ V_NOT_RUN, "not-run" },
	};
	for (size_t i = 0; i < ARRAY_LEN(count_attrs); i++)
		xmlw_attrf(x, count_attrs[i].attr, "%zu", counts[count_attrs[i].v]);
}

static void
write_times(xmlw_t *x, int64_t start_ms, int64_t end_ms)
{
	char ts[40];
	if (start_ms <= 0)
		return;
	fmt_utc(start_ms, ts, sizeof(ts));
	xmlw_attr(x, "start", ts);
	if (end_ms < start_ms)
		return;
	fmt_utc(end_ms, ts, sizeof(ts));
	xmlw_attr(x, "end", ts);
	xmlw_attrf(x, "duration-ms", "%lld", (long long)(end_ms - start_ms));
}

static void
write_stamp(xmlw_t *x, const char *name, int64_t ms)
{
	char ts[40];
	if (ms <= 0)
		return;
	fmt_utc(ms, ts, sizeof(ts));
	xmlw_attr(x, name, ts);
}

static void
write_evref(xmlw_t *x, const evref_t *e)
{
	xmlw_start(x, "evidence");
	xmlw_attr(x, "file", e->file);
	xmlw_attr(x, "sha256", e->sha256);
	xmlw_attr(x, "kind", e->kind);
	if (e->packets > 0 || (e->kind && strcmp(e->kind, "pcap") == 0))
		xmlw_attrf(x, "packets", "%zu", e->packets);
	xmlw_end(x);
}

/* "libpcap version 1.10.3 (with TPACKET_V3)" -> name, version. */
static void
write_library(xmlw_t *x, const char *lib)
{
	size_t n = strcspn(lib, " ");
	char *name = xstrndup(lib, n);
	const char *ver = lib + n;
	ver += strspn(ver, " ");
	if (strncmp(ver, "version ", 8) == 0)
		ver += 8;
	xmlw_start(x, "library");
	xmlw_attr(x, "name", name);
	xmlw_attr(x, "version", *ver ? ver : NULL);
	xmlw_end(x);
	free(name);
}

static void
write_run(xmlw_t *x, const run_t *r)
{
	xmlw_start(x, "run");
	xmlw_attr(x, "tool", "iotcert");
	xmlw_attr(x, "version", r->tool_version ? r->tool_version : IOTCERT_VERSION);
	write_times(x, r->start_ms, r->end_ms);
	xmlw_attr(x, "host", r->hostname);
	xmlw_elem(x, "command-line", r->command_line);
	if (r->args.n > 0 || r->cwd) {
		xmlw_start(x, "invocation");
		xmlw_attr(x, "cwd", r->cwd);
		for (size_t i = 0; i < r->args.n; i++)
			xmlw_elem(x, "argument", r->args.v[i]);
		xmlw_end(x);
	}
	if (r->interrupted) {
		xmlw_start(x, "interrupted");
		xmlw_attr(x, "cause", r->stop_cause);
		xmlw_attr(x, "phase", r->stop_phase);
		write_stamp(x, "at", r->stop_ms);
		xmlw_text(x, r->interrupted);
		xmlw_end(x);
	}
	for (size_t i = 0; i < r->n_resumes; i++) {
		const run_resume_t *u = &r->resumes[i];
		xmlw_start(x, "resumed");
		write_stamp(x, "start", u->start_ms);
		if (u->end_ms >= u->start_ms)
			write_stamp(x, "end", u->end_ms);
		write_stamp(x, "after", u->after_ms);
		xmlw_attr(x, "cause", u->cause);
		xmlw_attrf(x, "kept", "%zu", u->kept);
		xmlw_attrf(x, "rerun", "%zu", u->rerun);
		xmlw_attr(x, "evidence", u->evidence);
		xmlw_end(x);
	}
	for (size_t i = 0; i < r->n_files; i++) {
		const file_used_t *f = &r->files[i];
		xmlw_start(x, "file");
		xmlw_attr(x, "path", f->path);
		xmlw_attr(x, "role", f->role);
		xmlw_attr(x, "sha256", f->sha256);
		xmlw_end(x);
	}
	for (size_t i = 0; i < r->libraries.n; i++)
		write_library(x, r->libraries.v[i]);
	xmlw_end(x);
}

static void
write_scheme(xmlw_t *x, const scheme_t *s)
{
	if (s == NULL)
		return;
	xmlw_start(x, "scheme");
	xmlw_attr(x, "name", s->name);
	xmlw_attr(x, "title", s->title);
	xmlw_attr(x, "version", s->version);
	xmlw_attr(x, "source", s->source);
	xml_write_frameworks(x, s);
	xmlw_end(x);
}

static void
write_dut(xmlw_t *x, const run_t *r)
{
	const dut_t *d = r->dut;
	const char *host = r->target_host;
	if (host == NULL && r->target)
		host = r->target->host;
	xmlw_start(x, "dut");
	xmlw_attr(x, "source", d ? "profile" : "discovered");
	if (d) {
		xmlw_attr(x, "manufacturer", d->manufacturer);
		xmlw_attr(x, "model", d->model);
		xmlw_attr(x, "hardware-version", d->hw_version);
		xmlw_attr(x, "software-version", d->sw_version);
		xmlw_attr(x, "serial", d->serial);
	}
	xmlw_attr(x, "host", host);
	if (r->target)
		for (size_t i = 0; i < r->target->n_addrs; i++)
			xmlw_elem(x, "address", r->target->addrs[i].text);
	xmlw_end(x);
}

static void
write_environment(xmlw_t *x, const run_t *r)
{
	const capture_info_t *c = &r->capture;
	xmlw_start(x, "environment");
	xmlw_start(x, "capture");
	xmlw_attr_bool(x, "enabled", c->enabled);
	xmlw_attr(x, "interface", c->interface);
	xmlw_attr(x, "filter", c->filter);
	if (c->enabled) {
		xmlw_attrf(x, "received", "%llu", (unsigned long long)c->received);
		xmlw_attrf(x, "dropped", "%llu", (unsigned long long)c->dropped);
		xmlw_attrf(x, "if-dropped", "%llu", (unsigned long long)c->if_dropped);
		xmlw_attrf(x, "captured", "%llu", (unsigned long long)c->captured);
	}
	xmlw_elem(x, "note", c->note);
	xmlw_end(x);
	for (size_t i = 0; i < r->n_evrefs; i++)
		write_evref(x, &r->evrefs[i]);
	xmlw_end(x);
}

static void
write_service_attrs(xmlw_t *x, const service_t *s)
{
	xmlw_attr(x, "transport", s->transport);
	xmlw_attrf(x, "port", "%d", s->port);
	xmlw_attr(x, "protocol", s->protocol ? s->protocol : "unknown");
}

static void
write_inventory(xmlw_t *x, const target_t *t)
{
	if (t == NULL)
		return;
	xmlw_start(x, "inventory");
	xmlw_attrf(x, "ports-scanned", "%zu", t->ports_scanned);
	xmlw_attrf(x, "closed", "%zu", t->ports_closed);
	xmlw_attrf(x, "filtered", "%zu", t->ports_filtered);
	if (t->udp_scanned) {
		xmlw_attrf(x, "udp-ports-scanned", "%zu", t->udp_scanned);
		xmlw_attrf(x, "udp-closed", "%zu", t->udp_closed);
		xmlw_attrf(x, "udp-silent", "%zu", t->udp_silent);
	}
	for (size_t i = 0; i < t->n_svcs; i++) {
		const service_t *s = &t->svcs[i];
		xmlw_start(x, "service");
		write_service_attrs(x, s);
		xmlw_attr_bool(x, "tls", s->tls);
		xmlw_attr(x, "product", s->product);
		xmlw_attr(x, "version", s->version);
		xmlw_attr(x, "how", s->how);
		xmlw_attr(x, "address", s->addr ? s->addr->text : NULL);
		xmlw_elem_bytes(x, "banner", s->banner, s->banner_len, BANNER_MAX);
		for (size_t k = 0; k < s->n_info; k++) {
			xmlw_start(x, "info");
			xmlw_attr(x, "name", s->info[k].key);
			xmlw_bytes(x, s->info[k].val, strlen(s->info[k].val), BANNER_MAX);
			xmlw_end(x);
		}
		xmlw_end(x);
	}
	xmlw_end(x);
}

static void
write_field(xmlw_t *x, const field_t *f)
{
	const value_t *v = &f->val;
	xmlw_start(x, "field");
	xmlw_attr(x, "name", f->name);
	xmlw_attr(x, "type", value_type_str(v->type));
	switch (v->type) {
	case VT_BOOL:
		xmlw_text(x, v->b ? "true" : "false");
		break;
	case VT_INT: {
		char num[32];
		snprintf(num, sizeof(num), "%lld", v->i);
		xmlw_text(x, num);
		break;
	}
	case VT_STR:
		xmlw_bytes(x, v->s, v->s_len, FIELD_MAX);
		break;
	case VT_LIST:
		for (size_t i = 0; i < v->n_items; i++)
			xmlw_elem_bytes(x, "item", v->items[i],
			    strlen(v->items[i]), FIELD_MAX);
		break;
	default:
		break;
	}
	xmlw_end(x);
}

/*
 * Finding attribute names come from probes.  Only a conservative ASCII subset
 * of XML names is emitted: anything else, a reserved ("xml...", which covers
 * xmlns) name, one of the fixed attributes or a repeat would make the document
 * ill-formed or change its meaning.  Returns why a name is refused, or NULL.
 */
static const char *
attr_name_problem(const finding_t *f, size_t j)
{
	static const char *const fixed[] = { "kind", "protocol", "transport", "port" };
	const char *k = f->attrs[j].key;
	if (k == NULL || !((k[0] >= 'a' && k[0] <= 'z') ||
	    (k[0] >= 'A' && k[0] <= 'Z') || k[0] == '_'))
		return "not a plain ASCII XML name";
	for (const char *p = k + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return "not a plain ASCII XML name";
	if (strncasecmp(k, "xml", 3) == 0)
		return "reserved by XML";
	for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
		if (strcmp(k, fixed[i]) == 0)
			return "a fixed finding attribute";
	for (size_t i = 0; i < j; i++)
		if (f->attrs[i].key && strcmp(f->attrs[i].key, k) == 0)
			return "repeated";
	return NULL;
}

static void
write_finding(xmlw_t *x, const case_result_t *c, const finding_t *f)
{
	xmlw_start(x, "finding");
	xmlw_attr(x, "kind", f->kind);
	xmlw_attr(x, "protocol", f->protocol);
	xmlw_attr(x, "transport", f->transport);
	if (f->port > 0)
		xmlw_attrf(x, "port", "%d", f->port);
	for (size_t j = 0; j < f->n_attrs; j++) {
		const char *why = attr_name_problem(f, j);
		if (why == NULL) {
			xmlw_attr(x, f->attrs[j].key, f->attrs[j].val);
			continue;
		}
		/* A probe bug, not a device problem: say so, keep the report valid. */
		char *k = escape_str(f->attrs[j].key ? f->attrs[j].key : "");
		char *inst = escape_str(c->instance ? c->instance : "?");
		char *kind = escape_str(f->kind ? f->kind : "?");
		fprintf(stderr, "iotcert: report: %s: finding %s: attribute \"%s\" "
		    "left out (%s)\n", inst, kind, k, why);
		free(k);
		free(inst);
		free(kind);
	}
	xmlw_text(x, f->summary);
	xmlw_end(x);
}

/*
 * A result kept by `run --resume` goes out as the interrupted run's report
 * held it, byte for byte between its tags: rebuilding it from what was read
 * back could not reproduce capped values (their cut bytes are gone).
 */
static void
write_kept(xmlw_t *x, const char *xml, bool first)
{
	if (x->failed)
		return;
	/* The writer indents only its own elements: put this one in line (it
	 * ends lines after its tags, but a start tag closed by raw text is
	 * not followed by one). */
	if (xmlTextWriterWriteRaw(x->w, BAD_CAST (first ? "\n    " : "    ")) < 0 ||
	    xmlTextWriterWriteRaw(x->w, BAD_CAST xml) < 0 ||
	    xmlTextWriterWriteRaw(x->w, BAD_CAST "\n") < 0)
		x->failed = true;
}

static void
write_case(xmlw_t *x, const case_result_t *c, bool first)
{
	const tcase_t *tc = c->tc;
	const evidence_t *ev = c->ev;
	if (c->kept_xml) {
		write_kept(x, c->kept_xml, first);
		return;
	}
	xmlw_start(x, "testcase");
	xmlw_attr(x, "id", c->instance ? c->instance : tc ? tc->id : NULL);
	xmlw_attr(x, "case", tc ? tc->id : NULL);
	xmlw_attr(x, "verdict", verdict_str(report_case_verdict(c)));
	if (c->interrupted)
		xmlw_attr_bool(x, "interrupted", true);
	if (tc)
		xmlw_attr(x, "assessment",
		    tc->kind == CASE_CONCEPTUAL ? "conceptual" : "functional");
	write_times(x, c->start_ms, c->end_ms);
	xmlw_elem(x, "title", tc ? tc->title : NULL);
	xmlw_elem(x, "reason", c->reason);
	if (c->svc) {
		xmlw_start(x, "service");
		write_service_attrs(x, c->svc);
		xmlw_end(x);
	}
	if (tc && tc->n_maps > 0) {
		xmlw_start(x, "maps");
		for (size_t i = 0; i < tc->n_maps; i++) {
			if (!case_map_holds(c, &tc->maps[i]))
				continue;
			xmlw_start(x, "map");
			xmlw_attr(x, "framework", tc->maps[i].framework);
			xmlw_attr(x, "edition", tc->maps[i].edition);
			xmlw_attr(x, "ref", tc->maps[i].ref);
			xmlw_attr(x, "when", tc->maps[i].when);
			xmlw_end(x);
		}
		xmlw_end(x);
	}
	if (ev && ev->n_fields > 0) {
		xmlw_start(x, "fields");
		for (size_t i = 0; i < ev->n_fields; i++)
			write_field(x, &ev->fields[i]);
		xmlw_end(x);
	}
	for (size_t i = 0; ev && i < ev->n_findings; i++)
		write_finding(x, c, &ev->findings[i]);
	for (size_t i = 0; i < c->n_evrefs; i++)
		write_evref(x, &c->evrefs[i]);
	if (ev)
		xmlw_elem_bytes(x, "transcript", ev->transcript,
		    ev->transcript_len, TRANSCRIPT_MAX);
	xmlw_end(x);
}

static void
write_summary(xmlw_t *x, const run_t *r)
{
	size_t counts[V__COUNT], findings;
	report_counts(r, counts, &findings);
	xmlw_start(x, "summary");
	xmlw_attrf(x, "total", "%zu", r->n_results);
	xml_write_counts(x, counts);
	xmlw_attrf(x, "findings", "%zu", findings);
	xmlw_end(x);
}

int
report_write_xml(const run_t *r, const char *path, char *err, size_t errlen)
{
	xmlw_t x;
	if (xmlw_begin(&x, err, errlen) != 0)
		return -1;
	xmlw_start(&x, "report");
	xmlw_ns(&x, REPORT_NS);
	xmlw_attr(&x, "schema-version", REPORT_SCHEMA_VERSION);
	write_run(&x, r);
	write_scheme(&x, r->scheme);
	write_dut(&x, r);
	write_environment(&x, r);
	write_inventory(&x, r->target);
	xmlw_start(&x, "testcases");
	for (size_t i = 0; i < r->n_results; i++)
		write_case(&x, &r->results[i], i == 0);
	xmlw_end(&x);
	xml_write_rollups(&x, r);
	write_summary(&x, r);
	xmlw_end(&x);
	return xmlw_finish(&x, path, err, errlen);
}
