/*
 * The one table of report writers, and the helpers every writer shares.
 */
#include "writer.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const report_writer_t writers[] = {
	{ "xml", "report.xml",
	  "lab report (urn:iotcert:report:1, reports/" REPORT_XSD ")",
	  report_write_xml },
	{ "junit", "junit.xml",
	  "JUnit XML for CI: one testcase per case instance",
	  report_write_junit },
	{ "html", "report.html",
	  "report.xml rendered for people by reports/iotcert-report.xsl",
	  report_write_html },
};

const report_writer_t *
report_writer_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(writers); i++)
		if (strcmp(writers[i].name, name) == 0)
			return &writers[i];
	return NULL;
}

const report_writer_t *
report_writers(size_t *n)
{
	*n = ARRAY_LEN(writers);
	return writers;
}

int
report_write_all(const run_t *r, const char *dir, char *err, size_t errlen)
{
	int rc = 0;
	for (size_t i = 0; i < ARRAY_LEN(writers); i++) {
		char *path = xasprintf("%s/%s", dir, writers[i].file);
		char e[512] = "";
		if (writers[i].write(r, path, e, sizeof(e)) != 0) {
			if (rc == 0)
				snprintf(err, errlen, "%s report: %s",
				    writers[i].name, e);
			rc = -1;
		}
		free(path);
	}
	return rc;
}

verdict_t
report_case_verdict(const case_result_t *c)
{
	if (c->verdict <= V_NONE || c->verdict >= V__COUNT)
		return V_ERROR;
	return c->verdict;
}

void
report_counts(const run_t *r, size_t counts[V__COUNT], size_t *findings)
{
	memset(counts, 0, sizeof(size_t) * V__COUNT);
	size_t nf = 0;
	for (size_t i = 0; i < r->n_results; i++) {
		const case_result_t *c = &r->results[i];
		counts[report_case_verdict(c)]++;
		nf += c->ev ? c->ev->n_findings : 0;
	}
	if (findings)
		*findings = nf;
}
