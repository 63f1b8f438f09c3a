/*
 * junit.xml for CI systems, in the common (Ant/Jenkins) JUnit layout: one
 * testsuite, one testcase per case instance.  JUnit knows only pass, failure,
 * error and skipped, so INCONCLUSIVE, NOT_APPLICABLE and NOT_RUN are
 * "skipped" with the real verdict leading the message: none of them may ever
 * look like a pass.
 */
#include "writer.h"
#include "xmlw.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double
seconds(int64_t start_ms, int64_t end_ms)
{
	return start_ms > 0 && end_ms >= start_ms ? (double)(end_ms - start_ms) / 1000.0 : 0.0;
}

/* "FAIL" and "INCONCLUSIVE: no login prompt within 5 s" */
static char *
message(verdict_t v, const char *reason, bool prefix)
{
	if (reason == NULL || *reason == '\0')
		return xstrdup(verdict_str(v));
	return prefix ? xasprintf("%s: %s", verdict_str(v), reason) : xstrdup(reason);
}

static void
outcome(xmlw_t *x, const case_result_t *c)
{
	verdict_t v = report_case_verdict(c);
	const char *elem;
	bool prefix = true;
	switch (v) {
	case V_PASS:
		return;
	case V_FAIL:
		elem = "failure";
		prefix = false;
		break;
	case V_ERROR:
		elem = "error";
		prefix = false;
		break;
	default:
		elem = "skipped";
		break;
	}
	char *m = message(v, c->reason, prefix);
	xmlw_start(x, elem);
	xmlw_attr(x, "message", m);
	if (v == V_FAIL || v == V_ERROR)
		xmlw_attr(x, "type", verdict_str(v));
	xmlw_end(x);
	free(m);
}

/* One line per finding: "[kind] tcp/23 telnet: summary (key=value, ...)". */
static void
findings_out(xmlw_t *x, const evidence_t *ev)
{
	if (ev == NULL || ev->n_findings == 0)
		return;
	buf_t b;
	buf_init(&b, SIZE_MAX);
	for (size_t i = 0; i < ev->n_findings; i++) {
		const finding_t *f = &ev->findings[i];
		buf_printf(&b, "[%s]", f->kind ? f->kind : "finding");
		if (f->port > 0)
			buf_printf(&b, " %s/%d", f->transport ? f->transport : "?", f->port);
		if (f->protocol)
			buf_printf(&b, " %s", f->protocol);
		buf_printf(&b, ": %s", f->summary ? f->summary : "");
		for (size_t j = 0; j < f->n_attrs; j++)
			buf_printf(&b, "%s%s=%s", j == 0 ? " (" : ", ",
			    f->attrs[j].key ? f->attrs[j].key : "?",
			    f->attrs[j].val ? f->attrs[j].val : "");
		buf_printf(&b, "%s\n", f->n_attrs > 0 ? ")" : "");
	}
	xmlw_elem(x, "system-out", b.data);
	buf_free(&b);
}

int
report_write_junit(const run_t *r, const char *path, char *err, size_t errlen)
{
	size_t counts[V__COUNT];
	report_counts(r, counts, NULL);
	/* The common schema's timestamp has no zone; ours is always UTC. */
	char ts[40];
	fmt_utc(r->start_ms, ts, sizeof(ts));
	ts[19] = '\0';

	xmlw_t x;
	if (xmlw_begin(&x, err, errlen) != 0)
		return -1;
	xmlw_start(&x, "testsuite");
	xmlw_attr(&x, "name", "iotcert");
	xmlw_attrf(&x, "tests", "%zu", r->n_results);
	xmlw_attrf(&x, "failures", "%zu", counts[V_FAIL]);
	xmlw_attrf(&x, "errors", "%zu", counts[V_ERROR]);
	xmlw_attrf(&x, "skipped", "%zu", counts[V_INCONCLUSIVE] +
	    counts[V_NOT_APPLICABLE] + counts[V_NOT_RUN]);
	xmlw_attrf(&x, "time", "%.3f", seconds(r->start_ms, r->end_ms));
	xmlw_attr(&x, "timestamp", ts);
	xmlw_attr(&x, "hostname", r->hostname);

	xmlw_start(&x, "properties");
	/* A CI job must be able to tell a stopped run (and a resumed one)
	 * from a complete first run without reading report.xml. */
	char *resumed = NULL;
	if (r->n_resumes > 0) {
		const run_resume_t *u = &r->resumes[r->n_resumes - 1];
		resumed = xasprintf("%zu time%s; last: %zu kept, %zu run again", r->n_resumes,
		    r->n_resumes == 1 ? "" : "s", u->kept, u->rerun);
	}
	const struct {
		const char *name, *value;
	} props[] = {
		{ "iotcert.version", r->tool_version ? r->tool_version : IOTCERT_VERSION },
		{ "iotcert.target", r->target_host },
		{ "iotcert.scheme", r->scheme ? r->scheme->name : NULL },
		{ "iotcert.interrupted", r->interrupted },
		{ "iotcert.interrupted.cause", r->interrupted ? r->stop_cause : NULL },
		{ "iotcert.resumed", resumed },
	};
	for (size_t i = 0; i < ARRAY_LEN(props); i++) {
		if (props[i].value == NULL)
			continue;
		xmlw_start(&x, "property");
		xmlw_attr(&x, "name", props[i].name);
		xmlw_attr(&x, "value", props[i].value);
		xmlw_end(&x);
	}
	xmlw_end(&x);
	free(resumed);

	for (size_t i = 0; i < r->n_results; i++) {
		const case_result_t *c = &r->results[i];
		const char *cid = c->tc ? c->tc->id : NULL;
		xmlw_start(&x, "testcase");
		xmlw_attr(&x, "classname", cid ? cid : c->instance);
		xmlw_attr(&x, "name", c->instance ? c->instance : cid);
		xmlw_attrf(&x, "time", "%.3f", seconds(c->start_ms, c->end_ms));
		outcome(&x, c);
		findings_out(&x, c->ev);
		xmlw_end(&x);
	}
	xmlw_end(&x);
	return xmlw_finish(&x, path, err, errlen);
}
