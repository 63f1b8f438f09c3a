/*
 * Report writers.  Each format is one row in the table in writers.c: a name
 * for the command line, the file it writes in the report directory, a line of
 * help, and a function that renders a finished run_t into a file.  Writers
 * read the run only; none keeps state between calls.  A new format is a new
 * file here and one row in that table (sealing, report/seal.h, is not a
 * format: it signs whatever the writers left in the directory).
 */
#ifndef IOTCERT_REPORT_WRITER_H
#define IOTCERT_REPORT_WRITER_H

#include <stddef.h>

#include "core/run.h"

#define REPORT_NS		"urn:iotcert:report:1"
#define REPORT_SCHEMA_VERSION	"1"
#define REPORT_XSD		"iotcert-report.xsd"	/* in reports/ */

/*
 * Writes `r` to `path` (replacing it atomically).  0, or -1 with a message in
 * err.  Evidence paths in the run are relative to the directory of `path`.
 */
typedef int (*report_write_fn)(const run_t *r, const char *path, char *err,
    size_t errlen);

typedef struct report_writer {
	const char *name;	/* "xml", "junit" */
	const char *file;	/* default file name: "report.xml" */
	const char *summary;	/* one line for --help */
	report_write_fn write;
} report_writer_t;

const report_writer_t *report_writer_find(const char *name);	/* NULL if unknown */
const report_writer_t *report_writers(size_t *n);		/* the whole table */

/*
 * Writes every registered format into the existing directory `dir` under its
 * default name.  Keeps going after a failure so one broken format does not
 * cost the others; returns -1 with the first error.
 */
int report_write_all(const run_t *r, const char *dir, char *err, size_t errlen);

/* The writers themselves, for callers that want one format at a path. */
int report_write_xml(const run_t *r, const char *path, char *err, size_t errlen);
int report_write_junit(const run_t *r, const char *path, char *err, size_t errlen);
/* report.xml through reports/iotcert-report.xsl (html.h has the details). */
int report_write_html(const run_t *r, const char *path, char *err, size_t errlen);

/*
 * The verdict a writer shows for a case: V_NONE (never decided, a harness
 * bug) is shown as ERROR so it can never look like a result.
 */
verdict_t report_case_verdict(const case_result_t *c);
/* Case counts per shown verdict, and the total number of findings. */
void report_counts(const run_t *r, size_t counts[V__COUNT], size_t *findings);

#endif
